/* ui-history.c: the /history screen: pick a past conversation, with search. */
#include "common.h"

#include "ui-history.h"

#include <curses.h>

#include "buf.h"
#include "store.h"
#include "text.h"
#include "ui-keys.h"
#include "ui.h"

#define HISTORY_MAX 2000 /* rows listed at most */

struct history_row {
	int64_t id;
	char *line; /* what the list shows (sanitised) */
};

struct ui_history {
	struct ui *ui;
	void (*on_pick)(int64_t id, void *arg);
	void *arg;
	struct history_row *rows;
	size_t nrows;
	size_t sel;
	size_t top;
	struct buf query;
	bool searching; /* typing into the search field */
	char *error;
};

static void
history_clear(struct ui_history *h)
{
	size_t i;

	for (i = 0; i < h->nrows; i++)
		free(h->rows[i].line);
	free(h->rows);
	h->rows = NULL;
	h->nrows = h->sel = h->top = 0;
	free(h->error);
	h->error = NULL;
}

/* A row of the list from untrusted text: controls made visible, one line. */
static void
history_add(struct ui_history *h, int64_t id, const char *when, int64_t n, const char *what)
{
	struct text_sanitizer san;
	struct buf b;
	size_t i;

	if (h->nrows >= HISTORY_MAX)
		return;
	buf_init(&b, 0);
	buf_addf(&b, "%5lld  %.16s  %4lld  ", (long long)id, when != NULL ? when : "",
	    (long long)n);
	text_sanitizer_init(&san, TEXT_VISIBLE);
	text_sanitize(&san, what != NULL ? what : "", what != NULL ? strlen(what) : 0, &b);
	text_sanitize_finish(&san, &b);
	for (i = 0; i < b.len; i++)
		if (b.data[i] == '\n' || b.data[i] == '\t')
			b.data[i] = ' ';
	h->rows = xreallocarray(h->rows, h->nrows + 1, sizeof *h->rows);
	h->rows[h->nrows].id = id;
	h->rows[h->nrows].line = buf_detach(&b, NULL);
	h->nrows++;
}

static int
history_list_cb(const struct store_conversation *c, void *arg)
{
	history_add(arg, c->id, c->updated, c->messages, c->title);
	return ((struct ui_history *)arg)->nrows >= HISTORY_MAX;
}

static int
history_search_cb(const struct store_log_hit *hit, void *arg)
{
	history_add(arg, hit->conversation, hit->updated, hit->matches, hit->title);
	return ((struct ui_history *)arg)->nrows >= HISTORY_MAX;
}

/* Fill the list: every conversation, or those matching the query. */
static void
history_load(struct ui_history *h)
{
	struct store *st;
	char *cause = NULL;
	int r;

	history_clear(h);
	if ((st = app_store(ui_app(h->ui), &cause)) == NULL)
		r = -1;
	else if (h->query.len > 0)
		r = store_log_search(st, h->query.data, history_search_cb, h, &cause);
	else
		r = store_log_list(st, history_list_cb, h, &cause);
	if (r != 0)
		h->error = cause;
}

/* Append s padded with blanks to width display columns, on the left when right. */
static void
history_pad(struct buf *b, const char *s, int width, bool right)
{
	int w = text_width(s, strlen(s));

	if (!right)
		buf_adds(b, s);
	for (; w < width; w++)
		buf_addc(b, ' ');
	if (right)
		buf_adds(b, s);
}

/* The heading of the list, in the columns of its rows (history_add). */
static char *
history_heading(void)
{
	struct buf b;

	buf_init(&b, 0);
	/* TRANSLATORS: column headings of /history: at most 5, 16 and 4 columns wide */
	history_pad(&b, _("id"), 5, true);
	buf_adds(&b, "  ");
	history_pad(&b, _("updated (UTC)"), 16, false);
	buf_adds(&b, "  ");
	history_pad(&b, _("msgs"), 4, true);
	buf_adds(&b, "  ");
	buf_adds(&b, _("title"));
	return buf_detach(&b, NULL);
}

static void
history_draw(struct ui *ui, void *data)
{
	struct ui_history *h = data;
	int rows, cols, y, list, sw;
	const char *search = _("search: ");
	char *title, *heading;
	size_t i;

	erase();
	if (ui_too_small(ui, 40, 12))
		return;
	ui_size(ui, &rows, &cols);
	/* the whole query: ui_bar cuts it to the screen between characters */
	title = h->query.len > 0 ?
	    /* TRANSLATORS: the title of /history's search results; %s is what was searched */
	    xasprintf(_("conversations with \"%s\""), h->query.data) :
	    xstrdup(_("conversations, newest first"));
	ui_bar(0, title, NULL, ui_attr(ui, UI_BAR));
	free(title);
	heading = history_heading();
	ui_put(1, 0, heading, strlen(heading), cols, ui_attr(ui, UI_DIM));
	free(heading);
	list = rows - 4;
	if (h->sel < h->top)
		h->top = h->sel;
	if (h->sel >= h->top + (size_t)list)
		h->top = h->sel - (size_t)list + 1;
	for (i = h->top, y = 2; i < h->nrows && y < 2 + list; i++, y++)
		ui_put(y, 0, h->rows[i].line, strlen(h->rows[i].line), cols,
		    i == h->sel ? ui_attr(ui, UI_HILITE) : 0);
	if (h->error != NULL)
		ui_put(2, 0, h->error, strlen(h->error), cols, ui_attr(ui, UI_ERROR));
	else if (h->nrows == 0)
		ui_put(2, 0, _("no conversations"), strlen(_("no conversations")), cols,
		    ui_attr(ui, UI_DIM));
	sw = text_width(search, strlen(search));
	if (h->searching) {
		ui_put(rows - 2, 0, search, strlen(search), cols, ui_attr(ui, UI_FIELD));
		ui_put(rows - 2, sw, h->query.data, h->query.len, cols - sw, ui_attr(ui, UI_FIELD));
	}
	const char *hints[] = {
		/* TRANSLATORS: key hints of /history, widest first; the last must fit in 37 columns */
		_("Up/Down choose  Enter continue it  / search  Esc back"),
		_("Enter continue  / search  Esc back"),
	};

	ui_bar(rows - 1,
	    h->searching ? _("Enter search  Esc cancel") : ui_fit(cols - 3, hints, nitems(hints)),
	    NULL, ui_attr(ui, UI_DIM));
	if (h->searching) {
		/* the cursor in the field, where an input method opens its candidates */
		int x = sw + text_width(h->query.data, h->query.len);

		move(rows - 2, x < cols ? x : cols - 1);
		curs_set(1);
	} else
		curs_set(0);
}

/* Take the last character (all its UTF-8 bytes) off the query. */
static void
history_backspace(struct ui_history *h)
{
	while (h->query.len > 0 && (h->query.data[h->query.len - 1] & 0xc0) == 0x80)
		h->query.len--;
	if (h->query.len > 0)
		h->query.len--;
	h->query.data[h->query.len] = '\0';
}

static void
history_done(struct ui_history *h, int64_t id)
{
	history_clear(h);
	buf_reset(&h->query);
	h->searching = false;
	h->on_pick(id, h->arg);
}

static void
history_key(struct ui *ui, void *data, int key)
{
	struct ui_history *h = data;

	if (h->searching) {
		if (key == UI_KEY_ENTER) {
			h->searching = false;
			history_load(h);
		} else if (key == UI_KEY_ESC) {
			h->searching = false;
		} else if (UI_KEY_IS_BACKSPACE(key)) {
			history_backspace(h);
		} else if (UI_KEY_IS_TEXT(key))
			buf_addc(&h->query, (char)key);
		ui_dirty(ui);
		return;
	}
	if (key == KEY_UP && h->sel > 0)
		h->sel--;
	else if (key == KEY_DOWN && h->sel + 1 < h->nrows)
		h->sel++;
	else if (key == KEY_PPAGE)
		h->sel = h->sel > 10 ? h->sel - 10 : 0;
	else if (key == KEY_NPAGE)
		h->sel = h->sel + 10 < h->nrows ? h->sel + 10 : h->nrows > 0 ? h->nrows - 1 : 0;
	else if (key == '/') {
		h->searching = true;
		buf_reset(&h->query);
	} else if (key == UI_KEY_ENTER && h->nrows > 0)
		history_done(h, h->rows[h->sel].id);
	else if (key == UI_KEY_ESC || key == 'q' || key == UI_KEY_CTRL('c'))
		history_done(h, 0);
	ui_dirty(ui);
}

static const struct ui_screen history_screen = { "history", history_draw, history_key, NULL };

struct ui_history *
ui_history_new(struct ui *ui, void (*on_pick)(int64_t id, void *arg), void *arg)
{
	struct ui_history *h = xcalloc(1, sizeof *h);

	h->ui = ui;
	h->on_pick = on_pick;
	h->arg = arg;
	buf_init(&h->query, 1024);
	return h;
}

void
ui_history_free(struct ui_history *h)
{
	if (h == NULL)
		return;
	history_clear(h);
	buf_release(&h->query);
	free(h);
}

void
ui_history_open(struct ui_history *h)
{
	history_clear(h);
	buf_reset(&h->query);
	h->searching = false;
	history_load(h);
	ui_set_screen(h->ui, &history_screen, h);
}
