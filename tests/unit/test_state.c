/* test_state.c: mda/state.c: mark/seen/expiry, restart, racing writers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../mda/state.h"
#include "unit.h"

static char *tmp_dir(void)
{
	char tmpl[] = "/tmp/siren-state-XXXXXX";
	char *d = mkdtemp(tmpl);

	return d ? strdup(d) : NULL;
}

static void rm_dir(char *dir)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	free(dir);
}

static struct state *open_in(const char *dir, char *path, size_t n)
{
	char *err = NULL;
	struct state *st;

	snprintf(path, n, "%s/siren-state.db", dir);
	st = state_open(path, &err);
	if (st == NULL)
		fprintf(stderr, "%s\n", err);
	free(err);
	return st;
}

UNIT_TEST(mark_seen_and_expiry)
{
	char *dir = tmp_dir(), path[512];
	struct state *st = open_in(dir, path, sizeof(path));

	CHECK(st != NULL);
	CHECK(!state_seen(st, "vacation", "h1 a@example.org", 1000));
	CHECK_INT(state_mark(st, "vacation", "h1 a@example.org", 1000, 60), 0);
	CHECK(state_seen(st, "vacation", "h1 a@example.org", 1000));
	CHECK(state_seen(st, "vacation", "h1 a@example.org", 1059));
	CHECK(!state_seen(st, "vacation", "h1 a@example.org", 1060));
	/* kinds and keys are separate namespaces */
	CHECK(!state_seen(st, "duplicate", "h1 a@example.org", 1000));
	CHECK(!state_seen(st, "vacation", "h1 b@example.org", 1000));
	/* re-marking replaces the expiry (duplicate :last) */
	CHECK_INT(state_mark(st, "vacation", "h1 a@example.org", 1050, 60), 0);
	CHECK(state_seen(st, "vacation", "h1 a@example.org", 1100));
	state_close(&st);
	CHECK(st == NULL);
	rm_dir(dir);
}

UNIT_TEST(check_and_mark_once)
{
	char *dir = tmp_dir(), path[512];
	struct state *st = open_in(dir, path, sizeof(path));

	CHECK(state_check_and_mark(st, "vacation", "k", 100, 10));
	CHECK(!state_check_and_mark(st, "vacation", "k", 105, 10));
	/* the failed attempt did not extend the period */
	CHECK(state_check_and_mark(st, "vacation", "k", 110, 10));
	state_close(&st);
	rm_dir(dir);
}

UNIT_TEST(hostile_keys_round_trip)
{
	static const char *keys[] = {
		"with space", "new\nline", "tab\there", "100%", "",
		"\xc3\xa9t\xc3\xa9", "<id@x> \r\n junk",
	};
	char *dir = tmp_dir(), path[512];
	struct state *st = open_in(dir, path, sizeof(path));

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		CHECK_INT(state_mark(st, "k d", keys[i], 0, 100), 0);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		CHECK(state_seen(st, "k d", keys[i], 50));
	CHECK(!state_seen(st, "k d", "with", 50));
	CHECK(!state_seen(st, "k", "d with space", 50));
	state_close(&st);
	rm_dir(dir);
}

UNIT_TEST(survives_restart_and_prunes)
{
	char *dir = tmp_dir(), path[512];
	struct state *st = open_in(dir, path, sizeof(path));

	CHECK_INT(state_mark(st, "duplicate", "old", 0, 10), 0);
	CHECK_INT(state_mark(st, "duplicate", "new", 0, 1000), 0);
	state_close(&st);

	st = open_in(dir, path, sizeof(path));
	CHECK(st != NULL);
	CHECK(state_seen(st, "duplicate", "new", 500));
	CHECK(state_seen(st, "duplicate", "old", 5));
	/* a write at t=500 drops the expired "old" from the file */
	CHECK_INT(state_mark(st, "duplicate", "other", 500, 10), 0);
	state_close(&st);

	FILE *fp = fopen(path, "r");
	char text[4096] = "";
	size_t n = fp ? fread(text, 1, sizeof(text) - 1, fp) : 0;
	text[n] = '\0';
	if (fp)
		fclose(fp);
	CHECK(strstr(text, " new") != NULL);
	CHECK(strstr(text, " old") == NULL);
	rm_dir(dir);
}

UNIT_TEST(open_fails_cleanly)
{
	char *err = NULL;
	struct state *st = state_open("/nonexistent-dir/x/state.db", &err);

	CHECK(st == NULL);
	CHECK(err != NULL && strstr(err, "/nonexistent-dir") != NULL);
	free(err);
}

#define RACE_KEYS 25

/* Each child check_and_marks every key once and writes one byte per key
 * ('1' won, '0' lost) to its pipe. */
static void race_child(const char *path, int wfd)
{
	char *err = NULL;
	struct state *st = state_open(path, &err);
	char out[RACE_KEYS];

	for (int i = 0; i < RACE_KEYS; i++) {
		char key[32];
		snprintf(key, sizeof(key), "sender%d@example.org", i);
		out[i] = st && state_check_and_mark(st, "vacation", key, 1000,
						    3600) ? '1' : '0';
	}
	state_close(&st);
	free(err);
	if (write(wfd, out, sizeof(out)) != (ssize_t)sizeof(out))
		_exit(2);
	_exit(0);
}

UNIT_TEST(two_processes_race)
{
	char *dir = tmp_dir(), path[512];
	int fds[2][2];
	pid_t pid[2];
	char got[2][RACE_KEYS];

	snprintf(path, sizeof(path), "%s/siren-state.db", dir);
	for (int c = 0; c < 2; c++) {
		CHECK(pipe(fds[c]) == 0);
		fflush(NULL);
		pid[c] = fork();
		if (pid[c] == 0) {
			close(fds[c][0]);
			race_child(path, fds[c][1]);
		}
		close(fds[c][1]);
	}
	for (int c = 0; c < 2; c++) {
		int status = 0;
		ssize_t n = read(fds[c][0], got[c], RACE_KEYS);
		CHECK_INT(n, RACE_KEYS);
		close(fds[c][0]);
		waitpid(pid[c], &status, 0);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	for (int i = 0; i < RACE_KEYS; i++)
		CHECK_INT((got[0][i] == '1') + (got[1][i] == '1'), 1);
	rm_dir(dir);
}

UNIT_MAIN(UNIT_CASE(mark_seen_and_expiry), UNIT_CASE(check_and_mark_once),
	  UNIT_CASE(hostile_keys_round_trip),
	  UNIT_CASE(survives_restart_and_prunes),
	  UNIT_CASE(open_fails_cleanly), UNIT_CASE(two_processes_race))
