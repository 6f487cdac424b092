/*
 * sieve_run_util.h: shared helpers of the engine's unit tests: compile a
 * script, run it over a message and render the actions as one string
 * ("a; b; c" in sieve_action_format form) so a table row can say what
 * it wants.  Header-only (static functions); each test includes it once.
 */
#ifndef SIEVE_RUN_UTIL_H
#define SIEVE_RUN_UTIL_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../../sieve/sieve.h"

static const char sru_default_msg[] =
	"Return-Path: <alice@example.org>\r\n"
	"From: Alice Example <alice@example.org>\r\n"
	"To: Bob <bob+lists@example.com>, carol@example.net\r\n"
	"Cc: \"Dave D.\" <dave@EXAMPLE.com>\r\n"
	"Subject: Hello World\r\n"
	"X-Spam-Score: 7\r\n"
	"X-Multi: one\r\n"
	"X-Multi: two\r\n"
	"X-Empty:\r\n"
	"Message-ID: <abc@example.org>\r\n"
	"\r\n"
	"This is the body.\r\n";

struct sru_result {
	char *actions;	/* "keep; fileinto \"x\"" or NULL on compile error */
	char *errors;	/* compile or run-time diagnostics, "" if none */
};

__attribute__((unused)) static bool sru_exists_cb(void *ctx, const char *mailbox)
{
	(void)ctx;
	return strcmp(mailbox, "INBOX") == 0 || strcmp(mailbox, "Exists") == 0;
}

__attribute__((unused)) static void sru_join(char **acc, const char *s)
{
	size_t a = *acc ? strlen(*acc) : 0, n = strlen(s);
	*acc = realloc(*acc, a + n + 3);
	if (a)
		memcpy(*acc + a, "; ", 2), a += 2;
	memcpy(*acc + a, s, n + 1);
}

__attribute__((unused)) static struct sru_result sru_run_cfg(const char *script, const char *msg,
				     const char *from, const char *to,
				     const struct sieve_config *cfg)
{
	struct sru_result r = { NULL, NULL };
	char *errors = NULL;
	struct sieve_script *s = sieve_compile_buffer("t", script,
						      strlen(script), cfg,
						      &errors);
	if (s == NULL) {
		r.errors = errors ? errors : strdup("");
		return r;
	}
	free(errors);
	if (msg == NULL)
		msg = sru_default_msg;
	struct sieve_message *m = sieve_message_new(msg, strlen(msg));
	struct sieve_envelope env = {
		.from = from ? from : "alice@example.org",
		.to = to ? to : "bob+lists@example.com",
		.domain = "example.com", .host = "mx.example.com",
		.remote_ip = "127.0.0.1",
	};
	struct sieve_callbacks cb = { .mailbox_exists = sru_exists_cb };
	struct sieve_result *res = sieve_execute(s, m, &env, &cb);
	r.actions = strdup("");
	for (size_t i = 0; i < sieve_result_count(res); i++) {
		char *a = sieve_action_format(sieve_result_action(res, i));
		if (*r.actions == '\0') {
			free(r.actions);
			r.actions = NULL;
		}
		sru_join(&r.actions, a);
		free(a);
	}
	r.errors = strdup(sieve_result_errors(res));
	sieve_result_free(&res);
	sieve_message_free(&m);
	sieve_script_free(&s);
	return r;
}

__attribute__((unused)) static struct sru_result sru_run(const char *script, const char *msg)
{
	return sru_run_cfg(script, msg, NULL, NULL, NULL);
}

__attribute__((unused)) static void sru_free(struct sru_result *r)
{
	free(r->actions);
	free(r->errors);
}

/* A table row: script (and message, NULL = default), the wanted actions
 * (NULL: compile must fail) and a substring of the wanted errors (NULL:
 * none at all). */
struct sru_case {
	const char *script;
	const char *msg;
	const char *want_actions;
	const char *want_error;
};

#define SRU_CHECK_CASES(cases)                                               \
	do {                                                                 \
		for (size_t i_ = 0; i_ < sizeof(cases) / sizeof(cases[0]);   \
		     i_++) {                                                 \
			const struct sru_case *c_ = &(cases)[i_];            \
			struct sru_result r_ = sru_run(c_->script, c_->msg); \
			if (c_->want_actions == NULL ? r_.actions != NULL :  \
			    r_.actions == NULL ||                            \
			    strcmp(r_.actions, c_->want_actions) != 0)       \
				UNIT_FAIL("case %zu (%s): got actions "      \
					  "\"%s\", want \"%s\" (errors: %s)", \
					  i_, c_->script,                    \
					  r_.actions ? r_.actions : "(null)", \
					  c_->want_actions ?                 \
					  c_->want_actions : "(null)",       \
					  r_.errors);                        \
			if (c_->want_error == NULL ? *r_.errors != '\0' :    \
			    strstr(r_.errors, c_->want_error) == NULL)       \
				UNIT_FAIL("case %zu (%s): got errors "       \
					  "\"%s\", want \"%s\"", i_,         \
					  c_->script, r_.errors,             \
					  c_->want_error ? c_->want_error :  \
					  "(none)");                         \
			sru_free(&r_);                                       \
		}                                                            \
	} while (0)

#endif
