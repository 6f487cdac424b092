/* test_sieve_regex.c: the :regex match type (PCRE2): captures into match
 * variables, caseless under i;ascii-casemap, compile errors for bad
 * constant patterns, run-time errors (never hangs) for regex bombs and
 * bad patterns built from variables, :quoteregex. */
#include "unit.h"
#include "sieve_run_util.h"

#define REQ "require [\"regex\", \"variables\", \"fileinto\"];\n"

UNIT_TEST(regex_table)
{
	static const struct sru_case cases[] = {
		{ REQ "if header :regex \"subject\" \"^hello (w.*)$\" "
		  "{ fileinto \"${1}|${0}\"; }", NULL,
		  "fileinto \"World|Hello World\"", NULL },
		{ REQ "if header :regex :comparator \"i;octet\" \"subject\" "
		  "\"^hello\" { discard; }", NULL, "keep", NULL },
		{ REQ "if header :regex \"subject\" \"(x)?Hello\" "
		  "{ fileinto \"[${1}]\"; }", NULL, "fileinto \"[]\"", NULL },
		{ REQ "if address :regex :domain \"from\" \"^example\\\\.(org|"
		  "net)$\" { fileinto \"${1}\"; }", NULL, "fileinto \"org\"",
		  NULL },
		{ REQ "if header :regex \"subject\" \"(\" {}", NULL, NULL,
		  "invalid regular expression '('" },
		{ REQ "set \"p\" \"(\"; if header :regex \"subject\" \"${p}\" "
		  "{ discard; } else { fileinto \"no\"; }", NULL,
		  "fileinto \"no\"", "invalid regular expression '('" },
		{ REQ "set :quoteregex \"q\" \"a.b*\"; fileinto \"${q}\";", NULL,
		  "fileinto \"a\\\\.b\\\\*\"", NULL },
		{ "require [\"regex\", \"comparator-i;ascii-numeric\"];\n"
		  "if header :regex :comparator \"i;ascii-numeric\" \"a\" "
		  "\"b\" {}", NULL, NULL, "not supported" },
		{ "if header :regex \"subject\" \"x\" {}", NULL, NULL,
		  "unknown tagged argument ':regex'" },
		{ REQ "if header :regex \"subject\" \"caf\xc3\" {}", NULL, NULL,
		  "invalid regular expression" },
	};
	SRU_CHECK_CASES(cases);
}

UNIT_TEST(regex_bomb_is_an_error_not_a_hang)
{
	size_t n = 100000;
	char *msg = malloc(n + 64);
	strcpy(msg, "X-Long: ");
	memset(msg + 8, 'a', n);
	strcpy(msg + 8 + n, "!\r\n\r\nbody\r\n");
	static const char *const bombs[] = {
		"^(a|aa)+$", "^(a+)+$", "^(\\\\w+\\\\s?)*$", "(a*)*b",
	};
	for (size_t i = 0; i < sizeof(bombs) / sizeof(bombs[0]); i++) {
		char *script = NULL;
		if (asprintf(&script, REQ "if header :regex \"x-long\" \"%s\" "
			     "{ discard; }", bombs[i]) < 0)
			abort();
		struct sru_result r = sru_run(script, msg);
		/* either a clean no-match or a run-time error: keep */
		if (r.actions == NULL || strcmp(r.actions, "keep") != 0)
			UNIT_FAIL("bomb %zu: got \"%s\" (%s)", i,
				  r.actions ? r.actions : "(null)", r.errors);
		sru_free(&r);
		free(script);
	}
	free(msg);
}

UNIT_MAIN(UNIT_CASE(regex_table),
	  UNIT_CASE(regex_bomb_is_an_error_not_a_hang))
