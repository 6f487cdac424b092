/* test_sieve_variables.c: RFC 5229: set and its modifiers with their
 * precedence, ${...} expansion (invalid references stay literal, names
 * are case-insensitive), match variables, the string test, truncation. */
#include "unit.h"
#include "sieve_run_util.h"

#define REQ "require [\"variables\", \"fileinto\"];\n"

UNIT_TEST(variables_table)
{
	static const struct sru_case cases[] = {
		{ REQ "set \"a\" \"x\"; fileinto \"${a}\";", NULL,
		  "fileinto \"x\"", NULL },
		{ REQ "set \"A\" \"x\"; fileinto \"${a}-${A}\";", NULL,
		  "fileinto \"x-x\"", NULL },
		{ REQ "fileinto \"[${nothing}]\";", NULL, "fileinto \"[]\"",
		  NULL },
		{ REQ "fileinto \"${doh!}${}${a\";", NULL,
		  "fileinto \"${doh!}${}${a\"", NULL },
		{ REQ "set \"a\" \"1\"; set \"b\" \"${a}${a}\"; "
		  "fileinto \"${b}\";", NULL, "fileinto \"11\"", NULL },
		{ REQ "set :upper \"a\" \"hello\"; fileinto \"${a}\";", NULL,
		  "fileinto \"HELLO\"", NULL },
		{ REQ "set :lower :upperfirst \"a\" \"hELLO\"; "
		  "fileinto \"${a}\";", NULL, "fileinto \"Hello\"", NULL },
		{ REQ "set :upperfirst :lower \"a\" \"hELLO\"; "
		  "fileinto \"${a}\";", NULL, "fileinto \"Hello\"", NULL },
		{ REQ "set :quotewildcard \"a\" \"a*b?c\\\\\"; "
		  "fileinto \"${a}\";", NULL, "fileinto \"a\\\\*b\\\\?c\\\\\\\\\"",
		  NULL },
		{ REQ "set :length \"a\" \"caf\xc3\xa9\"; fileinto \"${a}\";",
		  NULL, "fileinto \"4\"", NULL },
		{ REQ "set :length :upper \"a\" \"abc\"; fileinto \"${a}\";",
		  NULL, "fileinto \"3\"", NULL },
		{ REQ "set :lower :upper \"a\" \"x\";", NULL, NULL,
		  "conflict having equal precedence" },
		{ REQ "set \"a b\" \"x\";", NULL, NULL,
		  "invalid variable name 'a b'" },
		{ REQ "set \"1\" \"x\";", NULL, NULL, "invalid variable name" },
		{ REQ "set \"ns.x\" \"v\";", NULL, NULL,
		  "uses the unknown namespace 'ns'" },
		{ REQ "fileinto \"${ns.x}\";", NULL, NULL,
		  "variable reference '${ns.x}' uses the unknown namespace" },
		{ REQ "fileinto \"${33}\";", NULL, NULL,
		  "match value index 33 out of range (max 32)" },
		{ REQ "if string :matches \"abc\" \"?*\" {} "
		  "fileinto \"${0032}${2}\";", NULL, "fileinto \"bc\"", NULL },
		{ REQ "set :frob \"a\" \"x\";", NULL, NULL,
		  "unknown tagged argument ':frob'" },
		{ REQ "if header :matches \"from\" \"* <*@*>\" { "
		  "fileinto \"${1}/${2}/${3}/${4}\"; }", NULL,
		  "fileinto \"Alice Example/alice/example.org/\"", NULL },
		{ REQ "if header :matches \"subject\" \"*\" {} "
		  "if header :matches \"subject\" \"nomatch*\" {} "
		  "fileinto \"${1}\";", NULL, "fileinto \"Hello World\"",
		  NULL },
		/* RFC 5229 3: leading zeroes in a match variable number */
		{ REQ "if header :matches \"subject\" \"* *\" { "
		  "fileinto \"${0002}-${00}\"; }", NULL,
		  "fileinto \"World-Hello World\"", NULL },
		{ REQ "if header :is \"subject\" \"Hello World\" {} "
		  "fileinto \"[${0}]\";", NULL, "fileinto \"[]\"", NULL },
		{ REQ "if string :is \"${undefined}\" \"\" { discard; }", NULL,
		  "discard", NULL },
		{ REQ "set \"x\" \"abc\"; if string :contains \"${x}\" \"b\" "
		  "{ discard; }", NULL, "discard", NULL },
		{ "require [\"variables\", \"relational\"];\n"
		  "if string :count \"eq\" [\"a\", \"\", \"b\"] \"2\" "
		  "{ discard; }", NULL, "discard", NULL },
		{ REQ "set \"v\" \"INBOX\"; fileinto \"${v}\"; keep;", NULL,
		  "fileinto \"INBOX\"", NULL },
		{ "fileinto \"${a}\";", NULL, NULL,
		  "unknown command 'fileinto'" },
		{ "require \"fileinto\"; fileinto \"${a}\";", NULL,
		  "fileinto \"${a}\"", NULL },
	};
	SRU_CHECK_CASES(cases);
}

UNIT_TEST(variables_truncation)
{
	struct sieve_config cfg;
	sieve_config_defaults(&cfg);
	cfg.max_variable_size = 5;
	struct sru_result r = sru_run_cfg(REQ "set \"a\" \"1234567890\"; "
					  "fileinto \"${a}\";", NULL, NULL,
					  NULL, &cfg);
	CHECK_STR(r.actions, "fileinto \"12345\"");
	CHECK_STR(r.errors, "");
	sru_free(&r);
}

UNIT_TEST(variables_encoded_character)
{
	static const struct sru_case cases[] = {
		{ "require [\"encoded-character\", \"fileinto\"];\n"
		  "fileinto \"${hex:48 65 6C 6c 6F}\";", NULL,
		  "fileinto \"Hello\"", NULL },
		{ "require [\"encoded-character\", \"fileinto\"];\n"
		  "fileinto \"${HEX: 4a }${unicode:e9 1F600}\";", NULL,
		  "fileinto \"J\xc3\xa9\xf0\x9f\x98\x80\"", NULL },
		{ "require [\"encoded-character\", \"fileinto\"];\n"
		  "fileinto \"${hex:40\";", NULL, "fileinto \"${hex:40\"",
		  NULL },
		{ "require [\"encoded-character\", \"fileinto\"];\n"
		  "fileinto \"${hex:xy}${hex:}${hex:123}\";", NULL,
		  "fileinto \"${hex:xy}${hex:}${hex:123}\"", NULL },
		{ "require [\"encoded-character\", \"fileinto\"];\n"
		  "fileinto \"${unicode:D800}\";", NULL, NULL,
		  "invalid unicode character" },
		{ "require [\"encoded-character\", \"fileinto\"];\n"
		  "fileinto \"${unicode:110000}\";", NULL, NULL,
		  "invalid unicode character" },
		{ "require \"fileinto\";\nfileinto \"${hex:41}\";", NULL,
		  "fileinto \"${hex:41}\"", NULL },
		{ "require [\"encoded-character\", \"variables\", "
		  "\"fileinto\"];\nset \"a\" \"b\";\n"
		  "fileinto \"${hex:24 7B}a}\";", NULL, "fileinto \"b\"",
		  NULL },
	};
	SRU_CHECK_CASES(cases);
}

UNIT_MAIN(UNIT_CASE(variables_table), UNIT_CASE(variables_truncation),
	  UNIT_CASE(variables_encoded_character))
