/*
 * fuzz_message.c: libFuzzer target for the message layer alone: the
 * input is a message; every accessor (headers raw and decoded, address
 * lists, dates, all three body transforms) runs over it.  `make fuzz`
 * builds and runs it beside fuzz_sieve.c.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../sieve/message.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "from", "to", "cc", "subject",
					     "date", "content-type" };
	static const char *const types[] = { "", "text", "multipart",
					     "message/rfc822", "text/html" };
	struct sieve_message *m = sieve_message_new((const char *)data, size);
	const char *const *v;
	const struct sieve_address *a;
	const struct sieve_body_part *p;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t n = sieve_message_headers(m, names[i], &v);
		for (size_t j = 0; j < n; j++) {
			time_t t;
			int z;
			(void)sieve_date_parse(v[j], &t, &z);
		}
		(void)sieve_message_addresses(m, names[i], &a);
	}
	for (int tr = 0; tr < 3; tr++) {
		size_t n = sieve_message_body(m, (enum sieve_body_transform)tr,
					      types, 5, &p);
		for (size_t j = 0; j < n; j++)
			if (p[j].data[p[j].len] != '\0')
				abort();
	}
	sieve_message_free(&m);
	return 0;
}
