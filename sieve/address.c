/*
 * address.c: RFC 5322 section 3.4 address lists for the address test
 * (RFC 5228 2.7.4): mailboxes, name-addr with display names (quoted or
 * RFC 2047-encoded, decoded), groups (3.4, flattened into their members),
 * nested comments (3.2.2), quoted local parts (unquoted), and the
 * obsolete forms of 4.4 (routes "<@a,@b:u@d>", phrases with dots,
 * whitespace around dots).  An item that is no mailbox yields one entry
 * with localpart NULL and all = its raw text (an empty field gives one
 * with all = "", so `:all ""` matches it as Pigeonhole does); a bare
 * dot-atom without "@" yields domain "".  Never fails, never loops; at most
 * SV_MSG_MAX_ADDRESSES entries.
 */
#include <stdlib.h>
#include <string.h>

#include "message_int.h"

enum sv_tok_type { T_ATOM, T_QUOTED, T_DLIT, T_SPECIAL };

struct sv_tok {
	enum sv_tok_type type;
	char ch;		/* T_SPECIAL: the character */
	bool space;		/* whitespace or comment before it */
	bool broken;		/* unterminated quoted string or literal */
	const char *src;	/* source span */
	size_t src_len;
	char *text;		/* atom / unquoted string / literal */
};

struct sv_toks {
	struct sv_tok *v;
	size_t n, cap;
};

#define SV_SPECIALS "()<>[]:;@,.\""

static bool sv_addr_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Skip a (nested) comment starting at in[i] == '('. */
static size_t sv_skip_comment(const char *in, size_t i, size_t len)
{
	unsigned depth = 0;

	for (; i < len; i++) {
		if (in[i] == '\\' && i + 1 < len)
			i++;
		else if (in[i] == '(')
			depth++;
		else if (in[i] == ')' && --depth == 0)
			return i + 1;
	}
	return len;
}

/* Quoted string or domain literal at in[i]; returns the end, and the
 * content with quoted-pairs resolved in *text_r (malloc'd). */
static size_t sv_scan_quoted(const char *in, size_t i, size_t len,
			     char close, char **text_r)
{
	struct sv_str b = { 0 };

	for (i++; i < len && in[i] != close; i++) {
		if (in[i] == '\\' && i + 1 < len)
			i++;
		else if (in[i] == '\r' || in[i] == '\n')
			continue;	/* folding inside quotes */
		sv_str_addc(&b, in[i]);
	}
	*text_r = sv_str_steal(&b);
	return i < len ? i + 1 : len;
}

static void sv_tok_push(struct sv_toks *t, const struct sv_tok *tok)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->v = sv_realloc(t->v, t->cap * sizeof(*t->v));
	}
	t->v[t->n++] = *tok;
}

static void sv_tokenize(const char *in, size_t len, struct sv_toks *t)
{
	bool space = false;

	for (size_t i = 0; i < len;) {
		struct sv_tok tok = { .src = in + i, .space = space };
		size_t s = i;
		char c = in[i];
		if (sv_addr_ws(c) || c == '\0') {
			i++, space = true;
			continue;
		}
		if (c == '(') {
			i = sv_skip_comment(in, i, len), space = true;
			continue;
		}
		if (c == '"' || c == '[') {
			tok.type = c == '"' ? T_QUOTED : T_DLIT;
			i = sv_scan_quoted(in, i, len, c == '"' ? '"' : ']',
					   &tok.text);
			tok.broken = in[i - 1] != (c == '"' ? '"' : ']') ||
				     i - s < 2;
		} else if (strchr(SV_SPECIALS, c) != NULL) {
			tok.type = T_SPECIAL, tok.ch = c, i++;
		} else {
			while (i < len && !sv_addr_ws(in[i]) && in[i] != '\0' &&
			       strchr(SV_SPECIALS, in[i]) == NULL)
				i++;
			tok.type = T_ATOM;
			tok.text = sv_strndup(in + s, i - s);
		}
		tok.src_len = i - s;
		sv_tok_push(t, &tok);
		space = false;
	}
}

static bool sv_is_special(const struct sv_tok *t, char c)
{
	return t->type == T_SPECIAL && t->ch == c;
}

static bool sv_is_word(const struct sv_tok *t)
{
	return (t->type == T_ATOM || t->type == T_QUOTED) && !t->broken;
}

/* ---- the output list ------------------------------------------------- */

struct sv_alist {
	struct sieve_address *v;
	size_t n, cap;
};

static void sv_alist_add(struct sv_alist *l, char *all, char *local,
			 char *domain, char *name)
{
	if (l->n >= SV_MSG_MAX_ADDRESSES) {
		free(all), free(local), free(domain), free(name);
		return;
	}
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 4;
		l->v = sv_realloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = (struct sieve_address){ all, local, domain, name };
}

/* ---- pieces of an item ----------------------------------------------- */

static bool sv_atext(unsigned char c)
{
	return c >= 0x80 || (c > ' ' && c < 127 && !strchr(SV_SPECIALS, c) &&
			     c != '\\');
}

/* Does local need quotes in "all"? (not a dot-atom, RFC 5322 3.2.3) */
static bool sv_local_needs_quotes(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || s[0] == '.' || s[n - 1] == '.' || strstr(s, "..") != NULL)
		return true;
	for (size_t i = 0; i < n; i++)
		if (s[i] != '.' && !sv_atext((unsigned char)s[i]))
			return true;
	return false;
}

static char *sv_make_all(const char *local, const char *domain)
{
	struct sv_str b = { 0 };

	if (sv_local_needs_quotes(local)) {
		sv_str_addc(&b, '"');
		for (const char *p = local; *p; p++) {
			if (*p == '"' || *p == '\\')
				sv_str_addc(&b, '\\');
			sv_str_addc(&b, *p);
		}
		sv_str_addc(&b, '"');
	} else {
		sv_str_adds(&b, local);
	}
	if (*domain != '\0') {
		sv_str_addc(&b, '@');
		sv_str_adds(&b, domain);
	}
	return sv_str_steal(&b);
}

/* Local part: word *("." word), dots tolerated anywhere (obs-local-part
 * and real-world "a..b"); two words without a dot between are no local
 * part.  NULL when invalid. */
static char *sv_parse_local(const struct sv_tok *t, size_t b, size_t e)
{
	struct sv_str s = { 0 };
	bool words = false, need_dot = false;

	for (size_t i = b; i < e; i++) {
		if (sv_is_special(&t[i], '.')) {
			sv_str_addc(&s, '.');
			need_dot = false;
		} else if (sv_is_word(&t[i]) && !need_dot) {
			sv_str_adds(&s, t[i].text);
			words = need_dot = true;
		} else {
			sv_str_free(&s);
			return NULL;
		}
	}
	if (!words) {
		sv_str_free(&s);
		return NULL;
	}
	return sv_str_steal(&s);
}

/* Domain: dot-atom / domain-literal (kept with brackets).  NULL when
 * invalid. */
static char *sv_parse_domain(const struct sv_tok *t, size_t b, size_t e)
{
	struct sv_str s = { 0 };
	bool need_dot = false;

	if (e == b + 1 && t[b].type == T_DLIT && !t[b].broken)
		return sv_asprintf("[%s]", t[b].text);
	for (size_t i = b; i < e; i++) {
		if (sv_is_special(&t[i], '.') && need_dot) {
			sv_str_addc(&s, '.');
			need_dot = false;
		} else if (t[i].type == T_ATOM && !need_dot) {
			sv_str_adds(&s, t[i].text);
			need_dot = true;
		} else {
			sv_str_free(&s);
			return NULL;
		}
	}
	if (!need_dot) {	/* empty, or ends in a dot */
		sv_str_free(&s);
		return NULL;
	}
	return sv_str_steal(&s);
}

/* addr-spec in t[b..e): fills *local_r and *domain_r, false if invalid. */
static bool sv_parse_addrspec(const struct sv_tok *t, size_t b, size_t e,
			      char **local_r, char **domain_r)
{
	size_t at = b;

	while (at < e && !sv_is_special(&t[at], '@'))
		at++;
	if (at == e) {
		/* no domain: only a plain (dot-)atom counts as an address */
		for (size_t i = b; i < e; i++)
			if (t[i].type == T_QUOTED)
				return false;
	}
	*local_r = sv_parse_local(t, b, at);
	if (*local_r == NULL)
		return false;
	*domain_r = at == e ? sv_strdup("") : sv_parse_domain(t, at + 1, e);
	if (*domain_r == NULL) {
		free(*local_r);
		*local_r = NULL;
		return false;
	}
	return true;
}

/* Display name from the phrase t[b..e), RFC 2047-decoded, or NULL. */
static char *sv_parse_phrase(const struct sv_tok *t, size_t b, size_t e)
{
	struct sv_str s = { 0 };

	for (size_t i = b; i < e; i++) {
		if (t[i].space && s.len > 0)
			sv_str_addc(&s, ' ');
		if (t[i].text != NULL)
			sv_str_adds(&s, t[i].text);
		else
			sv_str_add(&s, t[i].src, t[i].src_len);
	}
	if (s.len == 0) {
		sv_str_free(&s);
		return NULL;
	}
	char *dec = sieve_rfc2047_decode(s.s, s.len);
	sv_str_free(&s);
	return dec;
}

/* ---- items, groups and the list ---------------------------------------- */

struct sv_aparse {
	const char *in;
	const struct sv_tok *t;
	size_t n;
	struct sv_alist out;
};

static void sv_add_invalid(struct sv_aparse *ap, size_t b, size_t e,
			   char *name)
{
	const char *s = ap->t[b].src;
	const char *end = ap->t[e - 1].src + ap->t[e - 1].src_len;

	sv_alist_add(&ap->out, sv_strndup(s, (size_t)(end - s)), NULL, NULL,
		     name);
}

/* One mailbox in t[b..e); angle is the index of "<" or e. */
static void sv_item(struct sv_aparse *ap, size_t b, size_t e, size_t angle)
{
	const struct sv_tok *t = ap->t;
	char *local, *domain, *name = NULL;
	size_t sb = b, se = e;

	if (angle < e) {
		name = sv_parse_phrase(t, b, angle);
		sb = angle + 1;
		for (se = sb; se < e && !sv_is_special(&t[se], '>'); se++)
			;
		if (sb < se && sv_is_special(&t[sb], '@')) {
			/* obs-route: "@a,@b:" before the addr-spec */
			while (sb < se && !sv_is_special(&t[sb], ':'))
				sb++;
			sb = sb < se ? sb + 1 : se;
		}
	}
	if (sb < se && sv_parse_addrspec(t, sb, se, &local, &domain)) {
		sv_alist_add(&ap->out, sv_make_all(local, domain), local,
			     domain, name);
		return;
	}
	sv_add_invalid(ap, b, e, name);
}

/* Scan an item from t[p]: its end (a "," or, in a group, ";"), the
 * index of its "<" (or the end) and whether it opens a group (the ":"
 * index, or the end). */
static size_t sv_item_end(struct sv_aparse *ap, size_t p, bool in_group,
			  size_t *angle_r, size_t *colon_r)
{
	const struct sv_tok *t = ap->t;
	bool at = false;

	*angle_r = *colon_r = (size_t)-1;
	for (; p < ap->n; p++) {
		if (sv_is_special(&t[p], ',') ||
		    (in_group && sv_is_special(&t[p], ';')))
			break;
		if (sv_is_special(&t[p], '@'))
			at = true;
		if (sv_is_special(&t[p], ':') && !in_group && !at &&
		    *angle_r == (size_t)-1) {
			*colon_r = p;
			return p;
		}
		if (sv_is_special(&t[p], '<') && *angle_r == (size_t)-1) {
			*angle_r = p;
			while (p + 1 < ap->n && !sv_is_special(&t[p + 1], '>'))
				p++;	/* a route's commas stay inside */
		}
	}
	return p;
}

/* Parse items from t[p] on; in a group stop after its ";". */
static size_t sv_list(struct sv_aparse *ap, size_t p, bool in_group)
{
	while (p < ap->n) {
		size_t angle, colon, e;
		if (sv_is_special(&ap->t[p], ',')) {
			p++;
			continue;
		}
		if (in_group && sv_is_special(&ap->t[p], ';'))
			return p + 1;
		e = sv_item_end(ap, p, in_group, &angle, &colon);
		if (colon != (size_t)-1) {
			/* group: display-name ":" [members] ";" */
			p = sv_list(ap, colon + 1, true);
			continue;
		}
		if (e > p)
			sv_item(ap, p, e, angle == (size_t)-1 ? e : angle);
		p = e;
	}
	return p;
}

size_t sieve_address_list_parse(const char *in, struct sieve_address **addrs_r)
{
	struct sv_toks toks = { 0 };
	struct sv_aparse ap = { .in = in };

	sv_tokenize(in, strlen(in), &toks);
	ap.t = toks.v;
	ap.n = toks.n;
	sv_list(&ap, 0, false);
	if (toks.n == 0)	/* empty field: one empty, invalid address */
		sv_alist_add(&ap.out, sv_strdup(""), NULL, NULL, NULL);
	for (size_t i = 0; i < toks.n; i++)
		free(toks.v[i].text);
	free(toks.v);
	*addrs_r = ap.out.v;
	return ap.out.n;
}

void sieve_address_list_free(struct sieve_address *addrs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((char *)addrs[i].all);
		free((char *)addrs[i].localpart);
		free((char *)addrs[i].domain);
		free((char *)addrs[i].name);
	}
	free(addrs);
}
