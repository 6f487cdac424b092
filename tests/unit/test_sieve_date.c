/* test_sieve_date.c: RFC 5260 date-parts and :zone parsing, fed by the
 * mail helper's sieve_date_parse. */
#include <stdlib.h>
#include <string.h>

#include "../../sieve/date_parts.h"
#include "../../sieve/message.h"
#include "unit.h"

/* Pigeonhole's date-parts.svtest, :originalzone of
 * "Mon, 20 Jul 2009 21:44:43 +0300". */
UNIT_TEST(parts_original_zone)
{
	static const struct {
		const char *part, *want;
	} cases[] = {
		{ "year", "2009" }, { "month", "07" }, { "day", "20" },
		{ "date", "2009-07-20" }, { "julian", "55032" },
		{ "hour", "21" }, { "minute", "44" }, { "second", "43" },
		{ "time", "21:44:43" },
		{ "iso8601", "2009-07-20T21:44:43+03:00" },
		{ "std11", "Mon, 20 Jul 2009 21:44:43 +0300" },
		{ "zone", "+0300" }, { "weekday", "1" }, { "YEAR", "2009" },
	};
	time_t t;
	int zone;
	char buf[SIEVE_DATE_PART_MAX];

	CHECK(sieve_date_parse("Mon, 20 Jul 2009 21:44:43 +0300", &t, &zone));
	CHECK_INT(zone, 180);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK(sieve_date_part_valid(cases[i].part));
		if (!sieve_date_part(t, zone, cases[i].part, buf))
			UNIT_FAIL("%s: no value", cases[i].part);
		else if (strcmp(buf, cases[i].want) != 0)
			UNIT_FAIL("%s: got %s, want %s", cases[i].part, buf,
				  cases[i].want);
	}
	CHECK(!sieve_date_part_valid("fortnight"));
	CHECK(!sieve_date_part(t, zone, "fortnight", buf));
}

UNIT_TEST(parts_shifted_zone)
{
	time_t t;
	int zone;
	char buf[SIEVE_DATE_PART_MAX];

	CHECK(sieve_date_parse("Mon, 20 Jul 2009 21:44:43 +0300", &t, &zone));
	CHECK(sieve_date_part(t, 120, "time", buf));
	CHECK_STR(buf, "20:44:43");
	CHECK(sieve_date_part(t, 120, "zone", buf));
	CHECK_STR(buf, "+0200");
	/* crossing midnight moves day, julian and weekday */
	CHECK(sieve_date_part(t, -600, "iso8601", buf));
	CHECK_STR(buf, "2009-07-20T08:44:43-10:00");
	CHECK(sieve_date_part(t, 5 * 60 + 30, "std11", buf));
	CHECK_STR(buf, "Tue, 21 Jul 2009 00:14:43 +0530");
	CHECK(sieve_date_part(t, 5 * 60 + 30, "julian", buf));
	CHECK_STR(buf, "55033");
	CHECK(sieve_date_part(t, 5 * 60 + 30, "weekday", buf));
	CHECK_STR(buf, "2");
	CHECK(sieve_date_parse("Mon, 22 Jul 2009 23:30:14 +0300", &t, &zone));
	CHECK(sieve_date_part(t, zone, "julian", buf));
	CHECK_STR(buf, "55034");
	/* MJD 0 is 1858-11-17; before 1970 works too */
	CHECK(sieve_date_part((time_t)-3506716800LL, 0, "julian", buf));
	CHECK_STR(buf, "0");
	CHECK(sieve_date_part(0, 0, "std11", buf));
	CHECK_STR(buf, "Thu, 01 Jan 1970 00:00:00 +0000");
}

UNIT_TEST(zone_argument)
{
	static const struct {
		const char *in;
		bool ok;
		int minutes;
	} cases[] = {
		{ "+0200", true, 120 }, { "-0130", true, -90 },
		{ "+0000", true, 0 }, { "-1200", true, -720 },
		{ "0200", false, 0 }, { "+200", false, 0 }, { "+02:00", false, 0 },
		{ "+0260", false, 0 }, { "+02a0", false, 0 }, { "", false, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int z = 12345;
		bool ok = sieve_date_zone_parse(cases[i].in, &z);
		if (ok != cases[i].ok || (ok && z != cases[i].minutes))
			UNIT_FAIL("%s: got %d/%d, want %d/%d", cases[i].in, ok,
				  z, cases[i].ok, cases[i].minutes);
	}
}

UNIT_TEST(local_zone)
{
	setenv("TZ", "Europe/Amsterdam", 1);
	tzset();
	CHECK_INT(sieve_date_local_zone(1248115483), 120);	/* July */
	CHECK_INT(sieve_date_local_zone(1232000000), 60);	/* January */
	setenv("TZ", "UTC", 1);
	tzset();
	CHECK_INT(sieve_date_local_zone(1248115483), 0);
	unsetenv("TZ");
	tzset();
}

UNIT_MAIN(UNIT_CASE(parts_original_zone), UNIT_CASE(parts_shifted_zone),
	  UNIT_CASE(zone_argument), UNIT_CASE(local_zone))
