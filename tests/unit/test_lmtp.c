/*
 * test_lmtp.c: the LMTP protocol engine driven over a socketpair with
 * pipelined transcripts: every reply code, per-recipient replies, DATA
 * dot-unstuffing and bare LF, BDAT, limits, timeouts.  Delivery is a fake
 * hook that records what it was handed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../mda/config.h"
#include "../../mda/lmtp.h"
#include "../../mda/userdb.h"
#include "../../mda/util.h"
#include "unit.h"

struct fake {
	struct userdb *db;
	struct buf delivered;	/* "rcpt|data" per delivery */
};

static enum siren_status fake_lookup(void *ctx, const char *address,
				     struct user **user_r)
{
	struct fake *f = ctx;
	const char *why;
	if (!strncmp(address, "temp@", 5))
		return SIREN_TEMPFAIL;
	return userdb_lookup(f->db, address, user_r, &why);
}

static void *fake_begin(void *ctx, const char *data, size_t len)
{
	(void)ctx;
	return xstrndup(data, len);
}

static void fake_deliver(void *ctx, void *msg, const struct delivery_rcpt *r,
			 struct delivery_outcome *out)
{
	struct fake *f = ctx;
	const char *who = r->user->localpart;
	if (!strcmp(who, "busy")) {
		*out = (struct delivery_outcome){ SIREN_TEMPFAIL, "451",
			"4.2.0", "Mailbox busy", "" };
	} else if (!strcmp(who, "reject")) {
		*out = (struct delivery_outcome){ SIREN_PERMFAIL, "550",
			"5.7.1", "Go away", "ereject" };
	} else {
		*out = (struct delivery_outcome){ SIREN_OK, "250", "2.0.0",
			"Saved", "keep" };
	}
	buf_printf(&f->delivered, "%s|%s|%s\n", r->env_from, r->rcpt,
		   (char *)msg);
}

static void fake_end(void *ctx, void *msg)
{
	(void)ctx;
	free(msg);
}

static const struct lmtp_config test_lc = {
	.hostname = "test.host", .max_message_size = 100,
	.max_recipients = 3, .max_errors = 5,
	.idle_timeout_ms = 5000, .data_timeout_ms = 5000,
};

/* Run one session over a socketpair with input written in one go
 * (pipelined); returns the server's whole output (caller frees). */
static char *run(const struct lmtp_config *lc, const char *input,
		 bool close_input, char **delivered_r)
{
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	if (write(sv[0], input, strlen(input)) < 0)
		perror("write");
	if (close_input)
		shutdown(sv[0], SHUT_WR);
	struct fake f = { 0 };
	char *err = NULL;
	struct config *cfg = config_default();
	f.db = userdb_open(cfg, &err);
	buf_puts(&f.delivered, "");
	struct lmtp_hooks h = { &f, fake_lookup, fake_begin, fake_deliver,
				fake_end };
	lmtp_session(sv[1], lc, &h, "127.0.0.1", "test1");
	close(sv[1]);
	struct buf out = { 0 };
	char chunk[4096];
	ssize_t n;
	buf_puts(&out, "");
	while ((n = read(sv[0], chunk, sizeof(chunk))) > 0)
		buf_append(&out, chunk, (size_t)n);
	close(sv[0]);
	userdb_free(&f.db);
	config_free(&cfg);
	if (delivered_r)
		*delivered_r = buf_steal(&f.delivered);
	buf_free(&f.delivered);
	return buf_steal(&out);
}

#define GREET "220 test.host LMTP siren ready\r\n"
#define LHLO_REPLY "250-test.host\r\n250-PIPELINING\r\n" \
	"250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-SIZE 100\r\n" \
	"250-CHUNKING\r\n250 SMTPUTF8\r\n"
#define L "LHLO mta.example\r\n"
#define BYE "221 2.0.0 test.host Bye\r\n"

static const struct {
	const char *name, *in, *want, *delivered;
} cases[] = {
	{ "two recipients, one reply each in RCPT order",
	  L "MAIL FROM:<s@x.org>\r\nRCPT TO:<alice@example.org>\r\n"
	  "RCPT TO:<nobody@nowhere.org>\r\nRCPT TO:<busy@example.org>\r\n"
	  "DATA\r\nSubject: hi\r\n\r\nbody\r\n.\r\nQUIT\r\n",
	  GREET LHLO_REPLY "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n"
	  "550 5.1.1 <nobody@nowhere.org> User doesn't exist\r\n"
	  "250 2.1.5 Ok\r\n354 2.0.0 End data with <CR><LF>.<CR><LF>\r\n"
	  "250 2.0.0 <alice@example.org> Saved\r\n"
	  "451 4.2.0 <busy@example.org> Mailbox busy\r\n" BYE,
	  "s@x.org|alice@example.org|Subject: hi\r\n\r\nbody\r\n\n"
	  "s@x.org|busy@example.org|Subject: hi\r\n\r\nbody\r\n\n" },
	{ "dot-unstuffing and bare LF",
	  L "MAIL FROM:<>\r\nRCPT TO:<a@example.org>\r\nDATA\r\n"
	  "..dot\n.x\r\nline\n.\n",
	  GREET LHLO_REPLY "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n"
	  "354 2.0.0 End data with <CR><LF>.<CR><LF>\r\n"
	  "250 2.0.0 <a@example.org> Saved\r\n",
	  "|a@example.org|.dot\r\nx\r\nline\r\n\n" },
	{ "sequence errors",
	  "MAIL FROM:<a@b>\r\n" L "RCPT TO:<a@example.org>\r\nDATA\r\n"
	  "MAIL FROM:<a@b>\r\nMAIL FROM:<a@b>\r\nDATA\r\nQUIT\r\n",
	  GREET "503 5.5.1 Bad sequence of commands: send LHLO first\r\n"
	  LHLO_REPLY "503 5.5.1 Bad sequence of commands: need MAIL\r\n"
	  "503 5.5.1 Bad sequence of commands: need MAIL\r\n"
	  "250 2.1.0 Ok\r\n"
	  "503 5.5.1 Bad sequence of commands: nested MAIL\r\n"
	  "503 5.5.1 Bad sequence of commands: no valid recipients\r\n" BYE,
	  "" },
	{ "MAIL parameters",
	  L "MAIL FROM:<a@b> SIZE=101\r\nMAIL FROM:<a@b> BODY=BINARYMIME\r\n"
	  "MAIL FROM:<a@b> RET=FULL\r\nMAIL FROM:<\xc3\xa9@b>\r\n"
	  "MAIL FROM:<\xc3\xa9@b> SMTPUTF8 BODY=8BITMIME SIZE=99\r\n"
	  "RCPT TO:<\xc3\xa9t\xc3\xa9@example.org>\r\nQUIT\r\n",
	  GREET LHLO_REPLY
	  "552 5.3.4 Message size exceeds fixed maximum message size\r\n"
	  "501 5.5.4 Unsupported BODY= value\r\n"
	  "555 5.5.4 Unsupported MAIL parameter\r\n"
	  "553 5.6.7 Non-ASCII sender address needs SMTPUTF8\r\n"
	  "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n" BYE, "" },
	{ "non-ASCII recipient without SMTPUTF8, syntax, ORCPT",
	  L "MAIL FROM:<a@b>\r\nRCPT TO:<\xc3\xa9@example.org>\r\n"
	  "RCPT TO:a@example.org\r\nRCPT TO:<a@example.org> NOTIFY=NEVER\r\n"
	  "RCPT TO:<a@example.org> ORCPT=rfc822;x+2By@example.org\r\n"
	  "RCPT TO:<temp@example.org>\r\nQUIT\r\n",
	  GREET LHLO_REPLY "250 2.1.0 Ok\r\n"
	  "553 5.6.7 Non-ASCII recipient address needs SMTPUTF8\r\n"
	  "501 5.5.4 Syntax: RCPT TO:<address>\r\n"
	  "555 5.5.4 Unsupported RCPT parameter\r\n250 2.1.5 Ok\r\n"
	  "451 4.3.0 <temp@example.org> Temporary internal error\r\n" BYE,
	  "" },
	{ "too many recipients",
	  L "MAIL FROM:<a@b>\r\nRCPT TO:<a@example.org>\r\n"
	  "RCPT TO:<b@example.org>\r\nRCPT TO:<c@example.org>\r\n"
	  "RCPT TO:<d@example.org>\r\nRSET\r\nQUIT\r\n",
	  GREET LHLO_REPLY "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n"
	  "250 2.1.5 Ok\r\n452 4.5.3 Too many recipients\r\n"
	  "250 2.0.0 Ok\r\n" BYE, "" },
	{ "oversized message: 552 per recipient, nothing delivered",
	  L "MAIL FROM:<a@b>\r\nRCPT TO:<a@example.org>\r\n"
	  "RCPT TO:<b@example.org>\r\nDATA\r\n"
	  "0123456789012345678901234567890123456789\r\n"
	  "0123456789012345678901234567890123456789\r\n"
	  "0123456789012345678901234567890123456789\r\n.\r\nNOOP\r\n",
	  GREET LHLO_REPLY "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n"
	  "354 2.0.0 End data with <CR><LF>.<CR><LF>\r\n"
	  "552 5.3.4 <a@example.org> Message too big for system\r\n"
	  "552 5.3.4 <b@example.org> Message too big for system\r\n"
	  "250 2.0.0 Ok\r\n", "" },
	{ "BDAT chunks, then LAST",
	  L "MAIL FROM:<a@b>\r\nRCPT TO:<a@example.org>\r\n"
	  "RCPT TO:<reject@example.org>\r\nBDAT 5\r\nab\r\ncBDAT 3 LAST\r\n"
	  "d\r\nQUIT\r\n",
	  GREET LHLO_REPLY "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n"
	  "250 2.0.0 5 octets received\r\n"
	  "250 2.0.0 <a@example.org> Saved\r\n"
	  "550 5.7.1 <reject@example.org> Go away\r\n" BYE,
	  "a@b|a@example.org|ab\r\ncd\r\n\n"
	  "a@b|reject@example.org|ab\r\ncd\r\n\n" },
	{ "BDAT: no DATA after it, none without recipients, syntax",
	  L "MAIL FROM:<a@b>\r\nRCPT TO:<a@example.org>\r\nBDAT 2\r\nxyDATA\r\n"
	  "RSET\r\nBDAT 3 LAST\r\nabcBDAT x\r\nQUIT\r\n",
	  GREET LHLO_REPLY "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n"
	  "250 2.0.0 2 octets received\r\n"
	  "503 5.5.1 Bad sequence of commands: DATA after BDAT\r\n"
	  "250 2.0.0 Ok\r\n503 5.5.1 No valid recipients\r\n"
	  "501 5.5.4 Syntax: BDAT octets [LAST]\r\n" BYE, "" },
	{ "BDAT over the size limit",
	  L "MAIL FROM:<a@b>\r\nRCPT TO:<a@example.org>\r\nBDAT 60\r\n"
	  "012345678901234567890123456789012345678901234567890123456789"
	  "BDAT 60 LAST\r\n"
	  "012345678901234567890123456789012345678901234567890123456789",
	  GREET LHLO_REPLY "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n"
	  "250 2.0.0 60 octets received\r\n"
	  "552 5.3.4 <a@example.org> Message too big for system\r\n", "" },
	{ "BDAT with a count that would wrap the size sum",
	  L "MAIL FROM:<a@b>\r\nRCPT TO:<a@example.org>\r\nBDAT 4\r\nabcd"
	  "BDAT 18446744073709551614\r\nxy",
	  GREET LHLO_REPLY "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n"
	  "250 2.0.0 4 octets received\r\n", "" },
	{ "other commands",
	  "NOOP\r\nVRFY alice\r\nHELP\r\nEHLO x\r\nFOO\r\nRSET x\r\n"
	  "LHLO\r\nQUIT\r\n",
	  GREET "250 2.0.0 Ok\r\n"
	  "252 2.5.2 Cannot VRFY user, but will accept message and attempt "
	  "delivery\r\n"
	  "214 2.0.0 Commands: LHLO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY "
	  "HELP\r\n500 5.5.1 This is LMTP: say LHLO (RFC 2033 4.1)\r\n"
	  "500 5.5.1 Unknown command\r\n"
	  "501 5.5.4 Syntax error: no parameters allowed\r\n"
	  "501 5.5.4 Syntax: LHLO hostname\r\n" BYE, "" },
	{ "hostile arguments",
	  L "MAIL FROM:<unterminated\r\nMAIL FROM:<a@b>junk\r\n"
	  "MAIL FROM:<@route,@x:a@b> SIZE=abc\r\nMAIL FROM:<\"q>\"@b>\r\n"
	  "RCPT TO:<>\r\nBDAT 99999999999999999999999\r\nBDAT -1\r\n",
	  GREET LHLO_REPLY "501 5.5.4 Syntax: MAIL FROM:<address>\r\n"
	  "501 5.5.4 Syntax: MAIL FROM:<address>\r\n"
	  "501 5.5.4 Bad SIZE= value\r\n250 2.1.0 Ok\r\n"
	  "501 5.5.4 Syntax: RCPT TO:<address>\r\n"
	  "501 5.5.4 Syntax: BDAT octets [LAST]\r\n"
	  "501 5.5.4 Syntax: BDAT octets [LAST]\r\n"
	  "421 4.7.0 test.host Too many errors, closing connection\r\n", "" },
	{ "too many errors",
	  "A\r\nB\r\nC\r\nD\r\nE\r\nF\r\nNOOP\r\n",
	  GREET "500 5.5.1 Unknown command\r\n500 5.5.1 Unknown command\r\n"
	  "500 5.5.1 Unknown command\r\n"
	  "500 5.5.1 Unknown command\r\n500 5.5.1 Unknown command\r\n"
	  "500 5.5.1 Unknown command\r\n"
	  "421 4.7.0 test.host Too many errors, closing connection\r\n", "" },
};

UNIT_TEST(test_transcripts)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *delivered = NULL;
		char *out = run(&test_lc, cases[i].in, true, &delivered);
		if (strcmp(out, cases[i].want))
			UNIT_FAIL("%s:\ngot:\n%s\nwant:\n%s", cases[i].name,
				  out, cases[i].want);
		if (strcmp(delivered, cases[i].delivered))
			UNIT_FAIL("%s: delivered:\ngot:\n%s\nwant:\n%s",
				  cases[i].name, delivered,
				  cases[i].delivered);
		free(out);
		free(delivered);
	}
}

UNIT_TEST(test_line_too_long)
{
	struct buf in = { 0 };
	buf_puts(&in, "NOOP ");
	for (int i = 0; i < 5000; i++)
		buf_puts(&in, "x");
	buf_puts(&in, "\r\nNOOP\r\n");
	char *out = run(&test_lc, in.data, true, NULL);
	CHECK_STR(out, GREET "500 5.5.2 Line too long\r\n250 2.0.0 Ok\r\n");
	free(out);
	buf_free(&in);
}

UNIT_TEST(test_idle_timeout)
{
	struct lmtp_config lc = test_lc;
	lc.idle_timeout_ms = 200;
	char *out = run(&lc, "NOOP\r\n", false, NULL);
	CHECK_STR(out, GREET "250 2.0.0 Ok\r\n"
		  "421 4.4.2 test.host Idle timeout, closing connection\r\n");
	free(out);
}

UNIT_TEST(test_data_timeout)
{
	struct lmtp_config lc = test_lc;
	lc.data_timeout_ms = 200;
	char *out = run(&lc, L "MAIL FROM:<a@b>\r\nRCPT TO:<a@example.org>\r\n"
			"DATA\r\npartial", false, NULL);
	CHECK(strstr(out, "354 2.0.0") != NULL);
	CHECK(strstr(out, "421 4.4.2 test.host Timeout while reading data") !=
	      NULL);
	free(out);
}

UNIT_MAIN(UNIT_CASE(test_transcripts), UNIT_CASE(test_line_too_long),
	  UNIT_CASE(test_idle_timeout), UNIT_CASE(test_data_timeout))
