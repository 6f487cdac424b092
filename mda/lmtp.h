/*
 * lmtp.h: one LMTP session (RFC 2033) over a connected socket.  The
 * protocol engine knows nothing of users or mailboxes: recipient lookup
 * and delivery are hooks, so tests drive it over a socketpair and the
 * worker plugs in userdb and delivery.
 */
#ifndef SIREN_LMTP_H
#define SIREN_LMTP_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "delivery.h"
#include "siren.h"

struct user;

struct lmtp_config {
	const char *hostname;		/* greeting, LHLO, 421s */
	size_t max_message_size;	/* SIZE limit, 552 5.3.4 past it */
	unsigned max_recipients;	/* 452 4.5.3 past it */
	unsigned max_errors;		/* 421 and close past it */
	int idle_timeout_ms;		/* waiting for a command */
	int data_timeout_ms;		/* inside DATA/BDAT */
};

/* The session's view of users and delivery.  rcpt_lookup: SIREN_OK with
 * *user_r (the session frees it with user_free), PERMFAIL (550 5.1.1),
 * TEMPFAIL (451 4.3.0).  msg_begin is called once per complete message
 * (data borrowed until msg_end), deliver once per accepted recipient in
 * RCPT order; it must fill *out. */
struct lmtp_hooks {
	void *ctx;
	enum siren_status (*rcpt_lookup)(void *ctx, const char *address,
					 struct user **user_r);
	void *(*msg_begin)(void *ctx, const char *data, size_t len);
	void (*deliver)(void *ctx, void *msg, const struct delivery_rcpt *r,
			struct delivery_outcome *out);
	void (*msg_end)(void *ctx, void *msg);
};

/* lc from [server] (hostname defaults to gethostname()); strings are
 * borrowed from cfg or static. */
void lmtp_config_from(const struct config *cfg, struct lmtp_config *lc);

/* Serve one session on fd until QUIT, EOF, timeout, too many errors or a
 * requested shutdown between transactions.  Does not close fd.  Returns
 * the number of messages handed to msg_begin.  Blocks. */
unsigned lmtp_session(int fd, const struct lmtp_config *lc,
		      const struct lmtp_hooks *hooks, const char *remote_ip,
		      const char *session_id);

/* Ask running sessions to end after their current transaction (421 4.3.2
 * at the next command wait).  Async-signal-safe. */
void lmtp_request_shutdown(void);

#endif
