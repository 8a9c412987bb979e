/* ui-chat.c: the chat screen: status bar, transcript, input, key hints. */
#include "common.h"

#include <cjson/cJSON.h>
#include <curses.h>
#include <strings.h>

#include "buf.h"
#include "config.h"
#include "disclaimer.h"
#include "exchange.h"
#include "feedback.h"
#include "http.h"
#include "input.h"
#include "loop.h"
#include "markdown.h"
#include "slash.h"
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

/* A small dialog over the input: the feedback notice, reasons, a comment. */
enum chat_modal { MODAL_NONE, MODAL_NOTICE, MODAL_REASONS, MODAL_COMMENT };

struct ui_chat {
	struct ui *ui;
	struct ui_consent *consent;
	struct app *app;
	struct app_access access;
	bool have_access;
	struct input *in;
	struct chat_msg **msgs;
	size_t nmsgs;
	struct exchange *x;	/* the answer in progress */
	struct chat_msg *live;	/* its message */
	char *last_prompt;	/* for /retry */
	int64_t conversation;
	long tokens;
	int scroll;		/* lines scrolled up from the bottom; 0 follows new text */
	bool quit_armed;	/* Ctrl-C once at an empty prompt */
	char *status;		/* a note for the status bar */
	bool status_error;
	int spinner;
	int timer;
	char terms_short[16];	/* the accepted version, for the status bar */
	/* feedback */
	ssize_t sel;		/* the selected answer, -1: the latest */
	enum chat_modal modal;
	struct chat_msg *rating_msg;	/* the answer being rated */
	int pending_rating;	/* waiting for the notice to be confirmed */
	char *pending_comment;
	char *notice;		/* the notice text while it is shown */
	unsigned int reasons;	/* bits of feedback_reasons(-1) */
	struct buf field;	/* what is typed into the dialog */
	bool pump;		/* the outbox pump runs */
};

static void chat_send(struct ui_chat *c, const char *prompt);
static const char *chat_thumb(int rating);
static const struct ui_screen chat_screen;
static void chat_op_history(void *arg);
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
	int a = 0;

	if (style & (MD_BOLD | MD_HEADING))
		a |= A_BOLD;
	if (style & MD_ITALIC)
		a |= A_ITALIC;
	if (style & (MD_DIM | MD_QUOTE))
		a |= A_DIM;
	if (style & (MD_CODE | MD_CODEBLOCK))
		a |= ui_attr(ui, UI_CODE);
	if (style & MD_LINK)
		a |= A_UNDERLINE;
	if (style & MD_CONTROL)
		a |= ui_attr(ui, UI_WARN);
	return a;
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

static void
chat_draw_status(struct ui_chat *c, int cols)
{
	const char *base = config_get(&c->app->cfg, CONFIG_BASE_URL), *host = strstr(base, "://");
	char left[256], right[160];
	size_t hl;

	host = host != NULL ? host + 3 : base;
	hl = strcspn(host, "/");
	snprintf(left, sizeof left, "%s | %.*s | Terms accepted %s | %ld tokens",
	    config_get(&c->app->cfg, CONFIG_MODEL), (int)hl, host, c->terms_short, c->tokens);
	if (c->status != NULL)
		snprintf(right, sizeof right, "%s", c->status);
	else if (c->x != NULL && !exchange_done(c->x))
		snprintf(right, sizeof right, "answering %c", "|/-\\"[c->spinner % 4]);
	else
		right[0] = '\0';
	ui_bar(0, left, right, ui_attr(c->ui, c->status_error ? UI_ERROR : UI_BAR) |
	    (c->status_error ? A_REVERSE : 0));
	(void)cols;
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
		    "feedback under section IV of the Terms", NULL, ui_attr(ui, UI_DIM));
		curs_set(1);
		return;
	}
	if (hint == NULL)
		hint = c->x != NULL && !exchange_done(c->x) ? "Esc or Ctrl-C cancel  PgUp/PgDn scroll  Enter send" :
		    c->quit_armed ? "press Ctrl-C again to quit, or keep typing" :
		    "Enter send  Alt-Enter newline  PgUp/PgDn scroll  +/- rate  /help  Ctrl-D quit";
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
chat_on_content(const char *text, size_t len, void *arg)
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
chat_on_reasoning(const char *text, size_t len, void *arg)
{
	struct ui_chat *c = arg;
	struct chat_msg *m = c->live;
	size_t before = chat_lines_now(c, m);

	buf_add(&m->reasoning, text, len);
	m->tail_dirty = true;
	chat_grew(c, m, before);
}

static void
chat_on_retry(int attempt, int max, long wait_ms, const char *why, void *arg)
{
	struct ui_chat *c = arg;

	free(c->status);
	c->status = xasprintf("%s; retrying in %.1f s", why, (double)wait_ms / 1000);
	c->status_error = false;
	ui_dirty(c->ui);
}

/* The stored notices of an answer ([{id, clause, text}]) as lines to draw. */
static char *
chat_notices_from_json(const char *json)
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

		if (text != NULL)
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
chat_set_notices(struct chat_msg *m, const struct exchange_result *r)
{
	struct buf b;
	size_t i;

	buf_init(&b, 0);
	for (i = 0; i < r->ndisclaimers; i++) {
		const struct disclaimer *d = r->disclaimers[i];

		if (d->strong)
			buf_addf(&b, "! %s (Terms %s)\n", d->text, d->clause);
		else
			buf_addf(&b, "%s (Terms %s)\n", d->text, d->clause);
	}
	free(m->disc);
	m->disc = b.len > 0 ? buf_detach(&b, NULL) : NULL;
	buf_release(&b);
}

static void
chat_on_done(const struct exchange_result *r, void *arg)
{
	struct ui_chat *c = arg;
	struct chat_msg *m = c->live;
	size_t before = chat_lines_now(c, m);

	m->streaming = false;
	free(m->model);
	m->model = xstrdup(r->model);
	if (r->has_usage && r->usage.total_tokens > 0)
		c->tokens += r->usage.total_tokens;
	if (r->conversation > 0)
		c->conversation = r->conversation;
	m->id = r->message_id;
	chat_set_notices(m, r);
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
	/* the exchange is freed on the next send or at exit */
}

/* Earlier turns for the request: answers and prompts, never reasoning. */
static struct api_message *
chat_history(struct ui_chat *c, size_t *n)
{
	struct api_message *h = xcalloc(c->nmsgs + 1, sizeof *h);
	size_t i;

	*n = 0;
	for (i = 0; i < c->nmsgs; i++) {
		struct chat_msg *m = c->msgs[i];

		if ((m->kind != MSG_USER && m->kind != MSG_ASSISTANT) || m->text.len == 0 ||
		    m->streaming)
			continue;
		h[*n].role = m->kind == MSG_USER ? API_USER : API_ASSISTANT;
		h[*n].content = m->text.data;
		(*n)++;
	}
	return h;
}

static void
chat_say(struct ui_chat *c, const char *text, bool error)
{
	chat_add(c, error ? MSG_ERROR : MSG_NOTICE, text, strlen(text));
	c->scroll = 0;
	ui_dirty(c->ui);
}

/* Resolve the key once; false (with a notice) when there is none. */
static bool
chat_access(struct ui_chat *c)
{
	char *cause = NULL;

	if (c->have_access)
		return true;
	if (config_api_key(&c->app->cfg, &c->access.key, &c->access.key_origin, &cause) != 0) {
		chat_say(c, cause, true);
		free(cause);
		return false;
	}
	if (c->access.key != NULL)
		c->access.auth_header = xasprintf("Authorization: Bearer %s", c->access.key);
	c->have_access = true;
	return true;
}

static void
chat_send(struct ui_chat *c, const char *prompt)
{
	struct exchange_params p = { .app = c->app, .access = &c->access,
		.log = !c->app->no_log, .conversation = c->conversation, .prompt = prompt,
		.stream = !c->app->no_stream };
	struct exchange_cb cb = { chat_on_content, chat_on_reasoning, NULL, chat_on_retry,
		chat_on_done, c };
	struct api_message *hist;
	char *cause = NULL;

	if (c->x != NULL && !exchange_done(c->x)) {
		chat_say(c, "an answer is still arriving: wait, or press Esc to stop it", true);
		input_set(c->in, prompt);
		return;
	}
	exchange_free(c->x);
	c->x = NULL;
	if (!chat_access(c)) {
		input_set(c->in, prompt);
		return;
	}
	hist = chat_history(c, &p.nhistory);
	p.history = hist;
	chat_add(c, MSG_USER, prompt, strlen(prompt));
	c->live = chat_add(c, MSG_ASSISTANT, "", 0);
	c->live->streaming = true;
	c->live->model = xstrdup(config_get(&c->app->cfg, CONFIG_MODEL));
	free(c->last_prompt);
	c->last_prompt = xstrdup(prompt);
	c->scroll = 0;
	free(c->status);
	c->status = NULL;
	c->x = exchange_start(ui_loop(c->ui), &p, &cb, &cause);
	free(hist);
	if (c->x == NULL) {
		c->live->streaming = false;
		c->live->note = xasprintf("[%s; nothing was sent]", cause);
		c->live->tail_dirty = true;
		c->live = NULL;
		input_set(c->in, prompt);
		free(cause);
	}
	ui_dirty(c->ui);
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

static void
chat_status(struct ui_chat *c, const char *text, bool error)
{
	free(c->status);
	c->status = text != NULL ? xstrdup(text) : NULL;
	c->status_error = error;
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

/* Store a rating (the notice confirmed); a thumbs-down without words asks why. */
static void
chat_rate(struct ui_chat *c, struct chat_msg *m, int rating, const char *reasons,
    const char *comment)
{
	struct feedback_rating r = { rating, reasons, comment };
	struct feedback_outcome out;
	enum feedback_notice notice;
	char *cause = NULL, *msg;

	if (m == NULL || m->id <= 0) {
		chat_status(c, m == NULL ? "there is no answer to rate yet" : "this answer was not "
		    "stored (--no-log), so it cannot be rated", true);
		return;
	}
	if (feedback_notice_state(c->app, &notice, &cause) == 0 &&
	    notice != FEEDBACK_NOTICE_CONFIRMED) {
		free(c->notice);
		free(c->pending_comment);
		c->notice = feedback_notice_text(c->app);
		c->rating_msg = m;
		c->pending_rating = rating;
		c->pending_comment = comment != NULL ? xstrdup(comment) : NULL;
		chat_modal_open(c, MODAL_NOTICE);
		return;
	}
	if (cause != NULL || feedback_rate(c->app, m->id, &r, &out, &cause) != 0) {
		chat_status(c, cause, true);
		free(cause);
		return;
	}
	m->rating = rating;
	m->rating_known = true;
	msg = xasprintf("%s%s", rating == 0 ? "rating cleared" : rating > 0 ? "rated up" :
	    "rated down", out.queued ? "; it will be sent to the feedback collector" :
	    "; kept on this machine");
	chat_status(c, msg, false);
	free(msg);
	feedback_outbox_start(c->app, ui_loop(c->ui));
	if (rating < 0 && reasons == NULL && comment == NULL) {
		c->rating_msg = m;
		c->reasons = 0;
		chat_modal_open(c, MODAL_REASONS);
	}
}

/* '+' or '-' on an answer: rate it, or clear the same rating again. */
static void
chat_thumb_key(struct ui_chat *c, int rating)
{
	struct chat_msg *m = chat_selected(c);
	char *cause = NULL;

	if (m != NULL && !m->rating_known && m->id > 0 &&
	    feedback_get(c->app, m->id, &m->rating, &cause) >= 0)
		m->rating_known = true;
	free(cause);
	chat_rate(c, m, m != NULL && m->rating == rating ? 0 : rating, NULL, NULL);
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
	char *cause = NULL, *comment = c->pending_comment;

	c->pending_comment = NULL;
	c->modal = MODAL_NONE;
	if (feedback_notice_record(c->app, confirmed, how, &cause) != 0) {
		chat_status(c, cause, true);
		free(cause);
	} else if (confirmed)
		chat_rate(c, c->rating_msg, c->pending_rating, NULL, comment);
	else
		chat_status(c, "feedback declined: nothing was stored", false);
	free(comment);
}

/* Keys while a dialog is open. */
static void
chat_modal_key(struct ui_chat *c, int key)
{
	const char *const *names = feedback_reasons(-1);
	char *reasons;

	if (c->modal == MODAL_NOTICE) {
		if (key == UI_KEY_ESC)
			chat_notice_answer(c, false, "Esc (full-screen)");
		else if (key == 13 && strcasecmp(c->field.data, "yes") == 0)
			chat_notice_answer(c, true, "typed 'yes' (full-screen)");
		else if (key == 13 && strcasecmp(c->field.data, "no") == 0)
			chat_notice_answer(c, false, "typed 'no' (full-screen)");
		else if (key == 13)
			chat_status(c, "type yes to confirm, or no", true);
		else
			chat_field_key(c, key);
	} else if (c->modal == MODAL_REASONS) {
		if (key >= '1' && key <= '9' && names[key - '1'] != NULL)
			c->reasons ^= 1u << (key - '1');
		else if (key == 13)
			chat_modal_open(c, MODAL_COMMENT);
		else if (key == UI_KEY_ESC)
			c->modal = MODAL_NONE;
	} else if (c->modal == MODAL_COMMENT) {
		if (key == 13 || key == UI_KEY_ESC) {
			reasons = chat_reasons(c);
			c->modal = MODAL_NONE;
			if (reasons != NULL || (key == 13 && c->field.len > 0))
				chat_rate(c, c->rating_msg, -1, reasons != NULL ? reasons : "",
				    key == 13 && c->field.len > 0 ? c->field.data : NULL);
			free(reasons);
		} else
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
		buf_addf(&line, "Type yes and Enter to confirm, no or Esc to decline: %s",
		    c->field.data);
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

/* ---- slash commands -------------------------------------------------------------- */

static void
chat_op_say(void *arg, const char *text, bool error)
{
	chat_say(arg, text, error);
}

/* Forget the conversation on screen: a new one starts with the next prompt. */
static void
chat_op_new_quiet(struct ui_chat *c)
{
	size_t i;

	if (c->x != NULL && !exchange_done(c->x))
		exchange_cancel(c->x);
	exchange_free(c->x);
	c->x = NULL;
	c->live = NULL;
	for (i = 0; i < c->nmsgs; i++)
		chat_msg_free(c->msgs[i]);
	c->nmsgs = 0;
	c->sel = -1;
	c->conversation = 0;
	c->tokens = 0;
	c->scroll = 0;
}

static void
chat_op_new(void *arg)
{
	struct ui_chat *c = arg;

	chat_op_new_quiet(c);
	chat_say(c, "new conversation", false);
}

static void
chat_op_model(void *arg, const char *name)
{
	struct ui_chat *c = arg;
	char *msg = xasprintf("model: %s", name);

	config_override(&c->app->cfg, CONFIG_MODEL, name, "/model");
	chat_say(c, msg, false);
	free(msg);
}

static void
chat_op_system(void *arg, const char *text)
{
	struct ui_chat *c = arg;

	config_override(&c->app->cfg, CONFIG_SYSTEM, *text != '\0' ? text : NULL, "/system");
	chat_say(c, *text != '\0' ? "system prompt set" : "system prompt cleared", false);
}

static void
chat_op_retry(void *arg)
{
	struct ui_chat *c = arg;
	char *p;

	if (c->last_prompt == NULL) {
		chat_say(c, "nothing to retry yet", true);
		return;
	}
	p = xstrdup(c->last_prompt);
	chat_send(c, p);
	free(p);
}

static void
chat_op_terms(void *arg, const char *what)
{
	struct ui_chat *c = arg;
	char *cause = NULL;

	if (*what == '\0') {
		ui_consent_view(c->consent);
		return;
	}
	if (c->x != NULL && !exchange_done(c->x))
		exchange_cancel(c->x);
	if (ui_consent_withdraw(c->consent, &cause) != 0) {
		chat_say(c, cause, true);
		free(cause);
	}
}

static void
chat_op_endpoint(void *arg, const char *url)
{
	struct ui_chat *c = arg;
	char *msg;

	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) {
		chat_say(c, "/endpoint needs an http:// or https:// URL", true);
		return;
	}
	config_override(&c->app->cfg, CONFIG_BASE_URL, url, "/endpoint");
	app_access_release(&c->access);
	c->have_access = false;
	msg = xasprintf("endpoint: %s", url);
	chat_say(c, msg, false);
	free(msg);
}

static void
chat_op_rate(void *arg, int rating, const char *comment)
{
	struct ui_chat *c = arg;
	ssize_t sel = c->sel;

	c->sel = -1;	/* /good and /bad rate the last answer */
	chat_rate(c, chat_selected(c), rating, NULL, *comment != '\0' ? comment : NULL);
	c->sel = sel;
}

static void
chat_op_quit(void *arg)
{
	struct ui_chat *c = arg;

	ui_quit(c->ui, EXIT_OK);
}

static const struct slash_ops chat_slash_ops = {
	.say = chat_op_say, .new_chat = chat_op_new, .model = chat_op_model,
	.system = chat_op_system, .retry = chat_op_retry, .rate = chat_op_rate,
	.terms = chat_op_terms,
	.endpoint = chat_op_endpoint, .quit = chat_op_quit, .history = chat_op_history,
};

/* ---- input --------------------------------------------------------------------- */

static void
chat_on_line(char *line, void *arg)
{
	struct ui_chat *c = arg;
	struct slash_ops ops = chat_slash_ops;

	c->quit_armed = false;
	if (strspn(line, " \t\n") == strlen(line)) {
		free(line);
		return;
	}
	input_history_add(line);
	if (slash_is_command(line)) {
		ops.arg = c;
		slash_run(&ops, line);
	} else
		chat_send(c, line);
	free(line);
	ui_dirty(c->ui);
}

static char **
chat_complete(const char *prefix, void *arg)
{
	return prefix[0] == '/' ? slash_complete(prefix) : NULL;
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

/* Ctrl-C: cancel an answer, clear the input, or (twice) quit. */
static void
chat_ctrl_c(struct ui_chat *c)
{
	if (c->modal != MODAL_NONE) {
		if (c->modal == MODAL_NOTICE)
			chat_notice_answer(c, false, "Ctrl-C (full-screen)");
		c->modal = MODAL_NONE;
		return;
	}
	if (c->x != NULL && !exchange_done(c->x)) {
		exchange_cancel(c->x);
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
	if ((key == '+' || key == '-') && input_empty(c->in) &&
	    (c->x == NULL || exchange_done(c->x))) {
		chat_thumb_key(c, key == '+' ? 1 : -1);
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
		if (c->x != NULL && !exchange_done(c->x))
			exchange_cancel(c->x);
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
			chat_scroll(c, ev.bstate & BUTTON4_PRESSED ? CHAT_WHEEL_LINES :
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

	if (c->x != NULL && !exchange_done(c->x)) {
		c->spinner++;
		ui_dirty(c->ui);
	}
}

struct ui_chat *
ui_chat_new(struct ui *ui)
{
	struct ui_chat *c = xcalloc(1, sizeof *c);

	c->ui = ui;
	c->app = ui_app(ui);
	c->in = input_new(chat_on_line, chat_complete, chat_on_change, c);
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
	exchange_free(c->x);
	feedback_outbox_stop();
	loop_remove_timer(ui_loop(c->ui), c->timer);
	input_free(c->in);
	buf_release(&c->field);
	free(c->notice);
	free(c->pending_comment);
	for (i = 0; i < c->nmsgs; i++)
		chat_msg_free(c->msgs[i]);
	free(c->msgs);
	free(c->last_prompt);
	free(c->status);
	app_access_release(&c->access);
	free(c);
}

void
ui_chat_say(struct ui_chat *c, const char *text, bool error)
{
	chat_say(c, text, error);
}

void
ui_chat_set_consent(struct ui_chat *c, struct ui_consent *consent, const char *short_hash)
{
	c->consent = consent;
	snprintf(c->terms_short, sizeof c->terms_short, "%s", short_hash);
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
		url = xasprintf("%s/models", servers[i].url);
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

/* One stored message into the transcript. */
static int
chat_load_cb(const struct store_log_message *lm, void *arg)
{
	const struct store_message *sm = &lm->m;
	struct ui_chat *c = arg;
	struct chat_msg *m;

	if (strcmp(sm->role, "user") != 0 && strcmp(sm->role, "assistant") != 0)
		return 0;
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
		m->disc = chat_notices_from_json(lm->disclaimers);
	return 0;
}

/* Show conversation conv (0: the latest) and continue it. */
static void
chat_load(struct ui_chat *c, int64_t conv)
{
	struct store *st;
	char *cause = NULL, *msg;

	if ((st = app_store(c->app, &cause)) == NULL ||
	    (conv == 0 && (conv = store_conversation_latest(st, &cause)) < 0) ||
	    (conv > 0 && store_log_messages(st, conv, chat_load_cb, c, &cause) != 0)) {
		chat_say(c, cause, true);
		free(cause);
		return;
	}
	if (conv == 0) {
		chat_say(c, "there is no earlier conversation to continue", false);
		return;
	}
	if (!c->app->no_log)
		c->conversation = conv;
	msg = xasprintf("continuing conversation %lld", (long long)conv);
	chat_say(c, msg, false);
	free(msg);
}

/* /history picked a conversation (or none): back to chat, showing it. */
static void
chat_history_picked(int64_t id, void *arg)
{
	struct ui_chat *c = arg;

	if (id > 0) {
		chat_op_new_quiet(c);
		chat_load(c, id);
	}
	ui_set_screen(c->ui, &chat_screen, c);
}

static void
chat_op_history(void *arg)
{
	struct ui_chat *c = arg;

	if (c->x != NULL && !exchange_done(c->x)) {
		chat_say(c, "wait for the answer, or press Esc, before opening /history", true);
		return;
	}
	ui_history_open(c->ui, chat_history_picked, c);
}

void
ui_chat_open(struct ui_chat *c)
{
	char *key = NULL, *origin = NULL, *cause = NULL;

	c->quit_armed = false;
	ui_set_screen(c->ui, &chat_screen, c);
	if (c->nmsgs > 0 || c->have_access)
		return;
	if (c->app->conversation != NULL) {
		struct store *st = app_store(c->app, &cause);
		int64_t id = st != NULL ? store_log_resolve(st, c->app->conversation, &cause) : -1;

		if (id > 0)
			chat_load(c, id);
		else {
			chat_say(c, cause, true);
			free(cause);
			cause = NULL;
		}
	} else if (c->app->cont)
		chat_load(c, 0);
	if (config_api_key(&c->app->cfg, &key, &origin, &cause) != 0) {
		chat_say(c, cause, true);
		chat_offer_local(c);
	} else
		chat_say(c, "ask anything; /help lists the commands", false);
	if (key != NULL)
		explicit_bzero(key, strlen(key));
	free(key);
	free(origin);
	free(cause);
}

void
ui_chat_accepted(void *arg)
{
	ui_chat_open(arg);
}

void
ui_chat_back(void *arg)
{
	ui_chat_open(arg);
}
