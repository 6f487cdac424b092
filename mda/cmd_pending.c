/*
 * cmd_pending.c: subcommands whose issue has not landed.  Each exits 2
 * with a clear message; an entry leaves this file when its module lands.
 */
#include "commands.h"

int cmd_check(int argc, char **argv)
{
	(void)argc, (void)argv;
	return cmd_not_available("check");
}

int cmd_test(int argc, char **argv)
{
	(void)argc, (void)argv;
	return cmd_not_available("test");
}
