/*
 * util.h: allocation that never returns NULL (out of memory ends the
 * process: nothing was acknowledged, the MTA retries) and a growable
 * string buffer.
 */
#ifndef SIREN_UTIL_H
#define SIREN_UTIL_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Growable buffer, always NUL-terminated once anything was added. */
struct buf {
	char *data;
	size_t len, cap;
};
void buf_append(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Hand the string to the caller (who frees) and reset b. */
char *buf_steal(struct buf *b);
void buf_free(struct buf *b);

#endif
