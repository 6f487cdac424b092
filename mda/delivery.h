/*
 * delivery.h: deliver one received message to one recipient: prepend the
 * trace headers, run the recipient's Sieve scripts, perform the actions
 * (Maildir, redirect, reject, notify) and say what to reply.
 */
#ifndef SIREN_DELIVERY_H
#define SIREN_DELIVERY_H

#include <stddef.h>

#include "config.h"
#include "siren.h"

struct user;

struct delivery_msg;   /* one received message, parsed once, shared by recipients */
struct delivery_msg *delivery_msg_new(const char *data, size_t len);  /* data borrowed (CRLF or LF) */
void delivery_msg_free(struct delivery_msg **m);

struct delivery_rcpt {
	const char *env_from;        /* MAIL FROM reverse-path, "" for <> */
	const char *rcpt;            /* RCPT TO address as given */
	const char *orig_rcpt;       /* ORCPT address (xtext-decoded) or NULL */
	const struct user *user;     /* from userdb_lookup */
	const char *session_id;      /* for logs */
	const char *lhlo, *remote_ip; /* for Received: */
};

struct delivery_outcome {
	enum siren_status status;    /* OK -> 250; TEMPFAIL -> 4xx; PERMFAIL -> 5xx */
	char code[4], enhanced[10];  /* e.g. "250","2.0.0" / "451","4.3.0" / "550","5.7.1" */
	char text[512];              /* reply text (ereject reason etc.) */
	char actions[256];           /* for the delivery log line, e.g. "fileinto Work" */
};

void delivery_run(const struct config *cfg, struct delivery_msg *m,
		  const struct delivery_rcpt *r, struct delivery_outcome *out);

/* Notify-method validation for compiling scripts (the plugin loader's
 * registry, see plugin_registry); NULL (the default): mailto only.
 * Borrowed: must outlive every delivery_run. */
struct sieve_notify_registry;
void delivery_set_notify_registry(const struct sieve_notify_registry *reg);

/* Drop every cached compiled script (SIGHUP, tests). */
void delivery_cache_clear(void);

#endif
