/*
 * notify_mailto.c: the engine's built-in validation of mailto: notify
 * methods (RFC 5436 2 over the RFC 6068 URI syntax): the to part (comma
 * separated addr-specs, percent-decoded; an encoded comma separates too,
 * as Pigeonhole accepts), hfields (name=value pairs, names checked as RFC
 * 5322 field names), to/cc header recipients, subject and body.  Header
 * fields RFC 5436 2.7 says MUST be ignored (and the ones Pigeonhole
 * drops) are dropped.  Sending is the mailto plugin's job, not ours.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "enotify.h"
#include "message.h"
#include "util.h"

/* RFC 6068 qchar minus pct-encoded: unreserved / some-delims; '/' and
 * '?' are accepted as RFC 3986 query characters. */
static bool mailto_qchar(unsigned char c, bool in_value)
{
	if (isalnum(c) || strchr("-._~!$'()*+,;:@", c) != NULL)
		return c != '\0';
	return in_value && c != '\0' && strchr("/?=", c) != NULL;
}

static int mailto_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Percent-decode s[0..n) checking the raw characters; NULL and *error_r
 * (static) on a bad character, bad escape or encoded NUL. */
static char *mailto_decode(const char *s, size_t n, bool in_value,
			   const char *what, char **error_r)
{
	struct sv_str b = { 0 };

	sv_str_add(&b, "", 0);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%') {
			int h = i + 2 < n ? mailto_hex(s[i + 1]) : -1;
			int l = h >= 0 ? mailto_hex(s[i + 2]) : -1;
			if (h < 0 || l < 0 || (h | l) == 0) {
				*error_r = sv_asprintf("invalid %%-encoding in %s",
						       what);
				sv_str_free(&b);
				return NULL;
			}
			sv_str_addc(&b, (char)(h * 16 + l));
			i += 2;
		} else if (!mailto_qchar(c, in_value)) {
			*error_r = sv_asprintf("invalid character in %s", what);
			sv_str_free(&b);
			return NULL;
		} else {
			sv_str_addc(&b, (char)c);
		}
	}
	return sv_str_steal(&b);
}

/* One bare addr-spec: parses as a single address with a local part and
 * a domain, and has no display name or angle brackets. */
static bool mailto_addr_spec(const char *s)
{
	struct sieve_address *a = NULL;
	size_t n = sieve_address_list_parse(s, &a);
	bool ok = n == 1 && a[0].localpart != NULL && a[0].domain != NULL &&
		  a[0].domain[0] != '\0' && a[0].name == NULL &&
		  strchr(s, '<') == NULL;

	sieve_address_list_free(a, n);
	return ok;
}

static void mailto_add_recipient(struct sieve_mailto *m, const char *addr)
{
	for (size_t i = 0; i < m->nrecipients; i++)
		if (strcasecmp(m->recipients[i], addr) == 0)
			return;
	if (m->nrecipients >= SIEVE_MAILTO_MAX_RECIPIENTS) {
		m->discarded = true;
		return;
	}
	m->recipients = sv_realloc(m->recipients,
				   (m->nrecipients + 1) * sizeof(char *));
	m->recipients[m->nrecipients++] = sv_strdup(addr);
}

/* The to part: addr-specs separated by ',' (raw or %2C).  Splits outside
 * quoted local parts only. */
static bool mailto_parse_to(struct sieve_mailto *m, const char *s, size_t n,
			    char **error_r)
{
	char *dec = mailto_decode(s, n, false, "`to' part", error_r);
	char *p, *start;
	bool quoted = false;

	if (dec == NULL)
		return false;
	for (p = start = dec;; p++) {
		if (*p == '"' && (p == dec || p[-1] != '\\'))
			quoted = !quoted;
		if ((*p != ',' || quoted) && *p != '\0')
			continue;
		char end = *p;
		*p = '\0';
		if (!mailto_addr_spec(start)) {
			*error_r = sv_asprintf("invalid recipient '%s'", start);
			free(dec);
			return false;
		}
		mailto_add_recipient(m, start);
		if (end == '\0')
			break;
		start = p + 1;
	}
	free(dec);
	return true;
}

/* Recipients given in a to/cc header field: an address list (display
 * names allowed, RFC 2047 words included). */
static bool mailto_header_recipients(struct sieve_mailto *m, const char *v,
				     char **error_r)
{
	struct sieve_address *a = NULL;
	size_t n = sieve_address_list_parse(v, &a);
	bool ok = n > 0;

	for (size_t i = 0; ok && i < n; i++) {
		if (a[i].localpart == NULL || a[i].domain == NULL ||
		    a[i].domain[0] == '\0')
			ok = false;
		else
			mailto_add_recipient(m, a[i].all);
	}
	sieve_address_list_free(a, n);
	if (!ok)
		*error_r = sv_asprintf("invalid header recipient '%s'", v);
	return ok;
}

static bool mailto_field_name_ok(const char *name)
{
	if (*name == '\0')
		return false;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 33 || *p > 126 || *p == ':')
			return false;
	return true;
}

/* RFC 5436 2.7 MUST ignore from, auto-submitted and received; Pigeonhole
 * also drops these, which would let a URI forge threading or identity. */
static bool mailto_ignored_header(const char *name)
{
	static const char *const ignored[] = {
		"from", "sender", "auto-submitted", "received", "message-id",
		"bcc", "in-reply-to", "references", "date", "return-path",
	};

	if (strncasecmp(name, "resent-", 7) == 0)
		return true;
	for (size_t i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++)
		if (strcasecmp(name, ignored[i]) == 0)
			return true;
	return false;
}

static bool mailto_add_header(struct sieve_mailto *m, char *name,
			      char *value, char **error_r)
{
	if (strcasecmp(name, "to") == 0 || strcasecmp(name, "cc") == 0)
		return mailto_header_recipients(m, value, error_r);
	if (strcasecmp(name, "subject") == 0 || strcasecmp(name, "body") == 0) {
		char **slot = tolower((unsigned char)name[0]) == 's' ?
			&m->subject : &m->body;
		if (*slot == NULL)
			*slot = sv_strdup(value);
		return true;
	}
	if (mailto_ignored_header(name))
		return true;
	if (m->nheaders >= SIEVE_MAILTO_MAX_HEADERS) {
		m->discarded = true;
		return true;
	}
	m->headers = sv_realloc(m->headers,
				(m->nheaders + 1) * sizeof(*m->headers));
	m->headers[m->nheaders].name = sv_strdup(name);
	m->headers[m->nheaders].value = sv_strdup(value);
	m->nheaders++;
	return true;
}

/* One hfield "name=value" from s[0..n). */
static bool mailto_parse_hfield(struct sieve_mailto *m, const char *s,
				size_t n, char **error_r)
{
	const char *eq = memchr(s, '=', n);
	char *name, *value;
	bool ok;

	if (eq == NULL) {
		*error_r = sv_asprintf("header field without '=' in URI");
		return false;
	}
	name = mailto_decode(s, (size_t)(eq - s), false, "header name",
			     error_r);
	if (name == NULL)
		return false;
	if (!mailto_field_name_ok(name)) {
		*error_r = sv_asprintf("invalid header name '%s'", name);
		free(name);
		return false;
	}
	value = mailto_decode(eq + 1, (size_t)(s + n - eq - 1), true,
			      "header value", error_r);
	ok = value != NULL && mailto_add_header(m, name, value, error_r);
	free(name);
	free(value);
	return ok;
}

static bool mailto_parse_hfields(struct sieve_mailto *m, const char *q,
				 char **error_r)
{
	while (*q != '\0') {
		size_t n = strcspn(q, "&");
		if (n > 0 && !mailto_parse_hfield(m, q, n, error_r))
			return false;
		q += n;
		if (*q == '&')
			q++;
	}
	return true;
}

bool sieve_mailto_parse(const char *uri, struct sieve_mailto **m_r,
			char **error_r)
{
	struct sieve_mailto *m = sv_calloc(1, sizeof(*m));
	const char *to, *q;
	bool ok;

	*error_r = NULL;
	if (strncasecmp(uri, "mailto:", 7) != 0) {
		*error_r = sv_strdup("not a mailto: URI");
		ok = false;
		goto out;
	}
	to = uri + 7;
	q = strchr(to, '?');
	ok = q == to || mailto_parse_to(m, to, q ? (size_t)(q - to) :
					strlen(to), error_r);
	if (ok && q != NULL)
		ok = mailto_parse_hfields(m, q + 1, error_r);
	if (ok && m->nrecipients == 0) {
		*error_r = sv_strdup("mailto URI specifies no recipients");
		ok = false;
	}
out:
	if (ok && m_r != NULL)
		*m_r = m;
	else
		sieve_mailto_free(&m);
	return ok;
}

void sieve_mailto_free(struct sieve_mailto **mp)
{
	struct sieve_mailto *m = *mp;

	if (m == NULL)
		return;
	for (size_t i = 0; i < m->nrecipients; i++)
		free(m->recipients[i]);
	for (size_t i = 0; i < m->nheaders; i++) {
		free(m->headers[i].name);
		free(m->headers[i].value);
	}
	free(m->recipients);
	free(m->headers);
	free(m->subject);
	free(m->body);
	free(m);
	*mp = NULL;
}

bool sieve_mailto_from_valid(const char *from)
{
	struct sieve_address *a = NULL;
	size_t n = sieve_address_list_parse(from, &a);
	bool ok = n == 1 && a[0].localpart != NULL && a[0].domain != NULL &&
		  a[0].domain[0] != '\0';

	sieve_address_list_free(a, n);
	return ok;
}
