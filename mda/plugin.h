/*
 * plugin.h: the notify-method plugin loader.  Loads every *.so of one
 * directory (siren-notify.h ABI), maps URI schemes to plugins, and offers
 * the Sieve engine a notify registry so method URIs are validated at
 * compile time and by valid_notify_method / notify_method_capability.
 */
#ifndef SIREN_PLUGIN_H
#define SIREN_PLUGIN_H

#include <stddef.h>

#include "sieve.h"
#include "siren-notify.h"

#include "config.h"

/* One loaded plugin.  Call its method through p->method with p->state. */
struct plugin {
	const struct siren_notify_method *method;
	void *state;
	char *path;		/* full path of the .so */
	const char *file;	/* basename of path ("slack.so") */
	void *handle;		/* dlopen handle */
	struct siren_notify_config config; /* its [notify.NAME] section,
					    * copied: owned by the set */
};

struct plugin_set;

/* Where a plugin's [notify.NAME] section comes from: returns the number of
 * keys and sets the borrowed arrays (same contract as config_section). */
typedef size_t plugin_section_fn(const void *ctx, const char *section,
				 const char *const **keys_r,
				 const char *const **values_r);

/* The effective default plugin directory: "<dir of the running
 * executable>/notify" when that directory exists (running from the build
 * tree: build/siren -> build/notify), else SIREN_LIBDIR "/notify".
 * Static string. */
const char *plugin_default_dir(void);

/*
 * Load every *.so in dir, in name order.  A plugin is refused (logged,
 * recorded in plugin_set_errors, skipped) when the file or dir is not
 * owned by root or by us, is group/other writable, fails dlopen, lacks
 * the symbol, has another ABI version, or its init fails.  A scheme
 * already claimed by an earlier plugin is ignored for the later one.
 * section/section_ctx supply [notify.NAME] (section may be NULL: empty).
 * host is borrowed and must outlive the set.  Never returns NULL; a
 * missing directory yields an empty set (and an error line).
 */
struct plugin_set *plugin_set_load(const char *dir,
				   const struct siren_notify_host *host,
				   plugin_section_fn *section,
				   const void *section_ctx);
/* As above with [notify] plugin_dir (default plugin_default_dir()) and
 * the sections of cfg. */
struct plugin_set *plugin_set_load_config(const struct config *cfg,
					  const struct siren_notify_host *host);
/* The process-wide registry for the Sieve engine in the delivery path:
 * on first use (or for another cfg) loads the plugins as
 * plugin_set_load_config does with plugin_host_init's services.  The
 * returned struct's address never changes; plugin_notify_free() unloads. */
const struct sieve_notify_registry *
plugin_notify_registry(const struct config *cfg);
void plugin_notify_free(void);

/* Calls each plugin's free(), dlcloses, frees, sets *set = NULL. */
void plugin_set_free(struct plugin_set **set);

size_t plugin_set_count(const struct plugin_set *set);
const struct plugin *plugin_set_get(const struct plugin_set *set, size_t i);
/* Refusals during loading, one line each ("plugin slack.so: ABI 2,
 * expected 1\n"), "" when none.  Borrowed. */
const char *plugin_set_errors(const struct plugin_set *set);

/* The plugin handling uri's scheme (case-insensitive), or NULL. */
const struct plugin *plugin_for_uri(const struct plugin_set *set,
				    const char *uri);
/* The plugin named name ("pushover"), or NULL. */
const struct plugin *plugin_by_name(const struct plugin_set *set,
				    const char *name);

/* A registry for sieve_config.notify whose check/capability call the
 * plugins; valid while set lives. */
void plugin_registry(const struct plugin_set *set,
		     struct sieve_notify_registry *reg_r);

/* Fill *host with siren's services: log.h, sendmail_send(cfg) (cfg is
 * borrowed and must outlive host), time(), gethostname(). */
void plugin_host_init(struct siren_notify_host *host,
		      const struct config *cfg);

#endif
