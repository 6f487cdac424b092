/*
 * lexer.c: Sieve tokens (RFC 5228 section 8.1): comments (# and C style),
 * identifiers and tags (case-insensitive, returned lowercase), numbers
 * with K/M/G quantifiers, quoted strings (only \\ and \" escape; any
 * other \x is x) and text: multi-line strings with dot-unstuffing.
 * Bare LF is accepted wherever CRLF is; line ends inside strings become
 * CRLF, as in Pigeonhole (RFC 5228 2.4.2 strings hold CRLF).  NUL bytes
 * are an error.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sieve-private.h"

void sv_lexer_init(struct sv_lexer *lx, const char *text, size_t len,
		   struct sv_arena *arena, struct sieve_diags *d)
{
	memset(lx, 0, sizeof(*lx));
	lx->p = text;
	lx->end = text + len;
	lx->line = 1;
	lx->col = 1;
	lx->arena = arena;
	lx->diags = d;
}

const char *sv_tok_name(enum sv_tok t)
{
	static const char *const names[] = {
		"end of script", "invalid token", "identifier", "tag",
		"number", "string", "'['", "']'", "'('", "')'", "'{'", "'}'",
		"','", "';'",
	};
	return names[t];
}

static void lx_advance(struct sv_lexer *lx)
{
	if (*lx->p == '\n') {
		lx->line++;
		lx->col = 1;
	} else {
		lx->col++;
	}
	lx->p++;
}

static enum sv_tok lx_error(struct sv_lexer *lx, const char *msg)
{
	sieve_diags_add(lx->diags, false, lx->tline, lx->tcol, "%s", msg);
	lx->tok = SV_T_ERROR;
	return SV_T_ERROR;
}

/* Skip whitespace and comments; -1 on an unterminated comment. */
static int lx_skip(struct sv_lexer *lx)
{
	while (lx->p < lx->end) {
		char c = *lx->p;
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			lx_advance(lx);
		} else if (c == '#') {
			while (lx->p < lx->end && *lx->p != '\n')
				lx_advance(lx);
		} else if (c == '/' && lx->p + 1 < lx->end && lx->p[1] == '*') {
			lx->tline = lx->line;
			lx->tcol = lx->col;
			lx_advance(lx);
			lx_advance(lx);
			while (lx->p + 1 < lx->end &&
			       !(lx->p[0] == '*' && lx->p[1] == '/'))
				lx_advance(lx);
			if (lx->p + 1 >= lx->end) {
				lx->p = lx->end;
				return -1;
			}
			lx_advance(lx);
			lx_advance(lx);
		} else {
			break;
		}
	}
	return 0;
}

static bool is_ident_start(char c)
{
	return isalpha((unsigned char)c) || c == '_';
}

static bool is_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static enum sv_tok lx_ident(struct sv_lexer *lx, enum sv_tok kind)
{
	const char *start = lx->p;
	while (lx->p < lx->end && is_ident_char(*lx->p))
		lx_advance(lx);
	size_t n = (size_t)(lx->p - start);
	char *s = sv_arena_strndup(lx->arena, start, n);
	for (size_t i = 0; i < n; i++)
		s[i] = (char)tolower((unsigned char)s[i]);
	lx->text = s;
	lx->len = n;
	lx->tok = kind;
	return kind;
}

static enum sv_tok lx_number(struct sv_lexer *lx)
{
	unsigned long long v = 0;
	bool over = false;
	while (lx->p < lx->end && isdigit((unsigned char)*lx->p)) {
		v = v * 10 + (unsigned)(*lx->p - '0');
		if (v > SIEVE_MAX_NUMBER)
			over = true, v = SIEVE_MAX_NUMBER;
		lx_advance(lx);
	}
	if (lx->p < lx->end) {
		int shift = 0;
		switch (*lx->p) {
		case 'k': case 'K': shift = 10; break;
		case 'm': case 'M': shift = 20; break;
		case 'g': case 'G': shift = 30; break;
		}
		if (shift) {
			lx_advance(lx);
			if (v > (SIEVE_MAX_NUMBER >> shift))
				over = true;
			v <<= shift;
		}
	}
	if (lx->p < lx->end && is_ident_char(*lx->p))
		return lx_error(lx, "invalid character after number");
	if (over)
		return lx_error(lx, "number exceeds integer limits");
	lx->number = v;
	lx->tok = SV_T_NUMBER;
	return SV_T_NUMBER;
}

static enum sv_tok lx_quoted(struct sv_lexer *lx)
{
	struct sv_str b = { 0 };
	lx_advance(lx);		/* the opening quote */
	for (;;) {
		if (lx->p >= lx->end) {
			sv_str_free(&b);
			return lx_error(lx, "unterminated string");
		}
		char c = *lx->p;
		if (c == '"')
			break;
		if (c == '\0') {
			sv_str_free(&b);
			return lx_error(lx, "NUL character in string");
		}
		if (c == '\\') {
			lx_advance(lx);
			if (lx->p >= lx->end)
				continue;
			c = *lx->p;
		} else if (c == '\n' && (b.len == 0 || b.s[b.len - 1] != '\r')) {
			sv_str_addc(&b, '\r');	/* line ends are CRLF */
		}
		sv_str_addc(&b, c);
		lx_advance(lx);
	}
	lx_advance(lx);
	lx->len = b.len;
	lx->text = sv_arena_strndup(lx->arena, b.s ? b.s : "", b.len);
	sv_str_free(&b);
	lx->tok = SV_T_STRING;
	return SV_T_STRING;
}

/* Length of the line starting at p (without its LF), and whether it ends
 * with an LF. */
static size_t lx_line_len(const struct sv_lexer *lx, const char *p)
{
	const char *e = memchr(p, '\n', (size_t)(lx->end - p));
	return e ? (size_t)(e - p) : (size_t)(lx->end - p);
}

static void lx_skip_n(struct sv_lexer *lx, size_t n)
{
	while (n-- > 0 && lx->p < lx->end)
		lx_advance(lx);
}

/* After "text:": blanks, an optional # comment, then the line end. */
static bool lx_text_header(struct sv_lexer *lx)
{
	while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t'))
		lx_advance(lx);
	if (lx->p < lx->end && *lx->p == '#')
		while (lx->p < lx->end && *lx->p != '\n')
			lx_advance(lx);
	if (lx->p < lx->end && *lx->p == '\r')
		lx_advance(lx);
	if (lx->p >= lx->end || *lx->p != '\n')
		return false;
	lx_advance(lx);
	return true;
}

static enum sv_tok lx_multiline(struct sv_lexer *lx)
{
	struct sv_str b = { 0 };
	lx_skip_n(lx, 5);
	if (!lx_text_header(lx))
		return lx_error(lx, "invalid multi-line string header: "
				    "expected line end after 'text:'");
	for (;;) {
		if (lx->p >= lx->end) {
			sv_str_free(&b);
			return lx_error(lx, "unterminated multi-line string");
		}
		size_t n = lx_line_len(lx, lx->p);
		size_t content = n;
		if (content > 0 && lx->p[content - 1] == '\r')
			content--;
		if (content == 1 && lx->p[0] == '.') {
			lx_skip_n(lx, n + 1);
			break;
		}
		if (memchr(lx->p, '\0', n) != NULL) {
			sv_str_free(&b);
			return lx_error(lx, "NUL character in string");
		}
		const char *s = lx->p;
		size_t take = content;
		if (take >= 2 && s[0] == '.' && s[1] == '.')
			s++, take--;	/* dot-unstuffing */
		sv_str_add(&b, s, take);
		/* RFC 5228 2.4.2: the lines of a multi-line string end in
		 * CRLF, also in a script saved with bare LFs (Pigeonhole
		 * reads them so) */
		if (lx->p + n < lx->end)
			sv_str_add(&b, "\r\n", 2);	/* CRLF, as RFC 5228 */
		else if (content < n)
			sv_str_addc(&b, '\r');
		lx_skip_n(lx, n + 1);
	}
	lx->len = b.len;
	lx->text = sv_arena_strndup(lx->arena, b.s ? b.s : "", b.len);
	sv_str_free(&b);
	lx->tok = SV_T_STRING;
	return SV_T_STRING;
}

static enum sv_tok lx_punct(struct sv_lexer *lx, char c)
{
	static const char chars[] = "[](){},;";
	static const enum sv_tok toks[] = {
		SV_T_LBRACKET, SV_T_RBRACKET, SV_T_LPAREN, SV_T_RPAREN,
		SV_T_LBRACE, SV_T_RBRACE, SV_T_COMMA, SV_T_SEMICOLON,
	};
	const char *p = c ? strchr(chars, c) : NULL;
	if (p == NULL) {
		char msg[80];
		if (c == '\0')
			snprintf(msg, sizeof(msg), "NUL character in script");
		else if (isprint((unsigned char)c))
			snprintf(msg, sizeof(msg), "unexpected character(s) "
				 "starting with '%c'", c);
		else
			snprintf(msg, sizeof(msg), "unexpected character(s) "
				 "starting with 0x%02x", (unsigned char)c);
		lx_advance(lx);
		return lx_error(lx, msg);
	}
	lx_advance(lx);
	lx->tok = toks[p - chars];
	return lx->tok;
}

enum sv_tok sv_lex(struct sv_lexer *lx)
{
	if (lx_skip(lx) < 0)
		return lx_error(lx, "end of file before end of bracket comment "
				    "('/* ... */') started here");
	lx->tline = lx->line;
	lx->tcol = lx->col;
	lx->text = NULL;
	if (lx->p >= lx->end) {
		lx->tok = SV_T_EOF;
		return SV_T_EOF;
	}
	char c = *lx->p;
	if ((size_t)(lx->end - lx->p) >= 5 &&
	    strncasecmp(lx->p, "text:", 5) == 0)
		return lx_multiline(lx);
	if (is_ident_start(c))
		return lx_ident(lx, SV_T_IDENT);
	if (c == ':') {
		lx_advance(lx);
		if (lx->p >= lx->end || !is_ident_start(*lx->p))
			return lx_error(lx, "expected identifier after ':'");
		return lx_ident(lx, SV_T_TAG);
	}
	if (isdigit((unsigned char)c))
		return lx_number(lx);
	if (c == '"')
		return lx_quoted(lx);
	return lx_punct(lx, c);
}
