/*
 * message.h (internal): the parsed message the interpreter reads.
 *
 * sieve_message_new() (sieve.h) indexes the header block once: field
 * names and raw value offsets.  Everything else is computed on first use
 * and cached in the message, so every recipient's execution shares it:
 * unfolded and RFC 2047-decoded values, parsed address lists, the MIME
 * tree with decoded text parts.  All returned storage is borrowed until
 * sieve_message_free().  Nothing here fails on garbage input.
 */
#ifndef SIEVE_MESSAGE_H
#define SIEVE_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "sieve.h"

/* Raw header values (unfolded: CRLF/LF + WSP joined, leading/trailing
 * whitespace trimmed, NOT 2047-decoded), in message order.  Returns the
 * count. */
size_t sieve_message_headers_raw(struct sieve_message *msg, const char *name,
				 const char *const **values_r);

/* One mailbox from an address header (RFC 5322 3.4).  Groups are
 * flattened into their members; an unparseable item yields one entry with
 * localpart == NULL and all == the raw text (so :all still matches and
 * :localpart/:domain never do). */
struct sieve_address {
	const char *all;	/* "local@domain" (no display name) */
	const char *localpart;	/* unquoted local part, or NULL */
	const char *domain;	/* domain, "" when absent, NULL if invalid */
	const char *name;	/* display name, decoded, or NULL */
};
/* Every address in every header field named name, in order. */
size_t sieve_message_addresses(struct sieve_message *msg, const char *name,
			       const struct sieve_address **addrs_r);

/* Raw message and size (RFC 5228 size test uses len). */
const char *sieve_message_data(const struct sieve_message *msg, size_t *len_r);

/* Body parts for the body extension (RFC 5173), as Pigeonhole's suite
 * expects them.  No parts at all when the header is not followed by an
 * empty line.  For SIEVE_BODY_RAW one part: the undecoded body after the
 * empty line.  For CONTENT, every part whose Content-Type matches one of
 * types ("" = every part, "text" = any text subtype, "text/html" exact;
 * case-insensitive; a type with a leading or trailing slash or two
 * slashes matches nothing): leaves transfer-decoded and, for text types,
 * converted to UTF-8; a matching multipart part gives its prologue and
 * epilogue as two parts; a matching message/rfc822 part gives the
 * enclosed header block.  The search descends into every multipart and
 * message/rfc822 part.  For TEXT, every text leaf (and
 * application/xhtml+xml) decoded likewise, HTML reduced to its text;
 * parts with an unknown transfer encoding are skipped.  types is ignored
 * but for CONTENT. */
enum sieve_body_transform { SIEVE_BODY_RAW, SIEVE_BODY_CONTENT, SIEVE_BODY_TEXT };
struct sieve_body_part {
	const char *content_type;	/* lowercase "type/subtype" */
	const char *data;		/* NUL-terminated */
	size_t len;
};
size_t sieve_message_body(struct sieve_message *msg,
			  enum sieve_body_transform transform,
			  const char *const *types, size_t ntypes,
			  const struct sieve_body_part **parts_r);

/* ---- pure helpers, also unit-tested alone ---------------------------- */

/* Decode RFC 2047 encoded-words in a header value to UTF-8 (unknown
 * charsets and broken words are left as they were).  Caller frees. */
char *sieve_rfc2047_decode(const char *in, size_t len);

/* Parse an RFC 5322 address list (groups, comments, quoted local parts,
 * obsolete routes) into *addrs_r (caller frees with
 * sieve_address_list_free).  Returns the count. */
size_t sieve_address_list_parse(const char *in,
				struct sieve_address **addrs_r);
void sieve_address_list_free(struct sieve_address *addrs, size_t n);

/* Parse an RFC 5322 date-time (and the common obsolete forms).  Returns
 * true and the UTC time and the zone offset in minutes east of UTC. */
bool sieve_date_parse(const char *in, time_t *t_r, int *zone_minutes_r);

/* Convert len bytes in charset to UTF-8 with iconv; invalid sequences
 * become U+FFFD.  NULL when the charset is unknown.  Caller frees. */
char *sieve_charset_to_utf8(const char *charset, const char *in, size_t len,
			    size_t *len_r);

#endif
