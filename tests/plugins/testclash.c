/*
 * testclash.c: a notify plugin for the loader's unit tests that claims
 * x-test: (already taken by testmethod.so, which sorts first) and x-clash:.
 */
#include <stdlib.h>

#include "siren-notify.h"

static int c_init(const struct siren_notify_host *host,
		  const struct siren_notify_config *cfg, void **state_r,
		  char **error_r)
{
	(void)host, (void)cfg, (void)error_r;
	*state_r = NULL;
	return 0;
}

static int c_check(void *state, const char *uri, const char *const *options,
		   size_t noptions, const char **error_r)
{
	(void)state, (void)uri, (void)options, (void)noptions, (void)error_r;
	return 1;
}

static void c_deliver(void *state, const struct siren_notify_request *req,
		      struct siren_notify_outcome *out)
{
	(void)state, (void)req;
	out->status = SIREN_NOTIFY_FAILED;
}

static void c_free(void *state)
{
	(void)state;
}

static const char *const schemes[] = { "x-test", "x-clash", NULL };

const struct siren_notify_method siren_notify_method = {
	.abi_version = SIREN_NOTIFY_ABI_VERSION,
	.name = "testclash",
	.schemes = schemes,
	.init = c_init,
	.check = c_check,
	.deliver = c_deliver,
	.free = c_free,
};
