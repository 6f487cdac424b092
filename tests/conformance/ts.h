/*
 * ts.h: the state of the Pigeonhole test-suite runner (sieve-testsuite):
 * the current message and envelope, the shared result, the captured
 * diagnostics, the in-memory mail store and the outgoing-mail sink.  One
 * process runs one .svtest file; everything here lives until exit.
 */
#ifndef TS_H
#define TS_H

#include <stdbool.h>
#include <stddef.h>

#include "../../sieve/sieve-private.h"

struct ts_stored {
	const char *data;
	size_t len;
	const char **flags;
	size_t nflags;
};

struct ts_folder {
	char *name;
	struct ts_stored *msgs;
	size_t n, cap;
};

struct ts_sent {
	const char *data;
	size_t len;
	const char *from, *to;	/* SMTP envelope, "" = null sender */
};

struct ts_binary {
	char *name;
	struct sieve_script *script;
};

struct ts_setting {
	char *name, *value;
};

struct ts_state {
	const char *path;	/* the .svtest */
	char *dir;		/* its directory */
	bool expect_fail;	/* -F */
	struct sieve_config cfg;	/* for sub-scripts */
	/* the current message and envelope */
	struct sieve_message *msg;
	const char *msg_data;
	size_t msg_len;
	struct sieve_envelope env;
	struct sieve_callbacks cb;	/* mailbox_exists over the store */
	const char *user_email;		/* sieve_user_email */
	const char *redirect_from;	/* sieve_redirect_envelope_from */
	const char *mailto_from;	/* sieve_notify_mailto_envelope_from */
	const char *os_user;
	/* the outer run (the .svtest), whose result is the shared one */
	struct sieve_run *run;
	size_t executed;	/* actions already executed */
	size_t sub_errors;	/* bytes of the shared errors from sub-runs */
	bool sub_flags;		/* keep flags come from the last sub-run */
	const char **keep_flags;
	size_t nkeep_flags;
	/* compiled sub-scripts */
	struct sieve_script *cur;
	struct ts_binary *bins;
	size_t nbins;
	struct sieve_script **scripts;	/* every compiled script, to free */
	size_t nscripts;
	/* captured error diagnostics (bare text) */
	char **errors;
	size_t nerrors;
	/* store and sink */
	struct ts_folder *folders;
	size_t nfolders;
	struct ts_sent *sent;
	size_t nsent;
	/* configuration overrides */
	struct ts_setting *settings;
	size_t nsettings;
	char *skip_reason;	/* set: the file is skipped (exit 77) */
	/* tests */
	const char *test_name;
	bool in_test, test_failed;
	char *fail_reason;
	unsigned ntests, nfailed;
	bool aborted;
};

extern struct ts_state ts;
extern const struct sieve_extension_def ts_ext_testsuite;

/* ts_main.c */
char *ts_keep(char *s);		/* owned until exit */
const char *ts_keepn(const char *s, size_t len);
void ts_set_message(const char *data, size_t len, bool derive_env);
void ts_errors_clear(void);
void ts_errors_add(const char *text);
void ts_errors_from_runtime(const char *text);
struct sieve_script *ts_compile(const char *path, bool report);
int ts_config_reload(const char *ext, char **error_r);
void ts_config_set(const char *name, const char *value);
void ts_config_unset(const char *name);
char *ts_path(const char *rel);
char *ts_address_only(const char *path);

/* ts_path.c: an SMTP path's address ("" null path), NULL when
 * unparsable */
const char *ts_smtp_path(const char *val);

/* ts_store.c */
struct ts_folder *ts_folder_find(const char *name);
bool ts_folder_create(const char *name);
/* Carry out the shared result's actions added since the last execute. */
bool ts_result_execute(struct sieve_run *run);
void ts_sink_clear(void);
void ts_store_free(void);

#endif
