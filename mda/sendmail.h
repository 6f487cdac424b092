/*
 * sendmail.h: outgoing mail for redirect, reject, vacation replies and
 * mailto notifications, through a sendmail-compatible program or an SMTP
 * relay ([outgoing] in the config).
 */
#ifndef SIREN_SENDMAIL_H
#define SIREN_SENDMAIL_H

#include <stddef.h>

#include "config.h"
#include "siren.h"

/* Submit msg (complete RFC 5322 text, LF or CRLF line ends) with envelope
 * sender env_from ("" for the null sender <>) to nrcpt recipients.
 * Blocks until the program or relay accepted or refused it.  Returns
 * SIREN_OK, or SIREN_TEMPFAIL/SIREN_PERMFAIL with *error_r (borrowed until
 * the next call) saying why. */
enum siren_status sendmail_send(const struct config *cfg, const char *env_from,
				const char *const *rcpts, size_t nrcpt,
				const char *msg, size_t len,
				const char **error_r);

#endif
