/*
 * state.h: per-user tracking for vacation (RFC 5230 "one reply per sender
 * per handle per period") and duplicate (RFC 7352).  One file per user
 * (mail location's siren-state.db), locked for concurrent deliveries,
 * fsynced, surviving restarts.
 */
#ifndef SIREN_STATE_H
#define SIREN_STATE_H

#include <stdbool.h>
#include <time.h>

struct state;

/* Open (creating) the store at path.  NULL with *error_r (caller frees)
 * on failure: callers treat that as a temporary failure. */
struct state *state_open(const char *path, char **error_r);
void state_close(struct state **st);

/* Is key (e.g. "vacation" + handle + sender, or "duplicate" + handle +
 * id) recorded and not expired at now? */
bool state_seen(struct state *st, const char *kind, const char *key,
		time_t now);
/* Record key until now + seconds (replacing an older entry).  Returns 0,
 * or -1 on I/O failure. */
int state_mark(struct state *st, const char *kind, const char *key,
	       time_t now, unsigned long seconds);
/* Atomically: if not seen, mark and return true; else return false. */
bool state_check_and_mark(struct state *st, const char *kind,
			  const char *key, time_t now, unsigned long seconds);

#endif
