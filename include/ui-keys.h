/*
 * ui-keys.h: names for the control keys the full-screen UI reads as plain
 * bytes (raw mode: Ctrl-C arrives as 3, Enter as 13). Curses' own keys are
 * KEY_*; confab's decoded ones (Esc, Alt) are UI_KEY_* in ui.h.
 * This is the one home of the byte-valued keys: use these, not bare numbers.
 */
#ifndef CONFAB_UI_KEYS_H
#define CONFAB_UI_KEYS_H

/* Ctrl and a letter, as the terminal sends it: UI_KEY_CTRL('c') is 3. */
#define UI_KEY_CTRL(c) ((c)&0x1f)

#define UI_KEY_ENTER UI_KEY_CTRL('m') /* 13: Enter in raw mode (ICRNL is off) */
#define UI_KEY_LF UI_KEY_CTRL('j')    /* 10: Enter where the terminal maps CR to NL */
#define UI_KEY_DEL 0x7f		      /* what most terminals send for Backspace */

/* Backspace in any of its forms: curses' key, DEL, Ctrl-H. */
#define UI_KEY_IS_BACKSPACE(k) \
	((k) == KEY_BACKSPACE || (k) == UI_KEY_DEL || (k) == UI_KEY_CTRL('h'))

/* A byte of typed text (UTF-8 ones included), not a control key. */
#define UI_KEY_IS_TEXT(k) ((k) >= 0x20 && (k) < 256 && (k) != UI_KEY_DEL)

#endif
