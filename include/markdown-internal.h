/*
 * markdown-internal.h: what the markdown*.c renderer files share. markdown.c
 * walks the source with md4c and gathers each leaf's text; markdown-layout.c
 * builds the lines (wrapping, containers); markdown-table.c and
 * markdown-codeblock.c lay out tables and code blocks; markdown-entity.c
 * decodes entities; markdown-source.c prepares the source md4c gets.
 */
#ifndef CONFAB_MARKDOWN_INTERNAL_H
#define CONFAB_MARKDOWN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <md4c.h>

#include "buf.h"
#include "markdown.h"
#include "text.h"

/* U+FDD0 for a lone CR, U+FDD1 the CJK emphasis mark (markdown-source.c). */
extern const char md_crmark[];
extern const char md_cjkmark[];
/* Spaces to copy from (markdown-layout.c). */
extern const char md_spaces[];

/* A run of a leaf's text in one style: text[off, off + len). */
struct md_run {
	size_t off;
	size_t len;
	unsigned int style;
};

/* Sanitised text of a leaf block and its style runs. */
struct md_text {
	struct buf text;
	struct md_run *runs;
	size_t nruns;
	size_t runsalloc;
	int col; /* columns from the last LF to text[coloff], for TAB stops */
	size_t coloff;
};

/* One wrapped line of a md_text: text[off, off + len). */
struct md_seg {
	size_t off;
	size_t len;
};

struct md_segs {
	struct md_seg *v;
	size_t n;
	size_t alloc;
};

/* Containers around the current block. */
enum {
	MD_C_QUOTE,
	MD_C_LIST,
	MD_C_ITEM,
};

struct md_cont {
	int kind;
	bool tight;	   /* a list or an item of one without blank lines */
	bool ordered;	   /* lists */
	char delim;	   /* ordered lists: '.' or ')' */
	unsigned int next; /* ordered lists: the next item's number */
	char marker[48];   /* items: "• ", "12. ", "• [x] " */
	size_t mlen;
	int mw; /* items: columns of the marker and the hanging indent */
};

/* A link or image being read: where its text starts and its URL. */
struct md_ref {
	bool image;
	bool colon; /* an image whose ": " before the alt text is to come */
	size_t off;
	char *url;
	size_t ulen;
};

/* A table being read; it is laid out when it ends. */
struct md_table {
	unsigned int ncols;
	unsigned int nhead;
	struct md_text *cells; /* row-major, nrows * ncols */
	size_t nrows;
	size_t rowsalloc;
	unsigned int col; /* the next cell of the current row */
	int *align;	  /* per column, from the first row */
};

/* A span of the line being built: ltext[off, off + len). */
struct md_lspan {
	size_t off;
	size_t len;
	unsigned int style;
};

/* What the leaf text holds. */
enum {
	MD_L_NONE,
	MD_L_PARA,
	MD_L_HEADING,
	MD_L_CODE,
	MD_L_CELL,
};

struct md_render {
	int width;
	int maxp; /* widest prefix the containers may take */

	struct md_cont *cont;
	size_t depth;
	size_t contalloc;
	size_t nstarted; /* containers, from the outside, that have lines */
	size_t low;	 /* shallowest depth since the last leaf began */
	size_t nquote;
	bool any;    /* some line precedes the next leaf */
	bool softbr; /* a soft line break waits to see the character after it */
	unsigned int softbr_style;
	bool leafopen; /* the current leaf has begun its lines */

	unsigned int style; /* of the open spans */
	unsigned int *styles;
	size_t nstyles;
	size_t stylesalloc;

	struct md_ref *refs;
	size_t nrefs;
	size_t refsalloc;

	int leaf;
	unsigned int hlevel;
	struct md_text in;
	struct md_text lang;
	struct md_table table;
	struct md_segs segs;

	struct text_sanitizer san;
	struct buf tmp;

	struct buf ltext;
	struct md_lspan *lspans;
	size_t nlspans;
	size_t lspansalloc;
	unsigned int lq; /* MD_QUOTE for what follows the prefix */

	struct md_line *lines;
	size_t nlines;
	size_t linesalloc;
};

/* markdown.c: gathered leaf text, leaf blocks */
void *md_grow(void *v, size_t n, size_t *alloc, size_t size);
void md_text_init(struct md_text *t);
void md_text_reset(struct md_text *t);
void md_text_release(struct md_text *t);
void md_put(struct md_text *t, const char *s, size_t n, unsigned int style);
void md_text_copy(struct md_text *dst, const struct md_text *src, unsigned int extra);
void md_add(struct md_render *r, struct md_text *t, const char *s, size_t n, unsigned int style,
    bool lf);
void md_refs_clear(struct md_render *r);
int md_flow(struct md_render *r, const struct md_text *t, unsigned int extra);

/* markdown-layout.c: wrapping, the line being built, containers */
void md_wrap(const char *s, size_t len, int width, struct md_segs *segs);
size_t md_fit(const char *s, size_t len, int cols);
void md_line_add(struct md_render *r, const char *s, size_t n, unsigned int style);
void md_line_spaces(struct md_render *r, int n, unsigned int style);
void md_line_repeat(struct md_render *r, const char *s, int n, unsigned int style);
void md_line_text(struct md_render *r, const struct md_text *t, size_t off, size_t len, size_t *ri,
    unsigned int extra);
int md_line_end(struct md_render *r, bool trim);
size_t md_prefix_first(const struct md_render *r, int *width);
int md_room(const struct md_render *r);
void md_line_start(struct md_render *r);
struct md_cont *md_push(struct md_render *r, int kind);
void md_pop(struct md_render *r);
void md_push_item(struct md_render *r, const MD_BLOCK_LI_DETAIL *d);

/* markdown-table.c */
void md_table_free(struct md_table *tb);
void md_table_begin(struct md_render *r, const MD_BLOCK_TABLE_DETAIL *d);
void md_table_row(struct md_render *r);
void md_table_cell_end(struct md_render *r, const MD_BLOCK_TD_DETAIL *d);
void md_table_end(struct md_render *r);

/* markdown-codeblock.c */
void md_code(struct md_render *r);
void md_code_begin(struct md_render *r, const MD_BLOCK_CODE_DETAIL *d);

/* markdown-entity.c */
size_t md_entity_decode(const char *s, size_t n, char *out);
void md_attr(const MD_ATTRIBUTE *a, struct buf *out);

/* markdown-source.c */
char *md_source(const char *src, size_t *n);

#endif
