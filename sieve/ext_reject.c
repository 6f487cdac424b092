/*
 * ext_reject.c: reject and ereject (RFC 5429): refuse the message with
 * a reason.  Both cancel the implicit keep; at most one per run and
 * never together with vacation or a delivering action (result.c).  The
 * caller turns reject into an LMTP 550 5.7.1 (or an MDN) and ereject into
 * the protocol-level refusal only.
 */
#include "sieve-private.h"

static int reject_run(struct sieve_run *run, const struct sv_node *node,
		      enum sieve_action_type type)
{
	struct sieve_action act = { .type = type };
	act.reason = sieve_run_string(run, sieve_node_arg(node, 0), NULL);
	return sieve_result_add(run, node, &act);
}

static int reject_execute(struct sieve_run *run, const struct sv_node *node)
{
	return reject_run(run, node, SIEVE_ACT_REJECT);
}

static int ereject_execute(struct sieve_run *run, const struct sv_node *node)
{
	return reject_run(run, node, SIEVE_ACT_EREJECT);
}

static const struct sieve_command_def cmd_reject = {
	.name = "reject", .kind = SIEVE_CMD, .pos = { SV_A_STRING },
	.execute = reject_execute,
};

static const struct sieve_command_def cmd_ereject = {
	.name = "ereject", .kind = SIEVE_CMD, .pos = { SV_A_STRING },
	.execute = ereject_execute,
};

static const struct sieve_command_def *const reject_cmds[] = {
	&cmd_reject, NULL
};

static const struct sieve_command_def *const ereject_cmds[] = {
	&cmd_ereject, NULL
};

const struct sieve_extension_def sieve_ext_reject = {
	.name = "reject",
	.commands = reject_cmds,
};

const struct sieve_extension_def sieve_ext_ereject = {
	.name = "ereject",
	.commands = ereject_cmds,
};
