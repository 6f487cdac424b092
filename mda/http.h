/*
 * http.h: one outgoing notification request on libcurl, with siren's
 * policy applied to every request (no redirects, http/https only, no
 * proxies, timeouts, response cap) and the SSRF guard to requests whose
 * URL the user supplied (notify-methods.md section 7).
 */
#ifndef SIREN_HTTP_H
#define SIREN_HTTP_H

#include <stddef.h>

#include <curl/curl.h>

#include "siren-notify.h"
#include "ssrf.h"

struct http_policy {
	long connect_timeout_ms;	/* default 3000 */
	long timeout_ms;		/* whole request, default 10000 */
	size_t max_response;		/* bytes of body kept, default 64 KiB */
	const struct ssrf_allow *allow;	/* CIDRs a user URL may reach */
	int allow_ip_literal;		/* user URL may be a public IP literal */
};

/* What came back.  Borrowed from the call until http_call_free. */
struct http_result {
	CURLcode code;		/* CURLE_OK when a response arrived */
	long status;		/* HTTP status, 0 when none */
	const struct siren_notify_header *headers;
	size_t nheaders;
	const char *body;	/* first max_response bytes, NUL-terminated */
	size_t len;
	int truncated;		/* body was longer than max_response */
	int refused;		/* the SSRF guard refused the connection */
	const char *error;	/* transport error text when code != OK */
	long latency_ms;
};

struct http_call;

/* Prepare a call for req (borrowed until http_call_free).  For
 * SIREN_NOTIFY_HTTP_USER_URL requests this checks the URL and resolves
 * its host (blocking getaddrinfo) and refuses special-purpose addresses
 * unless allowlisted.  Returns NULL with *error_r (caller frees) when the
 * request cannot be made: *transient_r is 1 when that may change (DNS
 * failure), 0 when it is permanent (SSRF refusal, bad URL). */
struct http_call *http_call_new(const struct http_policy *pol,
				const struct siren_notify_http *req,
				int *transient_r, char **error_r);
/* The easy handle to add to a multi handle (owned by the call). */
CURL *http_call_easy(struct http_call *call);
/* Record the transfer's end (code from CURLMSG_DONE) and return the
 * result (borrowed from call). */
const struct http_result *http_call_finish(struct http_call *call,
					   CURLcode code);
/* Run the call synchronously (curl_easy_perform); returns the result. */
const struct http_result *http_call_perform(struct http_call *call);
void http_call_free(struct http_call **call);

/* Fill a policy's defaults. */
void http_policy_defaults(struct http_policy *pol);

#endif
