/*
 * tst_logic.c: the tests true, false, not, allof and anyof (RFC 5228
 * 5.2, 5.3, 5.8-5.10).  allof/anyof short-circuit left to right, which
 * RFC 5229 3.2 requires for match variables.
 */
#include "sieve-private.h"

static int true_execute(struct sieve_run *run, const struct sv_node *node)
{
	(void)run, (void)node;
	return 1;
}

static int false_execute(struct sieve_run *run, const struct sv_node *node)
{
	(void)run, (void)node;
	return 0;
}

static int not_execute(struct sieve_run *run, const struct sv_node *node)
{
	int r = sieve_run_test(run, node->tests[0]);
	return r < 0 ? r : !r;
}

static int allof_execute(struct sieve_run *run, const struct sv_node *node)
{
	for (size_t i = 0; i < node->ntests; i++) {
		int r = sieve_run_test(run, node->tests[i]);
		if (r <= 0)
			return r;
	}
	return 1;
}

static int anyof_execute(struct sieve_run *run, const struct sv_node *node)
{
	for (size_t i = 0; i < node->ntests; i++) {
		int r = sieve_run_test(run, node->tests[i]);
		if (r != 0)
			return r;
	}
	return 0;
}

const struct sieve_command_def sieve_tst_true = {
	.name = "true", .kind = SIEVE_TEST, .execute = true_execute,
};
const struct sieve_command_def sieve_tst_false = {
	.name = "false", .kind = SIEVE_TEST, .execute = false_execute,
};
const struct sieve_command_def sieve_tst_not = {
	.name = "not", .kind = SIEVE_TEST, .flags = SV_F_TEST1,
	.execute = not_execute,
};
const struct sieve_command_def sieve_tst_allof = {
	.name = "allof", .kind = SIEVE_TEST, .flags = SV_F_TESTS,
	.execute = allof_execute,
};
const struct sieve_command_def sieve_tst_anyof = {
	.name = "anyof", .kind = SIEVE_TEST, .flags = SV_F_TESTS,
	.execute = anyof_execute,
};
