/* test_sieve_parser.c: grammar and validation diagnostics (RFC 5228 8.2,
 * 2.6, 3.2): the exact text and position of errors, error recovery,
 * hostile nesting and sizes. */
#include "unit.h"
#include "sieve_run_util.h"

static char *compile_errors(const char *text, size_t len, bool *ok_r)
{
	char *errors = NULL;
	struct sieve_script *s = sieve_compile_buffer("t", text, len, NULL,
						      &errors);
	*ok_r = s != NULL;
	sieve_script_free(&s);
	return errors;
}

static size_t count_lines(const char *s)
{
	size_t n = 0;
	for (; s && *s; s++)
		n += *s == '\n';
	return n;
}

UNIT_TEST(parser_diagnostics)
{
	static const struct {
		const char *script, *want;	/* want: whole output */
	} cases[] = {
		{ "frop;", "t:1:1: error: unknown command 'frop'\n" },
		{ "if frop { keep; }", "t:1:4: error: unknown test 'frop'\n" },
		{ "keep", "t:1:5: error: expected ';' or '{' after command "
		  "arguments, but found end of script\n" },
		{ "if true { keep; ", "t:1:17: error: unexpected end of script:"
		  " missing '}' to close block\n" },
		{ "}", "t:1:1: error: unexpected '}' outside of a block\n" },
		{ "require \"frob\";", "t:1:1: error: unknown Sieve capability "
		  "'frob'\n" },
		{ "keep; require \"fileinto\";", "t:1:7: error: require "
		  "commands can only be placed at top level at the beginning "
		  "of the file\n" },
		{ "fileinto \"x\";", "t:1:1: error: unknown command "
		  "'fileinto'\n" },
		{ "keep :frob;", "t:1:6: error: unknown tagged argument ':frob'"
		  " for the keep command\n" },
		{ "if header :is :is \"a\" \"b\" {}", "t:1:15: error: "
		  "encountered duplicate tag :is for the header test\n" },
		{ "if header :is :contains \"a\" \"b\" {}", "t:1:15: error: the "
		  ":contains tag for the header test cannot be combined with "
		  ":is\n" },
		{ "if header \"a\" {}", "t:1:4: error: the header test expects "
		  "a string list as argument 2, but none was found\n" },
		{ "if header 1 \"b\" {}", "t:1:11: error: the header test "
		  "expects a string list as argument 1, but a number was "
		  "found\n" },
		{ "redirect [\"a@b.c\"];", "t:1:10: error: the redirect command"
		  " expects a string as argument 1, but a string list was "
		  "found\n" },
		{ "keep \"x\";", "t:1:6: error: the keep command expects only 0"
		  " positional argument(s), but more were found\n" },
		{ "if true;", "t:1:1: error: the if command requires a command "
		  "block\n" },
		{ "keep { }", "t:1:1: error: the keep command does not accept a"
		  " command block\n" },
		{ "if { }", "t:1:1: error: the if command expects a single test "
		  "as argument\n" },
		{ "if true, { }", "t:1:8: error: expected ';' or '{' after "
		  "command arguments, but found ','\n" },
		{ "else { }", "t:1:1: error: the else command must follow an if"
		  " or elsif command\n" },
		{ "if allof true {}", "t:1:4: error: the allof test expects a "
		  "list of tests as argument\n" },
		{ "if size 1 {}", "t:1:4: error: the size test requires either "
		  "the :under or the :over tag to be specified\n" },
		{ "if header :comparator \"i;frob\" \"a\" \"b\" {}", "t:1:23: "
		  "error: unknown comparator 'i;frob'\n" },
		{ "require \"comparator-i;ascii-numeric\";\nif header "
		  ":contains :comparator \"i;ascii-numeric\" \"a\" \"1\" {}",
		  "t:2:11: error: the :contains match type is not supported by "
		  "the i;ascii-numeric comparator\n" },
		{ "require \"relational\";\nif header :value \"xx\" \"a\" \"1\" "
		  "{}", "t:2:18: error: invalid relational match type 'xx'\n" },
		{ "redirect \"not an address\";", "t:1:10: error: specified "
		  "redirect address 'not an address' is invalid\n" },
		{ "require \"envelope\";\nif envelope \"frob\" \"x\" {}",
		  "t:2:13: error: specified envelope part 'frob' is not "
		  "supported by the envelope test\n" },
		{ "frop; frop;\nfrop;", "t:1:1: error: unknown command 'frop'\n"
		  "t:1:7: error: unknown command 'frop'\n"
		  "t:2:1: error: unknown command 'frop'\n" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool ok;
		char *got = compile_errors(cases[i].script,
					   strlen(cases[i].script), &ok);
		CHECK(!ok);
		if (got == NULL || strcmp(got, cases[i].want) != 0)
			UNIT_FAIL("case %zu: got \"%s\", want \"%s\"", i,
				  got ? got : "(null)", cases[i].want);
		free(got);
	}
}

UNIT_TEST(parser_valid_scripts)
{
	static const char *const ok_scripts[] = {
		"",
		"# only a comment",
		"require [\"fileinto\", \"comparator-i;octet\"];\n"
		"if anyof (header :is \"a\" \"b\", not exists \"c\") {\n"
		"  fileinto \"x\"; } elsif true { stop; } else { keep; }",
		"require \"fileinto\"; fileinto text:\nMy Box\n.\n;",
		"if true { if true { if true { keep; } } }",
	};
	for (size_t i = 0; i < sizeof(ok_scripts) / sizeof(ok_scripts[0]);
	     i++) {
		bool ok;
		char *got = compile_errors(ok_scripts[i], strlen(ok_scripts[i]),
					   &ok);
		if (!ok || got != NULL)
			UNIT_FAIL("case %zu: got errors \"%s\"", i,
				  got ? got : "");
		free(got);
	}
}

static char *repeat(const char *a, size_t n, const char *mid, const char *b)
{
	size_t la = strlen(a), lm = strlen(mid), lb = strlen(b);
	char *s = malloc(n * (la + lb) + lm + 1), *p = s;
	for (size_t i = 0; i < n; i++, p += la)
		memcpy(p, a, la);
	memcpy(p, mid, lm), p += lm;
	for (size_t i = 0; i < n; i++, p += lb)
		memcpy(p, b, lb);
	*p = '\0';
	return s;
}

UNIT_TEST(parser_hostile_nesting)
{
	bool ok;
	char *deep = repeat("if true {", 100000, "keep;", "}");
	char *got = compile_errors(deep, strlen(deep), &ok);
	CHECK(!ok);
	CHECK(got && strstr(got, "maximum nesting depth exceeded"));
	free(got);
	free(deep);

	deep = repeat("not ", 100000, "true", "");
	char *script = repeat("", 0, "", "");
	free(script);
	if (asprintf(&script, "if %s { keep; }", deep) < 0)
		abort();
	got = compile_errors(script, strlen(script), &ok);
	CHECK(!ok);
	CHECK(got && strstr(got, "maximum nesting depth exceeded"));
	free(got);
	free(script);
	free(deep);

	deep = repeat("anyof(", 100000, "true", ")");
	got = compile_errors(deep, strlen(deep), &ok);
	CHECK(!ok);
	free(got);
	free(deep);

	/* 32 levels (the default limit) still compile */
	deep = repeat("if true {", 31, "keep;", "}");
	got = compile_errors(deep, strlen(deep), &ok);
	CHECK(ok);
	free(got);
	free(deep);
}

UNIT_TEST(parser_error_cap)
{
	bool ok;
	char *many = repeat("frop;", 1000, "", "");
	char *got = compile_errors(many, strlen(many), &ok);
	CHECK(!ok);
	CHECK(count_lines(got) <= 21);
	free(got);
	free(many);
}

UNIT_TEST(parser_garbage_does_not_crash)
{
	unsigned seed = 12345;
	char buf[256];
	static const char alphabet[] = "if{}()[],;:\"\\ \n#/*text:.0123KMG"
		"keepstoprequire\x00\xff";
	for (int round = 0; round < 3000; round++) {
		size_t n = (size_t)(round % 200) + 1;
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		bool ok;
		char *got = compile_errors(buf, n, &ok);
		if (ok) {
			struct sru_result r = { 0 };
			(void)r;
		}
		free(got);
	}
	CHECK(true);
}

UNIT_TEST(parser_compile_file_missing)
{
	char *errors = NULL;
	struct sieve_script *s = sieve_compile_file("/nonexistent/x.sieve",
						    NULL, &errors);
	CHECK(s == NULL);
	CHECK(errors && strstr(errors, "cannot open"));
	free(errors);
}

UNIT_MAIN(UNIT_CASE(parser_diagnostics), UNIT_CASE(parser_valid_scripts),
	  UNIT_CASE(parser_hostile_nesting), UNIT_CASE(parser_error_cap),
	  UNIT_CASE(parser_garbage_does_not_crash),
	  UNIT_CASE(parser_compile_file_missing))
