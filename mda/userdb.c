/*
 * userdb.c: recipient lookup for LMTP RCPT and `siren deliver`.
 * Template mode accepts any safe local part of [users] domains; static
 * mode reads a passwd-like table, one `user@domain:key=value,...` a line.
 * Local parts and domains compare case-insensitively (one mailbox per
 * person, whatever case an MTA passes); +detail is stripped with
 * recipient_delimiter first.  Local parts that could escape the mail
 * directory ('/', leading '.', control characters) never match.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "userdb.h"
#include "util.h"

struct userdb_entry {
	char *localpart, *domain;
	char *mail, *sieve, *home, *sieve_before, *sieve_after;
	long long uid, gid, quota;	/* -1: unset */
};

struct userdb {
	bool is_static;
	char *delimiter;
	char **domains;
	size_t ndomains;
	char *home, *mail, *sieve;
	long long uid, gid;
	struct userdb_entry *entries;
	size_t nentries;
};

/* ---- templates ------------------------------------------------------ */

char *userdb_expand(const char *tmpl, const char *localpart,
		    const char *domain, const char *home)
{
	struct buf b = { 0 };
	buf_puts(&b, "");
	for (const char *p = tmpl; *p; p++) {
		if (*p != '%' || p[1] == '\0') {
			buf_append(&b, p, 1);
			continue;
		}
		switch (*++p) {
		case 'u': buf_printf(&b, "%s@%s", localpart, domain); break;
		case 'n': buf_puts(&b, localpart); break;
		case 'd': buf_puts(&b, domain); break;
		case 'h': buf_puts(&b, home ? home : ""); break;
		case '%': buf_puts(&b, "%"); break;
		default: buf_append(&b, p - 1, 2); break;
		}
	}
	return buf_steal(&b);
}

/* ---- the static table --------------------------------------------------- */

static void lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

static bool userdb_num(const char *v, long long *n_r)
{
	char *end;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (errno || end == v || *end || n < 0)
		return false;
	*n_r = n;
	return true;
}

/* Apply one key=value of a table line; NULL or a static complaint. */
static const char *userdb_entry_set(struct userdb_entry *e, char *kv)
{
	char *eq = strchr(kv, '=');
	if (eq == NULL)
		return "expected key=value";
	*eq = '\0';
	const char *v = eq + 1;
	char **slot = !strcmp(kv, "mail") ? &e->mail
		      : !strcmp(kv, "sieve") ? &e->sieve
		      : !strcmp(kv, "home") ? &e->home
		      : !strcmp(kv, "sieve_before") ? &e->sieve_before
		      : !strcmp(kv, "sieve_after") ? &e->sieve_after : NULL;
	if (slot) {
		free(*slot);
		*slot = xstrdup(v);
		return NULL;
	}
	long long *num = !strcmp(kv, "uid") ? &e->uid
			 : !strcmp(kv, "gid") ? &e->gid
			 : !strcmp(kv, "quota") ? &e->quota : NULL;
	if (num == NULL)
		return "unknown key (mail, sieve, home, uid, gid, "
		       "sieve_before, sieve_after, quota)";
	return userdb_num(v, num) ? NULL : "expected a number";
}

static const char *userdb_parse_line(struct userdb_entry *e, char *line)
{
	char *colon = strchr(line, ':');
	if (colon)
		*colon = '\0';
	char *at = strrchr(line, '@');
	if (at == NULL || at == line || at[1] == '\0')
		return "expected user@domain";
	*at = '\0';
	e->localpart = xstrdup(line);
	e->domain = xstrdup(at + 1);
	lower(e->localpart);
	lower(e->domain);
	e->uid = e->gid = -1;
	e->quota = 0;
	if (colon == NULL)
		return NULL;
	char *save = NULL;
	for (char *kv = strtok_r(colon + 1, ",", &save); kv;
	     kv = strtok_r(NULL, ",", &save)) {
		while (isspace((unsigned char)*kv))
			kv++;
		const char *why = userdb_entry_set(e, kv);
		if (why)
			return why;
	}
	return NULL;
}

static void userdb_entry_free(struct userdb_entry *e)
{
	free(e->localpart);
	free(e->domain);
	free(e->mail);
	free(e->sieve);
	free(e->home);
	free(e->sieve_before);
	free(e->sieve_after);
}

static char *userdb_trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

static int userdb_load_file(struct userdb *db, const char *path,
			    char **error_r)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		*error_r = xasprintf("%s:0: cannot open user table: %s", path,
				     strerror(errno));
		return -1;
	}
	char raw[4096];
	for (unsigned lineno = 1; fgets(raw, sizeof(raw), f); lineno++) {
		char copy[4096], *line = userdb_trim(raw);
		if (*line == '\0' || *line == '#')
			continue;
		snprintf(copy, sizeof(copy), "%s", line);
		db->entries = xrealloc(db->entries, (db->nentries + 1) *
				       sizeof(*db->entries));
		struct userdb_entry *e = &db->entries[db->nentries];
		memset(e, 0, sizeof(*e));
		const char *why = userdb_parse_line(e, line);
		if (why) {
			*error_r = xasprintf("%s:%u: %s: %s", path, lineno, why,
					     copy);
			userdb_entry_free(e);
			fclose(f);
			return -1;
		}
		db->nentries++;
	}
	fclose(f);
	return 0;
}

/* ---- open / free ---------------------------------------------------- */

static void userdb_split_domains(struct userdb *db, const char *list)
{
	char *copy = xstrdup(list ? list : ""), *save = NULL;
	for (char *d = strtok_r(copy, " ,\t", &save); d;
	     d = strtok_r(NULL, " ,\t", &save)) {
		db->domains = xrealloc(db->domains,
				       (db->ndomains + 1) * sizeof(char *));
		db->domains[db->ndomains] = xstrdup(d);
		lower(db->domains[db->ndomains++]);
	}
	free(copy);
}

struct userdb *userdb_open(const struct config *cfg, char **error_r)
{
	struct userdb *db = xcalloc(1, sizeof(*db));
	const char *mode = config_get(cfg, "users", "mode");
	const char *delim = config_get(cfg, "users", "recipient_delimiter");
	*error_r = NULL;
	db->is_static = mode && !strcmp(mode, "static");
	db->delimiter = xstrdup(delim ? delim : "");
	db->home = xstrdup(config_get(cfg, "users", "home"));
	db->mail = xstrdup(config_get(cfg, "users", "mail_location"));
	db->sieve = xstrdup(config_get(cfg, "users", "sieve_script"));
	db->uid = config_get_num(cfg, "users", "uid", -1);
	db->gid = config_get_num(cfg, "users", "gid", -1);
	userdb_split_domains(db, config_get(cfg, "users", "domains"));
	if (db->is_static) {
		const char *file = config_get(cfg, "users", "file");
		if (file == NULL || *file == '\0') {
			*error_r = xasprintf("%s:0: [users] mode = static needs "
					     "file =", config_path(cfg));
		} else {
			userdb_load_file(db, file, error_r);
		}
	}
	if (*error_r)
		userdb_free(&db);
	return db;
}

void userdb_free(struct userdb **dbp)
{
	struct userdb *db = *dbp;
	if (db == NULL)
		return;
	for (size_t i = 0; i < db->nentries; i++)
		userdb_entry_free(&db->entries[i]);
	for (size_t i = 0; i < db->ndomains; i++)
		free(db->domains[i]);
	free(db->entries);
	free(db->domains);
	free(db->delimiter);
	free(db->home);
	free(db->mail);
	free(db->sieve);
	free(db);
	*dbp = NULL;
}

/* ---- lookup --------------------------------------------------------- */

/* Could this local part name a directory safely? */
static bool userdb_safe_local(const char *s)
{
	if (*s == '\0' || *s == '.' || strstr(s, ".."))
		return false;
	for (; *s; s++)
		if (*s == '/' || *s == '\\' || (unsigned char)*s < 0x20 ||
		    *s == 0x7f)
			return false;
	return true;
}

/* Split "<Local+detail@Domain>" into lower-case parts; false when it is
 * not an address at all. */
static bool userdb_split(const struct userdb *db, const char *address,
			 char **local_r, char **detail_r, char **domain_r)
{
	size_t len = strlen(address);
	if (len >= 2 && address[0] == '<' && address[len - 1] == '>')
		address++, len -= 2;
	char *a = xstrndup(address, len);
	char *at = strrchr(a, '@');
	if (at == NULL || at == a || at[1] == '\0') {
		free(a);
		return false;
	}
	*at = '\0';
	*detail_r = NULL;
	if (*db->delimiter) {
		char *d = strpbrk(a, db->delimiter);
		if (d && d != a) {
			*detail_r = xstrdup(d + 1);
			*d = '\0';
		}
	}
	*domain_r = xstrdup(at + 1);
	lower(a);
	lower(*domain_r);
	*local_r = a;
	return true;
}

static const struct userdb_entry *userdb_find(const struct userdb *db,
					      const char *local,
					      const char *domain)
{
	for (size_t i = 0; i < db->nentries; i++)
		if (!strcmp(db->entries[i].localpart, local) &&
		    !strcmp(db->entries[i].domain, domain))
			return &db->entries[i];
	return NULL;
}

static bool userdb_domain_served(const struct userdb *db, const char *domain)
{
	for (size_t i = 0; i < db->ndomains; i++)
		if (!strcmp(db->domains[i], domain))
			return true;
	return false;
}

static struct user *userdb_make(const struct userdb *db, char *local,
				char *detail, char *domain,
				const struct userdb_entry *e)
{
	struct user *u = xcalloc(1, sizeof(*u));
	u->address = xasprintf("%s@%s", local, domain);
	u->localpart = local;
	u->domain = domain;
	u->detail = detail;
	const char *home = e && e->home ? e->home : db->home;
	char *h = userdb_expand(home ? home : "", local, domain, NULL);
	u->home = h;
	u->maildir = userdb_expand(e && e->mail ? e->mail : db->mail, local,
				   domain, h);
	u->sieve_script = userdb_expand(e && e->sieve ? e->sieve : db->sieve,
					local, domain, h);
	u->uid = (uid_t)(e && e->uid >= 0 ? e->uid : db->uid);
	u->gid = (gid_t)(e && e->gid >= 0 ? e->gid : db->gid);
	if (e && e->sieve_before)
		u->sieve_before = xstrdup(e->sieve_before);
	if (e && e->sieve_after)
		u->sieve_after = xstrdup(e->sieve_after);
	u->quota_bytes = e ? e->quota : 0;
	return u;
}

enum siren_status userdb_lookup(const struct userdb *db, const char *address,
				struct user **user_r, const char **error_r)
{
	char *local, *detail, *domain;
	*user_r = NULL;
	*error_r = "no such user";
	if (!userdb_split(db, address, &local, &detail, &domain))
		return SIREN_PERMFAIL;
	const struct userdb_entry *e = NULL;
	bool ok = userdb_safe_local(local);
	if (ok && db->is_static)
		ok = (e = userdb_find(db, local, domain)) != NULL;
	else if (ok)
		ok = userdb_domain_served(db, domain);
	if (!ok) {
		free(local);
		free(detail);
		free(domain);
		return SIREN_PERMFAIL;
	}
	*user_r = userdb_make(db, local, detail, domain, e);
	*error_r = NULL;
	return SIREN_OK;
}

void user_free(struct user **up)
{
	struct user *u = *up;
	if (u == NULL)
		return;
	free((char *)u->address);
	free((char *)u->localpart);
	free((char *)u->domain);
	free((char *)u->detail);
	free((char *)u->maildir);
	free((char *)u->sieve_script);
	free((char *)u->home);
	free((char *)u->sieve_before);
	free((char *)u->sieve_after);
	free(u);
	*up = NULL;
}
