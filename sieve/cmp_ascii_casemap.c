/*
 * cmp_ascii_casemap.c: the i;ascii-casemap comparator (RFC 4790 9.2), the
 * Sieve default: like i;octet after mapping ASCII a-z to A-Z; other
 * bytes (UTF-8 included) compare exactly.
 */
#include "sieve-private.h"

static unsigned char up(unsigned char c)
{
	return c >= 'a' && c <= 'z' ? (unsigned char)(c - 32) : c;
}

static int casemap_compare(const char *a, size_t alen, const char *b,
			   size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	for (size_t i = 0; i < n; i++) {
		unsigned char x = up((unsigned char)a[i]);
		unsigned char y = up((unsigned char)b[i]);
		if (x != y)
			return x < y ? -1 : 1;
	}
	return alen < blen ? -1 : alen > blen;
}

static bool casemap_eq(unsigned char a, unsigned char b)
{
	return up(a) == up(b);
}

const struct sieve_comparator_def sieve_cmp_ascii_casemap = {
	.name = "i;ascii-casemap",
	.substring = true,
	.compare = casemap_compare,
	.char_eq = casemap_eq,
};
