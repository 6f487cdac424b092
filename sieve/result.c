/*
 * result.c: the action list of one run (RFC 5228 2.10): duplicate
 * suppression (a mailbox is filed into once, fileinto "INBOX" merges
 * with keep, redirects to one address collapse; the last flag list
 * wins), the conflict rules of the extensions (reject/ereject: at most
 * one, never with vacation nor with actions that deliver, RFC 5429 2.1;
 * one vacation, RFC 5230 4.7), the action/redirect/notify limits, and
 * the implicit keep.  On any run-time error the list becomes the
 * implicit keep alone.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sieve-private.h"

struct sieve_dupmark {
	const char *handle, *id;
	unsigned long seconds;
};

struct sieve_result {
	struct sv_arena *arena;
	struct sieve_action *acts;
	size_t n, cap;
	bool keep_cancelled, keep_done, failed;
	unsigned nredirects, nnotify;
	bool vacation_suppressed;	/* a vacation ran but will not reply */
	struct sv_str errors, trace;
	struct sieve_dupmark *dups;
	size_t ndups, capdups;
};

struct sieve_result *sieve_result_new(void)
{
	struct sieve_result *res = sv_calloc(1, sizeof(*res));
	res->arena = sv_arena_new();
	return res;
}

struct sv_arena *sieve_result_arena(struct sieve_result *res)
{
	return res->arena;
}

void sieve_result_error(struct sieve_result *res, const char *line)
{
	sv_str_adds(&res->errors, line);
	sv_str_addc(&res->errors, '\n');
}

void sieve_result_trace_line(struct sieve_result *res, const char *line)
{
	sv_str_adds(&res->trace, line);
	sv_str_addc(&res->trace, '\n');
}

bool sieve_result_failed(const struct sieve_result *res)
{
	return res->failed;
}

bool sieve_result_keep_cancelled(const struct sieve_result *res)
{
	return res->keep_cancelled;
}

static const char *const act_names[] = {
	"keep", "fileinto", "redirect", "discard", "reject", "ereject",
	"vacation", "notify",
};

static bool is_reject(const struct sieve_action *a)
{
	return a->type == SIEVE_ACT_REJECT || a->type == SIEVE_ACT_EREJECT;
}

static bool delivers(const struct sieve_action *a)
{
	return a->type == SIEVE_ACT_KEEP || a->type == SIEVE_ACT_FILEINTO ||
		a->type == SIEVE_ACT_REDIRECT;
}

static bool is_inbox(const struct sieve_action *a)
{
	return a->type == SIEVE_ACT_KEEP ||
		(a->type == SIEVE_ACT_FILEINTO &&
		 strcasecmp(a->mailbox, "INBOX") == 0);
}

/* Conflicts: reject vs delivering actions and vacation; duplicates of
 * once-only actions.  -1 after reporting. */
static int check_conflicts(struct sieve_run *run, const struct sv_node *node,
			   const struct sieve_action *a)
{
	struct sieve_result *res = run->result;
	if (res->vacation_suppressed && a->type == SIEVE_ACT_VACATION)
		return sieve_runtime_error(run, node, "duplicate "
			"vacation action not allowed");
	if (res->vacation_suppressed && is_reject(a))
		return sieve_runtime_error(run, node, "%s action conflicts "
			"with other action: the vacation action also sends a "
			"response to the sender", act_names[a->type]);
	for (size_t i = 0; i < res->n; i++) {
		const struct sieve_action *o = &res->acts[i];
		if (is_reject(a) && is_reject(o))
			return sieve_runtime_error(run, node, "duplicate "
				"reject/ereject action not allowed");
		if (a->type == SIEVE_ACT_VACATION &&
		    o->type == SIEVE_ACT_VACATION)
			return sieve_runtime_error(run, node, "duplicate "
				"vacation action not allowed");
		const struct sieve_action *rj = is_reject(a) ? a :
			is_reject(o) ? o : NULL;
		const struct sieve_action *other = rj == a ? o : a;
		if (rj == NULL || o->implicit)
			continue;
		if (delivers(other) || other->type == SIEVE_ACT_VACATION)
			return sieve_runtime_error(run, node, "%s action "
				"conflicts with other action: the %s action %s",
				act_names[rj->type], act_names[other->type],
				other->type == SIEVE_ACT_VACATION ?
				"also sends a response to the sender" :
				"tries to deliver the message");
	}
	return 0;
}

/* Merge with an earlier equivalent action; true when merged. */
static bool merge_duplicate(struct sieve_result *res,
			    const struct sieve_action *a)
{
	for (size_t i = 0; i < res->n; i++) {
		struct sieve_action *o = &res->acts[i];
		bool same = false;
		if (is_inbox(a) && is_inbox(o))
			same = true;
		else if (a->type == SIEVE_ACT_FILEINTO &&
			 o->type == SIEVE_ACT_FILEINTO)
			same = strcmp(a->mailbox, o->mailbox) == 0;
		else if (a->type == SIEVE_ACT_REDIRECT &&
			 o->type == SIEVE_ACT_REDIRECT)
			same = strcasecmp(a->address, o->address) == 0;
		else if (a->type == SIEVE_ACT_DISCARD &&
			 o->type == SIEVE_ACT_DISCARD)
			same = true;
		if (!same)
			continue;
		if (a->type == SIEVE_ACT_FILEINTO || a->type == SIEVE_ACT_KEEP) {
			o->flags = a->flags;	/* the last flag list wins */
			o->nflags = a->nflags;
			o->create = o->create || a->create;
		}
		o->copy = o->copy && a->copy;
		return true;
	}
	return false;
}

static int check_limits(struct sieve_run *run, const struct sv_node *node,
			const struct sieve_action *a)
{
	struct sieve_result *res = run->result;
	const struct sieve_config *cfg = run->cfg;
	if (a->type == SIEVE_ACT_REDIRECT &&
	    ++res->nredirects > cfg->max_redirects)
		return sieve_runtime_error(run, node, "number of redirect "
			"actions exceeds policy limit (%u)",
			cfg->max_redirects);
	if (a->type == SIEVE_ACT_NOTIFY && ++res->nnotify > cfg->max_notify)
		return sieve_runtime_error(run, node, "total number of "
			"notify actions exceeds policy limit (%u)",
			cfg->max_notify);
	if (res->n + 1 > cfg->max_actions)
		return sieve_runtime_error(run, node, "total number of actions "
			"exceeds policy limit (%u)", cfg->max_actions);
	return 0;
}

static void append(struct sieve_result *res, const struct sieve_action *a)
{
	if (res->n == res->cap) {
		res->cap = res->cap ? res->cap * 2 : 8;
		res->acts = sv_realloc(res->acts, res->cap * sizeof(*res->acts));
	}
	res->acts[res->n++] = *a;
}

int sieve_result_add(struct sieve_run *run, const struct sv_node *node,
		     const struct sieve_action *act)
{
	struct sieve_result *res = run->result;
	struct sieve_action a = *act;
	a.line = node ? node->line : 0;
	if (check_conflicts(run, node, &a) < 0)
		return -1;
	bool cancels = a.type == SIEVE_ACT_DISCARD || is_reject(&a) ||
		((a.type == SIEVE_ACT_FILEINTO ||
		  a.type == SIEVE_ACT_REDIRECT) && !a.copy);
	if (cancels)
		res->keep_cancelled = true;
	if (is_inbox(&a))
		res->keep_done = true;
	if (merge_duplicate(res, &a))
		return 0;
	if (check_limits(run, node, &a) < 0)
		return -1;
	append(res, &a);
	return 0;
}

int sieve_result_add_suppressed_vacation(struct sieve_run *run,
					 const struct sv_node *node)
{
	struct sieve_action a = { .type = SIEVE_ACT_VACATION };
	if (check_conflicts(run, node, &a) < 0)
		return -1;
	run->result->vacation_suppressed = true;
	return 0;
}

void sieve_result_add_duplicate(struct sieve_run *run, const char *handle,
				const char *id, unsigned long seconds)
{
	struct sieve_result *res = run->result;
	if (res->ndups == res->capdups) {
		res->capdups = res->capdups ? res->capdups * 2 : 4;
		res->dups = sv_realloc(res->dups,
				       res->capdups * sizeof(*res->dups));
	}
	struct sieve_dupmark *d = &res->dups[res->ndups++];
	d->handle = sv_arena_strdup(res->arena, handle ? handle : "");
	d->id = sv_arena_strdup(res->arena, id);
	d->seconds = seconds;
}

void sieve_result_reset(struct sieve_result *res)
{
	res->n = 0;
	res->ndups = 0;
	res->keep_cancelled = res->keep_done = false;
	res->vacation_suppressed = false;
	res->nredirects = res->nnotify = 0;
}

void sieve_result_finish(struct sieve_run *run, bool failed,
			 const char *const *keep_flags, size_t nkeep_flags)
{
	struct sieve_result *res = run->result;
	struct sieve_action keep = { .type = SIEVE_ACT_KEEP, .implicit = true };
	if (failed) {
		res->failed = true;
		res->n = 0;
		res->ndups = 0;
		append(res, &keep);
		return;
	}
	if (res->keep_cancelled || res->keep_done)
		return;
	keep.flags = keep_flags;
	keep.nflags = nkeep_flags;
	append(res, &keep);
}

/* ---- public accessors ------------------------------------------------- */

size_t sieve_result_count(const struct sieve_result *res)
{
	return res->n;
}

const struct sieve_action *sieve_result_action(const struct sieve_result *res,
					       size_t i)
{
	return i < res->n ? &res->acts[i] : NULL;
}

const char *sieve_result_errors(const struct sieve_result *res)
{
	return res->errors.s ? res->errors.s : "";
}

const char *sieve_result_trace(const struct sieve_result *res)
{
	return res->trace.s ? res->trace.s : "";
}

size_t sieve_result_duplicate_count(const struct sieve_result *res)
{
	return res->ndups;
}

void sieve_result_duplicate(const struct sieve_result *res, size_t i,
			    const char **handle_r, const char **id_r,
			    unsigned long *seconds_r)
{
	*handle_r = res->dups[i].handle;
	*id_r = res->dups[i].id;
	*seconds_r = res->dups[i].seconds;
}

void sieve_result_free(struct sieve_result **resp)
{
	struct sieve_result *res = *resp;
	if (res == NULL)
		return;
	free(res->acts);
	free(res->dups);
	sv_str_free(&res->errors);
	sv_str_free(&res->trace);
	sv_arena_free(&res->arena);
	free(res);
	*resp = NULL;
}
