/*
 * commands.h: siren's subcommands.  Each takes argc/argv with argv[0] the
 * subcommand name and returns the process exit status (sysexits.h codes
 * where callers act on them).  Each lives in the module that owns it.
 */
#ifndef SIREN_COMMANDS_H
#define SIREN_COMMANDS_H

int cmd_lmtp(int argc, char **argv);		/* lmtp.c / master.c */
int cmd_deliver(int argc, char **argv);		/* deliver.c */
int cmd_check(int argc, char **argv);		/* cmd_sieve.c */
int cmd_test(int argc, char **argv);		/* cmd_sieve.c */
int cmd_notify_test(int argc, char **argv);	/* notify side */
int cmd_queue(int argc, char **argv);		/* notify side */

#endif
