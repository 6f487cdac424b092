/*
 * diag.c: the diagnostics sink of a compile.  Keeps up to
 * SIEVE_MAX_ERRORS messages with their position; a harness can count
 * error-severity entries and read the bare text, siren check prints
 * them as "name:line:col: error: text".
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "sieve-private.h"

void sieve_diags_add(struct sieve_diags *d, bool warning, unsigned line,
		     unsigned col, const char *fmt, ...)
{
	va_list ap;

	if (warning)
		d->nwarnings++;
	else
		d->nerrors++;
	if (d->n >= SIEVE_MAX_ERRORS) {
		d->truncated = true;
		return;
	}
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 8;
		d->v = sv_realloc(d->v, d->cap * sizeof(*d->v));
	}
	struct sieve_diag *e = &d->v[d->n++];
	e->warning = warning;
	e->line = line;
	e->col = col;
	va_start(ap, fmt);
	if (vasprintf(&e->text, fmt, ap) < 0)
		abort();
	va_end(ap);
}

char *sieve_diags_format(const struct sieve_diags *d, const char *name)
{
	struct sv_str b = { 0 };

	for (size_t i = 0; i < d->n; i++) {
		const struct sieve_diag *e = &d->v[i];
		sv_str_printf(&b, "%s:%u:%u: %s: %s\n", name, e->line, e->col,
			      e->warning ? "warning" : "error", e->text);
	}
	if (d->truncated)
		sv_str_printf(&b, "%s: error: too many errors, %u not shown\n",
			      name, d->nerrors + d->nwarnings -
			      (unsigned)d->n);
	return b.len ? sv_str_steal(&b) : NULL;
}

void sieve_diags_free(struct sieve_diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].text);
	free(d->v);
	d->v = NULL;
	d->n = d->cap = 0;
}
