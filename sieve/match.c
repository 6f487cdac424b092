/*
 * match.c: matching a list of values against a test's key list (RFC 5228
 * 2.7): every value against every key until one matches, with the
 * comparator and match type chosen at validation; :count (RFC 5231)
 * compares the number of values instead.  A successful :matches/:regex
 * sets the match variables (RFC 5229 3.2) unless the caller forbids it.
 */
#include <stdio.h>
#include <string.h>

#include "sieve-private.h"

static const char *const relops[] = { "gt", "ge", "lt", "le", "eq", "ne" };

bool sieve_relop_valid(const char *op)
{
	for (size_t i = 0; i < 6; i++)
		if (strcasecmp(op, relops[i]) == 0)
			return true;
	return false;
}

bool sieve_relop_holds(const char *op, int cmp)
{
	if (strcasecmp(op, "gt") == 0) return cmp > 0;
	if (strcasecmp(op, "ge") == 0) return cmp >= 0;
	if (strcasecmp(op, "lt") == 0) return cmp < 0;
	if (strcasecmp(op, "le") == 0) return cmp <= 0;
	if (strcasecmp(op, "eq") == 0) return cmp == 0;
	return cmp != 0;
}

static int match_count(struct sieve_run *run, const struct sv_match *m,
		       size_t n, const char *const *keys, const size_t *klens,
		       size_t nkeys)
{
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%zu", n);
	(void)run;
	for (size_t k = 0; k < nkeys; k++)
		if (sieve_relop_holds(m->relop, m->cmp->compare(buf,
			(size_t)len, keys[k], klens[k])))
			return 1;
	return 0;
}

static int match_keys(struct sieve_run *run, const struct sv_node *node,
		      const struct sv_match *m, const char *const *values,
		      const size_t *lens, size_t n, const char **keys,
		      const size_t *klens, size_t nkeys, bool no_vars)
{
	if (m->type->count)
		return match_count(run, m, n, keys, klens, nkeys);
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < nkeys; k++) {
			if (sieve_run_check_time(run, node) < 0)
				return -1;
			run->ncap = 0;
			run->cap_set = false;
			int r = m->type->match(run, m, values[i], lens[i],
					       keys[k], klens[k], k);
			if (r < 0)
				return -1;
			if (r == 0)
				continue;
			if (run->cap_set && !no_vars)
				sieve_match_vars_set(run,
					(const char *const *)run->cap_vals,
					run->cap_lens, run->ncap);
			return 1;
		}
	}
	return 0;
}

int sieve_match_ex(struct sieve_run *run, const struct sv_node *node,
		   const struct sv_match *m, const char *const *values,
		   const size_t *lens, size_t n, bool no_vars)
{
	const char **keys;
	size_t *klens;
	size_t nkeys = sieve_run_strlist(run, m->keys, &keys, &klens);
	return match_keys(run, node, m, values, lens, n, keys, klens, nkeys,
			  no_vars);
}

int sieve_match_keys(struct sieve_run *run, const struct sv_node *node,
		     const struct sv_match *m, const char *const *values,
		     const size_t *lens, size_t n, const char **keys,
		     const size_t *klens, size_t nkeys, bool no_vars)
{
	struct sv_match own = *m;
	own.compiled = NULL;	/* per-key data belongs to the script's keys */
	return match_keys(run, node, &own, values, lens, n, keys, klens,
			  nkeys, no_vars);
}

int sieve_match(struct sieve_run *run, const struct sv_node *node,
		const char *const *values, const size_t *lens, size_t n)
{
	return sieve_match_ex(run, node, node->match, values, lens, n, false);
}

size_t sieve_index_filter(const struct sv_node *node, const char **values,
			  size_t *lens, size_t n)
{
	const struct sv_arg *idx = sieve_node_tag_param(node, "index");
	if (idx == NULL)
		return n;
	unsigned long long i = idx->number;
	if (i == 0 || i > n)
		return 0;
	size_t at = sieve_node_tag(node, "last") ? n - i : i - 1;
	values[0] = values[at];
	lens[0] = lens[at];
	return 1;
}
