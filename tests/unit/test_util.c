/* test_util.c: the xmalloc family, struct buf and log_redact. */
#include <stdlib.h>
#include <string.h>

#include "../../mda/log.h"
#include "../../mda/util.h"
#include "unit.h"

UNIT_TEST(buf_grows_and_terminates)
{
	struct buf b = { 0 };

	for (int i = 0; i < 1000; i++)
		buf_puts(&b, "ab");
	CHECK_INT(b.len, 2000);
	CHECK_INT(strlen(b.data), 2000);
	buf_printf(&b, "%d-%s", 42, "x");
	CHECK_STR(b.data + 2000, "42-x");
	char *s = buf_steal(&b);
	CHECK(b.data == NULL && b.len == 0);
	free(s);
}

UNIT_TEST(buf_steal_empty_gives_empty_string)
{
	struct buf b = { 0 };
	char *s = buf_steal(&b);
	CHECK_STR(s, "");
	free(s);
}

UNIT_TEST(xasprintf_formats)
{
	char *s = xasprintf("%s:%u", "file", 12u);
	CHECK_STR(s, "file:12");
	free(s);
}

UNIT_MAIN(UNIT_CASE(buf_grows_and_terminates),
	  UNIT_CASE(buf_steal_empty_gives_empty_string),
	  UNIT_CASE(xasprintf_formats))
