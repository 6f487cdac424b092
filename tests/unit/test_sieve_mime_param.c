/* test_sieve_mime_param.c: MIME parameters with RFC 2231 sections and
 * charsets (sieve/mime_param.c). */
#include <stdlib.h>
#include <string.h>

#include "../../sieve/message_int.h"
#include "unit.h"

static const struct {
	const char *value, *name, *want;
} cases[] = {
	{ "text/plain; charset=utf-8", "charset", "utf-8" },
	{ "text/plain;charset=\"ISO-8859-1\"", "charset", "ISO-8859-1" },
	{ "text/plain ; CHARSET = koi8-r ; format=flowed", "charset", "koi8-r" },
	{ "text/plain; format=flowed", "charset", NULL },
	{ "text/plain", "charset", NULL },
	{ "text/plain; charsetx=a; charset=b", "charset", "b" },
	{ "text/plain; name=\"a;charset=evil\"; charset=good", "charset",
	  "good" },
	{ "multipart/mixed; boundary=\"=_a b\\\"c\"", "boundary", "=_a b\"c" },
	{ "multipart/mixed; boundary=\"unterminated", "boundary",
	  "unterminated" },
	{ "multipart/mixed; boundary=", "boundary", "" },
	{ "multipart/mixed; boundary", "boundary", NULL },
	/* RFC 2231 */
	{ "application/x; name*=utf-8'en'caf%C3%A9.txt", "name",
	  "caf\xc3\xa9.txt" },
	{ "application/x; name*=iso-8859-1''%E9", "name", "\xc3\xa9" },
	{ "application/x; name*0=\"a b\"; name*1=c", "name", "a bc" },
	{ "application/x; name*1=c; name*0=\"ab\"", "name", "abc" },
	{ "application/x; name*0*=us-ascii''a%20; name*1*=%41; name*2=\"%42\"",
	  "name", "a A%42" },
	{ "application/x; name=plain; name*=utf-8''ext", "name", "ext" },
	{ "application/x; name*1=orphan", "name", NULL },
	{ "application/x; name*0=a; name*2=gap", "name", "a" },
	{ "application/x; name*=x-unknown''%FF", "name", "\xef\xbf\xbd" },
	{ "application/x; name*=utf-8''bad%zz%4", "name", "bad%zz%4" },
	{ "application/x; name*999=x; name*x=y", "name", NULL },
};

UNIT_TEST(param_table)
{
	struct sv_arena *a = sv_arena_new();

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = sv_mime_param(a, cases[i].value,
						cases[i].name);
		const char *want = cases[i].want;
		if (got == NULL || want == NULL ? got != want
						: strcmp(got, want) != 0)
			UNIT_FAIL("%s in \"%s\": got \"%s\", want \"%s\"",
				  cases[i].name, cases[i].value,
				  got ? got : "(null)", want ? want : "(null)");
	}
	sv_arena_free(&a);
}

UNIT_TEST(param_random)
{
	static const char alpha[] = "ab*=;\"\\'% 0129";
	char buf[64];
	struct sv_arena *a = sv_arena_new();

	srand(2231);
	for (int round = 0; round < 20000; round++) {
		size_t n = (size_t)(rand() % (int)(sizeof(buf) - 1));
		for (size_t i = 0; i < n; i++)
			buf[i] = alpha[rand() % (sizeof(alpha) - 1)];
		buf[n] = '\0';
		(void)sv_mime_param(a, buf, "a");
	}
	sv_arena_free(&a);
}

UNIT_MAIN(UNIT_CASE(param_table), UNIT_CASE(param_random))
