/* test_sieve_date.c: RFC 5260 date-parts and :zone parsing, fed by the
 * mail helper's sieve_date_parse. */
#include <stdlib.h>
#include <string.h>

#include "../../sieve/date_parts.h"
#include "../../sieve/message.h"
#include "ext4_run.h"
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


/* ---- through the engine ------------------------------------------------ */

#define DMSG "From: stephan@example.org\n" \
	"Received: from a by b; Wed, 12 Nov 2014 18:18:31 +0100\n" \
	"Date: Mon, 20 Jul 2009 21:44:43 +0300\n" \
	"Received: from a by b; Wed, 12 Nov 2014 18:18:30 +0100\n" \
	"Invalid-Date: Moo, 34 Juul 3060 25:30:42 +6600\n" \
	"Received: from a by b; Wed, 12 Nov 2014 18:18:28 +0100\n" \
	"Subject: x\n\nbody\n"

/* Each case: a test expression that must hold (fileinto "yes"). */
UNIT_TEST(date_tests_in_scripts)
{
	static const char *const holds[] = {
		"date :originalzone \"date\" \"julian\" \"55032\"",
		"date :originalzone \"date\" \"std11\" "
		"\"mon, 20 jul 2009 21:44:43 +0300\"",
		"date :zone \"+0200\" \"date\" \"time\" \"20:44:43\"",
		"date :zone \"-0000\" \"date\" \"iso8601\" "
		"\"2009-07-20T18:44:43+00:00\"",
		"date \"date\" \"zone\" \"+0000\"",	/* TZ=UTC below */
		"not date :matches \"invalid-date\" \"std11\" \"*\"",
		"date :count \"eq\" :comparator \"i;ascii-numeric\" "
		"\"date\" \"date\" \"1\"",
		"date :count \"eq\" :comparator \"i;ascii-numeric\" "
		"\"resent-date\" \"date\" \"0\"",
		"date :originalzone :value \"ge\" \"date\" \"date\" \"2009-07-20\"",
		"not date \"date\" \"std11\" \"*\"",
		"date :index 1 \"received\" \"second\" \"31\"",
		"date :index 1 :last \"received\" \"second\" \"28\"",
		"date :index 2 :last \"received\" \"second\" \"30\"",
		"not date :index 4 \"received\" \"second\" \"28\"",
		"header :index 2 :contains \"received\" \"18:18:30\"",
		"header :index 1 :last :contains \"received\" \"18:18:28\"",
		"currentdate \"date\" \"2009-07-20\"",
		"currentdate :zone \"+0800\" \"std11\" "
		"\"Tue, 21 Jul 2009 02:44:43 +0800\"",
		"currentdate :matches \"zone\" \"+0000\"",
		"currentdate :value \"lt\" \"year\" \"2010\"",
		"currentdate \"weekday\" \"1\"",
	};
	struct sieve_envelope env = { .from = "a@b", .to = "c@d",
				      .now = 1248115483 };

	setenv("TZ", "UTC", 1);
	tzset();
	for (size_t i = 0; i < sizeof(holds) / sizeof(holds[0]); i++) {
		char script[512];
		snprintf(script, sizeof(script),
			 "require [\"date\", \"index\", \"fileinto\", "
			 "\"relational\", \"comparator-i;ascii-numeric\"];\n"
			 "if %s { fileinto \"yes\"; }\n", holds[i]);
		struct ext4_out o = ext4_run(script, DMSG, &env, NULL, NULL);
		if (!o.compiled || strcmp(o.actions, "fileinto \"yes\"") != 0)
			UNIT_FAIL("%s: got %s %s", holds[i],
				  o.actions ? o.actions : "", o.errors);
		ext4_out_free(&o);
	}
	unsetenv("TZ");
	tzset();
}

UNIT_TEST(date_compile_errors)
{
	static const char *const bad[] = {
		"date \"date\" \"fortnight\" \"x\"",
		"date :zone \"0200\" \"date\" \"year\" \"x\"",
		"date :zone \"+0200\" :originalzone \"date\" \"year\" \"x\"",
		"currentdate :originalzone \"year\" \"x\"",
		"currentdate \"date\" \"year\" \"x\" \"y\"",
		/* index/errors/syntax.sieve */
		"header :index \"to\" \"ok\"",
		"header :index :last \"to\" \"ok\"",
		"header :index \"frop\" \"to\" \"ok\"",
		"header :last \"to\" \"ok\"",
		"header :index 0 \"to\" \"ok\"",
		"header :index 0 :last \"to\" \"ok\"",
		"address :last \"to\" \"ok\"",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char script[512];
		snprintf(script, sizeof(script),
			 "require [\"date\", \"index\"];\nif %s { }\n", bad[i]);
		struct ext4_out o = ext4_run(script, DMSG, NULL, NULL, NULL);
		if (o.compiled)
			UNIT_FAIL("compiled: %s", bad[i]);
		ext4_out_free(&o);
	}
	struct ext4_out o = ext4_run(
		"require [\"date\", \"index\"];\n"
		"if header :last :index 2 \"to\" \"ok\" { }\n"
		"if header :index 444 :last \"to\" \"ok\" { }\n", DMSG, NULL,
		NULL, NULL);
	CHECK(o.compiled);
	ext4_out_free(&o);
	/* without require "index" the tag is unknown */
	o = ext4_run("if header :index 1 \"to\" \"ok\" { }\n", DMSG, NULL,
		     NULL, NULL);
	CHECK(!o.compiled);
	ext4_out_free(&o);
}

UNIT_TEST(date_runtime_zone_error)
{
	struct ext4_out o = ext4_run(
		"require [\"date\", \"variables\", \"fileinto\"];\n"
		"set \"z\" \"bogus\";\n"
		"if currentdate :zone \"${z}\" \"year\" \"2009\" "
		"{ fileinto \"x\"; }\n", DMSG, NULL, NULL, NULL);

	CHECK(o.compiled);
	CHECK(strstr(o.errors, "invalid :zone") != NULL);
	CHECK_STR(o.actions, "keep");
	ext4_out_free(&o);
}

UNIT_MAIN(UNIT_CASE(parts_original_zone), UNIT_CASE(parts_shifted_zone),
	  UNIT_CASE(zone_argument), UNIT_CASE(local_zone),
	  UNIT_CASE(date_tests_in_scripts), UNIT_CASE(date_compile_errors),
	  UNIT_CASE(date_runtime_zone_error))
