/* ui-chat.c: the chat screen: status bar, transcript, input, key hints. */
#include "common.h"

#include <cjson/cJSON.h>
#include <curses.h>
#include <strings.h>

#include "buf.h"
#include "config.h"
#include "disclaimer.h"
#include "exchange.h"
#include "session.h"
#include "slash.h"
#include "feedback.h"
#include "http.h"
#include "input.h"
#include "loop.h"
#include "markdown.h"
#include "store.h"
#include "text.h"
#include "ui-chat.h"
#include "ui-consent.h"
#include "ui-history.h"
#include "ui.h"

#define CHAT_MIN_COLS 40
#define CHAT_MIN_ROWS 12
#define CHAT_INPUT_MAX_ROWS 6
#define CHAT_REASONING_ROWS 4
#define CHAT_WHEEL_LINES 3

enum chat_kind { MSG_USER, MSG_ASSISTANT, MSG_NOTICE, MSG_ERROR };

/* One entry of the transcript, with its rendering at the current width. */
struct chat_msg {
	enum chat_kind kind;
	struct buf text;	/* the source: raw, untrusted for answers */
	struct buf reasoning;
	char *model;
	char *note;		/* how an answer ended, when not plainly */
	bool streaming;
	bool answer_started;	/* content has begun: reasoning folds away */
	/* rendering */
	int width;		/* 0: not rendered at the current width */
	struct md_doc stable;	/* lines of text[0..stable_len) */
	size_t stable_len;
	struct md_doc tail;	/* lines of the rest */
	bool tail_dirty;
	struct md_doc extra;	/* the reasoning block */
	struct md_doc notes;	/* how it ended */
	char *disc;		/* the reliance notices, one per line ("!" first: strong) */
	struct md_doc discdoc;
	/* feedback */
	int64_t id;		/* the answer's row in the store, 0 when not logged */
	int rating;		/* 1, -1, 0 */
	bool rating_known;
};

/* A small dialog over the input: the feedback notice, reasons, a comment, a y/N question. */
enum chat_modal { MODAL_NONE, MODAL_NOTICE, MODAL_REASONS, MODAL_COMMENT, MODAL_WITHDRAW };

struct ui_chat {
	struct ui *ui;
	struct ui_consent *consent;
	struct app *app;
	struct session *s;	/* the conversation */
	struct input *in;
	struct chat_msg **msgs;
	size_t nmsgs;
	struct chat_msg *live;	/* the answer arriving, or NULL */
	bool opened;		/* the greeting was said */
	int scroll;		/* lines scrolled up from the bottom; 0 follows new text */
	bool quit_armed;	/* Ctrl-C once at an empty prompt */
	char *status;		/* a note for the status bar */
	bool status_error;
	int spinner;
	int timer;
	char terms_short[16];	/* the accepted version, for the status bar */
	char *keys;		/* what /help says of the keys */
	/* feedback */
	ssize_t sel;		/* the selected answer, -1: the latest */
	enum chat_modal modal;
	int64_t rating_id;	/* the answer asked about (reasons, comment) */
	char *notice;		/* the notice text, or the y/N question, while it is shown */
	bool no_terms;		/* the notice is the loopback question (consent.h) */
	unsigned int reasons;	/* bits of feedback_reasons(-1) */
	struct buf field;	/* what is typed into the dialog */
};

static const char *chat_thumb(int rating);
static const struct ui_screen chat_screen;
static void chat_draw_modal(struct ui_chat *c, int top, int th, int iy, int rows, int cols);

/* ---- messages ---------------------------------------------------------------- */

static struct chat_msg *
chat_add(struct ui_chat *c, enum chat_kind kind, const char *text, size_t len)
{
	struct chat_msg *m = xcalloc(1, sizeof *m);

	m->kind = kind;
	buf_init(&m->text, (size_t)256 << 20);
	buf_init(&m->reasoning, (size_t)256 << 20);
	buf_add(&m->text, text, len);
	c->msgs = xreallocarray(c->msgs, c->nmsgs + 1, sizeof *c->msgs);
	c->msgs[c->nmsgs++] = m;
	return m;
}

static void
chat_msg_unrender(struct chat_msg *m)
{
	markdown_doc_release(&m->stable);
	markdown_doc_release(&m->tail);
	markdown_doc_release(&m->extra);
	markdown_doc_release(&m->notes);
	markdown_doc_release(&m->discdoc);
	m->stable_len = 0;
	m->width = 0;
}

static void
chat_msg_free(struct chat_msg *m)
{
	chat_msg_unrender(m);
	buf_release(&m->text);
	buf_release(&m->reasoning);
	free(m->model);
	free(m->note);
	free(m->disc);
	free(m);
}

/* Append plain text to doc as wrapped lines of one style (visible controls). */
static void
chat_plain(struct md_doc *doc, const char *s, size_t len, int width, unsigned int style)
{
	struct text_sanitizer san;
	struct text_span *sp;
	struct buf clean;
	size_t n, i;

	buf_init(&clean, 0);
	text_sanitizer_init(&san, TEXT_VISIBLE);
	text_sanitize(&san, s, len, &clean);
	text_sanitize_finish(&san, &clean);
	for (i = 0; i < clean.len; i++)	/* tabs: one blank, the wrapper counts columns */
		if (clean.data[i] == '\t')
			clean.data[i] = ' ';
	n = text_wrap(clean.data, clean.len, width, &sp);
	doc->lines = xreallocarray(doc->lines, doc->nlines + n, sizeof *doc->lines);
	for (i = 0; i < n; i++) {
		struct md_line *l = &doc->lines[doc->nlines++];

		l->spans = xcalloc(1, sizeof *l->spans);
		l->nspans = 1;
		l->spans[0].text = xstrndup(clean.data + sp[i].off, sp[i].len);
		l->spans[0].len = sp[i].len;
		l->spans[0].style = style;
		l->width = text_width(l->spans[0].text, sp[i].len);
	}
	free(sp);
	buf_release(&clean);
}

/* Words in s, for the folded reasoning line. */
static size_t
chat_words(const char *s, size_t len)
{
	size_t n = 0, i;
	bool in = false;

	for (i = 0; i < len; i++) {
		bool blank = s[i] == ' ' || s[i] == '\n' || s[i] == '\t';

		if (!blank && !in)
			n++;
		in = !blank;
	}
	return n;
}

/* The reasoning block and the note under an answer. */
static void
chat_render_extra(struct chat_msg *m, int width)
{
	char *fold;

	markdown_doc_release(&m->extra);
	if (m->reasoning.len > 0 && (m->answer_started || !m->streaming)) {
		fold = xasprintf("> reasoning: %zu words (not shown, never sent back)",
		    chat_words(m->reasoning.data, m->reasoning.len));
		chat_plain(&m->extra, fold, strlen(fold), width, MD_DIM);
		free(fold);
	} else if (m->reasoning.len > 0) {
		struct md_doc all = { 0 };
		size_t first;

		chat_plain(&all, m->reasoning.data, m->reasoning.len, width - 2, MD_DIM | MD_ITALIC);
		first = all.nlines > CHAT_REASONING_ROWS ? all.nlines - CHAT_REASONING_ROWS : 0;
		chat_plain(&m->extra, "thinking...", 11, width, MD_DIM);
		for (; first < all.nlines; first++) {
			char *t = markdown_line_text(&all.lines[first]);

			chat_plain(&m->extra, t, strlen(t), width, MD_DIM | MD_ITALIC);
			free(t);
		}
		markdown_doc_release(&all);
	}
}

/* The reliance notices under an answer: quiet for the general one, marked when strong. */
static void
chat_render_notices(struct chat_msg *m, int width)
{
	const char *line = m->disc, *nl;

	while (line != NULL && *line != '\0') {
		nl = strchr(line, '\n');
		if (*line == '!')
			chat_plain(&m->discdoc, line, nl != NULL ? (size_t)(nl - line) : strlen(line),
			    width, MD_BOLD);
		else
			chat_plain(&m->discdoc, line, nl != NULL ? (size_t)(nl - line) : strlen(line),
			    width, MD_DIM);
		line = nl != NULL ? nl + 1 : NULL;
	}
}

/* Bring a message's lines up to date for this width; only the tail re-renders. */
static void
chat_render(struct chat_msg *m, int width)
{
	size_t stable;

	if (m->width != width) {
		chat_msg_unrender(m);
		m->width = width;
		m->tail_dirty = true;
	}
	if (!m->tail_dirty)
		return;
	if (m->kind != MSG_ASSISTANT) {
		markdown_doc_release(&m->tail);
		chat_plain(&m->tail, m->text.data, m->text.len, width, m->kind == MSG_ERROR ?
		    MD_BOLD : m->kind == MSG_NOTICE ? MD_DIM : 0);
		m->tail_dirty = false;
		return;
	}
	stable = m->streaming ? markdown_stable(m->text.data, m->text.len) : 0;
	if (stable != m->stable_len) {
		markdown_doc_release(&m->stable);
		markdown_render(m->text.data, stable, width, &m->stable);
		m->stable_len = stable;
	}
	markdown_doc_release(&m->tail);
	markdown_render(m->text.data + m->stable_len, m->text.len - m->stable_len, width,
	    &m->tail);
	chat_render_extra(m, width);
	markdown_doc_release(&m->notes);
	if (m->note != NULL)
		chat_plain(&m->notes, m->note, strlen(m->note), width, MD_BOLD);
	markdown_doc_release(&m->discdoc);
	chat_render_notices(m, width);
	m->tail_dirty = false;
}

/* Lines a message takes: header, extra (reasoning), body, note, blank. */
static size_t
chat_msg_lines(struct chat_msg *m, int width)
{
	chat_render(m, width);
	return 1 + m->extra.nlines + m->stable.nlines + m->tail.nlines + m->notes.nlines +
	    m->discdoc.nlines + 1;
}

/* ---- drawing --------------------------------------------------------------------- */

static int
chat_span_attr(struct ui *ui, unsigned int style)
{
	return ui_md_attr(ui, style);
}

static void
chat_draw_md_line(struct ui *ui, int y, const struct md_line *l, int width, int base)
{
	int x = 0;
	size_t i;

	for (i = 0; i < l->nspans && x < width; i++)
		x += ui_put(y, x, l->spans[i].text, l->spans[i].len, width - x,
		    chat_span_attr(ui, l->spans[i].style) | base);
}

/* Draw line k of message m at row y. */
static void
chat_draw_msg_line(struct ui_chat *c, struct chat_msg *m, size_t k, int y, int width)
{
	struct ui *ui = c->ui;
	const struct md_doc *parts[5] = { &m->extra, &m->stable, &m->tail, &m->notes,
		&m->discdoc };
	char head[128];
	size_t p;

	if (k == 0) {
		if (m->kind == MSG_USER)
			ui_put(y, 0, "You", 3, width, ui_attr(ui, UI_USER));
		else if (m->kind == MSG_ASSISTANT) {
			char *cause = NULL;

			if (!m->rating_known && m->id > 0 && !m->streaming &&
			    feedback_get(c->app, m->id, &m->rating, &cause) >= 0)
				m->rating_known = true;
			free(cause);
			snprintf(head, sizeof head, "%s%s%s%s", m->model != NULL ? m->model : "model",
			    m->streaming ? "  ..." : "", chat_thumb(m->rating),
			    c->sel >= 0 && c->msgs[c->sel] == m ? "   < selected: + or - rates it" :
			    "");
			ui_put(y, 0, head, strlen(head), width, ui_attr(ui, c->sel >= 0 &&
			    c->msgs[c->sel] == m ? UI_HILITE : UI_MODEL));
		} else
			ui_put(y, 0, m->kind == MSG_ERROR ? "error" : "confab", m->kind ==
			    MSG_ERROR ? 5 : 6, width, ui_attr(ui, m->kind == MSG_ERROR ? UI_ERROR :
			    UI_DIM));
		return;
	}
	k--;
	for (p = 0; p < 5; p++) {
		if (k < parts[p]->nlines) {
			chat_draw_md_line(ui, y, &parts[p]->lines[k], width, p == 3 ?
			    ui_attr(ui, UI_ERROR) : 0);
			return;
		}
		k -= parts[p]->nlines;
	}
}

/* Lines of the newest messages, counted until at least want (or all of them). */
static long
chat_lines_above(struct ui_chat *c, int width, long want)
{
	long total = 0;
	size_t i = c->nmsgs;

	while (i > 0 && total < want)
		total += (long)chat_msg_lines(c->msgs[--i], width);
	return total;
}

/*
 * Draw the transcript into rows [top, top + h), from the bottom up, skipping
 * c->scroll lines: only the messages on screen are rendered.
 */
static void
chat_draw_transcript(struct ui_chat *c, int top, int h, int width)
{
	long skip = c->scroll, y = top + h;
	size_t i = c->nmsgs, k, n;

	/* scrolled further up than there is text: stop at the first line */
	if (c->scroll > 0 && chat_lines_above(c, width, (long)c->scroll + h) < (long)c->scroll + h) {
		c->scroll = (int)(chat_lines_above(c, width, (long)c->scroll + h) - h);
		if (c->scroll < 0)
			c->scroll = 0;
		skip = c->scroll;
	}

	while (i > 0 && y > top) {
		struct chat_msg *m = c->msgs[--i];

		n = chat_msg_lines(m, width);
		for (k = n; k-- > 0 && y > top;) {
			if (skip > 0) {
				skip--;
				continue;
			}
			y--;
			if (k < n - 1)	/* the last line is the blank separator */
				chat_draw_msg_line(c, m, k, (int)y, width);
		}
	}
}

/* s cut to at most cols columns, ending in "..." when cut (into out). */
static void
chat_fit(const char *s, int cols, char *out, size_t size)
{
	size_t len = strlen(s), i = 0, n, keep = 0;
	unsigned int cp;
	int w = 0;

	if (text_width(s, len) <= cols) {
		snprintf(out, size, "%s", s);
		return;
	}
	while (i < len && (n = text_utf8_seq(s + i, len - i, &cp)) > 0 &&
	    w + text_cp_width(cp) <= cols - 3) {
		w += text_cp_width(cp);
		i += n;
		keep = i;
	}
	while (keep > 0 && s[keep - 1] == ' ')
		keep--;
	snprintf(out, size, "%.*s...", (int)keep, s);
}

/* The left of the top bar; stage 1 leaves out the tokens, stage 2 "accepted" too. */
static int
chat_status_left(struct ui_chat *c, int stage, char *left, size_t size)
{
	char host[128];

	if (!config_url_place(config_get(&c->app->cfg, CONFIG_BASE_URL), host, sizeof host))
		snprintf(host, sizeof host, "?");
	snprintf(left, size, "%s | %s | Terms %s%s", config_get(&c->app->cfg, CONFIG_MODEL), host,
	    stage < 2 ? "accepted " : "", c->terms_short);
	if (stage == 0)
		snprintf(left + strlen(left), size - strlen(left), " | %ld tokens",
		    session_tokens(c->s));
	return text_width(left, strlen(left));
}

/* Would an error be shortened in the top bar (three blanks from the shortest left side)? */
static bool
chat_status_cut(struct ui_chat *c, const char *note)
{
	char left[256];
	int rows, cols;

	ui_size(c->ui, &rows, &cols);
	return chat_status_left(c, 2, left, sizeof left) + text_width(note, strlen(note)) >
	    cols - 5;
}

/*
 * The top bar: model, server and Terms on the left, a note or an error on
 * the right. A passing note may cover the end of the left side. An error
 * does not: the left side gives up the token count, then the word
 * "accepted", and the error is shortened (the whole of it is in the
 * transcript).
 */
static void
chat_draw_status(struct ui_chat *c, int cols)
{
	char left[256], right[512];
	const char *note = c->status;
	int lw = 0, room, stage;

	if (note == NULL && session_busy(c->s)) {
		snprintf(right, sizeof right, "answering %c", "|/-\\"[c->spinner % 4]);
		note = right;
	}
	for (stage = 0; stage < 3; stage++) {
		lw = chat_status_left(c, stage, left, sizeof left);
		if (note == NULL || lw + text_width(note, strlen(note)) <= cols - 5 ||
		    (!c->status_error && stage == 1))
			break;
	}
	room = cols - 5 - lw;	/* three blanks between */
	if (!c->status_error)	/* a passing note may cover the left side */
		room = cols - 4;
	if (note != NULL)
		chat_fit(note, room > 12 ? room : 12, right, sizeof right);
	else
		right[0] = '\0';
	ui_bar(0, left, right, ui_attr(c->ui, c->status_error ? UI_ERROR : UI_BAR) |
	    (c->status_error ? A_REVERSE : 0));
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
	in_rows = input_rows(c->in, cols, rows / 3 < CHAT_INPUT_MAX_ROWS ? rows / 3 :
	    CHAT_INPUT_MAX_ROWS);
	if (c->modal != MODAL_NONE && in_rows < 3)
		in_rows = 3;	/* room for the dialog's wrapped line */
	th = rows - 2 - in_rows - 1;
	chat_draw_status(c, cols);
	chat_draw_transcript(c, 1, th, cols);
	ui_rule(1 + th, cols, A_DIM);
	if (c->scroll > 0)
		ui_put(1 + th, cols > 30 ? cols - 28 : 0, " more below: PgDn or End ", 25, 25,
		    ui_attr(ui, UI_HILITE));
	input_draw(c->in, 2 + th, cols, in_rows, 0);
	if (c->modal != MODAL_NONE) {
		chat_draw_modal(c, 1, th, 2 + th, in_rows, cols);
		ui_bar(rows - 1, c->modal == MODAL_REASONS ? "digits choose reasons  Enter: add a "
		    "comment  Esc: skip" : c->modal == MODAL_COMMENT ? "Enter saves  Esc skips" :
		    c->modal == MODAL_WITHDRAW ? "y withdraws consent  any other key keeps it" :
		    "feedback under section IV of the Terms", NULL, ui_attr(ui, UI_DIM));
		curs_set(1);
		return;
	}
	if (hint == NULL)
		hint = session_busy(c->s) ? "Esc or Ctrl-C cancel  PgUp/PgDn scroll  Enter send" :
		    c->quit_armed ? "press Ctrl-C again to quit, or keep typing" :
		    cols >= 82 ? "Enter send  Alt-Enter newline  PgUp/PgDn scroll  Alt-+/- rate  /help  "
		    "Ctrl-D quit" : "Enter send  Alt-Enter newline  PgUp/PgDn  Alt-+/- rate  /help  "
		    "Ctrl-D quit";
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

/* The stored notices of an answer ([{id, clause, text}]) as lines to draw. */
static char *
chat_notices_from_json(const char *json, bool hush)
{
	cJSON *arr = cJSON_Parse(json), *d;
	struct buf b;

	buf_init(&b, 0);
	cJSON_ArrayForEach(d, arr) {
		const char *id = cJSON_GetStringValue(cJSON_GetObjectItem(d, "id"));
		const char *clause = cJSON_GetStringValue(cJSON_GetObjectItem(d, "clause"));
		const char *text = cJSON_GetStringValue(cJSON_GetObjectItem(d, "text"));
		bool quiet = id != NULL && (strcmp(id, "general") == 0 ||
		    strcmp(id, "end-interrupted") == 0);

		if (text != NULL && !(quiet && hush))	/* -q: only the strong ones */
			buf_addf(&b, "%s%s (Terms %s)\n", quiet ? "" : "! ", text,
			    clause != NULL ? clause : "III.4");
	}
	cJSON_Delete(arr);
	if (b.len == 0) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

/* Keep the exchange's notices as lines, for drawing under the answer. */
static void
chat_set_notices(struct chat_msg *m, const struct exchange_result *r, bool hush)
{
	struct buf b;
	size_t i;

	buf_init(&b, 0);
	for (i = 0; i < r->ndisclaimers; i++) {
		const struct disclaimer *d = r->disclaimers[i];

		if (d->strong)
			buf_addf(&b, "! %s (Terms %s)\n", d->text, d->clause);
		else if (!hush)	/* -q: only the strong ones */
			buf_addf(&b, "%s (Terms %s)\n", d->text, d->clause);
	}
	free(m->disc);
	m->disc = b.len > 0 ? buf_detach(&b, NULL) : NULL;
	buf_release(&b);
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
		m->note = xstrdup("[interrupted: the partial answer is kept]");
	else if (r->message != NULL) {
		m->note = xasprintf("[%s]", r->message);
		c->status = xstrdup(r->message);
		c->status_error = true;
	} else if (r->finish_reason != NULL && strcmp(r->finish_reason, "length") == 0)
		m->note = xstrdup("[cut off: the answer reached the token limit]");
	else if (r->finish_reason != NULL && strcmp(r->finish_reason, "content_filter") == 0)
		m->note = xstrdup("[stopped by the provider's content filter]");
	m->tail_dirty = true;
	m->stable_len = (size_t)-1;	/* render the finished text whole */
	chat_grew(c, m, before);
	c->live = NULL;
}

/* A notice or an error in the transcript; also the session's view->say. */
static void
chat_say(void *arg, const char *text, bool error)
{
	struct ui_chat *c = arg;

	chat_add(c, error ? MSG_ERROR : MSG_NOTICE, text, strlen(text));
	c->scroll = 0;
	ui_dirty(c->ui);
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

/* ---- feedback ------------------------------------------------------------------- */

/* The answer a rating goes to: the selected one, or the latest finished one. */
static struct chat_msg *
chat_selected(struct ui_chat *c)
{
	size_t i;

	if (c->sel >= 0 && (size_t)c->sel < c->nmsgs)
		return c->msgs[c->sel];
	for (i = c->nmsgs; i-- > 0;)
		if (c->msgs[i]->kind == MSG_ASSISTANT && !c->msgs[i]->streaming)
			return c->msgs[i];
	return NULL;
}

/* Move the selection to an older (-1) or newer (+1) answer; past the newest clears it. */
static void
chat_select_move(struct ui_chat *c, int dir)
{
	ssize_t i = c->sel >= 0 ? c->sel : (ssize_t)c->nmsgs;

	for (i += dir; i >= 0 && (size_t)i < c->nmsgs; i += dir)
		if (c->msgs[i]->kind == MSG_ASSISTANT && !c->msgs[i]->streaming) {
			c->sel = i;
			return;
		}
	if (dir > 0)
		c->sel = -1;
}

/* A note in the status bar; also the session's view->status. */
static void
chat_status(void *arg, const char *text, bool error)
{
	struct ui_chat *c = arg;

	free(c->status);
	c->status = text != NULL ? xstrdup(text) : NULL;
	c->status_error = error;
	if (text != NULL && error && chat_status_cut(c, text))	/* the bar shows only its start */
		chat_say(c, text, error);
	ui_dirty(c->ui);
}

/* The mark beside a rated answer: a thumb where the terminal can show it. */
static const char *
chat_thumb(int rating)
{
	if (rating == 0)
		return "";
	if (MB_CUR_MAX > 1)
		return rating > 0 ? " \xf0\x9f\x91\x8d" : " \xf0\x9f\x91\x8e";
	return rating > 0 ? " [+]" : " [-]";
}

static void
chat_modal_open(struct ui_chat *c, enum chat_modal modal)
{
	c->modal = modal;
	buf_reset(&c->field);
	ui_dirty(c->ui);
}

/* The rating view callbacks: the notice first, reasons after a thumbs-down. */
static void
chat_notice(void *arg, const char *text)
{
	struct ui_chat *c = arg;

	free(c->notice);
	c->notice = xstrdup(text);
	c->no_terms = false;
	chat_modal_open(c, MODAL_NOTICE);
}

/* The loopback question after /endpoint: the notice's yes/no field asks it. */
static void
chat_no_terms(void *arg, const char *question)
{
	struct ui_chat *c = arg;

	free(c->notice);
	c->notice = xstrdup(question);
	c->no_terms = true;
	chat_modal_open(c, MODAL_NOTICE);
}

/* /terms withdraw: the session's y/N question over the input; one key answers. */
static void
chat_withdraw(void *arg, const char *question)
{
	struct ui_chat *c = arg;

	free(c->notice);
	c->notice = xstrdup(question);
	chat_modal_open(c, MODAL_WITHDRAW);
}

static void
chat_why(void *arg, int64_t id)
{
	struct ui_chat *c = arg;

	c->rating_id = id;
	c->reasons = 0;
	chat_modal_open(c, MODAL_REASONS);
}

/* An answer's rating changed: its mark follows. */
static void
chat_rated(void *arg, int64_t id, int rating)
{
	struct ui_chat *c = arg;
	size_t i;

	for (i = 0; i < c->nmsgs; i++)
		if (c->msgs[i]->kind == MSG_ASSISTANT && c->msgs[i]->id == id) {
			c->msgs[i]->rating = rating;
			c->msgs[i]->rating_known = true;
		}
	ui_dirty(c->ui);
}

/* '+' or '-' on an answer: rate it, or clear the same rating again. */
static void
chat_thumb_key(struct ui_chat *c, int rating)
{
	struct chat_msg *m = chat_selected(c);

	if (m == NULL || m->id <= 0) {
		chat_status(c, m == NULL ? "there is no answer to rate yet" : "this answer was not "
		    "stored (--no-log), so it cannot be rated", true);
		return;
	}
	session_thumb(c->s, m->id, rating);
}

/* The reasons chosen in the dialog, comma-separated (allocated), or NULL. */
static char *
chat_reasons(const struct ui_chat *c)
{
	const char *const *names = feedback_reasons(-1);
	struct buf b;
	size_t i;

	buf_init(&b, 0);
	for (i = 0; names[i] != NULL; i++)
		if (c->reasons & (1u << i))
			buf_addf(&b, "%s%s", b.len > 0 ? "," : "", names[i]);
	if (b.len == 0) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

/* Typing into the dialog's field: printable bytes, Backspace. */
static bool
chat_field_key(struct ui_chat *c, int key)
{
	if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		while (c->field.len > 0 && (c->field.data[c->field.len - 1] & 0xc0) == 0x80)
			c->field.len--;
		if (c->field.len > 0)
			c->field.len--;
		c->field.data[c->field.len] = '\0';
		return true;
	}
	if (key >= 0x20 && key < 256 && key != 0x7f) {
		buf_addc(&c->field, (char)key);
		return true;
	}
	return false;
}

/* The notice: yes confirms (and the rating goes ahead), no or Esc declines. */
static void
chat_notice_answer(struct ui_chat *c, bool confirmed, const char *how)
{
	c->modal = MODAL_NONE;
	if (!c->no_terms)
		session_notice_answer(c->s, confirmed, how);
	else if (strncmp(how, "typed", 5) == 0)
		session_no_terms_answer(c->s, confirmed, how);
	else	/* only a typed answer counts: Esc and Ctrl-C leave the question open */
		chat_say(c, "no answer: nothing was recorded, and the Terms govern this server",
		    false);
}

/* The withdraw question: y withdraws; any other key keeps consent. */
static void
chat_withdraw_answer(struct ui_chat *c, bool yes)
{
	c->modal = MODAL_NONE;
	session_withdraw_answer(c->s, yes);
}

/* The reasons dialog ended: the thumbs-down is stored, with what was given. */
static void
chat_why_done(struct ui_chat *c, const char *comment)
{
	char *reasons = chat_reasons(c);

	c->modal = MODAL_NONE;
	session_rate(c->s, c->rating_id, -1, reasons != NULL ? reasons : "", comment);
	free(reasons);
}

/* Keys while a dialog is open. */
static void
chat_modal_key(struct ui_chat *c, int key)
{
	const char *const *names = feedback_reasons(-1);

	if (c->modal == MODAL_WITHDRAW) {
		chat_withdraw_answer(c, key == 'y' || key == 'Y');
	} else if (c->modal == MODAL_NOTICE) {
		if (key == UI_KEY_ESC)
			chat_notice_answer(c, false, "Esc (full-screen)");
		else if (key == 13 && strcasecmp(c->field.data, "yes") == 0)
			chat_notice_answer(c, true, "typed 'yes' (full-screen)");
		else if (key == 13 && strcasecmp(c->field.data, "no") == 0)
			chat_notice_answer(c, false, "typed 'no' (full-screen)");
		else if (key == 13)
			chat_status(c, c->no_terms ? "type yes or no" : "type yes to confirm, or no",
			    true);
		else
			chat_field_key(c, key);
	} else if (c->modal == MODAL_REASONS) {
		if (key >= '1' && key <= '9' && names[key - '1'] != NULL)
			c->reasons ^= 1u << (key - '1');
		else if (key == 13)
			chat_modal_open(c, MODAL_COMMENT);
		else if (key == UI_KEY_ESC)
			chat_why_done(c, NULL);
	} else if (c->modal == MODAL_COMMENT) {
		if (key == 13 || key == UI_KEY_ESC)
			chat_why_done(c, key == 13 && c->field.len > 0 ? c->field.data : NULL);
		else
			chat_field_key(c, key);
	}
	ui_dirty(c->ui);
}

/* Draw the open dialog over the input area (and the notice over the transcript). */
static void
chat_draw_modal(struct ui_chat *c, int top, int th, int iy, int rows, int cols)
{
	const char *const *names = feedback_reasons(-1);
	struct buf line;
	struct md_doc doc = { 0 };
	size_t i;
	int y;

	buf_init(&line, 0);
	if (c->modal == MODAL_NOTICE) {
		for (y = top; y < top + th; y++) {
			move(y, 0);
			clrtoeol();
		}
		chat_plain(&doc, c->notice, strlen(c->notice), cols - 2, 0);
		for (i = 0; i < doc.nlines && (int)i < th; i++)
			chat_draw_md_line(c->ui, top + (int)i, &doc.lines[i], cols - 2, 0);
		markdown_doc_release(&doc);
		buf_addf(&line, c->no_terms ? "Type yes or no and Enter (Esc: not now): %s" :
		    "Type yes and Enter to confirm, no or Esc to decline: %s", c->field.data);
	} else if (c->modal == MODAL_WITHDRAW) {
		buf_addf(&line, "%s ", c->notice);
	} else if (c->modal == MODAL_REASONS) {
		buf_adds(&line, "Why? ");
		for (i = 0; names[i] != NULL; i++)
			buf_addf(&line, "%s[%c] %zu %s", i > 0 ? "  " : "", c->reasons & (1u << i) ?
			    'x' : ' ', i + 1, feedback_reason_label(names[i]));
	} else
		buf_addf(&line, "Comment (optional): %s", c->field.data);
	for (y = iy; y < iy + rows; y++) {
		move(y, 0);
		clrtoeol();
	}
	chat_plain(&doc, line.data, line.len, cols, 0);
	for (i = 0; i < doc.nlines && (int)i < rows; i++)
		chat_draw_md_line(c->ui, iy + (int)i, &doc.lines[i], cols, ui_attr(c->ui, UI_FIELD));
	if (doc.nlines > 0 && (int)doc.nlines <= rows)
		move(iy + (int)doc.nlines - 1, doc.lines[doc.nlines - 1].width < cols ?
		    doc.lines[doc.nlines - 1].width : cols - 1);
	markdown_doc_release(&doc);
	buf_release(&line);
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

	ui_history_open(c->ui, chat_history_picked, c);
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
		input_history_add(line);
		session_input(c->s, line);
	}
	free(line);
	ui_dirty(c->ui);
}

static char **
chat_complete(const char *prefix, void *arg)
{
	return prefix[0] == '/' ? slash_complete(prefix, true) : NULL;
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
	if (key != 3)
		c->quit_armed = false;
	if (c->modal != MODAL_NONE && key != 3) {
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
	case 3:
		chat_ctrl_c(c);
		break;
	case 4:	/* Ctrl-D */
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
			chat_scroll(c, (ev.bstate & BUTTON4_PRESSED) ? CHAT_WHEEL_LINES :
			    -CHAT_WHEEL_LINES);
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
	return xasprintf("Keys: Enter sends; Alt-Enter starts a new line; Ctrl-X Ctrl-E edits the "
	    "input in $VISUAL or $EDITOR; Esc or Ctrl-C stops an answer; PgUp/PgDn%s scroll, "
	    "Home/End (on an empty input) go to the top and the end; Alt-+ and Alt-- rate the last "
	    "answer; Alt-Up/Alt-Down select an earlier one, then + and - rate it; Tab completes "
	    "commands; Ctrl-C twice or Ctrl-D leaves.%s", ui_mouse(ui) ? " and the wheel" : "",
	    ui_mouse(ui) ? "\nThe mouse setting is on: hold Shift while dragging to select text." :
	    "");
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

	if (session_busy(c->s)) {	/* the answer would stall behind the editor */
		chat_status(c, "wait for the answer, or stop it with Esc, before editing", true);
		return;
	}
	if (ui_edit(c->ui, text, &out, &cause) != 0) {
		chat_status(c, cause, true);
		free(cause);
		return;
	}
	input_set(c->in, out);
	chat_status(c, out[0] != '\0' ? "edited: Enter sends it" : "the editor left it empty",
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
	.clipboard = chat_clipboard, .edit = chat_edit,
	.say = chat_say, .status = chat_status, .shown = NULL, .cleared = chat_cleared,
	.asked = chat_asked, .content = chat_on_content, .reasoning = chat_on_reasoning,
	.done = chat_on_done, .consent = chat_consent,
	.unsent = chat_unsent, .notice = chat_notice, .why = chat_why, .rated = chat_rated,
	.terms = chat_terms, .withdraw = chat_withdraw, .history = chat_history,
	.quit = chat_quit, .no_terms = chat_no_terms,
};

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
		m->note = xasprintf("[%s]", sm->status);
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
	feedback_outbox_stop();
	loop_remove_timer(ui_loop(c->ui), c->timer);
	input_free(c->in);
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
			msg = xasprintf("found %s on this machine: type /endpoint %s to use it "
			    "(no key needed)", servers[i].name, servers[i].url);
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
		chat_say(c, "no local server found on the usual ports (Ollama 11434, llama.cpp "
		    "8080, LM Studio 1234)", false);
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
		chat_say(c, "ask anything; /help lists the commands", false);
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
		chat_say(c, "accepted: the prompt that was not sent is in the input; press Enter "
		    "to send it", false);
}

void
ui_chat_back(void *arg)
{
	ui_chat_open(arg);
}
