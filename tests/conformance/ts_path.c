/*
 * ts_path.c: SMTP paths for test_set "envelope.*" (RFC 5321 4.1.2):
 * "<" [ A-d-l ":" ] Mailbox ">" with the brackets optional, the source
 * route dropped, a bare local part allowed (as upstream's harness
 * does).  An unparsable path is NULL: the null path for a sender, no
 * recipient at all for envelope "to" (upstream's harness logs it).
 */
#include <ctype.h>
#include <string.h>

#include "ts.h"

static bool atext(char c)
{
	if (c == '\0')
		return false;
	return isalnum((unsigned char)c) || (unsigned char)c >= 0x80 ||
		strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

/* Domain = sub-domain *("." sub-domain) / address literal; end of it. */
static const char *domain(const char *p)
{
	if (*p == '[') {
		const char *q = strchr(p, ']');
		return q ? q + 1 : NULL;
	}
	for (;;) {
		const char *s = p;
		while (isalnum((unsigned char)*p) || *p == '-' || *p == '_')
			p++;
		if (p == s)
			return NULL;
		if (*p != '.')
			return p;
		p++;
	}
}

static const char *local_part(const char *p)
{
	if (*p == '"') {
		for (p++; *p && *p != '"'; p++)
			if (*p == '\\' && p[1])
				p++;
		return *p == '"' ? p + 1 : NULL;
	}
	/* dots anywhere, as Japanese mobile carriers' addresses have them
	 * and upstream accepts */
	const char *s = p;
	while (atext(*p) || *p == '.')
		p++;
	return p == s ? NULL : p;
}

/* "@d1,@d2:" source route; the position after it (p if none). */
static const char *route(const char *p)
{
	if (*p != '@')
		return p;
	for (;;) {
		if (*p != '@' || (p = domain(p + 1)) == NULL)
			return NULL;
		if (*p == ':')
			return p + 1;
		if (*p != ',')
			return NULL;
		p++;
	}
}

const char *ts_smtp_path(const char *val)
{
	char *s = ts_keep(sv_strdup(val));
	size_t len = strlen(s);
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		s[--len] = '\0';
	while (isspace((unsigned char)*s))
		s++, len--;
	bool br = s[0] == '<';
	if (br != (len > 0 && s[len - 1] == '>'))
		return NULL;
	if (br) {
		s[len - 1] = '\0';
		s++;
	}
	if (*s == '\0')
		return "";
	const char *p = route(s), *lp, *end;
	if (p == NULL || (end = local_part(p)) == NULL)
		return NULL;
	lp = p;
	if (*end == '\0')
		return lp;	/* a bare local part */
	if (*end != '@' || (p = domain(end + 1)) == NULL || *p != '\0')
		return NULL;
	return lp;
}
