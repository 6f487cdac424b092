/*
 * dispatcher.c: the outbox dispatcher process.  It picks jobs from
 * SPOOL/new and due ones from SPOOL/retry, moves each to cur/ while in
 * flight, runs the plugin (prepare + libcurl multi + result, or deliver
 * for mailto), and records the outcome: delivered -> job removed, retry ->
 * retry/ with full-jitter backoff (Retry-After honoured, capped) until
 * [outbox] max_age, failed -> dead/ with the reason.  At start, jobs left
 * in cur/ by a crash go back to new/.  A per-host cap keeps one slow host
 * from taking every request slot.  Per-user rate limits and
 * suppression of identical notifications live in memory only (RFC 5435
 * section 8: throttling MAY drop requests): a restart forgets them.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "siren-notify.h"

#include "backoff.h"
#include "dispatcher.h"
#include "http.h"
#include "log.h"
#include "notify_job.h"
#include "outbox.h"
#include "plugin.h"
#include "util.h"

#define DISP_RESCAN_MS 5000	/* periodic rescan: a lost wake-up costs this */

/* One job in flight. */
struct run {
	struct outbox_record *rec;
	const struct plugin *plugin;
	struct siren_notify_request req;
	struct siren_notify_http http;
	struct http_call *call;
	char host[300];		/* "host:port" for the per-host cap */
	struct run *next;
};

struct due {
	char *id;
	time_t when;
};

/* user -> jobs started in the current rate window */
struct rate {
	uint64_t user;
	time_t window_start;
	long long count;
};

/* hash of (user, method, message) -> when last sent */
struct seen {
	uint64_t key;
	time_t when;
};

struct disp {
	const struct config *cfg;
	struct outbox_settings set;
	struct siren_notify_host host;
	struct plugin_set *plugins;
	CURLM *multi;
	struct run *runs;
	int inflight;
	struct run *waiting, **waiting_tail; /* prepared, host at its cap */
	int nwaiting;
	char **pending;		/* ids from the last scan of new/ */
	size_t npending, ipending;
	struct due *due;	/* jobs waiting in retry/ */
	size_t ndue;
	struct rate *rates;
	size_t nrates;
	struct seen *seen;
	size_t nseen;
	int wake_fifo, wake_fd;
};

static volatile sig_atomic_t disp_stop;
static int disp_sigpipe[2] = { -1, -1 };

static void on_signal(int sig)
{
	int saved = errno;

	(void)sig;
	disp_stop = 1;
	if (disp_sigpipe[1] >= 0 && write(disp_sigpipe[1], "s", 1) < 0) {
		/* the flag is enough */
	}
	errno = saved;
}

/* ---- bookkeeping ------------------------------------------------------ */

static uint64_t fnv1a(uint64_t h, const char *s)
{
	for (; s && *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h * 1099511628211ULL;	/* separator between fields */
}

/* Returns NULL to go ahead, else why this first attempt is dropped. */
static const char *throttle(struct disp *d, const struct outbox_record *rec,
			    time_t now)
{
	const struct outbox_job *j = &rec->job;
	uint64_t user = fnv1a(14695981039346656037ULL, j->user);
	uint64_t key = fnv1a(fnv1a(user, j->method), j->message);
	struct rate *r = NULL;

	for (size_t i = 0; i < d->nseen; i++)
		if (d->seen[i].key == key &&
		    now - d->seen[i].when < d->set.suppress_window)
			return "suppressed (identical notification)";
	for (size_t i = 0; i < d->nrates && r == NULL; i++)
		if (d->rates[i].user == user)
			r = &d->rates[i];
	if (r == NULL) {
		d->rates = xrealloc(d->rates, (d->nrates + 1) * sizeof(*r));
		r = &d->rates[d->nrates++];
		*r = (struct rate){ user, now, 0 };
	}
	if (now - r->window_start >= d->set.rate_window)
		*r = (struct rate){ user, now, 0 };
	if (d->set.rate_limit > 0 && r->count >= d->set.rate_limit)
		return "rate limited";
	r->count++;
	if (d->set.suppress_window > 0) {
		d->seen = xrealloc(d->seen, (d->nseen + 1) * sizeof(*d->seen));
		d->seen[d->nseen++] = (struct seen){ key, now };
	}
	return NULL;
}

/* Forget suppression entries and rate windows that have expired. */
static void throttle_prune(struct disp *d, time_t now)
{
	size_t k = 0;

	for (size_t i = 0; i < d->nseen; i++)
		if (now - d->seen[i].when < d->set.suppress_window)
			d->seen[k++] = d->seen[i];
	d->nseen = k;
	k = 0;
	for (size_t i = 0; i < d->nrates; i++)
		if (now - d->rates[i].window_start < d->set.rate_window)
			d->rates[k++] = d->rates[i];
	d->nrates = k;
}

static void due_add(struct disp *d, const char *id, time_t when)
{
	d->due = xrealloc(d->due, (d->ndue + 1) * sizeof(*d->due));
	d->due[d->ndue++] = (struct due){ xstrdup(id), when };
}

/* ---- outcomes --------------------------------------------------------- */

static void log_attempt(const struct run *run, const char *outcome,
			long status, long latency_ms, const char *reason)
{
	char target[128];

	notify_job_redact(run->rec->job.method, target, sizeof(target));
	log_info("notify job=%s user=%s method=%s attempt=%d outcome=%s "
		 "status=%ld latency=%ldms%s%s%s", run->rec->id,
		 run->rec->job.user ? run->rec->job.user : "-", target,
		 run->rec->attempts + 1, outcome, status, latency_ms,
		 reason ? " reason=\"" : "", reason ? reason : "",
		 reason ? "\"" : "");
}

static void store_or_warn(struct disp *d, struct outbox_record *rec,
			  enum outbox_state st)
{
	const char *err = NULL;

	if (outbox_store(d->set.spool, rec, st, &err) < 0)
		log_warnx("outbox job %s: cannot store in %s/: %s", rec->id,
			  outbox_state_name(st), err);
}

static void dead_letter(struct disp *d, struct outbox_record *rec,
			const char *reason)
{
	free(rec->last_error);
	rec->last_error = xstrdup(reason);
	store_or_warn(d, rec, OUTBOX_DEAD);
}

static void schedule_retry(struct disp *d, struct outbox_record *rec,
			   const struct siren_notify_outcome *out, time_t now)
{
	long long delay = (backoff_delay_ms(rec->attempts, d->set.retry_base_ms,
					    d->set.retry_cap_ms) + 999) / 1000;
	long long ra = out->retry_after;

	if (ra > d->set.retry_after_cap)
		ra = d->set.retry_after_cap;
	if (ra > delay)
		delay = ra;
	rec->next_attempt = now + delay;
	free(rec->last_error);
	rec->last_error = xstrdup(out->reason);
	if (rec->next_attempt - rec->created > d->set.max_age) {
		char *why = xasprintf("expired after %d attempts: %s",
				      rec->attempts, out->reason);
		dead_letter(d, rec, why);
		free(why);
		return;
	}
	store_or_warn(d, rec, OUTBOX_RETRY);
	due_add(d, rec->id, rec->next_attempt);
}

/* Record the outcome of the run's attempt; frees nothing. */
static void record_outcome(struct disp *d, struct run *run,
			   const struct siren_notify_outcome *out, long status,
			   long latency_ms)
{
	static const char *const names[] = { "delivered", "retry", "failed" };
	struct outbox_record *rec = run->rec;
	time_t now = time(NULL);

	log_attempt(run, names[out->status], status, latency_ms,
		    out->status == SIREN_NOTIFY_DELIVERED ? NULL : out->reason);
	rec->last_status = (int)status;
	switch (out->status) {
	case SIREN_NOTIFY_DELIVERED:
		if (outbox_remove(d->set.spool, rec->state, rec->id) < 0)
			log_warn("outbox job %s: remove", rec->id);
		return;
	case SIREN_NOTIFY_RETRY:
		rec->attempts++;
		schedule_retry(d, rec, out, now);
		return;
	case SIREN_NOTIFY_FAILED:
	default:
		rec->attempts++;
		dead_letter(d, rec, out->reason);
		return;
	}
}

static void run_free(struct run **runp)
{
	struct run *run = *runp;

	http_call_free(&run->call);
	siren_notify_http_clear(&run->http);
	outbox_record_free(&run->rec);
	free(run);
	*runp = NULL;
}

/* A run that ends before any request: record and free it. */
static void finish_now(struct disp *d, struct run *run,
		       enum siren_notify_status st, const char *reason)
{
	struct siren_notify_outcome out = { .status = st };

	snprintf(out.reason, sizeof(out.reason), "%s", reason);
	record_outcome(d, run, &out, 0, 0);
	run_free(&run);
}

/* ---- starting a job --------------------------------------------------- */

/* Take id from state `from` into cur/ and load it; NULL if it is gone or
 * unreadable (an unreadable file goes to dead/ untouched). */
static struct outbox_record *claim(struct disp *d, const char *id,
				   enum outbox_state from)
{
	struct outbox_record *rec = NULL;
	const char *err = NULL;

	if (outbox_move(d->set.spool, id, from, OUTBOX_CUR) < 0) {
		if (errno != ENOENT)
			log_warn("outbox job %s: move to cur/", id);
		return NULL;
	}
	if (outbox_load(d->set.spool, OUTBOX_CUR, id, &rec, &err) < 0) {
		log_warnx("outbox job %s: unreadable, moved to dead/: %s", id, err);
		outbox_move(d->set.spool, id, OUTBOX_CUR, OUTBOX_DEAD);
		return NULL;
	}
	return rec;
}

/* Checks before any attempt; returns 0 to go ahead, -1 when the run was
 * finished (dropped or dead-lettered) and freed. */
static int precheck(struct disp *d, struct run *run, time_t now)
{
	struct outbox_record *rec = run->rec;
	const char *why = NULL;

	if (rec->attempts == 0 && (why = throttle(d, rec, now)) != NULL) {
		char target[128];
		log_info("notify job=%s user=%s method=%s outcome=dropped "
			 "reason=\"%s\"", rec->id, rec->job.user ? rec->job.user : "-",
			 notify_job_redact(rec->job.method, target, sizeof(target)),
			 why);
		outbox_remove(d->set.spool, OUTBOX_CUR, rec->id);
		run_free(&run);
		return -1;
	}
	if (now - rec->created > d->set.max_age) {
		finish_now(d, run, SIREN_NOTIFY_FAILED, "expired before sending");
		return -1;
	}
	run->plugin = plugin_for_uri(d->plugins, rec->job.method);
	if (run->plugin == NULL) {
		finish_now(d, run, SIREN_NOTIFY_FAILED, "no plugin for this scheme");
		return -1;
	}
	const struct siren_notify_method *m = run->plugin->method;
	if (m->check(run->plugin->state, rec->job.method, rec->job.options,
		     rec->job.noptions, &why) != 1) {
		char *r = xasprintf("invalid notify URI: %s", why ? why : "?");
		finish_now(d, run, SIREN_NOTIFY_FAILED, r);
		free(r);
		return -1;
	}
	return 0;
}

/* Non-HTTP methods (mailto) deliver synchronously here. */
static void start_deliver(struct disp *d, struct run *run)
{
	struct siren_notify_outcome out = { .status = SIREN_NOTIFY_FAILED };
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	run->plugin->method->deliver(run->plugin->state, &run->req, &out);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	record_outcome(d, run, &out, 0,
		       (t1.tv_sec - t0.tv_sec) * 1000 +
			       (t1.tv_nsec - t0.tv_nsec) / 1000000);
	run_free(&run);
}

/* "host:port" of the request URL (empty when unparsable). */
static void run_host(struct run *run)
{
	CURLU *u = curl_url();
	char *host = NULL, *port = NULL;

	if (curl_url_set(u, CURLUPART_URL, run->http.url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK)
		snprintf(run->host, sizeof(run->host), "%s:%s", host, port);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
}

static int host_inflight(const struct disp *d, const char *host)
{
	int n = 0;

	for (const struct run *r = d->runs; r; r = r->next)
		n += !strcmp(r->host, host);
	return n;
}

/* Move waiting runs into the multi handle, in order, as far as the total
 * and per-host caps allow: a slow host never takes every slot. */
static void start_waiting(struct disp *d)
{
	struct run **p = &d->waiting;

	while (*p && d->inflight < d->set.concurrency) {
		struct run *run = *p;
		if (d->set.per_host > 0 &&
		    host_inflight(d, run->host) >= d->set.per_host) {
			p = &run->next;
			continue;
		}
		*p = run->next;
		d->nwaiting--;
		curl_multi_add_handle(d->multi, http_call_easy(run->call));
		run->next = d->runs;
		d->runs = run;
		d->inflight++;
	}
	d->waiting_tail = &d->waiting;
	while (*d->waiting_tail)
		d->waiting_tail = &(*d->waiting_tail)->next;
}

static void start_http(struct disp *d, struct run *run)
{
	const struct siren_notify_method *m = run->plugin->method;
	char *err = NULL;
	int transient = 0;

	if (m->prepare(run->plugin->state, &run->req, &run->http, &err) < 0) {
		finish_now(d, run, SIREN_NOTIFY_FAILED, err ? err : "prepare failed");
		free(err);
		return;
	}
	run->call = http_call_new(&d->set.http, &run->http, &transient, &err);
	if (run->call == NULL) {
		finish_now(d, run, transient ? SIREN_NOTIFY_RETRY : SIREN_NOTIFY_FAILED,
			   err);
		free(err);
		return;
	}
	run_host(run);
	run->next = NULL;
	*d->waiting_tail = run;
	d->waiting_tail = &run->next;
	d->nwaiting++;
	start_waiting(d);
}

static void start_job(struct disp *d, const char *id, enum outbox_state from)
{
	struct outbox_record *rec = claim(d, id, from);

	if (rec == NULL)
		return;
	struct run *run = xcalloc(1, sizeof(*run));
	run->rec = rec;
	if (precheck(d, run, time(NULL)) < 0)
		return;
	notify_job_request(run->rec, &run->req);
	if (run->plugin->method->deliver != NULL)
		start_deliver(d, run);
	else
		start_http(d, run);
}

/* ---- completions ------------------------------------------------------ */

static struct run *unlink_run(struct disp *d, CURL *easy)
{
	for (struct run **p = &d->runs; *p; p = &(*p)->next) {
		if (http_call_easy((*p)->call) == easy) {
			struct run *run = *p;
			*p = run->next;
			d->inflight--;
			return run;
		}
	}
	return NULL;
}

static void reap(struct disp *d)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(d->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		CURL *easy = msg->easy_handle;
		CURLcode code = msg->data.result;
		struct run *run = unlink_run(d, easy);
		curl_multi_remove_handle(d->multi, easy);
		if (run == NULL)
			continue;
		const struct http_result *res = http_call_finish(run->call, code);
		struct siren_notify_outcome out;
		notify_job_classify(run->plugin->method, run->plugin->state,
				    &run->req, res, &out);
		record_outcome(d, run, &out, res->status, res->latency_ms);
		run_free(&run);
	}
}

/* ---- scheduling ------------------------------------------------------- */

static void rescan_new(struct disp *d)
{
	outbox_ids_free(&d->pending, d->npending);
	d->npending = outbox_list(d->set.spool, OUTBOX_NEW, &d->pending);
	d->ipending = 0;
}

/* Start what fits: queued new/ jobs first, then due retries. */
static int has_room(const struct disp *d)
{
	/* Claim no more than one concurrency's worth beyond what is sent,
	 * so jobs held by the per-host cap stay bounded. */
	return d->inflight < d->set.concurrency &&
	       d->nwaiting < d->set.concurrency;
}

static void start_ready(struct disp *d, time_t now)
{
	start_waiting(d);
	while (has_room(d) && d->ipending < d->npending)
		start_job(d, d->pending[d->ipending++], OUTBOX_NEW);
	for (size_t i = 0; i < d->ndue && has_room(d);) {
		if (d->due[i].when > now) {
			i++;
			continue;
		}
		char *id = d->due[i].id;
		d->due[i] = d->due[--d->ndue];
		start_job(d, id, OUTBOX_RETRY);
		free(id);
	}
}

/* Milliseconds until the next retry is due (capped by the rescan). */
static int next_timeout_ms(struct disp *d, time_t now)
{
	long long ms = DISP_RESCAN_MS;

	if (!has_room(d))
		return (int)ms;	/* curl's own activity wakes us */
	if (d->ipending < d->npending)
		return 0;
	for (size_t i = 0; i < d->ndue; i++) {
		long long t = (d->due[i].when - now) * 1000;
		if (t < ms)
			ms = t < 0 ? 0 : t;
	}
	return (int)ms;
}

/* At start: jobs in cur/ were in flight when a dispatcher died; they go
 * back to new/ (their attempt count unchanged: we cannot know whether
 * the request left).  Jobs in retry/ are read for their due time. */
static void recover(struct disp *d)
{
	char **ids;
	size_t n = outbox_list(d->set.spool, OUTBOX_CUR, &ids);
	const char *err;

	for (size_t i = 0; i < n; i++) {
		log_info("outbox job %s: was in flight at the last stop, "
			 "sending again", ids[i]);
		if (outbox_move(d->set.spool, ids[i], OUTBOX_CUR, OUTBOX_NEW) < 0)
			log_warn("outbox job %s: move back to new/", ids[i]);
	}
	outbox_ids_free(&ids, n);
	n = outbox_list(d->set.spool, OUTBOX_RETRY, &ids);
	for (size_t i = 0; i < n; i++) {
		struct outbox_record *rec = NULL;
		if (outbox_load(d->set.spool, OUTBOX_RETRY, ids[i], &rec, &err) == 0)
			due_add(d, ids[i], rec->next_attempt);
		else
			due_add(d, ids[i], 0);	/* claim() dead-letters it */
		outbox_record_free(&rec);
	}
	outbox_ids_free(&ids, n);
}

static void drain(int fd)
{
	char buf[256];

	while (fd >= 0 && read(fd, buf, sizeof(buf)) > 0)
		;
}

/* Wait for curl, a wake-up or a signal; returns 1 when woken. */
static int wait_events(struct disp *d, int timeout_ms)
{
	struct curl_waitfd extra[3];
	unsigned n = 0;
	int fds[3] = { d->wake_fifo, d->wake_fd, disp_sigpipe[0] };

	for (int i = 0; i < 3; i++)
		if (fds[i] >= 0)
			extra[n++] = (struct curl_waitfd){ fds[i], CURL_WAIT_POLLIN, 0 };
	curl_multi_poll(d->multi, extra, n, timeout_ms, NULL);
	int woken = 0;
	for (unsigned i = 0; i < n; i++) {
		if (extra[i].revents & (POLLIN | POLLHUP | POLLERR)) {
			drain(extra[i].fd);
			woken |= extra[i].fd != disp_sigpipe[0];
		}
	}
	return woken;
}

static void loop(struct disp *d)
{
	struct timespec last_scan = { 0 }, now;
	time_t stop_deadline = 0;
	int running = 0, need_scan = 1;	/* sticky until a rescan */

	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (disp_stop && stop_deadline == 0) {
			log_info("stopping, %d in flight", d->inflight);
			stop_deadline = time(NULL) + d->set.http.timeout_ms / 1000 + 1;
		}
		if (!disp_stop) {
			long long since = (now.tv_sec - last_scan.tv_sec) * 1000LL +
					  (now.tv_nsec - last_scan.tv_nsec) / 1000000;
			if ((need_scan || since >= DISP_RESCAN_MS) &&
			    d->ipending >= d->npending) {
				need_scan = 0;
				rescan_new(d);
				last_scan = now;
				throttle_prune(d, time(NULL));
			}
			start_ready(d, time(NULL));
		}
		curl_multi_perform(d->multi, &running);
		reap(d);
		if (disp_stop && (d->inflight == 0 || time(NULL) >= stop_deadline))
			break;
		int timeout = disp_stop ? 200 : next_timeout_ms(d, time(NULL));
		if (need_scan && has_room(d) && !disp_stop)
			timeout = 0;	/* a wake-up arrived while busy */
		need_scan |= wait_events(d, timeout);
	}
}

/* ---- setup and teardown ------------------------------------------------ */

static int setup_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	if (pipe2(disp_sigpipe, O_NONBLOCK | O_CLOEXEC) < 0)
		return -1;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	return 0;
}

static int disp_open(struct disp *d, const struct config *cfg, int wake_fd)
{
	char *err = NULL;
	const char *e = NULL;

	memset(d, 0, sizeof(*d));
	d->cfg = cfg;
	d->wake_fd = wake_fd;
	d->wake_fifo = -1;
	d->waiting_tail = &d->waiting;
	if (notify_job_settings(cfg, &d->set, &err) < 0) {
		log_warnx("%s", err);
		free(err);
		return 78;
	}
	if (outbox_init(d->set.spool, &e) < 0) {
		log_warnx("%s", e);
		return 73;
	}
	char *fifo = xasprintf("%s/wake", d->set.spool);
	/* O_RDWR: the FIFO never reports EOF when the last writer closes. */
	d->wake_fifo = open(fifo, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (d->wake_fifo < 0)
		log_warn("open %s (falling back to rescans)", fifo);
	free(fifo);
	if (wake_fd >= 0)
		fcntl(wake_fd, F_SETFL, fcntl(wake_fd, F_GETFL) | O_NONBLOCK);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	d->multi = curl_multi_init();
	plugin_host_init(&d->host, cfg);
	d->plugins = plugin_set_load_config(cfg, &d->host);
	return 0;
}

static void disp_close(struct disp *d)
{
	while (d->waiting) {
		struct run *run = d->waiting;
		d->waiting = run->next;
		run_free(&run);	/* stays in cur/: resent at start */
	}
	while (d->runs) {
		struct run *run = d->runs;
		d->runs = run->next;
		curl_multi_remove_handle(d->multi, http_call_easy(run->call));
		run_free(&run);	/* its file stays in cur/: resent at start */
	}
	if (d->multi)
		curl_multi_cleanup(d->multi);
	plugin_set_free(&d->plugins);
	outbox_ids_free(&d->pending, d->npending);
	for (size_t i = 0; i < d->ndue; i++)
		free(d->due[i].id);
	free(d->due);
	free(d->rates);
	free(d->seen);
	if (d->wake_fifo >= 0)
		close(d->wake_fifo);
	notify_job_settings_free(&d->set);
	if (d->multi)
		curl_global_cleanup();
}

int dispatcher_main(const struct config *cfg, int wake_fd)
{
	struct disp d;
	int rc;

	log_set_prefix("dispatcher: ");
	disp_stop = 0;
	if (setup_signals() < 0) {
		log_warn("pipe");
		return 71;
	}
	rc = disp_open(&d, cfg, wake_fd);
	if (rc == 0) {
		log_info("started: spool %s, %zu plugins, concurrency %d",
			 d.set.spool, plugin_set_count(d.plugins),
			 d.set.concurrency);
		recover(&d);
		loop(&d);
		log_info("stopped");
	}
	disp_close(&d);
	close(disp_sigpipe[0]);
	close(disp_sigpipe[1]);
	disp_sigpipe[0] = disp_sigpipe[1] = -1;
	return rc;
}
