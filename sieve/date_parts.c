/*
 * date_parts.c: RFC 5260 2.4 date-parts.  A time is shifted into the
 * requested zone and broken down with gmtime_r, so no process time zone
 * state is touched; "julian" is the Modified Julian Day of the shifted
 * date; "zone" is the requested offset as +hhmm/-hhmm.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "date_parts.h"

static const char *const date_part_names[] = {
	"year", "month", "day", "date", "julian", "hour", "minute", "second",
	"time", "iso8601", "std11", "zone", "weekday",
};

bool sieve_date_part_valid(const char *name)
{
	for (size_t i = 0; i < sizeof(date_part_names) / sizeof(char *); i++)
		if (strcasecmp(name, date_part_names[i]) == 0)
			return true;
	return false;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; H. Hinnant's
 * days_from_civil). */
static long long date_days_from_civil(long long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

static void date_zone_str(int zone, char *buf, size_t n, bool colon)
{
	int a = zone < 0 ? -zone : zone;

	snprintf(buf, n, colon ? "%c%02d:%02d" : "%c%02d%02d",
		 zone < 0 ? '-' : '+', a / 60 % 100, a % 60);
}

bool sieve_date_part(time_t t, int zone_minutes, const char *part,
		     char *buf)
{
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
					  "Fri", "Sat" };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May",
					   "Jun", "Jul", "Aug", "Sep", "Oct",
					   "Nov", "Dec" };
	const size_t n = SIEVE_DATE_PART_MAX;
	time_t lt = t + (time_t)zone_minutes * 60;
	struct tm tm;
	char z[8], zc[8];

	if (gmtime_r(&lt, &tm) == NULL || tm.tm_year + 1900 > 9999 ||
	    tm.tm_year + 1900 < 0)
		return false;
	date_zone_str(zone_minutes, z, sizeof(z), false);
	date_zone_str(zone_minutes, zc, sizeof(zc), true);
	int y = tm.tm_year + 1900, mo = tm.tm_mon + 1;
	if (strcasecmp(part, "year") == 0)
		snprintf(buf, n, "%04d", y);
	else if (strcasecmp(part, "month") == 0)
		snprintf(buf, n, "%02d", mo);
	else if (strcasecmp(part, "day") == 0)
		snprintf(buf, n, "%02d", tm.tm_mday);
	else if (strcasecmp(part, "date") == 0)
		snprintf(buf, n, "%04d-%02d-%02d", y, mo, tm.tm_mday);
	else if (strcasecmp(part, "julian") == 0)
		snprintf(buf, n, "%lld", date_days_from_civil(y, (unsigned)mo,
				(unsigned)tm.tm_mday) + 40587);
	else if (strcasecmp(part, "hour") == 0)
		snprintf(buf, n, "%02d", tm.tm_hour);
	else if (strcasecmp(part, "minute") == 0)
		snprintf(buf, n, "%02d", tm.tm_min);
	else if (strcasecmp(part, "second") == 0)
		snprintf(buf, n, "%02d", tm.tm_sec);
	else if (strcasecmp(part, "time") == 0)
		snprintf(buf, n, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min,
			 tm.tm_sec);
	else if (strcasecmp(part, "iso8601") == 0)
		snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d%s", y, mo,
			 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, zc);
	else if (strcasecmp(part, "std11") == 0)
		snprintf(buf, n, "%s, %02d %s %04d %02d:%02d:%02d %s",
			 wd[tm.tm_wday], tm.tm_mday, mon[tm.tm_mon], y,
			 tm.tm_hour, tm.tm_min, tm.tm_sec, z);
	else if (strcasecmp(part, "zone") == 0)
		snprintf(buf, n, "%s", z);
	else if (strcasecmp(part, "weekday") == 0)
		snprintf(buf, n, "%d", tm.tm_wday);
	else
		return false;
	return true;
}

bool sieve_date_zone_parse(const char *s, int *zone_minutes_r)
{
	if (strlen(s) != 5 || (s[0] != '+' && s[0] != '-'))
		return false;
	for (int i = 1; i < 5; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	int h = (s[1] - '0') * 10 + (s[2] - '0');
	int m = (s[3] - '0') * 10 + (s[4] - '0');
	if (m > 59)
		return false;
	*zone_minutes_r = (s[0] == '-' ? -1 : 1) * (h * 60 + m);
	return true;
}

int sieve_date_local_zone(time_t t)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return 0;
	return (int)(tm.tm_gmtoff / 60);
}
