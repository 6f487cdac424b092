/*
 * worker.h: one LMTP session in its own process: the protocol engine
 * (lmtp.c) wired to userdb lookups and per-recipient delivery.
 */
#ifndef SIREN_WORKER_H
#define SIREN_WORKER_H

#include "config.h"
#include "delivery.h"
#include "userdb.h"

/* Serve the connection on fd, then return (the caller exits).  cfg and
 * db are borrowed.  Blocks for the whole session. */
void worker_session(const struct config *cfg, const struct userdb *db,
		    int fd, const char *remote_ip, const char *session_id);

/* Run delivery_run for r as r->user's uid/gid when we are root and the
 * user has them (effective ids only, restored after), so no Maildir is
 * written as uid 0 when the admin configured owners. */
void worker_deliver_as_user(const struct config *cfg,
			    struct delivery_msg *m,
			    const struct delivery_rcpt *r,
			    struct delivery_outcome *out);

/* The notify plugins, loaded once so compiling a script can validate
 * notify method URIs (RFC 5435 3.2) the way the dispatcher will send
 * them; installed as delivery's registry until worker_plugins_free. */
struct worker_plugins;
struct worker_plugins *worker_plugins_load(const struct config *cfg);
void worker_plugins_free(struct worker_plugins **wp);

#endif
