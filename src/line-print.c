/*
 * line-print.c: printing above the readline prompt in line mode: hide the
 * prompt, print, show it again (STYLE 14), following the column and style
 * the printed text ends at so that an unfinished line goes on in place.
 */
#include "common.h"

#include <unistd.h>

#include <readline/readline.h>

#include "buf.h"
#include "line-internal.h"
#include "text.h"

#include <curses.h>
#include <term.h> /* last: it defines macros such as "lines" */

const char *const line_sgr[] = { "\033[0m", "\033[0;1m", "\033[0;2m" };

int
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
void
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
	l->crash_reset = "\033[?2004l\033[0m\r\n";
}

/* Follow printed text: the column it ends at (wrapping as the terminal does), its style. */
void
line_track(struct line *l, const char *s, size_t len)
{
	int cols = line_cols(), w;
	unsigned int cp;
	size_t i = 0, n;

	while (i < len) {
		if (s[i] == '\033') { /* one of our styles: text never holds ESC */
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
bool
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
		l->col = 0; /* it goes on at the start of the prompt's row */
		in_place = false;
	}
	fputs(l->sgr, l->term);
	return in_place;
}

/* Put the prompt back under the printed text. */
void
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
	if (l->in_handler) /* readline shows it when the handler returns */
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
void
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
			buf_consume(&l->out, 1); /* the line already ended on screen */
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
void
line_idle(void *arg)
{
	struct line *l = arg;

	if (l->dirty && !l->done) {
		l->dirty = false;
		line_flush(l);
	}
}

/* Append text to what waits above the prompt. */
void
line_add(struct line *l, const char *s, size_t len)
{
	if (len == 0)
		return;
	buf_add(&l->out, s, len);
	l->out_bol = s[len - 1] == '\n';
	l->dirty = true;
}

void
line_style(struct line *l, int style)
{
	if (l->color)
		buf_adds(&l->out, line_sgr[style]);
}

/* Start a new line unless the text already ends at one. */
void
line_newline(struct line *l)
{
	if (!l->out_bol)
		line_add(l, "\n", 1);
}

/*
 * Text from confab on lines of its own, in a style, word-wrapped; sanitised,
 * as it may quote a server.
 */
void
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
void
line_say(void *arg, const char *text, bool error)
{
	/* TRANSLATORS: before an error in line mode */
	line_note(arg, error ? LINE_BOLD : LINE_DIM, error ? _("error: ") : "", text);
}

void
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
