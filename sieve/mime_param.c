/*
 * mime_param.c: parameters of a MIME header field (RFC 2045 5.1:
 * `; name=token` or `; name="quoted"`), with RFC 2231 extensions: a
 * value split into numbered sections (name*0, name*1, ...), and
 * charset'language'percent-encoded values (name*=, name*0*=), converted
 * to UTF-8.  Quotes are honoured when looking for the next ";".  At most
 * SV_PARAM_MAX_SECTIONS sections are joined.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "message_int.h"

#define SV_PARAM_MAX_SECTIONS 64

/* One parameter at p (after its ";"): name span and value (unquoted)
 * into val.  Returns the start of the next parameter, NULL at the end. */
static const char *sv_param_one(const char *p, const char **name_r,
				size_t *nlen_r, struct sv_str *val)
{
	while (isspace((unsigned char)*p))
		p++;
	*name_r = p;
	while (*p && *p != '=' && *p != ';' && !isspace((unsigned char)*p))
		p++;
	*nlen_r = (size_t)(p - *name_r);
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '=') {
		for (p++; isspace((unsigned char)*p); p++)
			;
	} else {
		*nlen_r = 0;	/* no value: no parameter */
	}
	if (*p == '"') {
		for (p++; *p && *p != '"'; p++) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			sv_str_addc(val, *p);
		}
	} else {
		for (; *p && *p != ';' && !isspace((unsigned char)*p); p++)
			sv_str_addc(val, *p);
	}
	while (*p && *p != ';')
		p++;	/* closing quote, trailing junk */
	return *p == ';' ? p + 1 : NULL;
}

static int sv_hexv(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Append the RFC 2231 percent-decoded v to b (bad escapes kept). */
static void sv_pct_decode(struct sv_str *b, const char *v, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		int hi = i + 2 < len ? sv_hexv(v[i + 1]) : -1;
		int lo = i + 2 < len ? sv_hexv(v[i + 2]) : -1;
		if (v[i] == '%' && hi >= 0 && lo >= 0) {
			sv_str_addc(b, (char)(hi << 4 | lo));
			i += 2;
		} else {
			sv_str_addc(b, v[i]);
		}
	}
}

struct sv_pjoin {
	struct sv_str sect[SV_PARAM_MAX_SECTIONS];
	bool have[SV_PARAM_MAX_SECTIONS];
	char charset[64];
};

/* Section number and extended flag from what follows "name*": "" is
 * the single extended value, "N" a plain and "N*" an extended section.
 * -1 when it is none of these. */
static int sv_section(const char *suffix, size_t slen, bool *ext_r)
{
	int n = 0;

	if (slen == 0) {
		*ext_r = true;
		return 0;
	}
	*ext_r = suffix[slen - 1] == '*';
	slen -= *ext_r ? 1 : 0;
	if (slen == 0 || slen > 2)
		return -1;
	for (size_t i = 0; i < slen; i++) {
		if (!isdigit((unsigned char)suffix[i]))
			return -1;
		n = n * 10 + (suffix[i] - '0');
	}
	return n < SV_PARAM_MAX_SECTIONS ? n : -1;
}

static void sv_pjoin_add(struct sv_pjoin *j, const char *suffix, size_t slen,
			 const struct sv_str *val)
{
	const char *v = val->s ? val->s : "";
	size_t vlen = val->len;
	bool ext;
	int n = sv_section(suffix, slen, &ext);

	if (n < 0 || j->have[n])
		return;
	j->have[n] = true;
	if (!ext) {
		sv_str_add(&j->sect[n], v, vlen);
		return;
	}
	const char *q1 = n == 0 ? memchr(v, '\'', vlen) : NULL;
	const char *q2 = q1 ? memchr(q1 + 1, '\'', vlen - (size_t)(q1 + 1 - v))
			    : NULL;
	if (q2 != NULL) {	/* charset'language'value */
		size_t cl = (size_t)(q1 - v);
		if (cl < sizeof(j->charset)) {
			memcpy(j->charset, v, cl);
			j->charset[cl] = '\0';
		}
		vlen -= (size_t)(q2 + 1 - v);
		v = q2 + 1;
	}
	sv_pct_decode(&j->sect[n], v, vlen);
}

/* The joined sections (0, 1, ... while present), in UTF-8, or NULL. */
static char *sv_pjoin_result(struct sv_arena *a, struct sv_pjoin *j)
{
	struct sv_str b = { 0 };
	char *r = NULL;

	for (int i = 0; i < SV_PARAM_MAX_SECTIONS && j->have[i]; i++)
		sv_str_add(&b, j->sect[i].s ? j->sect[i].s : "",
			   j->sect[i].len);
	if (j->have[0]) {
		size_t n;
		char *u = j->charset[0] ? sieve_charset_to_utf8(
				j->charset, b.s, b.len, &n) : NULL;
		if (u == NULL) {
			struct sv_str fix = { 0 };
			sv_utf8_append(&fix, b.s, b.len);
			sv_str_add(&fix, "", 0);
			u = sv_str_steal(&fix);
		}
		r = sv_arena_strdup(a, u);
		free(u);
	}
	sv_str_free(&b);
	for (int i = 0; i < SV_PARAM_MAX_SECTIONS; i++)
		sv_str_free(&j->sect[i]);
	return r;
}

char *sv_mime_param(struct sv_arena *a, const char *value, const char *name)
{
	struct sv_pjoin *j = sv_calloc(1, sizeof(*j));
	size_t nlen = strlen(name);
	char *plain = NULL, *r;
	const char *p = strchr(value, ';');

	for (p = p ? p + 1 : NULL; p != NULL;) {
		struct sv_str val = { 0 };
		const char *pn;
		size_t pl;
		p = sv_param_one(p, &pn, &pl, &val);
		if (pl >= nlen && strncasecmp(pn, name, nlen) == 0) {
			if (pl == nlen && plain == NULL)
				plain = sv_arena_strdup(a, val.s ? val.s : "");
			else if (pl > nlen && pn[nlen] == '*')
				sv_pjoin_add(j, pn + nlen + 1, pl - nlen - 1,
					     &val);
		}
		sv_str_free(&val);
	}
	r = sv_pjoin_result(a, j);	/* RFC 2231 form wins */
	free(j);
	return r != NULL ? r : plain;
}
