/*
 * test_notify_job.c: what the dispatcher and notify-test share: [outbox]
 * defaults, redaction of notify URIs for logs, and the classification of
 * transport errors and responses (Retry-After taken from the header when
 * the plugin gives none).
 */
#include <string.h>

#include "../../mda/config.h"
#include "../../mda/notify_job.h"
#include "unit.h"

UNIT_TEST(test_redact)
{
	static const struct { const char *uri, *want; } rows[] = {
		{ "pushover:uQiRzpo4DXghDmr9QzzfQu27cmVRsG", "pushover:uQiR..." },
		{ "slack:T000/B000/XXXXXXXX", "slack:T000..." },
		{ "ifttt:ev", "ifttt:ev" },
		{ "https://hooks.example.com/secret/path?token=abc",
		  "https://hooks.example.com/..." },
		{ "https://user:pw@h.example:8443/x", "https://h.example:8443/..." },
		{ "http://127.0.0.1:8080", "http://127.0.0.1:8080/..." },
		{ "mailto:bob@example.org?subject=x", "mailto:bob@..." },
		{ "nocolon", "(invalid)" },
	};
	char buf[128];

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		CHECK_STR(notify_job_redact(rows[i].uri, buf, sizeof(buf)),
			  rows[i].want);
	CHECK_STR(notify_job_redact(NULL, buf, sizeof(buf)), "(invalid)");
}

UNIT_TEST(test_settings_defaults)
{
	struct config *cfg = config_default();
	struct outbox_settings s;
	char *err = NULL;

	CHECK_INT(notify_job_settings(cfg, &s, &err), 0);
	CHECK_STR(s.spool, "./var/spool/outbox");
	CHECK_INT(s.concurrency, 16);
	CHECK_INT(s.per_host, 8);
	CHECK_INT(s.max_age, 3600);
	CHECK_INT(s.retry_base_ms, 2000);
	CHECK_INT(s.retry_cap_ms, 300000);
	CHECK_INT(s.rate_limit, 30);
	CHECK_INT(s.rate_window, 3600);
	CHECK_INT(s.suppress_window, 60);
	CHECK_INT(s.http.connect_timeout_ms, 3000);
	CHECK_INT(s.http.timeout_ms, 10000);
	CHECK_INT(s.http.max_response, 65536);
	notify_job_settings_free(&s);
	config_free(&cfg);
}

/* A stand-in plugin verdict: 503 -> retry (no retry_after), else ok. */
static void fake_result(void *state, const struct siren_notify_request *req,
			long status, const struct siren_notify_header *h,
			size_t nh, const char *body, size_t len,
			struct siren_notify_outcome *out)
{
	(void)state, (void)req, (void)h, (void)nh, (void)body, (void)len;
	out->status = status == 503 ? SIREN_NOTIFY_RETRY : SIREN_NOTIFY_DELIVERED;
}

static const struct siren_notify_method fake = {
	.abi_version = SIREN_NOTIFY_ABI_VERSION,
	.name = "fake",
	.result = fake_result,
};

UNIT_TEST(test_classify)
{
	struct siren_notify_request req = { .id = "msg_1" };
	struct siren_notify_outcome out;
	struct siren_notify_header hdr[] = { { "retry-after", "12" } };
	struct http_result res = { .code = CURLE_OK };

	res.refused = 1;
	res.code = CURLE_COULDNT_CONNECT;
	notify_job_classify(&fake, NULL, &req, &res, &out);
	CHECK_INT(out.status, SIREN_NOTIFY_FAILED);
	CHECK(strstr(out.reason, "SSRF") != NULL);

	res.refused = 0;
	res.error = "Connection refused";
	notify_job_classify(&fake, NULL, &req, &res, &out);
	CHECK_INT(out.status, SIREN_NOTIFY_RETRY);
	CHECK_STR(out.reason, "transport: Connection refused");

	res.code = CURLE_OPERATION_TIMEDOUT;
	notify_job_classify(&fake, NULL, &req, &res, &out);
	CHECK_INT(out.status, SIREN_NOTIFY_RETRY);

	res.code = CURLE_PEER_FAILED_VERIFICATION;
	notify_job_classify(&fake, NULL, &req, &res, &out);
	CHECK_INT(out.status, SIREN_NOTIFY_FAILED);

	res.code = CURLE_OK;
	res.status = 503;
	res.headers = hdr;
	res.nheaders = 1;
	res.body = "";
	notify_job_classify(&fake, NULL, &req, &res, &out);
	CHECK_INT(out.status, SIREN_NOTIFY_RETRY);
	CHECK_INT(out.retry_after, 12);
	CHECK_STR(out.reason, "HTTP 503");

	res.status = 200;
	notify_job_classify(&fake, NULL, &req, &res, &out);
	CHECK_INT(out.status, SIREN_NOTIFY_DELIVERED);
}

UNIT_TEST(test_settings_bad_allow)
{
	struct config *cfg = config_default();
	struct outbox_settings s;
	char *err = NULL;
	(void)cfg;
	/* config_default has no allow list: parse errors are covered in
	 * test_ssrf; here only the empty list. */
	CHECK_INT(notify_job_settings(cfg, &s, &err), 0);
	CHECK(s.allow != NULL && s.http.allow == s.allow);
	notify_job_settings_free(&s);
	CHECK(s.allow == NULL);
	config_free(&cfg);
}

UNIT_MAIN(UNIT_CASE(test_redact), UNIT_CASE(test_settings_defaults),
	  UNIT_CASE(test_classify), UNIT_CASE(test_settings_bad_allow))
