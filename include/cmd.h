/*
 * cmd.h: what main() hands a subcommand, and the subcommands.
 *
 * struct app holds the resolved configuration and the options of the
 * command line; the store is opened on first use by app_store().
 */
#ifndef CONFAB_CMD_H
#define CONFAB_CMD_H

#include <stdbool.h>

#include "config.h"
#include "store.h"

struct app {
	struct config cfg;
	struct store *store;	/* NULL until app_store() */
	/* options */
	bool json;
	bool quiet;
	bool adult;
	const char *sha256;
};

/* The store, opened on first use; NULL with *cause on failure. */
struct store *app_store(struct app *app, char **cause);

/* Print "confab: MESSAGE" to stderr. */
void app_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Close the store and release the configuration. */
void app_release(struct app *app);

/* Subcommands: argv[0] is the subcommand's own first word ("status"). Return an exit code. */
int cmd_terms(struct app *app, int argc, char **argv);

#endif
