/*
 * ifttt.c: the ifttt: notify method, firing an IFTTT Webhooks event
 * (https://ifttt.com/maker_webhooks, "Receive a web request") for RFC 5435
 * notify.
 *   ifttt:EVENT[?key=KEY]
 * The key comes from the URI or the admin's [notify.ifttt] key.  The event
 * gets value1 = From, value2 = Subject, value3 = the notification text.
 * Left out: the any-JSON trigger (/json/with/key/).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "siren-notify.h"

#include "notify-util.h"

struct ifttt {
	const struct siren_notify_host *host;
	char *key;		/* admin default, or NULL */
	char *base_url;
};

static const char *const ifttt_keys[] = { "key", NULL };

static int ifttt_word(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 128)
		return 0;
	for (; *s; s++)
		if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '-'))
			return 0;
	return 1;
}

/* The trigger URL for uri (malloc'ed), or NULL with *error_r. */
static char *ifttt_url(const struct ifttt *st, const char *uri,
		       size_t noptions, const char **error_r)
{
	struct notify_uri u;
	const char *key, *bad;
	char *url = NULL;

	if (notify_uri_parse(uri, &u, error_r) != 0)
		goto out;
	key = notify_uri_param(&u, "key");
	key = key ? key : st->key;
	if (strcmp(u.scheme, "ifttt") != 0)
		*error_r = "not an ifttt: URI";
	else if (!ifttt_word(u.path))
		*error_r = "event name must be letters, digits, _ or -";
	else if (!notify_uri_params_known(&u, ifttt_keys, &bad))
		*error_r = "unknown ifttt URI parameter";
	else if (noptions > 0)
		*error_r = "ifttt: takes no :options";
	else if (key == NULL)
		*error_r = "no IFTTT key in the URI or the configuration";
	else if (!ifttt_word(key))
		*error_r = "bad IFTTT key";
	else
		url = notify_asprintf("%s/trigger/%s/with/key/%s",
				      st->base_url, u.path, key);
out:
	notify_uri_clear(&u);
	return url;
}

static int ifttt_check(void *state, const char *uri,
		       const char *const *options, size_t noptions,
		       const char **error_r)
{
	char *url = ifttt_url(state, uri, noptions, error_r);

	(void)options;
	free(url);
	return url != NULL;
}

static const char *ifttt_capability(void *state, const char *uri,
				    const char *name)
{
	(void)state, (void)uri;
	return strcmp(name, "online") == 0 ? "maybe" : NULL;
}

static int ifttt_prepare(void *state, const struct siren_notify_request *req,
			 struct siren_notify_http *http, char **error_r)
{
	const char *error = NULL;
	char *url = ifttt_url(state, req->method, req->noptions, &error);
	char *text, *from, *subject;
	json_t *root;

	if (url == NULL) {
		*error_r = notify_asprintf("invalid URI: %s", error);
		return -1;
	}
	text = notify_message_text(req);
	from = notify_utf8_clean(req->msg_from);
	subject = notify_utf8_clean(req->msg_subject);
	root = json_pack("{s:s, s:s, s:s}", "value1", from, "value2",
			 subject, "value3", text);
	http->body = root ? json_dumps(root, JSON_COMPACT) : NULL;
	json_decref(root);
	free(subject);
	free(from);
	free(text);
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

static void ifttt_result(void *state, const struct siren_notify_request *req,
			 long status, const struct siren_notify_header *headers,
			 size_t nheaders, const char *body, size_t len,
			 struct siren_notify_outcome *out)
{
	struct ifttt *st = state;
	char reason[sizeof(out->reason)];

	(void)req, (void)len;
	notify_classify(status, headers, nheaders, body,
			st->host->now(st->host), out);
	memcpy(reason, out->reason, sizeof(reason));
	notify_outcome(out, out->status, "ifttt %.240s", reason);
}

static int ifttt_init(const struct siren_notify_host *host,
		      const struct siren_notify_config *cfg, void **state_r,
		      char **error_r)
{
	const char *base = cfg->get(cfg, "base_url");
	const char *key = cfg->get(cfg, "key");
	struct ifttt *st = calloc(1, sizeof(*st));

	if (st == NULL)
		abort();
	if (key != NULL && !ifttt_word(key)) {
		free(st);
		*error_r = notify_strdup("[notify.ifttt] key: bad characters");
		return -1;
	}
	st->host = host;
	st->key = key ? notify_strdup(key) : NULL;
	st->base_url = notify_base_url(base, "https://maker.ifttt.com");
	*state_r = st;
	return 0;
}

static void ifttt_free(void *state)
{
	struct ifttt *st = state;

	if (st == NULL)
		return;
	free(st->key);
	free(st->base_url);
	free(st);
}

static const char *const ifttt_schemes[] = { "ifttt", NULL };

const struct siren_notify_method siren_notify_method = {
	.abi_version = SIREN_NOTIFY_ABI_VERSION,
	.name = "ifttt",
	.schemes = ifttt_schemes,
	.init = ifttt_init,
	.check = ifttt_check,
	.capability = ifttt_capability,
	.prepare = ifttt_prepare,
	.result = ifttt_result,
	.free = ifttt_free,
};
