/*
 * log.h: siren's logging, in OpenSMTPD's shape.  Lines go to stderr (with
 * a timestamp when stderr is not a journal) or to syslog.  Secrets are
 * never passed here unredacted: callers use log_redact_uri() on URIs.
 */
#ifndef SIREN_LOG_H
#define SIREN_LOG_H

#include <stdarg.h>
#include <stddef.h>

#define LOG_ATTR(f, a) __attribute__((format(printf, f, a)))

/* ident: program name; to_syslog: 1 for syslog(3), 0 for stderr;
 * verbose: 1 to emit log_debug lines. */
void log_init(const char *ident, int to_syslog, int verbose);
void log_set_prefix(const char *prefix);	/* e.g. "worker 3: ", NULL */
void log_warn(const char *fmt, ...) LOG_ATTR(1, 2);	/* appends errno */
void log_warnx(const char *fmt, ...) LOG_ATTR(1, 2);
void log_info(const char *fmt, ...) LOG_ATTR(1, 2);
void log_debug(const char *fmt, ...) LOG_ATTR(1, 2);
void fatal(const char *fmt, ...) LOG_ATTR(1, 2) __attribute__((noreturn));
void fatalx(const char *fmt, ...) LOG_ATTR(1, 2) __attribute__((noreturn));

/* A notify URI (or any URL) for log lines: the scheme, and for URLs the
 * host, the rest cut to a short recognisable prefix ("pushover:uQiR...",
 * "https://hooks.example/..."): tokens, keys and webhook paths never reach
 * a log.  Writes into buf (size n) and returns it. */
const char *log_redact_uri(const char *uri, char *buf, size_t n);

#endif
