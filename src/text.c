/* text.c: UTF-8 decoding and small string helpers. */
#include "common.h"

#include <strings.h>
#include <wchar.h>

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

int
text_cp_width(unsigned int cp)
{
	int w;

	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
		return 0;
	if (cp < 0x7f)
		return 1;
	w = wcwidth((wchar_t)cp);
	if (w >= 0)
		return w;
	/* Outside a UTF-8 locale wcwidth knows nothing: assume wide for CJK. */
	if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
	    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
	    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
	    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1faff) ||
	    (cp >= 0x20000 && cp <= 0x3fffd))
		return 2;
	return 1;
}

/* Width and length of the character at s; invalid bytes are one column, one byte. */
static size_t
text_char(const char *s, size_t len, int *w)
{
	unsigned int cp;
	size_t n = text_utf8_seq(s, len, &cp);

	if (n == 0) {
		*w = 1;
		return 1;
	}
	*w = text_cp_width(cp);
	return n;
}

int
text_width(const char *s, size_t len)
{
	size_t i = 0;
	int cols = 0, w;

	while (i < len) {
		i += text_char(s + i, len - i, &w);
		cols += w;
	}
	return cols;
}

static void
text_push_span(struct text_span **spans, size_t *n, size_t off, size_t len)
{
	*spans = xreallocarray(*spans, *n + 1, sizeof **spans);
	(*spans)[*n].off = off;
	(*spans)[*n].len = len;
	(*n)++;
}

size_t
text_wrap(const char *s, size_t len, int width, struct text_span **spans)
{
	size_t n = 0, start = 0, i = 0, brk = 0, clen;
	int col = 0, w;

	*spans = NULL;
	if (width < 1)
		width = 1;
	while (i < len) {
		if (s[i] == '\n') {
			text_push_span(spans, &n, start, i - start);
			start = ++i;
			col = 0;
			brk = 0;
			continue;
		}
		clen = text_char(s + i, len - i, &w);
		if (s[i] == ' ' || s[i] == '\t')
			brk = i;	/* the line may end before this blank */
		if (col + w > width && i > start) {
			size_t end = brk > start ? brk : i, next = end;

			while (next < len && (s[next] == ' ' || s[next] == '\t'))
				next++;
			while (end > start && (s[end - 1] == ' ' || s[end - 1] == '\t'))
				end--;
			text_push_span(spans, &n, start, end - start);
			start = i = next;
			col = 0;
			brk = 0;
			continue;
		}
		col += w;
		i += clen;
	}
	if (start < len || n == 0)
		text_push_span(spans, &n, start, len - start);
	return n;
}
