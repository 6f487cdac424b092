/*
 * ext_variables.c: the variables extension (RFC 5229): the set command
 * with its modifiers (section 4.1: applied highest precedence first; two
 * of one precedence is an error) and the string test (section 5).
 * Storage and ${...} substitution live in variables.c; extensions add
 * modifiers through their `modifiers` table (enotify's :encodeurl, 15;
 * regex's :quoteregex, 20).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sieve-private.h"

/* ---- modifiers ---------------------------------------------------------- */

static char *mod_case(struct sieve_run *run, const char *in, size_t len,
		      size_t *len_r, int (*fn)(int), size_t upto)
{
	char *out = sv_arena_strndup(run->arena, in, len);
	for (size_t i = 0; i < len && i < upto; i++)
		out[i] = (char)fn((unsigned char)out[i]);
	*len_r = len;
	return out;
}

static char *mod_lower(struct sieve_run *run, const char *in, size_t len,
		       size_t *len_r)
{
	return mod_case(run, in, len, len_r, tolower, (size_t)-1);
}

static char *mod_upper(struct sieve_run *run, const char *in, size_t len,
		       size_t *len_r)
{
	return mod_case(run, in, len, len_r, toupper, (size_t)-1);
}

static char *mod_lowerfirst(struct sieve_run *run, const char *in, size_t len,
			    size_t *len_r)
{
	return mod_case(run, in, len, len_r, tolower, 1);
}

static char *mod_upperfirst(struct sieve_run *run, const char *in, size_t len,
			    size_t *len_r)
{
	return mod_case(run, in, len, len_r, toupper, 1);
}

static char *mod_quotewildcard(struct sieve_run *run, const char *in,
			       size_t len, size_t *len_r)
{
	char *out = sv_arena_alloc(run->arena, 2 * len + 1);
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		if (in[i] == '*' || in[i] == '?' || in[i] == '\\')
			out[n++] = '\\';
		out[n++] = in[i];
	}
	*len_r = n;
	return out;
}

/* length in characters: UTF-8 continuation bytes do not count */
static char *mod_length(struct sieve_run *run, const char *in, size_t len,
			size_t *len_r)
{
	size_t chars = 0;
	for (size_t i = 0; i < len; i++)
		if (((unsigned char)in[i] & 0xC0) != 0x80)
			chars++;
	char *out = sv_arena_alloc(run->arena, 32);
	*len_r = (size_t)snprintf(out, 32, "%zu", chars);
	return out;
}

static const struct sieve_modifier_def m_lower = { "lower", 40, mod_lower };
static const struct sieve_modifier_def m_upper = { "upper", 40, mod_upper };
static const struct sieve_modifier_def m_lowerfirst = {
	"lowerfirst", 30, mod_lowerfirst
};
static const struct sieve_modifier_def m_upperfirst = {
	"upperfirst", 30, mod_upperfirst
};
static const struct sieve_modifier_def m_quotewildcard = {
	"quotewildcard", 20, mod_quotewildcard
};
static const struct sieve_modifier_def m_length = { "length", 10, mod_length };

static const struct sieve_modifier_def *const var_modifiers[] = {
	&m_lower, &m_upper, &m_lowerfirst, &m_upperfirst, &m_quotewildcard,
	&m_length, NULL
};

/* ---- compile-time checks ------------------------------------------------- */

static bool all_digits(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)p[i]))
			return false;
	return n > 0;
}

/* One reference ${name} (name = p[0..n)); false after an error. */
static bool check_ref(struct sieve_validator *v, const struct sv_arg *arg,
		      const char *p, size_t n)
{
	if (all_digits(p, n)) {
		unsigned long idx = 0;
		for (size_t i = 0; i < n && idx < SIEVE_MATCH_VARS; i++)
			idx = idx * 10 + (unsigned long)(p[i] - '0');
		if (idx < SIEVE_MATCH_VARS)
			return true;
		sieve_arg_error(v, arg, "match value index %.*s out of range "
				"(max %d)", (int)n, p, SIEVE_MATCH_VARS - 1);
		return false;
	}
	const char *dot = memchr(p, '.', n);
	if (dot == NULL || !sieve_variable_name_valid(p, n))
		return true;	/* plain name, or not a reference at all */
	sieve_arg_error(v, arg, "variable reference '${%.*s}' uses the unknown "
			"namespace '%.*s'", (int)n, p, (int)(dot - p), p);
	return false;
}

bool sieve_variables_check_refs(struct sieve_validator *v,
				const struct sv_arg *arg,
				const struct sv_string *s)
{
	bool ok = true;
	const char *p = s->s, *end = s->s + s->len;
	while ((p = memmem(p, (size_t)(end - p), "${", 2)) != NULL) {
		const char *q = p + 2;
		while (q < end && q - p < 200 && (isalnum((unsigned char)*q) ||
						  *q == '_' || *q == '.'))
			q++;
		if (q < end && *q == '}' && !check_ref(v, arg, p + 2,
						       (size_t)(q - p - 2)))
			ok = false;
		p += 2;
	}
	return ok;
}

/* ---- set ---------------------------------------------------------------- */

static const struct sieve_modifier_def *
find_modifier(struct sieve_validator *v, const char *name)
{
	const struct sieve_script *s = v->script;
	for (size_t i = 0; i < s->nexts; i++) {
		const struct sieve_extension_def *e = s->exts[i];
		for (size_t j = 0; s->enabled[i] && e->modifiers &&
		     e->modifiers[j]; j++)
			if (strcmp(e->modifiers[j]->name, name) == 0)
				return e->modifiers[j];
	}
	return NULL;
}

/* node->data: NULL-terminated modifiers, highest precedence first */
static int set_modifiers(struct sieve_validator *v, struct sv_node *node)
{
	const struct sieve_modifier_def **mods = sv_arena_alloc(
		sieve_validator_arena(v), (node->ntags + 1) * sizeof(*mods));
	size_t n = 0;
	for (size_t i = 0; i < node->ntags; i++) {
		const struct sieve_modifier_def *m =
			find_modifier(v, node->tags[i].def->name);
		for (size_t j = 0; m && j < n; j++) {
			if (mods[j]->precedence != m->precedence)
				continue;
			sieve_arg_error(v, node->tags[i].tag, "modifiers :%s "
					"and :%s specified for the set command "
					"conflict having equal precedence",
					mods[j]->name, m->name);
			return -1;
		}
		size_t k = n++;
		while (k > 0 && mods[k - 1]->precedence < m->precedence) {
			mods[k] = mods[k - 1];
			k--;
		}
		mods[k] = m;
	}
	node->data = mods;
	return 0;
}

/* Distinct names set in the script, in the validator context. */
struct declared {
	const char **names;
	size_t n, cap;
	bool reported;
};

static int declare(struct sieve_validator *v, const struct sv_node *node,
		   const char *name)
{
	void **slot = sieve_validator_context(v, &sieve_ext_variables);
	struct declared *d = *slot;
	if (d == NULL)
		*slot = d = sv_arena_alloc(sieve_validator_arena(v), sizeof(*d));
	for (size_t i = 0; i < d->n; i++)
		if (strcasecmp(d->names[i], name) == 0)
			return 0;
	if (d->n >= SIEVE_MAX_VARIABLES) {
		if (!d->reported)
			sieve_node_error(v, node, "too many variables declared "
					 "(limit %d)", SIEVE_MAX_VARIABLES);
		d->reported = true;
		return -1;
	}
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 32;
		const char **nv = sv_arena_alloc(sieve_validator_arena(v),
						 d->cap * sizeof(*nv));
		if (d->n)
			memcpy(nv, d->names, d->n * sizeof(*nv));
		d->names = nv;
	}
	d->names[d->n++] = name;
	return 0;
}

static int set_validate(struct sieve_validator *v, struct sv_node *node)
{
	const struct sv_arg *name = sieve_node_arg(node, 0);
	const struct sv_string *s = &name->list[0];
	if (s->vars || !sieve_variable_name_valid(s->s, s->len) ||
	    memchr(s->s, '.', s->len) != NULL) {
		const char *dot = memchr(s->s, '.', s->len);
		if (!s->vars && dot && sieve_variable_name_valid(s->s, s->len))
			sieve_arg_error(v, name, "variable '%s' uses the unknown "
					"namespace '%.*s'", s->s,
					(int)(dot - s->s), s->s);
		else
			sieve_arg_error(v, name, "invalid variable name '%s'",
					s->s);
		return -1;
	}
	if (declare(v, node, s->s) < 0)
		return -1;
	return set_modifiers(v, node);
}

static int set_execute(struct sieve_run *run, const struct sv_node *node)
{
	const struct sieve_modifier_def *const *mods = node->data;
	size_t len;
	const char *value = sieve_run_string(run, sieve_node_arg(node, 1),
					     &len);
	for (size_t i = 0; mods[i]; i++)
		value = mods[i]->apply(run, value, len, &len);
	return sieve_variable_set(run, node, sieve_node_arg(node, 0)->list[0].s,
				  value, len);
}

static const struct sieve_command_def cmd_set = {
	.name = "set", .kind = SIEVE_CMD, .flags = SV_F_MODIFIERS,
	.pos = { SV_A_STRING, SV_A_STRING },
	.validate = set_validate, .execute = set_execute,
};

/* ---- string --------------------------------------------------------------- */

static int string_execute(struct sieve_run *run, const struct sv_node *node)
{
	const char **vals;
	size_t *lens;
	size_t n = sieve_run_strlist(run, sieve_node_arg(node, 0), &vals,
				     &lens);
	if (node->match->type->count) {
		/* RFC 5229 5: empty strings are not counted */
		size_t k = 0;
		for (size_t i = 0; i < n; i++)
			if (lens[i] > 0)
				vals[k] = vals[i], lens[k++] = lens[i];
		n = k;
	}
	return sieve_match(run, node, vals, lens, n);
}

static const struct sieve_command_def tst_string = {
	.name = "string", .kind = SIEVE_TEST, .flags = SV_F_MATCH,
	.pos = { SV_A_STRLIST, SV_A_STRLIST }, .execute = string_execute,
};

static const struct sieve_command_def *const var_cmds[] = {
	&cmd_set, &tst_string, NULL
};

const struct sieve_extension_def sieve_ext_variables = {
	.name = "variables",
	.commands = var_cmds,
	.modifiers = var_modifiers,
	.not_ihave = true,
};
