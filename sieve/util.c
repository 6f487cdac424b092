/*
 * util.c: allocation helpers, growable strings and arenas for the engine.
 * An arena is a chain of blocks; big requests get a block of their own.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static void sv_oom(size_t n)
{
	fprintf(stderr, "sieve: out of memory (%zu bytes)\n", n);
	abort();
}

void *sv_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL)
		sv_oom(n);
	return p;
}

void *sv_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (p == NULL)
		sv_oom(n * size);
	return p;
}

void *sv_realloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		sv_oom(n);
	return p;
}

char *sv_strdup(const char *s)
{
	return sv_strndup(s, strlen(s));
}

char *sv_strndup(const char *s, size_t n)
{
	char *p = sv_malloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *sv_asprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		sv_oom(0);
	va_end(ap);
	return s;
}

void sv_str_add(struct sv_str *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->len + n + 1)
			cap *= 2;
		b->s = sv_realloc(b->s, cap);
		b->cap = cap;
	}
	if (n)
		memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void sv_str_addc(struct sv_str *b, char c)
{
	sv_str_add(b, &c, 1);
}

void sv_str_adds(struct sv_str *b, const char *s)
{
	sv_str_add(b, s, strlen(s));
}

void sv_str_printf(struct sv_str *b, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		sv_oom(0);
	sv_str_add(b, s, (size_t)n);
	free(s);
}

char *sv_str_steal(struct sv_str *b)
{
	char *s = b->s ? b->s : sv_strdup("");
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

void sv_str_free(struct sv_str *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

#define SV_ARENA_BLOCK 8192
#define SV_ALIGN 16

struct sv_block {
	struct sv_block *next;
	size_t used, size;
	_Alignas(SV_ALIGN) unsigned char data[];
};

struct sv_arena {
	struct sv_block *head;
};

struct sv_arena *sv_arena_new(void)
{
	return sv_calloc(1, sizeof(struct sv_arena));
}

void *sv_arena_alloc(struct sv_arena *a, size_t n)
{
	size_t need = (n + SV_ALIGN - 1) & ~(size_t)(SV_ALIGN - 1);
	struct sv_block *b = a->head;

	if (need < n)
		sv_oom(n);
	if (b == NULL || b->size - b->used < need) {
		size_t size = need > SV_ARENA_BLOCK / 4 ? need : SV_ARENA_BLOCK;
		struct sv_block *nb = sv_malloc(sizeof(*nb) + size);
		nb->used = 0;
		nb->size = size;
		if (size == need && b != NULL) {
			/* big request: keep the current block on top */
			nb->next = b->next;
			b->next = nb;
		} else {
			nb->next = b;
			a->head = nb;
		}
		b = nb;
	}
	void *p = b->data + b->used;
	b->used += need;
	memset(p, 0, n);
	return p;
}

char *sv_arena_strndup(struct sv_arena *a, const char *s, size_t n)
{
	char *p = sv_arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *sv_arena_strdup(struct sv_arena *a, const char *s)
{
	return sv_arena_strndup(a, s, strlen(s));
}

void sv_arena_free(struct sv_arena **ap)
{
	struct sv_arena *a = *ap;

	if (a == NULL)
		return;
	for (struct sv_block *b = a->head, *next; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(a);
	*ap = NULL;
}
