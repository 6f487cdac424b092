/*
 * util.h (internal): the engine's allocation helpers.  sieve/ links
 * nothing of mda/, so it has its own: allocation never returns NULL (out
 * of memory aborts: the caller's delivery is not yet acknowledged), a
 * growable string, and an arena for things that die together (a compiled
 * script, one execution, one message's caches).
 */
#ifndef SIEVE_UTIL_H
#define SIEVE_UTIL_H

#include <stdarg.h>
#include <stddef.h>

void *sv_malloc(size_t n);
void *sv_calloc(size_t n, size_t size);
void *sv_realloc(void *p, size_t n);
char *sv_strdup(const char *s);
char *sv_strndup(const char *s, size_t n);
char *sv_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Growable string, NUL-terminated once anything was added. */
struct sv_str {
	char *s;
	size_t len, cap;
};
void sv_str_add(struct sv_str *b, const void *p, size_t n);
void sv_str_addc(struct sv_str *b, char c);
void sv_str_adds(struct sv_str *b, const char *s);
void sv_str_printf(struct sv_str *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *sv_str_steal(struct sv_str *b);	/* caller frees; b is reset */
void sv_str_free(struct sv_str *b);

/* Arena: allocations freed all at once by sv_arena_free. */
struct sv_arena;
struct sv_arena *sv_arena_new(void);
void *sv_arena_alloc(struct sv_arena *a, size_t n);	/* zeroed, aligned */
char *sv_arena_strndup(struct sv_arena *a, const char *s, size_t n);
char *sv_arena_strdup(struct sv_arena *a, const char *s);
void sv_arena_free(struct sv_arena **a);

#endif
