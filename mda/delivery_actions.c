/*
 * delivery_actions.c: performing a recipient's Sieve actions.  Stores
 * first (keep, fileinto; a refused or missing folder falls back to INBOX),
 * all fsynced before anything leaves the host; a store failure removes
 * this recipient's files again and answers 4xx.  Then the side effects:
 * redirect (RFC 5228 4.2; never on a Delivered-To loop), reject (an
 * RFC 3798 MDN as RFC 5429 2.2 asks, never to the null sender), notify
 * (a durable outbox job, RFC 5435), vacation (RFC 5230, through
 * vacation.c and the state store).  A redirect or reject that cannot be
 * submitted turns into a keep: the message is never dropped.  ereject
 * (RFC 5429 2.1) becomes the 550 reply when nothing was stored.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "sieve.h"

#include "config.h"
#include "delivery.h"
#include "delivery_private.h"
#include "log.h"
#include "maildir.h"
#include "outbox.h"
#include "sendmail.h"
#include "userdb.h"
#include "vacation.h"
#include "util.h"

/* ---- stores -------------------------------------------------------------- */

static void store_failed(struct delivery_ctx *d, const struct maildir_error *e)
{
	log_warnx("session=%s rcpt=<%s>: store failed: %s",
		  d->r->session_id ? d->r->session_id : "-", d->rcpt, e->text);
	if (e->err == EDQUOT)
		delivery_set_outcome(d->out, SIREN_TEMPFAIL, "452", "4.2.2",
				     "Mailbox is full");
	else if (e->err == ENOSPC)
		delivery_set_outcome(d->out, SIREN_TEMPFAIL, "452", "4.3.1",
				     "Mail system full");
	else
		delivery_set_outcome(d->out, SIREN_TEMPFAIL, "451", "4.3.0",
				     "Temporary internal error");
}

static bool is_inbox(const char *mailbox)
{
	struct buf b = { 0 };
	const char *err;
	bool inbox = mailbox == NULL ||
		     (maildir_folder_name(mailbox, &b, &err) == 0 && b.len == 0);
	buf_free(&b);
	return inbox;
}

static enum siren_status store_in(struct delivery_ctx *d, const char *mailbox,
				  const struct sieve_action *a, bool create)
{
	struct maildir_save s = {
		.root = d->r->user->maildir, .mailbox = mailbox,
		.create = create, .flags = a ? a->flags : NULL,
		.nflags = a ? a->nflags : 0, .pieces = d->pieces,
		.npieces = d->npieces, .arrival = d->m->arrival,
	};
	struct maildir_error e;
	char *path = NULL;
	enum siren_status st = maildir_store(&s, &path, &e);

	if (st == SIREN_OK) {
		d->stored = xrealloc(d->stored,
				     (d->nstored + 1) * sizeof(*d->stored));
		d->stored[d->nstored++] = path;
	} else if (st == SIREN_TEMPFAIL) {
		store_failed(d, &e);
	} else {
		delivery_user_log(d, "fileinto \"%s\": %s; keeping the message "
				  "in INBOX", mailbox, e.text);
	}
	return st;
}

/* keep / fileinto one mailbox (NULL: INBOX), falling back to INBOX. */
static enum siren_status store(struct delivery_ctx *d, const char *mailbox,
			       const struct sieve_action *a)
{
	if (is_inbox(mailbox)) {
		if (d->inbox_stored)
			return SIREN_OK;	/* keep twice is one keep */
		enum siren_status st = store_in(d, NULL, a, true);
		d->inbox_stored = st == SIREN_OK;
		if (st == SIREN_OK)
			delivery_note(d, "keep");
		return st;
	}
	bool create = (a && a->create) ||
		      config_get_bool(d->cfg, "sieve", "fileinto_autocreate",
				      true);
	enum siren_status st = store_in(d, mailbox, a, create);
	if (st == SIREN_OK)
		delivery_note(d, "fileinto %s", mailbox);
	if (st != SIREN_PERMFAIL)
		return st;
	return store(d, NULL, a);	/* refused name or missing folder */
}

static void rollback(struct delivery_ctx *d)
{
	for (size_t i = 0; i < d->nstored; i++)
		if (unlink(d->stored[i]) < 0)
			log_warn("rollback %s", d->stored[i]);
}

/* ---- outgoing mail ------------------------------------------------------ */

/* Our trace headers (not Return-Path: the next MTA writes its own) and
 * the message: what a redirect sends on.  Caller frees. */
static char *forward_text(struct delivery_ctx *d, size_t *len_r)
{
	struct buf b = { 0 };
	const char *h = strstr(d->head.data, "\nX-Original-To:");

	if (h == NULL)
		h = strstr(d->head.data, "\nDelivered-To:");
	buf_puts(&b, h ? h + 1 : d->head.data);
	for (size_t i = 0; i < d->m->nsegs; i++)
		buf_append(&b, d->m->segs[i].data, d->m->segs[i].len);
	*len_r = b.len;
	return buf_steal(&b);
}

static void do_redirect(struct delivery_ctx *d, const struct sieve_action *a,
			unsigned *count)
{
	long long max = config_get_num(d->cfg, "sieve", "max_redirects", 4);
	const char *err = NULL;

	if (d->loop) {
		delivery_user_log(d, "redirect to <%s> skipped: the message "
				  "was already delivered to <%s> (loop); "
				  "keeping it", a->address, d->rcpt);
		d->need_keep = true;
		return;
	}
	if ((long long)++*count > max) {
		delivery_user_log(d, "redirect to <%s> skipped: more than %lld "
				  "redirects; keeping the message", a->address,
				  max);
		d->need_keep = true;
		return;
	}
	size_t len;
	char *text = forward_text(d, &len);
	const char *rcpts[] = { a->address };
	enum siren_status st = sendmail_send(d->cfg, d->r->env_from, rcpts, 1,
					     text, len, &err);
	free(text);
	if (st == SIREN_OK) {
		delivery_note(d, "redirect %s", a->address);
		return;
	}
	delivery_user_log(d, "redirect to <%s> failed (%s); keeping the "
			  "message", a->address, err ? err : "?");
	d->need_keep = true;
}

static const char *first_header(struct delivery_ctx *d, const char *name)
{
	const char *const *v;
	return sieve_message_headers(d->m->sm, name, &v) > 0 ? v[0] : NULL;
}

/* The MDN's header block and first (human-readable) part. */
static void mdn_head(struct delivery_ctx *d, struct buf *b, const char *uniq,
		     const char *bnd, const char *reason)
{
	const char *pm = config_get(d->cfg, "outgoing", "postmaster");
	const char *subject = first_header(d, "Subject");
	char date[64];
	struct tm tm;
	time_t now = time(NULL);

	localtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S %z", &tm);
	if (pm != NULL && pm[0] != '\0')
		buf_printf(b, "From: Mail Delivery System <%s>\n", pm);
	else
		buf_printf(b, "From: Mail Delivery System <postmaster@%s>\n",
			   d->hostname);
	buf_printf(b, "To: <%s>\nSubject: Rejected: ", d->r->env_from);
	for (const char *p = subject ? subject : ""; *p; p++)
		if ((unsigned char)*p >= 0x20)
			buf_append(b, p, 1);
	buf_printf(b, "\nDate: %s\nMessage-ID: <%s@%s>\n"
		   "Auto-Submitted: auto-replied (rejected)\n"
		   "MIME-Version: 1.0\nContent-Type: multipart/report; "
		   "report-type=disposition-notification;\n\t"
		   "boundary=\"%s\"\n\nThis is a MIME-encapsulated "
		   "message\n\n--%s\nContent-Type: text/plain; "
		   "charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
		   "Your message to <%s> was automatically rejected:\n%s\n\n",
		   date, uniq, d->hostname, bnd, bnd, d->rcpt,
		   reason ? reason : "");
}

/* An RFC 3798 MDN with disposition "deleted" (RFC 5429 2.2). */
static char *mdn_text(struct delivery_ctx *d, const char *reason,
		      size_t *len_r)
{
	const char *msgid = first_header(d, "Message-ID");
	char *uniq = maildir_unique_name();
	/* RFC 2046 5.1.1: '/' may appear in a boundary, '@' may not */
	char *bnd = xasprintf("%s/%s", uniq, d->hostname);
	struct buf b = { 0 };

	mdn_head(d, &b, uniq, bnd, reason);
	buf_printf(&b, "--%s\nContent-Type: message/disposition-"
		   "notification\n\nReporting-UA: %s; siren\n"
		   "Final-Recipient: rfc822; %s\n", bnd, d->hostname, d->rcpt);
	if (msgid != NULL)
		buf_printf(&b, "Original-Message-ID: %s\n", msgid);
	buf_printf(&b, "Disposition: automatic-action/MDN-sent-"
		   "automatically; deleted\n\n--%s\nContent-Type: "
		   "message/rfc822\n\n", bnd);
	for (size_t i = 0; i < d->npieces; i++)
		buf_append(&b, d->pieces[i].data, d->pieces[i].len);
	buf_printf(&b, "\n--%s--\n", bnd);
	free(bnd);
	free(uniq);
	*len_r = b.len;
	return buf_steal(&b);
}

static void do_reject(struct delivery_ctx *d, const struct sieve_action *a)
{
	const char *err = NULL;

	/* RFC 5429 2.2: never send a rejection to the null sender */
	if (d->r->env_from[0] == '\0') {
		delivery_note(d, "reject (null sender: no MDN)");
		return;
	}
	size_t len;
	char *text = mdn_text(d, a->reason, &len);
	const char *rcpts[] = { d->r->env_from };
	/* RFC 3798 3: an MDN has the null envelope sender */
	enum siren_status st = sendmail_send(d->cfg, "", rcpts, 1, text, len,
					     &err);
	free(text);
	if (st == SIREN_OK) {
		delivery_note(d, "reject");
		return;
	}
	delivery_user_log(d, "reject: the refusal to <%s> could not be sent "
			  "(%s); keeping the message", d->r->env_from,
			  err ? err : "?");
	d->need_keep = true;
}

/* RFC 5230: the engine already dropped replies the RFC forbids; here
 * once per sender per handle per period, from the null sender (5). */
static void do_vacation(struct delivery_ctx *d, const struct sieve_action *a)
{
	struct state *st = delivery_state(d);
	const char *err = NULL;
	size_t len;

	if (st == NULL || a->to == NULL || a->to[0] == '\0') {
		delivery_note(d, "vacation (no reply: no state store)");
		return;
	}
	if (!vacation_should_send(st, a, d->m->arrival)) {
		delivery_note(d, "vacation (already replied to <%s>)", a->to);
		return;
	}
	char *text = vacation_build_reply(a, d->m->sm, d->rcpt, d->hostname,
					  time(NULL), &len);
	const char *rcpts[] = { a->to };
	/* RFC 5230 5: null MAIL FROM unless send_from_recipient asked */
	const char *mfrom = a->envelope_from ? a->envelope_from : "";
	enum siren_status rc = sendmail_send(d->cfg, mfrom, rcpts, 1, text,
					     len, &err);
	free(text);
	if (rc == SIREN_OK)
		delivery_note(d, "vacation reply to <%s>", a->to);
	else
		delivery_user_log(d, "vacation: the reply to <%s> could not be "
				  "sent (%s)", a->to, err ? err : "?");
}

static void do_notify(struct delivery_ctx *d, const struct sieve_action *a,
		      const char *mailbox)
{
	const char *spool = config_get(d->cfg, "outbox", "spool");
	const char *from = first_header(d, "From");
	const char *subject = first_header(d, "Subject");
	char *deflt = xasprintf("%s: %s", from ? from : "(unknown sender)",
				subject ? subject : "(no subject)");
	struct outbox_job job = {
		.user = d->r->user->address, .recipient = d->rcpt,
		.mailbox = mailbox, .method = a->method, .from = a->notify_from,
		.importance = a->importance ? a->importance : 2,
		.options = a->options, .noptions = a->noptions,
		.message = a->message ? a->message : deflt,
		.env_from = d->r->env_from, .msg_from = from,
		.msg_subject = subject, .msg_date = first_header(d, "Date"),
		.msg_id = first_header(d, "Message-ID"),
		.auto_submitted = first_header(d, "Auto-Submitted"),
		.arrival = d->m->arrival,
	};
	char *id = NULL;
	const char *err = NULL;

	/* A side effect never changes the recipient's reply. */
	if (spool == NULL ||
	    outbox_enqueue(spool, &job, &id, &err) != SIREN_OK) {
		char target[128];
		log_warnx("session=%s rcpt=<%s>: notify %s not queued: %s",
			  d->r->session_id ? d->r->session_id : "-", d->rcpt,
			  log_redact_uri(a->method, target, sizeof(target)),
			  err ? err : "no [outbox] spool");
	} else {
		delivery_note(d, "notify %s", id);
	}
	free(id);
	free(deflt);
}

/* ---- the action list ------------------------------------------------------ */

typedef bool (*action_fn)(struct delivery_ctx *d, const struct sieve_action *a,
			  void *arg);

/* Call fn on every explicit action of every script that ran; stop on
 * false. */
static bool each_action(struct delivery_ctx *d, action_fn fn, void *arg)
{
	for (size_t r = 0; r < d->nres; r++)
		for (size_t i = 0; i < sieve_result_count(d->res[r]); i++) {
			const struct sieve_action *a =
				sieve_result_action(d->res[r], i);
			if (!(a->type == SIEVE_ACT_KEEP && a->implicit) &&
			    !fn(d, a, arg))
				return false;
		}
	return true;
}

static bool act_store(struct delivery_ctx *d, const struct sieve_action *a,
		      void *arg)
{
	enum siren_status *st = arg;

	if (a->type == SIEVE_ACT_KEEP)
		*st = store(d, NULL, a);
	else if (a->type == SIEVE_ACT_FILEINTO)
		*st = store(d, a->mailbox, a);
	else if (a->type == SIEVE_ACT_DISCARD)
		delivery_note(d, "discard");
	return *st == SIREN_OK;
}

static bool act_ereject(struct delivery_ctx *d, const struct sieve_action *a,
			void *arg)
{
	(void)arg;
	if (a->type != SIEVE_ACT_EREJECT)
		return true;
	if (d->nstored > 0) {
		delivery_user_log(d, "ereject ignored: the message was already "
				  "stored");
		return true;
	}
	delivery_set_outcome(d->out, SIREN_PERMFAIL, "550", "5.7.1", "%s",
			     a->reason && a->reason[0] ? a->reason :
			     "Rejected by the recipient's filter");
	delivery_note(d, "ereject");
	return false;
}

struct side_state {
	unsigned redirects;
	const char *mailbox;	/* last folder filed into, for notify */
};

static bool act_side(struct delivery_ctx *d, const struct sieve_action *a,
		     void *arg)
{
	struct side_state *ss = arg;

	switch (a->type) {
	case SIEVE_ACT_FILEINTO:
		ss->mailbox = a->mailbox;
		break;
	case SIEVE_ACT_REDIRECT:
		do_redirect(d, a, &ss->redirects);
		break;
	case SIEVE_ACT_REJECT:
		do_reject(d, a);
		break;
	case SIEVE_ACT_NOTIFY:
		do_notify(d, a, ss->mailbox);
		break;
	case SIEVE_ACT_VACATION:
		do_vacation(d, a);
		break;
	default:
		break;
	}
	return true;
}

enum siren_status delivery_perform(struct delivery_ctx *d)
{
	enum siren_status st = SIREN_OK;

	each_action(d, act_store, &st);
	if (st == SIREN_OK && d->keep_state)
		st = store(d, NULL, d->implicit);
	if (st != SIREN_OK) {
		rollback(d);
		return st;
	}
	if (!each_action(d, act_ereject, NULL))
		return SIREN_PERMFAIL;
	struct side_state ss = { .mailbox = "INBOX" };
	each_action(d, act_side, &ss);
	if (d->need_keep && (st = store(d, NULL, NULL)) != SIREN_OK) {
		rollback(d);
		return st;
	}
	if (d->nstored == 0 && d->actions.len == 0)
		delivery_note(d, "discard");
	delivery_mark_duplicates(d);
	return SIREN_OK;
}
