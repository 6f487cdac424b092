/*
 * slack.c: the slack: notify method, posting to a Slack incoming webhook
 * (https://api.slack.com/messaging/webhooks) for RFC 5435 notify.
 *   slack:T000/B000/XXXX   the path under hooks.slack.com/services/
 *   slack:ALIAS            [notify.slack] webhook.ALIAS = URL (admin)
 * The text is mrkdwn with only & < > escaped (Slack's rule), which also
 * stops mail subjects injecting <!channel> mentions or disguised links.
 * Left out: Block Kit layouts, per-user alias stores.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "siren-notify.h"

#include "notify-util.h"

struct slack {
	const struct siren_notify_host *host;
	const struct siren_notify_config *cfg;
	char *base_url;
};

static int slack_word(const char *s, size_t n, int dash)
{
	if (n == 0 || n > 128)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) ||
		      (dash && (s[i] == '_' || s[i] == '-'))))
			return 0;
	return 1;
}

/* T000/B000/XXXX: three alphanumeric segments. */
static int slack_is_path(const char *p)
{
	const char *a = strchr(p, '/'), *b = a ? strchr(a + 1, '/') : NULL;

	return b != NULL && slack_word(p, (size_t)(a - p), 0) &&
	       slack_word(a + 1, (size_t)(b - a - 1), 0) &&
	       slack_word(b + 1, strlen(b + 1), 0);
}

/* The admin's URL for an alias: webhook.ALIAS, or webhook_url for the
 * alias "default".  NULL when not configured. */
static const char *slack_alias_url(const struct slack *st, const char *alias)
{
	char key[160];
	const char *url;

	snprintf(key, sizeof(key), "webhook.%s", alias);
	url = st->cfg->get(st->cfg, key);
	if (url == NULL && strcmp(alias, "default") == 0)
		url = st->cfg->get(st->cfg, "webhook_url");
	return url && *url ? url : NULL;
}

/* The webhook URL for uri (malloc'ed), or NULL with *error_r. */
static char *slack_url(const struct slack *st, const char *uri,
		       const char *const *options, size_t noptions,
		       const char **error_r)
{
	struct notify_uri u;
	char *url = NULL;

	if (notify_uri_parse(uri, &u, error_r) != 0)
		goto out;
	if (strcmp(u.scheme, "slack") != 0) {
		*error_r = "not a slack: URI";
	} else if (u.nparams > 0) {
		*error_r = "slack: URIs take no parameters";
	} else if (noptions > 0) {
		*error_r = "slack: takes no :options";
	} else if (slack_is_path(u.path)) {
		url = notify_asprintf("%s/services/%s", st->base_url, u.path);
	} else if (!slack_word(u.path, strlen(u.path), 1)) {
		*error_r = "expected slack:T.../B.../... or slack:ALIAS";
	} else if (slack_alias_url(st, u.path) == NULL) {
		*error_r = "unknown slack alias";
	} else {
		url = notify_strdup(slack_alias_url(st, u.path));
	}
out:
	(void)options;
	notify_uri_clear(&u);
	return url;
}

static int slack_check(void *state, const char *uri,
		       const char *const *options, size_t noptions,
		       const char **error_r)
{
	char *url = slack_url(state, uri, options, noptions, error_r);

	free(url);
	return url != NULL;
}

static const char *slack_capability(void *state, const char *uri,
				    const char *name)
{
	(void)state, (void)uri;
	return strcmp(name, "online") == 0 ? "maybe" : NULL;
}

/* Slack mrkdwn escaping: & < > and nothing else. */
static char *slack_escape(const char *s, int urgent)
{
	struct nbuf b = { 0 };

	nbuf_puts(&b, urgent ? ":rotating_light: " : "");
	for (; *s != '\0'; s++) {
		if (*s == '&')
			nbuf_puts(&b, "&amp;");
		else if (*s == '<')
			nbuf_puts(&b, "&lt;");
		else if (*s == '>')
			nbuf_puts(&b, "&gt;");
		else
			nbuf_add(&b, s, 1);
	}
	return nbuf_steal(&b);
}

static int slack_prepare(void *state, const struct siren_notify_request *req,
			 struct siren_notify_http *http, char **error_r)
{
	const char *error = NULL;
	char *url = slack_url(state, req->method, req->options, req->noptions,
			      &error);
	char *msg, *text;
	json_t *root;

	if (url == NULL) {
		*error_r = notify_asprintf("invalid URI: %s", error);
		return -1;
	}
	msg = notify_message_text(req);
	text = slack_escape(msg, req->importance == 1);
	root = json_pack("{s:s}", "text", text);
	http->body = root ? json_dumps(root, JSON_COMPACT) : NULL;
	json_decref(root);
	free(text);
	free(msg);
	if (http->body == NULL) {
		free(url);
		*error_r = notify_strdup("text is not valid UTF-8");
		return -1;
	}
	http->method = "POST";
	http->url = url;
	http->content_type = "application/json";
	http->body_len = strlen(http->body);
	return 0;
}

static void slack_result(void *state, const struct siren_notify_request *req,
			 long status, const struct siren_notify_header *headers,
			 size_t nheaders, const char *body, size_t len,
			 struct siren_notify_outcome *out)
{
	struct slack *st = state;

	(void)req, (void)len;
	notify_classify(status, headers, nheaders, body,
			st->host->now(st->host), out);
	/* Slack's error bodies are short codes (channel_not_found), which
	 * notify_classify quotes: "slack HTTP 404 channel_not_found". */
	char reason[sizeof(out->reason)];
	memcpy(reason, out->reason, sizeof(reason));
	notify_outcome(out, out->status, "slack %.240s", reason);
}

static int slack_init(const struct siren_notify_host *host,
		      const struct siren_notify_config *cfg, void **state_r,
		      char **error_r)
{
	const char *base = cfg->get(cfg, "base_url");
	struct slack *st = calloc(1, sizeof(*st));

	(void)error_r;
	if (st == NULL)
		abort();
	st->host = host;
	st->cfg = cfg;
	st->base_url = notify_base_url(base, "https://hooks.slack.com");
	*state_r = st;
	return 0;
}

static void slack_free(void *state)
{
	struct slack *st = state;

	if (st == NULL)
		return;
	free(st->base_url);
	free(st);
}

static const char *const slack_schemes[] = { "slack", NULL };

const struct siren_notify_method siren_notify_method = {
	.abi_version = SIREN_NOTIFY_ABI_VERSION,
	.name = "slack",
	.schemes = slack_schemes,
	.init = slack_init,
	.check = slack_check,
	.capability = slack_capability,
	.prepare = slack_prepare,
	.result = slack_result,
	.free = slack_free,
};
