/* test_sieve_address.c: RFC 5322 address lists (sieve/address.c). */
#include <stdlib.h>
#include <string.h>

#include "../../sieve/message.h"
#include "unit.h"

#define N NULL
/* One row: input, then up to 3 expected entries as all/local/domain/name;
 * "-" ends the list. */
static const struct {
	const char *in;
	const char *want[3][4];
	size_t n;
} cases[] = {
	{ "a@b.c", { { "a@b.c", "a", "b.c", N } }, 1 },
	{ "  A.B@Ex.ORG  ", { { "A.B@Ex.ORG", "A.B", "Ex.ORG", N } }, 1 },
	{ "Joe <joe@x.y>", { { "joe@x.y", "joe", "x.y", "Joe" } }, 1 },
	{ "\"Doe, John\" <jd@x>, b@y",
	  { { "jd@x", "jd", "x", "Doe, John" }, { "b@y", "b", "y", N } }, 2 },
	{ "=?utf-8?q?J=C3=B6rg?= <j@x>",
	  { { "j@x", "j", "x", "J\xc3\xb6rg" } }, 1 },
	{ "\"=?utf-8?q?J=C3=B6rg?=\" <j@x>",
	  { { "j@x", "j", "x", "J\xc3\xb6rg" } }, 1 },
	{ "a@b (comment (nested) here), c@d",
	  { { "a@b", "a", "b", N }, { "c@d", "c", "d", N } }, 2 },
	{ "(lead)a(x)@(y)b.(z)c", { { "a@b.c", "a", "b.c", N } }, 1 },
	{ "\"a b\"@x", { { "\"a b\"@x", "a b", "x", N } }, 1 },
	{ "\"ab\"@x", { { "ab@x", "ab", "x", N } }, 1 },
	{ "\"a\\\"q\"@x", { { "\"a\\\"q\"@x", "a\"q", "x", N } }, 1 },
	{ "<@r1,@r2:u@d>", { { "u@d", "u", "d", N } }, 1 },
	{ "Name <@route:u@d>", { { "u@d", "u", "d", "Name" } }, 1 },
	{ "undisclosed-recipients:;", { { 0 } }, 0 },
	{ "team: a@x, B <b@y>; , c@z",
	  { { "a@x", "a", "x", N }, { "b@y", "b", "y", "B" },
	    { "c@z", "c", "z", N } }, 3 },
	{ "g: a@x", { { "a@x", "a", "x", N } }, 1 },
	{ "user", { { "user", "user", "", N } }, 1 },
	{ "<user>", { { "user", "user", "", N } }, 1 },
	{ "a@[1.2.3.4]", { { "a@[1.2.3.4]", "a", "[1.2.3.4]", N } }, 1 },
	{ "a . b @ c . d", { { "a.b@c.d", "a.b", "c.d", N } }, 1 },
	/* invalid items: localpart NULL, all = raw text */
	{ "John Smith", { { "John Smith", N, N, N } }, 1 },
	{ "a@", { { "a@", N, N, N } }, 1 },
	{ "a@b@c", { { "a@b@c", N, N, N } }, 1 },
	{ "@b", { { "@b", N, N, N } }, 1 },
	{ "a@b.", { { "a@b.", N, N, N } }, 1 },
	{ "Bad <>", { { "Bad <>", N, N, "Bad" } }, 1 },
	{ "x <a@b> trailing, c@d",
	  { { "a@b", "a", "b", "x" }, { "c@d", "c", "d", N } }, 2 },
	{ "<a@b", { { "a@b", "a", "b", N } }, 1 },
	{ "\"unterminated@x", { { "\"unterminated@x", N, N, N } }, 1 },
	{ "", { { "", N, N, N } }, 1 },
	{ " (only a comment) ", { { "", N, N, N } }, 1 },
	{ "\"Frop <frop@example.org>\"",
	  { { "\"Frop <frop@example.org>\"", N, N, N } }, 1 },
	{ "Timo <tss(no spam)@fi.iki>", { { "tss@fi.iki", "tss", "fi.iki", "Timo" } }, 1 },
	{ "=?UTF-8?B?RnJpZXBAZnJvcA0K?=\r\n\t<friep@example.com>",
	  { { "friep@example.com", "friep", "example.com", "Friep@frop\r\n" } }, 1 },
	{ "nico@frop.example.com, @example.org",
	  { { "nico@frop.example.com", "nico", "frop.example.com", N },
	    { "@example.org", N, N, N } }, 2 },
	{ " , ,, ", { { 0 } }, 0 },
};

static void check_entry(size_t row, size_t i, const struct sieve_address *a,
			const char *const want[4])
{
	const char *got[4] = { a->all, a->localpart, a->domain, a->name };
	static const char *const what[4] = { "all", "localpart", "domain",
					     "name" };
	for (int k = 0; k < 4; k++) {
		bool same = got[k] == NULL || want[k] == NULL
				    ? got[k] == want[k]
				    : strcmp(got[k], want[k]) == 0;
		if (!same)
			UNIT_FAIL("row %zu (%s) entry %zu %s: got \"%s\", "
				  "want \"%s\"", row, cases[row].in, i, what[k],
				  got[k] ? got[k] : "(null)",
				  want[k] ? want[k] : "(null)");
	}
}

UNIT_TEST(address_table)
{
	for (size_t r = 0; r < sizeof(cases) / sizeof(cases[0]); r++) {
		struct sieve_address *a;
		size_t n = sieve_address_list_parse(cases[r].in, &a);
		if (n != cases[r].n) {
			UNIT_FAIL("row %zu (%s): got %zu addresses, want %zu",
				  r, cases[r].in, n, cases[r].n);
		} else {
			for (size_t i = 0; i < n; i++)
				check_entry(r, i, &a[i], cases[r].want[i]);
		}
		sieve_address_list_free(a, n);
	}
}

/* Random input from an alphabet rich in specials, under ASan: every
 * entry must be consistent (all set; domain set iff localpart set). */
UNIT_TEST(address_random_input)
{
	static const char alpha[] = "a@.<>,;:\"\\()[] \t\r\nb=?q_";
	char buf[80];

	srand(5322);
	for (int round = 0; round < 30000; round++) {
		size_t len = (size_t)(rand() % (int)(sizeof(buf) - 1));
		for (size_t i = 0; i < len; i++)
			buf[i] = rand() % 4 ? alpha[rand() % (sizeof(alpha) - 1)]
					    : (char)(rand() % 255 + 1);
		buf[len] = '\0';
		struct sieve_address *a;
		size_t n = sieve_address_list_parse(buf, &a);
		for (size_t i = 0; i < n; i++) {
			CHECK(a[i].all != NULL);
			CHECK((a[i].localpart == NULL) == (a[i].domain == NULL));
		}
		sieve_address_list_free(a, n);
	}
}

UNIT_TEST(address_many_capped)
{
	size_t n = 20000;
	char *s = malloc(n * 4 + 1);
	for (size_t i = 0; i < n; i++)
		memcpy(s + i * 4, "a@b,", 4);
	s[n * 4] = '\0';
	struct sieve_address *a;
	size_t got = sieve_address_list_parse(s, &a);
	CHECK(got > 0 && got < n);
	sieve_address_list_free(a, got);
	/* deep comments and many quotes do not recurse */
	memset(s, '(', n * 4);
	n = sieve_address_list_parse(s, &a);
	CHECK_INT(n, 1);	/* one empty entry: nothing but a comment */
	sieve_address_list_free(a, n);
	free(s);
}

UNIT_MAIN(UNIT_CASE(address_table), UNIT_CASE(address_random_input),
	  UNIT_CASE(address_many_capped))
