/*
 * ext_index.c: the index extension (RFC 5260 6): ":index n [:last]" on
 * header, address and date.  The tests themselves apply it through
 * sieve_index_filter (match.c): n counts header fields from the top, or
 * from the bottom with :last; an index past the end matches nothing.
 * Here only the tags and their compile-time rules: n >= 1, :last needs
 * :index.
 */
#include <string.h>

#include "sieve-private.h"

static const struct sieve_tag_ext index_tags[] = {
	{ "header", { "index", SV_A_NUMBER, NULL } },
	{ "header", { "last", SV_A_NONE, NULL } },
	{ "address", { "index", SV_A_NUMBER, NULL } },
	{ "address", { "last", SV_A_NONE, NULL } },
	{ "date", { "index", SV_A_NUMBER, NULL } },
	{ "date", { "last", SV_A_NONE, NULL } },
	{ NULL, { NULL, SV_A_NONE, NULL } },
};

static int index_validate_node(struct sieve_validator *v, struct sv_node *node)
{
	const struct sv_arg *idx = sieve_node_tag_param(node, "index");

	if (strcmp(node->name, "header") != 0 &&
	    strcmp(node->name, "address") != 0 &&
	    strcmp(node->name, "date") != 0)
		return 0;
	if (idx == NULL && sieve_node_tag(node, "last")) {
		sieve_node_error(v, node, "the :last tag of the %s test "
				 "requires the :index tag", node->name);
		return -1;
	}
	if (idx != NULL && idx->number == 0) {
		sieve_arg_error(v, idx, "the :index argument must be 1 or "
				"greater");
		return -1;
	}
	return 0;
}

const struct sieve_extension_def sieve_ext_index = {
	.name = "index",
	.tags = index_tags,
	.validate_node = index_validate_node,
};
