/*
 * message.c: the message index the interpreter reads (RFC 5322 section
 * 2.2 header fields, 2.2.3 unfolding; RFC 2047 decoding on first use).
 * The header block is indexed once; per-name value lists are cached in
 * the message's arena.  Garbage is tolerated: lines without a colon are
 * skipped, NULs dropped, at most SV_MSG_MAX_HEADERS fields are indexed.
 * Obsolete syntax is accepted (whitespace before the colon).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "message_int.h"

/* Cached per field name (lowercased): raw, decoded and address lists. */
struct sv_hcache {
	struct sv_hcache *next;
	char *name;
	size_t nraw, ndec, naddr;
	const char **raw;
	const char **dec;
	struct sieve_address *addr;
	bool have_dec, have_addr;
};

static bool sv_is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* End of the line starting at p: index of the LF, or len. */
static size_t sv_line_end(const char *d, size_t p, size_t len)
{
	const char *nl = memchr(d + p, '\n', len - p);
	return nl ? (size_t)(nl - d) : len;
}

/* Is the line [p, e) empty (only a CR before the LF)? */
static bool sv_line_empty(const char *d, size_t p, size_t e)
{
	return e == p || (e == p + 1 && d[p] == '\r');
}

/* Field name of the line at [p, e): true and the name span when the line
 * has a colon and a name without whitespace or controls before it. */
static bool sv_field_name(const char *d, size_t p, size_t e, size_t *nlen_r,
			  size_t *colon_r)
{
	const char *c = memchr(d + p, ':', e - p);
	size_t n;

	if (c == NULL)
		return false;
	n = (size_t)(c - (d + p));
	while (n > 0 && sv_is_wsp(d[p + n - 1]))
		n--;	/* obs-optional: WSP before the colon */
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)d[p + i];
		if (ch <= ' ' || ch == 127)
			return false;
	}
	*nlen_r = n;
	*colon_r = (size_t)(c - d);
	return true;
}

static void sv_header_add(struct sv_arena *arena, struct sv_header_block *blk,
			  size_t *cap, const struct sv_header *h)
{
	if (blk->nfields == *cap) {
		size_t ncap = *cap ? *cap * 2 : 32;
		struct sv_header *nf = sv_arena_alloc(arena, ncap * sizeof(*nf));
		if (blk->nfields)
			memcpy(nf, blk->fields, blk->nfields * sizeof(*nf));
		blk->fields = nf;
		*cap = ncap;
	}
	blk->fields[blk->nfields++] = *h;
}

void sv_header_block_parse(struct sv_arena *arena, const char *d, size_t len,
			   struct sv_header_block *blk)
{
	size_t p = 0, cap = 0;

	memset(blk, 0, sizeof(*blk));
	while (p < len) {
		size_t e = sv_line_end(d, p, len), nlen, colon;
		if (sv_line_empty(d, p, e) && e < len) {
			blk->header_len = p;
			blk->has_body = true;
			blk->body = d + e + 1;
			blk->body_len = len - e - 1;
			return;
		}
		if (sv_line_empty(d, p, e))
			break;	/* empty last line without LF: no body */
		/* a field runs on over continuation lines (start with WSP) */
		size_t fe = e;
		while (fe < len && fe + 1 < len && sv_is_wsp(d[fe + 1]))
			fe = sv_line_end(d, fe + 1, len);
		if (!sv_is_wsp(d[p]) && sv_field_name(d, p, e, &nlen, &colon) &&
		    blk->nfields < SV_MSG_MAX_HEADERS) {
			size_t vend = fe;
			if (vend > colon + 1 && vend < len && d[vend - 1] == '\r')
				vend--;
			struct sv_header h = { d + p, d + colon + 1, nlen,
					       vend - colon - 1 };
			sv_header_add(arena, blk, &cap, &h);
		}
		p = fe < len ? fe + 1 : len;
	}
	blk->header_len = len;
	blk->body = d + len;
}

char *sv_header_unfold(struct sv_arena *arena, const char *v, size_t len)
{
	char *out = sv_arena_alloc(arena, len + 1);
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		if (v[i] == '\0')
			continue;
		if (v[i] == '\r' && i + 1 < len && v[i + 1] == '\n')
			continue;
		if (v[i] == '\n')
			continue;	/* unfolding removes the line break */
		out[o++] = v[i];
	}
	size_t s = 0;
	while (s < o && isspace((unsigned char)out[s]))
		s++;
	while (o > s && isspace((unsigned char)out[o - 1]))
		o--;
	memmove(out, out + s, o - s);
	out[o - s] = '\0';
	return out;
}

static bool sv_name_is(const struct sv_header *h, const char *name)
{
	return strlen(name) == h->name_len &&
	       strncasecmp(h->name, name, h->name_len) == 0;
}

char *sv_header_block_get(struct sv_arena *arena,
			  const struct sv_header_block *blk, const char *name)
{
	for (size_t i = 0; i < blk->nfields; i++) {
		const struct sv_header *h = &blk->fields[i];
		if (sv_name_is(h, name))
			return sv_header_unfold(arena, h->value, h->value_len);
	}
	return NULL;
}

struct sieve_message *sieve_message_new(const char *data, size_t len)
{
	struct sieve_message *msg = sv_calloc(1, sizeof(*msg));

	msg->data = data ? data : "";
	msg->len = data ? len : 0;
	msg->arena = sv_arena_new();
	sv_header_block_parse(msg->arena, msg->data, msg->len, &msg->hdr);
	return msg;
}

void sieve_message_free(struct sieve_message **msgp)
{
	struct sieve_message *msg = *msgp;

	if (msg == NULL)
		return;
	sv_arena_free(&msg->arena);
	free(msg);
	*msgp = NULL;
}

const char *sieve_message_data(const struct sieve_message *msg, size_t *len_r)
{
	if (len_r != NULL)
		*len_r = msg->len;
	return msg->data;
}

/* The cache entry for name, built with the raw values on first use. */
static struct sv_hcache *sv_hcache_get(struct sieve_message *msg,
				       const char *name)
{
	struct sv_hcache *c;
	size_t n = 0;

	for (c = msg->hcache; c != NULL; c = c->next)
		if (strcasecmp(c->name, name) == 0)
			return c;
	c = sv_arena_alloc(msg->arena, sizeof(*c));
	c->name = sv_arena_strdup(msg->arena, name);
	for (size_t i = 0; i < msg->hdr.nfields; i++)
		if (sv_name_is(&msg->hdr.fields[i], name))
			n++;
	c->raw = sv_arena_alloc(msg->arena, (n + 1) * sizeof(*c->raw));
	for (size_t i = 0; i < msg->hdr.nfields; i++) {
		const struct sv_header *h = &msg->hdr.fields[i];
		if (sv_name_is(h, name))
			c->raw[c->nraw++] = sv_header_unfold(
				msg->arena, h->value, h->value_len);
	}
	c->next = msg->hcache;
	msg->hcache = c;
	return c;
}

size_t sieve_message_headers_raw(struct sieve_message *msg, const char *name,
				 const char *const **values_r)
{
	struct sv_hcache *c = sv_hcache_get(msg, name);

	*values_r = c->raw;
	return c->nraw;
}

size_t sieve_message_headers(struct sieve_message *msg, const char *name,
			     const char *const **values_r)
{
	struct sv_hcache *c = sv_hcache_get(msg, name);

	if (!c->have_dec) {
		c->dec = sv_arena_alloc(msg->arena,
					(c->nraw + 1) * sizeof(*c->dec));
		for (size_t i = 0; i < c->nraw; i++) {
			char *s = sieve_rfc2047_decode(c->raw[i],
						       strlen(c->raw[i]));
			c->dec[i] = sv_arena_strdup(msg->arena, s);
			free(s);
		}
		c->ndec = c->nraw;
		c->have_dec = true;
	}
	*values_r = c->dec;
	return c->ndec;
}

/* Copy a parsed address list into the arena and free the heap one. */
static void sv_addr_copy(struct sv_arena *a, struct sieve_address *dst,
			 const struct sieve_address *src)
{
	dst->all = src->all ? sv_arena_strdup(a, src->all) : NULL;
	dst->localpart = src->localpart ? sv_arena_strdup(a, src->localpart)
					: NULL;
	dst->domain = src->domain ? sv_arena_strdup(a, src->domain) : NULL;
	dst->name = src->name ? sv_arena_strdup(a, src->name) : NULL;
}

size_t sieve_message_addresses(struct sieve_message *msg, const char *name,
			       const struct sieve_address **addrs_r)
{
	struct sv_hcache *c = sv_hcache_get(msg, name);

	if (!c->have_addr) {
		struct sieve_address **lists;
		size_t *counts, total = 0;
		lists = sv_calloc(c->nraw + 1, sizeof(*lists));
		counts = sv_calloc(c->nraw + 1, sizeof(*counts));
		for (size_t i = 0; i < c->nraw; i++) {
			counts[i] = sieve_address_list_parse(c->raw[i],
							     &lists[i]);
			total += counts[i];
		}
		c->addr = sv_arena_alloc(msg->arena,
					 (total + 1) * sizeof(*c->addr));
		for (size_t i = 0; i < c->nraw; i++) {
			for (size_t j = 0; j < counts[i]; j++)
				sv_addr_copy(msg->arena, &c->addr[c->naddr++],
					     &lists[i][j]);
			sieve_address_list_free(lists[i], counts[i]);
		}
		free(lists);
		free(counts);
		c->have_addr = true;
	}
	*addrs_r = c->addr;
	return c->naddr;
}
