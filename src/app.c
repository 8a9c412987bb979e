/* app.c: state shared by the subcommands: configuration, the store, messages. */
#include "common.h"

#include "cmd.h"

struct store *
app_store(struct app *app, char **cause)
{
	if (app->store == NULL)
		app->store = store_open(app->cfg.db_path, cause);
	return app->store;
}

void
app_error(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("confab: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
app_release(struct app *app)
{
	store_close(app->store);
	app->store = NULL;
	config_release(&app->cfg);
}
