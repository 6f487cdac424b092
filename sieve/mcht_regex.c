/*
 * mcht_regex.c: the :regex match type (draft-ietf-sieve-regex) with
 * PCRE2, a superset of POSIX ERE: patterns are UTF-8 (PCRE2_UTF),
 * caseless under i;ascii-casemap, exact under i;octet.  Constant
 * patterns are compiled once at compile time (a bad one is a compile
 * error) and JIT-compiled when available; patterns built from variables
 * are compiled per match (a bad one is reported and never matches).  Match, depth
 * and heap limits turn catastrophic backtracking into a run-time error.
 * Groups 0..9 become the match variables.  Also :quoteregex (set).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <string.h>

#include "sieve-private.h"

static uint32_t regex_options(const struct sv_match *m)
{
	uint32_t opt = PCRE2_UTF;
#ifdef PCRE2_MATCH_INVALID_UTF
	opt |= PCRE2_MATCH_INVALID_UTF;
#endif
	if (m->cmp == &sieve_cmp_ascii_casemap)
		opt |= PCRE2_CASELESS;
	return opt;
}

static pcre2_code *regex_compile(const struct sv_match *m, const char *pat,
				 size_t len, char *err, size_t errlen)
{
	int code;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, len, regex_options(m),
				       &code, &off, NULL);
	if (re == NULL) {
		pcre2_get_error_message(code, (PCRE2_UCHAR *)err, errlen);
		return NULL;
	}
	pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	return re;
}

static void regex_free(void *p)
{
	pcre2_code_free(p);
}

static int regex_validate(struct sieve_validator *v, struct sv_node *node,
			  struct sv_match *m)
{
	const struct sv_arg *keys = m->keys;
	(void)node;
	m->compiled = sv_arena_alloc(sieve_validator_arena(v),
				     (keys->n + 1) * sizeof(void *));
	for (size_t i = 0; i < keys->n; i++) {
		char err[256];
		if (keys->list[i].vars)
			continue;
		pcre2_code *re = regex_compile(m, keys->list[i].s,
					       keys->list[i].len, err,
					       sizeof(err));
		if (re == NULL) {
			sieve_arg_error(v, keys, "invalid regular expression "
					"'%s' for regex match: %s",
					keys->list[i].s, err);
			return -1;
		}
		m->compiled[i] = re;
		sieve_validator_on_free(v, regex_free, re);
	}
	return 0;
}

static int regex_error(struct sieve_run *run, const struct sv_match *m,
		       int rc)
{
	char err[256];
	struct sv_node at = { .line = m->line, .col = m->col };
	pcre2_get_error_message(rc, (PCRE2_UCHAR *)err, sizeof(err));
	return sieve_runtime_error(run, &at, "regex match failed: %s", err);
}

static int regex_error_text(struct sieve_run *run, const struct sv_match *m,
			    const char *key, const char *err)
{
	struct sv_node at = { .line = m->line, .col = m->col };
	/* not fatal, as in Pigeonhole: the key just never matches */
	sieve_runtime_note(run, &at, "invalid regular expression '%s' for "
			   "regex match: %s", key, err);
	return 0;
}

static void set_captures(struct sieve_run *run, pcre2_match_data *md,
			 const char *val, int rc)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
	size_t n = rc > SIEVE_MATCH_VARS ? SIEVE_MATCH_VARS : (size_t)rc;
	for (size_t i = 0; i < n; i++) {
		bool unset = ov[2 * i] == PCRE2_UNSET;
		run->cap_vals[i] = unset ? "" : val + ov[2 * i];
		run->cap_lens[i] = unset ? 0 : ov[2 * i + 1] - ov[2 * i];
	}
	run->ncap = n;
	run->cap_set = true;
}

static int run_regex(struct sieve_run *run, const struct sv_match *m,
		     pcre2_code *re, const char *val,
		     size_t vlen)
{
	pcre2_match_context *mc = pcre2_match_context_create(NULL);
	pcre2_set_match_limit(mc, SIEVE_REGEX_MATCH_LIMIT);
	pcre2_set_depth_limit(mc, SIEVE_REGEX_DEPTH_LIMIT);
	pcre2_set_heap_limit(mc, SIEVE_REGEX_HEAP_KB);
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
	int rc = pcre2_match(re, (PCRE2_SPTR)val, vlen, 0, 0, md, mc);
	int r;
	if (rc >= 0) {
		set_captures(run, md, val, rc == 0 ?
			     (int)pcre2_get_ovector_count(md) : rc);
		r = 1;
	} else if (rc == PCRE2_ERROR_NOMATCH) {
		r = 0;
	} else {
		r = regex_error(run, m, rc);
	}
	pcre2_match_data_free(md);
	pcre2_match_context_free(mc);
	return r;
}

static int regex_match(struct sieve_run *run, const struct sv_match *m,
		       const char *val, size_t vlen, const char *key,
		       size_t klen, size_t ki)
{
	pcre2_code *re = m->compiled ? m->compiled[ki] : NULL;
	if (re != NULL)
		return run_regex(run, m, re, val, vlen);
	char err[256];
	re = regex_compile(m, key, klen, err, sizeof(err));
	if (re == NULL)
		return regex_error_text(run, m, key, err);
	int r = run_regex(run, m, re, val, vlen);
	pcre2_code_free(re);
	return r;
}

const struct sieve_match_def sieve_mcht_regex = {
	.name = "regex",
	.substring = true,
	.validate = regex_validate,
	.match = regex_match,
};

/* :quoteregex (set modifier, precedence 20): backslash the ERE/PCRE
 * metacharacters. */
static char *mod_quoteregex(struct sieve_run *run, const char *in, size_t len,
			    size_t *len_r)
{
	char *out = sv_arena_alloc(run->arena, 2 * len + 1);
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		if (strchr("\\^$.[]|()?*+{}", in[i]) != NULL && in[i])
			out[n++] = '\\';
		out[n++] = in[i];
	}
	*len_r = n;
	return out;
}

static const struct sieve_modifier_def m_quoteregex = {
	"quoteregex", 20, mod_quoteregex
};

static const struct sieve_modifier_def *const regex_modifiers[] = {
	&m_quoteregex, NULL
};

static const struct sieve_match_def *const regex_matches[] = {
	&sieve_mcht_regex, NULL
};

const struct sieve_extension_def sieve_ext_regex = {
	.name = "regex",
	.matches = regex_matches,
	.modifiers = regex_modifiers,
};
