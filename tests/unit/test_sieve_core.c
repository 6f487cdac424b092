/* test_sieve_core.c: RFC 5228 execution: tests, actions, implicit keep,
 * duplicate and conflict rules, run-time errors, limits. */
#include "unit.h"
#include "sieve_run_util.h"

UNIT_TEST(core_tests_and_actions)
{
	static const struct sru_case cases[] = {
		{ "", NULL, "keep", NULL },
		{ "keep;", NULL, "keep", NULL },
		{ "discard;", NULL, "discard", NULL },
		{ "stop; discard;", NULL, "keep", NULL },
		{ "discard; keep;", NULL, "discard; keep", NULL },
		{ "if true { discard; }", NULL, "discard", NULL },
		{ "if false { discard; }", NULL, "keep", NULL },
		{ "if not true { discard; }", NULL, "keep", NULL },
		{ "if allof(true, false) { discard; }", NULL, "keep", NULL },
		{ "if anyof(false, true) { discard; }", NULL, "discard", NULL },
		{ "if false { discard; } elsif true { redirect \"a@b.c\"; } "
		  "else { keep; }", NULL, "redirect \"a@b.c\"", NULL },
		{ "if false { discard; } elsif false { redirect \"a@b.c\"; } "
		  "else { keep; }", NULL, "keep", NULL },
		{ "if header :is \"subject\" \"hello world\" { discard; }",
		  NULL, "discard", NULL },
		{ "if header :comparator \"i;octet\" :is \"subject\" "
		  "\"hello world\" { discard; }", NULL, "keep", NULL },
		{ "if header :contains [\"to\", \"cc\"] \"Dave\" { discard; }",
		  NULL, "discard", NULL },
		{ "if header :is \"x-empty\" \"\" { discard; }", NULL, "discard",
		  NULL },
		{ "if header :contains \"x-missing\" \"\" { discard; }", NULL,
		  "keep", NULL },
		{ "if exists [\"from\", \"x-empty\"] { discard; }", NULL, "discard",
		  NULL },
		{ "if exists [\"from\", \"x-nope\"] { discard; }", NULL,
		  "keep", NULL },
		{ "if address :domain \"cc\" \"example.com\" { discard; }",
		  NULL, "discard", NULL },
		{ "if address :localpart \"from\" \"alice\" { discard; }",
		  NULL, "discard", NULL },
		{ "if address :all :is \"to\" \"carol@example.net\" "
		  "{ discard; }", NULL, "discard", NULL },
		{ "if address \"to\" \"Bob\" { discard; }", NULL, "keep",
		  NULL },
		{ "if size :over 10 { discard; }", NULL, "discard", NULL },
		{ "if size :under 10 { discard; }", NULL, "keep", NULL },
		/* RFC 5228 5.9: size of the CRLF form ("A: b\n\nx\n" is 11) */
		{ "if size :over 10 { discard; }", "A: b\n\nx\n", "discard",
		  NULL },
		{ "if size :under 11 { discard; }", "A: b\r\n\r\nx\n", "keep",
		  NULL },
		{ "if size :over 1M { discard; }", NULL, "keep", NULL },
		{ "redirect \"x@example.org\";", NULL,
		  "redirect \"x@example.org\"", NULL },
		{ "redirect \"x@example.org\"; redirect \"X@example.org\";",
		  NULL, "redirect \"x@example.org\"", NULL },
		/* RFC 5228 2.4.2.3 sieve-address: name-addr and CFWS */
		{ "redirect \"Stephan Bosch <stephan@example.org>\";", NULL,
		  "redirect \"stephan@example.org\"", NULL },
		{ "redirect \" stephan @ example.org \";", NULL,
		  "redirect \"stephan@example.org\"", NULL },
		{ "redirect \"\\\"Sirius\\\"@example.net\";", NULL,
		  "redirect \"Sirius@example.net\"", NULL },
		{ "redirect \"\\\"S[r]us\\\"@example.net\";", NULL,
		  "redirect \"\\\"S[r]us\\\"@example.net\"", NULL },
		{ "redirect \"a@b.c, d@e.f\";", NULL, NULL, "invalid" },
		{ "redirect \"Bosch <stephan>\";", NULL, NULL, "invalid" },
		{ "redirect \"Bosch <s@example.org\";", NULL, NULL,
		  "invalid" },
		{ "redirect \"r\xc3\xbc@example.com\";", NULL, NULL,
		  "invalid" },
	};
	SRU_CHECK_CASES(cases);
}

/* The envelope "auth" part is the authenticated user, absent without. */
static bool auth_matches(const char *auth)
{
	static const char text[] = "require \"envelope\"; "
		"if envelope :is \"auth\" \"sirius\" { discard; }";
	struct sieve_script *s = sieve_compile_buffer("t", text, strlen(text),
						      NULL, NULL);
	struct sieve_message *m = sieve_message_new(sru_default_msg,
						   strlen(sru_default_msg));
	struct sieve_envelope env = { .from = "a@b.c", .to = "d@e.f",
				      .auth = auth };
	struct sieve_result *res = sieve_execute(s, m, &env, NULL);
	bool discarded = sieve_result_action(res, 0)->type ==
		SIEVE_ACT_DISCARD;
	sieve_result_free(&res);
	sieve_message_free(&m);
	sieve_script_free(&s);
	return discarded;
}

UNIT_TEST(core_envelope_auth)
{
	CHECK(auth_matches("sirius"));
	CHECK(!auth_matches("other"));
	CHECK(!auth_matches(NULL));
}

/* A bad tag is the command's only error: later arguments are not
 * examined (Pigeonhole's counts, e.g. body/errors.svtest). */
UNIT_TEST(core_one_error_per_command)
{
	static const char text[] = "require \"relational\";\n"
		"if header :value :frml \"a\" \"b\" { }\n"
		"if header :frop :friep \"a\" \"b\" { }\n";
	char *errors = NULL;
	struct sieve_script *s = sieve_compile_buffer("t", text, strlen(text),
						      NULL, &errors);
	CHECK(s == NULL);
	size_t n = 0;
	for (const char *p = errors; p && (p = strstr(p, "error:")); p++)
		n++;
	CHECK_INT((long)n, 2);
	free(errors);
}

UNIT_TEST(core_duplicates_and_conflicts)
{
	static const struct sru_case cases[] = {
		{ "require \"fileinto\"; fileinto \"A\"; fileinto \"A\";",
		  NULL, "fileinto \"A\"", NULL },
		{ "require \"fileinto\"; fileinto \"INBOX\"; keep;", NULL,
		  "fileinto \"INBOX\"", NULL },
		{ "require \"fileinto\"; keep; fileinto \"inbox\";", NULL,
		  "keep", NULL },
		{ "require [\"fileinto\", \"copy\"]; fileinto :copy \"A\";",
		  NULL, "fileinto \"A\" :copy; keep", NULL },
		{ "require [\"fileinto\", \"copy\"]; fileinto :copy \"A\"; "
		  "fileinto \"A\";", NULL, "fileinto \"A\"", NULL },
		{ "require \"reject\"; reject \"no\";", NULL, "reject \"no\"",
		  NULL },
		{ "require \"reject\"; reject \"no\"; reject \"again\";", NULL,
		  "keep", "duplicate reject" },
		{ "require [\"reject\", \"fileinto\"]; fileinto \"A\"; "
		  "reject \"no\";", NULL, "keep", "conflicts" },
		{ "require [\"reject\"]; reject \"no\"; keep;", NULL, "keep",
		  "conflicts" },
		{ "require [\"reject\", \"ereject\"]; ereject \"x\"; "
		  "reject \"y\";", NULL, "keep", "duplicate" },
		{ "require \"ereject\"; discard; ereject \"x\";", NULL,
		  "discard; ereject \"x\"", NULL },
	};
	SRU_CHECK_CASES(cases);
}

UNIT_TEST(core_limits)
{
	struct sieve_config cfg;
	sieve_config_defaults(&cfg);
	cfg.max_redirects = 2;
	struct sru_result r = sru_run_cfg(
		"redirect \"a@x.org\"; redirect \"b@x.org\"; "
		"redirect \"c@x.org\";", NULL, NULL, NULL, &cfg);
	CHECK_STR(r.actions, "keep");
	CHECK(strstr(r.errors, "number of redirect actions exceeds policy "
		     "limit") != NULL);
	CHECK(strstr(r.errors, "t:1:") != NULL);
	sru_free(&r);

	cfg.max_actions = 2;
	cfg.max_redirects = 10;
	r = sru_run_cfg("require \"fileinto\"; fileinto \"a\"; fileinto \"b\";"
			" fileinto \"c\";", NULL, NULL, NULL, &cfg);
	CHECK_STR(r.actions, "keep");
	CHECK(strstr(r.errors, "actions exceeds policy limit") != NULL);
	sru_free(&r);

	sieve_config_defaults(&cfg);
	cfg.max_script_size = 10;
	r = sru_run_cfg("keep; keep; keep;", NULL, NULL, NULL, &cfg);
	CHECK(r.actions == NULL);
	CHECK(strstr(r.errors, "too large") != NULL);
	sru_free(&r);
}

UNIT_TEST(core_envelope_and_subaddress)
{
	static const struct {
		const char *script, *from, *to, *want;
	} cases[] = {
		{ "if envelope :is \"from\" \"alice@example.org\" "
		  "{ discard; }", NULL, NULL, "discard" },
		{ "if envelope :domain \"to\" \"EXAMPLE.com\" { discard; }",
		  NULL, NULL, "discard" },
		{ "if envelope :is \"from\" \"\" { discard; }", "", NULL, "discard" },
		{ "if envelope :localpart :is \"from\" \"\" { discard; }", "",
		  NULL, "discard" },
		{ "if envelope :user \"to\" \"bob\" { discard; }", NULL, NULL,
		  "discard" },
		{ "if envelope :detail \"to\" \"lists\" { discard; }", NULL,
		  NULL, "discard" },
		{ "if envelope :detail \"to\" \"\" { discard; }", NULL,
		  "bob@x.org", "keep" },
		{ "if envelope :detail \"to\" \"\" { discard; }", NULL,
		  "bob+@x.org", "discard" },
		{ "if envelope :user \"to\" \"bob\" { discard; }", NULL,
		  "bob@x.org", "discard" },
		{ "if address :detail \"to\" \"lists\" { discard; }", NULL,
		  NULL, "discard" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *script = NULL;
		if (asprintf(&script, "require [\"envelope\", \"subaddress\"]; "
			     "%s", cases[i].script) < 0)
			abort();
		struct sru_result r = sru_run_cfg(script, NULL, cases[i].from,
						  cases[i].to, NULL);
		if (r.actions == NULL || strcmp(r.actions, cases[i].want))
			UNIT_FAIL("case %zu: got \"%s\", want \"%s\" (%s)", i,
				  r.actions ? r.actions : "(null)",
				  cases[i].want, r.errors);
		sru_free(&r);
		free(script);
	}
}

UNIT_TEST(core_execute_twice_and_format)
{
	const char *text = "require [\"fileinto\", \"imap4flags\", \"copy\"];\n"
		"fileinto :copy :flags [\"\\\\Seen\", \"a\\\"b\"] \"Work\";\n";
	char *errors = NULL;
	struct sieve_script *s = sieve_compile_buffer("t", text, strlen(text),
						      NULL, &errors);
	CHECK(s != NULL);
	CHECK(errors == NULL);
	struct sieve_message *m = sieve_message_new(sru_default_msg,
						    strlen(sru_default_msg));
	for (int round = 0; round < 2; round++) {
		struct sieve_result *res = sieve_execute(s, m, NULL, NULL);
		CHECK_INT(sieve_result_count(res), 2);
		char *f = sieve_action_format(sieve_result_action(res, 0));
		CHECK_STR(f, "fileinto \"Work\" :copy :flags [\"\\\\Seen\", "
			  "\"a\\\"b\"]");
		free(f);
		char *j = sieve_action_json(sieve_result_action(res, 0));
		CHECK_STR(j, "{\"type\": \"fileinto\", \"mailbox\": \"Work\", "
			  "\"flags\": [\"\\\\Seen\", \"a\\\"b\"], \"copy\": "
			  "true, \"create\": false, \"line\": 2}");
		free(j);
		j = sieve_action_json(sieve_result_action(res, 1));
		CHECK_STR(j, "{\"type\": \"keep\", \"flags\": [], "
			  "\"implicit\": true, \"line\": 0}");
		free(j);
		sieve_result_free(&res);
		CHECK(res == NULL);
	}
	sieve_message_free(&m);
	sieve_script_free(&s);
	CHECK(s == NULL);
}

UNIT_TEST(core_action_format_all_types)
{
	const char *opts[] = { "a=b" };
	struct sieve_action v = { .type = SIEVE_ACT_VACATION,
		.to = "x@y.z", .from = "me@y.z", .subject = "Away",
		.reason = "gone\n", .seconds = 86400, .handle = "h" };
	char *s = sieve_action_format(&v);
	CHECK_STR(s, "vacation :to \"x@y.z\" :from \"me@y.z\" :subject "
		  "\"Away\" :handle \"h\" :seconds 86400 \"gone\n\"");
	free(s);
	s = sieve_action_json(&v);
	CHECK_STR(s, "{\"type\": \"vacation\", \"to\": \"x@y.z\", \"from\": "
		  "\"me@y.z\", \"subject\": \"Away\", \"reason\": \"gone\\n\", "
		  "\"seconds\": 86400, \"mime\": false, \"handle\": \"h\", "
		  "\"addresses\": [], \"line\": 0}");
	free(s);
	struct sieve_action n = { .type = SIEVE_ACT_NOTIFY,
		.method = "mailto:a@b.c", .importance = 1, .options = opts,
		.noptions = 1, .message = "hi \x01" };
	s = sieve_action_json(&n);
	CHECK_STR(s, "{\"type\": \"notify\", \"method\": \"mailto:a@b.c\", "
		  "\"from\": null, \"importance\": 1, \"options\": [\"a=b\"], "
		  "\"message\": \"hi \\u0001\", \"line\": 0}");
	free(s);
	s = sieve_action_format(&n);
	CHECK_STR(s, "notify :importance \"1\" :options \"a=b\" :message "
		  "\"hi \x01\" \"mailto:a@b.c\"");
	free(s);
	struct sieve_action r = { .type = SIEVE_ACT_REJECT, .reason = "no" };
	s = sieve_action_format(&r);
	CHECK_STR(s, "reject \"no\"");
	free(s);
}

UNIT_TEST(core_capabilities)
{
	const char *caps = sieve_capabilities();
	const char *want[] = { "fileinto", "envelope", "encoded-character",
			       "copy", "reject", "ereject", "variables",
			       "relational", "comparator-i;ascii-numeric",
			       "subaddress", "imap4flags", "regex", "mailbox",
			       "ihave", "environment" };
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (strstr(caps, want[i]) == NULL)
			UNIT_FAIL("capability %s missing from \"%s\"", want[i],
				  caps);
}

UNIT_MAIN(UNIT_CASE(core_tests_and_actions),
	  UNIT_CASE(core_duplicates_and_conflicts), UNIT_CASE(core_limits),
	  UNIT_CASE(core_envelope_and_subaddress), UNIT_CASE(core_envelope_auth),
	  UNIT_CASE(core_one_error_per_command),
	  UNIT_CASE(core_execute_twice_and_format),
	  UNIT_CASE(core_action_format_all_types),
	  UNIT_CASE(core_capabilities))
