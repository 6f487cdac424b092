/*
 * charset.c: conversion of a MIME charset (RFC 2046 4.1.2, RFC 2978
 * names) to UTF-8 with glibc iconv.  us-ascii and utf-8 take a fast path
 * that only repairs invalid UTF-8; everything else goes through iconv,
 * invalid input sequences becoming U+FFFD.  No iconv_t is cached: a
 * descriptor carries shift state and is not thread-safe, and glibc
 * already caches the conversion modules.  Unknown charsets give NULL.
 */
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "message_int.h"

#define SV_CHARSET_MAX 64

/* A name iconv may see: token characters only, so nothing like
 * "UTF-8//IGNORE" can change the conversion's behaviour. */
static bool sv_charset_name_ok(const char *cs)
{
	size_t n = strlen(cs);

	if (n == 0 || n >= SV_CHARSET_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)cs[i];
		if (!isalnum(c) && c != '-' && c != '_' && c != '.' &&
		    c != ':' && c != '+')
			return false;
	}
	return true;
}

static bool sv_charset_is_utf8ish(const char *cs)
{
	static const char *const names[] = {
		"utf-8", "utf8", "us-ascii", "ascii", "ansi_x3.4-1968",
		"iso646-us", "us", "7bit", "8bit", "unknown-8bit", "x-unknown",
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(cs, names[i]) == 0)
			return true;
	return false;
}

/* Run cd over in, appending to b; invalid input becomes U+FFFD. */
static void sv_iconv_run(iconv_t cd, struct sv_str *b, const char *in,
			 size_t len)
{
	char buf[4096];
	char *ip = (char *)in;
	size_t il = len;

	while (il > 0) {
		char *op = buf;
		size_t ol = sizeof(buf);
		size_t r = iconv(cd, &ip, &il, &op, &ol);
		sv_str_add(b, buf, sizeof(buf) - ol);
		if (r != (size_t)-1 || errno == E2BIG)
			continue;
		sv_str_add(b, "\xef\xbf\xbd", 3);
		if (errno == EINVAL)
			break;	/* truncated sequence at the end */
		ip++;
		il--;
		iconv(cd, NULL, NULL, NULL, NULL);
	}
	char *op = buf;
	size_t ol = sizeof(buf);
	iconv(cd, NULL, NULL, &op, &ol);	/* flush shift state */
	sv_str_add(b, buf, sizeof(buf) - ol);
}

char *sieve_charset_to_utf8(const char *charset, const char *in, size_t len,
			    size_t *len_r)
{
	struct sv_str b = { 0 };
	char name[SV_CHARSET_MAX];
	iconv_t cd;

	if (charset == NULL || !sv_charset_name_ok(charset))
		return NULL;
	if (sv_charset_is_utf8ish(charset)) {
		sv_utf8_append(&b, in, len);
	} else {
		/* latin-1 labels are windows-1252 in practice (WHATWG) */
		if (strcasecmp(charset, "iso-8859-1") == 0 ||
		    strcasecmp(charset, "latin1") == 0)
			charset = "WINDOWS-1252";
		strcpy(name, charset);
		cd = iconv_open("UTF-8", name);
		if (cd == (iconv_t)-1)
			return NULL;
		sv_iconv_run(cd, &b, in, len);
		iconv_close(cd);
	}
	sv_str_add(&b, "", 0);
	if (len_r != NULL)
		*len_r = b.len;
	return sv_str_steal(&b);
}
