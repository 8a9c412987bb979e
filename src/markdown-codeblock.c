/* markdown-codeblock.c: Markdown code blocks laid out: language line, indented lines, colours. */
#include "common.h"

#include <md4c.h>

#include "buf.h"
#include "highlight.h"
#include "markdown.h"
#include "markdown-internal.h"
#include "text.h"

#define MD_CODE_INDENT 2

/* Code in[a, b) of the line at ls, in the colours of its spans (highlight.h). */
static void
md_code_text(struct md_render *r, size_t ls, size_t a, size_t b, size_t *ri,
    const struct hl_span *sp, size_t nsp, unsigned int plain)
{
	size_t i, s, e;

	for (i = 0; i < nsp && a < b; i++) {
		s = ls + sp[i].off;
		e = s + sp[i].len < b ? s + sp[i].len : b;
		if (e <= a)
			continue;
		if (s >= b)
			break;
		if (s > a)
			md_line_text(r, &r->in, a, s - a, ri, plain);
		a = s > a ? s : a;
		md_line_text(r, &r->in, a, e - a, ri,
		    MD_CODEBLOCK | (unsigned int)sp[i].color << MD_COLOR_SHIFT);
		a = e;
	}
	if (b > a)
		md_line_text(r, &r->in, a, b - a, ri, plain);
}

/* One code line in[ls, le), cut into pieces of at most room columns; syn may colour it. */
static void
md_code_line(struct md_render *r, size_t ls, size_t le, int room, size_t *ri,
    const struct hl_syntax *syn, unsigned int *hls)
{
	struct hl_span sp[128];
	size_t n, start = ls, nsp;
	unsigned int plain = MD_CODEBLOCK | (syn != NULL ? MD_COLOR_PLAIN << MD_COLOR_SHIFT : 0);

	nsp = hl_line(syn, r->in.text.data + ls, le - ls, hls, sp, nitems(sp));
	do {
		n = md_fit(r->in.text.data + ls, le - ls, room);
		md_line_start(r);
		md_line_add(r, md_spaces, MD_CODE_INDENT, MD_CODEBLOCK);
		md_code_text(r, start, ls, ls + n, ri, sp, nsp, plain);
		(void)md_line_end(r, false);
		ls += n;
	} while (ls < le);
}

/* A code block: the language dim on its own line, then each line indented, not wrapped. */
void
md_code(struct md_render *r)
{
	const char *s = r->in.text.data, *lf;
	size_t len = r->in.text.len, ls = 0, le, ri = 0;
	int room = md_room(r) - MD_CODE_INDENT;
	const struct hl_syntax *syn = NULL;
	unsigned int hls = 0;

	if (r->lang.text.len > 0) {
		md_line_start(r);
		md_line_add(r, md_spaces, MD_CODE_INDENT, MD_CODEBLOCK);
		md_line_text(r, &r->lang, 0, md_fit(r->lang.text.data, r->lang.text.len, room), &ri,
		    MD_CODEBLOCK | MD_DIM);
		(void)md_line_end(r, false);
		ri = 0;
		if (len <= HL_BLOCK_MAX)
			syn = hl_syntax(r->lang.text.data, r->lang.text.len);
	}
	while (ls < len) {
		lf = memchr(s + ls, '\n', len - ls);
		le = lf != NULL ? (size_t)(lf - s) : len;
		md_code_line(r, ls, le, room, &ri, syn, &hls);
		ls = le + 1;
	}
}

/* The language of a code block, sanitised, for its first line. */
void
md_code_begin(struct md_render *r, const MD_BLOCK_CODE_DETAIL *d)
{
	struct buf raw;

	r->leaf = MD_L_CODE;
	md_text_reset(&r->in);
	md_text_reset(&r->lang);
	buf_init(&raw, 0);
	md_attr(&d->lang, &raw);
	md_add(r, &r->lang, raw.data, raw.len, 0, false);
	buf_release(&raw);
}
