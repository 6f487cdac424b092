/*
 * mcht_is.c: the :is match type (RFC 5228 2.7.1): the comparator's
 * equality of the whole value and key.
 */
#include "sieve-private.h"

static int is_match(struct sieve_run *run, const struct sv_match *m,
		    const char *val, size_t vlen, const char *key, size_t klen,
		    size_t ki)
{
	(void)run, (void)ki;
	return m->cmp->compare(val, vlen, key, klen) == 0;
}

const struct sieve_match_def sieve_mcht_is = {
	.name = "is",
	.match = is_match,
};
