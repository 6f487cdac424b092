/*
 * duplicate.h: the delivery side of the Sieve duplicate test (RFC 7352)
 * over the per-user state store.  Plug duplicate_check() into struct
 * sieve_callbacks (ctx = a struct duplicate_ctx); once the message is
 * safely delivered, call duplicate_commit() so the run's marks are
 * recorded (RFC 7352 3: only when the script completed and delivery
 * succeeded).  Store entries: kind "duplicate", key handle + LF + id.
 */
#ifndef SIREN_DUPLICATE_H
#define SIREN_DUPLICATE_H

#include <stdbool.h>
#include <time.h>

#include "sieve.h"
#include "state.h"

struct duplicate_ctx {
	struct state *st;
	time_t now;
};

/* The sieve_callbacks.duplicate_check hook: seen and not expired? */
bool duplicate_check(void *ctx, const char *handle, const char *id);
/* Record every duplicate mark of res.  0, or -1 when one failed. */
int duplicate_commit(struct state *st, const struct sieve_result *res,
		     time_t now);

#endif
