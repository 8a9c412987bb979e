/*
 * ui-widget.c: the generic pieces of full-screen screens: one-line text
 * fields, key classes, scrolling and list windows, marked and wrapped text,
 * list rows.
 */
#include "common.h"

#include <curses.h>

#include "text.h"
#include "ui-keys.h"
#include "ui-widget.h"
#include "ui.h"

#define WIDGET_WHEEL 3	      /* lines one mouse wheel step moves */
#define WIDGET_FAR (1L << 40) /* a motion to the start or the end */

/* Remove the last character of a NUL-terminated string. */
void
ui_widget_chop(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && ((unsigned char)s[n - 1] & 0xc0) == 0x80)
		n--;
	if (n > 0)
		n--;
	s[n] = '\0';
}

/* Append a typed byte to a field of max bytes; false when it is full. */
bool
ui_widget_append(char *s, size_t max, int key)
{
	size_t n = strlen(s);

	if (n >= max)
		return false;
	s[n] = (char)key;
	s[n + 1] = '\0';
	return true;
}

/* Is key a byte of typed text (printable ASCII or part of a UTF-8 character)? */
bool
ui_widget_is_text(int key)
{
	return UI_KEY_IS_TEXT(key);
}

/* Is key Enter (CR with nonl, LF, or the keypad Enter)? */
bool
ui_widget_is_enter(int key)
{
	return key == UI_KEY_ENTER || key == UI_KEY_LF || key == KEY_ENTER;
}

/* Is key Backspace (DEL, ^H or the curses key)? */
bool
ui_widget_is_backspace(int key)
{
	return UI_KEY_IS_BACKSPACE(key);
}

/* The motion a key asks for in lines (WIDGET_FAR for Home and End); false if none. */
static bool
widget_motion(int key, size_t page, long *delta)
{
	long p = page > 1 ? (long)page - 1 : 1;
	MEVENT ev;

	switch (key) {
	case KEY_UP:
		*delta = -1;
		return true;
	case KEY_DOWN:
		*delta = 1;
		return true;
	case KEY_PPAGE:
		*delta = -p;
		return true;
	case KEY_NPAGE:
		*delta = p;
		return true;
	case KEY_HOME:
		*delta = -WIDGET_FAR;
		return true;
	case KEY_END:
		*delta = WIDGET_FAR;
		return true;
	case KEY_MOUSE:
		*delta = 0;
		if (getmouse(&ev) != OK)
			return true;
		if (ev.bstate & BUTTON4_PRESSED)
			*delta = -WIDGET_WHEEL;
		else if (ev.bstate & BUTTON5_PRESSED)
			*delta = WIDGET_WHEEL;
		return true;
	}
	return false;
}

/* Move *pos by the motion of key, within [0, max]; false if key is no motion. */
bool
ui_widget_move(int key, size_t page, size_t *pos, size_t max)
{
	long d;

	if (!widget_motion(key, page, &d))
		return false;
	if (d < 0)
		*pos = (size_t)-d > *pos ? 0 : *pos - (size_t)-d;
	else
		*pos = *pos + (size_t)d > max ? max : *pos + (size_t)d;
	return true;
}

/* The largest top line that still fills a page of a view of total lines. */
size_t
ui_widget_max_top(size_t page, size_t total)
{
	return total > page ? total - page : 0;
}

/* Keep item sel in a list window of page rows starting at *top. */
void
ui_widget_follow(size_t sel, size_t page, size_t *top)
{
	if (sel < *top)
		*top = sel;
	else if (page > 0 && sel >= *top + page)
		*top = sel - page + 1;
}

/*
 * Draw s[off, off + len) at (y, x) in at most maxcols columns, with the
 * bytes in the ranges (nr pairs of offsets into s, in order) in hattr.
 */
void
ui_widget_put_marked(int y, int x, int maxcols, const char *s, size_t off, size_t len, int attr,
    const size_t *r, size_t nr, int hattr)
{
	size_t pos = off, end = off + len, i, a, b;
	int used;

	for (i = 0; i < nr && maxcols > 0; i++) {
		a = r[2 * i] < pos ? pos : r[2 * i];
		b = r[2 * i + 1] > end ? end : r[2 * i + 1];
		if (a >= b)
			continue;
		used = ui_put(y, x, s + pos, a - pos, maxcols, attr);
		x += used;
		maxcols -= used;
		used = ui_put(y, x, s + a, b - a, maxcols, hattr);
		x += used;
		maxcols -= used;
		pos = b;
	}
	if (pos < end && maxcols > 0)
		ui_put(y, x, s + pos, end - pos, maxcols, attr);
}

/* Draw s wrapped to width columns from (y, x), not past row ymax; returns the next row. */
int
ui_widget_put_para(int y, int ymax, int x, int width, const char *s, int attr)
{
	struct text_span *sp;
	size_t n = text_wrap(s, strlen(s), width, &sp), i;

	for (i = 0; i < n && y <= ymax; i++, y++)
		ui_put(y, x, s + sp[i].off, sp[i].len, width, attr);
	free(sp);
	return y;
}

/* Draw a list row: selected rows fill the width in the highlight. */
void
ui_widget_put_item(struct ui *ui, int y, int cols, const char *left, const char *right,
    bool selected, int attr)
{
	int rw = right != NULL ? text_width(right, strlen(right)) : 0;

	if (selected) {
		attr = ui_attr(ui, UI_HILITE);
		attron(attr);
		mvhline(y, 0, ' ', cols);
		attroff(attr);
		ui_put(y, 0, ">", 1, 1, attr);
	}
	ui_put(y, 2, left, strlen(left), cols - rw - 5, attr);
	if (right != NULL)
		ui_put(y, cols - rw - 2, right, strlen(right), rw, attr);
}
