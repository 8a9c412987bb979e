/*
 * text.h: UTF-8 and plain-text helpers. Pure: no I/O.
 */
#ifndef CONFAB_TEXT_H
#define CONFAB_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

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

/* ---- sanitising untrusted text (model output) ------------------------------ */

/*
 * How text_sanitize treats what must not reach a terminal: escape sequences
 * (CSI, OSC, DCS, SOS, PM, APC and two-byte ESC sequences, each dropped whole,
 * including their parameters and terminators), other C0 controls except LF
 * and TAB, DEL, C1 controls (as raw bytes and as UTF-8 U+0080..U+009F), a CR
 * not followed by LF (a CRLF becomes LF), backspace, bidirectional controls
 * (U+202A..U+202E, U+2066..U+2069, U+200E, U+200F, U+061C) and tag characters
 * (U+E0000..U+E007F), and invalid UTF-8.
 */
enum text_mode {
	TEXT_DROP,	/* drop them (one-shot output to stdout); invalid UTF-8 becomes U+FFFD */
	TEXT_VISIBLE,	/* show them: ESC as "^[", C0 as "^X", DEL "^?", others as "<U+202E>" */
};

/*
 * Streaming sanitiser state: text may be fed in pieces split anywhere,
 * inside an escape sequence, a CRLF or a UTF-8 character.
 */
struct text_sanitizer {
	enum text_mode mode;
	int state;		/* private */
	unsigned char pending[8];	/* private: an unfinished UTF-8 character */
	size_t npending;
	int pending_cr;
	size_t seq_len;		/* private: bytes swallowed in the current sequence */
};

void text_sanitizer_init(struct text_sanitizer *s, enum text_mode mode);

/* Sanitise in[0..len) and append the result to out. */
void text_sanitize(struct text_sanitizer *s, const char *in, size_t len, struct buf *out);

/* End of text: flush what is pending (an unfinished character becomes U+FFFD). */
void text_sanitize_finish(struct text_sanitizer *s, struct buf *out);

/*
 * Replace invalid UTF-8 in s[0..len) with U+FFFD, appending to out. Returns
 * the number of replacements.
 */
size_t text_utf8_repair(const char *s, size_t len, struct buf *out);

#endif
