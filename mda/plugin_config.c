/*
 * plugin_config.c: plugin loading driven by siren's configuration:
 * [notify] plugin_dir and one raw [notify.NAME] section per plugin.
 * Kept apart from plugin.c so the loader itself needs no config module.
 * Also the process-wide registry the delivery path hands the engine.
 */
#include <stddef.h>

#include "sieve.h"
#include "siren-notify.h"

#include "config.h"
#include "plugin.h"

static size_t config_section_fn(const void *ctx, const char *section,
				const char *const **keys_r,
				const char *const **values_r)
{
	return config_section(ctx, section, keys_r, values_r);
}

struct plugin_set *plugin_set_load_config(const struct config *cfg,
					  const struct siren_notify_host *host)
{
	const char *dir = config_get(cfg, "notify", "plugin_dir");

	if (dir == NULL || *dir == '\0')
		dir = plugin_default_dir();
	return plugin_set_load(dir, host, config_section_fn, cfg);
}

static struct plugin_set *notify_set;
static const struct config *notify_cfg;
static struct siren_notify_host notify_host;
static struct sieve_notify_registry notify_reg;

const struct sieve_notify_registry *
plugin_notify_registry(const struct config *cfg)
{
	if (notify_set == NULL || notify_cfg != cfg) {
		plugin_set_free(&notify_set);
		plugin_host_init(&notify_host, cfg);
		notify_set = plugin_set_load_config(cfg, &notify_host);
		notify_cfg = cfg;
		plugin_registry(notify_set, &notify_reg);
	}
	return &notify_reg;
}

void plugin_notify_free(void)
{
	plugin_set_free(&notify_set);
	notify_cfg = NULL;
}
