/* test_sieve_lexer.c: Sieve tokens (RFC 5228 8.1), table-driven, with
 * hostile inputs: unterminated strings and comments, huge numbers, NULs,
 * invalid UTF-8, dot-stuffed multi-line strings. */
#include "unit.h"
#include "../../sieve/sieve-private.h"

/* Render the token stream: I:name T:tag N:123 S<text> punctuation E! */
static char *lex_all(const char *text, size_t len, unsigned *errors_r)
{
	struct sv_arena *a = sv_arena_new();
	struct sieve_diags d = { 0 };
	struct sv_lexer lx;
	struct sv_str out = { 0 };
	sv_lexer_init(&lx, text, len, a, &d);
	for (int guard = 0; guard < 1000; guard++) {
		enum sv_tok t = sv_lex(&lx);
		if (out.len)
			sv_str_addc(&out, ' ');
		if (t == SV_T_EOF)
			break;
		switch (t) {
		case SV_T_IDENT: sv_str_printf(&out, "I:%s", lx.text); break;
		case SV_T_TAG: sv_str_printf(&out, "T:%s", lx.text); break;
		case SV_T_NUMBER: sv_str_printf(&out, "N:%llu", lx.number);
			break;
		case SV_T_STRING:
			sv_str_adds(&out, "S<");
			sv_str_add(&out, lx.text, lx.len);
			sv_str_adds(&out, ">");
			break;
		case SV_T_ERROR: sv_str_adds(&out, "E!"); break;
		default: sv_str_adds(&out, sv_tok_name(t)); break;
		}
	}
	*errors_r = d.nerrors;
	sieve_diags_free(&d);
	sv_arena_free(&a);
	char *s = out.s ? sv_str_steal(&out) : sv_strdup("");
	size_t n = strlen(s);
	if (n && s[n - 1] == ' ')
		s[n - 1] = '\0';
	return s;
}

UNIT_TEST(lexer_table)
{
	static const struct {
		const char *in, *want;
		unsigned errors;
	} cases[] = {
		{ "", "", 0 },
		{ "keep;", "I:keep ';'", 0 },
		{ "KeEp ;", "I:keep ';'", 0 },
		{ ":Is :comparator", "T:is T:comparator", 0 },
		{ "10 1K 2m 3G", "N:10 N:1024 N:2097152 N:3221225472", 0 },
		{ "99999999999999999999", "E!", 1 },
		{ "4294967296G", "E!", 1 },
		{ "12abc", "E!", 1 },
		{ "\"a\\\"b\\\\c\\d\"", "S<a\"b\\cd>", 0 },
		{ "\"multi\nline\"", "S<multi\r\nline>", 0 },
		{ "\"unterminated", "E!", 1 },
		{ "# comment\nstop", "I:stop", 0 },
		{ "/* c */ stop /* d\n e */", "I:stop", 0 },
		{ "/* never ends", "E!", 1 },
		{ "[\"a\",\"b\"]", "'[' S<a> ',' S<b> ']'", 0 },
		{ "(){};", "'(' ')' '{' '}' ';'", 0 },
		{ "text:\nline 1\n..dot\n.x\n.\n", "S<line 1\r\n.dot\r\n.x\r\n>", 0 },
		{ "text: # comment\r\nA\r\n.\r\n", "S<A\r\n>", 0 },
		{ "text:\nno end\n", "E!", 1 },
		{ "text: junk\n.\n", "E!", 2 },
		{ "@", "E! ", 1 },
		{ ": x", "E! I:x", 1 },
		{ "\"\xff\xfe bad utf8\"", "S<\xff\xfe bad utf8>", 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned errors;
		char *got = lex_all(cases[i].in, strlen(cases[i].in), &errors);
		if (strcmp(got, cases[i].want) != 0 &&
		    !(cases[i].errors && strncmp(got, "E!", 2) == 0))
			UNIT_FAIL("case %zu: got \"%s\", want \"%s\"", i, got,
				  cases[i].want);
		if (errors != cases[i].errors)
			UNIT_FAIL("case %zu: got %u errors, want %u", i, errors,
				  cases[i].errors);
		free(got);
	}
}

UNIT_TEST(lexer_nul_bytes)
{
	unsigned errors;
	char *got = lex_all("\"a\0b\"", 5, &errors);
	CHECK(errors >= 1);
	free(got);
	got = lex_all("keep\0;", 6, &errors);
	CHECK(errors >= 1);
	free(got);
}

UNIT_TEST(lexer_positions)
{
	struct sv_arena *a = sv_arena_new();
	struct sieve_diags d = { 0 };
	struct sv_lexer lx;
	const char *text = "keep;\n  stop;";
	sv_lexer_init(&lx, text, strlen(text), a, &d);
	sv_lex(&lx);
	CHECK_INT(lx.tline, 1);
	CHECK_INT(lx.tcol, 1);
	sv_lex(&lx);
	CHECK_INT(lx.tcol, 5);
	sv_lex(&lx);
	CHECK_INT(lx.tline, 2);
	CHECK_INT(lx.tcol, 3);
	sieve_diags_free(&d);
	sv_arena_free(&a);
}

UNIT_MAIN(UNIT_CASE(lexer_table), UNIT_CASE(lexer_nul_bytes),
	  UNIT_CASE(lexer_positions))
