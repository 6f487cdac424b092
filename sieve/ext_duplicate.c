/*
 * ext_duplicate.c: the duplicate test (RFC 7352).  The ID is :uniqueid,
 * the first :header field, or the first Message-ID (unfolded, trimmed);
 * no such field: false.  The caller's duplicate_check hook answers
 * "seen within its period?" (NULL hook: never, as in Pigeonhole's test
 * harness).  Marks go to the result and are recorded by the delivery side
 * only once delivery succeeded (3: "only if the script completes").
 * Each (handle, id) is asked once per run, so every duplicate test of a
 * run sees the same state (3); :last marks again on a hit to restart the
 * period from this message (3.4); :seconds 0 is always false.
 */
#include <string.h>

#include "sieve-private.h"

struct dup_seen {
	const char *handle, *id;
	bool dup, marked;
	struct dup_seen *next;
};

/* The ID to track, or NULL when the message has none. */
static const char *dup_id(struct sieve_run *run, const struct sv_node *node)
{
	const struct sv_arg *a = sieve_node_tag_param(node, "uniqueid");
	const char *const *v;
	const char *name = "message-id";

	if (a != NULL)
		return sieve_run_string(run, a, NULL);
	if ((a = sieve_node_tag_param(node, "header")) != NULL)
		name = sieve_run_string(run, a, NULL);
	if (sieve_message_headers_raw(run->msg, name, &v) == 0)
		return NULL;
	return v[0];	/* raw values come unfolded and trimmed */
}

static unsigned long dup_seconds(struct sieve_run *run,
				 const struct sv_node *node)
{
	const struct sv_arg *a = sieve_node_tag_param(node, "seconds");
	unsigned long max = run->cfg->duplicate_max_seconds;

	if (a == NULL)
		return run->cfg->duplicate_default_seconds;
	if (max > 0 && a->number > max)
		return max;
	return (unsigned long)a->number;
}

static struct dup_seen *dup_lookup(struct sieve_run *run, const char *handle,
				   const char *id)
{
	struct dup_seen **head = (struct dup_seen **)sieve_run_context(
		run, &sieve_ext_duplicate);
	const struct sieve_callbacks *cb = run->cb;

	for (struct dup_seen *s = *head; s; s = s->next)
		if (strcmp(s->handle, handle) == 0 && strcmp(s->id, id) == 0)
			return s;
	struct dup_seen *s = sv_arena_alloc(run->arena, sizeof(*s));
	s->handle = sv_arena_strdup(run->arena, handle);
	s->id = sv_arena_strdup(run->arena, id);
	s->dup = cb->duplicate_check != NULL &&
		 cb->duplicate_check(cb->ctx, handle, id);
	s->next = *head;
	*head = s;
	return s;
}

static int duplicate_execute(struct sieve_run *run, const struct sv_node *node)
{
	const struct sv_arg *h = sieve_node_tag_param(node, "handle");
	const char *handle = h ? sieve_run_string(run, h, NULL) : "";
	const char *id = dup_id(run, node);
	unsigned long seconds = dup_seconds(run, node);
	bool last = sieve_node_tag(node, "last");

	if (id == NULL || seconds == 0)
		return 0;
	struct dup_seen *s = dup_lookup(run, handle, id);
	/* 3.4: a hit keeps the first expiry unless :last restarts it */
	if (!s->marked && (!s->dup || last)) {
		sieve_result_add_duplicate(run, handle, id, seconds);
		s->marked = true;
	}
	sieve_run_trace(run, "line %u: duplicate :handle \"%s\" id \"%s\": %s",
			node->line, handle, id, s->dup ? "seen" : "new");
	return s->dup ? 1 : 0;
}

static const struct sieve_tag_def duplicate_tags[] = {
	{ "handle", SV_A_STRING, NULL },
	{ "header", SV_A_STRING, "id" },
	{ "uniqueid", SV_A_STRING, "id" },
	{ "seconds", SV_A_NUMBER, NULL },
	{ "last", SV_A_NONE, NULL },
	{ NULL, SV_A_NONE, NULL },
};

static const struct sieve_command_def tst_duplicate = {
	.name = "duplicate", .kind = SIEVE_TEST, .tags = duplicate_tags,
	.execute = duplicate_execute,
};

static const struct sieve_command_def *const duplicate_cmds[] = {
	&tst_duplicate, NULL
};

const struct sieve_extension_def sieve_ext_duplicate = {
	.name = "duplicate",
	.commands = duplicate_cmds,
};
