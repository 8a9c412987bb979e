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
 */
#include "common.h"

#include <ctype.h>
#include <utf8proc.h>

#include "markdown.h"

#include <limits.h>
#include <md4c.h>

#include "buf.h"
#include "highlight.h"
#include "text.h"

#define MD_PARSE_FLAGS (MD_DIALECT_GITHUB | MD_FLAG_NOHTML)
#define MD_CODE_INDENT 2

/*
 * md4c ends a line at a lone CR; it is passed in as U+FDD0 (a noncharacter,
 * for internal use) and shown as "^M", as a U+FDD0 of the source is.
 */
static const char md_crmark[] = "\xef\xb7\x90";
/*
 * U+FDD1 stands between CJK punctuation and a '*' run in the source md4c
 * gets: an ordinary character to md4c, it makes the run both left- and
 * right-flanking, as CommonMark's CJK-friendly emphasis amendment reads it.
 * It never reaches a line.
 */
static const char md_cjkmark[] = "\xef\xb7\x91";

static const char md_spaces[] = "                                ";

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
	int col;	/* columns from the last LF to text[coloff], for TAB stops */
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
	bool tight;		/* a list or an item of one without blank lines */
	bool ordered;		/* lists */
	char delim;		/* ordered lists: '.' or ')' */
	unsigned int next;	/* ordered lists: the next item's number */
	char marker[48];	/* items: "• ", "12. ", "• [x] " */
	size_t mlen;
	int mw;			/* items: columns of the marker and the hanging indent */
};

/* A link or image being read: where its text starts and its URL. */
struct md_ref {
	bool image;
	bool colon;		/* an image whose ": " before the alt text is to come */
	size_t off;
	char *url;
	size_t ulen;
};

/* A table being read; it is laid out when it ends. */
struct md_table {
	unsigned int ncols;
	unsigned int nhead;
	struct md_text *cells;	/* row-major, nrows * ncols */
	size_t nrows;
	size_t rowsalloc;
	unsigned int col;	/* the next cell of the current row */
	int *align;		/* per column, from the first row */
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
	int maxp;		/* widest prefix the containers may take */

	struct md_cont *cont;
	size_t depth;
	size_t contalloc;
	size_t nstarted;	/* containers, from the outside, that have lines */
	size_t low;		/* shallowest depth since the last leaf began */
	size_t nquote;
	bool any;		/* some line precedes the next leaf */
	bool softbr;		/* a soft line break waits to see the character after it */
	unsigned int softbr_style;
	bool leafopen;		/* the current leaf has begun its lines */

	unsigned int style;	/* of the open spans */
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
	unsigned int lq;	/* MD_QUOTE for what follows the prefix */

	struct md_line *lines;
	size_t nlines;
	size_t linesalloc;
};

/* Make room in v (n used of *alloc) for one more element, growing geometrically. */
static void *
md_grow(void *v, size_t n, size_t *alloc, size_t size)
{
	if (n < *alloc)
		return v;
	*alloc = *alloc == 0 ? 8 : *alloc * 2;
	return xreallocarray(v, *alloc, size);
}

/* ---- gathered text ------------------------------------------------------- */

static void
md_text_init(struct md_text *t)
{
	memset(t, 0, sizeof *t);
	buf_init(&t->text, 0);
}

static void
md_text_reset(struct md_text *t)
{
	buf_reset(&t->text);
	t->nruns = 0;
	t->col = 0;
	t->coloff = 0;
}

static void
md_text_release(struct md_text *t)
{
	buf_release(&t->text);
	free(t->runs);
	md_text_init(t);
}

/* Append s[0..n), already safe, to t in style. */
static void
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
static void
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
md_add_slow(struct md_render *r, struct md_text *t, const char *s, size_t n,
    unsigned int style, bool lf)
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
static void
md_add(struct md_render *r, struct md_text *t, const char *s, size_t n, unsigned int style,
    bool lf)
{
	struct buf *tmp = &r->tmp;

	buf_reset(tmp);
	text_sanitize(&r->san, s, n, tmp);
	text_sanitize_finish(&r->san, tmp);
	if (tmp->len == n && memcmp(tmp->data, s, n) == 0 && memchr(s, '\t', n) == NULL &&
	    (lf || memchr(s, '\n', n) == NULL) &&
	    memmem(s, n, md_crmark, 3) == NULL && memmem(s, n, md_cjkmark, 3) == NULL)
		md_put(t, s, n, style);
	else
		md_add_slow(r, t, s, n, style, lf);
}

/* ---- entities ------------------------------------------------------------ */

static const struct {
	const char *name;
	const char *utf8;
} md_entities[] = {
	{ "amp", "&" }, { "lt", "<" }, { "gt", ">" }, { "quot", "\"" }, { "apos", "'" },
	{ "nbsp", "\xc2\xa0" }, { "copy", "©" }, { "reg", "®" }, { "trade", "™" },
	{ "mdash", "—" }, { "ndash", "–" }, { "hellip", "…" }, { "laquo", "«" },
	{ "raquo", "»" }, { "lsquo", "‘" }, { "rsquo", "’" }, { "ldquo", "“" },
	{ "rdquo", "”" }, { "bull", "•" }, { "middot", "·" }, { "times", "×" },
	{ "divide", "÷" }, { "deg", "°" }, { "plusmn", "±" }, { "ne", "≠" }, { "le", "≤" },
	{ "ge", "≥" }, { "larr", "←" }, { "rarr", "→" }, { "uarr", "↑" }, { "darr", "↓" },
	{ "harr", "↔" }, { "rArr", "⇒" }, { "euro", "€" }, { "pound", "£" }, { "yen", "¥" },
	{ "cent", "¢" }, { "sect", "§" }, { "para", "¶" }, { "infin", "∞" },
};

/* Encode code point cp (valid) as UTF-8 into out; returns the length. */
static size_t
md_utf8_put(unsigned int cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Decode a numeric entity ("&#39;", "&#x27;") into out; 0 when malformed. */
static size_t
md_entity_number(const char *s, size_t n, char *out)
{
	unsigned int v = 0, d, base = 10;
	size_t i = 2, digits = 0;

	if (i < n - 1 && (s[i] == 'x' || s[i] == 'X')) {
		base = 16;
		i++;
	}
	for (; i < n - 1; i++, digits++) {
		if (s[i] >= '0' && s[i] <= '9')
			d = (unsigned int)(s[i] - '0');
		else if (base == 16 && s[i] >= 'a' && s[i] <= 'f')
			d = (unsigned int)(s[i] - 'a' + 10);
		else if (base == 16 && s[i] >= 'A' && s[i] <= 'F')
			d = (unsigned int)(s[i] - 'A' + 10);
		else
			return 0;
		if (v <= 0x10ffff)
			v = v * base + d;
	}
	if (digits == 0 || digits > (base == 16 ? 6 : 7))
		return 0;
	if (v == 0 || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		v = 0xfffd;
	return md_utf8_put(v, out);
}

/* Decode the entity s[0..n) into out (8 bytes); returns its length, 0 when unknown. */
static size_t
md_entity_decode(const char *s, size_t n, char *out)
{
	size_t i, len;

	if (n < 3 || s[0] != '&' || s[n - 1] != ';')
		return 0;
	if (s[1] == '#')
		return md_entity_number(s, n, out);
	for (i = 0; i < nitems(md_entities); i++) {
		if (strlen(md_entities[i].name) != n - 2 ||
		    memcmp(md_entities[i].name, s + 1, n - 2) != 0)
			continue;
		len = strlen(md_entities[i].utf8);
		memcpy(out, md_entities[i].utf8, len);
		return len;
	}
	return 0;
}

/* The raw value of attribute a, entities decoded, into out. */
static void
md_attr(const MD_ATTRIBUTE *a, struct buf *out)
{
	const char *s;
	char dec[8];
	size_t i, n, d;

	for (i = 0; a->size > 0 && a->substr_offsets[i] < a->size; i++) {
		s = a->text + a->substr_offsets[i];
		n = a->substr_offsets[i + 1] - a->substr_offsets[i];
		if (a->substr_types[i] == MD_TEXT_NULLCHAR)
			(void)buf_add(out, "\xef\xbf\xbd", 3);
		else if (a->substr_types[i] == MD_TEXT_ENTITY &&
		    (d = md_entity_decode(s, n, dec)) != 0)
			(void)buf_add(out, dec, d);
		else
			(void)buf_add(out, s, n);
	}
}

/* ---- clusters and wrapping ----------------------------------------------- */

/* Wrap s[0..len) into segs of at most width columns, as text_wrap does (the one wrapper). */
static void
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
static size_t
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
static void
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
static void
md_line_spaces(struct md_render *r, int n, unsigned int style)
{
	int k;

	for (; n > 0; n -= k) {
		k = n < (int)sizeof md_spaces - 1 ? n : (int)sizeof md_spaces - 1;
		md_line_add(r, md_spaces, (size_t)k, style);
	}
}

/* Add s (one column wide) n times to the line. */
static void
md_line_repeat(struct md_render *r, const char *s, int n, unsigned int style)
{
	for (; n > 0; n--)
		md_line_add(r, s, strlen(s), style);
}

/* Add text t[off, off + len) to the line in its styles plus extra; *ri is a run hint. */
static void
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
static int
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
static size_t
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
static int
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
static void
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
static struct md_cont *
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

static void
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
static void
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

/* ---- leaf blocks --------------------------------------------------------- */

/* Forget the open spans: md4c 0.4.8 may leave one unclosed at the end of a block. */
static void
md_refs_clear(struct md_render *r)
{
	while (r->nrefs > 0)
		free(r->refs[--r->nrefs].url);
	r->style = 0;
	r->nstyles = 0;
}

/* Lay out t wrapped at the room left, with extra style; returns the widest line's columns. */
static int
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
static void
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
		md_line_text(r, &r->lang, 0, md_fit(r->lang.text.data, r->lang.text.len, room),
		    &ri, MD_CODEBLOCK | MD_DIM);
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

/* ---- tables -------------------------------------------------------------- */

static void
md_table_free(struct md_table *tb)
{
	size_t i;

	for (i = 0; i < tb->nrows * tb->ncols; i++)
		md_text_release(&tb->cells[i]);
	free(tb->cells);
	free(tb->align);
	memset(tb, 0, sizeof *tb);
}

static void
md_table_begin(struct md_render *r, const MD_BLOCK_TABLE_DETAIL *d)
{
	struct md_table *tb = &r->table;

	md_table_free(tb);
	tb->ncols = d->col_count;
	tb->nhead = d->head_row_count;
	tb->align = xcalloc(tb->ncols + 1, sizeof *tb->align);
}

/* A new row of empty cells. */
static void
md_table_row(struct md_render *r)
{
	struct md_table *tb = &r->table;
	size_t i;

	if (tb->ncols == 0)
		return;
	if (tb->nrows == tb->rowsalloc) {
		tb->rowsalloc = tb->rowsalloc == 0 ? 8 : tb->rowsalloc * 2;
		tb->cells = xreallocarray(tb->cells, tb->rowsalloc * tb->ncols, sizeof *tb->cells);
	}
	for (i = 0; i < tb->ncols; i++)
		md_text_init(&tb->cells[tb->nrows * tb->ncols + i]);
	tb->nrows++;
	tb->col = 0;
}

/* The end of a cell: keep its text. */
static void
md_table_cell_end(struct md_render *r, const MD_BLOCK_TD_DETAIL *d)
{
	struct md_table *tb = &r->table;
	struct md_text tmp;

	if (tb->nrows > 0 && tb->col < tb->ncols) {
		tmp = tb->cells[(tb->nrows - 1) * tb->ncols + tb->col];
		tb->cells[(tb->nrows - 1) * tb->ncols + tb->col] = r->in;
		r->in = tmp;
		if (tb->nrows == 1 && d != NULL)
			tb->align[tb->col] = (int)d->align;
	}
	tb->col++;
	r->leaf = MD_L_NONE;
	md_text_reset(&r->in);
	md_refs_clear(r);
}

/* Sum of the column widths w capped at cap. */
static long
md_cap_sum(const int *w, size_t n, int cap)
{
	long sum = 0;
	size_t i;

	for (i = 0; i < n; i++)
		sum += w[i] < cap ? w[i] : cap;
	return sum;
}

/* Narrow the shrunk columns w to the widest line their wrapped cells have. */
static void
md_table_fit(const struct md_table *tb, int *w)
{
	struct md_segs segs = { NULL, 0, 0 };
	const struct md_text *cell;
	int *used = xcalloc(tb->ncols, sizeof *used), sw;
	size_t i, k, c;

	for (i = 0; i < tb->nrows * tb->ncols; i++) {
		c = i % tb->ncols;
		cell = &tb->cells[i];
		md_wrap(cell->text.data, cell->text.len, w[c], &segs);
		for (k = 0; k < segs.n; k++) {
			sw = text_width(cell->text.data + segs.v[k].off, segs.v[k].len);
			if (sw > used[c])
				used[c] = sw;
		}
	}
	for (c = 0; c < tb->ncols; c++) {
		if (used[c] < w[c])
			w[c] = used[c] < 1 ? 1 : used[c];
	}
	free(used);
	free(segs.v);
}

/* Column widths: as wide as their cells if they fit in room, else the widest shrunk alike. */
static int *
md_table_widths(const struct md_table *tb, int room)
{
	int *w = xcalloc(tb->ncols, sizeof *w), lo = 2, hi = 2, mid, cw;
	size_t i, c;
	long extra;

	for (i = 0; i < tb->nrows * tb->ncols; i++) {
		c = i % tb->ncols;
		cw = text_width(tb->cells[i].text.data, tb->cells[i].text.len);
		if (cw > w[c])
			w[c] = cw;
	}
	for (c = 0; c < tb->ncols; c++) {
		if (w[c] < 1)
			w[c] = 1;
		if (w[c] > hi)
			hi = w[c];
	}
	if (md_cap_sum(w, tb->ncols, hi) <= room)
		return w;
	while (lo < hi) {
		mid = lo + (hi - lo + 1) / 2;
		if (md_cap_sum(w, tb->ncols, mid) <= room)
			lo = mid;
		else
			hi = mid - 1;
	}
	extra = room - md_cap_sum(w, tb->ncols, lo);
	for (c = 0; c < tb->ncols; c++) {
		if (w[c] > lo)
			w[c] = lo + (extra-- > 0 ? 1 : 0);
	}
	md_table_fit(tb, w);
	return w;
}

/* One cell's piece of a table line (seg, or none), padded to w columns as aligned. */
static void
md_table_piece(struct md_render *r, const struct md_text *cell, const struct md_seg *seg,
    int w, int align, size_t *ri, unsigned int extra)
{
	int cw = 0, left = 0;

	if (seg != NULL)
		cw = text_width(cell->text.data + seg->off, seg->len);
	if (align == MD_ALIGN_RIGHT)
		left = w - cw;
	else if (align == MD_ALIGN_CENTER)
		left = (w - cw) / 2;
	md_line_spaces(r, left, 0);
	if (seg != NULL)
		md_line_text(r, cell, seg->off, seg->len, ri, extra);
	md_line_spaces(r, w - cw - left, 0);
}

/* One table row: each cell wrapped in its column, as tall as its tallest cell. */
static void
md_table_line(struct md_render *r, size_t row, const int *w, struct md_segs *segs, size_t *ri)
{
	struct md_table *tb = &r->table;
	struct md_text *cell;
	unsigned int extra = row < tb->nhead ? MD_BOLD : 0;
	size_t c, k, height = 0;

	for (c = 0; c < tb->ncols; c++) {
		cell = &tb->cells[row * tb->ncols + c];
		md_wrap(cell->text.data, cell->text.len, w[c], &segs[c]);
		if (segs[c].n > height)
			height = segs[c].n;
		ri[c] = 0;
	}
	for (k = 0; k < height; k++) {
		md_line_start(r);
		for (c = 0; c < tb->ncols; c++) {
			if (c > 0)
				md_line_add(r, " │ ", strlen(" │ "), MD_DIM);
			md_table_piece(r, &tb->cells[row * tb->ncols + c],
			    k < segs[c].n ? &segs[c].v[k] : NULL, w[c], tb->align[c], &ri[c], extra);
		}
		(void)md_line_end(r, true);
	}
}

/* The rule under the header row. */
static void
md_table_rule(struct md_render *r, const int *w)
{
	size_t c;

	md_line_start(r);
	for (c = 0; c < r->table.ncols; c++) {
		if (c > 0)
			md_line_add(r, "─┼─", strlen("─┼─"), MD_DIM);
		md_line_repeat(r, "─", w[c], MD_DIM);
	}
	(void)md_line_end(r, false);
}

/* A table with too many columns for the room: each row a paragraph, cells parted by " │ ". */
static void
md_table_flat(struct md_render *r)
{
	struct md_table *tb = &r->table;
	struct md_text row;
	size_t i, c;

	md_text_init(&row);
	for (i = 0; i < tb->nrows; i++) {
		md_text_reset(&row);
		for (c = 0; c < tb->ncols; c++) {
			if (c > 0)
				md_put(&row, " │ ", strlen(" │ "), MD_DIM);
			md_text_copy(&row, &tb->cells[i * tb->ncols + c], i < tb->nhead ? MD_BOLD : 0);
		}
		(void)md_flow(r, &row, 0);
	}
	md_text_release(&row);
}

/* Lay out the table that ended: columns sized to fit, cells wrapped, dim rules. */
static void
md_table_end(struct md_render *r)
{
	struct md_table *tb = &r->table;
	struct md_segs *segs;
	size_t row, c, *ri;
	int room = md_room(r), *w;

	if (tb->ncols == 0 || tb->nrows == 0)
		goto out;
	if (tb->ncols > (unsigned int)room / 5) {
		md_table_flat(r);
		goto out;
	}
	room -= 3 * ((int)tb->ncols - 1);
	w = md_table_widths(tb, room);
	segs = xcalloc(tb->ncols, sizeof *segs);
	ri = xcalloc(tb->ncols, sizeof *ri);
	for (row = 0; row < tb->nrows; row++) {
		md_table_line(r, row, w, segs, ri);
		if (row + 1 == tb->nhead)
			md_table_rule(r, w);
	}
	for (c = 0; c < tb->ncols; c++)
		free(segs[c].v);
	free(segs);
	free(ri);
	free(w);
out:
	md_table_free(tb);
	r->leafopen = false;
}

/* ---- md4c callbacks ------------------------------------------------------ */

/* The language of a code block, sanitised, for its first line. */
static void
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
	if (ref->ulen > 0 && (ref->image || !md_same_url(r->in.text.data + ref->off,
	    r->in.text.len - ref->off, ref->url, ref->ulen))) {
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
		r->softbr = true;	/* a space, unless CJK text stands either side */
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

/*
 * The source as md4c gets it: a copy with each lone CR made U+FDD0,
 * followed by NUL bytes. md4c 0.4.8 reads past the size it is given: a
 * link destination at the very end takes a ')' after it for its end and
 * emits text out of bounds. Behind the copy that byte is a NUL.
 */
/* The code point that ends s[0..i), 0 at the start. */
static unsigned int
md_cp_before(const char *s, size_t i)
{
	size_t j = i;
	unsigned int cp;

	if (i == 0)
		return 0;
	for (j--; j > 0 && ((unsigned char)s[j] & 0xc0) == 0x80; j--)
		/* nothing */;
	return text_utf8_seq(s + j, i - j, &cp) != 0 ? cp : 0xfffd;
}

/* The code point at s[i], 0 at the end. */
static unsigned int
md_cp_at(const char *s, size_t len, size_t i)
{
	unsigned int cp;

	if (i >= len)
		return 0;
	return text_utf8_seq(s + i, len - i, &cp) != 0 ? cp : 0xfffd;
}

/* Unicode punctuation as CommonMark means it (ASCII punctuation, P and S categories). */
static bool
md_punct(unsigned int cp)
{
	utf8proc_category_t c;

	if (cp < 0x80)
		return cp > 0x20 && cp < 0x7f && !isalnum((int)cp);
	c = utf8proc_category((utf8proc_int32_t)cp);
	return (c >= UTF8PROC_CATEGORY_PC && c <= UTF8PROC_CATEGORY_PO) ||
	    (c >= UTF8PROC_CATEGORY_SM && c <= UTF8PROC_CATEGORY_SO);
}

static bool
md_space(unsigned int cp)
{
	return cp == 0 || cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' ||
	    utf8proc_category((utf8proc_int32_t)cp) == UTF8PROC_CATEGORY_ZS;
}

/*
 * CJK-friendly emphasis: a run of '*' between punctuation and text where one
 * side is CJK ("**注意：**正文", "文**「注意」**文") is not flanking by
 * CommonMark's rules, which were made for spaced scripts. A U+FDD1 between
 * the punctuation and the run makes it both left- and right-flanking (as
 * next to a letter), so it opens or closes as Chinese readers expect.
 */
static void
md_cjk_emphasis(const char *s, size_t len, struct buf *out)
{
	size_t i = 0, j;
	unsigned int p, nx;

	while (i < len) {
		if (s[i] != '*') {
			const char *star = memchr(s + i, '*', len - i);

			j = star != NULL ? (size_t)(star - s) : len;
			(void)buf_add(out, s + i, j - i);
			i = j;
			continue;
		}
		for (j = i; j < len && s[j] == '*'; j++)
			/* nothing */;
		p = md_cp_before(s, i);
		nx = md_cp_at(s, len, j);
		if (p != 0 && md_punct(p) && !md_space(nx) && (text_cjk(p) || text_cjk(nx)))
			(void)buf_add(out, md_cjkmark, 3);
		(void)buf_add(out, s + i, j - i);
		if (nx != 0 && md_punct(nx) && !md_space(p) && (text_cjk(p) || text_cjk(nx)))
			(void)buf_add(out, md_cjkmark, 3);
		i = j;
	}
}

static char *
md_source(const char *src, size_t *n)
{
	static const char pad[16];
	const char *p = src, *end = src + *n, *cr;
	struct buf b;

	buf_init(&b, SIZE_MAX / 2);
	while (p < end) {
		cr = memchr(p, '\r', (size_t)(end - p));
		if (cr == NULL)
			cr = end;
		md_cjk_emphasis(p, (size_t)(cr - p), &b);
		if (cr == end)
			break;
		if (cr + 1 < end && cr[1] == '\n')
			(void)buf_addc(&b, '\r');
		else
			(void)buf_add(&b, md_crmark, 3);
		p = cr + 1;
	}
	*n = b.len;
	(void)buf_add(&b, pad, sizeof pad);
	return buf_detach(&b, NULL);
}

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
