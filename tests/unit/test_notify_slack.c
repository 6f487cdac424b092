/*
 * test_notify_slack.c: the slack plugin: URI forms (webhook path, admin
 * alias, default), the JSON body with Slack's & < > escaping and the
 * importance prefix, and response classification.
 */
#include "notify_harness.h"

static const struct harness_kv cfg[] = {
	{ "notify.slack", "base_url", "http://127.0.0.1:9" },
	{ "notify.slack", "webhook.ops",
	  "https://hooks.slack.com/services/T1/B2/opsSECRET" },
	{ "notify.slack", "webhook_url",
	  "https://hooks.slack.com/services/T1/B2/defaultSECRET" },
	{ NULL, NULL, NULL },
};

UNIT_TEST(test_check)
{
	static const char *const opts[] = { "x=y" };
	static const struct {
		const char *uri;
		int want;
	} rows[] = {
		{ "slack:T0001/B0002/XXXXXXXXXXXXXXXXXXXXXXXX", 1 },
		{ "slack:ops", 1 },
		{ "slack:default", 1 },
		{ "SLACK:ops", 1 },
		{ "slack:nosuchalias", 0 },
		{ "slack:T0001/B0002", 0 },
		{ "slack:T0001/B0002/X/Y", 0 },
		{ "slack:T0001//X", 0 },
		{ "slack:ops?channel=general", 0 },
		{ "slack:", 0 },
		{ "slack:o%20ps", 0 },
		{ "slack:../../x", 0 },
	};
	const struct plugin *p = harness_load(cfg, "slack");
	const char *error;

	CHECK(p != NULL);
	for (size_t i = 0; p && i < sizeof(rows) / sizeof(rows[0]); i++) {
		int got = harness_check(p, rows[i].uri, NULL, 0, &error);
		if (got != rows[i].want)
			UNIT_FAIL("%s: got %d, want %d (%s)", rows[i].uri, got,
				  rows[i].want, error ? error : "");
	}
	CHECK_INT(harness_check(p, "slack:ops", opts, 1, &error), 0);
	CHECK_STR(error, "slack: takes no :options");
	CHECK_STR(p->method->capability(p->state, "slack:ops", "online"),
		  "maybe");
	harness_unload();
}

static void prepare(const struct plugin *p,
		    const struct siren_notify_request *req, const char *url,
		    const char *body)
{
	struct siren_notify_http http;
	char *error = NULL;

	memset(&http, 0, sizeof(http));
	CHECK_INT(p->method->prepare(p->state, req, &http, &error), 0);
	CHECK_STR(http.method, "POST");
	CHECK_STR(http.url, url);
	CHECK_STR(http.content_type, "application/json");
	CHECK_INT(http.flags, 0);
	CHECK_STR(http.body, body);
	siren_notify_http_clear(&http);
	free(error);
}

UNIT_TEST(test_prepare)
{
	const struct plugin *p = harness_load(cfg, "slack");
	struct siren_notify_request req =
		harness_request("slack:T0001/B0002/XXXX");

	prepare(p, &req, "http://127.0.0.1:9/services/T0001/B0002/XXXX",
		"{\"text\":\"Bob &lt;bob@example.com&gt;: Lunch?\"}");
	req.method = "slack:ops";
	req.message = "<!channel> & <http://evil|innocent> \"q\" *b*";
	prepare(p, &req, "https://hooks.slack.com/services/T1/B2/opsSECRET",
		"{\"text\":\"&lt;!channel&gt; &amp; &lt;http://evil|innocent"
		"&gt; \\\"q\\\" *b*\"}");
	req.method = "slack:default";
	req.message = "urgent";
	req.importance = 1;
	prepare(p, &req,
		"https://hooks.slack.com/services/T1/B2/defaultSECRET",
		"{\"text\":\":rotating_light: urgent\"}");
	req.importance = 3;
	prepare(p, &req,
		"https://hooks.slack.com/services/T1/B2/defaultSECRET",
		"{\"text\":\"urgent\"}");
	harness_unload();
}

UNIT_TEST(test_result)
{
	static const struct {
		long status;
		const char *hname, *hvalue, *body;
		int want;
		long retry_after;
		const char *reason;
	} rows[] = {
		{ 200, NULL, NULL, "ok", SIREN_NOTIFY_DELIVERED, 0,
		  "slack HTTP 200" },
		{ 400, NULL, NULL, "invalid_payload", SIREN_NOTIFY_FAILED, 0,
		  "slack HTTP 400 invalid_payload" },
		{ 403, NULL, NULL, "action_prohibited", SIREN_NOTIFY_FAILED, 0,
		  "slack HTTP 403 action_prohibited" },
		{ 404, NULL, NULL, "channel_not_found", SIREN_NOTIFY_FAILED, 0,
		  "slack HTTP 404 channel_not_found" },
		{ 410, NULL, NULL, "channel_is_archived", SIREN_NOTIFY_FAILED,
		  0, "slack HTTP 410 channel_is_archived" },
		{ 429, "Retry-After", "7", "rate_limited", SIREN_NOTIFY_RETRY,
		  7, "slack HTTP 429 rate_limited" },
		{ 500, NULL, NULL, "rollup_error", SIREN_NOTIFY_RETRY, 0,
		  "slack HTTP 500 rollup_error" },
	};
	const struct plugin *p = harness_load(cfg, "slack");
	struct siren_notify_request req = harness_request("slack:ops");

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct siren_notify_outcome o =
			harness_result(p, &req, rows[i].status, rows[i].hname,
				       rows[i].hvalue, rows[i].body);
		CHECK_INT(o.status, rows[i].want);
		CHECK_INT(o.retry_after, rows[i].retry_after);
		CHECK_STR(o.reason, rows[i].reason);
	}
	harness_unload();
}

UNIT_MAIN(UNIT_CASE(test_check), UNIT_CASE(test_prepare),
	  UNIT_CASE(test_result))
