/*
 * notify_harness.h: shared scaffolding for the notify plugin unit tests.
 * Loads this build tree's plugins (the .so files in notify/ beside tests/)
 * through the real loader with a fake config and a fake host (fixed
 * clock, recording send_mail), and runs prepare/result/deliver.
 */
#ifndef SIREN_NOTIFY_HARNESS_H
#define SIREN_NOTIFY_HARNESS_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../mda/plugin.h"
#include "../../notify-methods/siren-notify.h"
#include "unit.h"

/* Not PATH_MAX: -Isieve makes <limits.h> the engine's sieve/limits.h. */
#define TEST_PATH_MAX 4096

#define HARNESS_NOW 1700000000	/* 2023-11-14T22:13:20Z */

/* Config rows: { "notify.pushover", "token", "..." }, ..., { NULL } */
struct harness_kv {
	const char *section, *key, *value;
};
static const struct harness_kv *harness_cfg;

static size_t harness_section(const void *ctx, const char *section,
			      const char *const **keys_r,
			      const char *const **values_r)
{
	/* one slot per call: the loader borrows the arrays per plugin */
	static const char *keys[16][32], *values[16][32];
	static unsigned slot;
	unsigned s = slot++ % 16;
	size_t n = 0;

	(void)ctx;
	for (const struct harness_kv *kv = harness_cfg; kv && kv->section;
	     kv++) {
		if (strcmp(kv->section, section) == 0 && n < 32) {
			keys[s][n] = kv->key;
			values[s][n++] = kv->value;
		}
	}
	*keys_r = keys[s];
	*values_r = values[s];
	return n;
}

/* What the fake send_mail saw. */
static struct {
	char *env_from;
	char *rcpts[8];
	size_t nrcpts;
	char *msg;
	int calls;
	int ret;	/* what to return */
} harness_mail;

static void harness_mail_reset(void)
{
	free(harness_mail.env_from);
	for (size_t i = 0; i < harness_mail.nrcpts; i++)
		free(harness_mail.rcpts[i]);
	free(harness_mail.msg);
	memset(&harness_mail, 0, sizeof(harness_mail));
}

static int harness_send_mail(const struct siren_notify_host *host,
			     const char *env_from, const char *const *rcpts,
			     size_t nrcpts, const char *msg, size_t len,
			     const char **error_r)
{
	int ret = harness_mail.ret;

	(void)host;
	harness_mail_reset();
	harness_mail.ret = ret;
	harness_mail.calls = 1;
	harness_mail.env_from = strdup(env_from);
	for (size_t i = 0; i < nrcpts && i < 8; i++)
		harness_mail.rcpts[harness_mail.nrcpts++] = strdup(rcpts[i]);
	harness_mail.msg = strndup(msg, len);
	*error_r = "fake failure";
	return harness_mail.ret;
}

static void harness_log(const struct siren_notify_host *host, int level,
			const char *fmt, ...)
{
	va_list ap;

	(void)host, (void)level;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static time_t harness_now(const struct siren_notify_host *host)
{
	(void)host;
	return HARNESS_NOW;
}

static const struct siren_notify_host harness_host = {
	.abi_version = SIREN_NOTIFY_ABI_VERSION,
	.log = harness_log,
	.send_mail = harness_send_mail,
	.now = harness_now,
	.hostname = "mx.example.net",
};

static struct plugin_set *harness_set;

/* Load the build tree's plugins with cfg; returns the named one. */
static const struct plugin *harness_load(const struct harness_kv *cfg,
					 const char *name)
{
	char exe[TEST_PATH_MAX], dir[TEST_PATH_MAX + 16];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (harness_set != NULL)
		plugin_set_free(&harness_set);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	*strrchr(exe, '/') = '\0';
	snprintf(dir, sizeof(dir), "%s/../notify", exe);
	harness_cfg = cfg;
	harness_set = plugin_set_load(dir, &harness_host, harness_section,
				      NULL);
	return plugin_by_name(harness_set, name);
}

static void harness_unload(void)
{
	plugin_set_free(&harness_set);
	harness_mail_reset();
}

/* A request with sensible context; tests override fields. */
static inline struct siren_notify_request harness_request(const char *uri)
{
	struct siren_notify_request r = {
		.id = "msg_01HX3Z9K4Q8V2N7R5T6Y0W1E2D",
		.attempt = 1,
		.method = uri,
		.importance = 2,
		.user = "alice@example.org",
		.env_from = "bob@example.com",
		.env_to = "alice@example.org",
		.mailbox = "INBOX",
		.msg_from = "Bob <bob@example.com>",
		.msg_subject = "Lunch?",
		.msg_date = "Tue, 14 Nov 2023 22:13:00 +0000",
		.msg_id = "<abc@example.com>",
		.arrival = HARNESS_NOW - 20,
	};
	return r;
}

/* check() through the plugin; returns 1/0, sets *error_r. */
static inline int harness_check(const struct plugin *p, const char *uri,
			 const char *const *opts, size_t nopts,
			 const char **error_r)
{
	*error_r = NULL;
	return p->method->check(p->state, uri, opts, nopts, error_r);
}

/* result() with one optional header. */
static inline struct siren_notify_outcome harness_result(
	const struct plugin *p, const struct siren_notify_request *req,
	long status, const char *hname, const char *hvalue, const char *body)
{
	struct siren_notify_outcome out;
	struct siren_notify_header h = { hname, hvalue };

	memset(&out, 0, sizeof(out));
	p->method->result(p->state, req, status, hname ? &h : NULL,
			  hname ? 1 : 0, body, strlen(body), &out);
	return out;
}

/* The header line starting with "name: " in http, or NULL. */
static inline const char *harness_header(const struct siren_notify_http *http,
				  const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < http->nheaders; i++)
		if (strncasecmp(http->headers[i], name, n) == 0 &&
		    http->headers[i][n] == ':')
			return http->headers[i] + n + 2;
	return NULL;
}

#endif
