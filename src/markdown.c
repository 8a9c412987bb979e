/*
 * markdown.c: Markdown (through md4c) laid out as styled display lines.
 *
 * md4c calls back for each block, span and piece of text. The text of a leaf
 * block (paragraph, heading, code block, table cell) is gathered, sanitised
 * as it arrives, in a struct md_text: bytes plus style runs over them. When
 * the leaf ends it is laid out: wrapped by display width and prefixed by the
 * containers around it (quote bars, list markers, hanging indents).
 *
 * Blocks are parted by one empty line, made lazily just before the first line
 * of the next block, so that a render appended to a doc that already has
 * lines starts with it and renders of consecutive pieces of a source join up.
 *
 * Here: the md4c walk, gathered text, leaf blocks and the doc; the rest is
 * in the files markdown-internal.h lists.
 */
#include "common.h"

#include "markdown.h"

#include <limits.h>
#include <md4c.h>

#include "buf.h"
#include "markdown-internal.h"
#include "text.h"

#define MD_PARSE_FLAGS (MD_DIALECT_GITHUB | MD_FLAG_NOHTML)

/* Make room in v (n used of *alloc) for one more element, growing geometrically. */
void *
md_grow(void *v, size_t n, size_t *alloc, size_t size)
{
	if (n < *alloc)
		return v;
	*alloc = *alloc == 0 ? 8 : *alloc * 2;
	return xreallocarray(v, *alloc, size);
}

/* ---- gathered text ------------------------------------------------------- */

void
md_text_init(struct md_text *t)
{
	memset(t, 0, sizeof *t);
	buf_init(&t->text, 0);
}

void
md_text_reset(struct md_text *t)
{
	buf_reset(&t->text);
	t->nruns = 0;
	t->col = 0;
	t->coloff = 0;
}

void
md_text_release(struct md_text *t)
{
	buf_release(&t->text);
	free(t->runs);
	md_text_init(t);
}

/* Append s[0..n), already safe, to t in style. */
void
md_put(struct md_text *t, const char *s, size_t n, unsigned int style)
{
	struct md_run *run;
	size_t off = t->text.len;

	if (n == 0 || buf_add(&t->text, s, n) != 0)
		return;
	run = t->nruns > 0 ? &t->runs[t->nruns - 1] : NULL;
	if (run != NULL && run->style == style && run->off + run->len == off)
		run->len += n;
	else {
		t->runs = md_grow(t->runs, t->nruns, &t->runsalloc, sizeof *t->runs);
		run = &t->runs[t->nruns++];
		run->off = off;
		run->len = n;
		run->style = style;
	}
}

/* Columns from the last LF to the end of t (measuring only what was not yet). */
static int
md_text_col(struct md_text *t)
{
	const char *s = t->text.data + t->coloff, *lf;
	size_t n = t->text.len - t->coloff;

	lf = memrchr(s, '\n', n);
	if (lf != NULL)
		t->col = text_width(lf + 1, (size_t)(s + n - lf - 1));
	else
		t->col += text_width(s, n);
	t->coloff = t->text.len;
	return t->col;
}

/* Append all of src to dst with extra style bits. */
void
md_text_copy(struct md_text *dst, const struct md_text *src, unsigned int extra)
{
	size_t i;

	for (i = 0; i < src->nruns; i++)
		md_put(dst, src->text.data + src->runs[i].off, src->runs[i].len,
		    src->runs[i].style | extra);
}

/* Append one character, or what the sanitiser shows for it, as MD_CONTROL. */
static void
md_add_char(struct md_render *r, struct md_text *t, const char *s, size_t n, unsigned int style)
{
	struct buf *tmp = &r->tmp;

	buf_reset(tmp);
	text_sanitize(&r->san, s, n, tmp);
	text_sanitize_finish(&r->san, tmp);
	if (tmp->len == n && memcmp(tmp->data, s, n) == 0)
		md_put(t, s, n, style);
	else
		md_put(t, tmp->data, tmp->len, style | MD_CONTROL);
}

/* md_add a character at a time: TABs, LFs, lone CRs and controls. */
static void
md_add_slow(struct md_render *r, struct md_text *t, const char *s, size_t n, unsigned int style,
    bool lf)
{
	size_t i = 0, j, cl;
	unsigned int cp;

	while (i < n) {
		for (j = i; j < n && s[j] >= 0x20 && s[j] < 0x7f; j++)
			/* nothing */;
		if (j > i) {
			md_put(t, s + i, j - i, style);
			i = j;
			continue;
		}
		cl = text_utf8_seq(s + i, n - i, &cp);
		if (cl == 0) {
			cl = 1;
			cp = 0xfffd;
		}
		if (s[i] == '\t')
			md_put(t, md_spaces, (size_t)(4 - md_text_col(t) % 4), style);
		else if (s[i] == '\n')
			md_put(t, lf ? "\n" : " ", 1, style);
		else if (cp == 0xfdd0)
			md_add_char(r, t, "\r", 1, style);
		else if (cp == 0xfdd1)
			/* nothing: the emphasis mark of md_source */;
		else
			md_add_char(r, t, s + i, cl, style);
		i += cl;
	}
}

/*
 * Append untrusted s[0..n) to t in style: what the sanitiser changes shows
 * visibly as MD_CONTROL, TABs become spaces to the next multiple of 4
 * columns, an LF stays (lf, code blocks) or becomes a space.
 */
void
md_add(struct md_render *r, struct md_text *t, const char *s, size_t n, unsigned int style, bool lf)
{
	struct buf *tmp = &r->tmp;

	buf_reset(tmp);
	text_sanitize(&r->san, s, n, tmp);
	text_sanitize_finish(&r->san, tmp);
	if (tmp->len == n && memcmp(tmp->data, s, n) == 0 && memchr(s, '\t', n) == NULL &&
	    (lf || memchr(s, '\n', n) == NULL) && memmem(s, n, md_crmark, 3) == NULL &&
	    memmem(s, n, md_cjkmark, 3) == NULL)
		md_put(t, s, n, style);
	else
		md_add_slow(r, t, s, n, style, lf);
}

/* ---- leaf blocks --------------------------------------------------------- */

/* Forget the open spans: md4c 0.4.8 may leave one unclosed at the end of a block. */
void
md_refs_clear(struct md_render *r)
{
	while (r->nrefs > 0)
		free(r->refs[--r->nrefs].url);
	r->style = 0;
	r->nstyles = 0;
}

/* Lay out t wrapped at the room left, with extra style; returns the widest line's columns. */
int
md_flow(struct md_render *r, const struct md_text *t, unsigned int extra)
{
	size_t i, ri = 0;
	int pw, w, maxw = 0;

	if (t->text.len == 0)
		return 0;
	(void)md_prefix_first(r, &pw);
	md_wrap(t->text.data, t->text.len, r->width - pw, &r->segs);
	for (i = 0; i < r->segs.n; i++) {
		md_line_start(r);
		md_line_text(r, t, r->segs.v[i].off, r->segs.v[i].len, &ri, extra);
		w = md_line_end(r, false) - pw;
		if (w > maxw)
			maxw = w;
	}
	return maxw;
}

/* A heading: bold, levels 1 and 2 underlined by a dim rule as wide as the text. */
static void
md_heading(struct md_render *r)
{
	int w = md_flow(r, &r->in, MD_HEADING | MD_BOLD);

	if (r->hlevel > 2 || w == 0)
		return;
	md_line_start(r);
	md_line_repeat(r, r->hlevel == 1 ? "═" : "─", w, MD_DIM);
	(void)md_line_end(r, false);
}

/* A thematic break: a dim rule across the room. */
static void
md_rule(struct md_render *r)
{
	int room = md_room(r);

	md_line_start(r);
	md_line_repeat(r, "─", room, MD_DIM);
	(void)md_line_end(r, false);
	r->leafopen = false;
}

/* Lay out the gathered leaf, if any, and start afresh. */
static void
md_leaf_end(struct md_render *r)
{
	if (r->leaf == MD_L_PARA)
		(void)md_flow(r, &r->in, 0);
	else if (r->leaf == MD_L_HEADING)
		md_heading(r);
	else if (r->leaf == MD_L_CODE)
		md_code(r);
	r->leaf = MD_L_NONE;
	r->leafopen = false;
	md_text_reset(&r->in);
	md_text_reset(&r->lang);
	md_refs_clear(r);
}

/* An item that ended without a line shows its marker alone. */
static void
md_item_end(struct md_render *r)
{
	if (r->nstarted < r->depth) {
		md_line_start(r);
		(void)md_line_end(r, true);
		r->leafopen = false;
	}
	md_pop(r);
}

/* ---- md4c callbacks ------------------------------------------------------ */

static int
md_cb_enter_block(MD_BLOCKTYPE type, void *detail, void *arg)
{
	struct md_render *r = arg;
	struct md_cont *c;

	if (r->leaf == MD_L_PARA)
		md_leaf_end(r);
	switch (type) {
	case MD_BLOCK_QUOTE:
		(void)md_push(r, MD_C_QUOTE);
		break;
	case MD_BLOCK_UL:
		c = md_push(r, MD_C_LIST);
		c->tight = ((MD_BLOCK_UL_DETAIL *)detail)->is_tight != 0;
		break;
	case MD_BLOCK_OL:
		c = md_push(r, MD_C_LIST);
		c->tight = ((MD_BLOCK_OL_DETAIL *)detail)->is_tight != 0;
		c->ordered = true;
		c->next = ((MD_BLOCK_OL_DETAIL *)detail)->start;
		c->delim = ((MD_BLOCK_OL_DETAIL *)detail)->mark_delimiter;
		break;
	case MD_BLOCK_LI:
		md_push_item(r, detail);
		break;
	case MD_BLOCK_HR:
		md_rule(r);
		break;
	case MD_BLOCK_H:
		r->leaf = MD_L_HEADING;
		r->hlevel = ((MD_BLOCK_H_DETAIL *)detail)->level;
		break;
	case MD_BLOCK_CODE:
		md_code_begin(r, detail);
		break;
	case MD_BLOCK_HTML:
	case MD_BLOCK_P:
		r->leaf = MD_L_PARA;
		break;
	case MD_BLOCK_TABLE:
		md_table_begin(r, detail);
		break;
	case MD_BLOCK_TR:
		md_table_row(r);
		break;
	case MD_BLOCK_TH:
	case MD_BLOCK_TD:
		r->leaf = MD_L_CELL;
		md_text_reset(&r->in);
		break;
	default:
		break;
	}
	return 0;
}

static int
md_cb_leave_block(MD_BLOCKTYPE type, void *detail, void *arg)
{
	struct md_render *r = arg;

	switch (type) {
	case MD_BLOCK_TH:
	case MD_BLOCK_TD:
		md_table_cell_end(r, detail);
		return 0;
	case MD_BLOCK_TABLE:
		md_table_end(r);
		return 0;
	default:
		break;
	}
	if (r->leaf != MD_L_CELL)
		md_leaf_end(r);
	if (type == MD_BLOCK_LI)
		md_item_end(r);
	else if (type == MD_BLOCK_QUOTE || type == MD_BLOCK_UL || type == MD_BLOCK_OL)
		md_pop(r);
	return 0;
}

/* Text is coming: begin an implicit paragraph (tight list items), and an image's ": ". */
static void
md_text_begin(struct md_render *r)
{
	struct md_ref *ref;

	if (r->leaf == MD_L_NONE) {
		r->leaf = MD_L_PARA;
		md_text_reset(&r->in);
	}
	ref = r->nrefs > 0 ? &r->refs[r->nrefs - 1] : NULL;
	if (ref != NULL && ref->colon) {
		ref->colon = false;
		md_put(&r->in, ": ", 2, r->style | MD_DIM);
	}
}

/* A link or image begins: remember where its text starts and its URL. */
static void
md_ref_begin(struct md_render *r, bool image, const MD_ATTRIBUTE *url)
{
	struct md_ref *ref;
	struct buf b;

	r->refs = md_grow(r->refs, r->nrefs, &r->refsalloc, sizeof *r->refs);
	ref = &r->refs[r->nrefs++];
	memset(ref, 0, sizeof *ref);
	ref->image = image;
	ref->colon = image;
	if (image)
		md_put(&r->in, "[image", 6, r->style | MD_DIM);
	ref->off = r->in.text.len;
	buf_init(&b, 0);
	md_attr(url, &b);
	ref->url = buf_detach(&b, &ref->ulen);
}

/* True when a link's text says what its URL does (autolinks). */
static bool
md_same_url(const char *text, size_t tlen, const char *url, size_t ulen)
{
	static const char *schemes[] = { "", "mailto:", "http://", "https://" };
	size_t i, n;

	for (i = 0; i < nitems(schemes); i++) {
		n = strlen(schemes[i]);
		if (ulen == n + tlen && memcmp(url, schemes[i], n) == 0 &&
		    memcmp(url + n, text, tlen) == 0)
			return true;
	}
	return false;
}

/* A link or image ends: "]" for an image, then " (URL)" dim unless the text says it. */
static void
md_ref_end(struct md_render *r)
{
	struct md_ref *ref;
	unsigned int outer = r->nstyles > 0 ? r->styles[r->nstyles - 1] : 0;

	if (r->nrefs == 0)
		return;
	ref = &r->refs[r->nrefs - 1];
	if (ref->image)
		md_put(&r->in, "]", 1, outer | MD_DIM);
	if (ref->ulen > 0 &&
	    (ref->image ||
		!md_same_url(r->in.text.data + ref->off, r->in.text.len - ref->off, ref->url,
		    ref->ulen))) {
		md_put(&r->in, " (", 2, MD_DIM);
		md_add(r, &r->in, ref->url, ref->ulen, MD_DIM, false);
		md_put(&r->in, ")", 1, MD_DIM);
	}
	free(ref->url);
	r->nrefs--;
}

static int
md_cb_enter_span(MD_SPANTYPE type, void *detail, void *arg)
{
	struct md_render *r = arg;

	md_text_begin(r);
	r->styles = md_grow(r->styles, r->nstyles, &r->stylesalloc, sizeof *r->styles);
	r->styles[r->nstyles++] = r->style;
	switch (type) {
	case MD_SPAN_EM:
	case MD_SPAN_U:
		r->style |= MD_ITALIC;
		break;
	case MD_SPAN_STRONG:
		r->style |= MD_BOLD;
		break;
	case MD_SPAN_CODE:
		r->style |= MD_CODE;
		break;
	case MD_SPAN_DEL:
		r->style |= MD_STRIKE;
		break;
	case MD_SPAN_A:
		r->style |= MD_LINK;
		md_ref_begin(r, false, &((MD_SPAN_A_DETAIL *)detail)->href);
		break;
	case MD_SPAN_IMG:
		md_ref_begin(r, true, &((MD_SPAN_IMG_DETAIL *)detail)->src);
		break;
	default:
		break;
	}
	return 0;
}

static int
md_cb_leave_span(MD_SPANTYPE type, void *detail, void *arg)
{
	struct md_render *r = arg;

	if (type == MD_SPAN_A || type == MD_SPAN_IMG)
		md_ref_end(r);
	if (r->nstyles > 0)
		r->style = r->styles[--r->nstyles];
	return 0;
}

/*
 * True when a soft line break between the text in t and s[0..n) joins CJK
 * characters (Chinese and Japanese, not Hangul): no space goes there, as
 * CSS Text and Chinese readers have it.
 */
static bool
md_cjk_join(const struct md_text *t, const char *s, size_t n)
{
	const char *p = t->text.data, *q = p + t->text.len;
	unsigned int a, b;

	if (q == p)
		return false;
	for (q--; q > p && ((unsigned char)*q & 0xc0) == 0x80; q--)
		/* nothing */;
	if (text_utf8_seq(q, (size_t)(p + t->text.len - q), &a) == 0 ||
	    text_utf8_seq(s, n, &b) == 0)
		return false;
	return text_cjk(a) && text_cjk(b);
}

static int
md_cb_text(MD_TEXTTYPE type, const MD_CHAR *s, MD_SIZE n, void *arg)
{
	struct md_render *r = arg;
	char dec[8];
	size_t d;

	md_text_begin(r);
	if (r->softbr && type != MD_TEXT_SOFTBR) {
		r->softbr = false;
		if (!md_cjk_join(&r->in, s, n))
			md_put(&r->in, " ", 1, r->softbr_style);
	}
	switch (type) {
	case MD_TEXT_NULLCHAR:
		md_put(&r->in, "\xef\xbf\xbd", 3, r->style);
		break;
	case MD_TEXT_BR:
		md_put(&r->in, "\n", 1, r->style);
		break;
	case MD_TEXT_SOFTBR:
		r->softbr = true; /* a space, unless CJK text stands either side */
		r->softbr_style = r->style;
		break;
	case MD_TEXT_ENTITY:
		if ((d = md_entity_decode(s, n, dec)) != 0)
			md_add(r, &r->in, dec, d, r->style, false);
		else
			md_add(r, &r->in, s, n, r->style, false);
		break;
	default:
		md_add(r, &r->in, s, n, r->style, r->leaf == MD_L_CODE);
		break;
	}
	return 0;
}

/* ---- entry points -------------------------------------------------------- */

static void
md_render_release(struct md_render *r)
{
	md_refs_clear(r);
	free(r->refs);
	free(r->cont);
	free(r->styles);
	md_text_release(&r->in);
	md_text_release(&r->lang);
	md_table_free(&r->table);
	free(r->segs.v);
	buf_release(&r->tmp);
	buf_release(&r->ltext);
	free(r->lspans);
}

void
markdown_render(const char *src, size_t len, int width, struct md_doc *doc)
{
	struct md_render r;
	MD_PARSER parser;
	char *copy;

	memset(&r, 0, sizeof r);
	r.width = width < 10 ? 10 : width;
	r.maxp = r.width / 2;
	r.any = doc->nlines > 0;
	md_text_init(&r.in);
	md_text_init(&r.lang);
	buf_init(&r.tmp, 0);
	buf_init(&r.ltext, 0);
	text_sanitizer_init(&r.san, TEXT_VISIBLE);

	if (len > UINT_MAX / 4)
		len = UINT_MAX / 4;
	copy = md_source(src, &len);

	memset(&parser, 0, sizeof parser);
	parser.flags = MD_PARSE_FLAGS;
	parser.enter_block = md_cb_enter_block;
	parser.leave_block = md_cb_leave_block;
	parser.enter_span = md_cb_enter_span;
	parser.leave_span = md_cb_leave_span;
	parser.text = md_cb_text;
	(void)md_parse(copy, (MD_SIZE)len, &parser, &r);
	md_leaf_end(&r);

	if (r.nlines > 0) {
		doc->lines = xreallocarray(doc->lines, doc->nlines + r.nlines, sizeof *doc->lines);
		memcpy(doc->lines + doc->nlines, r.lines, r.nlines * sizeof *r.lines);
		doc->nlines += r.nlines;
	}
	free(r.lines);
	free(copy);
	md_render_release(&r);
}

/* ---- documents ----------------------------------------------------------- */

void
markdown_doc_release(struct md_doc *doc)
{
	size_t i, j;

	for (i = 0; i < doc->nlines; i++) {
		for (j = 0; j < doc->lines[i].nspans; j++)
			free(doc->lines[i].spans[j].text);
		free(doc->lines[i].spans);
	}
	free(doc->lines);
	doc->lines = NULL;
	doc->nlines = 0;
}

char *
markdown_line_text(const struct md_line *line)
{
	struct buf b;
	size_t i;

	buf_init(&b, 0);
	for (i = 0; i < line->nspans; i++)
		(void)buf_add(&b, line->spans[i].text, line->spans[i].len);
	return buf_detach(&b, NULL);
}
