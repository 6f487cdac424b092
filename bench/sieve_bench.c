/*
 * sieve_bench.c: messages per second of the Sieve engine in-process, for a
 * realistic 10-rule script and a generated 200-rule script, over a few
 * thousand varied generated messages (headers, addresses, sizes, bodies).
 * Each message is indexed once and the script run over it, as the MDA
 * does per recipient; parsing the message is counted.  Not a test: the
 * numbers go to stdout, nothing is asserted.
 * usage: sieve-bench [NMESSAGES] [ROUNDS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../sieve/sieve.h"

static const char script10[] =
	"require [\"fileinto\", \"envelope\", \"variables\", \"imap4flags\",\n"
	"         \"relational\", \"comparator-i;ascii-numeric\", \"regex\",\n"
	"         \"subaddress\", \"body\"];\n"
	"if header :contains \"X-Spam-Flag\" \"YES\" { fileinto \"Junk\"; stop; }\n"
	"if header :value \"ge\" :comparator \"i;ascii-numeric\"\n"
	"   \"X-Spam-Score\" \"7\" { fileinto \"Junk\"; stop; }\n"
	"if exists \"List-Id\" {\n"
	"  if header :regex \"List-Id\" \"<([a-z0-9-]+)\\\\.\" {\n"
	"    fileinto \"Lists.${1}\"; stop; } }\n"
	"if envelope :detail \"to\" \"shop\" { fileinto \"Shopping\"; }\n"
	"if address :domain :is \"from\" [\"bank.example\", \"tax.example\"]\n"
	"  { addflag \"\\\\Flagged\"; fileinto \"Money\"; }\n"
	"if header :matches \"Subject\" \"*invoice*\" { fileinto \"Money\"; }\n"
	"if size :over 200K { fileinto \"Large\"; }\n"
	"if allof (address :is \"from\" \"boss@work.example\",\n"
	"          header :contains \"Subject\" \"urgent\") {\n"
	"  addflag \"\\\\Flagged\"; keep; }\n"
	"if body :text :contains \"unsubscribe\" { fileinto \"Newsletters\"; }\n"
	"if header :is \"Precedence\" \"bulk\" { fileinto \"Bulk\"; }\n";

/* 200 rules: header/address tests on varied names, some regex. */
static char *script200(void)
{
	size_t cap = 200 * 200 + 512, len = 0;
	char *s = malloc(cap);
	len += (size_t)snprintf(s + len, cap - len, "require [\"fileinto\", "
				"\"regex\", \"variables\"];\n");
	for (int i = 0; i < 200; i++) {
		const char *fmt;
		switch (i % 4) {
		case 0: fmt = "if address :is \"from\" \"user%d@example.org\" "
			"{ fileinto \"F%d\"; }\n"; break;
		case 1: fmt = "if header :contains \"Subject\" \"topic-%d\" "
			"{ fileinto \"F%d\"; }\n"; break;
		case 2: fmt = "if header :matches \"List-Id\" \"*list%d.*\" "
			"{ fileinto \"F%d\"; }\n"; break;
		default: fmt = "if header :regex \"X-Tag\" \"^tag%d(-[a-z]+)?$\" "
			"{ fileinto \"F%d\"; }\n"; break;
		}
		len += (size_t)snprintf(s + len, cap - len, fmt, i, i);
	}
	return s;
}

static unsigned long rnd_state = 12345;
static unsigned rnd(unsigned n)
{
	rnd_state = rnd_state * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)((rnd_state >> 33) % n);
}

static char *gen_message(size_t *len_r)
{
	size_t body = 200 + rnd(6000), cap = body + 1024, len = 0;
	char *m = malloc(cap);
	len += (size_t)snprintf(m + len, cap - len,
		"Return-Path: <user%u@example.org>\r\n"
		"From: User %u <user%u@%s>\r\n"
		"To: me+%s@home.example\r\n"
		"Subject: %s topic-%u number %u\r\n"
		"Message-ID: <%u.%u@example.org>\r\n"
		"Date: Tue, 24 Nov 2026 12:%02u:00 +0100\r\n",
		rnd(400), rnd(400), rnd(400),
		rnd(10) ? "example.org" : "bank.example",
		rnd(5) ? "inbox" : "shop",
		rnd(20) ? "Hello" : "Your invoice", rnd(400), rnd(100000),
		rnd(1000000), rnd(1000), rnd(60));
	if (rnd(3) == 0)
		len += (size_t)snprintf(m + len, cap - len,
			"List-Id: List %u <list%u.lists.example>\r\n"
			"Precedence: bulk\r\n", rnd(300), rnd(300));
	if (rnd(4) == 0)
		len += (size_t)snprintf(m + len, cap - len,
			"X-Spam-Score: %u\r\nX-Tag: tag%u-abc\r\n", rnd(10),
			rnd(300));
	len += (size_t)snprintf(m + len, cap - len, "\r\n");
	for (size_t i = 0; i < body; i++)
		m[len++] = (i % 72 == 71) ? '\n' : "abcdefgh ijklm"[rnd(14)];
	m[len] = '\0';
	*len_r = len;
	return m;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double bench(const char *name, const char *text, char **msgs,
		    const size_t *lens, size_t n, unsigned rounds)
{
	char *err = NULL;
	struct sieve_script *s = sieve_compile_buffer(name, text, strlen(text),
						      NULL, &err);
	if (s == NULL) {
		fprintf(stderr, "%s: %s", name, err ? err : "compile failed\n");
		exit(1);
	}
	free(err);
	struct sieve_envelope env = { .from = "user1@example.org",
				      .to = "me+inbox@home.example" };
	size_t actions = 0;
	double t0 = now_s();
	for (unsigned r = 0; r < rounds; r++)
		for (size_t i = 0; i < n; i++) {
			struct sieve_message *m = sieve_message_new(msgs[i],
								    lens[i]);
			struct sieve_result *res = sieve_execute(s, m, &env,
								 NULL);
			actions += sieve_result_count(res);
			sieve_result_free(&res);
			sieve_message_free(&m);
		}
	double rate = (double)n * rounds / (now_s() - t0);
	printf("sieve %-9s %10.0f messages/s (%zu messages x %u rounds, "
	       "%zu actions)\n", name, rate, n, rounds, actions);
	sieve_script_free(&s);
	return rate;
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 4000;
	unsigned rounds = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 3;
	char **msgs = calloc(n, sizeof(*msgs));
	size_t *lens = calloc(n, sizeof(*lens));
	for (size_t i = 0; i < n; i++)
		msgs[i] = gen_message(&lens[i]);
	char *s200 = script200();
	bench("10-rule", script10, msgs, lens, n, rounds);
	bench("200-rule", s200, msgs, lens, n, rounds);
	free(s200);
	for (size_t i = 0; i < n; i++)
		free(msgs[i]);
	free(msgs);
	free(lens);
	return 0;
}
