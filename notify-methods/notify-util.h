/*
 * notify-util.h: helpers shared by siren's own notify plugins (linked
 * into every .so, hidden): strict method-URI parsing with
 * percent-decoding, form and URL encoding, a growable buffer, UTF-8-safe
 * truncation, Retry-After, and the common HTTP outcome classes.
 */
#ifndef SIREN_NOTIFY_UTIL_H
#define SIREN_NOTIFY_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <time.h>

#include "siren-notify.h"

#define NOTIFY_HIDDEN __attribute__((visibility("hidden")))

/* ---- growable buffer (aborts on out of memory, like siren's xmalloc) */
struct nbuf {
	char *data;
	size_t len, cap;
};
NOTIFY_HIDDEN void nbuf_add(struct nbuf *b, const void *p, size_t n);
NOTIFY_HIDDEN void nbuf_puts(struct nbuf *b, const char *s);
NOTIFY_HIDDEN void nbuf_printf(struct nbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Hand the NUL-terminated string to the caller (never NULL). */
NOTIFY_HIDDEN char *nbuf_steal(struct nbuf *b);
NOTIFY_HIDDEN char *notify_strdup(const char *s);
/* The service's base URL: the admin's base_url (tests point it at
 * loopback) or the real service, without a trailing '/'.  Caller frees. */
NOTIFY_HIDDEN char *notify_base_url(const char *configured, const char *dflt);
NOTIFY_HIDDEN char *notify_asprintf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* ---- method URIs: scheme ":" path [ "?" name "=" value *("&" ...) ] -- */
struct notify_param {
	char *name;	/* decoded */
	char *value;	/* decoded */
};
struct notify_uri {
	char *scheme;	/* lowercased */
	char *path;	/* decoded */
	struct notify_param *params;
	size_t nparams;
};
/* Parse uri strictly: only RFC 3986 characters, well-formed %XX, no
 * encoded NUL anywhere nor CR/LF in the path and parameter names (values
 * may hold CR/LF: check with notify_has_ctl where it matters), no
 * fragment, every query item name=value.  Returns 0,
 * or -1 with *error_r (static).  Clear u afterwards either way. */
NOTIFY_HIDDEN int notify_uri_parse(const char *uri, struct notify_uri *u,
				   const char **error_r);
NOTIFY_HIDDEN void notify_uri_clear(struct notify_uri *u);
/* Last value of query parameter name (case-insensitive), or NULL. */
NOTIFY_HIDDEN const char *notify_uri_param(const struct notify_uri *u,
					   const char *name);
/* 1 when every parameter name is in the NULL-terminated allowed list;
 * else 0 with *bad_r set to the first unknown name. */
NOTIFY_HIDDEN int notify_uri_params_known(const struct notify_uri *u,
					  const char *const *allowed,
					  const char **bad_r);
/* Value of option "name=value" from :options (case-insensitive name),
 * or NULL. */
NOTIFY_HIDDEN const char *notify_option(const char *const *options,
					size_t n, const char *name);

/* ---- encoding ------------------------------------------------------ */
/* Percent-encode every octet outside RFC 3986 unreserved. */
NOTIFY_HIDDEN void notify_pct_encode(struct nbuf *b, const char *s);
/* Append "&name=value" (no '&' for the first) form-urlencoded. */
NOTIFY_HIDDEN void notify_form_add(struct nbuf *b, const char *name,
				   const char *value);
/* Byte length of the longest prefix of s holding at most maxchars UTF-8
 * characters, never splitting a sequence. */
NOTIFY_HIDDEN size_t notify_utf8_prefix(const char *s, size_t maxchars);
/* malloc'ed copy of s with each invalid UTF-8 byte replaced by U+FFFD
 * (s may be NULL: ""). */
NOTIFY_HIDDEN char *notify_utf8_clean(const char *s);
/* malloc'ed copy of s cut to maxchars characters. */
NOTIFY_HIDDEN char *notify_utf8_truncate(const char *s, size_t maxchars);
/* The default notification text (RFC 5435 section 3.6: at least From
 * and Subject): "<from>: <subject>", or whichever exists, or "New mail";
 * valid UTF-8 (see notify_utf8_clean). */
NOTIFY_HIDDEN char *notify_default_text(const struct siren_notify_request *r);
/* The text to send: :message, else the default; valid UTF-8.
 * malloc'ed. */
NOTIFY_HIDDEN char *notify_message_text(const struct siren_notify_request *r);
/* 1 when s holds a control character (CR, LF, TAB, ...). */
NOTIFY_HIDDEN int notify_has_ctl(const char *s);
/* 1 when s is "yes", "true", "on" or "1". */
NOTIFY_HIDDEN int notify_yes(const char *s);

/* ---- outcomes ------------------------------------------------------ */
NOTIFY_HIDDEN void notify_outcome(struct siren_notify_outcome *out,
				  enum siren_notify_status status,
				  const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Seconds asked for by a Retry-After value (delay-seconds or HTTP-date,
 * RFC 9110 section 10.2.3) relative to now, capped at one day; 0 when
 * absent or unparsable. */
NOTIFY_HIDDEN long notify_retry_after(const char *value, time_t now);
/* The common classes (notify-methods.md section 7): 2xx delivered, 3xx
 * failed (no redirects), 408/425/429/5xx retry with Retry-After, other
 * failed.  what names the service in the reason.  The body's first line
 * (printable, short) is quoted in the reason of failures. */
NOTIFY_HIDDEN void notify_classify(long status,
				   const struct siren_notify_header *headers,
				   size_t nheaders, const char *body,
				   time_t now, struct siren_notify_outcome *out);

#endif
