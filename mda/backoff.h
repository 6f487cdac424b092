/*
 * backoff.h: when to try a failed notification again: exponential backoff
 * with "full jitter" and the HTTP Retry-After header (RFC 9110 10.2.3).
 */
#ifndef SIREN_BACKOFF_H
#define SIREN_BACKOFF_H

#include <stdint.h>
#include <time.h>

/* The window after the attempt-th failure (attempt >= 1):
 * min(cap, base * 2^(attempt-1)) milliseconds, never below 0. */
long long backoff_window_ms(int attempt, long long base_ms, long long cap_ms);

/* Full jitter: a delay uniformly drawn from [0, window] milliseconds,
 * using rnd (any 64-bit random value) so tests can pin it. */
long long backoff_jitter_ms(int attempt, long long base_ms, long long cap_ms,
			    uint64_t rnd);

/* The same with a random draw from getrandom(2). */
long long backoff_delay_ms(int attempt, long long base_ms, long long cap_ms);

/* Retry-After: delay-seconds ("120") or an HTTP-date (IMF-fixdate, and
 * the obsolete RFC 850 and asctime forms).  Returns the seconds from now
 * (0 for dates in the past), or -1 when value is not either form. */
long long backoff_retry_after(const char *value, time_t now);

#endif
