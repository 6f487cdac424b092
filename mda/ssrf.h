/*
 * ssrf.h: the address policy for user-supplied notification URLs
 * (notify-methods.md section 7): which resolved addresses a webhook may
 * reach.  Special-purpose ranges (RFC 6890 and friends) are refused unless
 * an admin CIDR allowlist names them.
 */
#ifndef SIREN_SSRF_H
#define SIREN_SSRF_H

#include <sys/socket.h>

struct ssrf_allow;

/* Parse "127.0.0.1/32, ::1, 10.0.0.0/8" (comma or space separated; a bare
 * address means /32 or /128).  NULL or "" gives an empty list.  Returns
 * NULL with *error_r (borrowed until the next call) on a bad entry. */
struct ssrf_allow *ssrf_allow_parse(const char *list, const char **error_r);
void ssrf_allow_free(struct ssrf_allow **allow);
/* 1 if sa (AF_INET or AF_INET6) lies in one of the allowlisted ranges. */
int ssrf_allow_match(const struct ssrf_allow *allow, const struct sockaddr *sa);

/* NULL if sa is an ordinary public unicast address, else a short name of
 * the range it falls in ("loopback", "private", "link-local", ...).
 * IPv4 embedded in IPv6 (mapped, compatible, NAT64, 6to4) is judged by
 * its IPv4 address.  Unknown families are "unsupported family". */
const char *ssrf_classify(const struct sockaddr *sa);

/* The policy: NULL when sa may be contacted (public, or allowlisted),
 * else the reason it is refused. */
const char *ssrf_check(const struct sockaddr *sa,
		       const struct ssrf_allow *allow);

#endif
