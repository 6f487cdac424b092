/*
 * delivery_private.h: what delivery*.c share (not for other modules).
 * One struct delivery_ctx lives for one recipient's delivery.
 */
#ifndef SIREN_DELIVERY_PRIVATE_H
#define SIREN_DELIVERY_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "sieve.h"

#include "config.h"
#include "delivery.h"
#include "maildir.h"
#include "userdb.h"
#include "util.h"

#define DELIVERY_MAX_SCRIPTS 16

struct delivery_msg {
	const char *data;
	size_t len;
	struct sieve_message *sm;
	/* the message minus any Return-Path field (RFC 5321 4.4: the
	 * delivery agent writes its own) */
	struct maildir_piece *segs;
	size_t nsegs;
	time_t arrival;
};

struct delivery_ctx {
	const struct config *cfg;
	struct delivery_msg *m;
	const struct delivery_rcpt *r;
	struct delivery_outcome *out;
	const char *rcpt;		/* RCPT address without <> */
	char *hostname;
	struct buf head;		/* the headers we prepend */
	struct maildir_piece *pieces;	/* head + m->segs */
	size_t npieces;
	bool loop;			/* Delivered-To already names us */
	/* the scripts' results, in run order */
	struct sieve_result *res[DELIVERY_MAX_SCRIPTS];
	size_t nres;
	/* the chain ended in implicit keep (RFC 5228 2.10.2); its flags
	 * come from the last script's implicit keep action, if any */
	bool keep_state;
	const struct sieve_action *implicit;
	/* files written so far: removed again if a later store fails */
	char **stored;
	size_t nstored;
	bool inbox_stored;
	bool need_keep;			/* a failed side effect: keep */
	struct buf actions;		/* for the log line */
	struct state *state;		/* vacation/duplicate store, lazy */
	bool state_failed;
};

/* The user's tracking store (<home>/siren-state.db), opened on first
 * use; NULL (logged once) when it cannot be opened. */
struct state *delivery_state(struct delivery_ctx *d);

/* Record the scripts' duplicate marks (RFC 7352 3: only once the
 * message was delivered). */
void delivery_mark_duplicates(struct delivery_ctx *d);

/* Log text for the user: appended, timestamped, to <script>.log (as
 * Pigeonhole does) and to the server log. */
void delivery_user_log(struct delivery_ctx *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Run the before, personal and after scripts (RFC 5228 implicit keep
 * when there are none or on any error); fills d->res. */
void delivery_run_sieve(struct delivery_ctx *d);

/* Perform the collected actions.  Returns SIREN_OK when every store is
 * on disk, else SIREN_TEMPFAIL (nothing of this recipient left behind)
 * with d->out filled; SIREN_PERMFAIL for ereject. */
enum siren_status delivery_perform(struct delivery_ctx *d);

/* Append to the outcome's actions string (truncated quietly). */
void delivery_note(struct delivery_ctx *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void delivery_set_outcome(struct delivery_outcome *out,
			  enum siren_status st, const char *code,
			  const char *enhanced, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

#endif
