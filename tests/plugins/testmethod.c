/*
 * testmethod.c: a notify plugin for the loader's unit tests.  Handles
 * x-test: URIs; "x-test:ok..." is valid, anything else invalid.  Its
 * [notify.testmethod] section: fail=yes makes init fail, online=VALUE is
 * what capability "online" answers.
 */
#include <stdlib.h>
#include <string.h>

#include "siren-notify.h"

struct state {
	const char *online;
};

static int t_init(const struct siren_notify_host *host,
		  const struct siren_notify_config *cfg, void **state_r,
		  char **error_r)
{
	const char *fail = cfg->get(cfg, "fail");
	struct state *st;

	(void)host;
	if (fail != NULL && strcmp(fail, "yes") == 0) {
		*error_r = strdup("asked to fail");
		return -1;
	}
	st = calloc(1, sizeof(*st));
	if (st == NULL)
		return -1;
	st->online = cfg->get(cfg, "online");
	*state_r = st;
	return 0;
}

static int t_check(void *state, const char *uri, const char *const *options,
		   size_t noptions, const char **error_r)
{
	(void)state, (void)options;
	if (noptions > 0) {
		*error_r = "no options allowed";
		return 0;
	}
	if (strncmp(uri + strlen("x-test:"), "ok", 2) != 0) {
		*error_r = "not ok";
		return 0;
	}
	return 1;
}

static const char *t_capability(void *state, const char *uri,
				const char *name)
{
	struct state *st = state;

	(void)uri;
	if (strcmp(name, "online") != 0)
		return NULL;
	return st->online ? st->online : "maybe";
}

static void t_deliver(void *state, const struct siren_notify_request *req,
		      struct siren_notify_outcome *out)
{
	(void)state, (void)req;
	out->status = SIREN_NOTIFY_DELIVERED;
}

static void t_free(void *state)
{
	free(state);
}

static const char *const schemes[] = { "x-test", NULL };

const struct siren_notify_method siren_notify_method = {
	.abi_version = SIREN_NOTIFY_ABI_VERSION,
	.name = "testmethod",
	.schemes = schemes,
	.init = t_init,
	.check = t_check,
	.capability = t_capability,
	.deliver = t_deliver,
	.free = t_free,
};
