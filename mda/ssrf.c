/*
 * ssrf.c: classify resolved addresses for the SSRF guard.  The ranges are
 * the IANA special-purpose registries (RFC 6890, RFC 5735/5156 and their
 * updates) as listed in notify-methods.md section 7, plus the deprecated
 * IPv4-compatible ::/96 and site-local fec0::/10.  Embedded IPv4 is
 * unwrapped first so ::ffff:127.0.0.1, 64:ff9b::7f00:1 and 2002:7f00:1::
 * are all loopback.  Hostnames are never judged here: only what
 * getaddrinfo returned or the socket curl is about to open.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ssrf.h"
#include "util.h"

struct v4_range {
	uint32_t net;
	unsigned bits;
	const char *name;
};

struct v6_range {
	uint8_t net[16];
	unsigned bits;
	const char *name;
};

static const struct v4_range v4_ranges[] = {
	{ 0x00000000, 8, "this-network" },	/* 0.0.0.0/8 */
	{ 0x0a000000, 8, "private" },		/* 10/8 */
	{ 0x64400000, 10, "shared (CGN)" },	/* 100.64/10 */
	{ 0x7f000000, 8, "loopback" },		/* 127/8 */
	{ 0xa9fe0000, 16, "link-local" },	/* 169.254/16 (metadata) */
	{ 0xac100000, 12, "private" },		/* 172.16/12 */
	{ 0xc0000000, 24, "IETF protocol" },	/* 192.0.0/24 */
	{ 0xc0000200, 24, "documentation" },	/* 192.0.2/24 */
	{ 0xc0a80000, 16, "private" },		/* 192.168/16 */
	{ 0xc6120000, 15, "benchmarking" },	/* 198.18/15 */
	{ 0xc6336400, 24, "documentation" },	/* 198.51.100/24 */
	{ 0xcb007100, 24, "documentation" },	/* 203.0.113/24 */
	{ 0xe0000000, 4, "multicast" },		/* 224/4 */
	{ 0xf0000000, 4, "reserved" },		/* 240/4, broadcast */
};

static const struct v6_range v6_ranges[] = {
	{ { 0 }, 128, "unspecified" },				/* ::/128 */
	{ { [15] = 1 }, 128, "loopback" },			/* ::1 */
	{ { 0xfc }, 7, "unique-local" },			/* fc00::/7 */
	{ { 0xfe, 0x80 }, 10, "link-local" },			/* fe80::/10 */
	{ { 0xfe, 0xc0 }, 10, "site-local" },			/* fec0::/10 */
	{ { 0xff }, 8, "multicast" },				/* ff00::/8 */
	{ { 0x20, 0x01, 0x0d, 0xb8 }, 32, "documentation" },	/* 2001:db8::/32 */
	{ { 0x01, 0x00 }, 64, "discard" },			/* 100::/64 */
};

static int v6_prefix_match(const uint8_t *a, const uint8_t *net,
			   unsigned bits)
{
	unsigned full = bits / 8, rest = bits % 8;

	if (memcmp(a, net, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (a[full] & mask) == (net[full] & mask);
}

static const char *classify_v4(uint32_t a)
{
	for (size_t i = 0; i < sizeof(v4_ranges) / sizeof(v4_ranges[0]); i++) {
		uint32_t mask = v4_ranges[i].bits ?
			0xffffffffu << (32 - v4_ranges[i].bits) : 0;
		if ((a & mask) == v4_ranges[i].net)
			return v4_ranges[i].name;
	}
	return NULL;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* If a embeds an IPv4 address we know how to unwrap, store it in *v4_r. */
static int v6_embedded_v4(const uint8_t *a, uint32_t *v4_r)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	static const uint8_t nat64[12] = { 0x00, 0x64, 0xff, 0x9b };
	static const uint8_t compat[12] = { 0 };

	if (!memcmp(a, mapped, 12) || !memcmp(a, nat64, 12)) {
		*v4_r = be32(a + 12);
		return 1;
	}
	/* ::a.b.c.d (deprecated compatible form); ::/128 and ::1 excluded
	 * so they keep their own names. */
	if (!memcmp(a, compat, 12) && be32(a + 12) > 1) {
		*v4_r = be32(a + 12);
		return 1;
	}
	if (a[0] == 0x20 && a[1] == 0x02) {	/* 6to4 2002:V4ADDR::/48 */
		*v4_r = be32(a + 2);
		return 1;
	}
	return 0;
}

static const char *classify_v6(const uint8_t *a)
{
	uint32_t v4;

	if (v6_embedded_v4(a, &v4))
		return classify_v4(v4);
	for (size_t i = 0; i < sizeof(v6_ranges) / sizeof(v6_ranges[0]); i++)
		if (v6_prefix_match(a, v6_ranges[i].net, v6_ranges[i].bits))
			return v6_ranges[i].name;
	return NULL;
}

const char *ssrf_classify(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
		return classify_v4(ntohl(s4->sin_addr.s_addr));
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
		return classify_v6(s6->sin6_addr.s6_addr);
	}
	return "unsupported family";
}

/* ---- the admin allowlist ------------------------------------------- */

struct cidr {
	int family;
	uint8_t net[16];
	unsigned bits;
};

struct ssrf_allow {
	struct cidr *v;
	size_t n;
};

static char allow_errbuf[256];

static int parse_cidr(const char *s, struct cidr *c)
{
	char addr[64];
	const char *slash = strchr(s, '/');
	size_t len = slash ? (size_t)(slash - s) : strlen(s);
	long bits = -1;

	if (len == 0 || len >= sizeof(addr))
		return -1;
	memcpy(addr, s, len);
	addr[len] = '\0';
	memset(c, 0, sizeof(*c));
	if (inet_pton(AF_INET, addr, c->net) == 1)
		c->family = AF_INET;
	else if (inet_pton(AF_INET6, addr, c->net) == 1)
		c->family = AF_INET6;
	else
		return -1;
	unsigned max = c->family == AF_INET ? 32 : 128;
	if (slash) {
		char *end;
		bits = strtol(slash + 1, &end, 10);
		if (end == slash + 1 || *end || bits < 0 || bits > (long)max)
			return -1;
	}
	c->bits = bits < 0 ? max : (unsigned)bits;
	return 0;
}

struct ssrf_allow *ssrf_allow_parse(const char *list, const char **error_r)
{
	struct ssrf_allow *allow = xcalloc(1, sizeof(*allow));
	char *copy = xstrdup(list ? list : ""), *save = NULL;

	for (char *tok = strtok_r(copy, ", \t", &save); tok;
	     tok = strtok_r(NULL, ", \t", &save)) {
		allow->v = xrealloc(allow->v, (allow->n + 1) * sizeof(*allow->v));
		if (parse_cidr(tok, &allow->v[allow->n]) < 0) {
			snprintf(allow_errbuf, sizeof(allow_errbuf),
				 "bad address or CIDR '%s' in allow list", tok);
			*error_r = allow_errbuf;
			free(copy);
			ssrf_allow_free(&allow);
			return NULL;
		}
		allow->n++;
	}
	free(copy);
	return allow;
}

void ssrf_allow_free(struct ssrf_allow **allow)
{
	if (*allow == NULL)
		return;
	free((*allow)->v);
	free(*allow);
	*allow = NULL;
}

int ssrf_allow_match(const struct ssrf_allow *allow, const struct sockaddr *sa)
{
	const uint8_t *a;

	if (allow == NULL)
		return 0;
	if (sa->sa_family == AF_INET)
		a = (const uint8_t *)&((const struct sockaddr_in *)sa)->sin_addr;
	else if (sa->sa_family == AF_INET6)
		a = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
	else
		return 0;
	for (size_t i = 0; i < allow->n; i++)
		if (allow->v[i].family == sa->sa_family &&
		    v6_prefix_match(a, allow->v[i].net, allow->v[i].bits))
			return 1;
	return 0;
}

const char *ssrf_check(const struct sockaddr *sa,
		       const struct ssrf_allow *allow)
{
	const char *why = ssrf_classify(sa);

	if (why == NULL || ssrf_allow_match(allow, sa))
		return NULL;
	return why;
}
