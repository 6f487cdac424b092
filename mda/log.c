/*
 * log.c: stderr/syslog logging for every siren process.  One line per
 * event; the worker or dispatcher sets a prefix so lines can be told apart.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static int log_to_syslog;
static int log_verbose;
static const char *log_prefix = "";

void log_init(const char *ident, int to_syslog, int verbose)
{
	log_to_syslog = to_syslog;
	log_verbose = verbose;
	if (to_syslog)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_MAIL);
}

void log_set_prefix(const char *prefix)
{
	log_prefix = prefix ? prefix : "";
}

static void log_vemit(int pri, const char *fmt, va_list ap, const char *err)
{
	char msg[4096];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_to_syslog) {
		syslog(pri, "%s%s%s%s", log_prefix, msg, err ? ": " : "",
		       err ? err : "");
		return;
	}
	char stamp[32] = "";
	if (getenv("JOURNAL_STREAM") == NULL) {
		time_t now = time(NULL);
		struct tm tm;
		localtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S ", &tm);
	}
	fprintf(stderr, "%ssiren[%ld]: %s%s%s%s\n", stamp, (long)getpid(),
		log_prefix, msg, err ? ": " : "", err ? err : "");
}

#define LOG_BODY(pri, err)                                                   \
	do {                                                                 \
		va_list ap;                                                  \
		va_start(ap, fmt);                                           \
		log_vemit(pri, fmt, ap, err);                                \
		va_end(ap);                                                  \
	} while (0)

void log_warn(const char *fmt, ...)
{
	const char *err = strerror(errno);
	LOG_BODY(LOG_WARNING, err);
}

void log_warnx(const char *fmt, ...)
{
	LOG_BODY(LOG_WARNING, NULL);
}

void log_info(const char *fmt, ...)
{
	LOG_BODY(LOG_INFO, NULL);
}

void log_debug(const char *fmt, ...)
{
	if (!log_verbose)
		return;
	LOG_BODY(LOG_DEBUG, NULL);
}

void fatal(const char *fmt, ...)
{
	const char *err = strerror(errno);
	LOG_BODY(LOG_CRIT, err);
	exit(1);
}

void fatalx(const char *fmt, ...)
{
	LOG_BODY(LOG_CRIT, NULL);
	exit(1);
}

const char *log_redact_uri(const char *uri, char *buf, size_t n)
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
