/* test_sieve_match.c: match types and comparators (RFC 5228 2.7, RFC
 * 4790, RFC 5231): :matches wildcards and their non-greedy captures,
 * i;ascii-numeric with its infinity, :count and :value. */
#include "unit.h"
#include "sieve_run_util.h"

/* Run `string :matches "<value>" "<pattern>"` and return ${0}|${1}|... */
static char *matches(const char *value, const char *pattern)
{
	char *script = NULL;
	if (asprintf(&script, "require [\"variables\", \"fileinto\"];\n"
		     "if string :matches \"%s\" \"%s\" {\n"
		     "fileinto \"${0}|${1}|${2}|${3}\"; }\n", value,
		     pattern) < 0)
		abort();
	struct sru_result r = sru_run(script, NULL);
	free(script);
	char *out = r.actions ? strdup(r.actions) : strdup("(error)");
	sru_free(&r);
	return out;
}

UNIT_TEST(match_wildcards)
{
	static const struct {
		const char *value, *pattern, *want;
	} cases[] = {
		{ "abc", "abc", "fileinto \"abc|||\"" },
		{ "abc", "ABC", "fileinto \"abc|||\"" },
		{ "abc", "ab", "keep" },
		{ "abc", "*", "fileinto \"abc|abc||\"" },
		{ "", "*", "fileinto \"|||\"" },
		{ "abc", "a?c", "fileinto \"abc|b||\"" },
		{ "a.b.c", "*.*", "fileinto \"a.b.c|a|b.c|\"" },
		{ "a.b.c", "*.*.*", "fileinto \"a.b.c|a|b|c\"" },
		{ "hello world", "* w*", "fileinto \"hello world|hello|orld|\"" },
		{ "x*y", "x\\\\*y", "fileinto \"x*y|||\"" },
		{ "xzy", "x\\\\*y", "keep" },
		{ "a?", "a\\\\?", "fileinto \"a?|||\"" },
		{ "aaa", "a*a", "fileinto \"aaa|a||\"" },
		{ "abcabc", "*c", "fileinto \"abcabc|abcab||\"" },
		{ "abcabc", "a*", "fileinto \"abcabc|bcabc||\"" },
		{ "ab", "???", "keep" },
		{ "abc", "**c", "fileinto \"abc||ab|\"" },
		{ "caf\xc3\xa9", "caf?", "fileinto \"caf\xc3\xa9|\xc3\xa9||\"" },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		  "*a*a*a*a*a*a*a*a*a*a*b", "keep" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = matches(cases[i].value, cases[i].pattern);
		if (strcmp(got, cases[i].want) != 0)
			UNIT_FAIL("case %zu (\"%s\" :matches \"%s\"): got %s, "
				  "want %s", i, cases[i].value,
				  cases[i].pattern, got, cases[i].want);
		free(got);
	}
}

UNIT_TEST(match_comparators_and_relational)
{
	static const struct sru_case cases[] = {
		{ "require \"comparator-i;ascii-numeric\";\n"
		  "if header :is :comparator \"i;ascii-numeric\" "
		  "\"x-spam-score\" \"007\" { discard; }", NULL, "discard",
		  NULL },
		{ "require [\"relational\", \"comparator-i;ascii-numeric\"];\n"
		  "if header :value \"ge\" :comparator \"i;ascii-numeric\" "
		  "\"x-spam-score\" \"10\" { discard; }", NULL, "keep", NULL },
		{ "require [\"relational\", \"comparator-i;ascii-numeric\"];\n"
		  "if header :value \"lt\" :comparator \"i;ascii-numeric\" "
		  "\"x-spam-score\" \"10\" { discard; }", NULL, "discard",
		  NULL },
		/* a non-number is +infinity: greater than any number */
		{ "require [\"relational\", \"comparator-i;ascii-numeric\"];\n"
		  "if header :value \"gt\" :comparator \"i;ascii-numeric\" "
		  "\"subject\" \"99999999999999999999999\" { discard; }", NULL,
		  "discard", NULL },
		{ "require [\"relational\", \"comparator-i;ascii-numeric\"];\n"
		  "if header :value \"eq\" :comparator \"i;ascii-numeric\" "
		  "\"subject\" \"abc\" { discard; }", NULL, "discard", NULL },
		{ "require [\"relational\"];\n"
		  "if header :count \"eq\" \"x-multi\" \"2\" { discard; }", NULL,
		  "discard", NULL },
		{ "require [\"relational\"];\n"
		  "if address :count \"eq\" [\"to\", \"cc\"] \"3\" "
		  "{ discard; }", NULL, "discard", NULL },
		{ "require [\"relational\"];\n"
		  "if header :count \"gt\" \"x-none\" \"0\" { discard; }", NULL,
		  "keep", NULL },
		{ "require [\"relational\"];\n"
		  "if header :value \"gt\" \"subject\" \"Hello\" { discard; }",
		  NULL, "discard", NULL },
		{ "if header :contains :comparator \"i;octet\" \"subject\" "
		  "\"world\" { discard; }", NULL, "keep", NULL },
		{ "if header :contains \"subject\" \"\" { discard; }", NULL,
		  "discard", NULL },
	};
	SRU_CHECK_CASES(cases);
}

UNIT_MAIN(UNIT_CASE(match_wildcards),
	  UNIT_CASE(match_comparators_and_relational))
