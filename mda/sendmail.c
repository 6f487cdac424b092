/*
 * sendmail.c: outgoing mail (redirect, reject, vacation, mailto) through
 * a sendmail-compatible program (`sendmail -i -f FROM -- RCPT...`, message
 * on stdin with LF line ends; exit 0 ok, 75 EX_TEMPFAIL retry, anything
 * else refused) or a plain SMTP relay (RFC 5321: EHLO/HELO, MAIL, RCPT,
 * DATA with dot-stuffing per 4.5.2, QUIT; 4xx temporary, 5xx permanent).
 * Every step is bounded by [outgoing] timeout.  Left out: STARTTLS, AUTH,
 * SMTPUTF8 and pipelining towards the relay.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "sendmail.h"
#include "util.h"

static char sendmail_errbuf[512];

static enum siren_status fail(enum siren_status st, const char **error_r,
			      const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static enum siren_status fail(enum siren_status st, const char **error_r,
			      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sendmail_errbuf, sizeof(sendmail_errbuf), fmt, ap);
	va_end(ap);
	*error_r = sendmail_errbuf;
	return st;
}

static long long deadline_ms(long long secs)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 +
	       secs * 1000;
}

static int left_ms(long long deadline)
{
	long long left = deadline - deadline_ms(0);
	return left < 0 ? 0 : left > 1000000 ? 1000000 : (int)left;
}

/* Write all of p to fd (non-blocking) before deadline. */
static int write_deadline(int fd, const char *p, size_t n, long long dl)
{
	while (n > 0) {
		struct pollfd pfd = { fd, POLLOUT, 0 };
		int r = poll(&pfd, 1, left_ms(dl));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			errno = r == 0 ? ETIMEDOUT : errno;
			return -1;
		}
		ssize_t w = write(fd, p, n);
		if (w < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* ---- the sendmail program -------------------------------------------- */

/* The message with CRLF turned into LF: the local sendmail convention. */
static char *to_lf(const char *msg, size_t len, size_t *len_r)
{
	char *out = xmalloc(len + 1);
	size_t o = 0;

	for (size_t i = 0; i < len; i++)
		if (!(msg[i] == '\r' && i + 1 < len && msg[i + 1] == '\n'))
			out[o++] = msg[i];
	*len_r = o;
	return out;
}

static pid_t spawn(const char *prog, const char *from,
		   const char *const *rcpts, size_t nrcpt, int *fd_r)
{
	int p[2];
	const char **argv = xcalloc(nrcpt + 7, sizeof(*argv));
	size_t a = 0;

	argv[a++] = prog;
	argv[a++] = "-i";
	argv[a++] = "-f";
	argv[a++] = from[0] ? from : "<>";
	argv[a++] = "--";
	for (size_t i = 0; i < nrcpt; i++)
		argv[a++] = rcpts[i];
	if (pipe2(p, O_CLOEXEC) < 0) {
		free(argv);
		return -1;
	}
	pid_t pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(p[0], 0);
		if (null >= 0)
			dup2(null, 1);
		execv(prog, (char *const *)argv);
		_exit(127);
	}
	free(argv);
	close(p[0]);
	if (pid < 0) {
		close(p[1]);
		return -1;
	}
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	*fd_r = p[1];
	return pid;
}

/* Wait for pid until deadline; on timeout kill it (ours) and reap it. */
static int wait_child(pid_t pid, long long dl, int *status_r)
{
	struct timespec pause = { 0, 10 * 1000 * 1000 };

	for (;;) {
		pid_t r = waitpid(pid, status_r, WNOHANG);
		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
		if (left_ms(dl) == 0) {
			kill(pid, SIGKILL);
			waitpid(pid, status_r, 0);
			errno = ETIMEDOUT;
			return -1;
		}
		nanosleep(&pause, NULL);
	}
}

static enum siren_status exit_status(const char *prog, int status,
				     const char **error_r)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return SIREN_OK;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 75)
		return fail(SIREN_TEMPFAIL, error_r, "%s: temporary failure "
			    "(exit 75)", prog);
	if (WIFEXITED(status))
		return fail(SIREN_PERMFAIL, error_r, "%s: exit %d", prog,
			    WEXITSTATUS(status));
	return fail(SIREN_TEMPFAIL, error_r, "%s: killed by signal %d", prog,
		    WTERMSIG(status));
}

static enum siren_status via_program(const char *prog, long long secs,
				     const char *from,
				     const char *const *rcpts, size_t nrcpt,
				     const char *msg, size_t len,
				     const char **error_r)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	long long dl = deadline_ms(secs);
	size_t lflen;
	int fd, status, werr = 0;

	/* A program exiting before reading all input must not kill us. */
	sigaction(SIGPIPE, &ign, &old);
	pid_t pid = spawn(prog, from, rcpts, nrcpt, &fd);
	if (pid < 0) {
		sigaction(SIGPIPE, &old, NULL);
		return fail(SIREN_TEMPFAIL, error_r, "%s: %s", prog,
			    strerror(errno));
	}
	char *lf = to_lf(msg, len, &lflen);
	if (write_deadline(fd, lf, lflen, dl) < 0)
		werr = errno;
	free(lf);
	close(fd);
	int rc = wait_child(pid, dl, &status);
	sigaction(SIGPIPE, &old, NULL);
	if (rc < 0)
		return fail(SIREN_TEMPFAIL, error_r, "%s: %s", prog,
			    strerror(errno));
	enum siren_status st = exit_status(prog, status, error_r);
	if (st == SIREN_OK && werr != 0)
		return fail(SIREN_TEMPFAIL, error_r, "%s: write: %s", prog,
			    strerror(werr));
	return st;
}

/* ---- the SMTP relay --------------------------------------------------- */

struct smtp {
	int fd;
	long long dl;
	char in[4096];
	size_t inlen;
	char reply[512];	/* last reply line, for errors */
};

/* "host:port", "[v6]:port" or "host" (port 25). */
static int smtp_parse_relay(const char *relay, char host[256], char port[16])
{
	const char *colon = strrchr(relay, ':');

	snprintf(port, 16, "25");
	if (relay[0] == '[') {
		const char *end = strchr(relay, ']');
		if (end == NULL || end - relay > 254)
			return -1;
		snprintf(host, 256, "%.*s", (int)(end - relay - 1), relay + 1);
		if (end[1] == ':')
			snprintf(port, 16, "%s", end + 2);
	} else if (colon != NULL) {
		snprintf(host, 256, "%.*s", (int)(colon - relay), relay);
		snprintf(port, 16, "%s", colon + 1);
	} else {
		snprintf(host, 256, "%s", relay);
	}
	return 0;
}

static int smtp_connect(struct smtp *s, const char *relay)
{
	char host[256], port[16];
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;

	if (smtp_parse_relay(relay, host, port) < 0)
		return -1;
	if (getaddrinfo(host, port, &hints, &res) != 0)
		return -1;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		s->fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK |
			       SOCK_CLOEXEC, 0);
		if (s->fd < 0)
			continue;
		if (connect(s->fd, ai->ai_addr, ai->ai_addrlen) == 0 ||
		    errno == EINPROGRESS) {
			struct pollfd pfd = { s->fd, POLLOUT, 0 };
			int err = 0;
			socklen_t el = sizeof(err);
			if (poll(&pfd, 1, left_ms(s->dl)) == 1 &&
			    getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err,
				       &el) == 0 && err == 0)
				break;
		}
		close(s->fd);
		s->fd = -1;
	}
	freeaddrinfo(res);
	return s->fd < 0 ? -1 : 0;
}

/* One reply line into s->reply; -1 on timeout, EOF or overlong line. */
static int smtp_line(struct smtp *s)
{
	for (;;) {
		char *nl = memchr(s->in, '\n', s->inlen);
		if (nl != NULL) {
			size_t n = (size_t)(nl - s->in) + 1;
			size_t c = n - 1 - (n >= 2 && nl[-1] == '\r');
			snprintf(s->reply, sizeof(s->reply), "%.*s", (int)c,
				 s->in);
			memmove(s->in, s->in + n, s->inlen - n);
			s->inlen -= n;
			return 0;
		}
		if (s->inlen == sizeof(s->in))
			return -1;
		struct pollfd pfd = { s->fd, POLLIN, 0 };
		if (poll(&pfd, 1, left_ms(s->dl)) != 1)
			return -1;
		ssize_t r = read(s->fd, s->in + s->inlen,
				 sizeof(s->in) - s->inlen);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0)
			return -1;
		s->inlen += (size_t)r;
	}
}

/* Read a (multi-line) reply; returns its code, or -1. */
static int smtp_reply(struct smtp *s)
{
	do {
		if (smtp_line(s) < 0)
			return -1;
	} while (strlen(s->reply) >= 4 && s->reply[3] == '-');
	if (strlen(s->reply) < 3 || s->reply[0] < '2' || s->reply[0] > '5')
		return -1;
	return atoi(s->reply) ;
}

/* Send a command and read the reply code (-1: connection trouble). */
static int smtp_cmd(struct smtp *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int smtp_cmd(struct smtp *s, const char *fmt, ...)
{
	char line[1100];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line) - 2, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line) - 2)
		return -1;
	memcpy(line + n, "\r\n", 2);
	if (write_deadline(s->fd, line, (size_t)n + 2, s->dl) < 0)
		return -1;
	return smtp_reply(s);
}

/* The message with CRLF line ends and leading dots doubled (RFC 5321
 * 4.5.2), ending in CRLF.CRLF. */
static char *smtp_body(const char *msg, size_t len, size_t *len_r)
{
	struct buf b = { 0 };
	int bol = 1;

	for (size_t i = 0; i < len; i++) {
		char c = msg[i];
		if (bol && c == '.')
			buf_append(&b, ".", 1);
		bol = 0;
		if (c == '\r' && i + 1 < len && msg[i + 1] == '\n')
			continue;
		if (c == '\n') {
			buf_append(&b, "\r\n", 2);
			bol = 1;
		} else {
			buf_append(&b, &c, 1);
		}
	}
	buf_puts(&b, bol ? ".\r\n" : "\r\n.\r\n");
	*len_r = b.len;
	return buf_steal(&b);
}

static enum siren_status smtp_status(struct smtp *s, int code, int want,
				     const char *step, const char **error_r)
{
	if (code == want || (want == 250 && code / 100 == 2))
		return SIREN_OK;
	if (code < 0)
		return fail(SIREN_TEMPFAIL, error_r, "relay: %s: connection "
			    "lost or timed out", step);
	return fail(code / 100 == 5 ? SIREN_PERMFAIL : SIREN_TEMPFAIL,
		    error_r, "relay: %s: %s", step, s->reply);
}

static enum siren_status smtp_transaction(struct smtp *s, const char *helo,
					  const char *from,
					  const char *const *rcpts,
					  size_t nrcpt, const char *msg,
					  size_t len, const char **error_r)
{
	enum siren_status st;
	int code = smtp_reply(s);

	if ((st = smtp_status(s, code, 220, "greeting", error_r)) != SIREN_OK)
		return st;
	code = smtp_cmd(s, "EHLO %s", helo);
	if (code / 100 == 5)
		code = smtp_cmd(s, "HELO %s", helo);
	if ((st = smtp_status(s, code, 250, "EHLO", error_r)) != SIREN_OK)
		return st;
	code = smtp_cmd(s, "MAIL FROM:<%s>", from);
	if ((st = smtp_status(s, code, 250, "MAIL", error_r)) != SIREN_OK)
		return st;
	for (size_t i = 0; i < nrcpt; i++) {
		code = smtp_cmd(s, "RCPT TO:<%s>", rcpts[i]);
		if ((st = smtp_status(s, code, 250, "RCPT", error_r)))
			return st;
	}
	code = smtp_cmd(s, "DATA");
	if ((st = smtp_status(s, code, 354, "DATA", error_r)) != SIREN_OK)
		return st;
	size_t blen;
	char *body = smtp_body(msg, len, &blen);
	code = write_deadline(s->fd, body, blen, s->dl) < 0 ? -1 :
		smtp_reply(s);
	free(body);
	if ((st = smtp_status(s, code, 250, "end of data", error_r)))
		return st;
	smtp_cmd(s, "QUIT");	/* the message is accepted whatever follows */
	return SIREN_OK;
}

static enum siren_status via_relay(const char *relay, const char *helo,
				   long long secs, const char *from,
				   const char *const *rcpts, size_t nrcpt,
				   const char *msg, size_t len,
				   const char **error_r)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	struct smtp *s = xcalloc(1, sizeof(*s));
	enum siren_status st;

	s->fd = -1;
	s->dl = deadline_ms(secs);
	if (smtp_connect(s, relay) < 0) {
		st = fail(SIREN_TEMPFAIL, error_r, "relay %s: cannot connect",
			  relay);
	} else {
		sigaction(SIGPIPE, &ign, &old);
		st = smtp_transaction(s, helo, from, rcpts, nrcpt, msg, len,
				      error_r);
		sigaction(SIGPIPE, &old, NULL);
	}
	if (s->fd >= 0)
		close(s->fd);
	free(s);
	return st;
}

/* Refuse addresses that would break the command line or SMTP syntax. */
static int address_ok(const char *a)
{
	if (a[0] == '-' || strlen(a) > 512)
		return 0;
	for (; *a != '\0'; a++)
		if ((unsigned char)*a < 0x21 || *a == '<' || *a == '>')
			return 0;
	return 1;
}

enum siren_status sendmail_send(const struct config *cfg, const char *env_from,
				const char *const *rcpts, size_t nrcpt,
				const char *msg, size_t len,
				const char **error_r)
{
	const char *relay = config_get(cfg, "outgoing", "relay");
	const char *prog = config_get(cfg, "outgoing", "sendmail");
	long long secs = config_get_seconds(cfg, "outgoing", "timeout", 60);
	char host[256];

	if (nrcpt == 0)
		return fail(SIREN_PERMFAIL, error_r, "no recipients");
	for (size_t i = 0; i < nrcpt; i++)
		if (!address_ok(rcpts[i]))
			return fail(SIREN_PERMFAIL, error_r,
				    "invalid recipient address");
	if (env_from[0] != '\0' && !address_ok(env_from))
		return fail(SIREN_PERMFAIL, error_r, "invalid sender address");
	if (relay != NULL && relay[0] != '\0') {
		const char *helo = config_get(cfg, "server", "hostname");
		if (helo == NULL || helo[0] == '\0') {
			if (gethostname(host, sizeof(host)) < 0)
				strcpy(host, "localhost");
			host[sizeof(host) - 1] = '\0';
			helo = host;
		}
		return via_relay(relay, helo, secs, env_from, rcpts, nrcpt,
				 msg, len, error_r);
	}
	if (prog == NULL || prog[0] == '\0')
		prog = "/usr/sbin/sendmail";
	return via_program(prog, secs, env_from, rcpts, nrcpt, msg, len,
			   error_r);
}
