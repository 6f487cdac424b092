/*
 * ext_fileinto.c: the fileinto extension (RFC 5228 4.1): file into the
 * named mailbox (a UTF-8 name, checked here; the caller maps it to its
 * store).  :copy
 * (RFC 3894), :flags (RFC 5232) and :create (RFC 5490) are added by
 * their extensions.  Without :copy it cancels the implicit keep.
 */
#include <string.h>

#include "sieve-private.h"

size_t sieve_imap4flags_for_action(struct sieve_run *run,
				   const struct sv_node *node,
				   const char ***flags_r);

static int fileinto_validate(struct sieve_validator *v, struct sv_node *node)
{
	const struct sv_arg *a = sieve_node_arg(node, 0);
	if (!sieve_arg_is_constant(a))
		return 0;
	if (a->list[0].len == 0 ||
	    !sieve_utf8_valid(a->list[0].s, a->list[0].len)) {
		sieve_arg_error(v, a, "invalid folder name '%s' specified "
				"for the fileinto command", a->list[0].s);
		return -1;
	}
	return 0;
}

static int fileinto_execute(struct sieve_run *run, const struct sv_node *node)
{
	struct sieve_action act = { .type = SIEVE_ACT_FILEINTO };
	const char **flags = NULL;
	size_t len;
	act.mailbox = sieve_run_string(run, sieve_node_arg(node, 0), &len);
	if (len == 0 || memchr(act.mailbox, '\0', len) != NULL ||
	    !sieve_utf8_valid(act.mailbox, len))
		return sieve_runtime_error(run, node, "invalid folder name "
					   "'%s' for the fileinto action",
					   act.mailbox);
	act.copy = sieve_node_tag(node, "copy");
	act.create = sieve_node_tag(node, "create");
	act.nflags = sieve_imap4flags_for_action(run, node, &flags);
	act.flags = flags;
	return sieve_result_add(run, node, &act);
}

static const struct sieve_command_def cmd_fileinto = {
	.name = "fileinto", .kind = SIEVE_CMD, .pos = { SV_A_STRING },
	.validate = fileinto_validate, .execute = fileinto_execute,
};

static const struct sieve_command_def *const fileinto_cmds[] = {
	&cmd_fileinto, NULL
};

const struct sieve_extension_def sieve_ext_fileinto = {
	.name = "fileinto",
	.commands = fileinto_cmds,
};
