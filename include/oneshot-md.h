/*
 * oneshot-md.h: one-shot mode's answer on a terminal, rendered as Markdown
 * by markdown.c (the full-screen UI's renderer) and written with SGR escapes:
 * bold, italic, headings, lists, quotes, tables, code blocks in highlight.h's
 * colours. Streaming: the answer is written block by block, as markdown_stable()
 * finds blocks finished, and a fenced code block line by line (its lines never
 * change); the rest when it ends. Without colour (NO_COLOR, a
 * terminal that has none) the layout stays (bullets, indents, wrapping) and no
 * escape is written.
 */
#ifndef CONFAB_ONESHOT_MD_H
#define CONFAB_ONESHOT_MD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct oneshot_md;

/* Render at width columns (at least 10) to out, with SGR escapes when color. */
struct oneshot_md *oneshot_md_new(FILE *out, int width, bool color);
void oneshot_md_free(struct oneshot_md *m);

/* Answer text as it arrives (raw, untrusted); finished blocks are written. */
void oneshot_md_add(struct oneshot_md *m, const char *text, size_t len);

/* The answer ended: write what is left. Has anything been written at all? */
bool oneshot_md_finish(struct oneshot_md *m);

/* The SGR parameters for a span's style ("1;3"), into buf; "" for none. */
void oneshot_md_sgr(unsigned int style, char *buf, size_t len);

#endif
