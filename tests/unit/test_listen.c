/*
 * test_listen.c: listener specs: TCP, unix sockets with their mode,
 * refusals (port 25, bad syntax, a regular file in the way).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../mda/listen.h"
#include "unit.h"

UNIT_TEST(test_tcp_and_unix)
{
	char dir[] = "/tmp/siren-test-listen-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char spec[512], path[256];
	snprintf(path, sizeof(path), "%s/l.sock", dir);
	snprintf(spec, sizeof(spec), "127.0.0.1:0, unix:%s", path);
	struct listener *ls = NULL;
	char *err = NULL;
	int n = listen_open_all(spec, 0660, &ls, &err);
	CHECK_INT(n, 2);
	CHECK(err == NULL);
	struct stat st;
	CHECK_INT(stat(path, &st), 0);
	CHECK(S_ISSOCK(st.st_mode));
	CHECK_INT(st.st_mode & 0777, 0660);
	if (n == 2) {
		CHECK_STR(ls[1].path, path);
		CHECK(ls[0].path == NULL);
	}
	listen_close_all(&ls, n > 0 ? (size_t)n : 0, 1);
	CHECK(ls == NULL);
	CHECK(access(path, F_OK) != 0);	/* removed at close */
	rmdir(dir);
	free(err);
}

static const struct {
	const char *spec, *want;
} bad_specs[] = {
	{ "127.0.0.1:25", "must not use TCP port 25" },
	{ "localhost", "expected host:port" },
	{ "[::1]24", "expected host:port" },
	{ "127.0.0.1:", "expected host:port" },
	{ "", "no listener configured" },
	{ "unix:/etc/hostname", "exists and is not a socket" },
};

UNIT_TEST(test_refusals)
{
	for (size_t i = 0; i < sizeof(bad_specs) / sizeof(bad_specs[0]); i++) {
		struct listener *ls = NULL;
		char *err = NULL;
		int n = listen_open_all(bad_specs[i].spec, 0666, &ls, &err);
		CHECK_INT(n, -1);
		if (err == NULL || !strstr(err, bad_specs[i].want))
			UNIT_FAIL("%s: got \"%s\", want \"%s\"",
				  bad_specs[i].spec, err ? err : "(null)",
				  bad_specs[i].want);
		CHECK(ls == NULL);
		free(err);
	}
}

UNIT_MAIN(UNIT_CASE(test_tcp_and_unix), UNIT_CASE(test_refusals))
