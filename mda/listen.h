/*
 * listen.h: the master's listening sockets from [server] listen:
 * `host:port`, `[v6addr]:port`, `*:port` and `unix:/path`.
 */
#ifndef SIREN_LISTEN_H
#define SIREN_LISTEN_H

#include <stddef.h>
#include <sys/types.h>

struct listener {
	int fd;
	char *spec;	/* as configured */
	char *path;	/* unix socket path, unlinked at close; or NULL */
};

/* Bind and listen on every space/comma separated spec in list (unix
 * sockets get mode).  Returns the count and sets *ls_r (caller frees with
 * listen_close_all), or -1 with *error_r (caller frees) naming the spec
 * and the reason; nothing stays open then.  Listeners are non-blocking
 * and close-on-exec. */
int listen_open_all(const char *list, mode_t mode, struct listener **ls_r,
		    char **error_r);
/* Close every listener; with unlink_paths, remove unix socket files. */
void listen_close_all(struct listener **ls, size_t n, int unlink_paths);

#endif
