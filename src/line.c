/*
 * line.c: line mode: a GNU readline REPL on the real terminal. Answers stream
 * above the prompt: hide the prompt, print, show it again (STYLE 14), so what
 * the user is typing stays intact while text arrives.
 */
#include "common.h"

#include <ctype.h>
#include <fcntl.h>
#include <signal.h>
#include <strings.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "api.h"
#include "buf.h"
#include "cmd.h"
#include "config.h"
#include "consent.h"
#include "disclaimer.h"
#include "exchange.h"
#include "review.h"
#include "session.h"
#include "feedback.h"
#include "highlight.h"
#include "http.h"
#include "line.h"
#include "loop.h"
#include "slash.h"
#include "store.h"
#include "text.h"
#include "tty.h"

#include <curses.h>
#include <term.h>	/* last: it defines macros such as "lines" */

#define LINE_PROMPT "> "
#define LINE_HISTORY_MAX 1000
#define LINE_TOKEN_MIN 20	/* a key-like token ("sk-...") this long is a secret */

static const char line_keys[] =
    "Keys: Enter sends; Alt-Enter, or a \\ at the end of the line, starts a new line of the "
    "prompt; Ctrl-X Ctrl-E edits the line in $VISUAL or $EDITOR (it comes back to review, "
    "not sent); Up, Down and Ctrl-R find earlier prompts; Tab completes commands, and model and role names after /model and /role; Ctrl-C "
    "stops an answer or clears the line; Ctrl-D on an empty line leaves.";

/* Text styles; escape codes are written only when colour is allowed. */
enum { LINE_PLAIN, LINE_BOLD, LINE_DIM };
static const char *const line_sgr[] = { "\033[0m", "\033[0;1m", "\033[0;2m" };

/* Light Markdown while an answer streams (colour only): bold, headings, code fences. */
struct line_md {
	bool bol;		/* at the start of a line, deciding what it is */
	char lead[8];		/* its first characters while undecided: "##", "``" */
	size_t nlead;
	bool heading;		/* this line is a heading */
	bool fence_line;	/* this line opens or closes a code fence */
	bool fence;		/* inside a fenced code block */
	bool code;		/* inside `inline code` */
	bool bold;		/* inside **bold** */
	bool star;		/* one '*' held back: the next may make "**" */
	int cur;		/* the style last written, -1 after a colour */
	/* highlighted code (highlight.h): each line is held back until it ends */
	char lang[32];		/* the info string of the fence being opened */
	size_t nlang;
	const struct hl_syntax *syn;	/* the open block's syntax; NULL: plain */
	unsigned int hls;	/* its multi-line state */
	size_t hlbytes;		/* bytes of the block so far */
	char held[HL_LINE_MAX];	/* the code line held back */
	size_t nheld;
	bool codeplain;		/* this code line grew too long: the rest goes out plain */
};

struct line {
	struct app *app;
	struct loop *loop;
	struct session *s;	/* the conversation */
	bool streaming;		/* an answer is arriving */
	/* writing an answer */
	struct text_sanitizer san;
	struct text_sanitizer rsan;
	bool reasoning;		/* a reasoning block is open */
	bool answered;		/* content has begun */
	struct line_md md;
	struct buf scratch;
	struct buf held;	/* the answer's last grapheme cluster, which may go on */
	/* the terminal */
	FILE *term;		/* stdout, or stderr when stdout is not a terminal */
	bool color;
	const char *up;		/* cursor up one row (terminfo cuu1); NULL on dumb terminals */
	const char *right;	/* cursor right N columns (cuf) */
	struct buf out;		/* styled text waiting to be printed above the prompt */
	bool out_bol;		/* the text printed and waiting ends at the start of a line */
	int col;		/* the column after the printed text; 0 at the start of a line */
	bool below;		/* the prompt went on the row below an unfinished line */
	char sgr[16];		/* the style in effect at the end of the printed text */
	bool prompt_shown;
	bool in_handler;	/* inside readline's line handler: readline shows the prompt */
	bool typed;		/* a key arrived while an answer streamed */
	bool dirty;		/* out has text, or the prompt must come back */
	bool quit_armed;	/* Ctrl-C once at an empty prompt */
	bool done;
	int exit;
	bool resumed;		/* the next SIGCONT is the one after our own stop */
	char *restore;		/* text to put back on the input line (a prompt not sent) */
	char *history_path;	/* NULL: history is not kept on disk */
	bool history_warned;
};

/* Readline's state is global, and so is the one line mode that drives it. */
static struct line *line_current;

/* For the crash guard (tty_crash_start): how to give the terminal back. */
static const char *line_crash_reset = "\r\n";
static int line_crash_fd = STDOUT_FILENO;

static void line_md_char(struct line *l, char c);

/* ---- printing above the prompt ----------------------------------------------- */

static int
line_cols(void)
{
	int rows, cols;

	rl_get_screen_size(&rows, &cols);
	return cols > 0 ? cols : 80;
}

static FILE *line_tputs_file;

static int
line_tputs_putc(int c)
{
	return putc(c, line_tputs_file);
}

static void
line_tputs(struct line *l, const char *s)
{
	line_tputs_file = l->term;
	tputs(s, 1, line_tputs_putc);
}

/* Can printed text be continued in place above the prompt (cursor up and right)? */
static void
line_term_caps(struct line *l)
{
	char *up, *right;
	int err = 0;

	l->up = l->right = NULL;
	if (!isatty(fileno(l->term)) ||
	    (cur_term == NULL && setupterm(NULL, fileno(l->term), &err) != OK))
		return;
	up = tigetstr("cuu1");
	right = tigetstr("cuf");
	if (up == NULL || up == (char *)-1 || right == NULL || right == (char *)-1)
		return;
	l->up = up;
	l->right = right;
	line_crash_reset = "\033[?2004l\033[0m\r\n";
}

/* Follow printed text: the column it ends at (wrapping as the terminal does), its style. */
static void
line_track(struct line *l, const char *s, size_t len)
{
	int cols = line_cols(), w;
	unsigned int cp;
	size_t i = 0, n;

	while (i < len) {
		if (s[i] == '\033') {	/* one of our styles: text never holds ESC */
			n = 1;
			while (i + n < len && s[i + n] != 'm')
				n++;
			n = i + n < len ? n + 1 : n;
			if (n < sizeof l->sgr && strncmp(s + i, line_sgr[LINE_PLAIN], n) != 0) {
				memcpy(l->sgr, s + i, n);
				l->sgr[n] = '\0';
			} else
				l->sgr[0] = '\0';
			i += n;
			continue;
		}
		if (s[i] == '\n') {
			l->col = 0;
			i++;
			continue;
		}
		if (s[i] == '\t') {
			l->col = l->col / 8 * 8 + 8 < cols ? l->col / 8 * 8 + 8 : cols;
			i++;
			continue;
		}
		n = text_cluster(s + i, len - i, &w, &cp);
		l->col = l->col + w > cols ? w : l->col + w;
		i += n;
	}
}

/*
 * Take the prompt off the screen; the cursor goes where printed text
 * continues. False when an unfinished line cannot be continued: the cursor is
 * then at the start of a line, as if the line had ended.
 */
static bool
line_hide(struct line *l)
{
	bool in_place = true;

	if (!l->prompt_shown)
		return true;
	rl_clear_visible_line();
	l->prompt_shown = false;
	if (!l->below)
		return true;
	l->below = false;
	if (l->up != NULL && l->col > 0 && l->col < line_cols()) {
		line_tputs(l, l->up);
		fputc('\r', l->term);
		line_tputs(l, tiparm(l->right, l->col));
	} else {
		l->col = 0;	/* it goes on at the start of the prompt's row */
		in_place = false;
	}
	fputs(l->sgr, l->term);
	return in_place;
}

/* Put the prompt back under the printed text. */
static void
line_show(struct line *l)
{
	if (l->prompt_shown || l->done)
		return;
	if (l->sgr[0] != '\0')
		fputs(line_sgr[LINE_PLAIN], l->term);
	if (l->col > 0) {
		fputc('\n', l->term);
		l->below = true;
	}
	if (l->in_handler)	/* readline shows it when the handler returns */
		return;
	fflush(l->term);
	rl_forced_update_display();
	l->prompt_shown = true;
}

/*
 * Print what waits above the prompt, then show the prompt again. A terminal
 * that cannot move the cursor up gets whole lines only while the prompt is
 * shown during an answer (an unfinished line cannot be continued above it);
 * there the prompt stays away while an answer streams, until a key is typed.
 */
static void
line_flush(struct line *l)
{
	bool want = !l->streaming || l->up != NULL || l->typed;
	size_t n = l->out.len;
	const char *nl;

	if (want && l->up == NULL && l->streaming) {
		nl = memrchr(l->out.data, '\n', n);
		n = nl != NULL ? (size_t)(nl - l->out.data) + 1 : 0;
	}
	if (n > 0) {
		if (!line_hide(l) && l->out.data[0] == '\n') {
			buf_consume(&l->out, 1);	/* the line already ended on screen */
			n--;
		}
		fwrite(l->out.data, 1, n, l->term);
		line_track(l, l->out.data, n);
		buf_consume(&l->out, n);
	}
	if (want)
		line_show(l);
	fflush(l->term);
}

/* Once per round of the loop: print what arrived (STYLE 9). */
static void
line_idle(void *arg)
{
	struct line *l = arg;

	if (l->dirty && !l->done) {
		l->dirty = false;
		line_flush(l);
	}
}

/* Append text to what waits above the prompt. */
static void
line_add(struct line *l, const char *s, size_t len)
{
	if (len == 0)
		return;
	buf_add(&l->out, s, len);
	l->out_bol = s[len - 1] == '\n';
	l->dirty = true;
}

static void
line_style(struct line *l, int style)
{
	if (l->color)
		buf_adds(&l->out, line_sgr[style]);
}

/* Start a new line unless the text already ends at one. */
static void
line_newline(struct line *l)
{
	if (!l->out_bol)
		line_add(l, "\n", 1);
}

/*
 * Text from confab on lines of its own, in a style, word-wrapped; sanitised,
 * as it may quote a server.
 */
static void
line_note(struct line *l, int style, const char *prefix, const char *text)
{
	struct text_sanitizer san;
	struct text_span *sp;
	struct buf clean;
	char *wrapped;
	size_t n, i;

	buf_init(&clean, 0);
	text_sanitizer_init(&san, TEXT_VISIBLE);
	text_sanitize(&san, text, strlen(text), &clean);
	text_sanitize_finish(&san, &clean);
	while (clean.len > 0 && clean.data[clean.len - 1] == '\n')
		clean.len--;
	clean.data[clean.len] = '\0';
	wrapped = xasprintf("%s%s", prefix, clean.data);
	n = text_wrap(wrapped, strlen(wrapped), line_cols() - 1, &sp);
	line_newline(l);
	line_style(l, style);
	for (i = 0; i < n; i++) {
		line_add(l, wrapped + sp[i].off, sp[i].len);
		line_add(l, "\n", 1);
	}
	line_style(l, LINE_PLAIN);
	free(sp);
	free(wrapped);
	buf_release(&clean);
	if (l->in_handler)
		line_flush(l);
}

/* A message: quiet (dim), or an error (bold). Also the session's view->say. */
static void
line_say(void *arg, const char *text, bool error)
{
	line_note(arg, error ? LINE_BOLD : LINE_DIM, error ? "error: " : "", text);
}

static void
line_sayf(struct line *l, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
line_sayf(struct line *l, bool error, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	line_say(l, s, error);
	free(s);
}

/* ---- light Markdown ------------------------------------------------------------ */

/* The style the Markdown state asks for. */
static int
line_md_style(const struct line_md *m)
{
	if (m->fence || m->fence_line)
		return LINE_DIM;
	return m->heading || m->bold ? LINE_BOLD : LINE_PLAIN;
}

/* Write one byte of answer text in the style of the moment. */
static void
line_md_put(struct line *l, char c)
{
	int style = line_md_style(&l->md);

	if (style != l->md.cur) {
		line_style(l, style);
		l->md.cur = style;
	}
	line_add(l, &c, 1);
}

/* Code text s[0..len) in a colour of highlight.h (0: plain); the style is sent again after. */
static void
line_md_colored(struct line *l, const char *s, size_t len, int color)
{
	if (len == 0)
		return;
	if (color == 0)
		buf_adds(&l->out, line_sgr[LINE_PLAIN]);
	else
		buf_addf(&l->out, "\033[0;%dm", (HL_BRIGHT(color) ? 90 : 30) + HL_BASE(color));
	l->md.cur = -1;
	line_add(l, s, len);
}

/* The code line held back, highlighted. */
static void
line_md_code_flush(struct line *l)
{
	struct line_md *m = &l->md;
	struct hl_span sp[128];
	size_t n, i, at = 0;

	n = hl_line(m->syn, m->held, m->nheld, &m->hls, sp, nitems(sp));
	for (i = 0; i < n; i++) {
		line_md_colored(l, m->held + at, sp[i].off - at, 0);
		line_md_colored(l, m->held + sp[i].off, sp[i].len, sp[i].color);
		at = sp[i].off + sp[i].len;
	}
	line_md_colored(l, m->held + at, m->nheld - at, 0);
	m->nheld = 0;
}

/* A byte of code in a block with a syntax: held back until its line ends, within bounds. */
static void
line_md_code(struct line *l, char c)
{
	struct line_md *m = &l->md;

	if (++m->hlbytes > HL_BLOCK_MAX || m->nheld == sizeof m->held) {
		line_md_code_flush(l);
		m->codeplain = true;
	}
	if (m->codeplain || m->hlbytes > HL_BLOCK_MAX)
		line_md_put(l, c);
	else
		m->held[m->nheld++] = c;
}

/* A line of a fence ends: after the opening one, the block's syntax; after any code line, its colours. */
static void
line_md_line_end(struct line *l)
{
	struct line_md *m = &l->md;
	size_t i;

	if (m->nheld > 0)
		line_md_code_flush(l);
	m->codeplain = false;
	if (m->fence_line && m->fence) {
		for (i = 0; i < m->nlang && (m->lang[i] == '`' || m->lang[i] == '~'); i++)
			;
		m->syn = hl_syntax(m->lang + i, m->nlang - i);
		m->hls = 0;
		m->hlbytes = 0;
	} else if (m->fence_line)
		m->syn = NULL;
	m->nlang = 0;
}

/* The start of a line turned out to be ordinary text: write it as such. */
static void
line_md_lead_plain(struct line *l)
{
	struct line_md *m = &l->md;
	char lead[sizeof m->lead];
	size_t n = m->nlead, i;

	memcpy(lead, m->lead, n);
	m->nlead = 0;
	m->bol = false;
	for (i = 0; i < n; i++)
		line_md_char(l, lead[i]);
}

/* At the start of a line: a heading ("## "), a code fence ("```"), or text? True when c was taken. */
static bool
line_md_lead(struct line *l, char c)
{
	struct line_md *m = &l->md;
	char first = m->nlead > 0 ? m->lead[0] : c;

	if (first == '#' && !m->fence) {
		if (c == '#' && m->nlead < 6) {
			m->lead[m->nlead++] = c;
			return true;
		}
		if (c == ' ' && m->nlead > 0) {	/* the hashes go: the line shows bold */
			m->nlead = 0;
			m->bol = false;
			m->heading = true;
			return true;
		}
	} else if ((first == '`' || first == '~') && c == first) {
		m->lead[m->nlead++] = c;
		if (m->nlead == 3) {
			m->fence_line = true;
			m->fence = !m->fence;
			line_md_lead_plain(l);
		}
		return true;
	}
	line_md_lead_plain(l);
	return false;
}

static void
line_md_char(struct line *l, char c)
{
	struct line_md *m = &l->md;

	if (m->bol && line_md_lead(l, c))
		return;
	if (c == '\n') {
		if (m->star)
			line_md_put(l, '*');
		line_md_line_end(l);
		m->star = m->heading = m->fence_line = m->code = m->bold = false;
		line_md_put(l, '\n');
		m->bol = true;
		return;
	}
	if (m->fence_line && m->fence && m->nlang < sizeof m->lang)
		m->lang[m->nlang++] = c;
	if (m->fence && !m->fence_line && m->syn != NULL) {
		line_md_code(l, c);
		return;
	}
	if (m->fence || m->fence_line) {
		line_md_put(l, c);
		return;
	}
	if (c == '*' && !m->code) {
		if (m->star)
			m->bold = !m->bold;
		m->star = !m->star;
		return;
	}
	if (m->star) {
		m->star = false;
		line_md_put(l, '*');
	}
	if (c == '`')
		m->code = !m->code;
	line_md_put(l, c);
}

/* The answer ended: write what was held back, and plain style again. */
static void
line_md_end(struct line *l)
{
	struct line_md *m = &l->md;

	if (m->bol && m->nlead > 0)
		line_md_lead_plain(l);
	if (m->nheld > 0)
		line_md_code_flush(l);
	if (m->star)
		line_md_put(l, '*');
	if (m->cur != LINE_PLAIN)
		line_style(l, LINE_PLAIN);
	memset(m, 0, sizeof *m);
	m->bol = true;
}

/* Sanitised answer text: styled with colour, as it is without. */
static void
line_answer_text(struct line *l, const char *s, size_t len)
{
	size_t i;

	if (!l->color) {
		line_add(l, s, len);
		return;
	}
	for (i = 0; i < len; i++)
		line_md_char(l, s[i]);
}

/* ---- the exchange ------------------------------------------------------------- */

/* Close the reasoning block; a label for the answer when one follows, without colour. */
static void
line_end_reasoning(struct line *l, bool answer_follows)
{
	if (!l->reasoning)
		return;
	l->reasoning = false;
	buf_reset(&l->scratch);
	text_sanitize_finish(&l->rsan, &l->scratch);
	line_add(l, l->scratch.data, l->scratch.len);
	line_style(l, LINE_PLAIN);
	line_newline(l);
	if (answer_follows)
		line_add(l, l->color ? "\n" : "[answer]\n", l->color ? 1 : 9);
}

static void
line_on_reasoning(void *arg, const char *text, size_t len)
{
	struct line *l = arg;

	if (l->answered)
		return;
	if (!l->reasoning) {
		l->reasoning = true;
		line_newline(l);
		if (l->color)
			line_style(l, LINE_DIM);
		else
			line_add(l, "[reasoning]\n", 12);
	}
	buf_reset(&l->scratch);
	text_sanitize(&l->rsan, text, len, &l->scratch);
	line_add(l, l->scratch.data, l->scratch.len);
}

static void
line_on_content(void *arg, const char *text, size_t len)
{
	struct line *l = arg;

	size_t i = 0, last = 0, n;
	unsigned int cp;
	int w;

	line_end_reasoning(l, true);
	l->answered = true;
	buf_reset(&l->scratch);
	(void)buf_add(&l->scratch, l->held.data, l->held.len);
	text_sanitize(&l->san, text, len, &l->scratch);
	/*
	 * The last cluster waits for the next piece: a ZWJ sequence or a mark
	 * split between pieces must reach the terminal in one write, with no
	 * prompt redrawn inside it. ASCII ends no cluster that goes on but
	 * with a combining mark: it is never held.
	 */
	while (i < l->scratch.len) {
		last = i;
		n = text_cluster(l->scratch.data + i, l->scratch.len - i, &w, &cp);
		i += n;
	}
	if (l->scratch.len > 0 && (unsigned char)l->scratch.data[l->scratch.len - 1] < 0x80)
		last = l->scratch.len;
	buf_reset(&l->held);
	(void)buf_add(&l->held, l->scratch.data + last, l->scratch.len - last);
	line_answer_text(l, l->scratch.data, last);
}

/* The held cluster goes out: the answer ended. */
static void
line_flush_held(struct line *l)
{
	line_answer_text(l, l->held.data, l->held.len);
	buf_reset(&l->held);
}

/* How the answer ended when it was stopped or failed, or NULL (a cut-off or filtered answer has its notice). */
static char *
line_end_note(const struct exchange_result *r)
{
	if (strcmp(r->status, "interrupted") == 0)
		return xstrdup("[interrupted]");
	if (r->message != NULL)
		return xasprintf("[%s]", r->message);
	return NULL;
}

/*
 * The reliance notices after an answer (Terms III.4), as one-shot mode
 * prints them: the general one quietly (dim), strong ones marked with "!"
 * and their name (bold), each with its clause.
 */
static void
line_print_disclaimers(struct line *l, const struct exchange_result *r)
{
	const struct disclaimer *d;
	char *prefix, *text;
	size_t i;

	for (i = 0; i < r->ndisclaimers; i++) {
		d = r->disclaimers[i];
		text = xasprintf("%s (Terms %s)", d->text, d->clause);
		if (d->strong) {
			prefix = xasprintf("! %s: ", strncmp(d->id, "end-", 4) == 0 ? d->id + 4 :
			    d->id);
			line_note(l, LINE_BOLD, prefix, text);
			free(prefix);
		} else if (!l->app->quiet)	/* -q: the general one is left out */
			line_note(l, LINE_DIM, "", text);
		free(text);
	}
}

static void
line_on_done(void *arg, const struct exchange_result *r)
{
	struct line *l = arg;
	char *note = line_end_note(r);

	line_end_reasoning(l, false);
	line_flush_held(l);
	buf_reset(&l->scratch);
	text_sanitize_finish(&l->san, &l->scratch);
	line_answer_text(l, l->scratch.data, l->scratch.len);
	if (l->color)
		line_md_end(l);
	line_newline(l);
	if (note != NULL)
		line_note(l, LINE_BOLD, "", note);
	line_print_disclaimers(l, r);
	line_add(l, "\n", 1);	/* a blank line before the next prompt */
	free(note);
	l->streaming = false;
	l->typed = false;
}

/*
 * The review of the Terms on the terminal (review_run); 0 when accepted.
 * Ctrl-C there ends confab, as it ends 'confab terms'.
 */
static int
line_review(struct line *l)
{
	struct sigaction dfl, old;
	int r;

	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGINT, &dfl, &old);
	if (l->term != NULL)
		fflush(l->term);
	r = review_run(l->app);
	fflush(stdout);
	sigaction(SIGINT, &old, NULL);
	return r;
}

/* Put a prompt that was not sent back on the input line. */
static void
line_restore(struct line *l, const char *text)
{
	free(l->restore);
	l->restore = xstrdup(text);
}

static void
line_unsent(void *arg, const char *prompt)
{
	line_restore(arg, prompt);
}

/*
 * The gate is closed: the review now, and the kept prompt back on the input
 * line, for Enter to send once the Terms are accepted.
 */
static void
line_consent(void *arg, const char *prompt, const char *why)
{
	struct line *l = arg;

	line_say(l, why, true);
	if (prompt == NULL) {
		line_say(l, "your next prompt opens the review of the Terms; Ctrl-D leaves", false);
		return;
	}
	line_flush(l);
	if (line_review(l) == EXIT_OK)
		line_say(l, "the prompt that was not sent is back on the input line: press Enter "
		    "to send it", false);
	else
		line_say(l, "nothing was sent", true);
	line_restore(l, prompt);
	session_pending_clear(l->s);
}

/* A prompt is on its way: get ready for its answer. */
static void
line_asked(void *arg, const char *prompt, const char *model)
{
	struct line *l = arg;

	text_sanitizer_init(&l->san, TEXT_VISIBLE);
	text_sanitizer_init(&l->rsan, TEXT_VISIBLE);
	memset(&l->md, 0, sizeof l->md);
	l->md.bol = true;
	l->reasoning = l->answered = false;
	l->streaming = true;
}

/* Leave with code; an answer in progress is stopped and marked first. */
static void
line_quit(struct line *l, int code)
{
	if (l->done)
		return;
	session_stop(l->s);
	l->done = true;
	l->exit = code;
	loop_stop(l->loop);
}

/* ---- what the session asks of line mode -------------------------------------- */

/* /terms: the text, through a pager on the terminal. */
static void
line_terms(void *arg)
{
	struct line *l = arg;

	line_flush(l);
	review_show(l->app);
	fflush(stdout);
}

static void
line_view_quit(void *arg)
{
	line_quit(arg, EXIT_OK);
}

/* Ask one question on the terminal (the line handler runs with it in its normal mode). */
static char *
line_ask(struct line *l, const char *question)
{
	struct tty tty;
	char *cause = NULL, *a;

	line_flush(l);
	if (tty_open(&tty, &cause) != 0) {
		line_say(l, cause, true);
		free(cause);
		return NULL;
	}
	a = tty_ask(&tty, question);
	tty_close(&tty);
	return a;
}

/* The notice of Terms IV, before the first rating: yes confirms it. */
static void
line_notice(void *arg, const char *text)
{
	struct line *l = arg;
	char *a, *method;
	bool yes;

	line_note(l, LINE_PLAIN, "", text);
	a = line_ask(l, feedback_notice_question);
	yes = a != NULL && strcasecmp(a, "yes") == 0;
	method = a == NULL ? xstrdup("end of input (line mode)") :
	    xasprintf("typed '%.40s' (line mode)", a);
	free(a);
	session_notice_answer(l->s, yes, method);
	free(method);
}

/* /terms withdraw: the session's y/N question on the terminal; only y or yes withdraws. */
static void
line_withdraw(void *arg, const char *question)
{
	struct line *l = arg;
	char *q = xasprintf("%s ", question), *a = line_ask(l, q);

	session_withdraw_answer(l->s, a != NULL && (strcasecmp(a, "y") == 0 ||
	    strcasecmp(a, "yes") == 0));
	free(a);
	free(q);
}

/* Why a thumbs-down, when no comment came with it: reasons by number, then a comment. */
static void
line_why(void *arg, int64_t id)
{
	struct line *l = arg;
	const char *const *names = feedback_reasons(-1);
	struct buf b;
	char *a, *p, *comment;
	size_t i, n, k;
	int d;

	buf_init(&b, 0);
	buf_adds(&b, "Why? (optional)");
	for (n = 0; names[n] != NULL; n++)
		buf_addf(&b, "  %zu %s", n + 1, feedback_reason_label(names[n]));
	line_note(l, LINE_PLAIN, "", b.data);
	buf_reset(&b);
	if ((a = line_ask(l, "Numbers of the reasons (as 1 3), or Enter to skip: ")) != NULL)
		for (p = a; *p != '\0'; p += k) {
			d = text_digit(p, strlen(p), &k);	/* full-width ones too */
			if (d >= 1 && (i = (size_t)(d - 1)) < n && strstr(b.data, names[i]) == NULL)
				buf_addf(&b, "%s%s", b.len > 0 ? "," : "", names[i]);
		}
	free(a);
	a = line_ask(l, "A comment, or Enter to skip: ");
	comment = a != NULL && *a != '\0' ? a : NULL;
	session_rate(l->s, id, -1, b.data, comment);
	free(a);
	buf_release(&b);
}

/* The loopback question after /endpoint: yes or no, asked again until one of them. */
static void
line_no_terms(void *arg, const char *question)
{
	struct line *l = arg;
	char *q = xasprintf("%s Type yes or no: ", question), *a, *how;

	while ((a = line_ask(l, q)) != NULL && strcasecmp(a, "yes") != 0 &&
	    strcasecmp(a, "no") != 0) {
		line_say(l, "please type yes or no", false);
		free(a);
	}
	free(q);
	if (a == NULL) {
		line_say(l, "no answer: nothing was recorded, and the Terms govern this server",
		    false);
		return;
	}
	how = xasprintf("typed '%s' (line mode)", a);
	session_no_terms_answer(l->s, strcasecmp(a, "yes") == 0, how);
	free(how);
	free(a);
}

/* After /endpoint to this machine: save it as a profile? Only y or yes saves. */
static void
line_save_profile(void *arg, const char *question)
{
	struct line *l = arg;
	char *q = xasprintf("%s ", question), *a;
	bool async = !l->in_handler;	/* the list arrived while readline reads keys */

	if (async) {	/* as in the line handler: no prompt, the terminal in its normal mode */
		line_flush(l);
		line_hide(l);
		fflush(l->term);
		l->in_handler = true;
		rl_deprep_terminal();
	}
	a = line_ask(l, q);
	if (async) {
		rl_prep_terminal(1);
		l->in_handler = false;
		l->col = 0;
		l->below = false;
	}
	session_profile_answer(l->s, a != NULL && (strcasecmp(a, "y") == 0 ||
	    strcasecmp(a, "yes") == 0));
	free(a);
	free(q);
	line_show(l);
}

/* /copy: the escape goes to the terminal after what is printed. */
static int
line_clipboard(void *arg, const char *data, size_t len, char **cause)
{
	struct line *l = arg;

	line_flush(l);
	fflush(l->term);
	return tty_clipboard(fileno(l->term), data, len, cause);
}

/* /edit TEXT: the editor now (readline is between lines); the result on the next prompt. */
static void
line_edit(void *arg, const char *text)
{
	struct line *l = arg;
	char *out = NULL, *cause = NULL;

	if (l->streaming) {
		line_say(l, "wait for the answer, or stop it with Ctrl-C, before editing", true);
		return;
	}
	line_flush(l);
	fflush(l->term);
	if (tty_edit(text, &out, &cause) != 0) {
		line_say(l, cause, true);
		free(cause);
		return;
	}
	line_restore(l, out);
	line_say(l, out[0] != '\0' ? "edited: the prompt is on the input line; Enter sends it" :
	    "the editor left the prompt empty", false);
	free(out);
}

static const struct session_view line_view = {
	.clipboard = line_clipboard, .edit = line_edit,
	.keys = line_keys, .say = line_say, .asked = line_asked,
	.content = line_on_content, .reasoning = line_on_reasoning, 
	.done = line_on_done, .consent = line_consent, .unsent = line_unsent,
	.notice = line_notice, .why = line_why, .terms = line_terms, .withdraw = line_withdraw,
	.quit = line_view_quit, .no_terms = line_no_terms,
	.save_profile = line_save_profile,
};

/* ---- history ------------------------------------------------------------------- */

/* Does the word at s start a key-like token ("sk-" and 17 more) that long? */
static bool
line_token(const char *s)
{
	static const char *const prefixes[] = {
		"sk-", "sk_live_", "sk_test_", "rk_live_", "ghp_", "gho_", "ghs_", "ghu_",
		"github_pat_", "xoxb-", "xoxp-", "AKIA", "AIza", "hf_", "glpat-",
	};
	size_t i, n;

	for (i = 0; i < nitems(prefixes); i++) {
		if (!text_has_prefix_ci(s, prefixes[i]))
			continue;
		for (n = 0; isalnum((unsigned char)s[n]) || s[n] == '-' || s[n] == '_'; n++)
			;
		if (n >= LINE_TOKEN_MIN)
			return true;
	}
	return false;
}

/* Might the line hold a secret (a key, a password, a token)? It stays out of the history file. */
static bool
line_secret(const char *s)
{
	static const char *const words[] = {
		"api_key", "api-key", "apikey", "password", "passwd", "bearer ", "authorization:",
		"secret_key", "access_token", "private key", "token=", "token:", "secret=",
		"secret:",
	};
	size_t i, w;

	for (i = 0; s[i] != '\0'; i++) {
		for (w = 0; w < nitems(words); w++)
			if (text_has_prefix_ci(s + i, words[w]))
				return true;
		if ((i == 0 || !isalnum((unsigned char)s[i - 1])) && line_token(s + i))
			return true;
	}
	return false;
}

/* History in $XDG_STATE_HOME/confab/history (0600, directory 0700), entries spanning lines. */
static void
line_history_load(struct line *l)
{
	const char *dir = l->app->cfg.state_dir;
	char *cause = NULL, *path;
	int fd;

	using_history();
	stifle_history(LINE_HISTORY_MAX);
	/* "#<time>" lines delimit the entries, so an entry can hold newlines */
	history_comment_char = '#';
	history_write_timestamps = 1;
	history_multiline_entries = 1;
	if (config_mkdir(dir, &cause) != 0) {
		app_error("warning: %s; the prompt history is not kept", cause);
		free(cause);
		return;
	}
	path = xasprintf("%s/history", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || fchmod(fd, 0600) != 0) {
		app_error("warning: cannot open '%s': %s; the prompt history is not kept", path,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		free(path);
		return;
	}
	close(fd);
	history_truncate_file(path, LINE_HISTORY_MAX);
	read_history(path);
	l->history_path = path;
}

/* Remember a sent line: in memory for this session, on disk unless it may hold a secret. */
static void
line_history_add(struct line *l, const char *text)
{
	HIST_ENTRY *last;
	int e;

	if (text[0] == ' ')	/* bash's ignorespace: kept out of the history entirely */
		return;
	last = history_length > 0 ? history_get(history_base + history_length - 1) : NULL;
	if (last != NULL && strcmp(last->line, text) == 0)
		return;
	add_history(text);
	if (l->history_path == NULL || line_secret(text))
		return;
	if ((e = append_history(1, l->history_path)) != 0 && !l->history_warned) {
		line_sayf(l, true, "cannot write the history to '%s': %s", l->history_path,
		    strerror(e));
		l->history_warned = true;
	}
}

/* ---- readline ------------------------------------------------------------------ */

/* A line from readline (Enter), or NULL at the end of input (Ctrl-D on an empty line). */
static void
line_on_line(char *text)
{
	struct line *l = line_current;
	const char *bp;

	if (l == NULL) {
		free(text);
		return;
	}
	/* readline ended the input line with a newline; it shows the prompt on return */
	l->in_handler = true;
	l->prompt_shown = false;
	l->col = 0;
	l->below = false;
	if (l->out.len == 0)
		l->out_bol = true;	/* an answer arriving goes on below the input */
	l->quit_armed = false;
	if (text == NULL) {
		/* readline ends the line itself at the end of input only with bracketed paste */
		bp = rl_variable_value("enable-bracketed-paste");
		if (bp == NULL || strcmp(bp, "on") != 0)
			fputc('\n', l->term);
		line_quit(l, EXIT_OK);
	} else if (text[strspn(text, " \t\n")] != '\0') {
		line_history_add(l, text);
		session_input(l->s, text);
	}
	free(text);
	line_flush(l);
	if (l->col > 0 && !l->below) {	/* the prompt comes on a line of its own */
		fputc('\n', l->term);
		l->below = true;
	}
	fflush(l->term);
	l->in_handler = false;
	if (l->done)
		rl_callback_handler_remove();	/* no prompt after the last line */
	else
		l->prompt_shown = true;
}

/* Before readline shows a new prompt: put back a prompt that was not sent. */
static int
line_startup(void)
{
	struct line *l = line_current;

	if (l != NULL && l->restore != NULL) {
		rl_insert_text(l->restore);
		free(l->restore);
		l->restore = NULL;
	}
	return 0;
}

/* Enter sends, unless the line ends in a backslash: that continues it on a new line. */
static int
line_key_enter(int count, int key)
{
	if (rl_point == rl_end && rl_end > 0 && rl_line_buffer[rl_end - 1] == '\\') {
		rl_delete_text(rl_end - 1, rl_end);
		rl_point = rl_end;
		rl_insert_text("\n");
		return 0;
	}
	return rl_newline(count, key);
}

/* Alt-Enter: a newline in the prompt. */
static int
line_key_newline(int count, int key)
{
	rl_insert_text("\n");
	return 0;
}

/*
 * Ctrl-X Ctrl-E (vi: v): the line in the editor, and back on the line for
 * review; readline's own edit-and-execute-command would send it.
 */
static int
line_key_edit(int count, int key)
{
	struct line *l = line_current;
	char *text, *out = NULL, *cause = NULL;

	if (l->streaming) {
		rl_ding();	/* the answer would wait behind the editor: stop it first */
		return 0;
	}
	text = xstrdup(rl_line_buffer);
	fputc('\n', l->term);
	fflush(l->term);
	rl_deprep_terminal();
	if (tty_edit(text, &out, &cause) == 0) {
		rl_replace_line(out, 0);
		rl_point = rl_end;
		free(out);
	} else {
		fprintf(l->term, "%s\n", cause);
		free(cause);
	}
	rl_prep_terminal(1);
	rl_on_new_line();
	rl_forced_update_display();
	free(text);
	return 0;
}

/* Tab completes slash commands at the start of the line, model and role names after them. */
static char **
line_completion(const char *text, int start, int end)
{
	rl_attempted_completion_over = 1;
	if (start == 0)
		return text[0] == '/' ? slash_complete(text, false) : NULL;
	return line_current != NULL ? session_complete(line_current->s, rl_line_buffer, start,
	    text) : NULL;
}

static void
line_readline_init(struct line *l)
{
	rl_readline_name = "confab";
	rl_catch_signals = 0;	/* the loop owns the signals */
	rl_catch_sigwinch = 0;
	rl_change_environment = 0;
	rl_instream = stdin;
	rl_outstream = l->term;
	rl_attempted_completion_function = line_completion;
	rl_startup_hook = line_startup;
	rl_add_defun("confab-newline", line_key_newline, -1);
	rl_initialize();	/* reads the user's inputrc; our keys go on top */
	rl_bind_key_in_map('\r', line_key_enter, emacs_standard_keymap);
	rl_bind_key_in_map('\n', line_key_enter, emacs_standard_keymap);
	rl_bind_key_in_map('\r', line_key_enter, vi_insertion_keymap);
	rl_bind_key_in_map('\n', line_key_enter, vi_insertion_keymap);
	rl_bind_key_in_map('\r', line_key_enter, vi_movement_keymap);
	rl_bind_key_in_map('\n', line_key_enter, vi_movement_keymap);
	rl_bind_keyseq_in_map("\\e\\r", line_key_newline, emacs_standard_keymap);
	rl_bind_keyseq_in_map("\\e\\n", line_key_newline, emacs_standard_keymap);
	rl_bind_keyseq_in_map("\\C-x\\C-e", line_key_edit, emacs_standard_keymap);
	rl_bind_key_in_map('v', line_key_edit, vi_movement_keymap);
}

/* The terminal is readable: one byte for readline. */
static void
line_on_input(int fd, void *arg)
{
	struct line *l = arg;

	l->quit_armed = false;
	if (l->streaming && !l->typed) {
		l->typed = true;	/* a dumb terminal shows the prompt again for it */
		line_flush(l);
	}
	rl_callback_read_char();
}

/* Ctrl-C: stop an answer, clear the line, or (twice at an empty prompt) quit. */
static void
line_ctrl_c(struct line *l)
{
	if (l->streaming) {
		session_cancel(l->s);
		return;
	}
	/* readline's own clean-up redraws the line: before it goes from the screen */
	rl_callback_sigcleanup();	/* an incremental search, a numeric argument */
	if (rl_end > 0)
		rl_free_line_state();
	line_hide(l);
	l->dirty = true;
	if (rl_end > 0) {
		rl_replace_line("", 1);
		rl_point = rl_mark = 0;
		l->quit_armed = false;
		return;
	}
	if (l->quit_armed) {
		line_quit(l, EXIT_OK);
		return;
	}
	l->quit_armed = true;
	line_say(l, "press Ctrl-C again to quit, or Ctrl-D", false);
}

static void line_suspend(struct line *l);
static void line_continued(struct line *l);

static void
line_on_signal(int sig, void *arg)
{
	struct line *l = arg;

	if (sig == SIGWINCH) {
		if (l->prompt_shown)
			rl_resize_terminal();
		else
			rl_reset_screen_size();
		return;
	}
	if (sig == SIGINT) {
		line_ctrl_c(l);
		return;
	}
	if (sig == SIGTSTP)
		line_suspend(l);
	else if (sig == SIGCONT)
		line_continued(l);
	else
		line_quit(l, 128 + sig);
}

/* ---- suspending, crashing ---------------------------------------------------------- */

/* Ctrl-Z: give the terminal back as it was, stop, and take it again on resuming. */
static void
line_suspend(struct line *l)
{
	struct sigaction dfl, old;

	if (l->prompt_shown)
		fputc('\n', l->term);
	if (l->color)
		fputs(line_sgr[LINE_PLAIN], l->term);
	fflush(l->term);
	rl_deprep_terminal();
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGTSTP, &dfl, &old);
	raise(SIGTSTP);		/* stopped here until SIGCONT */
	sigaction(SIGTSTP, &old, NULL);
	rl_prep_terminal(1);
	l->resumed = true;
	l->col = 0;
	l->below = false;
	if (l->prompt_shown)
		rl_forced_update_display();
}

/* Continued after a stop that was not ours (SIGSTOP): the terminal modes may be lost. */
static void
line_continued(struct line *l)
{
	if (l->resumed) {
		l->resumed = false;
		return;
	}
	rl_deprep_terminal();
	rl_prep_terminal(1);
	if (l->prompt_shown) {
		fputc('\r', l->term);
		rl_forced_update_display();
	}
}

/* fatal(): leave the terminal usable. */
static void
line_fatal_cleanup(void)
{
	if (line_current != NULL) {
		rl_callback_handler_remove();
		fputc('\n', line_current->term);
		fflush(line_current->term);
	}
}

/* The crash guard, Ctrl-Z through the loop's self-pipe, Ctrl-\\ ignored (as shells do). */
static void
line_signals_start(struct line *l)
{
	tty_crash_start(line_crash_fd, line_crash_reset);
	loop_catch(l->loop, SIGTSTP);
	loop_catch(l->loop, SIGCONT);
	loop_ignore(l->loop, SIGQUIT);
	fatal_set_cleanup(line_fatal_cleanup);
}

static void
line_signals_stop(void)
{
	fatal_set_cleanup(NULL);
	tty_crash_stop();
}

/* ---- starting and ending ----------------------------------------------------------- */

/* The store, the current Terms and consent: the review first when they are not accepted. */
static int
line_load(struct line *l)
{
	char *cause = NULL;
	int r = app_gate(l->app, &cause);

	if (r == EXIT_CONSENT)
		r = line_review(l);
	else if (r != 0)
		app_error("%s", cause);
	free(cause);
	return r;
}

/* What is printed before the first prompt. */
static void
line_greet(struct line *l)
{
	char *cause = NULL, host[128];

	if (!config_url_place(config_get(&l->app->cfg, CONFIG_BASE_URL), host, sizeof host))
		snprintf(host, sizeof host, "?");
	line_sayf(l, false, "confab %s, line mode: %s at %s. /help lists the commands and keys; "
	    "Ctrl-D leaves.", PACKAGE_VERSION, config_get(&l->app->cfg, CONFIG_MODEL), host);
	app_disclaimers(l->app, &cause);	/* loaded now, so that a warning comes first */
	if (cause != NULL) {
		line_sayf(l, true, "warning: %s", cause);
		free(cause);
		cause = NULL;
	}
	if (session_resume(l->s, &cause) != 0) {
		line_say(l, cause, true);
		free(cause);
	}
	session_ready(l->s);
}

static void
line_release(struct line *l)
{
	buf_release(&l->out);
	buf_release(&l->scratch);
	buf_release(&l->held);
	free(l->restore);
	free(l->history_path);
}

int
line_run(struct app *app)
{
	struct line l = { .app = app };
	struct session_view v = line_view;
	int r;

	if ((r = line_load(&l)) != 0)
		return r;
	l.term = isatty(STDOUT_FILENO) || !isatty(STDERR_FILENO) ? stdout : stderr;
	l.color = tty_color_ok(l.term);
	line_crash_fd = fileno(l.term);
	line_term_caps(&l);
	buf_init(&l.out, 0);
	buf_init(&l.scratch, 0);
	buf_init(&l.held, 0);
	l.out_bol = true;
	line_history_load(&l);
	l.loop = loop_new();
	v.arg = &l;
	l.s = session_new(app, l.loop, &v);
	loop_on_signal(l.loop, line_on_signal, &l);
	loop_set_idle(l.loop, line_idle, &l);
	line_signals_start(&l);
	line_current = &l;
	line_readline_init(&l);

	rl_prep_terminal(1);	/* keys typed during the greeting wait for readline, unechoed */
	l.in_handler = true;	/* no prompt yet: messages print straight away */
	line_greet(&l);
	l.in_handler = false;
	rl_callback_handler_install(LINE_PROMPT, line_on_line);
	l.prompt_shown = true;
	loop_add_fd(l.loop, STDIN_FILENO, line_on_input, &l);
	feedback_outbox_start(app, l.loop);
	while (!l.done)
		if (loop_run(l.loop) != 0)
			break;

	loop_remove_fd(l.loop, STDIN_FILENO);
	if (l.out.len > 0) {
		line_hide(&l);
		fwrite(l.out.data, 1, l.out.len, l.term);
		line_track(&l, l.out.data, l.out.len);
	} else if (l.prompt_shown)
		l.col = 1;	/* end the prompt's line */
	rl_callback_handler_remove();
	fputs(l.sgr[0] != '\0' ? line_sgr[LINE_PLAIN] : "", l.term);
	if (l.col > 0)
		fputc('\n', l.term);
	fflush(l.term);
	line_current = NULL;
	rl_startup_hook = NULL;
	session_free(l.s);	/* before the loop goes: it drains the transfer */
	l.s = NULL;
	feedback_outbox_stop(app);
	line_signals_stop();
	loop_free(l.loop);
	line_release(&l);
	return l.exit;
}
