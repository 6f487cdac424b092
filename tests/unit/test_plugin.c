/*
 * test_plugin.c: the plugin loader (mda/plugin.c) against the test-only
 * plugins built from tests/plugins/ into <this binary's dir>/plugins:
 * loading, refusals (wrong ABI, no symbol, group-writable file or dir,
 * init failure), scheme routing and collisions, config sections, and the
 * Sieve notify registry.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../mda/plugin.h"
#include "../../notify-methods/siren-notify.h"
#include "../../sieve/sieve.h"
#include "unit.h"

/* Not PATH_MAX: -Isieve makes <limits.h> the engine's sieve/limits.h. */
#define TEST_PATH_MAX 4096

static char plugdir[TEST_PATH_MAX + 16];

static const char *test_plugin_dir(void)
{
	char exe[TEST_PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (plugdir[0] != '\0')
		return plugdir;
	if (n <= 0)
		return "build-asan/tests/plugins";
	exe[n] = '\0';
	*strrchr(exe, '/') = '\0';
	snprintf(plugdir, sizeof(plugdir), "%s/plugins", exe);
	return plugdir;
}

/* A fake config: one section per row. */
struct fake_section {
	const char *section;
	const char *keys[4];
	const char *values[4];
	size_t count;
};

static const struct fake_section *fake_sections;

static size_t fake_section_fn(const void *ctx, const char *section,
			      const char *const **keys_r,
			      const char *const **values_r)
{
	(void)ctx;
	for (const struct fake_section *s = fake_sections; s && s->section;
	     s++) {
		if (strcmp(s->section, section) == 0) {
			*keys_r = s->keys;
			*values_r = s->values;
			return s->count;
		}
	}
	return 0;
}

static char last_log[256];

static void test_log(const struct siren_notify_host *h, int level,
		     const char *fmt, ...)
{
	va_list ap;

	(void)h, (void)level;
	va_start(ap, fmt);
	vsnprintf(last_log, sizeof(last_log), fmt, ap);
	va_end(ap);
}

static const struct siren_notify_host host = {
	.abi_version = SIREN_NOTIFY_ABI_VERSION,
	.log = test_log,
};

static struct plugin_set *load(const char *dir)
{
	return plugin_set_load(dir, &host, fake_section_fn, NULL);
}

UNIT_TEST(test_load_and_refusals)
{
	struct plugin_set *set = load(test_plugin_dir());
	const char *errs = plugin_set_errors(set);

	CHECK_INT(plugin_set_count(set), 3);
	CHECK(plugin_by_name(set, "hello") != NULL);	/* the README's */
	CHECK(plugin_by_name(set, "testmethod") != NULL);
	CHECK(plugin_by_name(set, "testclash") != NULL);
	CHECK(strstr(errs, "plugin wrongabi.so: ABI 2, expected 1\n") != NULL);
	CHECK(strstr(errs, "plugin nosymbol.so: no symbol "
			   "siren_notify_method\n") != NULL);
	CHECK(strstr(errs, "plugin testmethod.so: scheme x-test already "
			   "handled by testclash.so, ignored\n") != NULL);
	plugin_set_free(&set);
	CHECK(set == NULL);
}

UNIT_TEST(test_scheme_routing)
{
	struct plugin_set *set = load(test_plugin_dir());
	static const struct {
		const char *uri, *want;
	} rows[] = {
		{ "x-test:ok", "testclash" },	/* testclash.so sorts first */
		{ "X-TEST:ok", "testclash" },
		{ "x-clash:anything", "testclash" },
		{ "hello:world", "hello" },
		{ "mailto:a@example.org", NULL },
		{ "x-test", NULL },
		{ ":x-test", NULL },
		{ "x_test:ok", NULL },
		{ "", NULL },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct plugin *p = plugin_for_uri(set, rows[i].uri);
		CHECK_STR(p ? p->method->name : NULL, rows[i].want);
	}
	plugin_set_free(&set);
}

/* Copy src to dir/name with the given mode. */
static void copy_file(const char *src, const char *dir, const char *name,
		      mode_t mode)
{
	char path[TEST_PATH_MAX], buf[8192];
	int in = open(src, O_RDONLY), out;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(in >= 0 && out >= 0);
	while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
		CHECK(write(out, buf, (size_t)n) == n);
	close(in);
	close(out);
	CHECK(chmod(path, mode) == 0);
}

static void remove_dir(const char *dir, const char *name)
{
	char path[TEST_PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
	rmdir(dir);
}

static void one_plugin_dir(char *dir, mode_t mode)
{
	char src[TEST_PATH_MAX];

	strcpy(dir, "/tmp/siren-plugin-XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
	snprintf(src, sizeof(src), "%s/testmethod.so", test_plugin_dir());
	copy_file(src, dir, "testmethod.so", mode);
}

UNIT_TEST(test_group_writable_refused)
{
	char dir[64];
	struct plugin_set *set;

	one_plugin_dir(dir, 0664);
	set = load(dir);
	CHECK_INT(plugin_set_count(set), 0);
	CHECK(strstr(plugin_set_errors(set), "plugin testmethod.so: refused: "
		     "writable by group or others\n") != NULL);
	plugin_set_free(&set);
	CHECK(chmod(dir, 0700) == 0);
	remove_dir(dir, "testmethod.so");

	one_plugin_dir(dir, 0644);
	set = load(dir);
	CHECK_INT(plugin_set_count(set), 1);
	CHECK_STR(plugin_set_errors(set), "");
	plugin_set_free(&set);
	CHECK(chmod(dir, 0777) == 0);	/* the directory itself */
	set = load(dir);
	CHECK_INT(plugin_set_count(set), 0);
	CHECK(strstr(plugin_set_errors(set), "refused: writable by group or "
		     "others") != NULL);
	plugin_set_free(&set);
	remove_dir(dir, "testmethod.so");
}

UNIT_TEST(test_missing_dir)
{
	struct plugin_set *set = load("/nonexistent/siren/notify");

	CHECK_INT(plugin_set_count(set), 0);
	CHECK(strstr(plugin_set_errors(set), "plugin dir /nonexistent/siren/"
		     "notify: refused: No such file or directory") != NULL);
	plugin_set_free(&set);
}

UNIT_TEST(test_config_section_and_init_failure)
{
	static const struct fake_section online[] = {
		{ "notify.testmethod", { "online", "x" }, { "no", "y" }, 2 },
		{ NULL, { NULL }, { NULL }, 0 },
	};
	static const struct fake_section fail[] = {
		{ "notify.testmethod", { "fail" }, { "yes" }, 1 },
		{ NULL, { NULL }, { NULL }, 0 },
	};
	struct sieve_notify_registry reg;
	char dir[64];
	struct plugin_set *set;

	one_plugin_dir(dir, 0644);
	fake_sections = online;
	set = load(dir);
	plugin_registry(set, &reg);
	CHECK_STR(reg.capability(reg.ctx, "x-test:ok", "ONLINE"), "no");
	CHECK_STR(plugin_by_name(set, "testmethod")->config.get(
			  &plugin_by_name(set, "testmethod")->config, "x"),
		  "y");
	plugin_set_free(&set);

	fake_sections = fail;
	set = load(dir);
	CHECK_INT(plugin_set_count(set), 0);
	CHECK_STR(plugin_set_errors(set),
		  "plugin testmethod.so: init: asked to fail\n");
	plugin_set_free(&set);
	fake_sections = NULL;
	remove_dir(dir, "testmethod.so");
}

UNIT_TEST(test_registry)
{
	struct sieve_notify_registry reg;
	char dir[64];
	struct plugin_set *set;
	const char *error = NULL;
	static const char *const opts[] = { "a=b" };

	one_plugin_dir(dir, 0644);
	set = load(dir);
	plugin_registry(set, &reg);
	CHECK_INT(reg.check(reg.ctx, "x-test:ok", NULL, 0, &error), 1);
	CHECK_INT(reg.check(reg.ctx, "hello:world", NULL, 0, &error), -1);
	CHECK_INT(reg.check(reg.ctx, "x-test:bad", NULL, 0, &error), 0);
	CHECK_STR(error, "not ok");
	CHECK_INT(reg.check(reg.ctx, "x-test:ok", opts, 1, &error), 0);
	CHECK_STR(error, "no options allowed");
	CHECK_INT(reg.check(reg.ctx, "xmpp:a@b", NULL, 0, &error), -1);
	CHECK_STR(reg.capability(reg.ctx, "x-test:ok", "online"), "maybe");
	CHECK_STR(reg.capability(reg.ctx, "x-test:bad", "online"), NULL);
	CHECK_STR(reg.capability(reg.ctx, "x-test:ok", "fcc"), NULL);
	CHECK_STR(reg.capability(reg.ctx, "xmpp:a@b", "online"), NULL);
	plugin_set_free(&set);
	remove_dir(dir, "testmethod.so");
}

/* The example plugin from examples/notify-plugin, end to end. */
UNIT_TEST(test_example_plugin)
{
	struct plugin_set *set = load(test_plugin_dir());
	const struct plugin *p = plugin_for_uri(set, "hello:world");
	struct sieve_notify_registry reg;
	struct siren_notify_request req = { .method = "hello:world",
					    .user = "alice@example.org",
					    .message = "hi" };
	struct siren_notify_outcome out = { .status = SIREN_NOTIFY_RETRY };
	const char *error = NULL;

	plugin_registry(set, &reg);
	CHECK_INT(reg.check(reg.ctx, "hello:world", NULL, 0, &error), 1);
	CHECK_INT(reg.check(reg.ctx, "hello:World", NULL, 0, &error), 0);
	CHECK_STR(error, "expected hello:NAME (lowercase letters)");
	CHECK_STR(reg.capability(reg.ctx, "hello:world", "Online"), "maybe");
	CHECK(p != NULL && p->method->deliver != NULL);
	if (p != NULL)
		p->method->deliver(p->state, &req, &out);
	CHECK_INT(out.status, SIREN_NOTIFY_DELIVERED);
	CHECK_STR(out.reason, "logged");
	CHECK_STR(last_log, "hello: alice@example.org says hi to hello:world");
	plugin_set_free(&set);
}

UNIT_TEST(test_default_dir)
{
	/* This binary's directory has no notify/ next to it. */
	CHECK_STR(plugin_default_dir(), SIREN_LIBDIR "/notify");
}

UNIT_MAIN(UNIT_CASE(test_load_and_refusals), UNIT_CASE(test_scheme_routing),
	  UNIT_CASE(test_group_writable_refused), UNIT_CASE(test_missing_dir),
	  UNIT_CASE(test_config_section_and_init_failure),
	  UNIT_CASE(test_registry), UNIT_CASE(test_example_plugin),
	  UNIT_CASE(test_default_dir))
