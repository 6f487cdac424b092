/* test_sieve_message.c: the header index (sieve/message.c). */
#include <stdlib.h>
#include <string.h>

#include "../../sieve/message.h"
#include "unit.h"

static struct sieve_message *msg_of(const char *s)
{
	return sieve_message_new(s, strlen(s));
}

UNIT_TEST(headers_raw_unfold_and_order)
{
	static const char m[] =
		"Received: from a\r\n\tby b\r\n"
		"Subject:  Hello\r\n world  \r\n"
		"X-Empty:\r\n"
		"received: second\r\n"
		"\r\n"
		"body\r\n";
	struct sieve_message *msg = msg_of(m);
	const char *const *v;

	CHECK_INT(sieve_message_headers_raw(msg, "RECEIVED", &v), 2);
	CHECK_STR(v[0], "from a\tby b");
	CHECK_STR(v[1], "second");
	CHECK_INT(sieve_message_headers_raw(msg, "subject", &v), 1);
	CHECK_STR(v[0], "Hello world");
	CHECK_INT(sieve_message_headers_raw(msg, "x-empty", &v), 1);
	CHECK_STR(v[0], "");
	CHECK_INT(sieve_message_headers_raw(msg, "missing", &v), 0);
	/* cached: same array on the second call */
	const char *const *v2;
	sieve_message_headers_raw(msg, "Subject", &v);
	sieve_message_headers_raw(msg, "subject", &v2);
	CHECK(v == v2);
	size_t len;
	CHECK(sieve_message_data(msg, &len) == m);
	CHECK_INT(len, strlen(m));
	sieve_message_free(&msg);
	CHECK(msg == NULL);
	sieve_message_free(&msg);
}

UNIT_TEST(headers_decoded)
{
	struct sieve_message *msg = msg_of(
		"Subject: =?utf-8?q?caf=C3=A9?= =?utf-8?b?w6k=?=\n"
		"From: =?iso-8859-1?Q?Andr=E9?= <a@b.c>\n\nx\n");
	const char *const *v;

	CHECK_INT(sieve_message_headers(msg, "subject", &v), 1);
	CHECK_STR(v[0], "caf\xc3\xa9\xc3\xa9");
	CHECK_INT(sieve_message_headers(msg, "from", &v), 1);
	CHECK_STR(v[0], "Andr\xc3\xa9 <a@b.c>");
	CHECK_INT(sieve_message_headers_raw(msg, "subject", &v), 1);
	CHECK_STR(v[0], "=?utf-8?q?caf=C3=A9?= =?utf-8?b?w6k=?=");
	sieve_message_free(&msg);
}

UNIT_TEST(header_end_lf_and_no_body)
{
	struct sieve_message *msg = msg_of("A: 1\nB: 2\n");
	const char *const *v;

	CHECK_INT(sieve_message_headers_raw(msg, "b", &v), 1);
	CHECK_STR(v[0], "2");
	const struct sieve_body_part *p;
	CHECK_INT(sieve_message_body(msg, SIEVE_BODY_RAW, NULL, 0, &p), 0);
	sieve_message_free(&msg);

	msg = msg_of("A: 1\n\nC: 3\n");
	CHECK_INT(sieve_message_headers_raw(msg, "c", &v), 0);
	CHECK_INT(sieve_message_body(msg, SIEVE_BODY_RAW, NULL, 0, &p), 1);
	CHECK_STR(p[0].data, "C: 3\n");
	sieve_message_free(&msg);
}

UNIT_TEST(header_garbage_tolerated)
{
	static const char m[] =
		"From foo@bar Mon Jan  1 00:00:00 2024\n"	/* mbox line */
		" continuation of nothing\n"
		"no colon here\n"
		": empty name\n"
		"Good : value\n"
		"Bad Name: x\n"
		"Nul: a\0b\n"
		"\n";
	struct sieve_message *msg = sieve_message_new(m, sizeof(m) - 1);
	const char *const *v;

	CHECK_INT(sieve_message_headers_raw(msg, "good", &v), 1);
	CHECK_STR(v[0], "value");
	CHECK_INT(sieve_message_headers_raw(msg, "bad name", &v), 0);
	CHECK_INT(sieve_message_headers_raw(msg, "from foo@bar mon jan  1 00",
					    &v), 0);
	CHECK_INT(sieve_message_headers_raw(msg, "nul", &v), 1);
	CHECK_STR(v[0], "ab");
	sieve_message_free(&msg);

	msg = sieve_message_new(NULL, 0);
	CHECK_INT(sieve_message_headers_raw(msg, "a", &v), 0);
	sieve_message_free(&msg);
	msg = sieve_message_new("", 0);
	CHECK_INT(sieve_message_headers(msg, "a", &v), 0);
	sieve_message_free(&msg);
}

UNIT_TEST(header_count_capped)
{
	size_t n = 30000;
	char *m = malloc(n * 5 + 3);
	for (size_t i = 0; i < n; i++)
		memcpy(m + i * 5, "X: 1\n", 5);
	memcpy(m + n * 5, "\nb", 3);
	struct sieve_message *msg = sieve_message_new(m, n * 5 + 2);
	const char *const *v;
	size_t got = sieve_message_headers_raw(msg, "x", &v);
	CHECK(got > 0 && got < n);
	sieve_message_free(&msg);
	free(m);
}

UNIT_TEST(message_addresses)
{
	struct sieve_message *msg = msg_of(
		"To: a@b.c, \"Joe\" <joe@x.y>\nTo: grp: m@n.o;\nCc: junk\n\n");
	const struct sieve_address *a;

	CHECK_INT(sieve_message_addresses(msg, "to", &a), 3);
	CHECK_STR(a[0].all, "a@b.c");
	CHECK_STR(a[1].name, "Joe");
	CHECK_STR(a[1].localpart, "joe");
	CHECK_STR(a[2].domain, "n.o");
	CHECK_INT(sieve_message_addresses(msg, "cc", &a), 1);
	CHECK_STR(a[0].localpart, "junk");
	CHECK_STR(a[0].domain, "");
	CHECK_INT(sieve_message_addresses(msg, "bcc", &a), 0);
	sieve_message_free(&msg);
}

UNIT_MAIN(UNIT_CASE(headers_raw_unfold_and_order),
	  UNIT_CASE(headers_decoded), UNIT_CASE(header_end_lf_and_no_body),
	  UNIT_CASE(header_garbage_tolerated), UNIT_CASE(header_count_capped),
	  UNIT_CASE(message_addresses))
