/*
 * ui.h: the full-screen UI (ncursesw): the terminal, the screens, drawing.
 *
 * One screen is active at a time (consent screens, then chat). Each screen
 * has a draw function, which paints the whole terminal from its state, and
 * a key function; callbacks only change state and call ui_dirty(), and the
 * loop redraws once when something is dirty (STYLE 9, 12).
 */
#ifndef CONFAB_UI_H
#define CONFAB_UI_H

#include <stdbool.h>
#include <stddef.h>

#include "app.h"

struct ui;
struct loop;

/* Special keys: curses KEY_* codes pass through; plain bytes are 0..255. */
#define UI_KEY_ESC 27
/* Alt (Meta) with a byte: ESC then that byte, as a terminal sends Alt-x. */
#define UI_KEY_META(c) (0x100000 | (c))
#define UI_KEY_IS_META(k) (((k)&0x100000) != 0)
/* Alt-Up and Alt-Down, however the terminal sends them. */
#define UI_KEY_ALT_UP 0x200001
#define UI_KEY_ALT_DOWN 0x200002

struct ui_screen {
	const char *name;
	void (*draw)(struct ui *ui, void *data);
	void (*key)(struct ui *ui, void *data, int key);
	/* Bracketed paste: the pasted bytes, raw. May be NULL (then ignored). */
	void (*paste)(struct ui *ui, void *data, const char *text, size_t len);
};

/* Can this terminal do full-screen (a terminal with cursor addressing)? */
bool ui_possible(void);

/*
 * The toolkit's life: ui_new() starts curses (call it once nothing more is
 * printed plainly) with its own loop; the caller sets the first screen and
 * ui_main() runs until ui_quit(), returning its code; ui_free() restores the
 * terminal. The front end that drives them is ui-app.c (ui_run).
 */
struct ui *ui_new(struct app *app);
int ui_main(struct ui *ui);
void ui_free(struct ui *ui);

void ui_set_screen(struct ui *ui, const struct ui_screen *s, void *data);
void ui_dirty(struct ui *ui);
void ui_quit(struct ui *ui, int code);
struct loop *ui_loop(struct ui *ui);
struct app *ui_app(struct ui *ui);
void ui_size(struct ui *ui, int *rows, int *cols);

/* Visual roles, mapped to colours or plain attributes. */
enum ui_role {
	UI_NORMAL,
	UI_BAR, /* status and hint bars */
	UI_DIM,
	UI_BOLD,
	UI_USER,  /* "You" */
	UI_MODEL, /* the model's name over an answer */
	UI_ERROR,
	UI_ADDED,   /* diff + */
	UI_REMOVED, /* diff - */
	UI_HILITE,  /* search match, changed words, selection */
	UI_CODE,
	UI_FIELD, /* an input field */
	UI_WARN,
};
int ui_attr(struct ui *ui, enum ui_role role);

/* The attribute of a colour of highlighted code (highlight.h: 1 to 16); 0 without colour. */
int ui_hl_attr(struct ui *ui, int color);

/*
 * Draw UTF-8 text at (y, x), at most maxcols columns, clipping at a
 * character boundary; control bytes are drawn as '?'. Returns the columns used.
 */
int ui_put(int y, int x, const char *s, size_t len, int maxcols, int attr);

/* The attributes for a Markdown span's style (markdown.h MD_*). */
int ui_md_attr(struct ui *ui, unsigned int style);

/* Fill row y with blanks in attr, then draw s from column x. */
void ui_bar(int y, const char *left, const char *right, int attr);

/*
 * The first of n texts (already translated, widest first) that fits in cols
 * display columns, else the last: key hints that shorten on a narrow screen.
 */
const char *ui_fit(int cols, const char *const *texts, size_t n);

/* A horizontal rule across row y ("─" where the locale is UTF-8, else "-"). */
void ui_rule(int y, int cols, int attr);

/* Print "terminal too small" when the terminal is under min_cols x min_rows; true if so. */
bool ui_too_small(struct ui *ui, int min_cols, int min_rows);

/* Does the UI take the mouse (the mouse setting)? Then Shift-drag selects text. */
bool ui_mouse(struct ui *ui);

/* Put data on the terminal's clipboard (OSC 52, after curses' output); -1 with *cause. */
int ui_clipboard(struct ui *ui, const char *data, size_t len, char **cause);

/*
 * Leave the screen, edit text in the user's editor (tty_edit()), and take
 * the screen back (redrawn). 0 with *out (allocated), or -1 with *cause.
 */
int ui_edit(struct ui *ui, const char *text, char **out, char **cause);

/* Restore the terminal (idempotent; used by fatal() and signal paths). */
void ui_restore(void);

#endif
