/*
 * maildir_store.c: test tool for the Dovecot interop test.  Stores the
 * message on stdin with maildir_store():
 *   maildir_store ROOT MAILBOX ARRIVAL [FLAG...]   (MAILBOX "" = INBOX)
 * prints the final path; exit 0 stored, 75 temporary, 65 refused.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../../../mda/maildir.h"
#include "../../../mda/util.h"

int main(int argc, char **argv)
{
	struct buf in = { 0 };
	char chunk[8192];
	size_t n;

	if (argc < 4) {
		fprintf(stderr, "usage: maildir_store ROOT MAILBOX ARRIVAL "
			"[FLAG...]\n");
		return 64;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
		buf_append(&in, chunk, n);
	struct maildir_piece pc = { in.data ? in.data : "", in.len };
	struct maildir_save s = {
		.root = argv[1], .mailbox = argv[2][0] ? argv[2] : NULL,
		.create = true, .flags = (const char *const *)argv + 4,
		.nflags = (size_t)argc - 4, .pieces = &pc, .npieces = 1,
		.arrival = (time_t)atoll(argv[3]),
	};
	struct maildir_error e;
	char *path = NULL;
	enum siren_status st = maildir_store(&s, &path, &e);
	buf_free(&in);
	if (st != SIREN_OK) {
		fprintf(stderr, "maildir_store: %s\n", e.text);
		return st == SIREN_TEMPFAIL ? 75 : 65;
	}
	printf("%s\n", path);
	free(path);
	return 0;
}
