/*
 * ext_mailbox.c: the mailbox extension (RFC 5490 3): the mailboxexists
 * test (true when every named mailbox exists, asked through the caller's
 * mailbox_exists callback; false without one) and fileinto :create.
 * The metadata tests of RFC 5490 4-5 are not implemented.
 */
#include "sieve-private.h"

static int mailboxexists_execute(struct sieve_run *run,
				 const struct sv_node *node)
{
	const char **names;
	size_t n = sieve_run_strlist(run, sieve_node_arg(node, 0), &names,
				     NULL);
	if (run->cb->mailbox_exists == NULL)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!run->cb->mailbox_exists(run->cb->ctx, names[i]))
			return 0;
	return 1;
}

static const struct sieve_command_def tst_mailboxexists = {
	.name = "mailboxexists", .kind = SIEVE_TEST, .pos = { SV_A_STRLIST },
	.execute = mailboxexists_execute,
};

static const struct sieve_command_def *const mailbox_cmds[] = {
	&tst_mailboxexists, NULL
};

static const struct sieve_tag_ext mailbox_tags[] = {
	{ "fileinto", { "create", SV_A_NONE, NULL } },
	{ NULL, { NULL, SV_A_NONE, NULL } },
};

const struct sieve_extension_def sieve_ext_mailbox = {
	.name = "mailbox",
	.commands = mailbox_cmds,
	.tags = mailbox_tags,
};
