/*
 * codec.c: the byte-level decoders the message layer shares: base64
 * (RFC 2045 6.8, tolerant: characters outside the alphabet are skipped),
 * quoted-printable (RFC 2045 6.7 soft line breaks; RFC 2047 4.2 "Q" when
 * decoding a header word; invalid escapes kept as they are) and UTF-8
 * validation and repair (invalid sequences become U+FFFD).
 */
#include <stdint.h>
#include <string.h>

#include "message_int.h"

static int sv_b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

bool sv_base64_decode(struct sv_str *b, const char *in, size_t len)
{
	uint32_t acc = 0;
	int bits = 0;
	bool clean = true, padded = false;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		int v = sv_b64_value(c);
		if (v < 0) {
			if (c == '=')
				padded = true;
			else if (c != ' ' && c != '\t' && c != '\r' &&
				 c != '\n')
				clean = false;
			continue;
		}
		if (padded)
			clean = false;	/* data after padding */
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			sv_str_addc(b, (char)((acc >> bits) & 0xff));
		}
	}
	return clean;
}

static int sv_hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Length of a soft line break at in[i] ('=' then optional WSP, then CRLF
 * or LF), 0 when there is none. */
static size_t sv_qp_soft_break(const char *in, size_t i, size_t len)
{
	size_t j = i + 1;

	while (j < len && (in[j] == ' ' || in[j] == '\t'))
		j++;
	if (j < len && in[j] == '\r' && j + 1 < len && in[j + 1] == '\n')
		return j + 2 - i;
	if (j < len && in[j] == '\n')
		return j + 1 - i;
	if (j == len)
		return j - i;	/* "=" at the very end */
	return 0;
}

void sv_qp_decode(struct sv_str *b, const char *in, size_t len, bool header)
{
	for (size_t i = 0; i < len; i++) {
		size_t run = i;
		while (i < len && in[i] != '=' && !(header && in[i] == '_'))
			i++;
		sv_str_add(b, in + run, i - run);	/* literal text */
		if (i == len)
			break;
		if (in[i] == '_') {
			sv_str_addc(b, ' ');
			continue;
		}
		int hi = i + 1 < len ? sv_hex_value((unsigned char)in[i + 1]) : -1;
		int lo = i + 2 < len ? sv_hex_value((unsigned char)in[i + 2]) : -1;
		if (hi >= 0 && lo >= 0) {
			sv_str_addc(b, (char)(hi << 4 | lo));
			i += 2;
			continue;
		}
		size_t soft = header ? 0 : sv_qp_soft_break(in, i, len);
		if (soft > 0) {
			i += soft - 1;
			continue;
		}
		sv_str_addc(b, '=');	/* invalid escape: keep it */
	}
}

/* Length of the valid UTF-8 sequence at s (RFC 3629), 0 if invalid. */
static size_t sv_utf8_seq(const unsigned char *s, size_t len)
{
	unsigned char c = s[0];
	size_t n;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if (n > len)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;	/* overlong, out of range, surrogate */
	return n;
}

bool sv_utf8_valid(const char *in, size_t len)
{
	const unsigned char *s = (const unsigned char *)in;

	for (size_t i = 0; i < len;) {
		size_t n = sv_utf8_seq(s + i, len - i);
		if (n == 0)
			return false;
		i += n;
	}
	return true;
}

void sv_utf8_append(struct sv_str *b, const char *in, size_t len)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t run = 0;

	for (size_t i = 0; i < len;) {
		size_t n = sv_utf8_seq(s + i, len - i);
		if (n > 0) {
			i += n;
			continue;
		}
		sv_str_add(b, in + run, i - run);
		sv_str_add(b, "\xef\xbf\xbd", 3);
		i++;
		run = i;
	}
	sv_str_add(b, in + run, len - run);
}
