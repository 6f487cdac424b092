/*
 * ext_enotify.c: the enotify extension (RFC 5435): the notify action,
 * the valid_notify_method and notify_method_capability tests and the
 * :encodeurl set modifier.  Method URIs are checked by the caller's
 * registry (sieve_config.notify) and, for mailto:, by notify_mailto.c;
 * a constant bad or unknown URI is a compile error (as Pigeonhole does),
 * a computed one a run-time error (3.8).  notify never sends anything
 * and never cancels the implicit keep; equal notifications in one run
 * collapse into one (3.9 lets a method drop duplicates).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "enotify.h"
#include "sieve-private.h"

/* 1 valid, 0 invalid (*error_r set, caller frees), -1 unknown scheme. */
static int notify_check(const struct sieve_config *cfg, const char *uri,
			const char *const *opts, size_t nopts, char **error_r)
{
	const struct sieve_notify_registry *reg = cfg->notify;
	char *scheme = sieve_uri_scheme(uri);
	int rc = -1;

	*error_r = NULL;
	if (scheme == NULL) {
		*error_r = sv_asprintf("invalid notify method URI '%s'", uri);
		return 0;
	}
	if (reg != NULL && reg->check != NULL) {
		const char *err = NULL;
		rc = reg->check(reg->ctx, uri, opts, nopts, &err);
		if (rc == 0)
			*error_r = sv_asprintf("invalid %s notify method URI "
					       "'%s': %s", scheme, uri,
					       err ? err : "rejected");
	}
	if (rc < 0 && strcmp(scheme, "mailto") == 0) {
		char *err = NULL;
		rc = sieve_mailto_parse(uri, NULL, &err) ? 1 : 0;
		if (rc == 0)
			*error_r = sv_asprintf("invalid mailto URI '%s': %s",
					       uri, err);
		free(err);
	}
	if (rc < 0)
		*error_r = sv_asprintf("unsupported notify method '%s' in "
				       "URI '%s'", scheme, uri);
	free(scheme);
	return rc;
}

static bool notify_is_mailto(const char *uri)
{
	return strncasecmp(uri, "mailto:", 7) == 0;
}

/* ---- notify -------------------------------------------------------------- */

static int notify_validate_options(struct sieve_validator *v,
				   const struct sv_arg *opts)
{
	int rc = 0;

	for (size_t i = 0; opts != NULL && i < opts->n; i++) {
		const char *err;
		if (opts->list[i].vars ||
		    sieve_notify_option_valid(opts->list[i].s, &err))
			continue;
		sieve_arg_error(v, opts, "invalid :options argument '%s': %s",
				opts->list[i].s, err);
		rc = -1;
	}
	return rc;
}

static bool notify_importance_ok(const char *s)
{
	return (s[0] == '1' || s[0] == '2' || s[0] == '3') && s[1] == '\0';
}

static int notify_validate(struct sieve_validator *v, struct sv_node *node)
{
	const struct sv_arg *method = sieve_node_arg(node, 0);
	const struct sv_arg *imp = sieve_node_tag_param(node, "importance");
	const struct sv_arg *from = sieve_node_tag_param(node, "from");
	int rc = notify_validate_options(v, sieve_node_tag_param(node,
								 "options"));

	/* a limit of 0 notifications means notify is not allowed at all */
	if (sieve_validator_config(v)->max_notify == 0) {
		sieve_node_error(v, node, "local policy prohibits the use of "
				 "a notify action");
		rc = -1;
	}

	if (imp != NULL && sieve_arg_is_constant(imp) &&
	    !notify_importance_ok(imp->list[0].s)) {
		sieve_arg_error(v, imp, "invalid :importance argument '%s': "
				"must be \"1\", \"2\" or \"3\"", imp->list[0].s);
		rc = -1;
	}
	if (!sieve_arg_is_constant(method))
		return rc;
	char *err = NULL;
	if (notify_check(sieve_validator_config(v), method->list[0].s, NULL,
			 0, &err) != 1) {
		sieve_arg_error(v, method, "%s", err);
		rc = -1;
	} else if (from != NULL && sieve_arg_is_constant(from) &&
		   notify_is_mailto(method->list[0].s) &&
		   !sieve_mailto_from_valid(from->list[0].s)) {
		sieve_arg_error(v, from, "invalid :from address '%s' for the "
				"mailto method", from->list[0].s);
		rc = -1;
	}
	free(err);
	return rc;
}

/* RFC 5435 3.6: with no :message, say at least who sent what. */
static const char *notify_default_message(struct sieve_run *run)
{
	const char *const *v;
	const char *from = NULL, *subject = "(no subject)";

	if (sieve_message_headers(run->msg, "from", &v) > 0)
		from = v[0];
	else if (run->env != NULL && run->env->from && *run->env->from)
		from = run->env->from;
	if (sieve_message_headers(run->msg, "subject", &v) > 0)
		subject = v[0];
	char *s = sv_asprintf("%s: %s", from ? from : "<>", subject);
	char *r = sv_arena_strdup(run->arena, s);
	free(s);
	return r;
}

static bool notify_same(const struct sieve_action *a,
			const struct sieve_action *b)
{
	if (strcmp(a->method, b->method) != 0 ||
	    strcmp(a->message, b->message) != 0 || a->noptions != b->noptions)
		return false;
	for (size_t i = 0; i < a->noptions; i++)
		if (strcmp(a->options[i], b->options[i]) != 0)
			return false;
	return true;
}

/* Read the tagged arguments into act; -1 on a bad run-time value. */
static int notify_read_tags(struct sieve_run *run, const struct sv_node *node,
			    struct sieve_action *act)
{
	const struct sv_arg *a;

	act->importance = 2;
	if ((a = sieve_node_tag_param(node, "importance")) != NULL) {
		const char *s = sieve_run_string(run, a, NULL);
		if (!notify_importance_ok(s))
			return sieve_runtime_error(run, node, "invalid "
				":importance argument '%s'", s);
		act->importance = s[0] - '0';
	}
	if ((a = sieve_node_tag_param(node, "from")) != NULL)
		act->notify_from = sieve_run_string(run, a, NULL);
	if ((a = sieve_node_tag_param(node, "message")) != NULL)
		act->message = sieve_run_string(run, a, NULL);
	if ((a = sieve_node_tag_param(node, "options")) != NULL) {
		const char **opts;
		act->noptions = sieve_run_strlist(run, a, &opts, NULL);
		act->options = opts;
		for (size_t i = 0; i < act->noptions; i++) {
			const char *err;
			if (!sieve_notify_option_valid(opts[i], &err))
				return sieve_runtime_error(run, node, "invalid "
					":options argument '%s': %s", opts[i],
					err);
		}
	}
	return 0;
}

static int notify_execute(struct sieve_run *run, const struct sv_node *node)
{
	struct sieve_action act = { .type = SIEVE_ACT_NOTIFY };
	char *err = NULL;

	if (run->cfg->max_notify == 0)
		return sieve_runtime_error(run, node, "local policy prohibits "
					   "the use of a notify action");
	act.method = sieve_run_string(run, sieve_node_arg(node, 0), NULL);
	if (notify_read_tags(run, node, &act) < 0)
		return -1;
	if (notify_check(run->cfg, act.method, act.options, act.noptions,
			 &err) != 1) {
		sieve_runtime_error(run, node, "%s", err);
		free(err);
		return -1;
	}
	if (act.notify_from != NULL && notify_is_mailto(act.method) &&
	    !sieve_mailto_from_valid(act.notify_from))
		return sieve_runtime_error(run, node, "invalid :from address "
			"'%s' for the mailto method", act.notify_from);
	if (act.message == NULL)
		act.message = notify_default_message(run);
	for (size_t i = 0; i < sieve_result_count(run->result); i++) {
		const struct sieve_action *o =
			sieve_result_action(run->result, i);
		if (o->type == SIEVE_ACT_NOTIFY && notify_same(o, &act)) {
			sieve_run_trace(run, "line %u: notify %s: same as the "
					"notification of line %u, dropped",
					node->line, act.method, o->line);
			return 0;
		}
	}
	return sieve_result_add(run, node, &act);
}

static const struct sieve_tag_def notify_tags[] = {
	{ "from", SV_A_STRING, NULL },
	{ "importance", SV_A_STRING, NULL },
	{ "options", SV_A_STRLIST, NULL },
	{ "message", SV_A_STRING, NULL },
	{ NULL, SV_A_NONE, NULL },
};

static const struct sieve_command_def cmd_notify = {
	.name = "notify", .kind = SIEVE_CMD, .pos = { SV_A_STRING },
	.tags = notify_tags, .validate = notify_validate,
	.execute = notify_execute,
};

/* ---- valid_notify_method -------------------------------------------------- */

static int valid_method_execute(struct sieve_run *run,
				const struct sv_node *node)
{
	const char **uris;
	size_t n = sieve_run_strlist(run, sieve_node_arg(node, 0), &uris,
				     NULL);

	for (size_t i = 0; i < n; i++) {
		char *err = NULL;
		int rc = notify_check(run->cfg, uris[i], NULL, 0, &err);
		free(err);
		if (rc != 1)
			return 0;
	}
	return n > 0;
}

static const struct sieve_command_def tst_valid_notify_method = {
	.name = "valid_notify_method", .kind = SIEVE_TEST,
	.pos = { SV_A_STRLIST }, .execute = valid_method_execute,
};

/* ---- notify_method_capability --------------------------------------------- */

static const char *capability_value(struct sieve_run *run, const char *uri,
				    const char *name)
{
	const struct sieve_notify_registry *reg = run->cfg->notify;
	char *err = NULL;
	int rc = notify_check(run->cfg, uri, NULL, 0, &err);

	free(err);
	if (rc != 1)
		return NULL;
	if (reg != NULL && reg->capability != NULL) {
		const char *v = reg->capability(reg->ctx, uri, name);
		if (v != NULL || !notify_is_mailto(uri))
			return v;
	}
	/* RFC 5436 2.4: mailto cannot know whether the user is online */
	if (notify_is_mailto(uri) && strcasecmp(name, "online") == 0)
		return "maybe";
	return NULL;
}

static int capability_execute(struct sieve_run *run,
			      const struct sv_node *node)
{
	const char *uri = sieve_run_string(run, sieve_node_arg(node, 0), NULL);
	const char *name = sieve_run_string(run, sieve_node_arg(node, 1),
					    NULL);
	const char *val = capability_value(run, uri, name);
	size_t len;

	/* 5: fails (no error) for a bad URI or an unknown capability */
	if (val == NULL)
		return 0;
	len = strlen(val);
	return sieve_match(run, node, &val, &len, 1);
}

static const struct sieve_command_def tst_notify_method_capability = {
	.name = "notify_method_capability", .kind = SIEVE_TEST,
	.flags = SV_F_MATCH, .pos = { SV_A_STRING, SV_A_STRING, SV_A_STRLIST },
	.execute = capability_execute,
};

/* ---- :encodeurl ------------------------------------------------------------ */

static char *encodeurl_apply(struct sieve_run *run, const char *in,
			     size_t len, size_t *len_r)
{
	char *s = sieve_encodeurl(in, len, run->cfg->max_variable_size, len_r);
	char *r = sv_arena_strndup(run->arena, s, *len_r);

	free(s);
	return r;
}

static const struct sieve_modifier_def mod_encodeurl = {
	"encodeurl", 15, encodeurl_apply
};

static const struct sieve_modifier_def *const enotify_modifiers[] = {
	&mod_encodeurl, NULL
};

static const struct sieve_command_def *const enotify_cmds[] = {
	&cmd_notify, &tst_valid_notify_method, &tst_notify_method_capability,
	NULL
};

const struct sieve_extension_def sieve_ext_enotify = {
	.name = "enotify",
	.commands = enotify_cmds,
	.modifiers = enotify_modifiers,
};
