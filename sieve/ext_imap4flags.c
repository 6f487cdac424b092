/*
 * ext_imap4flags.c: the imap4flags extension (RFC 5232): setflag,
 * addflag and removeflag on the internal variable or a named variable,
 * the hasflag test, and :flags on keep and fileinto.  Flag lists are
 * space-separated, deduplicated case-insensitively (first spelling
 * kept); "\Recent" is never set (section 3).  The internal variable's
 * final value goes with the implicit keep.
 */
#include <string.h>
#include <strings.h>

#include "sieve-private.h"

struct flagset {
	const char **v;
	size_t n, cap;
};

static void fs_add(struct sieve_run *run, struct flagset *fs, const char *f,
		   size_t len)
{
	if (len == 0 || (len == 7 && strncasecmp(f, "\\recent", 7) == 0))
		return;
	for (size_t i = 0; i < fs->n; i++)
		if (strlen(fs->v[i]) == len && strncasecmp(fs->v[i], f, len) == 0)
			return;
	if (fs->n == fs->cap) {
		size_t cap = fs->cap ? fs->cap * 2 : 8;
		const char **nv = sv_arena_alloc(run->arena, cap * sizeof(*nv));
		if (fs->n)
			memcpy(nv, fs->v, fs->n * sizeof(*nv));
		fs->v = nv;
		fs->cap = cap;
	}
	fs->v[fs->n++] = sv_arena_strndup(run->arena, f, len);
}

/* Split space-separated flags of s into fs. */
static void fs_parse(struct sieve_run *run, struct flagset *fs, const char *s,
		     size_t len)
{
	size_t i = 0;
	while (i < len) {
		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		size_t start = i;
		while (i < len && s[i] != ' ' && s[i] != '\t')
			i++;
		fs_add(run, fs, s + start, i - start);
	}
}

static void fs_remove(struct flagset *fs, const char *f)
{
	for (size_t i = 0; i < fs->n; i++) {
		if (strcasecmp(fs->v[i], f) != 0)
			continue;
		memmove(&fs->v[i], &fs->v[i + 1],
			(fs->n - i - 1) * sizeof(*fs->v));
		fs->n--;
		return;
	}
}

static char *fs_join(struct sieve_run *run, const struct flagset *fs,
		     size_t *len_r)
{
	struct sv_str b = { 0 };
	for (size_t i = 0; i < fs->n; i++) {
		if (i)
			sv_str_addc(&b, ' ');
		sv_str_adds(&b, fs->v[i]);
	}
	*len_r = b.len;
	char *s = sv_arena_strndup(run->arena, b.s ? b.s : "", b.len);
	sv_str_free(&b);
	return s;
}

/* the internal variable: the run context slot holds its string */
static const char *internal_get(struct sieve_run *run)
{
	void **slot = sieve_run_context(run, &sieve_ext_imap4flags);
	return *slot ? *slot : "";
}

static void internal_set(struct sieve_run *run, const char *s)
{
	*sieve_run_context(run, &sieve_ext_imap4flags) = (void *)s;
}

/* Current flags of the named variable (NULL: the internal one). */
static void read_target(struct sieve_run *run, const char *var,
			struct flagset *fs)
{
	size_t len;
	const char *s = var ? sieve_variable_get(run, var, &len) :
		internal_get(run);
	if (!var)
		len = strlen(s);
	fs_parse(run, fs, s, len);
}

static int write_target(struct sieve_run *run, const struct sv_node *node,
			const char *var, const struct flagset *fs)
{
	size_t len;
	char *s = fs_join(run, fs, &len);
	if (var)
		return sieve_variable_set(run, node, var, s, len);
	internal_set(run, s);
	return 0;
}

static void list_flags(struct sieve_run *run, const struct sv_arg *arg,
		       struct flagset *fs)
{
	const char **v;
	size_t *lens;
	size_t n = sieve_run_strlist(run, arg, &v, &lens);
	for (size_t i = 0; i < n; i++)
		fs_parse(run, fs, v[i], lens[i]);
}

enum flag_op { OP_SET, OP_ADD, OP_REMOVE };

static int flag_command(struct sieve_run *run, const struct sv_node *node,
			enum flag_op op)
{
	const char *var = node->npos == 2 ?
		sieve_run_string(run, sieve_node_arg(node, 0), NULL) : NULL;
	struct flagset cur = { 0 }, arg = { 0 };
	list_flags(run, sieve_node_arg(node, node->npos - 1), &arg);
	if (op != OP_SET)
		read_target(run, var, &cur);
	for (size_t i = 0; i < arg.n; i++) {
		if (op == OP_REMOVE)
			fs_remove(&cur, arg.v[i]);
		else
			fs_add(run, &cur, arg.v[i], strlen(arg.v[i]));
	}
	return write_target(run, node, var, &cur);
}

static int setflag_execute(struct sieve_run *run, const struct sv_node *node)
{
	return flag_command(run, node, OP_SET);
}

static int addflag_execute(struct sieve_run *run, const struct sv_node *node)
{
	return flag_command(run, node, OP_ADD);
}

static int removeflag_execute(struct sieve_run *run,
			      const struct sv_node *node)
{
	return flag_command(run, node, OP_REMOVE);
}

static int flag_validate(struct sieve_validator *v, struct sv_node *node)
{
	if (node->npos < 2)
		return 0;
	const struct sv_arg *var = sieve_node_arg(node, 0);
	if (!sieve_validator_ext_enabled(v, "variables")) {
		sieve_arg_error(v, var, "the %s %s needs the variables "
				"extension for a variable name argument",
				node->name, sieve_node_kind(node));
		return -1;
	}
	for (size_t i = 0; i < var->n; i++) {
		const struct sv_string *s = &var->list[i];
		if (!s->vars && !sieve_variable_name_valid(s->s, s->len)) {
			sieve_arg_error(v, var, "invalid variable name '%s'",
					s->s);
			return -1;
		}
	}
	return 0;
}

static int hasflag_execute(struct sieve_run *run, const struct sv_node *node)
{
	struct flagset fs = { 0 };
	if (node->npos == 2) {
		const char **vars;
		size_t n = sieve_run_strlist(run, sieve_node_arg(node, 0),
					     &vars, NULL);
		for (size_t i = 0; i < n; i++)
			read_target(run, vars[i], &fs);
	} else {
		read_target(run, NULL, &fs);
	}
	size_t *lens = sv_arena_alloc(run->arena, (fs.n + 1) * sizeof(*lens));
	for (size_t i = 0; i < fs.n; i++)
		lens[i] = strlen(fs.v[i]);
	/* the keys are flag lists too: "b A" is two keys (RFC 5232 4) */
	struct flagset keys = { 0 };
	if (node->match->type->count) {
		const char **kv;
		size_t *kl, nk = sieve_run_strlist(run, node->match->keys,
						   &kv, &kl);
		return sieve_match_keys(run, node, node->match, fs.v, lens,
					fs.n, kv, kl, nk, false);
	}
	list_flags(run, node->match->keys, &keys);
	size_t *klens = sv_arena_alloc(run->arena,
				       (keys.n + 1) * sizeof(*klens));
	for (size_t i = 0; i < keys.n; i++)
		klens[i] = strlen(keys.v[i]);
	return sieve_match_keys(run, node, node->match, fs.v, lens, fs.n,
				keys.v, klens, keys.n, false);
}

size_t sieve_imap4flags_for_action(struct sieve_run *run,
				   const struct sv_node *node,
				   const char ***flags_r);

size_t sieve_imap4flags_for_action(struct sieve_run *run,
				   const struct sv_node *node,
				   const char ***flags_r)
{
	struct flagset fs = { 0 };
	if (!sieve_run_ext_enabled(run, "imap4flags")) {
		*flags_r = NULL;
		return 0;
	}
	const struct sv_arg *arg = sieve_node_tag_param(node, "flags");
	if (arg)
		list_flags(run, arg, &fs);
	else
		read_target(run, NULL, &fs);
	*flags_r = fs.v;
	return fs.n;
}

size_t sieve_imap4flags_internal(struct sieve_run *run, const char ***flags_r)
{
	struct flagset fs = { 0 };
	if (sieve_run_ext_enabled(run, "imap4flags"))
		read_target(run, NULL, &fs);
	*flags_r = fs.v;
	return fs.n;
}

#define FLAG_CMD(cname, exec)                                              \
	{ .name = cname, .kind = SIEVE_CMD, .flags = SV_F_OPT_FIRST,       \
	  .pos = { SV_A_STRING, SV_A_STRLIST }, .validate = flag_validate, \
	  .execute = exec }

static const struct sieve_command_def cmd_setflag =
	FLAG_CMD("setflag", setflag_execute);
static const struct sieve_command_def cmd_addflag =
	FLAG_CMD("addflag", addflag_execute);
static const struct sieve_command_def cmd_removeflag =
	FLAG_CMD("removeflag", removeflag_execute);
static const struct sieve_command_def tst_hasflag = {
	.name = "hasflag", .kind = SIEVE_TEST,
	.flags = SV_F_OPT_FIRST | SV_F_MATCH,
	.pos = { SV_A_STRLIST, SV_A_STRLIST }, .validate = flag_validate,
	.execute = hasflag_execute,
};

static const struct sieve_command_def *const flag_cmds[] = {
	&cmd_setflag, &cmd_addflag, &cmd_removeflag, &tst_hasflag, NULL
};

static const struct sieve_tag_ext flag_tags[] = {
	{ "keep", { "flags", SV_A_STRLIST, NULL } },
	{ "fileinto", { "flags", SV_A_STRLIST, NULL } },
	{ NULL, { NULL, SV_A_NONE, NULL } },
};

const struct sieve_extension_def sieve_ext_imap4flags = {
	.name = "imap4flags",
	.commands = flag_cmds,
	.tags = flag_tags,
};
