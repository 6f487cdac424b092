/*
 * plugin_config.c: plugin loading driven by siren's configuration:
 * [notify] plugin_dir and one raw [notify.NAME] section per plugin.
 * Kept apart from plugin.c so the loader itself needs no config module.
 */
#include <stddef.h>

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
