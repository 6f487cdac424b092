/*
 * cmp_octet.c: the i;octet comparator (RFC 4790 9.3): bytes compared as
 * unsigned octets; equality, ordering and substring operations.
 */
#include <string.h>

#include "sieve-private.h"

static int octet_compare(const char *a, size_t alen, const char *b,
			 size_t blen)
{
	int r = memcmp(a, b, alen < blen ? alen : blen);
	if (r != 0)
		return r;
	return alen < blen ? -1 : alen > blen;
}

static bool octet_eq(unsigned char a, unsigned char b)
{
	return a == b;
}

const struct sieve_comparator_def sieve_cmp_octet = {
	.name = "i;octet",
	.substring = true,
	.compare = octet_compare,
	.char_eq = octet_eq,
};
