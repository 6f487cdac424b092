/*
 * validate.c: the generic half of validation (RFC 5228 sections 2.6,
 * 2.7, 3.2, 8.2): resolve each command and test among the required
 * extensions, sort arguments into tags and positionals and check their
 * types, check test/block shape, resolve comparator, match type and
 * address part, then call the command's own validate().  Errors carry
 * line:col and are worded like Pigeonhole's.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sieve-private.h"

bool sieve_encoded_decode(struct sieve_validator *v, const struct sv_arg *arg,
			  struct sv_string *s);

static void verror(struct sieve_validator *v, bool warn, unsigned line,
		   unsigned col, const char *fmt, va_list ap)
{
	char *msg;
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	sieve_diags_add(v->diags, warn, line, col, "%s", msg);
	free(msg);
}

void sieve_node_error(struct sieve_validator *v, const struct sv_node *node,
		      const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	verror(v, false, node->line, node->col, fmt, ap);
	va_end(ap);
}

void sieve_node_warning(struct sieve_validator *v, const struct sv_node *node,
			const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	verror(v, true, node->line, node->col, fmt, ap);
	va_end(ap);
}

void sieve_arg_error(struct sieve_validator *v, const struct sv_arg *arg,
		     const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	verror(v, false, arg->line, arg->col, fmt, ap);
	va_end(ap);
}

struct sv_arena *sieve_validator_arena(struct sieve_validator *v)
{
	return v->script->arena;
}

const struct sieve_config *sieve_validator_config(struct sieve_validator *v)
{
	return &v->script->cfg;
}

void sieve_validator_on_free(struct sieve_validator *v, void (*fn)(void *),
			     void *ptr)
{
	struct sv_cleanup *c = sv_arena_alloc(v->script->arena, sizeof(*c));
	c->fn = fn;
	c->ptr = ptr;
	c->next = v->script->cleanups;
	v->script->cleanups = c;
}

static size_t ext_slot(const struct sieve_script *s,
		       const struct sieve_extension_def *ext)
{
	for (size_t i = 0; i < s->nexts; i++)
		if (s->exts[i] == ext)
			return i;
	return 0;
}

void **sieve_validator_context(struct sieve_validator *v,
			       const struct sieve_extension_def *ext)
{
	return &v->ext_ctx[ext_slot(v->script, ext)];
}

static const struct sieve_extension_def *
script_ext(const struct sieve_script *s, const char *name)
{
	for (size_t i = 0; i < s->nexts; i++)
		if (s->exts[i]->name && strcmp(s->exts[i]->name, name) == 0)
			return s->exts[i];
	return NULL;
}

bool sieve_validator_ext_enabled(struct sieve_validator *v, const char *name)
{
	const struct sieve_extension_def *e = script_ext(v->script, name);
	return e && v->script->enabled[ext_slot(v->script, e)];
}

int sieve_validator_require(struct sieve_validator *v, const char *name,
			    const struct sv_node *where)
{
	if (strcmp(name, "comparator-i;octet") == 0 ||
	    strcmp(name, "comparator-i;ascii-casemap") == 0)
		return 0;
	const struct sieve_extension_def *e = script_ext(v->script, name);
	if (e == NULL || e == &sieve_ext_core) {
		sieve_node_error(v, where, "unknown Sieve capability '%s'",
				 name);
		return -1;
	}
	size_t slot = ext_slot(v->script, e);
	if (v->script->enabled[slot])
		return 0;
	v->script->enabled[slot] = true;
	for (size_t i = 0; e->implies && e->implies[i]; i++)
		if (sieve_validator_require(v, e->implies[i], where) < 0)
			return -1;
	return e->on_require ? e->on_require(v, where) : 0;
}

const char *sieve_arg_describe(const struct sv_arg *arg)
{
	switch (arg->kind) {
	case SV_ARG_NUMBER: return "a number";
	case SV_ARG_STRING: return "a string";
	case SV_ARG_STRLIST: return "a string list";
	case SV_ARG_TAG: return "a tag";
	}
	return "?";
}

static const char *argtype_describe(enum sieve_argtype t)
{
	switch (t) {
	case SV_A_NUMBER: return "a number";
	case SV_A_STRING: return "a string";
	case SV_A_STRLIST: return "a string list";
	default: return "nothing";
	}
}

const char *sieve_node_kind(const struct sv_node *node)
{
	return node->def && node->def->kind == SIEVE_TEST ? "test" :
		"command";
}

bool sieve_arg_is_constant(const struct sv_arg *arg)
{
	for (size_t i = 0; i < arg->n; i++)
		if (arg->list[i].vars)
			return false;
	return true;
}

static bool arg_fits(const struct sv_arg *arg, enum sieve_argtype t)
{
	switch (t) {
	case SV_A_NUMBER: return arg->kind == SV_ARG_NUMBER;
	case SV_A_STRING: return arg->kind == SV_ARG_STRING;
	case SV_A_STRLIST:
		return arg->kind == SV_ARG_STRING || arg->kind == SV_ARG_STRLIST;
	default: return false;
	}
}

/* ---- node accessors ------------------------------------------------- */

const struct sv_arg *sieve_node_arg(const struct sv_node *node, size_t i)
{
	return i < node->npos ? node->pos[i] : NULL;
}

static const struct sv_tagval *find_tag(const struct sv_node *node,
					const char *name)
{
	for (size_t i = 0; i < node->ntags; i++)
		if (strcmp(node->tags[i].def->name, name) == 0)
			return &node->tags[i];
	return NULL;
}

bool sieve_node_tag(const struct sv_node *node, const char *name)
{
	return find_tag(node, name) != NULL;
}

const struct sv_arg *sieve_node_tag_param(const struct sv_node *node,
					  const char *name)
{
	const struct sv_tagval *t = find_tag(node, name);
	return t ? t->param : NULL;
}

const struct sv_tagval *sieve_node_tag_group(const struct sv_node *node,
					     const char *group)
{
	for (size_t i = 0; i < node->ntags; i++)
		if (node->tags[i].def->exclusive &&
		    strcmp(node->tags[i].def->exclusive, group) == 0)
			return &node->tags[i];
	return NULL;
}

/* ---- command lookup -------------------------------------------------- */

static bool enabled_at(const struct sieve_validator *v, size_t i)
{
	return v->script->enabled[i] || v->script->exts[i] == &sieve_ext_core;
}

static const struct sieve_command_def *
find_command(struct sieve_validator *v, struct sv_node *node, bool test)
{
	enum sieve_cmd_kind kind = test ? SIEVE_TEST : SIEVE_CMD;
	for (size_t i = 0; i < v->script->nexts; i++) {
		const struct sieve_extension_def *e = v->script->exts[i];
		if (!enabled_at(v, i) || e->commands == NULL)
			continue;
		for (size_t j = 0; e->commands[j]; j++) {
			const struct sieve_command_def *c = e->commands[j];
			if (c->kind == kind && strcmp(c->name, node->name) == 0) {
				node->ext = e;
				return c;
			}
		}
	}
	return NULL;
}

/* ---- tags ------------------------------------------------------------ */

static const struct sieve_tag_def tag_comparator = {
	"comparator", SV_A_STRING, "comparator"
};

static const struct sieve_tag_def *synth_tag(struct sieve_validator *v,
					     const char *name,
					     enum sieve_argtype param,
					     const char *group)
{
	struct sieve_tag_def *t = sv_arena_alloc(v->script->arena, sizeof(*t));
	t->name = name;
	t->param = param;
	t->exclusive = group;
	return t;
}

static const struct sieve_tag_def *
find_special_tag(struct sieve_validator *v, const struct sv_node *node,
		 const char *name)
{
	unsigned fl = node->def->flags;
	if ((fl & SV_F_MATCH) && strcmp(name, "comparator") == 0)
		return &tag_comparator;
	for (size_t i = 0; i < v->script->nexts; i++) {
		const struct sieve_extension_def *e = v->script->exts[i];
		if (!enabled_at(v, i))
			continue;
		for (size_t j = 0; (fl & SV_F_MATCH) && e->matches &&
		     e->matches[j]; j++)
			if (strcmp(e->matches[j]->name, name) == 0)
				return synth_tag(v, e->matches[j]->name,
						 e->matches[j]->param, "match");
		for (size_t j = 0; (fl & SV_F_MODIFIERS) && e->modifiers &&
		     e->modifiers[j]; j++)
			if (strcmp(e->modifiers[j]->name, name) == 0)
				return synth_tag(v, e->modifiers[j]->name,
						 SV_A_NONE, NULL);
		for (size_t j = 0; (fl & SV_F_ADDRPART) && e->addrparts &&
		     e->addrparts[j]; j++)
			if (strcmp(e->addrparts[j]->name, name) == 0)
				return synth_tag(v, e->addrparts[j]->name,
						 SV_A_NONE, "addrpart");
	}
	return NULL;
}

static const struct sieve_tag_def *
find_tag_def(struct sieve_validator *v, const struct sv_node *node,
	     const char *name)
{
	const struct sieve_command_def *d = node->def;
	for (size_t i = 0; d->tags && d->tags[i].name; i++)
		if (strcmp(d->tags[i].name, name) == 0)
			return &d->tags[i];
	for (size_t i = 0; i < v->script->nexts; i++) {
		const struct sieve_extension_def *e = v->script->exts[i];
		if (!enabled_at(v, i) || e->tags == NULL)
			continue;
		for (size_t j = 0; e->tags[j].command; j++)
			if (strcmp(e->tags[j].command, d->name) == 0 &&
			    strcmp(e->tags[j].tag.name, name) == 0)
				return &e->tags[j].tag;
	}
	return find_special_tag(v, node, name);
}

static bool tag_conflicts(struct sieve_validator *v, struct sv_node *node,
			  const struct sieve_tag_def *def,
			  const struct sv_arg *arg)
{
	for (size_t i = 0; i < node->ntags; i++) {
		const struct sieve_tag_def *o = node->tags[i].def;
		if (strcmp(o->name, def->name) == 0) {
			sieve_arg_error(v, arg, "encountered duplicate tag "
					":%s for the %s %s", def->name,
					node->name, sieve_node_kind(node));
			return true;
		}
		if (o->exclusive && def->exclusive &&
		    strcmp(o->exclusive, def->exclusive) == 0) {
			sieve_arg_error(v, arg, "the :%s tag for the %s %s "
					"cannot be combined with :%s",
					def->name, node->name,
					sieve_node_kind(node), o->name);
			return true;
		}
	}
	return false;
}

/* Handle the tag at args[*i]; advances *i past its parameter. */
static bool take_tag(struct sieve_validator *v, struct sv_node *node,
		     size_t *i)
{
	const struct sv_arg *arg = &node->args[*i];
	const struct sieve_tag_def *def = find_tag_def(v, node, arg->tag);
	if (def == NULL) {
		sieve_arg_error(v, arg, "unknown tagged argument ':%s' for the "
				"%s %s", arg->tag, node->name,
				sieve_node_kind(node));
		return false;
	}
	if (tag_conflicts(v, node, def, arg))
		return false;
	struct sv_tagval *tv = &node->tags[node->ntags++];
	tv->def = def;
	tv->tag = arg;
	if (def->param == SV_A_NONE)
		return true;
	if (*i + 1 >= node->nargs || !arg_fits(&node->args[*i + 1],
					       def->param)) {
		const char *found = *i + 1 < node->nargs ?
			sieve_arg_describe(&node->args[*i + 1]) : "none";
		sieve_arg_error(v, arg, "the :%s tag for the %s %s requires "
				"%s as parameter, but %s was found", def->name,
				node->name, sieve_node_kind(node),
				argtype_describe(def->param), found);
		return false;
	}
	(*i)++;
	tv->param = &node->args[*i];
	return true;
}

static void prepare_strings(struct sieve_validator *v, struct sv_arg *arg,
			    bool *ok)
{
	bool enc = sieve_validator_ext_enabled(v, "encoded-character");
	bool vars = sieve_validator_ext_enabled(v, "variables");
	for (size_t i = 0; i < arg->n; i++) {
		struct sv_string *s = &arg->list[i];
		if (enc && !sieve_encoded_decode(v, arg, s))
			*ok = false;
		s->vars = vars && memmem(s->s, s->len, "${", 2) != NULL;
		if (s->vars && !sieve_variables_check_refs(v, arg, s))
			*ok = false;
	}
}

static bool sort_args(struct sieve_validator *v, struct sv_node *node)
{
	bool ok = true;
	struct sv_arena *a = v->script->arena;
	node->tags = sv_arena_alloc(a, node->nargs * sizeof(*node->tags));
	node->pos = sv_arena_alloc(a, node->nargs * sizeof(*node->pos));
	for (size_t i = 0; i < node->nargs && ok; i++) {
		struct sv_arg *arg = &node->args[i];
		if (arg->kind != SV_ARG_TAG) {
			node->pos[node->npos++] = arg;
		} else if (node->npos > 0) {
			/* RFC 5228 2.6.2: tags come before positionals */
			sieve_arg_error(v, arg, "the :%s tag for the %s %s must "
					"be specified before any positional "
					"arguments", arg->tag, node->name,
					sieve_node_kind(node));
			ok = false;
		} else if (!take_tag(v, node, &i)) {
			ok = false;	/* one error per command */
		}
	}
	if (!ok)
		return false;
	for (size_t i = 0; i < node->nargs; i++)
		if (node->args[i].kind == SV_ARG_STRING ||
		    node->args[i].kind == SV_ARG_STRLIST)
			prepare_strings(v, &node->args[i], &ok);
	return ok;
}

static bool check_positional(struct sieve_validator *v, struct sv_node *node)
{
	const struct sieve_command_def *d = node->def;
	size_t want = 0;
	while (want < 4 && d->pos[want] != SV_A_NONE)
		want++;
	if ((d->flags & SV_F_OPT_FIRST) && node->npos + 1 == want) {
		/* the optional first one is absent: check the rest */
		for (size_t i = 0; i < node->npos; i++)
			if (!arg_fits(node->pos[i], d->pos[i + 1]))
				want = 0;
		if (want)
			return true;
		want = node->npos + 1;
	}
	for (size_t i = 0; i < node->npos && i < want; i++) {
		if (!arg_fits(node->pos[i], d->pos[i])) {
			sieve_arg_error(v, node->pos[i], "the %s %s expects %s "
					"as argument %zu, but %s was found",
					node->name, sieve_node_kind(node),
					argtype_describe(d->pos[i]), i + 1,
					sieve_arg_describe(node->pos[i]));
			return false;
		}
	}
	if (node->npos < want) {
		sieve_node_error(v, node, "the %s %s expects %s as argument "
				 "%zu, but none was found", node->name,
				 sieve_node_kind(node),
				 argtype_describe(d->pos[node->npos]),
				 node->npos + 1);
		return false;
	}
	if (node->npos > want) {
		sieve_arg_error(v, node->pos[want], "the %s %s expects only "
				"%zu positional argument(s), but more were "
				"found", node->name, sieve_node_kind(node),
				want);
		return false;
	}
	return true;
}

static bool check_tests(struct sieve_validator *v, struct sv_node *node)
{
	unsigned fl = node->def->flags;
	const char *kind = sieve_node_kind(node);
	if ((fl & SV_F_TEST1) && (node->ntests != 1)) {
		sieve_node_error(v, node, "the %s %s expects a single test as "
				 "argument", node->name, kind);
		return false;
	}
	if ((fl & SV_F_TESTS) && !node->test_list) {
		sieve_node_error(v, node, "the %s %s expects a list of tests "
				 "as argument", node->name, kind);
		return false;
	}
	if (!(fl & (SV_F_TEST1 | SV_F_TESTS)) && node->ntests > 0) {
		sieve_node_error(v, node, "the %s %s accepts no tests",
				 node->name, kind);
		return false;
	}
	return true;
}

static bool check_block(struct sieve_validator *v, struct sv_node *node)
{
	unsigned fl = node->def->flags;
	if ((fl & SV_F_BLOCK) && !node->has_block) {
		sieve_node_error(v, node, "the %s command requires a command "
				 "block", node->name);
		return false;
	}
	if (node->has_block && !(fl & (SV_F_BLOCK | SV_F_BLOCK_OPT))) {
		sieve_node_error(v, node, "the %s command does not accept a "
				 "command block", node->name);
		return false;
	}
	return true;
}

/* ---- comparator / match type / address part --------------------------- */

static const struct sieve_comparator_def *
find_comparator(struct sieve_validator *v, const char *name)
{
	for (size_t i = 0; i < v->script->nexts; i++) {
		const struct sieve_extension_def *e = v->script->exts[i];
		for (size_t j = 0; enabled_at(v, i) && e->comparators &&
		     e->comparators[j]; j++)
			if (strcasecmp(e->comparators[j]->name, name) == 0)
				return e->comparators[j];
	}
	return NULL;
}

static const void *find_named(struct sieve_validator *v, const char *name,
			      bool match)
{
	for (size_t i = 0; i < v->script->nexts; i++) {
		const struct sieve_extension_def *e = v->script->exts[i];
		if (!enabled_at(v, i))
			continue;
		if (match) {
			for (size_t j = 0; e->matches && e->matches[j]; j++)
				if (strcmp(e->matches[j]->name, name) == 0)
					return e->matches[j];
		} else {
			for (size_t j = 0; e->addrparts && e->addrparts[j]; j++)
				if (strcmp(e->addrparts[j]->name, name) == 0)
					return e->addrparts[j];
		}
	}
	return NULL;
}

static bool setup_comparator(struct sieve_validator *v, struct sv_node *node,
			     struct sv_match *m)
{
	const struct sv_arg *cp = sieve_node_tag_param(node, "comparator");
	m->cmp = &sieve_cmp_ascii_casemap;
	if (cp == NULL)
		return true;
	if (cp->list[0].vars) {
		sieve_arg_error(v, cp, "the comparator name must be a "
				"constant string");
		return false;
	}
	m->cmp = find_comparator(v, cp->list[0].s);
	if (m->cmp == NULL) {
		sieve_arg_error(v, cp, "unknown comparator '%s'",
				cp->list[0].s);
		return false;
	}
	return true;
}

static bool setup_match(struct sieve_validator *v, struct sv_node *node)
{
	struct sv_match *m = sv_arena_alloc(v->script->arena, sizeof(*m));
	const struct sv_tagval *mt = sieve_node_tag_group(node, "match");
	node->match = m;
	m->type = mt ? find_named(v, mt->def->name, true) : &sieve_mcht_is;
	m->line = mt ? mt->tag->line : node->line;
	m->col = mt ? mt->tag->col : node->col;
	m->keys = node->npos ? node->pos[node->npos - 1] : NULL;
	if (!setup_comparator(v, node, m))
		return false;
	if (m->type->param == SV_A_STRING) {
		const struct sv_arg *p = mt->param;
		if (p->list[0].vars || !sieve_relop_valid(p->list[0].s)) {
			sieve_arg_error(v, p, "invalid relational match type "
					"'%s'", p->list[0].s);
			return false;
		}
		m->relop = p->list[0].s;
	}
	if (m->type->substring && !m->cmp->substring) {
		sieve_arg_error(v, mt->tag, "the :%s match type is not "
				"supported by the %s comparator",
				m->type->name, m->cmp->name);
		return false;
	}
	if ((node->def->flags & SV_F_ADDRPART)) {
		const struct sv_tagval *ap = sieve_node_tag_group(node,
								  "addrpart");
		m->part = ap ? find_named(v, ap->def->name, false) :
			&sieve_addrpart_all;
	}
	if (m->type->validate && m->keys && m->type->validate(v, node, m) < 0)
		return false;
	return true;
}

/* ---- the walk --------------------------------------------------------- */

static bool check_shape(struct sieve_validator *v, struct sv_node *node)
{
	bool tests_ok = check_tests(v, node);
	return check_block(v, node) && tests_ok;
}

static bool validate_list(struct sieve_validator *v, struct sv_node **nodes,
			  size_t n, bool top);

static bool validate_node(struct sieve_validator *v, struct sv_node *node,
			  bool test)
{
	node->def = find_command(v, node, test);
	if (node->def == NULL) {
		sieve_node_error(v, node, "unknown %s '%s'",
				 test ? "test" : "command", node->name);
		return false;
	}
	/* shape first (tests and block both report), then arguments */
	if (!check_shape(v, node))
		return false;
	if (!sort_args(v, node) || !check_positional(v, node))
		return false;
	if ((node->def->flags & SV_F_MATCH) && !setup_match(v, node))
		return false;
	if (node->def->validate && node->def->validate(v, node) < 0)
		return false;
	for (size_t i = 0; i < v->script->nexts; i++)
		if (enabled_at(v, i) && v->script->exts[i]->validate_node &&
		    v->script->exts[i]->validate_node(v, node) < 0)
			return false;
	bool ok = true;
	bool outer_skip = v->skip_block;
	v->skip_block = false;
	for (size_t i = 0; i < node->ntests; i++)
		if (!validate_node(v, node->tests[i], true))
			ok = false;
	bool skip = v->skip_block;	/* RFC 5463 4: not checked */
	/* a missing capability under allof also guards the block; never
	 * under not/anyof, whose block may still run */
	v->skip_block = outer_skip ||
		(test && skip && strcmp(node->name, "allof") == 0);
	if (node->has_block && !skip) {
		v->depth++;
		if (!validate_list(v, node->block, node->nblock, false))
			ok = false;
		v->depth--;
	}
	return ok;
}

static bool is_name(const struct sv_node *n, const char *name)
{
	return n != NULL && strcmp(n->name, name) == 0;
}

static bool check_position(struct sieve_validator *v, struct sv_node *node,
			   bool top, const struct sv_node *prev)
{
	if (is_name(node, "require") && (!top || v->seen_command)) {
		sieve_node_error(v, node, "require commands can only be "
				 "placed at top level at the beginning of the "
				 "file");
		return false;
	}
	if ((is_name(node, "elsif") || is_name(node, "else")) &&
	    !is_name(prev, "if") && !is_name(prev, "elsif")) {
		sieve_node_error(v, node, "the %s command must follow an if "
				 "or elsif command", node->name);
		return false;
	}
	return true;
}

static bool validate_list(struct sieve_validator *v, struct sv_node **nodes,
			  size_t n, bool top)
{
	bool ok = true;
	const struct sv_node *prev = NULL;
	for (size_t i = 0; i < n; i++) {
		struct sv_node *node = nodes[i];
		if (v->diags->nerrors >= SIEVE_MAX_ERRORS)
			return false;
		if (!check_position(v, node, top, prev) ||
		    !validate_node(v, node, false))
			ok = false;
		if (!is_name(node, "require"))
			v->seen_command = true;
		prev = node;
	}
	return ok;
}

bool sieve_validate(struct sieve_validator *v)
{
	return validate_list(v, v->script->nodes, v->script->nnodes, true) &&
		v->diags->nerrors == 0;
}

/* ---- address syntax (RFC 5322 addr-spec, simplified) ------------------ */

static bool atom_char(unsigned char c)
{
	return c >= 0x80 || (c > ' ' && c < 0x7f && !strchr("()<>[]:;@\\,\".",
							     c));
}

bool sieve_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < len;) {
		unsigned c = p[i];
		size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ?
			3 : (c >> 3) == 30 ? 4 : 0;
		if (n == 0 || i + n > len || (n == 2 && c < 0xC2))
			return false;
		for (size_t k = 1; k < n; k++)
			if ((p[i + k] & 0xC0) != 0x80)
				return false;
		if (n == 3 && ((c == 0xE0 && p[i + 1] < 0xA0) ||
			       (c == 0xED && p[i + 1] >= 0xA0)))
			return false;	/* overlong, surrogate */
		if (n == 4 && ((c == 0xF0 && p[i + 1] < 0x90) || c > 0xF4 ||
			       (c == 0xF4 && p[i + 1] >= 0x90)))
			return false;
		i += n;
	}
	return true;
}

char *sieve_address_normalize(const char *s)
{
	struct sieve_address *a;
	const char *lt = strchr(s, '<');
	if (lt != NULL && strchr(lt, '>') == NULL)
		return NULL;	/* "Name <addr" is not closed */
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p >= 0x80)
			return NULL;	/* 8-bit needs SMTPUTF8 (RFC 6531) */
	size_t n = sieve_address_list_parse(s, &a);
	char *out = NULL;
	if (n == 1 && a[0].localpart && a[0].domain && *a[0].domain &&
	    sieve_address_valid(a[0].all))
		out = sv_strdup(a[0].all);
	sieve_address_list_free(a, n);
	return out;
}

bool sieve_address_valid(const char *s)
{
	const char *at = strrchr(s, '@');
	if (at == NULL || at == s || at[1] == '\0')
		return false;
	const char *p = s;
	if (*p == '"') {
		for (p++; p < at && *p != '"'; p++)
			if (*p == '\\' && p + 1 < at)
				p++;
		if (p + 1 != at)
			return false;
	} else {
		bool prev_dot = true;
		for (; p < at; p++) {
			if (*p == '.') {
				if (prev_dot)
					return false;
				prev_dot = true;
			} else if (atom_char((unsigned char)*p)) {
				prev_dot = false;
			} else {
				return false;
			}
		}
		if (prev_dot)
			return false;
	}
	bool prev_dot = true;
	for (p = at + 1; *p; p++) {
		if (*p == '.') {
			if (prev_dot)
				return false;
			prev_dot = true;
		} else if (atom_char((unsigned char)*p)) {
			prev_dot = false;
		} else {
			return false;
		}
	}
	return !prev_dot;
}
