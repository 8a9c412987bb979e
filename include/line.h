/*
 * line.h: line mode: a GNU readline REPL on the real terminal, for screen
 * readers, TERM=dumb, editors' terminals and ssh sessions where full-screen
 * is unwelcome (confab --plain, or automatically).
 */
#ifndef CONFAB_LINE_H
#define CONFAB_LINE_H

#include "app.h"

/* Run line-mode chat until the user leaves; returns the exit code. */
int line_run(struct app *app);

#endif
