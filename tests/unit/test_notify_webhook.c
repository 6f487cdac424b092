/*
 * test_notify_webhook.c: the webhook plugin (https:/http: URIs): URL
 * validation, the exact JSON body, Standard Webhooks headers and the
 * HMAC-SHA256 signature (expected value computed independently with
 * Python's hmac module and `openssl dgst -sha256 -mac HMAC`), the SSRF
 * flag, and response classification.
 */
#include "notify_harness.h"

#define SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

static const struct harness_kv cfg[] = {
	{ "notify.webhook", "secret", SECRET },
	{ NULL, NULL, NULL },
};

static const struct harness_kv cfg_http[] = {
	{ "notify.webhook", "secret", SECRET },
	{ "notify.webhook", "allow_http", "yes" },
	{ NULL, NULL, NULL },
};

UNIT_TEST(test_check)
{
	static const struct {
		const char *uri;
		int want, want_http;
	} rows[] = {
		{ "https://hooks.example.org/mail", 1, 1 },
		{ "HTTPS://hooks.example.org:8443/a/b?x=1&y=2", 1, 1 },
		{ "http://hooks.example.org/mail", 0, 1 },
		{ "https://user:pw@hooks.example.org/", 0, 0 },
		{ "https://hooks.example.org/#frag", 0, 0 },
		{ "https:///nohost", 0, 0 },
		{ "https://hooks.example.org/a b", 0, 0 },
		{ "https://hooks.example.org/\xc3\xa9", 0, 0 },
		{ "ftp://hooks.example.org/", 0, 0 },
		{ "https://", 0, 0 },
	};
	const struct plugin *p = harness_load(cfg, "webhook");
	const char *error;

	CHECK(p != NULL);
	for (size_t i = 0; p && i < sizeof(rows) / sizeof(rows[0]); i++) {
		int got = harness_check(p, rows[i].uri, NULL, 0, &error);
		if (got != rows[i].want)
			UNIT_FAIL("%s: got %d, want %d (%s)", rows[i].uri, got,
				  rows[i].want, error ? error : "");
	}
	p = harness_load(cfg_http, "webhook");
	for (size_t i = 0; p && i < sizeof(rows) / sizeof(rows[0]); i++) {
		int got = harness_check(p, rows[i].uri, NULL, 0, &error);
		if (got != rows[i].want_http)
			UNIT_FAIL("allow_http %s: got %d, want %d", rows[i].uri,
				  got, rows[i].want_http);
	}
	CHECK_STR(p->method->capability(p->state, "https://x.org/", "online"),
		  "maybe");
	harness_unload();
}

UNIT_TEST(test_signed_request)
{
	const struct plugin *p = harness_load(cfg, "webhook");
	struct siren_notify_request req =
		harness_request("https://hooks.example.org/mail?u=1");
	struct siren_notify_http http;
	char *error = NULL;

	memset(&http, 0, sizeof(http));
	CHECK_INT(p->method->prepare(p->state, &req, &http, &error), 0);
	CHECK_STR(http.method, "POST");
	CHECK_STR(http.url, "https://hooks.example.org/mail?u=1");
	CHECK_STR(http.content_type, "application/json");
	CHECK_INT(http.flags, SIREN_NOTIFY_HTTP_USER_URL);
	CHECK_STR(http.body,
		  "{\"type\":\"mail.notify\","
		  "\"id\":\"msg_01HX3Z9K4Q8V2N7R5T6Y0W1E2D\","
		  "\"timestamp\":\"2023-11-14T22:13:00Z\","
		  "\"data\":{\"user\":\"alice@example.org\","
		  "\"mailbox\":\"INBOX\",\"from\":\"Bob <bob@example.com>\","
		  "\"subject\":\"Lunch?\","
		  "\"message\":\"Bob <bob@example.com>: Lunch?\","
		  "\"importance\":2}}");
	CHECK_INT(http.body_len, strlen(http.body));
	CHECK_INT(http.nheaders, 3);
	CHECK_STR(harness_header(&http, "webhook-id"),
		  "msg_01HX3Z9K4Q8V2N7R5T6Y0W1E2D");
	CHECK_STR(harness_header(&http, "webhook-timestamp"), "1700000000");
	CHECK_STR(harness_header(&http, "webhook-signature"),
		  "v1,ndbSRNBsI2eirm4KcY5qqNxSyKDQsyk3Xs8DBFMUiuM=");
	siren_notify_http_clear(&http);
	harness_unload();
}

UNIT_TEST(test_body_options_and_nulls)
{
	static const char *const opts[] = { "topic=mail", "tag=a=b" };
	const struct plugin *p = harness_load(cfg_http, "webhook");
	struct siren_notify_request req =
		harness_request("http://hooks.example.org/");
	struct siren_notify_http http;
	char *error = NULL;

	req.msg_subject = NULL;
	req.message = "Say \"hi\"\n\\ \xc3\xa9";
	req.importance = 1;
	req.options = opts;
	req.noptions = 2;
	memset(&http, 0, sizeof(http));
	CHECK_INT(p->method->prepare(p->state, &req, &http, &error), 0);
	CHECK_INT(http.flags, SIREN_NOTIFY_HTTP_USER_URL |
				      SIREN_NOTIFY_HTTP_ALLOW_HTTP);
	CHECK(strstr(http.body, "\"subject\":null,\"message\":\"Say "
				"\\\"hi\\\"\\n\\\\ \xc3\xa9\",\"importance\":1,"
				"\"options\":{\"topic\":\"mail\",\"tag\":"
				"\"a=b\"}}}") != NULL);
	siren_notify_http_clear(&http);
	harness_unload();
}

UNIT_TEST(test_result)
{
	static const struct {
		long status;
		const char *hname, *hvalue;
		int want;
		long retry_after;
	} rows[] = {
		{ 200, NULL, NULL, SIREN_NOTIFY_DELIVERED, 0 },
		{ 204, NULL, NULL, SIREN_NOTIFY_DELIVERED, 0 },
		{ 301, "Location", "https://x/", SIREN_NOTIFY_FAILED, 0 },
		{ 400, NULL, NULL, SIREN_NOTIFY_FAILED, 0 },
		{ 404, NULL, NULL, SIREN_NOTIFY_FAILED, 0 },
		{ 408, NULL, NULL, SIREN_NOTIFY_RETRY, 0 },
		{ 410, NULL, NULL, SIREN_NOTIFY_FAILED, 0 },
		{ 425, NULL, NULL, SIREN_NOTIFY_RETRY, 0 },
		{ 429, "Retry-After", "30", SIREN_NOTIFY_RETRY, 30 },
		{ 429, "Retry-After", "999999", SIREN_NOTIFY_RETRY, 86400 },
		{ 500, NULL, NULL, SIREN_NOTIFY_RETRY, 0 },
		{ 503, "Retry-After", "junk", SIREN_NOTIFY_RETRY, 0 },
	};
	const struct plugin *p = harness_load(cfg, "webhook");
	struct siren_notify_request req =
		harness_request("https://hooks.example.org/");

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct siren_notify_outcome o = harness_result(
			p, &req, rows[i].status, rows[i].hname, rows[i].hvalue,
			"");
		if ((int)o.status != rows[i].want ||
		    o.retry_after != rows[i].retry_after)
			UNIT_FAIL("HTTP %ld: got %d/%ld, want %d/%ld",
				  rows[i].status, o.status, o.retry_after,
				  rows[i].want, rows[i].retry_after);
	}
	CHECK_STR(harness_result(p, &req, 410, NULL, NULL, "").reason,
		  "webhook HTTP 410: endpoint gone");
	harness_unload();
}

UNIT_TEST(test_init_secret)
{
	static const struct harness_kv none[] = { { NULL, NULL, NULL } };
	static const struct harness_kv bad[] = {
		{ "notify.webhook", "secret", "whsec_!!!!" },
		{ NULL, NULL, NULL },
	};
	static const struct harness_kv small[] = {
		{ "notify.webhook", "secret", "whsec_c2hvcnQ=" },
		{ NULL, NULL, NULL },
	};

	const struct plugin *p = harness_load(none, "webhook");
	const char *error;
	struct siren_notify_http http;
	struct siren_notify_request req = harness_request("https://x.org/");
	char *err = NULL;

	/* no secret: loaded, disabled, and says why */
	CHECK(p != NULL);
	CHECK(p && harness_check(p, "https://x.org/", NULL, 0, &error) == 0);
	CHECK_STR(error, "webhooks are not enabled on this server "
			 "([notify.webhook] secret)");
	memset(&http, 0, sizeof(http));
	CHECK(p && p->method->prepare(p->state, &req, &http, &err) == -1);
	CHECK_STR(err, "invalid URI: webhooks are not enabled on this server "
		       "([notify.webhook] secret)");
	free(err);
	siren_notify_http_clear(&http);
	CHECK(harness_load(bad, "webhook") == NULL);
	CHECK(strstr(plugin_set_errors(harness_set), "bad base64") != NULL);
	static const struct harness_kv nowhsec[] = {
		{ "notify.webhook", "secret", "c2VjcmV0c2VjcmV0c2VjcmV0" },
		{ NULL, NULL, NULL },
	};
	CHECK(harness_load(nowhsec, "webhook") == NULL);
	CHECK(strstr(plugin_set_errors(harness_set),
		     "plugin webhook.so: init: [notify.webhook] secret must "
		     "be whsec_ followed by base64\n") != NULL);
	CHECK(harness_load(small, "webhook") == NULL);
	CHECK(strstr(plugin_set_errors(harness_set), "16 to 64 bytes") != NULL);
	harness_unload();
}

UNIT_MAIN(UNIT_CASE(test_check), UNIT_CASE(test_signed_request),
	  UNIT_CASE(test_body_options_and_nulls), UNIT_CASE(test_result),
	  UNIT_CASE(test_init_secret))
