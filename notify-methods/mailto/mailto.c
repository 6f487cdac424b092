/*
 * mailto.c: the mailto: notify method (RFC 5436, URIs per RFC 6068).
 * Builds the notification message and submits it through the host's
 * send_mail.  Enforces RFC 5436 section 2.7 (Auto-Submitted:
 * auto-notified, forbidden URI headers ignored, null envelope sender kept
 * null) and section 3.2 (no notification for auto-submitted messages).
 * Left out: quoted local parts and IP-literal domains in addresses,
 * owner-token, copying Received: headers.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/evp.h>

#include "siren-notify.h"

#include "notify-util.h"

#define MAX_ADDRS 64

struct mailto {
	const struct siren_notify_host *host;
	const char *from;		/* admin From: default, or NULL */
	const char *envelope_from;	/* admin MAIL FROM, or NULL */
	long max_recipients, max_headers;
};

/* The recipients and headers of one URI. */
struct mt_uri {
	struct notify_uri u;
	char *to[MAX_ADDRS], *cc[MAX_ADDRS];
	size_t nto, ncc;
};

/* RFC 5436 section 2.7 / Pigeonhole: URI headers we never copy. */
static const char *const mt_ignored[] = {
	"auto-submitted", "received", "from", "sender", "message-id", "date",
	"bcc", "in-reply-to", "references", "return-path", "mime-version",
	"precedence", "x-priority", "importance", NULL,
};

static int mt_ignored_header(const char *name)
{
	if (strncasecmp(name, "resent-", 7) == 0 ||
	    strncasecmp(name, "content-", 8) == 0)
		return 1;
	for (const char *const *h = mt_ignored; *h; h++)
		if (strcasecmp(*h, name) == 0)
			return 1;
	return 0;
}

/* RFC 5322 atext / dot-atom local part, dot-atom domain of LDH labels. */
static int mt_addr_ok(const char *a)
{
	const char *at = strrchr(a, '@');
	int dot = 1;

	if (at == NULL || at == a || strlen(a) > 254 || at[1] == '\0')
		return 0;
	for (const char *p = a; p < at; p++) {
		if (*p == '.') {
			if (dot)
				return 0;
			dot = 1;
			continue;
		}
		if (!isalnum((unsigned char)*p) &&
		    strchr("!#$%&'*+-/=?^_`{|}~", *p) == NULL)
			return 0;
		dot = 0;
	}
	if (dot)
		return 0;
	dot = 1;
	for (const char *p = at + 1; *p; p++) {
		if (*p == '.' ? dot : !(isalnum((unsigned char)*p) || *p == '-'))
			return 0;
		dot = *p == '.';
	}
	return !dot;
}

/* Split a comma list of addresses into list; 0 on a bad address. */
static int mt_add_list(const char *s, char **list, size_t *n,
		       const char **error_r)
{
	while (*s != '\0') {
		size_t len = strcspn(s, ",");
		char *a = strndup(s, len);

		if (a == NULL)
			abort();
		if (!mt_addr_ok(a) || *n >= MAX_ADDRS) {
			free(a);
			*error_r = *n >= MAX_ADDRS ? "too many recipients"
						   : "invalid address";
			return 0;
		}
		list[(*n)++] = a;
		s += len;
		if (*s == ',' && *++s == '\0') {
			*error_r = "empty address";
			return 0;
		}
	}
	return 1;
}

static void mt_clear(struct mt_uri *m)
{
	for (size_t i = 0; i < m->nto; i++)
		free(m->to[i]);
	for (size_t i = 0; i < m->ncc; i++)
		free(m->cc[i]);
	notify_uri_clear(&m->u);
}

/* RFC 5322 field-name: printable ASCII but ':'. */
static int mt_field_name_ok(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (*s <= 32 || *s >= 127 || *s == ':')
			return 0;
	return 1;
}

static int mt_params(const struct mailto *st, struct mt_uri *m,
		     const char **error_r)
{
	if ((long)m->u.nparams > st->max_headers) {
		*error_r = "too many URI headers";
		return 0;
	}
	for (size_t i = 0; i < m->u.nparams; i++) {
		const struct notify_param *p = &m->u.params[i];

		if (!mt_field_name_ok(p->name)) {
			*error_r = "bad header name";
			return 0;
		}
		if (strcasecmp(p->name, "body") != 0 &&
		    notify_has_ctl(p->value)) {
			*error_r = "control characters in a header";
			return 0;
		}
		if (strcasecmp(p->name, "to") == 0 &&
		    !mt_add_list(p->value, m->to, &m->nto, error_r))
			return 0;
		if (strcasecmp(p->name, "cc") == 0 &&
		    !mt_add_list(p->value, m->cc, &m->ncc, error_r))
			return 0;
	}
	return 1;
}

/* Parse and validate; 1 valid, 0 invalid.  mt_clear(m) either way. */
static int mt_parse(const struct mailto *st, const char *uri,
		    struct mt_uri *m, const char **error_r)
{
	memset(m, 0, sizeof(*m));
	if (notify_uri_parse(uri, &m->u, error_r) != 0)
		return 0;
	if (strcmp(m->u.scheme, "mailto") != 0) {
		*error_r = "not a mailto: URI";
		return 0;
	}
	if (!mt_add_list(m->u.path, m->to, &m->nto, error_r) ||
	    !mt_params(st, m, error_r))
		return 0;
	if (m->nto + m->ncc == 0) {
		*error_r = "no recipients";
		return 0;
	}
	if ((long)(m->nto + m->ncc) > st->max_recipients) {
		*error_r = "too many recipients";
		return 0;
	}
	return 1;
}

static int mt_check(void *state, const char *uri, const char *const *options,
		    size_t noptions, const char **error_r)
{
	struct mt_uri m;
	int ok = mt_parse(state, uri, &m, error_r);

	/* RFC 5436 section 2.3: ":options" is not used by mailto. */
	(void)options, (void)noptions;
	mt_clear(&m);
	return ok;
}

static const char *mt_capability(void *state, const char *uri,
				 const char *name)
{
	(void)state, (void)uri;
	/* RFC 5436 section 2.1: "maybe" unless known for certain. */
	return strcmp(name, "online") == 0 ? "maybe" : NULL;
}

/* ---- the message ------------------------------------------------------ */

/* A header value: controls become spaces; non-ASCII is RFC 2047
 * B-encoded in words of at most 45 input bytes (75 encoded), split on
 * character boundaries and folded. */
static void mt_header(struct nbuf *b, const char *name, const char *value)
{
	int ascii = 1;

	for (const char *p = value; *p; p++)
		ascii &= (unsigned char)*p < 0x80;
	nbuf_printf(b, "%s: ", name);
	for (int first = 1; *value != '\0'; first = 0) {
		char raw[48], enc[72];
		size_t n = 0, c;

		while (value[n] != '\0' &&
		       n + (c = notify_utf8_prefix(value + n, 1)) <= 45)
			n += c;
		memcpy(raw, value, n);
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)raw[i] < 0x20 || raw[i] == 0x7f)
				raw[i] = ' ';
		if (ascii) {
			nbuf_add(b, raw, n);
		} else {
			EVP_EncodeBlock((unsigned char *)enc,
					(const unsigned char *)raw, (int)n);
			nbuf_printf(b, "%s=?UTF-8?B?%s?=", first ? "" : "\n ",
				    enc);
		}
		value += n;
	}
	nbuf_puts(b, "\n");
}

static void mt_date(struct nbuf *b, time_t t)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed",
					    "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr",
					      "May", "Jun", "Jul", "Aug",
					      "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;

	gmtime_r(&t, &tm);
	nbuf_printf(b, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\n",
		    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
		    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void mt_addr_header(struct nbuf *b, const char *name, char **list,
			   size_t n)
{
	if (n == 0)
		return;
	nbuf_printf(b, "%s: ", name);
	for (size_t i = 0; i < n; i++)
		nbuf_printf(b, "%s%s", i ? ",\n " : "", list[i]);
	nbuf_puts(b, "\n");
}

/* RFC 5436 section 2.5: Subject = :message, else the URI's subject,
 * else "Notification: <original subject>". */
static char *mt_subject(const struct siren_notify_request *req,
			const struct mt_uri *m)
{
	const char *s = notify_uri_param(&m->u, "subject");

	char *clean, *subject;

	if (req->message != NULL && *req->message != '\0')
		return notify_utf8_clean(req->message);
	if (s != NULL)
		return notify_utf8_clean(s);
	clean = notify_utf8_clean(req->msg_subject);
	subject = notify_asprintf("Notification: %s", clean);
	free(clean);
	return subject;
}

static void mt_priority(struct nbuf *b, int importance)
{
	static const char *const xp[] = { "1 (Highest)", "3 (Normal)",
					  "5 (Lowest)" };
	static const char *const imp[] = { "High", "Normal", "Low" };
	int i = importance >= 1 && importance <= 3 ? importance - 1 : 1;

	nbuf_printf(b, "X-Priority: %s\nImportance: %s\n", xp[i], imp[i]);
}

/* The body: the URI's body, else the notification text; LF line ends. */
static void mt_body(struct nbuf *b, const struct siren_notify_request *req,
		    const struct mt_uri *m)
{
	const char *body = notify_uri_param(&m->u, "body");
	char *text = body ? NULL : notify_message_text(req);

	for (const char *p = body ? body : text; *p; p++) {
		if (*p == '\r' && p[1] == '\n')
			continue;
		nbuf_add(b, *p == '\r' ? "\n" : p, 1);
	}
	if (b->len > 0 && b->data[b->len - 1] != '\n')
		nbuf_puts(b, "\n");
	free(text);
}

/* s when it is safe inside a header line and a quoted string (no
 * controls, quotes or backslashes), else fallback. */
static const char *mt_safe(const char *s, const char *fallback)
{
	if (s == NULL || *s == '\0' || notify_has_ctl(s) ||
	    strpbrk(s, "\"\\") != NULL)
		return fallback;
	return s;
}

static const char *mt_from(const struct mailto *st,
			   const struct siren_notify_request *req)
{
	if (req->from != NULL && mt_addr_ok(req->from))
		return req->from;	/* RFC 5436 2.2 */
	if (st->from != NULL)
		return st->from;
	return mt_safe(req->env_to, mt_safe(req->user, "MAILER-DAEMON"));
}

static void mt_copy_headers(struct nbuf *b, const struct mt_uri *m)
{
	for (size_t i = 0; i < m->u.nparams; i++) {
		const char *n = m->u.params[i].name;

		if (strcasecmp(n, "to") == 0 || strcasecmp(n, "cc") == 0 ||
		    strcasecmp(n, "subject") == 0 ||
		    strcasecmp(n, "body") == 0 || mt_ignored_header(n))
			continue;
		mt_header(b, n, m->u.params[i].value);
	}
}

static char *mt_message(const struct mailto *st,
			const struct siren_notify_request *req,
			const struct mt_uri *m)
{
	struct nbuf b = { 0 };
	char *subject = mt_subject(req, m);

	nbuf_printf(&b, "From: %s\n", mt_from(st, req));
	mt_addr_header(&b, "To", (char **)m->to, m->nto);
	mt_addr_header(&b, "Cc", (char **)m->cc, m->ncc);
	mt_header(&b, "Subject", subject);
	mt_date(&b, st->host->now(st->host));
	nbuf_puts(&b, "Message-ID: <");
	for (const char *p = req->id; p && *p; p++)
		nbuf_add(&b, isalnum((unsigned char)*p) || *p == '-' ? p : "_",
			 1);
	nbuf_printf(&b, ".notify@%s>\n", st->host->hostname
						 ? st->host->hostname
						 : "localhost");
	/* RFC 5436 section 2.7: MUST add Auto-Submitted: auto-notified */
	nbuf_printf(&b, "Auto-Submitted: auto-notified; owner-email=\"%s\"\n",
		    mt_safe(req->user, ""));
	nbuf_puts(&b, "Precedence: bulk\n");
	mt_priority(&b, req->importance);
	if (req->msg_id != NULL && !notify_has_ctl(req->msg_id) &&
	    *req->msg_id == '<')
		nbuf_printf(&b, "References: %s\n", req->msg_id);
	mt_copy_headers(&b, m);
	nbuf_puts(&b, "MIME-Version: 1.0\n"
		      "Content-Type: text/plain; charset=utf-8\n"
		      "Content-Transfer-Encoding: 8bit\n\n");
	mt_body(&b, req, m);
	free(subject);
	return nbuf_steal(&b);
}

/* ---- delivery --------------------------------------------------------- */

/* RFC 5436 section 3.2 / RFC 3834: anything but "no" is automatic. */
static int mt_auto_submitted(const char *v)
{
	size_t n;

	if (v == NULL)
		return 0;
	while (*v == ' ' || *v == '\t')
		v++;
	n = strcspn(v, " \t;(");
	return !(n == 2 && strncasecmp(v, "no", 2) == 0);
}

static void mt_send(struct mailto *st, const struct siren_notify_request *req,
		    const struct mt_uri *m, struct siren_notify_outcome *out)
{
	const char *rcpts[2 * MAX_ADDRS], *error = NULL, *env;
	char *msg = mt_message(st, req, m);
	size_t n = 0;
	int r;

	for (size_t i = 0; i < m->nto; i++)
		rcpts[n++] = m->to[i];
	for (size_t i = 0; i < m->ncc; i++)
		rcpts[n++] = m->cc[i];
	/* RFC 5436 section 2.7: null sender stays null (MUST) */
	if (req->env_from != NULL && *req->env_from == '\0')
		env = "";
	else
		env = st->envelope_from ? st->envelope_from
					: mt_safe(req->env_to, "");
	r = st->host->send_mail(st->host, env, rcpts, n, msg, strlen(msg),
				&error);
	free(msg);
	if (r == SIREN_NOTIFY_MAIL_OK)
		notify_outcome(out, SIREN_NOTIFY_DELIVERED,
			       "mailto: submitted to %zu recipient%s", n,
			       n == 1 ? "" : "s");
	else
		notify_outcome(out, r == SIREN_NOTIFY_MAIL_PERMFAIL
					    ? SIREN_NOTIFY_FAILED
					    : SIREN_NOTIFY_RETRY,
			       "mailto: %.200s", error ? error : "send failed");
}

static void mt_deliver(void *state, const struct siren_notify_request *req,
		       struct siren_notify_outcome *out)
{
	struct mailto *st = state;
	const char *error = NULL;
	struct mt_uri m;

	memset(&m, 0, sizeof(m));
	out->retry_after = 0;
	if (mt_auto_submitted(req->auto_submitted)) {
		/* RFC 5436 3.2: SHOULD NOT notify; also breaks loops */
		notify_outcome(out, SIREN_NOTIFY_FAILED,
			       "auto-submitted message");
	} else if (!mt_parse(st, req->method, &m, &error)) {
		notify_outcome(out, SIREN_NOTIFY_FAILED, "invalid URI: %s",
			       error);
	} else {
		mt_send(st, req, &m, out);
	}
	mt_clear(&m);
}

static int mt_init(const struct siren_notify_host *host,
		   const struct siren_notify_config *cfg, void **state_r,
		   char **error_r)
{
	const char *maxr = cfg->get(cfg, "max_recipients");
	const char *maxh = cfg->get(cfg, "max_headers");
	struct mailto *st = calloc(1, sizeof(*st));

	if (st == NULL)
		abort();
	st->host = host;
	st->from = cfg->get(cfg, "from");
	st->envelope_from = cfg->get(cfg, "envelope_from");
	st->max_recipients = maxr ? atol(maxr) : 8;
	st->max_headers = maxh ? atol(maxh) : 16;
	if (st->max_recipients < 1 || st->max_recipients > MAX_ADDRS ||
	    st->max_headers < 0 || (st->from && !mt_addr_ok(st->from))) {
		free(st);
		*error_r = notify_strdup("[notify.mailto] bad from, "
					 "max_recipients (1-64) or "
					 "max_headers");
		return -1;
	}
	*state_r = st;
	return 0;
}

static void mt_free(void *state)
{
	free(state);
}

static const char *const mt_schemes[] = { "mailto", NULL };

const struct siren_notify_method siren_notify_method = {
	.abi_version = SIREN_NOTIFY_ABI_VERSION,
	.name = "mailto",
	.schemes = mt_schemes,
	.init = mt_init,
	.check = mt_check,
	.capability = mt_capability,
	.deliver = mt_deliver,
	.free = mt_free,
};
