/*
 * testsuite.c: runs one Pigeonhole .svtest file through our engine with
 * a minimal vnd.dovecot.testsuite extension (see TESTSUITE-LANGUAGE.md
 * in the shared conformance folder): `test "name" { ... }`, `test_fail`
 * `test_set` (message, envelope.from/to/orig_to/auth), test_script_compile
 * and test_script_run (sub-scripts; errors into the diagnostics buffer
 * with Pigeonhole's "parse failed"/"validation failed" summary),
 * test_error, test_result_action/reset, test_mailbox_create and
 * test_binary_save/load (an in-memory map).  test_result_execute carries
 * out nothing (no store or SMTP sink) and returns true.  test_config_set/
 * unset/reload map a few Pigeonhole settings onto struct sieve_config
 * (others are a run-time error).  test_message and test_multiscript are
 * not implemented, so files using them fail to compile (unsupported).
 *
 * usage: sieve-testsuite [-F] FILE.svtest
 * exit: 0 pass, 1 a test failed or the file aborted, 2 did not compile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../sieve/sieve-private.h"

static struct {
	const char *test;	/* current test name, NULL outside */
	char *fail_reason;
	unsigned ntests, nfailed;
	bool aborted;
	struct sieve_envelope env;
	char *env_strings[4];
	const char *dir;		/* the .svtest's directory */
	struct sieve_script *scripts[256];	/* compiled sub-scripts */
	size_t nscripts;
	struct sieve_script *cur;	/* the current compiled sub-script */
	struct { char *name; struct sieve_script *s; } bins[32];
	size_t nbins;
	char **diags;			/* error texts of the last operation */
	size_t ndiags;
	struct sieve_result *subs[64];	/* results of test_script_run */
	size_t nsubs;
	char *mailboxes[64];
	size_t nmailboxes;
	struct sieve_callbacks cb;
	struct sieve_config cfg;	/* after test_config_reload */
	struct { char *key, *value; } pending[32];
	size_t npending;
	struct sieve_message *msgs[256];
	char *msg_data[256];
	size_t nmsgs;
} ts;

static const char default_msg[] =
	"From: sender@example.com\nTo: recipient@example.org\n"
	"Subject: Frop!\n\nFriep!\n";

static void set_env_string(int idx, const char **field, const char *v)
{
	free(ts.env_strings[idx]);
	ts.env_strings[idx] = v ? strdup(v) : NULL;
	*field = ts.env_strings[idx];
}

static const char *first_address(struct sieve_message *m,
				 const char *const *names)
{
	for (size_t i = 0; names[i]; i++) {
		const struct sieve_address *a;
		if (sieve_message_addresses(m, names[i], &a) > 0 &&
		    a[0].localpart)
			return a[0].all;
	}
	return NULL;
}

static struct sieve_message *set_message(const char *text, size_t len)
{
	static const char *const to_hdrs[] = { "envelope-to", "to", NULL };
	static const char *const from_hdrs[] = { "return-path", "sender",
						 "from", NULL };
	if (ts.nmsgs == 256)
		return ts.msgs[255];
	char *data = malloc(len + 1);
	memcpy(data, text, len);
	data[len] = '\0';
	struct sieve_message *m = sieve_message_new(data, len);
	ts.msgs[ts.nmsgs] = m;
	ts.msg_data[ts.nmsgs++] = data;
	const char *to = first_address(m, to_hdrs);
	const char *from = first_address(m, from_hdrs);
	set_env_string(0, &ts.env.to, to ? to : "recipient@example.com");
	set_env_string(1, &ts.env.orig_to, ts.env.to);
	set_env_string(2, &ts.env.from, from ? from : "sender@example.com");
	set_env_string(3, &ts.env.auth, "user");
	return m;
}

static char *slurp(const char *path, size_t *len_r)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	struct sv_str b = { 0 };
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sv_str_add(&b, buf, n);
	fclose(f);
	*len_r = b.len;
	return b.s ? sv_str_steal(&b) : sv_strdup("");
}

/* ---- diagnostics buffer, sub-scripts, results ----------------------------- */

static void diags_clear(void)
{
	for (size_t i = 0; i < ts.ndiags; i++)
		free(ts.diags[i]);
	free(ts.diags);
	ts.diags = NULL;
	ts.ndiags = 0;
}

static void diags_add(const char *text, size_t len)
{
	ts.diags = realloc(ts.diags, (ts.ndiags + 1) * sizeof(*ts.diags));
	ts.diags[ts.ndiags++] = strndup(text, len);
}

/* Run-time error lines "name:l:c: error: text" into bare texts. */
static void diags_from_lines(const char *text)
{
	while (text && *text) {
		const char *nl = strchr(text, '\n');
		size_t n = nl ? (size_t)(nl - text) : strlen(text);
		const char *e = strstr(text, ": error: ");
		if (e && e < text + n)
			diags_add(e + 9, (size_t)(text + n - e - 9));
		text += n + (nl != NULL);
	}
}

static bool mailbox_exists(void *ctx, const char *name)
{
	(void)ctx;
	if (strcasecmp(name, "INBOX") == 0)
		return true;
	for (size_t i = 0; i < ts.nmailboxes; i++)
		if (strcmp(ts.mailboxes[i], name) == 0)
			return true;
	return false;
}

static void subs_clear(void)
{
	for (size_t i = 0; i < ts.nsubs; i++)
		sieve_result_free(&ts.subs[i]);
	ts.nsubs = 0;
}

static const struct sieve_extension_def ext_testsuite;

/* ---- the extension ------------------------------------------------------ */

static int test_execute(struct sieve_run *run, const struct sv_node *node)
{
	ts.test = sieve_run_string(run, sieve_node_arg(node, 0), NULL);
	ts.ntests++;
	int r = sieve_run_block(run, node->block, node->nblock);
	if (r < 0 || run->failed) {
		const char *err = sieve_result_errors(run->result);
		printf("%2u: Test '%s' FAILED: run-time error: %s",
		       ts.ntests, ts.test, *err ? err : "?\n");
		ts.nfailed++;
	} else if (ts.fail_reason) {
		printf("%2u: Test '%s' FAILED: %s\n", ts.ntests, ts.test,
		       ts.fail_reason);
		ts.nfailed++;
	} else {
		printf("%2u: Test '%s' SUCCEEDED\n", ts.ntests, ts.test);
	}
	free(ts.fail_reason);
	ts.fail_reason = NULL;
	ts.test = NULL;
	run->stopped = false;
	run->failed = false;
	return 0;
}

static int fail_execute(struct sieve_run *run, const struct sv_node *node)
{
	const char *reason = sieve_run_string(run, sieve_node_arg(node, 0),
					      NULL);
	if (ts.test == NULL) {
		printf("test_fail outside a test: %s\n", reason);
		ts.aborted = true;
	} else {
		free(ts.fail_reason);
		ts.fail_reason = strdup(reason);
	}
	run->stopped = true;
	return 0;
}

static int set_execute(struct sieve_run *run, const struct sv_node *node)
{
	size_t len;
	const char *obj = sieve_run_string(run, sieve_node_arg(node, 0), NULL);
	const char *val = sieve_run_string(run, sieve_node_arg(node, 1), &len);
	if (strcmp(obj, "message") == 0)
		run->msg = set_message(val, len);
	else if (strcmp(obj, "envelope.from") == 0)
		set_env_string(2, &ts.env.from, val);
	else if (strcmp(obj, "envelope.to") == 0)
		set_env_string(0, &ts.env.to, val);
	else if (strcmp(obj, "envelope.orig_to") == 0)
		set_env_string(1, &ts.env.orig_to, val);
	else if (strcmp(obj, "envelope.auth") == 0)
		set_env_string(3, &ts.env.auth, val);
	else
		return sieve_runtime_error(run, node, "test_set: unknown "
					   "object '%s'", obj);
	return 0;
}

static int compile_execute(struct sieve_run *run, const struct sv_node *node)
{
	static const struct sieve_extension_def *const extra[] = {
		&ext_testsuite, NULL
	};
	const char *rel = sieve_run_string(run, sieve_node_arg(node, 0), NULL);
	char *path = sv_asprintf("%s/%s", ts.dir, rel);
	size_t len;
	char *text = slurp(path, &len);
	diags_clear();
	ts.cur = NULL;
	if (text == NULL) {
		diags_add("script not found", 16);
		free(path);
		return 0;
	}
	struct sieve_diags d = { 0 };
	const char *slash = strrchr(rel, '/');
	char *name = strdup(slash ? slash + 1 : rel);
	char *dot = strrchr(name, '.');
	if (dot)
		*dot = '\0';
	struct sieve_script *s = sieve_compile_diags(name, text, len,
						     run->cfg, extra, &d);
	for (size_t i = 0; i < d.n; i++)
		if (!d.v[i].warning)
			diags_add(d.v[i].text, strlen(d.v[i].text));
	if (s == NULL)
		diags_add(d.parse_failed ? "parse failed" : "validation failed",
			  d.parse_failed ? 12 : 17);
	sieve_diags_free(&d);
	free(name);
	free(text);
	free(path);
	if (s && ts.nscripts < 256)
		ts.scripts[ts.nscripts++] = s;
	ts.cur = s;
	return s != NULL;
}

static int run_execute(struct sieve_run *run, const struct sv_node *node)
{
	diags_clear();
	if (!sieve_node_tag(node, "append_result")) {
		subs_clear();
		sieve_result_reset(run->result);
	}
	if (ts.cur == NULL || ts.nsubs == 64)
		return 0;
	struct sieve_result *res = sieve_execute(ts.cur, run->msg, &ts.env,
						 &ts.cb);
	ts.subs[ts.nsubs++] = res;
	const char *errs = sieve_result_errors(res);
	diags_from_lines(errs);
	return !sieve_result_failed(res);
}

static const char *action_name(const struct sieve_action *a)
{
	static const char *const names[] = {
		"keep", "store", "redirect", "discard", "reject", "reject",
		"vacation", "notify",
	};
	return names[a->type];
}

static void add_actions(struct sieve_run *run, const struct sieve_result *res,
			const char ***v, size_t **l, size_t *n)
{
	for (size_t i = 0; i < sieve_result_count(res); i++) {
		const struct sieve_action *a = sieve_result_action(res, i);
		if (a->implicit)
			continue;
		const char **nv = sv_arena_alloc(run->arena,
						 (*n + 1) * sizeof(*nv));
		size_t *nl = sv_arena_alloc(run->arena, (*n + 1) * sizeof(*nl));
		if (*n) {
			memcpy(nv, *v, *n * sizeof(*nv));
			memcpy(nl, *l, *n * sizeof(*nl));
		}
		nv[*n] = action_name(a);
		nl[*n] = strlen(nv[*n]);
		*v = nv, *l = nl, (*n)++;
	}
}

static int result_action_execute(struct sieve_run *run,
				 const struct sv_node *node)
{
	const char **v = NULL;
	size_t *l = NULL, n = 0;
	add_actions(run, run->result, &v, &l, &n);
	for (size_t i = 0; i < ts.nsubs; i++)
		add_actions(run, ts.subs[i], &v, &l, &n);
	n = sieve_index_filter(node, v, l, n);
	return sieve_match(run, node, v, l, n);
}

static int error_execute(struct sieve_run *run, const struct sv_node *node)
{
	const char **v = sv_arena_alloc(run->arena,
					(ts.ndiags + 1) * sizeof(*v));
	size_t *l = sv_arena_alloc(run->arena, (ts.ndiags + 1) * sizeof(*l));
	for (size_t i = 0; i < ts.ndiags; i++)
		v[i] = ts.diags[i], l[i] = strlen(ts.diags[i]);
	size_t n = sieve_index_filter(node, v, l, ts.ndiags);
	return sieve_match(run, node, v, l, n);
}

/* test_error and test_result_action compare with i;octet by default */
static int octet_default_validate(struct sieve_validator *v,
				  struct sv_node *node)
{
	(void)v;
	if (!sieve_node_tag(node, "comparator"))
		node->match->cmp = &sieve_cmp_octet;
	return 0;
}

static int reset_execute(struct sieve_run *run, const struct sv_node *node)
{
	(void)node;
	subs_clear();
	sieve_result_reset(run->result);
	return 0;
}

static int execute_execute(struct sieve_run *run, const struct sv_node *node)
{
	(void)run, (void)node;
	diags_clear();
	return 1;	/* nothing is carried out: the harness has no store */
}

static int mailbox_create_execute(struct sieve_run *run,
				  const struct sv_node *node)
{
	const char *name = sieve_run_string(run, sieve_node_arg(node, 0), NULL);
	if (ts.nmailboxes < 64 && !mailbox_exists(NULL, name))
		ts.mailboxes[ts.nmailboxes++] = strdup(name);
	return 0;
}

static int binary_save_execute(struct sieve_run *run,
			       const struct sv_node *node)
{
	const char *name = sieve_run_string(run, sieve_node_arg(node, 0), NULL);
	if (ts.cur == NULL || ts.nbins == 32)
		return sieve_runtime_error(run, node, "nothing to save");
	ts.bins[ts.nbins].name = strdup(name);
	ts.bins[ts.nbins++].s = ts.cur;
	return 0;
}

static int binary_load_execute(struct sieve_run *run,
			       const struct sv_node *node)
{
	const char *name = sieve_run_string(run, sieve_node_arg(node, 0), NULL);
	for (size_t i = ts.nbins; i-- > 0;)
		if (strcmp(ts.bins[i].name, name) == 0) {
			ts.cur = ts.bins[i].s;
			return 0;
		}
	return sieve_runtime_error(run, node, "binary '%s' not found", name);
}

/* "2s", "1d", "4000", "10K": seconds or bytes */
static unsigned long parse_config_number(const char *v)
{
	char *end;
	unsigned long n = strtoul(v, &end, 10);
	switch (*end) {
	case 's': return n;
	case 'm': return n * 60;
	case 'h': return n * 3600;
	case 'd': return n * 86400;
	case 'k': case 'K': return n * 1024;
	case 'M': return n * 1024 * 1024;
	default: return n;
	}
}

/* Map one Pigeonhole setting onto our config; false when unknown. */
static bool apply_config(struct sieve_config *c, const char *key,
			 const char *v)
{
	unsigned long n = parse_config_number(v);
	if (strcmp(key, "recipient_delimiter") == 0)
		c->subaddress_separator = *v ? *v : '+';
	else if (strcmp(key, "sieve_max_cpu_time") == 0)
		c->max_cpu_ms = (unsigned)(n * 1000);
	else if (strcmp(key, "sieve_variables_max_value_size") == 0)
		c->max_variable_size = n;
	else if (strcmp(key, "sieve_notify_max_notifications") == 0)
		c->max_notify = (unsigned)n;	/* 0: notify prohibited */
	else if (strcmp(key, "sieve_vacation_min_period") == 0)
		c->vacation_min_seconds = n;
	else if (strcmp(key, "sieve_max_actions") == 0)
		c->max_actions = (unsigned)n;
	else if (strcmp(key, "sieve_max_redirects") == 0)
		c->max_redirects = (unsigned)n;
	else
		return false;
	return true;
}

static int config_set_execute(struct sieve_run *run,
			      const struct sv_node *node)
{
	const char *key = sieve_run_string(run, sieve_node_arg(node, 0), NULL);
	const char *val = node->npos > 1 ?
		sieve_run_string(run, sieve_node_arg(node, 1), NULL) : NULL;
	if (ts.npending == 32)
		return sieve_runtime_error(run, node, "too many settings");
	ts.pending[ts.npending].key = strdup(key);
	ts.pending[ts.npending++].value = val ? strdup(val) : NULL;
	return 0;
}

static int config_reload_execute(struct sieve_run *run,
				 const struct sv_node *node)
{
	struct sieve_config c;
	sieve_config_defaults(&c);
	c.max_cpu_ms = 30000;
	for (size_t i = 0; i < ts.npending; i++) {
		const char *v = ts.pending[i].value;
		if (v && !apply_config(&c, ts.pending[i].key, v))
			return sieve_runtime_error(run, node, "test_config: "
						   "setting '%s' is not "
						   "supported",
						   ts.pending[i].key);
	}
	ts.cfg = c;
	run->cfg = &ts.cfg;	/* the running script sees it too */
	return 0;
}

static const struct sieve_tag_def reload_tags[] = {
	{ "extension", SV_A_STRING, NULL }, { NULL, SV_A_NONE, NULL },
};

static const struct sieve_tag_def run_tags[] = {
	{ "append_result", SV_A_NONE, NULL }, { NULL, SV_A_NONE, NULL },
};
static const struct sieve_tag_def index_tags[] = {
	{ "index", SV_A_NUMBER, NULL }, { NULL, SV_A_NONE, NULL },
};

static const struct sieve_command_def tst_script_compile = {
	.name = "test_script_compile", .kind = SIEVE_TEST,
	.pos = { SV_A_STRING }, .execute = compile_execute,
};
static const struct sieve_command_def tst_script_run = {
	.name = "test_script_run", .kind = SIEVE_TEST, .tags = run_tags,
	.execute = run_execute,
};
static const struct sieve_command_def tst_result_action = {
	.name = "test_result_action", .kind = SIEVE_TEST, .flags = SV_F_MATCH,
	.tags = index_tags, .pos = { SV_A_STRLIST },
	.validate = octet_default_validate, .execute = result_action_execute,
};
static const struct sieve_command_def tst_error = {
	.name = "test_error", .kind = SIEVE_TEST, .flags = SV_F_MATCH,
	.tags = index_tags, .pos = { SV_A_STRLIST },
	.validate = octet_default_validate, .execute = error_execute,
};
static const struct sieve_command_def cmd_result_reset = {
	.name = "test_result_reset", .kind = SIEVE_CMD,
	.execute = reset_execute,
};
static const struct sieve_command_def tst_result_execute = {
	.name = "test_result_execute", .kind = SIEVE_TEST,
	.execute = execute_execute,
};
static const struct sieve_command_def cmd_mailbox_create = {
	.name = "test_mailbox_create", .kind = SIEVE_CMD,
	.pos = { SV_A_STRING }, .execute = mailbox_create_execute,
};
static const struct sieve_command_def cmd_binary_save = {
	.name = "test_binary_save", .kind = SIEVE_CMD,
	.pos = { SV_A_STRING }, .execute = binary_save_execute,
};
static const struct sieve_command_def cmd_binary_load = {
	.name = "test_binary_load", .kind = SIEVE_CMD,
	.pos = { SV_A_STRING }, .execute = binary_load_execute,
};

static const struct sieve_command_def cmd_config_set = {
	.name = "test_config_set", .kind = SIEVE_CMD,
	.pos = { SV_A_STRING, SV_A_STRING }, .execute = config_set_execute,
};
static const struct sieve_command_def cmd_config_unset = {
	.name = "test_config_unset", .kind = SIEVE_CMD,
	.pos = { SV_A_STRING }, .execute = config_set_execute,
};
static const struct sieve_command_def cmd_config_reload = {
	.name = "test_config_reload", .kind = SIEVE_CMD, .tags = reload_tags,
	.execute = config_reload_execute,
};

static const struct sieve_command_def cmd_test = {
	.name = "test", .kind = SIEVE_CMD, .flags = SV_F_BLOCK,
	.pos = { SV_A_STRING }, .execute = test_execute,
};
static const struct sieve_command_def cmd_test_fail = {
	.name = "test_fail", .kind = SIEVE_CMD, .pos = { SV_A_STRING },
	.execute = fail_execute,
};
static const struct sieve_command_def cmd_test_set = {
	.name = "test_set", .kind = SIEVE_CMD,
	.pos = { SV_A_STRING, SV_A_STRING }, .execute = set_execute,
};
static const struct sieve_command_def *const ts_cmds[] = {
	&cmd_test, &cmd_test_fail, &cmd_test_set, &tst_script_compile,
	&tst_script_run, &tst_result_action, &tst_error, &cmd_result_reset,
	&tst_result_execute, &cmd_mailbox_create, &cmd_binary_save,
	&cmd_binary_load, &cmd_config_set, &cmd_config_unset,
	&cmd_config_reload, NULL
};
static const struct sieve_extension_def ext_testsuite = {
	.name = "vnd.dovecot.testsuite",
	.commands = ts_cmds,
	.hidden = true,
};

/* ---- main ------------------------------------------------------------------ */

static int run_file(const char *path, bool expect_fail)
{
	static const struct sieve_extension_def *const extra[] = {
		&ext_testsuite, NULL
	};
	size_t len;
	char *text = slurp(path, &len);
	if (text == NULL) {
		fprintf(stderr, "%s: cannot read\n", path);
		return 2;
	}
	struct sieve_config cfg;
	struct sieve_diags d = { 0 };
	sieve_config_defaults(&cfg);
	cfg.max_cpu_ms = 30000;
	struct sieve_script *s = sieve_compile_diags(path, text, len, &cfg,
						     extra, &d);
	free(text);
	if (s == NULL) {
		char *errs = sieve_diags_format(&d, path);
		printf("%s%s: compile failed\n", errs ? errs : "", path);
		free(errs);
		sieve_diags_free(&d);
		return expect_fail ? 0 : 2;
	}
	sieve_diags_free(&d);
	struct sieve_message *m = set_message(default_msg,
					      strlen(default_msg));
	ts.cb.mailbox_exists = mailbox_exists;
	struct sieve_result *res = sieve_execute(s, m, &ts.env, &ts.cb);
	const char *errs = sieve_result_errors(res);
	bool rt_error = *errs != '\0' && ts.ntests == 0;
	if (*errs)
		printf("run-time errors:\n%s", errs);
	sieve_result_free(&res);
	sieve_script_free(&s);
	int rc;
	if (expect_fail)
		rc = ts.nfailed == ts.ntests ? 0 : 1;
	else
		rc = ts.nfailed || ts.aborted || rt_error ? 1 : 0;
	if (ts.nfailed)
		printf("FAIL: %u of %u tests failed.\n", ts.nfailed, ts.ntests);
	else
		printf("PASS: %u tests succeeded.\n", ts.ntests);
	return rc;
}

int main(int argc, char **argv)
{
	bool expect_fail = argc > 1 && strcmp(argv[1], "-F") == 0;
	if (argc != 2 + expect_fail) {
		fprintf(stderr, "usage: sieve-testsuite [-F] FILE.svtest\n");
		return 2;
	}
	const char *file = argv[1 + expect_fail];
	const char *slash = strrchr(file, '/');
	ts.dir = slash ? strndup(file, (size_t)(slash - file)) : strdup(".");
	int rc = run_file(file, expect_fail);
	subs_clear();
	diags_clear();
	for (size_t i = 0; i < ts.nscripts; i++)
		sieve_script_free(&ts.scripts[i]);
	for (size_t i = 0; i < ts.nbins; i++)
		free(ts.bins[i].name);
	for (size_t i = 0; i < ts.nmailboxes; i++)
		free(ts.mailboxes[i]);
	free((char *)ts.dir);
	for (size_t i = 0; i < ts.npending; i++) {
		free(ts.pending[i].key);
		free(ts.pending[i].value);
	}
	for (size_t i = 0; i < ts.nmsgs; i++) {
		sieve_message_free(&ts.msgs[i]);
		free(ts.msg_data[i]);
	}
	for (int i = 0; i < 4; i++)
		free(ts.env_strings[i]);
	free(ts.fail_reason);
	return rc;
}
