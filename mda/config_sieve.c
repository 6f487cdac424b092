/*
 * config_sieve.c: the [sieve] section mapped onto the engine's struct
 * sieve_config.  Its own file so that programs using config.c without
 * the engine (unit tests) need not link the engine.
 */
#include "sieve.h"

#include "config.h"

void config_sieve(const struct config *cfg, struct sieve_config *sc)
{
	sieve_config_defaults(sc);
	sc->max_script_size = (size_t)config_get_num(cfg, "sieve",
		"max_script_size", (long long)sc->max_script_size);
#define NUM(field, key) \
	sc->field = (unsigned)config_get_num(cfg, "sieve", key, sc->field)
	NUM(max_nesting, "max_nesting");
	NUM(max_actions, "max_actions");
	NUM(max_redirects, "max_redirects");
	NUM(max_notify, "max_notify");
	NUM(max_cpu_ms, "max_cpu_ms");
	NUM(max_include_depth, "max_include_depth");
#undef NUM
	sc->max_variable_size = (size_t)config_get_num(cfg, "sieve",
		"max_variable_size", (long long)sc->max_variable_size);
#define SECS(field, key) sc->field = (unsigned long)config_get_seconds( \
	cfg, "sieve", key, (long long)sc->field)
	SECS(vacation_min_seconds, "vacation_min_period");
	SECS(vacation_default_seconds, "vacation_default_period");
	SECS(vacation_max_seconds, "vacation_max_period");
	SECS(duplicate_default_seconds, "duplicate_default_period");
	SECS(duplicate_max_seconds, "duplicate_max_period");
#undef SECS
	const char *d = config_get(cfg, "users", "recipient_delimiter");
	if (d && *d)
		sc->subaddress_separator = *d;
	sc->include_global_dir = config_get(cfg, "sieve", "global_dir");
}

