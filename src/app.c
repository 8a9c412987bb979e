/* app.c: state shared by the subcommands: configuration, the store, messages. */
#include "common.h"

#include "cmd.h"
#include "consent.h"

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

int
app_preflight(struct app *app, struct app_access *acc)
{
	struct consent_current cur;
	struct store *st;
	char *cause = NULL;
	int r;

	memset(acc, 0, sizeof *acc);
	if ((st = app_store(app, &cause)) == NULL) {
		app_error("%s", cause);
		free(cause);
		return EXIT_USAGE;
	}
	consent_daily_check(&app->cfg, st);
	if (consent_current_load(&app->cfg, st, &cur, &cause) != 0) {
		app_error("%s", cause);
		free(cause);
		return EXIT_USAGE;
	}
	r = consent_gate(st, cur.terms, &cause);
	consent_current_release(&cur);
	if (r != 0) {
		app_error("%s", cause);
		free(cause);
		return EXIT_CONSENT;
	}
	if (config_api_key(&app->cfg, &acc->key, &acc->key_origin, &cause) != 0) {
		app_error("%s", cause);
		free(cause);
		return EXIT_USAGE;
	}
	if (acc->key != NULL)
		acc->auth_header = xasprintf("Authorization: Bearer %s", acc->key);
	return 0;
}

/* Overwrite a secret before freeing it. */
static void
app_free_secret(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

void
app_access_release(struct app_access *acc)
{
	app_free_secret(acc->key);
	app_free_secret(acc->auth_header);
	free(acc->key_origin);
	memset(acc, 0, sizeof *acc);
}

void
app_release(struct app *app)
{
	store_close(app->store);
	app->store = NULL;
	config_release(&app->cfg);
}
