/*
 * http.c: the outbox's HTTP client on libcurl.  Every request: no
 * redirects, http/https only, environment proxies ignored, connect and
 * total timeouts, the response body capped, no signals, TLS verification
 * on.  User-supplied URLs (webhooks) also pass the SSRF guard of
 * notify-methods.md section 7: URL checks, our own getaddrinfo with every
 * address vetted, the vetted addresses pinned with CURLOPT_RESOLVE, and a
 * re-check of the exact sockaddr in CURLOPT_OPENSOCKETFUNCTION.
 * Left out: a per-host connection cap and async DNS (resolution blocks).
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "http.h"
#include "log.h"
#include "util.h"

#define HTTP_MAX_VETTED 16
#define HTTP_MAX_RESP_HEADERS 64

struct http_call {
	CURL *easy;
	const struct http_policy *pol;
	struct curl_slist *headers, *resolve;
	struct buf body;
	int truncated, refused;
	/* SSRF: the addresses getaddrinfo gave and we vetted (user URLs) */
	int guarded;
	struct sockaddr_storage vetted[HTTP_MAX_VETTED];
	size_t nvetted;
	/* response headers, "Name" / "value" pairs of the final response */
	struct siren_notify_header rh[HTTP_MAX_RESP_HEADERS];
	size_t nrh;
	struct timespec start;
	char errbuf[CURL_ERROR_SIZE];
	struct http_result res;
};

void http_policy_defaults(struct http_policy *pol)
{
	memset(pol, 0, sizeof(*pol));
	pol->connect_timeout_ms = 3000;
	pol->timeout_ms = 10000;
	pol->max_response = 64 * 1024;
}

/* ---- callbacks ------------------------------------------------------- */

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
	struct http_call *call = arg;
	size_t len = size * n, room = call->pol->max_response - call->body.len;

	if (len > room) {
		/* Keep what fits and abort: a notification endpoint has no
		 * business sending more, and we never log bodies anyway. */
		buf_append(&call->body, p, room);
		call->truncated = 1;
		return 0;
	}
	buf_append(&call->body, p, len);
	return len;
}

static void clear_resp_headers(struct http_call *call)
{
	for (size_t i = 0; i < call->nrh; i++) {
		free((char *)call->rh[i].name);
		free((char *)call->rh[i].value);
	}
	call->nrh = 0;
}

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
	struct http_call *call = arg;
	size_t len = size * n;
	const char *colon = memchr(p, ':', len);

	if (len >= 5 && !memcmp(p, "HTTP/", 5)) {
		clear_resp_headers(call);	/* a new (final?) response */
		return len;
	}
	if (colon == NULL || call->nrh == HTTP_MAX_RESP_HEADERS)
		return len;
	const char *v = colon + 1, *end = p + len;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' ||
			   end[-1] == ' ' || end[-1] == '\t'))
		end--;
	call->rh[call->nrh].name = xstrndup(p, (size_t)(colon - p));
	call->rh[call->nrh].value = xstrndup(v, (size_t)(end - v));
	call->nrh++;
	return len;
}

static int same_addr(const struct sockaddr *a, const struct sockaddr_storage *b)
{
	if (a->sa_family != b->ss_family)
		return 0;
	if (a->sa_family == AF_INET)
		return !memcmp(&((const struct sockaddr_in *)a)->sin_addr,
			       &((const struct sockaddr_in *)b)->sin_addr, 4);
	if (a->sa_family == AF_INET6)
		return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			       &((const struct sockaddr_in6 *)b)->sin6_addr, 16);
	return 0;
}

/* The last line of the SSRF guard: the exact address curl is about to
 * connect to must be one we vetted, and must still pass the policy. */
static curl_socket_t on_opensocket(void *arg, curlsocktype purpose,
				   struct curl_sockaddr *a)
{
	struct http_call *call = arg;
	int ok = 0;

	if (purpose != CURLSOCKTYPE_IPCXN)
		return CURL_SOCKET_BAD;
	for (size_t i = 0; i < call->nvetted && !ok; i++)
		ok = same_addr(&a->addr, &call->vetted[i]);
	if (ok && ssrf_check(&a->addr, call->pol->allow) != NULL)
		ok = 0;
	if (!ok) {
		call->refused = 1;
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

/* ---- the SSRF guard before the request ------------------------------ */

static int is_ip_literal(const char *host)
{
	unsigned char tmp[16];

	return inet_pton(AF_INET, host, tmp) == 1 ||
	       inet_pton(AF_INET6, host, tmp) == 1;
}

static void addr_text(const struct sockaddr *sa, char *buf, size_t n)
{
	const void *src = sa->sa_family == AF_INET ?
		(const void *)&((const struct sockaddr_in *)sa)->sin_addr :
		(const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr;

	if (inet_ntop(sa->sa_family, src, buf, (socklen_t)n) == NULL)
		snprintf(buf, n, "?");
}

/* Resolve host, vet every address, and pin the vetted set. */
static int guard_resolve(struct http_call *call, const char *host,
			 const char *port, char **error_r)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC,
				  .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL;
	struct buf pin = { 0 };
	char txt[INET6_ADDRSTRLEN];
	int rc = getaddrinfo(host, port, &hints, &res);

	if (rc != 0) {
		*error_r = xasprintf("cannot resolve host: %s", gai_strerror(rc));
		return -2;	/* transient: DNS may come back */
	}
	buf_printf(&pin, "%s:%s:", host, port);
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		const char *why = ssrf_check(ai->ai_addr, call->pol->allow);
		addr_text(ai->ai_addr, txt, sizeof(txt));
		if (why != NULL) {
			*error_r = xasprintf("refused by SSRF policy: host "
					     "resolves to %s address %s", why, txt);
			freeaddrinfo(res);
			buf_free(&pin);
			return -1;
		}
		if (call->nvetted == HTTP_MAX_VETTED)
			continue;
		memcpy(&call->vetted[call->nvetted++], ai->ai_addr,
		       ai->ai_addrlen);
		buf_printf(&pin, "%s%s%s%s", call->nvetted > 1 ? "," : "",
			   ai->ai_family == AF_INET6 ? "[" : "", txt,
			   ai->ai_family == AF_INET6 ? "]" : "");
	}
	freeaddrinfo(res);
	call->resolve = curl_slist_append(NULL, pin.data);
	buf_free(&pin);
	return 0;
}

/* URL-level rules for user URLs: scheme, no userinfo, IP literals. */
static int guard_url(struct http_call *call, const struct siren_notify_http *req,
		     char **error_r)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *user = NULL;
	int rc = -1;

	if (curl_url_set(u, CURLUPART_URL, req->url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK) {
		*error_r = xstrdup("refused by SSRF policy: unparsable URL");
	} else if (strcmp(scheme, "https") != 0 &&
		   !(strcmp(scheme, "http") == 0 &&
		     (req->flags & SIREN_NOTIFY_HTTP_ALLOW_HTTP))) {
		*error_r = xasprintf("refused by SSRF policy: scheme %s", scheme);
	} else if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK) {
		*error_r = xstrdup("refused by SSRF policy: userinfo in URL");
	} else {
		/* curl gives IPv6 literals in brackets. */
		size_t hl = strlen(host);
		char *bare = host[0] == '[' ? xstrndup(host + 1, hl - 2) :
					      xstrdup(host);
		rc = guard_resolve(call, bare, port, error_r);
		if (rc == 0 && is_ip_literal(bare) && !call->pol->allow_ip_literal &&
		    !ssrf_allow_match(call->pol->allow,
				      (struct sockaddr *)&call->vetted[0])) {
			*error_r = xstrdup("refused by SSRF policy: IP-literal "
					   "host not in the allowlist");
			rc = -1;
		}
		free(bare);
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(user);
	curl_url_cleanup(u);
	return rc;
}

/* ---- building the call ----------------------------------------------- */

static void set_common(struct http_call *call, const struct siren_notify_http *req)
{
	CURL *e = call->easy;
	const struct http_policy *pol = call->pol;

	curl_easy_setopt(e, CURLOPT_URL, req->url);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	curl_easy_setopt(e, CURLOPT_PROXY, "");
	curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, pol->connect_timeout_ms);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS,
			 req->timeout_ms > 0 && req->timeout_ms < pol->timeout_ms ?
				 req->timeout_ms : pol->timeout_ms);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE,
			 (curl_off_t)pol->max_response);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "siren/" SIREN_VERSION);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, call);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, call);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, call->errbuf);
	curl_easy_setopt(e, CURLOPT_PRIVATE, call);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
}

static void set_request(struct http_call *call, const struct siren_notify_http *req)
{
	CURL *e = call->easy;
	const char *method = req->method ? req->method : "POST";

	if (req->content_type) {
		char *ct = xasprintf("Content-Type: %s", req->content_type);
		call->headers = curl_slist_append(call->headers, ct);
		free(ct);
	}
	for (size_t i = 0; i < req->nheaders; i++)
		call->headers = curl_slist_append(call->headers, req->headers[i]);
	/* No "Expect: 100-continue" round trip. */
	call->headers = curl_slist_append(call->headers, "Expect:");
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, call->headers);
	if (strcmp(method, "GET") == 0) {
		curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
		return;
	}
	curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
			 (curl_off_t)(req->body ? req->body_len : 0));
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, req->body ? req->body : "");
	if (strcmp(method, "POST") != 0)
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
}

struct http_call *http_call_new(const struct http_policy *pol,
				const struct siren_notify_http *req,
				int *transient_r, char **error_r)
{
	struct http_call *call = xcalloc(1, sizeof(*call));

	*transient_r = 0;
	call->pol = pol;
	call->res.code = CURLE_OK;
	if (req->url == NULL) {
		*error_r = xstrdup("plugin gave no URL");
		free(call);
		return NULL;
	}
	if (req->flags & SIREN_NOTIFY_HTTP_USER_URL) {
		call->guarded = 1;
		int rc = guard_url(call, req, error_r);
		if (rc < 0) {
			*transient_r = rc == -2;
			curl_slist_free_all(call->resolve);
			free(call);
			return NULL;
		}
	}
	call->easy = curl_easy_init();
	if (call->easy == NULL)
		fatalx("curl_easy_init failed");
	set_common(call, req);
	set_request(call, req);
	if (call->guarded) {
		curl_easy_setopt(call->easy, CURLOPT_RESOLVE, call->resolve);
		curl_easy_setopt(call->easy, CURLOPT_OPENSOCKETFUNCTION,
				 on_opensocket);
		curl_easy_setopt(call->easy, CURLOPT_OPENSOCKETDATA, call);
	}
	clock_gettime(CLOCK_MONOTONIC, &call->start);
	return call;
}

CURL *http_call_easy(struct http_call *call)
{
	return call->easy;
}

const struct http_result *http_call_finish(struct http_call *call,
					   CURLcode code)
{
	struct http_result *r = &call->res;
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	r->latency_ms = (now.tv_sec - call->start.tv_sec) * 1000 +
			(now.tv_nsec - call->start.tv_nsec) / 1000000;
	curl_easy_getinfo(call->easy, CURLINFO_RESPONSE_CODE, &r->status);
	/* A body over the cap aborts the transfer (in the write callback, or
	 * up front from Content-Length), but the status line and headers did
	 * arrive: treat it as a response. */
	if (code == CURLE_FILESIZE_EXCEEDED)
		call->truncated = 1;
	r->truncated = call->truncated;
	r->refused = call->refused;
	r->code = call->truncated && r->status > 0 ? CURLE_OK : code;
	r->error = code == CURLE_OK ? NULL :
		   call->errbuf[0] ? call->errbuf : curl_easy_strerror(code);
	r->headers = call->rh;
	r->nheaders = call->nrh;
	buf_append(&call->body, "", 0);
	r->body = call->body.data ? call->body.data : "";
	r->len = call->body.len;
	return r;
}

const struct http_result *http_call_perform(struct http_call *call)
{
	return http_call_finish(call, curl_easy_perform(call->easy));
}

void http_call_free(struct http_call **callp)
{
	struct http_call *call = *callp;

	if (call == NULL)
		return;
	if (call->easy)
		curl_easy_cleanup(call->easy);
	curl_slist_free_all(call->headers);
	curl_slist_free_all(call->resolve);
	clear_resp_headers(call);
	buf_free(&call->body);
	free(call);
	*callp = NULL;
}
