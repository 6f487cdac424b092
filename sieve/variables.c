/*
 * variables.c: run-time variable storage and ${...} substitution
 * (RFC 5229 sections 3 and 4): names are case-insensitive, references
 * that do not form a valid name stay literal, unknown variables expand
 * to "", values are truncated to max_variable_size, and ${0}..${9} are
 * the match variables of the last successful :matches/:regex.
 */
#include <ctype.h>
#include <string.h>

#include "sieve-private.h"

static bool ident_start(char c)
{
	return isalpha((unsigned char)c) || c == '_';
}

static bool ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

bool sieve_variable_name_valid(const char *name, size_t len)
{
	size_t i = 0;
	if (len == 0 || len > SIEVE_MAX_VARNAME)
		return false;
	for (;;) {
		if (i >= len || !ident_start(name[i]))
			return false;
		while (i < len && ident_char(name[i]))
			i++;
		if (i == len)
			return true;
		if (name[i] != '.')
			return false;
		i++;
	}
}

static bool num_name(const char *name, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isdigit((unsigned char)name[i]))
			return false;
	return true;
}

static struct sieve_variable *var_find(struct sieve_run *run,
				       const char *name, size_t len)
{
	for (size_t i = 0; i < run->nvars; i++)
		if (strlen(run->vars[i].name) == len &&
		    strncasecmp(run->vars[i].name, name, len) == 0)
			return &run->vars[i];
	return NULL;
}

const char *sieve_variable_get(struct sieve_run *run, const char *name,
			       size_t *len_r)
{
	size_t len = strlen(name);
	if (num_name(name, len)) {
		size_t idx = 0;
		for (size_t i = 0; i < len && idx < SIEVE_MATCH_VARS; i++)
			idx = idx * 10 + (size_t)(name[i] - '0');
		if (idx < run->nmatch && run->match_vars[idx]) {
			*len_r = run->match_lens[idx];
			return run->match_vars[idx];
		}
		*len_r = 0;
		return "";
	}
	struct sieve_variable *v = var_find(run, name, len);
	*len_r = v ? v->len : 0;
	return v ? v->value : "";
}

int sieve_variable_set(struct sieve_run *run, const struct sv_node *node,
		       const char *name, const char *value, size_t len)
{
	struct sieve_variable *v = var_find(run, name, strlen(name));
	if (v == NULL) {
		if (run->nvars >= SIEVE_MAX_VARIABLES)
			return sieve_runtime_error(run, node, "too many "
						   "variables (limit %d)",
						   SIEVE_MAX_VARIABLES);
		if (run->nvars == run->capvars) {
			size_t cap = run->capvars ? run->capvars * 2 : 16;
			struct sieve_variable *nv = sv_arena_alloc(run->arena,
				cap * sizeof(*nv));
			if (run->nvars)
				memcpy(nv, run->vars,
				       run->nvars * sizeof(*nv));
			run->vars = nv;
			run->capvars = cap;
		}
		v = &run->vars[run->nvars++];
		v->name = sv_arena_strdup(run->arena, name);
	}
	if (len > run->cfg->max_variable_size)
		len = run->cfg->max_variable_size;
	v->value = sv_arena_strndup(run->arena, value, len);
	v->len = len;
	return 0;
}

void sieve_match_vars_set(struct sieve_run *run, const char *const *vals,
			  const size_t *lens, size_t n)
{
	if (n > SIEVE_MATCH_VARS)
		n = SIEVE_MATCH_VARS;
	for (size_t i = 0; i < n; i++) {
		size_t len = lens[i];
		if (len > run->cfg->max_variable_size)
			len = run->cfg->max_variable_size;
		run->match_vars[i] = sv_arena_strndup(run->arena, vals[i], len);
		run->match_lens[i] = len;
	}
	for (size_t i = n; i < SIEVE_MATCH_VARS; i++)
		run->match_vars[i] = NULL;
	run->nmatch = n;
}

/* Length of the reference "${name}" at p (p[0..1] == "${"), or 0. */
static size_t ref_len(const char *p, const char *end, size_t *nlen_r)
{
	const char *q = p + 2;
	while (q < end && *q != '}' && q - p < SIEVE_MAX_VARNAME + 3)
		q++;
	if (q >= end || *q != '}')
		return 0;
	size_t nlen = (size_t)(q - p - 2);
	if (!num_name(p + 2, nlen) && !sieve_variable_name_valid(p + 2, nlen))
		return 0;
	*nlen_r = nlen;
	return nlen + 3;
}

char *sieve_expand(struct sieve_run *run, const struct sv_string *s,
		   size_t *len_r)
{
	if (!s->vars) {
		*len_r = s->len;
		return (char *)s->s;
	}
	struct sv_str b = { 0 };
	const char *p = s->s, *end = s->s + s->len;
	while (p < end) {
		size_t nlen, rl;
		if (p + 1 < end && p[0] == '$' && p[1] == '{' &&
		    (rl = ref_len(p, end, &nlen)) > 0) {
			char name[SIEVE_MAX_VARNAME + 1];
			size_t vlen;
			memcpy(name, p + 2, nlen);
			name[nlen] = '\0';
			const char *val = sieve_variable_get(run, name, &vlen);
			sv_str_add(&b, val, vlen);
			p += rl;
		} else {
			sv_str_addc(&b, *p++);
		}
	}
	*len_r = b.len;
	char *out = sv_arena_strndup(run->arena, b.s ? b.s : "", b.len);
	sv_str_free(&b);
	return out;
}
