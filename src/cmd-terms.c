/*
 * cmd-terms.c: confab terms status|accept|diff|history|verify|export|update,
 * and review|show|withdraw through the terminal review (review.c).
 */
#include "common.h"
#include "caps.h"

#include "app.h"
#include "cmd.h"
#include "consent.h"
#include "json.h"
#include "buf.h"
#include "review.h"
#include "text.h"
#include "tty.h"

/* ---- status ------------------------------------------------------------ */

static struct cJSON *
cmd_terms_json_changes(const struct terms_diff *d, const struct terms *old, const struct terms *cur)
{
	struct cJSON *arr = json_array(), *o;
	size_t i;

	for (i = 0; d != NULL && i < d->nsections; i++) {
		const struct terms_section_diff *sd = &d->sections[i];

		if (sd->kind == TERMS_SAME)
			continue;
		o = json_object();
		json_add_str(o, "section",
		    sd->kind == TERMS_REMOVED ? terms_section_name(old, sd->old_index) :
						terms_section_name(cur, sd->new_index));
		json_add_num(o, "position",
		    (double)(sd->kind == TERMS_REMOVED ? sd->old_index : sd->new_index));
		json_add_str(o, "change", terms_change_name(sd->kind));
		json_push(arr, o);
	}
	return arr;
}

static void
cmd_terms_print_json(struct cJSON *o)
{
	char *s = json_print(o, false);

	puts(s);
	free(s);
	json_free(o);
}

/* ---- endpoints and the head ------------------------------------------------------------ */

/* Every endpoint the ledger names, and the current one first. */
struct cmd_terms_endpoints {
	char **urls;
	size_t n;
};

static void
cmd_terms_endpoints_add(struct cmd_terms_endpoints *e, const char *url)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		if (strcmp(e->urls[i], url) == 0)
			return;
	e->urls = xreallocarray(e->urls, e->n + 1, sizeof *e->urls);
	e->urls[e->n++] = xstrdup(url);
}

static int
cmd_terms_endpoints_cb(const struct consent_event *ev, void *arg)
{
	if (ev->endpoint != NULL)
		cmd_terms_endpoints_add(arg, ev->endpoint);
	return 0;
}

static int
cmd_terms_endpoints_load(struct review *rv, struct cmd_terms_endpoints *e, char **cause)
{
	char *cur = consent_endpoint_url(config_get(&rv->app->cfg, CONFIG_BASE_URL));

	memset(e, 0, sizeof *e);
	cmd_terms_endpoints_add(e, cur);
	free(cur);
	return store_ledger_each(rv->st, NULL, 0, cmd_terms_endpoints_cb, e, cause);
}

static void
cmd_terms_endpoints_release(struct cmd_terms_endpoints *e)
{
	while (e->n > 0)
		free(e->urls[--e->n]);
	free(e->urls);
}

/* The consent state for people (--json keeps consent_state_name()). */
static const char *
cmd_terms_state_label(enum consent_state s)
{
	switch (s) {
	case CONSENT_NONE:
		/* TRANSLATORS: a consent state, shown as "%s under the Terms above". */
		return _("NONE");
	case CONSENT_ACCEPTED:
		/* TRANSLATORS: a consent state, shown as "%s under the Terms above". */
		return _("ACCEPTED");
	case CONSENT_OUTDATED:
		/* TRANSLATORS: a consent state: the Terms changed since they were accepted. */
		return _("OUTDATED");
	case CONSENT_WITHDRAWN:
		/* TRANSLATORS: a consent state, shown as "%s under the Terms above". */
		return _("WITHDRAWN");
	case CONSENT_DECLINED:
		/* TRANSLATORS: a consent state, shown as "%s under the Terms above". */
		return _("DECLINED");
	}
	return "?";
}

/* A section's name for people: its heading, or "Preamble" translated. */
static const char *
cmd_terms_section_label(const struct terms *t, size_t i)
{
	return terms_section_shown(t, i);
}

/* How an endpoint stands, in words: "ACCEPTED (these Terms)", "no Terms (terms = none)". */
static char *
cmd_terms_endpoint_state(const struct review *rv, const struct consent_endpoint *ep)
{
	char *when, *s;

	switch (ep->rule) {
	case CONSENT_RULE_NONE:
		/* TRANSLATORS: %s is where "terms = none" was set (a file:line or a flag). */
		return xasprintf(_("no provider's Terms (terms = none, from %s)"),
		    rv->app->cfg.origin[CONFIG_TERMS]);
	case CONSENT_RULE_ANSWERED:
		when = consent_when(ep->answer.at);
		/* TRANSLATORS: %s is a date and time. */
		s = xasprintf(_("no provider's Terms (you answered yes on %s)"), when);
		free(when);
		return s;
	case CONSENT_RULE_TERMS:
		break;
	}
	if (ep->answer.kind != NULL) {
		when = consent_when(ep->answer.at);
		/* TRANSLATORS: the first %s is a consent state (ACCEPTED...), the second a date. */
		s = xasprintf(_("%s under the Terms above (you answered no to using it without "
				"Terms on %s)"),
		    cmd_terms_state_label(rv->cs.state), when);
		free(when);
		return s;
	}
	if (ep->askable)
		/* TRANSLATORS: %s is a consent state (ACCEPTED, NONE...). */
		return xasprintf(_("%s under the Terms above (on this machine: 'confab terms "
				   "accept --no-terms' would use it without Terms)"),
		    cmd_terms_state_label(rv->cs.state));
	/* TRANSLATORS: %s is a consent state (ACCEPTED, NONE...). */
	return xasprintf(_("%s under the Terms above"), cmd_terms_state_label(rv->cs.state));
}

/* May a request go to the current endpoint? */
static bool
cmd_terms_may_send(const struct review *rv, const struct consent_endpoint *ep)
{
	return ep->rule != CONSENT_RULE_TERMS || rv->cs.state == CONSENT_ACCEPTED;
}

static struct cJSON *
cmd_terms_endpoint_json(const struct review *rv, const struct consent_endpoint *ep)
{
	struct cJSON *o = json_object(), *a;

	json_add_str(o, "url", ep->url);
	json_add_str(o, "rule", consent_rule_name(ep->rule));
	json_add_str(o, "state",
	    ep->rule == CONSENT_RULE_TERMS ? consent_state_name(rv->cs.state) : "NO-TERMS");
	json_add_bool(o, "may_send", cmd_terms_may_send(rv, ep));
	json_add_bool(o, "question_open", ep->askable);
	if (ep->answer.kind != NULL) {
		a = json_add_object(o, "answer");
		json_add_str(a, "no_terms", ep->answer.detail != NULL ? ep->answer.detail : "");
		json_add_str(a, "at", ep->answer.at);
		json_add_num(a, "event", (double)ep->answer.id);
	} else
		json_add_null(o, "answer");
	return o;
}

static int
cmd_terms_last_id(const struct consent_event *ev, void *arg)
{
	*(int64_t *)arg = ev->id;
	return 1;
}

/* The ledger's head in the database and in the head file. */
static struct cJSON *
cmd_terms_head_json(struct store *st)
{
	struct cJSON *o = json_object();
	char *cause = NULL, *h = store_ledger_head(st, &cause), *fh = NULL, *path;
	int64_t fid = 0, id = 0;

	free(cause);
	cause = NULL;
	if (store_ledger_each(st, NULL, 1, cmd_terms_last_id, &id, &cause) == 0 && id > 0)
		json_add_num(o, "event", (double)id);
	else
		json_add_null(o, "event");
	json_add_str(o, "hash", h != NULL ? h : "");
	path = consent_head_path(st);
	json_add_str(o, "file", path);
	free(path);
	free(cause);
	cause = NULL;
	if (consent_head_read(st, &fid, &fh, &cause) == 1) {
		json_add_num(o, "file_event", (double)fid);
		json_add_str(o, "file_hash", fh);
	} else {
		json_add_null(o, "file_event");
		json_add_null(o, "file_hash");
	}
	free(cause);
	free(fh);
	free(h);
	return o;
}

/* Fill the current endpoint and the list; -1 after saying why. */
static int
cmd_terms_endpoints_get(struct review *rv, struct consent_endpoint *cur,
    struct cmd_terms_endpoints *all)
{
	char *cause = NULL;

	if (consent_endpoint_get(&rv->app->cfg, rv->st, NULL, cur, &cause) != 0 ||
	    cmd_terms_endpoints_load(rv, all, &cause) != 0) {
		app_error("%s", cause);
		free(cause);
		return -1;
	}
	return 0;
}

static int
cmd_terms_status_json(struct review *rv)
{
	const struct terms *t = rv->cur.terms;
	struct cJSON *o = json_object(), *cur = json_add_object(o, "current"), *acc, *arr;
	struct cmd_terms_endpoints all;
	struct consent_endpoint ep, other;
	char *cause = NULL;
	size_t i;
	int r;

	if (cmd_terms_endpoints_get(rv, &ep, &all) != 0) {
		json_free(o);
		r = EXIT_USAGE;
		goto out;
	}
	json_add_str(cur, "sha256", t->sha256);
	json_add_str(cur, "short", t->short_hash);
	json_add_str(cur, "title", t->title);
	json_add_str(cur, "last_updated", t->date_label);
	json_add_str(cur, "source", rv->cur.source);
	json_add_str(o, "state", consent_state_name(rv->cs.state));
	if (rv->cs.accepted.kind != NULL) {
		acc = json_add_object(o, "accepted");
		json_add_str(acc, "sha256", rv->cs.accepted.terms_sha256);
		json_add_str(acc, "last_updated", rv->cs.accepted.terms_date);
		json_add_str(acc, "at", rv->cs.accepted.at);
		if (rv->cs.accepted.endpoint != NULL)
			json_add_str(acc, "endpoint", rv->cs.accepted.endpoint);
	} else
		json_add_null(o, "accepted");
	if (rv->cs.last.kind != NULL) {
		acc = json_add_object(o, "last_event");
		json_add_str(acc, "kind", rv->cs.last.kind);
		json_add_str(acc, "at", rv->cs.last.at);
		if (rv->cs.last.endpoint != NULL)
			json_add_str(acc, "endpoint", rv->cs.last.endpoint);
	}
	json_add(o, "changed_sections",
	    cmd_terms_json_changes(rv->cs.diff, rv->cs.accepted_terms, t));
	json_add(o, "endpoint", cmd_terms_endpoint_json(rv, &ep));
	arr = json_add_array(o, "endpoints");
	for (i = 0; i < all.n; i++) {
		if (consent_endpoint_get(&rv->app->cfg, rv->st, all.urls[i], &other, &cause) != 0) {
			free(cause);
			cause = NULL;
		} else
			json_push(arr, cmd_terms_endpoint_json(rv, &other));
		consent_endpoint_release(&other);
	}
	json_add(o, "head", cmd_terms_head_json(rv->st));
	cmd_terms_print_json(o);
	r = cmd_terms_may_send(rv, &ep) ? EXIT_OK : EXIT_CONSENT;
out:
	consent_endpoint_release(&ep);
	cmd_terms_endpoints_release(&all);
	return r;
}

/* The endpoints' lines of 'terms status'. */
static void
cmd_terms_status_endpoints(struct review *rv, const struct cmd_terms_endpoints *all)
{
	struct consent_endpoint ep;
	char *cause = NULL, *state, *head;
	size_t i;

	printf("%s", _("\nEndpoints (the current one first):\n"));
	for (i = 0; i < all->n; i++) {
		if (consent_endpoint_get(&rv->app->cfg, rv->st, all->urls[i], &ep, &cause) != 0) {
			printf("  %s  ? (%s)\n", all->urls[i], cause);
			free(cause);
			cause = NULL;
		} else {
			state = cmd_terms_endpoint_state(rv, &ep);
			printf("  %s  %s\n", ep.url, state);
			free(state);
		}
		consent_endpoint_release(&ep);
	}
	head = store_ledger_head(rv->st, &cause);
	printf(_("\nLedger head: %s\n"), head != NULL ? head : "?");
	free(head);
	free(cause);
}

static int
cmd_terms_status(struct review *rv)
{
	const struct terms *t = rv->cur.terms;
	const struct consent_status *cs = &rv->cs;
	struct cmd_terms_endpoints all;
	struct consent_endpoint ep;
	char *when = consent_when(cs->last.at);
	size_t i;
	int r;

	if (rv->app->json) {
		free(when);
		return cmd_terms_status_json(rv);
	}
	if (cmd_terms_endpoints_get(rv, &ep, &all) != 0) {
		r = EXIT_USAGE;
		goto out;
	}
	/*
	 * TRANSLATORS: the lines of 'confab terms status': keep the values after
	 * the labels in one column (the labels' display width plus blanks the same).
	 */
	printf(_("Terms:    %s\n"), t->title);
	/* TRANSLATORS: the first %s is a version (12 hex digits), the second a date. */
	printf(_("Version:  %s (last updated %s)\n"), t->short_hash, t->date_label);
	printf(_("SHA-256:  %s\n"), t->sha256);
	/* TRANSLATORS: %s is a file or URL, and where it was set. */
	printf(_("Source:   %s\n"), rv->cur.source);
	switch (cs->state) {
	case CONSENT_NONE:
		printf("%s", _("State:    NONE: not accepted yet\n"));
		break;
	case CONSENT_ACCEPTED:
		/* TRANSLATORS: %s is a date and time. */
		printf(_("State:    ACCEPTED on %s\n"), when);
		break;
	case CONSENT_OUTDATED:
		/* TRANSLATORS: a version (12 hex digits), its date, and when it was accepted. */
		printf(
		    _("State:    OUTDATED: you accepted version %.12s (last updated %s) on %s\n"),
		    cs->accepted.terms_sha256, cs->accepted.terms_date, when);
		for (i = 0; i < cs->diff->nsections; i++) {
			const struct terms_section_diff *sd = &cs->diff->sections[i];

			if (sd->kind != TERMS_SAME)
				/* TRANSLATORS: a section's heading and how it changed (added...). */
				printf(_("Changed:  %s (%s)\n"),
				    sd->kind == TERMS_REMOVED ?
					cmd_terms_section_label(cs->accepted_terms, sd->old_index) :
					cmd_terms_section_label(t, sd->new_index),
				    _(terms_change_name(sd->kind)));
		}
		if (cs->diff->nchanged == 0)
			printf("%s", _("Changed:  only the \"Last updated\" date\n"));
		break;
	case CONSENT_WITHDRAWN:
		printf(_("State:    WITHDRAWN on %s\n"), when);
		break;
	case CONSENT_DECLINED:
		printf(_("State:    DECLINED on %s\n"), when);
		break;
	}
	cmd_terms_status_endpoints(rv, &all);
	r = EXIT_OK;
	if (ep.rule == CONSENT_RULE_TERMS && cs->state != CONSENT_ACCEPTED) {
		/* TRANSLATORS: %s is the endpoint's URL. */
		printf(cs->state == CONSENT_OUTDATED ?
			_("\nNothing is sent to %s until you accept. Run 'confab terms' to see "
			  "what changed and accept.\n") :
			_("\nNothing is sent to %s until you accept. Run 'confab terms' to read "
			  "and accept them.\n"),
		    ep.url);
		r = EXIT_CONSENT;
	}
out:
	free(when);
	consent_endpoint_release(&ep);
	cmd_terms_endpoints_release(&all);
	return r;
}

/* ---- diff -------------------------------------------------------------- */

static int
cmd_terms_diff_json(struct review *rv)
{
	const struct terms_diff *d = rv->cs.diff;
	struct cJSON *o = json_object(), *arr, *s, *lines;
	size_t i, j;
	char op[2] = "";

	json_add_str(o, "from", rv->cs.accepted.kind != NULL ? rv->cs.accepted.terms_sha256 : "");
	json_add_str(o, "to", rv->cur.terms->sha256);
	arr = json_add_array(o, "sections");
	for (i = 0; d != NULL && i < d->nsections; i++) {
		const struct terms_section_diff *sd = &d->sections[i];

		if (sd->kind == TERMS_SAME)
			continue;
		s = json_object();
		json_add_str(s, "section",
		    sd->kind == TERMS_REMOVED ?
			terms_section_name(rv->cs.accepted_terms, sd->old_index) :
			terms_section_name(rv->cur.terms, sd->new_index));
		json_add_str(s, "change", terms_change_name(sd->kind));
		lines = json_add_array(s, "lines");
		for (j = 0; j < sd->nlines; j++) {
			struct cJSON *l = json_object();
			char *text = xstrndup(sd->lines[j].text, sd->lines[j].len);

			op[0] = sd->lines[j].op;
			json_add_str(l, "op", op);
			json_add_str(l, "text", text);
			free(text);
			json_push(lines, l);
		}
		json_push(arr, s);
	}
	cmd_terms_print_json(o);
	return EXIT_OK;
}

static int
cmd_terms_diff(struct review *rv)
{
	if (rv->app->json)
		return cmd_terms_diff_json(rv);
	if (rv->cs.accepted.kind == NULL) {
		printf("%s",
		    _("You have not accepted any version of the Terms yet, so there is "
		      "nothing to compare; run 'confab terms' to read them.\n"));
		return EXIT_OK;
	}
	if (rv->cs.diff == NULL) {
		printf(_("The Terms you accepted (version %s) are the current ones: nothing "
			 "changed.\n"),
		    rv->cur.terms->short_hash);
		return EXIT_OK;
	}
	review_diff_print(stdout, rv->cs.accepted_terms, rv->cur.terms, rv->cs.diff,
	    tty_color_ok(stdout));
	return EXIT_OK;
}

/* ---- accept (scripted) --------------------------------------------------- */

/*
 * 'terms accept --no-terms' (yes) and 'terms withdraw --no-terms' (no): the
 * answer to the loopback question for the endpoint in effect.
 */
static int
cmd_terms_no_terms(struct review *rv, bool yes)
{
	struct consent_endpoint ep;
	char *cause = NULL;
	int r = EXIT_USAGE;

	if (consent_endpoint_get(&rv->app->cfg, rv->st, NULL, &ep, &cause) != 0)
		app_error("%s", cause);
	else if (!config_is_loopback(ep.url))
		app_error(_("'%s' is not on this machine, so confab does not ask whether Terms "
			    "apply to it; for a server you run elsewhere, set 'terms = none' in "
			    "its profile"),
		    ep.url);
	else if (config_get(&rv->app->cfg, CONFIG_TERMS_FILE) != NULL ||
	    config_get(&rv->app->cfg, CONFIG_TERMS_URL) != NULL)
		/* TRANSLATORS: %1$s is a setting (terms_file or terms_url), %2$s a URL. */
		app_error(_("the Terms named by %s govern '%s'; remove that setting first"),
		    config_get(&rv->app->cfg, CONFIG_TERMS_FILE) != NULL ? "terms_file" :
									   "terms_url",
		    ep.url);
	else if (consent_no_terms_record(rv->st, rv->cur.terms, ep.url, yes,
		     yes ? "flag --no-terms (terms accept)" : "flag --no-terms (terms withdraw)",
		     &cause) != 0)
		app_error(_("the answer could not be recorded, so it does not count: %s"), cause);
	else {
		r = EXIT_OK;
		if (!rv->app->quiet && yes)
			printf(_("Recorded: %s runs on this machine and is used without Terms.\n"),
			    ep.url);
		else if (!rv->app->quiet)
			/* TRANSLATORS: %1$s is a version (12 hex digits), %2$s a URL. */
			printf(_("Recorded: the Terms (version %s) govern %s again.\n"),
			    rv->cur.terms->short_hash, ep.url);
	}
	free(cause);
	consent_endpoint_release(&ep);
	return r;
}

static int
cmd_terms_accept(struct review *rv)
{
	const struct terms *t = rv->cur.terms;
	const char *hex = rv->app->sha256;

	if (rv->app->no_terms)
		return cmd_terms_no_terms(rv, true);
	if (hex == NULL) {
		app_error(_("'terms accept' needs --sha256 HEX naming the current Terms (version "
			    "%s, last updated %s; see 'confab terms status') and --adult"),
		    t->short_hash, t->date_label);
		return EXIT_USAGE;
	}
	if (!terms_hash_matches(t, hex)) {
		/* TRANSLATORS: what was typed, the current version, its date and its SHA-256. */
		app_error(_("'%s' does not name the current Terms: the current version is %s "
			    "(last updated %s, sha256 %s); read them with 'confab terms show' and "
			    "accept that version"),
		    hex, t->short_hash, t->date_label, t->sha256);
		return EXIT_CONSENT;
	}
	if (!rv->app->adult) {
		app_error(_("accepting needs --adult, your statement that you are at least 18 "
			    "and of the age of majority where you live (Terms I.1); nothing was "
			    "recorded for version %s"),
		    t->short_hash);
		return EXIT_CONSENT;
	}
	if (review_record(rv, "age", "flag --adult", "yes", -1, NULL, -1, NULL) != 0 ||
	    review_record(rv, "accept", "flag --sha256 --adult", "yes", -1, NULL, -1, NULL) != 0)
		return EXIT_USAGE;
	if (!rv->app->quiet)
		printf(_("Accepted the Terms version %s (last updated %s). Withdraw at any time "
			 "with 'confab terms withdraw'.\n"),
		    t->short_hash, t->date_label);
	return EXIT_OK;
}

/* ---- history and export ---------------------------------------------------- */

static struct cJSON *
cmd_terms_event_json(const struct consent_event *ev)
{
	struct cJSON *o = json_object();

#define STR(f) json_add_str_or_null(o, #f, ev->f)
#define NUM(f) (ev->f >= 0 ? json_add_num(o, #f, (double)ev->f) : json_add_null(o, #f))
	json_add_num(o, "id", (double)ev->id);
	STR(kind);
	STR(at);
	STR(terms_sha256);
	STR(terms_date);
	STR(method);
	STR(age_answer);
	STR(os_user);
	STR(client_version);
	NUM(shown_bytes);
	NUM(total_bytes);
	NUM(duration_ms);
	STR(viewer);
	STR(detail);
	STR(prev_hash);
	STR(hash);
	STR(endpoint);
	STR(typed);
	STR(language);
#undef STR
#undef NUM
	return o;
}

static int
cmd_terms_history_json_cb(const struct consent_event *ev, void *arg)
{
	json_push(arg, cmd_terms_event_json(ev));
	return 0;
}

static int
cmd_terms_export_cb(const struct consent_event *ev, void *arg)
{
	cmd_terms_print_json(cmd_terms_event_json(ev));
	return 0;
}

/* The events of the ledger, collected to size the columns. */
struct cmd_terms_rows {
	struct consent_event *ev;
	size_t n;
};

static int
cmd_terms_history_cb(const struct consent_event *ev, void *arg)
{
	struct cmd_terms_rows *rows = arg;

	rows->ev = xreallocarray(rows->ev, rows->n + 1, sizeof *rows->ev);
	consent_event_copy(&rows->ev[rows->n++], ev);
	return 0;
}

/* A stored value for a terminal: sanitised, on one line, "-" when empty (caller frees). */
static char *
cmd_terms_cell(const char *s, size_t max)
{
	size_t len;

	if (s == NULL || *s == '\0')
		return xstrdup("-");
	len = strlen(s);
	if (max > 0 && len > max)
		len = max;
	return text_clean_str(s, len, TEXT_DROP, TEXT_CLEAN_ONELINE, NULL);
}

/* The "how" column: method, answers, how much was shown, detail, endpoint (caller frees). */
static char *
cmd_terms_how(const struct consent_event *ev)
{
	struct buf b;
	char *v;

	buf_init(&b, 0);
	v = cmd_terms_cell(ev->method, 0);
	buf_adds(&b, v);
	free(v);
	if (ev->age_answer != NULL)
		/* TRANSLATORS: items appended to a ledger event's method, each with its separator. */
		buf_adds(&b,
		    strcmp(ev->age_answer, "yes") == 0 ? _(", adult: yes") : _(", adult: no"));
	if (ev->shown_bytes >= 0 && ev->total_bytes > 0)
		/* TRANSLATORS: %lld%% is how much of the Terms text was shown (a percentage). */
		buf_addf(&b, _(", %lld%% of the text shown"),
		    (long long)(ev->shown_bytes * 100 / ev->total_bytes));
	if (ev->viewer != NULL && *ev->viewer != '\0') {
		v = cmd_terms_cell(ev->viewer, 0);
		/* TRANSLATORS: %s is the program that showed the Terms (a pager). */
		buf_addf(&b, _(", shown by %s"), v);
		free(v);
	}
	if (ev->detail != NULL) {
		v = cmd_terms_cell(ev->detail, 0);
		buf_addf(&b,
		    strcmp(ev->kind, "no-terms") == 0 ? _(", without Terms: %s") :
							_(", detail: %s"),
		    v);
		free(v);
	}
	if (ev->endpoint != NULL) {
		v = cmd_terms_cell(ev->endpoint, 0);
		/* TRANSLATORS: %s is an endpoint's URL. */
		buf_addf(&b, _(", for %s"), v);
		free(v);
	}
	if (ev->typed != NULL) {
		v = cmd_terms_cell(ev->typed, 0);
		/* TRANSLATORS: the word typed for a ledger event: "同意" */
		buf_addf(&b, _(", typed '%s'"), v);
		free(v);
	}
	if (ev->language != NULL) {
		v = cmd_terms_cell(ev->language, 0);
		/* TRANSLATORS: the language of the screens for a ledger event: "zh_CN" */
		buf_addf(&b, _(", language %s"), v);
		free(v);
	}
	return buf_detach(&b, NULL);
}

#define CMD_TERMS_NCOLS 6

/* Print s and pad it to width columns (s is valid UTF-8); the last column is not padded. */
static void
cmd_terms_put(const char *s, int width, bool last)
{
	int w = text_width(s, strlen(s));

	fputs(s, stdout);
	if (last)
		putchar('\n');
	else
		printf("%*s  ", width > w ? width - w : 0, "");
}

/* The ledger as a table: every column as wide as its widest value. */
static void
cmd_terms_history_table(const struct cmd_terms_rows *rows)
{
	/* TRANSLATORS: the column headings of 'confab terms history'. */
	static const char *names[CMD_TERMS_NCOLS] = { N_("#"), N_("when"), N_("event"),
		N_("version"), N_("last updated"), N_("how") };
	char *(*cells)[CMD_TERMS_NCOLS] = xreallocarray(NULL, rows->n, sizeof *cells);
	const char *heads[CMD_TERMS_NCOLS];
	int width[CMD_TERMS_NCOLS], w;
	size_t i, j;

	for (j = 0; j < CMD_TERMS_NCOLS; j++) {
		heads[j] = _(names[j]);
		width[j] = text_width(heads[j], strlen(heads[j]));
	}
	for (i = 0; i < rows->n; i++) {
		const struct consent_event *ev = &rows->ev[i];

		cells[i][0] = xasprintf("%lld", (long long)ev->id);
		cells[i][1] = consent_when(ev->at);
		cells[i][2] = cmd_terms_cell(ev->kind, 0);
		cells[i][3] = cmd_terms_cell(ev->terms_sha256, 12);
		cells[i][4] = cmd_terms_cell(ev->terms_date, 0);
		cells[i][5] = cmd_terms_how(ev);
		for (j = 0; j < CMD_TERMS_NCOLS; j++)
			if ((w = text_width(cells[i][j], strlen(cells[i][j]))) > width[j])
				width[j] = w;
	}
	for (j = 0; j < CMD_TERMS_NCOLS; j++)
		cmd_terms_put(heads[j], width[j], j == CMD_TERMS_NCOLS - 1);
	for (i = 0; i < rows->n; i++)
		for (j = 0; j < CMD_TERMS_NCOLS; j++) {
			cmd_terms_put(cells[i][j], width[j], j == CMD_TERMS_NCOLS - 1);
			free(cells[i][j]);
		}
	free(cells);
}

static int
cmd_terms_history(struct app *app, struct store *st, bool export)
{
	struct cmd_terms_rows rows = { NULL, 0 };
	char *cause = NULL;
	struct cJSON *arr = NULL;
	size_t i;
	int r;

	if (export)
		r = store_ledger_each(st, NULL, 0, cmd_terms_export_cb, NULL, &cause);
	else if (app->json) {
		arr = json_array();
		r = store_ledger_each(st, NULL, 0, cmd_terms_history_json_cb, arr, &cause);
	} else
		r = store_ledger_each(st, NULL, 0, cmd_terms_history_cb, &rows, &cause);
	if (r == 0 && rows.n > 0)
		cmd_terms_history_table(&rows);
	for (i = 0; i < rows.n; i++)
		consent_event_release(&rows.ev[i]);
	free(rows.ev);
	if (r != 0) {
		json_free(arr);
		app_error("%s", cause);
		free(cause);
		return EXIT_USAGE;
	}
	if (arr != NULL)
		cmd_terms_print_json(arr);
	else if (!export && !app->json && rows.n == 0)
		printf("%s",
		    _("The consent ledger is empty: you have not reviewed or accepted any "
		      "Terms.\n"));
	return EXIT_OK;
}

/* ---- verify ------------------------------------------------------------ */

static int
cmd_terms_verify(struct app *app, struct store *st)
{
	int64_t count = 0, bad = 0;
	char *cause = NULL, *head, *note = NULL;

	if (consent_verify(st, &count, &bad, &cause) != 0) {
		/* TRANSLATORS: %s says which event is wrong and how. */
		app_error(_("the consent ledger failed verification: %s"), cause);
		free(cause);
		return EXIT_PROVIDER;
	}
	if (app->repair_head && consent_head_repair(st, &note, &cause) != 0) {
		app_error(_("cannot write the ledger head: %s"), cause);
		free(cause);
		return EXIT_USAGE;
	}
	if (note != NULL) {
		/* TRANSLATORS: %s is a note (a sentence without its final full stop). */
		printf(_("%s.\n"), note);
		free(note);
		note = NULL;
	}
	if (consent_verify_head(st, app->head, &note, &cause) != 0) {
		app_error(_("the consent ledger failed verification: %s"), cause);
		free(cause);
		return EXIT_PROVIDER;
	}
	head = store_ledger_head(st, &cause);
	/* TRANSLATORS: %lld is a number of events, %s the hash of the newest. */
	printf(P_("The consent ledger is intact: %lld event, chain head %s.\n",
		   "The consent ledger is intact: %lld events, chain head %s.\n",
		   (unsigned long)count),
	    (long long)count, head != NULL ? head : "?");
	if (note != NULL)
		/* TRANSLATORS: %s is a note (a sentence without its final full stop). */
		printf(_("Note: %s.\n"), note);
	free(note);
	free(head);
	free(cause);
	return EXIT_OK;
}

/* ---- update ------------------------------------------------------------ */

static int
cmd_terms_update(struct app *app, struct store *st)
{
	const char *url = config_get(&app->cfg, CONFIG_TERMS_URL);
	long timeout = strtol(config_get(&app->cfg, CONFIG_TIMEOUT), NULL, 10);
	struct consent_fetch f;
	int r = EXIT_OK;

	if (url == NULL) {
		/* TRANSLATORS: %s is the config file's path. */
		app_error(_("no terms_url is configured; set it in '%s' (terms_url = https://...) "
			    "or with CONFAB_TERMS_URL"),
		    app->cfg.config_path);
		return EXIT_USAGE;
	}
	consent_fetch(url, st,
	    timeout < CMD_TERMS_FETCH_TIMEOUT ? timeout : CMD_TERMS_FETCH_TIMEOUT, &f);
	switch (f.result) {
	case CONSENT_FETCH_NOT_MODIFIED:
		/* TRANSLATORS: %1$s is a URL, %2$s a version (12 hex digits). */
		printf(_("The Terms at %s have not changed (304 Not Modified; version %s).\n"), url,
		    f.short_hash);
		break;
	case CONSENT_FETCH_SAME:
		/* TRANSLATORS: %1$s is a URL, %2$s a version (12 hex digits). */
		printf(_("The Terms at %s have not changed (version %s).\n"), url, f.short_hash);
		break;
	case CONSENT_FETCH_NEW:
		/* TRANSLATORS: a version (12 hex digits), its date and the URL it came from. */
		printf(_("Recorded Terms version %s (last updated %s) from %s.\nRun 'confab terms "
			 "status' to see whether you need to accept them.\n"),
		    f.short_hash, f.date_label, url);
		break;
	case CONSENT_FETCH_UNREACHABLE:
	case CONSENT_FETCH_HTTP_ERROR:
		/* TRANSLATORS: %s says why the fetch failed. */
		app_error(_("%s; the Terms were not updated"), f.cause);
		r = EXIT_NETWORK;
		break;
	case CONSENT_FETCH_REDIRECT:
		app_error(_("%s; confab does not follow redirects: set terms_url to the final "
			    "address"),
		    f.cause);
		r = EXIT_PROVIDER;
		break;
	case CONSENT_FETCH_UNUSABLE:
		app_error(_("%s; nothing was recorded"), f.cause);
		r = EXIT_PROVIDER;
		break;
	case CONSENT_FETCH_STORE_ERROR:
		app_error("%s", f.cause);
		r = EXIT_USAGE;
		break;
	}
	consent_fetch_release(&f);
	return r;
}

/* ---- dispatch ------------------------------------------------------------ */

/* The subcommands that start from the current Terms (and the consent state). */
static const struct {
	const char *name;
	int (*fn)(struct review *);
	bool needs_status;
} cmd_terms_table[] = {
	{ "status", cmd_terms_status, true },
	{ "accept", cmd_terms_accept, false },
	{ "diff", cmd_terms_diff, true },
};

/* The subcommands the terminal review shares with line mode (review.h). */
static const struct {
	const char *name;
	int (*fn)(struct app *);
} cmd_terms_review[] = {
	{ "review", review_run },
	{ "show", review_show },
	{ "withdraw", review_withdraw },
};

int
cmd_terms(struct app *app, int argc, char **argv)
{
	const char *sub = argc > 0 ? argv[0] : "review";
	struct review rv;
	char *cause = NULL;
	struct store *st;
	size_t i;
	int r;

	if (argc > 1) {
		/* TRANSLATORS: %1$s is a terms subcommand, %2$s the extra word. */
		app_error(_("'terms %s' takes no argument '%s'; see 'confab --help'"), sub,
		    argv[1]);
		return EXIT_USAGE;
	}
	if (app->no_terms && strcmp(sub, "withdraw") == 0) {
		if ((r = review_load(&rv, app, false)) == 0)
			r = cmd_terms_no_terms(&rv, false);
		review_release(&rv);
		return r;
	}
	for (i = 0; i < nitems(cmd_terms_review); i++)
		if (strcmp(sub, cmd_terms_review[i].name) == 0)
			return cmd_terms_review[i].fn(app);
	for (i = 0; i < nitems(cmd_terms_table); i++) {
		if (strcmp(sub, cmd_terms_table[i].name) != 0)
			continue;
		if ((r = review_load(&rv, app, cmd_terms_table[i].needs_status)) == 0)
			r = cmd_terms_table[i].fn(&rv);
		review_release(&rv);
		return r;
	}
	if (strcmp(sub, "history") != 0 && strcmp(sub, "export") != 0 &&
	    strcmp(sub, "verify") != 0 && strcmp(sub, "update") != 0) {
		app_error(_("unknown command 'terms %s'; the terms commands are review, show, "
			    "status, accept, diff, withdraw, history, verify, export and update"),
		    sub);
		return EXIT_USAGE;
	}
	if ((st = app_store(app, &cause)) == NULL) {
		app_error("%s", cause);
		free(cause);
		return EXIT_USAGE;
	}
	if (strcmp(sub, "verify") == 0)
		return cmd_terms_verify(app, st);
	if (strcmp(sub, "update") == 0)
		return cmd_terms_update(app, st);
	return cmd_terms_history(app, st, strcmp(sub, "export") == 0);
}
