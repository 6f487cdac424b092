/*
 * test_userdb.c: recipient lookup in template and static mode: +detail,
 * case, unknown users, unsafe local parts, per-user overrides.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../mda/config.h"
#include "../../mda/userdb.h"
#include "unit.h"

static char *write_tmp(const char *text)
{
	char tmpl[] = "/tmp/siren-test-userdb-XXXXXX";
	int fd = mkstemp(tmpl);
	if (fd < 0)
		return NULL;
	if (write(fd, text, strlen(text)) < 0)
		perror("write");
	close(fd);
	return strdup(tmpl);
}

static const struct {
	const char *rcpt;
	int status;
	const char *address, *detail, *maildir;
} template_cases[] = {
	{ "alice@example.org", SIREN_OK, "alice@example.org", NULL,
	  "./var/mail/example.org/alice/Maildir" },
	{ "<Alice+Work@EXAMPLE.org>", SIREN_OK, "alice@example.org", "Work",
	  "./var/mail/example.org/alice/Maildir" },
	{ "bob+@localhost", SIREN_OK, "bob@localhost", "", NULL },
	{ "alice@example.com", SIREN_PERMFAIL, NULL, NULL, NULL },
	{ "alice", SIREN_PERMFAIL, NULL, NULL, NULL },
	{ "@example.org", SIREN_PERMFAIL, NULL, NULL, NULL },
	{ "../etc@example.org", SIREN_PERMFAIL, NULL, NULL, NULL },
	{ "a/b@example.org", SIREN_PERMFAIL, NULL, NULL, NULL },
	{ ".hidden@example.org", SIREN_PERMFAIL, NULL, NULL, NULL },
};

UNIT_TEST(test_template_mode)
{
	struct config *cfg = config_default();
	char *err = NULL;
	struct userdb *db = userdb_open(cfg, &err);
	CHECK(db != NULL);
	for (size_t i = 0; db && i < sizeof(template_cases) /
				       sizeof(template_cases[0]); i++) {
		struct user *u = NULL;
		const char *why = NULL;
		int st = userdb_lookup(db, template_cases[i].rcpt, &u, &why);
		if (st != template_cases[i].status) {
			UNIT_FAIL("%s: got %d, want %d", template_cases[i].rcpt,
				  st, template_cases[i].status);
			user_free(&u);
			continue;
		}
		if (st != SIREN_OK) {
			CHECK(u == NULL);
			CHECK(why != NULL);
			continue;
		}
		CHECK_STR(u->address, template_cases[i].address);
		CHECK_STR(u->detail, template_cases[i].detail);
		if (template_cases[i].maildir)
			CHECK_STR(u->maildir, template_cases[i].maildir);
		CHECK(u->uid == (uid_t)-1);
		user_free(&u);
		CHECK(u == NULL);
	}
	userdb_free(&db);
	config_free(&cfg);
	free(err);
}

UNIT_TEST(test_static_mode)
{
	char *table = write_tmp(
		"# users\n"
		"alice@Example.org\n"
		"bob@example.org:mail=/srv/%n/Maildir,sieve=%h/s.sieve,"
		"home=/home/%n,uid=1001,gid=1002\n");
	char conf[512];
	snprintf(conf, sizeof(conf), "[users]\nmode = static\nfile = %s\n",
		 table);
	char *cpath = write_tmp(conf);
	char *err = NULL;
	struct config *cfg = config_load(cpath, &err);
	CHECK(cfg != NULL);
	struct userdb *db = cfg ? userdb_open(cfg, &err) : NULL;
	CHECK(db != NULL);
	struct user *u = NULL;
	const char *why;
	if (db) {
		CHECK_INT(userdb_lookup(db, "ALICE@example.ORG", &u, &why),
			  SIREN_OK);
		if (u)
			CHECK_STR(u->maildir,
				  "./var/mail/example.org/alice/Maildir");
		user_free(&u);
		CHECK_INT(userdb_lookup(db, "bob+x@example.org", &u, &why),
			  SIREN_OK);
		if (u) {
			CHECK_STR(u->maildir, "/srv/bob/Maildir");
			CHECK_STR(u->sieve_script, "/home/bob/s.sieve");
			CHECK_STR(u->home, "/home/bob");
			CHECK_INT(u->uid, 1001);
			CHECK_INT(u->gid, 1002);
			CHECK_STR(u->detail, "x");
		}
		user_free(&u);
		CHECK_INT(userdb_lookup(db, "carol@example.org", &u, &why),
			  SIREN_PERMFAIL);
		CHECK(u == NULL);
	}
	userdb_free(&db);
	config_free(&cfg);
	free(err);
	unlink(table);
	unlink(cpath);
	free(table);
	free(cpath);
}

UNIT_TEST(test_static_table_errors)
{
	static const char *const bad[][2] = {
		{ "ok@x.org\nnotanaddress\n", ":2: expected user@domain" },
		{ "a@x.org:color=blue\n", ":1: unknown key" },
		{ "\n\na@x.org:uid=root\n", ":3: expected a number: a@x.org:uid=root" },
	};
	for (size_t i = 0; i < 3; i++) {
		char *table = write_tmp(bad[i][0]);
		char conf[512];
		snprintf(conf, sizeof(conf),
			 "[users]\nmode = static\nfile = %s\n", table);
		char *cpath = write_tmp(conf);
		char *err = NULL;
		struct config *cfg = config_load(cpath, &err);
		struct userdb *db = cfg ? userdb_open(cfg, &err) : NULL;
		CHECK(db == NULL);
		if (err == NULL || strncmp(err, table, strlen(table)) ||
		    !strstr(err, bad[i][1]))
			UNIT_FAIL("case %zu: got \"%s\", want \"%s\"", i,
				  err ? err : "(null)", bad[i][1]);
		free(err);
		config_free(&cfg);
		unlink(table);
		unlink(cpath);
		free(table);
		free(cpath);
	}
}

UNIT_TEST(test_expand)
{
	char *s = userdb_expand("%h/%d/%n/%u/%%/%x", "a", "b.org", "/h");
	CHECK_STR(s, "/h/b.org/a/a@b.org/%/%x");
	free(s);
}

UNIT_MAIN(UNIT_CASE(test_template_mode), UNIT_CASE(test_static_mode),
	  UNIT_CASE(test_static_table_errors), UNIT_CASE(test_expand))
