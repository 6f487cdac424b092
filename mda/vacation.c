/*
 * vacation.c: builds the vacation auto-reply (RFC 5230 5, RFC 3834 3)
 * and tracks "one reply per sender per handle per period" (RFC 5230 4.2)
 * in the per-user state store.  Header text from the original message
 * arrives decoded (sieve_message_headers); it is re-encoded with RFC 2047
 * B words where it is not ASCII.  Leaves out DSN options and 8BITMIME
 * negotiation: the body goes as 8bit UTF-8 when it is not ASCII.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <unistd.h>

#include "util.h"
#include "vacation.h"

static bool vac_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/* Copy with every control character (CR and LF included) blanked, so no
 * value can start a header of its own. */
static char *vac_clean(const char *s)
{
	char *r = xstrdup(s ? s : "");

	for (char *p = r; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return r;
}

static void vac_base64(struct buf *b, const unsigned char *p, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		"abcdefghijklmnopqrstuvwxyz0123456789+/";

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = p[i] << 16;
		if (i + 1 < n)
			v |= p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		char out[4] = { tab[v >> 18 & 63], tab[v >> 12 & 63],
				i + 1 < n ? tab[v >> 6 & 63] : '=',
				i + 2 < n ? tab[v & 63] : '=' };
		buf_append(b, out, 4);
	}
}

/* RFC 2047 B words of at most 39 octets each (64 characters, so even
 * after "Subject: " a line stays under 76), never splitting a UTF-8
 * sequence, joined by folding whitespace. */
static void vac_encode_words(struct buf *b, const char *s)
{
	size_t n = strlen(s), i = 0;

	while (i < n) {
		size_t k = n - i > 39 ? 39 : n - i;
		while (k > 0 && i + k < n &&
		       ((unsigned char)s[i + k] & 0xc0) == 0x80)
			k--;
		if (k == 0)
			k = n - i > 39 ? 39 : n - i;
		if (i > 0)
			buf_puts(b, "\n ");
		buf_puts(b, "=?UTF-8?B?");
		vac_base64(b, (const unsigned char *)s + i, k);
		buf_puts(b, "?=");
		i += k;
	}
}

/* "Name: value\n", the value encoded when not ASCII. */
static void vac_header_text(struct buf *b, const char *name, const char *v)
{
	char *c = vac_clean(v);

	buf_printf(b, "%s: ", name);
	if (vac_ascii(c))
		buf_puts(b, c);
	else
		vac_encode_words(b, c);
	buf_puts(b, "\n");
	free(c);
}

/* The address inside a decoded mailbox value: between the last '<' and
 * its '>', else the whole trimmed value.  Caller frees. */
static char *vac_addr_of(const char *v)
{
	const char *lt = strrchr(v, '<'), *gt;

	if (lt != NULL && (gt = strchr(lt, '>')) != NULL)
		return xstrndup(lt + 1, (size_t)(gt - lt - 1));
	while (isspace((unsigned char)*v))
		v++;
	size_t n = strlen(v);
	while (n > 0 && isspace((unsigned char)v[n - 1]))
		n--;
	return xstrndup(v, n);
}

/* "Name: mailbox\n": ASCII values verbatim; otherwise the display name
 * (quotes dropped) as encoded words and the address in brackets. */
static void vac_header_mailbox(struct buf *b, const char *name, const char *v)
{
	char *c = vac_clean(v), *addr = vac_addr_of(c);
	const char *lt = strrchr(c, '<');

	buf_printf(b, "%s: ", name);
	if (vac_ascii(c) && lt != NULL) {
		buf_puts(b, c);
	} else if (lt == NULL || vac_ascii(addr) == false) {
		buf_printf(b, "<%s>", addr);
	} else {
		size_t s = 0, e = (size_t)(lt - c);
		while (s < e && (isspace((unsigned char)c[s]) || c[s] == '"'))
			s++;
		while (e > s && (isspace((unsigned char)c[e - 1]) ||
				 c[e - 1] == '"'))
			e--;
		char *dn = xstrndup(c + s, e - s);
		vac_encode_words(b, dn);
		buf_printf(b, " <%s>", addr);
		free(dn);
	}
	buf_puts(b, "\n");
	free(addr);
	free(c);
}

/* The To of the reply: the original From or Sender naming act->to. */
static void vac_to(struct buf *b, const struct sieve_action *act,
		   struct sieve_message *msg)
{
	static const char *const fields[] = { "from", "sender" };

	for (size_t f = 0; f < 2; f++) {
		const char *const *v;
		size_t n = sieve_message_headers(msg, fields[f], &v);
		for (size_t i = 0; i < n; i++) {
			char *a = vac_addr_of(v[i]);
			bool same = strcasecmp(a, act->to) == 0;
			free(a);
			if (same) {
				vac_header_mailbox(b, "To", v[i]);
				return;
			}
		}
	}
	vac_header_mailbox(b, "To", act->to);
}

static const char *vac_first(struct sieve_message *msg, const char *name)
{
	const char *const *v;

	return sieve_message_headers(msg, name, &v) > 0 ? v[0] : NULL;
}

/* In-Reply-To and References (RFC 5322 3.6.4), folded between ids. */
static void vac_threading(struct buf *b, struct sieve_message *msg)
{
	const char *mid = vac_first(msg, "message-id");
	const char *refs = vac_first(msg, "references");
	char *id = mid ? vac_clean(mid) : NULL;
	char *r = refs ? vac_clean(refs) : NULL;
	size_t col = 12;

	if (id != NULL && *id != '\0')
		buf_printf(b, "In-Reply-To: %s\n", id);
	if ((r == NULL || *r == '\0') && (id == NULL || *id == '\0'))
		goto out;
	buf_puts(b, "References:");
	char *all = xasprintf("%s %s", r ? r : "", id ? id : "");
	for (char *tok = strtok(all, " \t"); tok; tok = strtok(NULL, " \t")) {
		size_t n = strlen(tok);
		if (col + n + 1 > 76 && col > 12) {
			buf_puts(b, "\n");
			col = 0;
		}
		buf_printf(b, " %s", tok);
		col += n + 1;
	}
	buf_puts(b, "\n");
	free(all);
out:
	free(id);
	free(r);
}

static void vac_date_and_id(struct buf *b, const char *hostname, time_t now)
{
	unsigned char rnd[8] = { 0 };
	char date[64];
	struct tm tm;

	if (localtime_r(&now, &tm) == NULL ||
	    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S %z", &tm) == 0)
		snprintf(date, sizeof(date), "Thu, 01 Jan 1970 00:00:00 +0000");
	buf_printf(b, "Date: %s\n", date);
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
		for (size_t i = 0; i < sizeof(rnd); i++)
			rnd[i] = (unsigned char)(rand() & 0xff);
	}
	buf_printf(b, "Message-ID: <siren-vacation.%lld.%ld.", (long long)now,
		   (long)getpid());
	for (size_t i = 0; i < sizeof(rnd); i++)
		buf_printf(b, "%02x", rnd[i]);
	buf_printf(b, "@%s>\n", hostname && *hostname ? hostname : "localhost");
}

/* The body: LF line ends, ending in a newline. */
static void vac_body(struct buf *b, const char *text)
{
	for (const char *p = text; *p; p++)
		if (*p != '\r')
			buf_append(b, p, 1);
		else if (p[1] != '\n')
			buf_puts(b, "\n");
	if (*text == '\0' || text[strlen(text) - 1] != '\n')
		buf_puts(b, "\n");
}

char *vacation_build_reply(const struct sieve_action *act,
			   struct sieve_message *msg, const char *recipient,
			   const char *hostname, time_t now, size_t *len_r)
{
	struct buf b = { 0 };
	const char *reason = act->reason ? act->reason : "";

	vac_header_mailbox(&b, "From", act->from && *act->from ? act->from :
			   recipient);
	vac_to(&b, act, msg);
	if (act->subject != NULL) {
		vac_header_text(&b, "Subject", act->subject);
	} else {
		const char *orig = vac_first(msg, "subject");
		char *s = orig ? xasprintf("Auto: %s", orig) :
			xstrdup("Automated reply");
		vac_header_text(&b, "Subject", s);
		free(s);
	}
	vac_date_and_id(&b, hostname, now);
	vac_threading(&b, msg);
	buf_puts(&b, "Auto-Submitted: auto-replied\n");
	buf_puts(&b, "MIME-Version: 1.0\n");
	if (act->mime) {
		/* RFC 5230 4.8: the reason is a MIME entity, headers first */
		vac_body(&b, reason);
	} else {
		buf_puts(&b, "Content-Type: text/plain; charset=utf-8\n");
		buf_printf(&b, "Content-Transfer-Encoding: %s\n\n",
			   vac_ascii(reason) ? "7bit" : "8bit");
		vac_body(&b, reason);
	}
	*len_r = b.len;
	return buf_steal(&b);
}

bool vacation_should_send(struct state *st, const struct sieve_action *act,
			  time_t now)
{
	char *key, *p;
	bool send;

	if (act->seconds == 0)
		return true;
	key = xasprintf("%s\n%s", act->handle ? act->handle : "",
			act->to ? act->to : "");
	for (p = strchr(key, '\n'); *p; p++)
		*p = (char)tolower((unsigned char)*p);
	send = state_check_and_mark(st, "vacation", key, now, act->seconds);
	free(key);
	return send;
}
