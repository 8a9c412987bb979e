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

/*
 * Columns a code point takes on a terminal: 0, 1 or 2 (utf8proc, Unicode 15;
 * the same in every locale). Controls take 0.
 */
int text_cp_width(unsigned int cp);

/* True for emoji modifiers (skin tones, U+1F3FB..U+1F3FF). */
bool text_emoji_modifier(unsigned int cp);

/* True for the wide scripts that wrap between characters (not Hangul: it has spaces). */
bool text_cjk(unsigned int cp);

/*
 * The grapheme cluster (Unicode extended grapheme cluster, through utf8proc)
 * at s[0..len): returns its bytes (1 at least when len > 0). *first gets its
 * first code point (U+FFFD for an invalid byte, which is a cluster of its
 * own, one column wide). *w gets the columns a terminal gives it: those of
 * its first code point; a regional-indicator pair (a flag) 2; each emoji
 * modifier 2 more, as tmux 3.3 and ncurses draw it in a cell of its own.
 * What follows a ZWJ, combining marks, VS16 and conjoining jamo add none.
 * Controls (LF, TAB) are clusters of their own.
 */
size_t text_cluster(const char *s, size_t len, int *w, unsigned int *first);

/* Columns the UTF-8 text s[0..len) takes: the sum of its clusters' (invalid bytes count as one each). */
int text_width(const char *s, size_t len);

/*
 * Bytes of the longest start of s[0..len) made of whole clusters within cols
 * columns (0 when the first does not fit); *used (may be NULL) gets its columns.
 */
size_t text_fit(const char *s, size_t len, int cols, int *used);

/*
 * The decimal digit at s[0..len), ASCII or full-width (U+FF10..U+FF19, what
 * CJK input methods type), or -1; *n gets the bytes to step over (1 at least
 * when len > 0).
 */
int text_digit(const char *s, size_t len, size_t *n);

/*
 * Words in s[0..len): runs between blanks (U+3000 too); in CJK text, where
 * words are not spaced, each character counts (punctuation does not), and
 * *cjk gets how many of the words are such characters.
 */
size_t text_words(const char *s, size_t len, size_t *cjk);

/* True when s[0..len) holds only blanks: TAB, LF, CR and space separators (U+3000 too). */
bool text_blank_only(const char *s, size_t len);

/* True when s starts with a full-width solidus (U+FF0F) and a letter: "／help". */
bool text_fullwidth_slash(const char *s);

/* One display line of wrapped text: s[off, off + len). */
struct text_span {
	size_t off;
	size_t len;
};

/*
 * Word-wrap s[0..len) into lines of at most width columns: break at blanks
 * where possible, between CJK characters (not before closing or after opening
 * punctuation), between clusters where a word is too long (a cluster is
 * never split), and at every LF. Blanks at a break and the LF are left out of
 * the spans. The one wrapper for answers, notices, the user's messages and
 * tables. Returns the number of lines; *spans is allocated (caller frees).
 */
size_t text_wrap(const char *s, size_t len, int width, struct text_span **spans);

/* ---- sanitising untrusted text (model output) ------------------------------ */

/*
 * How text_sanitize treats what must not reach a terminal: escape sequences
 * (CSI, OSC, DCS, SOS, PM, APC and other ESC sequences, each dropped whole,
 * including their parameters and terminators), other C0 controls except LF
 * and TAB, DEL, C1 controls (as raw bytes and as UTF-8 U+0080..U+009F), a CR
 * not followed by LF (a CRLF becomes LF), backspace, bidirectional controls
 * (U+202A..U+202E, U+2066..U+2069, U+200E, U+200F, U+061C) and tag characters
 * (U+E0000..U+E007F), and invalid UTF-8.
 *
 * Sequences (ECMA-48), recognised in TEXT_DROP only:
 *   CSI  ESC [ or U+009B, parameter bytes 0x30-0x3F, intermediates 0x20-0x2F,
 *        a final byte 0x40-0x7E
 *   OSC  ESC ] or U+009D (titles, OSC 8 links, OSC 52 clipboard), up to BEL or ST
 *   DCS, SOS, PM, APC  ESC P, X, ^, _ or U+0090, U+0098, U+009E, U+009F, up to ST
 *   ST   ESC \ or U+009C (the UTF-8 form only: 0x9c alone is a continuation byte)
 *   ESC  any other ESC, intermediates 0x20-0x2F, one final byte 0x30-0x7E
 * A byte that cannot continue a CSI or ESC sequence ends it and is then read
 * as text (ESC [ 3 LF keeps the LF); an ESC inside a string ends the string
 * and starts a new sequence; CAN and SUB cancel any sequence.
 *
 * Runaway cap: one sequence swallows at most 4096 bytes, introducer and
 * terminator included. A sequence not finished within them is given up: the
 * 4096 bytes are dropped and what follows is read as text again, so a stray
 * ESC ] cannot eat a whole answer.
 *
 * Invalid UTF-8 becomes U+FFFD in both modes, one per maximal ill-formed
 * subpart (as Unicode and the WHATWG decoder do: E2 82 41 is U+FFFD "A").
 * Raw bytes 0x80..0x9F are invalid UTF-8 like any stray byte: they become
 * U+FFFD and start no sequence, because a stray continuation byte of a broken
 * character must not swallow the text after it.
 *
 * The result, in either mode, is valid UTF-8 with no C0 control but LF and
 * TAB, no DEL, no C1 control, no bidi control and no tag character.
 */
enum text_mode {
	TEXT_DROP,    /* drop them (one-shot output to stdout); invalid UTF-8 becomes U+FFFD */
	TEXT_VISIBLE, /* show them: ESC as "^[", C0 as "^X", DEL "^?", others as "<U+202E>" */
};

/*
 * TEXT_VISIBLE recognises no sequence: each control shows where it stands
 * and the rest of a sequence is ordinary text, so ESC ] 0 ; t BEL shows as
 * "^[]0;t^G". C0 controls show as "^@".."^_" (a lone CR as "^M", ESC as
 * "^["), DEL as "^?", C1, bidi and tag characters as "<U+XXXX>" (four to
 * six upper-case hex digits: "<U+009B>", "<U+E0041>").
 */

/*
 * Streaming sanitiser state: text may be fed in pieces split anywhere,
 * inside an escape sequence, a CRLF or a UTF-8 character; the result is the
 * same however the text is split. Embedded: no release needed.
 */
struct text_sanitizer {
	enum text_mode mode;
	int state;		  /* private */
	unsigned char pending[8]; /* private: an unfinished UTF-8 character */
	size_t npending;
	int pending_cr; /* private: a CR waiting to see whether LF follows */
	size_t seq_len; /* private: bytes swallowed in the current sequence */
};

void text_sanitizer_init(struct text_sanitizer *s, enum text_mode mode);

/*
 * The one list of code points that must never reach a terminal as they are:
 * C0 controls, DEL, C1, bidi marks, embeddings, overrides and isolates
 * (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069) and tag characters
 * (U+E0000-U+E007F). text_sanitize drops or shows them (newline and tab
 * aside), the UI shows them visibly. Model text keeps the rest: ZWJ builds
 * emoji, ZWNJ is part of Persian, U+2028/U+2029/U+FEFF are text.
 */
bool text_cp_unsafe(unsigned int cp);

/*
 * text_cp_unsafe() plus what is invisible: zero-width space, non-joiner and
 * joiner (U+200B-U+200D), line and paragraph separators (U+2028, U+2029) and
 * the BOM (U+FEFF). For the short server strings people read as names and
 * messages (OUTPUT SAFETY in confab(1)), where an invisible character only spoofs.
 */
bool text_cp_hidden(unsigned int cp);

/* Would text_sanitize pass s[0..len) unchanged, in either mode? (No allocation.) */
bool text_is_safe(const char *s, size_t len);

/*
 * Sanitise in[0..len) and append the result to out. Safe runs are appended
 * whole; nothing is allocated but out's growth. Output that does not fit
 * under out's cap is lost (buf_add fails), never cut inside a character.
 */
void text_sanitize(struct text_sanitizer *s, const char *in, size_t len, struct buf *out);

/*
 * End of text: flush what is pending (an unfinished character becomes
 * U+FFFD, a final CR shows as "^M" in TEXT_VISIBLE, an unfinished sequence
 * is dropped) and reset s to its initial state in the same mode.
 */
void text_sanitize_finish(struct text_sanitizer *s, struct buf *out);

/*
 * A whole string sanitised at once (caller frees; *outlen, if not NULL, gets
 * its length). s may be NULL (the result is ""). With TEXT_CLEAN_TABS tabs
 * become spaces, with TEXT_CLEAN_LINES line ends; TEXT_CLEAN_ONELINE is both: one line for a
 * cell, a title or a list row.
 */
#define TEXT_CLEAN_TABS 0x1
#define TEXT_CLEAN_LINES 0x2
#define TEXT_CLEAN_ONELINE (TEXT_CLEAN_TABS | TEXT_CLEAN_LINES)
char *text_clean_str(const char *s, size_t len, enum text_mode mode, int flags, size_t *outlen);

/*
 * Replace invalid UTF-8 in s[0..len) with U+FFFD (one per maximal ill-formed
 * subpart, raw 0x80..0x9F included: the WHATWG UTF-8 decoder), appending to
 * out; *bad (may be NULL) gets the number of replacements. Returns 0, or -1
 * when out's cap stops it (out then ends on a whole character). It only
 * repairs: controls, escape sequences and C1 in UTF-8 pass unchanged.
 */
int text_utf8_repair(const char *s, size_t len, struct buf *out, size_t *bad);

#endif
