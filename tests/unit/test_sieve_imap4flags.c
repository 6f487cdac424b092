/* test_sieve_imap4flags.c: RFC 5232: setflag/addflag/removeflag on the
 * internal and named variables, hasflag, :flags on keep/fileinto and
 * the implicit keep's flags; case-insensitive dedupe; \Recent ignored. */
#include "unit.h"
#include "sieve_run_util.h"

#define REQ "require [\"imap4flags\", \"fileinto\", \"variables\"];\n"

UNIT_TEST(imap4flags_table)
{
	static const struct sru_case cases[] = {
		{ REQ "setflag \"\\\\Seen\";", NULL,
		  "keep :flags \"\\\\Seen\"", NULL },
		{ REQ "setflag \"\\\\Seen \\\\Recent  \\\\seen x\";", NULL,
		  "keep :flags [\"\\\\Seen\", \"x\"]", NULL },
		{ REQ "addflag [\"a\", \"b c\"]; removeflag \"B\";", NULL,
		  "keep :flags [\"a\", \"c\"]", NULL },
		{ REQ "addflag \"a\"; fileinto \"X\"; removeflag \"a\";", NULL,
		  "fileinto \"X\" :flags \"a\"", NULL },
		{ REQ "addflag \"a\"; fileinto :flags \"z\" \"X\";", NULL,
		  "fileinto \"X\" :flags \"z\"", NULL },
		{ REQ "addflag \"a\"; keep :flags \"\";", NULL, "keep", NULL },
		{ REQ "addflag \"v\" \"one two\"; fileinto \"${v}\";", NULL,
		  "fileinto \"one two\"", NULL },
		{ REQ "addflag \"v\" \"one\"; if hasflag \"v\" \"ONE\" "
		  "{ discard; }", NULL, "discard", NULL },
		{ REQ "if hasflag \"x\" { discard; }", NULL, "keep", NULL },
		/* a key naming several flags is matched flag by flag */
		{ REQ "setflag \"A B\"; if hasflag :is \"b A\" "
		  "{ discard; }", NULL, "discard", NULL },
		{ REQ "setflag \"A\"; if hasflag :is \"b  c\" "
		  "{ discard; }", NULL, "keep :flags \"A\"", NULL },
		{ REQ "setflag \"x y\"; if hasflag :contains \"y\" "
		  "{ discard; }", NULL, "discard", NULL },
		{ "require [\"imap4flags\", \"relational\"];\n"
		  "setflag \"x y z\"; if hasflag :count \"eq\" \"3\" "
		  "{ discard; }", NULL, "discard", NULL },
		{ "require \"imap4flags\";\naddflag \"v\" \"x\";", NULL, NULL,
		  "needs the variables extension" },
		{ REQ "addflag \"bad name\" \"x\";", NULL, NULL,
		  "invalid variable name" },
		{ "require \"fileinto\";\nfileinto :flags \"x\" \"X\";", NULL,
		  NULL, "unknown tagged argument ':flags'" },
		{ REQ "setflag \"a\"; fileinto \"A\"; setflag \"b\"; "
		  "fileinto \"A\";", NULL, "fileinto \"A\" :flags \"b\"",
		  NULL },
	};
	SRU_CHECK_CASES(cases);
}

UNIT_MAIN(UNIT_CASE(imap4flags_table))
