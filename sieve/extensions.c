/*
 * extensions.c: the one table of everything the engine knows.  The core
 * pseudo-extension (no name: always enabled) holds RFC 5228's commands,
 * tests, comparators, match types and address parts; every other entry
 * is a capability a script must require.  To add an extension: write
 * ext_<name>.c with a `const struct sieve_extension_def`, declare it in
 * sieve-private.h and list it here.
 */
#include <string.h>

#include "sieve-private.h"

extern const struct sieve_command_def sieve_cmd_require, sieve_cmd_if,
	sieve_cmd_elsif, sieve_cmd_else, sieve_cmd_stop, sieve_cmd_keep,
	sieve_cmd_discard, sieve_cmd_redirect;
extern const struct sieve_command_def sieve_tst_true, sieve_tst_false,
	sieve_tst_not, sieve_tst_allof, sieve_tst_anyof, sieve_tst_header,
	sieve_tst_address, sieve_tst_exists, sieve_tst_size;

static const struct sieve_command_def *const core_commands[] = {
	&sieve_cmd_require, &sieve_cmd_if, &sieve_cmd_elsif, &sieve_cmd_else,
	&sieve_cmd_stop, &sieve_cmd_keep, &sieve_cmd_discard,
	&sieve_cmd_redirect,
	&sieve_tst_true, &sieve_tst_false, &sieve_tst_not, &sieve_tst_allof,
	&sieve_tst_anyof, &sieve_tst_header, &sieve_tst_address,
	&sieve_tst_exists, &sieve_tst_size,
	NULL
};

static const struct sieve_match_def *const core_matches[] = {
	&sieve_mcht_is, &sieve_mcht_contains, &sieve_mcht_matches, NULL
};

static const struct sieve_comparator_def *const core_comparators[] = {
	&sieve_cmp_octet, &sieve_cmp_ascii_casemap, NULL
};

static const struct sieve_addrpart_def *const core_addrparts[] = {
	&sieve_addrpart_all, &sieve_addrpart_localpart, &sieve_addrpart_domain,
	NULL
};

const struct sieve_extension_def sieve_ext_core = {
	.name = NULL,
	.commands = core_commands,
	.matches = core_matches,
	.comparators = core_comparators,
	.addrparts = core_addrparts,
};

const struct sieve_extension_def *const sieve_extensions[] = {
	&sieve_ext_core,
	&sieve_ext_fileinto,
	&sieve_ext_envelope,
	&sieve_ext_encoded_character,
	&sieve_ext_copy,
	&sieve_ext_reject,
	&sieve_ext_ereject,
	&sieve_ext_variables,
	&sieve_ext_relational,
	&sieve_ext_body,
	&sieve_ext_comparator_numeric,
	&sieve_ext_subaddress,
	&sieve_ext_imap4flags,
	&sieve_ext_regex,
	&sieve_ext_enotify,
	&sieve_ext_vacation,
	&sieve_ext_vacation_seconds,
	&sieve_ext_duplicate,
	&sieve_ext_date,
	&sieve_ext_index,
	&sieve_ext_mailbox,
	&sieve_ext_ihave,
	&sieve_ext_environment,
	NULL
};

const struct sieve_extension_def *sieve_extension_find(const char *name)
{
	for (size_t i = 0; sieve_extensions[i]; i++)
		if (sieve_extensions[i]->name &&
		    strcmp(sieve_extensions[i]->name, name) == 0)
			return sieve_extensions[i];
	return NULL;
}

size_t sieve_extension_index(const struct sieve_extension_def *ext)
{
	for (size_t i = 0; sieve_extensions[i]; i++)
		if (sieve_extensions[i] == ext)
			return i;
	return 0;
}
