/*
 * duplicate.c: RFC 7352 tracking for the engine's duplicate test: the
 * check hook reads the state store, the commit writes the run's marks
 * after a successful delivery (so a failed delivery, retried by the MTA,
 * is not mistaken for a duplicate of itself).
 */
#include <stdlib.h>

#include "duplicate.h"
#include "util.h"

static char *duplicate_key(const char *handle, const char *id)
{
	return xasprintf("%s\n%s", handle ? handle : "", id);
}

bool duplicate_check(void *ctx, const char *handle, const char *id)
{
	struct duplicate_ctx *dc = ctx;
	char *key = duplicate_key(handle, id);
	bool seen = state_seen(dc->st, "duplicate", key, dc->now);

	free(key);
	return seen;
}

int duplicate_commit(struct state *st, const struct sieve_result *res,
		     time_t now)
{
	int rc = 0;

	for (size_t i = 0; i < sieve_result_duplicate_count(res); i++) {
		const char *handle, *id;
		unsigned long seconds;
		sieve_result_duplicate(res, i, &handle, &id, &seconds);
		char *key = duplicate_key(handle, id);
		if (state_mark(st, "duplicate", key, now, seconds) != 0)
			rc = -1;
		free(key);
	}
	return rc;
}
