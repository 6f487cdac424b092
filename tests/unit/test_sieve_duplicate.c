/* test_sieve_duplicate.c: the duplicate test (RFC 7352) through the
 * engine, with a fake duplicate_check hook. */
#include <stdio.h>
#include <string.h>

#include "ext4_run.h"
#include "unit.h"

#define MSG "From: a@example.org\nTo: b@example.org\n" \
	"Message-ID:\n  <id1@example.org>  \nX-Frop: frop-id\nSubject: x\n\nbody\n"

/* The hook's memory: "handle|id" pairs it reports as seen; it counts
 * its calls. */
struct fake_store {
	const char *seen[4];
	int calls;
};

static bool fake_check(void *ctx, const char *handle, const char *id)
{
	struct fake_store *st = ctx;
	char key[256];

	st->calls++;
	snprintf(key, sizeof(key), "%s|%s", handle, id);
	for (int i = 0; i < 4 && st->seen[i]; i++)
		if (strcmp(st->seen[i], key) == 0)
			return true;
	return false;
}

static struct ext4_out dup_run(const char *script, struct fake_store *st)
{
	struct sieve_callbacks cb = { .ctx = st,
				      .duplicate_check = fake_check };
	return ext4_run(script, MSG, NULL, st ? &cb : NULL, NULL);
}

UNIT_TEST(new_message_marks_default_id)
{
	struct fake_store st = { { NULL }, 0 };
	struct ext4_out o = dup_run("require \"duplicate\";\n"
				    "if duplicate { discard; }\n", &st);

	CHECK(o.compiled);
	CHECK_STR(o.actions, "keep");
	CHECK_INT(o.ndups, 1);
	CHECK_STR(o.dups[0], "|<id1@example.org>|604800");
	ext4_out_free(&o);
}

UNIT_TEST(seen_message_is_duplicate)
{
	struct fake_store st = { { "|<id1@example.org>" }, 0 };
	struct ext4_out o = dup_run("require \"duplicate\";\n"
				    "if duplicate { discard; }\n", &st);

	CHECK_STR(o.actions, "discard");
	/* a hit without :last does not restart the period */
	CHECK_INT(o.ndups, 0);
	ext4_out_free(&o);

	o = dup_run("require \"duplicate\";\n"
		    "if duplicate :last :seconds 60 { discard; }\n", &st);
	CHECK_STR(o.actions, "discard");
	CHECK_INT(o.ndups, 1);
	CHECK_STR(o.dups[0], "|<id1@example.org>|60");
	ext4_out_free(&o);
}

UNIT_TEST(handles_header_and_uniqueid)
{
	struct fake_store st = { { "h|frop-id", "|FROP!" }, 0 };
	struct ext4_out o = dup_run(
		"require [\"duplicate\", \"fileinto\"];\n"
		"if duplicate :handle \"h\" :header \"x-frop\" { fileinto \"a\"; }\n"
		"if duplicate :header \"x-frop\" { fileinto \"b\"; }\n"
		"if duplicate :uniqueid \"FROP!\" { fileinto \"c\"; }\n"
		"if duplicate :header \"x-missing\" { fileinto \"d\"; }\n",
		&st);

	CHECK_STR(o.actions, "fileinto \"a\"\nfileinto \"c\"");
	CHECK_INT(o.ndups, 1);
	CHECK_STR(o.dups[0], "|frop-id|604800");
	ext4_out_free(&o);
}

UNIT_TEST(one_state_per_run)
{
	struct fake_store st = { { NULL }, 0 };
	struct ext4_out o = dup_run(
		"require [\"duplicate\", \"fileinto\"];\n"
		"if duplicate { fileinto \"a\"; }\n"
		"if duplicate { fileinto \"b\"; }\n"
		"if not duplicate :last { fileinto \"c\"; }\n", &st);

	/* the second test must not see the first one's pending mark */
	CHECK_STR(o.actions, "fileinto \"c\"");
	CHECK_INT(st.calls, 1);
	CHECK_INT(o.ndups, 1);
	ext4_out_free(&o);
}

UNIT_TEST(seconds_zero_and_max)
{
	struct fake_store st = { { "|<id1@example.org>" }, 0 };
	struct ext4_out o = dup_run("require \"duplicate\";\n"
				    "if duplicate :seconds 0 { discard; }\n",
				    &st);

	CHECK_STR(o.actions, "keep");
	CHECK_INT(o.ndups, 0);
	ext4_out_free(&o);

	st.seen[0] = NULL;
	o = dup_run("require \"duplicate\";\n"
		    "if duplicate :seconds 99999999 { discard; }\n", &st);
	CHECK_INT(o.ndups, 1);
	CHECK_STR(o.dups[0], "|<id1@example.org>|604800");
	ext4_out_free(&o);
}

UNIT_TEST(no_hook_is_never_duplicate)
{
	struct ext4_out o = dup_run("require \"duplicate\";\n"
				    "if duplicate { discard; }\n", NULL);

	CHECK_STR(o.actions, "keep");
	ext4_out_free(&o);
}

UNIT_TEST(marks_dropped_on_error)
{
	struct fake_store st = { { NULL }, 0 };
	struct ext4_out o = dup_run(
		"require [\"duplicate\", \"reject\"];\n"
		"if not duplicate { reject \"a\"; reject \"b\"; }\n", &st);

	CHECK(o.errors[0] != '\0');
	CHECK_STR(o.actions, "keep");
	CHECK_INT(o.ndups, 0);
	ext4_out_free(&o);
}

/* Pigeonhole's duplicate/errors/syntax.sieve, one case at a time. */
UNIT_TEST(syntax_errors)
{
	static const char *bad[] = {
		"duplicate;", "if duplicate \"frop\" { }",
		"if duplicate 23423 { }", "if duplicate [\"frop\"] { }",
		"if duplicate :test \"frop\" { }", "if duplicate :header 23 {}",
		"if duplicate :uniqueid 23 {}",
		"if duplicate :handle [\"a\", \"b\", \"c\"] {}",
		"if duplicate :seconds \"a\" {}", "if duplicate :header {}",
		"if duplicate :uniqueid {}", "if duplicate :handle {}",
		"if duplicate :seconds {}", "if duplicate :last \"frop\" {}",
		"if duplicate :seconds :last {}",
		"if duplicate :header \"X-Frop\" :uniqueid \"FROP!\" { }",
		"if duplicate { }",	/* without require */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char script[256];
		snprintf(script, sizeof(script), "%s%s\n",
			 i + 1 < sizeof(bad) / sizeof(bad[0]) ?
			 "require \"duplicate\";\n" : "", bad[i]);
		struct ext4_out o = dup_run(script, NULL);
		if (o.compiled)
			UNIT_FAIL("compiled: %s", bad[i]);
		ext4_out_free(&o);
	}
	struct ext4_out o = dup_run("require \"duplicate\";\nif duplicate {}\n",
				    NULL);
	CHECK(o.compiled);
	ext4_out_free(&o);
}

UNIT_MAIN(UNIT_CASE(new_message_marks_default_id),
	  UNIT_CASE(seen_message_is_duplicate),
	  UNIT_CASE(handles_header_and_uniqueid), UNIT_CASE(one_state_per_run),
	  UNIT_CASE(seconds_zero_and_max), UNIT_CASE(no_hook_is_never_duplicate),
	  UNIT_CASE(marks_dropped_on_error), UNIT_CASE(syntax_errors))
