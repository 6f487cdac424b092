/*
 * cmd_notify.c: `siren notify-test` (send one notification now, through
 * the plugins, the same HTTP path and SSRF guard as the dispatcher, and
 * show the service's answer) and `siren queue` (list, retry, purge the
 * outbox; `queue run` runs the dispatcher in the foreground).
 * Exit codes follow sysexits: 0 ok, 1 failed, 64 usage, 75 retryable,
 * 78 configuration.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "siren-notify.h"

#include "commands.h"
#include "config.h"
#include "dispatcher.h"
#include "http.h"
#include "log.h"
#include "notify_job.h"
#include "outbox.h"
#include "plugin.h"
#include "util.h"

#define EX_USAGE_ 64
#define EX_TEMPFAIL_ 75
#define EX_CONFIG_ 78
#define SHOW_BODY_MAX 512

/* Load -c FILE (or the embedded defaults); NULL after printing why. */
static struct config *load_config(const char *path)
{
	char *err = NULL;
	struct config *cfg = path ? config_load(path, &err) : config_default();

	if (cfg == NULL) {
		fprintf(stderr, "siren: %s\n", err);
		free(err);
	}
	return cfg;
}

/* ---- notify-test -------------------------------------------------------- */

struct nt_args {
	const char *config, *uri, *message, *from;
	int importance;
	const char *options[32];
	size_t noptions;
};

static int nt_parse(int argc, char **argv, struct nt_args *a)
{
	memset(a, 0, sizeof(*a));
	a->importance = 2;
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		int has = i + 1 < argc;
		if (!strcmp(s, "-c") && has)
			a->config = argv[++i];
		else if (!strcmp(s, "--message") && has)
			a->message = argv[++i];
		else if (!strcmp(s, "--from") && has)
			a->from = argv[++i];
		else if (!strcmp(s, "--importance") && has)
			a->importance = atoi(argv[++i]);
		else if (!strcmp(s, "--option") && has && a->noptions < 32)
			a->options[a->noptions++] = argv[++i];
		else if (s[0] != '-' && a->uri == NULL)
			a->uri = s;
		else
			return -1;
	}
	return a->uri && a->importance >= 1 && a->importance <= 3 ? 0 : -1;
}

static void nt_show_response(const struct http_result *res)
{
	if (res->code != CURLE_OK) {
		printf("transport error: %s\n", res->error ? res->error : "?");
		return;
	}
	printf("HTTP status: %ld\n", res->status);
	printf("response (%zu bytes%s): %.*s%s\n", res->len,
	       res->truncated ? ", truncated" : "",
	       (int)(res->len < SHOW_BODY_MAX ? res->len : SHOW_BODY_MAX),
	       res->body, res->len > SHOW_BODY_MAX ? "..." : "");
}

/* One HTTP attempt of req through p; fills *out. */
static void nt_http(const struct plugin *p, const struct outbox_settings *set,
		    const struct siren_notify_request *req,
		    struct siren_notify_outcome *out)
{
	struct siren_notify_http http = { 0 };
	char *err = NULL;
	int transient = 0;

	memset(out, 0, sizeof(*out));
	out->status = SIREN_NOTIFY_FAILED;
	if (p->method->prepare(p->state, req, &http, &err) < 0) {
		snprintf(out->reason, sizeof(out->reason), "%s", err ? err : "?");
		free(err);
		siren_notify_http_clear(&http);
		return;
	}
	printf("request: %s %s\n", http.method ? http.method : "POST",
	       (http.flags & SIREN_NOTIFY_HTTP_USER_URL) ?
		       "(user URL, SSRF guard on)" : "(fixed service host)");
	struct http_call *call = http_call_new(&set->http, &http, &transient, &err);
	if (call == NULL) {
		out->status = transient ? SIREN_NOTIFY_RETRY : SIREN_NOTIFY_FAILED;
		snprintf(out->reason, sizeof(out->reason), "%s", err);
		free(err);
	} else {
		const struct http_result *res = http_call_perform(call);
		nt_show_response(res);
		notify_job_classify(p->method, p->state, req, res, out);
		http_call_free(&call);
	}
	siren_notify_http_clear(&http);
}

static int nt_send(const struct nt_args *a, const struct plugin *p,
		   const struct outbox_settings *set)
{
	char *id = outbox_new_id();
	struct siren_notify_request req = {
		.id = id, .attempt = 1, .method = a->uri, .from = a->from,
		.importance = a->importance, .options = a->options,
		.noptions = a->noptions,
		.message = a->message ? a->message : "siren notify-test",
		.user = "notify-test", .env_from = "", .env_to = "",
		.mailbox = "INBOX", .msg_from = "siren <notify-test@localhost>",
		.msg_subject = "siren notify-test", .arrival = time(NULL),
	};
	struct siren_notify_outcome out;
	static const char *const names[] = { "delivered", "retry", "failed" };
	static const int codes[] = { 0, EX_TEMPFAIL_, 1 };

	if (p->method->deliver) {
		memset(&out, 0, sizeof(out));
		p->method->deliver(p->state, &req, &out);
	} else {
		nt_http(p, set, &req, &out);
	}
	printf("outcome: %s%s%s\n", names[out.status],
	       out.reason[0] ? ": " : "", out.reason);
	if (out.status == SIREN_NOTIFY_RETRY && out.retry_after > 0)
		printf("retry after: %ld s\n", out.retry_after);
	free(id);
	return codes[out.status];
}

static int nt_run(const struct nt_args *a, const struct config *cfg)
{
	struct outbox_settings set;
	struct siren_notify_host host;
	char *err = NULL;
	const char *why = NULL;
	char target[128];

	if (notify_job_settings(cfg, &set, &err) < 0) {
		fprintf(stderr, "siren notify-test: %s\n", err);
		free(err);
		return EX_CONFIG_;
	}
	plugin_host_init(&host, cfg);
	struct plugin_set *ps = plugin_set_load_config(cfg, &host);
	const struct plugin *p = plugin_for_uri(ps, a->uri);
	int rc = 1;

	printf("method: %s\n", notify_job_redact(a->uri, target, sizeof(target)));
	if (p == NULL) {
		printf("outcome: failed: no plugin handles this scheme\n");
	} else if (p->method->check(p->state, a->uri, a->options, a->noptions,
				    &why) != 1) {
		printf("plugin: %s\noutcome: failed: invalid URI: %s\n",
		       p->method->name, why ? why : "?");
	} else {
		printf("plugin: %s\n", p->method->name);
		rc = nt_send(a, p, &set);
	}
	plugin_set_free(&ps);
	notify_job_settings_free(&set);
	return rc;
}

int cmd_notify_test(int argc, char **argv)
{
	struct nt_args a;

	if (nt_parse(argc, argv, &a) < 0) {
		fprintf(stderr, "usage: siren notify-test [-c FILE] URI "
				"[--message TEXT] [--from ADDR] [--importance 1|2|3] "
				"[--option NAME=VALUE]...\n");
		return EX_USAGE_;
	}
	struct config *cfg = load_config(a.config);
	if (cfg == NULL)
		return EX_CONFIG_;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	int rc = nt_run(&a, cfg);
	curl_global_cleanup();
	config_free(&cfg);
	return rc;
}

/* ---- queue --------------------------------------------------------------- */

static void q_time(time_t t, char *buf, size_t n)
{
	struct tm tm;

	if (t <= 0) {
		snprintf(buf, n, "now");
		return;
	}
	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int q_wanted(const char *id, char **ids, int nids)
{
	if (nids == 0)
		return 1;
	for (int i = 0; i < nids; i++)
		if (!strcmp(ids[i], id))
			return 1;
	return 0;
}

static int q_list(const char *spool, char **ids, int nids)
{
	printf("%-40s %-5s %3s %-20s %-24s %-28s %s\n", "ID", "STATE", "TRY",
	       "NEXT", "USER", "METHOD", "LAST ERROR");
	for (int st = 0; st < OUTBOX_NSTATES; st++) {
		char **list;
		size_t n = outbox_list(spool, st, &list);
		for (size_t i = 0; i < n; i++) {
			struct outbox_record *rec = NULL;
			const char *err;
			char next[32], target[128];
			if (!q_wanted(list[i], ids, nids) ||
			    outbox_load(spool, st, list[i], &rec, &err) < 0)
				continue;
			q_time(st == OUTBOX_DEAD ? 0 : rec->next_attempt, next,
			       sizeof(next));
			printf("%-40s %-5s %3d %-20s %-24s %-28s %s\n", rec->id,
			       outbox_state_name(st), rec->attempts,
			       st == OUTBOX_DEAD ? "-" : next,
			       rec->job.user ? rec->job.user : "-",
			       notify_job_redact(rec->job.method, target,
						 sizeof(target)),
			       rec->last_error ? rec->last_error : "");
			outbox_record_free(&rec);
		}
		outbox_ids_free(&list, n);
	}
	return 0;
}

/* Move one dead/ or retry/ job back to new/ for an attempt now.  The job
 * is first claimed into cur/ (an atomic rename the running dispatcher
 * never competes for), rewritten with a fresh age, then published. */
static int q_retry_one(const char *spool, const char *id, enum outbox_state st)
{
	struct outbox_record *rec = NULL;
	const char *err = NULL;

	if (outbox_move(spool, id, st, OUTBOX_CUR) < 0)
		return errno == ENOENT ? 0 : -1;
	if (outbox_load(spool, OUTBOX_CUR, id, &rec, &err) < 0) {
		fprintf(stderr, "siren queue: %s\n", err);
		outbox_move(spool, id, OUTBOX_CUR, st);
		return -1;
	}
	rec->next_attempt = 0;
	rec->created = time(NULL);	/* max_age counts from the retry */
	int rc = outbox_store(spool, rec, OUTBOX_NEW, &err);
	if (rc < 0)
		fprintf(stderr, "siren queue: %s\n", err);
	else
		printf("%s: %s -> new\n", id, outbox_state_name(st));
	outbox_record_free(&rec);
	return rc < 0 ? -1 : 1;
}

static int q_each(const char *spool, char **ids, int nids, int all,
		  int (*fn)(const char *, const char *, enum outbox_state))
{
	int done = 0, failed = 0;
	char *seen = xcalloc((size_t)nids + 1, 1);

	for (int st = 0; st < OUTBOX_NSTATES; st++) {
		if (st == OUTBOX_CUR ||
		    (!all && st != OUTBOX_DEAD && st != OUTBOX_RETRY))
			continue;
		char **list;
		size_t n = outbox_list(spool, st, &list);
		for (size_t i = 0; i < n; i++) {
			if (!q_wanted(list[i], ids, nids))
				continue;
			for (int k = 0; k < nids; k++)
				seen[k] |= !strcmp(ids[k], list[i]);
			int r = fn(spool, list[i], st);
			done += r > 0;
			failed += r < 0;
		}
		outbox_ids_free(&list, n);
	}
	for (int k = 0; k < nids; k++)
		if (!seen[k]) {
			fprintf(stderr, "siren queue: %s: no such job here\n", ids[k]);
			failed++;
		}
	free(seen);
	printf("%d job%s\n", done, done == 1 ? "" : "s");
	return failed ? 1 : 0;
}

static int q_retry_fn(const char *spool, const char *id, enum outbox_state st)
{
	return q_retry_one(spool, id, st);
}

static int q_purge_fn(const char *spool, const char *id, enum outbox_state st)
{
	if (outbox_remove(spool, st, id) < 0)
		return errno == ENOENT ? 0 : -1;
	printf("%s: %s purged\n", id, outbox_state_name(st));
	return 1;
}

static int q_usage(void)
{
	fprintf(stderr, "usage: siren queue [-c FILE] list [JOBID...]\n"
			"       siren queue [-c FILE] retry [JOBID...]\n"
			"       siren queue [-c FILE] purge [--all] [JOBID...]\n"
			"       siren queue [-c FILE] run\n");
	return EX_USAGE_;
}

static int q_dispatch(const char *verb, const struct config *cfg,
		      const char *spool, char **ids, int nids, int all)
{
	if (!strcmp(verb, "list"))
		return q_list(spool, ids, nids);
	if (!strcmp(verb, "run"))
		return dispatcher_main(cfg, -1);
	if (!strcmp(verb, "retry")) {
		/* Only dead/ and retry/ jobs: new/ ones are about to go. */
		int rc = q_each(spool, ids, nids, 0, q_retry_fn);
		outbox_wake(spool);
		return rc;
	}
	if (!strcmp(verb, "purge")) {
		/* dead/ only, unless --all (new/ and retry/ too; never the
		 * cur/ jobs a running dispatcher holds). */
		if (!all)
			return q_each(spool, ids, nids, 0, q_purge_fn) ;
		return q_each(spool, ids, nids, 1, q_purge_fn);
	}
	return q_usage();
}

int cmd_queue(int argc, char **argv)
{
	const char *path = NULL, *verb = NULL;
	char **ids = xcalloc((size_t)argc + 1, sizeof(*ids));
	int nids = 0, all = 0, rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-c") && i + 1 < argc)
			path = argv[++i];
		else if (!strcmp(argv[i], "--all"))
			all = 1;
		else if (verb == NULL && argv[i][0] != '-')
			verb = argv[i];
		else if (verb && outbox_id_valid(argv[i]))
			ids[nids++] = argv[i];
		else
			verb = "";
	}
	if (verb == NULL || !*verb) {
		free(ids);
		return q_usage();
	}
	struct config *cfg = load_config(path);
	if (cfg == NULL) {
		free(ids);
		return EX_CONFIG_;
	}
	struct outbox_settings set;
	char *err = NULL;
	if (notify_job_settings(cfg, &set, &err) < 0) {
		fprintf(stderr, "siren queue: %s\n", err);
		free(err);
		rc = EX_CONFIG_;
	} else {
		rc = q_dispatch(verb, cfg, set.spool, ids, nids, all);
		notify_job_settings_free(&set);
	}
	config_free(&cfg);
	free(ids);
	return rc;
}
