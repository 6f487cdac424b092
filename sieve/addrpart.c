/*
 * addrpart.c: address parts (RFC 5228 2.7.4) :all, :localpart, :domain
 * and the subaddress ones :user/:detail (RFC 5233, separator from the
 * config, default '+').  An unparseable address has only :all.
 */
#include <string.h>

#include "sieve-private.h"

static const char *part_all(struct sieve_run *run,
			    const struct sieve_address *a)
{
	(void)run;
	return a->all;
}

static const char *part_localpart(struct sieve_run *run,
				  const struct sieve_address *a)
{
	(void)run;
	return a->localpart;
}

static const char *part_domain(struct sieve_run *run,
			       const struct sieve_address *a)
{
	(void)run;
	return a->localpart ? a->domain : NULL;
}

static const char *part_user(struct sieve_run *run,
			     const struct sieve_address *a)
{
	if (a->localpart == NULL)
		return NULL;
	const char *sep = strchr(a->localpart, run->cfg->subaddress_separator);
	if (sep == NULL)
		return a->localpart;
	return sv_arena_strndup(run->arena, a->localpart,
				(size_t)(sep - a->localpart));
}

static const char *part_detail(struct sieve_run *run,
			       const struct sieve_address *a)
{
	if (a->localpart == NULL)
		return NULL;
	const char *sep = strchr(a->localpart, run->cfg->subaddress_separator);
	return sep ? sep + 1 : NULL;
}

const struct sieve_addrpart_def sieve_addrpart_all = { "all", part_all };
const struct sieve_addrpart_def sieve_addrpart_localpart = {
	"localpart", part_localpart
};
const struct sieve_addrpart_def sieve_addrpart_domain = {
	"domain", part_domain
};
const struct sieve_addrpart_def sieve_addrpart_user = { "user", part_user };
const struct sieve_addrpart_def sieve_addrpart_detail = {
	"detail", part_detail
};

static const struct sieve_addrpart_def *const subaddress_parts[] = {
	&sieve_addrpart_user, &sieve_addrpart_detail, NULL
};

const struct sieve_extension_def sieve_ext_subaddress = {
	.name = "subaddress",
	.addrparts = subaddress_parts,
};
