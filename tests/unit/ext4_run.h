/*
 * ext4_run.h: compile-and-run helper for the engine-level tests of the
 * enotify, vacation, duplicate, date and index extensions.
 */
#ifndef EXT4_RUN_H
#define EXT4_RUN_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../sieve/sieve.h"

struct ext4_out {
	bool compiled;
	char *actions;		/* sieve_action_format lines, "\n"-joined */
	char *errors;		/* compile or run-time errors, "" if none */
	size_t ndups;
	char dups[8][128];	/* "handle|id|seconds" */
};

static void ext4_out_free(struct ext4_out *o)
{
	free(o->actions);
	free(o->errors);
	memset(o, 0, sizeof(*o));
}

static char *ext4_join(char *a, const char *b)
{
	size_t la = a ? strlen(a) : 0, lb = strlen(b);
	char *r = realloc(a, la + lb + 2);

	if (r == NULL)
		abort();
	if (la)
		r[la++] = '\n';
	memcpy(r + la, b, lb + 1);
	return r;
}

/* Run script over msg; env/cb/cfg may be NULL (defaults). */
static struct ext4_out ext4_run(const char *script, const char *msg,
				const struct sieve_envelope *env,
				const struct sieve_callbacks *cb,
				const struct sieve_config *cfg_in)
{
	struct ext4_out o = { 0 };
	struct sieve_config cfg;
	char *err = NULL;

	if (cfg_in)
		cfg = *cfg_in;
	else
		sieve_config_defaults(&cfg);
	struct sieve_script *s = sieve_compile_buffer("t", script,
						      strlen(script), &cfg,
						      &err);
	if (s == NULL) {
		o.errors = err ? err : strdup("");
		return o;
	}
	free(err);
	o.compiled = true;
	struct sieve_message *m = sieve_message_new(msg, strlen(msg));
	struct sieve_result *r = sieve_execute(s, m, env, cb);
	for (size_t i = 0; i < sieve_result_count(r); i++) {
		char *line = sieve_action_format(sieve_result_action(r, i));
		o.actions = ext4_join(o.actions, line);
		free(line);
	}
	if (o.actions == NULL)
		o.actions = strdup("");
	o.errors = strdup(sieve_result_errors(r));
	o.ndups = sieve_result_duplicate_count(r);
	for (size_t i = 0; i < o.ndups && i < 8; i++) {
		const char *h, *id;
		unsigned long sec;
		sieve_result_duplicate(r, i, &h, &id, &sec);
		snprintf(o.dups[i], sizeof(o.dups[i]), "%s|%s|%lu", h, id, sec);
	}
	sieve_result_free(&r);
	sieve_message_free(&m);
	sieve_script_free(&s);
	return o;
}

#endif
