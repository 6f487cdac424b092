/*
 * vacation.h (internal): the pure parts of the vacation extension (RFC
 * 5230, RFC 6131): when not to reply, the reply subject, the default
 * handle and the period clamp.  The interpreter (ext_vacation.c) and the
 * unit tests share them.
 */
#ifndef SIEVE_VACATION_H
#define SIEVE_VACATION_H

#include <stdbool.h>
#include <stddef.h>

#include "sieve.h"

/* Subject length cap, in code points, ellipsis included (Pigeonhole's). */
#define SIEVE_VACATION_SUBJECT_MAX	256

/*
 * Why vacation must not reply to this message, or NULL when it may (RFC
 * 5230 4.5-4.6 and Pigeonhole's extra rules): null sender; sender is a
 * system address (MAILER-DAEMON, LISTSERV, majordomo, owner-*, *-request)
 * or one of the user's own; Auto-Submitted other than "no"; any List-*
 * field; Precedence bulk/list/junk; X-Auto-Response-Suppress All/OOF; no
 * own address (envelope to, env->user_addresses, addresses) in
 * To/Cc/Bcc/Resent-To/Resent-Cc/Resent-Bcc.  Addresses compare
 * case-insensitively, with any "+detail" (sep) dropped.  Static text.
 * When it may reply, *matched_r (if not NULL) is the own address as
 * found in the message's recipient fields (borrowed from msg): the
 * reply's From when the script gave no :from (RFC 5230 4.4).
 */
const char *sieve_vacation_skip(struct sieve_message *msg,
				const struct sieve_envelope *env,
				const char *const *addresses,
				size_t naddresses, char sep,
				const char **matched_r);

/* As sieve_vacation_skip, honouring cfg's subaddress_separator,
 * vacation_use_original_recipient (env->orig_to is an own address) and
 * vacation_check_recipient (false: no own address needed in To/Cc/...;
 * *matched_r is then NULL when none is found). */
const char *sieve_vacation_skip_cfg(struct sieve_message *msg,
				    const struct sieve_envelope *env,
				    const struct sieve_config *cfg,
				    const char *const *addresses,
				    size_t naddresses, const char **matched_r);

/* The reply subject: subject_arg when given, else "Auto: " + the first
 * Subject (decoded), else "Automated reply"; cut to
 * SIEVE_VACATION_SUBJECT_MAX code points with a trailing U+2026.
 * Caller frees. */
char *sieve_vacation_subject(struct sieve_message *msg,
			     const char *subject_arg);

/* As above with cfg's default subject and template (see sieve.h). */
char *sieve_vacation_subject_cfg(struct sieve_message *msg,
				 const struct sieve_config *cfg,
				 const char *subject_arg);

/* The reply's To: field: the raw Sender, Resent-From or From field (in
 * that order) whose one address is the envelope sender, or with
 * vacation_to_header_ignore_envelope the first such field at all; NULL
 * when none fits (the caller writes "<" envelope sender ">").
 * Borrowed from msg. */
const char *sieve_vacation_to_header(struct sieve_message *msg,
				     const struct sieve_envelope *env,
				     const struct sieve_config *cfg);

/* RFC 5230 4.2: with no :handle, a handle derived from the reason,
 * :subject, :from and :mime arguments (NULL = absent), so a changed
 * reason starts a new reply period.  "default-" + 32 hex digits.
 * Caller frees. */
char *sieve_vacation_default_handle(const char *reason, const char *subject,
				    const char *from, bool mime);

/* The period in seconds: given (from :days * 86400 or :seconds) or the
 * configured default, then clamped to [min, max] as Pigeonhole does (so
 * :seconds 0 means "every time" only when the minimum is 0). */
unsigned long sieve_vacation_period(const struct sieve_config *cfg,
				    bool given, unsigned long seconds);

#endif
