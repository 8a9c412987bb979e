/*
 * ui-chat-internal.h: what the chat screen's files share: the transcript's
 * messages, the state of the screen and the functions that cross files.
 * They call each other in one direction only: ui-chat.c (the screen, its
 * keys, the session's view) calls ui-rate.c (rating and the dialogs over the
 * input), which calls ui-status.c (the top bar), which calls
 * ui-transcript.c (messages laid out into lines, and drawn).
 */
#ifndef CONFAB_UI_CHAT_INTERNAL_H
#define CONFAB_UI_CHAT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "markdown.h"

#define CHAT_MIN_COLS 40
#define CHAT_MIN_ROWS 12
#define CHAT_INPUT_MAX_ROWS 6
#define CHAT_REASONING_ROWS 4
#define CHAT_WHEEL_LINES 3

struct app;
struct exchange_result;
struct input;
struct session;
struct ui;
struct ui_consent;
struct ui_history;

enum chat_kind { MSG_USER, MSG_ASSISTANT, MSG_NOTICE, MSG_ERROR };

/* One entry of the transcript, with its rendering at the current width. */
struct chat_msg {
	enum chat_kind kind;
	struct buf text; /* the source: raw, untrusted for answers */
	struct buf reasoning;
	char *model;
	char *note; /* how an answer ended, when not plainly */
	bool streaming;
	bool answer_started; /* content has begun: reasoning folds away */
	/* rendering */
	int width;	      /* 0: not rendered at the current width */
	struct md_doc stable; /* lines of text[0..stable_len) */
	size_t stable_len;
	struct md_doc tail; /* lines of the rest */
	bool tail_dirty;
	struct md_doc extra; /* the reasoning block */
	struct md_doc notes; /* how it ended */
	char *disc;	     /* the reliance notices, one per line ("!" first: strong) */
	struct md_doc discdoc;
	/* feedback */
	int64_t id; /* the answer's row in the store, 0 when not logged */
	int rating; /* 1, -1, 0 */
	bool rating_known;
};

/* A small dialog over the input: the feedback notice, reasons, a comment, a y/N question. */
enum chat_modal { MODAL_NONE, MODAL_NOTICE, MODAL_REASONS, MODAL_COMMENT, MODAL_WITHDRAW };

struct ui_chat {
	struct ui *ui;
	struct ui_consent *consent;
	struct ui_history *history; /* the /history screen */
	struct app *app;
	struct session *s; /* the conversation */
	struct input *in;
	struct chat_msg **msgs;
	size_t nmsgs;
	struct chat_msg *live; /* the answer arriving, or NULL */
	bool opened;	       /* the greeting was said */
	int scroll;	       /* lines scrolled up from the bottom; 0 follows new text */
	bool quit_armed;       /* Ctrl-C once at an empty prompt */
	char *status;	       /* a note for the status bar */
	bool status_error;
	int spinner;
	int timer;
	char terms_short[16]; /* the accepted version, for the status bar */
	char *keys;	      /* what /help says of the keys */
	/* feedback */
	ssize_t sel; /* the selected answer, -1: the latest */
	enum chat_modal modal;
	int64_t rating_id;    /* the answer asked about (reasons, comment) */
	char *notice;	      /* the notice text, or the y/N question, while it is shown */
	bool no_terms;	      /* the notice is the loopback question (consent.h) */
	bool profile_q;	      /* the y/N question is the save-as-profile one */
	unsigned int reasons; /* bits of feedback_reasons(-1) */
	int fullwidth;	      /* bytes of a full-width digit (EF BC 91..99) seen so far */
	struct buf field;     /* what is typed into the dialog */
};

/* ui-transcript.c: messages, their lines at a width, drawing them. */
struct chat_msg *chat_add(struct ui_chat *c, enum chat_kind kind, const char *text, size_t len);
void chat_msg_free(struct chat_msg *m);
void chat_plain(struct md_doc *doc, const char *s, size_t len, int width, unsigned int style);
size_t chat_msg_lines(struct chat_msg *m, int width);
void chat_draw_md_line(struct ui *ui, int y, const struct md_line *l, int width, int base);
void chat_draw_transcript(struct ui_chat *c, int top, int h, int width);
char *chat_notices_from_json(const char *json, bool hush);
void chat_set_notices(struct chat_msg *m, const struct exchange_result *r, bool hush);
void chat_say(void *arg, const char *text, bool error);

/* ui-status.c: the top bar. */
void chat_draw_status(struct ui_chat *c, int cols);
void chat_status(void *arg, const char *text, bool error);

/* ui-rate.c: rating answers, and the dialogs over the input. */
void chat_select_move(struct ui_chat *c, int dir);
void chat_notice(void *arg, const char *text);
void chat_no_terms(void *arg, const char *question);
void chat_withdraw(void *arg, const char *question);
void chat_save_profile(void *arg, const char *question);
void chat_why(void *arg, int64_t id);
void chat_rated(void *arg, int64_t id, int rating);
void chat_thumb_key(struct ui_chat *c, int rating);
void chat_notice_answer(struct ui_chat *c, bool confirmed, const char *how);
void chat_withdraw_answer(struct ui_chat *c, bool yes);
void chat_why_done(struct ui_chat *c, const char *comment);
void chat_modal_key(struct ui_chat *c, int key);
void chat_draw_modal(struct ui_chat *c, int top, int th, int iy, int rows, int cols);

#endif
