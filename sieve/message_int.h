/*
 * message_int.h (internal to the message layer): the message struct that
 * message.c, mime.c and the body extension share, the layer's limits, and
 * small byte helpers (base64, quoted-printable, UTF-8 repair).
 */
#ifndef SIEVE_MESSAGE_INT_H
#define SIEVE_MESSAGE_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "message.h"
#include "util.h"

#define SV_MSG_MAX_HEADERS	10000	/* fields indexed per header block */
#define SV_MSG_MAX_ADDRESSES	10000	/* addresses per address list */
#define SV_MIME_MAX_DEPTH	32	/* multipart / message nesting */
#define SV_MIME_MAX_PARTS	2000	/* MIME parts per message */
#define SV_MIME_MAX_DECODED	(16u << 20) /* decoded body bytes in total */
#define SV_MIME_MAX_BOUNDARY	200	/* RFC 2046 says 70; some exceed */

/* One header field: name and raw value spans inside the message data.
 * The value runs from after the colon to the end of the field, folding
 * line breaks included, the final line break excluded. */
struct sv_header {
	const char *name, *value;
	size_t name_len, value_len;
};

/* A header block: fields, and where the block (with its terminating line
 * break, without the empty line) ends. */
struct sv_header_block {
	struct sv_header *fields;
	size_t nfields;
	size_t header_len;	/* bytes of field lines */
	bool has_body;		/* an empty line ended the block */
	const char *body;	/* after the empty line */
	size_t body_len;
};

struct sv_hcache;		/* per-name caches (message.c) */
struct sv_mime_part;		/* MIME tree (mime.c) */
struct sv_body_cache;		/* body query results (mime.c) */

struct sieve_message {
	const char *data;
	size_t len;
	struct sv_header_block hdr;
	struct sv_arena *arena;	/* every lazy cache lives here */
	struct sv_hcache *hcache;
	struct sv_mime_part *mime;	/* NULL until the first body query */
	bool mime_done;
	struct sv_body_cache *bcache;
	size_t decoded_bytes;	/* against SV_MIME_MAX_DECODED */
};

/* Index the header block of data[0..len) into blk (fields in arena). */
void sv_header_block_parse(struct sv_arena *arena, const char *data,
			   size_t len, struct sv_header_block *blk);
/* Unfold and trim a raw value, dropping NULs (arena string). */
char *sv_header_unfold(struct sv_arena *arena, const char *v, size_t len);
/* First field named name (case-insensitive) in blk, unfolded, or NULL. */
char *sv_header_block_get(struct sv_arena *arena,
			  const struct sv_header_block *blk, const char *name);

/* Parameter name of a MIME field value ("text/plain; charset=x"), RFC
 * 2231 sections and charsets resolved (UTF-8, arena), or NULL. */
char *sv_mime_param(struct sv_arena *arena, const char *value,
		    const char *name);

/* Decoders into b (appending).  Base64 skips anything outside the
 * alphabet; quoted-printable honours soft breaks and keeps invalid
 * escapes as they are.  sv_base64_decode returns false when the input
 * had a non-alphabet character (other than whitespace and padding); the
 * output is complete either way. */
bool sv_base64_decode(struct sv_str *b, const char *in, size_t len);
void sv_qp_decode(struct sv_str *b, const char *in, size_t len, bool header);

/* Append in[0..len) to b, replacing invalid UTF-8 with U+FFFD. */
void sv_utf8_append(struct sv_str *b, const char *in, size_t len);
bool sv_utf8_valid(const char *in, size_t len);

#endif
