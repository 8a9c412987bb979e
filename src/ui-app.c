/* ui-app.c: the full-screen front end: the Terms first, then the chat or the consent screens. */
#include "common.h"

#include "app.h"
#include "consent.h"
#include "ui-app.h"
#include "ui-chat.h"
#include "ui-consent.h"
#include "ui.h"

/* Before curses starts: the store and the Terms, so errors print plainly. */
static int
ui_app_load(struct app *app, struct consent_current *cur, struct consent_status *cs)
{
	struct store *st;
	char *cause = NULL;

	memset(cur, 0, sizeof *cur);
	memset(cs, 0, sizeof *cs);
	if ((st = app_store(app, &cause)) == NULL)
		goto fail;
	consent_daily_check(&app->cfg, st);
	if (consent_current_load(&app->cfg, st, cur, &cause) != 0 ||
	    consent_status_get(st, cur->terms, cs, &cause) != 0)
		goto fail;
	return 0;
fail:
	app_error("%s", cause);
	free(cause);
	consent_status_release(cs);
	consent_current_release(cur);
	return EXIT_USAGE;
}

int
ui_run(struct app *app)
{
	struct consent_current cur;
	struct consent_status cs;
	struct ui_consent *consent;
	struct ui_chat *chat;
	struct ui *ui;
	char *warning = NULL;
	bool accepted;
	int r;

	if (ui_app_load(app, &cur, &cs) != 0)
		return EXIT_USAGE;
	/* The chat first when the gate is open: accepted, or no Terms govern the endpoint. */
	accepted = app_gate(app, &warning) == 0;
	free(warning);
	warning = NULL;
	app_disclaimers(app, &warning); /* now: a warning must not go to stderr under curses */
	ui = ui_new(app);
	chat = ui_chat_new(ui);
	consent = ui_consent_new(ui, &cur, &cs, ui_chat_accepted, ui_chat_back, chat);
	ui_chat_set_consent(chat, consent);
	if (warning != NULL) {
		ui_chat_say(chat, warning, true);
		free(warning);
	}
	if (accepted)
		ui_chat_open(chat);
	else
		ui_consent_open(consent);
	r = ui_main(ui);
	ui_chat_free(chat);
	ui_consent_free(consent);
	ui_free(ui);
	return r;
}
