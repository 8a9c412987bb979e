/*
 * ui-consent-diff.c: the consent screens for Terms that changed since they
 * were accepted: "what changed", the list of changed sections, and the diff
 * of one section.
 */
#include "common.h"

#include "ui-consent-internal.h"

#include <curses.h>

#include "text.h"
#include "ui.h"

static void consent_changes_draw(struct ui *, void *);
static void consent_changes_key(struct ui *, void *, int);
static void consent_diff_draw(struct ui *, void *);
static void consent_diff_key(struct ui *, void *, int);

const struct ui_screen ui_consent_diff_changes_screen = { "consent-changes", consent_changes_draw,
	consent_changes_key, NULL };
static const struct ui_screen consent_diff_screen = { "consent-diff", consent_diff_draw,
	consent_diff_key, NULL };

/* ---- what changed ----------------------------------------------------------- */

/* Collect the changed sections of the diff, for the list. */
void
ui_consent_diff_changes_list(struct ui_consent *c)
{
	const struct terms_diff *d = c->cs.diff;
	size_t i;

	free(c->changes);
	c->changes = NULL;
	c->nchanges = 0;
	c->csel = c->ctop = 0;
	if (d == NULL)
		return;
	c->changes = xcalloc(d->nsections + 1, sizeof *c->changes);
	for (i = 0; i < d->nsections; i++)
		if (d->sections[i].kind != TERMS_SAME)
			c->changes[c->nchanges++] = i;
}

/* The name of changed section k of the list. */
static const char *
consent_change_name(const struct ui_consent *c, size_t k)
{
	const struct terms_section_diff *sd = &c->cs.diff->sections[c->changes[k]];

	if (sd->kind == TERMS_REMOVED)
		return terms_section_shown(c->cs.accepted_terms, sd->old_index);
	return terms_section_shown(c->cur.terms, sd->new_index);
}

/*
 * The points of the summary in changed sections (they come before the
 * sections, so the user sees which commitments moved) from row y; returns
 * the row after them.
 */
static int
consent_changes_points(struct ui *ui, struct ui_consent *c, int y, int rows, int cols, bool wide)
{
	char *points = consent_changed_points(c->cs.diff, c->cs.accepted_terms, c->cur.terms), *s;

	if (points != NULL)
		/* TRANSLATORS: %s lists the points: "I.1 minimum age; IV feedback" */
		s = xasprintf(wide ? _("Points of the summary in changed sections: %s.") :
				     _("Summary points in changed sections: %s."),
		    points);
	else
		s = xstrdup(_("No point of the summary lies in a changed section."));
	y = ui_widget_put_para(y, rows - 2, 1, cols - 2, s, ui_attr(ui, UI_BOLD));
	free(s);
	free(points);
	return y + (wide ? 1 : 0);
}

/* The introduction of "what changed" from row y, shorter when narrow; returns the row after it. */
static int
consent_changes_intro(struct ui *ui, struct ui_consent *c, int y, int rows, int cols)
{
	const struct terms *old = c->cs.accepted_terms, *t = c->cur.terms;
	const char *at = c->cs.accepted.at != NULL ? c->cs.accepted.at : "?";
	int attr = ui_attr(ui, UI_NORMAL);
	bool wide = cols >= 60 && rows >= 16;
	char *s;

	if (wide)
		s = xasprintf(
		    _("You accepted these Terms on %.10s (version %s, last updated %s). "
		      "They have changed since: the current version is %s, last updated %s."),
		    at, old->short_hash, old->date_label, t->short_hash, t->date_label);
	else
		s = xasprintf(
		    _("Changed since you accepted them on %.10s (last updated %s -> %s)."), at,
		    old->date_label, t->date_label);
	y = ui_widget_put_para(y, rows - 2, 1, cols - 2, s, attr) + (wide ? 1 : 0);
	free(s);
	if (c->msg != NULL)
		y = ui_widget_put_para(y, rows - 2, 1, cols - 2, c->msg, ui_attr(ui, c->msg_role)) +
		    (wide ? 1 : 0);
	if (c->nchanges > 0)
		y = consent_changes_points(ui, c, y, rows, cols, wide);
	if (c->nchanges == 0)
		s = xasprintf(_("Only the \"Last updated\" date changed (%s -> %s); the text is "
				"the same."),
		    old->date_label, t->date_label);
	else if (wide)
		s = xasprintf(P_("%zu section changed. Choose it and press Enter to see the "
				 "changes:",
				  "%zu sections changed. Choose one and press Enter to see the "
				  "changes:",
				  c->nchanges),
		    c->nchanges);
	else
		s = xasprintf(P_("%zu changed; Enter shows it:", "%zu changed; Enter shows one:",
				  c->nchanges),
		    c->nchanges);
	y = ui_widget_put_para(y, rows - 2, 1, cols - 2, s, attr);
	free(s);
	return y;
}

static void
consent_changes_draw(struct ui *ui, void *data)
{
	struct ui_consent *c = data;
	int rows, cols, y;
	size_t page, i, k;
	const char *hints;
	char *right;

	if (ui_consent_draw_start(ui, c))
		return;
	ui_size(ui, &rows, &cols);
	right = xasprintf(_("version %s -> %s"), c->cs.accepted_terms->short_hash,
	    c->cur.terms->short_hash);
	ui_bar(0, _("What changed in the Terms"), cols >= 64 ? right : NULL, ui_attr(ui, UI_BAR));
	free(right);
	y = consent_changes_intro(ui, c, rows < 16 ? 1 : 2, rows, cols) + (rows < 16 ? 0 : 1);
	page = y < rows - 1 ? (size_t)(rows - 1 - y) : 1;
	ui_widget_follow(c->csel, page, &c->ctop);
	for (i = 0; i < page && c->ctop + i <= c->nchanges; i++) {
		k = c->ctop + i;
		if (k < c->nchanges)
			ui_widget_put_item(ui, y + (int)i, cols, consent_change_name(c, k),
			    terms_change_shown(c->cs.diff->sections[c->changes[k]].kind),
			    k == c->csel, ui_attr(ui, UI_NORMAL));
		else
			ui_widget_put_item(ui, y + (int)i, cols, _("Continue to the summary ->"),
			    NULL, k == c->csel, ui_attr(ui, UI_BOLD));
	}
	/* TRANSLATORS: key hints: the long ones fit 64 columns, the short ones 40 */
	if (cols >= 64)
		hints = c->changes_back ?
		    _("Up/Down choose   Enter open   c continue   Esc back") :
		    _("Up/Down choose   Enter open   c continue   Esc decline");
	else
		hints = c->changes_back ? _("Enter open  c continue  Esc back") :
					  _("Enter open  c continue  Esc decline");
	ui_bar(rows - 1, hints, NULL, ui_attr(ui, UI_BAR));
	ui_consent_draw_end(c);
}

static void consent_diff_open(struct ui_consent *c, size_t k);

static void
consent_changes_key(struct ui *ui, void *data, int key)
{
	struct ui_consent *c = data;
	int rows, cols;

	if (!ui_consent_key_begin(ui, c, key, true))
		return;
	ui_size(ui, &rows, &cols);
	if (key == UI_KEY_ESC && !c->changes_back)
		c->to_decline(c);
	else if (key == UI_KEY_ESC || key == 'q' || key == 'c')
		c->to_summary(c);
	else if (!ui_consent_fits(ui))
		return;
	else if (ui_widget_move(key, (size_t)rows / 2, &c->csel, c->nchanges))
		return;
	else if (ui_widget_is_enter(key) && c->csel < c->nchanges)
		consent_diff_open(c, c->csel);
	else if (ui_widget_is_enter(key))
		c->to_summary(c);
}

/* ---- the diff of one section ------------------------------------------------ */

/* Add a line to the diff being shown. */
static void
consent_drow_add(struct ui_consent *c, char op, const char *text, size_t len, size_t hs, size_t he)
{
	struct consent_drow *r;

	c->drows = xreallocarray(c->drows, c->ndrows + 1, sizeof *c->drows);
	r = &c->drows[c->ndrows++];
	r->op = op;
	r->text = text;
	r->len = len;
	r->hs = hs;
	r->he = he;
}

/* Is line i of a changed section the first of a -/+ pair of one line each? */
static bool
consent_diff_pair(const struct terms_section_diff *sd, size_t i)
{
	const struct terms_diff_line *l = sd->lines;

	return l[i].op == '-' && i + 1 < sd->nlines && l[i + 1].op == '+' &&
	    (i + 2 >= sd->nlines || l[i + 2].op != '+') && (i == 0 || l[i - 1].op != '-');
}

/* The rows of a changed section, as line mode prints them (terms_diff_section). */
static void
consent_diff_changed(struct ui_consent *c, const struct terms_section_diff *sd)
{
	const struct terms_diff_line *l = sd->lines;
	bool *show = terms_diff_shown(sd);
	size_t i, j, last = CONSENT_NONE, pre, suf;

	for (i = 0; i < sd->nlines; i++) {
		if (!show[i] || (l[i].len == 0 && l[i].op == ' '))
			continue;
		for (j = last + 1; last != CONSENT_NONE && j < i && l[j].len == 0; j++)
			;
		if (last != CONSENT_NONE && j < i)
			consent_drow_add(c, '.', "...", 3, 0, 0);
		if (consent_diff_pair(sd, i)) {
			terms_line_change(l[i].text, l[i].len, l[i + 1].text, l[i + 1].len, &pre,
			    &suf);
			consent_drow_add(c, '-', l[i].text, l[i].len, pre, l[i].len - suf);
			consent_drow_add(c, '+', l[i + 1].text, l[i + 1].len, pre,
			    l[i + 1].len - suf);
			i++;
		} else
			consent_drow_add(c, l[i].op, l[i].text, l[i].len, 0, 0);
		last = i;
	}
	free(show);
}

/* The rows of a whole added or removed section: section i of t, each line marked op. */
static void
consent_diff_whole(struct ui_consent *c, const struct terms *t, size_t i, char op)
{
	const char *s = t->text + t->sections[i].start, *e = t->text + t->sections[i].end;
	const char *nl;

	while (e > s && e[-1] == '\n')
		e--;
	while (s < e) {
		if ((nl = memchr(s, '\n', (size_t)(e - s))) == NULL)
			nl = e;
		consent_drow_add(c, op, s, (size_t)(nl - s), 0, 0);
		s = nl + 1;
	}
}

/* Open the diff of changed section k of the list. */
static void
consent_diff_open(struct ui_consent *c, size_t k)
{
	const struct terms_section_diff *sd = &c->cs.diff->sections[c->changes[k]];

	free(c->drows);
	c->drows = NULL;
	c->ndrows = 0;
	c->dwidth = 0;
	c->dtop = 0;
	if (sd->kind == TERMS_CHANGED)
		consent_diff_changed(c, sd);
	else if (sd->kind == TERMS_ADDED)
		consent_diff_whole(c, c->cur.terms, sd->new_index, '+');
	else
		consent_diff_whole(c, c->cs.accepted_terms, sd->old_index, '-');
	ui_set_screen(c->ui, &consent_diff_screen, c);
}

/* Wrap the diff for cols columns (again only when the width changed). */
static void
consent_diff_layout(struct ui_consent *c, int cols)
{
	int w = cols - 4 < CONSENT_TEXT_COLS ? cols - 4 : CONSENT_TEXT_COLS;
	struct text_span *sp;
	size_t i, j, n;

	if (w == c->dwidth)
		return;
	free(c->dlines);
	c->dlines = NULL;
	c->ndlines = 0;
	c->dwidth = w;
	for (i = 0; i < c->ndrows; i++) {
		n = text_wrap(c->drows[i].text, c->drows[i].len, w, &sp);
		c->dlines = xreallocarray(c->dlines, c->ndlines + n, sizeof *c->dlines);
		for (j = 0; j < n; j++)
			c->dlines[c->ndlines++] = (struct consent_dline){ i, sp[j].off, sp[j].len };
		free(sp);
	}
}

/* Lay the diff out for the terminal; returns the lines a page shows. */
static size_t
consent_diff_page(struct ui *ui, struct ui_consent *c)
{
	int rows, cols;
	size_t page;

	ui_size(ui, &rows, &cols);
	consent_diff_layout(c, cols);
	page = (size_t)rows - 3;
	if (c->dtop > ui_widget_max_top(page, c->ndlines))
		c->dtop = ui_widget_max_top(page, c->ndlines);
	return page;
}

/* Draw screen line i of the diff at row y: removed and added lines, the changed words marked. */
static void
consent_diff_line(struct ui *ui, struct ui_consent *c, int y, size_t i)
{
	const struct consent_dline *dl = &c->dlines[i];
	const struct consent_drow *r = &c->drows[dl->row];
	enum ui_role role = r->op == '-' ? UI_REMOVED :
	    r->op == '+'		 ? UI_ADDED :
	    r->op == '.'		 ? UI_DIM :
					   UI_NORMAL;
	int attr = ui_attr(ui, role);
	size_t marks[2] = { r->hs, r->he };

	if (dl->off == 0 && (r->op == '-' || r->op == '+'))
		ui_put(y, 1, &r->op, 1, 1, attr);
	ui_widget_put_marked(y, 3, c->dwidth, r->text, dl->off, dl->len, attr, marks,
	    r->he > r->hs ? 1 : 0, attr | ui_attr(ui, UI_HILITE));
}

/* The legend over a diff of a section of that kind. */
static void
consent_diff_legend(struct ui *ui, int y, int cols, enum terms_change kind)
{
	const char *added = _("+ a new section"), *removed = _("- a section taken out");
	const char *minus = _("- removed"), *plus = _("+ added"), *words = _("changed words");
	int x = 1;

	if (kind == TERMS_ADDED) {
		ui_put(y, x, added, strlen(added), cols - 2, ui_attr(ui, UI_ADDED));
		return;
	}
	if (kind == TERMS_REMOVED) {
		ui_put(y, x, removed, strlen(removed), cols - 2, ui_attr(ui, UI_REMOVED));
		return;
	}
	/* each as wide as it is (display columns), within the line */
	x += ui_put(y, x, minus, strlen(minus), cols - 1 - x, ui_attr(ui, UI_REMOVED)) + 3;
	if (x < cols - 1)
		x += ui_put(y, x, plus, strlen(plus), cols - 1 - x, ui_attr(ui, UI_ADDED)) + 3;
	if (x < cols - 1)
		ui_put(y, x, words, strlen(words), cols - 1 - x, ui_attr(ui, UI_HILITE));
}

static void
consent_diff_draw(struct ui *ui, void *data)
{
	struct ui_consent *c = data;
	const struct terms_section_diff *sd = &c->cs.diff->sections[c->changes[c->csel]];
	size_t page, i;
	int rows, cols;
	char *left, right[32];

	if (ui_consent_draw_start(ui, c))
		return;
	ui_size(ui, &rows, &cols);
	page = consent_diff_page(ui, c);
	/* TRANSLATORS: a section and how it changed: "III. User Content (changed)" */
	left = xasprintf(_("%s (%s)"), consent_change_name(c, c->csel),
	    terms_change_shown(sd->kind));
	/* TRANSLATORS: which changed section of how many: "2 of 5"; at most 31 bytes */
	snprintf(right, sizeof right, _("%zu of %zu"), c->csel + 1, c->nchanges);
	ui_bar(0, left, right, ui_attr(ui, UI_BAR));
	free(left);
	consent_diff_legend(ui, 1, cols, sd->kind);
	for (i = 0; i < page && c->dtop + i < c->ndlines; i++)
		consent_diff_line(ui, c, 2 + (int)i, c->dtop + i);
	ui_bar(rows - 1,
	    /* TRANSLATORS: key hints: the long one fits 60 columns, the short one 40 */
	    cols >= 60 ? _("Up/Down PgUp/PgDn scroll   q back to the list") :
			 _("PgDn scroll  q back"),
	    NULL, ui_attr(ui, UI_BAR));
	ui_consent_draw_end(c);
}

static void
consent_diff_key(struct ui *ui, void *data, int key)
{
	struct ui_consent *c = data;
	size_t page;

	if (!ui_consent_key_begin(ui, c, key, false))
		return;
	if (key == UI_KEY_ESC || key == 'q' || ui_widget_is_enter(key) ||
	    ui_widget_is_backspace(key)) {
		ui_set_screen(ui, &ui_consent_diff_changes_screen, c);
		return;
	}
	if (!ui_consent_fits(ui))
		return;
	if (key == ' ')
		key = KEY_NPAGE;
	page = consent_diff_page(ui, c);
	ui_widget_move(key, page, &c->dtop, ui_widget_max_top(page, c->ndlines));
}
