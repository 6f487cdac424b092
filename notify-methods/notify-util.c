/*
 * notify-util.c: helpers linked into every siren notify plugin.  URI
 * syntax follows RFC 3986 (section 2: characters and percent-encoding);
 * Retry-After follows RFC 9110 section 10.2.3.  Not a general URI parser:
 * method URIs here have no authority part except the http(s) ones, which
 * the webhook plugin checks with libcurl's parser.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "notify-util.h"

/* ---- buffers -------------------------------------------------------- */

static void *nu_realloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		abort();	/* as siren's xmalloc: nothing half-done */
	return p;
}

void nbuf_add(struct nbuf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->data = nu_realloc(b->data, b->cap);
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void nbuf_puts(struct nbuf *b, const char *s)
{
	nbuf_add(b, s, strlen(s));
}

void nbuf_printf(struct nbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	nbuf_add(b, "", 0);
	if (b->len + (size_t)n + 1 > b->cap) {
		b->cap = b->len + (size_t)n + 1;
		b->data = nu_realloc(b->data, b->cap);
	}
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

char *nbuf_steal(struct nbuf *b)
{
	char *s;

	nbuf_add(b, "", 0);
	s = b->data;
	memset(b, 0, sizeof(*b));
	return s;
}

char *notify_strdup(const char *s)
{
	struct nbuf b = { 0 };

	nbuf_puts(&b, s ? s : "");
	return nbuf_steal(&b);
}

char *notify_base_url(const char *configured, const char *dflt)
{
	char *url = notify_strdup(configured ? configured : dflt);
	size_t n = strlen(url);

	if (n > 0 && url[n - 1] == '/')
		url[n - 1] = '\0';
	return url;
}

char *notify_asprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	s = nu_realloc(NULL, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

/* ---- URIs ------------------------------------------------------------ */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* RFC 3986 unreserved / sub-delims / ":" "@" "/" "?" plus "%" */
static int uri_char_ok(unsigned char c)
{
	return isalnum(c) || strchr("-._~!$&'()*+,;=:@/?%", c) != NULL;
}

/* Decode s[0..n) into a new string; NULL on bad %XX, a decoded NUL, or
 * (unless crlf_ok) a decoded CR or LF. */
static char *pct_decode(const char *s, size_t n, int crlf_ok)
{
	struct nbuf b = { 0 };

	nbuf_add(&b, "", 0);
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '%') {
			if (i + 2 >= n) {
				free(b.data);
				return NULL;
			}
			int h = hexval((unsigned char)s[i + 1]);
			int l = hexval((unsigned char)s[i + 2]);
			if (h < 0 || l < 0 || (h == 0 && l == 0) ||
			    (!crlf_ok && h == 0 && (l == 10 || l == 13))) {
				free(b.data);
				return NULL;
			}
			c = (char)(h * 16 + l);
			i += 2;
		}
		nbuf_add(&b, &c, 1);
	}
	return nbuf_steal(&b);
}

static int parse_query(const char *q, struct notify_uri *u,
		       const char **error_r)
{
	while (*q != '\0') {
		size_t len = strcspn(q, "&");
		const char *eq = memchr(q, '=', len);

		if (eq == NULL || eq == q) {
			*error_r = "query item is not name=value";
			return -1;
		}
		u->params = nu_realloc(u->params,
				       (u->nparams + 1) * sizeof(*u->params));
		struct notify_param *p = &u->params[u->nparams++];
		p->name = pct_decode(q, (size_t)(eq - q), 0);
		p->value = pct_decode(eq + 1, len - (size_t)(eq - q) - 1, 1);
		if (p->name == NULL || p->value == NULL) {
			*error_r = "bad percent-encoding in query";
			return -1;
		}
		q += len;
		if (*q == '&' && *++q == '\0') {
			*error_r = "empty query item";
			return -1;
		}
	}
	return 0;
}

int notify_uri_parse(const char *uri, struct notify_uri *u,
		     const char **error_r)
{
	const char *colon = strchr(uri, ':'), *q;

	memset(u, 0, sizeof(*u));
	if (colon == NULL || colon == uri) {
		*error_r = "no URI scheme";
		return -1;
	}
	for (const char *p = colon + 1; *p != '\0'; p++) {
		if (!uri_char_ok((unsigned char)*p)) {
			*error_r = *p == '#' ? "fragment not allowed"
					     : "character not allowed in URI";
			return -1;
		}
	}
	u->scheme = pct_decode(uri, (size_t)(colon - uri), 0);
	for (char *s = u->scheme; s && *s; s++)
		*s = (char)tolower((unsigned char)*s);
	q = strchr(colon + 1, '?');
	u->path = pct_decode(colon + 1,
			     q ? (size_t)(q - colon - 1) : strlen(colon + 1), 0);
	if (u->scheme == NULL || u->path == NULL) {
		*error_r = "bad percent-encoding";
		return -1;
	}
	if (q != NULL && (q[1] == '\0' || strchr(q + 1, '?') != NULL)) {
		*error_r = q[1] == '\0' ? "empty query" : "'?' in query";
		return -1;
	}
	return q ? parse_query(q + 1, u, error_r) : 0;
}

void notify_uri_clear(struct notify_uri *u)
{
	for (size_t i = 0; i < u->nparams; i++) {
		free(u->params[i].name);
		free(u->params[i].value);
	}
	free(u->params);
	free(u->scheme);
	free(u->path);
	memset(u, 0, sizeof(*u));
}

const char *notify_uri_param(const struct notify_uri *u, const char *name)
{
	const char *v = NULL;

	for (size_t i = 0; i < u->nparams; i++)
		if (u->params[i].name && strcasecmp(u->params[i].name, name) == 0)
			v = u->params[i].value;
	return v;
}

int notify_uri_params_known(const struct notify_uri *u,
			    const char *const *allowed, const char **bad_r)
{
	for (size_t i = 0; i < u->nparams; i++) {
		const char *const *a = allowed;

		while (*a != NULL && strcasecmp(*a, u->params[i].name) != 0)
			a++;
		if (*a == NULL) {
			*bad_r = u->params[i].name;
			return 0;
		}
	}
	return 1;
}

const char *notify_option(const char *const *options, size_t n,
			  const char *name)
{
	size_t len = strlen(name);
	const char *v = NULL;

	for (size_t i = 0; i < n; i++)
		if (strncasecmp(options[i], name, len) == 0 &&
		    options[i][len] == '=')
			v = options[i] + len + 1;
	return v;
}

/* ---- encoding -------------------------------------------------------- */

void notify_pct_encode(struct nbuf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	nbuf_add(b, "", 0);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || c == '-' || c == '.' || c == '_' ||
		    c == '~') {
			nbuf_add(b, s, 1);
		} else {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };
			nbuf_add(b, e, 3);
		}
	}
}

void notify_form_add(struct nbuf *b, const char *name, const char *value)
{
	if (b->len > 0)
		nbuf_puts(b, "&");
	notify_pct_encode(b, name);
	nbuf_puts(b, "=");
	notify_pct_encode(b, value);
}

size_t notify_utf8_prefix(const char *s, size_t maxchars)
{
	size_t i = 0, chars = 0;

	while (s[i] != '\0' && chars < maxchars) {
		i++;
		/* skip continuation bytes 10xxxxxx of this character */
		while (((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		chars++;
	}
	return i;
}

/* Length of the valid UTF-8 sequence at s (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF), 0 when invalid. */
static size_t utf8_seq(const unsigned char *s)
{
	size_t n;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		n = 2, cp = s[0] & 0x1F;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		n = 3, cp = s[0] & 0x0F;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	return n;
}

char *notify_utf8_clean(const char *s)
{
	struct nbuf b = { 0 };

	nbuf_add(&b, "", 0);
	while (s != NULL && *s != '\0') {
		size_t n = utf8_seq((const unsigned char *)s);
		if (n == 0) {
			nbuf_puts(&b, "\xEF\xBF\xBD");	/* U+FFFD */
			s++;
		} else {
			nbuf_add(&b, s, n);
			s += n;
		}
	}
	return nbuf_steal(&b);
}

char *notify_utf8_truncate(const char *s, size_t maxchars)
{
	struct nbuf b = { 0 };

	s = s ? s : "";
	nbuf_add(&b, s, notify_utf8_prefix(s, maxchars));
	return nbuf_steal(&b);
}

static char *default_text(const struct siren_notify_request *r)
{
	int has_from = r->msg_from && *r->msg_from;
	int has_subject = r->msg_subject && *r->msg_subject;

	if (has_from && has_subject)
		return notify_asprintf("%s: %s", r->msg_from, r->msg_subject);
	if (has_from || has_subject)
		return notify_strdup(has_from ? r->msg_from : r->msg_subject);
	return notify_strdup("New mail");
}

char *notify_default_text(const struct siren_notify_request *r)
{
	char *raw = default_text(r), *clean = notify_utf8_clean(raw);

	free(raw);
	return clean;
}

char *notify_message_text(const struct siren_notify_request *r)
{
	if (r->message != NULL && *r->message != '\0')
		return notify_utf8_clean(r->message);
	return notify_default_text(r);
}

int notify_has_ctl(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

int notify_yes(const char *s)
{
	return s != NULL && (strcasecmp(s, "yes") == 0 ||
			     strcasecmp(s, "true") == 0 ||
			     strcasecmp(s, "on") == 0 || strcmp(s, "1") == 0);
}

/* ---- outcomes -------------------------------------------------------- */

void notify_outcome(struct siren_notify_outcome *out,
		    enum siren_notify_status status, const char *fmt, ...)
{
	va_list ap;

	out->status = status;
	va_start(ap, fmt);
	vsnprintf(out->reason, sizeof(out->reason), fmt, ap);
	va_end(ap);
}

long notify_retry_after(const char *value, time_t now)
{
	const long cap = 86400;
	struct tm tm;
	char *end;
	long secs;

	if (value == NULL)
		return 0;
	while (*value == ' ' || *value == '\t')
		value++;
	if (isdigit((unsigned char)*value)) {
		secs = strtol(value, &end, 10);
		return *end == '\0' || *end == ' ' ? (secs > cap ? cap : secs)
						   : 0;
	}
	memset(&tm, 0, sizeof(tm));
	end = strptime(value, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	if (end == NULL)
		return 0;
	secs = (long)(timegm(&tm) - now);
	return secs < 0 ? 0 : secs > cap ? cap : secs;
}

/* First line of a response body, printable ASCII only, for reasons. */
static void body_excerpt(const char *body, char *buf, size_t n)
{
	size_t i = 0;

	for (; body && *body && *body != '\n' && i + 1 < n && i < 80; body++)
		buf[i++] = (*body >= 0x20 && *body < 0x7f) ? *body : '?';
	buf[i] = '\0';
}

void notify_classify(long status, const struct siren_notify_header *headers,
		     size_t nheaders, const char *body, time_t now,
		     struct siren_notify_outcome *out)
{
	char ex[96];

	body_excerpt(body, ex, sizeof(ex));
	out->retry_after = 0;
	if (status >= 200 && status < 300) {
		notify_outcome(out, SIREN_NOTIFY_DELIVERED, "HTTP %ld", status);
	} else if (status == 408 || status == 425 || status == 429 ||
		   (status >= 500 && status < 600)) {
		notify_outcome(out, SIREN_NOTIFY_RETRY, "HTTP %ld %s", status,
			       ex);
		out->retry_after = notify_retry_after(
			siren_notify_header_get(headers, nheaders,
						"Retry-After"), now);
	} else if (status >= 300 && status < 400) {
		notify_outcome(out, SIREN_NOTIFY_FAILED,
			       "HTTP %ld: redirects are not followed", status);
	} else {
		notify_outcome(out, SIREN_NOTIFY_FAILED, "HTTP %ld %s", status,
			       ex);
	}
}
