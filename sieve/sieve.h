/*
 * sieve.h: the public API of siren's Sieve engine (RFC 5228 and extensions).
 *
 * The engine compiles scripts and evaluates them against a message; it
 * returns an ordered list of actions and never performs any of them: the
 * caller files, sends and notifies.  It knows nothing of LMTP, Maildir or
 * the network.  All structs but the action list are opaque.
 */
#ifndef SIEVE_SIEVE_H
#define SIEVE_SIEVE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct sieve_script;	/* compiled script: immutable, reusable */
struct sieve_message;	/* parsed message: shared by every execution */
struct sieve_result;	/* one execution's actions and errors */

/* ---- configuration -------------------------------------------------- */

/* Validation of notify method URIs (RFC 5435), given by the caller.
 * check() returns 1 when the URI (and options) is valid for a known
 * method, 0 when invalid (*error_r says why, borrowed), -1 when no method
 * handles the scheme.  capability() returns "yes"/"no"/"maybe" or NULL
 * for an unknown capability.  mailto: is validated by the engine itself
 * when no registry method claims it. */
struct sieve_notify_registry {
	void *ctx;
	int (*check)(void *ctx, const char *uri, const char *const *options,
		     size_t noptions, const char **error_r);
	const char *(*capability)(void *ctx, const char *uri,
				  const char *name);
};

struct sieve_config {
	size_t max_script_size;	  /* bytes, default 1 MiB */
	unsigned max_nesting;	  /* block nesting, default 32 */
	unsigned max_actions;	  /* default 32 */
	unsigned max_redirects;	  /* default 4 */
	unsigned max_notify;	  /* default 10 */
	unsigned max_cpu_ms;	  /* run time, default 10000 */
	size_t max_variable_size; /* default 4096 */
	unsigned max_include_depth; /* default 10 */
	char subaddress_separator;  /* default '+' */
	unsigned long vacation_min_seconds; /* default 86400 */
	unsigned long vacation_default_seconds; /* default 7 days */
	unsigned long vacation_max_seconds; /* default 60 days */
	/* vacation reply subject when the script gives no :subject: with an
	 * original Subject, the template (NULL/"": "Auto: %{subject}";
	 * "%{subject}" and the older "%$" stand for the decoded subject);
	 * without one, the default subject (NULL/"": "Automated reply"). */
	const char *vacation_default_subject;		/* default NULL */
	const char *vacation_default_subject_template;	/* default NULL */
	bool vacation_use_original_recipient; /* orig_to is own; default no */
	bool vacation_check_recipient;	/* own address in To/Cc/...; yes */
	bool vacation_send_from_recipient; /* envelope from = rcpt; no */
	bool vacation_to_header_ignore_envelope; /* To: from Sender/From
						   * even when unlike MAIL
						   * FROM; default no */
	unsigned long duplicate_default_seconds; /* default 7 days */
	unsigned long duplicate_max_seconds;	 /* default 7 days */
	const char *include_personal_dir; /* for include :personal, or NULL */
	const char *include_global_dir;	  /* for include :global, or NULL */
	const struct sieve_notify_registry *notify; /* NULL: mailto only */
};

/* Fill *cfg with the documented defaults. */
void sieve_config_defaults(struct sieve_config *cfg);

/* ---- compiling ------------------------------------------------------ */

/*
 * Compile a script.  name is used in diagnostics ("name:line:col: error:
 * ...").  Returns the compiled script, or NULL with *errors_r set to a
 * newline-separated list of diagnostics (caller frees).  Warnings, if any,
 * also land in *errors_r on success (NULL when there are none).
 * cfg is copied; it need not outlive the call.
 */
struct sieve_script *sieve_compile_buffer(const char *name, const char *text,
					  size_t len,
					  const struct sieve_config *cfg,
					  char **errors_r);
/* As above, reading the file at path (name = path). */
struct sieve_script *sieve_compile_file(const char *path,
					const struct sieve_config *cfg,
					char **errors_r);
void sieve_script_free(struct sieve_script **script);

/* ---- the message ---------------------------------------------------- */

/*
 * Index a message (RFC 5322 header block + body) once; every execution
 * shares the index, which decodes header values, addresses and MIME parts
 * lazily on first use.  data is borrowed and must outlive the message.
 * Never fails: garbage yields a message with fewer headers.
 */
struct sieve_message *sieve_message_new(const char *data, size_t len);
void sieve_message_free(struct sieve_message **msg);
/* Values of every header field named name (case-insensitive), in message
 * order, unfolded and RFC 2047-decoded to UTF-8.  Returns the count; the
 * array is borrowed until sieve_message_free.  For the delivery side's
 * logs and notification context (Message-ID, From, Subject, Date). */
size_t sieve_message_headers(struct sieve_message *msg, const char *name,
			     const char *const **values_r);

/* Per-execution facts about the delivery. */
struct sieve_envelope {
	const char *from;	  /* MAIL FROM, "" for the null sender */
	const char *to;		  /* RCPT TO this run serves */
	const char *orig_to;	  /* ORCPT, or NULL */
	const char *auth;	  /* authenticated user, or NULL */
	const char *const *user_addresses; /* recipient's own addresses */
	size_t nuser_addresses;
	time_t now;		  /* currentdate, 0: time(NULL) */
	const char *domain, *host, *remote_host, *remote_ip; /* environment */
};

/* Hooks into the caller's state; any may be NULL. */
struct sieve_callbacks {
	void *ctx;
	/* Mailbox exists (mailbox extension)? */
	bool (*mailbox_exists)(void *ctx, const char *mailbox);
	/* duplicate (RFC 7352): returns true when id under handle was seen
	 * within its period; the engine asks the caller to record it via
	 * the result's duplicate marks, applied only when delivery succeeds. */
	bool (*duplicate_check)(void *ctx, const char *handle,
				const char *id);
};

/* ---- executing ------------------------------------------------------ */

enum sieve_action_type {
	SIEVE_ACT_KEEP,
	SIEVE_ACT_FILEINTO,
	SIEVE_ACT_REDIRECT,
	SIEVE_ACT_DISCARD,
	SIEVE_ACT_REJECT,
	SIEVE_ACT_EREJECT,
	SIEVE_ACT_VACATION,
	SIEVE_ACT_NOTIFY,
};

/* One action, all strings resolved (variables expanded).  Storage belongs
 * to the result. */
struct sieve_action {
	enum sieve_action_type type;
	unsigned line;		/* script line, 0 for the implicit keep */
	bool implicit;		/* keep: implicit keep */
	bool copy;		/* fileinto/redirect :copy */
	bool create;		/* fileinto :create */
	const char *mailbox;	/* fileinto */
	const char *const *flags; /* keep/fileinto imap4flags */
	size_t nflags;
	const char *address;	/* redirect */
	const char *reason;	/* reject, ereject, vacation body */
	/* vacation (RFC 5230/6131) */
	const char *subject, *from, *handle;
	const char *const *addresses;
	size_t naddresses;
	unsigned long seconds;
	bool mime;
	const char *to;		/* vacation reply recipient */
	const char *to_header;	/* vacation reply's To: field value */
	const char *envelope_from; /* vacation reply's MAIL FROM, "" = null */
	/* notify (RFC 5435) */
	const char *method, *notify_from, *message;
	int importance;		/* 1 high, 2 normal, 3 low */
	const char *const *options;
	size_t noptions;
};

/*
 * Run a compiled script over a message.  Never returns NULL.  On a
 * run-time error the action list is the implicit keep alone (RFC 5228
 * 2.10.6) and sieve_result_errors() says what happened.  Blocks only on
 * the callbacks; honours the script's configured limits.
 */
struct sieve_result *sieve_execute(const struct sieve_script *script,
				   struct sieve_message *msg,
				   const struct sieve_envelope *env,
				   const struct sieve_callbacks *cb);
/* Same, with trace lines (one a test: "line N: test -> true") appended to
 * the result, for `siren test --trace`. */
struct sieve_result *sieve_execute_trace(const struct sieve_script *script,
					 struct sieve_message *msg,
					 const struct sieve_envelope *env,
					 const struct sieve_callbacks *cb);

size_t sieve_result_count(const struct sieve_result *res);
const struct sieve_action *sieve_result_action(const struct sieve_result *res,
					       size_t i);
/* Run-time errors ("name:line:col: error: ..." lines), "" when none. */
const char *sieve_result_errors(const struct sieve_result *res);
/* Trace text from sieve_execute_trace, "" otherwise. */
const char *sieve_result_trace(const struct sieve_result *res);
/* duplicate marks to record once delivery succeeded: handle/id pairs and
 * their period.  Returns the number of marks. */
size_t sieve_result_duplicate_count(const struct sieve_result *res);
void sieve_result_duplicate(const struct sieve_result *res, size_t i,
			    const char **handle_r, const char **id_r,
			    unsigned long *seconds_r);
void sieve_result_free(struct sieve_result **res);

/* Human one-line form of an action, as `siren test` prints it (caller
 * frees), e.g. fileinto "Work" :copy :flags "\\Seen". */
char *sieve_action_format(const struct sieve_action *act);
/* JSON object of an action, as `siren test --json` prints it (caller
 * frees). */
char *sieve_action_json(const struct sieve_action *act);

/* Capabilities this build supports, space-separated (static). */
const char *sieve_capabilities(void);

#endif
