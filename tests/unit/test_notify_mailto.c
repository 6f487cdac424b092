/*
 * test_notify_mailto.c: the mailto plugin (RFC 5436): URI validation and
 * limits, the exact notification message (From, To, Cc, Subject rules,
 * Auto-Submitted, Precedence, Message-ID, priority headers, ignored URI
 * headers), envelope sender rules, the auto-submitted guard, and how
 * send_mail results map to outcomes.
 */
#include "notify_harness.h"

static const struct harness_kv cfg[] = {
	{ "notify.mailto", "max_recipients", "3" },
	{ NULL, NULL, NULL },
};

UNIT_TEST(test_check)
{
	static const struct {
		const char *uri;
		int want;
	} rows[] = {
		{ "mailto:alice@example.org", 1 },
		{ "MAILTO:alice@example.org", 1 },
		{ "mailto:a@example.org,b@example.org", 1 },
		{ "mailto:?to=a@example.org", 1 },
		{ "mailto:a@example.org?cc=b@example.org&subject=Hi%20there", 1 },
		{ "mailto:a@example.org?body=line1%0D%0Aline2", 1 },
		{ "mailto:a@example.org?X-Custom=1&keywords=mail", 1 },
		{ "mailto:a.b+tag@sub.example.org", 1 },
		{ "mailto:", 0 },
		{ "mailto:?subject=x", 0 },
		{ "mailto:not-an-address", 0 },
		{ "mailto:a@", 0 },
		{ "mailto:a..b@example.org", 0 },
		{ "mailto:.a@example.org", 0 },
		{ "mailto:a@example..org", 0 },
		{ "mailto:a@example.org,", 0 },
		{ "mailto:a@example.org?subject=a%0D%0ABcc:%20x@y.org", 0 },
		{ "mailto:a@example.org?bad%20name=x", 0 },
		{ "mailto:a@example.org?subject", 0 },
		/* four recipients, max_recipients = 3 */
		{ "mailto:a@x.org,b@x.org?to=c@x.org&cc=d@x.org", 0 },
		{ "mailto:a%40example.org", 1 },
		{ "mailto:a@example.org#x", 0 },
	};
	const struct plugin *p = harness_load(cfg, "mailto");
	const char *error;

	CHECK(p != NULL);
	for (size_t i = 0; p && i < sizeof(rows) / sizeof(rows[0]); i++) {
		int got = harness_check(p, rows[i].uri, NULL, 0, &error);
		if (got != rows[i].want)
			UNIT_FAIL("%s: got %d, want %d (%s)", rows[i].uri, got,
				  rows[i].want, error ? error : "");
	}
	CHECK_STR(p->method->capability(p->state, "mailto:a@b.org", "online"),
		  "maybe");
	CHECK_STR(p->method->capability(p->state, "mailto:a@b.org", "fcc"),
		  NULL);
	harness_unload();
}

static struct siren_notify_outcome deliver(const struct plugin *p,
					   const struct siren_notify_request *r)
{
	struct siren_notify_outcome out;

	memset(&out, 0, sizeof(out));
	p->method->deliver(p->state, r, &out);
	return out;
}

UNIT_TEST(test_message)
{
	const struct plugin *p = harness_load(cfg, "mailto");
	struct siren_notify_request req = harness_request(
		"mailto:carol@example.net?cc=dave@example.net"
		"&from=evil@example.com&auto-submitted=no&bcc=spy@example.com"
		"&Resent-To=x@example.com&Received=forged&X-Tag=sieve");
	struct siren_notify_outcome o;

	req.importance = 1;
	o = deliver(p, &req);
	CHECK_INT(o.status, SIREN_NOTIFY_DELIVERED);
	CHECK_STR(o.reason, "mailto: submitted to 2 recipients");
	CHECK_STR(harness_mail.env_from, "alice@example.org");
	CHECK_INT(harness_mail.nrcpts, 2);
	CHECK_STR(harness_mail.rcpts[0], "carol@example.net");
	CHECK_STR(harness_mail.rcpts[1], "dave@example.net");
	CHECK_STR(harness_mail.msg,
		  "From: alice@example.org\n"
		  "To: carol@example.net\n"
		  "Cc: dave@example.net\n"
		  "Subject: Notification: Lunch?\n"
		  "Date: Tue, 14 Nov 2023 22:13:20 +0000\n"
		  "Message-ID: <msg_01HX3Z9K4Q8V2N7R5T6Y0W1E2D.notify@"
		  "mx.example.net>\n"
		  "Auto-Submitted: auto-notified; "
		  "owner-email=\"alice@example.org\"\n"
		  "Precedence: bulk\n"
		  "X-Priority: 1 (Highest)\n"
		  "Importance: High\n"
		  "References: <abc@example.com>\n"
		  "X-Tag: sieve\n"
		  "MIME-Version: 1.0\n"
		  "Content-Type: text/plain; charset=utf-8\n"
		  "Content-Transfer-Encoding: 8bit\n"
		  "\n"
		  "Bob <bob@example.com>: Lunch?\n");
	harness_unload();
}

/* RFC 5436 2.5: :message, else URI subject, else Notification: ... */
UNIT_TEST(test_subject_body_from)
{
	const struct plugin *p = harness_load(cfg, "mailto");
	struct siren_notify_request req = harness_request(
		"mailto:carol@example.net?subject=From%20URI"
		"&body=Line%201%0D%0ALine%202");

	req.from = "boss@example.org";
	req.importance = 3;
	deliver(p, &req);
	CHECK(strstr(harness_mail.msg, "From: boss@example.org\n") != NULL);
	CHECK(strstr(harness_mail.msg, "\nSubject: From URI\n") != NULL);
	CHECK(strstr(harness_mail.msg, "\nX-Priority: 5 (Lowest)\n"
				       "Importance: Low\n") != NULL);
	CHECK(strstr(harness_mail.msg, "\n\nLine 1\nLine 2\n") != NULL);

	req.message = "Caf\xc3\xa9 \"news\"\r\nBcc: x@y.org";
	req.from = "not an address";
	req.importance = 2;
	deliver(p, &req);
	CHECK(strstr(harness_mail.msg, "From: alice@example.org\n") != NULL);
	CHECK(strstr(harness_mail.msg, "\nSubject: =?UTF-8?B?"
		     "Q2Fmw6kgIm5ld3MiICBCY2M6IHhAeS5vcmc=?=\n") != NULL);
	CHECK(strstr(harness_mail.msg, "\nBcc:") == NULL);
	CHECK(strstr(harness_mail.msg, "\nX-Priority: 3 (Normal)\n") != NULL);
	harness_unload();
}

UNIT_TEST(test_envelope)
{
	static const struct harness_kv envcfg[] = {
		{ "notify.mailto", "envelope_from", "notify@mx.example.net" },
		{ "notify.mailto", "from", "noreply@example.net" },
		{ NULL, NULL, NULL },
	};
	const struct plugin *p = harness_load(envcfg, "mailto");
	struct siren_notify_request req = harness_request("mailto:c@x.org");

	deliver(p, &req);
	CHECK_STR(harness_mail.env_from, "notify@mx.example.net");
	CHECK(strncmp(harness_mail.msg, "From: noreply@example.net\n", 26) ==
	      0);
	/* RFC 5436 2.7: null sender in, null sender out */
	req.env_from = "";
	deliver(p, &req);
	CHECK_STR(harness_mail.env_from, "");
	harness_unload();

	/* hostile context never reaches a header line */
	p = harness_load(cfg, "mailto");
	req.env_to = "x@y.org\nBcc: spy@evil.example";
	req.user = "u\"ser@example.org";
	deliver(p, &req);
	CHECK(strncmp(harness_mail.msg, "From: MAILER-DAEMON\n", 20) == 0);
	CHECK(strstr(harness_mail.msg, "owner-email=\"\"\n") != NULL);
	CHECK(strstr(harness_mail.msg, "\nBcc:") == NULL);
	harness_unload();
}

UNIT_TEST(test_auto_submitted)
{
	static const struct {
		const char *value;
		int sent;
	} rows[] = {
		{ NULL, 1 },
		{ "no", 1 },
		{ " No ; comment", 1 },
		{ "auto-replied", 0 },
		{ "auto-generated", 0 },
		{ "auto-notified; owner-email=\"x@y\"", 0 },
		{ "nope", 0 },
	};
	const struct plugin *p = harness_load(cfg, "mailto");

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct siren_notify_request req =
			harness_request("mailto:c@x.org");
		req.auto_submitted = rows[i].value;
		harness_mail_reset();
		struct siren_notify_outcome o = deliver(p, &req);
		CHECK_INT(harness_mail.calls, rows[i].sent);
		if (!rows[i].sent) {
			CHECK_INT(o.status, SIREN_NOTIFY_FAILED);
			CHECK_STR(o.reason, "auto-submitted message");
		}
	}
	harness_unload();
}

UNIT_TEST(test_send_failures)
{
	const struct plugin *p = harness_load(cfg, "mailto");
	struct siren_notify_request req = harness_request("mailto:c@x.org");
	struct siren_notify_outcome o;

	harness_mail.ret = SIREN_NOTIFY_MAIL_TEMPFAIL;
	o = deliver(p, &req);
	CHECK_INT(o.status, SIREN_NOTIFY_RETRY);
	CHECK_STR(o.reason, "mailto: fake failure");
	harness_mail.ret = SIREN_NOTIFY_MAIL_PERMFAIL;
	o = deliver(p, &req);
	CHECK_INT(o.status, SIREN_NOTIFY_FAILED);
	harness_mail.ret = 0;
	req.method = "mailto:bad";
	o = deliver(p, &req);
	CHECK_INT(o.status, SIREN_NOTIFY_FAILED);
	CHECK_STR(o.reason, "invalid URI: invalid address");
	harness_unload();
}

UNIT_MAIN(UNIT_CASE(test_check), UNIT_CASE(test_message),
	  UNIT_CASE(test_subject_body_from), UNIT_CASE(test_envelope),
	  UNIT_CASE(test_auto_submitted), UNIT_CASE(test_send_failures))
