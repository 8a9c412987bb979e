/* cmd-models.c: confab models: list the endpoint's models. */
#include "common.h"

#include "api.h"
#include "app.h"
#include "cmd.h"
#include "http.h"
#include "json.h"

int
cmd_models(struct app *app, int argc, char **argv)
{
	const char *base = config_get(&app->cfg, CONFIG_BASE_URL);
	struct app_access acc;
	struct http_result res;
	const char *hdrs[2] = { NULL, NULL };
	struct http_get_opts opts = { .headers = hdrs, .max_body = (size_t)4 << 20 };
	char *url, *cause = NULL, **ids = NULL;
	size_t n = 0, i;
	struct api_error e;
	int r;

	if (argc > 0) {
		app_error(_("'models' takes no argument '%s'"), argv[0]);
		return EXIT_USAGE;
	}
	if ((r = app_preflight(app, &acc)) != 0)
		return r;
	hdrs[0] = acc.auth_header;
	opts.timeout_s = strtol(config_get(&app->cfg, CONFIG_TIMEOUT), NULL, 10);
	url = config_url(base, "models");
	if (http_get(url, &opts, &res, &cause) != 0) {
		app_error("%s", cause);
		r = EXIT_NETWORK;
	} else if (res.status != 200) {
		bool parsed = api_error_parse(res.body.data, res.body.len, &e) == 0;
		bool auth = res.status == 401 || res.status == 403;

		/* TRANSLATORS: an HTTP status, a URL, and (after the colon) the server's message. */
		if (auth && parsed)
			app_error(_("authentication failed (HTTP %ld from %s): %s"), res.status,
			    url, e.message);
		else if (auth)
			app_error(_("authentication failed (HTTP %ld from %s)"), res.status, url);
		else if (parsed)
			app_error(_("listing models failed (HTTP %ld from %s): %s"), res.status,
			    url, e.message);
		else
			app_error(_("listing models failed (HTTP %ld from %s)"), res.status, url);
		if (auth) {
			char *hint = app_access_auth_hint(&acc);

			app_error("%s", hint);
			free(hint);
		}
		if (parsed)
			api_error_release(&e);
		r = res.status == 401 || res.status == 403 ? EXIT_AUTH : EXIT_PROVIDER;
	} else if (api_models_parse(res.body.data, res.body.len, &ids, &n, &cause) != 0) {
		app_error(_("the model list from %s cannot be read: %s"), url, cause);
		r = EXIT_PROVIDER;
	} else if (app->json) {
		struct cJSON *arr = json_array();
		char *s;

		for (i = 0; i < n; i++)
			json_push_str(arr, ids[i]);
		s = json_print(arr, false);
		puts(s);
		free(s);
		json_free(arr);
	} else
		for (i = 0; i < n; i++)
			puts(ids[i]);
	if (r == 0 && n == 0) /* not an error: a fresh Ollama has none yet */
		app_error("%s", _("the server offers no models (for Ollama: ollama pull NAME)"));
	api_models_free(ids, n);
	free(cause);
	free(url);
	http_result_release(&res);
	app_access_release(&acc);
	return r;
}
