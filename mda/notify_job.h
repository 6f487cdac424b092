/*
 * notify_job.h: what the dispatcher and `siren notify-test` share: the
 * [outbox] settings, turning a spooled job into a plugin request, and
 * classifying one attempt's outcome (transport errors, the plugin's
 * verdict on the HTTP response, Retry-After).
 */
#ifndef SIREN_NOTIFY_JOB_H
#define SIREN_NOTIFY_JOB_H

#include <stddef.h>

#include "siren-notify.h"

#include "config.h"
#include "http.h"
#include "outbox.h"
#include "ssrf.h"

struct outbox_settings {
	const char *spool;		/* [outbox] spool */
	int concurrency;		/* requests in flight, default 16 */
	int per_host;			/* of those to one host:port, 8; 0 = no cap */
	long long max_age;		/* s a job may keep retrying, 1h */
	long long retry_base_ms;	/* backoff base, 2 s */
	long long retry_cap_ms;		/* backoff cap, 5 min */
	long long retry_after_cap;	/* s, largest Retry-After honoured */
	long long rate_limit;		/* jobs per user per window, 30 */
	long long rate_window;		/* s, 60 min */
	long long suppress_window;	/* s, identical notifications, 60 */
	struct http_policy http;
	struct ssrf_allow *allow;	/* [outbox] allow + [notify.webhook] allow */
};

/* Read [outbox] (and the webhook plugin's allow list).  Returns 0, or -1
 * with *error_r (caller frees) on a bad value. */
int notify_job_settings(const struct config *cfg, struct outbox_settings *s,
			char **error_r);
void notify_job_settings_free(struct outbox_settings *s);

/* Point req's fields at rec's strings (borrowed from rec). */
void notify_job_request(const struct outbox_record *rec,
			struct siren_notify_request *req);

/* The outcome of an HTTP attempt: transport failures are classified
 * here (SSRF refusal and TLS/URL errors permanent, the rest transient),
 * responses by the plugin's result(); a RETRY without the plugin's
 * retry_after takes the Retry-After header. */
void notify_job_classify(const struct siren_notify_method *m, void *state,
			 const struct siren_notify_request *req,
			 const struct http_result *res,
			 struct siren_notify_outcome *out);

/* The notify URI for logs: the scheme, and for URLs the host, the rest
 * cut to a short prefix ("pushover:uQiR...", "https://hooks.example/...").
 * Returns buf. */
const char *notify_job_redact(const char *uri, char *buf, size_t n);

#endif
