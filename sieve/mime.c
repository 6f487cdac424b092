/*
 * mime.c: the MIME tree (RFC 2045, RFC 2046 5.1 multipart with
 * boundaries, 5.2.1 message/rfc822; RFC 6532 message/global alike) and
 * the body parts of the body extension (RFC 5173 5), parsed on the first
 * body test and cached in the message.  Missing Content-Type is text/plain (message/rfc822 inside
 * multipart/digest); base64 and quoted-printable are decoded, text is
 * converted to UTF-8 by its charset parameter.  Caps: nesting
 * SV_MIME_MAX_DEPTH, SV_MIME_MAX_PARTS parts, SV_MIME_MAX_DECODED decoded
 * bytes per message (beyond it parts are cut short).  Parameters:
 * mime_param.c.  Left out: message/partial reassembly.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "message_int.h"

struct sv_mime_part {
	struct sv_mime_part *child, *next;
	char *type;		/* lowercase "type/subtype" */
	bool type_valid;	/* exactly one slash, both sides non-empty */
	char *charset;		/* parameter, or NULL */
	char *cte;		/* lowercase Content-Transfer-Encoding */
	const char *header;	/* this part's header block */
	size_t header_len;
	bool has_body;
	const char *body;
	size_t body_len;
	bool multipart;		/* split by its boundary */
	const char *prologue, *epilogue;
	size_t prologue_len, epilogue_len;
	bool has_epilogue;
	bool decoded_done, bad_cte;
	const char *decoded;	/* transfer-decoded, UTF-8 for text */
	size_t decoded_len;
	const char *text;	/* :text form (HTML reduced), or NULL */
	size_t text_len;
};

struct sv_body_cache {
	struct sv_body_cache *next;
	enum sieve_body_transform transform;
	char *key;
	struct sieve_body_part *parts;
	size_t n;
};

struct sv_mime_ctx {
	struct sieve_message *msg;
	size_t nparts;
};

/* ---- Content-Type ------------------------------------------------------ */

static bool sv_tspecial(char c)
{
	return strchr("()<>@,;:\\\"/[]?=", c) != NULL || c <= ' ' || c == 127;
}

static bool sv_type_valid(const char *t)
{
	const char *slash = strchr(t, '/');

	if (slash == NULL || slash == t || slash[1] == '\0' ||
	    strchr(slash + 1, '/') != NULL)
		return false;
	for (const char *p = t; *p; p++)
		if (*p != '/' && sv_tspecial(*p))
			return false;
	return true;
}

static char *sv_lower_token(struct sv_arena *a, const char *v)
{
	size_t n = 0;

	while (isspace((unsigned char)*v))
		v++;
	while (v[n] && v[n] != ';' && v[n] != '(' &&
	       !isspace((unsigned char)v[n]))
		n++;
	char *s = sv_arena_strndup(a, v, n);
	for (char *p = s; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

/* Type, charset and boundary of a part from its header block. */
static char *sv_part_type(struct sv_arena *a, struct sv_mime_part *part,
			  const struct sv_header_block *blk, const char *dflt)
{
	char *ct = sv_header_block_get(a, blk, "content-type");
	char *cte = sv_header_block_get(a, blk, "content-transfer-encoding");
	char *boundary = NULL;

	part->cte = cte ? sv_lower_token(a, cte) : NULL;
	part->type = ct ? sv_lower_token(a, ct) : NULL;
	if (part->type == NULL || part->type[0] == '\0')
		part->type = sv_arena_strdup(a, dflt);
	part->type_valid = sv_type_valid(part->type);
	if (ct != NULL) {
		part->charset = sv_mime_param(a, ct, "charset");
		boundary = sv_mime_param(a, ct, "boundary");
	}
	return boundary;
}

/* ---- the tree ---------------------------------------------------------- */

/* Is the line at b[i] a delimiter "--boundary" ["--"] WSP* EOL?  Sets
 * *close_r and *next_r (start of the following line). */
static bool sv_delim_at(const char *b, size_t len, size_t i, const char *bd,
			size_t bdlen, bool *close_r, size_t *next_r)
{
	if (len - i < bdlen + 2 || b[i] != '-' || b[i + 1] != '-' ||
	    memcmp(b + i + 2, bd, bdlen) != 0)
		return false;
	i += bdlen + 2;
	*close_r = len - i >= 2 && b[i] == '-' && b[i + 1] == '-';
	if (*close_r)
		i += 2;
	while (i < len && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r'))
		i++;
	if (i < len && b[i] != '\n')
		return false;
	*next_r = i < len ? i + 1 : len;
	return true;
}

/* Next delimiter line at or after pos: its start, or len. */
static size_t sv_next_delim(const char *b, size_t len, size_t pos,
			    const char *bd, bool *close_r, size_t *next_r)
{
	size_t bdlen = strlen(bd);

	while (pos < len) {
		if (sv_delim_at(b, len, pos, bd, bdlen, close_r, next_r))
			return pos;
		const char *nl = memchr(b + pos, '\n', len - pos);
		if (nl == NULL)
			break;
		pos = (size_t)(nl - b) + 1;
	}
	return len;
}

/* End of the content before a delimiter at d: its line break belongs to
 * the delimiter (RFC 2046 5.1.1). */
static size_t sv_before_delim(const char *b, size_t d)
{
	if (d > 0 && b[d - 1] == '\n')
		d--;
	if (d > 0 && b[d - 1] == '\r')
		d--;
	return d;
}

static struct sv_mime_part *sv_parse_part(struct sv_mime_ctx *ctx,
					  const char *data, size_t len,
					  const char *dflt, unsigned depth);

static void sv_split_multipart(struct sv_mime_ctx *ctx,
			       struct sv_mime_part *part, const char *bd,
			       unsigned depth)
{
	const char *b = part->body;
	size_t len = part->body_len, next, start = 0, d;
	struct sv_mime_part **tail = &part->child;
	const char *dflt = strcmp(part->type, "multipart/digest") == 0
				   ? "message/rfc822" : "text/plain";
	bool close = false, first = true;

	while ((d = sv_next_delim(b, len, start, bd, &close, &next)) < len) {
		if (ctx->nparts >= SV_MIME_MAX_PARTS)
			return;	/* the rest of the parts is not looked at */
		size_t end = sv_before_delim(b, d);
		if (end < start)
			end = start;	/* delimiter right after another */
		if (first) {
			part->prologue = b;
			part->prologue_len = end;
			part->multipart = true;
			first = false;
		} else {
			*tail = sv_parse_part(ctx, b + start, end - start,
					      dflt, depth + 1);
			tail = &(*tail)->next;
		}
		start = next;
		if (close) {
			part->epilogue = b + next;
			part->epilogue_len = len - next;
			part->has_epilogue = true;
			return;
		}
	}
	if (!first && start < len)	/* no close delimiter */
		*tail = sv_parse_part(ctx, b + start, len - start, dflt,
				      depth + 1);
}

/* Fill part from its parsed header block and descend. */
static void sv_part_fill(struct sv_mime_ctx *ctx, struct sv_mime_part *part,
			 const struct sv_header_block *blk, const char *data,
			 const char *dflt, unsigned depth)
{
	struct sv_arena *a = ctx->msg->arena;
	char *bd = sv_part_type(a, part, blk, dflt);

	part->header = data;
	part->header_len = blk->header_len;
	part->has_body = blk->has_body;
	part->body = blk->body;
	part->body_len = blk->body_len;
	if (++ctx->nparts >= SV_MIME_MAX_PARTS || depth >= SV_MIME_MAX_DEPTH)
		return;	/* deeper structure stays opaque */
	/* RFC 2046 5.1.1: a boundary has 1 to 70 characters; a longer one
	 * is refused so that delimiter search stays linear */
	if (strncmp(part->type, "multipart/", 10) == 0 && bd != NULL &&
	    *bd != '\0' && strlen(bd) <= SV_MIME_MAX_BOUNDARY)
		sv_split_multipart(ctx, part, bd, depth);
	else if ((strcmp(part->type, "message/rfc822") == 0 ||
		  strcmp(part->type, "message/global") == 0) && part->has_body)
		part->child = sv_parse_part(ctx, part->body, part->body_len,
					    "text/plain", depth + 1);
}

static struct sv_mime_part *sv_parse_part(struct sv_mime_ctx *ctx,
					  const char *data, size_t len,
					  const char *dflt, unsigned depth)
{
	struct sv_arena *a = ctx->msg->arena;
	struct sv_mime_part *part = sv_arena_alloc(a, sizeof(*part));
	struct sv_header_block blk;

	sv_header_block_parse(a, data, len, &blk);
	sv_part_fill(ctx, part, &blk, data, dflt, depth);
	return part;
}

static struct sv_mime_part *sv_mime_root(struct sieve_message *msg)
{
	if (!msg->mime_done) {
		struct sv_mime_ctx ctx = { msg, 0 };
		msg->mime = sv_arena_alloc(msg->arena, sizeof(*msg->mime));
		sv_part_fill(&ctx, msg->mime, &msg->hdr, msg->data,
			     "text/plain", 0);
		msg->mime_done = true;
	}
	return msg->mime;
}

/* ---- decoding ---------------------------------------------------------- */

static bool sv_is_text(const struct sv_mime_part *part)
{
	return part->type_valid && strncmp(part->type, "text/", 5) == 0;
}

static bool sv_is_html(const struct sv_mime_part *part)
{
	return strcmp(part->type, "text/html") == 0 ||
	       strcmp(part->type, "application/xhtml+xml") == 0;
}

/* Transfer-decode (RFC 2045 6) into b; false for an unknown encoding. */
static bool sv_cte_decode(const struct sv_mime_part *part, struct sv_str *b)
{
	const char *cte = part->cte;

	if (cte == NULL || *cte == '\0' || strcmp(cte, "7bit") == 0 ||
	    strcmp(cte, "8bit") == 0 || strcmp(cte, "binary") == 0)
		sv_str_add(b, part->body, part->body_len);
	else if (strcmp(cte, "base64") == 0)
		(void)sv_base64_decode(b, part->body, part->body_len);
	else if (strcmp(cte, "quoted-printable") == 0)
		sv_qp_decode(b, part->body, part->body_len, false);
	else
		return false;
	return true;
}

static void sv_part_decode(struct sieve_message *msg,
			   struct sv_mime_part *part)
{
	struct sv_str raw = { 0 };
	size_t n, left = SV_MIME_MAX_DECODED - msg->decoded_bytes;

	if (part->decoded_done)
		return;
	part->decoded_done = true;
	part->bad_cte = !sv_cte_decode(part, &raw);
	if (part->bad_cte)
		sv_str_add(&raw, part->body, part->body_len);
	n = raw.len < left ? raw.len : left;	/* the decoded-size cap */
	msg->decoded_bytes += n;
	char *out = NULL;
	if (sv_is_text(part) || sv_is_html(part)) {
		out = sieve_charset_to_utf8(
			part->charset ? part->charset : "us-ascii",
			raw.s ? raw.s : "", n, &n);
		if (out == NULL) {	/* unknown charset: repair only */
			struct sv_str u = { 0 };
			sv_utf8_append(&u, raw.s ? raw.s : "", n);
			n = u.len;
			out = sv_str_steal(&u);
		}
	}
	part->decoded = sv_arena_strndup(msg->arena,
					 out ? out : raw.s ? raw.s : "", n);
	part->decoded_len = n;
	free(out);
	sv_str_free(&raw);
}

/* Character reference at s (after '&'): appends it and returns the
 * length consumed, or 0 when it is none we know. */
static size_t sv_html_entity(const char *s, size_t len, struct sv_str *b)
{
	static const struct { const char *n, *u; } ents[] = {
		{ "amp;", "&" }, { "lt;", "<" }, { "gt;", ">" },
		{ "quot;", "\"" }, { "apos;", "'" }, { "nbsp;", " " },
	};
	for (size_t i = 0; i < sizeof(ents) / sizeof(ents[0]); i++) {
		size_t k = strlen(ents[i].n);
		if (len >= k && strncasecmp(s, ents[i].n, k) == 0) {
			sv_str_adds(b, ents[i].u);
			return k;
		}
	}
	if (len < 3 || s[0] != '#')
		return 0;
	char *end;
	bool hex = s[1] == 'x' || s[1] == 'X';
	char tmp[16];
	size_t k = len < sizeof(tmp) - 1 ? len : sizeof(tmp) - 1;
	memcpy(tmp, s, k);
	tmp[k] = '\0';
	unsigned long cp = strtoul(tmp + (hex ? 2 : 1), &end, hex ? 16 : 10);
	if (*end != ';' || end == tmp + (hex ? 2 : 1) || cp == 0 ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	char u[4];
	size_t un = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
	static const unsigned char lead[] = { 0, 0, 0xc0, 0xe0, 0xf0 };
	for (size_t i = un - 1; i > 0; i--, cp >>= 6)
		u[i] = (char)(0x80 | (cp & 0x3f));
	u[0] = (char)(lead[un] | cp);
	sv_str_add(b, u, un);
	return (size_t)(end - tmp) + 1;
}

/* Skip a tag or comment at s[i] == '<'; script and style elements lose
 * their content too.  Returns the index after it. */
static size_t sv_html_skip_tag(const char *s, size_t len, size_t i,
			       struct sv_str *b)
{
	const char *end;

	if (len - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
		end = memmem(s + i + 4, len - i - 4, "-->", 3);
		return end ? (size_t)(end - s) + 3 : len;
	}
	bool skip_body = len - i >= 7 && (strncasecmp(s + i, "<script", 7) == 0 ||
					  strncasecmp(s + i, "<style", 6) == 0);
	if (len - i >= 3 && (strncasecmp(s + i, "<br", 3) == 0 ||
			     strncasecmp(s + i, "<p", 2) == 0 ||
			     strncasecmp(s + i, "<div", 4) == 0))
		sv_str_addc(b, '\n');
	end = memchr(s + i, '>', len - i);
	i = end ? (size_t)(end - s) + 1 : len;
	if (skip_body) {
		for (; i < len; i++)
			if (s[i] == '<' && i + 1 < len && s[i + 1] == '/')
				return sv_html_skip_tag(s, len, i, b);
	}
	return i;
}

/* HTML reduced to its text: tags dropped, common entities decoded. */
static void sv_html_to_text(const char *s, size_t len, struct sv_str *b)
{
	for (size_t i = 0; i < len;) {
		if (s[i] == '<') {
			i = sv_html_skip_tag(s, len, i, b);
		} else if (s[i] == '&') {
			size_t k = sv_html_entity(s + i + 1, len - i - 1, b);
			if (k == 0)
				sv_str_addc(b, '&');
			i += k + 1;
		} else {
			size_t run = i;
			while (i < len && s[i] != '<' && s[i] != '&')
				i++;
			sv_str_add(b, s + run, i - run);
		}
	}
}

/* ---- collecting parts -------------------------------------------------- */

struct sv_collect {
	struct sieve_message *msg;
	enum sieve_body_transform transform;
	const char *const *types;
	size_t ntypes;
	struct sieve_body_part *v;
	size_t n, cap;
};

static void sv_collect_add(struct sv_collect *c, const char *type,
			   const char *data, size_t len, bool copy)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 8;
		c->v = sv_realloc(c->v, c->cap * sizeof(*c->v));
	}
	c->v[c->n++] = (struct sieve_body_part){
		type, copy ? sv_arena_strndup(c->msg->arena, data, len) : data,
		len
	};
}

/* RFC 5173 5.2: does the content-type key match this part? */
static bool sv_type_match(const char *key, const struct sv_mime_part *part)
{
	const char *slash = strchr(key, '/');

	if (*key == '\0')
		return true;
	if (!part->type_valid)
		return false;
	if (slash == NULL) {
		size_t n = strlen(key);
		return strncasecmp(part->type, key, n) == 0 &&
		       part->type[n] == '/';
	}
	if (slash == key || slash[1] == '\0' || strchr(slash + 1, '/'))
		return false;	/* matches no content types */
	return strcasecmp(part->type, key) == 0;
}

static bool sv_types_match(const struct sv_collect *c,
			   const struct sv_mime_part *part)
{
	for (size_t i = 0; i < c->ntypes; i++)
		if (sv_type_match(c->types[i], part))
			return true;
	return false;
}

static void sv_collect_content(struct sv_collect *c, struct sv_mime_part *p)
{
	bool match = sv_types_match(c, p);

	if (p->multipart) {
		/* prologue and epilogue, each its own string */
		if (match) {
			if (p->prologue_len > 0)
				sv_collect_add(c, p->type, p->prologue,
					       p->prologue_len, true);
			if (p->has_epilogue && p->epilogue_len > 0)
				sv_collect_add(c, p->type, p->epilogue,
					       p->epilogue_len, true);
		}
	} else if (p->child != NULL) {
		/* message/rfc822: the enclosed header block */
		if (match)
			sv_collect_add(c, p->type, p->child->header,
				       p->child->header_len, true);
	} else if (match) {
		sv_part_decode(c->msg, p);
		sv_collect_add(c, p->type, p->decoded, p->decoded_len, false);
	}
	for (struct sv_mime_part *ch = p->child; ch != NULL; ch = ch->next)
		sv_collect_content(c, ch);
}

static void sv_collect_text(struct sv_collect *c, struct sv_mime_part *p)
{
	for (struct sv_mime_part *ch = p->child; ch != NULL; ch = ch->next)
		sv_collect_text(c, ch);
	if (p->child != NULL || p->multipart ||
	    !(sv_is_text(p) || sv_is_html(p)))
		return;
	sv_part_decode(c->msg, p);
	if (p->bad_cte)
		return;	/* unknown encoding: nothing readable */
	if (p->text == NULL && sv_is_html(p)) {
		struct sv_str b = { 0 };
		sv_html_to_text(p->decoded, p->decoded_len, &b);
		p->text = sv_arena_strndup(c->msg->arena, b.s ? b.s : "",
					   b.len);
		p->text_len = b.len;
		sv_str_free(&b);
	} else if (p->text == NULL) {
		p->text = p->decoded;
		p->text_len = p->decoded_len;
	}
	sv_collect_add(c, p->type, p->text, p->text_len, false);
}

/* Cache key: transform and the lowercased types (caller frees). */
static char *sv_body_key(enum sieve_body_transform tr,
			 const char *const *types, size_t ntypes)
{
	struct sv_str b = { 0 };

	sv_str_addc(&b, (char)('0' + tr));
	for (size_t i = 0; tr == SIEVE_BODY_CONTENT && i < ntypes; i++) {
		sv_str_addc(&b, '\n');
		for (const char *p = types[i]; *p; p++)
			sv_str_addc(&b, (char)tolower((unsigned char)*p));
	}
	return sv_str_steal(&b);
}

static void sv_collect(struct sv_collect *c)
{
	struct sieve_message *msg = c->msg;

	if (!msg->hdr.has_body)
		return;	/* RFC 5173: no body, every test is false */
	if (c->transform == SIEVE_BODY_RAW) {
		sv_collect_add(c, "", msg->hdr.body, msg->hdr.body_len, true);
		return;
	}
	struct sv_mime_part *root = sv_mime_root(msg);
	if (c->transform == SIEVE_BODY_TEXT)
		sv_collect_text(c, root);
	else
		sv_collect_content(c, root);
}

size_t sieve_message_body(struct sieve_message *msg,
			  enum sieve_body_transform transform,
			  const char *const *types, size_t ntypes,
			  const struct sieve_body_part **parts_r)
{
	char *key = sv_body_key(transform, types, ntypes);
	struct sv_body_cache *bc;

	for (bc = msg->bcache; bc != NULL; bc = bc->next)
		if (strcmp(bc->key, key) == 0)
			break;
	if (bc == NULL) {
		struct sv_collect c = { msg, transform, types, ntypes,
					NULL, 0, 0 };
		sv_collect(&c);
		bc = sv_arena_alloc(msg->arena, sizeof(*bc));
		bc->key = sv_arena_strdup(msg->arena, key);
		bc->transform = transform;
		bc->n = c.n;
		bc->parts = sv_arena_alloc(msg->arena,
					   (c.n + 1) * sizeof(*bc->parts));
		if (c.n)
			memcpy(bc->parts, c.v, c.n * sizeof(*c.v));
		free(c.v);
		bc->next = msg->bcache;
		msg->bcache = bc;
	}
	free(key);
	*parts_r = bc->parts;
	return bc->n;
}
