/*
 * outbox.c: the durable notification queue on disk.  One JSON file per
 * job (jansson), moved between SPOOL/{new,cur,retry,dead} by rename; every
 * write goes tmp/ -> fsync -> rename -> directory fsync, as Maildir does,
 * so a job survives a crash the moment outbox_enqueue returns.  Job files
 * hold the user's notify URI and message fields, never admin secrets.
 * Left out: locking between several dispatchers on one spool (one per node).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/random.h>
#include <unistd.h>

#include <jansson.h>

#include "log.h"
#include "outbox.h"
#include "util.h"

static const char *const state_names[OUTBOX_NSTATES] = {
	"new", "cur", "retry", "dead",
};

static char outbox_errbuf[512];

const char *outbox_state_name(enum outbox_state st)
{
	return st < OUTBOX_NSTATES ? state_names[st] : "?";
}

int outbox_state_parse(const char *name)
{
	for (int i = 0; i < OUTBOX_NSTATES; i++)
		if (!strcmp(name, state_names[i]))
			return i;
	return -1;
}

static const char *seterr(const char *what, const char *path)
{
	snprintf(outbox_errbuf, sizeof(outbox_errbuf), "%s %s: %s", what,
		 path, strerror(errno));
	return outbox_errbuf;
}

static char *job_path(const char *spool, const char *dir, const char *id)
{
	return xasprintf("%s/%s/%s.json", spool, dir, id);
}

/* fsync a directory so a rename or unlink in it is durable. */
static int fsync_dir(const char *spool, const char *dir)
{
	char *path = xasprintf("%s/%s", spool, dir);
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = -1;

	if (fd >= 0) {
		rc = fsync(fd);
		close(fd);
	}
	free(path);
	return rc;
}

int outbox_init(const char *spool, const char **error_r)
{
	static const char *const dirs[] = { "", "/tmp", "/new", "/cur",
					    "/retry", "/dead" };

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		char *p = xasprintf("%s%s", spool, dirs[i]);
		if (mkdir(p, 0700) < 0 && errno != EEXIST) {
			*error_r = seterr("mkdir", p);
			free(p);
			return -1;
		}
		free(p);
	}
	char *fifo = xasprintf("%s/wake", spool);
	if (mkfifo(fifo, 0600) < 0 && errno != EEXIST) {
		*error_r = seterr("mkfifo", fifo);
		free(fifo);
		return -1;
	}
	free(fifo);
	return 0;
}

char *outbox_new_id(void)
{
	static unsigned long counter;
	unsigned char rnd[8];
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
		/* No entropy: pid and a counter still make it unique here. */
		unsigned long v = ((unsigned long)getpid() << 20) ^ ++counter;
		memcpy(rnd, &v, sizeof(rnd) < sizeof(v) ? sizeof(rnd) : sizeof(v));
	}
	struct buf b = { 0 };
	buf_printf(&b, "msg_%011llx%05lx", (unsigned long long)ts.tv_sec,
		   (unsigned long)(ts.tv_nsec / 1000) & 0xfffff);
	for (size_t i = 0; i < sizeof(rnd); i++)
		buf_printf(&b, "%02x", rnd[i]);
	return buf_steal(&b);
}

int outbox_id_valid(const char *id)
{
	if (strncmp(id, "msg_", 4) != 0 || strlen(id) < 8 || strlen(id) > 64)
		return 0;
	for (const char *p = id + 4; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return 0;
	return 1;
}

/* ---- JSON ------------------------------------------------------------ */

static void set_str(json_t *o, const char *key, const char *v)
{
	json_object_set_new(o, key, v ? json_string(v) : json_null());
}

static json_t *job_to_json(const struct outbox_job *job)
{
	json_t *o = json_object();
	json_t *opts = json_array();

	set_str(o, "user", job->user);
	set_str(o, "recipient", job->recipient);
	set_str(o, "mailbox", job->mailbox);
	set_str(o, "method", job->method);
	set_str(o, "from", job->from);
	json_object_set_new(o, "importance", json_integer(job->importance));
	for (size_t i = 0; i < job->noptions; i++)
		json_array_append_new(opts, json_string(job->options[i]));
	json_object_set_new(o, "options", opts);
	set_str(o, "message", job->message);
	set_str(o, "env_from", job->env_from);
	set_str(o, "msg_from", job->msg_from);
	set_str(o, "msg_subject", job->msg_subject);
	set_str(o, "msg_date", job->msg_date);
	set_str(o, "msg_id", job->msg_id);
	set_str(o, "auto_submitted", job->auto_submitted);
	json_object_set_new(o, "arrival", json_integer(job->arrival));
	return o;
}

char *outbox_record_json(const struct outbox_record *rec)
{
	json_t *o = job_to_json(&rec->job);

	json_object_set_new(o, "id", json_string(rec->id));
	json_object_set_new(o, "version", json_integer(1));
	json_object_set_new(o, "created", json_integer(rec->created));
	json_object_set_new(o, "attempts", json_integer(rec->attempts));
	json_object_set_new(o, "next_attempt",
			    json_integer(rec->next_attempt));
	json_object_set_new(o, "last_status", json_integer(rec->last_status));
	set_str(o, "last_error", rec->last_error);
	char *s = json_dumps(o, JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	json_decref(o);
	if (s == NULL)
		fatalx("json_dumps: out of memory");
	char *copy = xstrdup(s);
	free(s);
	return copy;
}

static char *get_str(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));
	return v ? xstrdup(v) : NULL;
}

static long long get_int(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static void record_from_json(struct outbox_record *rec, json_t *o)
{
	struct outbox_job *job = &rec->job;
	json_t *opts = json_object_get(o, "options");
	size_t n = json_is_array(opts) ? json_array_size(opts) : 0;
	char **v = xcalloc(n + 1, sizeof(*v));

	job->user = get_str(o, "user");
	job->recipient = get_str(o, "recipient");
	job->mailbox = get_str(o, "mailbox");
	job->method = get_str(o, "method");
	job->from = get_str(o, "from");
	job->importance = (int)get_int(o, "importance");
	for (size_t i = 0; i < n; i++) {
		const char *s = json_string_value(json_array_get(opts, i));
		v[i] = xstrdup(s ? s : "");
	}
	job->options = (const char *const *)v;
	job->noptions = n;
	job->message = get_str(o, "message");
	job->env_from = get_str(o, "env_from");
	job->msg_from = get_str(o, "msg_from");
	job->msg_subject = get_str(o, "msg_subject");
	job->msg_date = get_str(o, "msg_date");
	job->msg_id = get_str(o, "msg_id");
	job->auto_submitted = get_str(o, "auto_submitted");
	job->arrival = (time_t)get_int(o, "arrival");
	rec->created = (time_t)get_int(o, "created");
	rec->attempts = (int)get_int(o, "attempts");
	rec->next_attempt = (time_t)get_int(o, "next_attempt");
	rec->last_status = (int)get_int(o, "last_status");
	rec->last_error = get_str(o, "last_error");
}

/* ---- files ----------------------------------------------------------- */

/* Write data to SPOOL/tmp/id.json and fsync it; returns the path (caller
 * frees) or NULL with *error_r. */
static char *write_tmp(const char *spool, const char *id, const char *data,
		       const char **error_r)
{
	char *tmp = job_path(spool, "tmp", id);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	size_t len = strlen(data), off = 0;

	if (fd < 0) {
		int saved = errno;
		*error_r = seterr("create", tmp);
		free(tmp);
		errno = saved;	/* ENOENT: the caller creates the spool */
		return NULL;
	}
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			break;
		off += (size_t)w;
	}
	if (off < len || fsync(fd) < 0) {
		*error_r = seterr("write", tmp);
		close(fd);
		unlink(tmp);
		free(tmp);
		return NULL;
	}
	close(fd);
	return tmp;
}

/* tmp -> SPOOL/dir/id.json, then fsync dir. */
static int publish(const char *spool, const char *tmp, const char *dir,
		   const char *id, const char **error_r)
{
	char *dst = job_path(spool, dir, id);
	int rc = rename(tmp, dst);

	if (rc < 0) {
		*error_r = seterr("rename to", dst);
		unlink(tmp);
	} else if (fsync_dir(spool, dir) < 0) {
		*error_r = seterr("fsync directory of", dst);
		rc = -1;
	}
	free(dst);
	return rc;
}

enum siren_status outbox_enqueue(const char *spool, const struct outbox_job *job,
				 char **id_r, const char **error_r)
{
	struct outbox_record rec = { 0 };

	rec.id = outbox_new_id();
	rec.job = *job;
	rec.created = time(NULL);
	char *json = outbox_record_json(&rec);
	char *tmp = write_tmp(spool, rec.id, json, error_r);
	/* Create the spool on first use only: no mkdir calls per job. */
	if (tmp == NULL && errno == ENOENT && outbox_init(spool, error_r) == 0)
		tmp = write_tmp(spool, rec.id, json, error_r);
	free(json);
	if (tmp == NULL || publish(spool, tmp, "new", rec.id, error_r) < 0) {
		free(tmp);
		free(rec.id);
		return SIREN_TEMPFAIL;
	}
	free(tmp);
	outbox_wake(spool);
	*id_r = rec.id;
	return SIREN_OK;
}

int outbox_load(const char *spool, enum outbox_state st, const char *id,
		struct outbox_record **rec_r, const char **error_r)
{
	char *path = job_path(spool, outbox_state_name(st), id);
	json_error_t jerr;
	json_t *o = json_load_file(path, 0, &jerr);

	if (o == NULL || !json_is_object(o)) {
		int saved = access(path, F_OK) < 0 ? ENOENT : EINVAL;
		snprintf(outbox_errbuf, sizeof(outbox_errbuf), "%s: %s", path,
			 saved == ENOENT ? "no such job" : jerr.text);
		json_decref(o);
		free(path);
		*error_r = outbox_errbuf;
		errno = saved;
		return -1;
	}
	struct outbox_record *rec = xcalloc(1, sizeof(*rec));
	rec->id = xstrdup(id);
	rec->state = st;
	record_from_json(rec, o);
	json_decref(o);
	free(path);
	*rec_r = rec;
	return 0;
}

void outbox_record_free(struct outbox_record **recp)
{
	struct outbox_record *rec = *recp;
	struct outbox_job *j;

	if (rec == NULL)
		return;
	j = &rec->job;
	const char *strs[] = { j->user, j->recipient, j->mailbox, j->method,
			       j->from, j->message, j->env_from, j->msg_from,
			       j->msg_subject, j->msg_date, j->msg_id,
			       j->auto_submitted };
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		free((char *)strs[i]);
	for (size_t i = 0; i < j->noptions; i++)
		free((char *)j->options[i]);
	free((void *)j->options);
	free(rec->last_error);
	free(rec->id);
	free(rec);
	*recp = NULL;
}

int outbox_store(const char *spool, struct outbox_record *rec,
		 enum outbox_state st, const char **error_r)
{
	char *json = outbox_record_json(rec);
	char *tmp = write_tmp(spool, rec->id, json, error_r);

	free(json);
	if (tmp == NULL)
		return -1;
	int rc = publish(spool, tmp, outbox_state_name(st), rec->id, error_r);
	free(tmp);
	if (rc < 0)
		return -1;
	if (rec->state != st) {
		outbox_remove(spool, rec->state, rec->id);
		fsync_dir(spool, outbox_state_name(rec->state));
	}
	rec->state = st;
	return 0;
}

int outbox_move(const char *spool, const char *id, enum outbox_state from,
		enum outbox_state to)
{
	char *src = job_path(spool, outbox_state_name(from), id);
	char *dst = job_path(spool, outbox_state_name(to), id);
	int rc = rename(src, dst);

	if (rc == 0)
		rc = fsync_dir(spool, outbox_state_name(to));
	free(src);
	free(dst);
	return rc;
}

int outbox_remove(const char *spool, enum outbox_state st, const char *id)
{
	char *path = job_path(spool, outbox_state_name(st), id);
	int rc = unlink(path);

	free(path);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t outbox_list(const char *spool, enum outbox_state st, char ***ids_r)
{
	char *path = xasprintf("%s/%s", spool, outbox_state_name(st));
	DIR *d = opendir(path);
	char **ids = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;

	free(path);
	while (d && (de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		char *id = xstrndup(de->d_name, len - 5);
		if (!outbox_id_valid(id)) {
			free(id);
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			ids = xrealloc(ids, cap * sizeof(*ids));
		}
		ids[n++] = id;
	}
	if (d)
		closedir(d);
	if (n > 1)
		qsort(ids, n, sizeof(*ids), cmp_str);
	*ids_r = ids;
	return n;
}

void outbox_ids_free(char ***ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free((*ids)[i]);
	free(*ids);
	*ids = NULL;
}

void outbox_wake(const char *spool)
{
	char *fifo = xasprintf("%s/wake", spool);
	/* O_NONBLOCK: open fails with ENXIO when no dispatcher reads, and a
	 * full pipe means a wake-up is already pending. */
	int fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);

	free(fifo);
	if (fd < 0)
		return;
	if (write(fd, "w", 1) < 0) {
		/* EAGAIN: already woken; anything else: the timer rescans. */
	}
	close(fd);
}
