/*
 * tst_address.c: the address test (RFC 5228 5.1) and the envelope test
 * (5.4, capability "envelope"): the chosen address part of each address
 * is matched.  Envelope parts are "from", "to" and, as Pigeonhole offers
 * it, "auth" (the authenticated user; absent when none) (case-insensitive);
 * the null reverse-path matches "" whatever the address part.  Header
 * addresses come parsed from the message index; groups are flattened and
 * unparseable entries have only :all.
 */
#include <ctype.h>
#include <string.h>

#include "sieve-private.h"

static size_t collect(struct sieve_run *run, const struct sv_match *m,
		      const struct sieve_address *a, size_t na,
		      const char **vals, size_t *lens)
{
	size_t n = 0;
	for (size_t i = 0; i < na; i++) {
		const char *p = m->part->extract(run, &a[i]);
		if (p == NULL)
			continue;
		vals[n] = p;
		lens[n++] = strlen(p);
	}
	return n;
}

static int address_execute(struct sieve_run *run, const struct sv_node *node)
{
	const char **names, **vals = NULL;
	size_t *lens = NULL, n = 0;
	size_t nn = sieve_run_strlist(run, sieve_node_arg(node, 0), &names,
				      NULL);
	for (size_t i = 0; i < nn; i++) {
		const struct sieve_address *a;
		size_t na = sieve_message_addresses(run->msg, names[i], &a);
		const char **nv = sv_arena_alloc(run->arena,
						 (n + na + 1) * sizeof(*nv));
		size_t *nl = sv_arena_alloc(run->arena,
					    (n + na + 1) * sizeof(*nl));
		if (n) {
			memcpy(nv, vals, n * sizeof(*nv));
			memcpy(nl, lens, n * sizeof(*nl));
		}
		size_t k = collect(run, node->match, a, na, nv + n, nl + n);
		k = sieve_index_filter(node, nv + n, nl + n, k);
		vals = nv, lens = nl, n += k;
	}
	return sieve_match(run, node, vals, lens, n);
}

const struct sieve_command_def sieve_tst_address = {
	.name = "address", .kind = SIEVE_TEST,
	.flags = SV_F_MATCH | SV_F_ADDRPART,
	.pos = { SV_A_STRLIST, SV_A_STRLIST }, .execute = address_execute,
};

/* ---- envelope --------------------------------------------------------- */

static bool envelope_part_known(const char *p)
{
	return strcasecmp(p, "from") == 0 || strcasecmp(p, "to") == 0 ||
		strcasecmp(p, "auth") == 0;
}

static int envelope_validate(struct sieve_validator *v, struct sv_node *node)
{
	const struct sv_arg *parts = sieve_node_arg(node, 0);
	for (size_t i = 0; i < parts->n; i++) {
		if (parts->list[i].vars || envelope_part_known(parts->list[i].s))
			continue;
		sieve_arg_error(v, parts, "specified envelope part '%s' is "
				"not supported by the envelope test",
				parts->list[i].s);
		return -1;
	}
	return 0;
}

static bool domain_valid(const char *p, size_t n)
{
	if (n >= 2 && p[0] == '[' && p[n - 1] == ']')
		return true;	/* address literal */
	bool prev_dot = true;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == '.') {
			if (prev_dot)
				return false;
			prev_dot = true;
		} else if (isalnum(c) || c == '-' || c == '_' || c >= 0x80) {
			prev_dot = false;
		} else {
			return false;
		}
	}
	return n > 0 && !prev_dot;
}

/* Skip an RFC 5321 source route "@a,@b:"; NULL when malformed. */
static const char *skip_route(const char *p, const char *end)
{
	if (p >= end || *p != '@')
		return p;
	for (;;) {
		if (p >= end || *p != '@')
			return NULL;
		const char *d = ++p;
		while (p < end && *p != ',' && *p != ':')
			p++;
		if (p >= end || !domain_valid(d, (size_t)(p - d)))
			return NULL;
		if (*p++ == ':')
			return p;
	}
}

static bool local_valid(const char *p, size_t n)
{
	if (n == 0)
		return false;
	if (p[0] == '"')
		return n >= 2 && p[n - 1] == '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c <= ' ' || strchr("<>()[]\\,;:@\"", c) != NULL)
			return false;
	}
	return true;
}

/*
 * Parse an envelope path (RFC 5321 4.1.2: optional angle brackets and
 * source route, then local@domain or a bare local part) into a.  The
 * null path is "" for every part.  false when malformed: then no part
 * matches at all.
 */
static bool envelope_address(struct sieve_run *run, const char *s,
			     struct sieve_address *a)
{
	size_t len = strlen(s);
	const char *p = s, *end = s + len;
	if (len > 0 && (s[0] == '<') != (s[len - 1] == '>'))
		return false;
	if (len >= 2 && s[0] == '<')
		p++, end--;
	if (p == end) {
		a->all = a->localpart = a->domain = "";
		return true;
	}
	if ((p = skip_route(p, end)) == NULL)
		return false;
	const char *at = NULL;
	for (const char *q = end; q > p; q--)
		if (q[-1] == '@') {
			at = q - 1;
			break;
		}
	size_t llen = at ? (size_t)(at - p) : (size_t)(end - p);
	if (!local_valid(p, llen) ||
	    (at && !domain_valid(at + 1, (size_t)(end - at - 1))))
		return false;
	a->all = sv_arena_strndup(run->arena, p, (size_t)(end - p));
	a->localpart = sv_arena_strndup(run->arena, p, llen);
	a->domain = at ? at + 1 - p + a->all : "";
	return true;
}

static int envelope_execute(struct sieve_run *run, const struct sv_node *node)
{
	const char **parts;
	size_t np = sieve_run_strlist(run, sieve_node_arg(node, 0), &parts,
				      NULL);
	const char **vals = sv_arena_alloc(run->arena, (np + 1) * sizeof(*vals));
	size_t *lens = sv_arena_alloc(run->arena, (np + 1) * sizeof(*lens));
	size_t n = 0;
	for (size_t i = 0; i < np; i++) {
		const char *raw = NULL;
		if (strcasecmp(parts[i], "from") == 0)
			raw = run->env->from;
		else if (strcasecmp(parts[i], "to") == 0)
			raw = run->env->to;
		else if (strcasecmp(parts[i], "auth") == 0)
			raw = run->env->auth;
		if (raw == NULL)
			continue;
		struct sieve_address a = { 0 };
		if (!envelope_address(run, raw, &a))
			continue;
		n += collect(run, node->match, &a, 1, vals + n, lens + n);
	}
	return sieve_match(run, node, vals, lens, n);
}

const struct sieve_command_def sieve_tst_envelope = {
	.name = "envelope", .kind = SIEVE_TEST,
	.flags = SV_F_MATCH | SV_F_ADDRPART,
	.pos = { SV_A_STRLIST, SV_A_STRLIST },
	.validate = envelope_validate, .execute = envelope_execute,
};

static const struct sieve_command_def *const envelope_cmds[] = {
	&sieve_tst_envelope, NULL
};

const struct sieve_extension_def sieve_ext_envelope = {
	.name = "envelope",
	.commands = envelope_cmds,
};
