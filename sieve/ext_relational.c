/*
 * ext_relational.c: the relational extension (RFC 5231): the match
 * types :value "<op>" (each value compared with each key by the
 * comparator's ordering) and :count "<op>" (the number of values
 * compared with each key; counting itself is in match.c).  Operators:
 * gt ge lt le eq ne, checked at compile time.
 */
#include "sieve-private.h"

static int value_match(struct sieve_run *run, const struct sv_match *m,
		       const char *val, size_t vlen, const char *key,
		       size_t klen, size_t ki)
{
	(void)run, (void)ki;
	return sieve_relop_holds(m->relop,
				 m->cmp->compare(val, vlen, key, klen));
}

const struct sieve_match_def sieve_mcht_value = {
	.name = "value",
	.param = SV_A_STRING,
	.match = value_match,
};

const struct sieve_match_def sieve_mcht_count = {
	.name = "count",
	.param = SV_A_STRING,
	.count = true,
};

static const struct sieve_match_def *const rel_matches[] = {
	&sieve_mcht_value, &sieve_mcht_count, NULL
};

const struct sieve_extension_def sieve_ext_relational = {
	.name = "relational",
	.matches = rel_matches,
};
