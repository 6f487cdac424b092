/*
 * test_plugin_sieve.c: the plugin registry inside the real Sieve engine:
 * notify URIs are checked by the plugins at compile time, and
 * valid_notify_method / notify_method_capability ask them at run time.
 * Needs the engine's enotify extension; until it is built in, the tests
 * say so and check nothing.
 */
#include "notify_harness.h"
#include "../../sieve/sieve.h"

#define USERKEY "uQiRzpo4DXghDmr9QzzfQu27cmVRsG"

static const struct harness_kv cfg[] = {
	{ "notify.pushover", "token", "azGDORePK8gMaC0QOYAMyEEuzJnyUi" },
	{ "notify.slack", "webhook.ops", "https://hooks.slack.com/x" },
	{ "notify.webhook", "secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" },
	{ NULL, NULL, NULL },
};

static int have_enotify(void)
{
	if (strstr(sieve_capabilities(), "enotify") != NULL)
		return 1;
	fprintf(stderr, "enotify not built in: registry tests skipped\n");
	return 0;
}

/* The compiled script keeps a pointer to the registry: it must live as
 * long as the script. */
static struct sieve_notify_registry reg;

static struct sieve_script *compile(const char *text, char **errors_r)
{
	struct sieve_config sc;

	plugin_registry(harness_set, &reg);
	sieve_config_defaults(&sc);
	sc.notify = &reg;
	return sieve_compile_buffer("test", text, strlen(text), &sc, errors_r);
}

UNIT_TEST(test_compile_time_check)
{
	static const struct {
		const char *script, *error;
	} rows[] = {
		{ "notify \"pushover:" USERKEY "\";", NULL },
		{ "notify \"slack:ops\";", NULL },
		{ "notify \"https://hooks.example.org/h\";", NULL },
		{ "notify \"mailto:a@example.org\";", NULL },
		{ "notify \"pushover:short\";",
		  "user key must be 30 letters or digits" },
		{ "notify \"slack:nosuch\";", "unknown slack alias" },
		{ "notify \"http://hooks.example.org/\";",
		  "only https: webhooks are allowed" },
		{ "notify \"xmpp:a@example.org\";", "unsupported" },
	};

	harness_load(cfg, "pushover");
	for (size_t i = 0; have_enotify() && i < sizeof(rows) / sizeof(rows[0]);
	     i++) {
		char text[256], *errors = NULL;
		snprintf(text, sizeof(text), "require \"enotify\";\n%s",
			 rows[i].script);
		struct sieve_script *s = compile(text, &errors);
		if (rows[i].error == NULL && s == NULL)
			UNIT_FAIL("%s: %s", rows[i].script, errors);
		if (rows[i].error != NULL &&
		    (s != NULL || !errors || !strstr(errors, rows[i].error)))
			UNIT_FAIL("%s: got \"%s\", want error with \"%s\"",
				  rows[i].script, errors ? errors : "",
				  rows[i].error);
		sieve_script_free(&s);
		free(errors);
	}
	harness_unload();
}

UNIT_TEST(test_run_time_tests)
{
	static const char script[] =
		"require [\"enotify\", \"fileinto\"];\n"
		"if valid_notify_method [\"slack:ops\", \"pushover:" USERKEY
		"?sound=siren\", \"mailto:a@example.org\",\n"
		"  \"https://x.example/h\"] { fileinto \"valid\"; }\n"
		"if valid_notify_method \"slack:nosuch\" { fileinto \"bad1\"; }\n"
		"if valid_notify_method \"xmpp:a@b\" { fileinto \"bad2\"; }\n"
		"if notify_method_capability \"slack:ops\" \"Online\" \"maybe\""
		" { fileinto \"cap\"; }\n"
		"if notify_method_capability \"slack:nosuch\" \"online\" "
		"\"maybe\" { fileinto \"bad3\"; }\n";
	static const char msg[] = "From: a@example.com\r\nSubject: x\r\n\r\nhi\r\n";
	char *errors = NULL;
	struct sieve_script *s;

	harness_load(cfg, "pushover");
	if (!have_enotify()) {
		harness_unload();
		return;
	}
	s = compile(script, &errors);
	CHECK(s != NULL);
	if (s != NULL) {
		struct sieve_message *m = sieve_message_new(msg, strlen(msg));
		struct sieve_envelope env = { .from = "a@example.com",
					      .to = "alice@example.org" };
		struct sieve_result *r = sieve_execute(s, m, &env, NULL);
		char got[256] = "";
		for (size_t i = 0; i < sieve_result_count(r); i++) {
			const struct sieve_action *a = sieve_result_action(r, i);
			if (a->type == SIEVE_ACT_FILEINTO)
				strcat(strcat(got, a->mailbox), " ");
		}
		CHECK_STR(got, "valid cap ");
		CHECK_STR(sieve_result_errors(r), "");
		sieve_result_free(&r);
		sieve_message_free(&m);
	}
	sieve_script_free(&s);
	free(errors);
	harness_unload();
}

UNIT_MAIN(UNIT_CASE(test_compile_time_check), UNIT_CASE(test_run_time_tests))
