/* session-consent.c: the consent questions a session asks: /terms withdraw, no Terms. */
#include "common.h"

#include "app.h"
#include "config.h"
#include "consent.h"
#include "session.h"
#include "session-internal.h"
#include "store.h"

/* ---- consent ------------------------------------------------------------------- */

static const char *const session_withdraw_q = N_(
    "Withdraw your consent to the Terms? Nothing will be sent to the model until you accept "
    "them again. y/N");

/* Withdraw, typed: the word that confirmed it (NULL: none). */
static void
session_withdraw_as(struct session *s, const char *typed)
{
	struct consent_current cur;
	struct store *st;
	char *cause = NULL;
	int r = -1;

	session_stop(s);
	if ((st = app_store(s->app, &cause)) != NULL &&
	    consent_current_load(&s->app->cfg, st, &cur, &cause) == 0) {
		r = consent_withdraw(st, cur.terms, "slash command /terms withdraw, confirmed",
		    typed, &cause);
		consent_current_release(&cur);
	}
	if (r == 1)
		session_refused(s, NULL,
		    _("consent withdrawn: nothing is sent to the model until "
		      "you accept the Terms again"));
	else
		session_say(s, cause, r < 0);
	free(cause);
}

void
session_withdraw(struct session *s)
{
	session_withdraw_as(s, NULL);
}

/* /terms withdraw: ask first (view->withdraw); session_withdraw_answer() goes on. */
void
session_withdraw_ask(struct session *s)
{
	if (s->v.withdraw == NULL) {
		session_say(s,
		    _("/terms withdraw asks for a confirmation, and there is no one to ask "
		      "here; use 'confab terms withdraw'"),
		    true);
		return;
	}
	s->v.withdraw(s->v.arg, _(session_withdraw_q));
}

void
session_withdraw_answer_typed(struct session *s, bool yes, const char *typed)
{
	if (yes)
		session_withdraw_as(s, typed);
	else
		session_say(s, _("consent not withdrawn: nothing changed"), false);
}

/* The full-screen UI's y key (the only other answer there is no). */
void
session_withdraw_answer(struct session *s, bool yes)
{
	session_withdraw_answer_typed(s, yes, yes ? "y" : NULL);
}

/*
 * After /endpoint: a server on this machine that no setting covers, whose
 * question is open, and that the Terms would otherwise stop: ask once.
 */
void
session_ask_no_terms(struct session *s)
{
	char *cause = NULL, *url;

	if (app_gate(s->app, &cause) != EXIT_CONSENT || !s->app->gate_askable) {
		free(cause);
		return;
	}
	free(cause);
	if (s->v.no_terms != NULL) {
		s->v.no_terms(s->v.arg, _(consent_no_terms_question));
		return;
	}
	url = consent_endpoint_url(config_get(&s->app->cfg, CONFIG_BASE_URL));
	/* TRANSLATORS: the first %s is the question "This server runs on this machine; ..." */
	session_sayf(s, false,
	    _("%s To use it without Terms, run 'confab terms accept "
	      "--no-terms --endpoint %s'; until then the Terms govern it"),
	    _(consent_no_terms_question), url);
	free(url);
}

void
session_no_terms_answer(struct session *s, bool yes, const char *how)
{
	char *cause = NULL;

	if (app_no_terms_answer(s->app, yes, how, &cause) != 0) {
		session_sayf(s, true,
		    _("the answer could not be recorded, so it does not count: %s"), cause);
		free(cause);
	} else if (yes)
		session_say(s,
		    _("recorded: this server is used without Terms; nothing you send it "
		      "falls under a provider's Terms"),
		    false);
	else
		session_say(s,
		    _("recorded: the provider's Terms govern this server, as they do "
		      "the default endpoint"),
		    false);
	session_probe(s);
}
