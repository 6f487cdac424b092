/*
 * enotify_util.c: the pure parts of enotify (RFC 5435): :options syntax
 * (3.7), URI scheme extraction (RFC 3986 3.1) and the :encodeurl set
 * modifier (section 6, percent-encoding outside the unreserved set).
 */
#include <ctype.h>
#include <string.h>

#include "enotify.h"
#include "util.h"

bool sieve_notify_option_valid(const char *opt, const char **error_r)
{
	const char *p = opt;

	if (!isalnum((unsigned char)*p)) {
		*error_r = "option name must start with a letter or digit";
		return false;
	}
	while (isalnum((unsigned char)*p) || *p == '.' || *p == '-' ||
	       *p == '_')
		p++;
	if (*p != '=') {
		*error_r = "option must have the form name=value";
		return false;
	}
	if (strpbrk(p + 1, "\r\n") != NULL) {
		*error_r = "option value contains a line break";
		return false;
	}
	return true;
}

char *sieve_uri_scheme(const char *uri)
{
	size_t n = 0;

	if (!isalpha((unsigned char)uri[0]))
		return NULL;
	while (isalnum((unsigned char)uri[n]) || uri[n] == '+' ||
	       uri[n] == '-' || uri[n] == '.')
		n++;
	if (uri[n] != ':')
		return NULL;
	char *s = sv_strndup(uri, n);
	for (size_t i = 0; i < n; i++)
		s[i] = (char)tolower((unsigned char)s[i]);
	return s;
}

static bool encodeurl_unreserved(unsigned char c)
{
	return isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/* Length of the unit starting at p: a whole UTF-8 sequence (lead byte
 * plus the continuation bytes actually present), else one byte. */
static size_t encodeurl_unit(const unsigned char *p, size_t left)
{
	size_t want = 1, n = 1;

	if (*p >= 0xf0 && *p < 0xf8)
		want = 4;
	else if (*p >= 0xe0)
		want = *p < 0xf0 ? 3 : 1;
	else if (*p >= 0xc0)
		want = 2;
	while (n < want && n < left && (p[n] & 0xc0) == 0x80)
		n++;
	return n;
}

char *sieve_encodeurl(const char *in, size_t len, size_t max, size_t *len_r)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)in;
	struct sv_str b = { 0 };
	size_t i = 0;

	sv_str_add(&b, "", 0);
	while (i < len) {
		size_t n = encodeurl_unit(p + i, len - i);
		size_t out = n == 1 && encodeurl_unreserved(p[i]) ? 1 : 3 * n;
		if (max > 0 && b.len + out > max)
			break;
		for (size_t k = 0; k < n; k++) {
			unsigned char c = p[i + k];
			if (out == 1) {
				sv_str_addc(&b, (char)c);
			} else {
				char e[3] = { '%', hex[c >> 4], hex[c & 15] };
				sv_str_add(&b, e, 3);
			}
		}
		i += n;
	}
	if (len_r != NULL)
		*len_r = b.len;
	return sv_str_steal(&b);
}
