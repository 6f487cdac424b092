/* test_sieve_vacation.c: vacation's do-not-reply rules, subject, default
 * handle and period clamp (sieve/vacation_rules.c). */
#include <stdlib.h>
#include <string.h>

#include "../../sieve/sieve.h"
#include "../../sieve/vacation.h"
#include "ext4_run.h"
#include "unit.h"

static const char *skip(const char *text, const char *from, const char *to,
			const char *const *user, size_t nuser,
			const char *const *addrs, size_t naddrs)
{
	static char why[128];
	struct sieve_message *msg = sieve_message_new(text, strlen(text));
	struct sieve_envelope env = {
		.from = from, .to = to, .user_addresses = user,
		.nuser_addresses = nuser,
	};
	const char *r = sieve_vacation_skip(msg, &env, addrs, naddrs, '+',
					    NULL);

	snprintf(why, sizeof(why), "%s", r ? r : "");
	sieve_message_free(&msg);
	return r ? why : NULL;
}

#define PLAIN "From: timo@example.com\nTo: stephan@example.com\n" \
	"Subject: Frop!\n\nFrop!\n"

UNIT_TEST(replies_to_normal_mail)
{
	CHECK(skip(PLAIN, "timo@example.com", "stephan@example.com", NULL, 0,
		   NULL, 0) == NULL);
	/* case-insensitive, and +detail on either side */
	CHECK(skip("From: t@x.org\nTo: Stephan@Example.COM\n\n", "t@x.org",
		   "stephan+vac@example.com", NULL, 0, NULL, 0) == NULL);
	CHECK(skip("From: t@x.org\nTo: stephan+lists@example.com\n\n",
		   "t@x.org", "stephan@example.com", NULL, 0, NULL, 0) == NULL);
	CHECK(skip("From: t@x.org\nTo: a@x.org\nResent-Bcc: me@x.org\n\n",
		   "t@x.org", "me@x.org", NULL, 0, NULL, 0) == NULL);
	CHECK(skip("From: t@x.org\nTo: a@x.org\nAuto-Submitted: no\n"
		   "Precedence: first-class\n\n",
		   "t@x.org", "a@x.org", NULL, 0, NULL, 0) == NULL);
}

UNIT_TEST(own_addresses_from_all_sources)
{
	static const char *user[] = { "user@example.com" };
	static const char *addrs[] = { "stephan.bosch@example.com" };
	const char *to_all = "From: t@x.org\nTo: all@example.com\n\n";
	const char *to_user = "From: t@x.org\nTo: user@example.com\n\n";
	const char *to_bosch =
		"From: t@x.org\nTo: Stephan.Bosch@example.com\n\n";

	CHECK(skip(to_all, "t@x.org", "stephan@example.com", NULL, 0, NULL,
		   0) != NULL);
	CHECK(skip(to_user, "t@x.org", "jibberish@example.com", user, 1,
		   NULL, 0) == NULL);
	CHECK(skip(to_bosch, "t@x.org", "stephan@example.com", NULL, 0,
		   addrs, 1) == NULL);
}

UNIT_TEST(does_not_reply)
{
	static const struct {
		const char *text, *from;
	} cases[] = {
		{ PLAIN, "" },
		{ PLAIN, NULL },
		{ PLAIN, "MAILER-DAEMON@example.com" },
		{ PLAIN, "owner-list@example.com" },
		{ PLAIN, "dovecot-request@lists.example.com" },
		{ PLAIN, "listserv@example.com" },
		{ PLAIN, "Majordomo@example.com" },
		{ PLAIN, "stephan@example.com" },	/* own address */
		{ "To: stephan@example.com\nAuto-Submitted: auto-replied\n\n",
		  "t@x.org" },
		{ "To: stephan@example.com\nAuto-Submitted: Auto-Generated; "
		  "owner-email=x@y\n\n", "t@x.org" },
		{ "To: stephan@example.com\nList-ID: <d.lists.example.com>\n\n",
		  "t@x.org" },
		{ "To: stephan@example.com\nList-Unsubscribe: <mailto:u@x>\n\n",
		  "t@x.org" },
		{ "To: stephan@example.com\nPrecedence: bulk\n\n", "t@x.org" },
		{ "To: stephan@example.com\nPrecedence: LIST\n\n", "t@x.org" },
		{ "To: stephan@example.com\nPrecedence: junk\n\n", "t@x.org" },
		{ "To: stephan@example.com\nX-Auto-Response-Suppress: All\n\n",
		  "t@x.org" },
		{ "To: stephan@example.com\nX-Auto-Response-Suppress: DR, OOF,"
		  " RN\n\n", "t@x.org" },
		{ "To: someone@example.com\nCc: other@example.com\n\n",
		  "t@x.org" },
		{ "Subject: no recipients at all\n\n", "t@x.org" },
		{ "", "t@x.org" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (skip(cases[i].text, cases[i].from, "stephan@example.com",
			 NULL, 0, NULL, 0) == NULL)
			UNIT_FAIL("case %zu: replied, want no reply", i);
	/* owner- only as a prefix, -request only as a suffix */
	CHECK(skip(PLAIN, "request-x@example.com", "stephan@example.com",
		   NULL, 0, NULL, 0) == NULL);
	CHECK(skip(PLAIN, "x-owner@example.com", "stephan@example.com",
		   NULL, 0, NULL, 0) == NULL);
}

static char *subj(const char *text, const char *arg)
{
	struct sieve_message *msg = sieve_message_new(text, strlen(text));
	char *s = sieve_vacation_subject(msg, arg);

	sieve_message_free(&msg);
	return s;
}

static size_t codepoints(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

UNIT_TEST(subject)
{
	char *s = subj("Subject: No subject of discussion\n\n", NULL);
	CHECK_STR(s, "Auto: No subject of discussion");
	free(s);
	s = subj("Subject: No subject of discussion\n\n", "Tulips");
	CHECK_STR(s, "Tulips");
	free(s);
	s = subj("From: x@y\n\n", NULL);
	CHECK_STR(s, "Automated reply");
	free(s);
	s = subj("Subject: =?utf-8?q?G=C3=BCnther?=\n\n", NULL);
	CHECK_STR(s, "Auto: G\xc3\xbcnther");
	free(s);
}

UNIT_TEST(subject_truncated)
{
	struct {
		char text[4096];
	} m;
	strcpy(m.text, "Subject: ");
	for (int i = 0; i < 60; i++)
		strcat(m.text, "Lorem ipsum\n ");
	strcat(m.text, "end\n\n");
	char *s = subj(m.text, NULL);
	CHECK_INT(codepoints(s), SIEVE_VACATION_SUBJECT_MAX);
	CHECK(strncmp(s, "Auto: Lorem ipsum", 17) == 0);
	CHECK(strcmp(s + strlen(s) - 3, "\xe2\x80\xa6") == 0);
	free(s);

	strcpy(m.text, "Subject: ");
	for (int i = 0; i < 300; i++)
		strcat(m.text, "\xe4\xb8\x83");
	strcat(m.text, "\n\n");
	s = subj(m.text, NULL);
	CHECK_INT(codepoints(s), SIEVE_VACATION_SUBJECT_MAX);
	CHECK(strcmp(s + strlen(s) - 3, "\xe2\x80\xa6") == 0);
	free(s);
}

UNIT_TEST(default_handle)
{
	char *a = sieve_vacation_default_handle("gone", NULL, NULL, false);
	char *b = sieve_vacation_default_handle("gone", NULL, NULL, false);
	char *c = sieve_vacation_default_handle("gone", "", NULL, false);
	char *d = sieve_vacation_default_handle("gone", NULL, NULL, true);
	char *e = sieve_vacation_default_handle("gone!", NULL, NULL, false);

	CHECK_STR(a, b);
	CHECK_INT(strlen(a), 8 + 32);
	CHECK(strncmp(a, "default-", 8) == 0);
	CHECK(strcmp(a, c) != 0);
	CHECK(strcmp(a, d) != 0);
	CHECK(strcmp(a, e) != 0);
	free(a);
	free(b);
	free(c);
	free(d);
	free(e);
}

UNIT_TEST(period_clamp)
{
	struct sieve_config cfg = {
		.vacation_min_seconds = 86400,
		.vacation_default_seconds = 7 * 86400,
		.vacation_max_seconds = 60 * 86400,
	};
	CHECK_INT(sieve_vacation_period(&cfg, false, 0), 7 * 86400);
	CHECK_INT(sieve_vacation_period(&cfg, true, 120), 86400);
	CHECK_INT(sieve_vacation_period(&cfg, true, 0), 86400);
	CHECK_INT(sieve_vacation_period(&cfg, true, 3 * 86400), 3 * 86400);
	CHECK_INT(sieve_vacation_period(&cfg, true, 365 * 86400), 60 * 86400);
	cfg.vacation_min_seconds = 0;
	CHECK_INT(sieve_vacation_period(&cfg, true, 0), 0);
	CHECK_INT(sieve_vacation_period(&cfg, true, 120), 120);
	cfg.vacation_max_seconds = 0;	/* no maximum */
	CHECK_INT(sieve_vacation_period(&cfg, true, 365 * 86400), 365 * 86400);
}


/* ---- through the engine ------------------------------------------------ */

#define VMSG "From: \"Stephan Bosch\" <stephan@example.org>\n" \
	"To: nico@frop.example.org\nSubject: Frop!\n" \
	"Message-ID: <432df324@example.org>\n\nFrop\n"

static struct ext4_out vrun(const char *script, const char *msg)
{
	static const struct sieve_envelope env = {
		.from = "stephan@example.org", .to = "nico@frop.example.org",
	};
	return ext4_run(script, msg, &env, NULL, NULL);
}

UNIT_TEST(action_fields)
{
	struct ext4_out o = vrun(
		"require [\"vacation\", \"variables\"];\n"
		"set \"r\" \"a conference\";\n"
		"vacation :days 3 :subject \"Out: ${r}\" :from \"me@frop.example.org\""
		" :addresses [\"x@y.org\", \"z@y.org\"] :mime :handle \"h1\" "
		"\"Gone to ${r}.\";\n", VMSG);

	CHECK_STR(o.errors, "");
	CHECK_STR(o.actions, "vacation :to \"stephan@example.org\" "
		  ":from \"me@frop.example.org\" :subject \"Out: a conference\" "
		  ":handle \"h1\" :addresses [\"x@y.org\", \"z@y.org\"] "
		  ":seconds 259200 :mime \"Gone to a conference.\"\nkeep");
	ext4_out_free(&o);
}

UNIT_TEST(defaults_and_clamps)
{
	struct ext4_out o = vrun("require \"vacation\";\nvacation \"gone\";\n",
				 VMSG);
	CHECK(strstr(o.actions, ":subject \"Auto: Frop!\"") != NULL);
	CHECK(strstr(o.actions, ":seconds 604800") != NULL);
	CHECK(strstr(o.actions, ":handle \"default-") != NULL);
	CHECK(strstr(o.actions, "\nkeep") != NULL);
	ext4_out_free(&o);

	o = vrun("require \"vacation-seconds\";\n"
		 "vacation :seconds 120 \"back soon\";\n", VMSG);
	CHECK(strstr(o.actions, ":seconds 86400") != NULL);	/* min */
	ext4_out_free(&o);

	o = vrun("require \"vacation\";\nvacation :days 1000 \"gone\";\n",
		 VMSG);
	CHECK(strstr(o.actions, ":seconds 5184000") != NULL);	/* max */
	ext4_out_free(&o);

	struct sieve_config cfg;
	static const struct sieve_envelope env = {
		.from = "stephan@example.org", .to = "nico@frop.example.org",
	};
	sieve_config_defaults(&cfg);
	cfg.vacation_min_seconds = 0;
	o = ext4_run("require \"vacation-seconds\";\n"
		     "vacation :seconds 0 \"every time\";\n", VMSG, &env, NULL,
		     &cfg);
	CHECK(strstr(o.actions, ":seconds 0 ") != NULL);
	ext4_out_free(&o);
}

UNIT_TEST(suppressed_reply_keeps_and_conflicts)
{
	const char *list = "From: t@example.org\nTo: nico@frop.example.org\n"
		"List-Id: <x.lists.example.org>\nSubject: s\n\nb\n";
	struct ext4_out o = vrun("require \"vacation\";\nvacation \"gone\";\n",
				 list);

	CHECK_STR(o.errors, "");
	CHECK_STR(o.actions, "keep");
	ext4_out_free(&o);

	/* a suppressed vacation still conflicts with reject (RFC 5230 4.7) */
	o = vrun("require [\"vacation\", \"reject\"];\n"
		 "vacation \"gone\";\nreject \"no\";\n", list);
	CHECK(strstr(o.errors, "conflicts") != NULL);
	CHECK_STR(o.actions, "keep");
	ext4_out_free(&o);
}

UNIT_TEST(conflicts_and_once)
{
	struct ext4_out o = vrun("require [\"vacation\", \"reject\"];\n"
				 "vacation \"gone\";\nreject \"no\";\n", VMSG);
	CHECK(strstr(o.errors, "conflicts") != NULL);
	CHECK_STR(o.actions, "keep");
	ext4_out_free(&o);

	o = vrun("require [\"vacation\", \"ereject\"];\n"
		 "ereject \"no\";\nvacation \"gone\";\n", VMSG);
	CHECK(strstr(o.errors, "conflicts") != NULL);
	ext4_out_free(&o);

	o = vrun("require \"vacation\";\nvacation \"a\";\nvacation \"b\";\n",
		 VMSG);
	CHECK(strstr(o.errors, "duplicate vacation") != NULL);
	ext4_out_free(&o);
}

UNIT_TEST(vacation_compile_errors)
{
	static const char *const bad[] = {
		"require \"vacation\";\nvacation :seconds 10 \"x\";",
		"require \"vacation-seconds\";\nvacation :days 1 :seconds 10 \"x\";",
		"require \"vacation\";\nvacation :from \"not an address\" \"x\";",
		"require \"vacation\";\nvacation :addresses \"@@\" \"x\";",
		"require \"vacation\";\nvacation :days \"1\" \"x\";",
		"require \"vacation\";\nvacation;",
		"vacation \"x\";",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ext4_out o = vrun(bad[i], VMSG);
		if (o.compiled)
			UNIT_FAIL("compiled: %s", bad[i]);
		ext4_out_free(&o);
	}
}

UNIT_TEST(runtime_bad_from)
{
	struct ext4_out o = vrun("require [\"vacation\", \"variables\"];\n"
				 "set \"f\" \"nobody\";\n"
				 "vacation :from \"${f}\" \"x\";\n", VMSG);
	CHECK(strstr(o.errors, "invalid") != NULL);
	CHECK_STR(o.actions, "keep");
	ext4_out_free(&o);
}

/* Pigeonhole's smtp.svtest: without :from the reply comes from the own
 * address found in the recipient fields. */
UNIT_TEST(from_defaults_to_matched_address)
{
	static const struct sieve_envelope env1 = {
		.from = "sirius@example.org", .to = "timo@example.net",
	};
	static const struct sieve_envelope env2 = {
		.from = "sirius@example.org", .to = "colleague@example.net",
	};
	struct ext4_out o = ext4_run(
		"require \"vacation\";\n"
		"vacation :addresses \"tss@example.net\" \"I am gone\";\n",
		"From: stephan@example.org\nTo: TSS@example.net\n"
		"Cc: stephan@friep.example.com\nSubject: Frop!\n\nFrop!\n",
		&env1, NULL, NULL);
	CHECK(strstr(o.actions, ":from \"TSS@example.net\"") != NULL);
	ext4_out_free(&o);

	o = ext4_run("require \"vacation\";\nvacation \"I am gone\";\n",
		     "From: stephan@example.org\nTo: tss@example.net\n"
		     "Cc: colleague@example.net\nSubject: Frop!\n\nFrop!\n",
		     &env2, NULL, NULL);
	CHECK(strstr(o.actions, ":from \"colleague@example.net\"") != NULL);
	ext4_out_free(&o);
}

/* The configurable vacation settings (struct sieve_config): each row sets
 * one knob and checks the one decision it changes. */
enum vac_what { VAC_SKIP, VAC_SUBJECT, VAC_TO_HEADER };

static const struct vac_cfg_case {
	const char *name;
	enum vac_what what;
	const char *msg, *from, *to, *orig_to;
	const char *def_subject, *template;
	bool use_orig, no_check, ignore_env;
	const char *want;	/* skip: "" = replies; else the text */
} vac_cfg_cases[] = {
	{ "defaults: no own address", VAC_SKIP,
	  "From: t@x.org\nTo: all@x.org\n\n", "t@x.org", "me@x.org",
	  "all@x.org", NULL, NULL, false, false, false,
	  "no own address in To/Cc/Bcc/Resent-*" },
	{ "use_original_recipient", VAC_SKIP,
	  "From: t@x.org\nTo: all@x.org\n\n", "t@x.org", "me@x.org",
	  "all@x.org", NULL, NULL, true, false, false, "" },
	{ "check_recipient no", VAC_SKIP,
	  "From: t@x.org\nTo: all@x.org\n\n", "t@x.org", "me@x.org",
	  NULL, NULL, NULL, false, true, false, "" },
	{ "check_recipient no keeps list rule", VAC_SKIP,
	  "From: t@x.org\nTo: all@x.org\nList-Id: <l.x.org>\n\n",
	  "t@x.org", "me@x.org", NULL, NULL, NULL, false, true, false,
	  "message came from a mailing list" },
	{ "subject default", VAC_SUBJECT, "From: t@x.org\nSubject: Hi\n\n",
	  "t@x.org", "me@x.org", NULL, NULL, NULL, false, false, false,
	  "Auto: Hi" },
	{ "template %{subject}", VAC_SUBJECT,
	  "From: t@x.org\nSubject: Hi\n\n", "t@x.org", "me@x.org", NULL,
	  "Gone", "Re %{subject}!", false, false, false, "Re Hi!" },
	{ "template %$", VAC_SUBJECT, "From: t@x.org\nSubject: Hi\n\n",
	  "t@x.org", "me@x.org", NULL, NULL, "[%$] %$", false, false, false,
	  "[Hi] Hi" },
	{ "empty template", VAC_SUBJECT, "From: t@x.org\nSubject: Hi\n\n",
	  "t@x.org", "me@x.org", NULL, "", "", false, false, false,
	  "Auto: Hi" },
	{ "default subject, none in message", VAC_SUBJECT,
	  "From: t@x.org\n\n", "t@x.org", "me@x.org", NULL, "Gone",
	  "X %{subject}", false, false, false, "Gone" },
	{ "no subject anywhere", VAC_SUBJECT, "From: t@x.org\n\n",
	  "t@x.org", "me@x.org", NULL, "", NULL, false, false, false,
	  "Automated reply" },
	{ "to header: From matches", VAC_TO_HEADER,
	  "From: \"T\" <t@x.org>\n\n", "t@x.org", "me@x.org", NULL, NULL,
	  NULL, false, false, false, "\"T\" <t@x.org>" },
	{ "to header: Sender matches", VAC_TO_HEADER,
	  "From: <t@x.org>\nSender: S <s@x.org>\n\n", "s@x.org",
	  "me@x.org", NULL, NULL, NULL, false, false, false, "S <s@x.org>" },
	{ "to header: none matches", VAC_TO_HEADER,
	  "From: <t@x.org>\nSender: S <s@x.org>\n\n", "srs@x.org",
	  "me@x.org", NULL, NULL, NULL, false, false, false, "" },
	{ "to header: ignore envelope", VAC_TO_HEADER,
	  "From: <t@x.org>\nSender: S <s@x.org>\n\n", "srs@x.org",
	  "me@x.org", NULL, NULL, NULL, false, false, true, "S <s@x.org>" },
};

static char *vac_cfg_run(const struct vac_cfg_case *c)
{
	struct sieve_message *msg = sieve_message_new(c->msg, strlen(c->msg));
	struct sieve_envelope env = { .from = c->from, .to = c->to,
				      .orig_to = c->orig_to };
	struct sieve_config cfg;
	char *got = NULL;
	const char *r;

	sieve_config_defaults(&cfg);
	cfg.vacation_default_subject = c->def_subject;
	cfg.vacation_default_subject_template = c->template;
	cfg.vacation_use_original_recipient = c->use_orig;
	cfg.vacation_check_recipient = !c->no_check;
	cfg.vacation_to_header_ignore_envelope = c->ignore_env;
	switch (c->what) {
	case VAC_SKIP:
		r = sieve_vacation_skip_cfg(msg, &env, &cfg, NULL, 0, NULL);
		got = strdup(r ? r : "");
		break;
	case VAC_SUBJECT:
		got = sieve_vacation_subject_cfg(msg, &cfg, NULL);
		break;
	case VAC_TO_HEADER:
		r = sieve_vacation_to_header(msg, &env, &cfg);
		got = strdup(r ? r : "");
		break;
	}
	sieve_message_free(&msg);
	return got;
}

UNIT_TEST(config_settings)
{
	struct sieve_config cfg;

	sieve_config_defaults(&cfg);
	CHECK(cfg.vacation_check_recipient);
	CHECK(!cfg.vacation_use_original_recipient);
	CHECK(!cfg.vacation_send_from_recipient);
	CHECK(!cfg.vacation_to_header_ignore_envelope);
	CHECK(cfg.vacation_default_subject == NULL);
	CHECK(cfg.vacation_default_subject_template == NULL);
	for (size_t i = 0; i < sizeof(vac_cfg_cases) / sizeof(vac_cfg_cases[0]);
	     i++) {
		char *got = vac_cfg_run(&vac_cfg_cases[i]);
		CHECK_STR(got, vac_cfg_cases[i].want);
		free(got);
	}
}

UNIT_MAIN(UNIT_CASE(config_settings), UNIT_CASE(action_fields), UNIT_CASE(from_defaults_to_matched_address), UNIT_CASE(defaults_and_clamps),
	  UNIT_CASE(suppressed_reply_keeps_and_conflicts),
	  UNIT_CASE(conflicts_and_once), UNIT_CASE(vacation_compile_errors),
	  UNIT_CASE(runtime_bad_from), UNIT_CASE(replies_to_normal_mail),
	  UNIT_CASE(own_addresses_from_all_sources), UNIT_CASE(does_not_reply),
	  UNIT_CASE(subject), UNIT_CASE(subject_truncated),
	  UNIT_CASE(default_handle), UNIT_CASE(period_clamp))
