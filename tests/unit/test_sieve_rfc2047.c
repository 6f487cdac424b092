/* test_sieve_rfc2047.c: encoded-words, charsets and the byte codecs. */
#include <stdlib.h>
#include <string.h>

#include "../../sieve/message.h"
#include "unit.h"

static const struct {
	const char *in, *want;
} cases_2047[] = {
	{ "plain text", "plain text" },
	{ "=?utf-8?Q?caf=C3=A9?=", "caf\xc3\xa9" },
	{ "=?UTF-8?B?Y2Fmw6k=?=", "caf\xc3\xa9" },
	{ "=?iso-8859-1?q?a_b=E9?=", "a b\xc3\xa9" },
	/* whitespace between adjacent words dropped (RFC 2047 6.2) */
	{ "=?utf-8?q?a?= =?utf-8?q?b?=", "ab" },
	{ "=?utf-8?q?a?=\r\n =?utf-8?q?b?=", "ab" },
	/* but kept between a word and text */
	{ "x =?utf-8?q?a?= y", "x a y" },
	{ "=?utf-8?q?a?= y =?utf-8?q?b?=", "a y b" },
	/* a character split over two words */
	{ "=?utf-8?b?w6?= =?utf-8?b?k=?=", "\xef\xbf\xbd" },
	{ "=?utf-8?q?=C3?= =?utf-8?q?=A9?=", "\xc3\xa9" },
	/* RFC 2231 language suffix */
	{ "=?us-ascii*en?q?Hi?=", "Hi" },
	/* unknown charset and broken words stay */
	{ "=?x-no-such?q?abc?=", "=?x-no-such?q?abc?=" },
	{ "=?utf-8?x?abc?=", "=?utf-8?x?abc?=" },
	{ "=?utf-8?q?abc", "=?utf-8?q?abc" },
	{ "=?utf-8?q?a b?=", "=?utf-8?q?a b?=" },
	{ "=??q?a?=", "=??q?a?=" },
	{ "=?utf-8?b?!!!?=", "=?utf-8?b?!!!?=" },
	{ "=?", "=?" },
	{ "a=?utf-8?q?b?=c", "abc" },
	/* invalid Q escapes kept */
	{ "=?utf-8?q?=ZZ=4?=", "=ZZ=4" },
	/* output is UTF-8 even for raw 8-bit or broken decoded bytes */
	{ "caf\xe9", "caf\xef\xbf\xbd" },
	{ "=?utf-8?q?=FF?=", "\xef\xbf\xbd" },
	{ "", "" },
};

UNIT_TEST(rfc2047_table)
{
	for (size_t i = 0; i < sizeof(cases_2047) / sizeof(cases_2047[0]); i++) {
		char *got = sieve_rfc2047_decode(cases_2047[i].in,
						 strlen(cases_2047[i].in));
		if (strcmp(got, cases_2047[i].want) != 0)
			UNIT_FAIL("decode(\"%s\"): got \"%s\", want \"%s\"",
				  cases_2047[i].in, got, cases_2047[i].want);
		free(got);
	}
}

UNIT_TEST(rfc2047_random_bytes)
{
	static const char alphabet[] = "=?_ \tqQbB-utf8\xc3\xa9" "AZaz09+/\r\n";
	char buf[64];

	srand(2047);
	for (int round = 0; round < 20000; round++) {
		size_t n = (size_t)(rand() % (int)sizeof(buf));
		for (size_t i = 0; i < n; i++)
			buf[i] = rand() % 3 ? alphabet[rand() % (sizeof(alphabet) - 1)]
					    : (char)rand();
		char *got = sieve_rfc2047_decode(buf, n);
		CHECK(got != NULL);
		free(got);
	}
}

/* Many unterminated words in one long value: decoding stays linear
 * (this would take minutes if each "=?" scanned to the end). */
UNIT_TEST(rfc2047_long_hostile)
{
	size_t n = 400000;
	char *s = malloc(n + 1);
	for (size_t i = 0; i < n; i += 8)
		memcpy(s + i, "=?x?q?ab", 8);
	s[n] = '\0';
	char *got = sieve_rfc2047_decode(s, n);
	CHECK_INT(strlen(got), n);
	free(got);
	free(s);
}

static const struct {
	const char *cs, *in, *want;
} cases_cs[] = {
	{ "utf-8", "caf\xc3\xa9", "caf\xc3\xa9" },
	{ "UTF8", "a\xff" "b", "a\xef\xbf\xbd" "b" },
	{ "us-ascii", "abc", "abc" },
	{ "iso-8859-1", "\xe9", "\xc3\xa9" },
	{ "ISO-8859-15", "\xa4", "\xe2\x82\xac" },
	{ "windows-1252", "\x80", "\xe2\x82\xac" },
	{ "koi8-r", "\xc1", "\xd0\xb0" },
	/* invalid sequence in the middle -> U+FFFD, conversion goes on */
	{ "shift_jis", "a\x82 b", "a\xef\xbf\xbd b" },
	/* truncated at the end */
	{ "utf-16be", "\x00" "a\x00", "a\xef\xbf\xbd" },
};

UNIT_TEST(charset_table)
{
	for (size_t i = 0; i < sizeof(cases_cs) / sizeof(cases_cs[0]); i++) {
		size_t len = strlen(cases_cs[i].in);
		if (strcmp(cases_cs[i].cs, "utf-16be") == 0)
			len = 3;
		size_t n;
		char *got = sieve_charset_to_utf8(cases_cs[i].cs,
						  cases_cs[i].in, len, &n);
		if (got == NULL || strcmp(got, cases_cs[i].want) != 0)
			UNIT_FAIL("%s(\"%s\"): got \"%s\", want \"%s\"",
				  cases_cs[i].cs, cases_cs[i].in,
				  got ? got : "(null)", cases_cs[i].want);
		else
			CHECK_INT(n, strlen(cases_cs[i].want));
		free(got);
	}
}

UNIT_TEST(charset_unknown_and_hostile_names)
{
	static const char *const bad[] = {
		"x-no-such-charset", "", "UTF-8//IGNORE", "utf-8//translit",
		"a b", "../../etc", "\xff",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *got = sieve_charset_to_utf8(bad[i], "x", 1, NULL);
		if (got != NULL)
			UNIT_FAIL("charset \"%s\" accepted", bad[i]);
		free(got);
	}
	CHECK(sieve_charset_to_utf8(NULL, "x", 1, NULL) == NULL);
	char *empty = sieve_charset_to_utf8("latin1", "", 0, NULL);
	CHECK_STR(empty, "");
	free(empty);
}

UNIT_MAIN(UNIT_CASE(rfc2047_table), UNIT_CASE(rfc2047_random_bytes),
	  UNIT_CASE(rfc2047_long_hostile),
	  UNIT_CASE(charset_table), UNIT_CASE(charset_unknown_and_hostile_names))
