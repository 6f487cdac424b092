/*
 * ext_ihave.c: the ihave extension (RFC 5463): the ihave test is true
 * when every named capability is available, and enables them for the
 * rest of the script; when one is missing the guarded block is parsed
 * but not validated (section 4), and never runs.  The error command
 * (section 5) ends the run with a run-time error.  The capability list
 * must be constant; variables and encoded-character cannot be
 * ihave'd (they change parsing).
 */
#include <string.h>

#include "sieve-private.h"

static int ihave_validate(struct sieve_validator *v, struct sv_node *node)
{
	const struct sv_arg *caps = sieve_node_arg(node, 0);
	bool all = true;
	if (!sieve_arg_is_constant(caps)) {
		sieve_arg_error(v, caps, "the ihave test requires a constant "
				"string list");
		return -1;
	}
	for (size_t i = 0; i < caps->n; i++) {
		const char *name = caps->list[i].s;
		const struct sieve_extension_def *e = NULL;
		for (size_t j = 0; j < v->script->nexts; j++)
			if (v->script->exts[j]->name &&
			    strcmp(v->script->exts[j]->name, name) == 0)
				e = v->script->exts[j];
		if (e == NULL || e->not_ihave) {
			all = false;
			continue;
		}
		if (sieve_validator_require(v, name, node) < 0)
			return -1;
	}
	node->data = all ? (void *)node : NULL;
	if (!all)
		v->skip_block = true;
	return 0;
}

static int ihave_execute(struct sieve_run *run, const struct sv_node *node)
{
	(void)run;
	return node->data != NULL;
}

static int error_execute(struct sieve_run *run, const struct sv_node *node)
{
	const char *msg = sieve_run_string(run, sieve_node_arg(node, 0), NULL);
	return sieve_runtime_error(run, node, "%s", msg);
}

static const struct sieve_command_def tst_ihave = {
	.name = "ihave", .kind = SIEVE_TEST, .pos = { SV_A_STRLIST },
	.validate = ihave_validate, .execute = ihave_execute,
};

static const struct sieve_command_def cmd_error = {
	.name = "error", .kind = SIEVE_CMD, .pos = { SV_A_STRING },
	.execute = error_execute,
};

static const struct sieve_command_def *const ihave_cmds[] = {
	&tst_ihave, &cmd_error, NULL
};

const struct sieve_extension_def sieve_ext_ihave = {
	.name = "ihave",
	.commands = ihave_cmds,
};
