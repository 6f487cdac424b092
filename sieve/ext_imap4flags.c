/*
 * ext_imap4flags.c: placeholder until the imap4flags extension lands:
 * no flags on any action.
 */
#include "sieve-private.h"

size_t sieve_imap4flags_for_action(struct sieve_run *run,
				   const struct sv_node *node,
				   const char ***flags_r);

size_t sieve_imap4flags_for_action(struct sieve_run *run,
				   const struct sv_node *node,
				   const char ***flags_r)
{
	(void)run, (void)node;
	*flags_r = NULL;
	return 0;
}

size_t sieve_imap4flags_internal(struct sieve_run *run, const char ***flags_r)
{
	(void)run;
	*flags_r = NULL;
	return 0;
}
