/*
 * date.c: RFC 5322 section 3.3 date-time for the date and index
 * extensions: optional day-of-week, day, month name, year, hh:mm[:ss]
 * and zone, with the obsolete forms of 4.3 (two- and three-digit years,
 * zone names UT GMT EST..PDT, military letters taken as -0000, a missing
 * comma), comments and extra whitespace.  Fields are range-checked (the
 * day against its month); a leap second is clamped to :59.  Leaves out
 * the day-of-week consistency check: RFC 5322 allows none to be made.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "message_int.h"

struct sv_dcur {
	const char *s;
	size_t i, n;
};

/* Copy in with comments replaced by a space; NULL if one is open. */
static char *sv_date_strip(const char *in)
{
	struct sv_str b = { 0 };
	unsigned depth = 0;

	for (const char *p = in; *p; p++) {
		if (*p == '\\' && depth > 0 && p[1] != '\0')
			p++;
		else if (*p == '(')
			depth++;
		else if (*p == ')' && depth > 0) {
			if (--depth == 0)
				sv_str_addc(&b, ' ');
		} else if (depth == 0)
			sv_str_addc(&b, *p);
	}
	if (depth > 0) {	/* unterminated comment */
		sv_str_free(&b);
		return NULL;
	}
	return sv_str_steal(&b);
}

static void sv_dskip(struct sv_dcur *c)
{
	while (c->i < c->n && (isspace((unsigned char)c->s[c->i]) ||
			       c->s[c->i] == ','))
		c->i++;
}

/* 1..maxd digits; returns the count read and the value. */
static int sv_dnum(struct sv_dcur *c, int maxd, int *v_r)
{
	int d = 0, v = 0;

	while (c->i < c->n && d < maxd && isdigit((unsigned char)c->s[c->i])) {
		v = v * 10 + (c->s[c->i++] - '0');
		d++;
	}
	*v_r = v;
	return d;
}

/* An alphabetic word; returns its length (copied to w, lowercase). */
static size_t sv_dword(struct sv_dcur *c, char *w, size_t wsize)
{
	size_t k = 0;

	while (c->i < c->n && isalpha((unsigned char)c->s[c->i])) {
		if (k + 1 < wsize)
			w[k] = (char)tolower((unsigned char)c->s[c->i]);
		k++;
		c->i++;
	}
	w[k < wsize ? k : wsize - 1] = '\0';
	return k;
}

static int sv_month(const char *w)
{
	static const char *const m[] = { "jan", "feb", "mar", "apr", "may",
					 "jun", "jul", "aug", "sep", "oct",
					 "nov", "dec" };
	for (int i = 0; i < 12; i++)
		if (strcmp(w, m[i]) == 0)
			return i;
	return -1;
}

/* Zone in minutes east of UTC: 1 found, 0 absent, -1 malformed. */
static int sv_zone(struct sv_dcur *c, int *zone_r)
{
	static const struct { const char *n; int h; } names[] = {
		{ "ut", 0 }, { "utc", 0 }, { "gmt", 0 }, { "z", 0 },
		{ "est", -5 }, { "edt", -4 }, { "cst", -6 }, { "cdt", -5 },
		{ "mst", -7 }, { "mdt", -6 }, { "pst", -8 }, { "pdt", -7 },
	};
	char w[8];
	int v;

	sv_dskip(c);
	if (c->i < c->n && (c->s[c->i] == '+' || c->s[c->i] == '-')) {
		int sign = c->s[c->i++] == '-' ? -1 : 1;
		if (sv_dnum(c, 4, &v) != 4 || v % 100 > 59)
			return -1;
		*zone_r = sign * (v / 100 * 60 + v % 100);
		return 1;
	}
	if (c->i == c->n)
		return 0;
	if (sv_dword(c, w, sizeof(w)) == 0)
		return -1;
	*zone_r = 0;	/* military letters and unknown names: -0000 */
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(w, names[i].n) == 0)
			*zone_r = names[i].h * 60;
	return 1;
}

/* day month year; false when malformed. */
static bool sv_date_part(struct sv_dcur *c, struct tm *tm)
{
	char w[16];
	int v, d;

	sv_dskip(c);
	if (c->i < c->n && isalpha((unsigned char)c->s[c->i])) {
		sv_dword(c, w, sizeof(w));	/* day-of-week */
		sv_dskip(c);
	}
	if (sv_dnum(c, 2, &tm->tm_mday) == 0)
		return false;
	sv_dskip(c);
	if (c->i < c->n && c->s[c->i] == '-')
		c->i++;	/* "1-Jan-2024" seen in the wild */
	if (sv_dword(c, w, sizeof(w)) != 3 || (tm->tm_mon = sv_month(w)) < 0)
		return false;
	if (c->i < c->n && c->s[c->i] == '-')
		c->i++;
	sv_dskip(c);
	d = sv_dnum(c, 4, &v);
	if (d == 0)
		return false;
	if (d == 2)
		v += v < 50 ? 2000 : 1900;	/* RFC 5322 4.3 */
	else if (d == 3)
		v += 1900;
	tm->tm_year = v - 1900;
	return tm->tm_mday >= 1 && tm->tm_mday <= 31;
}

static bool sv_time_part(struct sv_dcur *c, struct tm *tm)
{
	sv_dskip(c);
	if (sv_dnum(c, 2, &tm->tm_hour) == 0 || c->i >= c->n ||
	    c->s[c->i++] != ':' || sv_dnum(c, 2, &tm->tm_min) != 2)
		return false;
	if (c->i < c->n && c->s[c->i] == ':') {
		c->i++;
		if (sv_dnum(c, 2, &tm->tm_sec) != 2)
			return false;
	}
	if (tm->tm_sec == 60)
		tm->tm_sec = 59;	/* leap second */
	return tm->tm_hour <= 23 && tm->tm_min <= 59 && tm->tm_sec <= 59;
}

bool sieve_date_parse(const char *in, time_t *t_r, int *zone_minutes_r)
{
	struct tm tm = { 0 };
	int zone = 0, mday;
	bool ok;
	char *s;

	if (in == NULL)
		return false;
	s = sv_date_strip(in);
	if (s == NULL)
		return false;
	struct sv_dcur c = { s, 0, strlen(s) };
	/* no zone at all is taken as -0000 */
	ok = sv_date_part(&c, &tm) && sv_time_part(&c, &tm) &&
	     sv_zone(&c, &zone) >= 0;
	/* anything after the zone ("+0100 CET") is ignored */
	free(s);
	if (!ok)
		return false;
	mday = tm.tm_mday;
	time_t t = timegm(&tm);
	if (t == (time_t)-1 || tm.tm_mday != mday)
		return false;	/* e.g. 31 Feb: timegm moved the day */
	*t_r = t - (time_t)zone * 60;
	if (zone_minutes_r != NULL)
		*zone_minutes_r = zone;
	return true;
}
