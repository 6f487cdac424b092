/* test_sieve_extensions.c: copy, reject/ereject, mailbox, environment,
 * ihave/error, and the internal extension API's tag and modifier
 * plumbing as seen from scripts. */
#include "unit.h"
#include "sieve_run_util.h"

UNIT_TEST(extensions_table)
{
	static const struct sru_case cases[] = {
		{ "require [\"copy\"];\nredirect :copy \"a@b.org\";", NULL,
		  "redirect \"a@b.org\" :copy; keep", NULL },
		{ "redirect :copy \"a@b.org\";", NULL, NULL,
		  "unknown tagged argument ':copy'" },
		{ "require [\"mailbox\", \"fileinto\"];\n"
		  "if mailboxexists \"Exists\" { fileinto :create \"New\"; }",
		  NULL, "fileinto \"New\" :create", NULL },
		{ "require [\"mailbox\"];\n"
		  "if mailboxexists [\"Exists\", \"Nope\"] { discard; }", NULL,
		  "keep", NULL },
		{ "require [\"fileinto\", \"variables\", "
		  "\"encoded-character\"];\nset \"m\" \"${hex:ff}rop\"; "
		  "fileinto \"${m}\";", NULL, "keep",
		  "invalid folder name" },
		{ "require \"fileinto\";\nfileinto :create \"x\";", NULL, NULL,
		  "unknown tagged argument ':create'" },
		{ "require \"environment\";\n"
		  "if allof(environment \"location\" \"MDA\", "
		  "environment \"phase\" \"during\", environment :matches "
		  "\"name\" \"sir*\", environment \"domain\" \"example.com\", "
		  "environment \"remote-ip\" \"127.0.0.1\") { discard; }",
		  NULL, "discard", NULL },
		{ "require \"environment\";\n"
		  "if environment :contains \"frob\" \"\" { discard; }", NULL,
		  "keep", NULL },
		{ "require \"ihave\";\n"
		  "if ihave \"frob\" { frob :x; } else { discard; }", NULL,
		  "discard", NULL },
		{ "require \"ihave\";\n"
		  "if ihave \"fileinto\" { fileinto \"A\"; }", NULL,
		  "fileinto \"A\"", NULL },
		{ "require \"ihave\";\n"
		  "if allof(true, ihave \"frob\") { frob; }", NULL, "keep",
		  NULL },
		{ "require \"ihave\";\n"
		  "if not ihave \"frob\" { frob; }", NULL, NULL,
		  "unknown command 'frob'" },
		{ "require \"ihave\";\nkeep; error \"bad thing\";", NULL,
		  "keep", "t:2:7: error: bad thing" },
		{ "require \"ihave\";\nif ihave \"variables\" { set \"a\" \"b\"; }",
		  NULL, "keep", NULL },
	};
	SRU_CHECK_CASES(cases);
}

UNIT_MAIN(UNIT_CASE(extensions_table))
