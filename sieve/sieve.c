/*
 * sieve.c: the public entry points of sieve.h: configuration defaults,
 * compiling (parse, then validate) into an immutable script, executing a
 * script into a result, and the capability string.  Two phases, no
 * bytecode: execution walks the validated tree.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sieve-private.h"

void sieve_config_defaults(struct sieve_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->max_script_size = SIEVE_DEF_MAX_SCRIPT_SIZE;
	cfg->max_nesting = SIEVE_DEF_MAX_NESTING;
	cfg->max_actions = SIEVE_DEF_MAX_ACTIONS;
	cfg->max_redirects = SIEVE_DEF_MAX_REDIRECTS;
	cfg->max_notify = SIEVE_DEF_MAX_NOTIFY;
	cfg->max_cpu_ms = SIEVE_DEF_MAX_CPU_MS;
	cfg->max_variable_size = SIEVE_DEF_MAX_VARIABLE_SIZE;
	cfg->max_include_depth = SIEVE_DEF_MAX_INCLUDE_DEPTH;
	cfg->subaddress_separator = SIEVE_DEF_SUBADDRESS_SEP;
	cfg->vacation_min_seconds = SIEVE_DEF_VACATION_MIN;
	cfg->vacation_default_seconds = SIEVE_DEF_VACATION_DEFAULT;
	cfg->vacation_max_seconds = SIEVE_DEF_VACATION_MAX;
	cfg->vacation_check_recipient = true;
	cfg->duplicate_default_seconds = SIEVE_DEF_DUPLICATE_DEFAULT;
	cfg->duplicate_max_seconds = SIEVE_DEF_DUPLICATE_MAX;
}

static struct sieve_script *script_new(const char *name,
				       const struct sieve_config *cfg,
				       const struct sieve_extension_def
					       *const *extra)
{
	struct sieve_script *s = sv_calloc(1, sizeof(*s));
	s->arena = sv_arena_new();
	s->name = sv_strdup(name);
	if (cfg)
		s->cfg = *cfg;
	else
		sieve_config_defaults(&s->cfg);
	for (size_t i = 0; sieve_extensions[i] &&
	     s->nexts < SIEVE_MAX_EXTENSIONS; i++)
		s->exts[s->nexts++] = sieve_extensions[i];
	for (size_t i = 0; extra && extra[i] &&
	     s->nexts < SIEVE_MAX_EXTENSIONS; i++)
		s->exts[s->nexts++] = extra[i];
	return s;
}

struct sieve_script *sieve_compile_diags(const char *name, const char *text,
					 size_t len,
					 const struct sieve_config *cfg,
					 const struct sieve_extension_def
						 *const *extra,
					 struct sieve_diags *d)
{
	struct sieve_script *s = script_new(name, cfg, extra);
	if (len > s->cfg.max_script_size) {
		sieve_diags_add(d, false, 1, 1, "script is too large (%zu "
				"bytes, limit %zu)", len, s->cfg.max_script_size);
		d->parse_failed = true;
		sieve_script_free(&s);
		return NULL;
	}
	if (!sieve_parse(text, len, s->arena, s->cfg.max_nesting, d,
			 &s->nodes, &s->nnodes)) {
		d->parse_failed = true;
		sieve_script_free(&s);
		return NULL;
	}
	struct sieve_validator v = { .script = s, .diags = d };
	if (!sieve_validate(&v)) {
		sieve_script_free(&s);
		return NULL;
	}
	return s;
}

struct sieve_script *sieve_compile_buffer(const char *name, const char *text,
					  size_t len,
					  const struct sieve_config *cfg,
					  char **errors_r)
{
	struct sieve_diags d = { 0 };
	struct sieve_script *s = sieve_compile_diags(name, text, len, cfg,
						     NULL, &d);
	if (errors_r)
		*errors_r = sieve_diags_format(&d, name);
	sieve_diags_free(&d);
	return s;
}

static char *read_file(const char *path, size_t limit, size_t *len_r,
		       char **error_r)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		*error_r = sv_asprintf("%s: error: cannot open: %s\n", path,
				       strerror(errno));
		return NULL;
	}
	struct sv_str b = { 0 };
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		sv_str_add(&b, buf, n);
		if (b.len > limit + 1)
			break;
	}
	bool err = ferror(f);
	fclose(f);
	if (err) {
		sv_str_free(&b);
		*error_r = sv_asprintf("%s: error: read failed\n", path);
		return NULL;
	}
	*len_r = b.len;
	return b.s ? sv_str_steal(&b) : sv_strdup("");
}

struct sieve_script *sieve_compile_file(const char *path,
					const struct sieve_config *cfg,
					char **errors_r)
{
	struct sieve_config defaults;
	size_t len;
	char *err = NULL;
	if (cfg == NULL) {
		sieve_config_defaults(&defaults);
		cfg = &defaults;
	}
	char *text = read_file(path, cfg->max_script_size, &len, &err);
	if (text == NULL) {
		if (errors_r)
			*errors_r = err;
		else
			free(err);
		return NULL;
	}
	struct sieve_script *s = sieve_compile_buffer(path, text, len, cfg,
						      errors_r);
	free(text);
	return s;
}

void sieve_script_free(struct sieve_script **sp)
{
	struct sieve_script *s = *sp;
	if (s == NULL)
		return;
	for (struct sv_cleanup *c = s->cleanups; c; c = c->next)
		c->fn(c->ptr);
	sv_arena_free(&s->arena);
	free(s->name);
	free(s);
	*sp = NULL;
}

/* ---- executing -------------------------------------------------------- */

static struct sieve_result *run_script(const struct sieve_script *script,
				       struct sieve_message *msg,
				       const struct sieve_envelope *env,
				       const struct sieve_callbacks *cb,
				       bool trace)
{
	static const struct sieve_envelope no_env = { .from = "", .to = "" };
	static const struct sieve_callbacks no_cb = { 0 };
	struct sieve_run run = { 0 };
	run.script = script;
	run.cfg = &script->cfg;
	run.msg = msg;
	run.env = env ? env : &no_env;
	run.cb = cb ? cb : &no_cb;
	run.result = sieve_result_new();
	run.arena = sieve_result_arena(run.result);
	run.tracing = trace;
	clock_gettime(CLOCK_MONOTONIC, &run.start);

	int r = sieve_run_block(&run, script->nodes, script->nnodes);
	const char **flags = NULL;
	size_t nflags = 0;
	if (r == 0 && !run.failed)
		nflags = sieve_imap4flags_internal(&run, &flags);
	sieve_result_finish(&run, r < 0 || run.failed, flags, nflags);
	return run.result;
}

int sieve_execute_into(const struct sieve_script *script,
		       struct sieve_message *msg,
		       const struct sieve_envelope *env,
		       const struct sieve_callbacks *cb,
		       struct sieve_result *res,
		       const struct sieve_config *cfg,
		       const char ***keep_flags_r, size_t *nkeep_flags_r)
{
	static const struct sieve_envelope no_env = { .from = "", .to = "" };
	static const struct sieve_callbacks no_cb = { 0 };
	struct sieve_run run = { 0 };
	run.script = script;
	run.cfg = cfg ? cfg : &script->cfg;
	run.msg = msg;
	run.env = env ? env : &no_env;
	run.cb = cb ? cb : &no_cb;
	run.result = res;
	run.arena = sieve_result_arena(res);
	clock_gettime(CLOCK_MONOTONIC, &run.start);

	int r = sieve_run_block(&run, script->nodes, script->nnodes);
	*keep_flags_r = NULL;
	*nkeep_flags_r = 0;
	if (r < 0 || run.failed)
		return -1;
	*nkeep_flags_r = sieve_imap4flags_internal(&run, keep_flags_r);
	return 0;
}

struct sieve_result *sieve_execute(const struct sieve_script *script,
				   struct sieve_message *msg,
				   const struct sieve_envelope *env,
				   const struct sieve_callbacks *cb)
{
	return run_script(script, msg, env, cb, false);
}

struct sieve_result *sieve_execute_trace(const struct sieve_script *script,
					 struct sieve_message *msg,
					 const struct sieve_envelope *env,
					 const struct sieve_callbacks *cb)
{
	return run_script(script, msg, env, cb, true);
}

const char *sieve_capabilities(void)
{
	static char buf[1024];
	if (buf[0])
		return buf;
	struct sv_str b = { 0 };
	for (size_t i = 0; sieve_extensions[i]; i++) {
		const struct sieve_extension_def *e = sieve_extensions[i];
		if (e->name == NULL || e->hidden)
			continue;
		if (b.len)
			sv_str_addc(&b, ' ');
		sv_str_adds(&b, e->name);
	}
	snprintf(buf, sizeof(buf), "%s", b.s ? b.s : "");
	sv_str_free(&b);
	return buf;
}
