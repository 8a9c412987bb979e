/*
 * ui-chat.c: the chat screen: its layout, its keys, and the session's view
 * of it (what arrives goes into the transcript, what is asked opens a
 * dialog). The transcript is laid out in ui-transcript.c, the top bar in
 * ui-status.c, rating and the dialogs in ui-rate.c.
 */
#include "common.h"

#include <curses.h>

#include "buf.h"
#include "config.h"
#include "exchange.h"
#include "feedback.h"
#include "http.h"
#include "input.h"
#include "loop.h"
#include "session.h"
#include "slash.h"
#include "store.h"
#include "text.h"
#include "ui-chat-internal.h"
#include "ui-chat.h"
#include "ui-consent.h"
#include "ui-history.h"
#include "ui-keys.h"
#include "ui-pick.h"
#include "ui.h"

static const struct ui_screen chat_screen;

/*
 * The key hints, shorter on a narrow terminal (the bar shows cols - 3
 * columns): the widest that fits, by display width in any language.
 */
static const char *
chat_hint(struct ui_chat *c, int cols)
{
	if (session_busy(c->s)) {
		const char *busy[] = {
			/* TRANSLATORS: key hints; the shortest variant must fit in 37 columns */
			_("Esc or Ctrl-C cancel  PgUp/PgDn scroll  Enter send"),
			_("Esc cancel  PgUp/PgDn scroll"),
		};

		return ui_fit(cols - 3, busy, nitems(busy));
	}
	if (c->quit_armed) {
		const char *quit[] = {
			_("press Ctrl-C again to quit, or keep typing"),
			_("Ctrl-C again quits"),
		};

		return ui_fit(cols - 3, quit, nitems(quit));
	}
	const char *idle[] = {
		/* TRANSLATORS: key hints, widest first; the last must fit in 37 columns */
		_("Enter send  Alt-Enter newline  PgUp/PgDn scroll  Alt-+/- rate  /help  "
		  "Ctrl-D quit"),
		_("Enter send  Alt-Enter newline  PgUp/PgDn  Alt-+/- rate  /help  Ctrl-D quit"),
		_("Enter send  Alt-Enter newline  /help  Ctrl-D quit"),
		_("Enter send  /help  Ctrl-D quit"),
	};

	return ui_fit(cols - 3, idle, nitems(idle));
}

/* The hint under an open dialog, shorter on a narrow terminal. */
static const char *
chat_modal_hint(struct ui_chat *c, int cols)
{
	const char *reasons[] = {
		/* TRANSLATORS: key hints under the reasons of a thumbs-down */
		_("digits choose reasons  Enter: add a comment  Esc: skip"),
		_("digits: reasons  Enter: comment  Esc: skip"),
	};
	const char *withdraw[] = {
		_("y withdraws consent  any other key keeps it"),
		_("y withdraws  other keys keep"),
	};
	const char *profile[] = {
		_("y saves the profile  any other key: not now"),
		_("y saves  other keys: not now"),
	};

	switch (c->modal) {
	case MODAL_REASONS:
		return ui_fit(cols - 3, reasons, nitems(reasons));
	case MODAL_COMMENT:
		return _("Enter saves  Esc skips");
	case MODAL_WITHDRAW:
		return c->profile_q ? ui_fit(cols - 3, profile, nitems(profile)) :
				      ui_fit(cols - 3, withdraw, nitems(withdraw));
	default:
		return _("feedback under section IV of the Terms");
	}
}

static void
chat_draw(struct ui *ui, void *data)
{
	struct ui_chat *c = data;
	const char *hint = input_hint(c->in);
	int rows, cols, in_rows, th, cy, cx;

	erase();
	if (ui_too_small(ui, CHAT_MIN_COLS, CHAT_MIN_ROWS)) {
		curs_set(0);
		return;
	}
	ui_size(ui, &rows, &cols);
	in_rows = input_rows(c->in, cols,
	    rows / 3 < CHAT_INPUT_MAX_ROWS ? rows / 3 : CHAT_INPUT_MAX_ROWS);
	if (c->modal != MODAL_NONE && in_rows < 3)
		in_rows = 3; /* room for the dialog's wrapped line */
	th = rows - 2 - in_rows - 1;
	chat_draw_status(c, cols);
	chat_draw_transcript(c, 1, th, cols);
	ui_rule(1 + th, cols, A_DIM);
	if (c->scroll > 0) {
		/* TRANSLATORS: over the rule under the transcript, with a blank at each end */
		const char *more = _(" more below: PgDn or End ");
		int mw = text_width(more, strlen(more));

		ui_put(1 + th, cols > mw + 5 ? cols - mw - 3 : 0, more, strlen(more), mw,
		    ui_attr(ui, UI_HILITE));
	}
	input_draw(c->in, 2 + th, cols, in_rows, 0);
	if (c->modal != MODAL_NONE) {
		ui_bar(rows - 1, chat_modal_hint(c, cols), NULL, ui_attr(ui, UI_DIM));
		/* last: the cursor stays in the dialog's field, where an input method looks */
		chat_draw_modal(c, 1, th, 2 + th, in_rows, cols);
		curs_set(1);
		return;
	}
	if (hint == NULL)
		hint = chat_hint(c, cols);
	ui_bar(rows - 1, hint, NULL, ui_attr(ui, UI_DIM));
	input_cursor(c->in, &cy, &cx);
	move(cy, cx);
	curs_set(1);
}

/* ---- the exchange ---------------------------------------------------------------- */

/* Keep the view still while the user reads above: grow the scroll with the text. */
static void
chat_grew(struct ui_chat *c, struct chat_msg *m, size_t before)
{
	int rows, cols;

	if (c->scroll > 0 && m->width != 0) {
		ui_size(c->ui, &rows, &cols);
		c->scroll += (int)(chat_msg_lines(m, cols) - before);
	}
	ui_dirty(c->ui);
}

static size_t
chat_lines_now(struct ui_chat *c, struct chat_msg *m)
{
	int rows, cols;

	ui_size(c->ui, &rows, &cols);
	return c->scroll > 0 && m->width != 0 ? chat_msg_lines(m, cols) : 0;
}

static void
chat_on_content(void *arg, const char *text, size_t len)
{
	struct ui_chat *c = arg;
	struct chat_msg *m = c->live;
	size_t before = chat_lines_now(c, m);

	buf_add(&m->text, text, len);
	if (!m->answer_started)
		m->answer_started = true;
	m->tail_dirty = true;
	chat_grew(c, m, before);
}

static void
chat_on_reasoning(void *arg, const char *text, size_t len)
{
	struct ui_chat *c = arg;
	struct chat_msg *m = c->live;
	size_t before = chat_lines_now(c, m);

	buf_add(&m->reasoning, text, len);
	m->tail_dirty = true;
	chat_grew(c, m, before);
}

static void
chat_on_done(void *arg, const struct exchange_result *r)
{
	struct ui_chat *c = arg;
	struct chat_msg *m = c->live;
	size_t before = chat_lines_now(c, m);

	m->streaming = false;
	free(m->model);
	m->model = xstrdup(r->model);
	m->id = r->message_id;
	chat_set_notices(m, r, c->app->quiet);
	free(c->status);
	c->status = NULL;
	c->status_error = false;
	if (strcmp(r->status, "interrupted") == 0)
		m->note = xstrdup(_("[interrupted: the partial answer is kept]"));
	else if (r->message != NULL) {
		m->note = xasprintf("[%s]", r->message);
		c->status = xstrdup(r->message);
		c->status_error = true;
	} else if (r->finish_reason != NULL && strcmp(r->finish_reason, "length") == 0)
		m->note = xstrdup(_("[cut off: the answer reached the token limit]"));
	else if (r->finish_reason != NULL && strcmp(r->finish_reason, "content_filter") == 0)
		m->note = xstrdup(_("[stopped by the provider's content filter]"));
	m->tail_dirty = true;
	m->stable_len = (size_t)-1; /* render the finished text whole */
	chat_grew(c, m, before);
	c->live = NULL;
}

/* A prompt is on its way: it and its answer join the transcript. */
static void
chat_asked(void *arg, const char *prompt, const char *model)
{
	struct ui_chat *c = arg;

	chat_add(c, MSG_USER, prompt, strlen(prompt));
	c->live = chat_add(c, MSG_ASSISTANT, "", 0);
	c->live->streaming = true;
	c->live->model = xstrdup(model);
	c->scroll = 0;
	free(c->status);
	c->status = NULL;
	ui_dirty(c->ui);
}

/* A prompt that was not sent goes back into the input. */
static void
chat_unsent(void *arg, const char *prompt)
{
	struct ui_chat *c = arg;

	input_set(c->in, prompt);
	ui_dirty(c->ui);
}

/*
 * The gate is closed: the prompt waits in the input, and the consent
 * screens open for the Terms as they are now; after acceptance Enter sends it.
 */
static void
chat_consent(void *arg, const char *prompt, const char *why)
{
	struct ui_chat *c = arg;
	char *cause = NULL;

	chat_say(c, why, true);
	if (prompt != NULL) {
		input_set(c->in, prompt);
		session_pending_clear(c->s);
	}
	if (ui_consent_reload(c->consent, &cause) != 0) {
		chat_say(c, cause, true);
		free(cause);
	}
}

/* ---- what the session asks of the chat screen ------------------------------------ */

/* The conversation on screen ended: a new one starts with the next prompt. */
static void
chat_cleared(void *arg)
{
	struct ui_chat *c = arg;
	size_t i;

	c->live = NULL;
	for (i = 0; i < c->nmsgs; i++)
		chat_msg_free(c->msgs[i]);
	c->nmsgs = 0;
	c->sel = -1;
	c->scroll = 0;
	ui_dirty(c->ui);
}

static void
chat_terms(void *arg)
{
	struct ui_chat *c = arg;

	ui_consent_view(c->consent);
}

/* /history picked a conversation (or none): back to chat, showing it. */
static void
chat_history_picked(int64_t id, void *arg)
{
	struct ui_chat *c = arg;

	ui_set_screen(c->ui, &chat_screen, c);
	if (id > 0)
		session_open(c->s, id);
}

static void
chat_history(void *arg)
{
	struct ui_chat *c = arg;

	ui_history_open(c->history);
}

/* /model picked a model (or none): back to chat, using it. */
static void
chat_model_picked(const char *name, void *arg)
{
	struct ui_chat *c = arg;

	ui_set_screen(c->ui, &chat_screen, c);
	if (name != NULL)
		session_model_use(c->s, name);
	else
		chat_status(c, _("model unchanged"), false);
}

static void
chat_models(void *arg, const char *const *names, size_t n, const char *current)
{
	struct ui_chat *c = arg;
	size_t i;

	for (i = 0; i < n && current != NULL; i++)
		if (strcmp(names[i], current) == 0)
			break;
	ui_pick_open(c->ui, _("models of the endpoint"), names, n, current != NULL && i < n ? i : 0,
	    chat_model_picked, c);
}

static void
chat_quit(void *arg)
{
	struct ui_chat *c = arg;

	ui_quit(c->ui, EXIT_OK);
}

/* ---- input --------------------------------------------------------------------- */

static void
chat_on_line(char *line, void *arg)
{
	struct ui_chat *c = arg;

	c->quit_armed = false;
	if (strspn(line, " \t\n") != strlen(line)) {
		input_recall_add(line);
		session_input(c->s, line);
	}
	free(line);
	ui_dirty(c->ui);
}

/* Tab: slash commands at the start, model and role names after /model and /role, files after /attach. */
static char **
chat_complete(const char *line, int start, const char *text, bool *files, void *arg)
{
	struct ui_chat *c = arg;

	*files = false;
	if (start == 0)
		return text[0] == '/' ? slash_complete(text, true) : NULL;
	return session_complete(c->s, line, start, text, files);
}

/* A Tab waits for the model list (note on the hint line), or it came: Tab again for it. */
static void
chat_tab_wait(void *arg, const char *note)
{
	struct ui_chat *c = arg;
	const char *line = input_text(c->in);

	if (note != NULL)
		input_set_hint(c->in, note);
	else if (strncmp(line, "/model", 6) == 0 && (line[6] == ' ' || line[6] == '\t'))
		input_complete(c->in);
	ui_dirty(c->ui);
}

static void
chat_on_change(void *arg)
{
	struct ui_chat *c = arg;

	ui_dirty(c->ui);
}

static void
chat_scroll(struct ui_chat *c, int lines)
{
	c->scroll += lines;
	if (c->scroll < 0)
		c->scroll = 0;
	ui_dirty(c->ui);
}

/*
 * Does key rate an answer (1 up, -1 down, 0 no)? Alt-+ (or Alt-=) and Alt--
 * always do; plain + and - only while an answer is selected, so that typing
 * never rates: a prompt may begin with any character.
 */
static int
chat_rating_key(const struct ui_chat *c, int key)
{
	if (key == UI_KEY_META('+') || key == UI_KEY_META('='))
		return 1;
	if (key == UI_KEY_META('-'))
		return -1;
	if (c->sel >= 0 && (key == '+' || key == '-'))
		return key == '+' ? 1 : -1;
	return 0;
}

/* Ctrl-C: cancel an answer, clear the input, or (twice) quit. */
static void
chat_ctrl_c(struct ui_chat *c)
{
	if (c->modal == MODAL_NOTICE) {
		chat_notice_answer(c, false, "Ctrl-C (full-screen)");
		return;
	}
	if (c->modal == MODAL_WITHDRAW) {
		chat_withdraw_answer(c, false);
		return;
	}
	if (c->modal != MODAL_NONE) {
		chat_why_done(c, NULL);
		return;
	}
	if (session_busy(c->s)) {
		session_cancel(c->s);
		return;
	}
	if (!input_empty(c->in)) {
		input_clear(c->in);
		return;
	}
	if (c->quit_armed)
		ui_quit(c->ui, EXIT_OK);
	c->quit_armed = true;
}

static void
chat_key(struct ui *ui, void *data, int key)
{
	struct ui_chat *c = data;
	int rows, cols;
	MEVENT ev;

	ui_size(ui, &rows, &cols);
	if (key != UI_KEY_CTRL('c'))
		c->quit_armed = false;
	if (c->modal != MODAL_NONE && key != UI_KEY_CTRL('c')) {
		chat_modal_key(c, key);
		return;
	}
	if (chat_rating_key(c, key) != 0) {
		chat_thumb_key(c, chat_rating_key(c, key));
		return;
	}
	switch (key) {
	case UI_KEY_ALT_UP:
		chat_select_move(c, -1);
		break;
	case UI_KEY_ALT_DOWN:
		chat_select_move(c, 1);
		break;
	case UI_KEY_CTRL('c'):
		chat_ctrl_c(c);
		break;
	case UI_KEY_CTRL('d'):
		if (input_empty(c->in))
			ui_quit(ui, EXIT_OK);
		else
			input_key(c->in, key);
		break;
	case UI_KEY_ESC:
		if (session_busy(c->s))
			session_cancel(c->s);
		else if (c->sel >= 0)
			c->sel = -1;
		else if (input_vi_mode(c->in))
			input_key(c->in, key);
		break;
	case KEY_PPAGE:
		chat_scroll(c, rows / 2);
		break;
	case KEY_NPAGE:
		chat_scroll(c, -rows / 2);
		break;
	case KEY_HOME:
	case KEY_END:
		if (!input_empty(c->in))
			input_key(c->in, key);
		else
			chat_scroll(c, key == KEY_HOME ? 1 << 28 : -(1 << 28));
		break;
	case KEY_MOUSE:
		if (getmouse(&ev) == OK && (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)))
			chat_scroll(c,
			    (ev.bstate & BUTTON4_PRESSED) ? CHAT_WHEEL_LINES : -CHAT_WHEEL_LINES);
		break;
	default:
		input_key(c->in, key);
	}
	ui_dirty(ui);
}

static void
chat_paste(struct ui *ui, void *data, const char *text, size_t len)
{
	struct ui_chat *c = data;

	input_insert(c->in, text, len);
	ui_dirty(ui);
}

static const struct ui_screen chat_screen = { "chat", chat_draw, chat_key, chat_paste };

/* Spin the status while an answer is awaited. */
static void
chat_tick(void *arg)
{
	struct ui_chat *c = arg;

	if (session_busy(c->s)) {
		c->spinner++;
		ui_dirty(c->ui);
	}
}

/* The keys /help lists; the mouse line only when the UI takes the mouse. */
static char *
chat_keys(struct ui *ui)
{
	if (!ui_mouse(ui))
		return xstrdup(_(
		    "Keys: Enter sends; Alt-Enter starts a new line; Ctrl-X Ctrl-E edits the "
		    "input in $VISUAL or $EDITOR; Esc or Ctrl-C stops an answer; PgUp/PgDn scroll, "
		    "Home/End (on an empty input) go to the top and the end; Alt-+ and Alt-- rate "
		    "the last answer; Alt-Up/Alt-Down select an earlier one, then + and - rate it; "
		    "Tab completes commands, and models and roles after /model and /role; Ctrl-C "
		    "twice or Ctrl-D leaves."));
	return xasprintf("%s\n%s",
	    _("Keys: Enter sends; Alt-Enter starts a new line; Ctrl-X Ctrl-E edits the "
	      "input in $VISUAL or $EDITOR; Esc or Ctrl-C stops an answer; PgUp/PgDn and the "
	      "wheel scroll, Home/End (on an empty input) go to the top and the end; Alt-+ and "
	      "Alt-- rate the last answer; Alt-Up/Alt-Down select an earlier one, then + and - "
	      "rate it; Tab completes commands, and models and roles after /model and /role; "
	      "Ctrl-C twice or Ctrl-D leaves."),
	    _("The mouse setting is on: hold Shift while dragging to select text."));
}

/* /copy: through the UI, which flushes curses' output first. */
static int
chat_clipboard(void *arg, const char *data, size_t len, char **cause)
{
	struct ui_chat *c = arg;

	return ui_clipboard(c->ui, data, len, cause);
}

/* Ctrl-X Ctrl-E and /edit: the editor on text; what it leaves goes into the input. */
static void
chat_edit_text(struct ui_chat *c, const char *text)
{
	char *out = NULL, *cause = NULL;

	if (session_busy(c->s)) { /* the answer would stall behind the editor */
		chat_status(c, _("wait for the answer, or stop it with Esc, before editing"), true);
		return;
	}
	if (ui_edit(c->ui, text, &out, &cause) != 0) {
		chat_status(c, cause, true);
		free(cause);
		return;
	}
	input_set(c->in, out);
	chat_status(c, out[0] != '\0' ? _("edited: Enter sends it") : _("the editor left it empty"),
	    false);
	free(out);
}

static void
chat_edit(void *arg, const char *text)
{
	chat_edit_text(arg, text);
}

static void
chat_edit_key(void *arg)
{
	struct ui_chat *c = arg;
	char *text = xstrdup(input_text(c->in));

	chat_edit_text(c, text);
	free(text);
}

static const struct session_view chat_view = {
	.clipboard = chat_clipboard,
	.edit = chat_edit,
	.say = chat_say,
	.status = chat_status,
	.shown = NULL,
	.cleared = chat_cleared,
	.asked = chat_asked,
	.content = chat_on_content,
	.reasoning = chat_on_reasoning,
	.done = chat_on_done,
	.consent = chat_consent,
	.unsent = chat_unsent,
	.notice = chat_notice,
	.why = chat_why,
	.rated = chat_rated,
	.terms = chat_terms,
	.withdraw = chat_withdraw,
	.history = chat_history,
	.quit = chat_quit,
	.no_terms = chat_no_terms,
	.models = chat_models,
	.save_profile = chat_save_profile,
	.tab_wait = chat_tab_wait,
};

/* A stored answer's status (the store's word) as the screen says it. */
static const char *
chat_status_word(const char *status)
{
	if (strcmp(status, "interrupted") == 0)
		/* TRANSLATORS: a stored answer's status, in brackets under it */
		return _("interrupted");
	if (strcmp(status, "error") == 0)
		return _("error");
	if (strcmp(status, "replaced") == 0)
		return _("replaced");
	return status;
}

/* One stored message of a continued conversation into the transcript. */
static void
chat_shown(void *arg, const struct store_log_message *lm)
{
	const struct store_message *sm = &lm->m;
	struct ui_chat *c = arg;
	struct chat_msg *m;

	m = chat_add(c, strcmp(sm->role, "user") == 0 ? MSG_USER : MSG_ASSISTANT, sm->content,
	    sm->content_len);
	if (sm->model != NULL)
		m->model = xstrdup(sm->model);
	m->id = sm->id;
	m->rating = lm->rated ? lm->rating : 0;
	m->rating_known = true;
	if (m->kind == MSG_ASSISTANT && strcmp(sm->status, "complete") != 0)
		m->note = xasprintf("[%s]", chat_status_word(sm->status));
	if (lm->disclaimers != NULL)
		m->disc = chat_notices_from_json(lm->disclaimers, c->app->quiet);
}

struct ui_chat *
ui_chat_new(struct ui *ui)
{
	struct ui_chat *c = xcalloc(1, sizeof *c);
	struct session_view v = chat_view;

	c->ui = ui;
	c->app = ui_app(ui);
	v.arg = c;
	v.shown = chat_shown;
	c->keys = chat_keys(ui);
	v.keys = c->keys;
	c->s = session_new(c->app, ui_loop(ui), &v);
	c->in = input_new(chat_on_line, chat_complete, chat_on_change, c);
	input_on_edit(c->in, chat_edit_key);
	c->timer = loop_add_timer(ui_loop(ui), 250, chat_tick, c);
	c->sel = -1;
	c->history = ui_history_new(ui, chat_history_picked, c);
	buf_init(&c->field, 4096);
	feedback_outbox_start(c->app, ui_loop(ui));
	return c;
}

void
ui_chat_free(struct ui_chat *c)
{
	size_t i;

	if (c == NULL)
		return;
	session_free(c->s);
	feedback_outbox_stop(c->app);
	loop_remove_timer(ui_loop(c->ui), c->timer);
	input_free(c->in);
	ui_history_free(c->history);
	buf_release(&c->field);
	free(c->notice);
	for (i = 0; i < c->nmsgs; i++)
		chat_msg_free(c->msgs[i]);
	free(c->msgs);
	free(c->status);
	free(c->keys);
	free(c);
}

void
ui_chat_say(struct ui_chat *c, const char *text, bool error)
{
	chat_say(c, text, error);
}

void
ui_chat_set_consent(struct ui_chat *c, struct ui_consent *consent)
{
	c->consent = consent;
}

/* Local OpenAI-compatible servers on the usual loopback ports. */
static void
chat_offer_local(struct ui_chat *c)
{
	static const struct {
		const char *name;
		const char *url;
	} servers[] = {
		{ "Ollama", "http://127.0.0.1:11434/v1" },
		{ "llama.cpp", "http://127.0.0.1:8080/v1" },
		{ "LM Studio", "http://127.0.0.1:1234/v1" },
	};
	struct http_get_opts opts = { .timeout_s = 1, .max_body = 1 << 20 };
	struct http_result res;
	char *url, *cause = NULL, *msg;
	size_t i;
	int found = 0;

	for (i = 0; i < nitems(servers); i++) {
		url = config_url(servers[i].url, "models");
		if (http_get(url, &opts, &res, &cause) == 0 && res.status == 200) {
			/* TRANSLATORS: the first %s is a server's name (Ollama), the second its URL */
			msg = xasprintf(_("found %s on this machine: type /endpoint %s to use it "
					  "(no key needed)"),
			    servers[i].name, servers[i].url);
			chat_say(c, msg, false);
			free(msg);
			found++;
		}
		free(cause);
		cause = NULL;
		http_result_release(&res);
		free(url);
	}
	if (found == 0)
		chat_say(c,
		    _("no local server found on the usual ports (Ollama 11434, llama.cpp "
		      "8080, LM Studio 1234)"),
		    false);
}

/* The first time: continue what the command line named, and check for a key. */
static void
chat_greet(struct ui_chat *c)
{
	char *cause = NULL;

	c->opened = true;
	if (session_resume(c->s, &cause) != 0) {
		chat_say(c, cause, true);
		free(cause);
	}
	if (!session_ready(c->s))
		chat_offer_local(c);
	else
		chat_say(c, _("ask anything; /help lists the commands"), false);
}

void
ui_chat_open(struct ui_chat *c)
{
	snprintf(c->terms_short, sizeof c->terms_short, "%s", ui_consent_version(c->consent));
	c->quit_armed = false;
	ui_set_screen(c->ui, &chat_screen, c);
	if (!c->opened)
		chat_greet(c);
}

void
ui_chat_accepted(void *arg, const char *note)
{
	struct ui_chat *c = arg;

	ui_chat_open(c);
	if (note != NULL)
		chat_say(c, note, false);
	if (!input_empty(c->in))
		chat_say(c,
		    _("accepted: the prompt that was not sent is in the input; press Enter "
		      "to send it"),
		    false);
}

void
ui_chat_back(void *arg)
{
	ui_chat_open(arg);
}
