/* test_duplicate_store.c: mda/duplicate.c end to end: a script's
 * duplicate test against the real state store, marks committed after
 * "delivery", the second delivery of the same Message-ID discarded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../mda/duplicate.h"
#include "../../mda/state.h"
#include "../../sieve/sieve.h"
#include "unit.h"

static const char *script_text =
	"require \"duplicate\";\nif duplicate :seconds 100 { discard; }\n";
static const char *msg_text =
	"From: a@example.org\nMessage-ID: <m1@example.org>\n\nbody\n";

/* One delivery at now; returns the first action's type. */
static int deliver(struct state *st, time_t now, bool commit)
{
	struct sieve_config cfg;
	char *err = NULL;
	struct duplicate_ctx dc = { st, now };
	struct sieve_callbacks cb = { .ctx = &dc,
				      .duplicate_check = duplicate_check };

	sieve_config_defaults(&cfg);
	struct sieve_script *s = sieve_compile_buffer(
		"t", script_text, strlen(script_text), &cfg, &err);
	struct sieve_message *m = sieve_message_new(msg_text,
						    strlen(msg_text));
	struct sieve_result *r = sieve_execute(s, m, NULL, &cb);
	int type = (int)sieve_result_action(r, 0)->type;

	if (commit)
		CHECK_INT(duplicate_commit(st, r, now), 0);
	sieve_result_free(&r);
	sieve_message_free(&m);
	sieve_script_free(&s);
	free(err);
	return type;
}

UNIT_TEST(second_delivery_is_duplicate)
{
	char tmpl[] = "/tmp/siren-dup-XXXXXX", path[256], cmd[300];
	char *dir = mkdtemp(tmpl), *err = NULL;
	snprintf(path, sizeof(path), "%s/state", dir);
	struct state *st = state_open(path, &err);

	CHECK(st != NULL);
	/* a failed delivery records nothing */
	CHECK_INT(deliver(st, 1000, false), SIEVE_ACT_KEEP);
	CHECK_INT(deliver(st, 1000, true), SIEVE_ACT_KEEP);
	CHECK_INT(deliver(st, 1050, true), SIEVE_ACT_DISCARD);
	/* the hit did not restart the period (no :last) */
	CHECK_INT(deliver(st, 1100, true), SIEVE_ACT_KEEP);
	state_close(&st);
	free(err);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
}

UNIT_MAIN(UNIT_CASE(second_delivery_is_duplicate))
