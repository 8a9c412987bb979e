/*
 * ui-history.h: the /history screen of the full-screen UI: past
 * conversations, newest first, with search; Enter continues one.
 */
#ifndef CONFAB_UI_HISTORY_H
#define CONFAB_UI_HISTORY_H

#include <stdint.h>

struct ui;

/*
 * Open the list. on_pick gets the chosen conversation's id, or 0 when the
 * user went back without choosing; arg is passed through.
 */
void ui_history_open(struct ui *ui, void (*on_pick)(int64_t id, void *arg), void *arg);

#endif
