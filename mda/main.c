/*
 * main.c: the siren program's entry point: a table of subcommands, each
 * implemented by the module that owns it (commands.h).
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "log.h"

static const struct subcommand {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
	const char *summary;
} subcommands[] = {
	{ "lmtp", cmd_lmtp, "[-c FILE] [-d] | --help-config [--markdown]",
	  "serve LMTP (RFC 2033) in the foreground" },
	{ "deliver", cmd_deliver, "[-c FILE] -f SENDER -a RECIPIENT < MSG",
	  "deliver one message from stdin (sysexits codes)" },
	{ "check", cmd_check, "FILE...",
	  "compile Sieve scripts and print their errors" },
	{ "test", cmd_test,
	  "SCRIPT MESSAGE [--from A] [--to A] [--json] [--trace]",
	  "run a script over a message and print its actions" },
	{ "notify-test", cmd_notify_test, "[-c FILE] URI [--message TEXT]",
	  "send one notification now" },
	{ "queue", cmd_queue, "[-c FILE] list|retry|purge",
	  "inspect and manage the notification outbox" },
};
#define NSUBCOMMANDS (sizeof(subcommands) / sizeof(subcommands[0]))

static void usage(FILE *f)
{
	fprintf(f, "usage: siren COMMAND [ARGS]\n\n"
		   "siren is a mail delivery agent: LMTP in, Sieve, Maildir "
		   "out, push\nnotifications through plugins.\n\n"
		   "commands:\n");
	for (size_t i = 0; i < NSUBCOMMANDS; i++)
		fprintf(f, "  siren %s %s\n      %s\n", subcommands[i].name,
			subcommands[i].usage, subcommands[i].summary);
	fprintf(f, "\n  siren --help | --version\n");
}

int main(int argc, char **argv)
{
	log_init("siren", 0, 0);
	if (argc < 2) {
		usage(stderr);
		return 64;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("siren %s\n", SIREN_VERSION);
		return 0;
	}
	for (size_t i = 0; i < NSUBCOMMANDS; i++)
		if (!strcmp(argv[1], subcommands[i].name))
			return subcommands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "siren: unknown command '%s' (see siren --help)\n",
		argv[1]);
	return 64;
}
