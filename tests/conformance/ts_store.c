/*
 * ts_store.c: the runner's in-memory mail store and outgoing-mail sink,
 * and test_result_execute: keep/fileinto store the message with its
 * flags, redirect copies it to the sink, reject/ereject send a bounce
 * (RFC 5429 2.1, shaped like an MDN), vacation a reply (RFC 5230 5),
 * mailto notifications a message per recipient (RFC 5436 2).  These are
 * test-harness builders, not the MDA's; they carry what the suite
 * inspects (addresses, subject, references, auto-submitted, body).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../../sieve/enotify.h"
#include "../../sieve/message_int.h"
#include "ts.h"

/* ---- store ------------------------------------------------------------ */

/* INBOX is case-insensitive, also as the top of a hierarchy
 * ("Inbox.Junk" is "INBOX.Junk", RFC 3501 5.1). */
static bool name_eq(const char *a, const char *b)
{
	bool ia = strncasecmp(a, "INBOX", 5) == 0 && (a[5] == '\0' ||
						      a[5] == '.');
	bool ib = strncasecmp(b, "INBOX", 5) == 0 && (b[5] == '\0' ||
						      b[5] == '.');
	if (ia && ib)
		return strcmp(a + 5, b + 5) == 0;
	return strcmp(a, b) == 0;
}

struct ts_folder *ts_folder_find(const char *name)
{
	for (size_t i = 0; i < ts.nfolders; i++)
		if (name_eq(ts.folders[i].name, name))
			return &ts.folders[i];
	return NULL;
}

bool ts_folder_create(const char *name)
{
	if (ts_folder_find(name) != NULL || name[0] == '\0')
		return false;
	ts.folders = sv_realloc(ts.folders, (ts.nfolders + 1) *
				sizeof(*ts.folders));
	struct ts_folder *f = &ts.folders[ts.nfolders++];
	memset(f, 0, sizeof(*f));
	f->name = sv_strdup(name);
	return true;
}

static void folder_add(struct ts_folder *f, const char *const *flags,
		       size_t nflags)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 4;
		f->msgs = sv_realloc(f->msgs, f->cap * sizeof(*f->msgs));
	}
	struct ts_stored *m = &f->msgs[f->n++];
	m->data = ts.msg_data;
	m->len = ts.msg_len;
	m->flags = sv_calloc(nflags + 1, sizeof(*m->flags));
	for (size_t i = 0; i < nflags; i++)
		m->flags[i] = ts_keep(sv_strdup(flags[i]));
	m->nflags = nflags;
}

/* A name the test store (Maildir++-like, "." separator) can hold. */
static bool name_valid(const char *name)
{
	size_t len = strlen(name);
	if (len == 0 || strchr(name, '/') != NULL || name[0] == '.' ||
	    name[len - 1] == '.' || strstr(name, "..") != NULL)
		return false;
	return sv_utf8_valid(name, len);
}

static bool store(const char *mailbox, bool create, const char *const *flags,
		  size_t nflags)
{
	if (!name_valid(mailbox)) {
		char *e = sv_asprintf("failed to store into mailbox '%s': "
				      "Invalid mailbox name", mailbox);
		ts_errors_add(e);
		free(e);
		return false;
	}
	struct ts_folder *f = ts_folder_find(mailbox);
	if (f == NULL && create && sv_utf8_valid(mailbox, strlen(mailbox)))
		ts_folder_create(mailbox);
	f = ts_folder_find(mailbox);
	if (f == NULL) {
		char *e = sv_asprintf("failed to store into mailbox '%s': "
				      "Mailbox doesn't exist: %s", mailbox,
				      mailbox);
		ts_errors_add(e);
		free(e);
		return false;
	}
	folder_add(f, flags, nflags);
	return true;
}

void ts_store_free(void)
{
	for (size_t i = 0; i < ts.nfolders; i++) {
		for (size_t j = 0; j < ts.folders[i].n; j++)
			free(ts.folders[i].msgs[j].flags);
		free(ts.folders[i].msgs);
		free(ts.folders[i].name);
	}
	free(ts.folders);
	free(ts.sent);
}

/* ---- sink --------------------------------------------------------------- */

static void sink(const char *data, size_t len, const char *from,
		 const char *to)
{
	ts.sent = sv_realloc(ts.sent, (ts.nsent + 1) * sizeof(*ts.sent));
	struct ts_sent *s = &ts.sent[ts.nsent++];
	s->data = data;
	s->len = len;
	s->from = ts_keep(sv_strdup(from ? from : ""));
	s->to = ts_keep(sv_strdup(to));
}

void ts_sink_clear(void)
{
	ts.nsent = 0;
}

static void sink_str(struct sv_str *b, const char *from, const char *to)
{
	size_t len = b->len;
	char *data = ts_keep(b->s ? sv_str_steal(b) : sv_strdup(""));
	sink(data, len, from, to);
}

/* ---- builders ----------------------------------------------------------- */

static const char postmaster[] = "postmaster@example.com";

static void b64(struct sv_str *b, const unsigned char *s, size_t len)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		"abcdefghijklmnopqrstuvwxyz0123456789+/";
	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned)s[i] << 16;
		if (i + 1 < len)
			v |= (unsigned)s[i + 1] << 8;
		if (i + 2 < len)
			v |= s[i + 2];
		sv_str_addc(b, tab[(v >> 18) & 63]);
		sv_str_addc(b, tab[(v >> 12) & 63]);
		sv_str_addc(b, i + 1 < len ? tab[(v >> 6) & 63] : '=');
		sv_str_addc(b, i + 2 < len ? tab[v & 63] : '=');
	}
}

/* A header field; non-ASCII text as one RFC 2047 B encoded-word. */
static void header(struct sv_str *b, const char *name, const char *value)
{
	bool ascii = true;
	for (const char *p = value; *p; p++)
		if ((unsigned char)*p >= 0x80 || *p == '\n' || *p == '\r')
			ascii = false;
	sv_str_adds(b, name);
	sv_str_adds(b, ": ");
	if (ascii) {
		sv_str_adds(b, value);
	} else {
		sv_str_adds(b, "=?utf-8?B?");
		b64(b, (const unsigned char *)value, strlen(value));
		sv_str_adds(b, "?=");
	}
	sv_str_adds(b, "\n");
}

static void common_headers(struct sv_str *b)
{
	char date[64];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	header(b, "Date", date);
	char *id = sv_asprintf("<%ld.%zu.siren-testsuite@example.com>",
			       (long)now, ts.nsent);
	header(b, "Message-ID", id);
	free(id);
}

static const char *orig_header(const char *name)
{
	const char *const *v;
	return sieve_message_headers_raw(ts.msg, name, &v) > 0 ? v[0] : NULL;
}

static void send_reject(const struct sieve_action *a)
{
	if (ts.env.from == NULL || ts.env.from[0] == '\0')
		return;	/* never bounce to the null sender */
	struct sv_str b = { 0 };
	common_headers(&b);
	header(&b, "From", "Postmaster <postmaster@example.com>");
	header(&b, "To", ts.env.from);
	header(&b, "Subject", "Automatically rejected mail");
	header(&b, "Auto-Submitted", "auto-replied (rejected)");
	header(&b, "Precedence", "bulk");
	header(&b, "MIME-Version", "1.0");
	sv_str_adds(&b, "Content-Type: multipart/report; "
		    "report-type=disposition-notification;\n"
		    "\tboundary=\"siren-reject\"\n\n"
		    "--siren-reject\nContent-Type: text/plain; charset=utf-8\n"
		    "Content-Transfer-Encoding: 8bit\n\n");
	sv_str_adds(&b, a->reason);
	sv_str_adds(&b, "\n--siren-reject\nContent-Type: "
		    "message/disposition-notification\n\n"
		    "Reporting-UA: siren-testsuite\nFinal-Recipient: rfc822; ");
	sv_str_adds(&b, ts.env.to ? ts.env.to : "");
	sv_str_adds(&b, "\nDisposition: automatic-action/MDN-sent-"
		    "automatically; deleted\n\n--siren-reject\n"
		    "Content-Type: message/rfc822\n\n");
	sv_str_add(&b, ts.msg_data, ts.msg_len);
	sv_str_adds(&b, "\n--siren-reject--\n");
	sink_str(&b, "", ts.env.from);
}

static bool own_address(const struct sieve_action *a, const char *addr)
{
	if (ts.env.to && strcasecmp(addr, ts.env.to) == 0)
		return true;
	if (ts.user_email && strcasecmp(addr, ts.user_email) == 0)
		return true;
	for (size_t i = 0; i < a->naddresses; i++)
		if (strcasecmp(addr, a->addresses[i]) == 0)
			return true;
	return false;
}

/* The reply's From: :from, else the user's own address the message was
 * sent to (RFC 5230 4.5 headers), else the user address. */
static const char *vacation_from(const struct sieve_action *a)
{
	static const char *const hdrs[] = {
		"to", "cc", "bcc", "resent-to", "resent-cc", "resent-bcc", NULL
	};
	if (a->from != NULL)
		return a->from;
	for (size_t h = 0; hdrs[h]; h++) {
		const struct sieve_address *ad;
		size_t n = sieve_message_addresses(ts.msg, hdrs[h], &ad);
		for (size_t i = 0; i < n; i++)
			if (ad[i].localpart && own_address(a, ad[i].all))
				return ad[i].all;
	}
	return ts.user_email ? ts.user_email : ts.env.to;
}

static void send_vacation(const struct sieve_action *a)
{
	if (a->to == NULL || a->to[0] == '\0')
		return;
	struct sv_str b = { 0 };
	const char *from = vacation_from(a);
	common_headers(&b);
	header(&b, "From", from);
	header(&b, "To", a->to_header ? a->to_header : a->to);
	header(&b, "Subject", a->subject ? a->subject : "Automated reply");
	const char *id = orig_header("message-id");
	if (id != NULL) {
		header(&b, "In-Reply-To", id);
		const char *refs = orig_header("references");
		char *r = refs ? sv_asprintf("%s %s", refs, id) : sv_strdup(id);
		header(&b, "References", r);
		free(r);
	}
	header(&b, "Auto-Submitted", "auto-replied (vacation)");
	header(&b, "Precedence", "bulk");
	header(&b, "MIME-Version", "1.0");
	if (!a->mime)
		sv_str_adds(&b, "Content-Type: text/plain; charset=utf-8\n"
			    "Content-Transfer-Encoding: 8bit\n\n");
	sv_str_adds(&b, a->reason);
	sv_str_adds(&b, "\n");
	sink_str(&b, a->envelope_from ? a->envelope_from : "", a->to);
}

/* Envelope sender of a mailto notification: null for a null-sender
 * message, else per sieve_notify_mailto_envelope_from, else :from, else
 * the postmaster. */
static const char *mailto_envelope_from(const struct sieve_action *a)
{
	if (ts.env.from == NULL || ts.env.from[0] == '\0')
		return "";
	const char *m = ts.mailto_from;
	char *t = m ? ts_keep(ts_address_only(m)) : NULL;
	if (t != NULL && strcasecmp(t, "sender") == 0)
		return ts.env.from;
	if (t != NULL && strcasecmp(t, "recipient") == 0)
		return ts.env.to;
	if (t != NULL && strcasecmp(t, "orig_recipient") == 0)
		return ts.env.orig_to ? ts.env.orig_to : ts.env.to;
	if (t != NULL && strcasecmp(t, "user_email") == 0)
		return ts.user_email ? ts.user_email : ts.env.to;
	if (t != NULL && strchr(t, '@') != NULL)
		return t;
	if (a->notify_from != NULL)
		return ts_keep(ts_address_only(a->notify_from));
	return postmaster;
}

static char *pct_decode(const char *s, size_t len)
{
	struct sv_str b = { 0 };
	for (size_t i = 0; i < len; i++) {
		unsigned v;
		if (s[i] == '%' && i + 2 < len + 0 &&
		    sscanf(s + i + 1, "%2x", &v) == 1) {
			sv_str_addc(&b, (char)v);
			i += 2;
		} else {
			sv_str_addc(&b, s[i]);
		}
	}
	return b.s ? sv_str_steal(&b) : sv_strdup("");
}

/* Is addr (an addr-spec) already among the seen ones?  Records it. */
static bool seen_addr(char ***seen, size_t *n, const char *addr)
{
	for (size_t i = 0; i < *n; i++)
		if (strcasecmp((*seen)[i], addr) == 0)
			return true;
	*seen = sv_realloc(*seen, (*n + 1) * sizeof(**seen));
	(*seen)[(*n)++] = sv_strdup(addr);
	return false;
}

/* Append the items of list (a decoded address list) that were not seen
 * to out, ", "-separated. */
static void add_items(struct sv_str *out, const char *list, char ***seen,
		      size_t *nseen)
{
	struct sieve_address *a = NULL;
	size_t n = sieve_address_list_parse(list, &a);
	for (size_t i = 0; i < n; i++) {
		if (a[i].localpart == NULL || seen_addr(seen, nseen, a[i].all))
			continue;
		if (out->len)
			sv_str_adds(out, ", ");
		if (a[i].name && a[i].name[0]) {
			sv_str_adds(out, a[i].name);
			sv_str_adds(out, " <");
			sv_str_adds(out, a[i].all);
			sv_str_adds(out, ">");
		} else {
			sv_str_adds(out, a[i].all);
		}
	}
	sieve_address_list_free(a, n);
}

/* The To and Cc header values of a mailto URI (RFC 6068 2), duplicates
 * dropped. */
static void mailto_to_cc(const char *uri, struct sv_str *to, struct sv_str *cc)
{
	char **seen = NULL;
	size_t nseen = 0;
	const char *p = uri + 7, *q = strchr(p, '?');
	char *part = pct_decode(p, q ? (size_t)(q - p) : strlen(p));
	add_items(to, part, &seen, &nseen);
	free(part);
	for (int pass = 0; pass < 2 && q; pass++) {
		for (const char *h = q + 1; *h;) {
			const char *amp = strchr(h, '&');
			size_t hl = amp ? (size_t)(amp - h) : strlen(h);
			const char *name = pass == 0 ? "to=" : "cc=";
			if (hl > 3 && strncasecmp(h, name, 3) == 0) {
				char *v = pct_decode(h + 3, hl - 3);
				add_items(pass == 0 ? to : cc, v, &seen, &nseen);
				free(v);
			}
			h += hl + (amp != NULL);
		}
	}
	for (size_t i = 0; i < nseen; i++)
		free(seen[i]);
	free(seen);
}

/* At most 256 code points, the last an ellipsis when cut. */
static char *cut_subject(const char *s)
{
	size_t cps = 0, i = 0, cut = 0;
	for (; s[i]; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80) {
			if (cps == 255)
				cut = i;
			cps++;
		}
	if (cps <= 256)
		return sv_strdup(s);
	return sv_asprintf("%.*s\xe2\x80\xa6", (int)cut, s);
}

static void mailto_priority(struct sv_str *b, int importance)
{
	static const char *const xp[] = { "1 (Highest)", "3 (Normal)",
					   "5 (Lowest)" };
	static const char *const imp[] = { "high", "normal", "low" };
	int i = importance >= 1 && importance <= 3 ? importance - 1 : 1;
	header(b, "X-Priority", xp[i]);
	header(b, "Importance", imp[i]);
}

static void mailto_one(const struct sieve_action *a,
		       const struct sieve_mailto *m, const char *rcpt,
		       const char *to, const char *cc)
{
	struct sv_str b = { 0 };
	common_headers(&b);
	const char *from = a->notify_from ? a->notify_from : ts.user_email ?
		ts.user_email : postmaster;
	header(&b, "From", from);
	if (to[0])
		header(&b, "To", to);
	if (cc[0])
		header(&b, "Cc", cc);
	char *subj = cut_subject(m->subject ? m->subject : a->message ?
				 a->message : "Notification of new message");
	header(&b, "Subject", subj);
	free(subj);
	for (size_t i = 0; i < m->nheaders; i++)
		header(&b, m->headers[i].name, m->headers[i].value);
	header(&b, "Auto-Submitted", "auto-notified; owner-email=\"recipient\"");
	header(&b, "X-Sieve", "siren-testsuite");
	mailto_priority(&b, a->importance);
	header(&b, "MIME-Version", "1.0");
	sv_str_adds(&b, "Content-Type: text/plain; charset=utf-8\n"
		    "Content-Transfer-Encoding: 8bit\n\n");
	sv_str_adds(&b, m->body ? m->body : a->message ? a->message : "");
	sv_str_adds(&b, "\n");
	sink_str(&b, mailto_envelope_from(a), rcpt);
}

/* RFC 5436 2.7: no notification about an auto-submitted message. */
static bool auto_submitted(void)
{
	const char *v = orig_header("auto-submitted");
	return v != NULL && strncasecmp(v, "no", 2) != 0;
}

static bool send_notify(const struct sieve_action *a)
{
	if (strncasecmp(a->method, "mailto:", 7) != 0)
		return true;	/* other methods go to plugins: not here */
	if (auto_submitted())
		return true;
	struct sieve_mailto *m = NULL;
	char *err = NULL;
	if (!sieve_mailto_parse(a->method, &m, &err)) {
		ts_errors_add(err ? err : "invalid mailto URI");
		free(err);
		return false;
	}
	struct sv_str to = { 0 }, cc = { 0 };
	mailto_to_cc(a->method, &to, &cc);
	for (size_t i = 0; i < m->nrecipients; i++)
		mailto_one(a, m, m->recipients[i], to.s ? to.s : "",
			   cc.s ? cc.s : "");
	sv_str_free(&to);
	sv_str_free(&cc);
	sieve_mailto_free(&m);
	return true;
}

/* sieve_redirect_envelope_from (TESTSUITE-LANGUAGE.md 7). */
static const char *redirect_from(void)
{
	const char *v = ts.redirect_from;
	if (v == NULL)
		return ts.env.from;
	char *t = ts_keep(ts_address_only(v));
	for (char *p = t; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	if (strcmp(t, "recipient") == 0)
		return ts.env.to;
	if (strcmp(t, "orig_recipient") == 0)
		return ts.env.orig_to ? ts.env.orig_to : ts.env.to;
	if (strcmp(t, "user_email") == 0)
		return ts.user_email ? ts.user_email : ts.env.to;
	if (strcmp(t, "postmaster") == 0)
		return postmaster;
	if (strcmp(t, "sender") == 0 || strcmp(t, "default") == 0)
		return ts.env.from;
	return t;	/* an explicit <address>, or "" */
}

/* Redirect as Pigeonhole does it: an X-Sieve-Redirected-From field
 * naming the user on top, and no second redirect of a message that
 * already carries the user's own one (a loop). */
static void send_redirect(const struct sieve_action *a)
{
	const char *user = ts.user_email ? ts.user_email :
		ts.env.to ? ts.env.to : "";
	const char *const *v;
	size_t n = sieve_message_headers_raw(ts.msg, "x-sieve-redirected-from",
					     &v);
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(v[i], user) == 0 ||
		    (ts.env.to && strcasecmp(v[i], ts.env.to) == 0))
			return;
	struct sv_str b = { 0 };
	header(&b, "X-Sieve-Redirected-From", user);
	sv_str_add(&b, ts.msg_data, ts.msg_len);
	const char *from = ts.env.from == NULL || ts.env.from[0] == '\0' ?
		"" : redirect_from();
	sink_str(&b, from, a->address);
}

/* ---- executing the result -------------------------------------------- */

static bool execute_one(const struct sieve_action *a)
{
	switch (a->type) {
	case SIEVE_ACT_KEEP:
		return store("INBOX", false, a->flags, a->nflags);
	case SIEVE_ACT_FILEINTO:
		return store(a->mailbox, a->create, a->flags, a->nflags);
	case SIEVE_ACT_REDIRECT:
		send_redirect(a);
		return true;
	case SIEVE_ACT_REJECT:
	case SIEVE_ACT_EREJECT:
		send_reject(a);
		return true;
	case SIEVE_ACT_VACATION:
		send_vacation(a);
		return true;
	case SIEVE_ACT_NOTIFY:
		return send_notify(a);
	case SIEVE_ACT_DISCARD:
		return true;
	}
	return true;
}

static bool keep_handled(const struct sieve_result *res)
{
	for (size_t i = 0; i < sieve_result_count(res); i++) {
		const struct sieve_action *a = sieve_result_action(res, i);
		if (a->type == SIEVE_ACT_KEEP ||
		    (a->type == SIEVE_ACT_FILEINTO &&
		     strcasecmp(a->mailbox, "INBOX") == 0))
			return true;
	}
	return false;
}

bool ts_result_execute(struct sieve_run *run)
{
	struct sieve_result *res = run->result;
	size_t n = sieve_result_count(res);
	bool ok = true;
	bool first = ts.executed == 0;
	for (size_t i = ts.executed; i < n; i++)
		if (!execute_one(sieve_result_action(res, i)))
			ok = false;
	ts.executed = n;
	bool implicit = !ok || (first && !sieve_result_keep_cancelled(res) &&
				!keep_handled(res));
	if (implicit) {
		const char **flags = NULL;
		size_t nflags;
		if (ts.sub_flags) {
			flags = ts.keep_flags;
			nflags = ts.nkeep_flags;
		} else {
			nflags = sieve_imap4flags_internal(run, &flags);
		}
		if (!store("INBOX", false, flags, nflags))
			ok = false;
	}
	return ok;
}
