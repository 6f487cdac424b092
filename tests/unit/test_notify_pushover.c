/*
 * test_notify_pushover.c: the pushover plugin (build tree's pushover.so):
 * URI validation, the exact form body, importance and priority mapping,
 * truncation, and classification of API responses.
 */
#include "notify_harness.h"

#define TOKEN "azGDORePK8gMaC0QOYAMyEEuzJnyUi"
#define USER "uQiRzpo4DXghDmr9QzzfQu27cmVRsG"

static const struct harness_kv cfg[] = {
	{ "notify.pushover", "token", TOKEN },
	{ "notify.pushover", "base_url", "http://127.0.0.1:9/" },
	{ NULL, NULL, NULL },
};

static const struct harness_kv cfg_emergency[] = {
	{ "notify.pushover", "token", TOKEN },
	{ "notify.pushover", "allow_emergency", "yes" },
	{ "notify.pushover", "retry", "10" },
	{ "notify.pushover", "expire", "99999" },
	{ NULL, NULL, NULL },
};

UNIT_TEST(test_check)
{
	static const struct {
		const char *uri;
		int want;
	} rows[] = {
		{ "pushover:" USER, 1 },
		{ "PUSHOVER:" USER, 1 },
		{ "pushover:" USER "?priority=high&sound=siren&device=phone,"
		  "tablet&title=Mail%20for%20you&url=https%3A%2F%2Fexample.org",
		  1 },
		{ "pushover:" USER "?priority=-1", 1 },
		{ "pushover:" USER "?priority=2", 0 },	/* not allowed */
		{ "pushover:" USER "?priority=emergency", 0 },
		{ "pushover:" USER "?priority=7", 0 },
		{ "pushover:" USER "?colour=red", 0 },	/* unknown param */
		{ "pushover:" USER "?sound=a%20b", 0 },
		{ "pushover:" USER "?url=ftp://x", 0 },
		{ "pushover:" USER "?", 0 },
		{ "pushover:" USER "?title", 0 },
		{ "pushover:" USER "#frag", 0 },
		{ "pushover:short", 0 },
		{ "pushover:" USER "X", 0 },
		{ "pushover:uQiRzpo4DXghDmr9QzzfQu27cmVRs!", 0 },
		{ "pushover:" USER "?title=%zz", 0 },
		{ "pushover:" USER "?title=a%00b", 0 },
		{ "pushover:" USER "?title=a%0Ab", 0 },
		{ "pushover:", 0 },
	};
	const struct plugin *p = harness_load(cfg, "pushover");
	const char *error;

	CHECK(p != NULL);
	for (size_t i = 0; p && i < sizeof(rows) / sizeof(rows[0]); i++) {
		int got = harness_check(p, rows[i].uri, NULL, 0, &error);
		if (got != rows[i].want)
			UNIT_FAIL("%s: got %d, want %d (%s)", rows[i].uri, got,
				  rows[i].want, error ? error : "");
	}
	harness_unload();
}

UNIT_TEST(test_check_options)
{
	static const char *const good[] = { "sound=siren", "device=phone" };
	static const char *const bad[] = { "volume=11" };
	static const char *const badval[] = { "priority=urgent" };
	const struct plugin *p = harness_load(cfg, "pushover");
	const char *error;

	CHECK_INT(harness_check(p, "pushover:" USER, good, 2, &error), 1);
	CHECK_INT(harness_check(p, "pushover:" USER, bad, 1, &error), 0);
	CHECK_STR(error, "unknown pushover option");
	CHECK_INT(harness_check(p, "pushover:" USER, badval, 1, &error), 0);
	CHECK_STR(p->method->capability(p->state, "pushover:" USER, "online"),
		  "maybe");
	harness_unload();
}

static char *prepare(const struct plugin *p,
		     const struct siren_notify_request *req, char **url_r)
{
	struct siren_notify_http http;
	char *error = NULL, *body;

	memset(&http, 0, sizeof(http));
	if (p->method->prepare(p->state, req, &http, &error) != 0) {
		UNIT_FAIL("prepare: %s", error);
		free(error);
		return NULL;
	}
	CHECK_STR(http.method, "POST");
	CHECK_STR(http.content_type, "application/x-www-form-urlencoded");
	CHECK_INT(http.flags, 0);
	CHECK_INT(strlen(http.body), http.body_len);
	body = strdup(http.body);
	if (url_r != NULL)
		*url_r = strdup(http.url);
	siren_notify_http_clear(&http);
	return body;
}

UNIT_TEST(test_prepare_default)
{
	const struct plugin *p = harness_load(cfg, "pushover");
	struct siren_notify_request req = harness_request("pushover:" USER);
	char *url = NULL, *body = prepare(p, &req, &url);

	CHECK_STR(url, "http://127.0.0.1:9/1/messages.json");
	CHECK_STR(body, "token=" TOKEN "&user=" USER
		  "&message=Bob%20%3Cbob%40example.com%3E%3A%20Lunch%3F"
		  "&title=Bob%20%3Cbob%40example.com%3E%3A%20Lunch%3F"
		  "&priority=0&timestamp=1699999980");
	free(url);
	free(body);
	harness_unload();
}

UNIT_TEST(test_prepare_params)
{
	static const char *const opts[] = { "sound=siren" };
	const struct plugin *p = harness_load(cfg, "pushover");
	struct siren_notify_request req = harness_request(
		"pushover:" USER "?title=T%C3%ADtulo&sound=bike&device=phone"
		"&url=https%3A%2F%2Fmail.example.org%2F");
	char *body;

	req.message = "Boss wrote & said <hi>";
	req.importance = 1;
	req.options = opts;
	req.noptions = 1;
	req.msg_from = NULL;
	req.arrival = 0;
	body = prepare(p, &req, NULL);
	CHECK_STR(body, "token=" TOKEN "&user=" USER
		  "&message=Boss%20wrote%20%26%20said%20%3Chi%3E"
		  "&title=T%C3%ADtulo"
		  "&url=https%3A%2F%2Fmail.example.org%2F"
		  "&priority=1&sound=siren&device=phone");
	free(body);
	harness_unload();
}

/* :importance 1/2/3 -> 1/0/-1; an explicit priority wins. */
UNIT_TEST(test_importance)
{
	static const struct {
		const char *uri;
		int importance;
		const char *want;
	} rows[] = {
		{ "pushover:" USER, 1, "&priority=1&" },
		{ "pushover:" USER, 2, "&priority=0&" },
		{ "pushover:" USER, 3, "&priority=-1&" },
		{ "pushover:" USER "?priority=low", 1, "&priority=-1&" },
		{ "pushover:" USER "?priority=lowest", 2, "&priority=-2&" },
		{ "pushover:" USER "?priority=0", 1, "&priority=0&" },
	};
	const struct plugin *p = harness_load(cfg, "pushover");

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct siren_notify_request req = harness_request(rows[i].uri);
		req.importance = rows[i].importance;
		char *body = prepare(p, &req, NULL);
		if (body == NULL || strstr(body, rows[i].want) == NULL)
			UNIT_FAIL("row %zu: got %s, want %s", i, body,
				  rows[i].want);
		free(body);
	}
	harness_unload();
}

UNIT_TEST(test_emergency)
{
	const struct plugin *p = harness_load(cfg_emergency, "pushover");
	struct siren_notify_request req =
		harness_request("pushover:" USER "?priority=emergency");
	char *url = NULL, *body;
	const char *error;

	CHECK_INT(harness_check(p, req.method, NULL, 0, &error), 1);
	body = prepare(p, &req, &url);
	CHECK_STR(url, "https://api.pushover.net/1/messages.json");
	/* retry raised to the API minimum 30, expire capped at 10800 */
	CHECK(body && strstr(body, "&priority=2&retry=30&expire=10800&"));
	free(url);
	free(body);
	harness_unload();
}

/* message <= 1024 characters, cut on a UTF-8 boundary. */
UNIT_TEST(test_truncation)
{
	const struct plugin *p = harness_load(cfg, "pushover");
	struct siren_notify_request req = harness_request("pushover:" USER);
	char msg[1100 + 8], want[1100 + 32];
	char *body;

	memset(msg, 'a', 1023);
	strcpy(msg + 1023, "\xe2\x82\xac" "zzz");	/* euro sign */
	req.message = msg;
	body = prepare(p, &req, NULL);
	strcpy(want, "&message=");
	memset(want + 9, 'a', 1023);
	strcpy(want + 9 + 1023, "%E2%82%AC&title=");
	CHECK(body && strstr(body, want) != NULL);
	free(body);
	harness_unload();
}

UNIT_TEST(test_result)
{
	const struct plugin *p = harness_load(cfg, "pushover");
	struct siren_notify_request req = harness_request("pushover:" USER);
	struct siren_notify_outcome o;

	o = harness_result(p, &req, 200, NULL, NULL,
			   "{\"status\":1,\"request\":\"647d2300-702c\"}");
	CHECK_INT(o.status, SIREN_NOTIFY_DELIVERED);
	CHECK_STR(o.reason, "pushover request 647d2300-702c");
	o = harness_result(p, &req, 400, NULL, NULL,
			   "{\"user\":\"invalid\",\"errors\":[\"user identifier "
			   "is not a valid user, group, or subscribed user "
			   "key\"],\"status\":0,\"request\":\"5042\"}");
	CHECK_INT(o.status, SIREN_NOTIFY_FAILED);
	CHECK_STR(o.reason, "pushover HTTP 400: user identifier is not a valid "
			    "user, group, or subscribed user key");
	o = harness_result(p, &req, 429, "Retry-After", "120", "{}");
	CHECK_INT(o.status, SIREN_NOTIFY_RETRY);
	CHECK_INT(o.retry_after, 120);
	o = harness_result(p, &req, 500, NULL, NULL, "oops");
	CHECK_INT(o.status, SIREN_NOTIFY_RETRY);
	CHECK_INT(o.retry_after, 0);
	o = harness_result(p, &req, 503, "retry-after",
			   "Tue, 14 Nov 2023 22:14:20 GMT", "");
	CHECK_INT(o.status, SIREN_NOTIFY_RETRY);
	CHECK_INT(o.retry_after, 60);
	o = harness_result(p, &req, 200, NULL, NULL, "{\"status\":0}");
	CHECK_INT(o.status, SIREN_NOTIFY_FAILED);
	o = harness_result(p, &req, 302, NULL, NULL, "");
	CHECK_INT(o.status, SIREN_NOTIFY_FAILED);
	harness_unload();
}

/* No token: loaded, but every URI is invalid with a clear reason. */
UNIT_TEST(test_not_enabled_without_token)
{
	static const struct harness_kv none[] = { { NULL, NULL, NULL } };
	const struct plugin *p = harness_load(none, "pushover");
	const char *error;

	CHECK(p != NULL);
	CHECK(p && harness_check(p, "pushover:" USER, NULL, 0, &error) == 0);
	CHECK_STR(error, "pushover is not enabled on this server "
			 "([notify.pushover] token)");
	CHECK(strstr(plugin_set_errors(harness_set), "pushover") == NULL);
	harness_unload();
}

UNIT_MAIN(UNIT_CASE(test_check), UNIT_CASE(test_check_options),
	  UNIT_CASE(test_prepare_default), UNIT_CASE(test_prepare_params),
	  UNIT_CASE(test_importance), UNIT_CASE(test_emergency),
	  UNIT_CASE(test_truncation), UNIT_CASE(test_result),
	  UNIT_CASE(test_not_enabled_without_token))
