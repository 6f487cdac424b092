/*
 * enotify.h (internal): pure helpers of the enotify extension (RFC 5435)
 * and its built-in mailto method (RFC 5436 over RFC 6068 URIs), kept
 * apart from the interpreter so they can be unit-tested alone.
 */
#ifndef SIEVE_ENOTIFY_H
#define SIEVE_ENOTIFY_H

#include <stdbool.h>
#include <stddef.h>

/* Pigeonhole's defaults: recipients and header fields beyond these are
 * discarded (with a warning flag), not an error. */
#define SIEVE_MAILTO_MAX_RECIPIENTS	8
#define SIEVE_MAILTO_MAX_HEADERS	16

struct sieve_mailto_header {
	char *name, *value;	/* percent-decoded */
};

/* A parsed mailto: URI.  recipients are addr-specs from the to part and
 * the "to"/"cc" header fields, duplicates (case-insensitive) removed. */
struct sieve_mailto {
	char **recipients;
	size_t nrecipients;
	struct sieve_mailto_header *headers;	/* others, minus ignored */
	size_t nheaders;
	char *subject, *body;	/* NULL when absent */
	bool discarded;		/* limits dropped recipients or headers */
};

/* Parse and validate uri.  On failure returns false and *error_r (caller
 * frees) says why, e.g. "invalid character in `to' part".  m_r may be
 * NULL to validate only. */
bool sieve_mailto_parse(const char *uri, struct sieve_mailto **m_r,
			char **error_r);
void sieve_mailto_free(struct sieve_mailto **m);

/* Is from a usable :from for mailto (one addr-spec, optionally with a
 * display name and angle brackets)? */
bool sieve_mailto_from_valid(const char *from);

/* RFC 5435 3.7: name "=" value, name = ALNUM *(ALNUM / "." / "-" / "_"),
 * value without CR, LF, NUL.  *error_r is static text. */
bool sieve_notify_option_valid(const char *opt, const char **error_r);

/* The URI scheme of uri, lowercased, without the colon ("mailto"), or
 * NULL when uri has none (RFC 3986 3.1).  Caller frees. */
char *sieve_uri_scheme(const char *uri);

/*
 * :encodeurl (RFC 5435 6): percent-encode every octet outside the RFC
 * 3986 unreserved set.  When max > 0 the output stops before the first
 * unit that would make it longer than max bytes; a unit is one octet's
 * "%XX" or, for a UTF-8 sequence, all of its octets, so a character is
 * never split.  Caller frees.
 */
char *sieve_encodeurl(const char *in, size_t len, size_t max, size_t *len_r);

#endif
