/*
 * webhook.c: the https: (and, if the admin allows, http:) notify method:
 * a signed JSON POST following Standard Webhooks v1 (webhook-id,
 * webhook-timestamp, webhook-signature = v1,base64(HMAC-SHA256(key,
 * id.ts.body))).  The body is serialized once and exactly those bytes are
 * signed.  The URL is the user's, so the request is flagged for the host's
 * SSRF guard.  Left out: per-endpoint secrets, ed25519 (v1a) signatures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "siren-notify.h"

#include "notify-util.h"

#define URL_MAX 2048

struct webhook {
	const struct siren_notify_host *host;
	unsigned char key[64];	/* decoded whsec_ secret */
	size_t keylen;
	int allow_http;
};

/* curl_url part or NULL. */
static char *wh_part(CURLU *h, CURLUPart what)
{
	char *v = NULL;

	if (curl_url_get(h, what, &v, 0) != CURLUE_OK)
		return NULL;
	return v;
}

static const char *wh_check_parts(const struct webhook *st, CURLU *h)
{
	char *scheme = wh_part(h, CURLUPART_SCHEME);
	char *user = wh_part(h, CURLUPART_USER);
	char *pass = wh_part(h, CURLUPART_PASSWORD);
	char *frag = wh_part(h, CURLUPART_FRAGMENT);
	char *host = wh_part(h, CURLUPART_HOST);
	const char *error = NULL;

	if (scheme == NULL || (strcmp(scheme, "https") != 0 &&
			       !(strcmp(scheme, "http") == 0 && st->allow_http)))
		error = "only https: webhooks are allowed";
	else if (user != NULL || pass != NULL)
		error = "no user:password@ in webhook URLs";
	else if (frag != NULL)
		error = "no #fragment in webhook URLs";
	else if (host == NULL || *host == '\0')
		error = "no host";
	curl_free(scheme);
	curl_free(user);
	curl_free(pass);
	curl_free(frag);
	curl_free(host);
	return error;
}

static int wh_check(void *state, const char *uri, const char *const *options,
		    size_t noptions, const char **error_r)
{
	CURLU *h;
	const char *error = NULL;

	(void)options, (void)noptions;
	if (((struct webhook *)state)->keylen == 0) {
		*error_r = "webhooks are not enabled on this server "
			   "([notify.webhook] secret)";
		return 0;
	}
	if (strlen(uri) > URL_MAX) {
		*error_r = "webhook URL longer than 2048 characters";
		return 0;
	}
	for (const char *p = uri; *p; p++) {
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f) {
			*error_r = "character not allowed in URL";
			return 0;
		}
	}
	/* curl would read "https:///x" as host x; a URL names its host */
	const char *auth = strstr(uri, "://");
	if (auth == NULL || auth[3] == '/' || auth[3] == '\0') {
		*error_r = "expected scheme://host/...";
		return 0;
	}
	h = curl_url();
	if (h == NULL)
		abort();
	if (curl_url_set(h, CURLUPART_URL, uri, 0) != CURLUE_OK)
		error = "malformed URL";
	else
		error = wh_check_parts(state, h);
	curl_url_cleanup(h);
	*error_r = error;
	return error == NULL;
}

static const char *wh_capability(void *state, const char *uri,
				 const char *name)
{
	(void)state, (void)uri;
	return strcmp(name, "online") == 0 ? "maybe" : NULL;
}

/* A JSON string (invalid UTF-8 replaced), or null for NULL. */
static json_t *wh_str(const char *s)
{
	char *clean = s ? notify_utf8_clean(s) : NULL;
	json_t *v = clean ? json_string(clean) : NULL;

	free(clean);
	return v ? v : json_null();
}

/* The documented body (README "Notify methods and plugins"). */
static char *wh_body(const struct siren_notify_request *req)
{
	char ts[32], *text = notify_message_text(req), *out;
	struct tm tm;
	time_t t = req->arrival;
	json_t *data, *root, *opts;

	gmtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	data = json_object();
	json_object_set_new(data, "user", wh_str(req->user));
	json_object_set_new(data, "mailbox", wh_str(req->mailbox));
	json_object_set_new(data, "from", wh_str(req->msg_from));
	json_object_set_new(data, "subject", wh_str(req->msg_subject));
	json_object_set_new(data, "message", wh_str(text));
	json_object_set_new(data, "importance",
			    json_integer(req->importance));
	if (req->noptions > 0) {
		opts = json_object();
		for (size_t i = 0; i < req->noptions; i++) {
			const char *eq = strchr(req->options[i], '=');
			char *name = eq ? strndup(req->options[i],
						  (size_t)(eq - req->options[i]))
					: NULL;
			if (name != NULL)
				json_object_set_new(opts, name, wh_str(eq + 1));
			free(name);
		}
		json_object_set_new(data, "options", opts);
	}
	root = json_object();
	json_object_set_new(root, "type", json_string("mail.notify"));
	json_object_set_new(root, "id", wh_str(req->id));
	json_object_set_new(root, "timestamp", json_string(ts));
	json_object_set_new(root, "data", data);
	out = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	free(text);
	return out;
}

/* "v1," base64(HMAC-SHA256(key, id "." ts "." body)) */
static char *wh_signature(const struct webhook *st, const char *id,
			  long long ts, const char *body, size_t len)
{
	struct nbuf signed_content = { 0 };
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	char b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];

	nbuf_printf(&signed_content, "%s.%lld.", id, ts);
	nbuf_add(&signed_content, body, len);
	HMAC(EVP_sha256(), st->key, (int)st->keylen,
	     (const unsigned char *)signed_content.data, signed_content.len,
	     mac, &maclen);
	free(signed_content.data);
	EVP_EncodeBlock((unsigned char *)b64, mac, (int)maclen);
	return notify_asprintf("v1,%s", b64);
}

static int wh_prepare(void *state, const struct siren_notify_request *req,
		      struct siren_notify_http *http, char **error_r)
{
	struct webhook *st = state;
	const char *error = NULL;
	long long ts = (long long)st->host->now(st->host);
	const char *id = req->id ? req->id : "";
	char *sig;

	if (!wh_check(st, req->method, req->options, req->noptions, &error)) {
		*error_r = notify_asprintf("invalid URI: %s", error);
		return -1;
	}
	http->body = wh_body(req);
	if (http->body == NULL) {
		*error_r = notify_strdup("cannot encode the JSON body");
		return -1;
	}
	http->body_len = strlen(http->body);
	sig = wh_signature(st, id, ts, http->body, http->body_len);
	http->method = "POST";
	http->url = notify_strdup(req->method);
	http->content_type = "application/json";
	http->headers[0] = notify_asprintf("webhook-id: %s", id);
	http->headers[1] = notify_asprintf("webhook-timestamp: %lld", ts);
	http->headers[2] = notify_asprintf("webhook-signature: %s", sig);
	http->nheaders = 3;
	http->flags = SIREN_NOTIFY_HTTP_USER_URL |
		      (st->allow_http ? SIREN_NOTIFY_HTTP_ALLOW_HTTP : 0);
	free(sig);
	return 0;
}

/* Standard Webhooks: 2xx delivered, 3xx failed (never followed), 410
 * gone, 408/425/429/5xx retry, other 4xx failed. */
static void wh_result(void *state, const struct siren_notify_request *req,
		      long status, const struct siren_notify_header *headers,
		      size_t nheaders, const char *body, size_t len,
		      struct siren_notify_outcome *out)
{
	struct webhook *st = state;
	char reason[sizeof(out->reason)];

	(void)req, (void)len;
	notify_classify(status, headers, nheaders, body,
			st->host->now(st->host), out);
	memcpy(reason, out->reason, sizeof(reason));
	if (status == 410)
		notify_outcome(out, SIREN_NOTIFY_FAILED,
			       "webhook HTTP 410: endpoint gone");
	else
		notify_outcome(out, out->status, "webhook %.240s", reason);
}

/* whsec_<base64>: the HMAC key is the decoded bytes.  No secret: the
 * method is disabled (keylen 0) and check() says so. */
static int wh_key(struct webhook *st, const char *secret, char **error_r)
{
	unsigned char buf[3 * 128 / 4 + 3];
	size_t n;
	int len;

	if (secret == NULL || *secret == '\0')
		return 0;	/* not enabled: check() says so */
	if (strncmp(secret, "whsec_", 6) != 0) {
		*error_r = notify_strdup("[notify.webhook] secret must be "
					 "whsec_ followed by base64");
		return -1;
	}
	secret += 6;
	n = strlen(secret);
	if (n == 0 || n % 4 != 0 || n > 128 ||
	    (len = EVP_DecodeBlock(buf, (const unsigned char *)secret,
				   (int)n)) < 0) {
		*error_r = notify_strdup("[notify.webhook] secret: bad base64");
		return -1;
	}
	/* EVP_DecodeBlock counts the '=' padding as zero bytes */
	len -= (secret[n - 1] == '=') + (secret[n - 2] == '=');
	if (len < 16 || (size_t)len > sizeof(st->key)) {
		*error_r = notify_strdup("[notify.webhook] secret: key must "
					 "be 16 to 64 bytes");
		return -1;
	}
	memcpy(st->key, buf, (size_t)len);
	st->keylen = (size_t)len;
	return 0;
}

static int wh_init(const struct siren_notify_host *host,
		   const struct siren_notify_config *cfg, void **state_r,
		   char **error_r)
{
	struct webhook *st = calloc(1, sizeof(*st));

	if (st == NULL)
		abort();
	if (wh_key(st, cfg->get(cfg, "secret"), error_r) != 0) {
		free(st);
		return -1;
	}
	st->host = host;
	st->allow_http = notify_yes(cfg->get(cfg, "allow_http"));
	*state_r = st;
	return 0;
}

static void wh_free(void *state)
{
	struct webhook *st = state;

	if (st != NULL)
		memset(st->key, 0, sizeof(st->key));
	free(st);
}

static const char *const wh_schemes[] = { "https", "http", NULL };

const struct siren_notify_method siren_notify_method = {
	.abi_version = SIREN_NOTIFY_ABI_VERSION,
	.name = "webhook",
	.schemes = wh_schemes,
	.init = wh_init,
	.check = wh_check,
	.capability = wh_capability,
	.prepare = wh_prepare,
	.result = wh_result,
	.free = wh_free,
};
