/*
 * tty.h: the controlling terminal for line-mode questions and paging.
 *
 * Answers that record consent are read from /dev/tty, never from stdin, so
 * a pipe cannot answer them.
 */
#ifndef CONFAB_TTY_H
#define CONFAB_TTY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct tty {
	FILE *in;
	FILE *out;
	bool color;
};

/*
 * The crash guard of a full-screen or line-mode front end: until
 * tty_crash_stop(), a SIGSEGV, SIGBUS, SIGABRT or SIGFPE writes reset (a
 * static string: escape codes that give the terminal back) to fd, puts the
 * terminal modes of stdin back as they were at tty_crash_start(), and dies
 * of the signal as before, with async-signal-safe calls only. One guard at
 * a time; tty_crash_reset() changes the string while it is on.
 */
void tty_crash_start(int fd, const char *reset);
void tty_crash_reset(const char *reset);
void tty_crash_stop(void);

/* Open /dev/tty; -1 with *cause when there is no terminal. */
int tty_open(struct tty *t, char **cause);
void tty_close(struct tty *t);

/*
 * Print prompt and read one line (without its line end, blanks trimmed).
 * Returns an allocated string, or NULL at end of file.
 */
char *tty_ask(struct tty *t, const char *prompt);

/* Terminal size, with 80x24 when unknown. */
void tty_size(struct tty *t, int *rows, int *cols);

/*
 * Show text a page at a time: through $PAGER when set (then *shown is -1,
 * unknown), else the built-in pager, which counts the bytes it displayed.
 * *viewer gets an allocated description of what showed the text.
 */
void tty_page(struct tty *t, const char *text, size_t len, int64_t *shown, char **viewer);

/* Should escape codes be written to f? (a terminal, NO_COLOR unset, TERM not dumb) */
bool tty_color_ok(FILE *f);

/*
 * Print s word-wrapped to width columns. The cursor is taken to be at column
 * indent already; continuation lines are indented to match.
 */
void tty_wrap(FILE *f, const char *s, int width, int indent);

/*
 * Put len bytes on the terminal's clipboard: an OSC 52 escape (base64)
 * written to fd, which must be a terminal. A curses caller flushes its own
 * output first. 0, or -1 with *cause.
 */
int tty_clipboard(int fd, const char *data, size_t len, char **cause);

/*
 * Edit text in $VISUAL, $EDITOR or vi, through a 0600 temporary file. The
 * caller gives the terminal back to its normal mode first and takes it again
 * after. Returns 0 with the edited text in *out (allocated, without its
 * trailing newlines), or -1 with *cause (the text is then unchanged).
 */
int tty_edit(const char *text, char **out, char **cause);

#endif
