/*
 * cmd_redirect.c: redirect (RFC 5228 4.2) with :copy (RFC 3894).  A
 * constant address is checked at compile time (any RFC 5322 mailbox
 * form, reduced to its addr-spec); one built from variables
 * is checked when it runs (a bad one is a run-time error).  Loop control
 * and the count limit are the result's business (result.c) and the
 * caller's (Received counting when it sends).
 */
#include <stdlib.h>
#include <string.h>

#include "sieve-private.h"

static int redirect_validate(struct sieve_validator *v, struct sv_node *node)
{
	const struct sv_arg *a = sieve_node_arg(node, 0);
	if (!sieve_arg_is_constant(a))
		return 0;
	char *norm = sieve_address_normalize(a->list[0].s);
	if (norm == NULL) {
		sieve_arg_error(v, a, "specified redirect address '%s' is "
				"invalid", a->list[0].s);
		return -1;
	}
	free(norm);
	return 0;
}

static int redirect_execute(struct sieve_run *run, const struct sv_node *node)
{
	struct sieve_action act = { .type = SIEVE_ACT_REDIRECT };
	const char *raw = sieve_run_string(run, sieve_node_arg(node, 0), NULL);
	char *norm = sieve_address_normalize(raw);
	if (norm == NULL)
		return sieve_runtime_error(run, node, "specified redirect "
					   "address '%s' is invalid", raw);
	act.address = sv_arena_strdup(run->arena, norm);
	free(norm);
	act.copy = sieve_node_tag(node, "copy");
	return sieve_result_add(run, node, &act);
}

const struct sieve_command_def sieve_cmd_redirect = {
	.name = "redirect", .kind = SIEVE_CMD, .pos = { SV_A_STRING },
	.validate = redirect_validate, .execute = redirect_execute,
};
