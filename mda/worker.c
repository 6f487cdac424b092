/*
 * worker.c: the session process.  The master forks one per connection;
 * here the LMTP engine's hooks become userdb lookups and delivery_run
 * calls.  When running as root, each delivery takes the recipient's uid
 * and gid as effective ids and gives them back afterwards.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sieve.h"
#include "siren-notify.h"

#include "delivery.h"
#include "lmtp.h"
#include "log.h"
#include "plugin.h"
#include "util.h"
#include "userdb.h"
#include "worker.h"

struct worker_ctx {
	const struct config *cfg;
	const struct userdb *db;
};

static enum siren_status worker_lookup(void *ctx, const char *address,
				       struct user **user_r)
{
	struct worker_ctx *w = ctx;
	const char *why = NULL;
	enum siren_status st = userdb_lookup(w->db, address, user_r, &why);
	if (st == SIREN_TEMPFAIL)
		log_warnx("user lookup for <%s> failed: %s", address,
			  why ? why : "?");
	return st;
}

static void *worker_msg_begin(void *ctx, const char *data, size_t len)
{
	(void)ctx;
	return delivery_msg_new(data, len);
}

static void worker_msg_end(void *ctx, void *msg)
{
	(void)ctx;
	struct delivery_msg *m = msg;
	delivery_msg_free(&m);
}

static void outcome_tempfail(struct delivery_outcome *out, const char *text)
{
	out->status = SIREN_TEMPFAIL;
	snprintf(out->code, sizeof(out->code), "451");
	snprintf(out->enhanced, sizeof(out->enhanced), "4.3.0");
	snprintf(out->text, sizeof(out->text), "%s", text);
}

void worker_deliver_as_user(const struct config *cfg,
			    struct delivery_msg *m,
			    const struct delivery_rcpt *r,
			    struct delivery_outcome *out)
{
	const struct user *u = r->user;
	bool switch_ids = geteuid() == 0 && u->uid != (uid_t)-1;
	if (switch_ids) {
		gid_t gid = u->gid != (gid_t)-1 ? u->gid : getegid();
		if (setegid(gid) < 0 || seteuid(u->uid) < 0) {
			log_warn("cannot switch to uid %ld for <%s>",
				 (long)u->uid, u->address);
			if (setegid(0) < 0)
				fatal("setegid(0)");
			outcome_tempfail(out, "Temporary internal error");
			return;
		}
	}
	delivery_run(cfg, m, r, out);
	if (switch_ids && (seteuid(0) < 0 || setegid(0) < 0))
		fatal("cannot return to root after delivery");
}

static void worker_deliver(void *ctx, void *msg, const struct delivery_rcpt *r,
			   struct delivery_outcome *out)
{
	struct worker_ctx *w = ctx;
	worker_deliver_as_user(w->cfg, msg, r, out);
}

void worker_session(const struct config *cfg, const struct userdb *db,
		    int fd, const char *remote_ip, const char *session_id)
{
	struct worker_ctx w = { cfg, db };
	struct lmtp_hooks hooks = { &w, worker_lookup, worker_msg_begin,
				    worker_deliver, worker_msg_end };
	struct lmtp_config lc;
	lmtp_config_from(cfg, &lc);
	log_debug("session=%s connect from %s", session_id, remote_ip);
	unsigned n = lmtp_session(fd, &lc, &hooks, remote_ip, session_id);
	log_debug("session=%s closed after %u messages", session_id, n);
}

struct worker_plugins {
	struct siren_notify_host host;
	struct plugin_set *set;
	struct sieve_notify_registry reg;
};

struct worker_plugins *worker_plugins_load(const struct config *cfg)
{
	struct worker_plugins *wp = xcalloc(1, sizeof(*wp));
	plugin_host_init(&wp->host, cfg);
	wp->set = plugin_set_load_config(cfg, &wp->host);
	plugin_registry(wp->set, &wp->reg);
	delivery_set_notify_registry(&wp->reg);
	log_debug("%zu notify plugins loaded for script validation",
		  plugin_set_count(wp->set));
	return wp;
}

void worker_plugins_free(struct worker_plugins **wpp)
{
	struct worker_plugins *wp = *wpp;
	if (wp == NULL)
		return;
	delivery_set_notify_registry(NULL);
	plugin_set_free(&wp->set);
	free(wp);
	*wpp = NULL;
}
