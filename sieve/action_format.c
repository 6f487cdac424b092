/*
 * action_format.c: the two printed forms of an action, for `siren test`:
 * one human line in Sieve syntax (strings quoted with Sieve escaping,
 * \ and " backslashed) and one JSON object, escaped by hand (sieve/ links
 * no JSON library).  Fields per type are listed in README.md.
 */
#include <stdio.h>

#include "sieve-private.h"

void sieve_quote(struct sv_str *out, const char *s)
{
	sv_str_addc(out, '"');
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			sv_str_addc(out, '\\');
		sv_str_addc(out, *s);
	}
	sv_str_addc(out, '"');
}

static void quote_list(struct sv_str *out, const char *const *v, size_t n)
{
	if (n == 1) {
		sieve_quote(out, v[0]);
		return;
	}
	sv_str_addc(out, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			sv_str_adds(out, ", ");
		sieve_quote(out, v[i]);
	}
	sv_str_addc(out, ']');
}

static void opt_string(struct sv_str *b, const char *tag, const char *v)
{
	if (v == NULL)
		return;
	sv_str_printf(b, " :%s ", tag);
	sieve_quote(b, v);
}

static void format_vacation(struct sv_str *b, const struct sieve_action *a)
{
	sv_str_adds(b, "vacation");
	opt_string(b, "to", a->to);
	opt_string(b, "from", a->from);
	opt_string(b, "subject", a->subject);
	opt_string(b, "handle", a->handle);
	if (a->naddresses) {
		sv_str_adds(b, " :addresses ");
		quote_list(b, a->addresses, a->naddresses);
	}
	sv_str_printf(b, " :seconds %lu", a->seconds);
	if (a->mime)
		sv_str_adds(b, " :mime");
	sv_str_addc(b, ' ');
	sieve_quote(b, a->reason);
}

static void format_notify(struct sv_str *b, const struct sieve_action *a)
{
	sv_str_adds(b, "notify");
	opt_string(b, "from", a->notify_from);
	sv_str_printf(b, " :importance \"%d\"", a->importance);
	if (a->noptions) {
		sv_str_adds(b, " :options ");
		quote_list(b, a->options, a->noptions);
	}
	opt_string(b, "message", a->message);
	sv_str_addc(b, ' ');
	sieve_quote(b, a->method);
}

char *sieve_action_format(const struct sieve_action *a)
{
	struct sv_str b = { 0 };
	switch (a->type) {
	case SIEVE_ACT_KEEP:
		sv_str_adds(&b, "keep");
		break;
	case SIEVE_ACT_FILEINTO:
		sv_str_adds(&b, "fileinto ");
		sieve_quote(&b, a->mailbox);
		break;
	case SIEVE_ACT_REDIRECT:
		sv_str_adds(&b, "redirect ");
		sieve_quote(&b, a->address);
		break;
	case SIEVE_ACT_DISCARD:
		sv_str_adds(&b, "discard");
		break;
	case SIEVE_ACT_REJECT:
	case SIEVE_ACT_EREJECT:
		sv_str_adds(&b, a->type == SIEVE_ACT_REJECT ? "reject " :
			    "ereject ");
		sieve_quote(&b, a->reason);
		break;
	case SIEVE_ACT_VACATION:
		format_vacation(&b, a);
		break;
	case SIEVE_ACT_NOTIFY:
		format_notify(&b, a);
		break;
	}
	if (a->copy)
		sv_str_adds(&b, " :copy");
	if (a->create)
		sv_str_adds(&b, " :create");
	if (a->nflags) {
		sv_str_adds(&b, " :flags ");
		quote_list(&b, a->flags, a->nflags);
	}
	return sv_str_steal(&b);
}

/* ---- JSON ------------------------------------------------------------- */

static void json_string(struct sv_str *b, const char *s)
{
	if (s == NULL) {
		sv_str_adds(b, "null");
		return;
	}
	sv_str_addc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': sv_str_adds(b, "\\\""); break;
		case '\\': sv_str_adds(b, "\\\\"); break;
		case '\n': sv_str_adds(b, "\\n"); break;
		case '\r': sv_str_adds(b, "\\r"); break;
		case '\t': sv_str_adds(b, "\\t"); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				sv_str_printf(b, "\\u%04x", *p);
			else
				sv_str_addc(b, (char)*p);
		}
	}
	sv_str_addc(b, '"');
}

static void json_key(struct sv_str *b, const char *key)
{
	sv_str_adds(b, ", ");
	json_string(b, key);
	sv_str_adds(b, ": ");
}

static void json_strfield(struct sv_str *b, const char *key, const char *v)
{
	json_key(b, key);
	json_string(b, v);
}

static void json_boolfield(struct sv_str *b, const char *key, bool v)
{
	json_key(b, key);
	sv_str_adds(b, v ? "true" : "false");
}

static void json_array(struct sv_str *b, const char *key,
		       const char *const *v, size_t n)
{
	json_key(b, key);
	sv_str_addc(b, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			sv_str_adds(b, ", ");
		json_string(b, v[i]);
	}
	sv_str_addc(b, ']');
}

static void json_fields(struct sv_str *b, const struct sieve_action *a)
{
	switch (a->type) {
	case SIEVE_ACT_KEEP:
		json_array(b, "flags", a->flags, a->nflags);
		json_boolfield(b, "implicit", a->implicit);
		break;
	case SIEVE_ACT_FILEINTO:
		json_strfield(b, "mailbox", a->mailbox);
		json_array(b, "flags", a->flags, a->nflags);
		json_boolfield(b, "copy", a->copy);
		json_boolfield(b, "create", a->create);
		break;
	case SIEVE_ACT_REDIRECT:
		json_strfield(b, "address", a->address);
		json_boolfield(b, "copy", a->copy);
		break;
	case SIEVE_ACT_DISCARD:
		break;
	case SIEVE_ACT_REJECT:
	case SIEVE_ACT_EREJECT:
		json_strfield(b, "reason", a->reason);
		break;
	case SIEVE_ACT_VACATION:
		json_strfield(b, "to", a->to);
		json_strfield(b, "from", a->from);
		json_strfield(b, "subject", a->subject);
		json_strfield(b, "reason", a->reason);
		json_key(b, "seconds");
		sv_str_printf(b, "%lu", a->seconds);
		json_boolfield(b, "mime", a->mime);
		json_strfield(b, "handle", a->handle);
		json_array(b, "addresses", a->addresses, a->naddresses);
		break;
	case SIEVE_ACT_NOTIFY:
		json_strfield(b, "method", a->method);
		json_strfield(b, "from", a->notify_from);
		json_key(b, "importance");
		sv_str_printf(b, "%d", a->importance);
		json_array(b, "options", a->options, a->noptions);
		json_strfield(b, "message", a->message);
		break;
	}
}

char *sieve_action_json(const struct sieve_action *a)
{
	static const char *const names[] = {
		"keep", "fileinto", "redirect", "discard", "reject",
		"ereject", "vacation", "notify",
	};
	struct sv_str b = { 0 };
	sv_str_adds(&b, "{\"type\": ");
	json_string(&b, names[a->type]);
	json_fields(&b, a);
	sv_str_printf(&b, ", \"line\": %u}", a->line);
	return sv_str_steal(&b);
}
