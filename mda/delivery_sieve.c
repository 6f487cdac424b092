/*
 * delivery_sieve.c: running a recipient's Sieve scripts.  The chain is
 * [sieve] before (or the user's sieve_before), the user's script, then
 * [sieve] after, as Pigeonhole's sieve_before/sieve_after: the next script
 * runs only while the chain still ends in implicit keep; the explicit
 * actions of every script that ran are performed.  A missing script is
 * skipped; a compile or run-time error keeps the message (RFC 5228
 * 2.10.6) and goes to the user's <script>.log.  Compiled scripts are
 * cached per process, keyed by (path, device, inode, mtime, size).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sieve.h"

#include "config.h"
#include "delivery.h"
#include "delivery_private.h"
#include "duplicate.h"
#include "log.h"
#include "maildir.h"
#include "plugin.h"
#include "state.h"
#include "userdb.h"
#include "util.h"

#define SCRIPT_CACHE_SIZE 64

struct script_entry {
	char *path, *personal;	/* personal: include :personal dir */
	dev_t dev;
	ino_t ino;
	struct timespec mtime;
	off_t size;
	struct sieve_script *script;	/* NULL: did not compile */
	char *errors;			/* diagnostics, or NULL */
	unsigned long used;
};

static struct script_entry script_cache[SCRIPT_CACHE_SIZE];
static unsigned long script_clock;
static const struct sieve_notify_registry *notify_registry;

void delivery_set_notify_registry(const struct sieve_notify_registry *reg)
{
	notify_registry = reg;
	delivery_cache_clear();	/* validation depends on it */
}

static void entry_clear(struct script_entry *e)
{
	free(e->path);
	free(e->personal);
	free(e->errors);
	sieve_script_free(&e->script);
	memset(e, 0, sizeof(*e));
}

void delivery_cache_clear(void)
{
	for (size_t i = 0; i < SCRIPT_CACHE_SIZE; i++)
		entry_clear(&script_cache[i]);
}

static bool entry_matches(const struct script_entry *e, const char *path,
			  const char *personal, const struct stat *st)
{
	return e->path != NULL && strcmp(e->path, path) == 0 &&
	       strcmp(e->personal ? e->personal : "",
		      personal ? personal : "") == 0 &&
	       e->dev == st->st_dev && e->ino == st->st_ino &&
	       e->mtime.tv_sec == st->st_mtim.tv_sec &&
	       e->mtime.tv_nsec == st->st_mtim.tv_nsec &&
	       e->size == st->st_size;
}

/* The cached entry for path, compiling it when new or changed.  NULL when
 * the file does not exist (errno ENOENT) or cannot be read. */
static struct script_entry *script_get(const char *path, const char *personal,
				       struct sieve_config *sc)
{
	struct script_entry *victim = &script_cache[0];
	struct stat st;

	if (stat(path, &st) < 0)
		return NULL;
	for (size_t i = 0; i < SCRIPT_CACHE_SIZE; i++) {
		struct script_entry *e = &script_cache[i];
		if (entry_matches(e, path, personal, &st)) {
			e->used = ++script_clock;
			return e;
		}
		if (e->used < victim->used)
			victim = e;
	}
	entry_clear(victim);
	victim->path = xstrdup(path);
	victim->personal = personal ? xstrdup(personal) : NULL;
	victim->dev = st.st_dev;
	victim->ino = st.st_ino;
	victim->mtime = st.st_mtim;
	victim->size = st.st_size;
	victim->used = ++script_clock;
	sc->include_personal_dir = victim->personal;
	victim->script = sieve_compile_file(path, sc, &victim->errors);
	return victim;
}

/* ---- callbacks ---------------------------------------------------------- */

static bool cb_mailbox_exists(void *ctx, const char *mailbox)
{
	struct delivery_ctx *d = ctx;
	struct buf name = { 0 };
	const char *err;
	struct stat st;
	bool ok = false;

	if (maildir_folder_name(mailbox, &name, &err) == 0) {
		char *p = xasprintf("%s%s%s/cur", d->r->user->maildir,
				    name.len ? "/" : "", name.data);
		/* INBOX exists even before the first delivery creates it */
		ok = name.len == 0 || (stat(p, &st) == 0 &&
				       S_ISDIR(st.st_mode));
		free(p);
	}
	buf_free(&name);
	return ok;
}

struct state *delivery_state(struct delivery_ctx *d)
{
	const struct user *u = d->r->user;
	char *err = NULL;

	if (d->state != NULL || d->state_failed)
		return d->state;
	/* one store per user, beside the Maildir (architecture.md) */
	const char *home = u->home && u->home[0] ? u->home : u->maildir;
	char *path = xasprintf("%s/siren-state.db", home);
	if (maildir_create(u->maildir, false) == 0)
		d->state = state_open(path, &err);
	if (d->state == NULL) {
		log_warnx("rcpt=<%s>: state %s: %s", d->rcpt, path,
			  err ? err : strerror(errno));
		d->state_failed = true;
	}
	free(err);
	free(path);
	return d->state;
}

/* RFC 7352: has this id been seen under handle within its period?  An
 * unreadable store answers "not seen": delivering twice beats losing. */
static bool cb_duplicate_check(void *ctx, const char *handle, const char *id)
{
	struct delivery_ctx *d = ctx;
	struct duplicate_ctx dc = { delivery_state(d), d->m->arrival };

	return dc.st != NULL && duplicate_check(&dc, handle, id);
}

void delivery_mark_duplicates(struct delivery_ctx *d)
{
	for (size_t r = 0; r < d->nres; r++) {
		if (sieve_result_duplicate_count(d->res[r]) == 0)
			continue;
		struct state *st = delivery_state(d);
		if (st == NULL ||
		    duplicate_commit(st, d->res[r], d->m->arrival) < 0)
			log_warnx("rcpt=<%s>: duplicate marks not recorded",
				  d->rcpt);
	}
}

/* ---- the chain ---------------------------------------------------------- */

static bool has_implicit_keep(const struct sieve_result *res,
			      const struct sieve_action **act_r)
{
	for (size_t i = 0; i < sieve_result_count(res); i++) {
		const struct sieve_action *a = sieve_result_action(res, i);
		if (a->type == SIEVE_ACT_KEEP && a->implicit) {
			*act_r = a;
			return true;
		}
	}
	return false;
}

/* Run one script; returns false when the chain must stop. */
static bool run_one(struct delivery_ctx *d, const char *path,
		    const char *personal, struct sieve_config *sc,
		    const struct sieve_envelope *env)
{
	struct sieve_callbacks cb = { .ctx = d,
				      .mailbox_exists = cb_mailbox_exists,
				      .duplicate_check = cb_duplicate_check };
	struct script_entry *e = script_get(path, personal, sc);

	if (e == NULL) {
		if (errno != ENOENT)
			delivery_user_log(d, "%s: cannot read script: %s; "
					  "keeping the message", path,
					  strerror(errno));
		return true;	/* no script: on to the next */
	}
	if (e->script == NULL) {
		delivery_user_log(d, "%s: compile failed, keeping the "
				  "message:\n%s", path,
				  e->errors ? e->errors : "(no diagnostics)");
		d->implicit = NULL;
		return true;
	}
	if (d->nres == DELIVERY_MAX_SCRIPTS)
		return false;
	struct sieve_result *res = sieve_execute(e->script, d->m->sm, env,
						 &cb);
	d->res[d->nres++] = res;
	const char *errs = sieve_result_errors(res);
	if (errs != NULL && errs[0] != '\0')
		delivery_user_log(d, "%s: run-time error, keeping the "
				  "message:\n%s", path, errs);
	d->implicit = NULL;
	d->keep_state = has_implicit_keep(res, &d->implicit);
	return d->keep_state;
}

/* Space-separated script list: run each; false when the chain stopped. */
static bool run_list(struct delivery_ctx *d, const char *list,
		     struct sieve_config *sc,
		     const struct sieve_envelope *env)
{
	if (list == NULL)
		return true;
	char *copy = xstrdup(list), *save = NULL;
	bool go = true;
	for (char *p = strtok_r(copy, " \t,", &save); p != NULL && go;
	     p = strtok_r(NULL, " \t,", &save))
		go = run_one(d, p, NULL, sc, env);
	free(copy);
	return go;
}

void delivery_run_sieve(struct delivery_ctx *d)
{
	const struct user *u = d->r->user;
	const char *before = u->sieve_before ? u->sieve_before :
		config_get(d->cfg, "sieve", "before");
	const char *after = u->sieve_after ? u->sieve_after :
		config_get(d->cfg, "sieve", "after");
	const char *ptmpl = config_get(d->cfg, "sieve", "personal_dir");
	char *personal = ptmpl ? userdb_expand(ptmpl, u->localpart, u->domain,
					       u->home) : NULL;
	struct sieve_config sc;
	const char *addrs[] = { u->address };
	struct sieve_envelope env = {
		.from = d->r->env_from, .to = d->rcpt,
		.orig_to = d->r->orig_rcpt, .user_addresses = addrs,
		.nuser_addresses = 1, .now = d->m->arrival,
		.domain = u->domain, .host = d->hostname,
		.remote_host = d->r->lhlo, .remote_ip = d->r->remote_ip,
	};

	config_sieve(d->cfg, &sc);
	/* notify URIs are checked by the plugins (plugin.h) */
	sc.notify = notify_registry ? notify_registry
				    : plugin_notify_registry(d->cfg);
	d->keep_state = true;	/* no script at all: keep */
	bool go = run_list(d, before, &sc, &env);
	if (go && u->sieve_script != NULL && u->sieve_script[0] != '\0')
		go = run_one(d, u->sieve_script, personal, &sc, &env);
	if (go)
		run_list(d, after, &sc, &env);
	free(personal);
}
