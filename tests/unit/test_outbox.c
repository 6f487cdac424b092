/*
 * test_outbox.c: the spool: enqueue writes a durable, parseable job into
 * new/, ids are unique and file-name safe, records round-trip through
 * store/load/move, and job files carry no admin secrets.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "../../mda/outbox.h"
#include "unit.h"

static char spool[256];

static void make_spool(void)
{
	snprintf(spool, sizeof(spool), "/tmp/siren-test-outbox.XXXXXX");
	if (mkdtemp(spool) == NULL)
		abort();
}

static void rm_spool(void)
{
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", spool);
	if (system(cmd) != 0)
		UNIT_FAIL("cleanup of %s failed", spool);
}

static const char *const opts[] = { "sound=siren", "device=phone" };

static const struct outbox_job sample = {
	.user = "alice@example.org",
	.recipient = "alice+tag@example.org",
	.mailbox = "INBOX",
	.method = "pushover:uQiRzpo4DXghDmr9QzzfQu27cmVRsG",
	.importance = 1,
	.options = opts,
	.noptions = 2,
	.message = "From: Bob \"<b@x>\" \xc3\xa9t\xc3\xa9",
	.env_from = "bob@example.net",
	.msg_from = "Bob <bob@example.net>",
	.msg_subject = "Lunch?",
	.arrival = 1700000000,
};

UNIT_TEST(test_enqueue_writes_parseable_job)
{
	char *id = NULL;
	const char *err = NULL;

	make_spool();
	CHECK_INT(outbox_enqueue(spool, &sample, &id, &err), SIREN_OK);
	CHECK(id != NULL && outbox_id_valid(id));
	CHECK(strchr(id, '.') == NULL);

	char path[512];
	snprintf(path, sizeof(path), "%s/new/%s.json", spool, id);
	json_error_t jerr;
	json_t *o = json_load_file(path, 0, &jerr);
	CHECK(o != NULL);
	CHECK_STR(json_string_value(json_object_get(o, "id")), id);
	CHECK_STR(json_string_value(json_object_get(o, "method")), sample.method);
	CHECK_INT(json_integer_value(json_object_get(o, "attempts")), 0);
	json_decref(o);

	struct stat st;
	CHECK(stat(path, &st) == 0 && (st.st_mode & 077) == 0);
	char **ids;
	CHECK_INT(outbox_list(spool, OUTBOX_NEW, &ids), 1);
	CHECK_STR(ids[0], id);
	outbox_ids_free(&ids, 1);
	free(id);
	rm_spool();
}

UNIT_TEST(test_record_round_trip)
{
	char *id = NULL;
	const char *err = NULL;
	struct outbox_record *rec = NULL;

	make_spool();
	CHECK_INT(outbox_enqueue(spool, &sample, &id, &err), SIREN_OK);
	CHECK_INT(outbox_load(spool, OUTBOX_NEW, id, &rec, &err), 0);
	CHECK_STR(rec->job.user, sample.user);
	CHECK_STR(rec->job.message, sample.message);
	CHECK_INT(rec->job.noptions, 2);
	CHECK_STR(rec->job.options[1], "device=phone");
	CHECK(rec->job.from == NULL);
	CHECK_INT(rec->job.importance, 1);
	CHECK_INT(rec->job.arrival, 1700000000);
	CHECK(rec->created > 0);

	/* new -> cur -> retry with bookkeeping. */
	CHECK_INT(outbox_move(spool, id, OUTBOX_NEW, OUTBOX_CUR), 0);
	rec->state = OUTBOX_CUR;
	rec->attempts = 2;
	rec->next_attempt = 1234;
	rec->last_status = 503;
	rec->last_error = strdup("HTTP 503");
	CHECK_INT(outbox_store(spool, rec, OUTBOX_RETRY, &err), 0);
	outbox_record_free(&rec);
	CHECK(rec == NULL);

	char **ids;
	CHECK_INT(outbox_list(spool, OUTBOX_CUR, &ids), 0);
	outbox_ids_free(&ids, 0);
	CHECK_INT(outbox_load(spool, OUTBOX_CUR, id, &rec, &err), -1);
	CHECK_INT(outbox_load(spool, OUTBOX_RETRY, id, &rec, &err), 0);
	CHECK_INT(rec->attempts, 2);
	CHECK_INT(rec->next_attempt, 1234);
	CHECK_INT(rec->last_status, 503);
	CHECK_STR(rec->last_error, "HTTP 503");
	CHECK_INT(rec->state, OUTBOX_RETRY);
	outbox_record_free(&rec);
	CHECK_INT(outbox_remove(spool, OUTBOX_RETRY, id), 0);
	free(id);
	rm_spool();
}

UNIT_TEST(test_ids_unique)
{
	enum { N = 2000 };
	char **ids = calloc(N, sizeof(*ids));

	for (int i = 0; i < N; i++) {
		ids[i] = outbox_new_id();
		if (!outbox_id_valid(ids[i]))
			UNIT_FAIL("invalid id %s", ids[i]);
	}
	for (int i = 0; i < N; i++)
		for (int j = i + 1; j < N; j++)
			if (!strcmp(ids[i], ids[j]))
				UNIT_FAIL("duplicate id %s", ids[i]);
	for (int i = 0; i < N; i++)
		free(ids[i]);
	free(ids);
	CHECK(!outbox_id_valid("msg_12.34"));
	CHECK(!outbox_id_valid("../../etc/passwd"));
	CHECK(!outbox_id_valid("msg_"));
}

/* Job files carry what the plugin request needs from the message and the
 * user's script, never config secrets (they are not in struct outbox_job
 * at all): check the serialised keys are exactly the documented ones. */
UNIT_TEST(test_no_secret_fields)
{
	struct outbox_record rec = { .id = "msg_0123abcd", .job = sample };
	char *s = outbox_record_json(&rec);
	json_t *o = json_loads(s, 0, NULL);
	static const char *const keys[] = {
		"arrival", "attempts", "auto_submitted", "created", "env_from",
		"from", "id", "importance", "last_error", "last_status",
		"mailbox", "message", "method", "msg_date", "msg_from",
		"msg_id", "msg_subject", "next_attempt", "options", "recipient",
		"user", "version",
	};
	CHECK_INT(json_object_size(o), sizeof(keys) / sizeof(keys[0]));
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (json_object_get(o, keys[i]) == NULL)
			UNIT_FAIL("missing key %s", keys[i]);
	CHECK(strstr(s, "token") == NULL && strstr(s, "whsec_") == NULL);
	json_decref(o);
	free(s);
}

UNIT_TEST(test_states)
{
	CHECK_STR(outbox_state_name(OUTBOX_DEAD), "dead");
	CHECK_INT(outbox_state_parse("retry"), OUTBOX_RETRY);
	CHECK_INT(outbox_state_parse("tmp"), -1);
}

UNIT_TEST(test_enqueue_unwritable_spool_tempfails)
{
	char *id = NULL;
	const char *err = NULL;
	CHECK_INT(outbox_enqueue("/proc/siren-no-such/outbox", &sample, &id,
				 &err),
		  SIREN_TEMPFAIL);
	CHECK(id == NULL && err != NULL);
}

/* A dispatcher that is alive but not reading (its FIFO full) must never
 * hold up a delivery: the wake-up write is non-blocking. */
UNIT_TEST(test_enqueue_never_blocks_on_wake)
{
	char fifo[300], *id = NULL;
	const char *err = NULL;
	char junk[4096] = { 0 };

	make_spool();
	CHECK_INT(outbox_init(spool, &err), 0);
	snprintf(fifo, sizeof(fifo), "%s/wake", spool);
	int rd = open(fifo, O_RDWR | O_NONBLOCK);
	CHECK(rd >= 0);
	while (write(rd, junk, sizeof(junk)) > 0)
		;	/* fill the pipe */
	for (int i = 0; i < 3; i++) {
		CHECK_INT(outbox_enqueue(spool, &sample, &id, &err), SIREN_OK);
		free(id);
		id = NULL;
	}
	char **ids;
	size_t n = outbox_list(spool, OUTBOX_NEW, &ids);
	CHECK_INT(n, 3);
	outbox_ids_free(&ids, n);
	close(rd);
	rm_spool();
}

UNIT_MAIN(UNIT_CASE(test_enqueue_writes_parseable_job),
	  UNIT_CASE(test_enqueue_never_blocks_on_wake),
	  UNIT_CASE(test_record_round_trip), UNIT_CASE(test_ids_unique),
	  UNIT_CASE(test_no_secret_fields), UNIT_CASE(test_states),
	  UNIT_CASE(test_enqueue_unwritable_spool_tempfails))
