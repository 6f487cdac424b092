/*
 * siren-notify.h: the notify-method plugin ABI of siren (RFC 5435 methods
 * as dlopen'ed shared objects).  Self-contained: a third party builds a
 * plugin against this one header, without siren's sources:
 *
 *	cc -shared -fPIC -o hello.so hello.c -I/usr/local/include/siren
 *
 * Each .so exports ONE const object named siren_notify_method (below).
 * The host loads it with dlopen(RTLD_NOW|RTLD_LOCAL), refuses it unless
 * abi_version == SIREN_NOTIFY_ABI_VERSION, calls init() once with the
 * plugin's own [notify.NAME] config section, and maps each scheme in
 * schemes[] to it.
 *
 * Sending is split so that the HOST does all network I/O (libcurl multi:
 * concurrency, SSRF guard, timeouts, TLS, response size cap, retries and
 * backoff are enforced once, in the host):
 *   HTTP methods implement prepare() (describe one request) and result()
 *   (classify the response); non-HTTP methods (mailto) implement
 *   deliver() and use host services such as send_mail().
 *
 * Threading: the host calls a plugin from one thread at a time.
 * Memory: the plugin and the host share the C library's malloc/free;
 * everything a plugin puts into struct siren_notify_http must be
 * malloc'ed, and the host releases it with siren_notify_http_clear().
 * Secrets (tokens, webhook paths) must never reach host->log unredacted.
 */
#ifndef SIREN_NOTIFY_H
#define SIREN_NOTIFY_H

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SIREN_NOTIFY_ABI_VERSION 1
/* The one symbol every plugin exports (a const struct siren_notify_method). */
#define SIREN_NOTIFY_SYMBOL "siren_notify_method"

/* ---- services the host gives the plugin ---------------------------- */

enum siren_notify_log_level {
	SIREN_NOTIFY_LOG_DEBUG = 0,
	SIREN_NOTIFY_LOG_INFO = 1,
	SIREN_NOTIFY_LOG_WARN = 2,
};

/* send_mail() results. */
#define SIREN_NOTIFY_MAIL_OK 0
#define SIREN_NOTIFY_MAIL_TEMPFAIL (-1)
#define SIREN_NOTIFY_MAIL_PERMFAIL (-2)

struct siren_notify_host {
	unsigned abi_version;	/* SIREN_NOTIFY_ABI_VERSION of the host */
	void *ctx;		/* host's own data; plugins leave it alone */
	/* Log one line (no trailing newline); start it with the method name. */
	void (*log)(const struct siren_notify_host *host, int level,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
	/* Submit msg (complete RFC 5322 text) with envelope sender env_from
	 * ("" = null sender <>) to nrcpts recipients; blocks.  Returns
	 * SIREN_NOTIFY_MAIL_OK, _TEMPFAIL or _PERMFAIL with *error_r
	 * (borrowed until the next call). */
	int (*send_mail)(const struct siren_notify_host *host,
			 const char *env_from, const char *const *rcpts,
			 size_t nrcpts, const char *msg, size_t len,
			 const char **error_r);
	/* Wall-clock time of this attempt (tests substitute a fixed one). */
	time_t (*now)(const struct siren_notify_host *host);
	/* Fully qualified host name, for Message-IDs. */
	const char *hostname;
};

/* The plugin's own [notify.NAME] section, raw key/value pairs in file
 * order, borrowed for the plugin's lifetime (until free()). */
struct siren_notify_config {
	const char *name;	/* "notify.pushover" */
	size_t count;
	const char *const *keys;
	const char *const *values;
	/* Last value of key (case-sensitive), or NULL when unset. */
	const char *(*get)(const struct siren_notify_config *cfg,
			   const char *key);
};

/* ---- one notification ---------------------------------------------- */

/* Everything the Sieve notify action and its message tell the method.
 * All strings are UTF-8 and borrowed for the duration of the call; any
 * of the message-derived ones may be NULL when the message lacks it. */
struct siren_notify_request {
	const char *id;		/* stable job id: same on every retry */
	unsigned attempt;	/* 1 on the first try */
	const char *method;	/* the notify URI, as written in the script */
	const char *from;	/* :from, or NULL */
	int importance;		/* :importance, 1 high, 2 normal, 3 low */
	const char *const *options; /* :options, "name=value" each */
	size_t noptions;
	const char *message;	/* :message, or NULL when the script gave none */
	/* context of the triggering delivery */
	const char *user;	/* recipient user (user@domain) */
	const char *env_from;	/* MAIL FROM, "" for the null sender */
	const char *env_to;	/* RCPT TO this delivery served */
	const char *mailbox;	/* folder the message was filed into */
	const char *msg_from;	/* its From: (decoded) */
	const char *msg_subject;	/* its Subject: (decoded) */
	const char *msg_date;	/* its Date: as written */
	const char *msg_id;	/* its Message-ID: */
	const char *auto_submitted; /* its Auto-Submitted:, NULL if absent */
	time_t arrival;		/* when siren received it */
};

/* ---- the HTTP request a method asks the host to make ---------------- */

#define SIREN_NOTIFY_MAX_HEADERS 16

/* The URL came from the user's script (not a fixed service host): the
 * host applies its SSRF guard (https only, no private or loopback
 * addresses, no redirects). */
#define SIREN_NOTIFY_HTTP_USER_URL 0x1u
/* With USER_URL: plain http: is permitted too (admin allowed it). */
#define SIREN_NOTIFY_HTTP_ALLOW_HTTP 0x2u

struct siren_notify_http {
	const char *method;	/* "POST", "PUT", "GET" (static string) */
	char *url;		/* malloc'ed */
	const char *content_type; /* static string, e.g. "application/json" */
	char *headers[SIREN_NOTIFY_MAX_HEADERS]; /* "Name: value", malloc'ed */
	size_t nheaders;
	char *body;		/* malloc'ed, exact bytes to send */
	size_t body_len;
	unsigned flags;		/* SIREN_NOTIFY_HTTP_* */
	long timeout_ms;	/* 0: the host's default */
};

/* Free everything in *http and zero it (host side; also for plugins
 * that fail half-way through prepare()). */
static inline void siren_notify_http_clear(struct siren_notify_http *http)
{
	free(http->url);
	free(http->body);
	for (size_t i = 0; i < http->nheaders; i++)
		free(http->headers[i]);
	memset(http, 0, sizeof(*http));
}

/* A response header as the host passes it to result(). */
struct siren_notify_header {
	const char *name;
	const char *value;
};

/* First value of header name (case-insensitive) or NULL. */
static inline const char *
siren_notify_header_get(const struct siren_notify_header *h, size_t n,
			const char *name)
{
	for (size_t i = 0; i < n; i++) {
		const char *a = h[i].name, *b = name;

		while (*a && *b &&
		       (*a >= 'A' && *a <= 'Z' ? *a + 32 : *a) ==
			       (*b >= 'A' && *b <= 'Z' ? *b + 32 : *b))
			a++, b++;
		if (*a == '\0' && *b == '\0')
			return h[i].value;
	}
	return NULL;
}

/* ---- what happened ---------------------------------------------------- */

enum siren_notify_status {
	SIREN_NOTIFY_DELIVERED = 0,
	SIREN_NOTIFY_RETRY = 1,	/* transient: the host retries with backoff */
	SIREN_NOTIFY_FAILED = 2,	/* permanent: never resend unchanged */
};

struct siren_notify_outcome {
	enum siren_notify_status status;
	long retry_after;	/* RETRY: seconds the service asked for, 0 none */
	char reason[256];	/* short text for logs and `siren queue`; no
				 * secrets */
};

/* ---- the plugin ------------------------------------------------------- */

struct siren_notify_method {
	unsigned abi_version;	/* SIREN_NOTIFY_ABI_VERSION */
	const char *name;	/* "pushover": its config is [notify.pushover] */
	/* URI schemes handled, lowercase without ':', NULL-terminated. */
	const char *const *schemes;

	/* Set up from the admin's [notify.NAME] section.  Returns 0 and sets
	 * *state_r, or -1 with *error_r (malloc'ed, host frees). */
	int (*init)(const struct siren_notify_host *host,
		    const struct siren_notify_config *section, void **state_r,
		    char **error_r);
	/* RFC 5435 URI validation, exact: 1 valid, 0 invalid with *error_r
	 * (a static string).  Used at script compile time, by
	 * valid_notify_method, and before every send. */
	int (*check)(void *state, const char *uri, const char *const *options,
		     size_t noptions, const char **error_r);
	/* notify_method_capability: "yes", "no", "maybe", or NULL for an
	 * unknown capability.  name is lowercase. */
	const char *(*capability)(void *state, const char *uri,
				  const char *name);

	/* HTTP methods: fill *http_r (zeroed by the host).  Returns 0, or -1
	 * with *error_r (malloc'ed) when this notification can never be sent
	 * (permanent failure); the host then clears *http_r. */
	int (*prepare)(void *state, const struct siren_notify_request *req,
		       struct siren_notify_http *http_r, char **error_r);
	/* Classify the response to prepare()'s request.  Called only when an
	 * HTTP response arrived; the host itself treats connection errors and
	 * timeouts as RETRY and SSRF refusals as FAILED.  body is the first
	 * bytes of the response (capped by the host), NUL-terminated. */
	void (*result)(void *state, const struct siren_notify_request *req,
		       long status, const struct siren_notify_header *headers,
		       size_t nheaders, const char *body, size_t len,
		       struct siren_notify_outcome *out);

	/* Non-HTTP methods: deliver now using host services; NULL for HTTP
	 * methods.  Exactly one of prepare/result and deliver is set. */
	void (*deliver)(void *state, const struct siren_notify_request *req,
			struct siren_notify_outcome *out);

	/* Release state (NULL-safe). */
	void (*free)(void *state);
};

/* Every plugin defines this, e.g.
 *	const struct siren_notify_method siren_notify_method = { ... };
 */
extern const struct siren_notify_method siren_notify_method;

#endif
