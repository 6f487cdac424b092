/*
 * cmd_control.c: the control commands (RFC 5228 section 3): require,
 * if/elsif/else and stop.  The if chain itself is run by interp.c;
 * require is resolved while validating (only at the top, before other
 * commands; an unknown capability is a compile error).
 */
#include "sieve-private.h"

static int require_validate(struct sieve_validator *v, struct sv_node *node)
{
	const struct sv_arg *caps = sieve_node_arg(node, 0);
	int r = 0;
	for (size_t i = 0; i < caps->n; i++)
		if (sieve_validator_require(v, caps->list[i].s, node) < 0)
			r = -1;
	return r;
}

const struct sieve_command_def sieve_cmd_require = {
	.name = "require", .kind = SIEVE_CMD, .flags = SV_F_REQUIRE,
	.pos = { SV_A_STRLIST }, .validate = require_validate,
};

const struct sieve_command_def sieve_cmd_if = {
	.name = "if", .kind = SIEVE_CMD,
	.flags = SV_F_IF | SV_F_TEST1 | SV_F_BLOCK,
};

const struct sieve_command_def sieve_cmd_elsif = {
	.name = "elsif", .kind = SIEVE_CMD,
	.flags = SV_F_ELSE | SV_F_TEST1 | SV_F_BLOCK,
};

const struct sieve_command_def sieve_cmd_else = {
	.name = "else", .kind = SIEVE_CMD, .flags = SV_F_ELSE | SV_F_BLOCK,
};

static int stop_execute(struct sieve_run *run, const struct sv_node *node)
{
	(void)node;
	run->stopped = true;
	return 0;
}

const struct sieve_command_def sieve_cmd_stop = {
	.name = "stop", .kind = SIEVE_CMD, .execute = stop_execute,
};
