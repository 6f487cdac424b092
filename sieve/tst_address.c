/*
 * tst_address.c: the address test (RFC 5228 5.1) and the envelope test
 * (5.4, capability "envelope"): the chosen address part of each address
 * is matched.  Envelope parts are "from", "to" and, as Pigeonhole offers
 * it, "auth" (the authenticated user; absent when none) (case-insensitive);
 * the null reverse-path matches "" whatever the address part.  Header
 * addresses come parsed from the message index; groups are flattened and
 * unparseable entries have only :all.
 */
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

/* "local@domain" (angle brackets tolerated) into a. */
static void envelope_address(struct sieve_run *run, const char *s,
			     struct sieve_address *a)
{
	size_t len = strlen(s);
	if (len >= 2 && s[0] == '<' && s[len - 1] == '>')
		s = sv_arena_strndup(run->arena, s + 1, len - 2);
	a->all = s;
	if (*s == '\0') {	/* null reverse-path: "" for every part */
		a->localpart = a->domain = "";
		return;
	}
	const char *at = strrchr(s, '@');
	if (at == NULL) {
		a->localpart = s;
		a->domain = "";
		return;
	}
	a->localpart = sv_arena_strndup(run->arena, s, (size_t)(at - s));
	a->domain = at + 1;
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
		envelope_address(run, raw, &a);
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
