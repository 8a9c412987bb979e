/*
 * ui-consent.h: the consent screens of the full-screen UI: the summary with
 * the age question and the agree field, the full-text viewer (scrolling,
 * section index, search), and, when the Terms changed since acceptance, the
 * "what changed" list with a diff of each section. Acceptance is the same
 * act as in line mode: type yes (or no) and Enter, then agree and Enter; in
 * a Chinese UI also 是 (or 否), then 同意 (see consent_word_is()). Nothing
 * else accepts: no key, no default, no Enter on an empty field.
 *
 * Keys on the summary: typed text goes into the active field; Tab opens the
 * full text; F2 reopens "what changed" (when the Terms changed); PgUp/PgDn,
 * arrows, Home/End and the wheel scroll the summary; Esc asks "Decline the
 * Terms? Nothing will be sent. y/N", and only y declines. Ctrl-C
 * leaves without a decision (exit 130, nothing recorded). Pasted text does
 * not answer. Below 40x12 the screens say the terminal is too small.
 *
 * The ledger gets, like line mode: an "age" event when the age question is
 * answered, then "accept" or "decline", each with how much of the text the
 * viewer showed, which screens were seen, how long they were open, the word
 * typed (blanks trimmed; "y" for Esc then y) and the language of the screens.
 */
#ifndef CONFAB_UI_CONSENT_H
#define CONFAB_UI_CONSENT_H

#include "consent.h"

struct ui;
struct ui_consent;

/*
 * The consent screens for the current Terms. Takes ownership of cur and cs
 * (the state they were loaded in): their contents move into the object and
 * both are left zeroed. on_accept runs when the user accepted (the event is
 * recorded; note NULL), or when an answer found the Terms accepted elsewhere
 * meanwhile (nothing recorded; note, borrowed, says so); on_close when the
 * viewer opened from chat is left. A decline (or the answer no) is recorded
 * and ends the UI with exit 3; when recording fails the error shows on the
 * screen and nothing happens.
 */
struct ui_consent *ui_consent_new(struct ui *ui, struct consent_current *cur,
    struct consent_status *cs, void (*on_accept)(void *arg, const char *note),
    void (*on_close)(void *arg), void *arg);

/*
 * NULL-safe. When the UI ended in a decline it restores the terminal
 * (ui_restore) and says on stderr what was recorded, so call it once
 * nothing more is drawn.
 */
void ui_consent_free(struct ui_consent *c);

/* Show the consent flow: "what changed" first when OUTDATED, else the summary. */
void ui_consent_open(struct ui_consent *c);

/* Show the full-text viewer (from /terms in chat); q or Esc returns through on_close. */
void ui_consent_view(struct ui_consent *c);

/*
 * Read the current Terms and the consent state afresh (they may have changed
 * while the UI was open: a withdrawal, a new version) and show the consent
 * flow for them: "what changed" first when OUTDATED, else the summary. -1
 * with *cause when the store or the Terms cannot be read (nothing changed).
 */
int ui_consent_reload(struct ui_consent *c, char **cause);

/* The short version of the current Terms (borrowed). */
const char *ui_consent_version(const struct ui_consent *c);

#endif
