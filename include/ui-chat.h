/*
 * ui-chat.h: the chat screen of the full-screen UI: status bar, transcript
 * (Markdown, reasoning folded away), input (readline), key hints.
 */
#ifndef CONFAB_UI_CHAT_H
#define CONFAB_UI_CHAT_H

#include <stdbool.h>

struct ui;
struct ui_chat;

struct ui_chat *ui_chat_new(struct ui *ui);
void ui_chat_free(struct ui_chat *c);

struct ui_consent;

/* The consent screens /terms and the gate open (borrowed). */
void ui_chat_set_consent(struct ui_chat *c, struct ui_consent *consent);

/* Add a notice (or an error) to the transcript. */
void ui_chat_say(struct ui_chat *c, const char *text, bool error);

/* Make chat the active screen. */
void ui_chat_open(struct ui_chat *c);

/*
 * Callbacks for the consent screens (arg is the chat): accepted (note, or
 * NULL, says how, in the transcript), or the viewer closed.
 */
void ui_chat_accepted(void *arg, const char *note);
void ui_chat_back(void *arg);

#endif
