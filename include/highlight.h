/*
 * highlight.h: syntax highlighting of code lines with nano's syntax files
 * (the nanorc files Debian ships in /usr/share/nano, package nano). Pure: no
 * terminal, no I/O but reading those files.
 *
 * A syntax is loaded lazily by the language of a code fence ("python",
 * "c++", "ts", "bash", "diff"...) and kept compiled for the life of the
 * process. Its "color" and "icolor" rules are POSIX extended regular
 * expressions (with the GNU extensions glibc knows: \< \> \b \w); later rules
 * paint over earlier ones, as in nano. Colours are the terminal's own: the
 * eight basic colours, plain or bright, never RGB; nano's other names and
 * #rgb colours are mapped to the nearest of them, backgrounds are ignored.
 *
 * The code is model output: untrusted. A line over HL_LINE_MAX bytes stays
 * plain, and at most HL_MATCH_MAX regex matches are painted on a line.
 *
 * The directory is $CONFAB_SYNTAX_DIR when set, else /usr/share/nano.
 */
#ifndef CONFAB_HIGHLIGHT_H
#define CONFAB_HIGHLIGHT_H

#include "caps.h"

#include <stddef.h>

/*
 * Colours: 0 is the terminal's default; 1 + c is colour c of the terminal
 * (0 black, 1 red, 2 green, 3 yellow, 4 blue, 5 magenta, 6 cyan, 7 white),
 * 9 + c its bright variant.
 */
#define HL_COLORS 17
#define HL_BASE(color) (((color)-1) & 7)
#define HL_BRIGHT(color) ((color) > 8)

struct hl_syntax;

/* A run of code in one colour (never 0), at byte offsets off..off + len. */
struct hl_span {
	size_t off;
	size_t len;
	int color;
};

/*
 * The syntax for the info string of a code fence (its first word counts),
 * or NULL when the language is unknown or its file missing: plain code.
 */
const struct hl_syntax *hl_syntax(const char *info, size_t len);

/*
 * Highlight line s[0..len) (no LF) of a code block into spans (at most max),
 * returning how many. *state carries multi-line rules (comments, strings)
 * from the previous line of the block: 0 at its first line.
 */
size_t hl_line(const struct hl_syntax *syn, const char *s, size_t len, unsigned int *state,
    struct hl_span *spans, size_t max);

/* Forget every loaded syntax (tests, and leak checks). */
void hl_reset(void);

#endif
