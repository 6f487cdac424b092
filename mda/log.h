/*
 * log.h: siren's logging, in OpenSMTPD's shape.  Lines go to stderr (with
 * a timestamp when stderr is not a journal) or to syslog.  Secrets are
 * never passed here unredacted: callers use log_redact() on tokens/URLs.
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

/* Copy src into buf (size n) keeping only a short recognisable prefix of a
 * secret ("abcd..."): for tokens, keys and webhook paths in log lines. */
const char *log_redact(const char *src, char *buf, size_t n);

#endif
