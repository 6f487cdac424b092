/*
 * ext_body.c: the body extension (RFC 5173): body [COMPARATOR]
 * [MATCH-TYPE] [:raw / :content <types> / :text] <keys>.  The message
 * layer (mime.c) hands over the parts; each part is one value, so a match
 * never spans two parts.  Default transform is :text (RFC 5173 5).
 * :matches and :regex do not set match variables here: RFC 5173 section 6
 * leaves them unset for body, and Pigeonhole's suite checks it.
 */
#include <string.h>

#include "sieve-private.h"

static const struct sieve_tag_def body_tags[] = {
	{ "raw", SV_A_NONE, "transform" },
	{ "content", SV_A_STRLIST, "transform" },
	{ "text", SV_A_NONE, "transform" },
	{ NULL, SV_A_NONE, NULL },
};

static int body_execute(struct sieve_run *run, const struct sv_node *node)
{
	enum sieve_body_transform tr = SIEVE_BODY_TEXT;
	const char **types = NULL;
	size_t ntypes = 0;
	const struct sieve_body_part *parts;

	if (sieve_node_tag(node, "raw")) {
		tr = SIEVE_BODY_RAW;
	} else if (sieve_node_tag(node, "content")) {
		tr = SIEVE_BODY_CONTENT;
		ntypes = sieve_run_strlist(run,
					   sieve_node_tag_param(node, "content"),
					   &types, NULL);
	}
	size_t n = sieve_message_body(run->msg, tr, types, ntypes, &parts);
	const char **vals = sv_arena_alloc(run->arena, (n + 1) * sizeof(*vals));
	size_t *lens = sv_arena_alloc(run->arena, (n + 1) * sizeof(*lens));
	for (size_t i = 0; i < n; i++)
		vals[i] = parts[i].data, lens[i] = parts[i].len;
	return sieve_match_ex(run, node, node->match, vals, lens, n, true);
}

static const struct sieve_command_def sieve_tst_body = {
	.name = "body", .kind = SIEVE_TEST, .flags = SV_F_MATCH,
	.pos = { SV_A_STRLIST }, .tags = body_tags, .execute = body_execute,
};

static const struct sieve_command_def *const body_cmds[] = {
	&sieve_tst_body, NULL
};

const struct sieve_extension_def sieve_ext_body = {
	.name = "body",
	.commands = body_cmds,
};
