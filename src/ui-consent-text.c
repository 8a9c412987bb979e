/*
 * ui-consent-text.c: the full-text viewer of the consent screens (scrolling
 * and search) and its section index.
 */
#include "common.h"

#include "ui-consent-internal.h"

#include <curses.h>
#include <strings.h>

#include "markdown.h"
#include "text.h"
#include "ui.h"

#define CONSENT_MARKS 32 /* highlighted ranges on one screen line */

static void consent_view_draw(struct ui *, void *);
static void consent_view_key(struct ui *, void *, int);
static void consent_index_draw(struct ui *, void *);
static void consent_index_key(struct ui *, void *, int);

const struct ui_screen ui_consent_text_screen = { "consent-text", consent_view_draw,
	consent_view_key, NULL };
static const struct ui_screen consent_index_screen = { "consent-index", consent_index_draw,
	consent_index_key, NULL };

/* ---- full text ---------------------------------------------------------- */

/* Which section byte off of the current text is in. */
static size_t
consent_section_at(const struct terms *t, size_t off)
{
	size_t i = t->nsections;

	while (i-- > 1)
		if (t->sections[i].start <= off)
			return i;
	return 0;
}

/* Does a section heading start at byte off? */
static bool
consent_is_heading(const struct terms *t, size_t off)
{
	size_t i;

	for (i = 1; i < t->nsections; i++)
		if (t->sections[i].start == off)
			return true;
	return false;
}

/* The screen line that shows byte off. */
static size_t
consent_line_at(const struct ui_consent *c, size_t off)
{
	size_t lo = 0, hi = c->nlines, mid;

	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (c->lines[mid].off <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Render text[bs, be) as Markdown into c->doc; its lines get source offsets
 * spread over the block (the first at bs), and the empty line that separates
 * it from the block before gets prev, where that block ended.
 */
static void
consent_view_block(struct ui_consent *c, size_t bs, size_t be, size_t prev, int w)
{
	const struct terms *t = c->cur.terms;
	size_t first = c->doc.nlines, n, k, sep = first > 0 ? 1 : 0;

	markdown_render(t->text + bs, be - bs, w, &c->doc);
	n = c->doc.nlines - first;
	c->lines = xreallocarray(c->lines, c->doc.nlines > 0 ? c->doc.nlines : 1, sizeof *c->lines);
	for (k = 0; k < n; k++)
		c->lines[first + k].off = k < sep ? prev : bs + (be - bs) * (k - sep) / (n - sep);
}

/*
 * The text as Markdown, block by block (a block ends at a blank line or
 * before a section heading), so that each screen line knows about where in
 * the text it is: for sections, search and how much was shown.
 */
static void
consent_view_render(struct ui_consent *c, int w)
{
	const struct terms *t = c->cur.terms;
	size_t p = 0, eol, bs = 0, prev = 0, i;
	bool in = false, blank;

	markdown_doc_release(&c->doc);
	free(c->lines);
	c->lines = NULL;
	while (p < t->len) {
		eol = p;
		while (eol < t->len && t->text[eol] != '\n')
			eol++;
		blank = strspn(t->text + p, " \t\r") >= eol - p;
		if (in && (blank || consent_is_heading(t, p))) {
			consent_view_block(c, bs, p, prev, w);
			prev = p;
			in = false;
		}
		if (!blank && !in) {
			bs = p;
			in = true;
		}
		p = eol < t->len ? eol + 1 : eol;
	}
	if (in)
		consent_view_block(c, bs, t->len, prev, w);
	c->nlines = c->doc.nlines;
	for (i = 0; i < c->nlines; i++)
		c->lines[i].len = (i + 1 < c->nlines ? c->lines[i + 1].off : t->len) -
		    c->lines[i].off;
}

/* Render the text for cols columns (again only when the width changed), keeping the top. */
static void
consent_view_layout(struct ui_consent *c, int cols)
{
	int w = cols - 2 < CONSENT_TEXT_COLS ? cols - 2 : CONSENT_TEXT_COLS;
	size_t off;

	if (w == c->lines_width)
		return;
	off = c->top < c->nlines ? c->lines[c->top].off : 0;
	consent_view_render(c, w);
	c->lines_width = w;
	c->top = consent_line_at(c, off);
}

/* Lay the text out for the terminal; returns the lines a page shows. */
static size_t
consent_view_page(struct ui *ui, struct ui_consent *c)
{
	int rows, cols;

	ui_size(ui, &rows, &cols);
	consent_view_layout(c, cols);
	if (c->top > ui_widget_max_top((size_t)rows - 2, c->nlines))
		c->top = ui_widget_max_top((size_t)rows - 2, c->nlines);
	return (size_t)rows - 2;
}

/* The byte just past what a page of the viewer shows. */
static size_t
consent_view_end(const struct ui_consent *c, size_t page)
{
	size_t last = c->top + page;

	if (last >= c->nlines)
		return c->cur.terms->len;
	return c->lines[last - 1].off + c->lines[last - 1].len;
}

/* Does the query match at byte off? */
static bool
consent_match_at(const struct ui_consent *c, size_t off)
{
	const struct terms *t = c->cur.terms;
	size_t n = strlen(c->query);

	if (n == 0 || off + n > t->len)
		return false;
	return c->icase ? strncasecmp(t->text + off, c->query, n) == 0 :
			  memcmp(t->text + off, c->query, n) == 0;
}

/* Where the query matches in a rendered line's text: pairs of offsets into marks. */
static size_t
consent_line_marks(const struct ui_consent *c, const char *plain, size_t *marks)
{
	size_t q = strlen(c->query), len = strlen(plain), n = 0, off;

	for (off = 0; q > 0 && off + q <= len && n < CONSENT_MARKS; off++) {
		if (c->icase ? strncasecmp(plain + off, c->query, q) != 0 :
			       memcmp(plain + off, c->query, q) != 0)
			continue;
		marks[2 * n] = off;
		marks[2 * n + 1] = off + q;
		n++;
		off += q - 1;
	}
	return n;
}

/* Draw screen line i of the rendered text at row y: its styles, headings bold, matches marked. */
static void
consent_view_line(struct ui *ui, struct ui_consent *c, int y, size_t i)
{
	const struct md_line *l = &c->doc.lines[i];
	char *plain = markdown_line_text(l);
	size_t marks[2 * CONSENT_MARKS], n = consent_line_marks(c, plain, marks), pos = 0, k;
	int x = 1, left = c->lines_width, w, base = 0;

	if (consent_is_heading(c->cur.terms, c->lines[i].off))
		base = ui_attr(ui, UI_BOLD);
	for (k = 0; k < l->nspans && left > 0; k++) {
		w = text_width(l->spans[k].text, l->spans[k].len);
		ui_widget_put_marked(y, x, left, plain, pos, l->spans[k].len,
		    ui_md_attr(ui, l->spans[k].style) | base, marks, n, ui_attr(ui, UI_HILITE));
		pos += l->spans[k].len;
		x += w;
		left -= w;
	}
	free(plain);
}

/* The bottom bar of the viewer: the search being typed, a message, or the keys. */
static void
consent_view_bar(struct ui *ui, struct ui_consent *c, int y, int cols)
{
	int attr = ui_attr(ui, UI_BAR);
	char *s;

	if (c->searching) {
		s = xasprintf(_("Search: %s"), c->query_in);
		/* TRANSLATORS: key hints shown at 72 columns or more */
		ui_bar(y, s, cols >= 72 ? _("capitals match case  Enter find  Esc cancel") : NULL,
		    attr);
		c->cur_y = y;
		c->cur_x = 1 + text_width(s, strlen(s));
		free(s);
	} else if (c->msg != NULL)
		ui_bar(y, c->msg, NULL, attr);
	else if (cols >= 80)
		ui_bar(y,
		    /* TRANSLATORS: key hints: these fit 80 columns, the next one 40 */
		    c->from_chat ? _("PgUp/PgDn Home/End  i sections  / search  n/N next/prev  "
				     "q back to chat") :
				   _("PgUp/PgDn Home/End  i sections  / search  n/N next/prev  "
				     "q back"),
		    NULL, attr);
	else
		ui_bar(y, _("i sections  / search  n N  q back"), NULL, attr);
}

static void
consent_view_draw(struct ui *ui, void *data)
{
	struct ui_consent *c = data;
	const struct terms *t = c->cur.terms;
	size_t page, i, end;
	int rows, cols;
	char *left, right[16];
	const char *name;

	if (ui_consent_draw_start(ui, c))
		return;
	ui_size(ui, &rows, &cols);
	page = consent_view_page(ui, c);
	for (i = 0; i < page && c->top + i < c->nlines; i++)
		consent_view_line(ui, c, 1 + (int)i, c->top + i);
	end = consent_view_end(c, page);
	if (end > c->shown)
		c->shown = end;
	name = terms_section_shown(t,
	    consent_section_at(t, c->nlines > 0 ? c->lines[c->top].off : 0));
	left = cols >= 70 ? xasprintf("%s: %s", t->title, name) : xstrdup(name);
	snprintf(right, sizeof right, "%d%%", ui_consent_pct(c, end));
	ui_bar(0, left, right, ui_attr(ui, UI_BAR));
	free(left);
	consent_view_bar(ui, c, rows - 1, cols);
	ui_consent_draw_end(c);
}

/* Find the query from byte from, forward or backward; CONSENT_NONE when it is not there. */
static size_t
consent_find(const struct ui_consent *c, size_t from, bool forward)
{
	size_t off, len = c->cur.terms->len;

	if (forward) {
		for (off = from; off < len; off++)
			if (consent_match_at(c, off))
				return off;
		return CONSENT_NONE;
	}
	for (off = from < len ? from : len; off-- > 0;)
		if (consent_match_at(c, off))
			return off;
	return CONSENT_NONE;
}

/* Which match the one at byte at is (*k, from 1), of *n in the text. */
static void
consent_count(const struct ui_consent *c, size_t at, size_t *k, size_t *n)
{
	size_t off;

	*k = *n = 0;
	for (off = 0; off < c->cur.terms->len; off++) {
		if (!consent_match_at(c, off))
			continue;
		(*n)++;
		if (off <= at)
			(*k)++;
	}
}

/* Go to the next match from byte from (the previous before it), wrapping around. */
static void
consent_search_from(struct ui_consent *c, size_t from, bool forward)
{
	size_t off = consent_find(c, from, forward), k, n, line;
	bool wrapped = false;

	if (off == CONSENT_NONE) {
		off = consent_find(c, forward ? 0 : c->cur.terms->len, forward);
		wrapped = true;
	}
	if (off == CONSENT_NONE) {
		c->match = CONSENT_NONE;
		ui_consent_msg(c, UI_BAR, _("'%s' is not in the text"), c->query);
		return;
	}
	c->match = off;
	consent_count(c, off, &k, &n);
	/* TRANSLATORS: the search, which match of how many; then key hints */
	if (!wrapped)
		ui_consent_msg(c, UI_BAR, _("'%s': match %zu of %zu   n next  N previous"),
		    c->query, k, n);
	else if (forward)
		ui_consent_msg(c, UI_BAR,
		    _("'%s': match %zu of %zu (from the top)   n next  N previous"), c->query, k,
		    n);
	else
		ui_consent_msg(c, UI_BAR,
		    _("'%s': match %zu of %zu (from the end)   n next  N previous"), c->query, k,
		    n);
	line = consent_line_at(c, off);
	c->top = line > 2 ? line - 2 : 0; /* the match near the top, as less does */
}

/* n and N: the next or previous match of the last search. */
static void
consent_search_next(struct ui_consent *c, bool forward)
{
	size_t from;

	if (c->query[0] == '\0') {
		ui_consent_msg(c, UI_BAR, "%s", _("nothing to repeat: press / to search"));
		return;
	}
	if (c->match == CONSENT_NONE)
		from = c->lines[c->top].off;
	else
		from = forward ? c->match + 1 : c->match;
	consent_search_from(c, from, forward);
}

/* Keys while a search is typed in the bottom bar. */
static void
consent_search_key(struct ui_consent *c, int key)
{
	const char *p;

	if (key == UI_KEY_ESC) {
		c->searching = false;
	} else if (ui_widget_is_enter(key)) {
		c->searching = false;
		if (c->query_in[0] != '\0')
			memcpy(c->query, c->query_in, sizeof c->query);
		if (c->query[0] == '\0')
			return;
		c->icase = true;
		for (p = c->query; *p != '\0'; p++)
			if (*p >= 'A' && *p <= 'Z')
				c->icase = false;
		consent_search_from(c, c->lines[c->top].off, true);
	} else if (ui_widget_is_backspace(key)) {
		if (c->query_in[0] == '\0')
			c->searching = false;
		ui_widget_chop(c->query_in);
	} else if (ui_widget_is_text(key))
		ui_widget_append(c->query_in, CONSENT_QUERY_MAX, key);
}

/* Leave the viewer: back to chat (through on_close) or to the summary. */
static void
consent_view_close(struct ui_consent *c)
{
	if (c->from_chat) {
		c->from_chat = false;
		if (c->on_close != NULL)
			c->on_close(c->arg);
		return;
	}
	c->to_summary(c);
}

/* Open the section index at the section on the screen. */
static void
consent_index_open(struct ui_consent *c)
{
	c->isel = consent_section_at(c->cur.terms, c->nlines > 0 ? c->lines[c->top].off : 0);
	ui_set_screen(c->ui, &consent_index_screen, c);
}

/* Keys of the viewer that are not motions. */
static void
consent_view_command(struct ui_consent *c, int key)
{
	switch (key) {
	case 'i':
	case '\t':
		consent_index_open(c);
		break;
	case '/':
		c->searching = true;
		c->query_in[0] = '\0';
		break;
	case 'n':
		consent_search_next(c, true);
		break;
	case 'N':
		consent_search_next(c, false);
		break;
	case 'q':
	case UI_KEY_ESC:
		consent_view_close(c);
		break;
	}
}

static void
consent_view_key(struct ui *ui, void *data, int key)
{
	struct ui_consent *c = data;
	size_t page;

	if (!ui_consent_key_begin(ui, c, key, true))
		return;
	if (!ui_consent_fits(ui)) {
		if (key == 'q' || key == UI_KEY_ESC)
			consent_view_close(c);
		return;
	}
	page = consent_view_page(ui, c);
	if (c->searching) {
		consent_search_key(c, key);
		return;
	}
	if (key == ' ')
		key = KEY_NPAGE;
	else if (key == 'b')
		key = KEY_PPAGE;
	if (!ui_widget_move(key, page, &c->top, ui_widget_max_top(page, c->nlines)))
		consent_view_command(c, key);
}

/* ---- section index -------------------------------------------------------- */

static void
consent_index_draw(struct ui *ui, void *data)
{
	struct ui_consent *c = data;
	const struct terms *t = c->cur.terms;
	int rows, cols;
	size_t page, i;
	char right[32], pct[16];

	if (ui_consent_draw_start(ui, c))
		return;
	ui_size(ui, &rows, &cols);
	page = (size_t)rows - 2;
	ui_widget_follow(c->isel, page, &c->itop);
	snprintf(right, sizeof right, P_("%zu section", "%zu sections", t->nsections - 1),
	    t->nsections - 1);
	ui_bar(0, _("Sections of the Terms"), right, ui_attr(ui, UI_BAR));
	for (i = 0; i < page && c->itop + i < t->nsections; i++) {
		size_t k = c->itop + i;

		/* TRANSLATORS: where a section starts in the text: "at 37%"; at most 15 bytes */
		snprintf(pct, sizeof pct, _("at %d%%"), ui_consent_pct(c, t->sections[k].start));
		ui_widget_put_item(ui, 1 + (int)i, cols, terms_section_shown(t, k), pct,
		    k == c->isel, ui_attr(ui, UI_NORMAL));
	}
	ui_bar(rows - 1,
	    /* TRANSLATORS: key hints: the long one fits 60 columns, the short one 40 */
	    cols >= 60 ? _("Up/Down choose   Enter go to the section   Esc back") :
			 _("Enter go there  Esc back"),
	    NULL, ui_attr(ui, UI_BAR));
	ui_consent_draw_end(c);
}

static void
consent_index_key(struct ui *ui, void *data, int key)
{
	struct ui_consent *c = data;
	const struct terms *t = c->cur.terms;
	int rows, cols;

	if (!ui_consent_key_begin(ui, c, key, false))
		return;
	ui_size(ui, &rows, &cols);
	if (key == UI_KEY_ESC || key == 'q' || key == 'i' || key == '\t')
		ui_set_screen(ui, &ui_consent_text_screen, c);
	else if (!ui_consent_fits(ui))
		return;
	else if (ui_widget_move(key, (size_t)rows - 2, &c->isel, t->nsections - 1))
		return;
	else if (ui_widget_is_enter(key)) {
		c->top = consent_line_at(c, t->sections[c->isel].start);
		c->match = CONSENT_NONE;
		ui_set_screen(ui, &ui_consent_text_screen, c);
	}
}
