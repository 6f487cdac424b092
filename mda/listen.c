/*
 * listen.c: bind the LMTP listeners.  RFC 2033 5: LMTP MUST NOT be
 * served on TCP port 25, so that port is refused.  Unix sockets replace a
 * stale socket file but never another kind of file.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "listen.h"
#include "util.h"

static int listen_unix(const char *path, mode_t mode, char **error_r)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct stat st;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		*error_r = xasprintf("unix:%s: path too long", path);
		return -1;
	}
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			*error_r = xasprintf("unix:%s: exists and is not a "
					     "socket", path);
			return -1;
		}
		unlink(path);
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	/* The socket is born with its final mode: no window with another. */
	mode_t old = umask(0777 & ~mode);
	int rc = fd < 0 ? -1 : bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (rc < 0 || chmod(path, mode) < 0 || listen(fd, SOMAXCONN) < 0) {
		*error_r = xasprintf("unix:%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Split "host:port", "[v6]:port" or "*:port". */
static int split_hostport(const char *spec, char **host_r, char **port_r)
{
	const char *colon;
	if (spec[0] == '[') {
		const char *end = strchr(spec, ']');
		if (end == NULL || end[1] != ':')
			return -1;
		*host_r = xstrndup(spec + 1, (size_t)(end - spec - 1));
		colon = end + 1;
	} else {
		colon = strrchr(spec, ':');
		if (colon == NULL)
			return -1;
		*host_r = xstrndup(spec, (size_t)(colon - spec));
	}
	*port_r = xstrdup(colon + 1);
	if (**port_r == '\0') {
		free(*host_r);
		free(*port_r);
		return -1;
	}
	return 0;
}

static int listen_bind(const struct addrinfo *ai)
{
	int fd = socket(ai->ai_family,
			ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ai->ai_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 ||
	    listen(fd, SOMAXCONN) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static int listen_inet(const char *spec, char **error_r)
{
	char *host, *port;
	if (split_hostport(spec, &host, &port) < 0) {
		*error_r = xasprintf("%s: expected host:port, [v6]:port or "
				     "unix:/path", spec);
		return -1;
	}
	int fd = -1;
	if (!strcmp(port, "25")) {
		*error_r = xasprintf("%s: LMTP must not use TCP port 25 "
				     "(RFC 2033 5)", spec);
		goto out;
	}
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
	struct addrinfo *res = NULL;
	int rc = getaddrinfo(!strcmp(host, "*") || !*host ? NULL : host, port,
			     &hints, &res);
	if (rc != 0) {
		*error_r = xasprintf("%s: %s", spec, gai_strerror(rc));
		goto out;
	}
	fd = listen_bind(res);
	if (fd < 0)
		*error_r = xasprintf("%s: %s", spec, strerror(errno));
	freeaddrinfo(res);
out:
	free(host);
	free(port);
	return fd;
}

int listen_open_all(const char *list, mode_t mode, struct listener **ls_r,
		    char **error_r)
{
	char *copy = xstrdup(list ? list : ""), *save = NULL;
	struct listener *ls = NULL;
	size_t n = 0;
	*error_r = NULL;
	for (char *spec = strtok_r(copy, " ,\t", &save); spec;
	     spec = strtok_r(NULL, " ,\t", &save)) {
		bool is_unix = !strncmp(spec, "unix:", 5);
		int fd = is_unix ? listen_unix(spec + 5, mode, error_r)
				 : listen_inet(spec, error_r);
		if (fd < 0)
			break;
		ls = xrealloc(ls, (n + 1) * sizeof(*ls));
		ls[n].fd = fd;
		ls[n].spec = xstrdup(spec);
		ls[n].path = is_unix ? xstrdup(spec + 5) : NULL;
		n++;
	}
	free(copy);
	if (*error_r == NULL && n == 0)
		*error_r = xstrdup("[server] listen: no listener configured");
	if (*error_r) {
		listen_close_all(&ls, n, 1);
		return -1;
	}
	*ls_r = ls;
	return (int)n;
}

void listen_close_all(struct listener **lsp, size_t n, int unlink_paths)
{
	struct listener *ls = *lsp;
	for (size_t i = 0; ls && i < n; i++) {
		close(ls[i].fd);
		if (unlink_paths && ls[i].path)
			unlink(ls[i].path);
		free(ls[i].spec);
		free(ls[i].path);
	}
	free(ls);
	*lsp = NULL;
}
