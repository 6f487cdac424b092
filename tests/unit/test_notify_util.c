/*
 * test_notify_util.c: the helpers shared by the notify plugins
 * (notify-methods/notify-util.c, compiled into this test directly since
 * plugins link it privately): strict URI parsing, percent-encoding,
 * UTF-8 truncation and cleaning, Retry-After, outcome classes.
 */
#include "../../notify-methods/notify-util.c"
#include "unit.h"

UNIT_TEST(test_uri_parse)
{
	static const struct {
		const char *uri;
		int ok;
		const char *scheme, *path, *p1, *v1;
	} rows[] = {
		{ "x:abc", 1, "x", "abc", NULL, NULL },
		{ "X-Y:a%2Fb?n=v%20w&m=", 1, "x-y", "a/b", "n", "v w" },
		{ "x:a?n=line%0D%0A", 1, "x", "a", "n", "line\r\n" },
		{ "x:", 1, "x", "", NULL, NULL },
		{ "noscheme", 0, NULL, NULL, NULL, NULL },
		{ ":abc", 0, NULL, NULL, NULL, NULL },
		{ "x:a b", 0, NULL, NULL, NULL, NULL },
		{ "x:a#f", 0, NULL, NULL, NULL, NULL },
		{ "x:a%", 0, NULL, NULL, NULL, NULL },
		{ "x:a%4", 0, NULL, NULL, NULL, NULL },
		{ "x:a%G0", 0, NULL, NULL, NULL, NULL },
		{ "x:a%00", 0, NULL, NULL, NULL, NULL },
		{ "x:a%0A", 0, NULL, NULL, NULL, NULL },
		{ "x:a?n=%00", 0, NULL, NULL, NULL, NULL },
		{ "x:a?n%0A=v", 0, NULL, NULL, NULL, NULL },
		{ "x:a?", 0, NULL, NULL, NULL, NULL },
		{ "x:a?n", 0, NULL, NULL, NULL, NULL },
		{ "x:a?=v", 0, NULL, NULL, NULL, NULL },
		{ "x:a?n=v&", 0, NULL, NULL, NULL, NULL },
		{ "x:a?n=v&&m=w", 0, NULL, NULL, NULL, NULL },
		{ "x:a?n=v?w", 0, NULL, NULL, NULL, NULL },
		{ "x:\xc3\xa9", 0, NULL, NULL, NULL, NULL },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct notify_uri u;
		const char *error = NULL;
		int ok = notify_uri_parse(rows[i].uri, &u, &error) == 0;

		if (ok != rows[i].ok)
			UNIT_FAIL("%s: got %d, want %d (%s)", rows[i].uri, ok,
				  rows[i].ok, error ? error : "");
		if (ok && rows[i].ok) {
			CHECK_STR(u.scheme, rows[i].scheme);
			CHECK_STR(u.path, rows[i].path);
			if (rows[i].p1 != NULL)
				CHECK_STR(notify_uri_param(&u, rows[i].p1),
					  rows[i].v1);
		}
		notify_uri_clear(&u);
	}
}

UNIT_TEST(test_params_and_options)
{
	static const char *const allowed[] = { "a", "b", NULL };
	static const char *const opts[] = { "Sound=a", "soundx=1", "sound=b" };
	struct notify_uri u;
	const char *error = NULL, *bad = NULL;

	CHECK_INT(notify_uri_parse("x:p?A=1&b=2&a=3", &u, &error), 0);
	CHECK_STR(notify_uri_param(&u, "a"), "3");	/* last wins */
	CHECK_INT(notify_uri_params_known(&u, allowed, &bad), 1);
	notify_uri_clear(&u);
	CHECK_INT(notify_uri_parse("x:p?a=1&c=2", &u, &error), 0);
	CHECK_INT(notify_uri_params_known(&u, allowed, &bad), 0);
	CHECK_STR(bad, "c");
	notify_uri_clear(&u);
	CHECK_STR(notify_option(opts, 3, "sound"), "b");
	CHECK_STR(notify_option(opts, 1, "SOUND"), "a");
	CHECK_STR(notify_option(opts, 3, "volume"), NULL);
	CHECK_STR(notify_option(NULL, 0, "sound"), NULL);
}

UNIT_TEST(test_encoding)
{
	struct nbuf b = { 0 };
	char *s;

	notify_pct_encode(&b, "a b/\xc3\xa9~-._&=+");
	s = nbuf_steal(&b);
	CHECK_STR(s, "a%20b%2F%C3%A9~-._%26%3D%2B");
	free(s);
	notify_form_add(&b, "k", "v 1");
	notify_form_add(&b, "a&b", "");
	s = nbuf_steal(&b);
	CHECK_STR(s, "k=v%201&a%26b=");
	free(s);
	nbuf_printf(&b, "%s-%d", "x", 42);
	nbuf_printf(&b, "%0300d", 0);
	s = nbuf_steal(&b);
	CHECK_INT(strlen(s), 4 + 300);
	CHECK(strncmp(s, "x-42000", 7) == 0);
	free(s);
}

UNIT_TEST(test_utf8)
{
	static const char *text = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";
	static const size_t want[] = { 0, 1, 3, 6, 10, 10 };
	char *s;

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		CHECK_INT(notify_utf8_prefix(text, i), want[i]);
	s = notify_utf8_truncate(text, 3);
	CHECK_STR(s, "a\xc3\xa9\xe2\x82\xac");
	free(s);
	/* invalid: stray byte, surrogate, overlong, beyond U+10FFFF */
	s = notify_utf8_clean("a\xff" "b\xc3\xa9\xed\xa0\x80\xc0\xaf"
			      "\xf4\x90\x80\x80" "\xf0\x9f\x98\x80\xe2\x82");
	CHECK_STR(s, "a\xef\xbf\xbd" "b\xc3\xa9"
		     "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
		     "\xef\xbf\xbd\xef\xbf\xbd"
		     "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
		     "\xf0\x9f\x98\x80\xef\xbf\xbd\xef\xbf\xbd");
	free(s);
	s = notify_utf8_clean(NULL);
	CHECK_STR(s, "");
	free(s);
	CHECK_INT(notify_has_ctl("a\tb"), 1);
	CHECK_INT(notify_has_ctl("a b\xc3\xa9"), 0);
	CHECK_INT(notify_has_ctl(NULL), 0);
}

UNIT_TEST(test_default_text)
{
	static const struct {
		const char *message, *from, *subject, *want;
	} rows[] = {
		{ NULL, "Bob", "Hi", "Bob: Hi" },
		{ NULL, NULL, "Hi", "Hi" },
		{ NULL, "Bob", "", "Bob" },
		{ NULL, NULL, NULL, "New mail" },
		{ "", "Bob", "Hi", "Bob: Hi" },
		{ "Custom", "Bob", "Hi", "Custom" },
		{ "Bad \xff", NULL, NULL, "Bad \xef\xbf\xbd" },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct siren_notify_request r = { .message = rows[i].message,
						  .msg_from = rows[i].from,
						  .msg_subject =
							  rows[i].subject };
		char *got = notify_message_text(&r);
		CHECK_STR(got, rows[i].want);
		free(got);
	}
}

UNIT_TEST(test_retry_after)
{
	static const struct {
		const char *value;
		long want;
	} rows[] = {
		{ NULL, 0 },
		{ "120", 120 },
		{ " 5", 5 },
		{ "0", 0 },
		{ "-1", 0 },
		{ "5x", 0 },
		{ "abc", 0 },
		{ "99999999999", 86400 },
		{ "Tue, 14 Nov 2023 22:14:20 GMT", 60 },
		{ "Tue, 14 Nov 2023 22:00:00 GMT", 0 },
		{ "Tue, 14 Nov 2023", 0 },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		CHECK_INT(notify_retry_after(rows[i].value, 1700000000),
			  rows[i].want);
}

UNIT_TEST(test_classify)
{
	static const struct {
		long status;
		int want;
		const char *reason;
	} rows[] = {
		{ 200, SIREN_NOTIFY_DELIVERED, "HTTP 200" },
		{ 299, SIREN_NOTIFY_DELIVERED, "HTTP 299" },
		{ 302, SIREN_NOTIFY_FAILED,
		  "HTTP 302: redirects are not followed" },
		{ 400, SIREN_NOTIFY_FAILED, "HTTP 400 body\?x" },
		{ 408, SIREN_NOTIFY_RETRY, "HTTP 408 body\?x" },
		{ 410, SIREN_NOTIFY_FAILED, "HTTP 410 body\?x" },
		{ 425, SIREN_NOTIFY_RETRY, "HTTP 425 body\?x" },
		{ 429, SIREN_NOTIFY_RETRY, "HTTP 429 body\?x" },
		{ 451, SIREN_NOTIFY_FAILED, "HTTP 451 body\?x" },
		{ 599, SIREN_NOTIFY_RETRY, "HTTP 599 body\?x" },
		{ 100, SIREN_NOTIFY_FAILED, "HTTP 100 body\?x" },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct siren_notify_outcome o;
		notify_classify(rows[i].status, NULL, 0, "body\x01x\nsecond",
				1700000000, &o);
		CHECK_INT(o.status, rows[i].want);
		CHECK_STR(o.reason, rows[i].reason);
	}
}

UNIT_MAIN(UNIT_CASE(test_uri_parse), UNIT_CASE(test_params_and_options),
	  UNIT_CASE(test_encoding), UNIT_CASE(test_utf8),
	  UNIT_CASE(test_default_text), UNIT_CASE(test_retry_after),
	  UNIT_CASE(test_classify))
