/*
 * notify_job.c: the pieces of one notification attempt shared by the
 * dispatcher and `siren notify-test`: the [outbox] settings with their
 * defaults, job -> plugin request, outcome classification
 * (notify-methods.md section 7's table for transport errors; HTTP
 * responses are the plugin's call), and the redacted target for logs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "siren-notify.h"

#include "backoff.h"
#include "notify_job.h"
#include "util.h"

static const char *opt(const struct config *cfg, const char *key)
{
	const char *v = config_get(cfg, "outbox", key);
	return v && *v ? v : NULL;
}

int notify_job_settings(const struct config *cfg, struct outbox_settings *s,
			char **error_r)
{
	const char *e = NULL;

	memset(s, 0, sizeof(*s));
	s->spool = opt(cfg, "spool") ? opt(cfg, "spool") : "./var/spool/outbox";
	s->concurrency = (int)config_get_num(cfg, "outbox", "concurrency", 16);
	if (s->concurrency < 1)
		s->concurrency = 1;
	s->per_host = (int)config_get_num(cfg, "outbox", "per_host", 8);
	s->max_age = config_get_seconds(cfg, "outbox", "max_age", 3600);
	s->retry_base_ms = 1000 * config_get_seconds(cfg, "outbox", "retry_base", 2);
	s->retry_cap_ms = 1000 * config_get_seconds(cfg, "outbox", "retry_cap", 300);
	s->retry_after_cap = config_get_seconds(cfg, "outbox", "retry_after_cap", 300);
	s->rate_limit = config_get_num(cfg, "outbox", "rate_limit", 30);
	s->rate_window = config_get_seconds(cfg, "outbox", "rate_window", 3600);
	s->suppress_window = config_get_seconds(cfg, "outbox", "suppress_window", 60);
	http_policy_defaults(&s->http);
	s->http.connect_timeout_ms =
		1000 * config_get_seconds(cfg, "outbox", "connect_timeout", 3);
	s->http.timeout_ms = 1000 * config_get_seconds(cfg, "outbox", "timeout", 10);
	s->http.max_response =
		(size_t)config_get_num(cfg, "outbox", "max_response", 64 * 1024);
	char *list = xasprintf("%s %s", opt(cfg, "allow") ? opt(cfg, "allow") : "",
			       config_get(cfg, "notify.webhook", "allow") ?
				       config_get(cfg, "notify.webhook", "allow") : "");
	s->allow = ssrf_allow_parse(list, &e);
	free(list);
	if (s->allow == NULL) {
		*error_r = xasprintf("[outbox] allow: %s", e);
		return -1;
	}
	s->http.allow = s->allow;
	return 0;
}

void notify_job_settings_free(struct outbox_settings *s)
{
	ssrf_allow_free(&s->allow);
	s->http.allow = NULL;
}

void notify_job_request(const struct outbox_record *rec,
			struct siren_notify_request *req)
{
	const struct outbox_job *j = &rec->job;

	memset(req, 0, sizeof(*req));
	req->id = rec->id;
	req->attempt = (unsigned)rec->attempts + 1;
	req->method = j->method;
	req->from = j->from;
	req->importance = j->importance >= 1 && j->importance <= 3 ?
		j->importance : 2;
	req->options = j->options;
	req->noptions = j->noptions;
	req->message = j->message;
	req->user = j->user;
	req->env_from = j->env_from ? j->env_from : "";
	req->env_to = j->recipient;
	req->mailbox = j->mailbox;
	req->msg_from = j->msg_from;
	req->msg_subject = j->msg_subject;
	req->msg_date = j->msg_date;
	req->msg_id = j->msg_id;
	req->auto_submitted = j->auto_submitted;
	req->arrival = j->arrival;
}

static void outcome(struct siren_notify_outcome *out,
		    enum siren_notify_status st, const char *fmt, const char *arg)
{
	out->status = st;
	out->retry_after = 0;
	snprintf(out->reason, sizeof(out->reason), fmt, arg);
}

/* Transport errors that retrying cannot fix. */
static int permanent_curl_error(CURLcode code)
{
	switch (code) {
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_TOO_MANY_REDIRECTS:
		return 1;
	default:
		return 0;
	}
}

void notify_job_classify(const struct siren_notify_method *m, void *state,
			 const struct siren_notify_request *req,
			 const struct http_result *res,
			 struct siren_notify_outcome *out)
{
	memset(out, 0, sizeof(*out));
	if (res->refused) {
		outcome(out, SIREN_NOTIFY_FAILED, "%s", "refused by SSRF policy: "
			"connection to an address that was not vetted");
		return;
	}
	if (res->code != CURLE_OK) {
		outcome(out, permanent_curl_error(res->code) ? SIREN_NOTIFY_FAILED :
			SIREN_NOTIFY_RETRY, "transport: %s", res->error);
		return;
	}
	m->result(state, req, res->status, res->headers, res->nheaders,
		  res->body, res->len, out);
	if (out->status == SIREN_NOTIFY_RETRY && out->retry_after <= 0) {
		const char *ra = siren_notify_header_get(res->headers,
							 res->nheaders,
							 "Retry-After");
		long long s = backoff_retry_after(ra, time(NULL));
		out->retry_after = s > 0 ? (long)s : 0;
	}
	if (out->reason[0] == '\0')
		snprintf(out->reason, sizeof(out->reason), "HTTP %ld", res->status);
}

const char *notify_job_redact(const char *uri, char *buf, size_t n)
{
	const char *colon = uri ? strchr(uri, ':') : NULL;

	if (colon == NULL) {
		snprintf(buf, n, "(invalid)");
		return buf;
	}
	int slen = (int)(colon - uri);
	if (strncmp(colon, "://", 3) == 0) {
		const char *host = colon + 3;
		const char *end = host + strcspn(host, "/?#");
		const char *at = memchr(host, '@', (size_t)(end - host));
		if (at)
			host = at + 1;
		snprintf(buf, n, "%.*s://%.*s/...", slen, uri,
			 (int)(end - host), host);
		return buf;
	}
	char tail[16];
	/* Keep a few characters of the target (a user key, an event name)
	 * so the owner recognises it, never the whole capability. */
	snprintf(tail, sizeof(tail), "%.4s", colon + 1);
	snprintf(buf, n, "%.*s:%s%s", slen, uri, tail,
		 strlen(colon + 1) > 4 ? "..." : "");
	return buf;
}
