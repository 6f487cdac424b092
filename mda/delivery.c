/*
 * delivery.c: one recipient's delivery.  The message is indexed once
 * (shared by every recipient); per recipient we prepend Return-Path
 * (RFC 5321 4.4; an existing one is dropped), X-Original-To (when ORCPT
 * differs), Delivered-To (loop detection, RFC 9228 style) and Received
 * (RFC 5321 4.4, "with LMTP", RFC 3848), run the Sieve scripts and
 * perform their actions (delivery_actions.c).  The shared buffer is never
 * modified: the headers are written first, then the message pieces.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sieve.h"

#include "config.h"
#include "delivery.h"
#include "delivery_private.h"
#include "log.h"
#include "state.h"
#include "userdb.h"
#include "util.h"

/* A user's sieve log grows at most to this before one rotation. */
#define USER_LOG_MAX (1024 * 1024)

/* ---- the shared message ----------------------------------------------- */

static bool is_return_path(const char *p, const char *end)
{
	return end - p >= 12 && strncasecmp(p, "Return-Path:", 12) == 0;
}

/* Split the message into the pieces that are not a Return-Path field
 * (with its continuation lines) of the header block. */
static void msg_add_segment(struct delivery_msg *m, const char *p,
			    size_t n)
{
	m->segs = xrealloc(m->segs, (m->nsegs + 1) * sizeof(*m->segs));
	m->segs[m->nsegs++] = (struct maildir_piece){ p, n };
}

static void msg_segments(struct delivery_msg *m)
{
	const char *p = m->data, *end = m->data + m->len, *seg = p;

	while (p < end && *p != '\n' && !(*p == '\r' && p + 1 < end &&
					  p[1] == '\n')) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *next = nl ? nl + 1 : end;
		while (next < end && (*next == ' ' || *next == '\t')) {
			nl = memchr(next, '\n', (size_t)(end - next));
			next = nl ? nl + 1 : end;
		}
		if (is_return_path(p, end)) {
			if (p > seg)
				msg_add_segment(m, seg, (size_t)(p - seg));
			seg = next;
		}
		p = next;
	}
	msg_add_segment(m, seg, (size_t)(end - seg));
}

struct delivery_msg *delivery_msg_new(const char *data, size_t len)
{
	struct delivery_msg *m = xcalloc(1, sizeof(*m));

	m->data = data;
	m->len = len;
	m->sm = sieve_message_new(data, len);
	m->arrival = time(NULL);
	msg_segments(m);
	return m;
}

void delivery_msg_free(struct delivery_msg **mp)
{
	struct delivery_msg *m = *mp;

	if (m == NULL)
		return;
	sieve_message_free(&m->sm);
	free(m->segs);
	free(m);
	*mp = NULL;
}

/* ---- outcome and logs --------------------------------------------------- */

void delivery_set_outcome(struct delivery_outcome *out, enum siren_status st,
			  const char *code, const char *enhanced,
			  const char *fmt, ...)
{
	va_list ap;

	out->status = st;
	snprintf(out->code, sizeof(out->code), "%s", code);
	snprintf(out->enhanced, sizeof(out->enhanced), "%s", enhanced);
	va_start(ap, fmt);
	vsnprintf(out->text, sizeof(out->text), fmt, ap);
	va_end(ap);
	/* a reply line: no CR/LF or other controls from a script's text */
	for (char *p = out->text; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
}

void delivery_note(struct delivery_ctx *d, const char *fmt, ...)
{
	va_list ap;
	char item[256];

	va_start(ap, fmt);
	vsnprintf(item, sizeof(item), fmt, ap);
	va_end(ap);
	if (d->actions.len > 0)
		buf_puts(&d->actions, ", ");
	buf_puts(&d->actions, item);
}

static void user_log_write(const char *script, const char *line)
{
	char *path = xasprintf("%s.log", script);
	struct stat st;

	if (stat(path, &st) == 0 && st.st_size > USER_LOG_MAX) {
		char *old = xasprintf("%s.0", path);
		rename(path, old);
		free(old);
	}
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0) {
		char stamp[64];
		time_t now = time(NULL);
		struct tm tm;
		localtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S %z", &tm);
		dprintf(fd, "%s: %s\n", stamp, line);
		close(fd);
	}
	free(path);
}

void delivery_user_log(struct delivery_ctx *d, const char *fmt, ...)
{
	va_list ap;
	char msg[2048];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_warnx("session=%s rcpt=<%s>: %s", d->r->session_id ?
		  d->r->session_id : "-", d->rcpt, msg);
	const char *script = d->r->user ? d->r->user->sieve_script : NULL;
	if (script == NULL || script[0] == '\0')
		return;
	/* one timestamped line per diagnostic line */
	char *save = NULL;
	for (char *l = strtok_r(msg, "\n", &save); l != NULL;
	     l = strtok_r(NULL, "\n", &save))
		user_log_write(script, l);
}

/* ---- trace headers -------------------------------------------------------- */

/* Copy s into b without CR, LF or other controls (header injection). */
static void put_clean(struct buf *b, const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		if ((unsigned char)*s >= 0x20 && *s != 0x7f)
			buf_append(b, s, 1);
}

static char *strip_brackets(const char *a)
{
	size_t n = strlen(a);

	if (n >= 2 && a[0] == '<' && a[n - 1] == '>')
		return xstrndup(a + 1, n - 2);
	return xstrdup(a);
}

static void add_received(struct delivery_ctx *d)
{
	const struct delivery_rcpt *r = d->r;
	char date[64];
	struct tm tm;

	localtime_r(&d->m->arrival, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S %z", &tm);
	buf_puts(&d->head, "Received: ");
	if (r->lhlo != NULL) {
		buf_puts(&d->head, "from ");
		put_clean(&d->head, r->lhlo);
		buf_puts(&d->head, " ([");
		put_clean(&d->head, r->remote_ip ? r->remote_ip : "unknown");
		buf_puts(&d->head, "])\n\tby ");
	} else {
		buf_puts(&d->head, "by ");
	}
	put_clean(&d->head, d->hostname);
	buf_puts(&d->head, r->lhlo ? " with LMTP" : " (siren deliver)");
	if (r->session_id != NULL) {
		buf_puts(&d->head, " id ");
		put_clean(&d->head, r->session_id);
	}
	buf_puts(&d->head, "\n\tfor <");
	put_clean(&d->head, d->rcpt);
	buf_printf(&d->head, ">; %s\n", date);
}

static void build_head(struct delivery_ctx *d)
{
	const struct delivery_rcpt *r = d->r;

	buf_puts(&d->head, "Return-Path: <");
	put_clean(&d->head, r->env_from);
	buf_puts(&d->head, ">\n");
	if (r->orig_rcpt != NULL && r->orig_rcpt[0] != '\0') {
		char *o = strip_brackets(r->orig_rcpt);
		if (strcasecmp(o, d->rcpt) != 0) {
			buf_puts(&d->head, "X-Original-To: ");
			put_clean(&d->head, o);
			buf_puts(&d->head, "\n");
		}
		free(o);
	}
	buf_puts(&d->head, "Delivered-To: ");
	put_clean(&d->head, d->rcpt);
	buf_puts(&d->head, "\n");
	add_received(d);
	d->npieces = d->m->nsegs + 1;
	d->pieces = xcalloc(d->npieces, sizeof(*d->pieces));
	d->pieces[0] = (struct maildir_piece){ d->head.data, d->head.len };
	memcpy(d->pieces + 1, d->m->segs, d->m->nsegs * sizeof(*d->pieces));
}

/* RFC 5228 2.10.6 loop control: a Delivered-To naming this recipient
 * means the message already went through here; we still deliver, but
 * never redirect it again. */
static bool delivered_before(struct delivery_ctx *d)
{
	const char *const *v;
	size_t n = sieve_message_headers(d->m->sm, "Delivered-To", &v);
	const char *user = d->r->user ? d->r->user->address : NULL;

	for (size_t i = 0; i < n; i++) {
		char *a = strip_brackets(v[i]);
		bool same = strcasecmp(a, d->rcpt) == 0 ||
			    (user != NULL && strcasecmp(a, user) == 0);
		free(a);
		if (same)
			return true;
	}
	return false;
}

static char *our_hostname(const struct config *cfg)
{
	const char *h = config_get(cfg, "server", "hostname");
	char host[256];

	if (h != NULL && h[0] != '\0')
		return xstrdup(h);
	if (gethostname(host, sizeof(host)) < 0)
		return xstrdup("localhost");
	host[sizeof(host) - 1] = '\0';
	return xstrdup(host);
}

static void ctx_free(struct delivery_ctx *d)
{
	for (size_t i = 0; i < d->nres; i++)
		sieve_result_free(&d->res[i]);
	for (size_t i = 0; i < d->nstored; i++)
		free(d->stored[i]);
	free(d->stored);
	free(d->pieces);
	free(d->hostname);
	buf_free(&d->head);
	buf_free(&d->actions);
	state_close(&d->state);
	free((char *)d->rcpt);
}

void delivery_run(const struct config *cfg, struct delivery_msg *m,
		  const struct delivery_rcpt *r, struct delivery_outcome *out)
{
	struct delivery_ctx d = { .cfg = cfg, .m = m, .r = r, .out = out };

	if (r->user == NULL || r->user->maildir == NULL) {
		delivery_set_outcome(out, SIREN_TEMPFAIL, "451", "4.3.0",
				     "Temporary internal error");
		return;
	}
	d.rcpt = strip_brackets(r->rcpt ? r->rcpt : "");
	d.hostname = our_hostname(cfg);
	build_head(&d);
	d.loop = delivered_before(&d);
	delivery_set_outcome(out, SIREN_OK, "250", "2.0.0", "Saved");
	delivery_run_sieve(&d);
	delivery_perform(&d);
	snprintf(out->actions, sizeof(out->actions), "%s",
		 d.actions.data ? d.actions.data : "");
	ctx_free(&d);
}
