/*
 * ext_date.c: the date and currentdate tests (RFC 5260 4-5).  A header's
 * value (for Received, the part after the last ';', 4) is parsed with
 * sieve_date_parse (date.c); values that do not parse are left out, so an
 * invalid date never matches and :count counts the valid ones.  The zone
 * is :zone, the date's own (:originalzone) or the local zone (default).
 * :index/:last come from the index extension.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "date_parts.h"
#include "sieve-private.h"

static int date_validate_common(struct sieve_validator *v,
				const struct sv_arg *part)
{
	if (sieve_arg_is_constant(part) &&
	    !sieve_date_part_valid(part->list[0].s)) {
		sieve_arg_error(v, part, "invalid date part '%s'",
				part->list[0].s);
		return -1;
	}
	return 0;
}

static int date_validate_zone(struct sieve_validator *v,
			      const struct sv_node *node)
{
	const struct sv_arg *zone = sieve_node_tag_param(node, "zone");
	int minutes;

	if (zone != NULL && sieve_arg_is_constant(zone) &&
	    !sieve_date_zone_parse(zone->list[0].s, &minutes)) {
		sieve_arg_error(v, zone, "invalid :zone argument '%s': must "
				"be +hhmm or -hhmm", zone->list[0].s);
		return -1;
	}
	return 0;
}

static int date_validate(struct sieve_validator *v, struct sv_node *node)
{
	int a = date_validate_common(v, sieve_node_arg(node, 1));
	int b = date_validate_zone(v, node);

	return a < 0 || b < 0 ? -1 : 0;
}

static int currentdate_validate(struct sieve_validator *v,
				struct sv_node *node)
{
	int a = date_validate_common(v, sieve_node_arg(node, 0));
	int b = date_validate_zone(v, node);

	return a < 0 || b < 0 ? -1 : 0;
}

/* The requested zone: 1 fixed (*zone_r set), 0 none given, -1 error. */
static int date_zone(struct sieve_run *run, const struct sv_node *node,
		     int *zone_r)
{
	const struct sv_arg *zone = sieve_node_tag_param(node, "zone");

	if (zone == NULL)
		return 0;
	const char *s = sieve_run_string(run, zone, NULL);
	if (!sieve_date_zone_parse(s, zone_r))
		return sieve_runtime_error(run, node, "invalid :zone argument "
					   "'%s'", s);
	return 1;
}

static const char *date_part_value(struct sieve_run *run, time_t t,
				   int zone, const char *part, size_t *len_r)
{
	char buf[SIEVE_DATE_PART_MAX];

	if (!sieve_date_part(t, zone, part, buf))
		return NULL;
	*len_r = strlen(buf);
	return sv_arena_strdup(run->arena, buf);
}

static int date_execute(struct sieve_run *run, const struct sv_node *node)
{
	const char *name = sieve_run_string(run, sieve_node_arg(node, 0), NULL);
	const char *part = sieve_run_string(run, sieve_node_arg(node, 1), NULL);
	bool original = sieve_node_tag(node, "originalzone");
	const char *const *raw;
	int fixed, rc;
	size_t n = sieve_message_headers_raw(run->msg, name, &raw), k = 0;
	const char **vals = sv_arena_alloc(run->arena, (n + 1) * sizeof(*vals));
	size_t *lens = sv_arena_alloc(run->arena, (n + 1) * sizeof(*lens));

	if ((rc = date_zone(run, node, &fixed)) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		vals[i] = raw[i], lens[i] = strlen(raw[i]);
	n = sieve_index_filter(node, vals, lens, n);
	for (size_t i = 0; i < n; i++) {
		const char *v = vals[i], *semi;
		time_t t;
		int zone;
		if (strcasecmp(name, "received") == 0 &&
		    (semi = strrchr(v, ';')) != NULL)
			v = semi + 1;
		if (!sieve_date_parse(v, &t, &zone))
			continue;
		if (rc == 1)
			zone = fixed;
		else if (!original)
			zone = sieve_date_local_zone(t);
		const char *pv = date_part_value(run, t, zone, part, &lens[k]);
		if (pv == NULL)
			return sieve_runtime_error(run, node, "invalid date "
						   "part '%s'", part);
		vals[k++] = pv;
	}
	return sieve_match(run, node, vals, lens, k);
}

static int currentdate_execute(struct sieve_run *run,
			       const struct sv_node *node)
{
	const char *part = sieve_run_string(run, sieve_node_arg(node, 0), NULL);
	time_t now = run->env->now ? run->env->now : time(NULL);
	int zone, rc = date_zone(run, node, &zone);
	size_t len;

	if (rc < 0)
		return -1;
	if (rc == 0)
		zone = sieve_date_local_zone(now);
	const char *v = date_part_value(run, now, zone, part, &len);
	if (v == NULL)
		return sieve_runtime_error(run, node, "invalid date part '%s'",
					   part);
	return sieve_match(run, node, &v, &len, 1);
}

static const struct sieve_tag_def date_tags[] = {
	{ "zone", SV_A_STRING, "zone" },
	{ "originalzone", SV_A_NONE, "zone" },
	{ NULL, SV_A_NONE, NULL },
};

static const struct sieve_tag_def currentdate_tags[] = {
	{ "zone", SV_A_STRING, "zone" },
	{ NULL, SV_A_NONE, NULL },
};

static const struct sieve_command_def tst_date = {
	.name = "date", .kind = SIEVE_TEST, .flags = SV_F_MATCH,
	.pos = { SV_A_STRING, SV_A_STRING, SV_A_STRLIST },
	.tags = date_tags, .validate = date_validate, .execute = date_execute,
};

static const struct sieve_command_def tst_currentdate = {
	.name = "currentdate", .kind = SIEVE_TEST, .flags = SV_F_MATCH,
	.pos = { SV_A_STRING, SV_A_STRLIST },
	.tags = currentdate_tags, .validate = currentdate_validate,
	.execute = currentdate_execute,
};

static const struct sieve_command_def *const date_cmds[] = {
	&tst_date, &tst_currentdate, NULL
};

const struct sieve_extension_def sieve_ext_date = {
	.name = "date",
	.commands = date_cmds,
};
