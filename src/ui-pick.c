/* ui-pick.c: pick a name from a list (ui-pick.h). */
#include "common.h"

#include "ui-pick.h"

#include <curses.h>

#include "buf.h"
#include "text.h"
#include "ui-keys.h"
#include "ui.h"

struct pick {
	struct ui *ui;
	char *title;
	char **names; /* as given, for on_pick */
	char **shown; /* sanitised, one line */
	size_t n;
	size_t sel;
	size_t top;
	void (*on_pick)(const char *name, void *arg);
	void *arg;
};

static struct pick pick;

/* Untrusted text (a server's model id) on one visible line, allocated. */
static char *
pick_clean(const char *s)
{
	return text_clean_str(s, strlen(s), TEXT_VISIBLE, TEXT_CLEAN_ONELINE, NULL);
}

static void
pick_draw(struct ui *ui, void *data)
{
	struct pick *p = data;
	int rows, cols, y, list;
	size_t i;

	erase();
	if (ui_too_small(ui, 30, 8))
		return;
	ui_size(ui, &rows, &cols);
	ui_bar(0, p->title, NULL, ui_attr(ui, UI_BAR));
	list = rows - 3;
	if (p->sel < p->top)
		p->top = p->sel;
	if (p->sel >= p->top + (size_t)list)
		p->top = p->sel - (size_t)list + 1;
	for (i = p->top, y = 1; i < p->n && y < 1 + list; i++, y++) {
		ui_put(y, 0, i == p->sel ? "> " : "  ", 2, cols,
		    i == p->sel ? ui_attr(ui, UI_HILITE) : 0);
		ui_put(y, 2, p->shown[i], strlen(p->shown[i]), cols - 2,
		    i == p->sel ? ui_attr(ui, UI_HILITE) : 0);
	}
	const char *hints[] = {
		/* TRANSLATORS: key hints of a list to pick from; the last must fit in 37 columns */
		_("Up/Down choose  Enter use it  Esc cancel"),
		_("Enter use it  Esc cancel"),
	};

	ui_bar(rows - 1, ui_fit(cols - 3, hints, nitems(hints)), NULL, ui_attr(ui, UI_DIM));
}

static void
pick_close(struct pick *p, size_t which)
{
	char *name = which < p->n ? xstrdup(p->names[which]) : NULL;
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->names[i]);
		free(p->shown[i]);
	}
	free(p->names);
	free(p->shown);
	free(p->title);
	p->names = p->shown = NULL;
	p->n = 0;
	p->on_pick(name, p->arg);
	free(name);
}

static void
pick_key(struct ui *ui, void *data, int key)
{
	struct pick *p = data;

	if (key == KEY_UP && p->sel > 0)
		p->sel--;
	else if (key == KEY_DOWN && p->sel + 1 < p->n)
		p->sel++;
	else if (key == KEY_PPAGE)
		p->sel = p->sel > 10 ? p->sel - 10 : 0;
	else if (key == KEY_NPAGE)
		p->sel = p->sel + 10 < p->n ? p->sel + 10 : p->n - 1;
	else if (key == KEY_HOME)
		p->sel = 0;
	else if (key == KEY_END)
		p->sel = p->n - 1;
	else if (key == UI_KEY_ENTER || key == UI_KEY_LF) {
		pick_close(p, p->sel);
		return;
	} else if (key == UI_KEY_ESC || key == 'q' || key == UI_KEY_CTRL('c')) {
		pick_close(p, SIZE_MAX);
		return;
	}
	ui_dirty(ui);
}

static const struct ui_screen pick_screen = { "pick", pick_draw, pick_key, NULL };

void
ui_pick_open(struct ui *ui, const char *title, const char *const *names, size_t n, size_t sel,
    void (*on_pick)(const char *name, void *arg), void *arg)
{
	struct pick *p = &pick;
	size_t i;

	memset(p, 0, sizeof *p);
	p->ui = ui;
	p->title = xstrdup(title);
	p->names = xcalloc(n, sizeof *p->names);
	p->shown = xcalloc(n, sizeof *p->shown);
	for (i = 0; i < n; i++) {
		p->names[i] = xstrdup(names[i]);
		p->shown[i] = pick_clean(names[i]);
	}
	p->n = n;
	p->sel = sel < n ? sel : 0;
	p->on_pick = on_pick;
	p->arg = arg;
	ui_set_screen(ui, &pick_screen, p);
	ui_dirty(ui);
}
