/* test_sieve_envelope.c: envelope paths (RFC 5321 4.1.2) as the envelope
 * test reads them, redirect address normalization, fileinto name checks,
 * CRLF line ends in strings and the size test's CRLF counting. */
#include "unit.h"
#include "sieve_run_util.h"

UNIT_TEST(envelope_paths)
{
	static const struct {
		const char *from, *script, *want;
	} cases[] = {
		{ "<stephan@example.org>", "envelope :all :is \"from\" "
		  "\"stephan@example.org\"", "discard" },
		{ "<@a.example,@b.example:user@example.org>", "envelope "
		  ":localpart :is \"from\" \"user\"", "discard" },
		{ "<MAILER-DAEMON>", "envelope :is \"from\" \"MAILER-DAEMON\"",
		  "discard" },
		{ "<>", "envelope :is \"from\" \"\"", "discard" },
		{ "", "envelope :domain :is \"from\" \"\"", "discard" },
		{ "user@", "envelope :all :is \"from\" \"user@\"", "keep" },
		{ "<<user@example.org>", "envelope :contains \"from\" \"user\"",
		  "keep" },
		{ "user@example.org>", "envelope :contains \"from\" \"user\"",
		  "keep" },
		{ "<user example.org>", "envelope :contains \"from\" \"user\"",
		  "keep" },
		{ "<user@@example.org>", "envelope :contains \"from\" \"user\"",
		  "keep" },
		{ "<@a..example:user@example.org>", "envelope :contains "
		  "\"from\" \"user\"", "keep" },
		{ "<a.example:user@example.org>", "envelope :contains "
		  "\"from\" \"user\"", "keep" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *script = NULL;
		if (asprintf(&script, "require \"envelope\";\nif %s "
			     "{ discard; }", cases[i].script) < 0)
			abort();
		struct sru_result r = sru_run_cfg(script, NULL, cases[i].from,
						  NULL, NULL);
		if (r.actions == NULL || strcmp(r.actions, cases[i].want) != 0)
			UNIT_FAIL("case %zu (%s): got \"%s\", want \"%s\" (%s)",
				  i, cases[i].from,
				  r.actions ? r.actions : "(null)",
				  cases[i].want, r.errors);
		sru_free(&r);
		free(script);
	}
}

UNIT_TEST(envelope_redirect_and_fileinto_names)
{
	static const struct sru_case cases[] = {
		{ "redirect \"Stephan Bosch <stephan@example.org>\";", NULL,
		  "redirect \"stephan@example.org\"", NULL },
		{ "redirect \" stephan @ example.org \";", NULL,
		  "redirect \"stephan@example.org\"", NULL },
		{ "redirect \"a@b.c, d@e.f\";", NULL, NULL,
		  "specified redirect address 'a@b.c, d@e.f' is invalid" },
		{ "require [\"variables\"];\nset \"a\" \"nobody\";\n"
		  "redirect \"${a}\";", NULL, "keep",
		  "t:3:1: error: specified redirect address 'nobody' is "
		  "invalid" },
		{ "require \"fileinto\";\nfileinto \"bad\xff\";", NULL, NULL,
		  "invalid folder name" },
		{ "require [\"fileinto\", \"variables\", "
		  "\"encoded-character\"];\nset \"m\" \"${hex:ff}\";\n"
		  "fileinto \"${m}\";", NULL, "keep", "invalid folder name" },
		{ "require \"fileinto\";\nfileinto \"Caf\xc3\xa9\";", NULL,
		  "fileinto \"Caf\xc3\xa9\"", NULL },
	};
	SRU_CHECK_CASES(cases);
}

UNIT_TEST(envelope_crlf_strings_and_size)
{
	/* "a\nb" in a script is "a\r\nb" (4 octets) */
	static const struct sru_case cases[] = {
		{ "require [\"variables\", \"fileinto\"];\n"
		  "set :length \"n\" \"a\nb\"; fileinto \"${n}\";", NULL,
		  "fileinto \"4\"", NULL },
		{ "require [\"variables\", \"fileinto\"];\n"
		  "set :length \"n\" text:\nab\n.\n; fileinto \"${n}\";", NULL,
		  "fileinto \"4\"", NULL },
		/* 11 octets with LF, 14 as transmitted */
		{ "if size :over 13 { discard; }", "A: b\n\nbody\n", "discard",
		  NULL },
		{ "if size :under 15 { discard; }", "A: b\n\nbody\n", "discard",
		  NULL },
		{ "if anyof(size :over 14, size :under 14) { discard; }",
		  "A: b\r\n\r\nbody\r\n", "keep", NULL },
	};
	SRU_CHECK_CASES(cases);
}

UNIT_MAIN(UNIT_CASE(envelope_paths),
	  UNIT_CASE(envelope_redirect_and_fileinto_names),
	  UNIT_CASE(envelope_crlf_strings_and_size))
