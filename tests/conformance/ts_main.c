/*
 * ts_main.c: sieve-testsuite, the runner for Pigeonhole's .svtest files
 * (usage: sieve-testsuite [-F] FILE.svtest).  Compiles the file with our
 * engine plus the hidden vnd.dovecot.testsuite extension, runs it once
 * against the default message, prints one line per test and a final
 * PASS/FAIL.  Exit 0 pass, 1 fail, 77 skipped (an unsupported setting).
 * -F: expected failure (passes when every test failed or the file did
 * not compile).  --capabilities prints the engine's.  Also the message/envelope, diagnostics and config state.
 */
#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "ts.h"

struct ts_state ts;

static char **pool;
static size_t npool;

char *ts_keep(char *s)
{
	pool = sv_realloc(pool, (npool + 1) * sizeof(*pool));
	pool[npool++] = s;
	return s;
}

const char *ts_keepn(const char *s, size_t len)
{
	return ts_keep(sv_strndup(s, len));
}

static struct sieve_message **msgs;
static size_t nmsgs;

/* ---- message and envelope (TESTSUITE-LANGUAGE.md 2.2) --------------- */

static const char default_msg[] =
	"From: sender@example.com\n"
	"To: recipient@example.org\n"
	"Subject: Frop!\n"
	"\n"
	"Friep!\n";

static const char *first_address(const char *const *names,
				 const char *fallback)
{
	for (size_t i = 0; names[i]; i++) {
		const char *const *raw;
		if (sieve_message_headers_raw(ts.msg, names[i], &raw) > 0 &&
		    strcmp(raw[0], "<>") == 0)
			return "";
		const struct sieve_address *a;
		size_t n = sieve_message_addresses(ts.msg, names[i], &a);
		for (size_t j = 0; j < n; j++)
			if (a[j].localpart != NULL)
				return ts_keep(sv_strdup(a[j].all));
	}
	return fallback;
}

void ts_set_message(const char *data, size_t len, bool derive_env)
{
	static const char *const to_hdrs[] = { "envelope-to", "to", NULL };
	static const char *const from_hdrs[] = {
		"return-path", "sender", "from", NULL
	};
	ts.msg = sieve_message_new(data, len);
	msgs = sv_realloc(msgs, (nmsgs + 1) * sizeof(*msgs));
	msgs[nmsgs++] = ts.msg;
	ts.msg_data = data;
	ts.msg_len = len;
	if (!derive_env)
		return;
	ts.env.to = first_address(to_hdrs, "recipient@example.com");
	ts.env.orig_to = ts.env.to;
	ts.env.from = first_address(from_hdrs, "sender@example.com");
	ts.env.auth = ts.os_user;
}

/* An SMTP path: angle brackets optional, "" or "<>" the null path. */
char *ts_address_only(const char *path)
{
	while (isspace((unsigned char)*path))
		path++;
	size_t len = strlen(path);
	while (len > 0 && isspace((unsigned char)path[len - 1]))
		len--;
	if (len >= 2 && path[0] == '<' && path[len - 1] == '>') {
		path++;
		len -= 2;
	}
	return sv_strndup(path, len);
}

char *ts_path(const char *rel)
{
	if (rel[0] == '/')
		return sv_strdup(rel);
	return sv_asprintf("%s/%s", ts.dir, rel);
}

/* ---- diagnostics (2.6) ------------------------------------------------ */

void ts_errors_clear(void)
{
	for (size_t i = 0; i < ts.nerrors; i++)
		free(ts.errors[i]);
	ts.nerrors = 0;
}

void ts_errors_add(const char *text)
{
	ts.errors = sv_realloc(ts.errors, (ts.nerrors + 1) *
			       sizeof(*ts.errors));
	ts.errors[ts.nerrors++] = sv_strdup(text);
}

/* "name:line:col: error: text" lines: record the bare texts. */
void ts_errors_from_runtime(const char *text)
{
	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);
		char *line = sv_strndup(text, len);
		const char *m = strstr(line, ": error: ");
		ts_errors_add(m ? m + 9 : line);
		free(line);
		text += len + (nl != NULL);
	}
}

static char *read_all(const char *path, size_t *len_r)
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

static const char *script_name(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	const char *dot = strrchr(base, '.');
	return ts_keepn(base, dot ? (size_t)(dot - base) : strlen(base));
}

static const struct sieve_extension_def *const extra[] = {
	&ts_ext_testsuite, NULL
};

/* Compile a sub-script (or the main file); diagnostics are captured and,
 * with report, printed.  The script is freed at exit. */
struct sieve_script *ts_compile(const char *path, bool report)
{
	size_t len;
	char *text = read_all(path, &len);
	if (text == NULL) {
		ts_errors_add("failed to open sieve script");
		if (report)
			printf("  %s: cannot open: %s\n", path, strerror(errno));
		return NULL;
	}
	struct sieve_diags d = { 0 };
	struct sieve_script *s = sieve_compile_diags(script_name(path), text,
						     len, &ts.cfg, extra, &d);
	free(text);
	for (size_t i = 0; i < d.n; i++)
		if (!d.v[i].warning)
			ts_errors_add(d.v[i].text);
	if (s == NULL)
		ts_errors_add(d.parse_failed ? "parse failed" :
			      "validation failed");
	if (getenv("TS_VERBOSE")) {
		char *f = sieve_diags_format(&d, path);
		if (f)
			fputs(f, stdout);
		free(f);
	}
	sieve_diags_free(&d);
	if (s != NULL) {
		ts.scripts = sv_realloc(ts.scripts, (ts.nscripts + 1) *
					sizeof(*ts.scripts));
		ts.scripts[ts.nscripts++] = s;
	}
	return s;
}

/* ---- configuration (section 7) ---------------------------------------- */

static const char *setting(const char *name)
{
	for (size_t i = 0; i < ts.nsettings; i++)
		if (strcmp(ts.settings[i].name, name) == 0)
			return ts.settings[i].value;
	return NULL;
}

static const char *const known_settings[] = {
	"sieve_max_cpu_time", "sieve_user_email",
	"sieve_redirect_envelope_from", "recipient_delimiter",
	"sieve_variables_max_value_size", "sieve_notify_max_notifications",
	"sieve_notify_mailto_envelope_from", "sieve_vacation_min_period",
	"sieve_vacation_default_subject",
	"sieve_vacation_default_subject_template",
	"sieve_vacation_use_original_recipient",
	"sieve_vacation_check_recipient", "sieve_vacation_dont_check_recipient",
	"sieve_vacation_send_from_recipient",
	"sieve_vacation_to_header_ignore_envelope",
	NULL
};

void ts_config_unset(const char *name)
{
	for (size_t i = 0; i < ts.nsettings; i++)
		if (strcmp(ts.settings[i].name, name) == 0) {
			free(ts.settings[i].name);
			free(ts.settings[i].value);
			ts.settings[i] = ts.settings[--ts.nsettings];
			return;
		}
}

void ts_config_set(const char *name, const char *value)
{
	bool known = false;
	for (size_t i = 0; known_settings[i]; i++)
		known = known || strcmp(known_settings[i], name) == 0;
	if (!known) {
		free(ts.skip_reason);
		ts.skip_reason = sv_asprintf("unsupported setting %s", name);
		return;
	}
	ts_config_unset(name);
	ts.settings = sv_realloc(ts.settings, (ts.nsettings + 1) *
				 sizeof(*ts.settings));
	ts.settings[ts.nsettings].name = sv_strdup(name);
	ts.settings[ts.nsettings++].value = sv_strdup(value);
}

/* "10", "2s", "1d", "4k": seconds or bytes; false when invalid. */
static bool parse_unit(const char *s, unsigned long long *v_r, bool time)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (end == s || errno != 0)
		return false;
	while (*end == ' ')
		end++;
	unsigned long long mul = 1;
	if (time && *end) {
		switch (tolower((unsigned char)*end)) {
		case 's': mul = 1; break;
		case 'm': mul = 60; break;
		case 'h': mul = 3600; break;
		case 'd': mul = 86400; break;
		default: return false;
		}
	} else if (*end) {
		switch (tolower((unsigned char)*end)) {
		case 'k': mul = 1024; break;
		case 'm': mul = 1024 * 1024; break;
		default: return false;
		}
	}
	*v_r = v * mul;
	return true;
}

static int apply_number(const char *name, unsigned long long *v_r,
			bool time, char **error_r)
{
	const char *val = setting(name);
	if (val == NULL)
		return 0;
	if (!parse_unit(val, v_r, time)) {
		*error_r = sv_asprintf("invalid value for %s: %s", name, val);
		return -1;
	}
	return 1;
}

static int apply_numbers(struct sieve_config *c, char **error_r)
{
	unsigned long long v;
	int r;
	if ((r = apply_number("sieve_max_cpu_time", &v, true, error_r)) < 0)
		return -1;
	if (r > 0)
		c->max_cpu_ms = (unsigned)(v * 1000);
	r = apply_number("sieve_variables_max_value_size", &v, false, error_r);
	if (r < 0)
		return -1;
	if (r > 0)
		c->max_variable_size = (size_t)v;
	r = apply_number("sieve_notify_max_notifications", &v, false, error_r);
	if (r < 0)
		return -1;
	if (r > 0)
		c->max_notify = (unsigned)v;	/* 0: notify prohibited */
	r = apply_number("sieve_vacation_min_period", &v, true, error_r);
	if (r < 0)
		return -1;
	if (r > 0)
		c->vacation_min_seconds = (unsigned long)v;
	return 0;
}

/* A Dovecot boolean: yes/no (also true/false, 1/0); 0 when unset. */
static int apply_bool(const char *name, bool *v_r, char **error_r)
{
	const char *val = setting(name);
	if (val == NULL)
		return 0;
	if (strcasecmp(val, "yes") == 0 || strcasecmp(val, "true") == 0 ||
	    strcmp(val, "1") == 0)
		*v_r = true;
	else if (strcasecmp(val, "no") == 0 ||
		 strcasecmp(val, "false") == 0 || strcmp(val, "0") == 0)
		*v_r = false;
	else {
		*error_r = sv_asprintf("invalid value for %s: %s", name, val);
		return -1;
	}
	return 1;
}

/* A copy kept until the file ends (configs may outlive the setting). */
static const char *kept_setting(const char *name)
{
	const char *v = setting(name);
	return v ? ts_keep(sv_strdup(v)) : NULL;
}

/* The vacation settings. */
static int apply_vacation(struct sieve_config *c, char **error_r)
{
	bool dont = false;
	c->vacation_default_subject =
		kept_setting("sieve_vacation_default_subject");
	c->vacation_default_subject_template =
		kept_setting("sieve_vacation_default_subject_template");
	if (apply_bool("sieve_vacation_use_original_recipient",
		       &c->vacation_use_original_recipient, error_r) < 0 ||
	    apply_bool("sieve_vacation_check_recipient",
		       &c->vacation_check_recipient, error_r) < 0 ||
	    apply_bool("sieve_vacation_send_from_recipient",
		       &c->vacation_send_from_recipient, error_r) < 0 ||
	    apply_bool("sieve_vacation_to_header_ignore_envelope",
		       &c->vacation_to_header_ignore_envelope, error_r) < 0)
		return -1;
	int r = apply_bool("sieve_vacation_dont_check_recipient", &dont,
			   error_r);
	if (r < 0)
		return -1;
	if (r > 0 && dont)
		c->vacation_check_recipient = false;
	return 0;
}

static const char *const known_exts[] = {
	"vacation", "enotify", "variables", "subaddress", NULL
};

int ts_config_reload(const char *ext, char **error_r)
{
	bool ok = ext == NULL;
	for (size_t i = 0; ext && known_exts[i]; i++)
		ok = ok || strcmp(known_exts[i], ext) == 0;
	if (!ok) {
		*error_r = sv_asprintf("unknown extension '%s'", ext);
		return -1;
	}
	struct sieve_config c;
	sieve_config_defaults(&c);
	c.max_cpu_ms = 30000;
	c.notify = ts.cfg.notify;
	if (apply_numbers(&c, error_r) < 0)
		return -1;
	const char *d = setting("recipient_delimiter");
	if (d != NULL && strlen(d) != 1) {
		free(ts.skip_reason);
		ts.skip_reason = sv_asprintf("recipient_delimiter \"%s\": the "
			"engine supports one separator character", d);
		*error_r = sv_strdup(ts.skip_reason);
		return -1;
	}
	if (d != NULL)
		c.subaddress_separator = d[0];
	if (apply_vacation(&c, error_r) < 0)
		return -1;
	ts.cfg = c;
	const char *email = setting("sieve_user_email");
	ts.user_email = email ? ts_keep(sv_strdup(email)) : NULL;
	ts.env.user_addresses = email ? &ts.user_email : NULL;
	ts.env.nuser_addresses = email ? 1 : 0;
	const char *rf = setting("sieve_redirect_envelope_from");
	ts.redirect_from = rf ? ts_keep(sv_strdup(rf)) : NULL;
	const char *mf = setting("sieve_notify_mailto_envelope_from");
	ts.mailto_from = mf ? ts_keep(sv_strdup(mf)) : NULL;
	return 0;
}

/* ---- main --------------------------------------------------------------- */

static bool store_exists(void *ctx, const char *mailbox)
{
	(void)ctx;
	return ts_folder_find(mailbox) != NULL;
}

static void state_init(const char *path, bool expect_fail)
{
	ts.path = path;
	const char *slash = strrchr(path, '/');
	ts.dir = slash ? sv_strndup(path, (size_t)(slash - path)) :
		sv_strdup(".");
	ts.expect_fail = expect_fail;
	char *err = NULL;
	ts_config_reload(NULL, &err);
	struct passwd *pw = getpwuid(getuid());
	ts.os_user = ts_keep(sv_strdup(pw ? pw->pw_name : "user"));
	ts.cb.mailbox_exists = store_exists;
	ts.env.now = 0;
	ts_set_message(default_msg, sizeof(default_msg) - 1, true);
	ts_folder_create("INBOX");
}

static void state_free(void)
{
	for (size_t i = 0; i < ts.nscripts; i++)
		sieve_script_free(&ts.scripts[i]);
	free(ts.scripts);
	for (size_t i = 0; i < ts.nbins; i++)
		free(ts.bins[i].name);
	free(ts.bins);
	ts_errors_clear();
	free(ts.errors);
	for (size_t i = 0; i < ts.nsettings; i++) {
		free(ts.settings[i].name);
		free(ts.settings[i].value);
	}
	free(ts.settings);
	ts_store_free();
	for (size_t i = 0; i < nmsgs; i++)
		sieve_message_free(&msgs[i]);
	free(msgs);
	for (size_t i = 0; i < npool; i++)
		free(pool[i]);
	free(pool);
	free(ts.dir);
	free(ts.fail_reason);
	free(ts.skip_reason);
}

/* Outcome after running: 0 pass, 1 fail, 77 skip. */
static int verdict(const char *runtime_errors)
{
	if (ts.skip_reason) {
		printf("SKIP: %s\n", ts.skip_reason);
		return 77;
	}
	if (ts.expect_fail) {
		bool ok = ts.ntests > 0 && ts.nfailed >= ts.ntests;
		printf("%s: %u of %u tests failed (expected all to fail).\n",
		       ok ? "PASS" : "FAIL", ts.nfailed, ts.ntests);
		return ok ? 0 : 1;
	}
	if (strlen(runtime_errors) > ts.sub_errors && ts.nfailed == 0) {
		printf("FAIL: run-time error: %s", runtime_errors);
		return 1;
	}
	if (ts.nfailed > 0 || ts.aborted) {
		printf("FAIL: %u of %u tests failed.\n", ts.nfailed, ts.ntests);
		return 1;
	}
	printf("PASS: %u tests succeeded.\n", ts.ntests);
	return 0;
}

static int run_file(void)
{
	struct sieve_script *s = ts_compile(ts.path, true);
	if (s == NULL) {
		for (size_t i = 0; i < ts.nerrors; i++)
			printf("  error: %s\n", ts.errors[i]);
		printf("%s: test script failed to compile\n",
		       ts.expect_fail ? "PASS" : "FAIL");
		return ts.expect_fail ? 0 : 1;
	}
	ts_errors_clear();
	struct sieve_result *res = sieve_execute(s, ts.msg, &ts.env, &ts.cb);
	int rc = verdict(sieve_result_errors(res));
	sieve_result_free(&res);
	return rc;
}

int main(int argc, char **argv)
{
	bool expect_fail = false;
	int opt;
	if (argc == 2 && strcmp(argv[1], "--capabilities") == 0) {
		printf("%s\n", sieve_capabilities());
		return 0;
	}
	while ((opt = getopt(argc, argv, "F")) != -1) {
		if (opt != 'F') {
			fprintf(stderr, "usage: sieve-testsuite [-F] "
				"FILE.svtest\n");
			return 2;
		}
		expect_fail = true;
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: sieve-testsuite [-F] FILE.svtest\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	state_init(argv[optind], expect_fail);
	int rc = run_file();
	state_free();
	return rc;
}
