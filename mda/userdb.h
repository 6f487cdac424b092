/*
 * userdb.h: who the recipients are.  Two modes ([users] mode=): a static
 * passwd-like table (`user@domain:key=value,...`) or a template that
 * accepts any local part of the listed domains.  The +detail part is
 * stripped with the configured delimiter before the lookup; the domain is
 * compared case-insensitively.
 */
#ifndef SIREN_USERDB_H
#define SIREN_USERDB_H

#include <sys/types.h>

#include "config.h"
#include "siren.h"

/* One resolved recipient.  Every string is owned by the struct. */
struct user {
	const char *address;	  /* user@domain, canonical, without +detail */
	const char *localpart;	  /* "user" (no detail) */
	const char *domain;	  /* "example.org", lower case */
	const char *detail;	  /* "folder" of user+folder@..., or NULL */
	const char *maildir;	  /* expanded mail location (Maildir root) */
	const char *sieve_script; /* expanded per-user script path, may not exist */
	const char *home;	  /* expanded home (%h), the user's directory */
	uid_t uid;		  /* (uid_t)-1: do not switch */
	gid_t gid;		  /* (gid_t)-1: do not switch */
	/* per-user overrides from the static table, NULL when unset */
	const char *sieve_before, *sieve_after;
	long long quota_bytes;	  /* 0: none (informational) */
};

struct userdb;

/* Build the user database from cfg's [users] section (reads the static
 * table file in static mode).  NULL with *error_r ("file:line: message",
 * caller frees) on error. */
struct userdb *userdb_open(const struct config *cfg, char **error_r);
void userdb_free(struct userdb **db);

/* Resolve a recipient address (with or without <>, +detail allowed).
 * SIREN_OK: *user_r set (caller frees with user_free).  SIREN_PERMFAIL:
 * no such user.  SIREN_TEMPFAIL: lookup failed; *error_r (borrowed,
 * static) says why.  Never blocks on the network. */
enum siren_status userdb_lookup(const struct userdb *db, const char *address,
				struct user **user_r, const char **error_r);
void user_free(struct user **u);

/* Expand a %-template: %u user@domain, %n local part, %d domain, %h
 * home, %% a percent sign.  Caller frees. */
char *userdb_expand(const char *tmpl, const char *localpart,
		    const char *domain, const char *home);

#endif
