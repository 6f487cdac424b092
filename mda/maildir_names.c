/*
 * maildir_names.c: Sieve mailbox names -> Maildir++ directory names, as
 * Dovecot's default `maildir++` layout stores them: INBOX is the root,
 * "Work/Reports" or "Work.Reports" is `.Work.Reports`, each component in
 * RFC 3501 5.1.3 modified UTF-7.  Both '/' and '.' are accepted as the
 * hierarchy separator; names a filesystem could misread are refused.
 * Also the Maildir++ `subscriptions` file (Dovecot's formats 1 and 2;
 * new files get format 2: "V\t2\n\n", then levels separated by tabs).
 * Left out: Dovecot's listescape plugin and the UTF8 mail-location option.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "log.h"
#include "maildir.h"
#include "maildir_private.h"
#include "util.h"

/* Longest directory name we create: NAME_MAX is 255, keep a margin. */
#define MAILDIR_FOLDER_MAX 240

/* Decode one UTF-8 sequence; returns its length, 0 when invalid
 * (overlong forms, surrogates and code points past U+10FFFF included). */
static size_t utf8_next(const unsigned char *s, uint32_t *cp_r)
{
	static const uint32_t min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t n;
	uint32_t cp;

	if (s[0] < 0x80) {
		*cp_r = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0)
		n = 2, cp = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3, cp = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*cp_r = cp;
	return n;
}

static const char mutf7_b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

struct mutf7_state {
	struct buf *out;
	uint32_t bits;
	int nbits;
	int open;
};

static void mutf7_put16(struct mutf7_state *st, uint32_t unit)
{
	if (!st->open) {
		buf_puts(st->out, "&");
		st->open = 1;
	}
	st->bits = (st->bits << 16) | unit;
	st->nbits += 16;
	while (st->nbits >= 6) {
		st->nbits -= 6;
		buf_append(st->out, &mutf7_b64[(st->bits >> st->nbits) & 0x3f], 1);
	}
	st->bits &= (1u << st->nbits) - 1;
}

static void mutf7_close(struct mutf7_state *st)
{
	if (!st->open)
		return;
	if (st->nbits > 0)
		buf_append(st->out,
			   &mutf7_b64[(st->bits << (6 - st->nbits)) & 0x3f], 1);
	buf_puts(st->out, "-");
	st->bits = 0;
	st->nbits = 0;
	st->open = 0;
}

int maildir_mutf7_encode(const char *utf8, struct buf *out)
{
	const unsigned char *s = (const unsigned char *)utf8;
	struct mutf7_state st = { .out = out };
	uint32_t cp;
	size_t n;

	buf_append(out, "", 0);
	for (; *s != '\0'; s += n) {
		if ((n = utf8_next(s, &cp)) == 0)
			return -1;
		if (cp >= 0x20 && cp <= 0x7e) {
			mutf7_close(&st);
			/* RFC 3501 5.1.3: "&" is represented as "&-" */
			buf_puts(out, cp == '&' ? "&-" : (char[]){ (char)cp, 0 });
		} else if (cp >= 0x10000) {
			cp -= 0x10000;
			mutf7_put16(&st, 0xd800 | (cp >> 10));
			mutf7_put16(&st, 0xdc00 | (cp & 0x3ff));
		} else {
			mutf7_put16(&st, cp);
		}
	}
	mutf7_close(&st);
	return 0;
}

/* Refuse what a filesystem or Dovecot would misread: control characters
 * (C0, DEL, C1), invalid UTF-8. */
static const char *folder_check_chars(const char *mailbox)
{
	const unsigned char *s = (const unsigned char *)mailbox;
	uint32_t cp;
	size_t n;

	for (; *s != '\0'; s += n) {
		if ((n = utf8_next(s, &cp)) == 0)
			return "mailbox name is not valid UTF-8";
		if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
			return "mailbox name contains a control character";
	}
	return NULL;
}

/* One hierarchy component: non-empty (covers "..", "a//b", leading or
 * trailing separators, "/etc"), no leading '~' (home expansion). */
static const char *folder_add_component(const char *comp, size_t len,
					struct buf *out)
{
	if (len == 0)
		return "mailbox name has an empty hierarchy level";
	if (comp[0] == '~')
		return "mailbox name component starts with '~'";
	char *c = xstrndup(comp, len);
	buf_puts(out, ".");
	int rc = maildir_mutf7_encode(c, out);
	free(c);
	return rc < 0 ? "mailbox name is not valid UTF-8" : NULL;
}

int maildir_folder_name(const char *mailbox, struct buf *out,
			const char **error_r)
{
	const char *err, *p, *comp;

	buf_append(out, "", 0);
	if (mailbox == NULL || strcasecmp(mailbox, "INBOX") == 0)
		return 0;
	if (mailbox[0] == '\0')
		err = "empty mailbox name";
	else if (strlen(mailbox) > MAILDIR_FOLDER_MAX)
		err = "mailbox name too long";
	else
		err = folder_check_chars(mailbox);
	/* INBOX is case-insensitive (RFC 3501 5.1), also as a parent. */
	if (err == NULL && strncasecmp(mailbox, "INBOX", 5) == 0 &&
	    (mailbox[5] == '/' || mailbox[5] == '.')) {
		buf_puts(out, ".INBOX");
		mailbox += 6;
	}
	for (comp = p = mailbox; err == NULL; p++) {
		if (*p != '/' && *p != '.' && *p != '\0')
			continue;
		err = folder_add_component(comp, (size_t)(p - comp), out);
		if (*p == '\0')
			break;
		comp = p + 1;
	}
	if (err == NULL && out->len > MAILDIR_FOLDER_MAX)
		err = "mailbox name too long";
	if (err != NULL) {
		out->len = 0;
		out->data[0] = '\0';
		*error_r = err;
		return -1;
	}
	return 0;
}

/* ---- subscriptions ------------------------------------------------- */

/* The line Dovecot would write for folder dir name ".A.B": format 1 uses
 * the Maildir++ separator ("A.B"), format 2 (file starts "V\t2\n\n") a
 * tab between levels. */
static char *subs_line(const char *dirname, int v2)
{
	char *line = xstrdup(dirname + 1);

	if (v2)
		for (char *p = line; *p != '\0'; p++)
			if (*p == '.')
				*p = '\t';
	return line;
}

/* Is line (NUL-terminated) among the file's lines? */
static int subs_has(const char *text, size_t len, const char *line)
{
	size_t ll = strlen(line);
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (n == ll && memcmp(p, line, n) == 0)
			return 1;
		p += n + 1;
	}
	return 0;
}

static int subs_rewrite(const char *root, const char *path,
			const struct buf *old, const char *line)
{
	char *tmp = xasprintf("%s/subscriptions.siren.%ld", root,
			      (long)getpid());
	struct buf nb = { 0 };

	buf_append(&nb, old->data ? old->data : "", old->len);
	if (nb.len > 0 && nb.data[nb.len - 1] != '\n')
		buf_puts(&nb, "\n");
	buf_printf(&nb, "%s\n", line);
	int rc = maildir_write_file(tmp, nb.data, nb.len);
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -1;
	if (rc < 0) {
		int e = errno;
		unlink(tmp);
		errno = e;
	}
	buf_free(&nb);
	free(tmp);
	return rc;
}

int maildir_subscribe(const char *root, const char *mailbox)
{
	struct buf dir = { 0 }, old = { 0 };
	const char *err;
	int rc = -1;

	if (maildir_folder_name(mailbox, &dir, &err) < 0 || dir.len == 0) {
		buf_free(&dir);
		return 0;	/* INBOX or refused: nothing to subscribe */
	}
	char *path = xasprintf("%s/subscriptions", root);
	char *lock = xasprintf("%s/subscriptions.lock", root);
	if (maildir_dotlock(lock) < 0)
		goto out;
	if (maildir_read_file(path, &old) < 0 && errno != ENOENT)
		goto unlock;
	/* a new file gets format 2, as Dovecot 2.3 writes it */
	if (old.len == 0) {
		old.len = 0;
		buf_puts(&old, "V\t2\n\n");
	}
	int v2 = old.len >= 5 && memcmp(old.data, "V\t2\n\n", 5) == 0;
	char *line = subs_line(dir.data, v2);
	rc = subs_has(old.data ? old.data : "", old.len, line) ? 0 :
		subs_rewrite(root, path, &old, line);
	free(line);
unlock:
	unlink(lock);
out:
	free(path);
	free(lock);
	buf_free(&dir);
	buf_free(&old);
	return rc;
}
