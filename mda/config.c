/*
 * config.c: siren's INI configuration, parsed with inih.  One table of
 * {section, key, type, default, help} drives parsing, type checks, the
 * defaults config_get applies, `siren lmtp --help-config` and the README
 * table.  Sections we own ([server], [users], [sieve], [outgoing]) reject
 * unknown keys with "file:line: ..."; [outbox], [notify.*], [dispatcher]
 * and [plugins] are kept raw for the notify side, which checks them.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ini.h>

#include "config.h"
#include "util.h"

enum config_type { CT_STR, CT_LIST, CT_NUM, CT_SIZE, CT_SECONDS, CT_BOOL,
		   CT_ENUM };

struct config_key {
	const char *section, *key;
	enum config_type type;
	const char *def;	/* NULL: no default */
	const char *help;	/* for CT_ENUM: starts with the choices */
};

#define K(s, k, t, d, h) { s, k, t, d, h }
static const struct config_key config_keys[] = {
	K("server", "listen", CT_LIST, "127.0.0.1:2424",
	  "where to serve LMTP: `host:port`, `[v6]:port` or `unix:/path`; "
	  "several, space-separated or repeated"),
	K("server", "socket_mode", CT_STR, "0666",
	  "octal mode of unix listening sockets"),
	K("server", "hostname", CT_STR, NULL,
	  "name in the greeting and Received: (default: gethostname)"),
	K("server", "user", CT_STR, NULL,
	  "when started as root, switch to this user after binding"),
	K("server", "group", CT_STR, NULL,
	  "group for `user` (default: the user's primary group)"),
	K("server", "max_connections", CT_NUM, "128",
	  "concurrent sessions (one process each); more wait in the backlog"),
	K("server", "max_message_size", CT_SIZE, "50M",
	  "largest message accepted (SIZE), k/M/G suffixes"),
	K("server", "max_recipients", CT_NUM, "100",
	  "RCPT TO per transaction; more get 452 4.5.3"),
	K("server", "max_errors", CT_NUM, "10",
	  "protocol errors before 421 and disconnect"),
	K("server", "idle_timeout", CT_SECONDS, "5m",
	  "waiting for a command (RFC 5321 4.5.3.2), then 421 4.4.2"),
	K("server", "data_timeout", CT_SECONDS, "10m",
	  "waiting for the next block of DATA/BDAT"),
	K("server", "shutdown_timeout", CT_SECONDS, "30s",
	  "on SIGTERM, how long in-flight sessions may run on"),
	K("server", "log", CT_ENUM, "stderr",
	  "stderr|syslog: where log lines go"),
	K("server", "verbose", CT_BOOL, "no", "log debug lines"),
	K("users", "mode", CT_ENUM, "template",
	  "template|static: any local part of `domains`, or the `file` table"),
	K("users", "file", CT_STR, NULL,
	  "static table: `user@domain:key=value,...` lines (mail=, sieve=, "
	  "home=, uid=, gid=, sieve_before=, sieve_after=, quota=)"),
	K("users", "domains", CT_LIST, "example.org localhost",
	  "domains served in template mode"),
	K("users", "home", CT_STR, "./var/mail/%d/%n",
	  "home template: %u user@domain, %n local part, %d domain"),
	K("users", "mail_location", CT_STR, "./var/mail/%d/%n/Maildir",
	  "Maildir template (%u %n %d %h)"),
	K("users", "sieve_script", CT_STR,
	  "./var/mail/%d/%n/sieve/active.sieve",
	  "the user's active script template (%u %n %d %h)"),
	K("users", "recipient_delimiter", CT_STR, "+",
	  "separator of user+detail, stripped before lookup; empty: none"),
	K("users", "uid", CT_NUM, NULL, "default uid to deliver as (root only)"),
	K("users", "gid", CT_NUM, NULL, "default gid to deliver as (root only)"),
	K("sieve", "before", CT_LIST, NULL,
	  "global scripts run before the user's, in order"),
	K("sieve", "after", CT_LIST, NULL,
	  "global scripts run after the user's, in order"),
	K("sieve", "global_dir", CT_STR, NULL, "directory for include :global"),
	K("sieve", "personal_dir", CT_STR, NULL,
	  "directory for include :personal (%u %n %d %h)"),
	K("sieve", "max_script_size", CT_SIZE, "1M", "largest script"),
	K("sieve", "max_nesting", CT_NUM, "32", "block nesting depth"),
	K("sieve", "max_actions", CT_NUM, "32", "actions per run"),
	K("sieve", "max_redirects", CT_NUM, "4", "redirects per run"),
	K("sieve", "max_notify", CT_NUM, "10", "notify actions per run"),
	K("sieve", "max_cpu_ms", CT_NUM, "10000", "run time per script"),
	K("sieve", "max_variable_size", CT_SIZE, "4096",
	  "longest variable value"),
	K("sieve", "max_include_depth", CT_NUM, "10", "include nesting"),
	K("sieve", "vacation_min_period", CT_SECONDS, "1d",
	  "shortest :days/:seconds honoured"),
	K("sieve", "vacation_default_period", CT_SECONDS, "7d",
	  "vacation period when the script gives none"),
	K("sieve", "vacation_max_period", CT_SECONDS, "60d",
	  "longest vacation period"),
	K("sieve", "duplicate_default_period", CT_SECONDS, "7d",
	  "duplicate tracking period when the script gives none"),
	K("sieve", "duplicate_max_period", CT_SECONDS, "7d",
	  "longest duplicate tracking period"),
	K("sieve", "fileinto_autocreate", CT_BOOL, "yes",
	  "fileinto a missing folder creates it (no: keep in INBOX)"),
	K("outgoing", "sendmail", CT_STR, "/usr/sbin/sendmail",
	  "program for redirect, reject and vacation (`-i -f SENDER -- RCPT`)"),
	K("outgoing", "relay", CT_STR, NULL,
	  "`host:port` SMTP relay instead of the sendmail program"),
	K("outgoing", "postmaster", CT_STR, NULL,
	  "From: of rejects (default: postmaster@hostname)"),
	K("outgoing", "timeout", CT_SECONDS, "60s",
	  "bound on one sendmail run or relay transaction"),
	K("outbox", "spool", CT_STR, "./var/spool/outbox",
	  "notification outbox directory (other [outbox] keys: see Notify)"),
	K("notify", "plugin_dir", CT_STR, NULL,
	  "notify plugins (*.so); default: notify/ beside the binary if it "
	  "exists, else LIBDIR/notify"),
};
#undef K
#define NKEYS (sizeof(config_keys) / sizeof(config_keys[0]))

/* Sections whose keys belong to other modules: kept raw, never refused. */
static const char *const config_raw_prefixes[] = {
	"outbox", "notify.", "dispatcher", "plugins",
};

struct config_section {
	char *name;
	char **keys, **values;
	int *lines;
	size_t n;
};

struct config {
	char *path;
	struct config_section *sections;
	size_t nsections;
	const char **names;	/* scratch for config_sections */
};

/* ---- the table ------------------------------------------------------ */

static const struct config_key *config_key_find(const char *section,
						const char *key)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (!strcmp(config_keys[i].section, section) &&
		    !strcmp(config_keys[i].key, key))
			return &config_keys[i];
	return NULL;
}

static bool config_section_raw(const char *section)
{
	size_t n = sizeof(config_raw_prefixes) / sizeof(*config_raw_prefixes);
	for (size_t i = 0; i < n; i++) {
		const char *p = config_raw_prefixes[i];
		size_t len = strlen(p);
		if (p[len - 1] == '.' ? !strncmp(section, p, len) && section[len]
				      : !strcmp(section, p))
			return true;
	}
	return false;
}

static bool config_section_known(const char *section)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (!strcmp(config_keys[i].section, section))
			return true;
	return false;
}

/* ---- value parsing ------------------------------------------------------ */

static bool parse_num(const char *s, long long *v_r)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || *end)
		return false;
	*v_r = v;
	return true;
}

static bool parse_size(const char *s, long long *v_r)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || v < 0)
		return false;
	long long mul = 1;
	switch (tolower((unsigned char)*end)) {
	case '\0': break;
	case 'k': mul = 1024; break;
	case 'm': mul = 1024 * 1024; break;
	case 'g': mul = 1024LL * 1024 * 1024; break;
	default: return false;
	}
	if (*end && end[1] && !(tolower((unsigned char)end[1]) == 'b' && !end[2]))
		return false;
	*v_r = v * mul;
	return true;
}

static bool parse_seconds(const char *s, long long *v_r)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || v < 0)
		return false;
	long long mul = 1;
	switch (*end) {
	case '\0': case 's': break;
	case 'm': mul = 60; break;
	case 'h': mul = 3600; break;
	case 'd': mul = 86400; break;
	default: return false;
	}
	if (*end && end[1])
		return false;
	*v_r = v * mul;
	return true;
}

static int parse_bool(const char *s)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	for (size_t i = 0; i < 4; i++) {
		if (!strcasecmp(s, yes[i]))
			return 1;
		if (!strcasecmp(s, no[i]))
			return 0;
	}
	return -1;
}

/* Is value one of the |-separated choices at the start of help? */
static bool parse_enum(const char *help, const char *value)
{
	size_t len = strcspn(help, ":");
	const char *p = help, *end = help + len;
	while (p < end) {
		size_t n = strcspn(p, "|:");
		if (n == strlen(value) && !strncmp(p, value, n))
			return true;
		p += n + 1;
	}
	return false;
}

/* NULL when value suits k, else a static description of what was wanted. */
static const char *config_check_value(const struct config_key *k,
				      const char *value)
{
	long long v;
	switch (k->type) {
	case CT_NUM:
		return parse_num(value, &v) && v >= 0 ? NULL
		       : "expected a number (0 or more)";
	case CT_SIZE:
		return parse_size(value, &v) ? NULL
		       : "expected a size (bytes, or with k/M/G)";
	case CT_SECONDS:
		return parse_seconds(value, &v) ? NULL
		       : "expected a duration (30, 30s, 5m, 2h, 7d)";
	case CT_BOOL:
		return parse_bool(value) >= 0 ? NULL : "expected yes or no";
	case CT_ENUM:
		return parse_enum(k->help, value) ? NULL
		       : "not one of the allowed values";
	default:
		return NULL;
	}
}

/* ---- storage -------------------------------------------------------- */

static struct config_section *config_section_get(struct config *cfg,
						 const char *name, bool create)
{
	for (size_t i = 0; i < cfg->nsections; i++)
		if (!strcmp(cfg->sections[i].name, name))
			return &cfg->sections[i];
	if (!create)
		return NULL;
	cfg->sections = xrealloc(cfg->sections,
				 (cfg->nsections + 1) * sizeof(*cfg->sections));
	struct config_section *s = &cfg->sections[cfg->nsections++];
	memset(s, 0, sizeof(*s));
	s->name = xstrdup(name);
	return s;
}

static void config_set(struct config *cfg, const char *section,
		       const char *key, const char *value, int line)
{
	struct config_section *s = config_section_get(cfg, section, true);
	const struct config_key *k = config_key_find(section, key);
	for (size_t i = 0; i < s->n; i++) {
		if (strcmp(s->keys[i], key))
			continue;
		char *old = s->values[i];
		/* A repeated list key adds to the list; others replace. */
		s->values[i] = k && k->type == CT_LIST && *old
			       ? xasprintf("%s %s", old, value) : xstrdup(value);
		s->lines[i] = line;
		free(old);
		return;
	}
	s->keys = xrealloc(s->keys, (s->n + 1) * sizeof(char *));
	s->values = xrealloc(s->values, (s->n + 1) * sizeof(char *));
	s->lines = xrealloc(s->lines, (s->n + 1) * sizeof(int));
	s->keys[s->n] = xstrdup(key);
	s->values[s->n] = xstrdup(value);
	s->lines[s->n] = line;
	s->n++;
}

void config_free(struct config **cfgp)
{
	struct config *cfg = *cfgp;
	if (cfg == NULL)
		return;
	for (size_t i = 0; i < cfg->nsections; i++) {
		struct config_section *s = &cfg->sections[i];
		for (size_t j = 0; j < s->n; j++) {
			free(s->keys[j]);
			free(s->values[j]);
		}
		free(s->keys);
		free(s->values);
		free(s->lines);
		free(s->name);
	}
	free(cfg->sections);
	free(cfg->names);
	free(cfg->path);
	free(cfg);
	*cfgp = NULL;
}

struct config *config_default(void)
{
	struct config *cfg = xcalloc(1, sizeof(*cfg));
	cfg->path = xstrdup("(default)");
	return cfg;
}

/* ---- loading -------------------------------------------------------- */

struct config_parse {
	struct config *cfg;
	char *text;		/* the file, split in place into lines */
	char **lines;
	size_t nlines, next;	/* next line the reader hands out */
	char *error;		/* first error, "file:line: msg: line" */
};

static void config_error(struct config_parse *p, size_t lineno,
			 const char *fmt, const char *a, const char *b)
{
	if (p->error)
		return;
	char msg[512];
	snprintf(msg, sizeof(msg), fmt, a, b);
	const char *line = lineno >= 1 && lineno <= p->nlines
			   ? p->lines[lineno - 1] : "";
	while (isspace((unsigned char)*line))
		line++;
	p->error = xasprintf("%s:%zu: %s: %s", p->cfg->path, lineno, msg,
			     line);
}

/* inih's line reader: hands out our in-memory lines and so knows which
 * line the handler is looking at. */
static char *config_reader(char *str, int num, void *stream)
{
	struct config_parse *p = stream;
	if (p->next >= p->nlines)
		return NULL;
	snprintf(str, (size_t)num, "%s\n", p->lines[p->next++]);
	return str;
}

static int config_handler(void *user, const char *section, const char *key,
			  const char *value)
{
	struct config_parse *p = user;
	size_t line = p->next;
	if (key == NULL)	/* a bare section header */
		return 1;
	if (config_section_raw(section)) {
		const struct config_key *k = config_key_find(section, key);
		const char *why = k ? config_check_value(k, value) : NULL;
		if (why) {
			config_error(p, line, "%s.%s: bad value", section, key);
			return 0;
		}
		config_set(p->cfg, section, key, value, (int)line);
		return 1;
	}
	if (!config_section_known(section)) {
		config_error(p, line, "unknown section [%s]%s", section, "");
		return 0;
	}
	const struct config_key *k = config_key_find(section, key);
	if (k == NULL) {
		config_error(p, line, "unknown key \"%s\" in [%s]", key,
			     section);
		return 0;
	}
	const char *why = config_check_value(k, value);
	if (why) {
		config_error(p, line, "%s: %s", key, why);
		return 0;
	}
	config_set(p->cfg, section, key, value, (int)line);
	return 1;
}

static char *config_read_file(const char *path, char **error_r)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		*error_r = xasprintf("%s:0: cannot open: %s", path,
				     strerror(errno));
		return NULL;
	}
	struct buf b = { 0 };
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, n);
	bool bad = ferror(f);
	fclose(f);
	if (bad) {
		buf_free(&b);
		*error_r = xasprintf("%s:0: read error", path);
		return NULL;
	}
	buf_append(&b, "", 0);
	if (b.data == NULL)
		buf_puts(&b, "");
	return buf_steal(&b);
}

static void config_split_lines(struct config_parse *p)
{
	char *s = p->text;
	for (;;) {
		p->lines = xrealloc(p->lines, (p->nlines + 1) * sizeof(char *));
		p->lines[p->nlines++] = s;
		char *nl = strchr(s, '\n');
		if (nl == NULL)
			break;
		*nl = '\0';
		if (nl > s && nl[-1] == '\r')
			nl[-1] = '\0';
		s = nl + 1;
		if (*s == '\0')
			break;
	}
}

struct config *config_load(const char *path, char **error_r)
{
	struct config_parse p = { 0 };
	*error_r = NULL;
	p.text = config_read_file(path, error_r);
	if (p.text == NULL)
		return NULL;
	p.cfg = config_default();
	free(p.cfg->path);
	p.cfg->path = xstrdup(path);
	config_split_lines(&p);
	int rc = ini_parse_stream(config_reader, &p, config_handler, &p);
	if (rc != 0 && p.error == NULL)
		config_error(&p, rc > 0 ? (size_t)rc : 0,
			     "syntax error (expected [section] or key = value)%s%s",
			     "", "");
	free(p.lines);
	free(p.text);
	if (p.error) {
		*error_r = p.error;
		config_free(&p.cfg);
		return NULL;
	}
	return p.cfg;
}

/* ---- access --------------------------------------------------------- */

const char *config_get(const struct config *cfg, const char *section,
		       const char *key)
{
	for (size_t i = 0; i < cfg->nsections; i++) {
		const struct config_section *s = &cfg->sections[i];
		if (strcmp(s->name, section))
			continue;
		for (size_t j = 0; j < s->n; j++)
			if (!strcmp(s->keys[j], key))
				return s->values[j];
	}
	const struct config_key *k = config_key_find(section, key);
	return k ? k->def : NULL;
}

long long config_get_num(const struct config *cfg, const char *section,
			 const char *key, long long def)
{
	const char *v = config_get(cfg, section, key);
	long long n;
	return v && *v && parse_size(v, &n) ? n : def;
}

bool config_get_bool(const struct config *cfg, const char *section,
		     const char *key, bool def)
{
	const char *v = config_get(cfg, section, key);
	int b = v ? parse_bool(v) : -1;
	return b < 0 ? def : b == 1;
}

long long config_get_seconds(const struct config *cfg, const char *section,
			     const char *key, long long def)
{
	const char *v = config_get(cfg, section, key);
	long long n;
	return v && *v && parse_seconds(v, &n) ? n : def;
}

size_t config_section(const struct config *cfg, const char *section,
		      const char *const **keys_r,
		      const char *const **values_r)
{
	for (size_t i = 0; i < cfg->nsections; i++) {
		const struct config_section *s = &cfg->sections[i];
		if (strcmp(s->name, section))
			continue;
		*keys_r = (const char *const *)s->keys;
		*values_r = (const char *const *)s->values;
		return s->n;
	}
	*keys_r = *values_r = NULL;
	return 0;
}

size_t config_sections(const struct config *cfg, const char *prefix,
		       const char *const **names_r)
{
	struct config *c = (struct config *)cfg;	/* scratch only */
	size_t n = 0, plen = strlen(prefix);
	free(c->names);
	c->names = xcalloc(cfg->nsections + 1, sizeof(char *));
	for (size_t i = 0; i < cfg->nsections; i++)
		if (!strncmp(cfg->sections[i].name, prefix, plen))
			c->names[n++] = cfg->sections[i].name;
	*names_r = c->names;
	return n;
}

const char *config_path(const struct config *cfg)
{
	return cfg->path;
}

/* ---- help ----------------------------------------------------------- */

void config_print_help(FILE *f, bool markdown)
{
	const char *section = "";
	if (markdown)
		fprintf(f, "| section | key | default | meaning |\n"
			   "|---|---|---|---|\n");
	for (size_t i = 0; i < NKEYS; i++) {
		const struct config_key *k = &config_keys[i];
		if (markdown) {
			fprintf(f, "| [%s] | `%s` | %s%s%s | %s |\n", k->section,
				k->key, k->def ? "`" : "",
				k->def ? k->def : "(none)", k->def ? "`" : "",
				k->help);
			continue;
		}
		if (strcmp(section, k->section)) {
			fprintf(f, "%s[%s]\n", *section ? "\n" : "",
				k->section);
			section = k->section;
		}
		fprintf(f, "  %-26s %s\n      %s\n", k->key,
			k->def ? k->def : "(none)", k->help);
	}
}
