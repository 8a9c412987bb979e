/*
 * text.h: UTF-8 and plain-text helpers. Pure: no I/O.
 */
#ifndef CONFAB_TEXT_H
#define CONFAB_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Length of the valid UTF-8 sequence at s (1-4), or 0 when the bytes at s
 * do not start one (overlong forms, surrogates and values past U+10FFFF are
 * invalid). len is how many bytes are available.
 */
size_t text_utf8_seq(const char *s, size_t len, unsigned int *cp);

/* True when s[0..len) is valid UTF-8; *bad gets the offset of the first bad byte. */
bool text_utf8_valid(const char *s, size_t len, size_t *bad);

/* True when the line starts with prefix, ignoring ASCII case. */
bool text_has_prefix_ci(const char *s, const char *prefix);

/* Skip ASCII spaces and tabs. */
const char *text_skip_blanks(const char *s);

/* Columns a code point takes on a terminal: 0, 1 or 2. */
int text_cp_width(unsigned int cp);

/* Columns the UTF-8 text s[0..len) takes (invalid bytes count as one each). */
int text_width(const char *s, size_t len);

/* One display line of wrapped text: s[off, off + len). */
struct text_span {
	size_t off;
	size_t len;
};

/*
 * Word-wrap s[0..len) into lines of at most width columns: break after
 * blanks where possible, between characters where a word is too long, and at
 * every LF. Blanks at a break and the LF are left out of the spans. Returns
 * the number of lines; *spans is allocated (caller frees).
 */
size_t text_wrap(const char *s, size_t len, int width, struct text_span **spans);

#endif
