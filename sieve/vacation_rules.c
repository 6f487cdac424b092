/*
 * vacation_rules.c: the decisions the vacation extension takes from the
 * message alone (RFC 5230 4.5 "MUST NOT reply" rules, 4.6 own-address
 * check, 5 subject, 4.2 default handle; RFC 6131 period).  The reply
 * itself and the once-per-period tracking are the delivery side's.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "message_int.h"
#include "util.h"
#include "vacation.h"

/* Lowercased address with "+detail" removed from the local part. */
static char *vac_norm(const char *addr, char sep)
{
	char *s = sv_strdup(addr), *at = strrchr(s, '@'), *d;

	for (char *p = s; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (sep != '\0' && at != NULL && (d = memchr(s, sep, (size_t)(at - s))))
		memmove(d, at, strlen(at) + 1);
	return s;
}

static bool vac_addr_eq(const char *a, const char *b, char sep)
{
	char *x, *y;
	bool eq;

	if (strcasecmp(a, b) == 0)
		return true;
	x = vac_norm(a, sep);
	y = vac_norm(b, sep);
	eq = strcmp(x, y) == 0;
	free(x);
	free(y);
	return eq;
}

/* Is addr one of the user's own addresses? */
static bool vac_is_own(const char *addr, const struct sieve_envelope *env,
		       const char *const *addresses, size_t n, char sep,
		       bool orig)
{
	if (env->to != NULL && *env->to && vac_addr_eq(addr, env->to, sep))
		return true;
	if (orig && env->orig_to != NULL && *env->orig_to &&
	    vac_addr_eq(addr, env->orig_to, sep))
		return true;
	for (size_t i = 0; i < env->nuser_addresses; i++)
		if (vac_addr_eq(addr, env->user_addresses[i], sep))
			return true;
	for (size_t i = 0; i < n; i++)
		if (vac_addr_eq(addr, addresses[i], sep))
			return true;
	return false;
}

/* RFC 5230 4.6: MUST NOT reply unless an own address is in one of these.
 * Returns the address found, or NULL. */
static const char *vac_addressed_to_user(struct sieve_message *msg,
					 const struct sieve_envelope *env,
					 const char *const *addresses,
					 size_t n, char sep, bool orig)
{
	static const char *const fields[] = { "to", "cc", "bcc", "resent-to",
					      "resent-cc", "resent-bcc" };

	for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++) {
		const struct sieve_address *a;
		size_t na = sieve_message_addresses(msg, fields[f], &a);
		for (size_t i = 0; i < na; i++)
			if (a[i].localpart != NULL &&
			    vac_is_own(a[i].all, env, addresses, n, sep,
				       orig))
				return a[i].all;
	}
	return NULL;
}

/* RFC 5230 4.5: MAILER-DAEMON, LISTSERV, majordomo, owner-*, *-request. */
static bool vac_system_sender(const char *from)
{
	const char *at = strrchr(from, '@');
	size_t n = at ? (size_t)(at - from) : strlen(from);

	if ((n == 13 && strncasecmp(from, "mailer-daemon", 13) == 0) ||
	    (n == 8 && strncasecmp(from, "listserv", 8) == 0) ||
	    (n == 9 && strncasecmp(from, "majordomo", 9) == 0) ||
	    (n >= 6 && strncasecmp(from, "owner-", 6) == 0) ||
	    (n >= 8 && strncasecmp(from + n - 8, "-request", 8) == 0))
		return true;
	return false;
}

/* First token of a raw value (up to ';', ',' or blank), compared. */
static bool vac_token_is(const char *v, const char *word)
{
	size_t n = strcspn(v, "; \t,(");

	return n == strlen(word) && strncasecmp(v, word, n) == 0;
}

static bool vac_header_says_auto(struct sieve_message *msg)
{
	const char *const *v;
	size_t n = sieve_message_headers_raw(msg, "auto-submitted", &v);

	for (size_t i = 0; i < n; i++)
		if (!vac_token_is(v[i], "no"))
			return true;
	n = sieve_message_headers_raw(msg, "precedence", &v);
	for (size_t i = 0; i < n; i++)
		if (vac_token_is(v[i], "bulk") || vac_token_is(v[i], "list") ||
		    vac_token_is(v[i], "junk"))
			return true;
	/* Microsoft's opt-out: "All" or "OOF" among comma-separated words */
	n = sieve_message_headers_raw(msg, "x-auto-response-suppress", &v);
	for (size_t i = 0; i < n; i++)
		for (const char *p = v[i]; *p; p += strcspn(p, ",")) {
			p += strspn(p, ", \t");
			if (vac_token_is(p, "all") || vac_token_is(p, "oof"))
				return true;
		}
	return false;
}

static bool vac_has_list_field(struct sieve_message *msg)
{
	for (size_t i = 0; i < msg->hdr.nfields; i++) {
		const struct sv_header *h = &msg->hdr.fields[i];
		if (h->name_len > 5 && strncasecmp(h->name, "list-", 5) == 0)
			return true;
	}
	return false;
}

const char *sieve_vacation_skip(struct sieve_message *msg,
				const struct sieve_envelope *env,
				const char *const *addresses,
				size_t naddresses, char sep,
				const char **matched_r)
{
	struct sieve_config cfg;

	sieve_config_defaults(&cfg);
	cfg.subaddress_separator = sep;
	return sieve_vacation_skip_cfg(msg, env, &cfg, addresses, naddresses,
				       matched_r);
}

const char *sieve_vacation_skip_cfg(struct sieve_message *msg,
				    const struct sieve_envelope *env,
				    const struct sieve_config *cfg,
				    const char *const *addresses,
				    size_t naddresses, const char **matched_r)
{
	const char *from = env->from, *mine;
	char sep = cfg->subaddress_separator;
	bool orig = cfg->vacation_use_original_recipient;

	if (matched_r != NULL)
		*matched_r = NULL;
	if (from == NULL || *from == '\0')
		return "null envelope sender";
	if (vac_system_sender(from))
		return "sender is a system address";
	if (vac_is_own(from, env, addresses, naddresses, sep, orig))
		return "sender is one of the user's own addresses";
	if (vac_header_says_auto(msg))
		return "message is auto-submitted or bulk";
	if (vac_has_list_field(msg))
		return "message came from a mailing list";
	mine = vac_addressed_to_user(msg, env, addresses, naddresses, sep,
				     orig);
	/* sieve_vacation_check_recipient = no waives RFC 5230 4.6 */
	if (mine == NULL && cfg->vacation_check_recipient)
		return "no own address in To/Cc/Bcc/Resent-*";
	if (matched_r != NULL)
		*matched_r = mine;
	return NULL;
}

/* Byte length of the first max code points of s. */
static size_t vac_utf8_prefix(const char *s, size_t max, size_t *cps_r)
{
	size_t i = 0, cps = 0;

	while (s[i] != '\0' && cps < max) {
		i++;
		while ((s[i] & 0xc0) == 0x80)
			i++;
		cps++;
	}
	*cps_r = cps;
	return i;
}

char *sieve_vacation_subject(struct sieve_message *msg,
			     const char *subject_arg)
{
	struct sieve_config cfg;

	sieve_config_defaults(&cfg);
	return sieve_vacation_subject_cfg(msg, &cfg, subject_arg);
}

/* The template with every "%{subject}" and "%$" replaced by subject. */
static char *vac_expand(const char *tpl, const char *subject)
{
	struct sv_str b = { 0 };

	for (const char *p = tpl; *p;) {
		if (strncmp(p, "%{subject}", 10) == 0) {
			sv_str_adds(&b, subject);
			p += 10;
		} else if (strncmp(p, "%$", 2) == 0) {
			sv_str_adds(&b, subject);
			p += 2;
		} else {
			sv_str_addc(&b, *p);
			p++;
		}
	}
	return sv_str_steal(&b);
}

static char *vac_subject_full(struct sieve_message *msg,
			      const struct sieve_config *cfg,
			      const char *subject_arg)
{
	const char *const *v;
	const char *tpl = cfg->vacation_default_subject_template;
	const char *def = cfg->vacation_default_subject;

	if (subject_arg != NULL)
		return sv_strdup(subject_arg);
	if (sieve_message_headers(msg, "subject", &v) > 0) {
		if (tpl != NULL && *tpl != '\0')
			return vac_expand(tpl, v[0]);
		return sv_asprintf("Auto: %s", v[0]);
	}
	return sv_strdup(def != NULL && *def != '\0' ? def :
			 "Automated reply");
}

char *sieve_vacation_subject_cfg(struct sieve_message *msg,
				 const struct sieve_config *cfg,
				 const char *subject_arg)
{
	char *full = vac_subject_full(msg, cfg, subject_arg);
	size_t cps, n;

	n = vac_utf8_prefix(full, SIEVE_VACATION_SUBJECT_MAX, &cps);
	if (full[n] == '\0')
		return full;
	n = vac_utf8_prefix(full, SIEVE_VACATION_SUBJECT_MAX - 1, &cps);
	char *cut = sv_asprintf("%.*s\xe2\x80\xa6", (int)n, full);
	free(full);
	return cut;
}

const char *sieve_vacation_to_header(struct sieve_message *msg,
				     const struct sieve_envelope *env,
				     const struct sieve_config *cfg)
{
	static const char *const fields[] = { "sender", "resent-from",
					      "from" };
	bool any = cfg->vacation_to_header_ignore_envelope;

	for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++) {
		const struct sieve_address *a;
		const char *const *raw;
		size_t na = sieve_message_addresses(msg, fields[f], &a);
		size_t nr = sieve_message_headers_raw(msg, fields[f], &raw);
		if (na != 1 || nr < 1 || a[0].localpart == NULL)
			continue;
		if (any || (env->from != NULL &&
			    strcasecmp(a[0].all, env->from) == 0))
			return raw[0];
	}
	return NULL;
}

/* Two independent 64-bit FNV-1a runs over the arguments: a stable name,
 * not a security boundary (a collision merely shares a reply period). */
static void vac_fnv(uint64_t h[2], const char *s, bool present)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	for (int k = 0; k < 2; k++) {
		h[k] ^= present ? 1u : 2u;
		h[k] *= 0x100000001b3ULL;
		for (const unsigned char *q = p;; q++) {
			h[k] ^= k ? (uint64_t)(*q ^ 0x5a) : *q;
			h[k] *= 0x100000001b3ULL;
			if (*q == '\0')
				break;
		}
	}
}

char *sieve_vacation_default_handle(const char *reason, const char *subject,
				    const char *from, bool mime)
{
	uint64_t h[2] = { 0xcbf29ce484222325ULL, 0x84222325cbf29ce4ULL };

	vac_fnv(h, reason, reason != NULL);
	vac_fnv(h, subject, subject != NULL);
	vac_fnv(h, from, from != NULL);
	vac_fnv(h, mime ? "mime" : "", true);
	return sv_asprintf("default-%016llx%016llx", (unsigned long long)h[0],
			   (unsigned long long)h[1]);
}

unsigned long sieve_vacation_period(const struct sieve_config *cfg,
				    bool given, unsigned long seconds)
{
	unsigned long p = given ? seconds : cfg->vacation_default_seconds;

	if (p < cfg->vacation_min_seconds)
		p = cfg->vacation_min_seconds;
	else if (cfg->vacation_max_seconds > 0 && p > cfg->vacation_max_seconds)
		p = cfg->vacation_max_seconds;
	return p;
}
