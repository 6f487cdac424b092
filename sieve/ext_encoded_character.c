/*
 * ext_encoded_character.c: the encoded-character capability (RFC 5228
 * 2.4.2.4): "${hex:41 42}" and "${unicode:1F600}" in strings, decoded at
 * compile time (before variables).  The keyword is case-insensitive and
 * blanks may surround the values; a sequence that is not well formed
 * stays literally.  A well-formed unicode sequence naming a surrogate or
 * a value above 10FFFF is an error.
 */
#include <ctype.h>
#include <string.h>

#include "sieve-private.h"

static size_t skip_blank(const char *s, size_t i, size_t end)
{
	while (i < end && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' ||
			   s[i] == '\n'))
		i++;
	return i;
}

static void put_utf8(struct sv_str *b, unsigned long cp)
{
	if (cp < 0x80) {
		sv_str_addc(b, (char)cp);
	} else if (cp < 0x800) {
		sv_str_addc(b, (char)(0xC0 | (cp >> 6)));
		sv_str_addc(b, (char)(0x80 | (cp & 0x3F)));
	} else if (cp < 0x10000) {
		sv_str_addc(b, (char)(0xE0 | (cp >> 12)));
		sv_str_addc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
		sv_str_addc(b, (char)(0x80 | (cp & 0x3F)));
	} else {
		sv_str_addc(b, (char)(0xF0 | (cp >> 18)));
		sv_str_addc(b, (char)(0x80 | ((cp >> 12) & 0x3F)));
		sv_str_addc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
		sv_str_addc(b, (char)(0x80 | (cp & 0x3F)));
	}
}

/*
 * Decode the body of "${hex:...}" or "${unicode:...}" in s[i..end) (end
 * at the '}').  Returns 1 ok, 0 malformed (keep literal), -1 bad code
 * point.
 */
static int decode_body(const char *s, size_t i, size_t end, bool unicode,
		       struct sv_str *out)
{
	size_t count = 0;
	i = skip_blank(s, i, end);
	while (i < end) {
		size_t start = i;
		unsigned long v = 0;
		while (i < end && isxdigit((unsigned char)s[i])) {
			if (v <= 0x10FFFF)	/* saturate: never overflow */
				v = v * 16 + (unsigned long)(isdigit(
					(unsigned char)s[i]) ? s[i] - '0' :
					(tolower((unsigned char)s[i]) - 'a' + 10));
			i++;
		}
		size_t n = i - start;
		if (n == 0 || (!unicode && n > 2) ||
		    (i < end && !isspace((unsigned char)s[i])))
			return 0;
		if (unicode && ((v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF))
			return -1;
		if (unicode)
			put_utf8(out, v);
		else
			sv_str_addc(out, (char)v);
		count++;
		i = skip_blank(s, i, end);
	}
	return count > 0;
}

/* At s[i] == '$': try one encoded sequence; returns chars consumed or 0. */
static size_t try_sequence(struct sieve_validator *v, const struct sv_arg *arg,
			   const char *s, size_t i, size_t len,
			   struct sv_str *out, bool *bad)
{
	bool unicode;
	size_t p = i + 2;
	if (len - p >= 4 && strncasecmp(s + p, "hex:", 4) == 0) {
		unicode = false;
		p += 4;
	} else if (len - p >= 8 && strncasecmp(s + p, "unicode:", 8) == 0) {
		unicode = true;
		p += 8;
	} else {
		return 0;
	}
	const char *close = memchr(s + p, '}', len - p);
	if (close == NULL)
		return 0;
	size_t end = (size_t)(close - s);
	struct sv_str tmp = { 0 };
	int r = decode_body(s, p, end, unicode, &tmp);
	if (r < 0) {
		sieve_arg_error(v, arg, "invalid unicode character in "
				"encoded character sequence '%.*s'",
				(int)(end + 1 - i), s + i);
		*bad = true;
	}
	if (r <= 0) {
		sv_str_free(&tmp);
		return 0;
	}
	sv_str_add(out, tmp.s ? tmp.s : "", tmp.len);
	sv_str_free(&tmp);
	return end + 1 - i;
}

bool sieve_encoded_decode(struct sieve_validator *v, const struct sv_arg *arg,
			  struct sv_string *s)
{
	if (memmem(s->s, s->len, "${", 2) == NULL)
		return true;
	struct sv_str out = { 0 };
	bool bad = false;
	for (size_t i = 0; i < s->len;) {
		size_t used = 0;
		if (s->s[i] == '$' && i + 1 < s->len && s->s[i + 1] == '{')
			used = try_sequence(v, arg, s->s, i, s->len, &out, &bad);
		if (used == 0)
			sv_str_addc(&out, s->s[i++]);
		else
			i += used;
	}
	s->s = sv_arena_strndup(sieve_validator_arena(v),
				out.s ? out.s : "", out.len);
	s->len = out.len;
	sv_str_free(&out);
	return !bad;
}

const struct sieve_extension_def sieve_ext_encoded_character = {
	.name = "encoded-character",
	.not_ihave = true,
};
