/* review.c: consent to the Terms on the terminal: the review, show, withdraw, what changed. */
#include "common.h"

#include "review.h"

#include <ctype.h>
#include <strings.h>
#include <unistd.h>

#include "clock.h"
#include "app.h"
#include "tty.h"

#define REVIEW_METHOD_TYPED "typed (line mode)"
#define REVIEW_METHOD_AGREE "typed 'agree' (line mode)"

/* Outcomes of a step of the review besides exit codes. */
#define REVIEW_AGAIN (-1) /* a newer version is current now: review it from the start */
#define REVIEW_HELD (-2)  /* the Terms shown were accepted elsewhere meanwhile: exit 0 */

/* One interactive review: its terminal, what it showed and since when. */
struct review_flow {
	struct review *rv;
	struct tty tty;
	int64_t t0;
	int64_t shown;
	char *viewer;
};

/* ---- state and ledger --------------------------------------------------- */

int
review_load(struct review *rv, struct app *app, bool status)
{
	char *cause = NULL;

	memset(rv, 0, sizeof *rv);
	rv->app = app;
	if ((rv->st = app_store(app, &cause)) == NULL ||
	    consent_current_load(&app->cfg, rv->st, &rv->cur, &cause) != 0 ||
	    (status && consent_status_get(rv->st, rv->cur.terms, &rv->cs, &cause) != 0)) {
		app_error("%s", cause);
		free(cause);
		return EXIT_USAGE;
	}
	return 0;
}

void
review_release(struct review *rv)
{
	consent_status_release(&rv->cs);
	consent_current_release(&rv->cur);
}

/* Say that an act (kind) could not be recorded, and why. */
static void
review_not_recorded(const char *kind, const char *cause)
{
	if (strcmp(kind, "accept") == 0)
		app_error(_("the accept could not be recorded, so it does not count: %s"), cause);
	else if (strcmp(kind, "decline") == 0)
		app_error(_("the decline could not be recorded, so it does not count: %s"), cause);
	else if (strcmp(kind, "withdraw") == 0)
		app_error(_("the withdraw could not be recorded, so it does not count: %s"), cause);
	else
		app_error(_("the answer could not be recorded, so it does not count: %s"), cause);
}

/* review_record(), with the word typed for it (NULL: none). */
static int
review_record_typed(struct review *rv, const char *kind, const char *method, const char *age,
    int64_t shown, const char *viewer, int64_t duration_ms, const char *detail, const char *typed)
{
	struct consent_event ev = {
		.kind = xstrdup(kind),
		.method = xstrdup(method),
		.age_answer = xstrdup_or_null(age),
		.shown_bytes = shown,
		.duration_ms = duration_ms,
		.viewer = xstrdup_or_null(viewer),
		.detail = xstrdup_or_null(detail),
		.typed = xstrdup_or_null(typed),
	};
	char *cause = NULL;
	int r = consent_record(rv->st, rv->cur.terms, &ev, &cause);

	if (r != 0) {
		review_not_recorded(kind, cause);
		free(cause);
	}
	consent_event_release(&ev);
	return r;
}

int
review_record(struct review *rv, const char *kind, const char *method, const char *age,
    int64_t shown, const char *viewer, int64_t duration_ms, const char *detail)
{
	return review_record_typed(rv, kind, method, age, shown, viewer, duration_ms, detail, NULL);
}

/* ---- what changed -------------------------------------------------------- */

/* Print one diff line; a changed span [hs, he) is highlighted on a terminal. */
static void
review_diff_line(FILE *f, const struct terms_diff_line *l, bool color, size_t hs, size_t he)
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
review_diff_pair(FILE *f, const struct terms_diff_line *a, const struct terms_diff_line *b,
    bool color)
{
	size_t pre, suf;

	terms_line_change(a->text, a->len, b->text, b->len, &pre, &suf);
	review_diff_line(f, a, color, pre, a->len - suf);
	review_diff_line(f, b, color, pre, b->len - suf);
	if (!color && a->len - suf - pre < 120 && b->len - suf - pre < 120)
		fprintf(f, _("  (changed: \"%.*s\" -> \"%.*s\")\n"), (int)(a->len - suf - pre),
		    a->text + pre, (int)(b->len - suf - pre), b->text + pre);
}

/*
 * Print a changed section's line diff: the changed lines, and the nearest
 * non-blank unchanged line before and after each run of changes.
 */
static void
review_diff_section(FILE *f, const struct terms_section_diff *sd, bool color)
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
			review_diff_pair(f, &l[i], &l[i + 1], color);
			i++;
		} else
			review_diff_line(f, &l[i], color, 0, 0);
		last = i;
	}
	free(show);
}

void
review_diff_print(FILE *f, const struct terms *old, const struct terms *cur,
    const struct terms_diff *d, bool color)
{
	const char *bold = color ? "\033[1m" : "", *off = color ? "\033[m" : "";
	char *points = d->nchanged > 0 ? consent_changed_points(d, old, cur) : NULL;
	size_t i;

	fprintf(f, _("What changed from version %s (last updated %s) to %s (last updated %s):\n"),
	    old->short_hash, old->date_label, cur->short_hash, cur->date_label);
	if (points != NULL)
		/* TRANSLATORS: the %s around the heading turn bold on and off; the last is a list */
		fprintf(f, _("\n%sPoints of the summary in changed sections:%s %s.\n"), bold, off,
		    points);
	else if (d->nchanged > 0)
		fprintf(f, _("\nNo point of the summary lies in a changed section.\n"));
	free(points);
	for (i = 0; i < d->nsections; i++) {
		const struct terms_section_diff *sd = &d->sections[i];

		if (sd->kind == TERMS_SAME)
			continue;
		/* TRANSLATORS: bold on, a section, how it changed, bold off */
		fprintf(f, _("\n%s%s (%s)%s\n"), bold,
		    sd->kind == TERMS_REMOVED ? terms_section_shown(old, sd->old_index) :
						terms_section_shown(cur, sd->new_index),
		    terms_change_shown(sd->kind), off);
		if (sd->kind == TERMS_CHANGED)
			review_diff_section(f, sd, color);
	}
	if (d->nchanged == 0)
		fprintf(f, _("\nOnly the \"Last updated\" date changed (%s -> %s).\n"),
		    old->date_label, cur->date_label);
}

/* ---- show and withdraw --------------------------------------------------- */

int
review_show(struct app *app)
{
	struct review rv;
	const struct terms *t;
	struct tty tty;
	char *cause = NULL, *viewer = NULL;
	int64_t shown;
	int r;

	if ((r = review_load(&rv, app, false)) != 0)
		goto out;
	t = rv.cur.terms;
	if (isatty(STDOUT_FILENO) && tty_open(&tty, &cause) == 0) {
		tty_page(&tty, t->text, t->len, &shown, &viewer);
		tty_close(&tty);
		free(viewer);
	} else {
		/* Not a terminal: the canonical bytes, what the version hash is of. */
		free(cause);
		fwrite(t->canon, 1, t->canon_len, stdout);
	}
out:
	review_release(&rv);
	return r;
}

int
review_withdraw(struct app *app)
{
	struct review rv;
	char *cause = NULL;
	int r, w;

	if ((r = review_load(&rv, app, false)) != 0)
		goto out;
	if ((w = consent_withdraw(rv.st, rv.cur.terms, "command", NULL, &cause)) < 0) {
		review_not_recorded("withdraw", cause);
		r = EXIT_USAGE;
	} else if (w == 0)
		printf("%s\n", cause);
	else
		printf(
		    _("Consent withdrawn. Nothing will be sent to the model until you accept the "
		      "Terms again with 'confab terms'.\n"));
	free(cause);
out:
	review_release(&rv);
	return r;
}

/* ---- the review ---------------------------------------------------------- */

/* The Terms shown were accepted elsewhere meanwhile: say that the act (kind) is not recorded. */
static void
review_held(struct review_flow *f, const char *kind)
{
	const char *v = f->rv->cur.terms->short_hash;

	if (strcmp(kind, "accept") == 0)
		fprintf(f->tty.out,
		    _("\nThese Terms (version %s) were accepted elsewhere while you "
		      "were reading them, so nothing more was recorded: they are accepted.\n"),
		    v);
	else if (strcmp(kind, "decline") == 0)
		fprintf(f->tty.out,
		    _("\nThe Terms (version %s) were accepted elsewhere while you were "
		      "reading them, so your decline was not recorded: they stay accepted. 'confab "
		      "terms withdraw' withdraws that consent.\n"),
		    v);
	else
		fprintf(f->tty.out,
		    _("\nThe Terms (version %s) were accepted elsewhere while you were "
		      "reading them, so your answer was not recorded: they are accepted.\n"),
		    v);
}

/*
 * Before an act (kind) is recorded: the current Terms and the ledger read
 * afresh. 0: record it. Otherwise, said: REVIEW_HELD when the Terms shown
 * were accepted elsewhere meanwhile; REVIEW_AGAIN when another version is
 * current now (loaded, to be reviewed); EXIT_USAGE when they cannot be read.
 */
static int
review_fresh(struct review_flow *f, const char *kind)
{
	struct review *rv = f->rv;
	struct app *app = rv->app;
	enum consent_recheck rc = CONSENT_RECHECK_SAME;
	char *cause = NULL, *old;
	int r;

	if (consent_recheck(&app->cfg, rv->st, rv->cur.terms, &rc, &cause) != 0) {
		review_not_recorded(kind, cause);
		free(cause);
		return EXIT_USAGE;
	}
	if (rc == CONSENT_RECHECK_SAME)
		return 0;
	if (rc == CONSENT_RECHECK_ACCEPTED) {
		review_held(f, kind);
		return REVIEW_HELD;
	}
	old = xstrdup(rv->cur.terms->short_hash);
	review_release(rv);
	if ((r = review_load(rv, app, true)) == 0) {
		if (strcmp(kind, "accept") == 0)
			fprintf(f->tty.out,
			    _("\nThe Terms changed while you read them: version %s (last updated "
			      "%s) is current now, so your accept to version %s was not "
			      "recorded.\n\n"),
			    rv->cur.terms->short_hash, rv->cur.terms->date_label, old);
		else if (strcmp(kind, "decline") == 0)
			fprintf(f->tty.out,
			    _("\nThe Terms changed while you read them: version %s (last updated "
			      "%s) is current now, so your decline to version %s was not "
			      "recorded.\n\n"),
			    rv->cur.terms->short_hash, rv->cur.terms->date_label, old);
		else
			fprintf(f->tty.out,
			    _("\nThe Terms changed while you read them: version %s (last updated "
			      "%s) is current now, so your answer to version %s was not "
			      "recorded.\n\n"),
			    rv->cur.terms->short_hash, rv->cur.terms->date_label, old);
		f->shown = 0;
		free(f->viewer);
		f->viewer = xstrdup("summary");
		r = REVIEW_AGAIN;
	}
	free(old);
	return r;
}

/*
 * Record an act of the review, with what it showed and how long it has been
 * open, once the ledger is read afresh (review_fresh). 0 when recorded, else
 * what review_fresh returned, or EXIT_USAGE when it was not recorded.
 */
static int
review_flow_record(struct review_flow *f, const char *kind, const char *method, const char *age,
    const char *detail, const char *typed)
{
	int r = review_fresh(f, kind);

	if (r != 0)
		return r;
	if (review_record_typed(f->rv, kind, method, age, f->shown, f->viewer, clock_ms() - f->t0,
		detail, typed) != 0)
		return EXIT_USAGE;
	return 0;
}

/* Record a decline and say so: EXIT_CONSENT, or what review_flow_record returned. */
static int
review_decline(struct review_flow *f, const char *detail, const char *typed)
{
	int r = review_flow_record(f, "decline", REVIEW_METHOD_TYPED, NULL, detail, typed);

	if (r != 0)
		return r;
	fprintf(f->tty.out,
	    _("\nDeclined and recorded. Nothing will be sent to the model. Run "
	      "'confab terms' when you want to review the Terms again.\n"));
	return EXIT_CONSENT;
}

/*
 * End of input: there is no one left to ask. Only an answer declines, so
 * nothing is recorded; the Terms stay not accepted and nothing was sent.
 */
static int
review_no_answer(struct review_flow *f)
{
	fprintf(f->tty.out,
	    _("\nNo answer (end of input): nothing was recorded, and nothing will "
	      "be sent to the model. Run 'confab terms' when you want to review the Terms.\n"));
	return EXIT_CONSENT;
}

/* Print the summary of what is being agreed to. */
static void
review_summary(struct tty *tty, const struct terms *t)
{
	const char *b = tty->color ? "\033[1m" : "", *o = tty->color ? "\033[m" : "";
	char *privacy = terms_privacy_url(t);
	int rows, cols;
	size_t i;

	tty_size(tty, &rows, &cols);
	if (cols > 100)
		cols = 100;
	fprintf(tty->out, "\n%s%s%s\n", b, t->title, o);
	fprintf(tty->out, _("Last updated %s, version %s. %zu sections, %zu bytes.\n"),
	    t->date_label, t->short_hash, t->nsections - 1, t->len);
	fputc('\n', tty->out);
	tty_wrap(tty->out, _(consent_summary_intro), cols - 1, 0);
	fputc('\n', tty->out);
	for (i = 0; i < consent_summary_len; i++) {
		/* the clause is ASCII ("III.4"): padding by bytes is padding by columns */
		fprintf(tty->out, "  %s%-6s%s", b, consent_summary[i].clause, o);
		tty_wrap(tty->out, _(consent_summary[i].text), cols - 1, 8);
	}
	if (strcmp(i18n_language(), "en") != 0) {
		fputc('\n', tty->out);
		tty_wrap(tty->out, _(consent_summary_translated), cols - 1, 0);
	}
	if (privacy != NULL)
		fprintf(tty->out, _("\nPrivacy Policy: %s\n"), privacy);
	free(privacy);
}

/*
 * Before the questions: what changed (when the accepted text is older), the
 * summary, and the full text on request. false at end of input.
 */
static bool
review_present(struct review_flow *f)
{
	const struct review *rv = f->rv;
	const struct terms *t = rv->cur.terms;
	char *a;

	if (rv->cs.state == CONSENT_OUTDATED) {
		fprintf(f->tty.out, _("The Terms changed since you accepted them on %.10s.\n\n"),
		    rv->cs.accepted.at);
		review_diff_print(f->tty.out, rv->cs.accepted_terms, t, rv->cs.diff, f->tty.color);
		free(f->viewer);
		f->viewer = xstrdup("summary and diff of the changes");
	}
	review_summary(&f->tty, t);
	a = tty_ask(&f->tty,
	    _("\nType 'read' to read the full text now, or press Enter to go on: "));
	if (a == NULL)
		return false;
	if (strcasecmp(a, "read") == 0) {
		free(f->viewer);
		tty_page(&f->tty, t->text, t->len, &f->shown, &f->viewer);
	}
	free(a);
	return true;
}

/* Ask until the answer is yes or no; NULL at end of file. */
static char *
review_ask_age(struct tty *tty)
{
	/* TRANSLATORS: %s is the age question; the words typed are yes and no */
	char *q = xasprintf(_("\n%s Type yes or no: "), _(consent_age_question)), *a;

	while ((a = tty_ask(tty, q)) != NULL && !consent_word_is(a, CONSENT_WORD_YES) &&
	    !consent_word_is(a, CONSENT_WORD_NO)) {
		fprintf(tty->out, _("Please type yes or no.\n"));
		free(a);
	}
	free(q);
	return a;
}

/* The age question, its answer recorded: 0 to go on, else the outcome of the review. */
static int
review_age(struct review_flow *f)
{
	char *a = review_ask_age(&f->tty), *typed, *msg;
	bool yes;
	int r;

	if (a == NULL)
		return review_no_answer(f);
	yes = consent_word_is(a, CONSENT_WORD_YES);
	typed = consent_word_trim(a);
	r = review_flow_record(f, "age", REVIEW_METHOD_TYPED, yes ? "yes" : "no", NULL, typed);
	if (r == 0 && !yes) {
		/* The message, as a sentence (in English: capitalised, a final period). */
		msg = xstrdup(_(consent_underage));
		if ((unsigned char)msg[0] < 0x80)
			msg[0] = (char)toupper((unsigned char)msg[0]);
		/* TRANSLATORS: %s is a message (no final period), printed as a sentence */
		fprintf(f->tty.out, _("\n%s.\n"), msg);
		free(msg);
		r = review_decline(f, "under the minimum age (Terms I.1)", typed);
	}
	free(typed);
	free(a);
	return r;
}

/* Ask until the answer is agree, or decline (or no); NULL at end of file. */
static char *
review_ask_agree(struct tty *tty)
{
	char *a;

	while ((a = tty_ask(tty, _("Type agree or decline: "))) != NULL &&
	    !consent_word_is(a, CONSENT_WORD_AGREE) && !consent_word_is(a, CONSENT_WORD_DECLINE)) {
		if (*a == '\0')
			fprintf(tty->out,
			    _("Please type agree to accept the Terms, or decline to "
			      "decline them.\n"));
		else
			fprintf(tty->out,
			    _("'%.40s' is not an answer: type agree to accept the Terms, "
			      "or decline to decline them.\n"),
			    a);
		free(a);
	}
	return a;
}

/* Typing agree accepts; decline (or no) declines; anything else asks again. */
static int
review_agree(struct review_flow *f)
{
	const struct terms *t = f->rv->cur.terms;
	char *a, *detail, *typed;
	int r;

	fprintf(f->tty.out,
	    _("\nTo accept the Terms (version %s, last updated %s), type agree; to "
	      "decline them, type decline.\n"),
	    t->short_hash, t->date_label);
	if ((a = review_ask_agree(&f->tty)) == NULL)
		return review_no_answer(f);
	typed = consent_word_trim(a);
	if (!consent_word_is(a, CONSENT_WORD_AGREE)) {
		detail = xasprintf("typed '%s'", typed);
		r = review_decline(f, detail, typed);
		free(detail);
	} else if ((r = review_flow_record(f, "accept", REVIEW_METHOD_AGREE, "yes", NULL, typed)) ==
	    0) {
		fprintf(f->tty.out,
		    _("\nAccepted and recorded in your consent ledger. You can "
		      "withdraw at any time with 'confab terms withdraw'.\n"));
		r = EXIT_OK;
	}
	free(typed);
	free(a);
	return r;
}

/* One pass of the review on an open terminal (REVIEW_AGAIN: once more, for newer Terms). */
static int
review_flow_once(struct review_flow *f)
{
	const struct review *rv = f->rv;
	const struct terms *t = rv->cur.terms;
	char *when;
	int r;

	if (rv->cs.state == CONSENT_ACCEPTED) {
		when = consent_when(rv->cs.last.at);
		fprintf(f->tty.out,
		    _("You accepted these Terms (version %s, last updated %s) on %s. "
		      "Nothing to do.\n'confab terms show' prints them; 'confab terms withdraw' "
		      "withdraws your consent.\n"),
		    t->short_hash, t->date_label, when);
		free(when);
		return EXIT_OK;
	}
	if (!review_present(f))
		return review_no_answer(f);
	if ((r = review_age(f)) != 0)
		return r;
	return review_agree(f);
}

/* The review on an open terminal, again when newer Terms became current meanwhile. */
static int
review_flow_run(struct review_flow *f)
{
	int r;

	while ((r = review_flow_once(f)) == REVIEW_AGAIN)
		;
	return r == REVIEW_HELD ? EXIT_OK : r;
}

int
review_run(struct app *app)
{
	struct review rv;
	struct review_flow f = { .rv = &rv, .viewer = xstrdup("summary") };
	char *cause = NULL;
	int r;

	if ((r = review_load(&rv, app, true)) != 0)
		goto out;
	if (tty_open(&f.tty, &cause) != 0) {
		app_error(
		    _("'terms review' asks on a terminal, and there is none (%s); in a script "
		      "use 'confab terms accept --sha256 %s --adult' after reading 'confab terms "
		      "show'"),
		    cause, rv.cur.terms->short_hash);
		free(cause);
		r = EXIT_USAGE;
		goto out;
	}
	f.t0 = clock_ms();
	r = review_flow_run(&f);
	tty_close(&f.tty);
out:
	free(f.viewer);
	review_release(&rv);
	return r;
}
