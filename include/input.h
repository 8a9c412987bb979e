/*
 * input.h: the chat input line of the full-screen UI, edited by GNU readline
 * through its callback interface (input-rl.c is the only file that drives
 * readline in the UI). Readline keeps out of the terminal: it reads keys
 * that the UI hands it and never draws; the UI draws its buffer.
 *
 * Emacs and vi keys, the user's inputrc, prompt recall, Ctrl-R search and moving
 * by whole characters come from readline; Alt-Enter inserts a newline; a
 * bracketed paste is inserted as text (newlines included, nothing sent).
 * There is one input at a time (readline's state is global).
 */
#ifndef CONFAB_INPUT_H
#define CONFAB_INPUT_H

#include <stdbool.h>
#include <stddef.h>

struct input;

/*
 * Start line editing. on_line gets each line the user sends with Enter (the
 * caller frees it). complete(line, start, text, files) lists completions for
 * the word text that begins at offset start of line (NULL-terminated,
 * allocated, as readline wants them) or NULL, and sets *files when they are
 * file names (shown without their directory; a directory takes no blank
 * after it); it may be NULL itself.
 */
struct input *input_new(void (*on_line)(char *line, void *arg),
    char **(*complete)(const char *line, int start, const char *text, bool *files, void *arg),
    void (*on_change)(void *arg), void *arg);
void input_free(struct input *in);

/* A key from curses: a byte 0..255 or a KEY_* code. */
void input_key(struct input *in, int key);

/* Insert text at the cursor (a paste). */
void input_insert(struct input *in, const char *text, size_t len);

/* Ctrl-X Ctrl-E (vi: v) calls on_edit, to open an editor on the input. */
void input_on_edit(struct input *in, void (*on_edit)(void *arg));

/* The text in the input (borrowed, valid until the next key). */
const char *input_text(const struct input *in);

bool input_empty(const struct input *in);
void input_clear(struct input *in);
void input_set(struct input *in, const char *text);

/* Rows the input needs at this width (prompt included), at most max. */
int input_rows(struct input *in, int width, int max);

/* Draw at rows [y, y + rows) of width columns; the cursor is placed in it. */
void input_draw(struct input *in, int y, int width, int rows, int attr);

/* Where the cursor goes after drawing: set by input_draw(). */
void input_cursor(const struct input *in, int *y, int *x);

/* Is readline in vi mode (where Esc is a key it needs)? */
bool input_vi_mode(const struct input *in);

/* Remember a sent line for recall (Up, Down, Ctrl-R). */
void input_recall_add(const char *line);

/* Readline's completion candidates after a Tab, for a hint line; NULL if none. */
const char *input_hint(const struct input *in);

/* Put text on the hint line until the next key (a note about a Tab). */
void input_set_hint(struct input *in, const char *text);

/*
 * Complete the word before the cursor again, as a Tab would, listing the
 * candidates when there are several (what a Tab waited for has arrived).
 * Nothing when the cursor is not at the end of the input.
 */
void input_complete(struct input *in);

#endif
