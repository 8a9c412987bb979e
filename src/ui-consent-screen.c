/*
 * ui-consent-screen.c: what every consent screen shares: the reading
 * position in percent, the message under a screen, the frame of a draw
 * (too small, the cursor) and the key filter.
 */
#include "common.h"

#include <curses.h>

#include "ui-consent-internal.h"
#include "ui.h"

#define CONSENT_MIN_COLS 40
#define CONSENT_MIN_ROWS 12

/* How far into the text byte off is, in percent. */
int
ui_consent_pct(const struct ui_consent *c, size_t off)
{
	size_t len = c->cur.terms->len;

	return len == 0 ? 100 : (int)(off * 100 / len);
}

/* Show a message (a hint or an error) until the next key. */
void
ui_consent_msg(struct ui_consent *c, enum ui_role role, const char *fmt, ...)
{
	va_list ap;

	free(c->msg);
	va_start(ap, fmt);
	c->msg = xvasprintf(fmt, ap);
	va_end(ap);
	c->msg_role = role;
}

void
ui_consent_msg_clear(struct ui_consent *c)
{
	free(c->msg);
	c->msg = NULL;
}

/* Is the terminal big enough for the consent screens? */
bool
ui_consent_fits(struct ui *ui)
{
	int rows, cols;

	ui_size(ui, &rows, &cols);
	return rows >= CONSENT_MIN_ROWS && cols >= CONSENT_MIN_COLS;
}

/* Start a draw: clear, and say so when the terminal is too small (true then). */
bool
ui_consent_draw_start(struct ui *ui, struct ui_consent *c)
{
	erase();
	c->cur_y = -1;
	if (!ui_too_small(ui, CONSENT_MIN_COLS, CONSENT_MIN_ROWS))
		return false;
	curs_set(0);
	return true;
}

/* End a draw: put the cursor where typing goes, or hide it. */
void
ui_consent_draw_end(struct ui_consent *c)
{
	if (c->cur_y < 0) {
		curs_set(0);
		return;
	}
	move(c->cur_y, c->cur_x);
	curs_set(1);
}

/*
 * Where every consent screen's key handler starts: Alt keys mean nothing
 * here (ui.c decodes escape sequences, also those cut between reads,
 * before a screen sees them); Ctrl-C leaves without a decision. Otherwise
 * the screen is marked for redrawing (and the message cleared when clear).
 * False: the key is done with.
 */
bool
ui_consent_key_begin(struct ui *ui, struct ui_consent *c, int key, bool clear)
{
	if (UI_KEY_IS_META(key))
		return false;
	if (clear)
		ui_consent_msg_clear(c);
	ui_dirty(ui);
	if (key == UI_KEY_CTRL('c')) {
		ui_quit(ui, EXIT_INTERRUPTED);
		return false;
	}
	return true;
}
