/*
 * test_http.c: the SSRF guard's checks before any connection: scheme,
 * userinfo, IP literals, resolved addresses (loopback spellings), the
 * allowlist, and DNS failure as a transient error.  No request is sent.
 */
#include <stdlib.h>
#include <string.h>

#include "../../mda/http.h"
#include "unit.h"

static struct http_call *try_url(const char *url, unsigned flags,
				 const struct ssrf_allow *allow,
				 int *transient, char **err)
{
	struct http_policy pol;
	struct siren_notify_http req = { .method = "POST",
					 .url = (char *)url,
					 .flags = SIREN_NOTIFY_HTTP_USER_URL | flags };

	http_policy_defaults(&pol);
	pol.allow = allow;
	*err = NULL;
	return http_call_new(&pol, &req, transient, err);
}

UNIT_TEST(test_refusals)
{
	static const struct { const char *url; unsigned flags; const char *want; } rows[] = {
		{ "ftp://example.com/x", 0, "scheme ftp" },
		{ "http://example.com/x", 0, "scheme http" },
		{ "https://user:pw@example.com/", 0, "userinfo" },
		{ "https://127.0.0.1/", 0, "loopback" },
		{ "https://2130706433/", 0, "loopback" },
		{ "https://0x7f.1/", 0, "loopback" },
		{ "https://127.1/", 0, "loopback" },
		{ "https://[::1]/", 0, "loopback" },
		{ "https://[::ffff:169.254.169.254]/", 0, "link-local" },
		{ "https://localhost/", 0, "loopback" },
		{ "http://10.0.0.1:8080/", SIREN_NOTIFY_HTTP_ALLOW_HTTP, "private" },
		{ "https://8.8.8.8/", 0, "IP-literal" },
		{ "not a url", 0, "unparsable" },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int transient = -1;
		char *err;
		struct http_call *c = try_url(rows[i].url, rows[i].flags, NULL,
					      &transient, &err);
		if (c != NULL) {
			UNIT_FAIL("%s: accepted", rows[i].url);
			http_call_free(&c);
			continue;
		}
		if (transient != 0 || err == NULL || strstr(err, rows[i].want) == NULL)
			UNIT_FAIL("%s: got \"%s\" (transient %d), want \"%s\"",
				  rows[i].url, err ? err : "(null)", transient,
				  rows[i].want);
		free(err);
	}
}

UNIT_TEST(test_allowlisted_loopback_accepted)
{
	const char *e;
	struct ssrf_allow *allow = ssrf_allow_parse("127.0.0.0/8", &e);
	int transient;
	char *err;
	struct http_call *c = try_url("http://127.0.0.1:9/x",
				      SIREN_NOTIFY_HTTP_ALLOW_HTTP, allow,
				      &transient, &err);

	CHECK(c != NULL);
	CHECK(http_call_easy(c) != NULL);
	http_call_free(&c);
	CHECK(c == NULL);
	free(err);
	ssrf_allow_free(&allow);
}

UNIT_TEST(test_dns_failure_is_transient)
{
	int transient = -1;
	char *err;
	struct http_call *c = try_url("https://no-such-host.invalid/", 0, NULL,
				      &transient, &err);

	CHECK(c == NULL);
	CHECK_INT(transient, 1);
	CHECK(err && strstr(err, "cannot resolve") != NULL);
	free(err);
}

UNIT_MAIN(UNIT_CASE(test_refusals),
	  UNIT_CASE(test_allowlisted_loopback_accepted),
	  UNIT_CASE(test_dns_failure_is_transient))
