/*
 * line-internal.h: what the line*.c files share: the state of line mode and
 * the functions that cross files. line.c has the REPL (readline, signals,
 * starting and ending) and the session view; line-print.c prints above the
 * readline prompt; line-style.c styles a streaming answer (light Markdown,
 * highlighted code lines); line-ask.c asks the session's questions on the
 * terminal; line-recall.c keeps readline's prompt recall file and keeps
 * secrets out of it.
 */
#ifndef CONFAB_LINE_INTERNAL_H
#define CONFAB_LINE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "buf.h"
#include "highlight.h"
#include "text.h"

struct app;
struct loop;
struct session;

/* Text styles; escape codes are written only when colour is allowed. */
enum { LINE_PLAIN, LINE_BOLD, LINE_DIM };
extern const char *const line_sgr[];

/* Light Markdown while an answer streams (colour only): bold, headings, code fences. */
struct line_md {
	bool bol;     /* at the start of a line, deciding what it is */
	char lead[8]; /* its first characters while undecided: "##", "``" */
	size_t nlead;
	bool heading;	 /* this line is a heading */
	bool fence_line; /* this line opens or closes a code fence */
	bool fence;	 /* inside a fenced code block */
	bool code;	 /* inside `inline code` */
	bool bold;	 /* inside **bold** */
	bool star;	 /* one '*' held back: the next may make "**" */
	int cur;	 /* the style last written, -1 after a colour */
	/* highlighted code (highlight.h): each line is held back until it ends */
	char lang[32]; /* the info string of the fence being opened */
	size_t nlang;
	const struct hl_syntax *syn; /* the open block's syntax; NULL: plain */
	unsigned int hls;	     /* its multi-line state */
	size_t hlbytes;		     /* bytes of the block so far */
	char held[HL_LINE_MAX];	     /* the code line held back */
	size_t nheld;
	bool codeplain; /* this code line grew too long: the rest goes out plain */
};

struct line {
	struct app *app;
	struct loop *loop;
	struct session *s; /* the conversation */
	bool streaming;	   /* an answer is arriving */
	/* writing an answer */
	struct text_sanitizer san;
	struct text_sanitizer rsan;
	bool reasoning; /* a reasoning block is open */
	bool answered;	/* content has begun */
	struct line_md md;
	struct buf scratch;
	struct buf held; /* the answer's last grapheme cluster, which may go on */
	/* the terminal */
	FILE *term; /* stdout, or stderr when stdout is not a terminal */
	bool color;
	const char *up;		 /* cursor up one row (terminfo cuu1); NULL on dumb terminals */
	const char *right;	 /* cursor right N columns (cuf) */
	const char *crash_reset; /* what gives the terminal back after a crash */
	struct buf out;		 /* styled text waiting to be printed above the prompt */
	bool out_bol;		 /* the text printed and waiting ends at the start of a line */
	int col;		 /* the column after the printed text; 0 at the start of a line */
	bool below;		 /* the prompt went on the row below an unfinished line */
	char sgr[16];		 /* the style in effect at the end of the printed text */
	bool prompt_shown;
	bool in_handler; /* inside readline's line handler: readline shows the prompt */
	bool typed;	 /* a key arrived while an answer streamed */
	bool dirty;	 /* out has text, or the prompt must come back */
	bool quit_armed; /* Ctrl-C once at an empty prompt */
	bool done;
	int exit;
	bool resumed;	   /* the next SIGCONT is the one after our own stop */
	char *restore;	   /* text to put back on the input line (a prompt not sent) */
	char *recall_path; /* NULL: the prompt recall is not kept on disk */
	bool recall_warned;
};

/* line-print.c: printing above the prompt. */
int line_cols(void);
void line_term_caps(struct line *l);
void line_track(struct line *l, const char *s, size_t len);
bool line_hide(struct line *l);
void line_show(struct line *l);
void line_flush(struct line *l);
void line_idle(void *arg);
void line_add(struct line *l, const char *s, size_t len);
void line_style(struct line *l, int style);
void line_newline(struct line *l);
void line_note(struct line *l, int style, const char *prefix, const char *text);
void line_say(void *arg, const char *text, bool error);
void line_sayf(struct line *l, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* line-style.c: an answer's text, styled when colour is on. */
void line_answer_text(struct line *l, const char *s, size_t len);
void line_md_end(struct line *l);

/* line-ask.c: the session's questions, asked on the terminal (session_view). */
void line_notice(void *arg, const char *text);
void line_withdraw(void *arg, const char *question);
void line_why(void *arg, int64_t id);
void line_no_terms(void *arg, const char *question);
void line_save_profile(void *arg, const char *question);

/* line-recall.c: readline's prompt recall, on disk without secrets. */
void line_recall_load(struct line *l);
void line_recall_add(struct line *l, const char *text);

#endif
