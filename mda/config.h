/*
 * config.h: siren's configuration (INI, parsed with inih).  One table of
 * {section, key, type, default} feeds the parser, --help and the README.
 * Unknown [notify.NAME] sections are kept raw for the plugins.
 */
#ifndef SIREN_CONFIG_H
#define SIREN_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct config;

/* Load path.  Returns NULL and sets *error_r ("file:line: message: the
 * line", caller frees) on any error; the caller exits 78 (EX_CONFIG). */
struct config *config_load(const char *path, char **error_r);
/* The embedded default configuration (what `make run` would serve with no
 * file), never NULL. */
struct config *config_default(void);
void config_free(struct config **cfg);

/* Raw value of section/key with the table's default applied for known
 * keys; NULL when unset and without default.  Borrowed until
 * config_free.  Section names are case-sensitive ("server",
 * "notify.pushover"). */
const char *config_get(const struct config *cfg, const char *section,
		       const char *key);
long long config_get_num(const struct config *cfg, const char *section,
			 const char *key, long long def);
bool config_get_bool(const struct config *cfg, const char *section,
		     const char *key, bool def);
/* Seconds from "30", "30s", "5m", "2h", "7d". */
long long config_get_seconds(const struct config *cfg, const char *section,
			     const char *key, long long def);

/* Keys and values of one section in file order; returns the count and
 * sets *keys_r and *values_r to arrays borrowed until config_free. */
size_t config_section(const struct config *cfg, const char *section,
		      const char *const **keys_r,
		      const char *const **values_r);
/* Names of the sections starting with prefix ("notify."), borrowed. */
size_t config_sections(const struct config *cfg, const char *prefix,
		       const char *const **names_r);
/* The file this config came from, or "(default)". */
const char *config_path(const struct config *cfg);

struct sieve_config;
/* Fill *sc with the engine defaults overridden by [sieve] (limits,
 * vacation/duplicate periods, global_dir) and [users]
 * recipient_delimiter.  Strings in *sc are borrowed from cfg. */
void config_sieve(const struct config *cfg, struct sieve_config *sc);
/* Print every known key with its default and meaning: plain text, or a
 * Markdown table (markdown true) as the README shows it. */
void config_print_help(FILE *f, bool markdown);

#endif
