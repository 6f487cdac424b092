/* test_vacation_reply.c: mda/vacation.c: the reply text and the
 * once-per-period tracking. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../mda/state.h"
#include "../../mda/vacation.h"
#include "../../sieve/sieve.h"
#include "unit.h"

static char *reply(const char *text, const struct sieve_action *act)
{
	struct sieve_message *msg = sieve_message_new(text, strlen(text));
	size_t len;
	char *r = vacation_build_reply(act, msg, "nico@frop.example.org",
				       "mx.example.org", 1248115483, &len);

	CHECK_INT(len, strlen(r));
	sieve_message_free(&msg);
	return r;
}

/* The header block up to the empty line must contain line. */
static bool has_header(const char *r, const char *line)
{
	const char *end = strstr(r, "\n\n");
	size_t n = strlen(line);

	for (const char *p = r; p && (end == NULL || p < end);) {
		if (strncmp(p, line, n) == 0 && p[n] == '\n')
			return true;
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return false;
}

#define ORIG "From: \"Stephan Bosch\" <stephan@example.org>\n" \
	"To: nico@frop.example.org\nSubject: frop\n" \
	"References: <1234@local.machine.example> <3456@example.net>\n" \
	" <435444@ttms.example.org>\n" \
	"Message-ID: <432df324@example.org>\n\nFrop\n"

UNIT_TEST(plain_reply)
{
	struct sieve_action act = {
		.type = SIEVE_ACT_VACATION, .to = "stephan@example.org",
		.subject = "Auto: frop", .reason = "I am not in today!",
		.handle = "h", .seconds = 86400,
	};
	setenv("TZ", "UTC", 1);
	tzset();
	char *r = reply(ORIG, &act);

	CHECK(has_header(r, "From: <nico@frop.example.org>"));
	CHECK(has_header(r, "To: \"Stephan Bosch\" <stephan@example.org>"));
	CHECK(has_header(r, "Subject: Auto: frop"));
	CHECK(has_header(r, "Date: Mon, 20 Jul 2009 18:44:43 +0000"));
	CHECK(has_header(r, "In-Reply-To: <432df324@example.org>"));
	CHECK(has_header(r, "Auto-Submitted: auto-replied"));
	CHECK(has_header(r, "MIME-Version: 1.0"));
	CHECK(has_header(r, "Content-Type: text/plain; charset=utf-8"));
	CHECK(has_header(r, "Content-Transfer-Encoding: 7bit"));
	CHECK(strstr(r, "References: <1234@local.machine.example> "
		     "<3456@example.net>\n <435444@ttms.example.org> "
		     "<432df324@example.org>\n") != NULL);
	CHECK(strstr(r, "\nMessage-ID: <siren-vacation.1248115483.") != NULL);
	CHECK(strstr(r, "@mx.example.org>\n") != NULL);
	CHECK(strstr(r, "\n\nI am not in today!\n") != NULL);
	free(r);
	unsetenv("TZ");
	tzset();
}

UNIT_TEST(to_from_sender_or_envelope)
{
	const char *m = "From: \"Stephan Bosch\" <stephan@example.org>\n"
		"Sender: \"Hendrik-Jan Tuinman\" <h.j.tuinman@example.org>\n"
		"Subject: Reply to me\n\nFrop\n";
	struct sieve_action act = {
		.type = SIEVE_ACT_VACATION, .to = "H.J.Tuinman@example.org",
		.reason = "x", .from = "Me <me@example.org>",
	};
	char *r = reply(m, &act);
	CHECK(has_header(r, "To: \"Hendrik-Jan Tuinman\" "
			 "<h.j.tuinman@example.org>"));
	CHECK(has_header(r, "From: Me <me@example.org>"));
	CHECK(has_header(r, "Subject: Auto: Reply to me"));
	free(r);

	act.to = "arie.aardappel@example.org";
	r = reply(m, &act);
	CHECK(has_header(r, "To: <arie.aardappel@example.org>"));
	free(r);
}

UNIT_TEST(encodes_non_ascii_and_blanks_newlines)
{
	const char *m = "From: =?utf-8?q?G=C3=BCnther?= <g@example.com>\n"
		"Subject: x\n\nb\n";
	struct sieve_action act = {
		.type = SIEVE_ACT_VACATION, .to = "g@example.com",
		.subject = "Abwesend: G\xc3\xbcnther\r\nBcc: evil@example.org",
		.reason = "Ich bin weg \xe2\x80\x94 bis Montag.\r\nGr\xc3\xbc\xc3\x9f""e",
	};
	char *r = reply(m, &act);

	CHECK(has_header(r, "To: =?UTF-8?B?R8O8bnRoZXI=?= <g@example.com>"));
	CHECK(strstr(r, "\nSubject: =?UTF-8?B?") != NULL);
	CHECK(strstr(r, "\nBcc:") == NULL);
	CHECK(has_header(r, "Content-Transfer-Encoding: 8bit"));
	CHECK(strstr(r, "\r") == NULL);
	CHECK(strstr(r, "\n\nIch bin weg \xe2\x80\x94 bis Montag.\nGr") != NULL);
	/* no line of the header block is longer than 78 */
	const char *end = strstr(r, "\n\n");
	for (const char *p = r; p < end;) {
		const char *nl = strchr(p, '\n');
		CHECK(nl - p <= 78);
		p = nl + 1;
	}
	free(r);
}

UNIT_TEST(long_subject_folds)
{
	char subj[400] = "Auto: ";
	for (int i = 0; i < 100; i++)
		strcat(subj, "\xe4\xb8\x83");
	struct sieve_action act = {
		.type = SIEVE_ACT_VACATION, .to = "a@example.org",
		.subject = subj, .reason = "x",
	};
	char *r = reply("From: a@example.org\n\nb\n", &act);
	const char *end = strstr(r, "\n\n");
	int words = 0;

	for (const char *p = r; p < end;) {
		const char *nl = strchr(p, '\n');
		CHECK(nl - p <= 78);
		words += strncmp(p, " =?UTF-8?B?", 11) == 0;
		p = nl + 1;
	}
	CHECK(words >= 7);	/* 306 octets in 39-octet words */
	free(r);
}

UNIT_TEST(mime_reason_and_no_subject)
{
	struct sieve_action act = {
		.type = SIEVE_ACT_VACATION, .to = "a@example.org", .mime = true,
		.reason = "Content-Type: text/html\n\n<p>away</p>",
	};
	char *r = reply("From: a@example.org\n\nb\n", &act);

	CHECK(has_header(r, "Subject: Automated reply"));
	CHECK(strstr(r, "MIME-Version: 1.0\nContent-Type: text/html\n\n"
		     "<p>away</p>\n") != NULL);
	CHECK(strstr(r, "charset=utf-8") == NULL);
	CHECK(strstr(r, "In-Reply-To") == NULL);
	CHECK(strstr(r, "References") == NULL);
	free(r);
}

UNIT_TEST(should_send_once_per_period)
{
	char tmpl[] = "/tmp/siren-vac-XXXXXX", path[256], cmd[300];
	char *dir = mkdtemp(tmpl), *err = NULL;
	snprintf(path, sizeof(path), "%s/state", dir);
	struct state *st = state_open(path, &err);
	struct sieve_action act = {
		.type = SIEVE_ACT_VACATION, .to = "Stephan@example.org",
		.handle = "h1", .seconds = 100,
	};

	CHECK(st != NULL);
	CHECK(vacation_should_send(st, &act, 1000));
	CHECK(!vacation_should_send(st, &act, 1050));
	act.to = "stephan@EXAMPLE.org";	/* same sender */
	CHECK(!vacation_should_send(st, &act, 1099));
	act.handle = "h2";		/* another handle: own period */
	CHECK(vacation_should_send(st, &act, 1099));
	act.handle = "h1";
	CHECK(vacation_should_send(st, &act, 1100));	/* period over */
	act.seconds = 0;		/* RFC 6131: every time */
	CHECK(vacation_should_send(st, &act, 1101));
	CHECK(vacation_should_send(st, &act, 1101));
	state_close(&st);
	free(err);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
}

UNIT_MAIN(UNIT_CASE(plain_reply), UNIT_CASE(to_from_sender_or_envelope),
	  UNIT_CASE(encodes_non_ascii_and_blanks_newlines),
	  UNIT_CASE(long_subject_folds), UNIT_CASE(mime_reason_and_no_subject),
	  UNIT_CASE(should_send_once_per_period))
