/* input-rl.c: readline's callback interface inside the curses UI. */
#include "common.h"

#include <curses.h>
#include <readline/history.h>
#include <readline/readline.h>

#include "input.h"
#include "text.h"
#include "ui.h"

#define INPUT_PROMPT "> "

struct input {
	void (*on_line)(char *line, void *arg);
	char **(*complete)(const char *line, int start, const char *text, bool *files, void *arg);
	void (*on_change)(void *arg);
	void (*on_edit)(void *arg);
	void *arg;
	const char *pending; /* bytes being fed to readline */
	size_t npending;
	FILE *devnull;
	char *hint;   /* completion matches, for the hint line */
	bool in_line; /* inside on_line: readline clears the line after it */
	char *later;  /* what input_set() put there meanwhile */
	int cur_y, cur_x;
};

static struct input *input_current;

/* readline asks for the next byte: the one being fed. */
static int
input_getc(FILE *fp)
{
	struct input *in = input_current;

	if (in == NULL || in->npending == 0)
		return EOF;
	in->npending--;
	return (unsigned char)*in->pending++;
}

static int
input_available(void)
{
	return input_current != NULL && input_current->npending > 0;
}

/* readline wants to redraw: the UI will, on its next pass. */
static void
input_redisplay(void)
{
	if (input_current != NULL && input_current->on_change != NULL)
		input_current->on_change(input_current->arg);
}

static void
input_prep(int meta)
{
}

static void
input_deprep(void)
{
}

static void
input_line_cb(char *line)
{
	struct input *in = input_current;

	if (in == NULL) {
		free(line);
		return;
	}
	if (line == NULL) /* end of file: Ctrl-D, which the UI handles itself */
		return;
	in->in_line = true;
	in->on_line(line, in->arg);
	in->in_line = false;
}

/* Alt-Enter: a newline in the input instead of sending. */
static int
input_newline(int count, int key)
{
	rl_insert_text("\n");
	return 0;
}

/* Ctrl-X Ctrl-E (vi: v): the front end opens the editor on the input. */
static int
input_edit_key(int count, int key)
{
	struct input *in = input_current;

	if (in != NULL && in->on_edit != NULL)
		in->on_edit(in->arg);
	return 0;
}

/* Completion of the word at start (the front end decides what completes where). */
static char **
input_completion(const char *text, int start, int end)
{
	struct input *in = input_current;
	bool files = false;
	char **m;

	rl_attempted_completion_over = 1;
	if (in == NULL || in->complete == NULL)
		return NULL;
	m = in->complete(rl_line_buffer, start, text, &files, in->arg);
	if (files) {
		rl_filename_completion_desired =
		    1; /* the list shows names without their directory */
		if (m != NULL && m[1] == NULL && m[0][0] != '\0' && m[0][strlen(m[0]) - 1] == '/')
			rl_completion_suppress_append = 1; /* a directory: its files come next */
	}
	return m;
}

/* A candidate as the hint line shows it: a file name without its directory. */
static const char *
input_shown(const char *match)
{
	const char *end = match + strlen(match), *p;

	if (!rl_filename_completion_desired)
		return match;
	if (end > match && end[-1] == '/')
		end--; /* a directory keeps its slash */
	for (p = end; p > match && p[-1] != '/'; p--)
		;
	return p;
}

/* readline would print the list of matches: keep it for the hint line instead. */
static void
input_show_matches(char **matches, int n, int maxlen)
{
	struct input *in = input_current;
	struct buf b;
	int i;

	if (in == NULL)
		return;
	buf_init(&b, 4096);
	for (i = 1; i <= n; i++)
		buf_addf(&b, "%s%s", i > 1 ? "  " : "", input_shown(matches[i]));
	free(in->hint);
	in->hint = buf_detach(&b, NULL);
	input_redisplay();
}

struct input *
input_new(void (*on_line)(char *line, void *arg),
    char **(*complete)(const char *line, int start, const char *text, bool *files, void *arg),
    void (*on_change)(void *arg), void *arg)
{
	struct input *in = xcalloc(1, sizeof *in);

	in->on_line = on_line;
	in->complete = complete;
	in->on_change = on_change;
	in->arg = arg;
	in->devnull = fopen("/dev/null", "w");
	input_current = in;

	rl_readline_name = "confab";
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_change_environment = 0;
	rl_prep_term_function = input_prep;
	rl_deprep_term_function = input_deprep;
	rl_getc_function = input_getc;
	rl_input_available_hook = input_available;
	rl_redisplay_function = input_redisplay;
	rl_outstream = in->devnull;
	rl_attempted_completion_function = input_completion;
	rl_completion_display_matches_hook = input_show_matches;
	rl_callback_handler_install(INPUT_PROMPT, input_line_cb);
	rl_bind_keyseq("\\e\\r", input_newline);
	rl_bind_keyseq("\\e\\n", input_newline);
	rl_bind_keyseq_in_map("\\C-x\\C-e", input_edit_key, emacs_standard_keymap);
	rl_bind_key_in_map('v', input_edit_key, vi_movement_keymap);
	return in;
}

void
input_free(struct input *in)
{
	if (in == NULL)
		return;
	rl_callback_handler_remove();
	input_current = NULL;
	if (in->devnull != NULL)
		fclose(in->devnull);
	free(in->hint);
	free(in->later);
	free(in);
}

/* Hand bytes to readline, one callback call per byte. */
static void
input_feed(struct input *in, const char *bytes, size_t n)
{
	in->pending = bytes;
	in->npending = n;
	while (in->npending > 0)
		rl_callback_read_char();
	if (in->later != NULL) { /* the line handler has returned: now it stays */
		char *text = in->later;

		in->later = NULL;
		input_set(in, text);
		free(text);
	}
}

void
input_key(struct input *in, int key)
{
	/* clang-format off */
	static const struct {
		int key;
		const char *seq;
	} keys[] = {
		{ KEY_LEFT, "\033[D" }, { KEY_RIGHT, "\033[C" }, { KEY_UP, "\033[A" },
		{ KEY_DOWN, "\033[B" }, { KEY_HOME, "\033[H" }, { KEY_END, "\033[F" },
		{ KEY_DC, "\033[3~" }, { KEY_BACKSPACE, "\177" }, { KEY_ENTER, "\r" },
		{ KEY_SLEFT, "\033[1;2D" }, { KEY_SRIGHT, "\033[1;2C" },
	};
	/* clang-format on */
	char c;
	size_t i;

	free(in->hint);
	in->hint = NULL;
	if (UI_KEY_IS_META(key)) {
		char seq[2] = { '\033', (char)(key & 0xff) };

		input_feed(in, seq, 2);
		return;
	}
	if (key >= 0 && key < 256) {
		c = (char)key;
		input_feed(in, &c, 1);
		return;
	}
	for (i = 0; i < nitems(keys); i++)
		if (keys[i].key == key) {
			input_feed(in, keys[i].seq, strlen(keys[i].seq));
			return;
		}
}

void
input_insert(struct input *in, const char *text, size_t len)
{
	char *s = xstrndup(text, len), *p;

	for (p = s; *p != '\0'; p++) /* a pasted CR is a line break, never a send */
		if (*p == '\r')
			*p = '\n';
	rl_insert_text(s);
	free(s);
	input_redisplay();
}

void
input_on_edit(struct input *in, void (*on_edit)(void *arg))
{
	in->on_edit = on_edit;
}

const char *
input_text(const struct input *in)
{
	return rl_line_buffer != NULL ? rl_line_buffer : "";
}

bool
input_empty(const struct input *in)
{
	return rl_line_buffer == NULL || rl_line_buffer[0] == '\0';
}

void
input_clear(struct input *in)
{
	rl_replace_line("", 0);
	rl_point = rl_end = 0;
	input_redisplay();
}

void
input_set(struct input *in, const char *text)
{
	if (in->in_line) {
		free(in->later);
		in->later = xstrdup(text);
		return;
	}
	rl_replace_line(text, 0);
	rl_point = rl_end;
	input_redisplay();
}

bool
input_vi_mode(const struct input *in)
{
	return rl_editing_mode == 0;
}

void
input_recall_add(const char *line)
{
	add_history(line);
}

const char *
input_hint(const struct input *in)
{
	return in->hint;
}

/* Draw the cluster s[0..n) (first code point cp, w columns) at row, col of the input. */
static void
input_put(int y, int col, const char *s, size_t n, unsigned int cp, int w, int attr)
{
	char vis[3] = { '^', (char)(cp == 0x7f ? '?' : cp + '@'), 0 };

	if (cp < 0x20 || cp == 0x7f)
		ui_put(y, col, vis, 2, 2, attr | A_DIM);
	else
		ui_put(y, col, s, n, w, attr);
}

/*
 * Lay out prompt + buffer at width, grapheme cluster by cluster (a newline or
 * the right edge starts a row; combining marks, Thai vowels and tones, ZWJ
 * sequences and VS16 stay with their base). With draw, rows [top, top + rows)
 * are drawn from screen row y. Records the cursor's row and column (a cursor
 * inside a cluster stands at its start); returns the rows.
 */
static int
input_layout(struct input *in, int width, int y, int top, int rows, int attr, bool draw)
{
	const char *prompt = rl_display_prompt != NULL ? rl_display_prompt : INPUT_PROMPT;
	const char *parts[2] = { prompt, rl_line_buffer != NULL ? rl_line_buffer : "" };
	int row = 0, col = 0, p, w;
	size_t i, n, len;
	unsigned int cp;

	in->cur_y = in->cur_x = 0;
	for (p = 0; p < 2; p++) {
		len = strlen(parts[p]);
		for (i = 0; i < len; i += n) {
			n = text_cluster(parts[p] + i, len - i, &w, &cp);
			if (cp == '\n') {
				if (p == 1 && (int)i == rl_point) {
					in->cur_y = row;
					in->cur_x = col;
				}
				row++;
				col = 0;
				continue;
			}
			if (cp < 0x20 || cp == 0x7f)
				w = 2;
			if (col + w > width) {
				row++;
				col = 0;
			}
			if (p == 1 && (size_t)rl_point >= i && (size_t)rl_point < i + n) {
				in->cur_y = row;
				in->cur_x = col;
			}
			if (draw && row >= top && row < top + rows)
				input_put(y + row - top, col, parts[p] + i, n, cp, w, attr);
			col += w;
		}
		if (p == 1 && (size_t)rl_point >= len) {
			in->cur_y = row;
			in->cur_x = col;
		}
	}
	if (in->cur_x >= width) { /* the cursor after a full row goes to the next */
		in->cur_y++;
		in->cur_x = 0;
		if (in->cur_y > row)
			row = in->cur_y;
	}
	return row + 1;
}

int
input_rows(struct input *in, int width, int max)
{
	int rows = input_layout(in, width, 0, 0, 0, 0, false);

	return rows < max ? rows : max;
}

void
input_draw(struct input *in, int y, int width, int rows, int attr)
{
	int top = 0, i;

	input_layout(in, width, 0, 0, 0, 0, false);
	if (in->cur_y >= rows)
		top = in->cur_y - rows + 1; /* keep the cursor's row in view */
	for (i = 0; i < rows; i++) {
		move(y + i, 0);
		clrtoeol();
	}
	input_layout(in, width, y, top, rows, attr, true);
	in->cur_y = y + in->cur_y - top;
}

void
input_cursor(const struct input *in, int *y, int *x)
{
	*y = in->cur_y;
	*x = in->cur_x;
}

void
input_set_hint(struct input *in, const char *text)
{
	free(in->hint);
	in->hint = xstrdup_or_null(text);
	input_redisplay();
}

void
input_complete(struct input *in)
{
	if (rl_line_buffer == NULL || rl_point != rl_end)
		return;
	input_current = in;
	rl_complete_internal('!'); /* insert what is common, list the candidates */
	input_redisplay();
}
