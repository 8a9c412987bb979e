/*
 * ui-status.c: the chat screen's top bar: model, server, Terms and tokens on
 * the left; a passing note or an error on the right.
 */
#include "common.h"

#include <curses.h>

#include "config.h"
#include "session.h"
#include "text.h"
#include "ui-chat-internal.h"
#include "ui.h"

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
	/* TRANSLATORS: the top bar: model | server | the version of the Terms accepted */
	snprintf(left, size, stage < 2 ? _("%s | %s | Terms accepted %s") : _("%s | %s | Terms %s"),
	    config_get(&c->app->cfg, CONFIG_MODEL), host, c->terms_short);
	if (stage == 0)
		/* TRANSLATORS: appended to the top bar: the tokens of the conversation */
		snprintf(left + strlen(left), size - strlen(left), _(" | %ld tokens"),
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
void
chat_draw_status(struct ui_chat *c, int cols)
{
	char left[256], right[512];
	const char *note = c->status;
	int lw = 0, room, stage;

	if (note == NULL && session_busy(c->s)) {
		/* TRANSLATORS: %c is a spinning bar (| / - \\) */
		snprintf(right, sizeof right, _("answering %c"), "|/-\\"[c->spinner % 4]);
		note = right;
	}
	for (stage = 0; stage < 3; stage++) {
		lw = chat_status_left(c, stage, left, sizeof left);
		if (note == NULL || lw + text_width(note, strlen(note)) <= cols - 5 ||
		    (!c->status_error && stage == 1))
			break;
	}
	room = cols - 5 - lw; /* three blanks between */
	if (!c->status_error) /* a passing note may cover the left side */
		room = cols - 4;
	if (note != NULL)
		chat_fit(note, room > 12 ? room : 12, right, sizeof right);
	else
		right[0] = '\0';
	ui_bar(0, left, right,
	    ui_attr(c->ui, c->status_error ? UI_ERROR : UI_BAR) |
		(c->status_error ? A_REVERSE : 0));
}

/* A note in the status bar; also the session's view->status. */
void
chat_status(void *arg, const char *text, bool error)
{
	struct ui_chat *c = arg;

	free(c->status);
	c->status = xstrdup_or_null(text);
	c->status_error = error;
	if (text != NULL && error && chat_status_cut(c, text)) /* the bar shows only its start */
		chat_say(c, text, error);
	ui_dirty(c->ui);
}
