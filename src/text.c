/* text.c: UTF-8 decoding and small string helpers. */
#include "common.h"
#include "caps.h"

#include <strings.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <utf8proc.h>

#include "text.h"

size_t
text_utf8_seq(const char *str, size_t len, unsigned int *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned int c, min;
	size_t n, i;

	if (len == 0)
		return 0;
	c = s[0];
	if (c < 0x80) {
		n = 1;
		min = 0;
	} else if ((c & 0xe0) == 0xc0) {
		n = 2;
		c &= 0x1f;
		min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3;
		c &= 0x0f;
		min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4;
		c &= 0x07;
		min = 0x10000;
	} else
		return 0;
	if (n > len)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	if (cp != NULL)
		*cp = c;
	return n;
}

bool
text_utf8_valid(const char *s, size_t len, size_t *bad)
{
	size_t i = 0, n;

	while (i < len) {
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		n = text_utf8_seq(s + i, len - i, NULL);
		if (n == 0) {
			if (bad != NULL)
				*bad = i;
			return false;
		}
		i += n;
	}
	return true;
}

bool
text_has_prefix_ci(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

const char *
text_skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/*
 * Widths and grapheme clusters come from utf8proc (Unicode 15), never from
 * the C library: they do not depend on the locale and are the same for the
 * answers, the input box, line mode and tables.
 */
int
text_cp_width(unsigned int cp)
{
	int w;

	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
		return 0;
	if (cp < 0x7f)
		return 1;
	if (cp > 0x10ffff)
		return 1;
	w = utf8proc_charwidth((utf8proc_int32_t)cp);
	return w < 0 ? 1 : w > 2 ? 2 : w;
}

static bool
text_regional(unsigned int cp)
{
	return cp >= 0x1f1e6 && cp <= 0x1f1ff;
}

bool
text_emoji_modifier(unsigned int cp)
{
	return cp >= 0x1f3fb && cp <= 0x1f3ff;
}

/*
 * Columns the code point cp adds inside a cluster, after prev: none after a
 * ZWJ or for a second regional indicator (the pair takes 2), an emoji
 * modifier its own 2 (terminals of the tmux 3.3 kind draw it as a cell of
 * its own), every other character in a cluster none.
 */
static int
text_cluster_adds(unsigned int prev, unsigned int cp, int nri)
{
	if (prev == 0x200d)
		return 0;
	if (text_regional(cp) && nri == 1)
		return 1;
	if (text_emoji_modifier(cp))
		return 2;
	return 0;
}

size_t
text_cluster(const char *s, size_t len, int *w, unsigned int *first)
{
	utf8proc_int32_t state = 0;
	unsigned int cp, prev;
	size_t i, n;
	int nri;

	if (len == 0) {
		*w = 0;
		*first = 0;
		return 0;
	}
	if ((unsigned char)s[0] < 0x80 && (len == 1 || (unsigned char)s[1] < 0x80)) {
		*first = (unsigned char)s[0];
		*w = text_cp_width(*first);
		return 1;
	}
	n = text_utf8_seq(s, len, &cp);
	if (n == 0) {
		*first = 0xfffd;
		*w = 1;
		return 1;
	}
	*first = cp;
	*w = text_cp_width(cp);
	nri = text_regional(cp) ? 1 : 0;
	if (cp < 0x20 || cp == 0x7f)
		return n;
	for (i = n, prev = cp; i < len; i += n, prev = cp) {
		n = text_utf8_seq(s + i, len - i, &cp);
		if (n == 0 || cp < 0x20 || cp == 0x7f ||
		    utf8proc_grapheme_break_stateful((utf8proc_int32_t)prev, (utf8proc_int32_t)cp,
			&state))
			break;
		*w += text_cluster_adds(prev, cp, nri);
		if (text_regional(cp))
			nri++;
	}
	return i;
}

int
text_width(const char *s, size_t len)
{
	size_t i = 0;
	unsigned int cp;
	int cols = 0, w;

	while (i < len) {
		i += text_cluster(s + i, len - i, &w, &cp);
		cols += w;
	}
	return cols;
}

size_t
text_fit(const char *s, size_t len, int cols, int *used)
{
	size_t i = 0, n;
	unsigned int cp;
	int col = 0, w;

	while (i < len) {
		n = text_cluster(s + i, len - i, &w, &cp);
		if (col + w > cols)
			break;
		col += w;
		i += n;
	}
	if (used != NULL)
		*used = col;
	return i;
}

bool
text_cjk(unsigned int cp)
{
	return (cp >= 0x2e80 && cp <= 0x9fff) || (cp >= 0xf900 && cp <= 0xfaff) ||
	    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
	    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x20000 && cp <= 0x3fffd);
}

/* True for punctuation a line must not start with. */
static bool
text_no_start(unsigned int cp)
{
	static const unsigned int list[] = {
		0x3001,
		0x3002,
		0xff0c,
		0xff0e,
		0xff1a,
		0xff1b,
		0xff01,
		0xff1f,
		0xff09,
		0x3009,
		0x300b,
		0x300d,
		0x300f,
		0x3011,
		0x3015,
		0xff5d,
		0x30fb,
		0x30fc,
		0x2019,
		0x201d,
		0x2026,
	};
	size_t i;

	if (cp < 0x80)
		return cp != 0 && strchr("!),.:;?]}%'\"", (int)cp) != NULL;
	for (i = 0; i < nitems(list); i++) {
		if (list[i] == cp)
			return true;
	}
	return false;
}

/* True for punctuation a line must not end with. */
static bool
text_no_end(unsigned int cp)
{
	return cp == 0xff08 || cp == 0x3008 || cp == 0x300a || cp == 0x300c || cp == 0x300e ||
	    cp == 0x3010 || cp == 0x3014 || cp == 0xff5b || cp == 0x2018 || cp == 0x201c ||
	    (cp < 0x80 && cp != 0 && strchr("([{", (int)cp) != NULL);
}

/* True when a line may break between characters prev and cp (CJK text). */
static bool
text_cjk_break(unsigned int prev, unsigned int cp)
{
	if (prev == 0 || (!text_cjk(cp) && !text_cjk(prev)))
		return false;
	return !text_no_end(prev) && !text_no_start(cp);
}

int
text_digit(const char *s, size_t len, size_t *n)
{
	unsigned int cp;

	*n = text_utf8_seq(s, len, &cp);
	if (*n == 0) {
		*n = len > 0 ? 1 : 0;
		return -1;
	}
	if (cp >= '0' && cp <= '9')
		return (int)(cp - '0');
	if (cp >= 0xff10 && cp <= 0xff19)
		return (int)(cp - 0xff10);
	return -1;
}

/* CJK punctuation and full-width symbols: no word of their own. */
static bool
text_cjk_punct(unsigned int cp)
{
	return (cp >= 0x3000 && cp <= 0x303f) || (cp >= 0xfe30 && cp <= 0xfe4f) ||
	    (cp >= 0xff01 && cp <= 0xff0f) || (cp >= 0xff1a && cp <= 0xff20) ||
	    (cp >= 0xff3b && cp <= 0xff40) || (cp >= 0xff5b && cp <= 0xff65);
}

size_t
text_words(const char *s, size_t len, size_t *cjk)
{
	size_t n = 0, i = 0, k;
	unsigned int cp;
	bool in = false;

	*cjk = 0;
	while (i < len) {
		if ((k = text_utf8_seq(s + i, len - i, &cp)) == 0) {
			k = 1;
			cp = 0xfffd;
		}
		i += k;
		if (cp == ' ' || cp == '\n' || cp == '\t' || cp == 0x3000 || text_cjk_punct(cp)) {
			in = false;
		} else if (text_cjk(cp)) {
			n++; /* each CJK character is a word */
			(*cjk)++;
			in = false;
		} else {
			if (!in)
				n++;
			in = true;
		}
	}
	return n;
}

bool
text_blank_only(const char *s, size_t len)
{
	size_t i = 0, k;
	unsigned int cp;

	while (i < len) {
		if ((k = text_utf8_seq(s + i, len - i, &cp)) == 0)
			return false;
		if (cp != '\t' && cp != '\n' && cp != '\r' &&
		    utf8proc_category((utf8proc_int32_t)cp) != UTF8PROC_CATEGORY_ZS)
			return false;
		i += k;
	}
	return true;
}

bool
text_fullwidth_slash(const char *s)
{
	return strncmp(s, "\xef\xbc\x8f", 3) == 0 &&
	    ((s[3] >= 'a' && s[3] <= 'z') || (s[3] >= 'A' && s[3] <= 'Z'));
}

static void
text_push_span(struct text_span **spans, size_t *n, size_t off, size_t len)
{
	*spans = xreallocarray(*spans, *n + 1, sizeof **spans);
	(*spans)[*n].off = off;
	(*spans)[*n].len = len;
	(*n)++;
}

static bool
text_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* End the line s[start, end) (less its trailing blanks); returns where the next starts. */
static size_t
text_wrap_line(const char *s, size_t len, size_t start, size_t end, struct text_span **spans,
    size_t *n)
{
	size_t next = end;

	while (next < len && text_blank(s[next]))
		next++;
	while (end > start && text_blank(s[end - 1]))
		end--;
	text_push_span(spans, n, start, end - start);
	return next;
}

size_t
text_wrap(const char *s, size_t len, int width, struct text_span **spans)
{
	size_t n = 0, start = 0, i = 0, brk = 0, cl;
	unsigned int cp, prev = 0;
	bool havebrk = false;
	int col = 0, w;

	*spans = NULL;
	if (width < 1)
		width = 1;
	while (i < len) {
		if (s[i] == '\n') {
			(void)text_wrap_line(s, len, start, i, spans, &n);
			start = ++i;
			col = 0;
			havebrk = false;
			prev = 0;
			continue;
		}
		cl = text_cluster(s + i, len - i, &w, &cp);
		if (text_blank(s[i])) {
			if (i > start && !text_blank(s[i - 1])) {
				brk = i;
				havebrk = true;
			}
		} else if (i > start && text_cjk_break(prev, cp)) {
			brk = i;
			havebrk = true;
		}
		if (col + w > width && i > start && !text_blank(s[i])) {
			start = i = text_wrap_line(s, len, start, havebrk ? brk : i, spans, &n);
			col = 0;
			havebrk = false;
			prev = 0;
			continue;
		}
		col += w;
		i += cl;
		prev = cp;
	}
	if (start < len || n == 0) {
		size_t end = len;

		while (end > start && text_blank(s[end - 1]))
			end--;
		text_push_span(spans, &n, start, end - start);
	}
	return n;
}

/* ---- sanitising untrusted text --------------------------------------------- */

/* Bytes one escape sequence may swallow before it is given up (see text.h). */

static const char text_fffd[] = "\xef\xbf\xbd";

/* Sanitiser states; all but SAN_GROUND are inside an escape sequence (TEXT_DROP only). */
enum {
	SAN_GROUND,
	SAN_ESC,       /* after ESC */
	SAN_ESC_INTER, /* ESC and intermediate bytes, before the final byte */
	SAN_CSI,       /* CSI: parameter and intermediate bytes, before the final byte */
	SAN_OSC,       /* OSC: up to BEL or ST */
	SAN_OSC_C2,    /* OSC after 0xc2: U+009C (ST) may follow */
	SAN_STR,       /* DCS, SOS, PM, APC: up to ST */
	SAN_STR_C2,    /* DCS, SOS, PM, APC after 0xc2 */
	SAN_STR_ESC,   /* ESC inside OSC, DCS, SOS, PM or APC: ST if '\' follows */
};

/*
 * Length of the UTF-8 sequence lead byte c starts (2-4), or 0 when c cannot
 * lead one; *lo and *hi get the range allowed for the second byte, which
 * rules out overlong forms, surrogates and values past U+10FFFF.
 */
static size_t
text_utf8_lead(unsigned char c, unsigned char *lo, unsigned char *hi)
{
	*lo = 0x80;
	*hi = 0xbf;
	if (c >= 0xc2 && c <= 0xdf)
		return 2;
	if (c >= 0xe0 && c <= 0xef) {
		if (c == 0xe0)
			*lo = 0xa0;
		else if (c == 0xed)
			*hi = 0x9f;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if (c == 0xf0)
			*lo = 0x90;
		else if (c == 0xf4)
			*hi = 0x8f;
		return 4;
	}
	return 0;
}

/*
 * Bytes of the longest prefix of s[0..len) that could start a valid UTF-8
 * character (at least 1); *cp gets the character when the prefix is a whole
 * one of *need bytes.
 */
static size_t
text_utf8_prefix(const unsigned char *s, size_t len, size_t *need, unsigned int *cp)
{
	unsigned char lo, hi;
	unsigned int c;
	size_t n = text_utf8_lead(s[0], &lo, &hi), i;

	*need = n;
	if (n == 0)
		return 1;
	c = s[0] & (0xff >> (n + 1));
	for (i = 1; i < n && i < len; i++) {
		if (s[i] < lo || s[i] > hi)
			break;
		c = (c << 6) | (s[i] & 0x3f);
		lo = 0x80;
		hi = 0xbf;
	}
	*cp = c;
	return i;
}

bool
text_cp_unsafe(unsigned int cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x061c || cp == 0x200e ||
	    cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
	    (cp >= 0xe0000 && cp <= 0xe007f);
}

bool
text_cp_hidden(unsigned int cp)
{
	return text_cp_unsafe(cp) || (cp >= 0x200b && cp <= 0x200d) || cp == 0x2028 ||
	    cp == 0x2029 || cp == 0xfeff;
}

/*
 * Are the eight bytes at s all printable ASCII (0x20..0x7e)? With no high
 * bit set no byte carries into the next: b + 1 sets it only for 0x7f, and
 * b + 0x60 sets it exactly when b >= 0x20.
 */
static inline bool
text_printable8(const unsigned char *s)
{
	uint64_t w;

	memcpy(&w, s, 8);
	return ((w | (w + 0x0101010101010101ULL)) & 0x8080808080808080ULL) == 0 &&
	    ((w + 0x6060606060606060ULL) & 0x8080808080808080ULL) == 0x8080808080808080ULL;
}

/* Length of the run at s[0..len) that passes unchanged: printable ASCII, LF, TAB, safe UTF-8. */
static size_t
text_safe_run(const unsigned char *s, size_t len)
{
	size_t i = 0, n, need;
	unsigned int cp;

	while (i < len) {
		while (i + 8 <= len && text_printable8(s + i))
			i += 8;
		if (i == len)
			break;
		if ((s[i] >= 0x20 && s[i] < 0x7f) || s[i] == '\n' || s[i] == '\t') {
			i++;
			continue;
		}
		if (s[i] < 0x80)
			break;
		n = text_utf8_prefix(s + i, len - i, &need, &cp);
		if (n != need || text_cp_unsafe(cp))
			break;
		i += n;
	}
	return i;
}

bool
text_is_safe(const char *s, size_t len)
{
	return text_safe_run((const unsigned char *)s, len) == len;
}

void
text_sanitizer_init(struct text_sanitizer *s, enum text_mode mode)
{
	memset(s, 0, sizeof *s);
	s->mode = mode;
	s->state = SAN_GROUND;
}

/* Show code point cp as "<U+XXXX>". */
static void
text_san_codepoint(unsigned int cp, struct buf *out)
{
	char tmp[16];
	int n = snprintf(tmp, sizeof tmp, "<U+%04X>", cp);

	(void)buf_add(out, tmp, (size_t)n);
}

/* A C1 control in UTF-8 (n bytes): an introducer starts a sequence in TEXT_DROP. */
static void
text_san_c1(struct text_sanitizer *s, unsigned int cp, size_t n, struct buf *out)
{
	if (s->mode == TEXT_VISIBLE) {
		text_san_codepoint(cp, out);
		return;
	}
	switch (cp) {
	case 0x9b:
		s->state = SAN_CSI;
		break;
	case 0x9d:
		s->state = SAN_OSC;
		break;
	case 0x90: /* DCS */
	case 0x98: /* SOS */
	case 0x9e: /* PM */
	case 0x9f: /* APC */
		s->state = SAN_STR;
		break;
	default:
		return;
	}
	s->seq_len = n;
}

/* Byte c continues the pending UTF-8 character; false when c must be read again. */
static bool
text_san_utf8(struct text_sanitizer *s, unsigned char c, struct buf *out)
{
	size_t n, need;
	unsigned int cp;

	s->pending[s->npending++] = c;
	n = text_utf8_prefix(s->pending, s->npending, &need, &cp);
	if (n < s->npending) {
		/* c breaks the character: what came before is one U+FFFD */
		s->npending = 0;
		(void)buf_add(out, text_fffd, 3);
		return false;
	}
	if (n < need)
		return true;
	s->npending = 0;
	if (cp <= 0x9f)
		text_san_c1(s, cp, n, out);
	else if (!text_cp_unsafe(cp))
		(void)buf_add(out, s->pending, n);
	else if (s->mode == TEXT_VISIBLE)
		text_san_codepoint(cp, out);
	return true;
}

/* Byte c outside escape sequences; false when c must be read again. */
static bool
text_san_ground(struct text_sanitizer *s, unsigned char c, struct buf *out)
{
	unsigned char lo, hi;
	char vis[2];

	if (s->pending_cr) {
		s->pending_cr = 0;
		if (c == '\n') {
			(void)buf_addc(out, '\n');
			return true;
		}
		if (s->mode == TEXT_VISIBLE)
			(void)buf_add(out, "^M", 2);
	}
	if (s->npending != 0)
		return text_san_utf8(s, c, out);
	if ((c >= 0x20 && c < 0x7f) || c == '\n' || c == '\t')
		(void)buf_addc(out, (char)c);
	else if (c == '\r')
		s->pending_cr = 1;
	else if (c == 0x1b && s->mode == TEXT_DROP) {
		s->state = SAN_ESC;
		s->seq_len = 1;
	} else if (c < 0x80) {
		if (s->mode == TEXT_VISIBLE) {
			vis[0] = '^';
			vis[1] = (char)(c ^ 0x40); /* ESC "^[", DEL "^?" */
			(void)buf_add(out, vis, 2);
		}
	} else if (text_utf8_lead(c, &lo, &hi) != 0) {
		s->pending[0] = c;
		s->npending = 1;
	} else
		(void)buf_add(out, text_fffd, 3); /* stray bytes, raw 0x80..0x9f too */
	return true;
}

/* Byte c inside an escape sequence (TEXT_DROP); false when c must be read again as text. */
static bool
text_san_seq(struct text_sanitizer *s, unsigned char c)
{
	int st = s->state, next = st;

	if (s->seq_len >= TEXT_SEQ_MAX) {
		/* a runaway sequence: give it up, what follows is text again */
		s->state = SAN_GROUND;
		return false;
	}
	switch (st) {
	case SAN_ESC:
	case SAN_ESC_INTER:
		if (st == SAN_ESC && c == '[')
			next = SAN_CSI;
		else if (st == SAN_ESC && c == ']')
			next = SAN_OSC;
		else if (st == SAN_ESC && (c == 'P' || c == 'X' || c == '^' || c == '_'))
			next = SAN_STR;
		else if (c >= 0x20 && c <= 0x2f)
			next = SAN_ESC_INTER;
		else if (c >= 0x30 && c <= 0x7e)
			next = SAN_GROUND;
		else {
			s->state = SAN_GROUND;
			return false;
		}
		break;
	case SAN_CSI:
		if (c >= 0x40 && c <= 0x7e)
			next = SAN_GROUND;
		else if (c < 0x20 || c > 0x3f) {
			s->state = SAN_GROUND;
			return false;
		}
		break;
	case SAN_OSC:
	case SAN_STR:
		if (c == 0x1b)
			next = SAN_STR_ESC;
		else if (c == 0x07 && st == SAN_OSC)
			next = SAN_GROUND;
		else if (c == 0xc2)
			next = st == SAN_OSC ? SAN_OSC_C2 : SAN_STR_C2;
		else if (c == 0x18 || c == 0x1a) { /* CAN and SUB cancel a sequence */
			s->state = SAN_GROUND;
			return false;
		}
		break;
	case SAN_OSC_C2:
	case SAN_STR_C2:
		if (c == 0x9c)
			next = SAN_GROUND; /* U+009C, ST */
		else {
			s->state = st == SAN_OSC_C2 ? SAN_OSC : SAN_STR;
			return false;
		}
		break;
	case SAN_STR_ESC:
		if (c == '\\')
			next = SAN_GROUND;
		else {
			/* the string is cut short; this ESC starts a new sequence */
			s->state = SAN_ESC;
			s->seq_len = 1;
			return false;
		}
		break;
	}
	s->state = next;
	s->seq_len++;
	return true;
}

void
text_sanitize(struct text_sanitizer *s, const char *in, size_t len, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t i = 0, n;
	bool used;

	while (i < len) {
		if (s->state == SAN_GROUND && s->npending == 0 && !s->pending_cr) {
			n = text_safe_run(p + i, len - i);
			if (n != 0) {
				(void)buf_add(out, p + i, n);
				i += n;
				continue;
			}
		}
		if (s->state == SAN_GROUND)
			used = text_san_ground(s, p[i], out);
		else
			used = text_san_seq(s, p[i]);
		if (used)
			i++;
	}
}

void
text_sanitize_finish(struct text_sanitizer *s, struct buf *out)
{
	if (s->pending_cr && s->mode == TEXT_VISIBLE)
		(void)buf_add(out, "^M", 2);
	if (s->npending != 0)
		(void)buf_add(out, text_fffd, 3);
	/* an unfinished escape sequence is dropped */
	text_sanitizer_init(s, s->mode);
}

char *
text_clean_str(const char *s, size_t len, enum text_mode mode, int flags, size_t *outlen)
{
	struct text_sanitizer san;
	struct buf b;
	size_t i;

	buf_init(&b, 0);
	text_sanitizer_init(&san, mode);
	if (s != NULL)
		text_sanitize(&san, s, len, &b);
	text_sanitize_finish(&san, &b);
	for (i = 0; flags != 0 && i < b.len; i++) {
		if (((flags & TEXT_CLEAN_TABS) && b.data[i] == '\t') ||
		    ((flags & TEXT_CLEAN_LINES) && (b.data[i] == '\n' || b.data[i] == '\r')))
			b.data[i] = ' ';
	}
	return buf_detach(&b, outlen);
}

int
text_utf8_repair(const char *str, size_t len, struct buf *out, size_t *bad)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, start = 0, n, need, count = 0;
	unsigned int cp;
	uint64_t w;

	while (i < len) {
		if (s[i] < 0x80) {
			/* ASCII runs, sixteen (SSE2) or eight bytes at a time */
#ifdef __SSE2__
			while (i + 16 <= len &&
			    _mm_movemask_epi8(
				_mm_loadu_si128((const __m128i *)(const void *)(s + i))) == 0)
				i += 16;
#endif
			while (i + 8 <= len &&
			    (memcpy(&w, s + i, 8), (w & 0x8080808080808080ULL) == 0))
				i += 8;
			if (i < len && s[i] < 0x80)
				i++;
			continue;
		}
		n = text_utf8_prefix(s + i, len - i, &need, &cp);
		if (n == need) {
			i += n;
			continue;
		}
		if (bad != NULL)
			*bad = count + 1;
		if (buf_add(out, s + start, i - start) != 0 || buf_add(out, text_fffd, 3) != 0)
			return -1;
		count++;
		i += n;
		start = i;
	}
	if (bad != NULL)
		*bad = count;
	return buf_add(out, s + start, i - start);
}
