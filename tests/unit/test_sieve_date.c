/* test_sieve_date.c: RFC 5322 date-time parsing (sieve/date.c). */
#include <stdlib.h>
#include <string.h>

#include "../../sieve/message.h"
#include "unit.h"

static const struct {
	const char *in;
	long long t;	/* UTC epoch */
	int zone;
} good[] = {
	{ "Sat, 10 Oct 2009 00:30:04 +0200", 1255127404, 120 },
	{ "10 Oct 2009 00:30:04 +0200", 1255127404, 120 },
	{ "Sat,10 Oct 2009 00:30:04 +0200", 1255127404, 120 },
	{ "  Sat ,  10   oct  2009   00:30:04   +0200  ", 1255127404, 120 },
	{ "Sat 10 Oct 2009 00:30:04 +0200", 1255127404, 120 },
	{ "Fri, 9 Oct 2009 22:30:04 +0000", 1255127404, 0 },
	{ "Fri, 9 Oct 2009 22:30 -0000", 1255127400, 0 },
	{ "Fri, 9 Oct 2009 18:30:04 -0400", 1255127404, -240 },
	{ "Fri, 9 Oct 2009 18:30:04 EDT", 1255127404, -240 },
	{ "Fri, 9 Oct 2009 15:30:04 PDT", 1255127404, -420 },
	{ "Fri, 9 Oct 2009 22:30:04 GMT", 1255127404, 0 },
	{ "Fri, 9 Oct 2009 22:30:04 UT", 1255127404, 0 },
	{ "Fri, 9 Oct 2009 22:30:04 Z", 1255127404, 0 },
	{ "Fri, 9 Oct 2009 22:30:04 Q", 1255127404, 0 },	/* military */
	{ "Fri, 9 Oct 09 22:30:04 +0000", 1255127404, 0 },
	{ "Fri, 9 Oct 109 22:30:04 +0000", 1255127404, 0 },
	{ "Thu, 1 Jan 70 00:00:00 +0000", 0, 0 },
	{ "Fri, 9 Oct 2009 22:30:04", 1255127404, 0 },
	{ "Fri, 9 Oct 2009 22:30:04 +0000 (UTC)", 1255127404, 0 },
	{ "(c) Fri, (x (y)) 9 Oct 2009 22:30:04 +0000", 1255127404, 0 },
	{ "Fri, 9 Oct 2009 23:30:04 +0100 CET", 1255127404, 60 },
	{ "Fri, 9 Oct 2009 22:30:04 +0530", 1255107604, 330 },
	{ "Thu, 31 Dec 2015 23:59:60 +0000", 1451606399, 0 },
	{ "29 Feb 2024 12:00:00 +0000", 1709208000, 0 },
	{ "9-Oct-2009 22:30:04 +0000", 1255127404, 0 },
};

static const char *const bad[] = {
	"", "garbage", "Fri, 9 Oct", "Fri, 9 Oct 2009", "32 Oct 2009 00:00 +0000",
	"0 Oct 2009 00:00 +0000", "29 Feb 2023 00:00 +0000",
	"31 Apr 2023 00:00 +0000", "1 Foo 2009 00:00 +0000",
	"1 Oct 2009 24:00 +0000", "1 Oct 2009 23:60 +0000",
	"1 Oct 2009 23:59:61 +0000", "1 Oct 2009 23:5 +0000",
	"1 Oct 2009 23:59 +01", "1 Oct 2009 23:59 +0160",
	"1 Oct 2009 10 +0000", "Oct 1 2009 10:00 +0000",
	"1 Oct 2009 10:00 +", "((((", "1 Oct 2009 10:00 (unterminated",
};

UNIT_TEST(date_good)
{
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		time_t t = 0;
		int z = 9999;
		if (!sieve_date_parse(good[i].in, &t, &z)) {
			UNIT_FAIL("\"%s\": not parsed", good[i].in);
			continue;
		}
		if ((long long)t != good[i].t || z != good[i].zone)
			UNIT_FAIL("\"%s\": got %lld %d, want %lld %d",
				  good[i].in, (long long)t, z, good[i].t,
				  good[i].zone);
	}
}

UNIT_TEST(date_bad)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		time_t t;
		int z;
		if (sieve_date_parse(bad[i], &t, &z))
			UNIT_FAIL("\"%s\": parsed as %lld %d", bad[i],
				  (long long)t, z);
	}
	CHECK(!sieve_date_parse(NULL, NULL, NULL));
}

UNIT_TEST(date_random_input)
{
	static const char alpha[] = "0123456789 :+-,()ADFJMNOSTadeglnoprtuvy";
	char buf[48];

	srand(3339);
	for (int round = 0; round < 30000; round++) {
		size_t n = (size_t)(rand() % (int)sizeof(buf));
		for (size_t i = 0; i < n; i++)
			buf[i] = alpha[rand() % (sizeof(alpha) - 1)];
		buf[n] = '\0';
		time_t t;
		int z;
		(void)sieve_date_parse(buf, &t, &z);
	}
}

UNIT_MAIN(UNIT_CASE(date_good), UNIT_CASE(date_bad),
	  UNIT_CASE(date_random_input))
