/*
 * ext_copy.c: the copy extension (RFC 3894): a :copy tag on fileinto and
 * redirect; the action then does not cancel the implicit keep.
 */
#include "sieve-private.h"

static const struct sieve_tag_ext copy_tags[] = {
	{ "fileinto", { "copy", SV_A_NONE, NULL } },
	{ "redirect", { "copy", SV_A_NONE, NULL } },
	{ NULL, { NULL, SV_A_NONE, NULL } },
};

const struct sieve_extension_def sieve_ext_copy = {
	.name = "copy",
	.tags = copy_tags,
};
