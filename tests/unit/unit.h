/*
 * unit.h: siren's in-tree unit test runner, one header, no dependencies.
 *
 * A test file defines static functions declared with UNIT_TEST(name) and
 * lists them in UNIT_MAIN(...).  Checks report "file:line: got X, want Y"
 * and keep going; the binary prints "<file>: N passed, N failed" and exits
 * non-zero when anything failed.  Runs under ASan+UBSan in `make check`.
 */
#ifndef SIREN_UNIT_H
#define SIREN_UNIT_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int unit_failed_checks;

#define UNIT_TEST(name) static void name(void)

#define UNIT_FAIL(...)                                                       \
	do {                                                                 \
		fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);              \
		fprintf(stderr, __VA_ARGS__);                                \
		fputc('\n', stderr);                                         \
		unit_failed_checks++;                                        \
	} while (0)

#define CHECK(cond)                                                          \
	do {                                                                 \
		if (!(cond))                                                 \
			UNIT_FAIL("check failed: %s", #cond);                \
	} while (0)

#define CHECK_INT(got, want)                                                 \
	do {                                                                 \
		intmax_t g_ = (intmax_t)(got), w_ = (intmax_t)(want);        \
		if (g_ != w_)                                                \
			UNIT_FAIL("%s: got %jd, want %jd", #got, g_, w_);    \
	} while (0)

#define CHECK_STR(got, want)                                                 \
	do {                                                                 \
		const char *g_ = (got), *w_ = (want);                        \
		if (g_ == NULL || w_ == NULL ? g_ != w_ : strcmp(g_, w_))    \
			UNIT_FAIL("%s: got \"%s\", want \"%s\"", #got,       \
				  g_ ? g_ : "(null)", w_ ? w_ : "(null)");   \
	} while (0)

struct unit_case {
	const char *name;
	void (*fn)(void);
};

static inline int unit_run(const char *file, const struct unit_case *cases,
			   size_t n, int argc, char **argv)
{
	int passed = 0, failed = 0;

	for (size_t i = 0; i < n; i++) {
		if (argc > 1 && strcmp(argv[1], cases[i].name) != 0)
			continue;
		int before = unit_failed_checks;
		cases[i].fn();
		if (unit_failed_checks == before) {
			passed++;
		} else {
			failed++;
			fprintf(stderr, "FAIL %s\n", cases[i].name);
		}
	}
	printf("%s: %d passed, %d failed\n", file, passed, failed);
	return failed ? 1 : 0;
}

#define UNIT_CASE(fn) { #fn, fn }
#define UNIT_MAIN(...)                                                       \
	int main(int argc, char **argv)                                      \
	{                                                                    \
		static const struct unit_case cases_[] = { __VA_ARGS__ };    \
		return unit_run(__FILE__, cases_,                            \
				sizeof(cases_) / sizeof(cases_[0]), argc,    \
				argv);                                       \
	}

#endif
