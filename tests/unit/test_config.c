/*
 * test_config.c: the INI loader: defaults, typed values, errors naming
 * file:line and the line, raw [notify.*] and [outbox] sections.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../mda/config.h"
#include "unit.h"

static char *write_conf(const char *text)
{
	char tmpl[] = "/tmp/siren-test-conf-XXXXXX";
	int fd = mkstemp(tmpl);
	if (fd < 0)
		return NULL;
	if (write(fd, text, strlen(text)) < 0)
		perror("write");
	close(fd);
	return strdup(tmpl);
}

UNIT_TEST(test_defaults)
{
	struct config *cfg = config_default();
	CHECK_STR(config_get(cfg, "server", "listen"), "127.0.0.1:2424");
	CHECK_INT(config_get_num(cfg, "server", "max_message_size", 0),
		  50LL * 1024 * 1024);
	CHECK_INT(config_get_seconds(cfg, "server", "idle_timeout", 0), 300);
	CHECK_STR(config_get(cfg, "users", "mode"), "template");
	CHECK_STR(config_get(cfg, "users", "mail_location"),
		  "./var/mail/%d/%n/Maildir");
	CHECK_STR(config_get(cfg, "outbox", "spool"), "./var/spool/outbox");
	CHECK(config_get(cfg, "server", "hostname") == NULL);
	CHECK(config_get(cfg, "nosuch", "key") == NULL);
	CHECK_INT(config_get_num(cfg, "nosuch", "key", 7), 7);
	CHECK_STR(config_path(cfg), "(default)");
	config_free(&cfg);
	CHECK(cfg == NULL);
}

/* The example file restates the defaults: both must agree. */
UNIT_TEST(test_example_matches_defaults)
{
	const char *src = getenv("SIREN_SRCDIR");
	char path[4096];
	snprintf(path, sizeof(path), "%s/examples/siren.conf", src ? src : ".");
	char *err = NULL;
	struct config *ex = config_load(path, &err);
	CHECK(ex != NULL);
	CHECK(err == NULL);
	if (ex == NULL) {
		free(err);
		return;
	}
	struct config *def = config_default();
	static const char *const keys[][2] = {
		{ "server", "listen" }, { "users", "mode" },
		{ "users", "domains" }, { "users", "mail_location" },
		{ "users", "sieve_script" }, { "outbox", "spool" },
		{ "server", "max_message_size" },
	};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		CHECK_STR(config_get(ex, keys[i][0], keys[i][1]),
			  config_get(def, keys[i][0], keys[i][1]));
	config_free(&ex);
	config_free(&def);
}

UNIT_TEST(test_values_and_lists)
{
	char *p = write_conf("# comment\n[server]\nlisten = 127.0.0.1:1\n"
			     "listen = unix:/tmp/x.sock\nidle_timeout = 2m\n"
			     "max_message_size = 10k\nverbose = yes\n"
			     "[users]\nmode = static\nfile = /dev/null\n");
	char *err = NULL;
	struct config *cfg = config_load(p, &err);
	CHECK(cfg != NULL);
	if (cfg) {
		CHECK_STR(config_get(cfg, "server", "listen"),
			  "127.0.0.1:1 unix:/tmp/x.sock");
		CHECK_INT(config_get_seconds(cfg, "server", "idle_timeout", 0),
			  120);
		CHECK_INT(config_get_num(cfg, "server", "max_message_size", 0),
			  10240);
		CHECK(config_get_bool(cfg, "server", "verbose", false));
		CHECK_STR(config_get(cfg, "users", "mode"), "static");
		CHECK_STR(config_path(cfg), p);
	}
	config_free(&cfg);
	free(err);
	unlink(p);
	free(p);
}

static const struct {
	const char *text;
	const char *want;	/* substring of the error after "file:" */
} bad_confs[] = {
	{ "[server]\nlisten = x\nbogus = 1\n",
	  ":3: unknown key \"bogus\" in [server]: bogus = 1" },
	{ "[server]\nmax_errors = many\n",
	  ":2: max_errors: expected a number (0 or more): max_errors = many" },
	{ "[server]\nmax_connections = -5\n",
	  ":2: max_connections: expected a number (0 or more)" },
	{ "\n[server]\nidle_timeout = 5 weeks\n", ":3: idle_timeout: expected a duration" },
	{ "[server]\nverbose = perhaps\n", ":2: verbose: expected yes or no" },
	{ "[server]\nlog = file\n", ":2: log: not one of the allowed values" },
	{ "[users]\nmode = ldap\n", ":2: mode: not one of" },
	{ "[nosuch]\nkey = 1\n", ":2: unknown section [nosuch]: key = 1" },
	{ "[server]\nthis line has no equals\n", ":2: syntax error" },
	{ "[server\n", ":1: syntax error" },
	{ "[sieve]\nmax_script_size = 1X\n", ":2: max_script_size: expected a size" },
	{ "[outbox]\nspool = /x\nretry = 1m 5m\n[notify.pushover]\n"
	  "token = abc\n[users]\nfoo = bar\n", ":7: unknown key \"foo\" in [users]" },
};

UNIT_TEST(test_errors_name_file_and_line)
{
	for (size_t i = 0; i < sizeof(bad_confs) / sizeof(bad_confs[0]); i++) {
		char *p = write_conf(bad_confs[i].text);
		char *err = NULL;
		struct config *cfg = config_load(p, &err);
		CHECK(cfg == NULL);
		CHECK(err != NULL);
		if (err && (strncmp(err, p, strlen(p)) ||
			    !strstr(err, bad_confs[i].want)))
			UNIT_FAIL("case %zu: got \"%s\", want \"%s...%s\"", i,
				  err, p, bad_confs[i].want);
		free(err);
		config_free(&cfg);
		unlink(p);
		free(p);
	}
}

UNIT_TEST(test_missing_file)
{
	char *err = NULL;
	struct config *cfg = config_load("/nonexistent/siren.conf", &err);
	CHECK(cfg == NULL);
	CHECK(err && strstr(err, "/nonexistent/siren.conf:0: cannot open"));
	free(err);
}

UNIT_TEST(test_raw_sections_kept)
{
	char *p = write_conf("[notify.pushover]\ntoken = abc\nuser = u1\n"
			     "[notify.slack]\nwebhook = https://x/y\n"
			     "[outbox]\nmax_age = 3d\nspool = /var/x\n");
	char *err = NULL;
	struct config *cfg = config_load(p, &err);
	CHECK(cfg != NULL);
	if (cfg) {
		CHECK_STR(config_get(cfg, "notify.pushover", "token"), "abc");
		CHECK_STR(config_get(cfg, "outbox", "max_age"), "3d");
		CHECK_STR(config_get(cfg, "outbox", "spool"), "/var/x");
		const char *const *names;
		CHECK_INT(config_sections(cfg, "notify.", &names), 2);
		CHECK_STR(names[0], "notify.pushover");
		CHECK_STR(names[1], "notify.slack");
		const char *const *k, *const *v;
		CHECK_INT(config_section(cfg, "notify.pushover", &k, &v), 2);
		CHECK_STR(k[1], "user");
		CHECK_STR(v[1], "u1");
		CHECK_INT(config_section(cfg, "notify.none", &k, &v), 0);
	}
	free(err);
	config_free(&cfg);
	unlink(p);
	free(p);
}

UNIT_TEST(test_help_lists_every_section)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	config_print_help(f, true);
	fclose(f);
	CHECK(strstr(text, "| [server] | `listen` | `127.0.0.1:2424` |"));
	CHECK(strstr(text, "| [users] | `recipient_delimiter` | `+` |"));
	CHECK(strstr(text, "[sieve]"));
	CHECK(strstr(text, "[outgoing]"));
	free(text);
}

UNIT_MAIN(UNIT_CASE(test_defaults), UNIT_CASE(test_example_matches_defaults),
	  UNIT_CASE(test_values_and_lists),
	  UNIT_CASE(test_errors_name_file_and_line),
	  UNIT_CASE(test_missing_file), UNIT_CASE(test_raw_sections_kept),
	  UNIT_CASE(test_help_lists_every_section))
