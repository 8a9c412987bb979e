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

/*
 * What the left of the top bar holds at one stage of giving up room: the
 * server with its port, the token count, the server at all, the word
 * "accepted", the Terms version at all, and how many digits of it. The
 * model is always there (cut with "..." only when nothing else is left).
 */
struct bar_stage {
	bool port, tokens, server, accepted, terms;
	int hash;
};

/* Without a note, or with a passing one: the least useful parts go first. */
static const struct bar_stage bar_plain[] = {
	{ true, true, true, true, true, 12 },
	{ false, true, true, true, true, 12 },	  /* the server's host alone */
	{ false, false, true, true, true, 12 },	  /* no token count */
	{ false, false, true, true, true, 7 },	  /* the Terms version shortened */
	{ false, false, false, true, true, 7 },	  /* no server */
	{ false, false, false, false, true, 7 },  /* "Terms 1a2b3c4" */
	{ false, false, false, false, false, 0 }, /* the model alone */
};

/*
 * Beside an error, the server (often its cause) stays longest: the token
 * count and "accepted" go first; the first three stages are kept while the
 * error still gets a dozen columns.
 */
static const struct bar_stage bar_error[] = {
	{ true, true, true, true, true, 12 },
	{ true, false, true, true, true, 12 },
	{ true, false, true, false, true, 12 },
	{ false, false, true, false, true, 12 },
	{ false, false, true, false, true, 7 },
	{ false, false, false, false, true, 7 },
	{ false, false, false, false, false, 0 },
};
#define BAR_STAGES (sizeof bar_plain / sizeof bar_plain[0])
#define BAR_ERROR_KEEP 2 /* the error stages kept while the error gets BAR_NOTE_MIN */
#define BAR_NOTE_MIN 12

/* The left of the top bar at stage st, the model cut to model_cols (into left); its width. */
static int
chat_status_left(struct ui_chat *c, const struct bar_stage *st, int model_cols, char *left,
    size_t size)
{
	const char *url = config_get(&c->app->cfg, CONFIG_BASE_URL);
	char host[128], model[256], hash[16];
	size_t n;

	chat_fit(config_get(&c->app->cfg, CONFIG_MODEL), model_cols, model, sizeof model);
	snprintf(hash, sizeof hash, "%.*s", st->hash, c->terms_short);
	if (!(st->port ? config_url_place(url, host, sizeof host) :
			 config_url_host(url, host, sizeof host)))
		snprintf(host, sizeof host, "?");
	if (!st->terms)
		snprintf(left, size, "%s", model);
	else if (st->server)
		/* TRANSLATORS: the top bar: model | server | the version of the Terms accepted */
		snprintf(left, size,
		    st->accepted ? _("%s | %s | Terms accepted %s") : _("%s | %s | Terms %s"),
		    model, host, hash);
	else
		/* TRANSLATORS: the top bar of a narrow terminal: model | the version of the Terms accepted */
		snprintf(left, size,
		    st->accepted ? _("%s | Terms accepted %s") : _("%s | Terms %s"), model, hash);
	n = strlen(left);
	if (st->tokens)
		/* TRANSLATORS: appended to the top bar: the tokens of the conversation */
		snprintf(left + n, size - n, _(" | %ld tokens"), session_tokens(c->s));
	return text_width(left, strlen(left));
}

/*
 * Lay out the top bar at cols columns beside note (NULL: none; error: an
 * error): the left side in left, made of whole parts; the room left for the
 * note (three blanks between), or -1 without a note.
 */
static int
chat_status_layout(struct ui_chat *c, int cols, const char *note, bool error, char *left,
    size_t size)
{
	const struct bar_stage *stages = error ? bar_error : bar_plain;
	int nw = note != NULL ? text_width(note, strlen(note)) : 0, lw = 0;
	size_t i;

	for (i = 0; i < BAR_STAGES; i++) {
		lw = chat_status_left(c, &stages[i], cols, left, size);
		if (note == NULL ? lw <= cols - 3 : lw + nw <= cols - 5)
			return note == NULL ? -1 : cols - 5 - lw;
	}
	if (note == NULL) { /* the model alone, shortened */
		chat_status_left(c, &stages[BAR_STAGES - 1], cols - 3, left, size);
		return -1;
	}
	if (!error) { /* a passing note takes the bar for its while */
		left[0] = '\0';
		return cols - 4;
	}
	/* An error is shortened (the whole of it is in the transcript); the left keeps what fits. */
	for (i = BAR_ERROR_KEEP; i < BAR_STAGES; i++) {
		lw = chat_status_left(c, &stages[i], cols, left, size);
		if (lw <= cols - 5 - BAR_NOTE_MIN)
			return cols - 5 - lw;
	}
	lw = chat_status_left(c, &stages[BAR_STAGES - 1], cols - 5 - BAR_NOTE_MIN, left, size);
	return cols - 5 - lw;
}

/* Would an error be shortened in the top bar? */
static bool
chat_status_cut(struct ui_chat *c, const char *note)
{
	char left[512];
	int rows, cols;

	ui_size(c->ui, &rows, &cols);
	return chat_status_layout(c, cols, note, true, left, sizeof left) <
	    text_width(note, strlen(note));
}

/*
 * The top bar: model, server, Terms and tokens on the left, a note or an
 * error on the right. What is shown is whole: on a narrow terminal, or
 * beside a note, the left side gives up its parts one by one (see
 * bar_plain and bar_error); an error is shortened when even so it does not
 * fit (the whole of it is in the transcript).
 */
void
chat_draw_status(struct ui_chat *c, int cols)
{
	char left[512], right[512], spin[128];
	const char *note = c->status;
	int room;

	if (note == NULL && session_busy(c->s)) {
		/* TRANSLATORS: %c is a spinning bar (| / - \\) */
		snprintf(spin, sizeof spin, _("answering %c"), "|/-\\"[c->spinner % 4]);
		note = spin;
	}
	room = chat_status_layout(c, cols, note, note != NULL && c->status_error, left,
	    sizeof left);
	if (note != NULL)
		chat_fit(note, room > 1 ? room : 1, right, sizeof right);
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
