/* TEMPORARY stand-in until the review module lands */
#ifndef CONFAB_REVIEW_H
#define CONFAB_REVIEW_H
#include "cmd.h"
static inline int review_run(struct app *app) { char *argv[] = { "review", NULL }; return cmd_terms(app, 1, argv); }
static inline int review_show(struct app *app) { char *argv[] = { "show", NULL }; return cmd_terms(app, 1, argv); }
#endif
