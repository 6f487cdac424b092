/*
 * cmd_pending.c: subcommands whose issue has not landed.  Each exits 2
 * with a clear message; an entry leaves this file when its module lands.
 */
#include "commands.h"

int cmd_lmtp(int argc, char **argv)
{
	(void)argc, (void)argv;
	return cmd_not_available("lmtp");
}

int cmd_deliver(int argc, char **argv)
{
	(void)argc, (void)argv;
	return cmd_not_available("deliver");
}

int cmd_notify_test(int argc, char **argv)
{
	(void)argc, (void)argv;
	return cmd_not_available("notify-test");
}

int cmd_queue(int argc, char **argv)
{
	(void)argc, (void)argv;
	return cmd_not_available("queue");
}
