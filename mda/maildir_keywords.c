/*
 * maildir_keywords.c: imap4flags (RFC 5232) -> Maildir info flags.
 * System flags map to the letters of the Maildir spec (\Draft D,
 * \Flagged F, \Answered R, \Seen S, \Deleted T; \Recent is never stored,
 * RFC 5232 section 3); keywords map to a..z through the folder's
 * `dovecot-keywords` file ("N Keyword" lines, N 0..25), which we extend
 * under Dovecot's `dovecot-uidlist.lock` dotlock.  Left out: keywords
 * past the 26th (Dovecot keeps those only in its index files).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "maildir.h"
#include "maildir_private.h"
#include "util.h"

#define KEYWORD_SLOTS 26
#define KEYWORD_MAX_LEN 200

static const struct {
	const char *name;
	char letter;
} system_flags[] = {
	{ "\\Draft", 'D' },   { "\\Flagged", 'F' }, { "\\Answered", 'R' },
	{ "\\Seen", 'S' },    { "\\Deleted", 'T' },
};

/* IMAP atom (RFC 3501 9: flag-keyword = atom): no controls, space,
 * atom-specials or 8-bit. */
static int keyword_valid(const char *kw)
{
	size_t n = strlen(kw);

	if (n == 0 || n > KEYWORD_MAX_LEN)
		return 0;
	for (const unsigned char *p = (const unsigned char *)kw; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || strchr("(){%*\"\\]", *p))
			return 0;
	return 1;
}

/* Index of kw in a dovecot-keywords text, or -1; sets used[] slots. */
static int keywords_parse(const char *text, const char *kw,
			  unsigned char used[KEYWORD_SLOTS])
{
	int found = -1;
	const char *p = text;

	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *end;
		long idx = strtol(p, &end, 10);
		if (end != p && *end == ' ' && idx >= 0 && idx < KEYWORD_SLOTS) {
			size_t nlen = len - (size_t)(end + 1 - p);
			used[idx] = 1;
			if (strlen(kw) == nlen &&
			    strncasecmp(end + 1, kw, nlen) == 0 && found < 0)
				found = (int)idx;
		}
		p += len + (nl != NULL);
	}
	return found;
}

static int keywords_lookup(const char *path, const char *kw,
			   unsigned char used[KEYWORD_SLOTS], struct buf *text)
{
	text->len = 0;
	if (maildir_read_file(path, text) < 0) {
		if (errno != ENOENT)
			return -2;
		buf_append(text, "", 0);
	}
	memset(used, 0, KEYWORD_SLOTS);
	return keywords_parse(text->data, kw, used);
}

/* Append "idx kw" to the file: temp file + rename, never in place. */
static int keywords_append(const char *dir, const char *path,
			   struct buf *text, int idx, const char *kw)
{
	char *tmp = xasprintf("%s/dovecot-keywords.siren.%ld", dir,
			      (long)getpid());
	if (text->len > 0 && text->data[text->len - 1] != '\n')
		buf_puts(text, "\n");
	buf_printf(text, "%d %s\n", idx, kw);
	int rc = maildir_write_file(tmp, text->data, text->len);
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -1;
	if (rc < 0) {
		int e = errno;
		unlink(tmp);
		errno = e;
	}
	free(tmp);
	return rc;
}

static int keywords_add_locked(const char *dir, const char *path,
			       const char *kw)
{
	unsigned char used[KEYWORD_SLOTS];
	struct buf text = { 0 };
	int idx, rc;

	idx = keywords_lookup(path, kw, used, &text);
	if (idx == -2) {
		rc = -1;
	} else if (idx >= 0) {
		rc = 'a' + idx;	/* another delivery added it meanwhile */
	} else {
		for (idx = 0; idx < KEYWORD_SLOTS && used[idx]; idx++)
			;
		if (idx == KEYWORD_SLOTS) {
			log_warnx("maildir %s: no free dovecot-keywords slot, "
				  "keyword %s dropped", dir, kw);
			rc = 0;
		} else {
			rc = keywords_append(dir, path, &text, idx, kw) < 0 ?
				-1 : 'a' + idx;
		}
	}
	buf_free(&text);
	return rc;
}

int maildir_keyword_letter(const char *dir, const char *keyword)
{
	unsigned char used[KEYWORD_SLOTS];
	struct buf text = { 0 };
	int rc;

	if (!keyword_valid(keyword)) {
		log_warnx("maildir %s: invalid keyword dropped", dir);
		return 0;
	}
	char *path = xasprintf("%s/dovecot-keywords", dir);
	rc = keywords_lookup(path, keyword, used, &text);
	buf_free(&text);
	if (rc >= 0) {
		rc = 'a' + rc;
	} else if (rc == -2) {
		rc = -1;
	} else {
		char *lock = xasprintf("%s/dovecot-uidlist.lock", dir);
		rc = maildir_dotlock(lock);
		if (rc == 0) {
			rc = keywords_add_locked(dir, path, keyword);
			int e = errno;
			unlink(lock);
			errno = e;
		}
		free(lock);
	}
	free(path);
	return rc;
}

/* Letter for a system flag, 0 for \Recent or an unknown \Flag,
 * -1 when flag is a keyword. */
static int system_letter(const char *flag)
{
	if (flag[0] != '\\')
		return -1;
	for (size_t i = 0; i < sizeof(system_flags) / sizeof(system_flags[0]);
	     i++)
		if (strcasecmp(flag, system_flags[i].name) == 0)
			return system_flags[i].letter;
	return 0;	/* \Recent (RFC 5232: ignored) or unknown */
}

static int flag_letter(const char *dir, const char *flag)
{
	int l = system_letter(flag);

	return l >= 0 ? l : maildir_keyword_letter(dir, flag);
}

int maildir_flag_letters(const char *dir, const char *const *flags,
			 size_t nflags, struct buf *out)
{
	unsigned char set[128] = { 0 };

	buf_append(out, "", 0);
	for (size_t i = 0; i < nflags; i++) {
		/* A flag list entry may still hold several space-separated
		 * flags (RFC 5232 section 3). */
		char *copy = xstrdup(flags[i]), *save = NULL;
		for (char *f = strtok_r(copy, " ", &save); f != NULL;
		     f = strtok_r(NULL, " ", &save)) {
			int l = flag_letter(dir, f);
			if (l < 0) {
				free(copy);
				return -1;
			}
			set[l] = 1;
		}
		free(copy);
	}
	/* Maildir wants the letters in ASCII order: system (upper case)
	 * flags first, then keywords. */
	for (int c = 'A'; c <= 'z'; c++)
		if (set[c] && c != 0)
			buf_append(out, (char[]){ (char)c }, 1);
	return 0;
}

/* ---- file helpers ---------------------------------------------------- */

int maildir_dotlock(const char *lockpath)
{
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	time_t deadline = time(NULL) + MAILDIR_LOCK_WAIT;
	struct stat st;

	for (;;) {
		int fd = open(lockpath, O_WRONLY | O_CREAT | O_EXCL, 0600);
		if (fd >= 0) {
			char pid[32];
			int n = snprintf(pid, sizeof(pid), "%ld\n",
					 (long)getpid());
			if (write(fd, pid, (size_t)n) < 0)
				log_debug("dotlock %s: write failed", lockpath);
			close(fd);
			return 0;
		}
		if (errno != EEXIST)
			return -1;
		if (stat(lockpath, &st) == 0 &&
		    st.st_mtime + MAILDIR_LOCK_STALE < time(NULL)) {
			log_warnx("removing stale lock %s", lockpath);
			unlink(lockpath);
			continue;
		}
		if (time(NULL) >= deadline) {
			errno = EAGAIN;
			return -1;
		}
		nanosleep(&pause, NULL);
	}
}
