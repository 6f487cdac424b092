/*
 * tst_size.c: the size test (RFC 5228 5.9): :over is strictly greater,
 * :under strictly less than the message size in octets; exactly one of
 * the two tags is required.  The size is that of the RFC 5322 form,
 * where lines end in CRLF: a bare LF counts as two octets (Pigeonhole
 * measures it so too, and the suite's messages have bare LFs).
 */
#include "sieve-private.h"

static const struct sieve_tag_def size_tags[] = {
	{ "over", SV_A_NONE, "size" },
	{ "under", SV_A_NONE, "size" },
	{ NULL, SV_A_NONE, NULL },
};

static int size_validate(struct sieve_validator *v, struct sv_node *node)
{
	if (sieve_node_tag_group(node, "size") == NULL) {
		sieve_node_error(v, node, "the size test requires either the "
				 ":under or the :over tag to be specified");
		return -1;
	}
	return 0;
}

static size_t crlf_size(const char *data, size_t len)
{
	size_t size = len;
	for (size_t i = 0; i < len; i++)
		if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r'))
			size++;
	return size;
}

static int size_execute(struct sieve_run *run, const struct sv_node *node)
{
	size_t len;
	unsigned long long limit = sieve_node_arg(node, 0)->number;
	const char *data = sieve_message_data(run->msg, &len);
	size_t size = crlf_size(data, len);
	if (sieve_node_tag(node, "over"))
		return size > limit;
	return size < limit;
}

const struct sieve_command_def sieve_tst_size = {
	.name = "size", .kind = SIEVE_TEST, .pos = { SV_A_NUMBER },
	.tags = size_tags, .validate = size_validate, .execute = size_execute,
};
