/*
 * ui-widget.h: generic widgets of the full-screen UI, used by the consent
 * screens and free for any screen: one-line fields (NUL-terminated byte
 * strings), key classes, scrolling a view or a list window, and drawing
 * marked text, wrapped paragraphs and list rows. Only curses and ui.h.
 */
#ifndef CONFAB_UI_WIDGET_H
#define CONFAB_UI_WIDGET_H

#include <stdbool.h>
#include <stddef.h>

struct ui;

/* Remove the last character of a NUL-terminated string. */
void ui_widget_chop(char *s);

/* Append a typed byte to a field of max bytes (max + 1 with the NUL); false when it is full. */
bool ui_widget_append(char *s, size_t max, int key);

/* Is key a byte of typed text; Enter; Backspace? */
bool ui_widget_is_text(int key);
bool ui_widget_is_enter(int key);
bool ui_widget_is_backspace(int key);

/* Move *pos by the motion of key, within [0, max]; false if key is no motion. */
bool ui_widget_move(int key, size_t page, size_t *pos, size_t max);

/* The largest top line that still fills a page of a view of total lines. */
size_t ui_widget_max_top(size_t page, size_t total);

/* Keep item sel in a list window of page rows starting at *top. */
void ui_widget_follow(size_t sel, size_t page, size_t *top);

/*
 * Draw s[off, off + len) at (y, x) in at most maxcols columns, with the
 * bytes in the ranges (nr pairs of offsets into s, in order) in hattr.
 */
void ui_widget_put_marked(int y, int x, int maxcols, const char *s, size_t off, size_t len,
    int attr, const size_t *r, size_t nr, int hattr);

/* Draw s wrapped to width columns from (y, x), not past row ymax; returns the next row. */
int ui_widget_put_para(int y, int ymax, int x, int width, const char *s, int attr);

/* Draw a list row: selected rows fill the width in the highlight. */
void ui_widget_put_item(struct ui *ui, int y, int cols, const char *left, const char *right,
    bool selected, int attr);

#endif
