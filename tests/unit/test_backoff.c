/*
 * test_backoff.c: full-jitter bounds and Retry-After parsing (delay-seconds
 * and the three HTTP-date forms of RFC 9110 5.6.7).
 */
#include <stdint.h>

#include "../../mda/backoff.h"
#include "unit.h"

UNIT_TEST(test_window)
{
	static const struct { int attempt; long long want; } rows[] = {
		{ 1, 2000 }, { 2, 4000 }, { 3, 8000 }, { 4, 16000 },
		{ 8, 256000 }, { 9, 300000 }, { 60, 300000 }, { 1000, 300000 },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		CHECK_INT(backoff_window_ms(rows[i].attempt, 2000, 300000),
			  rows[i].want);
	CHECK_INT(backoff_window_ms(0, 2000, 300000), 2000);
	CHECK_INT(backoff_window_ms(3, 2000, 1000), 1000);
}

UNIT_TEST(test_jitter_bounds)
{
	/* The extremes of the random draw reach both ends of the window. */
	CHECK_INT(backoff_jitter_ms(3, 2000, 300000, 0), 0);
	CHECK_INT(backoff_jitter_ms(3, 2000, 300000, 8000), 8000);
	CHECK_INT(backoff_jitter_ms(3, 2000, 300000, 8001), 0);
	CHECK_INT(backoff_jitter_ms(1, 0, 300000, 12345), 0);
	for (int attempt = 1; attempt < 20; attempt++) {
		long long w = backoff_window_ms(attempt, 2000, 300000);
		for (int i = 0; i < 200; i++) {
			long long d = backoff_delay_ms(attempt, 2000, 300000);
			if (d < 0 || d > w)
				UNIT_FAIL("attempt %d: delay %lld outside [0, %lld]",
					  attempt, d, w);
		}
	}
}

UNIT_TEST(test_jitter_spreads)
{
	/* Full jitter, not "equal jitter": small delays do occur. */
	int low = 0, high = 0;
	for (int i = 0; i < 2000; i++) {
		long long d = backoff_delay_ms(5, 2000, 300000);
		low += d < 32000 / 4;
		high += d > 32000 * 3 / 4;
	}
	CHECK(low > 100);
	CHECK(high > 100);
}

UNIT_TEST(test_retry_after)
{
	/* 784111777 = Sun, 06 Nov 1994 08:49:37 GMT */
	const time_t t0 = 784111777;
	static const struct { const char *v; long long want; } rows[] = {
		{ "120", 120 }, { " 7 ", 7 }, { "0", 0 },
		{ "Sun, 06 Nov 1994 08:49:37 GMT", 0 },
		{ "Sun, 06 Nov 1994 08:51:37 GMT", 120 },
		{ "Sunday, 06-Nov-94 08:50:37 GMT", 60 },
		{ "Sun Nov  6 08:49:47 1994", 10 },
		{ "Sat, 05 Nov 1994 08:49:37 GMT", 0 },
		{ "", -1 }, { "soon", -1 }, { "12abc", -1 }, { "-5", -1 },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		long long got = backoff_retry_after(rows[i].v, t0);
		if (got != rows[i].want)
			UNIT_FAIL("\"%s\": got %lld, want %lld", rows[i].v, got,
				  rows[i].want);
	}
	CHECK_INT(backoff_retry_after(NULL, t0), -1);
}

UNIT_MAIN(UNIT_CASE(test_window), UNIT_CASE(test_jitter_bounds),
	  UNIT_CASE(test_jitter_spreads), UNIT_CASE(test_retry_after))
