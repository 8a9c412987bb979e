/* app.c: state shared by the subcommands: configuration, the store, messages. */
#include "common.h"
#include "caps.h"

#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "app.h"
#include "consent.h"
#include "http.h"
#include "text.h"

struct store *
app_store(struct app *app, char **cause)
{
	char *url;

	if (app->store == NULL)
		app->store = store_open(app->cfg.db_path, cause);
	if (app->store != NULL) {
		/* Events name the endpoint in effect now (it changes with /endpoint). */
		url = consent_endpoint_url(config_get(&app->cfg, CONFIG_BASE_URL));
		store_ledger_set_endpoint(app->store, url);
		free(url);
	}
	return app->store;
}

const struct disclaimer_rules *
app_disclaimers(struct app *app, char **cause)
{
	const char *file = config_get(&app->cfg, CONFIG_DISCLAIMERS_FILE);
	const char *origin = app->cfg.origin[CONFIG_DISCLAIMERS_FILE];
	char *path, *why = NULL;
	struct buf b;

	*cause = NULL;
	if (app->disclaimers != NULL)
		return app->disclaimers;
	path = file != NULL ? xstrdup(file) : xasprintf("%s/disclaimers.ini", app->cfg.pkgdatadir);
	buf_init(&b, APP_DISCLAIMERS_MAX);
	if (buf_read_regular(&b, path, &why) != 0) {
		if (file != NULL)
			*cause = xasprintf(_("%s (disclaimers_file, from %s); only the built-in "
					     "disclaimer notices are shown"),
			    why, origin != NULL ? origin : "config");
		else
			*cause = xasprintf(
			    _("%s: the installed disclaimer rules are missing; only the "
			      "built-in notices are shown (set disclaimers_file to a rules file)"),
			    why);
	} else if ((app->disclaimers = disclaimer_rules_parse(b.data, b.len, &why)) == NULL)
		*cause = xasprintf(_("the disclaimer rules '%s' are broken: %s; only the built-in "
				     "notices are shown until they are fixed"),
		    path, why);
	if (app->disclaimers == NULL)
		app->disclaimers = disclaimer_rules_fallback();
	buf_release(&b);
	free(why);
	free(path);
	return app->disclaimers;
}

/*
 * A line of confab's own to stderr: sanitised (it may quote the config, a
 * URL or a server); on a terminal, wrapped to its width where the text
 * allows (between words, between CJK characters, keeping the line-start
 * rules of text_wrap); to a pipe, whole.
 */
static void
app_stderr(const char *msg)
{
	struct text_sanitizer ts;
	struct text_span *sp;
	struct winsize ws;
	struct buf shown;
	size_t n, i;

	buf_init(&shown, BUF_DEFAULT_MAX);
	if (text_is_safe(msg, strlen(msg)))
		buf_adds(&shown, msg);
	else {
		text_sanitizer_init(&ts, TEXT_VISIBLE);
		text_sanitize(&ts, msg, strlen(msg), &shown);
		text_sanitize_finish(&ts, &shown);
	}
	while (shown.len > 0 && shown.data[shown.len - 1] == '\n')
		shown.len--;
	fflush(stdout);
	if (!isatty(STDERR_FILENO) || ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) != 0 || ws.ws_col < 2) {
		fprintf(stderr, "%.*s\n", (int)shown.len, shown.len > 0 ? shown.data : "");
		buf_release(&shown);
		return;
	}
	n = text_wrap(shown.len > 0 ? shown.data : "", shown.len, ws.ws_col - 1, &sp);
	for (i = 0; i < n; i++)
		fprintf(stderr, "%.*s\n", (int)sp[i].len, shown.data + sp[i].off);
	if (n == 0)
		fputc('\n', stderr);
	free(sp);
	buf_release(&shown);
}

void
app_error(const char *fmt, ...)
{
	va_list ap;
	char *msg, *line;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	line = xasprintf("confab: %s", msg);
	app_stderr(line);
	free(line);
	free(msg);
}

void
app_note(const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	app_stderr(msg);
	free(msg);
}

int
app_gate(struct app *app, char **cause)
{
	struct consent_current cur;
	struct consent_endpoint ep;
	struct store *st;
	char *why;
	int r;

	app->gate_askable = false;
	if ((st = app_store(app, cause)) == NULL)
		return EXIT_USAGE;
	if (consent_endpoint_get(&app->cfg, st, NULL, &ep, &why) != 0) {
		*cause = xasprintf(_("consent cannot be checked (%s); nothing was sent"), why);
		free(why);
		consent_endpoint_release(&ep);
		return EXIT_USAGE;
	}
	if (ep.rule == CONSENT_RULE_ANSWERED &&
	    consent_chain_check(st, &ep.answer, NULL, cause) != 0) {
		consent_endpoint_release(&ep);
		return EXIT_CONSENT;
	}
	if (ep.rule != CONSENT_RULE_TERMS) {
		consent_endpoint_release(&ep);
		return 0;
	}
	consent_daily_check(&app->cfg, st);
	if (consent_current_load(&app->cfg, st, &cur, cause) != 0) {
		consent_endpoint_release(&ep);
		return EXIT_USAGE;
	}
	r = consent_gate(st, cur.terms, cause);
	if (r != 0 && ep.askable) {
		why = *cause;
		*cause = xasprintf(
		    /* TRANSLATORS: %1$s is why nothing can be sent (consent required); %2$s and %3$s are the endpoint URL. */
		    _("%s; or, since %s runs on this machine and no provider's Terms "
		      "may apply to it, run 'confab terms accept --no-terms --endpoint %s' (or set "
		      "'terms = none' in its profile)"),
		    why, ep.url, ep.url);
		free(why);
		app->gate_askable = true;
	}
	consent_current_release(&cur);
	consent_endpoint_release(&ep);
	return r != 0 ? EXIT_CONSENT : 0;
}

/* A ca_file that an https endpoint would need but that cannot be read. */
static int
app_check_ca_file(const struct config *cfg, char **cause)
{
	const char *ca = config_get(cfg, CONFIG_CA_FILE);
	struct stat sb;
	char *why = NULL;
	int fd, e;

	if (ca == NULL || strncasecmp(config_get(cfg, CONFIG_BASE_URL), "https://", 8) != 0)
		return 0;
	/* Never fopen(): a FIFO there would block until someone writes to it. */
	if ((fd = buf_open_regular(ca, &sb, &why)) >= 0) {
		close(fd);
		return 0;
	}
	e = errno;
	free(why);
	if (e == EINVAL)
		*cause =
		    xasprintf(_("the CA certificates '%s' (ca_file, from %s) are not a regular "
				"file (a FIFO, directory or device); set ca_file to a file of PEM "
				"certificates"),
			ca, cfg->origin[CONFIG_CA_FILE]);
	else
		*cause = xasprintf(_("cannot read the CA certificates '%s' (ca_file, from %s): %s; "
				     "set ca_file to a file of PEM certificates"),
		    ca, cfg->origin[CONFIG_CA_FILE], strerror(e));
	return -1;
}

int
app_no_terms_answer(struct app *app, bool yes, const char *method, char **cause)
{
	struct consent_current cur;
	struct store *st;
	char *url;
	int r;

	if ((st = app_store(app, cause)) == NULL ||
	    consent_current_load(&app->cfg, st, &cur, cause) != 0)
		return -1;
	url = consent_endpoint_url(config_get(&app->cfg, CONFIG_BASE_URL));
	r = consent_no_terms_record(st, cur.terms, url, yes, method, cause);
	free(url);
	consent_current_release(&cur);
	return r;
}

int
app_access_get(struct app *app, struct app_access *acc, char **cause)
{
	struct config_auth k;

	memset(acc, 0, sizeof *acc);
	if (app_check_ca_file(&app->cfg, cause) != 0)
		return -1;
	if (config_api_key(&app->cfg, &k, cause) != 0)
		return -1;
	acc->key = k.key;
	acc->key_origin = k.origin;
	acc->unsent = k.unsent;
	if (acc->key != NULL)
		acc->auth_header = xasprintf("Authorization: Bearer %s", acc->key);
	acc->resolved = true;
	return 0;
}

char *
app_access_auth_hint(const struct app_access *acc)
{
	if (acc->key_origin != NULL)
		return xasprintf(_("check the API key from %s"), acc->key_origin);
	if (acc->unsent != NULL)
		return xasprintf(_("no key was sent (%s)"), acc->unsent);
	return xstrdup(_("no key was sent; if this server needs one, set api_key_env or "
			 "api_key_cmd in its profile (see 'man confab')"));
}

void
app_http_configure(const struct app *app)
{
	const struct config *cfg = &app->cfg;
	struct http_options o = {
		.ca_file = config_get(cfg, CONFIG_CA_FILE),
		.ca_origin = cfg->origin[CONFIG_CA_FILE],
		.proxy = config_get(cfg, CONFIG_PROXY),
		.proxy_origin = cfg->origin[CONFIG_PROXY],
	};

	http_configure(&o);
}

int
app_preflight(struct app *app, struct app_access *acc)
{
	char *cause = NULL;
	int r;

	memset(acc, 0, sizeof *acc);
	if ((r = app_gate(app, &cause)) == 0 && app_access_get(app, acc, &cause) != 0)
		r = EXIT_USAGE;
	if (r != 0) {
		app_error("%s", cause);
		free(cause);
	}
	return r;
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
	free(acc->unsent);
	memset(acc, 0, sizeof *acc);
}

void
app_release(struct app *app)
{
	store_close(app->store);
	app->store = NULL;
	disclaimer_rules_free(app->disclaimers);
	app->disclaimers = NULL;
	config_release(&app->cfg);
}
