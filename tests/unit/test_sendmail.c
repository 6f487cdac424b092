/*
 * test_sendmail.c: outgoing mail through a fake sendmail script (argv,
 * stdin with LF line ends, exit codes 0/75/other, a hanging program
 * bounded by the timeout) and a tiny fake SMTP server in a child process
 * (dot-stuffing, 4xx -> TEMPFAIL, 5xx -> PERMFAIL).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include "../../mda/config.h"
#include "../../mda/sendmail.h"
#include "../../mda/util.h"

static char *dir;

static void teardown(void)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cleanup failed\n");
	free(cmd);
	free(dir);
}

/* One temp dir for the whole run, removed at exit. */
static void setup(void)
{
	char tmpl[] = "/tmp/siren-test-sendmail.XXXXXX";

	if (dir != NULL)
		return;
	dir = xstrdup(mkdtemp(tmpl));
	atexit(teardown);
}

static void write_text(const char *path, const char *text, int mode)
{
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

static struct config *load(const char *text)
{
	setup();
	char *path = xasprintf("%s/siren.conf", dir), *err = NULL;
	write_text(path, text, 0600);
	struct config *cfg = config_load(path, &err);
	if (cfg == NULL)
		UNIT_FAIL("config: %s", err ? err : "?");
	free(err);
	free(path);
	return cfg;
}

static struct config *fake_sendmail(const char *exit_code)
{
	setup();
	char *script = xasprintf("%s/sendmail", dir);
	char *text = xasprintf("#!/bin/sh\nprintf '%%s\\n' \"$@\" > %s/args\n"
			       "cat > %s/stdin\n%s\n", dir, dir, exit_code);
	write_text(script, text, 0755);
	char *conf = xasprintf("[outgoing]\nsendmail = %s\ntimeout = 2s\n",
			       script);
	struct config *cfg = load(conf);
	free(conf);
	free(text);
	free(script);
	return cfg;
}

static const char msg[] = "From: a@b\r\nSubject: x\r\n\r\n.dot\r\nbody\r\n";

UNIT_TEST(test_program_ok)
{
	struct config *cfg = fake_sendmail("exit 0");
	const char *rcpts[] = { "x@example.org", "y@example.org" };
	const char *err = NULL;

	CHECK_INT(sendmail_send(cfg, "s@example.com", rcpts, 2, msg,
				strlen(msg), &err), SIREN_OK);
	char *p = xasprintf("%s/args", dir), *args = slurp(p);
	CHECK_STR(args, "-i\n-f\ns@example.com\n--\nx@example.org\n"
			"y@example.org\n");
	free(args);
	free(p);
	p = xasprintf("%s/stdin", dir);
	char *in = slurp(p);
	CHECK_STR(in, "From: a@b\nSubject: x\n\n.dot\nbody\n");
	free(in);
	free(p);
	config_free(&cfg);
}

UNIT_TEST(test_program_null_sender_and_codes)
{
	static const struct {
		const char *code;
		enum siren_status want;
	} rows[] = {
		{ "exit 0", SIREN_OK },
		{ "exit 75", SIREN_TEMPFAIL },
		{ "exit 1", SIREN_PERMFAIL },
		{ "kill -9 $$", SIREN_TEMPFAIL },
		{ "exec sleep 30", SIREN_TEMPFAIL },	/* timeout */
	};
	const char *rcpts[] = { "x@example.org" };

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct config *cfg = fake_sendmail(rows[i].code);
		const char *err = NULL;
		enum siren_status st = sendmail_send(cfg, "", rcpts, 1, msg,
						     strlen(msg), &err);
		if (st != rows[i].want)
			UNIT_FAIL("%s: got %d, want %d (%s)", rows[i].code,
				  st, rows[i].want, err ? err : "");
		CHECK(st == SIREN_OK || (err != NULL && err[0] != '\0'));
		config_free(&cfg);
	}
	char *p = xasprintf("%s/args", dir), *args = slurp(p);
	CHECK(args != NULL && strstr(args, "-f\n<>\n") != NULL);
	free(args);
	free(p);
}

UNIT_TEST(test_hostile_addresses)
{
	struct config *cfg = fake_sendmail("exit 0");
	const char *bad[] = { "-oQ/tmp/x" }, *bad2[] = { "a b@c" };
	const char *good[] = { "x@example.org" };
	const char *err;

	CHECK_INT(sendmail_send(cfg, "", bad, 1, msg, strlen(msg), &err),
		  SIREN_PERMFAIL);
	CHECK_INT(sendmail_send(cfg, "", bad2, 1, msg, strlen(msg), &err),
		  SIREN_PERMFAIL);
	CHECK_INT(sendmail_send(cfg, "<x>", good, 1, msg, strlen(msg), &err),
		  SIREN_PERMFAIL);
	config_free(&cfg);
}

/* ---- a fake SMTP server in a child -------------------------------------- */

struct fake_smtp {
	pid_t pid;
	int port;
	char *log;
};

static void smtp_serve(int lfd, const char *mail_reply,
		       const char *rcpt_reply, const char *log)
{
	int fd = accept(lfd, NULL, NULL);
	FILE *in = fdopen(fd, "r"), *out = fdopen(dup(fd), "w");
	FILE *rec = fopen(log, "w");
	char line[2048];
	int data = 0;

	fputs("220 fake ESMTP\r\n", out);
	fflush(out);
	while (fgets(line, sizeof(line), in) != NULL) {
		fputs(line, rec);
		if (data) {
			if (strcmp(line, ".\r\n") == 0) {
				data = 0;
				fputs("250 2.0.0 queued\r\n", out);
			}
		} else if (strncmp(line, "EHLO", 4) == 0) {
			fputs("250-fake\r\n250 8BITMIME\r\n", out);
		} else if (strncmp(line, "MAIL", 4) == 0) {
			fprintf(out, "%s\r\n", mail_reply);
		} else if (strncmp(line, "RCPT", 4) == 0) {
			fprintf(out, "%s\r\n", rcpt_reply);
		} else if (strncmp(line, "DATA", 4) == 0) {
			fputs("354 go\r\n", out);
			data = 1;
		} else if (strncmp(line, "QUIT", 4) == 0) {
			fputs("221 bye\r\n", out);
			fflush(out);
			break;
		} else {
			fputs("500 what\r\n", out);
		}
		fflush(out);
	}
	fclose(rec);
	_exit(0);
}

static void fake_smtp_start(struct fake_smtp *f, const char *mail_reply,
			    const char *rcpt_reply)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	int lfd = socket(AF_INET, SOCK_STREAM, 0);

	setup();
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(lfd, (struct sockaddr *)&sa, sizeof(sa));
	listen(lfd, 1);
	getsockname(lfd, (struct sockaddr *)&sa, &sl);
	f->port = ntohs(sa.sin_port);
	f->log = xasprintf("%s/smtp.log", dir);
	unlink(f->log);
	f->pid = fork();
	if (f->pid == 0) {
		alarm(10);	/* never outlive a broken test */
		smtp_serve(lfd, mail_reply, rcpt_reply, f->log);
	}
	close(lfd);
}

static char *fake_smtp_stop(struct fake_smtp *f)
{
	int status;

	waitpid(f->pid, &status, 0);
	char *log = slurp(f->log);
	free(f->log);
	return log;
}

static enum siren_status relay_send(const char *mail_reply,
				    const char *rcpt_reply, char **log_r)
{
	struct fake_smtp f;
	fake_smtp_start(&f, mail_reply, rcpt_reply);
	char *conf = xasprintf("[server]\nhostname = mx.test\n[outgoing]\n"
			       "relay = 127.0.0.1:%d\ntimeout = 5s\n", f.port);
	struct config *cfg = load(conf);
	const char *rcpts[] = { "x@example.org" }, *err = NULL;
	enum siren_status st = sendmail_send(cfg, "s@example.com", rcpts, 1,
					     msg, strlen(msg), &err);
	CHECK(st == SIREN_OK || (err != NULL && strstr(err, "relay") != NULL));
	*log_r = fake_smtp_stop(&f);
	config_free(&cfg);
	free(conf);
	return st;
}

UNIT_TEST(test_relay_ok_dot_stuffing)
{
	char *log = NULL;

	CHECK_INT(relay_send("250 ok", "250 ok", &log), SIREN_OK);
	CHECK_STR(log, "EHLO mx.test\r\nMAIL FROM:<s@example.com>\r\n"
		       "RCPT TO:<x@example.org>\r\nDATA\r\n"
		       "From: a@b\r\nSubject: x\r\n\r\n..dot\r\nbody\r\n"
		       ".\r\nQUIT\r\n");
	free(log);
}

UNIT_TEST(test_relay_errors)
{
	char *log = NULL;

	CHECK_INT(relay_send("451 4.3.0 later", "250 ok", &log),
		  SIREN_TEMPFAIL);
	free(log);
	CHECK_INT(relay_send("250 ok", "550 5.1.1 no such user", &log),
		  SIREN_PERMFAIL);
	free(log);
}

UNIT_TEST(test_relay_unreachable)
{
	/* a port nobody listens on: bind, learn the port, close */
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	getsockname(fd, (struct sockaddr *)&sa, &sl);
	close(fd);
	char *conf = xasprintf("[outgoing]\nrelay = 127.0.0.1:%d\n"
			       "timeout = 2s\n", ntohs(sa.sin_port));
	struct config *cfg = load(conf);
	const char *rcpts[] = { "x@example.org" }, *err = NULL;
	CHECK_INT(sendmail_send(cfg, "", rcpts, 1, msg, strlen(msg), &err),
		  SIREN_TEMPFAIL);
	config_free(&cfg);
	free(conf);
}

UNIT_MAIN(UNIT_CASE(test_program_ok),
	  UNIT_CASE(test_program_null_sender_and_codes),
	  UNIT_CASE(test_hostile_addresses),
	  UNIT_CASE(test_relay_ok_dot_stuffing), UNIT_CASE(test_relay_errors),
	  UNIT_CASE(test_relay_unreachable))
