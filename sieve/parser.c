/*
 * parser.c: the Sieve grammar (RFC 5228 section 8.2) into an AST of
 * sv_node: commands with arguments, tests, test lists and blocks.
 * Recursive descent; depth is capped so hostile nesting cannot exhaust
 * the stack.  After a syntax error it skips to the next ';' or block end
 * and goes on, so one run reports several errors.
 */
#include <string.h>

#include "sieve-private.h"

struct sv_parser {
	struct sv_lexer lx;
	struct sv_arena *arena;
	struct sieve_diags *diags;
	unsigned max_depth, depth;
	bool failed;
};

/* growable pointer array in the arena */
struct sv_vec {
	void **v;
	size_t n, cap;
};

static void vec_push(struct sv_arena *a, struct sv_vec *vec, void *p)
{
	if (vec->n == vec->cap) {
		size_t cap = vec->cap ? vec->cap * 2 : 4;
		void **nv = sv_arena_alloc(a, cap * sizeof(void *));
		if (vec->n)
			memcpy(nv, vec->v, vec->n * sizeof(void *));
		vec->v = nv;
		vec->cap = cap;
	}
	vec->v[vec->n++] = p;
}

static void p_error(struct sv_parser *ps, const char *fmt, const char *what)
{
	ps->failed = true;
	if (ps->lx.tok == SV_T_ERROR)
		return;		/* the lexer said it already */
	sieve_diags_add(ps->diags, false, ps->lx.tline, ps->lx.tcol, fmt,
			what);
}

static enum sv_tok p_next(struct sv_parser *ps)
{
	enum sv_tok t = sv_lex(&ps->lx);
	if (t == SV_T_ERROR)
		ps->failed = true;
	return t;
}

static struct sv_node *p_test(struct sv_parser *ps);

static bool p_strlist(struct sv_parser *ps, struct sv_arg *arg)
{
	struct sv_vec items = { 0 };
	p_next(ps);
	for (;;) {
		if (ps->lx.tok != SV_T_STRING) {
			p_error(ps, "expected string in string list, but found %s",
				sv_tok_name(ps->lx.tok));
			return false;
		}
		struct sv_string *s = sv_arena_alloc(ps->arena, sizeof(*s));
		s->s = ps->lx.text;
		s->len = ps->lx.len;
		vec_push(ps->arena, &items, s);
		p_next(ps);
		if (ps->lx.tok == SV_T_RBRACKET)
			break;
		if (ps->lx.tok != SV_T_COMMA) {
			p_error(ps, "expected ',' or ']' in string list, but "
				    "found %s", sv_tok_name(ps->lx.tok));
			return false;
		}
		p_next(ps);
	}
	arg->kind = SV_ARG_STRLIST;
	arg->n = items.n;
	arg->list = sv_arena_alloc(ps->arena, items.n * sizeof(*arg->list));
	for (size_t i = 0; i < items.n; i++)
		arg->list[i] = *(struct sv_string *)items.v[i];
	p_next(ps);
	return true;
}

/* One argument at the current token; false when the token is none. */
static bool p_argument(struct sv_parser *ps, struct sv_arg *arg, bool *err)
{
	struct sv_lexer *lx = &ps->lx;
	memset(arg, 0, sizeof(*arg));
	arg->line = lx->tline;
	arg->col = lx->tcol;
	switch (lx->tok) {
	case SV_T_NUMBER:
		arg->kind = SV_ARG_NUMBER;
		arg->number = lx->number;
		break;
	case SV_T_TAG:
		arg->kind = SV_ARG_TAG;
		arg->tag = lx->text;
		break;
	case SV_T_STRING:
		arg->kind = SV_ARG_STRING;
		arg->n = 1;
		arg->list = sv_arena_alloc(ps->arena, sizeof(*arg->list));
		arg->list->s = lx->text;
		arg->list->len = lx->len;
		break;
	case SV_T_LBRACKET:
		*err = !p_strlist(ps, arg);
		return true;
	default:
		return false;
	}
	p_next(ps);
	return true;
}

static bool p_testlist(struct sv_parser *ps, struct sv_node *node)
{
	struct sv_vec tests = { 0 };
	p_next(ps);
	for (;;) {
		struct sv_node *t = p_test(ps);
		if (t == NULL)
			return false;
		vec_push(ps->arena, &tests, t);
		if (ps->lx.tok == SV_T_RPAREN)
			break;
		if (ps->lx.tok != SV_T_COMMA) {
			p_error(ps, "expected ',' or ')' after test in test "
				    "list, but found %s",
				sv_tok_name(ps->lx.tok));
			return false;
		}
		p_next(ps);
	}
	p_next(ps);
	node->tests = (struct sv_node **)tests.v;
	node->ntests = tests.n;
	node->test_list = true;
	return true;
}

/* arguments = *argument [ test / test-list ] */
static bool p_arguments(struct sv_parser *ps, struct sv_node *node)
{
	struct sv_vec args = { 0 };
	for (;;) {
		struct sv_arg tmp;
		bool err = false;
		if (!p_argument(ps, &tmp, &err))
			break;
		if (err)
			return false;
		struct sv_arg *a = sv_arena_alloc(ps->arena, sizeof(*a));
		*a = tmp;
		vec_push(ps->arena, &args, a);
	}
	node->nargs = args.n;
	node->args = sv_arena_alloc(ps->arena, args.n * sizeof(*node->args));
	for (size_t i = 0; i < args.n; i++)
		node->args[i] = *(struct sv_arg *)args.v[i];
	if (ps->lx.tok == SV_T_LPAREN)
		return p_testlist(ps, node);
	if (ps->lx.tok == SV_T_IDENT) {
		struct sv_node *t = p_test(ps);
		if (t == NULL)
			return false;
		node->tests = sv_arena_alloc(ps->arena, sizeof(*node->tests));
		node->tests[0] = t;
		node->ntests = 1;
	}
	return true;
}

static struct sv_node *p_node_start(struct sv_parser *ps)
{
	struct sv_node *node = sv_arena_alloc(ps->arena, sizeof(*node));
	node->name = ps->lx.text;
	node->line = ps->lx.tline;
	node->col = ps->lx.tcol;
	return node;
}

static bool p_enter(struct sv_parser *ps)
{
	if (++ps->depth > ps->max_depth) {
		p_error(ps, "%s", "maximum nesting depth exceeded");
		return false;
	}
	return true;
}

static struct sv_node *p_test(struct sv_parser *ps)
{
	if (ps->lx.tok != SV_T_IDENT) {
		p_error(ps, "expected test name, but found %s",
			sv_tok_name(ps->lx.tok));
		return NULL;
	}
	if (!p_enter(ps))
		return NULL;
	struct sv_node *node = p_node_start(ps);
	p_next(ps);
	bool ok = p_arguments(ps, node);
	ps->depth--;
	return ok ? node : NULL;
}

static bool p_block(struct sv_parser *ps, struct sv_vec *out, bool top);

static struct sv_node *p_command(struct sv_parser *ps)
{
	struct sv_node *node = p_node_start(ps);
	p_next(ps);
	if (!p_arguments(ps, node))
		return NULL;
	if (ps->lx.tok == SV_T_SEMICOLON) {
		p_next(ps);
		return node;
	}
	if (ps->lx.tok != SV_T_LBRACE) {
		p_error(ps, "expected ';' or '{' after command arguments, "
			    "but found %s", sv_tok_name(ps->lx.tok));
		return NULL;
	}
	if (!p_enter(ps))
		return NULL;
	p_next(ps);
	struct sv_vec blk = { 0 };
	bool ok = p_block(ps, &blk, false);
	ps->depth--;
	node->block = (struct sv_node **)blk.v;
	node->nblock = blk.n;
	node->has_block = true;
	return ok ? node : NULL;
}

/* Error recovery: skip to the next ';' (consumed) or to a '}' that
 * closes the current block (not consumed). */
static void p_recover(struct sv_parser *ps)
{
	int depth = 0;
	for (;;) {
		enum sv_tok t = ps->lx.tok;
		if (t == SV_T_EOF)
			return;
		if (t == SV_T_SEMICOLON && depth == 0) {
			p_next(ps);
			return;
		}
		if (t == SV_T_LBRACE)
			depth++;
		if (t == SV_T_RBRACE) {
			if (depth == 0)
				return;
			if (--depth == 0) {
				p_next(ps);
				return;
			}
		}
		p_next(ps);
	}
}

static bool p_block(struct sv_parser *ps, struct sv_vec *out, bool top)
{
	for (;;) {
		enum sv_tok t = ps->lx.tok;
		if (t == SV_T_EOF) {
			if (!top) {
				p_error(ps, "%s", "unexpected end of script: "
					"missing '}' to close block");
				return false;
			}
			return true;
		}
		if (t == SV_T_RBRACE) {
			if (top) {
				p_error(ps, "%s", "unexpected '}' outside "
					"of a block");
				p_next(ps);
				continue;
			}
			p_next(ps);
			return true;
		}
		if (t != SV_T_IDENT) {
			p_error(ps, "expected command name, but found %s",
				sv_tok_name(t));
			if (t != SV_T_ERROR || ps->lx.p >= ps->lx.end)
				p_next(ps);
			p_recover(ps);
			continue;
		}
		struct sv_node *cmd = p_command(ps);
		if (cmd != NULL)
			vec_push(ps->arena, out, cmd);
		else if (ps->depth > ps->max_depth ||
			 ps->diags->nerrors >= SIEVE_MAX_ERRORS)
			return false;
		else
			p_recover(ps);
	}
}

bool sieve_parse(const char *text, size_t len, struct sv_arena *arena,
		 unsigned max_nesting, struct sieve_diags *d,
		 struct sv_node ***nodes_r, size_t *n_r)
{
	struct sv_parser ps = { 0 };
	struct sv_vec top = { 0 };

	sv_lexer_init(&ps.lx, text, len, arena, d);
	ps.arena = arena;
	ps.diags = d;
	ps.max_depth = max_nesting < SIEVE_MAX_PARSE_DEPTH ?
		max_nesting : SIEVE_MAX_PARSE_DEPTH;
	p_next(&ps);
	bool ok = p_block(&ps, &top, true) && !ps.failed;
	*nodes_r = (struct sv_node **)top.v;
	*n_r = top.n;
	return ok;
}
