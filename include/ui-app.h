/*
 * ui-app.h: the full-screen front end: loads the Terms and the consent
 * state, then drives the toolkit (ui.h) with the chat (ui-chat.h) and the
 * consent screens (ui-consent.h).
 */
#ifndef CONFAB_UI_APP_H
#define CONFAB_UI_APP_H

struct app;

/* Run the full-screen UI until the user leaves; returns the exit code. */
int ui_run(struct app *app);

#endif
