/*
 * mcht_contains.c: the :contains match type (RFC 5228 2.7.1): the key is
 * a substring of the value under the comparator's character equality.
 * The empty key is contained in every value.
 */
#include "sieve-private.h"

static int contains_match(struct sieve_run *run, const struct sv_match *m,
			  const char *val, size_t vlen, const char *key,
			  size_t klen, size_t ki)
{
	(void)run, (void)ki;
	if (klen > vlen)
		return 0;
	for (size_t i = 0; i + klen <= vlen; i++) {
		size_t j = 0;
		while (j < klen && m->cmp->char_eq((unsigned char)val[i + j],
						   (unsigned char)key[j]))
			j++;
		if (j == klen)
			return 1;
	}
	return 0;
}

const struct sieve_match_def sieve_mcht_contains = {
	.name = "contains",
	.substring = true,
	.match = contains_match,
};
