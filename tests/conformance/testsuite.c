/*
 * testsuite.c: runs one Pigeonhole .svtest file through our engine with
 * a minimal vnd.dovecot.testsuite extension (see TESTSUITE-LANGUAGE.md
 * in the shared conformance folder): `test "name" { ... }`, `test_fail`
 * and `test_set` (message, envelope.from/to/orig_to/auth).  The result,
 * store, SMTP and diagnostics commands (test_error, test_script_*,
 * test_result_*, test_message, test_config_*) are not implemented yet:
 * files using them fail to compile and count as unsupported.
 *
 * usage: sieve-testsuite [-F] FILE.svtest
 * exit: 0 pass, 1 a test failed or the file aborted, 2 did not compile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../sieve/sieve-private.h"

static struct {
	const char *test;	/* current test name, NULL outside */
	char *fail_reason;
	unsigned ntests, nfailed;
	bool aborted;
	struct sieve_envelope env;
	char *env_strings[4];
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
	&cmd_test, &cmd_test_fail, &cmd_test_set, NULL
};
static const struct sieve_extension_def ext_testsuite = {
	.name = "vnd.dovecot.testsuite",
	.commands = ts_cmds,
	.hidden = true,
};

/* ---- main ------------------------------------------------------------------ */

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
	struct sieve_result *res = sieve_execute(s, m, &ts.env, NULL);
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
	int rc = run_file(argv[1 + expect_fail], expect_fail);
	for (size_t i = 0; i < ts.nmsgs; i++) {
		sieve_message_free(&ts.msgs[i]);
		free(ts.msg_data[i]);
	}
	for (int i = 0; i < 4; i++)
		free(ts.env_strings[i]);
	free(ts.fail_reason);
	return rc;
}
