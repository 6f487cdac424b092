/*
 * test_notify_ifttt.c: the ifttt plugin: event/key validation, the key
 * from the URI or the config, the trigger URL and JSON values.
 */
#include "notify_harness.h"

static const struct harness_kv cfg[] = {
	{ "notify.ifttt", "base_url", "http://127.0.0.1:9/" },
	{ "notify.ifttt", "key", "adminKEY_1" },
	{ NULL, NULL, NULL },
};

static const struct harness_kv nokey[] = {
	{ "notify.ifttt", "base_url", "http://127.0.0.1:9" },
	{ NULL, NULL, NULL },
};

UNIT_TEST(test_check)
{
	static const struct {
		const char *uri;
		int want, want_nokey;
	} rows[] = {
		{ "ifttt:mail_arrived", 1, 0 },
		{ "ifttt:mail-arrived?key=userKEY", 1, 1 },
		{ "IFTTT:Mail1", 1, 0 },
		{ "ifttt:mail.arrived", 0, 0 },
		{ "ifttt:mail/arrived", 0, 0 },
		{ "ifttt:", 0, 0 },
		{ "ifttt:ev?key=a%2Fb", 0, 0 },
		{ "ifttt:ev?json=1", 0, 0 },
		{ "ifttt:ev?key=", 0, 0 },
	};
	const struct plugin *p = harness_load(cfg, "ifttt");
	const char *error;

	for (size_t i = 0; p && i < sizeof(rows) / sizeof(rows[0]); i++) {
		int got = harness_check(p, rows[i].uri, NULL, 0, &error);
		if (got != rows[i].want)
			UNIT_FAIL("%s: got %d, want %d (%s)", rows[i].uri, got,
				  rows[i].want, error ? error : "");
	}
	p = harness_load(nokey, "ifttt");
	for (size_t i = 0; p && i < sizeof(rows) / sizeof(rows[0]); i++) {
		int got = harness_check(p, rows[i].uri, NULL, 0, &error);
		if (got != rows[i].want_nokey)
			UNIT_FAIL("no key %s: got %d, want %d", rows[i].uri,
				  got, rows[i].want_nokey);
	}
	CHECK_INT(harness_check(p, "ifttt:ev", NULL, 0, &error), 0);
	CHECK_STR(error, "no IFTTT key in the URI or the configuration");
	harness_unload();
}

UNIT_TEST(test_prepare)
{
	const struct plugin *p = harness_load(cfg, "ifttt");
	struct siren_notify_request req = harness_request("ifttt:mail_in");
	struct siren_notify_http http;
	char *error = NULL;

	memset(&http, 0, sizeof(http));
	CHECK_INT(p->method->prepare(p->state, &req, &http, &error), 0);
	CHECK_STR(http.url,
		  "http://127.0.0.1:9/trigger/mail_in/with/key/adminKEY_1");
	CHECK_STR(http.content_type, "application/json");
	CHECK_STR(http.body, "{\"value1\":\"Bob <bob@example.com>\","
			     "\"value2\":\"Lunch?\","
			     "\"value3\":\"Bob <bob@example.com>: Lunch?\"}");
	siren_notify_http_clear(&http);

	req.method = "ifttt:mail_in?key=userKEY";
	req.message = "From the boss";
	req.msg_subject = NULL;
	CHECK_INT(p->method->prepare(p->state, &req, &http, &error), 0);
	CHECK_STR(http.url,
		  "http://127.0.0.1:9/trigger/mail_in/with/key/userKEY");
	CHECK_STR(http.body, "{\"value1\":\"Bob <bob@example.com>\","
			     "\"value2\":\"\",\"value3\":\"From the boss\"}");
	siren_notify_http_clear(&http);
	harness_unload();
}

UNIT_TEST(test_result)
{
	const struct plugin *p = harness_load(cfg, "ifttt");
	struct siren_notify_request req = harness_request("ifttt:mail_in");
	struct siren_notify_outcome o;

	o = harness_result(p, &req, 200, NULL, NULL,
			   "Congratulations! You've fired the mail_in event");
	CHECK_INT(o.status, SIREN_NOTIFY_DELIVERED);
	o = harness_result(p, &req, 401, NULL, NULL,
			   "{\"errors\":[{\"message\":\"bad key\"}]}");
	CHECK_INT(o.status, SIREN_NOTIFY_FAILED);
	CHECK_STR(o.reason,
		  "ifttt HTTP 401 {\"errors\":[{\"message\":\"bad key\"}]}");
	o = harness_result(p, &req, 503, "Retry-After", "5", "");
	CHECK_INT(o.status, SIREN_NOTIFY_RETRY);
	CHECK_INT(o.retry_after, 5);
	harness_unload();
}

UNIT_MAIN(UNIT_CASE(test_check), UNIT_CASE(test_prepare),
	  UNIT_CASE(test_result))
