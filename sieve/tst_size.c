/*
 * tst_size.c: the size test (RFC 5228 5.9): :over is strictly greater,
 * :under strictly less than the message size in octets; exactly one of
 * the two tags is required.  Sizes count CRLF line ends.
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

/* The size as transmitted (RFC 5322 CRLF line ends), as Pigeonhole and
 * the SMTP SIZE do, even when the message is stored with bare LFs. */
static size_t wire_size(struct sieve_message *msg)
{
	size_t len;
	const char *d = sieve_message_data(msg, &len);
	size_t size = len;
	for (size_t i = 0; i < len; i++)
		if (d[i] == '\n' && (i == 0 || d[i - 1] != '\r'))
			size++;
	return size;
}

static int size_execute(struct sieve_run *run, const struct sv_node *node)
{
	unsigned long long limit = sieve_node_arg(node, 0)->number;
	size_t size = wire_size(run->msg);
	if (sieve_node_tag(node, "over"))
		return size > limit;
	return size < limit;
}

const struct sieve_command_def sieve_tst_size = {
	.name = "size", .kind = SIEVE_TEST, .pos = { SV_A_NUMBER },
	.tags = size_tags, .validate = size_validate, .execute = size_execute,
};
