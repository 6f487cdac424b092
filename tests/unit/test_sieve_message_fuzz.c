/* test_sieve_message_fuzz.c: random messages through every accessor of
 * the message layer, under ASan+UBSan: no crash, no leak, no loop, and
 * every returned string NUL-terminated. */
#include <stdlib.h>
#include <string.h>

#include "../../sieve/message.h"
#include "unit.h"

static const char *const pieces[] = {
	"From: ", "To: ", "Subject: ", "Content-Type: ", "Date: ", "\r\n",
	"\n", " ", "\t", ":", "<", ">", "@", ",", ";", "\"", "(", ")", "\\",
	"=?utf-8?q?", "=?iso-8859-1?b?", "?=", "=C3=A9", "w6k=", "a", "b.c",
	"multipart/mixed; boundary=z", "--z", "--z--", "message/rfc822",
	"text/html", "text/plain; charset=koi8-r", "base64",
	"Content-Transfer-Encoding: quoted-printable\n", "=\n", "<p>",
	"&amp;", "&#x", "\xff", "\xc3", "\0", "Mon, 1 Jan 2024 10:00 +0100",
};

static size_t random_message(char *buf, size_t cap)
{
	size_t len = 0;
	int k = rand() % 80;

	for (int i = 0; i < k; i++) {
		const char *s = pieces[rand() % (sizeof(pieces) /
						 sizeof(pieces[0]))];
		size_t n = *s ? strlen(s) : 1;
		if (len + n > cap)
			break;
		memcpy(buf + len, s, n);
		len += n;
	}
	return len;
}

static void exercise(struct sieve_message *m)
{
	static const char *const names[] = { "from", "to", "subject", "date",
					     "content-type" };
	const char *const *v;
	const struct sieve_address *a;
	const struct sieve_body_part *p;
	static const char *const types[] = { "", "text", "multipart",
					     "message/rfc822" };

	for (size_t i = 0; i < 5; i++) {
		size_t n = sieve_message_headers(m, names[i], &v);
		for (size_t j = 0; j < n; j++) {
			time_t t;
			int z;
			CHECK(strlen(v[j]) < 100000);
			(void)sieve_date_parse(v[j], &t, &z);
		}
		n = sieve_message_addresses(m, names[i], &a);
		for (size_t j = 0; j < n; j++)
			CHECK(a[j].all != NULL);
	}
	for (int tr = 0; tr < 3; tr++) {
		size_t n = sieve_message_body(m, (enum sieve_body_transform)tr,
					      types, 4, &p);
		for (size_t j = 0; j < n; j++)
			CHECK(p[j].data[p[j].len] == '\0');
	}
}

UNIT_TEST(random_messages)
{
	static char buf[2048];

	srand(822);
	for (int round = 0; round < 4000; round++) {
		size_t len = random_message(buf, sizeof(buf));
		/* copy to an exact-size heap block: ASan sees any overread */
		char *exact = malloc(len ? len : 1);
		memcpy(exact, buf, len);
		struct sieve_message *m = sieve_message_new(exact, len);
		exercise(m);
		sieve_message_free(&m);
		free(exact);
	}
}

UNIT_TEST(random_bytes)
{
	static char buf[512];

	srand(5321);
	for (int round = 0; round < 4000; round++) {
		size_t len = (size_t)(rand() % (int)sizeof(buf));
		for (size_t i = 0; i < len; i++)
			buf[i] = (char)rand();
		char *exact = malloc(len ? len : 1);
		memcpy(exact, buf, len);
		struct sieve_message *m = sieve_message_new(exact, len);
		exercise(m);
		sieve_message_free(&m);
		free(exact);
	}
}

UNIT_MAIN(UNIT_CASE(random_messages), UNIT_CASE(random_bytes))
