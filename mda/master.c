/*
 * master.c: `siren lmtp`, the LMTP service's master process.  It binds
 * the listeners, drops root, accepts connections and forks one session
 * process per connection, bounded by [server] max_connections.
 *
 * Why fork per connection: a session runs Sieve over hostile mail; its own
 * address space means a crash or a leak ends only that session, whose
 * mail was not acknowledged and so is retried by the MTA.  fork() costs
 * well under a millisecond beside fsyncs that cost more, and MTAs keep
 * LMTP connections open for many messages.  SIGHUP reloads the config
 * (a broken one is logged and the old one kept); SIGTERM stops accepting,
 * lets sessions finish their transaction (up to shutdown_timeout), exits 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "config.h"
#include "dispatcher.h"
#include "listen.h"
#include "lmtp.h"
#include "log.h"
#include "userdb.h"
#include "util.h"
#include "worker.h"

#define EX_OK_ 0
#define EX_USAGE_ 64
#define EX_OSERR_ 71
#define EX_CONFIG_ 78

struct child {
	pid_t pid;
	char id[24];
};

struct master {
	const char *conf_path;	/* NULL: built-in defaults */
	struct config *cfg;
	struct userdb *db;
	struct listener *ls;
	size_t nls;
	struct child *children;
	size_t nchildren;
	unsigned long sessions;	/* for session ids */
	struct worker_plugins *plugins;	/* notify URI validation */
	pid_t dispatcher;	/* 0: not running */
	time_t dispatcher_started;
	int dispatcher_delay;	/* seconds between restarts, 5..300 */
	bool dispatcher_hold;	/* exited 78: wait for a reload */
};

static volatile sig_atomic_t got_term, got_hup, got_chld;
static int sig_pipe[2] = { -1, -1 };

static void master_signal(int sig)
{
	int saved = errno;
	if (sig == SIGTERM || sig == SIGINT)
		got_term = 1;
	else if (sig == SIGHUP)
		got_hup = 1;
	else if (sig == SIGCHLD)
		got_chld = 1;
	if (write(sig_pipe[1], "", 1) < 0) {
		/* full pipe: a wake-up is pending anyway */
	}
	errno = saved;
}

static void master_signals(void)
{
	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		fatal("pipe");
	struct sigaction sa = { .sa_handler = master_signal };
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* ---- configuration -------------------------------------------------- */

static struct config *master_load(const char *path, struct userdb **db_r,
				  char **error_r)
{
	struct config *cfg = path ? config_load(path, error_r)
				  : config_default();
	if (cfg == NULL)
		return NULL;
	*db_r = userdb_open(cfg, error_r);
	if (*db_r == NULL)
		config_free(&cfg);
	return cfg;
}

static void master_reload(struct master *m)
{
	char *err = NULL;
	struct userdb *db = NULL;
	struct config *cfg = master_load(m->conf_path, &db, &err);
	if (cfg == NULL) {
		log_warnx("reload failed, keeping the running configuration: "
			  "%s", err);
		free(err);
		return;
	}
	worker_plugins_free(&m->plugins);
	config_free(&m->cfg);
	userdb_free(&m->db);
	m->cfg = cfg;
	m->db = db;
	m->plugins = worker_plugins_load(cfg);
	log_info("configuration reloaded from %s (listeners unchanged)",
		 config_path(cfg));
	/* The dispatcher reads its config once: restart it on the new one. */
	m->dispatcher_hold = false;
	m->dispatcher_started = 0;
	m->dispatcher_delay = 0;
	if (m->dispatcher > 0)
		kill(m->dispatcher, SIGTERM);
}

/* ---- the dispatcher ------------------------------------------------- */

static void master_close_inherited(struct master *m)
{
	close(sig_pipe[0]);
	close(sig_pipe[1]);
	for (size_t i = 0; i < m->nls; i++)
		close(m->ls[i].fd);
}

/* Fork the outbox dispatcher.  Restarts back off from 5 s to 5 min
 * while it keeps failing, so a broken one does not spin or flood logs. */
static void master_dispatcher(struct master *m)
{
	time_t now = time(NULL);
	if (m->dispatcher > 0 || m->dispatcher_hold ||
	    now - m->dispatcher_started < m->dispatcher_delay)
		return;
	m->dispatcher_started = now;
	pid_t pid = fork();
	if (pid < 0) {
		log_warn("fork for the dispatcher");
		return;
	}
	if (pid == 0) {
		signal(SIGCHLD, SIG_DFL);
		signal(SIGPIPE, SIG_IGN);
		master_close_inherited(m);
		prctl(PR_SET_NAME, "siren-dispatch");
		log_set_prefix("dispatcher: ");
		_exit(dispatcher_main(m->cfg, -1));
	}
	m->dispatcher = pid;
	log_debug("dispatcher started, pid %ld", (long)pid);
}

static void master_dispatcher_exited(struct master *m, int status)
{
	m->dispatcher = 0;
	if (time(NULL) - m->dispatcher_started > 300)
		m->dispatcher_delay = 5;	/* it had been running fine */
	else if (m->dispatcher_delay < 300)
		m->dispatcher_delay = m->dispatcher_delay ? m->dispatcher_delay * 2
							  : 5;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 78) {
		log_warnx("dispatcher refused the configuration; notifications "
			  "wait in the outbox until a reload");
		m->dispatcher_hold = true;
	} else if (!got_term && !(WIFEXITED(status) &&
				  WEXITSTATUS(status) == 0)) {
		log_warnx("dispatcher ended (%s %d), restarting in %ds",
			  WIFSIGNALED(status) ? "signal" : "exit status",
			  WIFSIGNALED(status) ? WTERMSIG(status)
					      : WEXITSTATUS(status),
			  m->dispatcher_delay);
	}
}

/* ---- privileges ----------------------------------------------------- */

static int master_drop_root(const struct config *cfg)
{
	const char *user = config_get(cfg, "server", "user");
	if (geteuid() != 0 || user == NULL || *user == '\0')
		return 0;
	struct passwd *pw = getpwnam(user);
	if (pw == NULL) {
		log_warnx("[server] user %s: no such user", user);
		return -1;
	}
	gid_t gid = pw->pw_gid;
	const char *group = config_get(cfg, "server", "group");
	if (group && *group) {
		struct group *gr = getgrnam(group);
		if (gr == NULL) {
			log_warnx("[server] group %s: no such group", group);
			return -1;
		}
		gid = gr->gr_gid;
	}
	if (initgroups(user, gid) < 0 || setgid(gid) < 0 ||
	    setuid(pw->pw_uid) < 0) {
		log_warn("cannot switch to user %s", user);
		return -1;
	}
	log_info("running as %s (uid %ld)", user, (long)pw->pw_uid);
	return 0;
}

/* ---- sessions ------------------------------------------------------- */

static void remote_name(const struct sockaddr_storage *ss, char *buf,
			size_t n)
{
	if (ss->ss_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr,
			  buf, (socklen_t)n);
	else if (ss->ss_family == AF_INET6)
		inet_ntop(AF_INET6,
			  &((const struct sockaddr_in6 *)ss)->sin6_addr, buf,
			  (socklen_t)n);
	else
		snprintf(buf, n, "unix");
}

static void child_signal(int sig)
{
	(void)sig;
	lmtp_request_shutdown();
}

/* In the forked child: serve, never return. */
static void __attribute__((noreturn))
master_child(struct master *m, int fd, const char *ip, const char *id)
{
	struct sigaction sa = { .sa_handler = child_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGHUP, SIG_IGN);	/* the master reloads, not us */
	signal(SIGCHLD, SIG_DFL);	/* sendmail children are waited for */
	signal(SIGPIPE, SIG_IGN);
	master_close_inherited(m);
	prctl(PR_SET_NAME, "siren-session");	/* what ps shows */
	int flags = fcntl(fd, F_GETFL), one = 1;
	fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
	/* Replies are already gathered per pipelined group (lmtp_io.c):
	 * Nagle would only hold the next group behind a delayed ACK. */
	if (strcmp(ip, "unix"))
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	worker_session(m->cfg, m->db, fd, ip, id);
	close(fd);
	_exit(0);
}

static void master_spawn(struct master *m, int fd,
			 const struct sockaddr_storage *ss)
{
	char ip[INET6_ADDRSTRLEN + 1];
	struct child c;
	remote_name(ss, ip, sizeof(ip));
	snprintf(c.id, sizeof(c.id), "%08lx%06lx", (unsigned long)time(NULL),
		 ++m->sessions & 0xffffff);
	c.pid = fork();
	if (c.pid < 0) {
		log_warn("fork for a session from %s", ip);
		close(fd);	/* the MTA retries */
		return;
	}
	if (c.pid == 0)
		master_child(m, fd, ip, c.id);
	close(fd);
	m->children = xrealloc(m->children,
			       (m->nchildren + 1) * sizeof(*m->children));
	m->children[m->nchildren++] = c;
}

static void master_accept(struct master *m, int lfd)
{
	long max = config_get_num(m->cfg, "server", "max_connections", 128);
	while ((long)m->nchildren < max) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		int fd = accept4(lfd, (struct sockaddr *)&ss, &len,
				 SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR &&
			    errno != ECONNABORTED)
				log_warn("accept");
			return;
		}
		master_spawn(m, fd, &ss);
	}
}

static void master_reap(struct master *m)
{
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid == m->dispatcher) {
			master_dispatcher_exited(m, status);
			continue;
		}
		for (size_t i = 0; i < m->nchildren; i++) {
			if (m->children[i].pid != pid)
				continue;
			if (WIFSIGNALED(status))
				log_warnx("session=%s process %ld killed by "
					  "signal %d; unacknowledged mail "
					  "stays with the client",
					  m->children[i].id, (long)pid,
					  WTERMSIG(status));
			else if (WEXITSTATUS(status) != 0)
				log_warnx("session=%s process %ld exited "
					  "with %d", m->children[i].id,
					  (long)pid, WEXITSTATUS(status));
			m->children[i] = m->children[--m->nchildren];
			break;
		}
	}
}

/* ---- the loop ------------------------------------------------------- */

static void master_drain_signals(void)
{
	char b[64];
	while (read(sig_pipe[0], b, sizeof(b)) > 0)
		;
}

static void master_loop(struct master *m)
{
	struct pollfd *pfd = xcalloc(m->nls + 1, sizeof(*pfd));
	master_dispatcher(m);
	while (!got_term) {
		long max = config_get_num(m->cfg, "server", "max_connections",
					  128);
		/* At the limit, stop polling the listeners: new connections
		 * wait in the kernel backlog until a session ends. */
		bool room = (long)m->nchildren < max;
		pfd[0] = (struct pollfd){ .fd = sig_pipe[0], .events = POLLIN };
		for (size_t i = 0; i < m->nls; i++)
			pfd[i + 1] = (struct pollfd){
				.fd = room ? m->ls[i].fd : -1,
				.events = POLLIN };
		int rc = poll(pfd, m->nls + 1, 1000);
		if (rc < 0 && errno != EINTR)
			fatal("poll");
		master_drain_signals();
		if (got_chld) {
			got_chld = 0;
			master_reap(m);
		}
		if (got_hup) {
			got_hup = 0;
			master_reload(m);
		}
		for (size_t i = 0; rc > 0 && !got_term && i < m->nls; i++)
			if (pfd[i + 1].revents & POLLIN)
				master_accept(m, m->ls[i].fd);
		if (!got_term)
			master_dispatcher(m);
	}
	free(pfd);
}

/* SIGTERM: close the doors, ask sessions to end after their current
 * transaction, wait for them (bounded), then end the stragglers. */
static void master_shutdown(struct master *m)
{
	long long grace = config_get_seconds(m->cfg, "server",
					     "shutdown_timeout", 30);
	listen_close_all(&m->ls, m->nls, 1);
	m->nls = 0;
	log_info("shutting down: %zu sessions in flight", m->nchildren);
	for (size_t i = 0; i < m->nchildren; i++)
		kill(m->children[i].pid, SIGTERM);
	if (m->dispatcher > 0)
		kill(m->dispatcher, SIGTERM);
	time_t deadline = time(NULL) + grace;
	while ((m->nchildren > 0 || m->dispatcher > 0) &&
	       time(NULL) < deadline) {
		master_reap(m);
		if (m->nchildren || m->dispatcher > 0)
			usleep(50 * 1000);
	}
	if (m->dispatcher > 0) {
		log_warnx("dispatcher still running after %llds, killed", grace);
		kill(m->dispatcher, SIGKILL);
	}
	for (size_t i = 0; i < m->nchildren; i++) {
		log_warnx("session=%s still running after %llds, killed",
			  m->children[i].id, grace);
		kill(m->children[i].pid, SIGKILL);
	}
	for (int i = 0; i < 100 && (m->nchildren > 0 || m->dispatcher > 0);
	     i++) {
		master_reap(m);	/* SIGKILLed: gone within moments */
		usleep(20 * 1000);
	}
}

/* ---- the command ---------------------------------------------------- */

static int lmtp_usage(void)
{
	fprintf(stderr, "usage: siren lmtp [-c FILE] [-d] | --help-config "
			"[--markdown]\n");
	return EX_USAGE_;
}

static int master_start(struct master *m, bool verbose)
{
	char *err = NULL;
	m->cfg = master_load(m->conf_path, &m->db, &err);
	if (m->cfg == NULL) {
		fprintf(stderr, "siren lmtp: %s\n", err);
		free(err);
		return EX_CONFIG_;
	}
	if (config_get_num(m->cfg, "server", "max_connections", 128) < 1) {
		fprintf(stderr, "siren lmtp: %s: [server] max_connections must "
			"be at least 1\n", config_path(m->cfg));
		return EX_CONFIG_;
	}
	const char *log = config_get(m->cfg, "server", "log");
	log_init("siren", log && !strcmp(log, "syslog"),
		 verbose || config_get_bool(m->cfg, "server", "verbose", 0));
	const char *mode_s = config_get(m->cfg, "server", "socket_mode");
	mode_t mode = (mode_t)strtol(mode_s ? mode_s : "0666", NULL, 8);
	int n = listen_open_all(config_get(m->cfg, "server", "listen"), mode,
				&m->ls, &err);
	if (n < 0) {
		log_warnx("cannot listen: %s", err);
		free(err);
		return EX_OSERR_;
	}
	m->nls = (size_t)n;
	if (master_drop_root(m->cfg) < 0)
		return EX_CONFIG_;
	for (size_t i = 0; i < m->nls; i++)
		log_info("listening on %s", m->ls[i].spec);
	m->plugins = worker_plugins_load(m->cfg);
	return EX_OK_;
}

int cmd_lmtp(int argc, char **argv)
{
	struct master m = { 0 };
	bool verbose = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-c") && i + 1 < argc) {
			m.conf_path = argv[++i];
		} else if (!strcmp(argv[i], "-d")) {
			verbose = true;
		} else if (!strcmp(argv[i], "--help-config")) {
			config_print_help(stdout, i + 1 < argc &&
				!strcmp(argv[i + 1], "--markdown"));
			return EX_OK_;
		} else {
			return lmtp_usage();
		}
	}
	master_signals();
	int rc = master_start(&m, verbose);
	if (rc == EX_OK_) {
		master_loop(&m);
		master_shutdown(&m);
		log_info("stopped");
	}
	listen_close_all(&m.ls, m.nls, 1);
	free(m.children);
	worker_plugins_free(&m.plugins);
	userdb_free(&m.db);
	config_free(&m.cfg);
	return rc;
}
