/*
 * markdown.h: Markdown (CommonMark with GitHub tables, through md4c) turned
 * into styled display lines of a given width. Pure: no terminal, no I/O.
 *
 * The source is model output: untrusted. Control characters in it never
 * reach a line: they are shown visibly, the way text_sanitize() does in
 * TEXT_VISIBLE mode. Lines are wrapped by display width (CJK and emoji take
 * two columns, combining marks none) and never split a UTF-8 character.
 *
 * Streaming: an answer grows while it arrives. markdown_stable() says how
 * much of a growing source is made of finished blocks, whose lines will not
 * change; a renderer keeps those lines and re-renders only the tail.
 */
#ifndef CONFAB_MARKDOWN_H
#define CONFAB_MARKDOWN_H

#include <stddef.h>

/* Style bits of a span. */
enum {
	MD_BOLD = 1 << 0,
	MD_ITALIC = 1 << 1,
	MD_CODE = 1 << 2,      /* inline code */
	MD_CODEBLOCK = 1 << 3, /* inside a fenced or indented code block */
	MD_HEADING = 1 << 4,
	MD_QUOTE = 1 << 5, /* inside a block quote */
	MD_LINK = 1 << 6,  /* link text (the URL follows in its own span, dim) */
	MD_DIM = 1 << 7,   /* decoration: bullets, quote bars, table rules, URLs */
	MD_STRIKE = 1 << 8,
	MD_CONTROL = 1 << 9, /* a control character shown visibly ("^[") */
};

/*
 * Code in a fenced block whose language nano's syntax files know carries a
 * colour in these bits of its style: 1 to 16, the terminal's own (see
 * highlight.h), or MD_COLOR_PLAIN where no rule colours it.
 */
#define MD_COLOR_PLAIN 17
#define MD_COLOR_SHIFT 16
#define MD_COLOR(style) (((style) >> MD_COLOR_SHIFT) & 0x1f)

struct md_span {
	char *text; /* UTF-8, NUL-terminated, owned by the line */
	size_t len;
	unsigned int style;
};

struct md_line {
	struct md_span *spans;
	size_t nspans;
	int width; /* display columns used */
};

struct md_doc {
	struct md_line *lines;
	size_t nlines;
};

/*
 * Render src[0..len) at width columns (at least 10) into doc (appending).
 * Headings, emphasis, lists (nested, numbered), block quotes, fenced code
 * blocks (set apart, not re-wrapped: long code lines are cut into width-sized
 * pieces), tables (columns sized to fit, cells wrapped), thematic breaks,
 * links. Blocks are separated by one empty line (none inside tight lists);
 * a render into a doc that already has lines begins with that empty line, so
 * renders of consecutive pieces of a source join up. Raw HTML shows as text.
 * A lone CR shows as "^M", and so does U+FDD0, which stands for it inside.
 */
void markdown_render(const char *src, size_t len, int width, struct md_doc *doc);

/*
 * How many bytes at the start of a growing src form finished blocks: the
 * start of the last line that follows a blank line outside a code fence and
 * surely begins a new top-level block (it is not indented and no list item,
 * so no list goes on), 0 when there is none. It lands just after an LF and
 * does not shrink as src grows. Rendering src[0..stable) and src[stable..len)
 * into one doc gives the same lines as rendering the whole, for sources
 * without link reference definitions. Fences are followed as md4c 0.4.8
 * reads them, inside list items too; fences inside block quotes or right
 * after table rows in unusual layouts may still be misread.
 */
size_t markdown_stable(const char *src, size_t len);

void markdown_doc_release(struct md_doc *doc);

/*
 * The text of code block n (from 1; 0: the last) of src, fenced or indented,
 * without its fences and final newline (allocated), or NULL when there is no such block.
 * *count gets the number of code blocks in src. (markdown-code.c)
 */
char *markdown_code_block(const char *src, size_t len, size_t n, size_t *count);

/* Plain text of a line (allocated), for tests and line mode without styles. */
char *markdown_line_text(const struct md_line *line);

#endif
