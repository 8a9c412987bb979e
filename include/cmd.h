/*
 * cmd.h: the subcommands main() runs, and one-shot chat. struct app and the
 * app_*() functions they are handed are in app.h.
 */
#ifndef CONFAB_CMD_H
#define CONFAB_CMD_H

struct app;

/* Subcommands: argv[0] is the subcommand's own first word ("status"). Return an exit code. */
int cmd_terms(struct app *app, int argc, char **argv);
int cmd_models(struct app *app, int argc, char **argv);
int cmd_feedback(struct app *app, int argc, char **argv);
int cmd_log(struct app *app, int argc, char **argv);
int cmd_roles(struct app *app, int argc, char **argv);

/* One-shot chat: prompt words from the command line (and stdin when it is not a terminal). */
int oneshot_run(struct app *app, int argc, char **argv);

#endif
