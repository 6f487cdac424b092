/*
 * lmtp.c: the LMTP protocol engine (RFC 2033) with PIPELINING (RFC 2920),
 * ENHANCEDSTATUSCODES (RFC 2034/3463), 8BITMIME (RFC 6152), SIZE (RFC
 * 1870), CHUNKING (RFC 3030) and SMTPUTF8 (RFC 6531).  A table maps each
 * verb to its sequence flags and handler; the read loop only dispatches.
 * After the message, one reply per accepted recipient, in RCPT order
 * (RFC 2033 4.2).  Left out: STARTTLS, AUTH, DSN, BINARYMIME.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "lmtp.h"
#include "lmtp_io.h"
#include "log.h"
#include "userdb.h"
#include "util.h"

struct lmtp_rcpt {
	char *address;		/* as given, without <> */
	char *orcpt;		/* ORCPT= address, or NULL */
	struct user *user;
};

struct lmtp_session {
	struct lmtp_io io;
	const struct lmtp_config *lc;
	const struct lmtp_hooks *hooks;
	const char *remote_ip, *id;
	char *lhlo;		/* NULL until LHLO */
	unsigned errors, messages;
	bool quit;
	/* the transaction */
	char *env_from;		/* NULL: no MAIL yet */
	bool smtputf8;
	struct lmtp_rcpt *rcpts;
	size_t nrcpts, rcpts_tried;
	bool bdat;		/* BDAT seen: DATA refused (RFC 3030 2) */
	struct buf msg;
	size_t msg_size;	/* all octets seen, also past the limit */
};

/* ---- replies -------------------------------------------------------- */

static void reply(struct lmtp_session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void reply(struct lmtp_session *s, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	lmtp_io_reply(&s->io, "%s", line);
}

/* A protocol error: counted towards max_errors. */
static void reply_error(struct lmtp_session *s, const char *text)
{
	s->errors++;
	reply(s, "%s", text);
}

/* ---- the transaction ------------------------------------------------ */

static void txn_reset(struct lmtp_session *s)
{
	for (size_t i = 0; i < s->nrcpts; i++) {
		free(s->rcpts[i].address);
		free(s->rcpts[i].orcpt);
		user_free(&s->rcpts[i].user);
	}
	free(s->rcpts);
	free(s->env_from);
	buf_free(&s->msg);
	s->rcpts = NULL;
	s->env_from = NULL;
	s->nrcpts = s->rcpts_tried = 0;
	s->smtputf8 = s->bdat = false;
	s->msg_size = 0;
}

/* ---- argument parsing ----------------------------------------------- */

static bool has_non_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return true;
	return false;
}

/* Parse "<path> params" after "FROM:" / "TO:".  Sets *path_r (without
 * brackets and any source route) and *params_r.  False on bad syntax. */
static bool parse_path(char *arg, char **path_r, char **params_r)
{
	while (*arg == ' ')
		arg++;
	if (*arg != '<')
		return false;
	char *p = arg + 1;
	bool quoted = false;
	for (; *p && (quoted || *p != '>'); p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (*p == '"')
			quoted = !quoted;
	}
	if (*p != '>')
		return false;
	*p++ = '\0';
	if (*p && *p != ' ')
		return false;
	char *path = arg + 1;
	if (*path == '@') {	/* RFC 5321 4.1.2: ignore a source route */
		char *colon = strchr(path, ':');
		if (colon == NULL)
			return false;
		path = colon + 1;
	}
	*path_r = path;
	while (*p == ' ')
		p++;
	*params_r = p;
	return true;
}

/* Next space-separated "KEY[=VALUE]" of params, or NULL. */
static char *next_param(char **params, char **value_r)
{
	char *p = *params;
	while (*p == ' ')
		p++;
	if (*p == '\0')
		return NULL;
	char *end = p + strcspn(p, " ");
	if (*end)
		*end++ = '\0';
	*params = end;
	char *eq = strchr(p, '=');
	*value_r = NULL;
	if (eq) {
		*eq = '\0';
		*value_r = eq + 1;
	}
	return p;
}

/* Text after "VERB KEYWORD:" (case-insensitive), or NULL. */
static char *after_keyword(char *args, const char *kw)
{
	size_t n = strlen(kw);
	if (strncasecmp(args, kw, n))
		return NULL;
	return args + n;
}

/* ---- handlers ------------------------------------------------------- */

static void cmd_lhlo(struct lmtp_session *s, char *args)
{
	if (*args == '\0') {
		reply_error(s, "501 5.5.4 Syntax: LHLO hostname");
		return;
	}
	txn_reset(s);
	free(s->lhlo);
	s->lhlo = xstrndup(args, strcspn(args, " "));
	reply(s, "250-%s", s->lc->hostname);
	reply(s, "250-PIPELINING");
	reply(s, "250-ENHANCEDSTATUSCODES");
	reply(s, "250-8BITMIME");
	reply(s, "250-SIZE %zu", s->lc->max_message_size);
	reply(s, "250-CHUNKING");
	reply(s, "250 SMTPUTF8");
}

/* MAIL parameters; returns NULL or the error reply. */
static const char *mail_params(struct lmtp_session *s, char *params)
{
	char *key, *value;
	while ((key = next_param(&params, &value)) != NULL) {
		if (!strcasecmp(key, "SIZE") && value) {
			char *end;
			errno = 0;
			unsigned long long n = strtoull(value, &end, 10);
			if (errno || *end || end == value)
				return "501 5.5.4 Bad SIZE= value";
			if (n > s->lc->max_message_size)
				return "552 5.3.4 Message size exceeds fixed "
				       "maximum message size";
		} else if (!strcasecmp(key, "BODY") && value) {
			if (strcasecmp(value, "7BIT") &&
			    strcasecmp(value, "8BITMIME"))
				return "501 5.5.4 Unsupported BODY= value";
		} else if (!strcasecmp(key, "SMTPUTF8") && !value) {
			s->smtputf8 = true;
		} else {
			return "555 5.5.4 Unsupported MAIL parameter";
		}
	}
	return NULL;
}

static void cmd_mail(struct lmtp_session *s, char *args)
{
	char *rest = after_keyword(args, "FROM:"), *path, *params;
	if (rest == NULL || !parse_path(rest, &path, &params)) {
		reply_error(s, "501 5.5.4 Syntax: MAIL FROM:<address>");
		return;
	}
	s->smtputf8 = false;
	const char *err = mail_params(s, params);
	if (err == NULL && has_non_ascii(path) && !s->smtputf8)
		err = "553 5.6.7 Non-ASCII sender address needs SMTPUTF8";
	if (err) {
		s->smtputf8 = false;
		reply_error(s, err);
		return;
	}
	s->env_from = xstrdup(path);
	reply(s, "250 2.1.0 Ok");
}

/* ORCPT=rfc822;addr with xtext (RFC 3461 4): decode the +XX escapes. */
static char *orcpt_decode(const char *v)
{
	const char *semi = strchr(v, ';');
	struct buf b = { 0 };
	buf_puts(&b, "");
	for (const char *p = semi ? semi + 1 : v; *p; p++) {
		unsigned x;
		if (*p == '+' && sscanf(p + 1, "%2x", &x) == 1 &&
		    isxdigit((unsigned char)p[1]) &&
		    isxdigit((unsigned char)p[2])) {
			char c = (char)x;
			buf_append(&b, &c, 1);
			p += 2;
		} else {
			buf_append(&b, p, 1);
		}
	}
	return buf_steal(&b);
}

static const char *rcpt_params(char *params, char **orcpt_r)
{
	char *key, *value;
	*orcpt_r = NULL;
	while ((key = next_param(&params, &value)) != NULL) {
		if (strcasecmp(key, "ORCPT") || value == NULL || *orcpt_r) {
			free(*orcpt_r);
			*orcpt_r = NULL;
			return "555 5.5.4 Unsupported RCPT parameter";
		}
		*orcpt_r = orcpt_decode(value);
	}
	return NULL;
}

static void rcpt_add(struct lmtp_session *s, const char *path, char *orcpt,
		     struct user *u)
{
	s->rcpts = xrealloc(s->rcpts, (s->nrcpts + 1) * sizeof(*s->rcpts));
	s->rcpts[s->nrcpts].address = xstrdup(path);
	s->rcpts[s->nrcpts].orcpt = orcpt;
	s->rcpts[s->nrcpts].user = u;
	s->nrcpts++;
}

static void cmd_rcpt(struct lmtp_session *s, char *args)
{
	char *rest = after_keyword(args, "TO:"), *path, *params, *orcpt;
	if (rest == NULL || !parse_path(rest, &path, &params) || !*path) {
		reply_error(s, "501 5.5.4 Syntax: RCPT TO:<address>");
		return;
	}
	const char *err = rcpt_params(params, &orcpt);
	if (err == NULL && has_non_ascii(path) && !s->smtputf8)
		err = "553 5.6.7 Non-ASCII recipient address needs SMTPUTF8";
	if (err) {
		free(orcpt);
		reply_error(s, err);
		return;
	}
	if (s->nrcpts >= s->lc->max_recipients) {
		free(orcpt);
		reply(s, "452 4.5.3 Too many recipients");
		return;
	}
	struct user *u = NULL;
	enum siren_status st = s->hooks->rcpt_lookup(s->hooks->ctx, path, &u);
	if (st != SIREN_OK) {
		free(orcpt);
		if (st == SIREN_PERMFAIL)
			reply(s, "550 5.1.1 <%s> User doesn't exist", path);
		else
			reply(s, "451 4.3.0 <%s> Temporary internal error",
			      path);
		return;
	}
	rcpt_add(s, path, orcpt, u);
	reply(s, "250 2.1.5 Ok");
}

/* The Message-ID of the header block, for the log line. */
static void message_id(const char *data, size_t len, char *out, size_t n)
{
	const char *p = data, *end = data + len;
	snprintf(out, n, "-");
	while (p < end && *p != '\r' && *p != '\n') {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		if (eol - p > 11 && !strncasecmp(p, "Message-ID:", 11)) {
			const char *v = p + 11;
			while (v < eol && (*v == ' ' || *v == '\t'))
				v++;
			size_t vl = (size_t)(eol - v);
			if (vl && v[vl - 1] == '\r')
				vl--;
			snprintf(out, n, "%.*s", (int)(vl > 200 ? 200 : vl), v);
			return;
		}
		p = nl ? nl + 1 : end;
	}
}

static long long elapsed_ms(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000LL +
	       (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static void deliver_one(struct lmtp_session *s, void *msg, size_t i,
			const char *msgid)
{
	struct lmtp_rcpt *r = &s->rcpts[i];
	struct delivery_rcpt dr = {
		.env_from = s->env_from, .rcpt = r->address,
		.orig_rcpt = r->orcpt, .user = r->user, .session_id = s->id,
		.lhlo = s->lhlo, .remote_ip = s->remote_ip,
	};
	struct delivery_outcome out = { .status = SIREN_TEMPFAIL,
		.code = "451", .enhanced = "4.3.0",
		.text = "Temporary internal error" };
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	s->hooks->deliver(s->hooks->ctx, msg, &dr, &out);
	/* Anything but a clean 2xx/4xx/5xx from delivery is a 4xx: never
	 * claim success we cannot vouch for. */
	if (out.code[0] < '2' || out.code[0] > '5' || strlen(out.code) != 3 ||
	    (out.status == SIREN_OK && out.code[0] != '2'))
		snprintf(out.code, sizeof(out.code), "451");
	reply(s, "%s %s <%s> %s", out.code, out.enhanced, r->address,
	      out.text);
	log_info("session=%s msgid=%s from=<%s> rcpt=<%s> user=%s status=%s "
		 "%s actions=\"%s\" size=%zu time=%lldms", s->id, msgid,
		 s->env_from, r->address, r->user->address, out.code,
		 out.enhanced, out.actions, s->msg.len, elapsed_ms(&t0));
}

/* The message is complete: one reply per accepted recipient, in order
 * (RFC 2033 4.2), then a fresh transaction. */
static void finish_message(struct lmtp_session *s)
{
	if (s->msg_size > s->lc->max_message_size) {
		for (size_t i = 0; i < s->nrcpts; i++)
			reply(s, "552 5.3.4 <%s> Message too big for system",
			      s->rcpts[i].address);
		log_info("session=%s from=<%s> rejected: %zu bytes over the "
			 "%zu limit", s->id, s->env_from, s->msg_size,
			 s->lc->max_message_size);
		txn_reset(s);
		return;
	}
	char msgid[256];
	buf_append(&s->msg, "", 0);
	message_id(s->msg.data ? s->msg.data : "", s->msg.len, msgid,
		   sizeof(msgid));
	void *msg = s->hooks->msg_begin(s->hooks->ctx,
					s->msg.data ? s->msg.data : "",
					s->msg.len);
	s->messages++;
	for (size_t i = 0; i < s->nrcpts; i++)
		deliver_one(s, msg, i, msgid);
	s->hooks->msg_end(s->hooks->ctx, msg);
	txn_reset(s);
}

static bool io_abort(struct lmtp_session *s, enum lmtp_io_status st)
{
	if (st == LMTP_IO_TIMEOUT)
		reply(s, "421 4.4.2 %s Timeout while reading data, closing "
		      "connection", s->lc->hostname);
	s->quit = true;
	return true;
}

static void cmd_data(struct lmtp_session *s, char *args)
{
	(void)args;
	reply(s, "354 2.0.0 End data with <CR><LF>.<CR><LF>");
	size_t size = 0;
	enum lmtp_io_status st = lmtp_io_data(&s->io, &s->msg,
					      s->lc->max_message_size, &size,
					      s->lc->data_timeout_ms);
	if (st != LMTP_IO_OK) {
		io_abort(s, st);
		return;
	}
	s->msg_size = size;
	finish_message(s);
}

static void cmd_bdat(struct lmtp_session *s, char *args)
{
	char *end;
	errno = 0;
	unsigned long long n = strtoull(args, &end, 10);
	bool last = false;
	if (end != args && *end == ' ') {
		while (*end == ' ')
			end++;
		last = !strcasecmp(end, "LAST");
		if (!last)
			end = args;	/* trailing junk: syntax error */
	}
	if (errno || end == args || !isdigit((unsigned char)*args) ||
	    (*end && !last)) {
		reply_error(s, "501 5.5.4 Syntax: BDAT octets [LAST]");
		return;
	}
	/* Take the chunk in full, or count it and drop it once over (no
	 * sum that could wrap: n comes from the client). */
	size_t max = s->lc->max_message_size;
	bool fits = s->msg_size <= max && n <= max - s->msg_size;
	enum lmtp_io_status st = lmtp_io_octets(&s->io, &s->msg, n,
						fits ? (size_t)-1 : 0,
						s->lc->data_timeout_ms);
	if (st != LMTP_IO_OK) {
		io_abort(s, st);
		return;
	}
	s->msg_size = fits ? s->msg_size + (size_t)n : max + 1;
	s->bdat = true;
	if (s->env_from == NULL || s->nrcpts == 0) {
		/* RFC 3030 2: the chunk is read, then refused. */
		reply_error(s, "503 5.5.1 No valid recipients");
		if (last)
			txn_reset(s);
		return;
	}
	if (!last) {
		reply(s, "250 2.0.0 %llu octets received", n);
		return;
	}
	finish_message(s);
}

static void cmd_rset(struct lmtp_session *s, char *args)
{
	(void)args;
	txn_reset(s);
	reply(s, "250 2.0.0 Ok");
}

static void cmd_noop(struct lmtp_session *s, char *args)
{
	(void)args;
	reply(s, "250 2.0.0 Ok");
}

static void cmd_quit(struct lmtp_session *s, char *args)
{
	(void)args;
	reply(s, "221 2.0.0 %s Bye", s->lc->hostname);
	s->quit = true;
}

static void cmd_vrfy(struct lmtp_session *s, char *args)
{
	(void)args;
	reply(s, "252 2.5.2 Cannot VRFY user, but will accept message and "
	      "attempt delivery");
}

static void cmd_help(struct lmtp_session *s, char *args)
{
	(void)args;
	reply(s, "214 2.0.0 Commands: LHLO MAIL RCPT DATA BDAT RSET NOOP "
	      "QUIT VRFY HELP");
}

static void cmd_helo(struct lmtp_session *s, char *args)
{
	(void)args;
	reply_error(s, "500 5.5.1 This is LMTP: say LHLO (RFC 2033 4.1)");
}

/* ---- the command table ---------------------------------------------- */

enum {
	NEED_LHLO = 1 << 0,	/* 503 before LHLO */
	NEED_MAIL = 1 << 1,	/* 503 without MAIL */
	NO_MAIL = 1 << 2,	/* 503 inside a transaction (nested MAIL) */
	NEED_RCPT = 1 << 3,	/* 503 without an accepted RCPT */
	NO_BDAT = 1 << 4,	/* 503 after BDAT in this transaction */
	NO_ARGS = 1 << 5,	/* 501 with arguments */
	NEED_ARGS = 1 << 6,	/* 501 without */
};

struct lmtp_command {
	const char *verb;
	const char *(*check)(struct lmtp_session *s, const char *args);
	void (*handler)(struct lmtp_session *s, char *args);
	unsigned flags;
};

/* Returns the 5xx reply for a command used out of sequence, or NULL. */
static const char *check_sequence(struct lmtp_session *s, const char *args,
				  unsigned flags)
{
	if ((flags & NO_ARGS) && *args)
		return "501 5.5.4 Syntax error: no parameters allowed";
	if ((flags & NEED_ARGS) && !*args)
		return "501 5.5.4 Syntax error: parameters required";
	if ((flags & NEED_LHLO) && s->lhlo == NULL)
		return "503 5.5.1 Bad sequence of commands: send LHLO first";
	if ((flags & NO_MAIL) && s->env_from)
		return "503 5.5.1 Bad sequence of commands: nested MAIL";
	if ((flags & NEED_MAIL) && s->env_from == NULL)
		return "503 5.5.1 Bad sequence of commands: need MAIL";
	if ((flags & NO_BDAT) && s->bdat)
		return "503 5.5.1 Bad sequence of commands: DATA after BDAT";
	if ((flags & NEED_RCPT) && s->nrcpts == 0)
		return "503 5.5.1 Bad sequence of commands: no valid "
		       "recipients";
	return NULL;
}

static const struct lmtp_command lmtp_commands[] = {
	{ "LHLO", NULL, cmd_lhlo, 0 },
	{ "MAIL", NULL, cmd_mail, NEED_LHLO | NO_MAIL | NEED_ARGS },
	{ "RCPT", NULL, cmd_rcpt, NEED_LHLO | NEED_MAIL | NEED_ARGS },
	{ "DATA", NULL, cmd_data,
	  NEED_LHLO | NEED_MAIL | NO_BDAT | NEED_RCPT | NO_ARGS },
	/* BDAT checks its sequence after reading the chunk (RFC 3030). */
	{ "BDAT", NULL, cmd_bdat, NEED_LHLO | NEED_ARGS },
	{ "RSET", NULL, cmd_rset, NO_ARGS },
	{ "NOOP", NULL, cmd_noop, 0 },
	{ "QUIT", NULL, cmd_quit, NO_ARGS },
	{ "VRFY", NULL, cmd_vrfy, NEED_ARGS },
	{ "HELP", NULL, cmd_help, 0 },
	{ "HELO", NULL, cmd_helo, 0 },
	{ "EHLO", NULL, cmd_helo, 0 },
};
#define NCOMMANDS (sizeof(lmtp_commands) / sizeof(lmtp_commands[0]))

static void dispatch(struct lmtp_session *s, char *line)
{
	size_t vlen = strcspn(line, " ");
	char *args = line + vlen;
	while (*args == ' ')
		args++;
	for (size_t i = 0; i < NCOMMANDS; i++) {
		const struct lmtp_command *c = &lmtp_commands[i];
		if (vlen != strlen(c->verb) || strncasecmp(line, c->verb, vlen))
			continue;
		const char *err = check_sequence(s, args, c->flags);
		if (err == NULL && c->check)
			err = c->check(s, args);
		if (err)
			reply_error(s, err);
		else
			c->handler(s, args);
		return;
	}
	reply_error(s, "500 5.5.1 Unknown command");
}

/* ---- the session ---------------------------------------------------- */

void lmtp_request_shutdown(void)
{
	lmtp_shutdown_requested = 1;
}

static void session_loop(struct lmtp_session *s, char *line)
{
	while (!s->quit && !s->io.failed) {
		/* A shutdown ends the session only between transactions. */
		enum lmtp_io_status st = lmtp_io_line(&s->io, line,
			s->env_from ? s->lc->data_timeout_ms
				    : s->lc->idle_timeout_ms,
			s->env_from == NULL);
		if (st == LMTP_IO_TOOLONG) {
			reply_error(s, "500 5.5.2 Line too long");
		} else if (st == LMTP_IO_TIMEOUT) {
			reply(s, "421 4.4.2 %s Idle timeout, closing "
			      "connection", s->lc->hostname);
			break;
		} else if (st == LMTP_IO_SHUTDOWN) {
			reply(s, "421 4.3.2 %s Service shutting down, closing "
			      "connection", s->lc->hostname);
			break;
		} else if (st != LMTP_IO_OK) {
			break;
		} else {
			dispatch(s, line);
		}
		if (s->errors > s->lc->max_errors && !s->quit) {
			reply(s, "421 4.7.0 %s Too many errors, closing "
			      "connection", s->lc->hostname);
			break;
		}
	}
}

unsigned lmtp_session(int fd, const struct lmtp_config *lc,
		      const struct lmtp_hooks *hooks, const char *remote_ip,
		      const char *session_id)
{
	struct lmtp_session s = { .lc = lc, .hooks = hooks,
				  .remote_ip = remote_ip, .id = session_id };
	char *line = xmalloc(LMTP_MAX_LINE + 1);
	lmtp_io_init(&s.io, fd);
	reply(&s, "220 %s LMTP siren ready", lc->hostname);
	session_loop(&s, line);
	lmtp_io_flush(&s.io);
	if (s.env_from)
		log_info("session=%s ended inside a transaction (%zu "
			 "recipients not delivered)", s.id, s.nrcpts);
	txn_reset(&s);
	free(s.lhlo);
	free(line);
	lmtp_io_free(&s.io);
	return s.messages;
}

void lmtp_config_from(const struct config *cfg, struct lmtp_config *lc)
{
	static char host[256];
	const char *h = config_get(cfg, "server", "hostname");
	if (h == NULL || *h == '\0') {
		if (gethostname(host, sizeof(host) - 1) != 0)
			snprintf(host, sizeof(host), "localhost");
		h = host;
	}
	lc->hostname = h;
	lc->max_message_size = (size_t)config_get_num(cfg, "server",
		"max_message_size", 50 << 20);
	lc->max_recipients = (unsigned)config_get_num(cfg, "server",
		"max_recipients", 100);
	lc->max_errors = (unsigned)config_get_num(cfg, "server", "max_errors",
						  10);
	lc->idle_timeout_ms = (int)config_get_seconds(cfg, "server",
		"idle_timeout", 300) * 1000;
	lc->data_timeout_ms = (int)config_get_seconds(cfg, "server",
		"data_timeout", 600) * 1000;
}
