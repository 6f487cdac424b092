/*
 * interp.c: executes a validated script (RFC 5228 sections 2.10, 3):
 * walks blocks in order, runs if/elsif/else chains, evaluates tests
 * with short-circuit left to right, stops on `stop` or the first
 * run-time error, and enforces the CPU time limit.  Also the run-time
 * argument readers (variable expansion lives in variables.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sieve-private.h"

static void log_error(struct sieve_run *run, const struct sv_node *node,
		      const char *fmt, va_list ap)
{
	char *msg, *line;
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	line = sv_asprintf("%s:%u:%u: error: %s", run->script->name,
			   node ? node->line : 0, node ? node->col : 0, msg);
	sieve_result_error(run->result, line);
	free(line);
	free(msg);
}

int sieve_runtime_error(struct sieve_run *run, const struct sv_node *node,
			const char *fmt, ...)
{
	va_list ap;

	if (run->failed)
		return -1;	/* the first error is the one that counts */
	va_start(ap, fmt);
	log_error(run, node, fmt, ap);
	va_end(ap);
	run->failed = true;
	return -1;
}

void sieve_runtime_note(struct sieve_run *run, const struct sv_node *node,
			const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_error(run, node, fmt, ap);
	va_end(ap);
}

void sieve_run_trace(struct sieve_run *run, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (!run->tracing)
		return;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	va_end(ap);
	sieve_result_trace_line(run->result, msg);
	free(msg);
}

static long elapsed_ms(const struct timespec *start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000L +
		(now.tv_nsec - start->tv_nsec) / 1000000L;
}

int sieve_run_check_time(struct sieve_run *run, const struct sv_node *node)
{
	if (run->failed)
		return -1;
	if ((++run->ticks & 63) != 0 && run->ticks > 64)
		return 0;
	if (elapsed_ms(&run->start) > (long)run->cfg->max_cpu_ms)
		return sieve_runtime_error(run, node, "execution exceeded CPU "
					   "time limit (%u ms)",
					   run->cfg->max_cpu_ms);
	return 0;
}

void **sieve_run_context(struct sieve_run *run,
			 const struct sieve_extension_def *ext)
{
	for (size_t i = 0; i < run->script->nexts; i++)
		if (run->script->exts[i] == ext)
			return &run->ext_ctx[i];
	return &run->ext_ctx[0];
}

bool sieve_run_ext_enabled(const struct sieve_run *run, const char *name)
{
	const struct sieve_script *s = run->script;
	for (size_t i = 0; i < s->nexts; i++)
		if (s->exts[i]->name && strcmp(s->exts[i]->name, name) == 0)
			return s->enabled[i];
	return false;
}

int sieve_run_test(struct sieve_run *run, const struct sv_node *test)
{
	if (sieve_run_check_time(run, test) < 0)
		return -1;
	if (test->def == NULL)
		return sieve_runtime_error(run, test, "unknown test '%s'",
					   test->name);
	int r = test->def->execute(run, test);
	if (r >= 0)
		sieve_run_trace(run, "line %u: %s -> %s", test->line,
				test->name, r ? "true" : "false");
	return r;
}

/* One if/elsif/else link; *taken says whether the chain already ran. */
static int run_branch(struct sieve_run *run, const struct sv_node *node,
		      bool *taken)
{
	if ((node->def->flags & SV_F_ELSE) && *taken)
		return 0;
	int r = node->ntests ? sieve_run_test(run, node->tests[0]) : 1;
	if (r <= 0)
		return r;
	*taken = true;
	return sieve_run_block(run, node->block, node->nblock);
}

int sieve_run_block(struct sieve_run *run, struct sv_node *const *nodes,
		    size_t n)
{
	bool taken = false;

	for (size_t i = 0; i < n && !run->stopped; i++) {
		const struct sv_node *node = nodes[i];
		if (node->def == NULL)	/* in a block ihave did not check */
			return sieve_runtime_error(run, node, "unknown command "
						   "'%s'", node->name);
		unsigned fl = node->def->flags;
		if (sieve_run_check_time(run, node) < 0)
			return -1;
		if (fl & SV_F_IF)
			taken = false;
		if (fl & (SV_F_IF | SV_F_ELSE)) {
			if (run_branch(run, node, &taken) < 0)
				return -1;
			continue;
		}
		if (node->def->execute && node->def->execute(run, node) < 0)
			return -1;
		if (run->failed)
			return -1;
	}
	return 0;
}

const char *sieve_run_string(struct sieve_run *run, const struct sv_arg *arg,
			     size_t *len_r)
{
	size_t len;
	const char *s = sieve_expand(run, &arg->list[0], &len);
	if (len_r)
		*len_r = len;
	return s;
}

size_t sieve_run_strlist(struct sieve_run *run, const struct sv_arg *arg,
			 const char ***list_r, size_t **lens_r)
{
	const char **list = sv_arena_alloc(run->arena,
					   (arg->n + 1) * sizeof(*list));
	size_t *lens = sv_arena_alloc(run->arena, (arg->n + 1) * sizeof(*lens));
	for (size_t i = 0; i < arg->n; i++)
		list[i] = sieve_expand(run, &arg->list[i], &lens[i]);
	*list_r = list;
	if (lens_r)
		*lens_r = lens;
	return arg->n;
}
