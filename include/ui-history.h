/*
 * ui-history.h: the /history screen of the full-screen UI: past
 * conversations, newest first, with search; Enter continues one.
 */
#ifndef CONFAB_UI_HISTORY_H
#define CONFAB_UI_HISTORY_H

#include <stdint.h>

struct ui;
struct ui_history;

/*
 * The screen's state, owned by the screen that opens it (the chat screen).
 * on_pick gets the chosen conversation's id, or 0 when the user went back
 * without choosing; arg is passed through.
 */
struct ui_history *ui_history_new(struct ui *ui, void (*on_pick)(int64_t id, void *arg), void *arg);
void ui_history_free(struct ui_history *h);

/* Open the list, loaded afresh. */
void ui_history_open(struct ui_history *h);

#endif
