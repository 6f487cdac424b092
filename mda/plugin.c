/*
 * plugin.c: loads notify-method plugins (siren-notify.h) from one
 * directory and routes method URIs (RFC 5435 section 3.2: the scheme names
 * the method) to them.  Like Postfix's dynamic maps it refuses a .so owned
 * or writable by other users; like Redis it dlopens with
 * RTLD_NOW|RTLD_LOCAL and requires one entry symbol.  Plugins are never
 * unloaded individually: the set lives and dies as one.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "sieve.h"
#include "siren-notify.h"

#include "log.h"
#include "plugin.h"
#include "util.h"

/* Not PATH_MAX: -Isieve makes <limits.h> the engine's sieve/limits.h. */
#define PLUGIN_PATH_MAX 4096

#ifndef SIREN_LIBDIR
#define SIREN_LIBDIR "/usr/local/lib/siren"
#endif

struct scheme_map {
	char *scheme;
	const struct plugin *plugin;
};

struct plugin_set {
	struct plugin **plugins;
	size_t count;
	struct scheme_map *schemes;
	size_t nschemes;
	struct buf errors;
};

const char *plugin_default_dir(void)
{
	static char dir[PLUGIN_PATH_MAX];
	char exe[PLUGIN_PATH_MAX];
	struct stat st;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash != NULL) {
			*slash = '\0';
			int r = snprintf(dir, sizeof(dir), "%s/notify", exe);
			if (r > 0 && (size_t)r < sizeof(dir) &&
			    stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
				return dir;
		}
	}
	return SIREN_LIBDIR "/notify";
}

static void set_error(struct plugin_set *set, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_error(struct plugin_set *set, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log_warnx("%s", line);
	buf_puts(&set->errors, line);
	buf_puts(&set->errors, "\n");
}

/* Owner root or us, not writable by group or others: a plugin runs with
 * our privileges, so whoever can replace it owns us. */
static const char *unsafe_file(const char *path, int want_dir)
{
	struct stat st;

	if (stat(path, &st) == -1)
		return strerror(errno);
	if (want_dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode))
		return want_dir ? "not a directory" : "not a regular file";
	if (st.st_uid != 0 && st.st_uid != geteuid())
		return "owned by another user";
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return "writable by group or others";
	return NULL;
}

static const char *section_get(const struct siren_notify_config *cfg,
			       const char *key)
{
	const char *v = NULL;

	for (size_t i = 0; i < cfg->count; i++)
		if (strcmp(cfg->keys[i], key) == 0)
			v = cfg->values[i];
	return v;
}

static void plugin_unload(struct plugin *p)
{
	if (p == NULL)
		return;
	if (p->method != NULL && p->method->free != NULL && p->state != NULL)
		p->method->free(p->state);
	free((char *)p->config.name);
	for (size_t i = 0; i < p->config.count; i++) {
		free((char *)p->config.keys[i]);
		free((char *)p->config.values[i]);
	}
	free((void *)p->config.keys);
	free((void *)p->config.values);
	if (p->handle != NULL)
		dlclose(p->handle);
	free(p->path);
	free(p);
}

/* dlopen path and check the entry symbol; NULL after recording why. */
static struct plugin *plugin_open(struct plugin_set *set, const char *path)
{
	struct plugin *p = xcalloc(1, sizeof(*p));
	const char *why;

	p->path = xstrdup(path);
	p->file = strrchr(p->path, '/') ? strrchr(p->path, '/') + 1 : p->path;
	if ((why = unsafe_file(path, 0)) != NULL) {
		set_error(set, "plugin %s: refused: %s", p->file, why);
		goto fail;
	}
	p->handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (p->handle == NULL) {
		set_error(set, "plugin %s: %s", p->file, dlerror());
		goto fail;
	}
	p->method = dlsym(p->handle, SIREN_NOTIFY_SYMBOL);
	if (p->method == NULL) {
		set_error(set, "plugin %s: no symbol %s", p->file,
			  SIREN_NOTIFY_SYMBOL);
		goto fail;
	}
	if (p->method->abi_version != SIREN_NOTIFY_ABI_VERSION) {
		set_error(set, "plugin %s: ABI %u, expected %d", p->file,
			  p->method->abi_version, SIREN_NOTIFY_ABI_VERSION);
		p->method = NULL;
		goto fail;
	}
	return p;
fail:
	plugin_unload(p);
	return NULL;
}

/* The method table must be coherent before we call into it. */
static const char *method_incomplete(const struct siren_notify_method *m)
{
	if (m->name == NULL || *m->name == '\0' || m->schemes == NULL ||
	    m->schemes[0] == NULL)
		return "no name or schemes";
	if (m->init == NULL || m->check == NULL || m->free == NULL)
		return "init, check and free are required";
	if ((m->deliver == NULL) == (m->prepare == NULL || m->result == NULL))
		return "needs either prepare+result or deliver";
	return NULL;
}

/* The plugin's own copy of its section: the set may outlive the config
 * it was loaded from (a reload frees the old one). */
static void copy_section(struct plugin *p, plugin_section_fn *section,
			 const void *section_ctx)
{
	const char *const *keys = NULL, *const *values = NULL;
	size_t n = section ? section(section_ctx, p->config.name, &keys,
				     &values) : 0;
	const char **k = xcalloc(n + 1, sizeof(*k));
	const char **v = xcalloc(n + 1, sizeof(*v));

	for (size_t i = 0; i < n; i++) {
		k[i] = xstrdup(keys[i]);
		v[i] = xstrdup(values[i] ? values[i] : "");
	}
	p->config.keys = k;
	p->config.values = v;
	p->config.count = n;
}

static int plugin_init(struct plugin_set *set, struct plugin *p,
		       const struct siren_notify_host *host,
		       plugin_section_fn *section, const void *section_ctx)
{
	const char *why = method_incomplete(p->method);
	char *error = NULL;

	if (why != NULL) {
		set_error(set, "plugin %s: %s", p->file, why);
		p->method = NULL;
		return -1;
	}
	if (plugin_by_name(set, p->method->name) != NULL) {
		set_error(set, "plugin %s: method %s already loaded", p->file,
			  p->method->name);
		p->method = NULL;
		return -1;
	}
	p->config.name = xasprintf("notify.%s", p->method->name);
	p->config.get = section_get;
	copy_section(p, section, section_ctx);
	if (p->method->init(host, &p->config, &p->state, &error) != 0) {
		set_error(set, "plugin %s: init: %s", p->file,
			  error ? error : "failed");
		free(error);
		p->method = NULL;
		return -1;
	}
	return 0;
}

static void map_schemes(struct plugin_set *set, const struct plugin *p)
{
	for (const char *const *s = p->method->schemes; *s != NULL; s++) {
		const struct plugin *owner = NULL;

		for (size_t i = 0; i < set->nschemes; i++)
			if (strcasecmp(set->schemes[i].scheme, *s) == 0)
				owner = set->schemes[i].plugin;
		if (owner != NULL) {
			set_error(set, "plugin %s: scheme %s already handled "
				       "by %s, ignored", p->file, *s,
				  owner->file);
			continue;
		}
		set->schemes = xrealloc(set->schemes, (set->nschemes + 1) *
						 sizeof(*set->schemes));
		set->schemes[set->nschemes].scheme = xstrdup(*s);
		set->schemes[set->nschemes++].plugin = p;
	}
}

static int is_plugin_name(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 3 &&
	       strcmp(d->d_name + n - 3, ".so") == 0;
}

static void load_one(struct plugin_set *set, const char *path,
		     const struct siren_notify_host *host,
		     plugin_section_fn *section, const void *section_ctx)
{
	struct plugin *p = plugin_open(set, path);

	if (p == NULL)
		return;
	if (plugin_init(set, p, host, section, section_ctx) != 0) {
		plugin_unload(p);
		return;
	}
	set->plugins = xrealloc(set->plugins,
				(set->count + 1) * sizeof(*set->plugins));
	set->plugins[set->count++] = p;
	map_schemes(set, p);
	log_debug("plugin %s: loaded method %s", p->file, p->method->name);
}

struct plugin_set *plugin_set_load(const char *dir,
				   const struct siren_notify_host *host,
				   plugin_section_fn *section,
				   const void *section_ctx)
{
	struct plugin_set *set = xcalloc(1, sizeof(*set));
	struct dirent **names = NULL;
	const char *why;
	int n;

	buf_puts(&set->errors, "");
	if ((why = unsafe_file(dir, 1)) != NULL) {
		set_error(set, "plugin dir %s: refused: %s", dir, why);
		return set;
	}
	n = scandir(dir, &names, is_plugin_name, alphasort);
	if (n < 0) {
		set_error(set, "plugin dir %s: %s", dir, strerror(errno));
		return set;
	}
	for (int i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]->d_name);
		load_one(set, path, host, section, section_ctx);
		free(path);
		free(names[i]);
	}
	free(names);
	return set;
}

void plugin_set_free(struct plugin_set **setp)
{
	struct plugin_set *set = *setp;

	if (set == NULL)
		return;
	for (size_t i = 0; i < set->count; i++)
		plugin_unload(set->plugins[i]);
	for (size_t i = 0; i < set->nschemes; i++)
		free(set->schemes[i].scheme);
	free(set->schemes);
	free(set->plugins);
	buf_free(&set->errors);
	free(set);
	*setp = NULL;
}

size_t plugin_set_count(const struct plugin_set *set)
{
	return set->count;
}

const struct plugin *plugin_set_get(const struct plugin_set *set, size_t i)
{
	return i < set->count ? set->plugins[i] : NULL;
}

const char *plugin_set_errors(const struct plugin_set *set)
{
	return set->errors.data ? set->errors.data : "";
}

/* RFC 3986: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" */
static size_t scheme_len(const char *uri)
{
	size_t i = 0;

	if (!((uri[0] | 0x20) >= 'a' && (uri[0] | 0x20) <= 'z'))
		return 0;
	while (uri[i] != '\0' && uri[i] != ':') {
		char c = uri[i];
		if (!(((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ||
		      (c >= '0' && c <= '9') || c == '+' || c == '-' ||
		      c == '.'))
			return 0;
		i++;
	}
	return uri[i] == ':' ? i : 0;
}

const struct plugin *plugin_for_uri(const struct plugin_set *set,
				    const char *uri)
{
	size_t n = uri ? scheme_len(uri) : 0;

	if (n == 0)
		return NULL;
	for (size_t i = 0; i < set->nschemes; i++)
		if (strlen(set->schemes[i].scheme) == n &&
		    strncasecmp(set->schemes[i].scheme, uri, n) == 0)
			return set->schemes[i].plugin;
	return NULL;
}

const struct plugin *plugin_by_name(const struct plugin_set *set,
				    const char *name)
{
	for (size_t i = 0; i < set->count; i++)
		if (strcmp(set->plugins[i]->method->name, name) == 0)
			return set->plugins[i];
	return NULL;
}

static int registry_check(void *ctx, const char *uri,
			  const char *const *options, size_t noptions,
			  const char **error_r)
{
	const struct plugin *p = plugin_for_uri(ctx, uri);

	if (p == NULL)
		return -1;
	*error_r = NULL;
	int r = p->method->check(p->state, uri, options, noptions, error_r);
	if (r != 1 && *error_r == NULL)
		*error_r = "invalid method URI";
	return r == 1 ? 1 : 0;
}

/* RFC 5435 section 5: the test fails (NULL) for an unsupported or
 * invalid URI, never errors. */
static const char *registry_capability(void *ctx, const char *uri,
				       const char *name)
{
	const struct plugin *p = plugin_for_uri(ctx, uri);
	const char *error = NULL;
	char lower[64];
	size_t i;

	if (p == NULL || p->method->check(p->state, uri, NULL, 0, &error) != 1)
		return NULL;
	for (i = 0; name[i] != '\0' && i < sizeof(lower) - 1; i++)
		lower[i] = (char)tolower((unsigned char)name[i]);
	if (name[i] != '\0')
		return NULL;
	lower[i] = '\0';
	if (p->method->capability == NULL)
		return strcmp(lower, "online") == 0 ? "maybe" : NULL;
	return p->method->capability(p->state, uri, lower);
}

void plugin_registry(const struct plugin_set *set,
		     struct sieve_notify_registry *reg_r)
{
	reg_r->ctx = (void *)set;
	reg_r->check = registry_check;
	reg_r->capability = registry_capability;
}
