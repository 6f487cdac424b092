/*
 * tst_exists.c: the exists test (RFC 5228 5.5): true when every named
 * header field is present (an empty value counts).
 */
#include "sieve-private.h"

static int exists_execute(struct sieve_run *run, const struct sv_node *node)
{
	const char **names;
	size_t n = sieve_run_strlist(run, sieve_node_arg(node, 0), &names,
				     NULL);
	for (size_t i = 0; i < n; i++) {
		const char *const *v;
		if (sieve_message_headers_raw(run->msg, names[i], &v) == 0)
			return 0;
	}
	return 1;
}

const struct sieve_command_def sieve_tst_exists = {
	.name = "exists", .kind = SIEVE_TEST, .pos = { SV_A_STRLIST },
	.execute = exists_execute,
};
