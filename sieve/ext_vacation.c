/*
 * ext_vacation.c: vacation (RFC 5230) and vacation-seconds (RFC 6131).
 * The engine decides everything it has the data for: the "MUST NOT
 * reply" rules (4.5, 4.6; vacation_rules.c) drop the reply without an
 * error; otherwise the action carries the reply recipient (the envelope
 * sender), :from (else the own address found in the message's recipient
 * fields), the final subject ("Auto: ..." filled in here), the
 * reason, the clamped period, :mime and the handle (default derived from
 * the arguments, 4.2).  The once-per-period tracking and the reply itself
 * are the delivery side's (mda/vacation.c).  One vacation per run and
 * never with reject/ereject (4.7; result.c).  Keeps the implicit keep.
 */
#include <stdlib.h>
#include <string.h>

#include "enotify.h"
#include "sieve-private.h"
#include "vacation.h"

static int vacation_validate(struct sieve_validator *v, struct sv_node *node)
{
	const struct sv_arg *from = sieve_node_tag_param(node, "from");
	const struct sv_arg *addrs = sieve_node_tag_param(node, "addresses");
	int rc = 0;

	if (from != NULL && sieve_arg_is_constant(from) &&
	    !sieve_mailto_from_valid(from->list[0].s)) {
		sieve_arg_error(v, from, "specified :from address '%s' is "
				"invalid for vacation action", from->list[0].s);
		rc = -1;
	}
	for (size_t i = 0; addrs != NULL && i < addrs->n; i++) {
		if (addrs->list[i].vars ||
		    sieve_mailto_from_valid(addrs->list[i].s))
			continue;
		sieve_arg_error(v, addrs, "specified :addresses item '%s' is "
				"not a valid address", addrs->list[i].s);
		rc = -1;
	}
	return rc;
}

static unsigned long vacation_seconds(struct sieve_run *run,
				      const struct sv_node *node)
{
	const struct sv_tagval *t = sieve_node_tag_group(node, "period");
	unsigned long long n;

	if (t == NULL)
		return sieve_vacation_period(run->cfg, false, 0);
	/* numbers are below 2^48 (limits.h), so days * 86400 fits */
	n = t->param->number;
	if (strcmp(t->def->name, "days") == 0)
		n *= 86400;
	return sieve_vacation_period(run->cfg, true, (unsigned long)n);
}

static const char *opt_string(struct sieve_run *run,
			      const struct sv_node *node, const char *tag)
{
	const struct sv_arg *a = sieve_node_tag_param(node, tag);

	return a ? sieve_run_string(run, a, NULL) : NULL;
}

static const char *arena_take(struct sieve_run *run, char *s)
{
	const char *r = sv_arena_strdup(run->arena, s);

	free(s);
	return r;
}

static int vacation_execute(struct sieve_run *run, const struct sv_node *node)
{
	struct sieve_action act = { .type = SIEVE_ACT_VACATION };
	const struct sv_arg *addrs = sieve_node_tag_param(node, "addresses");
	const char *subject_arg = opt_string(run, node, "subject");
	const char *why, *mine = NULL;

	act.reason = sieve_run_string(run, sieve_node_arg(node, 0), NULL);
	act.from = opt_string(run, node, "from");
	act.handle = opt_string(run, node, "handle");
	act.mime = sieve_node_tag(node, "mime");
	if (addrs != NULL) {
		const char **v;
		act.naddresses = sieve_run_strlist(run, addrs, &v, NULL);
		act.addresses = v;
	}
	if (act.from != NULL && !sieve_mailto_from_valid(act.from))
		return sieve_runtime_error(run, node, "specified :from address "
			"'%s' is invalid for vacation action", act.from);
	why = sieve_vacation_skip_cfg(run->msg, run->env, run->cfg,
				      act.addresses, act.naddresses, &mine);
	if (why != NULL) {
		sieve_run_trace(run, "line %u: vacation: no reply: %s",
				node->line, why);
		return sieve_result_add_suppressed_vacation(run, node);
	}
	if (act.handle == NULL)
		act.handle = arena_take(run, sieve_vacation_default_handle(
			act.reason, subject_arg, act.from, act.mime));
	act.subject = arena_take(run, sieve_vacation_subject_cfg(
		run->msg, run->cfg, subject_arg));
	act.seconds = vacation_seconds(run, node);
	/* RFC 5230 4.4: without :from, reply as the address it was sent to */
	if (act.from == NULL && mine != NULL)
		act.from = sv_arena_strdup(run->arena, mine);
	act.to = run->env->from;
	act.to_header = sieve_vacation_to_header(run->msg, run->env, run->cfg);
	if (act.to_header == NULL)
		act.to_header = arena_take(run, sv_asprintf("<%s>", act.to));
	else
		act.to_header = sv_arena_strdup(run->arena, act.to_header);
	act.envelope_from = run->cfg->vacation_send_from_recipient &&
		run->env->to != NULL ? run->env->to : "";
	return sieve_result_add(run, node, &act);
}

static const struct sieve_tag_def vacation_tags[] = {
	{ "days", SV_A_NUMBER, "period" },
	{ "subject", SV_A_STRING, NULL },
	{ "from", SV_A_STRING, NULL },
	{ "addresses", SV_A_STRLIST, NULL },
	{ "mime", SV_A_NONE, NULL },
	{ "handle", SV_A_STRING, NULL },
	{ NULL, SV_A_NONE, NULL },
};

static const struct sieve_command_def cmd_vacation = {
	.name = "vacation", .kind = SIEVE_CMD, .pos = { SV_A_STRING },
	.tags = vacation_tags, .validate = vacation_validate,
	.execute = vacation_execute,
};

static const struct sieve_command_def *const vacation_cmds[] = {
	&cmd_vacation, NULL
};

const struct sieve_extension_def sieve_ext_vacation = {
	.name = "vacation",
	.commands = vacation_cmds,
};

/* RFC 6131: :seconds, exclusive with :days. */
static const struct sieve_tag_ext vacation_seconds_tags[] = {
	{ "vacation", { "seconds", SV_A_NUMBER, "period" } },
	{ NULL, { NULL, SV_A_NONE, NULL } },
};

static const char *const vacation_seconds_implies[] = { "vacation", NULL };

const struct sieve_extension_def sieve_ext_vacation_seconds = {
	.name = "vacation-seconds",
	.tags = vacation_seconds_tags,
	.implies = vacation_seconds_implies,
};
