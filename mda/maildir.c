/*
 * maildir.c: durable delivery of one message into a Maildir++ folder
 * (cr.yp.to/proto/maildir.html, Dovecot's maildir++ layout).  The file is
 * written to tmp/ with LF line ends, fsynced, given mtime = arrival
 * (Dovecot's INTERNALDATE), renamed into new/ (or cur/ with ":2,<flags>"
 * when imap4flags set any), and the directory is fsynced before we report
 * success.  Names carry Dovecot's ",S=<size>,W=<CRLF size>" fields.
 * Left out: quota accounting (maildirsize) and dovecot-uidlist (Dovecot
 * assigns UIDs on its next sync).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "maildir.h"
#include "maildir_private.h"
#include "util.h"

#define WRITE_CHUNK 65536

/* ---- small file helpers -------------------------------------------- */

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int maildir_write_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		int e = errno;
		close(fd);
		unlink(path);
		errno = e;
		return -1;
	}
	return close(fd);
}

int maildir_read_file(const char *path, struct buf *out)
{
	char chunk[8192];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		buf_append(out, chunk, (size_t)n);
	}
	buf_append(out, "", 0);
	close(fd);
	return 0;
}

int maildir_fsync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	int e = errno;
	close(fd);
	errno = e;
	return rc;
}

/* ---- creating folders ---------------------------------------------- */

/* mkdir -p path (0700), fsyncing the parent of each directory made. */
static int mkdir_parents(const char *path)
{
	int created = 1;

	if (mkdir(path, 0700) == 0)
		goto made;
	if (errno == EEXIST) {
		created = 0;
		goto made;
	}
	if (errno != ENOENT)
		return -1;
	char *parent = xstrdup(path);
	char *slash = strrchr(parent, '/');
	int rc = -1;
	if (slash != NULL && slash != parent) {
		*slash = '\0';
		rc = mkdir_parents(parent);
	}
	free(parent);
	if (rc < 0 || (mkdir(path, 0700) < 0 && errno != EEXIST))
		return -1;
made:;
	struct stat st;
	if (stat(path, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	if (!created)
		return 0;
	char *p2 = xstrdup(path), *s2 = strrchr(p2, '/');
	if (s2 != NULL && s2 != p2)
		*s2 = '\0';
	int rc2 = s2 != NULL ? maildir_fsync_dir(s2 == p2 ? "/" : p2) : 0;
	free(p2);
	return rc2;
}

int maildir_create(const char *dir, bool folder)
{
	static const char *const sub[] = { "tmp", "new", "cur" };
	int rc = mkdir_parents(dir);

	for (size_t i = 0; rc == 0 && i < 3; i++) {
		char *p = xasprintf("%s/%s", dir, sub[i]);
		rc = mkdir_parents(p);
		free(p);
	}
	if (rc == 0 && folder) {
		/* Maildir++: a folder is marked by an empty maildirfolder. */
		char *p = xasprintf("%s/maildirfolder", dir);
		int fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		rc = fd < 0 ? -1 : close(fd);
		free(p);
		if (rc == 0)
			rc = maildir_fsync_dir(dir);
	}
	return rc;
}

static int dir_exists(const char *dir)
{
	struct stat st;
	char *p = xasprintf("%s/cur", dir);
	int rc = stat(p, &st) == 0 && S_ISDIR(st.st_mode);
	free(p);
	return rc;
}

/* ---- unique names ---------------------------------------------------- */

/* Dovecot escapes '/' and ':' in the host part as \057 and \072: they
 * would split the path or start the info suffix. */
static void host_escaped(struct buf *b)
{
	char host[256];

	if (gethostname(host, sizeof(host)) < 0)
		strcpy(host, "localhost");
	host[sizeof(host) - 1] = '\0';
	for (const char *p = host; *p != '\0'; p++) {
		if (*p == '/')
			buf_puts(b, "\\057");
		else if (*p == ':')
			buf_puts(b, "\\072");
		else
			buf_append(b, p, 1);
	}
}

char *maildir_unique_name(void)
{
	static unsigned long counter;
	struct timeval tv;
	struct buf b = { 0 };

	gettimeofday(&tv, NULL);
	/* secs + usec + pid + a per-process counter: unique on this host
	 * even for several deliveries in the same microsecond. */
	buf_printf(&b, "%lld.M%ldP%ldQ%lu.", (long long)tv.tv_sec,
		   (long)tv.tv_usec, (long)getpid(), ++counter);
	host_escaped(&b);
	return buf_steal(&b);
}

/* ---- writing the message --------------------------------------------- */

/* Size after CRLF -> LF (S=) and RFC822.SIZE with CRLF (W=). */
static void message_sizes(const struct maildir_piece *pc, size_t n,
			  unsigned long long *s_r, unsigned long long *w_r)
{
	unsigned long long s = 0, lf = 0;
	int cr = 0;

	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < pc[i].len; j++) {
			char c = pc[i].data[j];
			if (cr && c == '\n')
				s--;	/* the CR of CRLF is dropped */
			lf += c == '\n';
			s++;
			cr = c == '\r';
		}
	}
	*s_r = s;
	*w_r = s + lf;
}

/* Write the pieces with CRLF turned into LF (a CR may end one piece and
 * its LF start the next). */
static int write_pieces(int fd, const struct maildir_piece *pc, size_t n)
{
	char *out = xmalloc(WRITE_CHUNK);
	size_t o = 0;
	int cr = 0, rc = 0;

	for (size_t i = 0; rc == 0 && i < n; i++) {
		for (size_t j = 0; rc == 0 && j < pc[i].len; j++) {
			char c = pc[i].data[j];
			if (cr && c != '\n')
				out[o++] = '\r';
			cr = c == '\r';
			if (!cr)
				out[o++] = c;
			if (o >= WRITE_CHUNK - 1) {
				rc = write_all(fd, out, o);
				o = 0;
			}
		}
	}
	if (cr)
		out[o++] = '\r';
	if (rc == 0)
		rc = write_all(fd, out, o);
	free(out);
	return rc;
}

static void set_error(struct maildir_error *e, const char *what,
		      const char *path)
{
	e->err = errno;
	snprintf(e->text, sizeof(e->text), "%s %s: %s", what, path,
		 strerror(e->err));
}

/* Write tmp, fsync, set mtime; unlinks tmp on failure. */
static int write_tmp(const char *tmp, const struct maildir_save *s,
		     struct maildir_error *e)
{
	time_t t = s->arrival ? s->arrival : time(NULL);
	struct timespec ts[2] = { { t, 0 }, { t, 0 } };
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0) {
		set_error(e, "create", tmp);
		return -1;
	}
	if (write_pieces(fd, s->pieces, s->npieces) < 0 || fsync(fd) < 0 ||
	    futimens(fd, ts) < 0) {
		set_error(e, "write", tmp);
		close(fd);
		unlink(tmp);
		return -1;
	}
	if (close(fd) < 0) {
		set_error(e, "close", tmp);
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* tmp -> new/ or cur/, then fsync that directory: only now is the
 * message safe, and only now may the caller acknowledge it. */
static int commit_file(const char *dir, const char *tmp, const char *base,
		       const char *letters, char **path_r,
		       struct maildir_error *e)
{
	const char *sub = letters[0] ? "cur" : "new";
	char *final = letters[0] ?
		xasprintf("%s/cur/%s:2,%s", dir, base, letters) :
		xasprintf("%s/new/%s", dir, base);
	char *subdir = xasprintf("%s/%s", dir, sub);
	int rc = 0;

	if (rename(tmp, final) < 0) {
		set_error(e, "rename to", final);
		unlink(tmp);
		rc = -1;
	} else if (maildir_fsync_dir(subdir) < 0) {
		set_error(e, "fsync", subdir);
		unlink(final);	/* never acknowledged: take it back */
		rc = -1;
	}
	if (rc == 0 && path_r != NULL)
		*path_r = final;
	else
		free(final);
	free(subdir);
	return rc;
}

static int write_message(const char *dir, const char *letters,
			 const struct maildir_save *s, char **path_r,
			 struct maildir_error *e)
{
	unsigned long long size, vsize;
	char *uniq = maildir_unique_name();

	message_sizes(s->pieces, s->npieces, &size, &vsize);
	char *base = xasprintf("%s,S=%llu,W=%llu", uniq, size, vsize);
	char *tmp = xasprintf("%s/tmp/%s", dir, base);
	int rc = write_tmp(tmp, s, e);
	if (rc == 0)
		rc = commit_file(dir, tmp, base, letters, path_r, e);
	free(uniq);
	free(base);
	free(tmp);
	return rc;
}

/* ---- folders --------------------------------------------------------- */

/* Create the parents of ".A.B.C" (".A", ".A.B") so IMAP clients see a
 * selectable hierarchy, as Dovecot's CREATE does. */
static int create_parents(const char *root, const char *dirname)
{
	int rc = 0;

	for (const char *p = strchr(dirname + 1, '.'); rc == 0 && p != NULL;
	     p = strchr(p + 1, '.')) {
		char *d = xasprintf("%s/%.*s", root, (int)(p - dirname),
				    dirname);
		if (!dir_exists(d))
			rc = maildir_create(d, true);
		free(d);
	}
	return rc;
}

static enum siren_status open_folder(const struct maildir_save *s,
				     const char *dirname, const char *dir,
				     struct maildir_error *e)
{
	if (!dir_exists(s->root) && maildir_create(s->root, false) < 0) {
		set_error(e, "create Maildir", s->root);
		return SIREN_TEMPFAIL;
	}
	if (dirname[0] == '\0' || dir_exists(dir))
		return SIREN_OK;
	if (!s->create) {
		snprintf(e->text, sizeof(e->text),
			 "mailbox %s does not exist", s->mailbox);
		return SIREN_PERMFAIL;
	}
	if (create_parents(s->root, dirname) < 0 ||
	    maildir_create(dir, true) < 0) {
		set_error(e, "create folder", dir);
		return SIREN_TEMPFAIL;
	}
	if (maildir_subscribe(s->root, s->mailbox) < 0)
		log_warn("maildir %s: subscribe %s", s->root, dirname);
	return SIREN_OK;
}

enum siren_status maildir_store(const struct maildir_save *s, char **path_r,
				struct maildir_error *err_r)
{
	struct buf dirname = { 0 }, letters = { 0 };
	const char *why;
	enum siren_status st;

	memset(err_r, 0, sizeof(*err_r));
	if (maildir_folder_name(s->mailbox, &dirname, &why) < 0) {
		snprintf(err_r->text, sizeof(err_r->text), "%s", why);
		buf_free(&dirname);
		return SIREN_PERMFAIL;
	}
	char *dir = xasprintf("%s%s%s", s->root, dirname.len ? "/" : "",
			      dirname.data);
	st = open_folder(s, dirname.data, dir, err_r);
	if (st == SIREN_OK &&
	    maildir_flag_letters(dir, s->flags, s->nflags, &letters) < 0) {
		set_error(err_r, "update keywords in", dir);
		st = SIREN_TEMPFAIL;
	}
	if (st == SIREN_OK &&
	    write_message(dir, letters.data, s, path_r, err_r) < 0)
		st = SIREN_TEMPFAIL;
	free(dir);
	buf_free(&dirname);
	buf_free(&letters);
	return st;
}
