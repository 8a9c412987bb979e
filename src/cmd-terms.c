/* cmd-terms.c: confab terms review|show|status|accept|diff|withdraw|history|verify|export|update */
#include "common.h"

#include <cjson/cJSON.h>
#include <unistd.h>

#include "clock.h"
#include "buf.h"
#include "cmd.h"
#include "consent.h"
#include "tty.h"

#define TERMS_FETCH_TIMEOUT 20L

/* Everything most terms subcommands start from. */
struct terms_ctx {
	struct app *app;
	struct store *st;
	struct consent_current cur;
	struct consent_status cs;
};

/* Open the store, load the current Terms and the consent state; exit code or 0. */
static int
terms_ctx_load(struct terms_ctx *c, struct app *app, bool need_status)
{
	char *cause = NULL;

	memset(c, 0, sizeof *c);
	c->app = app;
	if ((c->st = app_store(app, &cause)) == NULL ||
	    consent_current_load(&app->cfg, c->st, &c->cur, &cause) != 0 ||
	    (need_status && consent_status_get(c->st, c->cur.terms, &c->cs, &cause) != 0)) {
		app_error("%s", cause);
		free(cause);
		return EXIT_USAGE;
	}
	return 0;
}

static void
terms_ctx_release(struct terms_ctx *c)
{
	consent_status_release(&c->cs);
	consent_current_release(&c->cur);
}

/* "2026-11-27 05:00 UTC" from a stored timestamp. */
static char *
terms_when(const char *at)
{
	if (at == NULL || strlen(at) < 16)
		return xstrdup("?");
	return xasprintf("%.10s %.5s UTC", at, at + 11);
}

/* ---- status ------------------------------------------------------------ */

static cJSON *
terms_json_changes(const struct terms_diff *d, const struct terms *old, const struct terms *cur)
{
	cJSON *arr = cJSON_CreateArray(), *o;
	size_t i;

	for (i = 0; d != NULL && i < d->nsections; i++) {
		const struct terms_section_diff *sd = &d->sections[i];

		if (sd->kind == TERMS_SAME)
			continue;
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "section", sd->kind == TERMS_REMOVED ?
		    terms_section_name(old, sd->old_index) : terms_section_name(cur, sd->new_index));
		cJSON_AddNumberToObject(o, "position", (double)(sd->kind == TERMS_REMOVED ?
		    sd->old_index : sd->new_index));
		cJSON_AddStringToObject(o, "change", terms_change_name(sd->kind));
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

static void
terms_print_json(cJSON *o)
{
	char *s = cJSON_PrintUnformatted(o);

	puts(s);
	free(s);
	cJSON_Delete(o);
}

static int
terms_status_json(struct terms_ctx *c)
{
	const struct terms *t = c->cur.terms;
	cJSON *o = cJSON_CreateObject(), *cur = cJSON_AddObjectToObject(o, "current"), *acc;

	cJSON_AddStringToObject(cur, "sha256", t->sha256);
	cJSON_AddStringToObject(cur, "short", t->short_hash);
	cJSON_AddStringToObject(cur, "title", t->title);
	cJSON_AddStringToObject(cur, "last_updated", t->date_label);
	cJSON_AddStringToObject(cur, "source", c->cur.source);
	cJSON_AddStringToObject(o, "state", consent_state_name(c->cs.state));
	if (c->cs.accepted.kind != NULL) {
		acc = cJSON_AddObjectToObject(o, "accepted");
		cJSON_AddStringToObject(acc, "sha256", c->cs.accepted.terms_sha256);
		cJSON_AddStringToObject(acc, "last_updated", c->cs.accepted.terms_date);
		cJSON_AddStringToObject(acc, "at", c->cs.accepted.at);
	} else
		cJSON_AddNullToObject(o, "accepted");
	if (c->cs.last.kind != NULL) {
		acc = cJSON_AddObjectToObject(o, "last_event");
		cJSON_AddStringToObject(acc, "kind", c->cs.last.kind);
		cJSON_AddStringToObject(acc, "at", c->cs.last.at);
	}
	cJSON_AddItemToObject(o, "changed_sections",
	    terms_json_changes(c->cs.diff, c->cs.accepted_terms, t));
	terms_print_json(o);
	return c->cs.state == CONSENT_ACCEPTED ? EXIT_OK : EXIT_CONSENT;
}

static int
terms_status(struct terms_ctx *c)
{
	const struct terms *t = c->cur.terms;
	const struct consent_status *cs = &c->cs;
	char *when = terms_when(cs->last.at);
	size_t i;

	if (c->app->json) {
		free(when);
		return terms_status_json(c);
	}
	printf("Terms:    %s\n", t->title);
	printf("Version:  %s (last updated %s)\n", t->short_hash, t->date_label);
	printf("SHA-256:  %s\n", t->sha256);
	printf("Source:   %s\n", c->cur.source);
	switch (cs->state) {
	case CONSENT_NONE:
		printf("State:    NONE: not accepted yet\n");
		break;
	case CONSENT_ACCEPTED:
		printf("State:    ACCEPTED on %s\n", when);
		break;
	case CONSENT_OUTDATED:
		printf("State:    OUTDATED: you accepted version %.12s (last updated %s) on %s\n",
		    cs->accepted.terms_sha256, cs->accepted.terms_date, when);
		for (i = 0; i < cs->diff->nsections; i++) {
			const struct terms_section_diff *sd = &cs->diff->sections[i];

			if (sd->kind != TERMS_SAME)
				printf("Changed:  %s (%s)\n", sd->kind == TERMS_REMOVED ?
				    terms_section_name(cs->accepted_terms, sd->old_index) :
				    terms_section_name(t, sd->new_index), terms_change_name(sd->kind));
		}
		if (cs->diff->nchanged == 0)
			printf("Changed:  only the \"Last updated\" date\n");
		break;
	case CONSENT_WITHDRAWN:
		printf("State:    WITHDRAWN on %s\n", when);
		break;
	case CONSENT_DECLINED:
		printf("State:    DECLINED on %s\n", when);
		break;
	}
	free(when);
	if (cs->state == CONSENT_ACCEPTED)
		return EXIT_OK;
	printf("\nNothing is sent to the model until you accept. Run 'confab terms' to %s.\n",
	    cs->state == CONSENT_OUTDATED ? "see what changed and accept" : "read and accept them");
	return EXIT_CONSENT;
}

/* ---- diff -------------------------------------------------------------- */

/* Print one diff line; a changed span [hs, he) is highlighted on a terminal. */
static void
terms_diff_line(FILE *f, const struct terms_diff_line *l, bool color, size_t hs, size_t he)
{
	const char *on = "", *off = "", *hi = "", *lo = "";

	if (color && l->op != ' ') {
		on = l->op == '-' ? "\033[31m" : "\033[32m";
		off = "\033[m";
		hi = "\033[7m";
		lo = "\033[27m";
	}
	if (he <= hs)
		hs = he = l->len;
	fprintf(f, "%s%c %.*s%s%.*s%s%.*s%s\n", on, l->op, (int)hs, l->text, hi, (int)(he - hs),
	    l->text + hs, lo, (int)(l->len - he), l->text + he, off);
}

/* Print a line that changed into another, and what changed in words. */
static void
terms_diff_pair(FILE *f, const struct terms_diff_line *a, const struct terms_diff_line *b,
    bool color)
{
	size_t pre, suf;

	terms_line_change(a->text, a->len, b->text, b->len, &pre, &suf);
	terms_diff_line(f, a, color, pre, a->len - suf);
	terms_diff_line(f, b, color, pre, b->len - suf);
	if (!color && a->len - suf - pre < 120 && b->len - suf - pre < 120)
		fprintf(f, "  (changed: \"%.*s\" -> \"%.*s\")\n", (int)(a->len - suf - pre),
		    a->text + pre, (int)(b->len - suf - pre), b->text + pre);
}

/*
 * Print a changed section's line diff: the changed lines, and the nearest
 * non-blank unchanged line before and after each run of changes.
 */
static void
terms_diff_section(FILE *f, const struct terms_section_diff *sd, bool color)
{
	const struct terms_diff_line *l = sd->lines;
	bool *show = terms_diff_shown(sd);
	size_t i, j, last = (size_t)-1;

	for (i = 0; i < sd->nlines; i++) {
		if (!show[i] || (l[i].len == 0 && l[i].op == ' '))
			continue;
		for (j = last + 1; last != (size_t)-1 && j < i && l[j].len == 0; j++)
			;
		if (last != (size_t)-1 && j < i)
			fprintf(f, "  ...\n");
		if (l[i].op == '-' && i + 1 < sd->nlines && l[i + 1].op == '+' &&
		    (i + 2 >= sd->nlines || l[i + 2].op != '+') && (i == 0 || l[i - 1].op != '-')) {
			terms_diff_pair(f, &l[i], &l[i + 1], color);
			i++;
		} else
			terms_diff_line(f, &l[i], color, 0, 0);
		last = i;
	}
	free(show);
}

/* The whole human-readable diff between the accepted and the current text. */
static void
terms_diff_print(FILE *f, const struct terms *old, const struct terms *cur,
    const struct terms_diff *d, bool color)
{
	const char *bold = color ? "\033[1m" : "", *off = color ? "\033[m" : "";
	size_t i;

	fprintf(f, "What changed from version %s (last updated %s) to %s (last updated %s):\n",
	    old->short_hash, old->date_label, cur->short_hash, cur->date_label);
	for (i = 0; i < d->nsections; i++) {
		const struct terms_section_diff *sd = &d->sections[i];

		if (sd->kind == TERMS_SAME)
			continue;
		fprintf(f, "\n%s%s (%s)%s\n", bold, sd->kind == TERMS_REMOVED ?
		    terms_section_name(old, sd->old_index) : terms_section_name(cur, sd->new_index),
		    terms_change_name(sd->kind), off);
		if (sd->kind == TERMS_CHANGED)
			terms_diff_section(f, sd, color);
	}
	if (d->nchanged == 0)
		fprintf(f, "\nOnly the \"Last updated\" date changed (%s -> %s).\n", old->date_label,
		    cur->date_label);
}

static int
terms_diff_json(struct terms_ctx *c)
{
	const struct terms_diff *d = c->cs.diff;
	cJSON *o = cJSON_CreateObject(), *arr, *s, *lines;
	size_t i, j;
	char op[2] = "";

	cJSON_AddStringToObject(o, "from", c->cs.accepted.kind != NULL ?
	    c->cs.accepted.terms_sha256 : "");
	cJSON_AddStringToObject(o, "to", c->cur.terms->sha256);
	arr = cJSON_AddArrayToObject(o, "sections");
	for (i = 0; d != NULL && i < d->nsections; i++) {
		const struct terms_section_diff *sd = &d->sections[i];

		if (sd->kind == TERMS_SAME)
			continue;
		s = cJSON_CreateObject();
		cJSON_AddStringToObject(s, "section", sd->kind == TERMS_REMOVED ?
		    terms_section_name(c->cs.accepted_terms, sd->old_index) :
		    terms_section_name(c->cur.terms, sd->new_index));
		cJSON_AddStringToObject(s, "change", terms_change_name(sd->kind));
		lines = cJSON_AddArrayToObject(s, "lines");
		for (j = 0; j < sd->nlines; j++) {
			cJSON *l = cJSON_CreateObject();
			char *text = xstrndup(sd->lines[j].text, sd->lines[j].len);

			op[0] = sd->lines[j].op;
			cJSON_AddStringToObject(l, "op", op);
			cJSON_AddStringToObject(l, "text", text);
			free(text);
			cJSON_AddItemToArray(lines, l);
		}
		cJSON_AddItemToArray(arr, s);
	}
	terms_print_json(o);
	return EXIT_OK;
}

static int
terms_diff_cmd(struct terms_ctx *c)
{
	if (c->app->json)
		return terms_diff_json(c);
	if (c->cs.accepted.kind == NULL) {
		printf("You have not accepted any version of the Terms yet, so there is nothing "
		    "to compare; run 'confab terms' to read them.\n");
		return EXIT_OK;
	}
	if (c->cs.diff == NULL) {
		printf("The Terms you accepted (version %s) are the current ones: nothing changed.\n",
		    c->cur.terms->short_hash);
		return EXIT_OK;
	}
	terms_diff_print(stdout, c->cs.accepted_terms, c->cur.terms, c->cs.diff,
	    tty_color_ok(stdout));
	return EXIT_OK;
}

/* ---- recording events ------------------------------------------------------ */

/* Append an event; on failure say so (the act did not count). */
static int
terms_record(struct terms_ctx *c, const char *kind, const char *method, const char *age,
    int64_t shown, const char *viewer, int64_t duration_ms, const char *detail)
{
	struct consent_event ev = {
		.kind = xstrdup(kind),
		.method = xstrdup(method),
		.age_answer = age != NULL ? xstrdup(age) : NULL,
		.shown_bytes = shown,
		.duration_ms = duration_ms,
		.viewer = viewer != NULL ? xstrdup(viewer) : NULL,
		.detail = detail != NULL ? xstrdup(detail) : NULL,
	};
	char *cause = NULL;
	int r = consent_record(c->st, c->cur.terms, &ev, &cause);

	if (r != 0) {
		app_error("the %s could not be recorded, so it does not count: %s", kind, cause);
		free(cause);
	}
	consent_event_release(&ev);
	return r;
}

/* ---- accept (scripted) --------------------------------------------------- */

static int
terms_accept(struct terms_ctx *c)
{
	const struct terms *t = c->cur.terms;
	const char *hex = c->app->sha256;

	if (hex == NULL) {
		app_error("'terms accept' needs --sha256 HEX naming the current Terms (version "
		    "%s, last updated %s; see 'confab terms status') and --adult", t->short_hash,
		    t->date_label);
		return EXIT_USAGE;
	}
	if (!terms_hash_matches(t, hex)) {
		app_error("'%s' does not name the current Terms: the current version is %s (last "
		    "updated %s, sha256 %s); read them with 'confab terms show' and accept that "
		    "version", hex, t->short_hash, t->date_label, t->sha256);
		return EXIT_CONSENT;
	}
	if (!c->app->adult) {
		app_error("accepting needs --adult, your statement that you are at least 18 and "
		    "of the age of majority where you live (Terms I.1); nothing was recorded for "
		    "version %s", t->short_hash);
		return EXIT_CONSENT;
	}
	if (terms_record(c, "age", "flag --adult", "yes", -1, NULL, -1, NULL) != 0 ||
	    terms_record(c, "accept", "flag --sha256 --adult", "yes", -1, NULL, -1, NULL) != 0)
		return EXIT_USAGE;
	if (!c->app->quiet)
		printf("Accepted the Terms version %s (last updated %s). Withdraw at any time with "
		    "'confab terms withdraw'.\n", t->short_hash, t->date_label);
	return EXIT_OK;
}

/* ---- withdraw ------------------------------------------------------------- */

static int
terms_withdraw(struct terms_ctx *c)
{
	if (c->cs.state != CONSENT_ACCEPTED && c->cs.state != CONSENT_OUTDATED) {
		printf("There is no consent to withdraw (state %s); nothing is sent to the model.\n",
		    consent_state_name(c->cs.state));
		return EXIT_OK;
	}
	if (terms_record(c, "withdraw", "command", NULL, -1, NULL, -1, NULL) != 0)
		return EXIT_USAGE;
	printf("Consent withdrawn. Nothing will be sent to the model until you accept the Terms "
	    "again with 'confab terms'.\n");
	return EXIT_OK;
}

/* ---- history and export ---------------------------------------------------- */

static cJSON *
terms_event_json(const struct consent_event *ev)
{
	cJSON *o = cJSON_CreateObject();

#define STR(f) (ev->f != NULL ? cJSON_AddStringToObject(o, #f, ev->f) : cJSON_AddNullToObject(o, #f))
#define NUM(f) (ev->f >= 0 ? cJSON_AddNumberToObject(o, #f, (double)ev->f) : cJSON_AddNullToObject(o, #f))
	cJSON_AddNumberToObject(o, "id", (double)ev->id);
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
#undef STR
#undef NUM
	return o;
}

static int
terms_history_json_cb(const struct consent_event *ev, void *arg)
{
	cJSON_AddItemToArray(arg, terms_event_json(ev));
	return 0;
}

static int
terms_export_cb(const struct consent_event *ev, void *arg)
{
	terms_print_json(terms_event_json(ev));
	return 0;
}

static int
terms_history_cb(const struct consent_event *ev, void *arg)
{
	char *when = terms_when(ev->at), shown[64] = "";
	int *n = arg;

	if (ev->shown_bytes >= 0 && ev->total_bytes > 0)
		snprintf(shown, sizeof shown, ", %lld%% of the text shown",
		    (long long)(ev->shown_bytes * 100 / ev->total_bytes));
	if (*n == 0)
		printf("%-5s %-20s %-9s %-12s %-16s %s\n", "#", "when", "event", "version",
		    "last updated", "how");
	printf("%-5lld %-20s %-9s %.12s %-16s %s%s%s%s\n", (long long)ev->id, when, ev->kind,
	    ev->terms_sha256, ev->terms_date != NULL ? ev->terms_date : "", ev->method,
	    ev->age_answer != NULL ? (strcmp(ev->age_answer, "yes") == 0 ? ", adult: yes" :
	    ", adult: no") : "", shown, ev->detail != NULL ? "" : "");
	free(when);
	(*n)++;
	return 0;
}

static int
terms_history(struct app *app, struct store *st, bool export)
{
	char *cause = NULL;
	cJSON *arr = NULL;
	int n = 0, r;

	if (export)
		r = store_ledger_each(st, NULL, 0, terms_export_cb, NULL, &cause);
	else if (app->json) {
		arr = cJSON_CreateArray();
		r = store_ledger_each(st, NULL, 0, terms_history_json_cb, arr, &cause);
	} else
		r = store_ledger_each(st, NULL, 0, terms_history_cb, &n, &cause);
	if (r != 0) {
		cJSON_Delete(arr);
		app_error("%s", cause);
		free(cause);
		return EXIT_USAGE;
	}
	if (arr != NULL)
		terms_print_json(arr);
	else if (!export && n == 0)
		printf("The consent ledger is empty: you have not reviewed or accepted any Terms.\n");
	return EXIT_OK;
}

/* ---- verify ------------------------------------------------------------ */

static int
terms_verify(struct store *st)
{
	int64_t count = 0, bad = 0;
	char *cause = NULL, *head;

	if (consent_verify(st, &count, &bad, &cause) != 0) {
		app_error("the consent ledger failed verification: %s", cause);
		free(cause);
		return EXIT_PROVIDER;
	}
	head = store_ledger_head(st, &cause);
	printf("The consent ledger is intact: %lld event%s, chain head %s.\n", (long long)count,
	    count == 1 ? "" : "s", head != NULL ? head : "?");
	free(head);
	free(cause);
	return EXIT_OK;
}

/* ---- update ------------------------------------------------------------ */

static int
terms_update(struct app *app, struct store *st)
{
	const char *url = config_get(&app->cfg, CONFIG_TERMS_URL);
	long timeout = strtol(config_get(&app->cfg, CONFIG_TIMEOUT), NULL, 10);
	struct consent_fetch f;
	int r = EXIT_OK;

	if (url == NULL) {
		app_error("no terms_url is configured; set it in '%s' (terms_url = https://...) "
		    "or with CONFAB_TERMS_URL", app->cfg.config_path);
		return EXIT_USAGE;
	}
	consent_fetch(url, st, timeout < TERMS_FETCH_TIMEOUT ? timeout : TERMS_FETCH_TIMEOUT, &f);
	switch (f.result) {
	case CONSENT_FETCH_NOT_MODIFIED:
		printf("The Terms at %s have not changed (304 Not Modified; version %s).\n", url,
		    f.short_hash);
		break;
	case CONSENT_FETCH_SAME:
		printf("The Terms at %s have not changed (version %s).\n", url, f.short_hash);
		break;
	case CONSENT_FETCH_NEW:
		printf("Recorded Terms version %s (last updated %s) from %s.\nRun 'confab terms "
		    "status' to see whether you need to accept them.\n", f.short_hash,
		    f.date_label, url);
		break;
	case CONSENT_FETCH_UNREACHABLE:
	case CONSENT_FETCH_HTTP_ERROR:
		app_error("%s; the Terms were not updated", f.cause);
		r = EXIT_NETWORK;
		break;
	case CONSENT_FETCH_REDIRECT:
		app_error("%s; confab does not follow redirects: set terms_url to the final "
		    "address", f.cause);
		r = EXIT_PROVIDER;
		break;
	case CONSENT_FETCH_UNUSABLE:
		app_error("%s; nothing was recorded", f.cause);
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

/* ---- show -------------------------------------------------------------- */

static int
terms_show(struct terms_ctx *c)
{
	const struct terms *t = c->cur.terms;
	struct tty tty;
	char *cause = NULL, *viewer = NULL;
	int64_t shown;

	if (isatty(STDOUT_FILENO) && tty_open(&tty, &cause) == 0) {
		tty_page(&tty, t->text, t->len, &shown, &viewer);
		tty_close(&tty);
		free(viewer);
		return EXIT_OK;
	}
	free(cause);
	fwrite(t->text, 1, t->len, stdout);
	return EXIT_OK;
}

/* ---- review (interactive) ----------------------------------------------------- */

/* Print the summary of what is being agreed to. */
static void
terms_print_summary(struct tty *tty, const struct terms *t)
{
	const char *b = tty->color ? "\033[1m" : "", *o = tty->color ? "\033[m" : "";
	char *privacy = terms_privacy_url(t);
	int rows, cols;
	size_t i;

	tty_size(tty, &rows, &cols);
	if (cols > 100)
		cols = 100;
	fprintf(tty->out, "\n%s%s%s\nLast updated %s, version %s. %zu sections, %zu bytes.\n\n",
	    b, t->title, o, t->date_label, t->short_hash, t->nsections - 1, t->len);
	fputs("Before confab sends anything to the model you must accept these Terms.\nIn our "
	    "own words, this is what they ask of you (the Terms themselves govern):\n\n", tty->out);
	for (i = 0; i < consent_summary_len; i++) {
		fprintf(tty->out, "  %s%-6s%s", b, consent_summary[i].clause, o);
		tty_wrap(tty->out, consent_summary[i].text, cols - 1, 8);
	}
	if (privacy != NULL)
		fprintf(tty->out, "\nPrivacy Policy: %s\n", privacy);
	free(privacy);
}

/* Ask until the answer is yes or no; NULL at end of file. */
static char *
terms_ask_age(struct tty *tty)
{
	char *a;

	for (;;) {
		a = tty_ask(tty, "\nAre you at least 18 years old and at least the age of majority "
		    "where you live? Type yes or no: ");
		if (a == NULL || strcasecmp(a, "yes") == 0 || strcasecmp(a, "no") == 0)
			return a;
		fprintf(tty->out, "Please type yes or no.\n");
		free(a);
	}
}

static int
terms_review(struct terms_ctx *c)
{
	const struct terms *t = c->cur.terms;
	int64_t t0;
	struct tty tty;
	char *cause = NULL, *a, *viewer = xstrdup("summary"), *detail = NULL;
	int64_t shown = 0;
	int r = EXIT_CONSENT;

	if (tty_open(&tty, &cause) != 0) {
		app_error("'terms review' asks on a terminal, and there is none (%s); in a script "
		    "use 'confab terms accept --sha256 %s --adult' after reading 'confab terms "
		    "show'", cause, t->short_hash);
		free(cause);
		free(viewer);
		return EXIT_USAGE;
	}
	t0 = clock_ms();
	if (c->cs.state == CONSENT_ACCEPTED) {
		char *when = terms_when(c->cs.last.at);

		fprintf(tty.out, "You accepted these Terms (version %s, last updated %s) on %s. "
		    "Nothing to do.\n'confab terms show' prints them; 'confab terms withdraw' "
		    "withdraws your consent.\n", t->short_hash, t->date_label, when);
		free(when);
		r = EXIT_OK;
		goto out;
	}
	if (c->cs.state == CONSENT_OUTDATED) {
		fprintf(tty.out, "The Terms changed since you accepted them on %.10s.\n\n",
		    c->cs.accepted.at);
		terms_diff_print(tty.out, c->cs.accepted_terms, t, c->cs.diff, tty.color);
		free(viewer);
		viewer = xstrdup("summary and diff of the changes");
	}
	terms_print_summary(&tty, t);
	a = tty_ask(&tty, "\nType 'read' to read the full text now, or press Enter to go on: ");
	if (a != NULL && strcasecmp(a, "read") == 0) {
		free(viewer);
		tty_page(&tty, t->text, t->len, &shown, &viewer);
		free(a);
		a = xstrdup("");
	}
	if (a == NULL) {
		detail = xstrdup("no answer (end of input)");
		goto decline;
	}
	free(a);
	a = terms_ask_age(&tty);
	if (terms_record(c, "age", "typed (line mode)", a != NULL ? a : NULL, shown, viewer,
	    clock_ms() - t0, a == NULL ? "no answer (end of input)" : NULL) != 0) {
		free(a);
		r = EXIT_USAGE;
		goto out;
	}
	if (a == NULL || strcasecmp(a, "no") == 0) {
		detail = xstrdup(a == NULL ? "no answer to the age question" :
		    "under the minimum age (Terms I.1)");
		if (a != NULL)
			fprintf(tty.out, "\nThe Terms require you to be at least 18 and of the age "
			    "of majority where you live (I.1), so confab cannot be used.\n");
		free(a);
		goto decline;
	}
	free(a);
	fprintf(tty.out, "\nTo accept the Terms (version %s, last updated %s), type agree.\n",
	    t->short_hash, t->date_label);
	a = tty_ask(&tty, "Anything else declines: ");
	if (a != NULL && strcasecmp(a, "agree") == 0) {
		free(a);
		if (terms_record(c, "accept", "typed 'agree' (line mode)", "yes", shown, viewer,
		    clock_ms() - t0, NULL) != 0) {
			r = EXIT_USAGE;
			goto out;
		}
		fprintf(tty.out, "\nAccepted and recorded in your consent ledger. You can withdraw "
		    "at any time with 'confab terms withdraw'.\n");
		r = EXIT_OK;
		goto out;
	}
	detail = a == NULL ? xstrdup("no answer (end of input)") : xasprintf("typed '%.40s'", a);
	free(a);
decline:
	if (terms_record(c, "decline", "typed (line mode)", NULL, shown, viewer,
	    clock_ms() - t0, detail) != 0)
		r = EXIT_USAGE;
	else
		fprintf(tty.out, "\nDeclined and recorded. Nothing will be sent to the model. Run "
		    "'confab terms' when you want to review the Terms again.\n");
out:
	free(detail);
	free(viewer);
	tty_close(&tty);
	return r;
}

/* ---- dispatch ------------------------------------------------------------ */

static const struct {
	const char *name;
	int (*fn)(struct terms_ctx *);
	bool needs_status;
} terms_cmds[] = {
	{ "review", terms_review, true },
	{ "show", terms_show, false },
	{ "status", terms_status, true },
	{ "accept", terms_accept, false },
	{ "diff", terms_diff_cmd, true },
	{ "withdraw", terms_withdraw, true },
};

int
cmd_terms(struct app *app, int argc, char **argv)
{
	const char *sub = argc > 0 ? argv[0] : "review";
	struct terms_ctx c;
	char *cause = NULL;
	struct store *st;
	size_t i;
	int r;

	if (argc > 1) {
		app_error("'terms %s' takes no argument '%s'; see 'confab --help'", sub, argv[1]);
		return EXIT_USAGE;
	}
	for (i = 0; i < nitems(terms_cmds); i++) {
		if (strcmp(sub, terms_cmds[i].name) != 0)
			continue;
		if ((r = terms_ctx_load(&c, app, terms_cmds[i].needs_status)) == 0)
			r = terms_cmds[i].fn(&c);
		terms_ctx_release(&c);
		return r;
	}
	if (strcmp(sub, "history") != 0 && strcmp(sub, "export") != 0 &&
	    strcmp(sub, "verify") != 0 && strcmp(sub, "update") != 0) {
		app_error("unknown command 'terms %s'; the terms commands are review, show, status, "
		    "accept, diff, withdraw, history, verify, export and update", sub);
		return EXIT_USAGE;
	}
	if ((st = app_store(app, &cause)) == NULL) {
		app_error("%s", cause);
		free(cause);
		return EXIT_USAGE;
	}
	if (strcmp(sub, "verify") == 0)
		return terms_verify(st);
	if (strcmp(sub, "update") == 0)
		return terms_update(app, st);
	return terms_history(app, st, strcmp(sub, "export") == 0);
}
