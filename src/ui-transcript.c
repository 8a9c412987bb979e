/*
 * ui-transcript.c: the chat transcript: its messages, laid out into lines at
 * a width (Markdown for answers, the reasoning folded away, the notices
 * under an answer), and drawn from the bottom up.
 */
#include "common.h"

#include <curses.h>

#include "buf.h"
#include "disclaimer.h"
#include "exchange.h"
#include "feedback.h"
#include "markdown.h"
#include "text.h"
#include "ui-chat-internal.h"
#include "ui.h"

struct chat_msg *
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

void
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
void
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
	for (i = 0; i < clean.len; i++) /* tabs: one blank, the wrapper counts columns */
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

/* The reasoning block and the note under an answer. */
static void
chat_render_extra(struct chat_msg *m, int width)
{
	char *fold;

	markdown_doc_release(&m->extra);
	if (m->reasoning.len > 0 && (m->answer_started || !m->streaming)) {
		size_t cjk, words = text_words(m->reasoning.data, m->reasoning.len, &cjk);

		/* Chinese is counted in characters, as its readers count it */
		if (cjk * 2 > words)
			fold =
			    xasprintf(_("> reasoning: %zu characters (not shown, never sent back)"),
				words);
		else
			fold = xasprintf(P_("> reasoning: %zu word (not shown, never sent back)",
					     "> reasoning: %zu words (not shown, never sent back)",
					     words),
			    words);
		chat_plain(&m->extra, fold, strlen(fold), width, MD_DIM);
		free(fold);
	} else if (m->reasoning.len > 0) {
		struct md_doc all = { 0 };
		size_t first;

		chat_plain(&all, m->reasoning.data, m->reasoning.len, width - 2,
		    MD_DIM | MD_ITALIC);
		first = all.nlines > CHAT_REASONING_ROWS ? all.nlines - CHAT_REASONING_ROWS : 0;
		const char *thinking = _("thinking...");

		chat_plain(&m->extra, thinking, strlen(thinking), width, MD_DIM);
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
			chat_plain(&m->discdoc, line,
			    nl != NULL ? (size_t)(nl - line) : strlen(line), width, MD_BOLD);
		else
			chat_plain(&m->discdoc, line,
			    nl != NULL ? (size_t)(nl - line) : strlen(line), width, MD_DIM);
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
		chat_plain(&m->tail, m->text.data, m->text.len, width,
		    m->kind == MSG_ERROR      ? MD_BOLD :
			m->kind == MSG_NOTICE ? MD_DIM :
						0);
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
	markdown_render(m->text.data + m->stable_len, m->text.len - m->stable_len, width, &m->tail);
	chat_render_extra(m, width);
	markdown_doc_release(&m->notes);
	if (m->note != NULL)
		chat_plain(&m->notes, m->note, strlen(m->note), width, MD_BOLD);
	markdown_doc_release(&m->discdoc);
	chat_render_notices(m, width);
	m->tail_dirty = false;
}

/* Lines a message takes: header, extra (reasoning), body, note, blank. */
size_t
chat_msg_lines(struct chat_msg *m, int width)
{
	chat_render(m, width);
	return 1 + m->extra.nlines + m->stable.nlines + m->tail.nlines + m->notes.nlines +
	    m->discdoc.nlines + 1;
}

static int
chat_span_attr(struct ui *ui, unsigned int style)
{
	return ui_md_attr(ui, style);
}

void
chat_draw_md_line(struct ui *ui, int y, const struct md_line *l, int width, int base)
{
	int x = 0;
	size_t i;

	for (i = 0; i < l->nspans && x < width; i++)
		x += ui_put(y, x, l->spans[i].text, l->spans[i].len, width - x,
		    chat_span_attr(ui, l->spans[i].style) | base);
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

/* Draw line k of message m at row y. */
static void
chat_draw_msg_line(struct ui_chat *c, struct chat_msg *m, size_t k, int y, int width)
{
	struct ui *ui = c->ui;
	const struct md_doc *parts[5] = { &m->extra, &m->stable, &m->tail, &m->notes, &m->discdoc };
	char head[128];
	size_t p;

	if (k == 0) {
		if (m->kind == MSG_USER)
			/* TRANSLATORS: the label over the user's prompt in the transcript */
			ui_put(y, 0, _("You"), strlen(_("You")), width, ui_attr(ui, UI_USER));
		else if (m->kind == MSG_ASSISTANT) {
			char *cause = NULL;

			if (!m->rating_known && m->id > 0 && !m->streaming &&
			    feedback_get(c->app, m->id, &m->rating, &cause) >= 0)
				m->rating_known = true;
			free(cause);
			snprintf(head, sizeof head, "%s%s%s%s",
			    m->model != NULL ? m->model : _("model"), m->streaming ? "  ..." : "",
			    chat_thumb(m->rating),
			    c->sel >= 0 && c->msgs[c->sel] == m ?
				_("   < selected: + or - rates it") :
				"");
			ui_put(y, 0, head, strlen(head), width,
			    ui_attr(ui,
				c->sel >= 0 && c->msgs[c->sel] == m ? UI_HILITE : UI_MODEL));
		} else {
			/* TRANSLATORS: the label over an error in the transcript */
			const char *label = m->kind == MSG_ERROR ? _("error") : "confab";

			ui_put(y, 0, label, strlen(label), width,
			    ui_attr(ui, m->kind == MSG_ERROR ? UI_ERROR : UI_DIM));
		}
		return;
	}
	k--;
	for (p = 0; p < 5; p++) {
		if (k < parts[p]->nlines) {
			chat_draw_md_line(ui, y, &parts[p]->lines[k], width,
			    p == 3 ? ui_attr(ui, UI_ERROR) : 0);
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
void
chat_draw_transcript(struct ui_chat *c, int top, int h, int width)
{
	long skip = c->scroll, y = top + h;
	size_t i = c->nmsgs, k, n;

	/* scrolled further up than there is text: stop at the first line */
	if (c->scroll > 0 &&
	    chat_lines_above(c, width, (long)c->scroll + h) < (long)c->scroll + h) {
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
			if (k < n - 1) /* the last line is the blank separator */
				chat_draw_msg_line(c, m, k, (int)y, width);
		}
	}
}

struct chat_notices {
	struct buf b;
	bool hush;
};

static void
chat_notice_line(const char *id, const char *clause, const char *text, void *arg)
{
	struct chat_notices *cn = arg;
	bool quiet = id != NULL &&
	    (strcmp(id, "general") == 0 || strcmp(id, "end-interrupted") == 0);

	if (!(quiet && cn->hush)) /* -q: only the strong ones */
		/* TRANSLATORS: a notice under an answer; the second %s is a clause (III.4) */
		buf_addf(&cn->b, _("%s%s (Terms %s)\n"), quiet ? "" : "! ", text,
		    clause != NULL ? clause : "III.4");
}

/* The stored notices of an answer ([{id, clause, text}]) as lines to draw. */
char *
chat_notices_from_json(const char *json, bool hush)
{
	struct chat_notices cn;

	buf_init(&cn.b, 0);
	cn.hush = hush;
	(void)disclaimer_json_each(json, chat_notice_line, &cn);
	if (cn.b.len == 0) {
		buf_release(&cn.b);
		return NULL;
	}
	return buf_detach(&cn.b, NULL);
}

/* Keep the exchange's notices as lines, for drawing under the answer. */
void
chat_set_notices(struct chat_msg *m, const struct exchange_result *r, bool hush)
{
	struct buf b;
	size_t i;

	buf_init(&b, 0);
	for (i = 0; i < r->ndisclaimers; i++) {
		const struct disclaimer *d = r->disclaimers[i];

		if (d->strong)
			buf_addf(&b, _("%s%s (Terms %s)\n"), "! ", d->text, d->clause);
		else if (!hush) /* -q: only the strong ones */
			buf_addf(&b, _("%s%s (Terms %s)\n"), "", d->text, d->clause);
	}
	free(m->disc);
	m->disc = b.len > 0 ? buf_detach(&b, NULL) : NULL;
	buf_release(&b);
}

/* A notice or an error in the transcript; also the session's view->say. */
void
chat_say(void *arg, const char *text, bool error)
{
	struct ui_chat *c = arg;

	chat_add(c, error ? MSG_ERROR : MSG_NOTICE, text, strlen(text));
	c->scroll = 0;
	ui_dirty(c->ui);
}
