/* test_sieve_enotify.c: mailto URI validation, :options, :encodeurl. */
#include <stdlib.h>
#include <string.h>

#include "../../sieve/enotify.h"
#include "unit.h"

static const struct {
	const char *uri;
	bool valid;
} mailto_cases[] = {
	{ "mailto:stephan@example.org", true },
	{ "MAILTO:stephan@example.org", true },
	{ "mailto:stephan@example.com%2cstephan@example.org"
	  "?subject=Important%20message%20received", true },
	{ "mailto:a@example.org,b@example.org", true },
	{ "mailto:?to=a@example.org", true },
	{ "mailto:?to=%3D%3Futf-8%3Fq%3FG%3DC3%3DBCnther%3F%3D%20M.%20"
	  "Karotte%20%3Cg.m.karotte%40example.com%3E", true },
	{ "mailto:tim@example.com?body=Safe%20body%26evil%3Devilbody", true },
	{ "mailto:%22a%2cb%22@example.org", true },
	/* Pigeonhole's errors/uri-mailto.sieve */
	{ "mailto:stephan@example.org;?header=frop", false },
	{ "mailto:stephan@example.org?header<=frop", false },
	{ "mailto:stephan@example.org?header=fr>op", false },
	{ "mailto:stephan@example.org?header:=frop", false },
	{ "mailto:stephan%23example.org", false },
	{ "mailto:stephan@example.org?to=nico%23frop.example.org", false },
	/* more hostile input */
	{ "mailto:", false },
	{ "mailto:?subject=x", false },
	{ "mailto:a@example.org,,b@example.org", false },
	{ "mailto:a@example.org%00", false },
	{ "mailto:a@example.org%4", false },
	{ "mailto:a@example.org%zz", false },
	{ "mailto:a@example.org?subject", false },
	{ "mailto:Name%20%3Ca@example.org%3E", false },
	{ "snailto:stephan@example.org", false },
	{ "mailto:a b@example.org", false },
};

UNIT_TEST(mailto_validation_table)
{
	for (size_t i = 0; i < sizeof(mailto_cases) / sizeof(mailto_cases[0]);
	     i++) {
		char *err = NULL;
		bool ok = sieve_mailto_parse(mailto_cases[i].uri, NULL, &err);
		if (ok != mailto_cases[i].valid)
			UNIT_FAIL("%s: got %d, want %d (%s)",
				  mailto_cases[i].uri, ok,
				  mailto_cases[i].valid, err ? err : "");
		CHECK(ok == (err == NULL));
		free(err);
	}
}

UNIT_TEST(mailto_parts)
{
	struct sieve_mailto *m = NULL;
	char *err = NULL;

	CHECK(sieve_mailto_parse(
		"mailto:tss@example.net%2cStephan@example.org,"
		"stephan@EXAMPLE.org?cc=Nico%20%3Cnico@frop.example.org%3E"
		"&subject=Hi%20there&body=b%26c&X-Foo=bar&from=evil@x.org"
		"&subject=second&auto-submitted=no", &m, &err));
	CHECK(err == NULL);
	if (m == NULL)
		return;
	CHECK_INT(m->nrecipients, 3);
	CHECK_STR(m->recipients[0], "tss@example.net");
	CHECK_STR(m->recipients[1], "Stephan@example.org");
	CHECK_STR(m->recipients[2], "nico@frop.example.org");
	CHECK_STR(m->subject, "Hi there");
	CHECK_STR(m->body, "b&c");
	CHECK_INT(m->nheaders, 1);
	CHECK_STR(m->headers[0].name, "X-Foo");
	CHECK_STR(m->headers[0].value, "bar");
	CHECK(!m->discarded);
	sieve_mailto_free(&m);
	CHECK(m == NULL);
}

UNIT_TEST(mailto_limits_discard)
{
	char uri[2048] = "mailto:";
	struct sieve_mailto *m = NULL;
	char *err = NULL;

	for (int i = 0; i < 12; i++) {
		char a[40];
		snprintf(a, sizeof(a), "%su%d@example.org", i ? "," : "", i);
		strcat(uri, a);
	}
	strcat(uri, "?");
	for (int i = 0; i < 20; i++) {
		char h[40];
		snprintf(h, sizeof(h), "%sX-H%d=v", i ? "&" : "", i);
		strcat(uri, h);
	}
	CHECK(sieve_mailto_parse(uri, &m, &err));
	if (m == NULL)
		return;
	CHECK_INT(m->nrecipients, SIEVE_MAILTO_MAX_RECIPIENTS);
	CHECK_INT(m->nheaders, SIEVE_MAILTO_MAX_HEADERS);
	CHECK(m->discarded);
	sieve_mailto_free(&m);
}

UNIT_TEST(mailto_from)
{
	CHECK(sieve_mailto_from_valid("nico@frop.example.org"));
	CHECK(sieve_mailto_from_valid("Nico <nico@frop.example.org>"));
	CHECK(!sieve_mailto_from_valid("stephan#example.org"));
	CHECK(!sieve_mailto_from_valid(""));
	CHECK(!sieve_mailto_from_valid("a@b.org, c@d.org"));
}

UNIT_TEST(options_syntax)
{
	static const struct {
		const char *opt;
		bool ok;
	} cases[] = {
		{ "a=b", true }, { "x.y-z_1=", true }, { "9=anything goes", true },
		{ "", false }, { "frop", false }, { "_frop=", false },
		{ "=frop", false }, { "frop=frml\nfrop", false },
		{ "fr op=x", false }, { "a=b\r", false },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *err = NULL;
		bool ok = sieve_notify_option_valid(cases[i].opt, &err);
		if (ok != cases[i].ok)
			UNIT_FAIL("\"%s\": got %d, want %d", cases[i].opt, ok,
				  cases[i].ok);
		CHECK(ok || err != NULL);
	}
}

UNIT_TEST(uri_scheme)
{
	char *s = sieve_uri_scheme("MailTo:x@y");
	CHECK_STR(s, "mailto");
	free(s);
	s = sieve_uri_scheme("vnd.x-y+z:abc");
	CHECK_STR(s, "vnd.x-y+z");
	free(s);
	CHECK(sieve_uri_scheme("1abc:x") == NULL);
	CHECK(sieve_uri_scheme("noscheme") == NULL);
	CHECK(sieve_uri_scheme("") == NULL);
}

static char *enc(const char *s, size_t max, size_t *len_r)
{
	return sieve_encodeurl(s, strlen(s), max, len_r);
}

UNIT_TEST(encodeurl_basic)
{
	size_t n;
	char *s = enc("\\frop\\&fruts/^@", 0, &n);
	CHECK_STR(s, "%5Cfrop%5C%26fruts%2F%5E%40");
	CHECK_INT(n, strlen(s));
	free(s);
	s = enc("Az09-._~ \xc3\xa9", 0, NULL);
	CHECK_STR(s, "Az09-._~%20%C3%A9");
	free(s);
	s = enc("", 0, NULL);
	CHECK_STR(s, "");
	free(s);
}

/* Pigeonhole's encodeurl.svtest size limits, with max = 4000. */
UNIT_TEST(encodeurl_limit_ascii)
{
	char a[4001], b[4003];
	size_t n;

	memset(a, '@', 4000);
	a[4000] = '\0';
	free(enc(a, 4000, &n));
	CHECK_INT(n, 3999);
	b[0] = '0';
	memcpy(b + 1, a, 4001);
	free(enc(b, 4000, &n));
	CHECK_INT(n, 4000);
	b[0] = b[1] = '0';
	memcpy(b + 2, a, 4001);
	free(enc(b, 4000, &n));
	CHECK_INT(n, 3998);
}

UNIT_TEST(encodeurl_limit_utf8)
{
	char a[2000] = "";
	size_t n;

	/* 441 CJK characters: 3969 bytes encoded */
	for (int i = 0; i < 441; i++)
		strcat(a, "\xe4\xb8\x83");
	free(enc(a, 4000, &n));
	CHECK_INT(n, 3969);
	strcat(a, "\xe4\xb8\x80\xe4\xb8\x80\xe4\xb8\x80\xe4\xb8\x80");
	free(enc(a, 4000, &n));	/* a 445th character would need 4005 */
	CHECK_INT(n, 3996);
	/* a truncated sequence is one unit, never split further */
	char *s = enc("x\xe4\xb8", 0, &n);
	CHECK_STR(s, "x%E4%B8");
	free(s);
}

UNIT_MAIN(UNIT_CASE(mailto_validation_table), UNIT_CASE(mailto_parts),
	  UNIT_CASE(mailto_limits_discard), UNIT_CASE(mailto_from),
	  UNIT_CASE(options_syntax), UNIT_CASE(uri_scheme),
	  UNIT_CASE(encodeurl_basic), UNIT_CASE(encodeurl_limit_ascii),
	  UNIT_CASE(encodeurl_limit_utf8))
