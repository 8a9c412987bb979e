/* session-models.c: the endpoint's models (/model, Tab) and the profile offered after /endpoint. */
#include "common.h"

#include "buf.h"
#include "app.h"
#include "config.h"
#include "models.h"
#include "session.h"
#include "session-internal.h"

/* ---- a server on this machine: its first model, and a profile for it ------------- */

/* The profile name offered for base: ollama for its port, else local-PORT. */
static char *
session_profile_stem(const char *base)
{
	long port = config_url_port(base);

	if (port == 11434)
		return xstrdup("ollama");
	if (port >= 0)
		return xasprintf("local-%ld", port);
	return xstrdup("local");
}

/* Offer to save the endpoint and model as a profile. */
static void
session_ask_profile(struct session *s)
{
	char *q;

	const char *url = config_get(&s->app->cfg, CONFIG_BASE_URL);
	size_t i;

	if (config_profile_with_url(s->app->cfg.config_path, url))
		return; /* a profile has it already */
	for (i = 0; i < s->ndeclined; i++) {
		if (strcmp(s->declined[i], url) == 0)
			return; /* asked and declined in this session */
	}
	free(s->profile_stem);
	s->profile_stem = session_profile_stem(url);
	free(s->profile_url);
	s->profile_url = xstrdup(url);
	if (s->v.save_profile == NULL) {
		/* TRANSLATORS: a profile's name, the config file's path, the profile's name. */
		session_sayf(s, false,
		    _("to start with this endpoint and model next time, add a [profile %s] "
		      "section with base_url and model to %s and run 'confab -p %s'"),
		    s->profile_stem, s->app->cfg.config_path, s->profile_stem);
		return;
	}
	/* TRANSLATORS: a profile's name, the config file's path, the profile's name; keep (y/N). */
	q = xasprintf(_("Save this endpoint and model as profile '%s' in %s, so that 'confab -p "
			"%s' starts with them? (y/N)"),
	    s->profile_stem, s->app->cfg.config_path, s->profile_stem);
	s->v.save_profile(s->v.arg, q);
	free(q);
}

void
session_profile_answer(struct session *s, bool yes)
{
	const struct config *cfg = &s->app->cfg;
	char *name = NULL, *cause = NULL;

	if (s->profile_stem == NULL)
		return;
	if (!yes) {
		session_say(s, _("no profile saved"), false);
		s->declined = xreallocarray(s->declined, s->ndeclined + 1, sizeof *s->declined);
		s->declined[s->ndeclined++] = s->profile_url;
		s->profile_url = NULL;
	} else if (config_profile_save(cfg->config_path, s->profile_stem,
		       config_get(cfg, CONFIG_BASE_URL), config_get(cfg, CONFIG_MODEL), &name,
		       &cause) != 0) {
		session_sayf(s, true, _("the profile was not saved: %s"), cause);
		free(cause);
	} else {
		/* TRANSLATORS: a profile's name, the config file's path, the profile's name. */
		session_sayf(s, false,
		    _("saved [profile %s] in %s: 'confab -p %s' starts with this endpoint and "
		      "model"),
		    name, cfg->config_path, name);
		free(name);
	}
	free(s->profile_stem);
	s->profile_stem = NULL;
	free(s->profile_url);
	s->profile_url = NULL;
}

/* The models of a server on this machine arrived: use its first unless ours is there. */
static void
session_probed(const char *error, void *arg)
{
	struct session *s = arg;
	const char *cur = config_get(&s->app->cfg, CONFIG_MODEL);
	char **ids;
	size_t n, i;

	ids = models_list(s->models, config_get(&s->app->cfg, CONFIG_BASE_URL), &n);
	if (error != NULL) {
		/* TRANSLATORS: %s says why the model list could not be had. */
		session_sayf(s, true, _("%s; /model NAME sets the model"), error);
		return;
	}
	if (n == 0) {
		session_say(s, _("the server offers no models yet (for Ollama: ollama pull NAME)"),
		    true);
		return;
	}
	for (i = 0; i < n && cur != NULL; i++)
		if (strcmp(ids[i], cur) == 0)
			break;
	if (cur == NULL || i == n) {
		if (cur != NULL)
			/* TRANSLATORS: a model, how many the server offers, the model set before. */
			session_sayf(s, false,
			    _("model: %s, the first of the %zu this server offers (%s is not one "
			      "of them; /model lists them)"),
			    ids[0], n, cur);
		else
			/* TRANSLATORS: a model, how many the server offers. */
			session_sayf(s, false,
			    _("model: %s, the first of the %zu this server offers (none was set; "
			      "/model lists them)"),
			    ids[0], n);
		config_override(&s->app->cfg, CONFIG_MODEL, ids[0], "/endpoint");
	}
	session_ask_profile(s);
}

/* After /endpoint to this machine, once requests may go there: fetch its models. */
void
session_probe(struct session *s)
{
	char *cause = NULL;

	if (!s->probe || app_gate(s->app, &cause) != 0) {
		free(cause);
		return;
	}
	s->probe = false;
	session_models_start(s, false, session_probed);
}

void
session_model_use(struct session *s, const char *name)
{
	config_override(&s->app->cfg, CONFIG_MODEL, name, "/model");
	session_sayf(s, false, _("model: %s"), name);
}

/* Fetch the endpoint's models, then done(); quiet: say nothing when it cannot start. */
bool
session_models_start(struct session *s, bool quiet, models_done_fn done)
{
	char *cause = NULL;

	if (app_gate(s->app, &cause) != 0) {
		if (!quiet)
			session_say(s, cause, true);
		free(cause);
		return false;
	}
	if (quiet && !s->access.resolved && app_access_get(s->app, &s->access, &cause) != 0) {
		free(cause); /* Tab says nothing; the next prompt says why */
		app_access_release(&s->access);
		return false;
	}
	if (!session_ready(s))
		return false;
	models_fetch(s->models, config_get(&s->app->cfg, CONFIG_BASE_URL), s->access.auth_header,
	    strtol(config_get(&s->app->cfg, CONFIG_TIMEOUT), NULL, 10), done, s);
	return true;
}

/* The list for /model: the view's picker, else numbered lines. */
void
session_models_listed(const char *error, void *arg)
{
	struct session *s = arg;
	const char *base = config_get(&s->app->cfg, CONFIG_BASE_URL);
	const char *cur = config_get(&s->app->cfg, CONFIG_MODEL);
	char **ids;
	size_t n, i;
	struct buf b;

	ids = models_list(s->models, base, &n);
	if (error != NULL)
		session_sayf(s, true, _("%s; /model NAME still sets one"), error);
	else if (n == 0)
		session_say(s, _("the server offers no models (for Ollama: ollama pull NAME)"),
		    true);
	else if (s->v.models != NULL)
		s->v.models(s->v.arg, (const char *const *)ids, n, cur);
	else {
		buf_init(&b, 0);
		buf_adds(&b, _("models (/model N or /model NAME picks one; * is in use):"));
		for (i = 0; i < n; i++)
			buf_addf(&b, "\n%4zu  %s%s", i + 1, ids[i],
			    cur != NULL && strcmp(cur, ids[i]) == 0 ? " *" : "");
		session_say(s, b.data, false);
		buf_release(&b);
	}
}

/* /model N: the Nth of the list shown last. */
void
session_model_nth(struct session *s, const char *num)
{
	char **ids;
	size_t n;
	unsigned long k;

	ids = models_list(s->models, config_get(&s->app->cfg, CONFIG_BASE_URL), &n);
	k = strtoul(num, NULL, 10);
	if (ids == NULL)
		session_say(s, _("there is no model list yet: /model alone fetches it"), true);
	else if (k < 1 || k > n)
		/* TRANSLATORS: the number typed, then how many models the list has. */
		session_sayf(s, true,
		    _("there is no model %s: the list has %zu (/model alone shows it)"), num, n);
	else
		session_model_use(s, ids[k - 1]);
}

/* The list a Tab after /model waited for: complete again, or say why there is none. */
void
session_models_tabbed(const char *error, void *arg)
{
	struct session *s = arg;
	size_t n;

	(void)models_list(s->models, config_get(&s->app->cfg, CONFIG_BASE_URL), &n);
	if (error != NULL)
		session_sayf(s, true, _("%s; /model NAME still sets one"), error);
	else if (n == 0)
		session_say(s, _("the server offers no models (for Ollama: ollama pull NAME)"),
		    true);
	else if (s->v.tab_wait != NULL)
		s->v.tab_wait(s->v.arg, NULL);
}
