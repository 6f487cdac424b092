/*
 * cmd_pending.c: subcommands whose issue has not landed.  Each exits 2
 * with a clear message; an entry leaves this file when its module lands.
 * (Every subcommand has landed.)
 */
#include "commands.h"
