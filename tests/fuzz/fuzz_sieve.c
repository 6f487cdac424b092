/*
 * fuzz_sieve.c: libFuzzer target for the engine's compile-and-run path.
 * The input is split at the first NUL: the part before is a Sieve script,
 * the part after a message (a fixed sample when absent).  Anything that
 * compiles is executed; nothing may crash, leak, hang or trip a sanitizer.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../sieve/sieve.h"

static const char sample[] =
	"From: Alice <alice@example.org>\r\n"
	"To: bob+lists@example.com, \"Carol Q\" <carol@example.net>\r\n"
	"Subject: =?UTF-8?Q?caf=C3=A9?= report\r\n"
	"Date: Tue, 24 Nov 2026 12:00:00 +0100\r\n"
	"Message-ID: <id1@example.org>\r\n"
	"Content-Type: multipart/alternative; boundary=b\r\n\r\n"
	"--b\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
	"Content-Transfer-Encoding: quoted-printable\r\n\r\nh=E9llo\r\n"
	"--b\r\nContent-Type: text/html\r\n\r\n<p>hi</p>\r\n--b--\r\n";

static const char *const own[] = { "bob@example.com" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	const char *nul = memchr(in, '\0', size);
	size_t slen = nul ? (size_t)(nul - in) : size;
	const char *mdata = nul ? nul + 1 : sample;
	size_t mlen = nul ? size - slen - 1 : sizeof(sample) - 1;
	struct sieve_config cfg;
	char *errors = NULL;

	sieve_config_defaults(&cfg);
	cfg.max_cpu_ms = 2000;
	struct sieve_script *script =
		sieve_compile_buffer("fuzz", in, slen, &cfg, &errors);
	free(errors);
	if (script == NULL)
		return 0;
	struct sieve_message *msg = sieve_message_new(mdata, mlen);
	struct sieve_envelope env = {
		.from = "alice@example.org", .to = "bob+lists@example.com",
		.user_addresses = own, .nuser_addresses = 1, .now = 1795000000,
	};
	struct sieve_result *res = sieve_execute(script, msg, &env, NULL);
	for (size_t i = 0; i < sieve_result_count(res); i++) {
		char *s = sieve_action_format(sieve_result_action(res, i));
		char *j = sieve_action_json(sieve_result_action(res, i));
		free(s);
		free(j);
	}
	sieve_result_free(&res);
	sieve_message_free(&msg);
	sieve_script_free(&script);
	return 0;
}
