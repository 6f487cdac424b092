/*
 * cmp_ascii_numeric.c: the i;ascii-numeric comparator (RFC 4790 9.1):
 * the value is the run of leading decimal digits, of any length; a string
 * not starting with a digit is positive infinity, and two infinities are
 * equal.  It has no substring operation, so :contains/:matches/:regex
 * with it are compile errors.
 */
#include <ctype.h>
#include <string.h>

#include "sieve-private.h"

/* the significant digits: leading zeros skipped; *inf_r when none */
static const char *digits(const char *s, size_t len, size_t *n_r, bool *inf_r)
{
	size_t n = 0;
	while (n < len && isdigit((unsigned char)s[n]))
		n++;
	*inf_r = n == 0;
	while (n > 1 && *s == '0')
		s++, n--;
	*n_r = n;
	return s;
}

static int numeric_compare(const char *a, size_t alen, const char *b,
			   size_t blen)
{
	size_t an, bn;
	bool ainf, binf;
	a = digits(a, alen, &an, &ainf);
	b = digits(b, blen, &bn, &binf);
	if (ainf || binf)
		return ainf && binf ? 0 : ainf ? 1 : -1;
	if (an != bn)
		return an < bn ? -1 : 1;
	int r = memcmp(a, b, an);
	return r < 0 ? -1 : r > 0;
}

const struct sieve_comparator_def sieve_cmp_ascii_numeric = {
	.name = "i;ascii-numeric",
	.substring = false,
	.compare = numeric_compare,
	.char_eq = NULL,
};

static const struct sieve_comparator_def *const numeric_cmps[] = {
	&sieve_cmp_ascii_numeric, NULL
};

const struct sieve_extension_def sieve_ext_comparator_numeric = {
	.name = "comparator-i;ascii-numeric",
	.comparators = numeric_cmps,
};
