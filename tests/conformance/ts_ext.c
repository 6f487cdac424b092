/*
 * ts_ext.c: the vnd.dovecot.testsuite extension as our harness implements
 * it (see ../shared/conformance/pigeonhole/TESTSUITE-LANGUAGE.md): test
 * blocks, test_fail, test_set, sub-script compile/run, diagnostics and
 * result inspection, the mail store and sink, binaries and configuration.
 * Hidden, and passed only by sieve-testsuite as an extra extension, so no
 * user script can ever require it.  test_imap_metadata_set is left out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ts.h"

static void set_tst_vars(struct sieve_run *run, const struct sv_node *node)
{
	ts.run = run;
	if (sieve_run_ext_enabled(run, "variables"))
		sieve_variable_set(run, node, "tst.path", ts.dir,
				   strlen(ts.dir));
}

static const char *arg_str(struct sieve_run *run, const struct sv_node *node,
			   size_t i)
{
	return sieve_run_string(run, sieve_node_arg(node, i), NULL);
}

/* ---- test and test_fail ------------------------------------------------ */

static int test_validate(struct sieve_validator *v, struct sv_node *node)
{
	if (v->depth > 0) {
		sieve_node_error(v, node, "tests cannot be nested: test "
				 "command must be issued at top-level");
		return -1;
	}
	return 0;
}

static int test_execute(struct sieve_run *run, const struct sv_node *node)
{
	set_tst_vars(run, node);
	ts.test_name = arg_str(run, node, 0);
	ts.in_test = true;
	ts.test_failed = false;
	ts.ntests++;
	int r = sieve_run_block(run, node->block, node->nblock);
	ts.in_test = false;
	if (ts.test_failed) {
		printf("%2u: Test '%s' FAILED: %s\n", ts.ntests, ts.test_name,
		       ts.fail_reason ? ts.fail_reason : "");
		ts.nfailed++;
		return ts.skip_reason ? -1 : 0;
	}
	if (r < 0 || run->failed) {
		printf("%2u: Test '%s' FAILED: run-time error: %s",
		       ts.ntests, ts.test_name, sieve_result_errors(run->result));
		ts.nfailed++;
		return -1;
	}
	printf("%2u: Test '%s' SUCCEEDED\n", ts.ntests, ts.test_name);
	return 0;
}

static int fail_execute(struct sieve_run *run, const struct sv_node *node)
{
	const char *reason = arg_str(run, node, 0);
	free(ts.fail_reason);
	ts.fail_reason = sv_strdup(reason);
	if (!ts.in_test) {
		printf("test_fail outside a test: %s\n", reason);
		ts.aborted = true;
		ts.nfailed++;
		return -1;
	}
	ts.test_failed = true;
	return -1;	/* unwinds to the end of the test block */
}

/* ---- test_set ----------------------------------------------------------- */

static const char *const set_objects[] = {
	"message", "envelope.from", "envelope.to", "envelope.orig_to",
	"envelope.auth", NULL
};

static int set_validate(struct sieve_validator *v, struct sv_node *node)
{
	const struct sv_arg *a = sieve_node_arg(node, 0);
	if (!sieve_arg_is_constant(a))
		return 0;
	for (size_t i = 0; set_objects[i]; i++)
		if (strcasecmp(a->list[0].s, set_objects[i]) == 0)
			return 0;
	sieve_arg_error(v, a, "unknown testsuite object '%s'", a->list[0].s);
	return -1;
}

static int set_execute(struct sieve_run *run, const struct sv_node *node)
{
	size_t len;
	set_tst_vars(run, node);
	const char *obj = arg_str(run, node, 0);
	const char *val = sieve_run_string(run, sieve_node_arg(node, 1), &len);
	if (strcasecmp(obj, "message") == 0) {
		ts_set_message(ts_keepn(val, len), len, true);
		run->msg = ts.msg;
	} else if (strcasecmp(obj, "envelope.from") == 0) {
		ts.env.from = ts_smtp_path(val);
		if (ts.env.from == NULL)
			ts.env.from = "";
	} else if (strcasecmp(obj, "envelope.to") == 0) {
		ts.env.to = ts_smtp_path(val);
		ts.env.orig_to = ts.env.to;
	} else if (strcasecmp(obj, "envelope.orig_to") == 0) {
		ts.env.orig_to = ts_smtp_path(val);
	} else if (strcasecmp(obj, "envelope.auth") == 0) {
		ts.env.auth = ts_keep(sv_strdup(val));
	} else {
		return sieve_runtime_error(run, node, "unknown testsuite "
					   "object '%s'", obj);
	}
	return 0;
}

/* ---- test_message ----------------------------------------------------- */

static int message_validate(struct sieve_validator *v, struct sv_node *node)
{
	if (!sieve_node_tag(node, "smtp") && !sieve_node_tag(node, "folder")) {
		sieve_node_error(v, node, "the test_message command requires "
				 "either the :smtp or the :folder tag");
		return -1;
	}
	return 0;
}

/* A stored message made current shows its flags to hasflag, as upstream's
 * harness does: they become imap4flags' internal variable, which the
 * extension keeps as a space-separated string in its run context slot. */
static void set_stored_flags(struct sieve_run *run, const struct ts_stored *m)
{
	struct sv_str b = { 0 };
	for (size_t i = 0; i < m->nflags; i++) {
		if (i)
			sv_str_addc(&b, ' ');
		sv_str_adds(&b, m->flags[i]);
	}
	*sieve_run_context(run, &sieve_ext_imap4flags) =
		sv_arena_strdup(run->arena, b.s ? b.s : "");
	sv_str_free(&b);
}

/* 1 made current, 0 no such message */
static int message_select(struct sieve_run *run, const struct sv_node *node)
{
	set_tst_vars(run, node);
	unsigned long long idx = sieve_node_arg(node, 0)->number;
	if (sieve_node_tag(node, "smtp")) {
		if (idx >= ts.nsent)
			return 0;
		struct ts_sent *s = &ts.sent[idx];
		ts_set_message(s->data, s->len, false);
		ts.env.from = s->from;
		ts.env.to = s->to;
		ts.env.orig_to = s->to;
		run->msg = ts.msg;
		return 1;
	}
	const struct sv_arg *fa = sieve_node_tag_param(node, "folder");
	struct ts_folder *f = ts_folder_find(sieve_run_string(run, fa, NULL));
	if (f == NULL || idx >= f->n)
		return 0;
	ts_set_message(f->msgs[idx].data, f->msgs[idx].len, true);
	run->msg = ts.msg;
	set_stored_flags(run, &f->msgs[idx]);
	return 1;
}

static int message_cmd_execute(struct sieve_run *run,
			       const struct sv_node *node)
{
	if (message_select(run, node) > 0)
		return 0;
	free(ts.fail_reason);
	ts.fail_reason = sv_strdup("no such message");
	if (!ts.in_test) {
		ts.aborted = true;
		return sieve_runtime_error(run, node, "no such message");
	}
	ts.test_failed = true;
	return -1;
}

/* ---- sub-scripts ------------------------------------------------------- */

static int compile_execute(struct sieve_run *run, const struct sv_node *node)
{
	set_tst_vars(run, node);
	char *path = ts_path(arg_str(run, node, 0));
	ts_errors_clear();
	ts.cur = ts_compile(path, true);
	free(path);
	return ts.cur != NULL;
}

/* Run s into the shared result; 1 ok, 0 run-time error. */
static int run_into(struct sieve_script *s)
{
	struct sieve_run *outer = ts.run;
	struct sieve_result *res = outer->result;
	size_t before = strlen(sieve_result_errors(res));
	bool was_failed = ts.test_failed;
	int r = sieve_execute_into(s, ts.msg, &ts.env, &ts.cb, res, &ts.cfg,
				   &ts.keep_flags, &ts.nkeep_flags);
	ts.run = outer;
	outer->msg = ts.msg;
	ts.sub_flags = true;
	ts_errors_from_runtime(sieve_result_errors(res) + before);
	ts.sub_errors += strlen(sieve_result_errors(res)) - before;
	if (ts.test_failed && !was_failed) {
		/* test_fail in a testsuite sub-script stops only it */
		ts.test_failed = false;
		return 0;
	}
	return r == 0;
}

static int run_execute(struct sieve_run *run, const struct sv_node *node)
{
	set_tst_vars(run, node);
	ts_errors_clear();
	if (ts.cur == NULL)
		return sieve_runtime_error(run, node, "no script compiled");
	if (!sieve_node_tag(node, "append_result")) {
		sieve_result_reset(run->result);
		ts.executed = 0;
	}
	return run_into(ts.cur);
}

static int multiscript_execute(struct sieve_run *run,
			       const struct sv_node *node)
{
	const char **paths;
	size_t n = sieve_run_strlist(run, sieve_node_arg(node, 0), &paths,
				     NULL);
	set_tst_vars(run, node);
	ts_errors_clear();
	sieve_result_reset(run->result);
	ts.executed = 0;
	bool ok = true;
	for (size_t i = 0; i < n && ok; i++) {
		char *path = ts_path(paths[i]);
		struct sieve_script *s = ts_compile(path, true);
		free(path);
		ok = s != NULL && run_into(s);
		/* a script stopping the chain: later ones do not run */
	}
	if (!ts_result_execute(run))
		ok = false;
	sieve_result_reset(run->result);
	ts.executed = 0;
	ts.sub_flags = false;
	return ok;
}

/* ---- test_error / test_result_action ----------------------------------- */

static int match_validate(struct sieve_validator *v, struct sv_node *node)
{
	(void)v;
	if (!sieve_node_tag(node, "comparator"))
		node->match->cmp = &sieve_cmp_octet;
	return 0;
}

static int match_values(struct sieve_run *run, const struct sv_node *node,
			const char **vals, size_t n)
{
	const struct sv_arg *ia = sieve_node_tag_param(node, "index");
	size_t lens[n + 1];
	if (ia != NULL) {
		size_t i = (size_t)ia->number;
		if (i < 1 || i > n)
			return 0;
		vals += i - 1;
		n = 1;
	}
	for (size_t i = 0; i < n; i++)
		lens[i] = strlen(vals[i]);
	return sieve_match(run, node, vals, lens, n);
}

static int error_execute(struct sieve_run *run, const struct sv_node *node)
{
	set_tst_vars(run, node);
	return match_values(run, node, (const char **)ts.errors, ts.nerrors);
}

static const char *action_name(const struct sieve_action *a)
{
	static const char *const names[] = {
		[SIEVE_ACT_KEEP] = "keep", [SIEVE_ACT_FILEINTO] = "store",
		[SIEVE_ACT_REDIRECT] = "redirect",
		[SIEVE_ACT_DISCARD] = "discard", [SIEVE_ACT_REJECT] = "reject",
		[SIEVE_ACT_EREJECT] = "reject",
		[SIEVE_ACT_VACATION] = "vacation", [SIEVE_ACT_NOTIFY] = "notify",
	};
	return names[a->type];
}

static int action_execute(struct sieve_run *run, const struct sv_node *node)
{
	set_tst_vars(run, node);
	size_t n = sieve_result_count(run->result);
	const char **names = sv_arena_alloc(run->arena,
					    (n + 1) * sizeof(*names));
	for (size_t i = 0; i < n; i++)
		names[i] = action_name(sieve_result_action(run->result, i));
	return match_values(run, node, names, n);
}

/* ---- result, store, binaries ------------------------------------------ */

static int execute_execute(struct sieve_run *run, const struct sv_node *node)
{
	set_tst_vars(run, node);
	ts_errors_clear();
	return ts_result_execute(run) ? 1 : 0;
}

static int reset_execute(struct sieve_run *run, const struct sv_node *node)
{
	set_tst_vars(run, node);
	sieve_result_reset(run->result);
	ts.executed = 0;
	ts.sub_flags = false;
	ts_sink_clear();
	return 0;
}

static int print_execute(struct sieve_run *run, const struct sv_node *node)
{
	(void)node;
	for (size_t i = 0; i < sieve_result_count(run->result); i++) {
		char *s = sieve_action_format(sieve_result_action(run->result,
								   i));
		printf("  action %zu: %s\n", i + 1, s);
		free(s);
	}
	return 0;
}

static int msgprint_execute(struct sieve_run *run, const struct sv_node *node)
{
	(void)run;
	(void)node;
	fwrite(ts.msg_data, 1, ts.msg_len, stdout);
	return 0;
}

static int mbox_create_execute(struct sieve_run *run,
			       const struct sv_node *node)
{
	set_tst_vars(run, node);
	ts_folder_create(arg_str(run, node, 0));
	return 0;
}

static int bin_save_execute(struct sieve_run *run, const struct sv_node *node)
{
	set_tst_vars(run, node);
	if (ts.cur == NULL)
		return sieve_runtime_error(run, node, "no compiled script to "
					   "save as binary");
	ts.bins = sv_realloc(ts.bins, (ts.nbins + 1) * sizeof(*ts.bins));
	ts.bins[ts.nbins].name = sv_strdup(arg_str(run, node, 0));
	ts.bins[ts.nbins++].script = ts.cur;
	return 0;
}

static int bin_load_execute(struct sieve_run *run, const struct sv_node *node)
{
	set_tst_vars(run, node);
	const char *name = arg_str(run, node, 0);
	for (size_t i = ts.nbins; i-- > 0;)
		if (strcmp(ts.bins[i].name, name) == 0) {
			ts.cur = ts.bins[i].script;
			return 0;
		}
	return sieve_runtime_error(run, node, "failed to load binary '%s'",
				   name);
}

/* ---- configuration ------------------------------------------------------ */

static int cfg_set_execute(struct sieve_run *run, const struct sv_node *node)
{
	set_tst_vars(run, node);
	ts_config_set(arg_str(run, node, 0), arg_str(run, node, 1));
	if (ts.skip_reason)
		return sieve_runtime_error(run, node, "%s", ts.skip_reason);
	return 0;
}

static int cfg_unset_execute(struct sieve_run *run,
			     const struct sv_node *node)
{
	set_tst_vars(run, node);
	ts_config_unset(arg_str(run, node, 0));
	return 0;
}

static int cfg_reload_execute(struct sieve_run *run,
			      const struct sv_node *node)
{
	set_tst_vars(run, node);
	const struct sv_arg *ea = sieve_node_tag_param(node, "extension");
	char *err = NULL;
	if (ts_config_reload(ea ? sieve_run_string(run, ea, NULL) : NULL,
			     &err) < 0) {
		ts.aborted = true;
		sieve_runtime_error(run, node, "config reload: %s", err);
		free(err);
		return -1;
	}
	run->cfg = &ts.cfg;
	return 0;
}

/* ---- definitions --------------------------------------------------------- */

static const struct sieve_tag_def message_tags[] = {
	{ "smtp", SV_A_NONE, "source" }, { "folder", SV_A_STRING, "source" },
	{ NULL, 0, NULL }
};
static const struct sieve_tag_def index_tags[] = {
	{ "index", SV_A_NUMBER, NULL }, { NULL, 0, NULL }
};
static const struct sieve_tag_def run_tags[] = {
	{ "append_result", SV_A_NONE, NULL }, { NULL, 0, NULL }
};
static const struct sieve_tag_def reload_tags[] = {
	{ "extension", SV_A_STRING, NULL }, { NULL, 0, NULL }
};

#define CMD(n, ex, ...) { .name = n, .kind = SIEVE_CMD, .execute = ex, \
			  __VA_ARGS__ }
#define TST(n, ex, ...) { .name = n, .kind = SIEVE_TEST, .execute = ex, \
			  __VA_ARGS__ }

static const struct sieve_command_def ts_cmds[] = {
	CMD("test", test_execute, .flags = SV_F_BLOCK, .pos = { SV_A_STRING },
	    .validate = test_validate),
	CMD("test_fail", fail_execute, .pos = { SV_A_STRING }),
	CMD("test_set", set_execute, .pos = { SV_A_STRING, SV_A_STRING },
	    .validate = set_validate),
	CMD("test_message", message_cmd_execute, .pos = { SV_A_NUMBER },
	    .tags = message_tags, .validate = message_validate),
	TST("test_message", message_select, .pos = { SV_A_NUMBER },
	    .tags = message_tags, .validate = message_validate),
	TST("test_script_compile", compile_execute, .pos = { SV_A_STRING }),
	TST("test_script_run", run_execute, .tags = run_tags),
	TST("test_multiscript", multiscript_execute, .pos = { SV_A_STRLIST }),
	TST("test_error", error_execute, .flags = SV_F_MATCH,
	    .pos = { SV_A_STRLIST }, .tags = index_tags,
	    .validate = match_validate),
	TST("test_result_action", action_execute, .flags = SV_F_MATCH,
	    .pos = { SV_A_STRLIST }, .tags = index_tags,
	    .validate = match_validate),
	TST("test_result_execute", execute_execute),
	CMD("test_result_reset", reset_execute),
	CMD("test_result_print", print_execute),
	CMD("test_message_print", msgprint_execute),
	CMD("test_mailbox_create", mbox_create_execute,
	    .pos = { SV_A_STRING }),
	CMD("test_binary_save", bin_save_execute, .pos = { SV_A_STRING }),
	CMD("test_binary_load", bin_load_execute, .pos = { SV_A_STRING }),
	CMD("test_config_set", cfg_set_execute,
	    .pos = { SV_A_STRING, SV_A_STRING }),
	CMD("test_config_unset", cfg_unset_execute, .pos = { SV_A_STRING }),
	CMD("test_config_reload", cfg_reload_execute, .tags = reload_tags),
};

#define NCMDS (sizeof(ts_cmds) / sizeof(ts_cmds[0]))

static const struct sieve_command_def *const ts_cmd_list[NCMDS + 1] = {
	&ts_cmds[0], &ts_cmds[1], &ts_cmds[2], &ts_cmds[3], &ts_cmds[4],
	&ts_cmds[5], &ts_cmds[6], &ts_cmds[7], &ts_cmds[8], &ts_cmds[9],
	&ts_cmds[10], &ts_cmds[11], &ts_cmds[12], &ts_cmds[13],
	&ts_cmds[14], &ts_cmds[15], &ts_cmds[16], &ts_cmds[17],
	&ts_cmds[18], &ts_cmds[19], NULL
};

const struct sieve_extension_def ts_ext_testsuite = {
	.name = "vnd.dovecot.testsuite",
	.commands = ts_cmd_list,
	.hidden = true,
	.not_ihave = true,
};
