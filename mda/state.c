/*
 * state.c: the per-user tracking store behind vacation (RFC 5230 4.2,
 * "one reply per sender per handle per period") and duplicate (RFC 7352
 * 3.1, "tracked IDs survive until their period ends").
 *
 * One small text file per user: a header line, then one entry a line,
 * "<expiry> <kind> <key>" with the key percent-escaped.  Every operation
 * takes flock() on a sibling "<path>.lock" (the data file itself is
 * replaced by rename, so it cannot carry the lock), re-reads the file,
 * and writers rewrite it whole: temp file, fsync, rename, directory
 * fsync.  Expired entries are dropped on every write.  Not meant for
 * more than a few thousand entries per user.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "state.h"
#include "util.h"

#define STATE_MAGIC "siren-state 1\n"

struct state {
	char *path;
	char *lock_path;
	int lock_fd;
};

struct state_entry {
	long long expiry;
	char *kind;
	char *key;	/* escaped form, as stored */
};

struct state_table {
	struct state_entry *v;
	size_t n, cap;
};

/* Escape everything that could break the line format (and non-ASCII, so
 * the file stays plain text). */
static char *state_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	struct buf b = { 0 };

	buf_append(&b, "", 0);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p <= 0x20 || *p >= 0x7f || *p == '%') {
			char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };
			buf_append(&b, e, 3);
		} else {
			buf_append(&b, p, 1);
		}
	}
	return buf_steal(&b);
}

static void state_table_free(struct state_table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].kind);
		free(t->v[i].key);
	}
	free(t->v);
	memset(t, 0, sizeof(*t));
}

static void state_table_add(struct state_table *t, long long expiry,
			    const char *kind, size_t kind_len,
			    const char *key, size_t key_len)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->v = xrealloc(t->v, t->cap * sizeof(*t->v));
	}
	t->v[t->n].expiry = expiry;
	t->v[t->n].kind = xstrndup(kind, kind_len);
	t->v[t->n].key = xstrndup(key, key_len);
	t->n++;
}

/* Parse one "<expiry> <kind> <key>" line; malformed lines are skipped
 * (a torn file cannot happen with rename, but a hand edit can). */
static void state_parse_line(struct state_table *t, const char *line,
			     size_t len)
{
	char *end;
	long long expiry = strtoll(line, &end, 10);
	const char *kind, *key, *lim = line + len;

	if (end == line || end >= lim || *end != ' ')
		return;
	kind = end + 1;
	key = memchr(kind, ' ', (size_t)(lim - kind));
	if (key == NULL || key == kind)
		return;
	state_table_add(t, expiry, kind, (size_t)(key - kind), key + 1,
			(size_t)(lim - key - 1));
}

/* Read the whole store; a missing file is an empty store. */
static int state_load(struct state *st, struct state_table *t)
{
	FILE *fp = fopen(st->path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	bool first = true;

	memset(t, 0, sizeof(*t));
	if (fp == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((n = getline(&line, &cap, fp)) > 0) {
		if (line[n - 1] == '\n')
			n--;
		if (first) {
			first = false;
			if (strncmp(line, STATE_MAGIC, (size_t)n) == 0)
				continue;
		}
		state_parse_line(t, line, (size_t)n);
	}
	free(line);
	bool err = ferror(fp);
	fclose(fp);
	return err ? -1 : 0;
}

static int state_fsync_dir(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	int fd, rc;

	if (slash == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	free(dir);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Write the unexpired entries to a temp file and rename it over. */
static int state_store(struct state *st, const struct state_table *t,
		       time_t now)
{
	char *tmp = xasprintf("%s.tmp.%ld", st->path, (long)getpid());
	FILE *fp = fopen(tmp, "w");
	int rc = -1;

	if (fp == NULL)
		goto out;
	fputs(STATE_MAGIC, fp);
	for (size_t i = 0; i < t->n; i++) {
		if (t->v[i].expiry <= (long long)now)
			continue;
		fprintf(fp, "%lld %s %s\n", t->v[i].expiry, t->v[i].kind,
			t->v[i].key);
	}
	if (fflush(fp) != 0 || fsync(fileno(fp)) != 0) {
		fclose(fp);
		unlink(tmp);
		goto out;
	}
	if (fclose(fp) != 0 || rename(tmp, st->path) != 0) {
		unlink(tmp);
		goto out;
	}
	rc = state_fsync_dir(st->path);
out:
	if (rc != 0)
		log_warn("state: cannot write %s", st->path);
	free(tmp);
	return rc;
}

static struct state_entry *state_find(struct state_table *t,
				      const char *kind, const char *ekey)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->v[i].kind, kind) == 0 &&
		    strcmp(t->v[i].key, ekey) == 0)
			return &t->v[i];
	return NULL;
}

static bool state_lock(struct state *st, int op)
{
	while (flock(st->lock_fd, op) != 0) {
		if (errno != EINTR) {
			log_warn("state: cannot lock %s", st->lock_path);
			return false;
		}
	}
	return true;
}

static void state_unlock(struct state *st)
{
	flock(st->lock_fd, LOCK_UN);
}

struct state *state_open(const char *path, char **error_r)
{
	struct state *st = xcalloc(1, sizeof(*st));
	int fd;

	st->path = xstrdup(path);
	st->lock_path = xasprintf("%s.lock", path);
	st->lock_fd = open(st->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (st->lock_fd < 0)
		goto fail;
	/* Create the data file now so a bad location fails here, at open,
	 * and not later in the middle of a delivery. */
	fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		goto fail;
	close(fd);
	return st;
fail:
	*error_r = xasprintf("state: %s: %s", path, strerror(errno));
	state_close(&st);
	return NULL;
}

void state_close(struct state **stp)
{
	struct state *st = *stp;

	if (st == NULL)
		return;
	if (st->lock_fd >= 0)
		close(st->lock_fd);
	free(st->path);
	free(st->lock_path);
	free(st);
	*stp = NULL;
}

bool state_seen(struct state *st, const char *kind, const char *key,
		time_t now)
{
	struct state_table t;
	struct state_entry *e;
	char *ekey = state_escape(key), *ekind = state_escape(kind);
	bool seen = false;

	if (!state_lock(st, LOCK_SH))
		goto out;
	if (state_load(st, &t) != 0)
		log_warn("state: cannot read %s", st->path);
	state_unlock(st);
	e = state_find(&t, ekind, ekey);
	seen = e != NULL && e->expiry > (long long)now;
	state_table_free(&t);
out:
	free(ekey);
	free(ekind);
	return seen;
}

/* Under the exclusive lock: load, optionally bail out when seen, set the
 * expiry, store.  Returns 1 marked, 0 already seen, -1 failure. */
static int state_update(struct state *st, const char *kind, const char *key,
			time_t now, unsigned long seconds, bool only_new)
{
	struct state_table t;
	struct state_entry *e;
	char *ekey = state_escape(key), *ekind = state_escape(kind);
	long long expiry = (long long)now + (long long)seconds;
	int rc = -1;

	if (!state_lock(st, LOCK_EX))
		goto out;
	if (state_load(st, &t) != 0) {
		log_warn("state: cannot read %s", st->path);
		state_unlock(st);
		goto out;
	}
	e = state_find(&t, ekind, ekey);
	if (only_new && e != NULL && e->expiry > (long long)now) {
		rc = 0;
	} else {
		if (e != NULL)
			e->expiry = expiry;
		else
			state_table_add(&t, expiry, ekind, strlen(ekind),
					ekey, strlen(ekey));
		rc = state_store(st, &t, now) == 0 ? 1 : -1;
	}
	state_unlock(st);
	state_table_free(&t);
out:
	free(ekey);
	free(ekind);
	return rc;
}

int state_mark(struct state *st, const char *kind, const char *key,
	       time_t now, unsigned long seconds)
{
	return state_update(st, kind, key, now, seconds, false) < 0 ? -1 : 0;
}

/* On an I/O failure this answers false: for vacation, not replying is
 * the safe side (a reply we cannot record could repeat forever). */
bool state_check_and_mark(struct state *st, const char *kind,
			  const char *key, time_t now, unsigned long seconds)
{
	return state_update(st, kind, key, now, seconds, true) == 1;
}
