/*
 * vacation.h: the delivery side of a Sieve vacation action (RFC 5230,
 * RFC 6131, RFC 3834): the once-per-period check and the reply text.
 *
 * Use: if vacation_should_send(st, act, now), build the reply with
 * vacation_build_reply() and submit it with sendmail_send() using the
 * NULL envelope sender "" (RFC 5230 5: "SHOULD be <>", so bounces of the
 * reply never come back to trigger anything) to the single recipient
 * act->to.  The engine already dropped replies the RFC forbids.
 */
#ifndef SIREN_VACATION_H
#define SIREN_VACATION_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "sieve.h"
#include "state.h"

/*
 * The complete RFC 5322 reply (LF line ends) for act over the original
 * message msg: From (act->from, else recipient), To (the original From or
 * Sender field whose address is act->to, else <act->to>), Subject
 * (act->subject, else "Auto: <original>"), Date, a fresh Message-ID at
 * hostname, In-Reply-To and References from the original, Auto-Submitted:
 * auto-replied, MIME-Version, and either a text/plain; charset=utf-8 body
 * holding the reason or, with :mime, the reason as a MIME entity as-is.
 * Non-ASCII header text is RFC 2047-encoded; CR/LF in values are
 * blanked.  Caller frees; *len_r gets the length.
 */
char *vacation_build_reply(const struct sieve_action *act,
			   struct sieve_message *msg, const char *recipient,
			   const char *hostname, time_t now, size_t *len_r);

/* One reply per sender per handle per period: true when this reply
 * should go out (and records it, kind "vacation", key handle + LF +
 * lowercased sender).  A period of 0 (RFC 6131 :seconds 0) always
 * answers true and records nothing.  False on store failure. */
bool vacation_should_send(struct state *st, const struct sieve_action *act,
			  time_t now);

#endif
