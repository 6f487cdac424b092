/* test_sieve_enotify.c: mailto URI validation, :options, :encodeurl. */
#include <stdlib.h>
#include <string.h>

#include "../../sieve/enotify.h"
#include "ext4_run.h"
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


/* ---- through the engine ------------------------------------------------ */

#define NMSG "From: \"Stephan Bosch\" <stephan@example.org>\n" \
	"To: nico@frop.example.org\nSubject: Frop!\n\nbody\n"

/* A registry that knows "test:" (valid unless the URI contains "bad")
 * and claims nothing else. */
static int fake_check(void *ctx, const char *uri, const char *const *opts,
		      size_t nopts, const char **error_r)
{
	(void)ctx;
	(void)opts;
	(void)nopts;
	if (strncmp(uri, "test:", 5) != 0)
		return -1;
	if (strstr(uri, "bad") != NULL) {
		*error_r = "bad target";
		return 0;
	}
	return 1;
}

static const char *fake_capability(void *ctx, const char *uri,
				   const char *name)
{
	(void)ctx;
	if (strncmp(uri, "test:", 5) == 0 && strcmp(name, "online") == 0)
		return "yes";
	return NULL;
}

static const struct sieve_notify_registry fake_registry = {
	NULL, fake_check, fake_capability
};

static struct ext4_out nrun(const char *script, unsigned max_notify)
{
	static const struct sieve_envelope env = {
		.from = "stephan@example.org", .to = "nico@frop.example.org",
	};
	struct sieve_config cfg;

	sieve_config_defaults(&cfg);
	cfg.notify = &fake_registry;
	if (max_notify)
		cfg.max_notify = max_notify;
	return ext4_run(script, NMSG, &env, NULL, &cfg);
}

UNIT_TEST(notify_action_fields)
{
	struct ext4_out o = nrun(
		"require \"enotify\";\n"
		"notify :from \"me@example.org\" :importance \"1\" "
		":options [\"a=b\", \"c.d=e f\"] :message \"hi\" "
		"\"mailto:alm@example.com\";\n"
		"notify \"test:target\";\n", 0);

	CHECK_STR(o.errors, "");
	CHECK_STR(o.actions,
		  "notify :from \"me@example.org\" :importance \"1\" "
		  ":options [\"a=b\", \"c.d=e f\"] :message \"hi\" "
		  "\"mailto:alm@example.com\"\n"
		  "notify :importance \"2\" :message "
		  "\"\\\"Stephan Bosch\\\" <stephan@example.org>: Frop!\" "
		  "\"test:target\"\nkeep");
	ext4_out_free(&o);
}

UNIT_TEST(notify_collapses_equal)
{
	struct ext4_out o = nrun(
		"require \"enotify\";\n"
		"notify :message \"a\" \"mailto:x@example.org\";\n"
		"notify :message \"a\" \"mailto:x@example.org\";\n"
		"notify :message \"b\" \"mailto:x@example.org\";\n"
		"notify :message \"a\" :options \"k=v\" \"mailto:x@example.org\";\n",
		0);
	size_t lines = 0;

	for (const char *p = o.actions; *p; p++)
		lines += *p == '\n';
	CHECK_INT(lines, 3);	/* three notify + keep */
	ext4_out_free(&o);
}

UNIT_TEST(notify_limit)
{
	struct ext4_out o = nrun("require \"enotify\";\n"
				 "notify \"mailto:u1@example.com\";\n"
				 "notify \"mailto:u2@example.com\";\n"
				 "notify \"mailto:u3@example.com\";\n", 2);

	CHECK(strstr(o.errors, "number of notify actions exceeds policy "
		     "limit") != NULL);
	CHECK_STR(o.actions, "keep");
	ext4_out_free(&o);
}

UNIT_TEST(notify_compile_errors)
{
	static const char *const bad[] = {
		"notify \"snailto:stephan@example.org\";",
		"notify \"mailto:stephan@example.org;?header=frop\";",
		"notify \"mailto:stephan@example.org?header<=frop\";",
		"notify \"mailto:stephan@example.org?header=fr>op\";",
		"notify \"mailto:stephan@example.org?header:=frop\";",
		"notify \"mailto:stephan%23example.org\";",
		"notify \"mailto:stephan@example.org?to=nico%23frop.example.org\";",
		"notify :from \"stephan#example.org\" \"mailto:s@example.com\";",
		"notify :from \"\" \"mailto:s@example.com\";",
		"notify :options \"\" \"mailto:s@example.org\";",
		"notify :options \"frop\" \"mailto:s@example.org\";",
		"notify :options \"_frop=\" \"mailto:s@example.org\";",
		"notify :options \"=frop\" \"mailto:s@example.org\";",
		"notify :options \"frop=frml\nfrop\" \"mailto:s@example.org\";",
		"notify :importance \"4\" \"mailto:s@example.org\";",
		"notify \"test:bad\";",
		"notify \"no scheme\";",
		"notify;",
		"if valid_notify_method { }",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char script[512];
		snprintf(script, sizeof(script), "require \"enotify\";\n%s\n",
			 bad[i]);
		struct ext4_out o = nrun(script, 0);
		if (o.compiled)
			UNIT_FAIL("compiled: %s", bad[i]);
		ext4_out_free(&o);
	}
}

UNIT_TEST(notify_runtime_errors)
{
	static const char *const bad[] = {
		"set \"m\" \"xmpp:a@b\"; notify \"${m}\";",
		"set \"m\" \"test:bad\"; notify \"${m}\";",
		"set \"m\" \"mailto:a%23b\"; notify \"${m}\";",
		"set \"i\" \"0\"; notify :importance \"${i}\" \"mailto:a@b.org\";",
		"set \"o\" \"x\"; notify :options \"${o}\" \"mailto:a@b.org\";",
		"set \"f\" \"x\"; notify :from \"${f}\" \"mailto:a@b.org\";",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char script[512];
		snprintf(script, sizeof(script),
			 "require [\"enotify\", \"variables\"];\n%s\n", bad[i]);
		struct ext4_out o = nrun(script, 0);
		if (!o.compiled || o.errors[0] == '\0' ||
		    strcmp(o.actions, "keep") != 0)
			UNIT_FAIL("%s: compiled %d, errors \"%s\", actions %s",
				  bad[i], o.compiled, o.errors,
				  o.actions ? o.actions : "");
		ext4_out_free(&o);
	}
}

UNIT_TEST(notify_tests)
{
	static const char *const holds[] = {
		"valid_notify_method \"mailto:stephan@example.org\"",
		"valid_notify_method [\"mailto:a@example.org\", \"test:x\"]",
		"not valid_notify_method [\"mailto:a@example.org\", \"xmpp:x\"]",
		"not valid_notify_method \"mailto:stephan@example.org?header:=frop\"",
		"not valid_notify_method \"mailto:stephan%23example.org\"",
		"not valid_notify_method \"test:bad\"",
		"not valid_notify_method \"\"",
		"notify_method_capability \"mailto:s@example.org\" \"online\" \"maybe\"",
		"notify_method_capability \"mailto:s@example.org\" \"ONLINE\" \"MAYBE\"",
		"not notify_method_capability \"mailto:s@example.org\" \"online\" \"yes\"",
		"not notify_method_capability \"mailto:s@example.org\" \"frop\" \"maybe\"",
		"not notify_method_capability \"mailto:s%23x\" \"online\" \"maybe\"",
		"notify_method_capability \"test:x\" \"online\" \"yes\"",
		"not notify_method_capability \"xmpp:x\" \"online\" \"maybe\"",
		"notify_method_capability :matches \"test:x\" \"online\" \"y*\"",
	};
	for (size_t i = 0; i < sizeof(holds) / sizeof(holds[0]); i++) {
		char script[512];
		snprintf(script, sizeof(script),
			 "require [\"enotify\", \"fileinto\"];\n"
			 "if %s { fileinto \"yes\"; }\n", holds[i]);
		struct ext4_out o = nrun(script, 0);
		if (!o.compiled || strcmp(o.actions, "fileinto \"yes\"") != 0)
			UNIT_FAIL("%s: got %s %s", holds[i],
				  o.actions ? o.actions : "", o.errors);
		ext4_out_free(&o);
	}
}

UNIT_TEST(encodeurl_modifier)
{
	struct ext4_out o = nrun(
		"require [\"enotify\", \"variables\", \"fileinto\"];\n"
		"set :encodeurl \"u\" \"\\\\frop\\\\&fruts/^@\";\n"
		"if string :comparator \"i;octet\" \"${u}\" "
		"\"%5Cfrop%5C%26fruts%2F%5E%40\" { fileinto \"ok\"; }\n"
		"set :encodeurl :length \"n\" \"a b\";\n"
		"if string \"${n}\" \"5\" { fileinto \"len\"; }\n"
		"set :upper :encodeurl \"c\" \"a b\";\n"
		"if string :comparator \"i;octet\" \"${c}\" \"A%20B\" "
		"{ fileinto \"order\"; }\n", 0);

	CHECK_STR(o.actions, "fileinto \"ok\"\nfileinto \"len\"\n"
		  "fileinto \"order\"");
	ext4_out_free(&o);
	/* :encodeurl needs enotify */
	o = nrun("require \"variables\";\nset :encodeurl \"u\" \"x\";\n", 0);
	CHECK(!o.compiled);
	ext4_out_free(&o);
}

/* sieve_notify_max_notifications = 0 in Pigeonhole: notify prohibited */
UNIT_TEST(notify_prohibited_by_zero_limit)
{
	static const char text[] = "require \"enotify\";\n"
		"notify \"mailto:a@example.org\";\n";
	struct sieve_config cfg;
	char *errors = NULL;
	sieve_config_defaults(&cfg);
	cfg.max_notify = 0;
	struct sieve_script *s = sieve_compile_buffer("t", text, strlen(text),
						      &cfg, &errors);
	CHECK(s == NULL);
	CHECK(errors && strstr(errors, "local policy prohibits the use of "
			       "a notify action") != NULL);
	free(errors);
}

UNIT_MAIN(UNIT_CASE(notify_prohibited_by_zero_limit),
	  UNIT_CASE(notify_action_fields), UNIT_CASE(notify_collapses_equal),
	  UNIT_CASE(notify_limit), UNIT_CASE(notify_compile_errors),
	  UNIT_CASE(notify_runtime_errors), UNIT_CASE(notify_tests),
	  UNIT_CASE(encodeurl_modifier), UNIT_CASE(mailto_validation_table), UNIT_CASE(mailto_parts),
	  UNIT_CASE(mailto_limits_discard), UNIT_CASE(mailto_from),
	  UNIT_CASE(options_syntax), UNIT_CASE(uri_scheme),
	  UNIT_CASE(encodeurl_basic), UNIT_CASE(encodeurl_limit_ascii),
	  UNIT_CASE(encodeurl_limit_utf8))
