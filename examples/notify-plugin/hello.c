/*
 * hello.c: the smallest complete siren notify-method plugin.  It handles
 * hello:NAME URIs and "delivers" by writing a log line.  Build it against
 * the installed header and drop it into the plugin directory:
 *
 *   cc -shared -fPIC -o hello.so hello.c -I/usr/local/include/siren
 *   install -m 644 hello.so /usr/local/lib/siren/notify/
 *
 * Sieve:  require "enotify"; notify :message "hi" "hello:world";
 */
#include <string.h>

#include "siren-notify.h"

static const struct siren_notify_host *host;

static int hello_init(const struct siren_notify_host *h,
		      const struct siren_notify_config *section,
		      void **state_r, char **error_r)
{
	(void)section, (void)error_r;
	host = h;
	*state_r = NULL;
	return 0;
}

/* RFC 5435: check the URI exactly; here NAME is 1-32 lowercase letters. */
static int hello_check(void *state, const char *uri,
		       const char *const *options, size_t noptions,
		       const char **error_r)
{
	const char *name = uri + strlen("hello:");
	size_t n = strspn(name, "abcdefghijklmnopqrstuvwxyz");

	(void)state, (void)options;
	if (n == 0 || n > 32 || name[n] != '\0' || noptions > 0) {
		*error_r = "expected hello:NAME (lowercase letters)";
		return 0;
	}
	return 1;
}

static const char *hello_capability(void *state, const char *uri,
				    const char *name)
{
	(void)state, (void)uri;
	return strcmp(name, "online") == 0 ? "maybe" : NULL;
}

static void hello_deliver(void *state, const struct siren_notify_request *req,
			  struct siren_notify_outcome *out)
{
	(void)state;
	host->log(host, SIREN_NOTIFY_LOG_INFO, "hello: %s says %s to %s",
		  req->user ? req->user : "?",
		  req->message ? req->message : "(no message)", req->method);
	out->status = SIREN_NOTIFY_DELIVERED;
	strcpy(out->reason, "logged");
}

static void hello_free(void *state)
{
	(void)state;
}

static const char *const schemes[] = { "hello", NULL };

const struct siren_notify_method siren_notify_method = {
	.abi_version = SIREN_NOTIFY_ABI_VERSION,
	.name = "hello",
	.schemes = schemes,
	.init = hello_init,
	.check = hello_check,
	.capability = hello_capability,
	.deliver = hello_deliver,
	.free = hello_free,
};
