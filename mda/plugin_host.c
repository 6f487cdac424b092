/*
 * plugin_host.c: the services siren offers notify plugins
 * (struct siren_notify_host): logging through log.h, outgoing mail
 * through sendmail.h, the clock and the host name.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "siren-notify.h"

#include "config.h"
#include "log.h"
#include "plugin.h"
#include "sendmail.h"

static void host_log(const struct siren_notify_host *host, int level,
		     const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	(void)host;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (level >= SIREN_NOTIFY_LOG_WARN)
		log_warnx("%s", line);
	else if (level == SIREN_NOTIFY_LOG_INFO)
		log_info("%s", line);
	else
		log_debug("%s", line);
}

static int host_send_mail(const struct siren_notify_host *host,
			  const char *env_from, const char *const *rcpts,
			  size_t nrcpts, const char *msg, size_t len,
			  const char **error_r)
{
	enum siren_status st = sendmail_send(host->ctx, env_from, rcpts,
					     nrcpts, msg, len, error_r);

	if (st == SIREN_OK)
		return SIREN_NOTIFY_MAIL_OK;
	return st == SIREN_PERMFAIL ? SIREN_NOTIFY_MAIL_PERMFAIL
				    : SIREN_NOTIFY_MAIL_TEMPFAIL;
}

static time_t host_now(const struct siren_notify_host *host)
{
	(void)host;
	return time(NULL);
}

void plugin_host_init(struct siren_notify_host *host,
		      const struct config *cfg)
{
	static char name[256];

	if (name[0] == '\0' && gethostname(name, sizeof(name) - 1) == -1)
		strcpy(name, "localhost");
	memset(host, 0, sizeof(*host));
	host->abi_version = SIREN_NOTIFY_ABI_VERSION;
	host->ctx = (void *)cfg;
	host->log = host_log;
	host->send_mail = host_send_mail;
	host->now = host_now;
	host->hostname = name;
}
