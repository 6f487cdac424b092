/*
 * dispatcher.h: the outbox dispatcher process.  The master forks it once;
 * it loads the notify plugins, sends queued jobs concurrently (libcurl
 * multi), retries with backoff and dead-letters.  It never touches
 * Maildirs and is the only siren process that talks to the Internet.
 */
#ifndef SIREN_DISPATCHER_H
#define SIREN_DISPATCHER_H

#include "config.h"

/*
 * Run the dispatcher until SIGTERM (or SIGINT): finish in-flight requests
 * (bounded by the HTTP timeout), then return the exit status (0, or
 * EX_CONFIG 78 / EX_SOFTWARE 70 when it could not start).  wake_fd is a
 * readable descriptor the caller may write to (any byte) to say "new jobs
 * in the spool", or -1: the dispatcher also watches SPOOL/wake (a FIFO
 * written by outbox_enqueue) and rescans the spool on a timer, so a lost
 * wake-up only delays a job.  cfg is borrowed for the whole run.  Installs
 * its own SIGTERM/SIGINT/SIGHUP/SIGPIPE handlers; blocks.
 */
int dispatcher_main(const struct config *cfg, int wake_fd);

#endif
