/* test_sieve_util.c: the engine's arena and growable strings. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../sieve/util.h"
#include "unit.h"

UNIT_TEST(arena_small_and_big_allocations)
{
	struct sv_arena *a = sv_arena_new();
	char *first = sv_arena_strdup(a, "hello");
	for (int i = 0; i < 2000; i++) {
		unsigned char *p = sv_arena_alloc(a, 37);
		CHECK(((uintptr_t)p & 15) == 0);
		CHECK(p[0] == 0 && p[36] == 0);
		memset(p, 0xAA, 37);
	}
	unsigned char *big = sv_arena_alloc(a, 100000);
	memset(big, 1, 100000);
	char *after = sv_arena_strdup(a, "world");
	CHECK_STR(first, "hello");
	CHECK_STR(after, "world");
	sv_arena_free(&a);
	CHECK(a == NULL);
}

UNIT_TEST(str_builds)
{
	struct sv_str s = { 0 };
	sv_str_adds(&s, "a");
	sv_str_addc(&s, 'b');
	sv_str_printf(&s, "%d", 7);
	CHECK_STR(s.s, "ab7");
	char *out = sv_str_steal(&s);
	CHECK_STR(out, "ab7");
	free(out);
}

UNIT_MAIN(UNIT_CASE(arena_small_and_big_allocations), UNIT_CASE(str_builds))
