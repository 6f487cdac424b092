/*
 * outbox.h: the durable notification queue.  Delivery writes one job per
 * Sieve notify action (fsync) before its 250; the dispatcher process sends
 * them through the plugins, retries, and dead-letters.
 * Layout: SPOOL/{new,cur,retry,dead}/JOBID.json.
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
 * Returns SIREN_OK or SIREN_TEMPFAIL with *error_r (borrowed). */
enum siren_status outbox_enqueue(const char *spool, const struct outbox_job *job,
				 char **id_r, const char **error_r);

#endif
