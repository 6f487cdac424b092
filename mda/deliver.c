/*
 * deliver.c: `siren deliver [-c FILE] -f SENDER -a RECIPIENT < MSG`, the
 * same per-recipient delivery as LMTP for an MTA's mailbox_command.
 * Exit codes follow sysexits.h, which Postfix and sendmail map to bounce
 * or retry: 0 delivered, 64 usage, 65 data error (too big, unreadable),
 * 67 unknown user, 75 temporary failure, 78 configuration error; a Sieve
 * reject is a permanent refusal (69 EX_UNAVAILABLE).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "config.h"
#include "delivery.h"
#include "log.h"
#include "userdb.h"
#include "util.h"
#include "worker.h"

enum {
	DX_OK = 0, DX_USAGE = 64, DX_DATAERR = 65, DX_NOUSER = 67,
	DX_UNAVAILABLE = 69, DX_TEMPFAIL = 75, DX_CONFIG = 78,
};

struct deliver_args {
	const char *conf, *from, *rcpt;
};

static int deliver_usage(void)
{
	fprintf(stderr, "usage: siren deliver [-c FILE] -f SENDER -a "
			"RECIPIENT < MESSAGE\n");
	return DX_USAGE;
}

static int deliver_parse(int argc, char **argv, struct deliver_args *a)
{
	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i];
		if (i + 1 >= argc || opt[0] != '-' || opt[2] != '\0')
			return -1;
		switch (opt[1]) {
		case 'c': a->conf = argv[++i]; break;
		case 'f': a->from = argv[++i]; break;
		case 'a': a->rcpt = argv[++i]; break;
		default: return -1;
		}
	}
	return a->from && a->rcpt ? 0 : -1;
}

/* Read stdin up to max bytes; 1 when it is larger, -1 on error. */
static int deliver_read(struct buf *b, size_t max)
{
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0) {
		if (b->len + n > max)
			return 1;
		buf_append(b, chunk, n);
	}
	if (ferror(stdin))
		return -1;
	buf_append(b, "", 0);
	return 0;
}

/* "<a@b>" and "" both become what delivery wants: no brackets. */
static char *strip_brackets(const char *s)
{
	size_t n = strlen(s);
	if (n >= 2 && s[0] == '<' && s[n - 1] == '>')
		return xstrndup(s + 1, n - 2);
	return xstrdup(s);
}

static int deliver_outcome_exit(const struct delivery_outcome *out)
{
	if (out->status == SIREN_OK)
		return DX_OK;
	fprintf(stderr, "siren deliver: %s %s %s\n", out->code, out->enhanced,
		out->text);
	return out->status == SIREN_PERMFAIL ? DX_UNAVAILABLE : DX_TEMPFAIL;
}

static int deliver_one(const struct config *cfg, const struct user *u,
		       const struct deliver_args *a)
{
	struct buf msg = { 0 };
	size_t max = (size_t)config_get_num(cfg, "server", "max_message_size",
					    50 << 20);
	int rc = deliver_read(&msg, max);
	if (rc != 0) {
		fprintf(stderr, "siren deliver: %s\n", rc > 0
			? "message exceeds [server] max_message_size"
			: "cannot read the message from stdin");
		buf_free(&msg);
		return DX_DATAERR;
	}
	char id[32];
	snprintf(id, sizeof(id), "deliver-%ld", (long)getpid());
	char *from = strip_brackets(a->from);
	struct delivery_rcpt r = { .env_from = from, .rcpt = a->rcpt,
				   .user = u, .session_id = id };
	struct delivery_outcome out = { .status = SIREN_TEMPFAIL };
	struct delivery_msg *m = delivery_msg_new(msg.data ? msg.data : "",
						  msg.len);
	worker_deliver_as_user(cfg, m, &r, &out);
	log_info("session=%s from=<%s> rcpt=<%s> user=%s status=%s %s "
		 "actions=\"%s\" size=%zu", id, from, a->rcpt, u->address,
		 out.code, out.enhanced, out.actions, msg.len);
	delivery_msg_free(&m);
	free(from);
	buf_free(&msg);
	return deliver_outcome_exit(&out);
}

int cmd_deliver(int argc, char **argv)
{
	struct deliver_args a = { 0 };
	if (deliver_parse(argc, argv, &a) < 0)
		return deliver_usage();
	char *err = NULL;
	struct config *cfg = a.conf ? config_load(a.conf, &err)
				    : config_default();
	struct userdb *db = cfg ? userdb_open(cfg, &err) : NULL;
	if (db == NULL) {
		fprintf(stderr, "siren deliver: %s\n", err);
		free(err);
		config_free(&cfg);
		return DX_CONFIG;
	}
	const char *log = config_get(cfg, "server", "log");
	log_init("siren", log && !strcmp(log, "syslog"), 0);
	struct user *u = NULL;
	const char *why = NULL;
	char *rcpt = strip_brackets(a.rcpt);
	enum siren_status st = userdb_lookup(db, rcpt, &u, &why);
	int rc;
	if (st == SIREN_PERMFAIL) {
		fprintf(stderr, "siren deliver: <%s>: no such user\n", rcpt);
		rc = DX_NOUSER;
	} else if (st == SIREN_TEMPFAIL) {
		fprintf(stderr, "siren deliver: <%s>: %s\n", rcpt, why);
		rc = DX_TEMPFAIL;
	} else {
		struct worker_plugins *wp = worker_plugins_load(cfg);
		a.rcpt = rcpt;
		rc = deliver_one(cfg, u, &a);
		worker_plugins_free(&wp);
	}
	user_free(&u);
	free(rcpt);
	userdb_free(&db);
	config_free(&cfg);
	return rc;
}
