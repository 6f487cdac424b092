/*
 * tst_header.c: the header test (RFC 5228 5.7): values of the named
 * fields, unfolded and RFC 2047-decoded by the message index, matched
 * against the keys.  A missing field just fails (no error).  Honours
 * :index/:last from the index extension (RFC 5260 7) when present.
 */
#include <string.h>

#include "sieve-private.h"

/* Append the values of every named header to *vals. */
size_t sieve_header_values(struct sieve_run *run, const struct sv_node *node,
			   const struct sv_arg *names, const char ***vals_r,
			   size_t **lens_r)
{
	const char **names_v;
	size_t nn = sieve_run_strlist(run, names, &names_v, NULL), n = 0;
	size_t cap = 0;
	const char **vals = NULL;
	size_t *lens = NULL;

	for (size_t i = 0; i < nn; i++) {
		const char *const *hv;
		size_t hn = sieve_message_headers(run->msg, names_v[i], &hv);
		const char **tmp = sv_arena_alloc(run->arena,
						  (hn + 1) * sizeof(*tmp));
		size_t *tl = sv_arena_alloc(run->arena, (hn + 1) * sizeof(*tl));
		for (size_t j = 0; j < hn; j++)
			tmp[j] = hv[j], tl[j] = strlen(hv[j]);
		hn = sieve_index_filter(node, tmp, tl, hn);
		if (n + hn > cap) {
			cap = (n + hn) * 2;
			const char **nv = sv_arena_alloc(run->arena,
							 cap * sizeof(*nv));
			size_t *nl = sv_arena_alloc(run->arena,
						    cap * sizeof(*nl));
			if (n) {
				memcpy(nv, vals, n * sizeof(*nv));
				memcpy(nl, lens, n * sizeof(*nl));
			}
			vals = nv, lens = nl;
		}
		for (size_t j = 0; j < hn; j++)
			vals[n] = tmp[j], lens[n++] = tl[j];
	}
	*vals_r = vals;
	*lens_r = lens;
	return n;
}

static int header_execute(struct sieve_run *run, const struct sv_node *node)
{
	const char **vals;
	size_t *lens;
	size_t n = sieve_header_values(run, node, sieve_node_arg(node, 0),
				       &vals, &lens);
	return sieve_match(run, node, vals, lens, n);
}

const struct sieve_command_def sieve_tst_header = {
	.name = "header", .kind = SIEVE_TEST, .flags = SV_F_MATCH,
	.pos = { SV_A_STRLIST, SV_A_STRLIST }, .execute = header_execute,
};
