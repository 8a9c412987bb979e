/* ui.c: the full-screen UI: terminal set-up and restore, keys, redraw, screens. */
#include "common.h"
#include "caps.h"

#include <curses.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "clock.h"
#include "config.h"
#include "loop.h"
#include "markdown.h"
#include "text.h"
#include "tty.h"
#include "ui.h"

#include <term.h> /* last: it defines macros such as "lines" */

struct ui {
	struct app *app;
	struct loop *loop;
	const struct ui_screen *screen;
	void *data;
	bool dirty;
	bool quit;
	int exit;
	bool color;
	/* bracketed paste in progress */
	bool pasting;
	struct buf paste;
	/* escape sequences curses did not decode (ui_key): ESC, '[' or 'O', parameters */
	char esc[16];
	size_t nesc;
	int64_t esc_at; /* when a sequence was left open at the end of a read, or 0 */
};

/* What a crash writes to give the terminal back (see tty_crash_start). */
static const char ui_crash_reset[] = "\033[?2004l\033[?1000l\033[?1049l\033[?25h\033[0m\r\n";
static bool ui_active;

bool
ui_possible(void)
{
	const char *term = getenv("TERM");
	int err = 0;

	if (term == NULL || *term == '\0' || strcmp(term, "dumb") == 0)
		return false;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return false;
	if (setupterm(NULL, STDOUT_FILENO, &err) != OK)
		return false;
	return tigetstr("cup") != NULL && tigetstr("cup") != (char *)-1;
}

/* Leave the terminal as we found it. Safe to call twice, and from fatal(). */
void
ui_restore(void)
{
	static const char reset[] = "\033[?2004l\033[?1000l\033[?1006l";

	if (!ui_active)
		return;
	ui_active = false;
	tty_crash_stop();
	(void)!write(STDOUT_FILENO, reset, sizeof reset - 1);
	endwin();
}

void
ui_set_screen(struct ui *ui, const struct ui_screen *s, void *data)
{
	ui->screen = s;
	ui->data = data;
	ui->dirty = true;
}

void
ui_dirty(struct ui *ui)
{
	ui->dirty = true;
}

void
ui_quit(struct ui *ui, int code)
{
	ui->quit = true;
	ui->exit = code;
	loop_stop(ui->loop);
}

struct loop *
ui_loop(struct ui *ui)
{
	return ui->loop;
}

struct app *
ui_app(struct ui *ui)
{
	return ui->app;
}

void
ui_size(struct ui *ui, int *rows, int *cols)
{
	getmaxyx(stdscr, *rows, *cols);
}

int
ui_attr(struct ui *ui, enum ui_role role)
{
	/* clang-format off */
	static const int mono[] = {
		[UI_NORMAL] = A_NORMAL, [UI_BAR] = A_REVERSE, [UI_DIM] = A_DIM,
		[UI_BOLD] = A_BOLD, [UI_USER] = A_BOLD, [UI_MODEL] = A_BOLD,
		[UI_ERROR] = A_BOLD, [UI_ADDED] = A_BOLD, [UI_REMOVED] = A_DIM,
		[UI_HILITE] = A_REVERSE, [UI_CODE] = A_NORMAL, [UI_FIELD] = A_UNDERLINE,
		[UI_WARN] = A_BOLD,
	};
	/* clang-format on */

	if ((unsigned int)role >= nitems(mono))
		BUG("ui_attr: unknown role %d", (int)role);
	if (!ui->color)
		return mono[role];
	switch (role) {
	case UI_BAR:
		return COLOR_PAIR(1) | A_REVERSE;
	case UI_USER:
		return COLOR_PAIR(2) | A_BOLD;
	case UI_MODEL:
		return COLOR_PAIR(3) | A_BOLD;
	case UI_ERROR:
		return COLOR_PAIR(4) | A_BOLD;
	case UI_ADDED:
		return COLOR_PAIR(5);
	case UI_REMOVED:
		return COLOR_PAIR(4);
	case UI_CODE:
		return COLOR_PAIR(6);
	case UI_WARN:
		return COLOR_PAIR(7) | A_BOLD;
	default:
		return mono[role];
	}
}

/* Pairs for highlighted code (highlight.h): the terminal's colours 0-7, then its bright 8-15. */
#define UI_HL_PAIR 16

static void
ui_hl_pairs(void)
{
	short c;

	for (c = 0; c < 16 && UI_HL_PAIR + c < COLOR_PAIRS; c++)
		init_pair(UI_HL_PAIR + c, c < 8 || COLORS < 16 ? c % 8 : c, -1);
}

int
ui_hl_attr(struct ui *ui, int color)
{
	int c = color - 1;

	if (!ui->color || color < 1 || color > 16 || UI_HL_PAIR + c >= COLOR_PAIRS)
		return 0;
	return COLOR_PAIR(UI_HL_PAIR + c) | (c >= 8 && COLORS < 16 ? A_BOLD : 0);
}

/* True when a code point of the cluster s[0..n) must not reach the terminal. */
static bool
ui_cluster_unsafe(const char *s, size_t n)
{
	size_t i, k;
	unsigned int cp;

	for (i = 0; i < n; i += k) {
		if ((k = text_utf8_seq(s + i, n - i, &cp)) == 0 || text_cp_unsafe(cp))
			return true;
	}
	return false;
}

/*
 * Clusters of more code points than a ncurses cell holds (CCHARW_MAX, 5: a
 * family of four is 7): ncurses gets the first five, in the right columns,
 * and after each update the whole cluster is written over them.
 */
#define UI_OVERLAYS 128
static struct ui_overlay {
	int y, x;
	wchar_t first[2]; /* what the cell must still hold */
	char s[48];
	size_t n;
} ui_overlays[UI_OVERLAYS];
static size_t ui_noverlays;

static void
ui_overlay_add(const char *s, size_t n, const wchar_t *wc)
{
	struct ui_overlay *o;

	if (ui_noverlays >= UI_OVERLAYS || n > sizeof o->s)
		return;
	o = &ui_overlays[ui_noverlays++];
	getyx(stdscr, o->y, o->x);
	o->first[0] = wc[0];
	o->first[1] = wc[1];
	memcpy(o->s, s, n);
	o->n = n;
}

/* True when the overlay's cell still holds the start of its cluster. */
static bool
ui_overlay_there(const struct ui_overlay *o)
{
	wchar_t wch[CCHARW_MAX + 1];
	attr_t attrs;
	short pair;
	cchar_t cc;

	if (mvwin_wch(stdscr, o->y, o->x, &cc) == ERR ||
	    getcchar(&cc, wch, &attrs, &pair, NULL) == ERR)
		return false;
	return wch[0] == o->first[0] && wch[1] == o->first[1];
}

/* Write the long clusters over their cells, and the cursor back where ncurses left it. */
static void
ui_overlay_flush(void)
{
	size_t i;
	int y, x;

	if (ui_noverlays == 0)
		return;
	for (i = 0; i < ui_noverlays; i++) {
		if (!ui_overlay_there(&ui_overlays[i]))
			continue; /* drawn over later in the same frame */
		printf("\033[%d;%dH", ui_overlays[i].y + 1, ui_overlays[i].x + 1);
		fwrite(ui_overlays[i].s, 1, ui_overlays[i].n, stdout);
	}
	getyx(curscr, y, x);
	printf("\033[%d;%dH", y + 1, x + 1);
	fflush(stdout);
	ui_noverlays = 0;
}

/* Add one cell: the wide characters wc[0..n), the first spacing, the rest drawn over it. */
static void
ui_cell(const wchar_t *wc, size_t n)
{
	wchar_t first[2] = { wc[0], L'\0' };
	cchar_t cc;
	size_t i;

	if (n > CCHARW_MAX)
		n = CCHARW_MAX;
	while (n > 1 && wc[n - 1] == 0x200d)
		n--; /* a cut sequence must not join the next cell */
	memset(&cc, 0, sizeof cc);
	if (setcchar(&cc, first, A_NORMAL, 0, NULL) == ERR)
		return;
	/*
	 * ncurses takes the width of a cell from its first character and writes
	 * every character of it: a ZWJ sequence goes out whole, in the columns
	 * text_cluster gives it, as the terminal draws it.
	 */
	for (i = 1; i < n; i++)
		cc.chars[i] = wc[i];
	add_wch(&cc);
}

/*
 * Draw one grapheme cluster s[0..n) of more than one code point. It is cut
 * into the cells text_cluster counts (a new one at each emoji modifier and at
 * the second regional indicator), so ncurses and the terminal agree on its
 * columns; combining marks, ZWJ and what it joins, VS16 and jamo go with
 * their cell.
 */
static void
ui_cluster(const char *s, size_t n)
{
	wchar_t wc[16];
	unsigned int cp, prev = 0;
	size_t i, k, nwc = 0, cells = 0;
	int nri = 0;

	for (i = 0; i < n; i += k, prev = cp) {
		k = text_utf8_seq(s + i, n - i, &cp);
		if (nwc > 0 && prev != 0x200d &&
		    ((cp >= 0x1f1e6 && cp <= 0x1f1ff && nri == 1) || text_emoji_modifier(cp))) {
			ui_cell(wc, nwc);
			cells++;
			nwc = 0;
		}
		if (cp >= 0x1f1e6 && cp <= 0x1f1ff)
			nri++;
		if (nwc < nitems(wc))
			wc[nwc++] = (wchar_t)cp;
	}
	if (cells == 0 && nwc > 0 && text_cp_width((unsigned int)wc[0]) == 0)
		return; /* no base to draw on (a ZWJ at the start of a line): ncurses would shift */
	if (nwc > CCHARW_MAX && cells == 0)
		ui_overlay_add(s, n, wc); /* one cell too long for ncurses: a family of four */
	if (nwc > 0)
		ui_cell(wc, nwc);
}

int
ui_put(int y, int x, const char *s, size_t len, int maxcols, int attr)
{
	size_t i = 0, n;
	unsigned int cp;
	int used = 0, w;

	attron(attr);
	move(y, x);
	while (i < len) {
		n = text_cluster(s + i, len - i, &w, &cp);
		if (ui_cluster_unsafe(s + i, n)) {
			if (used + 1 > maxcols)
				break;
			addch('?');
			used++;
			i += n;
			continue;
		}
		if (used + w > maxcols)
			break;
		if (n == 1 || text_utf8_seq(s + i, n, NULL) == n)
			addnstr(s + i, (int)n);
		else
			ui_cluster(s + i, n);
		used += w;
		i += n;
	}
	attroff(attr);
	return used;
}

void
ui_bar(int y, const char *left, const char *right, int attr)
{
	int rows, cols, rw = right != NULL ? text_width(right, strlen(right)) : 0;

	getmaxyx(stdscr, rows, cols);
	(void)rows;
	attron(attr);
	mvhline(y, 0, ' ', cols);
	attroff(attr);
	ui_put(y, 1, left, strlen(left), cols - rw - 3, attr);
	if (right != NULL && rw < cols - 2)
		ui_put(y, cols - rw - 1, right, strlen(right), rw, attr);
}

int
ui_md_attr(struct ui *ui, unsigned int style)
{
	int a = 0;

	if (style & (MD_BOLD | MD_HEADING))
		a |= A_BOLD;
	if (style & MD_ITALIC)
		a |= A_ITALIC;
	if (style & (MD_DIM | MD_QUOTE))
		a |= A_DIM;
	if (MD_COLOR(style) == MD_COLOR_PLAIN || (MD_COLOR(style) != 0 && !(style & MD_CONTROL)))
		a |= ui_hl_attr(ui, MD_COLOR(style));
	else if (style & (MD_CODE | MD_CODEBLOCK))
		a |= ui_attr(ui, UI_CODE);
	if (style & MD_LINK)
		a |= A_UNDERLINE;
	if (style & MD_CONTROL)
		a |= ui_attr(ui, UI_WARN);
	return a;
}

void
ui_rule(int y, int cols, int attr)
{
	int x;

	attron(attr);
	for (x = 0; x < cols; x++)
		mvaddstr(y, x, MB_CUR_MAX > 1 ? "\u2500" : "-");
	attroff(attr);
}

const char *
ui_fit(int cols, const char *const *texts, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i++)
		if (text_width(texts[i], strlen(texts[i])) <= cols)
			return texts[i];
	return texts[n - 1];
}

bool
ui_too_small(struct ui *ui, int min_cols, int min_rows)
{
	const char *msg = _("terminal too small");
	int rows, cols, w = text_width(msg, strlen(msg));

	getmaxyx(stdscr, rows, cols);
	if (cols >= min_cols && rows >= min_rows)
		return false;
	erase();
	ui_put(rows / 2, cols > w ? (cols - w) / 2 : 0, msg, strlen(msg), cols, A_BOLD);
	return true;
}

/* Redraw once, when something changed. */
static void
ui_idle(void *arg)
{
	struct ui *ui = arg;

	if (!ui->dirty || ui->quit || ui->screen == NULL)
		return;
	ui->dirty = false;
	ui_noverlays = 0;
	ui->screen->draw(ui, ui->data);
	wnoutrefresh(stdscr);
	doupdate();
	ui_overlay_flush();
}

/* Keys inside a bracketed paste, up to the end marker. */
static void
ui_paste_byte(struct ui *ui, int c)
{
	static const char end[] = "\033[201~";

	buf_addc(&ui->paste, (char)c);
	if (ui->paste.len >= sizeof end - 1 &&
	    memcmp(ui->paste.data + ui->paste.len - (sizeof end - 1), end, sizeof end - 1) == 0) {
		ui->paste.len -= sizeof end - 1;
		ui->pasting = false;
		if (ui->screen->paste != NULL)
			ui->screen->paste(ui, ui->data, ui->paste.data, ui->paste.len);
		buf_reset(&ui->paste);
	}
}

/* Hand a key to the screen. */
static void
ui_deliver(struct ui *ui, int key)
{
	ui->screen->key(ui, ui->data, key);
}

/* A complete CSI sequence curses did not decode: a paste marker or a key. */
static void
ui_csi(struct ui *ui, const char *seq)
{
	/* clang-format off */
	static const struct {
		const char *seq;
		int key;
	} keys[] = {
		{ "1~", KEY_HOME }, { "7~", KEY_HOME }, { "H", KEY_HOME }, { "4~", KEY_END },
		{ "8~", KEY_END }, { "F", KEY_END }, { "5~", KEY_PPAGE }, { "6~", KEY_NPAGE },
		{ "3~", KEY_DC }, { "A", KEY_UP }, { "B", KEY_DOWN }, { "C", KEY_RIGHT },
		{ "D", KEY_LEFT }, { "1;3A", UI_KEY_ALT_UP }, { "1;3B", UI_KEY_ALT_DOWN },
	};
	/* clang-format on */
	size_t i;

	if (strcmp(seq, "200~") == 0) {
		ui->pasting = true;
		return;
	}
	for (i = 0; i < nitems(keys); i++)
		if (strcmp(seq, keys[i].seq) == 0) {
			ui_deliver(ui, keys[i].key);
			return;
		}
	/* anything else (focus reports, modified keys we do not use) is dropped */
}

/* The key of an SS3 sequence (ESC O final), or 0 when it is none. */
static int
ui_ss3(int final)
{
	/* clang-format off */
	static const struct {
		int final;
		int key;
	} keys[] = {
		{ 'A', KEY_UP }, { 'B', KEY_DOWN }, { 'C', KEY_RIGHT }, { 'D', KEY_LEFT },
		{ 'H', KEY_HOME }, { 'F', KEY_END }, { 'P', KEY_F(1) }, { 'Q', KEY_F(2) },
		{ 'R', KEY_F(3) }, { 'S', KEY_F(4) },
	};
	/* clang-format on */
	size_t i;

	for (i = 0; i < nitems(keys); i++)
		if (keys[i].final == final)
			return keys[i].key;
	return 0;
}

/* A sequence left open too long was typed, not sent: Alt-[ or Alt-O alone. */
static void
ui_esc_abandon(struct ui *ui)
{
	if (ui->nesc == 2)
		ui_deliver(ui, UI_KEY_META(ui->esc[1]));
	ui->nesc = 0; /* parameters without their final byte are dropped */
}

/* One key after ESC: '[' or 'O' open a sequence; another byte is Alt+byte. */
static void
ui_key_after_esc(struct ui *ui, int c)
{
	if (c == '[' || c == 'O') {
		ui->esc[ui->nesc++] = (char)c;
		return;
	}
	if (c == UI_KEY_ESC) { /* Esc, then another Esc */
		ui_deliver(ui, UI_KEY_ESC);
		return;
	}
	ui->nesc = 0;
	if (c >= 0 && c < 256) {
		ui_deliver(ui, UI_KEY_META(c));
		return;
	}
	ui_deliver(ui, UI_KEY_ESC);
	ui_deliver(ui, c);
}

/* One key inside ESC [ (CSI) or ESC O (SS3). */
static void
ui_key_in_seq(struct ui *ui, int c)
{
	char seq[sizeof ui->esc + 1];
	int key;

	if (ui->esc[1] == 'O') {
		ui->nesc = 0;
		if ((key = ui_ss3(c)) != 0)
			ui_deliver(ui, key);
		else { /* Alt-O, then a key */
			ui_deliver(ui, UI_KEY_META('O'));
			ui_deliver(ui, c);
		}
		return;
	}
	if (c >= 0x20 && c <= 0x3f && ui->nesc < sizeof ui->esc - 1) {
		ui->esc[ui->nesc++] = (char)c;
		return;
	}
	ui->esc[ui->nesc] = '\0';
	ui->nesc = 0;
	if (c >= 0x40 && c <= 0x7e) {
		snprintf(seq, sizeof seq, "%s%c", ui->esc + 2, c);
		ui_csi(ui, seq);
		return;
	}
	ui_deliver(ui, c); /* not a sequence after all: drop it */
}

/*
 * The one escape-key decoder, for every screen. One key from curses: ESC
 * starts Alt+key, a CSI (ESC [) or SS3 (ESC O) sequence curses did not
 * decode (paste markers, Home/End and arrows when TERM does not match the
 * terminal), or a lone Esc, which ui_on_input() delivers when nothing
 * follows it. A sequence cut between two reads goes on with the next read
 * when it comes within UI_ESC_SPLIT_MS; later, ESC [ or ESC O alone was
 * Alt-[ or Alt-O.
 */
static void
ui_key(struct ui *ui, int c)
{
	if (ui->pasting) {
		ui_paste_byte(ui, c);
		return;
	}
	if (ui->esc_at != 0 && ui->nesc >= 2 && clock_ms() - ui->esc_at > UI_ESC_SPLIT_MS)
		ui_esc_abandon(ui);
	ui->esc_at = 0;
	if (ui->nesc == 0 && c == UI_KEY_ESC) {
		ui->esc[0] = (char)UI_KEY_ESC;
		ui->nesc = 1;
	} else if (ui->nesc == 1)
		ui_key_after_esc(ui, c);
	else if (ui->nesc >= 2)
		ui_key_in_seq(ui, c);
	else
		ui_deliver(ui, c);
}

/* The terminal is readable: take every key that is there. */
static void
ui_on_input(int fd, void *arg)
{
	struct ui *ui = arg;
	int c;

	while (!ui->quit && (c = getch()) != ERR) {
		if (c == KEY_RESIZE || c == 12 /* Ctrl-L */) {
			if (c == 12)
				clearok(curscr, TRUE);
			ui->dirty = true;
			if (c == KEY_RESIZE)
				continue;
		}
		if (c >= KEY_MIN && keyname(c) != NULL && strcmp(keyname(c), "kUP3") == 0)
			c = UI_KEY_ALT_UP;
		else if (c >= KEY_MIN && keyname(c) != NULL && strcmp(keyname(c), "kDN3") == 0)
			c = UI_KEY_ALT_DOWN;
		ui_key(ui, c);
	}
	/* A lone ESC: nothing followed it. An open sequence waits for the next read. */
	if (!ui->quit && ui->nesc == 1) {
		ui->nesc = 0;
		ui_deliver(ui, UI_KEY_ESC);
	} else if (ui->nesc >= 2)
		ui->esc_at = clock_ms();
	ui->dirty = true;
}

static void
ui_on_signal(int sig, void *arg)
{
	struct ui *ui = arg;

	if (sig == SIGWINCH) { /* the loop owns SIGWINCH: tell curses the new size */
		struct winsize ws;

		if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
			resize_term(ws.ws_row, ws.ws_col);
		clearok(curscr, TRUE);
		ui->dirty = true;
		return;
	}
	if (sig == SIGINT) { /* with raw keys, Ctrl-C comes as a key; this is kill -INT */
		ui->screen->key(ui, ui->data, 3);
		return;
	}
	ui_quit(ui, 128 + sig);
}

static void
ui_start_curses(struct ui *ui)
{
	tty_crash_start(STDOUT_FILENO, ui_crash_reset);
	initscr();
	ui_active = true;
	fatal_set_cleanup(ui_restore);
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	if (ui_mouse(ui)) { /* else the terminal keeps the mouse: dragging selects */
		mousemask(BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
		mouseinterval(0);
	}
	ui->color = has_colors() && (getenv("NO_COLOR") == NULL || *getenv("NO_COLOR") == '\0');
	if (ui->color) {
		start_color();
		use_default_colors();
		init_pair(1, -1, -1);
		init_pair(2, COLOR_CYAN, -1);
		init_pair(3, COLOR_GREEN, -1);
		init_pair(4, COLOR_RED, -1);
		init_pair(5, COLOR_GREEN, -1);
		init_pair(6, COLOR_YELLOW, -1);
		init_pair(7, COLOR_MAGENTA, -1);
		ui_hl_pairs();
	}
	fputs("\033[?2004h", stdout); /* bracketed paste */
	fflush(stdout);
}

bool
ui_mouse(struct ui *ui)
{
	return config_bool(&ui->app->cfg, CONFIG_MOUSE) == 1;
}

int
ui_clipboard(struct ui *ui, const char *data, size_t len, char **cause)
{
	doupdate(); /* what curses holds goes out first, then the escape */
	fflush(stdout);
	return tty_clipboard(STDOUT_FILENO, data, len, cause);
}

int
ui_edit(struct ui *ui, const char *text, char **out, char **cause)
{
	static const char off[] = "\033[?2004l\033[?1000l\033[?1006l";
	int r;

	def_prog_mode();
	endwin();
	fputs(off, stdout);
	fflush(stdout);
	r = tty_edit(text, out, cause);
	reset_prog_mode();
	fputs("\033[?2004h", stdout); /* bracketed paste again */
	fflush(stdout);
	if (ui_mouse(ui))
		mousemask(BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	clearok(curscr, TRUE);
	ui->dirty = true;
	return r;
}

struct ui *
ui_new(struct app *app)
{
	struct ui *ui = xcalloc(1, sizeof *ui);

	ui->app = app;
	buf_init(&ui->paste, UI_PASTE_MAX);
	ui->loop = loop_new();
	ui_start_curses(ui);
	loop_on_signal(ui->loop, ui_on_signal, ui);
	loop_add_fd(ui->loop, STDIN_FILENO, ui_on_input, ui);
	loop_set_idle(ui->loop, ui_idle, ui);
	return ui;
}

int
ui_main(struct ui *ui)
{
	if (ui->screen == NULL)
		BUG("ui_main: no screen was set");
	ui_idle(ui);
	while (!ui->quit)
		if (loop_run(ui->loop) != 0)
			break;
	return ui->exit;
}

void
ui_free(struct ui *ui)
{
	if (ui == NULL)
		return;
	ui_restore();
	fatal_set_cleanup(NULL);
	loop_free(ui->loop);
	buf_release(&ui->paste);
	free(ui);
}
