/*
 * ui-pick.h: a screen that lists names to pick one (/model alone): Up/Down
 * (and PgUp/PgDn, Home/End) move, Enter picks, Esc or q cancels.
 */
#ifndef CONFAB_UI_PICK_H
#define CONFAB_UI_PICK_H

#include <stddef.h>

struct ui;

/*
 * Open the list (names are copied, shown sanitised; sel is the one selected
 * first). on_pick gets the name picked, or NULL when cancelled; the caller's
 * screen comes back in on_pick (ui_set_screen).
 */
void ui_pick_open(struct ui *ui, const char *title, const char *const *names, size_t n, size_t sel,
    void (*on_pick)(const char *name, void *arg), void *arg);

#endif
