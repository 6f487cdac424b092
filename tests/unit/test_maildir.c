/*
 * test_maildir.c: Maildir++ delivery: unique names, CRLF -> LF, S=/W=,
 * flag letters, dovecot-keywords, modified UTF-7 folder names (hostile
 * ones refused), subscriptions, and failures leaving nothing in new/.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "../../mda/maildir.h"
#include "../../mda/util.h"

static char *tmpdir(void)
{
	char tmpl[] = "/tmp/siren-test-maildir.XXXXXX";
	char *d = mkdtemp(tmpl);
	return d ? xstrdup(d) : NULL;
}

static void rm_rf(const char *path)
{
	char *cmd = xasprintf("rm -rf '%s'", path);
	if (system(cmd) != 0)
		fprintf(stderr, "rm -rf %s failed\n", path);
	free(cmd);
}

static char *slurp(const char *path)
{
	struct buf b = { 0 };
	FILE *f = fopen(path, "rb");
	char chunk[4096];
	size_t n;

	if (f == NULL)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	buf_append(&b, "", 0);
	return buf_steal(&b);
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

static enum siren_status store(const char *root, const char *mailbox,
			       const char *const *flags, size_t nflags,
			       const char *msg, char **path_r)
{
	struct maildir_piece pc[] = {
		{ "Return-Path: <a@b>\r\n", 20 },
		{ msg, strlen(msg) },
	};
	struct maildir_save s = {
		.root = root, .mailbox = mailbox, .create = true,
		.flags = flags, .nflags = nflags, .pieces = pc, .npieces = 2,
		.arrival = 1700000000,
	};
	struct maildir_error e;
	enum siren_status st = maildir_store(&s, path_r, &e);
	if (st != SIREN_OK && path_r != NULL)
		*path_r = NULL;
	return st;
}

UNIT_TEST(test_unique_names)
{
	char *a = maildir_unique_name(), *b = maildir_unique_name();
	char pid[32];

	snprintf(pid, sizeof(pid), "P%ld", (long)getpid());
	CHECK(strcmp(a, b) != 0);
	CHECK(strstr(a, ".M") != NULL);
	CHECK(strstr(a, pid) != NULL);
	CHECK(strchr(a, '/') == NULL);
	CHECK(strchr(a, ':') == NULL);
	free(a);
	free(b);
}

UNIT_TEST(test_crlf_sizes_mtime)
{
	char *root = tmpdir(), *path = NULL;
	const char *msg = "Subject: hi\r\n\r\nline1\r\nbare\rcr\r\n";

	CHECK_INT(store(root, NULL, NULL, 0, msg, &path), SIREN_OK);
	CHECK(path != NULL && strstr(path, "/new/") != NULL);
	char *data = path ? slurp(path) : NULL;
	const char *want = "Return-Path: <a@b>\nSubject: hi\n\nline1\n"
			   "bare\rcr\n";
	CHECK_STR(data, want);
	char sw[64];
	snprintf(sw, sizeof(sw), ",S=%zu,W=%zu", strlen(want),
		 strlen(want) + 5);
	CHECK(path != NULL && strstr(path, sw) != NULL);
	struct stat st;
	CHECK(path != NULL && stat(path, &st) == 0 &&
	      st.st_mtime == 1700000000);
	CHECK(stat(root, &st) == 0 && (st.st_mode & 0777) == 0700);
	char *tmp = xasprintf("%s/tmp", root);
	CHECK_INT(count_entries(tmp), 0);
	free(tmp);
	free(data);
	free(path);
	rm_rf(root);
	free(root);
}

/* A CR at the end of one piece and its LF at the start of the next. */
UNIT_TEST(test_crlf_split_pieces)
{
	char *root = tmpdir(), *path = NULL;
	struct maildir_piece pc[] = { { "A: b\r", 5 }, { "\n\r\nx\r\n", 6 } };
	struct maildir_save s = { .root = root, .pieces = pc, .npieces = 2 };
	struct maildir_error e;

	CHECK_INT(maildir_store(&s, &path, &e), SIREN_OK);
	char *data = path ? slurp(path) : NULL;
	CHECK_STR(data, "A: b\n\nx\n");
	CHECK(path != NULL && strstr(path, ",S=8,W=11") != NULL);
	free(data);
	free(path);
	rm_rf(root);
	free(root);
}

UNIT_TEST(test_flag_letters)
{
	static const struct {
		const char *flags[4];
		const char *want;
	} rows[] = {
		{ { "\\Seen" }, "S" },
		{ { "\\Seen", "\\Flagged", "\\Answered" }, "FRS" },
		{ { "\\deleted \\draft" }, "DT" },
		{ { "\\Recent" }, "" },
		{ { "\\Seen", "\\Seen" }, "S" },
		{ { "$Junk", "\\Seen" }, "Sa" },
		{ { "$NotJunk", "$junk" }, "ab" },
		{ { "bad(kw" }, "" },
	};
	char *dir = tmpdir();

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct buf b = { 0 };
		size_t n = 0;
		while (n < 4 && rows[i].flags[n])
			n++;
		CHECK_INT(maildir_flag_letters(dir, rows[i].flags, n, &b), 0);
		CHECK_STR(b.data, rows[i].want);
		buf_free(&b);
	}
	char *kw = xasprintf("%s/dovecot-keywords", dir);
	char *text = slurp(kw);
	CHECK_STR(text, "0 $Junk\n1 $NotJunk\n");
	free(text);
	free(kw);
	rm_rf(dir);
	free(dir);
}

UNIT_TEST(test_keywords_reuse_and_full)
{
	char *dir = tmpdir();
	char *path = xasprintf("%s/dovecot-keywords", dir);
	FILE *f = fopen(path, "w");

	fputs("0 $Label1\n2 Work\n", f);
	fclose(f);
	CHECK_INT(maildir_keyword_letter(dir, "$label1"), 'a');
	CHECK_INT(maildir_keyword_letter(dir, "Work"), 'c');
	CHECK_INT(maildir_keyword_letter(dir, "New"), 'b');
	for (int i = 3; i < 26; i++) {
		char kw[16];
		snprintf(kw, sizeof(kw), "k%d", i);
		CHECK_INT(maildir_keyword_letter(dir, kw), 'a' + i);
	}
	CHECK_INT(maildir_keyword_letter(dir, "TooMany"), 0);
	char *lock = xasprintf("%s/dovecot-uidlist.lock", dir);
	CHECK(access(lock, F_OK) < 0);
	free(lock);
	free(path);
	rm_rf(dir);
	free(dir);
}

UNIT_TEST(test_stale_lock_removed)
{
	char *dir = tmpdir();
	char *lock = xasprintf("%s/dovecot-uidlist.lock", dir);
	int fd = open(lock, O_WRONLY | O_CREAT, 0600);
	struct timespec old[2] = { { 1000, 0 }, { 1000, 0 } };

	CHECK(fd >= 0);
	futimens(fd, old);
	close(fd);
	CHECK_INT(maildir_keyword_letter(dir, "$Junk"), 'a');
	CHECK(access(lock, F_OK) < 0);
	free(lock);
	rm_rf(dir);
	free(dir);
}

UNIT_TEST(test_flags_go_to_cur)
{
	char *root = tmpdir(), *path = NULL;
	const char *flags[] = { "\\Seen", "$Label1", "\\Flagged" };

	CHECK_INT(store(root, NULL, flags, 3, "S: x\r\n\r\nb\r\n", &path),
		  SIREN_OK);
	CHECK(path != NULL && strstr(path, "/cur/") != NULL);
	CHECK(path != NULL && strlen(path) > 6 &&
	      strcmp(path + strlen(path) - 6, ":2,FSa") == 0);
	free(path);
	rm_rf(root);
	free(root);
}

UNIT_TEST(test_mutf7_table)
{
	static const struct {
		const char *in, *want;
	} rows[] = {
		{ "Work", "Work" },
		{ "Envoyés", "Envoy&AOk-s" },
		{ "A&B", "A&-B" },
		{ "日本語", "&ZeVnLIqe-" },
		{ "Résumé", "R&AOk-sum&AOk-" },
		{ "~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-" },
		{ "😀", "&2D3eAA-" },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct buf b = { 0 };
		CHECK_INT(maildir_mutf7_encode(rows[i].in, &b), 0);
		CHECK_STR(b.data, rows[i].want);
		buf_free(&b);
	}
	struct buf b = { 0 };
	CHECK_INT(maildir_mutf7_encode("bad\xc3", &b), -1);
	buf_free(&b);
}

UNIT_TEST(test_folder_names)
{
	static const struct {
		const char *in, *want; /* want NULL: refused */
	} rows[] = {
		{ "INBOX", "" },
		{ "inbox", "" },
		{ "Work", ".Work" },
		{ "Work/Reports", ".Work.Reports" },
		{ "Work.Reports", ".Work.Reports" },
		{ "inbox/Sub", ".INBOX.Sub" },
		{ "Envoyés", ".Envoy&AOk-s" },
		{ "../x", NULL },
		{ "/etc", NULL },
		{ "", NULL },
		{ "a/../b", NULL },
		{ "a/./b", NULL },
		{ "a//b", NULL },
		{ "Work/", NULL },
		{ "~root", NULL },
		{ "a/~b", NULL },
		{ "tab\there", NULL },
		{ "nl\nhere", NULL },
		{ "del\x7f", NULL },
		{ "c1\xc2\x85", NULL },
		{ "bad\xff", NULL },
		{ "over\xc0\xaflong", NULL },
		{ "sur\xed\xa0\x80", NULL },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct buf b = { 0 };
		const char *err = NULL;
		int rc = maildir_folder_name(rows[i].in, &b, &err);
		if (rows[i].want == NULL) {
			if (rc != -1)
				UNIT_FAIL("row %zu %s: accepted as %s", i,
					  rows[i].in, b.data);
			CHECK(err != NULL);
		} else {
			CHECK_INT(rc, 0);
			CHECK_STR(b.data, rows[i].want);
		}
		buf_free(&b);
	}
	char longname[400];
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	struct buf b = { 0 };
	const char *err;
	CHECK_INT(maildir_folder_name(longname, &b, &err), -1);
	buf_free(&b);
}

UNIT_TEST(test_fileinto_folder_and_subscriptions)
{
	char *root = tmpdir(), *path = NULL;

	CHECK_INT(store(root, "Work/Reports", NULL, 0, "S: x\r\n\r\n", &path),
		  SIREN_OK);
	CHECK(path != NULL && strstr(path, "/.Work.Reports/new/") != NULL);
	free(path);
	CHECK_INT(store(root, "Work.Reports", NULL, 0, "S: y\r\n\r\n", &path),
		  SIREN_OK);
	free(path);
	CHECK_INT(store(root, "Envoyés", NULL, 0, "S: z\r\n\r\n", &path),
		  SIREN_OK);
	CHECK(path != NULL && strstr(path, "/.Envoy&AOk-s/new/") != NULL);
	free(path);
	char *p = xasprintf("%s/.Work.Reports/maildirfolder", root);
	CHECK(access(p, F_OK) == 0);
	free(p);
	p = xasprintf("%s/.Work/maildirfolder", root);	/* parent made */
	CHECK(access(p, F_OK) == 0);
	free(p);
	p = xasprintf("%s/subscriptions", root);
	char *subs = slurp(p);
	CHECK_STR(subs, "V\t2\n\nWork\tReports\nEnvoy&AOk-s\n");
	free(subs);
	free(p);
	/* hostile name: refused, nothing created */
	CHECK_INT(store(root, "../evil", NULL, 0, "S: z\r\n\r\n", NULL),
		  SIREN_PERMFAIL);
	rm_rf(root);
	free(root);
}

UNIT_TEST(test_subscriptions_v2)
{
	char *root = tmpdir();
	char *p = xasprintf("%s/subscriptions", root);
	FILE *f = fopen(p, "w");

	fputs("V\t2\n\nOld\tSub\n", f);
	fclose(f);
	CHECK_INT(maildir_subscribe(root, "A/B"), 0);
	CHECK_INT(maildir_subscribe(root, "A/B"), 0);
	CHECK_INT(maildir_subscribe(root, "Old.Sub"), 0);
	char *subs = slurp(p);
	CHECK_STR(subs, "V\t2\n\nOld\tSub\nA\tB\n");
	free(subs);
	free(p);
	rm_rf(root);
	free(root);
}

UNIT_TEST(test_missing_folder_without_create)
{
	char *root = tmpdir();
	struct maildir_piece pc[] = { { "S: x\n\n", 6 } };
	struct maildir_save s = { .root = root, .mailbox = "Nope",
				  .pieces = pc, .npieces = 1 };
	struct maildir_error e;

	CHECK_INT(maildir_store(&s, NULL, &e), SIREN_PERMFAIL);
	CHECK(strstr(e.text, "does not exist") != NULL);
	rm_rf(root);
	free(root);
}

/* new/ is not a directory: the rename fails; nothing may stay behind. */
UNIT_TEST(test_failure_leaves_nothing)
{
	char *root = tmpdir();
	CHECK_INT(maildir_create(root, false), 0);
	char *newd = xasprintf("%s/new", root);
	rmdir(newd);
	int fd = open(newd, O_WRONLY | O_CREAT, 0600);
	close(fd);
	CHECK_INT(store(root, NULL, NULL, 0, "S: x\r\n\r\n", NULL),
		  SIREN_TEMPFAIL);
	char *tmp = xasprintf("%s/tmp", root);
	CHECK_INT(count_entries(tmp), 0);
	free(tmp);
	free(newd);
	rm_rf(root);
	free(root);
}

/* A write failing half-way (EFBIG under RLIMIT_FSIZE, as ENOSPC would):
 * TEMPFAIL with the errno, tmp/ cleaned, new/ empty. */
UNIT_TEST(test_write_failure_cleans_tmp)
{
	char *root = tmpdir();
	struct rlimit old, lim = { 4096, 4096 };
	char *big = xmalloc(100000);

	memset(big, 'x', 99999);
	big[99999] = '\0';
	memcpy(big, "S: x\n\n", 6);
	getrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, SIG_IGN);
	lim.rlim_max = old.rlim_max;
	setrlimit(RLIMIT_FSIZE, &lim);
	struct maildir_piece pc[] = { { big, strlen(big) } };
	struct maildir_save s = { .root = root, .pieces = pc, .npieces = 1 };
	struct maildir_error e;
	CHECK_INT(maildir_store(&s, NULL, &e), SIREN_TEMPFAIL);
	setrlimit(RLIMIT_FSIZE, &old);
	CHECK_INT(e.err, EFBIG);
	char *tmp = xasprintf("%s/tmp", root), *newd = xasprintf("%s/new", root);
	CHECK_INT(count_entries(tmp), 0);
	CHECK_INT(count_entries(newd), 0);
	free(tmp);
	free(newd);
	free(big);
	rm_rf(root);
	free(root);
}

UNIT_MAIN(UNIT_CASE(test_unique_names), UNIT_CASE(test_crlf_sizes_mtime),
	  UNIT_CASE(test_crlf_split_pieces), UNIT_CASE(test_flag_letters),
	  UNIT_CASE(test_keywords_reuse_and_full),
	  UNIT_CASE(test_stale_lock_removed), UNIT_CASE(test_flags_go_to_cur),
	  UNIT_CASE(test_mutf7_table), UNIT_CASE(test_folder_names),
	  UNIT_CASE(test_fileinto_folder_and_subscriptions),
	  UNIT_CASE(test_subscriptions_v2),
	  UNIT_CASE(test_missing_folder_without_create),
	  UNIT_CASE(test_failure_leaves_nothing),
	  UNIT_CASE(test_write_failure_cleans_tmp))
