/*
 * backoff.c: retry timing for the outbox.  Full jitter (AWS architecture
 * blog, "Exponential Backoff And Jitter"): sleep = random(0, min(cap,
 * base * 2^n)), which spreads retries of a burst of failures evenly.
 * Retry-After (RFC 9110 10.2.3) is parsed here; the caller caps it.
 * HTTP-date parsing is libcurl's curl_getdate, which reads all three
 * RFC 9110 5.6.7 forms.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <curl/curl.h>

#include "backoff.h"

long long backoff_window_ms(int attempt, long long base_ms, long long cap_ms)
{
	long long w = base_ms < 0 ? 0 : base_ms;

	for (int i = 1; i < attempt && w < cap_ms; i++)
		w *= 2;
	return w < cap_ms ? w : (cap_ms < 0 ? 0 : cap_ms);
}

long long backoff_jitter_ms(int attempt, long long base_ms, long long cap_ms,
			    uint64_t rnd)
{
	long long w = backoff_window_ms(attempt, base_ms, cap_ms);

	return (long long)(rnd % ((uint64_t)w + 1));
}

long long backoff_delay_ms(int attempt, long long base_ms, long long cap_ms)
{
	uint64_t rnd = 0;

	if (getrandom(&rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		rnd = (uint64_t)random();
	return backoff_jitter_ms(attempt, base_ms, cap_ms, rnd);
}

long long backoff_retry_after(const char *value, time_t now)
{
	const char *p = value;

	if (value == NULL)
		return -1;
	while (*p == ' ' || *p == '\t')
		p++;
	if (isdigit((unsigned char)*p)) {
		char *end;
		errno = 0;
		long long v = strtoll(p, &end, 10);
		while (*end == ' ' || *end == '\t')
			end++;
		if (*end == '\0' && errno == 0)
			return v;
		if (*end == '\0')
			return -1;
		/* fall through: "6 Nov 1994"-like strings are not dates we
		 * accept either, but let curl_getdate decide. */
	}
	if (*p == '\0')
		return -1;
	time_t t = curl_getdate(p, NULL);
	if (t == (time_t)-1)
		return -1;
	return t > now ? (long long)(t - now) : 0;
}
