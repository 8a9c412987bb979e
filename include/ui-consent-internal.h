/*
 * ui-consent-internal.h: what the ui-consent*.c files share: the state of
 * the consent screens, the screens that open across files and the helpers
 * all screens use. ui-consent-screen.c has the helpers; ui-consent.c the
 * ledger, the summary and the API; ui-consent-text.c the full-text viewer
 * and its section index; ui-consent-diff.c "what changed" and the diff of
 * one section. Generic widgets are in ui-widget.h.
 */
#ifndef CONFAB_UI_CONSENT_INTERNAL_H
#define CONFAB_UI_CONSENT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "consent.h"
#include "markdown.h"
#include "ui-keys.h"
#include "ui-widget.h"
#include "ui.h"

#define CONSENT_FIELD_MAX 40  /* bytes a field holds */
#define CONSENT_TEXT_COLS 100 /* text wraps at most this wide, for reading */
#define CONSENT_QUERY_MAX 64  /* bytes of a search */
#define CONSENT_NONE ((size_t)-1)

struct text_span;

enum consent_field {
	CONSENT_FIELD_AGE,
	CONSENT_FIELD_AGREE,
};

/* A line of the summary: text from column x, and a clause tag before it (or NULL). */
struct consent_row {
	char *text;
	const char *tag;
	int x;
	enum ui_role role;
};

/* A line of a section diff: op ' ', '-', '+' or '.' (lines left out); changed bytes [hs, he). */
struct consent_drow {
	char op;
	const char *text;
	size_t len;
	size_t hs, he;
};

/* A screen line of a diff: bytes [off, off + len) of drow row. */
struct consent_dline {
	size_t row;
	size_t off, len;
};

struct ui_consent {
	struct ui *ui;
	struct consent_current cur;
	struct consent_status cs;
	void (*on_accept)(void *arg, const char *note);
	void (*on_close)(void *arg);
	void *arg;

	/*
	 * Set by ui-consent.c, so that the other screens go back without calling
	 * into it: to_summary shows the summary; to_decline shows it asking
	 * "Decline the Terms? ... y/N" (Esc where it declines).
	 */
	void (*to_summary)(struct ui_consent *c);
	void (*to_decline)(struct ui_consent *c);

	/* the flow: what was shown and for how long, for the ledger */
	int64_t t0; /* clock_ms() when the screens opened */
	bool saw_text;
	bool saw_changes;
	size_t shown;	/* the furthest byte of the text the viewer showed */
	bool from_chat; /* the viewer was opened by /terms */
	char *msg;	/* a hint or an error; cleared by the next key */
	enum ui_role msg_role;
	char *farewell;	 /* said once the terminal is restored (a decline) */
	bool confirming; /* Esc was pressed: "Decline the Terms?" waits for y */

	/* summary */
	struct consent_row *rows;
	size_t nrows;
	int rows_width; /* the width rows were laid out for; 0: lay out again */
	size_t sum_top;
	enum consent_field field;
	bool age_yes; /* yes was answered and recorded */
	char input[2][CONSENT_FIELD_MAX + 1];
	int cur_y, cur_x; /* where the cursor goes; cur_y -1 hides it */

	/* full text: rendered lines, and the bytes of the text each stands for */
	struct md_doc doc;
	struct text_span *lines;
	size_t nlines;
	int lines_width;
	size_t top;
	bool searching; /* typing a search in the bottom bar */
	char query_in[CONSENT_QUERY_MAX + 1];
	char query[CONSENT_QUERY_MAX + 1];
	bool icase;	   /* no capital in the query: ignore case */
	size_t match;	   /* byte offset of the current match, or CONSENT_NONE */
	size_t isel, itop; /* the section index */

	/* what changed */
	size_t *changes; /* indices of the changed sections in cs.diff */
	size_t nchanges;
	size_t csel, ctop; /* csel == nchanges: "continue to the summary" */
	bool changes_back; /* reached from the summary: Esc goes back there */
	struct consent_drow *drows;
	size_t ndrows;
	struct consent_dline *dlines;
	size_t ndlines;
	int dwidth;
	size_t dtop;
};

/* ---- ui-consent-screen.c: what every consent screen shares ---------------- */

/* How far into the text byte off is, in percent. */
int ui_consent_pct(const struct ui_consent *c, size_t off);

/* Show a message (a hint or an error) until the next key; ui_consent_msg_clear drops it. */
void ui_consent_msg(struct ui_consent *c, enum ui_role role, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void ui_consent_msg_clear(struct ui_consent *c);

/* Is the terminal big enough for the consent screens? */
bool ui_consent_fits(struct ui *ui);

/* Start a draw: clear, and say so when the terminal is too small (true then). */
bool ui_consent_draw_start(struct ui *ui, struct ui_consent *c);

/* End a draw: put the cursor where typing goes (c->cur_y, c->cur_x), or hide it. */
void ui_consent_draw_end(struct ui_consent *c);

/*
 * Where a consent screen's key handler starts: drops Alt keys, takes Ctrl-C
 * (exit 130), marks the screen dirty and, when clear, clears the message.
 * False: the key is done with.
 */
bool ui_consent_key_begin(struct ui *ui, struct ui_consent *c, int key, bool clear);

/* ---- ui-consent.c: the ledger and the summary ---------------------------- */

/*
 * Record a decline (typed: the word typed for it, or NULL) and end the UI
 * with exit 3; farewell (or a default) is said after. When recording fails the error shows and nothing happens;
 * when the ledger moved on meanwhile (the Terms accepted elsewhere, a newer
 * version) nothing is recorded and that is said instead.
 */
void ui_consent_decline(struct ui_consent *c, const char *detail, const char *typed,
    const char *farewell);

/* ---- ui-consent-text.c ---------------------------------------------------- */

/* The full-text viewer; its data is the struct ui_consent. */
extern const struct ui_screen ui_consent_text_screen;

/* ---- ui-consent-diff.c ---------------------------------------------------- */

/* "What changed"; its data is the struct ui_consent. */
extern const struct ui_screen ui_consent_diff_changes_screen;

/* Collect the changed sections of cs.diff, for the list (none without a diff). */
void ui_consent_diff_changes_list(struct ui_consent *c);

#endif
