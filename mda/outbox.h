/*
 * outbox.h: the durable notification queue.  Delivery writes one job per
 * Sieve notify action (fsync) before its 250; the dispatcher process sends
 * them through the plugins, retries, and dead-letters.
 * Layout: SPOOL/{tmp,new,cur,retry,dead}/JOBID.json and the FIFO SPOOL/wake.
 */
#ifndef SIREN_OUTBOX_H
#define SIREN_OUTBOX_H

#include <stddef.h>
#include <time.h>

#include "siren.h"

struct outbox_job {
	const char *user;	  /* recipient user (user@domain) */
	const char *recipient;	  /* envelope RCPT */
	const char *mailbox;	  /* folder the message was filed into */
	const char *method;	  /* notify URI */
	const char *from;	  /* :from, or NULL */
	int importance;		  /* 1..3 */
	const char *const *options;
	size_t noptions;
	const char *message;	  /* :message, or the default */
	const char *env_from;	  /* MAIL FROM of the triggering message */
	const char *msg_from, *msg_subject, *msg_date, *msg_id;
	const char *auto_submitted; /* the message's Auto-Submitted, or NULL */
	time_t arrival;
};

/* Write job durably into spool/new (file and directory fsynced) and wake
 * the dispatcher.  Sets *id_r (caller frees) to the stable job id.
 * Returns SIREN_OK or SIREN_TEMPFAIL with *error_r (borrowed).  Never
 * waits on the network or on the dispatcher (the wake-up write is
 * non-blocking and its failure is ignored). */
enum siren_status outbox_enqueue(const char *spool, const struct outbox_job *job,
				 char **id_r, const char **error_r);

/* ---- the dispatcher's and `siren queue`'s side ---------------------- */

enum outbox_state {
	OUTBOX_NEW,	/* waiting for its first attempt */
	OUTBOX_CUR,	/* in flight (after a crash: retried at start) */
	OUTBOX_RETRY,	/* waiting for next_attempt */
	OUTBOX_DEAD,	/* failed for good: last_error says why */
	OUTBOX_NSTATES
};

/* A job read back from the spool; every string is owned by the record. */
struct outbox_record {
	char *id;
	enum outbox_state state;
	struct outbox_job job;
	time_t created;		/* enqueue time */
	time_t next_attempt;	/* 0: as soon as possible */
	int attempts;		/* attempts made so far */
	int last_status;	/* HTTP status of the last attempt, 0 if none */
	char *last_error;	/* NULL, or why the last attempt failed */
};

/* "new", "cur", "retry", "dead"; outbox_state_parse returns -1 if none. */
const char *outbox_state_name(enum outbox_state st);
int outbox_state_parse(const char *name);

/* Create SPOOL and its subdirectories and the wake FIFO (mode 0700/0600)
 * if missing.  Returns 0, or -1 with *error_r (borrowed until next call). */
int outbox_init(const char *spool, const char **error_r);

/* A fresh job id: "msg_" + hex time + hex random, no '.', never reused.
 * Caller frees. */
char *outbox_new_id(void);
/* 1 if id has the shape outbox_new_id makes (safe as a file name). */
int outbox_id_valid(const char *id);

/* Read SPOOL/<state>/<id>.json.  Returns 0 and *rec_r (free with
 * outbox_record_free), or -1 with *error_r (borrowed): errno ENOENT when
 * the file is gone. */
int outbox_load(const char *spool, enum outbox_state st, const char *id,
		struct outbox_record **rec_r, const char **error_r);
void outbox_record_free(struct outbox_record **rec);

/* Serialise rec (a job plus its bookkeeping) as the job file's JSON.
 * Caller frees. */
char *outbox_record_json(const struct outbox_record *rec);

/* Write rec durably into state st (tmp, fsync, rename, dir fsync) and
 * remove its file from rec->state if that differs; sets rec->state.
 * Returns 0 or -1 with *error_r (borrowed). */
int outbox_store(const char *spool, struct outbox_record *rec,
		 enum outbox_state st, const char **error_r);

/* Rename SPOOL/from/id.json to SPOOL/to/id.json and fsync the target
 * directory.  Returns 0, or -1 with errno set (ENOENT: not there). */
int outbox_move(const char *spool, const char *id, enum outbox_state from,
		enum outbox_state to);
/* Unlink SPOOL/st/id.json.  Returns 0 or -1 with errno. */
int outbox_remove(const char *spool, enum outbox_state st, const char *id);

/* The ids (file names without ".json") in SPOOL/st, sorted (oldest id
 * first).  Returns the count and *ids_r (free with outbox_ids_free). */
size_t outbox_list(const char *spool, enum outbox_state st, char ***ids_r);
void outbox_ids_free(char ***ids, size_t n);

/* Poke the dispatcher through SPOOL/wake without blocking; silent when
 * no dispatcher is listening. */
void outbox_wake(const char *spool);

#endif
