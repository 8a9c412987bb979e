/*
 * ui-consent.c: the consent screens of the full-screen UI: the ledger, the
 * summary with the age question and the agree field, and the API (what the
 * screens share is in ui-consent-screen.c, generic widgets in ui-widget.c).
 * The full-text viewer and its section index are in
 * ui-consent-text.c; "what changed", with a diff of each section when the
 * Terms changed since acceptance, in ui-consent-diff.c.
 *
 * Acceptance is the same act as in line mode: type yes and Enter, then agree
 * and Enter. No key, default or empty Enter accepts. Only an explicit answer
 * declines: decline (or no) typed in the agree field, or Esc and then y to
 * "Decline the Terms?"; anything else asks again. Before an answer is
 * recorded the ledger is read afresh (consent_recheck): an answer to Terms
 * accepted elsewhere meanwhile, or no longer current, is not recorded.
 */
#include "common.h"

#include "ui-consent.h"

#include <curses.h>
#include <strings.h>

#include "clock.h"
#include "app.h"
#include "text.h"
#include "ui-consent-internal.h"
#include "ui.h"

#define CONSENT_FIELD_COLS 9 /* columns a field shows */
#define CONSENT_MSG_ROWS 3   /* rows a message under the summary may take */

#define CONSENT_KEY_CTRL_U 21
#define CONSENT_KEY_CHANGES KEY_F(2) /* reopens "what changed" from the summary */

#define CONSENT_METHOD_TYPED "typed (full-screen)"
#define CONSENT_METHOD_AGREE "typed 'agree' (full-screen)"

/* The tail of the age question (consent_age_question), and the agree question. */
static const char *const consent_age_tail = N_("Type yes or no:");
static const char *const consent_agree_q = N_(
    "To accept these Terms, type agree; to decline them, type decline:");
static const char *const consent_decline_q = N_("Decline the Terms? Nothing will be sent. y/N");

static void consent_summary_draw(struct ui *, void *);
static void consent_summary_key(struct ui *, void *, int);
static void consent_summary_paste(struct ui *, void *, const char *, size_t);

static const struct ui_screen consent_summary_screen = { "consent-summary", consent_summary_draw,
	consent_summary_key, consent_summary_paste };

/* Bytes of the character at s (at least 1, so invalid bytes step too). */
static size_t
consent_char_len(const char *s, size_t len)
{
	unsigned int cp;
	size_t n = text_utf8_seq(s, len, &cp);

	return n == 0 ? 1 : n;
}

/* ---- the ledger -------------------------------------------------------- */

/* What showed the Terms, for the ledger: "full-screen: summary, full text 37%, changes". */
static char *
consent_viewer(const struct ui_consent *c)
{
	char text[48] = "";

	/* a ledger value: English, as the method strings */
	if (c->saw_text)
		snprintf(text, sizeof text, ", full text %d%%", ui_consent_pct(c, c->shown));
	return xasprintf("full-screen: summary%s%s", text, c->saw_changes ? ", changes" : "");
}

/* Leave the consent screens for the chat; note (or NULL) says why, there. */
static void
consent_go_on(struct ui_consent *c, const char *note)
{
	c->field = CONSENT_FIELD_AGE;
	c->age_yes = false;
	c->confirming = false;
	c->input[CONSENT_FIELD_AGE][0] = c->input[CONSENT_FIELD_AGREE][0] = '\0';
	if (c->on_accept != NULL)
		c->on_accept(c->arg, note);
}

/* What was not recorded because the shown Terms were accepted elsewhere meanwhile. */
static char *
consent_accepted_note(const struct ui_consent *c, const char *kind)
{
	const char *v = c->cur.terms->short_hash;

	if (strcmp(kind, "accept") == 0)
		return xasprintf(
		    _("these Terms (version %s) are already accepted: they were accepted "
		      "elsewhere while the consent screens were open, so nothing more was recorded"),
		    v);
	if (strcmp(kind, "decline") == 0)
		return xasprintf(
		    _("the Terms (version %s) were accepted elsewhere while the consent "
		      "screens were open, so your decline was not recorded; '/terms withdraw' "
		      "withdraws that consent"),
		    v);
	return xasprintf(_("the Terms (version %s) were accepted elsewhere while the consent "
			   "screens were open, so your answer was not recorded"),
	    v);
}

/* Say on the screen that an answer (kind) could not be recorded, and why. */
static void
consent_not_recorded(struct ui_consent *c, const char *kind, const char *cause)
{
	if (cause == NULL)
		cause = _("unknown error");
	if (strcmp(kind, "accept") == 0)
		ui_consent_msg(c, UI_ERROR,
		    _("the accept could not be recorded, so it does not count: %s"), cause);
	else if (strcmp(kind, "decline") == 0)
		ui_consent_msg(c, UI_ERROR,
		    _("the decline could not be recorded, so it does not count: %s"), cause);
	else
		ui_consent_msg(c, UI_ERROR,
		    _("the answer could not be recorded, so it does not count: %s"), cause);
}

/*
 * Before an answer (kind) is recorded: the current Terms and the ledger as
 * they are now. 0: record it. 1: not to be recorded, said and handled (the
 * Terms accepted elsewhere meanwhile: on to the chat; a newer version: shown
 * instead). -1: they cannot be read (the error is on the screen).
 */
static int
consent_fresh(struct ui_consent *c, const char *kind)
{
	struct app *app = ui_app(c->ui);
	enum consent_recheck rc = CONSENT_RECHECK_SAME;
	char *cause = NULL, *note, *old;
	struct store *st = app_store(app, &cause);

	if (st == NULL || consent_recheck(&app->cfg, st, c->cur.terms, &rc, &cause) != 0) {
		consent_not_recorded(c, kind, cause);
		free(cause);
		return -1;
	}
	if (rc == CONSENT_RECHECK_SAME)
		return 0;
	if (rc == CONSENT_RECHECK_ACCEPTED) {
		note = consent_accepted_note(c, kind);
		consent_go_on(c, note);
		free(note);
		return 1;
	}
	old = xstrdup(c->cur.terms->short_hash);
	if (ui_consent_reload(c, &cause) != 0) {
		ui_consent_msg(c, UI_ERROR, _("the Terms changed, and they cannot be read: %s"),
		    cause);
		free(cause);
	} else if (c->cs.state == CONSENT_ACCEPTED) {
		note = xasprintf(strcmp(kind, "accept") == 0 ?
			_("the Terms changed from version %s to %s while the consent screens "
			  "were open, and %s was accepted elsewhere: your accept was not "
			  "recorded") :
			strcmp(kind, "decline") == 0 ?
			_("the Terms changed from version %s to %s while the consent screens "
			  "were open, and %s was accepted elsewhere: your decline was not "
			  "recorded") :
			_("the Terms changed from version %s to %s while the consent screens "
			  "were open, and %s was accepted elsewhere: your answer was not "
			  "recorded"),
		    old, c->cur.terms->short_hash, c->cur.terms->short_hash);
		consent_go_on(c, note);
		free(note);
	} else
		ui_consent_msg(c, UI_WARN,
		    strcmp(kind, "accept") == 0 ?
			_("the Terms changed while you read them (version %s is current now, last "
			  "updated %s): your accept to version %s was not recorded; review the "
			  "current version") :
			strcmp(kind, "decline") == 0 ?
			_("the Terms changed while you read them (version %s is current now, last "
			  "updated %s): your decline to version %s was not recorded; review the "
			  "current version") :
			_("the Terms changed while you read them (version %s is current now, last "
			  "updated %s): your answer to version %s was not recorded; review the "
			  "current version"),
		    c->cur.terms->short_hash, c->cur.terms->date_label, old);
	free(old);
	return 1;
}

/*
 * Append an event for the current Terms once the ledger is read afresh
 * (consent_fresh): 0 recorded; 1 not recorded, as the ledger moved on
 * (handled); -1 with the error on the screen (it did not count).
 */
static int
consent_event(struct ui_consent *c, const char *kind, const char *method, const char *age,
    const char *detail, const char *typed)
{
	struct consent_event ev;
	char *cause = NULL;
	struct store *st;
	int r;

	if ((r = consent_fresh(c, kind)) != 0)
		return r;
	ev = (struct consent_event){
		.kind = xstrdup(kind),
		.method = xstrdup(method),
		.age_answer = xstrdup_or_null(age),
		.shown_bytes = (int64_t)c->shown,
		.duration_ms = clock_ms() - c->t0,
		.viewer = consent_viewer(c),
		.detail = xstrdup_or_null(detail),
		.typed = xstrdup_or_null(typed),
	};
	st = app_store(ui_app(c->ui), &cause);
	r = st != NULL ? consent_record(st, c->cur.terms, &ev, &cause) : -1;
	if (r != 0)
		consent_not_recorded(c, kind, cause);
	free(cause);
	consent_event_release(&ev);
	return r;
}

/* Record a decline and end the UI with exit 3; farewell (or a default) is said after. */
void
ui_consent_decline(struct ui_consent *c, const char *detail, const char *typed,
    const char *farewell)
{
	if (consent_event(c, "decline", CONSENT_METHOD_TYPED, NULL, detail, typed) != 0)
		return;
	free(c->farewell);
	if (farewell != NULL)
		c->farewell = xstrdup(farewell);
	else
		c->farewell = xasprintf(
		    _("you declined the Terms (version %s); that is recorded "
		      "and nothing was sent to the model. Run 'confab' again when you want to "
		      "review them"),
		    c->cur.terms->short_hash);
	ui_quit(c->ui, EXIT_CONSENT);
}

/* Record the accept and hand over to the caller. */
static void
consent_accept(struct ui_consent *c, const char *typed)
{
	if (consent_event(c, "accept", CONSENT_METHOD_AGREE, "yes", NULL, typed) != 0)
		return;
	consent_go_on(c, NULL);
}

/* ---- summary ----------------------------------------------------------- */

static void
consent_rows_free(struct ui_consent *c)
{
	size_t i;

	for (i = 0; i < c->nrows; i++)
		free(c->rows[i].text);
	free(c->rows);
	c->rows = NULL;
	c->nrows = 0;
}

/* Add s to the summary wrapped from column x to width, the first line tagged. */
static void
consent_rows_add(struct ui_consent *c, const char *s, const char *tag, int x, int width,
    enum ui_role role)
{
	struct text_span *sp;
	size_t n = text_wrap(s, strlen(s), width - x, &sp), i;

	c->rows = xreallocarray(c->rows, c->nrows + n, sizeof *c->rows);
	for (i = 0; i < n; i++) {
		struct consent_row *r = &c->rows[c->nrows++];

		r->text = xstrndup(s + sp[i].off, sp[i].len);
		r->tag = i == 0 ? tag : NULL;
		r->x = x;
		r->role = role;
	}
	free(sp);
}

/* The line saying why consent is asked again, or NULL the first time. */
static char *
consent_state_line(const struct ui_consent *c)
{
	const struct consent_status *cs = &c->cs;
	const char *at = cs->last.at != NULL ? cs->last.at : "?";

	switch (cs->state) {
	case CONSENT_OUTDATED:
		return xasprintf(cs->diff != NULL ?
			_("You accepted an earlier version (last updated %s) on %.10s. The "
			  "Terms have changed since: F2 shows what changed.") :
			_("You accepted an earlier version (last updated %s) on %.10s. The "
			  "Terms have changed since."),
		    cs->accepted.terms_date != NULL ? cs->accepted.terms_date : "?",
		    cs->accepted.at != NULL ? cs->accepted.at : "?");
	case CONSENT_WITHDRAWN:
		return xasprintf(_("You withdrew your consent on %.10s."), at);
	case CONSENT_DECLINED:
		return xasprintf(_("You declined the Terms on %.10s."), at);
	default:
		return NULL;
	}
}

/* Lay the summary out for cols columns (again only when the width changed). */
static void
consent_summary_layout(struct ui_consent *c, int cols)
{
	const struct terms *t = c->cur.terms;
	int w = cols - 1 < CONSENT_TEXT_COLS ? cols - 1 : CONSENT_TEXT_COLS;
	char *s, *privacy;
	size_t i;

	if (w == c->rows_width)
		return;
	consent_rows_free(c);
	c->rows_width = w;
	consent_rows_add(c, t->title, NULL, 1, w, UI_BOLD);
	s = xasprintf(_("Version %s, last updated %s"), t->short_hash, t->date_label);
	consent_rows_add(c, s, NULL, 1, w, UI_NORMAL);
	free(s);
	if ((s = consent_state_line(c)) != NULL)
		consent_rows_add(c, s, NULL, 1, w, UI_WARN);
	free(s);
	consent_rows_add(c, "", NULL, 1, w, UI_NORMAL);
	consent_rows_add(c, _(consent_summary_intro), NULL, 1, w, UI_NORMAL);
	consent_rows_add(c, "", NULL, 1, w, UI_NORMAL);
	for (i = 0; i < consent_summary_len; i++)
		consent_rows_add(c, _(consent_summary[i].text), consent_summary[i].clause, 9, w,
		    UI_NORMAL);
	consent_rows_add(c, "", NULL, 1, w, UI_NORMAL);
	if (strcmp(i18n_language(), "en") != 0) {
		consent_rows_add(c, _(consent_summary_translated), NULL, 1, w, UI_WARN);
		consent_rows_add(c, "", NULL, 1, w, UI_NORMAL);
	}
	privacy = terms_privacy_url(t);
	s = privacy != NULL ? xasprintf(_("Privacy Policy (VI): %s"), privacy) :
			      xstrdup(_("Privacy Policy: see section VI of the full text."));
	consent_rows_add(c, s, NULL, 1, w, UI_NORMAL);
	free(s);
	free(privacy);
	s = xasprintf(_("The full text has %zu sections (%zu bytes). Tab opens it: scroll, "
			"search, or jump to a section."),
	    t->nsections - 1, t->len);
	consent_rows_add(c, s, NULL, 1, w, UI_DIM);
	free(s);
}

/* The rows the message line takes (one, or the message wrapped, at most a few). */
static int
consent_msg_rows(const struct ui_consent *c, int cols)
{
	struct text_span *sp;
	size_t n;

	if (c->msg == NULL)
		return 1;
	n = text_wrap(c->msg, strlen(c->msg), cols - 2, &sp);
	free(sp);
	return n > CONSENT_MSG_ROWS ? CONSENT_MSG_ROWS : (int)n;
}

/* Draw the message at row y, or a note when the summary scrolls. */
static void
consent_msg_draw(struct ui *ui, struct ui_consent *c, int y, int cols, const char *more)
{
	if (c->msg != NULL)
		ui_widget_put_para(y, y + CONSENT_MSG_ROWS - 1, 1, cols - 2, c->msg,
		    ui_attr(ui, c->msg_role));
	else if (more != NULL)
		ui_put(y, cols - text_width(more, strlen(more)) - 2, more, strlen(more), cols,
		    ui_attr(ui, UI_DIM));
}

/* Draw a field at (y, x): the answer given, or the text typed so far. */
static void
consent_field_box(struct ui *ui, struct ui_consent *c, enum consent_field f, int y, int x)
{
	const char *s = c->input[f];
	size_t len = strlen(s), skip = 0;
	int attr = ui_attr(ui, UI_FIELD), used;

	if (f == CONSENT_FIELD_AGE && c->age_yes) {
		/* TRANSLATORS: the answer shown in the age field once given; at most 9 columns */
		const char *yes = _("yes");

		ui_put(y, x, yes, strlen(yes), CONSENT_FIELD_COLS, ui_attr(ui, UI_BOLD));
		return;
	}
	if (c->field != f)
		attr |= A_DIM;
	attron(attr);
	mvhline(y, x, ' ', CONSENT_FIELD_COLS);
	attroff(attr);
	while (skip < len && text_width(s + skip, len - skip) > CONSENT_FIELD_COLS - 1)
		skip += consent_char_len(s + skip, len - skip);
	used = ui_put(y, x, s + skip, len - skip, CONSENT_FIELD_COLS - 1, attr);
	if (c->field == f) {
		c->cur_y = y;
		c->cur_x = x + used;
	}
}

/* One question and its field from row y; returns the rows they take (draws when draw). */
static int
consent_field(struct ui *ui, struct ui_consent *c, enum consent_field f, int y, int cols, bool draw)
{
	char *q = f == CONSENT_FIELD_AGE ?
	    /* TRANSLATORS: the age question, then what to type ("Type yes or no:") */
	    xasprintf(_("%s %s"), _(consent_age_question), _(consent_age_tail)) :
	    xstrdup(_(consent_agree_q));
	int attr = ui_attr(ui,
	    c->field == f || (f == CONSENT_FIELD_AGE && c->age_yes) ? UI_NORMAL : UI_DIM);
	struct text_span *sp;
	size_t n = text_wrap(q, strlen(q), cols - 2, &sp), i;
	int fx = 2 + text_width(q + sp[n - 1].off, sp[n - 1].len), h = (int)n;

	if (fx + CONSENT_FIELD_COLS > cols - 1) {
		fx = 1;
		h++;
	}
	for (i = 0; draw && i < n; i++)
		ui_put(y + (int)i, 1, q + sp[i].off, sp[i].len, cols - 2, attr);
	if (draw)
		consent_field_box(ui, c, f, y + h - 1, fx);
	free(sp);
	free(q);
	return h;
}

/* The rows under the summary text: message line, age question, agree field. */
static int
consent_fields_rows(struct ui *ui, struct ui_consent *c, int cols)
{
	return consent_msg_rows(c, cols) + consent_field(ui, c, CONSENT_FIELD_AGE, 0, cols, false) +
	    consent_field(ui, c, CONSENT_FIELD_AGREE, 0, cols, false);
}

/* Rows of summary text that fit above the fields. */
static size_t
consent_summary_page(struct ui *ui, struct ui_consent *c)
{
	int rows, cols, body;

	ui_size(ui, &rows, &cols);
	consent_summary_layout(c, cols);
	body = rows - 2 - consent_fields_rows(ui, c, cols);
	return body > 1 ? (size_t)body : 1;
}

/* The bottom bar of the summary: the keys. */
static void
consent_summary_hints(struct ui *ui, struct ui_consent *c, int y, int cols)
{
	const char *h;

	/* TRANSLATORS: key hints: the long ones fit 80 (or 70) columns, the short ones 40 */
	if (c->cs.diff != NULL)
		h = cols >= 80 ? _("Tab read the full text   F2 what changed   PgUp/PgDn scroll   "
				   "Esc decline") :
				 _("Tab text  F2 changes  Esc decline");
	else
		h = cols >= 70 ? _("Tab read the full text   PgUp/PgDn scroll   Esc decline") :
				 _("Tab text  PgDn more  Esc decline");
	ui_bar(y, h, NULL, ui_attr(ui, UI_BAR));
}

static void
consent_summary_draw(struct ui *ui, void *data)
{
	struct ui_consent *c = data;
	const char *more = NULL;
	int rows, cols, y, fy;
	size_t page, i;

	if (ui_consent_draw_start(ui, c))
		return;
	ui_size(ui, &rows, &cols);
	page = consent_summary_page(ui, c);
	if (c->sum_top > ui_widget_max_top(page, c->nrows))
		c->sum_top = ui_widget_max_top(page, c->nrows);
	if (c->cs.state == CONSENT_OUTDATED)
		ui_bar(0,
		    /* TRANSLATORS: titles: the long ones fit 60 columns, the short ones 40 */
		    cols >= 60 ? _("confab: the Terms changed; accept them again to chat") :
				 _("confab: the Terms changed"),
		    NULL, ui_attr(ui, UI_BAR));
	else
		ui_bar(0,
		    cols >= 60 ? _("confab: accept the Terms of Service to start chatting") :
				 _("confab: accept the Terms to start"),
		    NULL, ui_attr(ui, UI_BAR));
	for (i = 0; i < page && c->sum_top + i < c->nrows; i++) {
		const struct consent_row *r = &c->rows[c->sum_top + i];

		y = 1 + (int)i;
		if (r->tag != NULL)
			ui_put(y, 2, r->tag, strlen(r->tag), r->x - 3, ui_attr(ui, UI_BOLD));
		ui_put(y, r->x, r->text, strlen(r->text), cols - r->x - 1, ui_attr(ui, r->role));
	}
	if (c->sum_top + page < c->nrows)
		more = _("more below: PgDn");
	else if (c->sum_top > 0)
		more = _("more above: PgUp");
	fy = rows - 1 - consent_fields_rows(ui, c, cols);
	consent_msg_draw(ui, c, fy, cols, more);
	fy += consent_msg_rows(c, cols);
	fy += consent_field(ui, c, CONSENT_FIELD_AGE, fy, cols, true);
	consent_field(ui, c, CONSENT_FIELD_AGREE, fy, cols, true);
	consent_summary_hints(ui, c, rows - 1, cols);
	ui_consent_draw_end(c);
}

/* Enter in the age field: yes moves on to agree, no declines, anything else asks again. */
static void
consent_answer_age(struct ui_consent *c, const char *a)
{
	bool yes = consent_word_is(a, CONSENT_WORD_YES);
	char *farewell;

	if (*a == '\0') {
		ui_consent_msg(c, UI_WARN, "%s", _("type yes or no, then press Enter"));
		return;
	}
	if (!yes && !consent_word_is(a, CONSENT_WORD_NO)) {
		ui_consent_msg(c, UI_WARN, _("'%s' is not an answer: type yes or no"), a);
		c->input[CONSENT_FIELD_AGE][0] = '\0';
		return;
	}
	if (consent_event(c, "age", CONSENT_METHOD_TYPED, yes ? "yes" : "no", NULL, a) != 0)
		return;
	if (!yes) {
		/* TRANSLATORS: %s says why a no ends it: "the Terms require you to be ..." */
		farewell = xasprintf(_("%s; your answer is recorded and nothing was sent"),
		    _(consent_underage));
		ui_consent_decline(c, "under the minimum age (Terms I.1)", a, farewell);
		free(farewell);
		return;
	}
	c->age_yes = true;
	c->field = CONSENT_FIELD_AGREE;
}

/*
 * Enter on the summary: answer the age question, or accept (agree), or
 * decline (decline or no); anything else asks again, saying what to type.
 */
static void
consent_submit(struct ui_consent *c)
{
	char *a, *detail;

	a = consent_word_trim(c->input[c->field]);
	if (c->field == CONSENT_FIELD_AGE)
		consent_answer_age(c, a);
	else if (*a == '\0')
		ui_consent_msg(c, UI_WARN, "%s",
		    _("type agree and press Enter to accept these Terms, or "
		      "decline to decline them"));
	else if (consent_word_is(a, CONSENT_WORD_AGREE))
		consent_accept(c, a);
	else if (consent_word_is(a, CONSENT_WORD_DECLINE)) {
		detail = xasprintf("typed '%s'", a);
		ui_consent_decline(c, detail, a, NULL);
		free(detail);
	} else {
		ui_consent_msg(c, UI_WARN,
		    _("'%s' is not an answer: type agree to accept these Terms, or "
		      "decline to decline them"),
		    a);
		c->input[CONSENT_FIELD_AGREE][0] = '\0';
	}
	free(a);
}

/* Open the full-text viewer. */
static void
consent_view_open(struct ui_consent *c)
{
	if (!c->from_chat)
		c->saw_text = true;
	c->searching = false;
	ui_consent_msg_clear(c);
	ui_set_screen(c->ui, &ui_consent_text_screen, c);
}

/* Open "what changed"; back: reached from the summary, so Esc returns there. */
static void
consent_changes_open(struct ui_consent *c, bool back)
{
	c->saw_changes = true;
	c->changes_back = back;
	ui_consent_msg_clear(c);
	ui_set_screen(c->ui, &ui_consent_diff_changes_screen, c);
}

static void
consent_summary_open(struct ui_consent *c)
{
	ui_consent_msg_clear(c);
	c->confirming = false;
	ui_set_screen(c->ui, &consent_summary_screen, c);
}

static void
consent_confirm_decline(struct ui_consent *c)
{
	consent_summary_open(c);
	c->confirming = true;
	ui_consent_msg(c, UI_WARN, "%s", _(consent_decline_q));
}

/* The key after Esc: y declines (on a terminal that shows the question); anything else not. */
static void
consent_confirm_key(struct ui *ui, struct ui_consent *c, int key)
{
	c->confirming = false;
	if ((key == 'y' || key == 'Y') && ui_consent_fits(ui))
		ui_consent_decline(c, "Esc, then y to confirm", "y", NULL);
	else
		ui_consent_msg(c, UI_DIM, "%s",
		    _("not declined: type agree to accept these Terms, or "
		      "decline to decline them"));
}

/* Keys that edit the active field; false if key is not one. */
static bool
consent_field_key(struct ui_consent *c, int key)
{
	char *s = c->input[c->field];

	if (ui_widget_is_backspace(key))
		ui_widget_chop(s);
	else if (key == CONSENT_KEY_CTRL_U)
		s[0] = '\0';
	else if (ui_widget_is_text(key)) {
		if (!ui_widget_append(s, CONSENT_FIELD_MAX, key))
			ui_consent_msg(c, UI_WARN, "%s",
			    _("that is longer than any answer: Backspace or "
			      "Ctrl-U to correct it"));
	} else
		return false;
	return true;
}

static void
consent_summary_key(struct ui *ui, void *data, int key)
{
	struct ui_consent *c = data;

	if (!ui_consent_key_begin(ui, c, key, true))
		return;
	if (c->confirming) {
		consent_confirm_key(ui, c, key);
		return;
	}
	if (key == UI_KEY_ESC) {
		consent_confirm_decline(c);
		return;
	}
	if (!ui_consent_fits(ui))
		return;
	if (ui_widget_move(key, consent_summary_page(ui, c), &c->sum_top,
		ui_widget_max_top(consent_summary_page(ui, c), c->nrows)))
		return;
	if (key == '\t')
		consent_view_open(c);
	else if (key == CONSENT_KEY_CHANGES && c->cs.diff != NULL)
		consent_changes_open(c, true);
	else if (ui_widget_is_enter(key))
		consent_submit(c);
	else
		consent_field_key(c, key);
}

/* Pasted text does not answer: the answers are typed. */
static void
consent_summary_paste(struct ui *ui, void *data, const char *text, size_t len)
{
	struct ui_consent *c = data;

	(void)text;
	(void)len;
	c->confirming = false;
	ui_consent_msg(c, UI_WARN, "%s", _("pasting does not answer here: type your answer"));
	ui_dirty(ui);
}

/* ---- the API ----------------------------------------------------------------- */

struct ui_consent *
ui_consent_new(struct ui *ui, struct consent_current *cur, struct consent_status *cs,
    void (*on_accept)(void *arg, const char *note), void (*on_close)(void *arg), void *arg)
{
	struct ui_consent *c = xcalloc(1, sizeof *c);

	c->ui = ui;
	c->cur = *cur;
	c->cs = *cs;
	memset(cur, 0, sizeof *cur);
	memset(cs, 0, sizeof *cs);
	c->on_accept = on_accept;
	c->on_close = on_close;
	c->arg = arg;
	c->match = CONSENT_NONE;
	c->cur_y = -1;
	c->t0 = clock_ms();
	c->to_summary = consent_summary_open;
	c->to_decline = consent_confirm_decline;
	return c;
}

void
ui_consent_free(struct ui_consent *c)
{
	if (c == NULL)
		return;
	if (c->farewell != NULL) {
		ui_restore();
		app_error("%s", c->farewell);
	}
	free(c->farewell);
	free(c->msg);
	consent_rows_free(c);
	free(c->lines);
	markdown_doc_release(&c->doc);
	free(c->changes);
	free(c->drows);
	free(c->dlines);
	consent_status_release(&c->cs);
	consent_current_release(&c->cur);
	free(c);
}

void
ui_consent_open(struct ui_consent *c)
{
	c->confirming = false;
	c->t0 = clock_ms();
	c->saw_text = c->saw_changes = false;
	c->shown = 0;
	c->from_chat = false;
	c->field = CONSENT_FIELD_AGE;
	c->age_yes = false;
	c->input[CONSENT_FIELD_AGE][0] = c->input[CONSENT_FIELD_AGREE][0] = '\0';
	c->rows_width = 0;
	c->sum_top = 0;
	c->top = 0;
	c->match = CONSENT_NONE;
	ui_consent_diff_changes_list(c);
	if (c->cs.state == CONSENT_OUTDATED && c->cs.diff != NULL)
		consent_changes_open(c, false);
	else
		consent_summary_open(c);
}

void
ui_consent_view(struct ui_consent *c)
{
	c->from_chat = true;
	consent_view_open(c);
}

int
ui_consent_reload(struct ui_consent *c, char **cause)
{
	struct app *app = ui_app(c->ui);
	struct consent_current cur;
	struct consent_status cs;
	struct store *st;

	if ((st = app_store(app, cause)) == NULL ||
	    consent_current_load(&app->cfg, st, &cur, cause) != 0)
		return -1;
	if (consent_status_get(st, cur.terms, &cs, cause) != 0) {
		consent_current_release(&cur);
		return -1;
	}
	consent_status_release(&c->cs);
	consent_current_release(&c->cur);
	c->cur = cur;
	c->cs = cs;
	consent_rows_free(c);
	free(c->lines);
	markdown_doc_release(&c->doc);
	c->lines = NULL;
	c->nlines = 0;
	c->lines_width = 0;
	free(c->drows);
	c->drows = NULL;
	c->ndrows = 0;
	free(c->dlines);
	c->dlines = NULL;
	c->ndlines = 0;
	c->dwidth = 0;
	ui_consent_open(c);
	return 0;
}

const char *
ui_consent_version(const struct ui_consent *c)
{
	return c->cur.terms->short_hash;
}
