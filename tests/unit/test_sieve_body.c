/* test_sieve_body.c: the body extension (RFC 5173) through the public
 * API: each row is a test expression, a message, and whether it holds. */
#include <stdlib.h>
#include <string.h>

#include "../../sieve/sieve.h"
#include "unit.h"

static const char msg_simple[] =
	"From: stephan@example.org\r\n"
	"Subject: Body test\r\n"
	"\r\n"
	"The big bad body test.\r\n";

static const char msg_nobody[] =
	"From: stephan@example.org\r\nSubject: No body is here!\r\n";

static const char msg_parts[] =
	"From: justin@example.com\r\n"
	"Content-Type: multipart/mixed; boundary=limit\r\n"
	"\r\n"
	"This is a multi-part message in MIME format.\r\n"
	"\r\n"
	"--limit\r\n"
	"Content-Type: text/plain; charset=iso-8859-1\r\n"
	"Content-Transfer-Encoding: quoted-printable\r\n"
	"\r\n"
	"This is a text message. Caf=E9.\r\n"
	"\r\n"
	"--limit\r\n"
	"Content-Type: text/html\r\n"
	"\r\n"
	"<html><body>This is HTML</body></html>\r\n"
	"\r\n"
	"--limit\r\n"
	"Content-Type: application/sieve\r\n"
	"Content-Transfer-Encoding: base64\r\n"
	"\r\n"
	"a2VlcDs=\r\n"
	"\r\n"
	"--limit--\r\n";

static const struct {
	const char *test;
	const char *msg;
	bool want;
} cases[] = {
	{ "body :raw :contains \"big bad\"", msg_simple, true },
	{ "body :raw :is \"The big bad body test.\r\n\"", msg_simple, true },
	{ "body :raw \"The\"", msg_simple, false },	/* default :is */
	{ "body :raw :contains \"BIG\"", msg_simple, true }, /* casemap */
	{ "body :raw :comparator \"i;octet\" :contains \"BIG\"", msg_simple,
	  false },
	{ "body :contains \"body test\"", msg_simple, true }, /* :text */
	{ "body :raw :contains \"\"", msg_nobody, false },
	{ "body :raw :matches \"*\"", msg_nobody, false },
	{ "body :text :contains \"\"", msg_nobody, false },
	{ "body :content \"text/plain\" :contains \"Caf\xc3\xa9\"", msg_parts,
	  true },
	{ "body :raw :contains \"Caf=E9\"", msg_parts, true },
	{ "body :content \"text/plain\" :contains \"HTML\"", msg_parts, false },
	{ "body :content \"text\" :contains \"<html>\"", msg_parts, true },
	{ "body :content \"application/sieve\" :is \"keep;\"", msg_parts, true },
	{ "body :content \"\" :matches \"keep;*\"", msg_parts, true },
	{ "body :content [\"audio\", \"text/html\"] :contains \"HTML\"",
	  msg_parts, true },
	{ "body :content \"multipart\" :contains \"MIME format\"", msg_parts,
	  true },
	{ "body :content \"multipart\" :contains \"--limit\"", msg_parts, false },
	{ "body :content \"text/\" :contains \"\"", msg_parts, false },
	{ "body :content \"/plain\" :contains \"\"", msg_parts, false },
	{ "body :text :contains \"This is HTML\"", msg_parts, true },
	{ "body :text :contains \"<html>\"", msg_parts, false },
	{ "body :text :contains \"keep;\"", msg_parts, false },
	/* a match never spans two parts */
	{ "body :text :contains \"Caf\xc3\xa9.\r\nThis is HTML\"", msg_parts,
	  false },
	{ "body :content \"text\" :count \"eq\" :comparator "
	  "\"i;ascii-numeric\" \"2\"", msg_parts, true },
};

static bool holds(const char *test, const char *msg_text)
{
	char *script = NULL, *errors = NULL;
	struct sieve_config cfg;
	bool r = false;

	sieve_config_defaults(&cfg);
	if (asprintf(&script, "require [\"body\", \"fileinto\", "
		     "\"relational\", \"comparator-i;ascii-numeric\", "
		     "\"variables\"];\n"
		     "if %s { fileinto \"yes\"; }\n", test) < 0)
		abort();
	struct sieve_script *s = sieve_compile_buffer("t", script,
						      strlen(script), &cfg,
						      &errors);
	if (s == NULL) {
		UNIT_FAIL("compile \"%s\": %s", test, errors ? errors : "?");
		free(errors);
		free(script);
		return !r;
	}
	struct sieve_message *m = sieve_message_new(msg_text,
						    strlen(msg_text));
	struct sieve_envelope env = { .from = "", .to = "a@b" };
	struct sieve_result *res = sieve_execute(s, m, &env, NULL);
	for (size_t i = 0; i < sieve_result_count(res); i++)
		if (sieve_result_action(res, i)->type == SIEVE_ACT_FILEINTO)
			r = true;
	if (*sieve_result_errors(res) != '\0')
		UNIT_FAIL("run \"%s\": %s", test, sieve_result_errors(res));
	sieve_result_free(&res);
	sieve_message_free(&m);
	sieve_script_free(&s);
	free(errors);
	free(script);
	return r;
}

UNIT_TEST(body_table)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool got = holds(cases[i].test, cases[i].msg);
		if (got != cases[i].want)
			UNIT_FAIL("%s: got %s, want %s", cases[i].test,
				  got ? "true" : "false",
				  cases[i].want ? "true" : "false");
	}
}

/* RFC 5173 6: body :matches sets no match variables. */
UNIT_TEST(body_match_variables)
{
	CHECK(holds("allof(header :matches \"from\" \"*@*\", "
		    "body :raw :matches \"The * bad * test*\", "
		    "string :is \"${1}\" \"stephan\")", msg_simple));
	CHECK(!holds("allof(body :raw :matches \"The * bad * test*\", "
		     "string :is \"${1}\" \"big\")", msg_simple));
}

static void compile_fails(const char *text, const char *want_error)
{
	struct sieve_config cfg;
	char *errors = NULL;

	sieve_config_defaults(&cfg);
	struct sieve_script *s = sieve_compile_buffer("t", text, strlen(text),
						      &cfg, &errors);
	if (s != NULL) {
		UNIT_FAIL("\"%s\" compiled", text);
		sieve_script_free(&s);
	} else if (errors == NULL || strstr(errors, want_error) == NULL) {
		UNIT_FAIL("\"%s\": got \"%s\", want \"%s\"", text,
			  errors ? errors : "(null)", want_error);
	}
	free(errors);
}

UNIT_TEST(body_syntax_errors)
{
	compile_fails("if body :raw \"x\" { }", "body");	/* no require */
	compile_fails("require \"body\"; if body { }", "body");
	compile_fails("require \"body\"; if body 3 { }", "body");
	compile_fails("require \"body\"; if body \"a\" \"b\" { }", "body");
	compile_fails("require \"body\"; if body :content { }", "content");
	compile_fails("require \"body\"; if body :content \"frop\" { }",
		      "body");
	compile_fails("require \"body\"; if body :content 3 \"frop\" { }",
		      "content");
	compile_fails("require \"body\"; if body :content \"a\" :raw \"b\" { }",
		      "raw");
	compile_fails("require \"body\"; if body :frop \"b\" { }", "frop");
}

/* A tag whose parameter is another tag is one error, not two (the
 * Pigeonhole suite counts them). */
UNIT_TEST(body_one_error_per_command)
{
	static const char text[] =
		"require \"body\";\nif body :content :frml \"frop\" { }\n";
	struct sieve_config cfg;
	char *errors = NULL;

	sieve_config_defaults(&cfg);
	struct sieve_script *s = sieve_compile_buffer("t", text,
						      strlen(text), &cfg,
						      &errors);
	CHECK(s == NULL);
	size_t lines = 0;
	for (const char *p = errors; p && *p; p++)
		lines += *p == '\n';
	CHECK_INT(lines, 1);
	free(errors);
}

UNIT_TEST(body_capability)
{
	CHECK(strstr(sieve_capabilities(), "body") != NULL);
}

UNIT_MAIN(UNIT_CASE(body_table), UNIT_CASE(body_match_variables),
	  UNIT_CASE(body_syntax_errors), UNIT_CASE(body_one_error_per_command),
	  UNIT_CASE(body_capability))
