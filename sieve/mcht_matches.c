/*
 * mcht_matches.c: the :matches match type (RFC 5228 2.7.1): "*" matches
 * any run, "?" one character, "\" quotes the next character.  Wildcards
 * are non-greedy (RFC 5229 3.2): the pattern is split at its stars into
 * segments; the first is anchored at the start, the last at the end and
 * each middle one is placed leftmost, which is linear per segment and
 * cannot blow up.  Every wildcard's text becomes a match variable.
 * "?" matches one UTF-8 character when the value is valid UTF-8 there.
 */
#include <string.h>

#include "sieve-private.h"

enum pat_kind { P_LIT, P_ONE, P_STAR };
struct pat_el {
	enum pat_kind kind;
	unsigned char c;
};

struct matcher {
	const struct sv_match *m;
	const char *val;
	size_t vlen;
	struct pat_el *pat;
	size_t npat;
	struct sieve_run *run;
};

static size_t compile_pattern(const char *key, size_t klen, struct pat_el *out)
{
	size_t n = 0;
	for (size_t i = 0; i < klen; i++) {
		if (key[i] == '\\' && i + 1 < klen) {
			out[n].kind = P_LIT;
			out[n++].c = (unsigned char)key[++i];
		} else if (key[i] == '*') {
			if (n == 0 || out[n - 1].kind != P_STAR ||
			    true)
				out[n++].kind = P_STAR;
		} else if (key[i] == '?') {
			out[n++].kind = P_ONE;
		} else {
			out[n].kind = P_LIT;
			out[n++].c = (unsigned char)key[i];
		}
	}
	return n;
}

static size_t utf8_len(const char *p, size_t avail)
{
	unsigned char c = (unsigned char)*p;
	size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 :
		(c >> 3) == 30 ? 4 : 1;
	if (n > avail)
		return 1;
	for (size_t i = 1; i < n; i++)
		if (((unsigned char)p[i] & 0xC0) != 0x80)
			return 1;
	return n;
}

/* Match segment pat[s..e) at val[pos]; records '?' captures; returns the
 * end position or (size_t)-1. */
static size_t seg_at(struct matcher *mt, size_t s, size_t e, size_t pos,
		     bool record)
{
	for (size_t i = s; i < e; i++) {
		if (pos >= mt->vlen)
			return (size_t)-1;
		if (mt->pat[i].kind == P_ONE) {
			size_t n = utf8_len(mt->val + pos, mt->vlen - pos);
			if (record && mt->run->ncap < SIEVE_MATCH_VARS) {
				mt->run->cap_vals[mt->run->ncap] = mt->val + pos;
				mt->run->cap_lens[mt->run->ncap++] = n;
			}
			pos += n;
		} else if (!mt->m->cmp->char_eq((unsigned char)mt->val[pos],
						 mt->pat[i].c)) {
			return (size_t)-1;
		} else {
			pos++;
		}
	}
	return pos;
}

/* minimum length a segment needs, in bytes (one per element) */
static size_t seg_min(size_t s, size_t e)
{
	return e - s;
}

static void cap_add(struct sieve_run *run, const char *p, size_t n)
{
	if (run->ncap < SIEVE_MATCH_VARS) {
		run->cap_vals[run->ncap] = p;
		run->cap_lens[run->ncap++] = n;
	}
}

/* Find the leftmost placement of segment [s,e) at or after pos. */
static size_t seg_find(struct matcher *mt, size_t s, size_t e, size_t pos,
		       size_t *end_r)
{
	for (size_t p = pos; p + seg_min(s, e) <= mt->vlen; p++) {
		size_t end = seg_at(mt, s, e, p, false);
		if (end != (size_t)-1) {
			*end_r = end;
			return p;
		}
	}
	return (size_t)-1;
}

static int run_matcher(struct matcher *mt)
{
	size_t nstars = 0, i = 0, pos;
	for (size_t k = 0; k < mt->npat; k++)
		nstars += mt->pat[k].kind == P_STAR;
	/* first segment, anchored at the start */
	while (i < mt->npat && mt->pat[i].kind != P_STAR)
		i++;
	pos = seg_at(mt, 0, i, 0, true);
	if (pos == (size_t)-1)
		return 0;
	if (nstars == 0)
		return pos == mt->vlen;
	while (i < mt->npat) {
		size_t s = ++i;	/* skip the star */
		while (i < mt->npat && mt->pat[i].kind != P_STAR)
			i++;
		if (i == mt->npat) {
			/* last segment: anchored at the end */
			size_t need = seg_min(s, i);
			if (pos + need > mt->vlen)
				return 0;
			size_t at = mt->vlen;
			/* '?' may span several bytes: try from the right */
			for (size_t p = mt->vlen - need + 1; p-- > pos;) {
				size_t save = mt->run->ncap;
				cap_add(mt->run, mt->val + pos, p - pos);
				if (seg_at(mt, s, i, p, true) == mt->vlen)
					return 1;
				mt->run->ncap = save;
				at = p;
			}
			(void)at;
			return 0;
		}
		size_t end, at = seg_find(mt, s, i, pos, &end);
		if (at == (size_t)-1)
			return 0;
		cap_add(mt->run, mt->val + pos, at - pos);
		seg_at(mt, s, i, at, true);
		pos = end;
	}
	return 1;
}

static int matches_match(struct sieve_run *run, const struct sv_match *m,
			 const char *val, size_t vlen, const char *key,
			 size_t klen, size_t ki)
{
	struct pat_el stackpat[64];
	struct pat_el *pat = klen <= 64 ? stackpat :
		sv_arena_alloc(run->arena, klen * sizeof(*pat));
	struct matcher mt = { m, val, vlen, pat, 0, run };
	(void)ki;
	mt.npat = compile_pattern(key, klen, pat);
	run->ncap = 1;		/* ${0} is the whole value */
	run->cap_vals[0] = val;
	run->cap_lens[0] = vlen;
	int r = run_matcher(&mt);
	run->cap_set = r == 1;
	return r;
}

const struct sieve_match_def sieve_mcht_matches = {
	.name = "matches",
	.substring = true,
	.match = matches_match,
};
