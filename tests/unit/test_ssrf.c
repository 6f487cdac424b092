/*
 * test_ssrf.c: the SSRF address classifier and the admin allowlist: every
 * refused range, IPv4 embedded in IPv6, and odd IPv4 spellings as
 * getaddrinfo resolves them.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <string.h>

#include "../../mda/ssrf.h"
#include "unit.h"

static void sa_of(const char *addr, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1)
		s4->sin_family = AF_INET;
	else if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1)
		s6->sin6_family = AF_INET6;
	else
		UNIT_FAIL("bad test address %s", addr);
}

static const struct {
	const char *addr;
	const char *want;	/* NULL: public */
} cases[] = {
	{ "0.0.0.0", "this-network" }, { "0.255.1.2", "this-network" },
	{ "10.0.0.1", "private" }, { "10.255.255.255", "private" },
	{ "100.64.0.1", "shared (CGN)" }, { "100.127.255.254", "shared (CGN)" },
	{ "100.128.0.1", NULL }, { "100.63.255.255", NULL },
	{ "127.0.0.1", "loopback" }, { "127.255.0.9", "loopback" },
	{ "169.254.169.254", "link-local" }, { "169.255.0.1", NULL },
	{ "172.16.0.1", "private" }, { "172.31.255.255", "private" },
	{ "172.32.0.1", NULL }, { "172.15.255.255", NULL },
	{ "192.0.0.8", "IETF protocol" }, { "192.0.2.1", "documentation" },
	{ "192.0.3.1", NULL },
	{ "192.168.1.1", "private" }, { "192.169.0.1", NULL },
	{ "198.18.0.1", "benchmarking" }, { "198.19.255.255", "benchmarking" },
	{ "198.20.0.1", NULL },
	{ "198.51.100.7", "documentation" }, { "203.0.113.9", "documentation" },
	{ "224.0.0.1", "multicast" }, { "239.255.255.250", "multicast" },
	{ "240.0.0.1", "reserved" }, { "255.255.255.255", "reserved" },
	{ "8.8.8.8", NULL }, { "1.1.1.1", NULL }, { "93.184.216.34", NULL },
	{ "::", "unspecified" }, { "::1", "loopback" },
	{ "fc00::1", "unique-local" }, { "fdff:ffff::1", "unique-local" },
	{ "fe80::1", "link-local" }, { "febf::1", "link-local" },
	{ "fec0::1", "site-local" },
	{ "ff02::1", "multicast" }, { "2001:db8::1", "documentation" },
	{ "100::1", "discard" }, { "100:0:0:1::1", NULL },
	{ "2606:4700::1111", NULL }, { "2001:4860:4860::8888", NULL },
	/* IPv4 embedded in IPv6 is judged by its IPv4 address. */
	{ "::ffff:127.0.0.1", "loopback" }, { "::ffff:10.1.2.3", "private" },
	{ "::ffff:8.8.8.8", NULL },
	{ "::127.0.0.1", "loopback" }, { "::169.254.169.254", "link-local" },
	{ "64:ff9b::7f00:1", "loopback" }, { "64:ff9b::a9fe:a9fe", "link-local" },
	{ "64:ff9b::808:808", NULL },
	{ "2002:7f00:1::1", "loopback" }, { "2002:c0a8:101::", "private" },
	{ "2002:808:808::1", NULL },
};

UNIT_TEST(test_classify_table)
{
	struct sockaddr_storage ss;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sa_of(cases[i].addr, &ss);
		const char *got = ssrf_classify((struct sockaddr *)&ss);
		if (got == NULL ? cases[i].want != NULL
				: cases[i].want == NULL ||
					  strcmp(got, cases[i].want))
			UNIT_FAIL("%s: got %s, want %s", cases[i].addr,
				  got ? got : "public",
				  cases[i].want ? cases[i].want : "public");
	}
}

/* Odd spellings are only trustworthy after resolution: whatever
 * getaddrinfo makes of them is what the guard sees. */
UNIT_TEST(test_odd_spellings_resolve_to_loopback)
{
	static const char *const odd[] = { "2130706433", "0x7f.1", "127.1",
					   "0177.0.0.1", "0x7f000001",
					   "017700000001" };

	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		struct addrinfo hints = { .ai_family = AF_UNSPEC,
					  .ai_socktype = SOCK_STREAM };
		struct addrinfo *res = NULL;
		if (getaddrinfo(odd[i], "80", &hints, &res) != 0) {
			UNIT_FAIL("%s: getaddrinfo failed", odd[i]);
			continue;
		}
		for (struct addrinfo *ai = res; ai; ai = ai->ai_next)
			if (ssrf_check(ai->ai_addr, NULL) == NULL)
				UNIT_FAIL("%s: resolved address accepted",
					  odd[i]);
		freeaddrinfo(res);
	}
}

UNIT_TEST(test_allowlist)
{
	const char *err = NULL;
	struct ssrf_allow *a = ssrf_allow_parse("127.0.0.1/32, ::1 10.0.0.0/8",
						&err);
	struct sockaddr_storage ss;

	CHECK(a != NULL);
	sa_of("127.0.0.1", &ss);
	CHECK(ssrf_check((struct sockaddr *)&ss, a) == NULL);
	sa_of("127.0.0.2", &ss);
	CHECK_STR(ssrf_check((struct sockaddr *)&ss, a), "loopback");
	sa_of("::1", &ss);
	CHECK(ssrf_check((struct sockaddr *)&ss, a) == NULL);
	sa_of("10.9.8.7", &ss);
	CHECK(ssrf_check((struct sockaddr *)&ss, a) == NULL);
	sa_of("192.168.0.1", &ss);
	CHECK_STR(ssrf_check((struct sockaddr *)&ss, a), "private");
	sa_of("8.8.8.8", &ss);
	CHECK(ssrf_check((struct sockaddr *)&ss, a) == NULL);
	ssrf_allow_free(&a);
	CHECK(a == NULL);
}

UNIT_TEST(test_allowlist_errors)
{
	static const char *const bad[] = { "127.0.0.1/33", "::1/129", "nope",
					   "10.0.0.0/", "10.0.0.0/x",
					   "/8" };
	const char *err = NULL;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ssrf_allow *a = ssrf_allow_parse(bad[i], &err);
		if (a != NULL) {
			UNIT_FAIL("%s: accepted", bad[i]);
			ssrf_allow_free(&a);
		}
	}
	struct ssrf_allow *empty = ssrf_allow_parse(NULL, &err);
	struct sockaddr_storage ss;
	sa_of("127.0.0.1", &ss);
	CHECK_STR(ssrf_check((struct sockaddr *)&ss, empty), "loopback");
	ssrf_allow_free(&empty);
}

UNIT_MAIN(UNIT_CASE(test_classify_table),
	  UNIT_CASE(test_odd_spellings_resolve_to_loopback),
	  UNIT_CASE(test_allowlist), UNIT_CASE(test_allowlist_errors))
