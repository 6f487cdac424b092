/*
 * rfc2047.c: decoding of RFC 2047 encoded-words in header values to
 * UTF-8.  "B" and "Q" encodings (section 4), an RFC 2231 section 5
 * language suffix ("charset*lang") is ignored, whitespace between two
 * adjacent encoded-words is dropped (section 6.2), and adjacent words in
 * the same charset are joined before conversion so a character split over
 * two words survives.  Broken words and unknown charsets stay as they
 * were; words glued to other text are decoded too, as most readers do.
 * The output is valid UTF-8 (raw 8-bit text is repaired with U+FFFD).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "message_int.h"

struct sv_word {
	char charset[64];
	struct sv_str bytes;	/* decoded octets, not yet converted */
};

/* Parse an encoded-word at in[0..len) (starts with "=?").  Returns its
 * length and fills w (charset, decoded bytes), or 0 if it is no word. */
static size_t sv_word_parse(const char *in, size_t len, struct sv_word *w)
{
	size_t i = 2, cs = 2, cse, te;

	while (i < len && in[i] != '?' && in[i] != ' ' && in[i] != '\t')
		i++;
	if (i + 3 >= len || in[i] != '?' || i == cs || i - cs >= 64)
		return 0;
	cse = i;
	char enc = in[i + 1];
	if (in[i + 2] != '?' || !strchr("BbQq", enc))
		return 0;
	size_t ts = i + 3;
	/* encoded text holds no "?" (RFC 2047 5(3)): the first one must
	 * end the word, which also keeps scanning linear */
	for (te = ts; te < len && in[te] != '?'; te++)
		if (in[te] == ' ' || in[te] == '\t' || in[te] == '\r' ||
		    in[te] == '\n')
			return 0;
	if (te + 1 >= len || in[te + 1] != '=')
		return 0;
	memcpy(w->charset, in + cs, cse - cs);
	w->charset[cse - cs] = '\0';
	char *star = strchr(w->charset, '*');
	if (star != NULL)
		*star = '\0';	/* RFC 2231: charset*language */
	if (enc == 'B' || enc == 'b') {
		if (!sv_base64_decode(&w->bytes, in + ts, te - ts))
			return 0;
	} else {
		sv_qp_decode(&w->bytes, in + ts, te - ts, true);
	}
	return te + 2;
}

/* Convert the pending word bytes and append them; false when the charset
 * is unknown (the caller then keeps the original text). */
static bool sv_word_flush(struct sv_str *out, struct sv_word *w)
{
	size_t n;
	char *u = sieve_charset_to_utf8(w->charset,
					w->bytes.s ? w->bytes.s : "",
					w->bytes.len, &n);
	if (u == NULL)
		return false;
	sv_str_add(out, u, n);
	free(u);
	sv_str_free(&w->bytes);
	return true;
}

struct sv_2047 {
	struct sv_str out;
	struct sv_word pend;	/* words waiting for conversion */
	const char *pend_src;	/* their source text, kept if unknown */
	size_t pend_len;
	size_t ws_start;	/* whitespace after the last word */
};

static void sv_2047_flush(struct sv_2047 *st)
{
	if (st->pend_src == NULL)
		return;
	if (!sv_word_flush(&st->out, &st->pend)) {
		sv_utf8_append(&st->out, st->pend_src, st->pend_len);
		sv_str_free(&st->pend.bytes);
	}
	st->pend_src = NULL;
}

/* A word at in+i (length n, decoded into w): queue it with its like. */
static void sv_2047_word(struct sv_2047 *st, const char *in, size_t i,
			 size_t n, struct sv_word *w)
{
	if (st->pend_src != NULL &&
	    strcasecmp(st->pend.charset, w->charset) == 0 &&
	    st->pend_src + st->pend_len <= in + i) {
		/* same charset: join bytes; source spans both words */
		sv_str_add(&st->pend.bytes, w->bytes.s, w->bytes.len);
		sv_str_free(&w->bytes);
		st->pend_len = (size_t)(in + i + n - st->pend_src);
		return;
	}
	sv_2047_flush(st);
	st->pend = *w;
	st->pend_src = in + i;
	st->pend_len = n;
}

char *sieve_rfc2047_decode(const char *in, size_t len)
{
	struct sv_2047 st = { 0 };
	size_t i = 0, text = 0;
	bool after_word = false;

	while (i < len) {
		struct sv_word w = { 0 };
		size_t n = 0;
		if (in[i] == '=' && i + 1 < len && in[i + 1] == '?')
			n = sv_word_parse(in + i, len - i, &w);
		if (n == 0) {
			sv_str_free(&w.bytes);
			bool ws = in[i] == ' ' || in[i] == '\t' ||
				  in[i] == '\r' || in[i] == '\n';
			if (!ws)
				after_word = false;
			i++;
			continue;
		}
		if (!after_word) {
			/* text before this word is kept; whitespace alone
			 * between two words is dropped */
			sv_2047_flush(&st);
			sv_utf8_append(&st.out, in + text, i - text);
		}
		sv_2047_word(&st, in, i, n, &w);
		i += n;
		text = i;
		after_word = true;
	}
	sv_2047_flush(&st);
	sv_utf8_append(&st.out, in + text, len - text);
	sv_str_add(&st.out, "", 0);
	return sv_str_steal(&st.out);
}
