/*
 * ext_environment.c: the environment extension (RFC 5183): the
 * environment test matches one item of the delivery environment.  For
 * siren: location "MDA", phase "during", name "siren", version the build
 * version; domain, host, remote-host and remote-ip come from the caller's
 * envelope (remote-* = the LMTP client, i.e. the MTA).  An unknown or
 * unset item fails the test.
 */
#include <string.h>
#include <strings.h>

#include "sieve-private.h"

#ifndef SIREN_VERSION
#define SIREN_VERSION "unknown"
#endif

static const char *env_item(struct sieve_run *run, const char *name)
{
	const struct sieve_envelope *e = run->env;
	if (strcasecmp(name, "location") == 0) return "MDA";
	if (strcasecmp(name, "phase") == 0) return "during";
	if (strcasecmp(name, "name") == 0) return "siren";
	if (strcasecmp(name, "version") == 0) return SIREN_VERSION;
	if (strcasecmp(name, "domain") == 0) return e->domain;
	if (strcasecmp(name, "host") == 0) return e->host;
	if (strcasecmp(name, "remote-host") == 0) return e->remote_host;
	if (strcasecmp(name, "remote-ip") == 0) return e->remote_ip;
	return NULL;
}

static int environment_execute(struct sieve_run *run,
			       const struct sv_node *node)
{
	const char *name = sieve_run_string(run, sieve_node_arg(node, 0), NULL);
	const char *val = env_item(run, name);
	if (val == NULL)
		return 0;
	size_t len = strlen(val);
	return sieve_match(run, node, &val, &len, 1);
}

static const struct sieve_command_def tst_environment = {
	.name = "environment", .kind = SIEVE_TEST, .flags = SV_F_MATCH,
	.pos = { SV_A_STRING, SV_A_STRLIST }, .execute = environment_execute,
};

static const struct sieve_command_def *const env_cmds[] = {
	&tst_environment, NULL
};

const struct sieve_extension_def sieve_ext_environment = {
	.name = "environment",
	.commands = env_cmds,
};
