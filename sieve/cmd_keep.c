/*
 * cmd_keep.c: keep and discard (RFC 5228 4.3, 4.4).  keep takes :flags
 * when imap4flags is required (RFC 5232 5); without :flags it files with
 * the current internal flags.  discard only cancels the implicit keep.
 */
#include "sieve-private.h"

size_t sieve_imap4flags_for_action(struct sieve_run *run,
				   const struct sv_node *node,
				   const char ***flags_r);

static int keep_execute(struct sieve_run *run, const struct sv_node *node)
{
	struct sieve_action act = { .type = SIEVE_ACT_KEEP };
	const char **flags = NULL;
	act.nflags = sieve_imap4flags_for_action(run, node, &flags);
	act.flags = flags;
	return sieve_result_add(run, node, &act);
}

const struct sieve_command_def sieve_cmd_keep = {
	.name = "keep", .kind = SIEVE_CMD, .execute = keep_execute,
};

static int discard_execute(struct sieve_run *run, const struct sv_node *node)
{
	struct sieve_action act = { .type = SIEVE_ACT_DISCARD };
	return sieve_result_add(run, node, &act);
}

const struct sieve_command_def sieve_cmd_discard = {
	.name = "discard", .kind = SIEVE_CMD, .execute = discard_execute,
};
