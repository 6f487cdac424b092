/*
 * pushover.c: the pushover: notify method (Pushover Message API,
 * https://pushover.net/api) for RFC 5435 notify.
 *   pushover:<USERKEY>[?priority=P&sound=S&device=D&title=T&url=U]
 * The same parameters may come as :options ("sound=siren"), which win.
 * The application token is the admin's ([notify.pushover] token).  Left
 * out: attachments, receipts/callbacks for emergency priority, html.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "siren-notify.h"

#include "notify-util.h"

#define MESSAGE_MAX 1024	/* characters, per the API */
#define TITLE_MAX 250
#define URL_MAX 512

struct pushover {
	const struct siren_notify_host *host;
	char *token;
	char *base_url;
	int allow_emergency;
	long retry, expire;
};

/* The send parameters one notify resolves to. */
struct po_params {
	struct notify_uri uri;
	const char *priority, *sound, *device, *title, *url;
	int prio;		/* resolved -2..2, or 99: from :importance */
};

static const char *const po_keys[] = { "priority", "sound", "device",
				       "title", "url", NULL };

static int po_key_ok(const char *s)
{
	size_t n = strlen(s);

	if (n != 30)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9')))
			return 0;
	return 1;
}

/* Names of sounds and devices: [A-Za-z0-9_-], devices comma-separated. */
static int po_name_ok(const char *s, size_t max, int list)
{
	size_t n = strlen(s);

	if (n == 0 || n > max)
		return 0;
	for (; *s; s++)
		if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '-' ||
		      (list && *s == ',')))
			return 0;
	return 1;
}

/* "-2".."2" or a name; 99 when invalid. */
static int po_priority(const char *s)
{
	static const struct {
		const char *name;
		int prio;
	} names[] = { { "-2", -2 }, { "-1", -1 }, { "0", 0 }, { "1", 1 },
		      { "2", 2 }, { "lowest", -2 }, { "low", -1 },
		      { "normal", 0 }, { "high", 1 }, { "emergency", 2 } };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(s, names[i].name) == 0)
			return names[i].prio;
	return 99;
}

/* Options override the URI's query parameters. */
static const char *po_get(const struct po_params *p, const char *name,
			  const char *const *options, size_t noptions)
{
	const char *v = notify_option(options, noptions, name);

	return v ? v : notify_uri_param(&p->uri, name);
}

static int po_check_options(const char *const *options, size_t noptions,
			    const char **error_r)
{
	for (size_t i = 0; i < noptions; i++) {
		const char *const *k = po_keys;
		size_t len = strcspn(options[i], "=");

		while (*k && !(strlen(*k) == len &&
			       strncasecmp(*k, options[i], len) == 0))
			k++;
		if (*k == NULL) {
			*error_r = "unknown pushover option";
			return 0;
		}
	}
	return 1;
}

static int po_parse_values(struct pushover *st, struct po_params *p,
			   const char **error_r)
{
	p->prio = 99;
	if (p->priority != NULL) {
		p->prio = po_priority(p->priority);
		if (p->prio == 99) {
			*error_r = "priority must be -2..2, lowest, low, "
				   "normal, high or emergency";
			return 0;
		}
		if (p->prio == 2 && !st->allow_emergency) {
			*error_r = "emergency priority is not allowed here";
			return 0;
		}
	}
	if (notify_has_ctl(p->title) || notify_has_ctl(p->url)) {
		*error_r = "control characters in title or url";
		return 0;
	}
	if (p->sound != NULL && !po_name_ok(p->sound, 64, 0)) {
		*error_r = "bad sound name";
		return 0;
	}
	if (p->device != NULL && !po_name_ok(p->device, 200, 1)) {
		*error_r = "bad device name";
		return 0;
	}
	if (p->url != NULL && (strlen(p->url) > URL_MAX ||
			       (strncasecmp(p->url, "https://", 8) != 0 &&
				strncasecmp(p->url, "http://", 7) != 0))) {
		*error_r = "url must be http(s) and at most 512 characters";
		return 0;
	}
	return 1;
}

/* Parse and validate; 1 valid (clear p after), 0 invalid. */
static int po_parse(struct pushover *st, const char *uri,
		    const char *const *options, size_t noptions,
		    struct po_params *p, const char **error_r)
{
	const char *bad;

	memset(p, 0, sizeof(*p));
	if (st->token == NULL) {
		*error_r = "pushover is not enabled on this server "
			   "([notify.pushover] token)";
		return 0;
	}
	if (notify_uri_parse(uri, &p->uri, error_r) != 0)
		return 0;
	if (strcmp(p->uri.scheme, "pushover") != 0) {
		*error_r = "not a pushover: URI";
		return 0;
	}
	if (!po_key_ok(p->uri.path)) {
		*error_r = "user key must be 30 letters or digits";
		return 0;
	}
	if (!notify_uri_params_known(&p->uri, po_keys, &bad)) {
		*error_r = "unknown pushover URI parameter";
		return 0;
	}
	if (!po_check_options(options, noptions, error_r))
		return 0;
	p->priority = po_get(p, "priority", options, noptions);
	p->sound = po_get(p, "sound", options, noptions);
	p->device = po_get(p, "device", options, noptions);
	p->title = po_get(p, "title", options, noptions);
	p->url = po_get(p, "url", options, noptions);
	return po_parse_values(st, p, error_r);
}

static int po_check(void *state, const char *uri, const char *const *options,
		    size_t noptions, const char **error_r)
{
	struct po_params p;
	int ok = po_parse(state, uri, options, noptions, &p, error_r);

	notify_uri_clear(&p.uri);
	return ok;
}

static const char *po_capability(void *state, const char *uri,
				 const char *name)
{
	(void)state, (void)uri;
	return strcmp(name, "online") == 0 ? "maybe" : NULL;
}

/* RFC 5435 :importance 1 high, 2 normal, 3 low -> Pushover 1, 0, -1. */
static int po_importance(int importance)
{
	return importance == 1 ? 1 : importance == 3 ? -1 : 0;
}

/* title: the given one, else "<From>: <Subject>"; <= 250 characters. */
static char *po_title(const struct po_params *p,
		      const struct siren_notify_request *req)
{
	char *t, *title;

	if (p->title != NULL)
		t = notify_utf8_clean(p->title);
	else if ((req->msg_from && *req->msg_from) ||
		 (req->msg_subject && *req->msg_subject))
		t = notify_default_text(req);
	else
		return NULL;
	title = notify_utf8_truncate(t, TITLE_MAX);
	free(t);
	return title;
}

static void po_form(struct pushover *st, const struct po_params *p,
		    const struct siren_notify_request *req, struct nbuf *b)
{
	char *text = notify_message_text(req);
	char *msg = notify_utf8_truncate(text, MESSAGE_MAX);
	char *title = po_title(p, req), num[32];
	int prio = p->prio != 99 ? p->prio : po_importance(req->importance);

	notify_form_add(b, "token", st->token);
	notify_form_add(b, "user", p->uri.path);
	notify_form_add(b, "message", msg);
	if (title != NULL)
		notify_form_add(b, "title", title);
	if (p->url != NULL)
		notify_form_add(b, "url", p->url);
	snprintf(num, sizeof(num), "%d", prio);
	notify_form_add(b, "priority", num);
	if (prio == 2) {
		snprintf(num, sizeof(num), "%ld", st->retry);
		notify_form_add(b, "retry", num);
		snprintf(num, sizeof(num), "%ld", st->expire);
		notify_form_add(b, "expire", num);
	}
	if (p->sound != NULL)
		notify_form_add(b, "sound", p->sound);
	if (p->device != NULL)
		notify_form_add(b, "device", p->device);
	if (req->arrival > 0) {
		snprintf(num, sizeof(num), "%lld", (long long)req->arrival);
		notify_form_add(b, "timestamp", num);
	}
	free(title);
	free(msg);
	free(text);
}

static int po_prepare(void *state, const struct siren_notify_request *req,
		      struct siren_notify_http *http, char **error_r)
{
	struct pushover *st = state;
	struct po_params p;
	const char *error = NULL;
	struct nbuf b = { 0 };

	if (!po_parse(st, req->method, req->options, req->noptions, &p,
		      &error)) {
		notify_uri_clear(&p.uri);
		*error_r = notify_asprintf("invalid URI: %s", error);
		return -1;
	}
	po_form(st, &p, req, &b);
	notify_uri_clear(&p.uri);
	http->method = "POST";
	http->url = notify_asprintf("%s/1/messages.json", st->base_url);
	http->content_type = "application/x-www-form-urlencoded";
	http->body_len = b.len;
	http->body = nbuf_steal(&b);
	return 0;
}

/* The API's "errors" array, joined, as the failure reason. */
static void po_errors(json_t *root, char *buf, size_t n)
{
	json_t *errs = root ? json_object_get(root, "errors") : NULL;
	size_t i, off = 0;
	json_t *e;

	buf[0] = '\0';
	json_array_foreach(errs, i, e) {
		if (!json_is_string(e) || off + 3 >= n)
			continue;
		int w = snprintf(buf + off, n - off, "%s%s", off ? "; " : "",
				 json_string_value(e));
		off = w < 0 ? off : off + (size_t)w >= n ? n - 1 : off + (size_t)w;
	}
}

static void po_result(void *state, const struct siren_notify_request *req,
		      long status, const struct siren_notify_header *headers,
		      size_t nheaders, const char *body, size_t len,
		      struct siren_notify_outcome *out)
{
	struct pushover *st = state;
	json_t *root = json_loadb(body ? body : "", body ? len : 0, 0, NULL);
	json_t *ok = root ? json_object_get(root, "status") : NULL;
	json_t *rid = root ? json_object_get(root, "request") : NULL;
	char errs[200];

	(void)req;
	notify_classify(status, headers, nheaders, body, st->host->now(st->host),
			out);
	po_errors(root, errs, sizeof(errs));
	if (out->status == SIREN_NOTIFY_DELIVERED) {
		if (json_integer_value(ok) == 1)
			notify_outcome(out, SIREN_NOTIFY_DELIVERED,
				       "pushover request %s",
				       json_is_string(rid)
					       ? json_string_value(rid) : "?");
		else
			notify_outcome(out, SIREN_NOTIFY_FAILED,
				       "pushover status not 1: %s",
				       errs[0] ? errs : "no errors given");
	} else if (out->status == SIREN_NOTIFY_FAILED && status >= 400) {
		notify_outcome(out, SIREN_NOTIFY_FAILED, "pushover HTTP %ld: %s",
			       status, errs[0] ? errs : "no errors given");
	}
	json_decref(root);
}

static int po_init(const struct siren_notify_host *host,
		   const struct siren_notify_config *cfg, void **state_r,
		   char **error_r)
{
	const char *token = cfg->get(cfg, "token");
	const char *base = cfg->get(cfg, "base_url");
	const char *retry = cfg->get(cfg, "retry");
	const char *expire = cfg->get(cfg, "expire");
	struct pushover *st;

	(void)error_r;
	st = calloc(1, sizeof(*st));
	if (st == NULL)
		abort();
	st->host = host;
	/* Without a token the method stays loaded but every URI is invalid,
	 * so scripts get a clear error instead of "unsupported method". */
	st->token = token && *token ? notify_strdup(token) : NULL;
	st->base_url = notify_base_url(base, "https://api.pushover.net");
	st->allow_emergency = notify_yes(cfg->get(cfg, "allow_emergency"));
	st->retry = retry ? atol(retry) : 60;
	st->expire = expire ? atol(expire) : 3600;
	/* API limits: retry >= 30 s, expire <= 10800 s. */
	st->retry = st->retry < 30 ? 30 : st->retry;
	st->expire = st->expire > 10800 ? 10800 : st->expire < 30 ? 30 : st->expire;
	*state_r = st;
	return 0;
}

static void po_free(void *state)
{
	struct pushover *st = state;

	if (st == NULL)
		return;
	free(st->token);
	free(st->base_url);
	free(st);
}

static const char *const po_schemes[] = { "pushover", NULL };

const struct siren_notify_method siren_notify_method = {
	.abi_version = SIREN_NOTIFY_ABI_VERSION,
	.name = "pushover",
	.schemes = po_schemes,
	.init = po_init,
	.check = po_check,
	.capability = po_capability,
	.prepare = po_prepare,
	.result = po_result,
	.free = po_free,
};
