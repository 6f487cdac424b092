/* test_sieve_mime.c: MIME parts for the body extension (sieve/mime.c),
 * with the messages and expectations of Pigeonhole's body tests. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../sieve/message.h"
#include "unit.h"

static const char msg_limit[] =
	"From: justin@example.com\n"
	"Content-Type: multipart/mixed; boundary=limit\n"
	"\n"
	"This is a multi-part message in MIME format.\n"
	"\n"
	"--limit\n"
	"Content-Type: text/plain\n"
	"\n"
	"This is a text message.\n"
	"\n"
	"--limit\n"
	"Content-Type: text/html\n"
	"\n"
	"<html><body>This is HTML</body></html>\n"
	"\n"
	"--limit\n"
	"Content-Type: application/sieve\n"
	"\n"
	"keep;\n"
	"\n"
	"--limit--\n";

static const char msg_nested[] =
	"From: Whomever <whoever@example.com>\r\n"
	"Content-Type: multipart/mixed; boundary=outer\r\n"
	"\r\n"
	"This is a multi-part message in MIME format.\r\n"
	"\r\n"
	"--outer\r\n"
	"Content-Type: multipart/alternative; boundary=inner\r\n"
	"\r\n"
	"This is a nested multi-part message in MIME format.\r\n"
	"\r\n"
	"--inner\r\n"
	"Content-Type: text/plain; charset=\"us-ascii\"\r\n"
	"\r\n"
	"Hello\r\n"
	"\r\n"
	"--inner\r\n"
	"Content-Type: text/html; charset=\"us-ascii\"\r\n"
	"\r\n"
	"<html><body>Hello</body></html>\r\n"
	"\r\n"
	"--inner--\r\n"
	"\r\n"
	"This is the end of the inner MIME multipart.\r\n"
	"\r\n"
	"--outer\r\n"
	"Content-Type: message/rfc822\r\n"
	"\r\n"
	"From: Someone Else\r\n"
	"Subject: Hello, this is an elaborate request for you to finally"
	" say hello\r\n already!\r\n"
	"\r\n"
	"Please say Hello\r\n"
	"\r\n"
	"--outer--\r\n"
	"\r\n"
	"This is the end of the outer MIME multipart.\r\n";

static size_t body(struct sieve_message *m, enum sieve_body_transform tr,
		   const char *type, const struct sieve_body_part **p)
{
	const char *types[1] = { type };
	return sieve_message_body(m, tr, types, type ? 1 : 0, p);
}

/* Does any part contain needle (ASCII case-insensitive)? */
static bool any_contains(const struct sieve_body_part *p, size_t n,
			 const char *needle)
{
	for (size_t i = 0; i < n; i++)
		if (strcasestr(p[i].data, needle) != NULL)
			return true;
	return false;
}

static bool any_prefix(const struct sieve_body_part *p, size_t n,
		       const char *prefix)
{
	for (size_t i = 0; i < n; i++)
		if (strncmp(p[i].data, prefix, strlen(prefix)) == 0)
			return true;
	return false;
}

UNIT_TEST(content_types)
{
	struct sieve_message *m = sieve_message_new(msg_limit,
						    sizeof(msg_limit) - 1);
	const struct sieve_body_part *p;
	size_t n;

	n = body(m, SIEVE_BODY_CONTENT, "text/plain", &p);
	CHECK_INT(n, 1);
	CHECK_STR(p[0].data, "This is a text message.\n");
	CHECK_STR(p[0].content_type, "text/plain");
	n = body(m, SIEVE_BODY_CONTENT, "TEXT/HTML", &p);
	CHECK_INT(n, 1);
	CHECK(any_prefix(p, n, "<html><body>This is HTML</body></html>"));
	n = body(m, SIEVE_BODY_CONTENT, "text", &p);
	CHECK_INT(n, 2);
	CHECK(!any_prefix(p, n, "keep;"));
	n = body(m, SIEVE_BODY_CONTENT, "", &p);
	CHECK(any_prefix(p, n, "keep;"));
	CHECK(any_prefix(p, n, "This is a text message."));
	CHECK(!any_contains(p, n, "blurdybloop"));
	CHECK(!any_contains(p, n, "--limit"));
	static const char *const bad[] = { "/plain", "text/", "text/plain/x",
					   "application/" };
	for (size_t i = 0; i < 4; i++)
		CHECK_INT(body(m, SIEVE_BODY_CONTENT, bad[i], &p), 0);
	/* cached: same array again */
	const struct sieve_body_part *p2;
	body(m, SIEVE_BODY_CONTENT, "text", &p);
	body(m, SIEVE_BODY_CONTENT, "Text", &p2);
	CHECK(p == p2);
	sieve_message_free(&m);
}

UNIT_TEST(content_nested_and_containers)
{
	struct sieve_message *m = sieve_message_new(msg_nested,
						    sizeof(msg_nested) - 1);
	const struct sieve_body_part *p;
	size_t n;

	n = body(m, SIEVE_BODY_CONTENT, "text/plain", &p);
	CHECK_INT(n, 2);
	CHECK(any_prefix(p, n, "Hello"));
	CHECK(any_contains(p, n, "please say hello"));
	CHECK(!any_contains(p, n, "<html>"));
	n = body(m, SIEVE_BODY_CONTENT, "text", &p);
	CHECK_INT(n, 3);
	n = body(m, SIEVE_BODY_CONTENT, "multipart", &p);
	CHECK_INT(n, 4);
	CHECK(any_contains(p, n, "This is a multi-part message in MIME format"));
	CHECK(any_contains(p, n, "This is a nested multi-part message"));
	CHECK(any_contains(p, n, "This is the end of the inner MIME multipart"));
	CHECK(any_contains(p, n, "This is the end of the outer MIME multipart."));
	CHECK(!any_contains(p, n, "--inner"));
	CHECK(!any_contains(p, n, "--outer"));
	n = body(m, SIEVE_BODY_CONTENT, "message/rfc822", &p);
	CHECK_INT(n, 1);
	CHECK_STR(p[0].data, "From: Someone Else\r\n"
		  "Subject: Hello, this is an elaborate request for you to "
		  "finally say hello\r\n already!\r\n");
	sieve_message_free(&m);
}

UNIT_TEST(raw_body)
{
	static const char m1[] = "From: a\nSubject: b\n\nTest!\n\n";
	struct sieve_message *m = sieve_message_new(m1, sizeof(m1) - 1);
	const struct sieve_body_part *p;

	CHECK_INT(body(m, SIEVE_BODY_RAW, NULL, &p), 1);
	CHECK_STR(p[0].data, "Test!\n\n");
	sieve_message_free(&m);
	m = sieve_message_new(msg_nested, sizeof(msg_nested) - 1);
	CHECK_INT(body(m, SIEVE_BODY_RAW, NULL, &p), 1);
	CHECK(strstr(p[0].data, "--inner") != NULL);
	CHECK(strstr(p[0].data, "boundary=inner") != NULL);
	sieve_message_free(&m);
	/* header only, no empty line: no body at all */
	static const char m2[] = "From: a\nSubject: No body is here!\n";
	m = sieve_message_new(m2, sizeof(m2) - 1);
	CHECK_INT(body(m, SIEVE_BODY_RAW, NULL, &p), 0);
	CHECK_INT(body(m, SIEVE_BODY_CONTENT, "", &p), 0);
	CHECK_INT(body(m, SIEVE_BODY_TEXT, NULL, &p), 0);
	sieve_message_free(&m);
}

UNIT_TEST(text_transform)
{
	struct sieve_message *m = sieve_message_new(msg_limit,
						    sizeof(msg_limit) - 1);
	const struct sieve_body_part *p;
	size_t n;

	n = body(m, SIEVE_BODY_TEXT, NULL, &p);
	CHECK_INT(n, 2);
	CHECK(any_contains(p, n, "This is a text message"));
	CHECK(any_contains(p, n, "This is HTML"));
	CHECK(!any_contains(p, n, "<html>"));
	CHECK(!any_contains(p, n, "keep;"));
	sieve_message_free(&m);

	m = sieve_message_new(msg_nested, sizeof(msg_nested) - 1);
	n = body(m, SIEVE_BODY_TEXT, NULL, &p);
	CHECK_INT(n, 3);
	CHECK(any_contains(p, n, "Please say Hello"));
	CHECK(!any_contains(p, n, "MIME"));
	CHECK(!any_contains(p, n, "body"));
	sieve_message_free(&m);

	static const char broken[] =
		"Content-Type: multipart/mixed; boundary=outer\n\n"
		"pro\n--outer\nContent-Type: text/html\n\n--outer\n"
		"Content-Type: text/html; charset=utf-8\n"
		"Content-Transfer-Encoding: multipart/related\n\n"
		"<html><body>Please say Hello</body></html>\n\n--outer--\n";
	m = sieve_message_new(broken, sizeof(broken) - 1);
	n = body(m, SIEVE_BODY_TEXT, NULL, &p);
	CHECK(!any_contains(p, n, "Hello"));
	CHECK(!any_contains(p, n, "body"));
	sieve_message_free(&m);

	static const char stupid[] =
		"Content-Type: multipart/mixed; boundary=d\n\n--d\n"
		"Content-Type: text/plain/stupid\n\nPlain Stupid Text\n"
		"--d\nContent-Type: text/stupid\n\nStupid Text\n--d--\n";
	m = sieve_message_new(stupid, sizeof(stupid) - 1);
	n = body(m, SIEVE_BODY_TEXT, NULL, &p);
	CHECK_INT(n, 1);
	CHECK(any_contains(p, n, "Stupid Text"));
	CHECK(!any_contains(p, n, "Plain Stupid"));
	CHECK_INT(body(m, SIEVE_BODY_CONTENT, "", &p), 2);
	sieve_message_free(&m);
}

UNIT_TEST(decoding)
{
	static const char mm[] =
		"Content-Type: multipart/mixed; boundary=\"b b\"\n\n"
		"--b b\nContent-Type: text/plain; charset=iso-8859-1\n"
		"Content-Transfer-Encoding: quoted-printable\n\n"
		"caf=E9 soft=\nbreak =ZZ end=\n"
		"--b b\nContent-Type: text/plain; charset=utf-8\n"
		"Content-Transfer-Encoding: BASE64\n\n"
		"w6l0w6k=\n!!**!!\n"
		"--b b\nContent-Type: application/octet-stream\n"
		"Content-Transfer-Encoding: base64\n\nAAEC\n"
		"--b b\nContent-Type: text/html; charset=x-unknown-cs\n\n"
		"<p>a &amp; b &#233; &#x41;<script>x</script><!-- c -->\xff\n"
		"--b b--\n";
	struct sieve_message *m = sieve_message_new(mm, sizeof(mm) - 1);
	const struct sieve_body_part *p;
	size_t n = body(m, SIEVE_BODY_CONTENT, "", &p);

	CHECK_INT(n, 4);	/* empty prologue and epilogue left out */
	CHECK_STR(p[0].data, "caf\xc3\xa9 softbreak =ZZ end");
	CHECK_STR(p[1].data, "\xc3\xa9t\xc3\xa9");
	CHECK_INT(p[2].len, 3);
	CHECK(memcmp(p[2].data, "\0\1\2", 3) == 0);
	n = body(m, SIEVE_BODY_TEXT, NULL, &p);
	CHECK_INT(n, 3);
	CHECK_STR(p[2].data, "\na & b \xc3\xa9 A\xef\xbf\xbd");
	sieve_message_free(&m);
}

UNIT_TEST(single_part_and_defaults)
{
	static const char mm[] = "Subject: x\n\nhello\n";
	struct sieve_message *m = sieve_message_new(mm, sizeof(mm) - 1);
	const struct sieve_body_part *p;

	CHECK_INT(body(m, SIEVE_BODY_CONTENT, "text/plain", &p), 1);
	CHECK_STR(p[0].data, "hello\n");
	CHECK_INT(body(m, SIEVE_BODY_TEXT, NULL, &p), 1);
	sieve_message_free(&m);
	/* multipart without its boundary: a leaf */
	static const char m2[] =
		"Content-Type: multipart/mixed; boundary=zz\n\nno parts\n";
	m = sieve_message_new(m2, sizeof(m2) - 1);
	CHECK_INT(body(m, SIEVE_BODY_CONTENT, "multipart", &p), 1);
	CHECK_STR(p[0].data, "no parts\n");
	sieve_message_free(&m);
}

UNIT_TEST(message_global_descended)
{
	static const char mm[] =
		"Content-Type: message/global\n\n"
		"Subject: inner\nContent-Type: text/plain; charset=utf-8\n\n"
		"caf\xc3\xa9\n";
	struct sieve_message *m = sieve_message_new(mm, sizeof(mm) - 1);
	const struct sieve_body_part *p;

	CHECK_INT(body(m, SIEVE_BODY_CONTENT, "message", &p), 1);
	CHECK_STR(p[0].data, "Subject: inner\nContent-Type: text/plain; "
		  "charset=utf-8\n");
	CHECK_INT(body(m, SIEVE_BODY_TEXT, NULL, &p), 1);
	CHECK_STR(p[0].data, "caf\xc3\xa9\n");
	sieve_message_free(&m);
}

/* Deep nesting stops at the depth cap; many parts at the parts cap. */
UNIT_TEST(hostile_structure)
{
	struct { char *s; size_t len, cap; } b = { 0 };
	size_t depth = 200;
	FILE *f = open_memstream(&b.s, &b.len);
	for (size_t i = 0; i < depth; i++)
		fprintf(f, "Content-Type: multipart/mixed; boundary=b%zu\n\n"
			"--b%zu\n", i, i);
	fprintf(f, "\ndeep\n");
	for (size_t i = depth; i-- > 0;)
		fprintf(f, "--b%zu--\n", i);
	fclose(f);
	struct sieve_message *m = sieve_message_new(b.s, b.len);
	const struct sieve_body_part *p;
	size_t n = body(m, SIEVE_BODY_CONTENT, "", &p);
	CHECK(n > 0 && n < 2 * depth);
	sieve_message_free(&m);
	free(b.s);

	f = open_memstream(&b.s, &b.len);
	fprintf(f, "Content-Type: multipart/mixed; boundary=x\n\n");
	for (int i = 0; i < 5000; i++)
		fprintf(f, "--x\n\nt\n");
	fclose(f);
	m = sieve_message_new(b.s, b.len);
	n = body(m, SIEVE_BODY_CONTENT, "text", &p);
	CHECK(n > 100 && n < 5000);
	sieve_message_free(&m);
	free(b.s);
}

UNIT_TEST(random_mime)
{
	static const char *const pieces[] = {
		"--a\n", "--a--\n", "--b\n", "\n", "Content-Type: multipart/mixed; boundary=b\n",
		"Content-Type: message/rfc822\n", "Content-Type: text/html\n",
		"Content-Transfer-Encoding: base64\n", "Content-Transfer-Encoding: quoted-printable\n",
		"=4", "x=\n", "<p", "&#", "\r", "AAAA", "Content-Type: text/plain; charset=koi8-r\n",
	};
	char *buf = malloc(4096);

	srand(2046);
	for (int round = 0; round < 3000; round++) {
		size_t len = 0;
		len += (size_t)sprintf(buf, "Content-Type: multipart/mixed; boundary=a\n\n");
		int k = rand() % 40;
		for (int i = 0; i < k; i++) {
			const char *s = pieces[rand() % 16];
			memcpy(buf + len, s, strlen(s));
			len += strlen(s);
		}
		struct sieve_message *m = sieve_message_new(buf, len);
		const struct sieve_body_part *p;
		size_t n = body(m, SIEVE_BODY_CONTENT, "", &p);
		for (size_t i = 0; i < n; i++)
			CHECK(p[i].data[p[i].len] == '\0');
		body(m, SIEVE_BODY_TEXT, NULL, &p);
		body(m, SIEVE_BODY_RAW, NULL, &p);
		sieve_message_free(&m);
	}
	free(buf);
}

UNIT_MAIN(UNIT_CASE(content_types), UNIT_CASE(content_nested_and_containers),
	  UNIT_CASE(raw_body), UNIT_CASE(text_transform), UNIT_CASE(decoding),
	  UNIT_CASE(single_part_and_defaults), UNIT_CASE(hostile_structure),
	  UNIT_CASE(message_global_descended),
	  UNIT_CASE(random_mime))
