/*
 * test_delivery.c: delivery_run end to end with a temp config, temp
 * Maildirs and a fake sendmail: trace headers, keep, fileinto, hostile
 * mailbox -> INBOX, compile error -> keep + <script>.log, redirect (and
 * its loop check and failure -> keep), reject MDN, ereject -> 550, store
 * failures -> 4xx with nothing left behind, before/after chain, cache.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "../../mda/config.h"
#include "../../mda/delivery.h"
#include "../../mda/userdb.h"
#include "../../mda/util.h"

static char *dir;		/* per test */
static struct config *cfg;
static struct userdb *db;

static void write_text(const char *path, const char *text, int mode)
{
	char *copy = xstrdup(path), *slash = strrchr(copy, '/');
	*slash = '\0';
	char *cmd = xasprintf("mkdir -p '%s'", copy);
	if (system(cmd) != 0)
		UNIT_FAIL("mkdir %s", copy);
	free(cmd);
	free(copy);
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return;
	fputs(text, f);
	fclose(f);
	chmod(path, (mode_t)mode);
}

static char *slurp(const char *path)
{
	struct buf b = { 0 };
	FILE *f = fopen(path, "rb");
	char chunk[4096];
	size_t n;

	if (f == NULL)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	buf_append(&b, "", 0);
	return buf_steal(&b);
}

static char *path_of(const char *rel)
{
	return xasprintf("%s/%s", dir, rel);
}

/* Contents of the only file in dir/rel (caller frees); NULL when there
 * is not exactly one. */
static char *only_file(const char *rel)
{
	char *d = path_of(rel), *found = NULL;
	DIR *dh = opendir(d);
	struct dirent *de;
	int n = 0;

	while (dh != NULL && (de = readdir(dh)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		n++;
		free(found);
		found = xasprintf("%s/%s", d, de->d_name);
	}
	if (dh != NULL)
		closedir(dh);
	free(d);
	char *text = n == 1 ? slurp(found) : NULL;
	free(found);
	return text;
}

static int count_files(const char *rel)
{
	char *d = path_of(rel);
	DIR *dh = opendir(d);
	struct dirent *de;
	int n = 0;

	while (dh != NULL && (de = readdir(dh)) != NULL)
		n += de->d_name[0] != '.';
	if (dh != NULL)
		closedir(dh);
	free(d);
	return n;
}

#define USERDIR "mail/example.org/bob"
#define INBOX_NEW USERDIR "/Maildir/new"
#define SCRIPT USERDIR "/sieve/active.sieve"

/* Replace every "@D@" in s by dir (caller frees). */
static char *with_dir(const char *s)
{
	struct buf b = { 0 };
	const char *p;

	buf_append(&b, "", 0);
	while ((p = strstr(s, "@D@")) != NULL) {
		buf_append(&b, s, (size_t)(p - s));
		buf_puts(&b, dir);
		s = p + 3;
	}
	buf_puts(&b, s);
	return buf_steal(&b);
}

static void setup(const char *extra_conf)
{
	char tmpl[] = "/tmp/siren-test-delivery.XXXXXX";
	dir = xstrdup(mkdtemp(tmpl));
	char *extra = with_dir(extra_conf ? extra_conf : "");
	char *conf = xasprintf(
		"[server]\nhostname = mx.test\n"
		"[users]\nmode = template\ndomains = example.org\n"
		"home = %s/mail/%%d/%%n\n"
		"mail_location = %s/mail/%%d/%%n/Maildir\n"
		"sieve_script = %s/mail/%%d/%%n/sieve/active.sieve\n"
		"[outgoing]\nsendmail = %s/sendmail\ntimeout = 5s\n"
		"[outbox]\nspool = %s/spool\n%s",
		dir, dir, dir, dir, dir, extra);
	free(extra);
	char *cpath = path_of("siren.conf"), *err = NULL;
	write_text(cpath, conf, 0600);
	cfg = config_load(cpath, &err);
	if (cfg == NULL)
		UNIT_FAIL("config: %s", err);
	free(err);
	db = cfg ? userdb_open(cfg, &err) : NULL;
	if (db == NULL)
		UNIT_FAIL("userdb: %s", err ? err : "?");
	free(err);
	free(cpath);
	free(conf);
	/* a fake sendmail: records argv and stdin, exits with ./rc */
	char *sm = path_of("sendmail");
	char *text = xasprintf("#!/bin/sh\nprintf '%%s\\n' \"$@\" >> %s/args\n"
			       "cat >> %s/sent\nexit $(cat %s/rc 2>/dev/null "
			       "|| echo 0)\n", dir, dir, dir);
	write_text(sm, text, 0755);
	free(text);
	free(sm);
}

static void teardown(void)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cleanup failed\n");
	free(cmd);
	free(dir);
	userdb_free(&db);
	config_free(&cfg);
	delivery_cache_clear();
}

static void set_script(const char *text)
{
	char *p = path_of(SCRIPT);
	write_text(p, text, 0600);
	free(p);
}

static const char msg[] =
	"Return-Path: <forged@evil>\r\n"
	"From: Alice <alice@example.com>\r\n"
	"To: bob@example.org\r\n"
	"Subject: report\r\n"
	"Message-ID: <m1@example.com>\r\n"
	"\r\n"
	"body\r\n";

static void deliver_full(const char *data, const char *from,
			 const char *rcpt, const char *orcpt,
			 struct delivery_outcome *out)
{
	struct user *u = NULL;
	const char *err = NULL;

	memset(out, 0, sizeof(*out));
	if (db == NULL || userdb_lookup(db, rcpt, &u, &err) != SIREN_OK) {
		UNIT_FAIL("lookup %s: %s", rcpt, err ? err : "?");
		return;
	}
	struct delivery_msg *m = delivery_msg_new(data, strlen(data));
	struct delivery_rcpt r = {
		.env_from = from, .rcpt = rcpt, .orig_rcpt = orcpt, .user = u,
		.session_id = "S1", .lhlo = "mta.example.com",
		.remote_ip = "127.0.0.1",
	};
	delivery_run(cfg, m, &r, out);
	delivery_msg_free(&m);
	user_free(&u);
}

static void deliver(const char *from, struct delivery_outcome *out)
{
	deliver_full(msg, from, "bob@example.org", NULL, out);
}

UNIT_TEST(test_keep_without_script_headers)
{
	struct delivery_outcome out;

	setup(NULL);
	deliver_full(msg, "alice@example.com", "bob+tag@example.org",
		     "bob-alias@example.org", &out);
	CHECK_INT(out.status, SIREN_OK);
	CHECK_STR(out.code, "250");
	CHECK_STR(out.enhanced, "2.0.0");
	CHECK_STR(out.actions, "keep");
	char *text = only_file(INBOX_NEW);
	CHECK(text != NULL);
	if (text != NULL) {
		CHECK(strncmp(text, "Return-Path: <alice@example.com>\n"
			      "X-Original-To: bob-alias@example.org\n"
			      "Delivered-To: bob+tag@example.org\n"
			      "Received: from mta.example.com ([127.0.0.1])\n"
			      "\tby mx.test with LMTP id S1\n"
			      "\tfor <bob+tag@example.org>; ", 200) == 0);
		CHECK(strstr(text, "forged@evil") == NULL);
		CHECK(strstr(text, "\nFrom: Alice <alice@example.com>\n"
			     "To: bob@example.org\nSubject: report\n"
			     "Message-ID: <m1@example.com>\n\nbody\n") != NULL);
		CHECK(strchr(text, '\r') == NULL);
	}
	free(text);
	teardown();
}

UNIT_TEST(test_fileinto)
{
	struct delivery_outcome out;

	setup(NULL);
	set_script("require \"fileinto\";\nfileinto \"Work/Reports\";\n");
	deliver("alice@example.com", &out);
	CHECK_INT(out.status, SIREN_OK);
	CHECK_STR(out.actions, "fileinto Work/Reports");
	CHECK_INT(count_files(USERDIR "/Maildir/.Work.Reports/new"), 1);
	CHECK_INT(count_files(INBOX_NEW), 0);
	teardown();
}

UNIT_TEST(test_hostile_mailbox_kept_in_inbox)
{
	static const char *const names[] = { "../x", "/etc", "a/../b",
					     "~root", "tab\there" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct delivery_outcome out;
		setup(NULL);
		char *s = xasprintf("require \"fileinto\";\nfileinto \"%s\";\n",
				    names[i]);
		set_script(s);
		free(s);
		deliver("alice@example.com", &out);
		CHECK_INT(out.status, SIREN_OK);
		CHECK_STR(out.actions, "keep");
		CHECK_INT(count_files(INBOX_NEW), 1);
		char *lp = path_of(SCRIPT ".log"), *log = slurp(lp);
		CHECK(log != NULL && strstr(log, "keeping the message in "
					    "INBOX") != NULL);
		free(log);
		free(lp);
		char *esc = path_of("mail/example.org/x");
		CHECK(access(esc, F_OK) < 0);
		free(esc);
		teardown();
	}
}

UNIT_TEST(test_compile_error_keeps_and_logs)
{
	struct delivery_outcome out;

	setup(NULL);
	set_script("if true {\n  fileinto \"x\";\n");	/* and no require */
	deliver("alice@example.com", &out);
	CHECK_INT(out.status, SIREN_OK);
	CHECK_INT(count_files(INBOX_NEW), 1);
	char *lp = path_of(SCRIPT ".log"), *log = slurp(lp);
	CHECK(log != NULL && strstr(log, "compile failed") != NULL);
	CHECK(log != NULL && strstr(log, "active.sieve:") != NULL);
	free(log);
	free(lp);
	teardown();
}

UNIT_TEST(test_redirect_and_loop)
{
	struct delivery_outcome out;

	setup(NULL);
	set_script("redirect \"carol@example.net\";\n");
	deliver("alice@example.com", &out);
	CHECK_INT(out.status, SIREN_OK);
	CHECK_STR(out.actions, "redirect carol@example.net");
	CHECK_INT(count_files(INBOX_NEW), 0);
	char *p = path_of("args"), *args = slurp(p);
	CHECK_STR(args, "-i\n-f\nalice@example.com\n--\ncarol@example.net\n");
	free(args);
	free(p);
	p = path_of("sent");
	char *sent = slurp(p);
	CHECK(sent != NULL && strncmp(sent, "Delivered-To: bob@example.org\n",
				      30) == 0);
	CHECK(sent != NULL && strstr(sent, "Subject: report\n") != NULL);
	unlink(p);
	free(sent);
	/* the message comes back: Delivered-To names bob -> keep, no mail */
	char *looped = xasprintf("Delivered-To: bob@example.org\r\n%s", msg);
	deliver_full(looped, "alice@example.com", "bob@example.org", NULL,
		     &out);
	CHECK_INT(out.status, SIREN_OK);
	CHECK_INT(count_files(INBOX_NEW), 1);
	CHECK(access(p, F_OK) < 0);
	free(looped);
	free(p);
	teardown();
}

UNIT_TEST(test_redirect_failure_keeps)
{
	struct delivery_outcome out;

	setup(NULL);
	char *rc = path_of("rc");
	write_text(rc, "75\n", 0600);
	free(rc);
	set_script("redirect \"carol@example.net\";\n");
	deliver("alice@example.com", &out);
	CHECK_INT(out.status, SIREN_OK);
	CHECK_INT(count_files(INBOX_NEW), 1);
	teardown();
}

UNIT_TEST(test_reject_sends_mdn)
{
	struct delivery_outcome out;

	setup(NULL);
	set_script("require \"reject\";\nreject \"not here\";\n");
	deliver("alice@example.com", &out);
	CHECK_INT(out.status, SIREN_OK);
	CHECK_STR(out.code, "250");
	CHECK_INT(count_files(INBOX_NEW), 0);
	char *p = path_of("args"), *args = slurp(p);
	CHECK_STR(args, "-i\n-f\n<>\n--\nalice@example.com\n");
	free(args);
	free(p);
	p = path_of("sent");
	char *sent = slurp(p);
	CHECK(sent && strstr(sent, "report-type=disposition-notification"));
	CHECK(sent && strstr(sent, "\nnot here\n"));
	CHECK(sent && strstr(sent, "Disposition: automatic-action/"
			     "MDN-sent-automatically; deleted"));
	CHECK(sent && strstr(sent, "Subject: Rejected: report"));
	free(sent);
	free(p);
	/* null sender: no MDN, nothing stored */
	deliver("", &out);
	CHECK_INT(out.status, SIREN_OK);
	p = path_of("args");
	args = slurp(p);
	CHECK_STR(args, "-i\n-f\n<>\n--\nalice@example.com\n");
	free(args);
	free(p);
	teardown();
}

UNIT_TEST(test_ereject_550)
{
	struct delivery_outcome out;

	setup(NULL);
	set_script("require \"ereject\";\nereject \"spam\r\nbye\";\n");
	deliver("alice@example.com", &out);
	CHECK_INT(out.status, SIREN_PERMFAIL);
	CHECK_STR(out.code, "550");
	CHECK_STR(out.enhanced, "5.7.1");
	CHECK_STR(out.text, "spam  bye");
	CHECK_INT(count_files(INBOX_NEW), 0);
	teardown();
}

UNIT_TEST(test_store_failure_4xx_and_rollback)
{
	struct delivery_outcome out;

	setup(NULL);
	/* Work is stored first, then the implicit keep fails: INBOX's new/
	 * is a plain file.  Nothing may stay behind anywhere. */
	set_script("require [\"fileinto\", \"copy\"];\n"
		   "fileinto :copy \"Work\";\n");
	char *p = path_of(USERDIR "/Maildir/cur");
	char *cmd = xasprintf("mkdir -p %s %s/../tmp && touch %s/../new",
			      p, p, p);
	CHECK_INT(system(cmd), 0);
	deliver("alice@example.com", &out);
	CHECK_INT(out.status, SIREN_TEMPFAIL);
	CHECK_STR(out.code, "451");
	CHECK_STR(out.enhanced, "4.3.0");
	CHECK_INT(count_files(USERDIR "/Maildir/.Work/new"), 0);
	CHECK_INT(count_files(USERDIR "/Maildir/.Work/tmp"), 0);
	CHECK_INT(count_files(USERDIR "/Maildir/tmp"), 0);
	free(cmd);
	free(p);
	teardown();
}

UNIT_TEST(test_before_after_chain)
{
	struct delivery_outcome out;

	setup("[sieve]\nbefore = @D@/global/before.sieve\n"
	      "after = @D@/global/after.sieve\n");
	char *b = path_of("global/before.sieve");
	char *a = path_of("global/after.sieve");
	write_text(b, "if header :contains \"subject\" \"spam\" { discard; }\n",
		   0600);
	write_text(a, "require \"fileinto\";\nfileinto \"After\";\n", 0600);
	set_script("keep;\n");	/* explicit keep: the chain stops here */
	deliver("alice@example.com", &out);
	CHECK_STR(out.actions, "keep");
	set_script("if false { keep; }\n");	/* implicit keep: after runs */
	deliver("alice@example.com", &out);
	CHECK_STR(out.actions, "fileinto After");
	CHECK_INT(count_files(USERDIR "/Maildir/.After/new"), 1);
	/* before discards: neither the user's nor the after script runs */
	char *spam = xasprintf("Subject: spam offer\r\n\r\nbuy\r\n");
	deliver_full(spam, "alice@example.com", "bob@example.org", NULL,
		     &out);
	CHECK_STR(out.actions, "discard");
	CHECK_INT(count_files(USERDIR "/Maildir/.After/new"), 1);
	free(spam);
	free(a);
	free(b);
	teardown();
}

UNIT_TEST(test_script_change_recompiles)
{
	struct delivery_outcome out;

	setup(NULL);
	set_script("require \"fileinto\";\nfileinto \"A\";\n");
	deliver("alice@example.com", &out);
	CHECK_STR(out.actions, "fileinto A");
	set_script("require \"fileinto\";\nfileinto \"Bee\";\n");
	deliver("alice@example.com", &out);
	CHECK_STR(out.actions, "fileinto Bee");
	teardown();
}

UNIT_TEST(test_discard)
{
	struct delivery_outcome out;

	setup(NULL);
	set_script("discard;\n");
	deliver("alice@example.com", &out);
	CHECK_INT(out.status, SIREN_OK);
	CHECK_STR(out.actions, "discard");
	CHECK_INT(count_files(INBOX_NEW), 0);
	teardown();
}

UNIT_TEST(test_imap4flags_keep_and_fileinto)
{
	struct delivery_outcome out;

	setup(NULL);
	set_script("require [\"imap4flags\", \"fileinto\"];\n"
		   "addflag \"\\\\Seen\";\n"
		   "fileinto :flags \"\\\\Flagged $Label1\" \"Tagged\";\n"
		   "keep;\n");
	deliver("alice@example.com", &out);
	CHECK_INT(out.status, SIREN_OK);
	CHECK_STR(out.actions, "fileinto Tagged, keep");
	CHECK_INT(count_files(USERDIR "/Maildir/cur"), 1);
	CHECK_INT(count_files(USERDIR "/Maildir/.Tagged/cur"), 1);
	char *p = path_of(USERDIR "/Maildir/.Tagged/dovecot-keywords");
	char *kw = slurp(p);
	CHECK_STR(kw, "0 $Label1\n");
	free(kw);
	free(p);
	teardown();
}

UNIT_TEST(test_notify_queues_job)
{
	struct delivery_outcome out;

	setup(NULL);
	set_script("require \"enotify\";\n"
		   "notify :message \"hey\" \"mailto:pager@example.org\";\n");
	deliver("alice@example.com", &out);
	CHECK_INT(out.status, SIREN_OK);
	CHECK(strncmp(out.actions, "keep, notify ", 13) == 0);
	CHECK_INT(count_files(INBOX_NEW), 1);
	CHECK_INT(count_files("spool/new"), 1);
	teardown();
}

UNIT_TEST(test_duplicate_marks_after_delivery)
{
	struct delivery_outcome out;

	setup(NULL);
	set_script("require \"duplicate\";\n"
		   "if duplicate { discard; stop; }\n");
	deliver("alice@example.com", &out);
	CHECK_STR(out.actions, "keep");
	deliver("alice@example.com", &out);
	CHECK_STR(out.actions, "discard");
	CHECK_INT(count_files(INBOX_NEW), 1);
	char *p = path_of(USERDIR "/siren-state.db");
	CHECK(access(p, F_OK) == 0);
	free(p);
	teardown();
}

UNIT_TEST(test_vacation_once_per_period)
{
	struct delivery_outcome out;

	setup(NULL);
	set_script("require \"vacation\";\n"
		   "vacation :days 1 :subject \"Away\" \"back monday\";\n");
	deliver("alice@example.com", &out);
	CHECK_INT(out.status, SIREN_OK);
	CHECK_STR(out.actions, "keep, vacation alice@example.com");
	char *p = path_of("args"), *args = slurp(p);
	CHECK_STR(args, "-i\n-f\n<>\n--\nalice@example.com\n");
	free(args);
	free(p);
	p = path_of("sent");
	char *sent = slurp(p);
	CHECK(sent && strstr(sent, "Subject: Away\n"));
	CHECK(sent && strstr(sent, "back monday"));
	CHECK(sent && strstr(sent, "Auto-Submitted: auto-replied"));
	free(sent);
	free(p);
	deliver("alice@example.com", &out);
	CHECK_STR(out.actions, "keep, vacation (already replied)");
	CHECK_INT(count_files(INBOX_NEW), 2);
	/* a failing sendmail: still 250, the message kept */
	p = path_of("rc");
	write_text(p, "1\n", 0600);
	free(p);
	deliver("carol@example.com", &out);
	CHECK_INT(out.status, SIREN_OK);
	CHECK_INT(count_files(INBOX_NEW), 3);
	teardown();
}

UNIT_TEST(test_autocreate_off)
{
	struct delivery_outcome out;

	setup("[sieve]\nfileinto_autocreate = no\n");
	set_script("require \"fileinto\";\nfileinto \"Nope\";\n");
	deliver("alice@example.com", &out);
	CHECK_INT(out.status, SIREN_OK);
	CHECK_STR(out.actions, "keep");
	CHECK_INT(count_files(INBOX_NEW), 1);
	char *p = path_of(USERDIR "/Maildir/.Nope");
	CHECK(access(p, F_OK) < 0);
	free(p);
	/* :create still creates (RFC 5490 3.2) and subscribes */
	set_script("require [\"fileinto\", \"mailbox\"];\n"
		   "fileinto :create \"Made\";\n");
	deliver("alice@example.com", &out);
	CHECK_STR(out.actions, "fileinto Made");
	CHECK_INT(count_files(USERDIR "/Maildir/.Made/new"), 1);
	p = path_of(USERDIR "/Maildir/subscriptions");
	char *subs = slurp(p);
	CHECK_STR(subs, "V\t2\n\nMade\n");
	free(subs);
	free(p);
	teardown();
}

/* [sieve] limits reach the engine; a run-time error keeps and logs. */
UNIT_TEST(test_runtime_error_keeps_and_logs)
{
	struct delivery_outcome out;

	setup("[sieve]\nmax_actions = 2\n");
	set_script("require \"fileinto\";\nfileinto \"A\";\n"
		   "fileinto \"B\";\nfileinto \"C\";\n");
	deliver("alice@example.com", &out);
	CHECK_INT(out.status, SIREN_OK);
	CHECK_STR(out.actions, "keep");
	CHECK_INT(count_files(INBOX_NEW), 1);
	CHECK_INT(count_files(USERDIR "/Maildir/.A/new"), 0);
	char *lp = path_of(SCRIPT ".log"), *log = slurp(lp);
	CHECK(log != NULL && strstr(log, "run-time error") != NULL);
	free(log);
	free(lp);
	teardown();
}

/* The disk refuses the write half-way (EFBIG under RLIMIT_FSIZE, as a
 * full disk would): 4xx, no file in tmp/ or new/. */
UNIT_TEST(test_write_failure_4xx_nothing_left)
{
	struct delivery_outcome out;
	struct rlimit old, lim;
	char *big = xmalloc(200000);

	setup(NULL);
	memset(big, 'x', 199999);
	big[199999] = '\0';
	memcpy(big, "Subject: big\r\n\r\n", 16);
	getrlimit(RLIMIT_FSIZE, &old);
	lim = old;
	lim.rlim_cur = 65536;
	signal(SIGXFSZ, SIG_IGN);
	setrlimit(RLIMIT_FSIZE, &lim);
	deliver_full(big, "alice@example.com", "bob@example.org", NULL, &out);
	setrlimit(RLIMIT_FSIZE, &old);
	CHECK_INT(out.status, SIREN_TEMPFAIL);
	CHECK_STR(out.code, "451");
	CHECK_INT(count_files(INBOX_NEW), 0);
	CHECK_INT(count_files(USERDIR "/Maildir/tmp"), 0);
	free(big);
	teardown();
}

UNIT_MAIN(UNIT_CASE(test_keep_without_script_headers),
	  UNIT_CASE(test_fileinto),
	  UNIT_CASE(test_hostile_mailbox_kept_in_inbox),
	  UNIT_CASE(test_compile_error_keeps_and_logs),
	  UNIT_CASE(test_redirect_and_loop),
	  UNIT_CASE(test_redirect_failure_keeps),
	  UNIT_CASE(test_reject_sends_mdn), UNIT_CASE(test_ereject_550),
	  UNIT_CASE(test_store_failure_4xx_and_rollback),
	  UNIT_CASE(test_before_after_chain),
	  UNIT_CASE(test_script_change_recompiles), UNIT_CASE(test_discard),
	  UNIT_CASE(test_imap4flags_keep_and_fileinto),
	  UNIT_CASE(test_notify_queues_job),
	  UNIT_CASE(test_duplicate_marks_after_delivery),
	  UNIT_CASE(test_vacation_once_per_period),
	  UNIT_CASE(test_autocreate_off),
	  UNIT_CASE(test_runtime_error_keeps_and_logs),
	  UNIT_CASE(test_write_failure_4xx_nothing_left))
