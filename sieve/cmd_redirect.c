/*
 * cmd_redirect.c: redirect (RFC 5228 4.2) with :copy (RFC 3894).  A
 * constant address is checked at compile time; one built from variables
 * is checked when it runs (a bad one is a run-time error).  Loop control
 * and the count limit are the result's business (result.c) and the
 * caller's (Received counting when it sends).  The address is a
 * sieve-address (RFC 5228 2.4.2.3: addr-spec or phrase "<" addr-spec ">",
 * CFWS allowed as RFC 5322 allows it); the action carries the addr-spec.
 */
#include <stdlib.h>
#include <string.h>

#include "sieve-private.h"

/* The normalised addr-spec of a sieve-address, in the arena, or NULL
 * when s is not exactly one valid mailbox. */
static const char *redirect_address(struct sv_arena *arena, const char *s)
{
	struct sieve_address *a = NULL;
	const char *out = NULL;
	if (strchr(s, ',') != NULL || strchr(s, ';') != NULL)
		return sieve_address_valid(s) ? sv_arena_strdup(arena, s) : NULL;
	const char *lt = strchr(s, '<');
	if (lt != NULL && strchr(lt, '>') == NULL)
		return NULL;	/* "Name <addr" */
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p >= 0x80)
			return NULL;	/* no SMTPUTF8 (RFC 6531) here */
	size_t n = sieve_address_list_parse(s, &a);
	if (n == 1 && a[0].localpart != NULL && a[0].localpart[0] != '\0' &&
	    a[0].domain != NULL && sieve_address_valid(a[0].all))
		out = sv_arena_strdup(arena, a[0].all);
	sieve_address_list_free(a, n);
	return out;
}

static int redirect_validate(struct sieve_validator *v, struct sv_node *node)
{
	const struct sv_arg *a = sieve_node_arg(node, 0);
	if (sieve_arg_is_constant(a) &&
	    redirect_address(sieve_validator_arena(v), a->list[0].s) == NULL) {
		sieve_arg_error(v, a, "specified redirect address '%s' is "
				"invalid", a->list[0].s);
		return -1;
	}
	return 0;
}

static int redirect_execute(struct sieve_run *run, const struct sv_node *node)
{
	struct sieve_action act = { .type = SIEVE_ACT_REDIRECT };
	const char *raw = sieve_run_string(run, sieve_node_arg(node, 0), NULL);
	act.address = redirect_address(run->arena, raw);
	if (act.address == NULL)
		return sieve_runtime_error(run, node, "specified redirect "
					   "address '%s' is invalid", raw);
	act.copy = sieve_node_tag(node, "copy");
	return sieve_result_add(run, node, &act);
}

const struct sieve_command_def sieve_cmd_redirect = {
	.name = "redirect", .kind = SIEVE_CMD, .pos = { SV_A_STRING },
	.validate = redirect_validate, .execute = redirect_execute,
};
