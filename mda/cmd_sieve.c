/*
 * cmd_sieve.c: `siren check` (compile scripts, print diagnostics) and
 * `siren test` (run a script over a message file without delivering and
 * print the resulting actions, human or JSON, with an optional trace of
 * every test).  Exit codes: 0 ok, 1 compile error, 2 usage or I/O error,
 * 78 bad config.  Both compile with the configured Sieve limits and check
 * notify URIs through the loaded plugins, exactly as delivery does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sieve.h"

#include "commands.h"
#include "config.h"
#include "plugin.h"
#include "util.h"

/* The script environment: -c FILE (or the embedded default), its [sieve]
 * limits and the notify plugins.  Returns NULL after printing why. */
static struct config *sieve_env_load(const char *path, struct sieve_config *sc)
{
	char *err = NULL;
	struct config *cfg = path ? config_load(path, &err) : config_default();

	if (cfg == NULL) {
		fprintf(stderr, "%s\n", err ? err : "bad configuration");
		free(err);
		return NULL;
	}
	config_sieve(cfg, sc);
	sc->notify = plugin_notify_registry(cfg);
	return cfg;
}

static void sieve_env_free(struct config **cfg)
{
	plugin_notify_free();
	config_free(cfg);
}

/* Take a leading "-c FILE"; returns the index of the next argument. */
static int config_arg(int argc, char **argv, const char **path_r)
{
	*path_r = NULL;
	if (argc > 2 && strcmp(argv[1], "-c") == 0) {
		*path_r = argv[2];
		return 3;
	}
	return 1;
}

int cmd_check(int argc, char **argv)
{
	int status = 0;
	const char *path;
	int first = config_arg(argc, argv, &path);
	struct sieve_config sc;

	if (argc <= first) {
		fprintf(stderr, "usage: siren check [-c FILE] SCRIPT...\n");
		return 2;
	}
	struct config *cfg = sieve_env_load(path, &sc);
	if (cfg == NULL)
		return 78;
	for (int i = first; i < argc; i++) {
		char *errors = NULL;
		struct sieve_script *s = sieve_compile_file(argv[i], &sc,
							    &errors);
		if (s == NULL) {
			status = 1;
			fputs(errors ? errors : "", stdout);
		} else if (errors != NULL) {
			fputs(errors, stderr);	/* warnings only */
		}
		free(errors);
		sieve_script_free(&s);
	}
	sieve_env_free(&cfg);
	return status;
}

struct test_opts {
	const char *config, *script, *message, *from, *to;
	bool json, trace;
};

static int test_usage(void)
{
	fprintf(stderr, "usage: siren test [-c FILE] SCRIPT MESSAGE "
		"[--from ADDR] [--to ADDR] [--json] [--trace]\n");
	return 2;
}

static int parse_test_args(int argc, char **argv, struct test_opts *o)
{
	int npos = 0;
	for (int i = config_arg(argc, argv, &o->config); i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--json") == 0) {
			o->json = true;
		} else if (strcmp(a, "--trace") == 0) {
			o->trace = true;
		} else if (strcmp(a, "--from") == 0 && i + 1 < argc) {
			o->from = argv[++i];
		} else if (strcmp(a, "--to") == 0 && i + 1 < argc) {
			o->to = argv[++i];
		} else if (a[0] == '-' && a[1] == '-') {
			return -1;
		} else if (npos == 0) {
			o->script = a, npos++;
		} else if (npos == 1) {
			o->message = a, npos++;
		} else {
			return -1;
		}
	}
	return npos == 2 ? 0 : -1;
}

static char *slurp(const char *path, size_t *len_r)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	struct buf b = { 0 };
	char tmp[8192];
	size_t n;
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		buf_append(&b, tmp, n);
	fclose(f);
	*len_r = b.len;
	return b.data ? buf_steal(&b) : xstrdup("");
}

static void json_str(struct buf *b, const char *s)
{
	buf_puts(b, "\"");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_printf(b, "\\%c", *p);
		else if (*p == '\n')
			buf_puts(b, "\\n");
		else if (*p < 0x20 || *p == 0x7f)
			buf_printf(b, "\\u%04x", *p);
		else
			buf_append(b, p, 1);
	}
	buf_puts(b, "\"");
}

/* Lines of text as a JSON array of strings. */
static void json_lines(struct buf *b, const char *text)
{
	buf_puts(b, "[");
	bool first = true;
	while (text && *text) {
		const char *nl = strchr(text, '\n');
		size_t n = nl ? (size_t)(nl - text) : strlen(text);
		char *line = xstrndup(text, n);
		if (!first)
			buf_puts(b, ", ");
		json_str(b, line);
		free(line);
		first = false;
		text += n + (nl != NULL);
	}
	buf_puts(b, "]");
}

static void print_json(struct sieve_result *res, const char *compile_errors,
		       bool trace)
{
	struct buf b = { 0 };
	buf_puts(&b, "{\"actions\": [");
	for (size_t i = 0; res && i < sieve_result_count(res); i++) {
		char *j = sieve_action_json(sieve_result_action(res, i));
		buf_printf(&b, "%s%s", i ? ", " : "", j);
		free(j);
	}
	buf_puts(&b, "], \"errors\": ");
	json_lines(&b, res ? sieve_result_errors(res) : compile_errors);
	if (trace && res) {
		buf_puts(&b, ", \"trace\": ");
		json_lines(&b, sieve_result_trace(res));
	}
	buf_puts(&b, "}\n");
	fputs(b.data, stdout);
	buf_free(&b);
}

static void print_human(struct sieve_result *res, bool trace)
{
	if (trace)
		fputs(sieve_result_trace(res), stdout);
	for (size_t i = 0; i < sieve_result_count(res); i++) {
		char *line = sieve_action_format(sieve_result_action(res, i));
		printf("%s\n", line);
		free(line);
	}
	fputs(sieve_result_errors(res), stderr);
}

/* The envelope sender: --from, else Return-Path, else a placeholder. */
static char *default_from(struct sieve_message *msg)
{
	const char *const *v;
	if (sieve_message_headers(msg, "Return-Path", &v) > 0) {
		const char *s = v[0];
		size_t n = strlen(s);
		if (n >= 2 && s[0] == '<' && s[n - 1] == '>')
			return xstrndup(s + 1, n - 2);
		return xstrdup(s);
	}
	return xstrdup("sender@example.com");
}

static int run_test(const struct test_opts *o, struct sieve_script *script)
{
	size_t len;
	char *data = slurp(o->message, &len);
	if (data == NULL) {
		fprintf(stderr, "siren test: cannot read %s\n", o->message);
		return 2;
	}
	struct sieve_message *msg = sieve_message_new(data, len);
	char *from = o->from ? xstrdup(o->from) : default_from(msg);
	struct sieve_envelope env = {
		.from = from,
		.to = o->to ? o->to : "recipient@example.com",
	};
	struct sieve_result *res = o->trace ?
		sieve_execute_trace(script, msg, &env, NULL) :
		sieve_execute(script, msg, &env, NULL);
	if (o->json)
		print_json(res, NULL, o->trace);
	else
		print_human(res, o->trace);
	sieve_result_free(&res);
	sieve_message_free(&msg);
	free(from);
	free(data);
	return 0;
}

int cmd_test(int argc, char **argv)
{
	struct test_opts o = { 0 };
	if (parse_test_args(argc, argv, &o) < 0)
		return test_usage();
	struct sieve_config sc;
	struct config *cfg = sieve_env_load(o.config, &sc);
	if (cfg == NULL)
		return 78;
	char *errors = NULL;
	struct sieve_script *script = sieve_compile_file(o.script, &sc,
							 &errors);
	int r = 1;
	if (script == NULL) {
		if (o.json)
			print_json(NULL, errors, false);
		else
			fputs(errors ? errors : "", stdout);
	} else {
		if (errors)
			fputs(errors, stderr);
		r = run_test(&o, script);
	}
	free(errors);
	sieve_script_free(&script);
	sieve_env_free(&cfg);
	return r;
}
