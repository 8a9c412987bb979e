/* markdown-layout.c: Markdown lines built: wrapping, styled spans, container prefixes. */
#include "common.h"

#include <md4c.h>

#include "buf.h"
#include "markdown.h"
#include "markdown-internal.h"
#include "text.h"

const char md_spaces[] = "                                ";

/* ---- clusters and wrapping ----------------------------------------------- */

/* Wrap s[0..len) into segs of at most width columns, as text_wrap does (the one wrapper). */
void
md_wrap(const char *s, size_t len, int width, struct md_segs *segs)
{
	struct text_span *sp;
	size_t n, i;

	n = text_wrap(s, len, width, &sp);
	segs->n = 0;
	for (i = 0; i < n; i++) {
		segs->v = md_grow(segs->v, segs->n, &segs->alloc, sizeof *segs->v);
		segs->v[segs->n].off = sp[i].off;
		segs->v[segs->n].len = sp[i].len;
		segs->n++;
	}
	free(sp);
}

/* Bytes of the longest start of s[0..len) of whole clusters within cols columns (one at least). */
size_t
md_fit(const char *s, size_t len, int cols)
{
	size_t n = text_fit(s, len, cols, NULL);
	unsigned int cp;
	int w;

	if (n == 0 && len > 0)
		n = text_cluster(s, len, &w, &cp);
	return n;
}

/* ---- lines --------------------------------------------------------------- */

/* Add s[0..n), safe, to the line being built. */
void
md_line_add(struct md_render *r, const char *s, size_t n, unsigned int style)
{
	struct md_lspan *ls;
	size_t off = r->ltext.len;

	style |= r->lq;
	if (n == 0 || buf_add(&r->ltext, s, n) != 0)
		return;
	ls = r->nlspans > 0 ? &r->lspans[r->nlspans - 1] : NULL;
	if (ls != NULL && ls->style == style) {
		ls->len += n;
		return;
	}
	r->lspans = md_grow(r->lspans, r->nlspans, &r->lspansalloc, sizeof *r->lspans);
	ls = &r->lspans[r->nlspans++];
	ls->off = off;
	ls->len = n;
	ls->style = style;
}

/* Add n spaces to the line. */
void
md_line_spaces(struct md_render *r, int n, unsigned int style)
{
	int k;

	for (; n > 0; n -= k) {
		k = n < (int)sizeof md_spaces - 1 ? n : (int)sizeof md_spaces - 1;
		md_line_add(r, md_spaces, (size_t)k, style);
	}
}

/* Add s (one column wide) n times to the line. */
void
md_line_repeat(struct md_render *r, const char *s, int n, unsigned int style)
{
	for (; n > 0; n--)
		md_line_add(r, s, strlen(s), style);
}

/* Add text t[off, off + len) to the line in its styles plus extra; *ri is a run hint. */
void
md_line_text(struct md_render *r, const struct md_text *t, size_t off, size_t len, size_t *ri,
    unsigned int extra)
{
	const struct md_run *run;
	size_t end = off + len, a, b, i;

	while (*ri < t->nruns && t->runs[*ri].off + t->runs[*ri].len <= off)
		(*ri)++;
	for (i = *ri; i < t->nruns && t->runs[i].off < end; i++) {
		run = &t->runs[i];
		a = run->off > off ? run->off : off;
		b = run->off + run->len < end ? run->off + run->len : end;
		if (b > a)
			md_line_add(r, t->text.data + a, b - a, run->style | extra);
	}
}

/* Keep the line being built (trim: without trailing blanks); returns its width. */
int
md_line_end(struct md_render *r, bool trim)
{
	struct md_line *line;
	struct md_lspan *ls;
	struct md_span *sp;
	size_t i;

	while (trim && r->ltext.len > 0 && r->ltext.data[r->ltext.len - 1] == ' ')
		r->ltext.data[--r->ltext.len] = '\0';
	while (r->nlspans > 0 && r->lspans[r->nlspans - 1].off >= r->ltext.len)
		r->nlspans--;
	if (r->nlspans > 0)
		r->lspans[r->nlspans - 1].len = r->ltext.len - r->lspans[r->nlspans - 1].off;

	r->lines = md_grow(r->lines, r->nlines, &r->linesalloc, sizeof *r->lines);
	line = &r->lines[r->nlines++];
	line->nspans = r->nlspans;
	line->spans = NULL;
	if (r->nlspans > 0)
		line->spans = xreallocarray(NULL, r->nlspans, sizeof *line->spans);
	for (i = 0; i < r->nlspans; i++) {
		ls = &r->lspans[i];
		sp = &line->spans[i];
		sp->text = xmalloc(ls->len + 1);
		memcpy(sp->text, r->ltext.data + ls->off, ls->len);
		sp->text[ls->len] = '\0';
		sp->len = ls->len;
		sp->style = ls->style;
	}
	line->width = text_width(r->ltext.data, r->ltext.len);
	buf_reset(&r->ltext);
	r->nlspans = 0;
	r->lq = 0;
	r->any = true;
	return line->width;
}

/* ---- containers ---------------------------------------------------------- */

/* Columns container c adds to the prefix. */
static int
md_cont_width(const struct md_cont *c)
{
	if (c->kind == MD_C_QUOTE)
		return 2;
	if (c->kind == MD_C_ITEM)
		return c->mw;
	return 0;
}

/* The outermost container shown: inner ones first, within maxp columns (*width). */
size_t
md_prefix_first(const struct md_render *r, int *width)
{
	size_t i = r->depth;
	int w = 0, cw;

	while (i > 0) {
		cw = md_cont_width(&r->cont[i - 1]);
		if (w + cw > r->maxp)
			break;
		w += cw;
		i--;
	}
	*width = w;
	return i;
}

/* Columns left for a block's text after the prefix. */
int
md_room(const struct md_render *r)
{
	int pw;

	(void)md_prefix_first(r, &pw);
	return r->width - pw;
}

/*
 * Add the prefix: quote bars, an item's marker on its first line and its
 * hanging indent after. A separator line (sep) has only the containers that
 * already have lines; other lines begin the containers.
 */
static void
md_prefix(struct md_render *r, bool sep)
{
	struct md_cont *c;
	size_t i;
	int w;

	for (i = md_prefix_first(r, &w); i < r->depth; i++) {
		c = &r->cont[i];
		if (sep && i >= r->nstarted)
			break;
		if (c->kind == MD_C_QUOTE)
			md_line_add(r, "│ ", strlen("│ "), MD_DIM | MD_QUOTE);
		else if (c->kind == MD_C_ITEM && i >= r->nstarted)
			md_line_add(r, c->marker, c->mlen, MD_DIM);
		else if (c->kind == MD_C_ITEM)
			md_line_spaces(r, c->mw, 0);
	}
	if (!sep) {
		r->nstarted = r->depth;
		r->lq = r->nquote > 0 ? MD_QUOTE : 0;
	}
}

/* True when the next leaf is parted from the last one: not inside one tight list. */
static bool
md_need_sep(const struct md_render *r)
{
	const struct md_cont *c;

	if (r->low == 0)
		return true;
	c = &r->cont[r->low - 1];
	return !((c->kind == MD_C_LIST || c->kind == MD_C_ITEM) && c->tight);
}

/* Begin a line: the separator before a leaf's first line, then the prefix. */
void
md_line_start(struct md_render *r)
{
	if (!r->leafopen) {
		r->leafopen = true;
		if (r->any && md_need_sep(r)) {
			md_prefix(r, true);
			(void)md_line_end(r, true);
		}
		r->low = r->depth;
	}
	md_prefix(r, false);
}

/* Push a container. */
struct md_cont *
md_push(struct md_render *r, int kind)
{
	struct md_cont *c;

	r->cont = md_grow(r->cont, r->depth, &r->contalloc, sizeof *r->cont);
	c = &r->cont[r->depth++];
	memset(c, 0, sizeof *c);
	c->kind = kind;
	if (kind == MD_C_QUOTE)
		r->nquote++;
	return c;
}

void
md_pop(struct md_render *r)
{
	if (r->depth == 0)
		return;
	if (r->cont[--r->depth].kind == MD_C_QUOTE)
		r->nquote--;
	if (r->nstarted > r->depth)
		r->nstarted = r->depth;
	if (r->low > r->depth)
		r->low = r->depth;
}

/* Push a list item with its marker ("• ", "3. ", task box), cut to fit maxp. */
void
md_push_item(struct md_render *r, const MD_BLOCK_LI_DETAIL *d)
{
	struct md_cont *list = r->depth > 0 ? &r->cont[r->depth - 1] : NULL, *c;
	bool ordered = list != NULL && list->ordered, tight = list == NULL || list->tight;
	char delim = list != NULL ? list->delim : '.';
	unsigned int num = list != NULL ? list->next++ : 1;
	int n;

	c = md_push(r, MD_C_ITEM);
	c->tight = tight;
	if (ordered)
		n = snprintf(c->marker, sizeof c->marker, "%u%c ", num, delim);
	else
		n = snprintf(c->marker, sizeof c->marker, "• ");
	if (d != NULL && d->is_task)
		n += snprintf(c->marker + n, sizeof c->marker - (size_t)n, "[%c] ",
		    d->task_mark == ' ' ? ' ' : 'x');
	c->mlen = md_fit(c->marker, (size_t)n, r->maxp);
	c->marker[c->mlen] = '\0';
	c->mw = text_width(c->marker, c->mlen);
}
