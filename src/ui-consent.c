/*
 * ui-consent.c: the consent screens of the full-screen UI: the summary with
 * the age question and the agree field, the full-text viewer and its section
 * index, and, when the Terms changed since acceptance, "what changed" with a
 * diff of each section.
 *
 * Acceptance is the same act as in line mode: type yes and Enter, then agree
 * and Enter. No key, default or empty Enter accepts. Esc, or anything but
 * agree in the agree field, declines; both are recorded and end the UI.
 */
#include "common.h"

#include "ui-consent.h"

#include <curses.h>
#include <strings.h>
#include <time.h>

#include "cmd.h"
#include "text.h"
#include "ui.h"

#define CONSENT_MIN_COLS 40
#define CONSENT_MIN_ROWS 12
#define CONSENT_FIELD_MAX 40	/* bytes a field holds */
#define CONSENT_FIELD_COLS 9	/* columns a field shows */
#define CONSENT_TEXT_COLS 100	/* text wraps at most this wide, for reading */
#define CONSENT_MSG_ROWS 3	/* rows a message under the summary may take */
#define CONSENT_WHEEL 3		/* lines one mouse wheel step moves */
#define CONSENT_QUERY_MAX 64	/* bytes of a search */
#define CONSENT_MARKS 32	/* highlighted ranges on one screen line */
#define CONSENT_FAR (1L << 40)	/* a motion to the start or the end */
#define CONSENT_NONE ((size_t)-1)

#define CONSENT_KEY_CTRL_C 3
#define CONSENT_KEY_CTRL_U 21
#define CONSENT_KEY_CHANGES KEY_F(2)	/* reopens "what changed" from the summary */

#define CONSENT_METHOD_TYPED "typed (full-screen)"
#define CONSENT_METHOD_AGREE "typed 'agree' (full-screen)"

/* The questions, in the words line mode uses. */
static const char consent_age_q[] = "Are you at least 18 years old and at least the age of "
    "majority where you live? Type yes or no:";
static const char consent_agree_q[] = "To accept these Terms, type agree (anything else "
    "declines):";

enum consent_field {
	CONSENT_FIELD_AGE,
	CONSENT_FIELD_AGREE,
};

/* Where we are in an escape sequence curses did not decode (consent_filter). */
enum consent_esc {
	CONSENT_ESC_NONE,
	CONSENT_ESC_CSI,	/* ESC [ and parameters */
	CONSENT_ESC_SS3,	/* ESC O */
};

/* A line of the summary: text from column x, and a clause tag before it (or NULL). */
struct consent_row {
	char *text;
	const char *tag;
	int x;
	enum ui_role role;
};

/* A line of a section diff: op ' ', '-', '+' or '.' (lines left out); changed bytes [hs, he). */
struct consent_drow {
	char op;
	const char *text;
	size_t len;
	size_t hs, he;
};

/* A screen line of a diff: bytes [off, off + len) of drow row. */
struct consent_dline {
	size_t row;
	size_t off, len;
};

struct ui_consent {
	struct ui *ui;
	struct consent_current cur;
	struct consent_status cs;
	void (*on_accept)(void *arg);
	void (*on_close)(void *arg);
	void *arg;

	/* the flow: what was shown and for how long, for the ledger */
	struct timespec t0;
	bool saw_text;
	bool saw_changes;
	size_t shown;		/* the furthest byte of the text the viewer showed */
	bool from_chat;		/* the viewer was opened by /terms */
	char *msg;		/* a hint or an error; cleared by the next key */
	enum ui_role msg_role;
	char *farewell;		/* said once the terminal is restored (a decline) */
	enum consent_esc esc;
	int esc_param;

	/* summary */
	struct consent_row *rows;
	size_t nrows;
	int rows_width;		/* the width rows were laid out for; 0: lay out again */
	size_t sum_top;
	enum consent_field field;
	bool age_yes;		/* yes was answered and recorded */
	char input[2][CONSENT_FIELD_MAX + 1];
	int cur_y, cur_x;	/* where the cursor goes; cur_y -1 hides it */

	/* full text */
	struct text_span *lines;
	size_t nlines;
	int lines_width;
	size_t top;
	bool searching;		/* typing a search in the bottom bar */
	char query_in[CONSENT_QUERY_MAX + 1];
	char query[CONSENT_QUERY_MAX + 1];
	bool icase;		/* no capital in the query: ignore case */
	size_t match;		/* byte offset of the current match, or CONSENT_NONE */
	size_t isel, itop;	/* the section index */

	/* what changed */
	size_t *changes;	/* indices of the changed sections in cs.diff */
	size_t nchanges;
	size_t csel, ctop;	/* csel == nchanges: "continue to the summary" */
	bool changes_back;	/* reached from the summary: Esc goes back there */
	struct consent_drow *drows;
	size_t ndrows;
	struct consent_dline *dlines;
	size_t ndlines;
	int dwidth;
	size_t dtop;
};

static void consent_summary_draw(struct ui *, void *);
static void consent_summary_key(struct ui *, void *, int);
static void consent_summary_paste(struct ui *, void *, const char *, size_t);
static void consent_view_draw(struct ui *, void *);
static void consent_view_key(struct ui *, void *, int);
static void consent_index_draw(struct ui *, void *);
static void consent_index_key(struct ui *, void *, int);
static void consent_changes_draw(struct ui *, void *);
static void consent_changes_key(struct ui *, void *, int);
static void consent_diff_draw(struct ui *, void *);
static void consent_diff_key(struct ui *, void *, int);

static const struct ui_screen consent_summary_screen = {
	"consent-summary", consent_summary_draw, consent_summary_key, consent_summary_paste
};
static const struct ui_screen consent_view_screen = {
	"consent-text", consent_view_draw, consent_view_key, NULL
};
static const struct ui_screen consent_index_screen = {
	"consent-index", consent_index_draw, consent_index_key, NULL
};
static const struct ui_screen consent_changes_screen = {
	"consent-changes", consent_changes_draw, consent_changes_key, NULL
};
static const struct ui_screen consent_diff_screen = {
	"consent-diff", consent_diff_draw, consent_diff_key, NULL
};

/* ---- helpers ----------------------------------------------------------- */

/* Milliseconds since the consent screens opened. */
static int64_t
consent_ms(const struct ui_consent *c)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (int64_t)(t1.tv_sec - c->t0.tv_sec) * 1000 +
	    (t1.tv_nsec - c->t0.tv_nsec) / 1000000;
}

/* How far into the text byte off is, in percent. */
static int
consent_pct(const struct ui_consent *c, size_t off)
{
	size_t len = c->cur.terms->len;

	return len == 0 ? 100 : (int)(off * 100 / len);
}

/* Show a message (a hint or an error) until the next key. */
static void __attribute__((format(printf, 3, 4)))
consent_msg(struct ui_consent *c, enum ui_role role, const char *fmt, ...)
{
	va_list ap;

	free(c->msg);
	va_start(ap, fmt);
	c->msg = xvasprintf(fmt, ap);
	va_end(ap);
	c->msg_role = role;
}

static void
consent_msg_clear(struct ui_consent *c)
{
	free(c->msg);
	c->msg = NULL;
}

/* Is the terminal big enough for the consent screens? */
static bool
consent_fits(struct ui *ui)
{
	int rows, cols;

	ui_size(ui, &rows, &cols);
	return rows >= CONSENT_MIN_ROWS && cols >= CONSENT_MIN_COLS;
}

/* Start a draw: clear, and say so when the terminal is too small (true then). */
static bool
consent_draw_start(struct ui *ui, struct ui_consent *c)
{
	erase();
	c->cur_y = -1;
	if (!ui_too_small(ui, CONSENT_MIN_COLS, CONSENT_MIN_ROWS))
		return false;
	curs_set(0);
	return true;
}

/* End a draw: put the cursor where typing goes, or hide it. */
static void
consent_draw_end(struct ui_consent *c)
{
	if (c->cur_y < 0) {
		curs_set(0);
		return;
	}
	move(c->cur_y, c->cur_x);
	curs_set(1);
}

/* The key a finished CSI or SS3 sequence stands for, or 0 for one the screens do not use. */
static int
consent_esc_final(int param, int final)
{
	switch (final) {
	case 'A':
		return KEY_UP;
	case 'B':
		return KEY_DOWN;
	case 'H':
		return KEY_HOME;
	case 'F':
		return KEY_END;
	case '~':
		if (param == 1 || param == 7)
			return KEY_HOME;
		if (param == 4 || param == 8)
			return KEY_END;
		if (param == 5 || param == 6)
			return param == 5 ? KEY_PPAGE : KEY_NPAGE;
		return 0;
	}
	return 0;
}

/*
 * Keys as the consent screens take them. A sequence curses does not know
 * (Home as ESC [ 1 ~ when TERM does not match the terminal) comes as Alt-[
 * and then its bytes, which must not land in a field: it becomes the key it
 * means, or nothing. Other Alt keys mean nothing here. False: nothing to
 * handle now; *key may change.
 */
static bool
consent_filter(struct ui_consent *c, int *key)
{
	int k = *key;

	if (k == UI_KEY_META('[') || k == UI_KEY_META('O')) {
		c->esc = k == UI_KEY_META('[') ? CONSENT_ESC_CSI : CONSENT_ESC_SS3;
		c->esc_param = 0;
		return false;
	}
	if ((k & UI_KEY_META(0)) != 0)
		return false;
	if (c->esc == CONSENT_ESC_NONE || k > 255 || k == UI_KEY_ESC) {
		c->esc = CONSENT_ESC_NONE;	/* a decoded key or an Esc ends a sequence */
		return true;
	}
	if (c->esc == CONSENT_ESC_CSI && k >= 0x20 && k < 0x40) {
		if (k >= '0' && k <= '9' && c->esc_param < 1000)
			c->esc_param = c->esc_param * 10 + k - '0';
		return false;
	}
	*key = consent_esc_final(c->esc == CONSENT_ESC_CSI ? c->esc_param : 0, k);
	c->esc = CONSENT_ESC_NONE;
	return *key != 0;
}

/* Bytes of the character at s (at least 1, so invalid bytes step too). */
static size_t
consent_char_len(const char *s, size_t len)
{
	unsigned int cp;
	size_t n = text_utf8_seq(s, len, &cp);

	return n == 0 ? 1 : n;
}

/* Remove the last character of a NUL-terminated string. */
static void
consent_chop(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && ((unsigned char)s[n - 1] & 0xc0) == 0x80)
		n--;
	if (n > 0)
		n--;
	s[n] = '\0';
}

/* Append a typed byte to a field of max bytes; false when it is full. */
static bool
consent_append(char *s, size_t max, int key)
{
	size_t n = strlen(s);

	if (n >= max)
		return false;
	s[n] = (char)key;
	s[n + 1] = '\0';
	return true;
}

/* Is key a byte of typed text (printable ASCII or part of a UTF-8 character)? */
static bool
consent_is_text(int key)
{
	return key >= ' ' && key < 256 && key != 127;
}

/* Is key Enter (CR with nonl, LF, or the keypad Enter)? */
static bool
consent_is_enter(int key)
{
	return key == '\r' || key == '\n' || key == KEY_ENTER;
}

/* Is key Backspace (DEL, ^H or the curses key)? */
static bool
consent_is_backspace(int key)
{
	return key == 127 || key == 8 || key == KEY_BACKSPACE;
}

/* The motion a key asks for in lines (CONSENT_FAR for Home and End); false if none. */
static bool
consent_motion(int key, size_t page, long *delta)
{
	long p = page > 1 ? (long)page - 1 : 1;
	MEVENT ev;

	switch (key) {
	case KEY_UP:
		*delta = -1;
		return true;
	case KEY_DOWN:
		*delta = 1;
		return true;
	case KEY_PPAGE:
		*delta = -p;
		return true;
	case KEY_NPAGE:
		*delta = p;
		return true;
	case KEY_HOME:
		*delta = -CONSENT_FAR;
		return true;
	case KEY_END:
		*delta = CONSENT_FAR;
		return true;
	case KEY_MOUSE:
		*delta = 0;
		if (getmouse(&ev) != OK)
			return true;
		if (ev.bstate & BUTTON4_PRESSED)
			*delta = -CONSENT_WHEEL;
		else if (ev.bstate & BUTTON5_PRESSED)
			*delta = CONSENT_WHEEL;
		return true;
	}
	return false;
}

/* Move *pos by the motion of key, within [0, max]; false if key is no motion. */
static bool
consent_move(int key, size_t page, size_t *pos, size_t max)
{
	long d;

	if (!consent_motion(key, page, &d))
		return false;
	if (d < 0)
		*pos = (size_t)-d > *pos ? 0 : *pos - (size_t)-d;
	else
		*pos = *pos + (size_t)d > max ? max : *pos + (size_t)d;
	return true;
}

/* The largest top line that still fills a page of a view of total lines. */
static size_t
consent_max_top(size_t page, size_t total)
{
	return total > page ? total - page : 0;
}

/* Keep item sel in a list window of page rows starting at *top. */
static void
consent_follow(size_t sel, size_t page, size_t *top)
{
	if (sel < *top)
		*top = sel;
	else if (page > 0 && sel >= *top + page)
		*top = sel - page + 1;
}

/*
 * Draw s[off, off + len) at (y, x) in at most maxcols columns, with the
 * bytes in the ranges (nr pairs of offsets into s, in order) in hattr.
 */
static void
consent_put_marked(int y, int x, int maxcols, const char *s, size_t off, size_t len, int attr,
    const size_t *r, size_t nr, int hattr)
{
	size_t pos = off, end = off + len, i, a, b;
	int used;

	for (i = 0; i < nr && maxcols > 0; i++) {
		a = r[2 * i] < pos ? pos : r[2 * i];
		b = r[2 * i + 1] > end ? end : r[2 * i + 1];
		if (a >= b)
			continue;
		used = ui_put(y, x, s + pos, a - pos, maxcols, attr);
		x += used;
		maxcols -= used;
		used = ui_put(y, x, s + a, b - a, maxcols, hattr);
		x += used;
		maxcols -= used;
		pos = b;
	}
	if (pos < end && maxcols > 0)
		ui_put(y, x, s + pos, end - pos, maxcols, attr);
}

/* Draw s wrapped to width columns from (y, x), not past row ymax; returns the next row. */
static int
consent_put_para(int y, int ymax, int x, int width, const char *s, int attr)
{
	struct text_span *sp;
	size_t n = text_wrap(s, strlen(s), width, &sp), i;

	for (i = 0; i < n && y <= ymax; i++, y++)
		ui_put(y, x, s + sp[i].off, sp[i].len, width, attr);
	free(sp);
	return y;
}

/* Draw a list row: selected rows fill the width in the highlight. */
static void
consent_put_item(struct ui *ui, int y, int cols, const char *left, const char *right,
    bool selected, int attr)
{
	int rw = right != NULL ? text_width(right, strlen(right)) : 0;

	if (selected) {
		attr = ui_attr(ui, UI_HILITE);
		attron(attr);
		mvhline(y, 0, ' ', cols);
		attroff(attr);
		ui_put(y, 0, ">", 1, 1, attr);
	}
	ui_put(y, 2, left, strlen(left), cols - rw - 5, attr);
	if (right != NULL)
		ui_put(y, cols - rw - 2, right, strlen(right), rw, attr);
}

/* Which section byte off of the current text is in. */
static size_t
consent_section_at(const struct terms *t, size_t off)
{
	size_t i = t->nsections;

	while (i-- > 1)
		if (t->sections[i].start <= off)
			return i;
	return 0;
}

/* Does a section heading start at byte off? */
static bool
consent_is_heading(const struct terms *t, size_t off)
{
	size_t i;

	for (i = 1; i < t->nsections; i++)
		if (t->sections[i].start == off)
			return true;
	return false;
}

/* ---- the ledger -------------------------------------------------------- */

/* What showed the Terms, for the ledger: "full-screen: summary, full text 37%, changes". */
static char *
consent_viewer(const struct ui_consent *c)
{
	char text[48] = "";

	if (c->saw_text)
		snprintf(text, sizeof text, ", full text %d%%", consent_pct(c, c->shown));
	return xasprintf("full-screen: summary%s%s", text, c->saw_changes ? ", changes" : "");
}

/* Append an event for the current Terms; -1 with the error on the screen (it did not count). */
static int
consent_event(struct ui_consent *c, const char *kind, const char *method, const char *age,
    const char *detail)
{
	struct consent_event ev = {
		.kind = xstrdup(kind),
		.method = xstrdup(method),
		.age_answer = age != NULL ? xstrdup(age) : NULL,
		.shown_bytes = (int64_t)c->shown,
		.duration_ms = consent_ms(c),
		.viewer = consent_viewer(c),
		.detail = detail != NULL ? xstrdup(detail) : NULL,
	};
	char *cause = NULL;
	struct store *st = app_store(ui_app(c->ui), &cause);
	int r = -1;

	if (st != NULL)
		r = consent_record(st, c->cur.terms, &ev, &cause);
	if (r != 0)
		consent_msg(c, UI_ERROR, "the %s could not be recorded, so it does not count: %s",
		    kind, cause != NULL ? cause : "unknown error");
	free(cause);
	consent_event_release(&ev);
	return r;
}

/* Record a decline and end the UI with exit 3; farewell (or a default) is said after. */
static void
consent_decline(struct ui_consent *c, const char *detail, const char *farewell)
{
	if (consent_event(c, "decline", CONSENT_METHOD_TYPED, NULL, detail) != 0)
		return;
	free(c->farewell);
	if (farewell != NULL)
		c->farewell = xstrdup(farewell);
	else
		c->farewell = xasprintf("you declined the Terms (version %s); that is recorded "
		    "and nothing was sent to the model. Run 'confab' again when you want to "
		    "review them", c->cur.terms->short_hash);
	ui_quit(c->ui, EXIT_CONSENT);
}

/* Record the accept and hand over to the caller. */
static void
consent_accept(struct ui_consent *c)
{
	if (consent_event(c, "accept", CONSENT_METHOD_AGREE, "yes", NULL) != 0)
		return;
	c->field = CONSENT_FIELD_AGE;
	c->age_yes = false;
	c->input[CONSENT_FIELD_AGE][0] = c->input[CONSENT_FIELD_AGREE][0] = '\0';
	if (c->on_accept != NULL)
		c->on_accept(c->arg);
}

/* ---- summary ----------------------------------------------------------- */

static void
consent_rows_free(struct ui_consent *c)
{
	size_t i;

	for (i = 0; i < c->nrows; i++)
		free(c->rows[i].text);
	free(c->rows);
	c->rows = NULL;
	c->nrows = 0;
}

/* Add s to the summary wrapped from column x to width, the first line tagged. */
static void
consent_rows_add(struct ui_consent *c, const char *s, const char *tag, int x, int width,
    enum ui_role role)
{
	struct text_span *sp;
	size_t n = text_wrap(s, strlen(s), width - x, &sp), i;

	c->rows = xreallocarray(c->rows, c->nrows + n, sizeof *c->rows);
	for (i = 0; i < n; i++) {
		struct consent_row *r = &c->rows[c->nrows++];

		r->text = xstrndup(s + sp[i].off, sp[i].len);
		r->tag = i == 0 ? tag : NULL;
		r->x = x;
		r->role = role;
	}
	free(sp);
}

/* The line saying why consent is asked again, or NULL the first time. */
static char *
consent_state_line(const struct ui_consent *c)
{
	const struct consent_status *cs = &c->cs;
	const char *at = cs->last.at != NULL ? cs->last.at : "?";

	switch (cs->state) {
	case CONSENT_OUTDATED:
		return xasprintf("You accepted an earlier version (last updated %s) on %.10s. "
		    "The Terms have changed since%s", cs->accepted.terms_date != NULL ?
		    cs->accepted.terms_date : "?", cs->accepted.at != NULL ? cs->accepted.at : "?",
		    cs->diff != NULL ? ": F2 shows what changed." : ".");
	case CONSENT_WITHDRAWN:
		return xasprintf("You withdrew your consent on %.10s.", at);
	case CONSENT_DECLINED:
		return xasprintf("You declined the Terms on %.10s.", at);
	default:
		return NULL;
	}
}

/* Lay the summary out for cols columns (again only when the width changed). */
static void
consent_summary_layout(struct ui_consent *c, int cols)
{
	const struct terms *t = c->cur.terms;
	int w = cols - 1 < CONSENT_TEXT_COLS ? cols - 1 : CONSENT_TEXT_COLS;
	char *s, *privacy;
	size_t i;

	if (w == c->rows_width)
		return;
	consent_rows_free(c);
	c->rows_width = w;
	consent_rows_add(c, t->title, NULL, 1, w, UI_BOLD);
	s = xasprintf("Version %s, last updated %s", t->short_hash, t->date_label);
	consent_rows_add(c, s, NULL, 1, w, UI_NORMAL);
	free(s);
	if ((s = consent_state_line(c)) != NULL)
		consent_rows_add(c, s, NULL, 1, w, UI_WARN);
	free(s);
	consent_rows_add(c, "", NULL, 1, w, UI_NORMAL);
	consent_rows_add(c, "Before confab sends anything to the model, you must accept these "
	    "Terms. In our own words, this is what they ask of you (the Terms themselves "
	    "govern):", NULL, 1, w, UI_NORMAL);
	consent_rows_add(c, "", NULL, 1, w, UI_NORMAL);
	for (i = 0; i < consent_summary_len; i++)
		consent_rows_add(c, consent_summary[i].text, consent_summary[i].clause, 9, w,
		    UI_NORMAL);
	consent_rows_add(c, "", NULL, 1, w, UI_NORMAL);
	privacy = terms_privacy_url(t);
	s = privacy != NULL ? xasprintf("Privacy Policy (VI): %s", privacy) :
	    xstrdup("Privacy Policy: see section VI of the full text.");
	consent_rows_add(c, s, NULL, 1, w, UI_NORMAL);
	free(s);
	free(privacy);
	s = xasprintf("The full text has %zu sections (%zu bytes). Tab opens it: scroll, search, "
	    "or jump to a section.", t->nsections - 1, t->len);
	consent_rows_add(c, s, NULL, 1, w, UI_DIM);
	free(s);
}

/* The rows the message line takes (one, or the message wrapped, at most a few). */
static int
consent_msg_rows(const struct ui_consent *c, int cols)
{
	struct text_span *sp;
	size_t n;

	if (c->msg == NULL)
		return 1;
	n = text_wrap(c->msg, strlen(c->msg), cols - 2, &sp);
	free(sp);
	return n > CONSENT_MSG_ROWS ? CONSENT_MSG_ROWS : (int)n;
}

/* Draw the message at row y, or a note when the summary scrolls. */
static void
consent_msg_draw(struct ui *ui, struct ui_consent *c, int y, int cols, const char *more)
{
	if (c->msg != NULL)
		consent_put_para(y, y + CONSENT_MSG_ROWS - 1, 1, cols - 2, c->msg,
		    ui_attr(ui, c->msg_role));
	else if (more != NULL)
		ui_put(y, cols - text_width(more, strlen(more)) - 2, more, strlen(more), cols,
		    ui_attr(ui, UI_DIM));
}

/* Draw a field at (y, x): the answer given, or the text typed so far. */
static void
consent_field_box(struct ui *ui, struct ui_consent *c, enum consent_field f, int y, int x)
{
	const char *s = c->input[f];
	size_t len = strlen(s), skip = 0;
	int attr = ui_attr(ui, UI_FIELD), used;

	if (f == CONSENT_FIELD_AGE && c->age_yes) {
		ui_put(y, x, "yes", 3, CONSENT_FIELD_COLS, ui_attr(ui, UI_BOLD));
		return;
	}
	if (c->field != f)
		attr |= A_DIM;
	attron(attr);
	mvhline(y, x, ' ', CONSENT_FIELD_COLS);
	attroff(attr);
	while (skip < len && text_width(s + skip, len - skip) > CONSENT_FIELD_COLS - 1)
		skip += consent_char_len(s + skip, len - skip);
	used = ui_put(y, x, s + skip, len - skip, CONSENT_FIELD_COLS - 1, attr);
	if (c->field == f) {
		c->cur_y = y;
		c->cur_x = x + used;
	}
}

/* One question and its field from row y; returns the rows they take (draws when draw). */
static int
consent_field(struct ui *ui, struct ui_consent *c, enum consent_field f, int y, int cols,
    bool draw)
{
	const char *q = f == CONSENT_FIELD_AGE ? consent_age_q : consent_agree_q;
	int attr = ui_attr(ui, c->field == f || (f == CONSENT_FIELD_AGE && c->age_yes) ?
	    UI_NORMAL : UI_DIM);
	struct text_span *sp;
	size_t n = text_wrap(q, strlen(q), cols - 2, &sp), i;
	int fx = 2 + text_width(q + sp[n - 1].off, sp[n - 1].len), h = (int)n;

	if (fx + CONSENT_FIELD_COLS > cols - 1) {
		fx = 1;
		h++;
	}
	for (i = 0; draw && i < n; i++)
		ui_put(y + (int)i, 1, q + sp[i].off, sp[i].len, cols - 2, attr);
	if (draw)
		consent_field_box(ui, c, f, y + h - 1, fx);
	free(sp);
	return h;
}

/* The rows under the summary text: message line, age question, agree field. */
static int
consent_fields_rows(struct ui *ui, struct ui_consent *c, int cols)
{
	return consent_msg_rows(c, cols) + consent_field(ui, c, CONSENT_FIELD_AGE, 0, cols, false) +
	    consent_field(ui, c, CONSENT_FIELD_AGREE, 0, cols, false);
}

/* Rows of summary text that fit above the fields. */
static size_t
consent_summary_page(struct ui *ui, struct ui_consent *c)
{
	int rows, cols, body;

	ui_size(ui, &rows, &cols);
	consent_summary_layout(c, cols);
	body = rows - 2 - consent_fields_rows(ui, c, cols);
	return body > 1 ? (size_t)body : 1;
}

/* The bottom bar of the summary: the keys. */
static void
consent_summary_hints(struct ui *ui, struct ui_consent *c, int y, int cols)
{
	const char *h;

	if (c->cs.diff != NULL)
		h = cols >= 80 ? "Tab read the full text   F2 what changed   PgUp/PgDn scroll   "
		    "Esc decline" : "Tab text  F2 changes  Esc decline";
	else
		h = cols >= 70 ? "Tab read the full text   PgUp/PgDn scroll   Esc decline" :
		    "Tab text  PgDn more  Esc decline";
	ui_bar(y, h, NULL, ui_attr(ui, UI_BAR));
}

static void
consent_summary_draw(struct ui *ui, void *data)
{
	struct ui_consent *c = data;
	const char *more = NULL;
	int rows, cols, y, fy;
	size_t page, i;

	if (consent_draw_start(ui, c))
		return;
	ui_size(ui, &rows, &cols);
	page = consent_summary_page(ui, c);
	if (c->sum_top > consent_max_top(page, c->nrows))
		c->sum_top = consent_max_top(page, c->nrows);
	if (c->cs.state == CONSENT_OUTDATED)
		ui_bar(0, cols >= 60 ? "confab: the Terms changed; accept them again to chat" :
		    "confab: the Terms changed", NULL, ui_attr(ui, UI_BAR));
	else
		ui_bar(0, cols >= 60 ? "confab: accept the Terms of Service to start chatting" :
		    "confab: accept the Terms to start", NULL, ui_attr(ui, UI_BAR));
	for (i = 0; i < page && c->sum_top + i < c->nrows; i++) {
		const struct consent_row *r = &c->rows[c->sum_top + i];

		y = 1 + (int)i;
		if (r->tag != NULL)
			ui_put(y, 2, r->tag, strlen(r->tag), r->x - 3, ui_attr(ui, UI_BOLD));
		ui_put(y, r->x, r->text, strlen(r->text), cols - r->x - 1, ui_attr(ui, r->role));
	}
	if (c->sum_top + page < c->nrows)
		more = "more below: PgDn";
	else if (c->sum_top > 0)
		more = "more above: PgUp";
	fy = rows - 1 - consent_fields_rows(ui, c, cols);
	consent_msg_draw(ui, c, fy, cols, more);
	fy += consent_msg_rows(c, cols);
	fy += consent_field(ui, c, CONSENT_FIELD_AGE, fy, cols, true);
	consent_field(ui, c, CONSENT_FIELD_AGREE, fy, cols, true);
	consent_summary_hints(ui, c, rows - 1, cols);
	consent_draw_end(c);
}

/* Trim blanks from both ends of s into out (CONSENT_FIELD_MAX + 1 bytes). */
static void
consent_trim(char *out, const char *s)
{
	const char *e;

	s = text_skip_blanks(s);
	for (e = s + strlen(s); e > s && (e[-1] == ' ' || e[-1] == '\t'); e--)
		;
	memcpy(out, s, (size_t)(e - s));
	out[e - s] = '\0';
}

/* Enter in the age field: yes moves on to agree, no declines, anything else asks again. */
static void
consent_answer_age(struct ui_consent *c, const char *a)
{
	bool yes = strcasecmp(a, "yes") == 0;

	if (*a == '\0') {
		consent_msg(c, UI_WARN, "type yes or no, then press Enter");
		return;
	}
	if (!yes && strcasecmp(a, "no") != 0) {
		consent_msg(c, UI_WARN, "'%s' is not an answer: type yes or no", a);
		c->input[CONSENT_FIELD_AGE][0] = '\0';
		return;
	}
	if (consent_event(c, "age", CONSENT_METHOD_TYPED, yes ? "yes" : "no", NULL) != 0)
		return;
	if (!yes) {
		consent_decline(c, "under the minimum age (Terms I.1)", "the Terms require you to "
		    "be at least 18 years old and of the age of majority where you live (I.1), so "
		    "confab cannot be used; your answer is recorded and nothing was sent");
		return;
	}
	c->age_yes = true;
	c->field = CONSENT_FIELD_AGREE;
}

/* Enter on the summary: answer the age question, or accept, or decline. */
static void
consent_submit(struct ui_consent *c)
{
	char a[CONSENT_FIELD_MAX + 1], *detail;

	consent_trim(a, c->input[c->field]);
	if (c->field == CONSENT_FIELD_AGE) {
		consent_answer_age(c, a);
		return;
	}
	if (*a == '\0') {
		consent_msg(c, UI_WARN, "type agree and press Enter to accept these Terms, or "
		    "press Esc to decline");
		return;
	}
	if (strcasecmp(a, "agree") == 0) {
		consent_accept(c);
		return;
	}
	detail = xasprintf("typed '%s'", a);
	consent_decline(c, detail, NULL);
	free(detail);
}

/* Open the full-text viewer. */
static void
consent_view_open(struct ui_consent *c)
{
	if (!c->from_chat)
		c->saw_text = true;
	c->searching = false;
	consent_msg_clear(c);
	ui_set_screen(c->ui, &consent_view_screen, c);
}

/* Open "what changed"; back: reached from the summary, so Esc returns there. */
static void
consent_changes_open(struct ui_consent *c, bool back)
{
	c->saw_changes = true;
	c->changes_back = back;
	consent_msg_clear(c);
	ui_set_screen(c->ui, &consent_changes_screen, c);
}

static void
consent_summary_open(struct ui_consent *c)
{
	consent_msg_clear(c);
	ui_set_screen(c->ui, &consent_summary_screen, c);
}

/* Keys that edit the active field; false if key is not one. */
static bool
consent_field_key(struct ui_consent *c, int key)
{
	char *s = c->input[c->field];

	if (consent_is_backspace(key))
		consent_chop(s);
	else if (key == CONSENT_KEY_CTRL_U)
		s[0] = '\0';
	else if (consent_is_text(key)) {
		if (!consent_append(s, CONSENT_FIELD_MAX, key))
			consent_msg(c, UI_WARN, "that is longer than any answer: Backspace or "
			    "Ctrl-U to correct it");
	} else
		return false;
	return true;
}

static void
consent_summary_key(struct ui *ui, void *data, int key)
{
	struct ui_consent *c = data;

	if (!consent_filter(c, &key))
		return;
	consent_msg_clear(c);
	ui_dirty(ui);
	if (key == CONSENT_KEY_CTRL_C) {
		ui_quit(ui, EXIT_INTERRUPTED);
		return;
	}
	if (key == UI_KEY_ESC) {
		consent_decline(c, "Esc", NULL);
		return;
	}
	if (!consent_fits(ui))
		return;
	if (consent_move(key, consent_summary_page(ui, c), &c->sum_top,
	    consent_max_top(consent_summary_page(ui, c), c->nrows)))
		return;
	if (key == '\t')
		consent_view_open(c);
	else if (key == CONSENT_KEY_CHANGES && c->cs.diff != NULL)
		consent_changes_open(c, true);
	else if (consent_is_enter(key))
		consent_submit(c);
	else
		consent_field_key(c, key);
}

/* Pasted text does not answer: the answers are typed. */
static void
consent_summary_paste(struct ui *ui, void *data, const char *text, size_t len)
{
	struct ui_consent *c = data;

	(void)text;
	(void)len;
	consent_msg(c, UI_WARN, "pasting does not answer here: type your answer");
	ui_dirty(ui);
}

/* ---- full text ---------------------------------------------------------- */

/* The screen line that shows byte off. */
static size_t
consent_line_at(const struct ui_consent *c, size_t off)
{
	size_t lo = 0, hi = c->nlines, mid;

	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (c->lines[mid].off <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Wrap the text for cols columns (again only when the width changed), keeping the top. */
static void
consent_view_layout(struct ui_consent *c, int cols)
{
	const struct terms *t = c->cur.terms;
	int w = cols - 2 < CONSENT_TEXT_COLS ? cols - 2 : CONSENT_TEXT_COLS;
	size_t off;

	if (w == c->lines_width)
		return;
	off = c->top < c->nlines ? c->lines[c->top].off : 0;
	free(c->lines);
	c->nlines = text_wrap(t->text, t->len, w, &c->lines);
	c->lines_width = w;
	c->top = consent_line_at(c, off);
}

/* Lay the text out for the terminal; returns the lines a page shows. */
static size_t
consent_view_page(struct ui *ui, struct ui_consent *c)
{
	int rows, cols;

	ui_size(ui, &rows, &cols);
	consent_view_layout(c, cols);
	if (c->top > consent_max_top((size_t)rows - 2, c->nlines))
		c->top = consent_max_top((size_t)rows - 2, c->nlines);
	return (size_t)rows - 2;
}

/* The byte just past what a page of the viewer shows. */
static size_t
consent_view_end(const struct ui_consent *c, size_t page)
{
	size_t last = c->top + page;

	if (last >= c->nlines)
		return c->cur.terms->len;
	return c->lines[last - 1].off + c->lines[last - 1].len;
}

/* Does the query match at byte off? */
static bool
consent_match_at(const struct ui_consent *c, size_t off)
{
	const struct terms *t = c->cur.terms;
	size_t n = strlen(c->query);

	if (n == 0 || off + n > t->len)
		return false;
	return c->icase ? strncasecmp(t->text + off, c->query, n) == 0 :
	    memcmp(t->text + off, c->query, n) == 0;
}

/* Draw screen line i of the text at row y: headings bold, matches marked. */
static void
consent_view_line(struct ui *ui, struct ui_consent *c, int y, size_t i)
{
	const struct terms *t = c->cur.terms;
	const struct text_span *l = &c->lines[i];
	size_t marks[2 * CONSENT_MARKS], n = 0, q = strlen(c->query), off;
	int attr = ui_attr(ui, consent_is_heading(t, l->off) ? UI_BOLD : UI_NORMAL);

	off = q > 0 && l->off >= q - 1 ? l->off - (q - 1) : 0;
	for (; q > 0 && off < l->off + l->len && n < CONSENT_MARKS; off++) {
		if (!consent_match_at(c, off))
			continue;
		marks[2 * n] = off;
		marks[2 * n + 1] = off + q;
		n++;
	}
	consent_put_marked(y, 1, c->lines_width, t->text, l->off, l->len, attr, marks, n,
	    ui_attr(ui, UI_HILITE));
}

/* The bottom bar of the viewer: the search being typed, a message, or the keys. */
static void
consent_view_bar(struct ui *ui, struct ui_consent *c, int y, int cols)
{
	int attr = ui_attr(ui, UI_BAR);
	char *s;

	if (c->searching) {
		s = xasprintf("Search: %s", c->query_in);
		ui_bar(y, s, cols >= 72 ? "capitals match case  Enter find  Esc cancel" : NULL,
		    attr);
		c->cur_y = y;
		c->cur_x = 1 + text_width(s, strlen(s));
		free(s);
	} else if (c->msg != NULL)
		ui_bar(y, c->msg, NULL, attr);
	else if (cols >= 80)
		ui_bar(y, c->from_chat ? "PgUp/PgDn Home/End  i sections  / search  n/N next/prev  "
		    "q back to chat" : "PgUp/PgDn Home/End  i sections  / search  n/N next/prev  "
		    "q back", NULL, attr);
	else
		ui_bar(y, "i sections  / search  n N  q back", NULL, attr);
}

static void
consent_view_draw(struct ui *ui, void *data)
{
	struct ui_consent *c = data;
	const struct terms *t = c->cur.terms;
	size_t page, i, end;
	int rows, cols;
	char *left, right[16];
	const char *name;

	if (consent_draw_start(ui, c))
		return;
	ui_size(ui, &rows, &cols);
	page = consent_view_page(ui, c);
	for (i = 0; i < page && c->top + i < c->nlines; i++)
		consent_view_line(ui, c, 1 + (int)i, c->top + i);
	end = consent_view_end(c, page);
	if (end > c->shown)
		c->shown = end;
	name = terms_section_name(t, consent_section_at(t, c->nlines > 0 ?
	    c->lines[c->top].off : 0));
	left = cols >= 70 ? xasprintf("%s: %s", t->title, name) : xstrdup(name);
	snprintf(right, sizeof right, "%d%%", consent_pct(c, end));
	ui_bar(0, left, right, ui_attr(ui, UI_BAR));
	free(left);
	consent_view_bar(ui, c, rows - 1, cols);
	consent_draw_end(c);
}

/* Find the query from byte from, forward or backward; CONSENT_NONE when it is not there. */
static size_t
consent_find(const struct ui_consent *c, size_t from, bool forward)
{
	size_t off, len = c->cur.terms->len;

	if (forward) {
		for (off = from; off < len; off++)
			if (consent_match_at(c, off))
				return off;
		return CONSENT_NONE;
	}
	for (off = from < len ? from : len; off-- > 0;)
		if (consent_match_at(c, off))
			return off;
	return CONSENT_NONE;
}

/* Which match the one at byte at is (*k, from 1), of *n in the text. */
static void
consent_count(const struct ui_consent *c, size_t at, size_t *k, size_t *n)
{
	size_t off;

	*k = *n = 0;
	for (off = 0; off < c->cur.terms->len; off++) {
		if (!consent_match_at(c, off))
			continue;
		(*n)++;
		if (off <= at)
			(*k)++;
	}
}

/* Go to the next match from byte from (the previous before it), wrapping around. */
static void
consent_search_from(struct ui_consent *c, size_t from, bool forward)
{
	size_t off = consent_find(c, from, forward), k, n, line;
	const char *wrapped = "";

	if (off == CONSENT_NONE) {
		off = consent_find(c, forward ? 0 : c->cur.terms->len, forward);
		wrapped = forward ? " (from the top)" : " (from the end)";
	}
	if (off == CONSENT_NONE) {
		c->match = CONSENT_NONE;
		consent_msg(c, UI_BAR, "'%s' is not in the text", c->query);
		return;
	}
	c->match = off;
	consent_count(c, off, &k, &n);
	consent_msg(c, UI_BAR, "'%s': match %zu of %zu%s   n next  N previous", c->query, k, n,
	    wrapped);
	line = consent_line_at(c, off);
	c->top = line > 2 ? line - 2 : 0;	/* the match near the top, as less does */
}

/* n and N: the next or previous match of the last search. */
static void
consent_search_next(struct ui_consent *c, bool forward)
{
	size_t from;

	if (c->query[0] == '\0') {
		consent_msg(c, UI_BAR, "nothing to repeat: press / to search");
		return;
	}
	if (c->match == CONSENT_NONE)
		from = c->lines[c->top].off;
	else
		from = forward ? c->match + 1 : c->match;
	consent_search_from(c, from, forward);
}

/* Keys while a search is typed in the bottom bar. */
static void
consent_search_key(struct ui_consent *c, int key)
{
	const char *p;

	if (key == UI_KEY_ESC) {
		c->searching = false;
	} else if (consent_is_enter(key)) {
		c->searching = false;
		if (c->query_in[0] != '\0')
			memcpy(c->query, c->query_in, sizeof c->query);
		if (c->query[0] == '\0')
			return;
		c->icase = true;
		for (p = c->query; *p != '\0'; p++)
			if (*p >= 'A' && *p <= 'Z')
				c->icase = false;
		consent_search_from(c, c->lines[c->top].off, true);
	} else if (consent_is_backspace(key)) {
		if (c->query_in[0] == '\0')
			c->searching = false;
		consent_chop(c->query_in);
	} else if (consent_is_text(key))
		consent_append(c->query_in, CONSENT_QUERY_MAX, key);
}

/* Leave the viewer: back to chat (through on_close) or to the summary. */
static void
consent_view_close(struct ui_consent *c)
{
	if (c->from_chat) {
		c->from_chat = false;
		if (c->on_close != NULL)
			c->on_close(c->arg);
		return;
	}
	consent_summary_open(c);
}

/* Open the section index at the section on the screen. */
static void
consent_index_open(struct ui_consent *c)
{
	c->isel = consent_section_at(c->cur.terms, c->nlines > 0 ? c->lines[c->top].off : 0);
	ui_set_screen(c->ui, &consent_index_screen, c);
}

/* Keys of the viewer that are not motions. */
static void
consent_view_command(struct ui_consent *c, int key)
{
	switch (key) {
	case 'i':
	case '\t':
		consent_index_open(c);
		break;
	case '/':
		c->searching = true;
		c->query_in[0] = '\0';
		break;
	case 'n':
		consent_search_next(c, true);
		break;
	case 'N':
		consent_search_next(c, false);
		break;
	case 'q':
	case UI_KEY_ESC:
		consent_view_close(c);
		break;
	}
}

static void
consent_view_key(struct ui *ui, void *data, int key)
{
	struct ui_consent *c = data;
	size_t page;

	if (!consent_filter(c, &key))
		return;
	consent_msg_clear(c);
	ui_dirty(ui);
	if (key == CONSENT_KEY_CTRL_C) {
		ui_quit(ui, EXIT_INTERRUPTED);
		return;
	}
	if (!consent_fits(ui)) {
		if (key == 'q' || key == UI_KEY_ESC)
			consent_view_close(c);
		return;
	}
	page = consent_view_page(ui, c);
	if (c->searching) {
		consent_search_key(c, key);
		return;
	}
	if (key == ' ')
		key = KEY_NPAGE;
	else if (key == 'b')
		key = KEY_PPAGE;
	if (!consent_move(key, page, &c->top, consent_max_top(page, c->nlines)))
		consent_view_command(c, key);
}

/* ---- section index -------------------------------------------------------- */

static void
consent_index_draw(struct ui *ui, void *data)
{
	struct ui_consent *c = data;
	const struct terms *t = c->cur.terms;
	int rows, cols;
	size_t page, i;
	char right[32], pct[16];

	if (consent_draw_start(ui, c))
		return;
	ui_size(ui, &rows, &cols);
	page = (size_t)rows - 2;
	consent_follow(c->isel, page, &c->itop);
	snprintf(right, sizeof right, "%zu sections", t->nsections - 1);
	ui_bar(0, "Sections of the Terms", right, ui_attr(ui, UI_BAR));
	for (i = 0; i < page && c->itop + i < t->nsections; i++) {
		size_t k = c->itop + i;

		snprintf(pct, sizeof pct, "at %d%%", consent_pct(c, t->sections[k].start));
		consent_put_item(ui, 1 + (int)i, cols, terms_section_name(t, k), pct,
		    k == c->isel, ui_attr(ui, UI_NORMAL));
	}
	ui_bar(rows - 1, cols >= 60 ? "Up/Down choose   Enter go to the section   Esc back" :
	    "Enter go there  Esc back", NULL, ui_attr(ui, UI_BAR));
	consent_draw_end(c);
}

static void
consent_index_key(struct ui *ui, void *data, int key)
{
	struct ui_consent *c = data;
	const struct terms *t = c->cur.terms;
	int rows, cols;

	if (!consent_filter(c, &key))
		return;
	ui_dirty(ui);
	ui_size(ui, &rows, &cols);
	if (key == CONSENT_KEY_CTRL_C)
		ui_quit(ui, EXIT_INTERRUPTED);
	else if (key == UI_KEY_ESC || key == 'q' || key == 'i' || key == '\t')
		ui_set_screen(ui, &consent_view_screen, c);
	else if (!consent_fits(ui))
		return;
	else if (consent_move(key, (size_t)rows - 2, &c->isel, t->nsections - 1))
		return;
	else if (consent_is_enter(key)) {
		c->top = consent_line_at(c, t->sections[c->isel].start);
		c->match = CONSENT_NONE;
		ui_set_screen(ui, &consent_view_screen, c);
	}
}

/* ---- what changed ----------------------------------------------------------- */

/* Collect the changed sections of the diff, for the list. */
static void
consent_changes_list(struct ui_consent *c)
{
	const struct terms_diff *d = c->cs.diff;
	size_t i;

	free(c->changes);
	c->changes = NULL;
	c->nchanges = 0;
	c->csel = c->ctop = 0;
	if (d == NULL)
		return;
	c->changes = xcalloc(d->nsections + 1, sizeof *c->changes);
	for (i = 0; i < d->nsections; i++)
		if (d->sections[i].kind != TERMS_SAME)
			c->changes[c->nchanges++] = i;
}

/* The name of changed section k of the list. */
static const char *
consent_change_name(const struct ui_consent *c, size_t k)
{
	const struct terms_section_diff *sd = &c->cs.diff->sections[c->changes[k]];

	if (sd->kind == TERMS_REMOVED)
		return terms_section_name(c->cs.accepted_terms, sd->old_index);
	return terms_section_name(c->cur.terms, sd->new_index);
}

/* The introduction of "what changed" from row y, shorter when narrow; returns the row after it. */
static int
consent_changes_intro(struct ui *ui, struct ui_consent *c, int y, int rows, int cols)
{
	const struct terms *old = c->cs.accepted_terms, *t = c->cur.terms;
	const char *at = c->cs.accepted.at != NULL ? c->cs.accepted.at : "?";
	int attr = ui_attr(ui, UI_NORMAL);
	bool wide = cols >= 60 && rows >= 16;
	char *s;

	if (wide)
		s = xasprintf("You accepted these Terms on %.10s (version %s, last updated %s). "
		    "They have changed since: the current version is %s, last updated %s.", at,
		    old->short_hash, old->date_label, t->short_hash, t->date_label);
	else
		s = xasprintf("Changed since you accepted them on %.10s (last updated %s -> %s).",
		    at, old->date_label, t->date_label);
	y = consent_put_para(y, rows - 2, 1, cols - 2, s, attr) + (wide ? 1 : 0);
	free(s);
	if (c->nchanges == 0)
		s = xasprintf("Only the \"Last updated\" date changed (%s -> %s); the text is the "
		    "same.", old->date_label, t->date_label);
	else if (wide)
		s = xasprintf("%zu section%s changed. Choose one and press Enter to see the "
		    "changes:", c->nchanges, c->nchanges == 1 ? "" : "s");
	else
		s = xasprintf("%zu changed; Enter shows one:", c->nchanges);
	y = consent_put_para(y, rows - 2, 1, cols - 2, s, attr);
	free(s);
	return y;
}

static void
consent_changes_draw(struct ui *ui, void *data)
{
	struct ui_consent *c = data;
	int rows, cols, y;
	size_t page, i, k;
	char *right, hints[80];

	if (consent_draw_start(ui, c))
		return;
	ui_size(ui, &rows, &cols);
	right = xasprintf("version %s -> %s", c->cs.accepted_terms->short_hash,
	    c->cur.terms->short_hash);
	ui_bar(0, "What changed in the Terms", cols >= 64 ? right : NULL, ui_attr(ui, UI_BAR));
	free(right);
	y = consent_changes_intro(ui, c, rows < 16 ? 1 : 2, rows, cols) + (rows < 16 ? 0 : 1);
	page = y < rows - 1 ? (size_t)(rows - 1 - y) : 1;
	consent_follow(c->csel, page, &c->ctop);
	for (i = 0; i < page && c->ctop + i <= c->nchanges; i++) {
		k = c->ctop + i;
		if (k < c->nchanges)
			consent_put_item(ui, y + (int)i, cols, consent_change_name(c, k),
			    terms_change_name(c->cs.diff->sections[c->changes[k]].kind),
			    k == c->csel, ui_attr(ui, UI_NORMAL));
		else
			consent_put_item(ui, y + (int)i, cols, "Continue to the summary ->", NULL,
			    k == c->csel, ui_attr(ui, UI_BOLD));
	}
	snprintf(hints, sizeof hints, "%sEnter open%sc continue%sEsc %s", cols >= 64 ?
	    "Up/Down choose   " : "", cols >= 64 ? "   " : "  ", cols >= 64 ? "   " : "  ",
	    c->changes_back ? "back" : "decline");
	ui_bar(rows - 1, hints, NULL, ui_attr(ui, UI_BAR));
	consent_draw_end(c);
}

static void consent_diff_open(struct ui_consent *c, size_t k);

static void
consent_changes_key(struct ui *ui, void *data, int key)
{
	struct ui_consent *c = data;
	int rows, cols;

	if (!consent_filter(c, &key))
		return;
	consent_msg_clear(c);
	ui_dirty(ui);
	ui_size(ui, &rows, &cols);
	if (key == CONSENT_KEY_CTRL_C)
		ui_quit(ui, EXIT_INTERRUPTED);
	else if (key == UI_KEY_ESC && !c->changes_back)
		consent_decline(c, "Esc", NULL);
	else if (key == UI_KEY_ESC || key == 'q' || key == 'c')
		consent_summary_open(c);
	else if (!consent_fits(ui))
		return;
	else if (consent_move(key, (size_t)rows / 2, &c->csel, c->nchanges))
		return;
	else if (consent_is_enter(key) && c->csel < c->nchanges)
		consent_diff_open(c, c->csel);
	else if (consent_is_enter(key))
		consent_summary_open(c);
}

/* ---- the diff of one section ------------------------------------------------ */

/* Add a line to the diff being shown. */
static void
consent_drow_add(struct ui_consent *c, char op, const char *text, size_t len, size_t hs,
    size_t he)
{
	struct consent_drow *r;

	c->drows = xreallocarray(c->drows, c->ndrows + 1, sizeof *c->drows);
	r = &c->drows[c->ndrows++];
	r->op = op;
	r->text = text;
	r->len = len;
	r->hs = hs;
	r->he = he;
}

/* Which lines of a changed section to show: the changes and the nearest line around each. */
static bool *
consent_diff_shown(const struct terms_section_diff *sd)
{
	const struct terms_diff_line *l = sd->lines;
	bool *show = xcalloc(sd->nlines + 1, sizeof *show);
	size_t i, j;

	for (i = 0; i < sd->nlines; i++) {
		if (l[i].op == ' ')
			continue;
		show[i] = true;
		for (j = i; j-- > 0 && l[j].op == ' ';)
			if (l[j].len > 0) {
				show[j] = true;
				break;
			}
		for (j = i + 1; j < sd->nlines && l[j].op == ' '; j++)
			if (l[j].len > 0) {
				show[j] = true;
				break;
			}
	}
	return show;
}

/* Is line i of a changed section the first of a -/+ pair of one line each? */
static bool
consent_diff_pair(const struct terms_section_diff *sd, size_t i)
{
	const struct terms_diff_line *l = sd->lines;

	return l[i].op == '-' && i + 1 < sd->nlines && l[i + 1].op == '+' &&
	    (i + 2 >= sd->nlines || l[i + 2].op != '+') && (i == 0 || l[i - 1].op != '-');
}

/* The rows of a changed section, as line mode prints them (terms_diff_section). */
static void
consent_diff_changed(struct ui_consent *c, const struct terms_section_diff *sd)
{
	const struct terms_diff_line *l = sd->lines;
	bool *show = consent_diff_shown(sd);
	size_t i, j, last = CONSENT_NONE, pre, suf;

	for (i = 0; i < sd->nlines; i++) {
		if (!show[i] || (l[i].len == 0 && l[i].op == ' '))
			continue;
		for (j = last + 1; last != CONSENT_NONE && j < i && l[j].len == 0; j++)
			;
		if (last != CONSENT_NONE && j < i)
			consent_drow_add(c, '.', "...", 3, 0, 0);
		if (consent_diff_pair(sd, i)) {
			terms_line_change(l[i].text, l[i].len, l[i + 1].text, l[i + 1].len, &pre,
			    &suf);
			consent_drow_add(c, '-', l[i].text, l[i].len, pre, l[i].len - suf);
			consent_drow_add(c, '+', l[i + 1].text, l[i + 1].len, pre,
			    l[i + 1].len - suf);
			i++;
		} else
			consent_drow_add(c, l[i].op, l[i].text, l[i].len, 0, 0);
		last = i;
	}
	free(show);
}

/* The rows of a whole added or removed section: section i of t, each line marked op. */
static void
consent_diff_whole(struct ui_consent *c, const struct terms *t, size_t i, char op)
{
	const char *s = t->text + t->sections[i].start, *e = t->text + t->sections[i].end;
	const char *nl;

	while (e > s && e[-1] == '\n')
		e--;
	while (s < e) {
		if ((nl = memchr(s, '\n', (size_t)(e - s))) == NULL)
			nl = e;
		consent_drow_add(c, op, s, (size_t)(nl - s), 0, 0);
		s = nl + 1;
	}
}

/* Open the diff of changed section k of the list. */
static void
consent_diff_open(struct ui_consent *c, size_t k)
{
	const struct terms_section_diff *sd = &c->cs.diff->sections[c->changes[k]];

	free(c->drows);
	c->drows = NULL;
	c->ndrows = 0;
	c->dwidth = 0;
	c->dtop = 0;
	if (sd->kind == TERMS_CHANGED)
		consent_diff_changed(c, sd);
	else if (sd->kind == TERMS_ADDED)
		consent_diff_whole(c, c->cur.terms, sd->new_index, '+');
	else
		consent_diff_whole(c, c->cs.accepted_terms, sd->old_index, '-');
	ui_set_screen(c->ui, &consent_diff_screen, c);
}

/* Wrap the diff for cols columns (again only when the width changed). */
static void
consent_diff_layout(struct ui_consent *c, int cols)
{
	int w = cols - 4 < CONSENT_TEXT_COLS ? cols - 4 : CONSENT_TEXT_COLS;
	struct text_span *sp;
	size_t i, j, n;

	if (w == c->dwidth)
		return;
	free(c->dlines);
	c->dlines = NULL;
	c->ndlines = 0;
	c->dwidth = w;
	for (i = 0; i < c->ndrows; i++) {
		n = text_wrap(c->drows[i].text, c->drows[i].len, w, &sp);
		c->dlines = xreallocarray(c->dlines, c->ndlines + n, sizeof *c->dlines);
		for (j = 0; j < n; j++)
			c->dlines[c->ndlines++] = (struct consent_dline){ i, sp[j].off, sp[j].len };
		free(sp);
	}
}

/* Lay the diff out for the terminal; returns the lines a page shows. */
static size_t
consent_diff_page(struct ui *ui, struct ui_consent *c)
{
	int rows, cols;
	size_t page;

	ui_size(ui, &rows, &cols);
	consent_diff_layout(c, cols);
	page = (size_t)rows - 3;
	if (c->dtop > consent_max_top(page, c->ndlines))
		c->dtop = consent_max_top(page, c->ndlines);
	return page;
}

/* Draw screen line i of the diff at row y: removed and added lines, the changed words marked. */
static void
consent_diff_line(struct ui *ui, struct ui_consent *c, int y, size_t i)
{
	const struct consent_dline *dl = &c->dlines[i];
	const struct consent_drow *r = &c->drows[dl->row];
	enum ui_role role = r->op == '-' ? UI_REMOVED : r->op == '+' ? UI_ADDED :
	    r->op == '.' ? UI_DIM : UI_NORMAL;
	int attr = ui_attr(ui, role);
	size_t marks[2] = { r->hs, r->he };

	if (dl->off == 0 && (r->op == '-' || r->op == '+'))
		ui_put(y, 1, &r->op, 1, 1, attr);
	consent_put_marked(y, 3, c->dwidth, r->text, dl->off, dl->len, attr, marks,
	    r->he > r->hs ? 1 : 0, attr | ui_attr(ui, UI_HILITE));
}

/* The legend over a diff of a section of that kind. */
static void
consent_diff_legend(struct ui *ui, int y, int cols, enum terms_change kind)
{
	static const char added[] = "+ a new section", removed[] = "- a section taken out";
	int x = 1;

	if (kind == TERMS_ADDED) {
		ui_put(y, x, added, sizeof added - 1, cols - 2, ui_attr(ui, UI_ADDED));
		return;
	}
	if (kind == TERMS_REMOVED) {
		ui_put(y, x, removed, sizeof removed - 1, cols - 2, ui_attr(ui, UI_REMOVED));
		return;
	}
	x += ui_put(y, x, "- removed", 9, 9, ui_attr(ui, UI_REMOVED)) + 3;
	x += ui_put(y, x, "+ added", 7, 7, ui_attr(ui, UI_ADDED)) + 3;
	ui_put(y, x, "changed words", 13, 13, ui_attr(ui, UI_HILITE));
}

static void
consent_diff_draw(struct ui *ui, void *data)
{
	struct ui_consent *c = data;
	const struct terms_section_diff *sd = &c->cs.diff->sections[c->changes[c->csel]];
	size_t page, i;
	int rows, cols;
	char *left, right[32];

	if (consent_draw_start(ui, c))
		return;
	ui_size(ui, &rows, &cols);
	page = consent_diff_page(ui, c);
	left = xasprintf("%s (%s)", consent_change_name(c, c->csel), terms_change_name(sd->kind));
	snprintf(right, sizeof right, "%zu of %zu", c->csel + 1, c->nchanges);
	ui_bar(0, left, right, ui_attr(ui, UI_BAR));
	free(left);
	consent_diff_legend(ui, 1, cols, sd->kind);
	for (i = 0; i < page && c->dtop + i < c->ndlines; i++)
		consent_diff_line(ui, c, 2 + (int)i, c->dtop + i);
	ui_bar(rows - 1, cols >= 60 ? "Up/Down PgUp/PgDn scroll   q back to the list" :
	    "PgDn scroll  q back", NULL, ui_attr(ui, UI_BAR));
	consent_draw_end(c);
}

static void
consent_diff_key(struct ui *ui, void *data, int key)
{
	struct ui_consent *c = data;
	size_t page;

	if (!consent_filter(c, &key))
		return;
	ui_dirty(ui);
	if (key == CONSENT_KEY_CTRL_C) {
		ui_quit(ui, EXIT_INTERRUPTED);
		return;
	}
	if (key == UI_KEY_ESC || key == 'q' || consent_is_enter(key) ||
	    consent_is_backspace(key)) {
		ui_set_screen(ui, &consent_changes_screen, c);
		return;
	}
	if (!consent_fits(ui))
		return;
	if (key == ' ')
		key = KEY_NPAGE;
	page = consent_diff_page(ui, c);
	consent_move(key, page, &c->dtop, consent_max_top(page, c->ndlines));
}

/* ---- the API ----------------------------------------------------------------- */

struct ui_consent *
ui_consent_new(struct ui *ui, struct consent_current *cur, struct consent_status *cs,
    void (*on_accept)(void *arg), void (*on_close)(void *arg), void *arg)
{
	struct ui_consent *c = xcalloc(1, sizeof *c);

	c->ui = ui;
	c->cur = *cur;
	c->cs = *cs;
	memset(cur, 0, sizeof *cur);
	memset(cs, 0, sizeof *cs);
	c->on_accept = on_accept;
	c->on_close = on_close;
	c->arg = arg;
	c->match = CONSENT_NONE;
	c->cur_y = -1;
	clock_gettime(CLOCK_MONOTONIC, &c->t0);
	return c;
}

void
ui_consent_free(struct ui_consent *c)
{
	if (c == NULL)
		return;
	if (c->farewell != NULL) {
		ui_restore();
		app_error("%s", c->farewell);
	}
	free(c->farewell);
	free(c->msg);
	consent_rows_free(c);
	free(c->lines);
	free(c->changes);
	free(c->drows);
	free(c->dlines);
	consent_status_release(&c->cs);
	consent_current_release(&c->cur);
	free(c);
}

void
ui_consent_open(struct ui_consent *c)
{
	c->esc = CONSENT_ESC_NONE;
	clock_gettime(CLOCK_MONOTONIC, &c->t0);
	c->saw_text = c->saw_changes = false;
	c->shown = 0;
	c->from_chat = false;
	c->field = CONSENT_FIELD_AGE;
	c->age_yes = false;
	c->input[CONSENT_FIELD_AGE][0] = c->input[CONSENT_FIELD_AGREE][0] = '\0';
	c->rows_width = 0;
	c->sum_top = 0;
	c->top = 0;
	c->match = CONSENT_NONE;
	consent_changes_list(c);
	if (c->cs.state == CONSENT_OUTDATED && c->cs.diff != NULL)
		consent_changes_open(c, false);
	else
		consent_summary_open(c);
}

void
ui_consent_view(struct ui_consent *c)
{
	c->esc = CONSENT_ESC_NONE;
	c->from_chat = true;
	consent_view_open(c);
}

int
ui_consent_withdraw(struct ui_consent *c, char **cause)
{
	struct consent_event ev = {
		.kind = xstrdup("withdraw"),
		.method = xstrdup("slash command /terms withdraw"),
		.shown_bytes = -1,
		.duration_ms = -1,
	};
	struct store *st = app_store(ui_app(c->ui), cause);
	struct consent_status cs;
	char *why = NULL;
	int r = -1;

	if (st == NULL || consent_status_get(st, c->cur.terms, &cs, cause) != 0)
		goto out;
	if (cs.state != CONSENT_ACCEPTED && cs.state != CONSENT_OUTDATED)
		*cause = xasprintf("there is no consent to withdraw (state %s); nothing is sent "
		    "to the model", consent_state_name(cs.state));
	else
		r = consent_record(st, c->cur.terms, &ev, cause);
	consent_status_release(&cs);
out:
	consent_event_release(&ev);
	if (r != 0)
		return -1;
	consent_status_release(&c->cs);
	if (consent_status_get(st, c->cur.terms, &cs, &why) != 0) {
		memset(&cs, 0, sizeof cs);
		cs.state = CONSENT_WITHDRAWN;
	}
	c->cs = cs;
	ui_consent_open(c);
	if (why != NULL)
		consent_msg(c, UI_ERROR, "%s", why);
	free(why);
	return 0;
}
