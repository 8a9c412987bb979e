/* consent.c: current Terms, consent state, the gate, withdrawing and rechecking consent. */
#include "common.h"
#include "caps.h"

#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "consent.h"
#include "consent-internal.h"
#include "http.h"

#define BUNDLED_TERMS "qwen-chat-terms-2025-03-01.md"

char *
consent_when(const char *at)
{
	if (at == NULL || strlen(at) < 16)
		return xstrdup("?");
	return xasprintf("%.10s %.5s UTC", at, at + 11);
}

void
consent_event_release(struct consent_event *ev)
{
	free(ev->kind);
	free(ev->terms_sha256);
	free(ev->terms_date);
	free(ev->method);
	free(ev->age_answer);
	free(ev->at);
	free(ev->os_user);
	free(ev->client_version);
	free(ev->viewer);
	free(ev->detail);
	free(ev->prev_hash);
	free(ev->hash);
	free(ev->endpoint);
	free(ev->typed);
	free(ev->language);
	memset(ev, 0, sizeof *ev);
}

void
consent_event_copy(struct consent_event *dst, const struct consent_event *src)
{
#define DUP(f) dst->f = xstrdup_or_null(src->f)
	*dst = *src;
	DUP(kind);
	DUP(terms_sha256);
	DUP(terms_date);
	DUP(method);
	DUP(age_answer);
	DUP(at);
	DUP(os_user);
	DUP(client_version);
	DUP(viewer);
	DUP(detail);
	DUP(prev_hash);
	DUP(hash);
	DUP(endpoint);
	DUP(typed);
	DUP(language);
#undef DUP
}

const char *
consent_state_name(enum consent_state s)
{
	switch (s) {
	case CONSENT_NONE:
		return "NONE";
	case CONSENT_ACCEPTED:
		return "ACCEPTED";
	case CONSENT_OUTDATED:
		return "OUTDATED";
	case CONSENT_WITHDRAWN:
		return "WITHDRAWN";
	case CONSENT_DECLINED:
		return "DECLINED";
	}
	return "?";
}

/* Read and parse a Terms file. */
static struct terms *
consent_read_terms(const char *path, char **cause)
{
	struct buf b;
	struct terms *t = NULL;
	char *why = NULL;

	buf_init(&b, TERMS_FILE_MAX);
	if (buf_read_regular(&b, path, &why) != 0)
		*cause = xasprintf(_("cannot load the Terms: %s"), why);
	else if ((t = terms_parse(b.data, b.len, &why)) == NULL)
		*cause = xasprintf(_("Terms file '%s' is not usable: %s"), path, why);
	free(why);
	buf_release(&b);
	return t;
}

/*
 * The newest text fetched from terms_url. Never the bundled Terms instead:
 * they are not the ones the URL names, and consent to them would be consent
 * to the wrong text. So nothing fetched yet, or a stored text past the
 * bounds, is an error that names the URL and says what to do.
 */
static int
consent_current_from_url(const struct config *cfg, struct store *st, const char *url,
    struct consent_current *cur, char **cause)
{
	const char *from = cfg->origin[CONFIG_TERMS_URL];
	char *key = xasprintf("terms_url.sha256 %s", url), *sha, *body = NULL, *why = NULL;
	size_t len;

	sha = st != NULL ? store_meta_get(st, key) : NULL;
	if (sha == NULL)
		/* TRANSLATORS: the first %s is a URL, the second where it was set */
		*cause = xasprintf(
		    _("no Terms have been fetched from terms_url %s (from %s), so the "
		      "Terms that govern this endpoint are not known and nothing can be sent; run "
		      "'confab terms update' to fetch them (it says what goes wrong), or remove "
		      "terms_url to use the bundled Terms"),
		    url, from);
	else if ((body = store_terms_get(st, sha, &len, &why)) == NULL)
		*cause = xasprintf(
		    _("the Terms fetched from terms_url %s (version %.12s) cannot be "
		      "read from the store: %s; run 'confab terms update' to fetch them again"),
		    url, sha, why);
	else if ((cur->terms = terms_parse(body, len, &why)) == NULL)
		*cause = xasprintf(
		    _("the Terms fetched from terms_url %s (version %.12s) are not "
		      "usable: %s; confab does not use the bundled Terms in their place; run "
		      "'confab terms update' when the provider serves a usable text, or remove "
		      "terms_url to use the bundled Terms"),
		    url, sha, why);
	else
		cur->source = xasprintf("%s (fetched; see 'confab terms update')", url);
	free(key);
	free(sha);
	free(body);
	free(why);
	return cur->terms != NULL ? 0 : -1;
}

int
consent_current_load(const struct config *cfg, struct store *st, struct consent_current *cur,
    char **cause)
{
	const char *file = config_get(cfg, CONFIG_TERMS_FILE);
	const char *url = config_get(cfg, CONFIG_TERMS_URL);
	char *path = NULL;

	memset(cur, 0, sizeof *cur);
	if (file != NULL) {
		cur->terms = consent_read_terms(file, cause);
		cur->source = xasprintf("%s (from %s)", file, cfg->origin[CONFIG_TERMS_FILE]);
		if (cur->terms != NULL)
			return 0;
		consent_current_release(cur);
		return -1;
	}
	if (url != NULL)
		return consent_current_from_url(cfg, st, url, cur, cause);
	path = xasprintf("%s/%s", cfg->pkgdatadir, BUNDLED_TERMS);
	cur->terms = consent_read_terms(path, cause);
	cur->source = xasprintf("%s (bundled)", path);
	free(path);
	if (cur->terms != NULL)
		return 0;
	consent_current_release(cur);
	return -1;
}

void
consent_current_release(struct consent_current *cur)
{
	terms_free(cur->terms);
	free(cur->source);
	memset(cur, 0, sizeof *cur);
}

/* Keep the first event fn sees (used with a reverse walk: the newest). */
int
consent_take_first(const struct consent_event *ev, void *arg)
{
	consent_event_copy(arg, ev);
	return 1;
}

void
consent_around_release(struct consent_around *a)
{
	consent_event_release(&a->prev);
	consent_event_release(&a->next);
	consent_event_release(&a->newest);
	memset(a, 0, sizeof *a);
}

/* Walking the ledger newest first: the last decisive event and the events around it. */
struct consent_walk {
	struct consent_status *cs;
	struct consent_event later; /* the event seen before this one */
	bool found;
};

static int
consent_walk_one(const struct consent_event *ev, void *arg)
{
	struct consent_walk *w = arg;
	struct consent_status *cs = w->cs;

	if (w->found) {
		consent_event_copy(&cs->around.prev, ev);
		return 1;
	}
	if (ev->kind != NULL &&
	    (strcmp(ev->kind, "accept") == 0 || strcmp(ev->kind, "decline") == 0 ||
		strcmp(ev->kind, "withdraw") == 0)) {
		consent_event_copy(&cs->last, ev);
		if (w->later.kind != NULL)
			consent_event_copy(&cs->around.next, &w->later);
		w->found = true;
		return 0;
	}
	if (cs->around.newest.kind == NULL)
		consent_event_copy(&cs->around.newest, ev);
	consent_event_release(&w->later);
	consent_event_copy(&w->later, ev);
	return 0;
}

int
consent_status_get(struct store *st, const struct terms *current, struct consent_status *cs,
    char **cause)
{
	static const char *const accepts[] = { "accept", NULL };
	char *body, *why = NULL;
	size_t len;

	struct consent_walk w = { .cs = cs };
	int r;

	memset(cs, 0, sizeof *cs);
	r = store_ledger_each(st, NULL, 1, consent_walk_one, &w, cause);
	consent_event_release(&w.later);
	if (r != 0 ||
	    store_ledger_each(st, accepts, 1, consent_take_first, &cs->accepted, cause) != 0)
		return -1;
	cs->around.known = true;
	if (cs->last.kind == NULL)
		cs->state = CONSENT_NONE;
	else if (strcmp(cs->last.kind, "withdraw") == 0)
		cs->state = CONSENT_WITHDRAWN;
	else if (strcmp(cs->last.kind, "decline") == 0)
		cs->state = CONSENT_DECLINED;
	else if (strcmp(cs->last.terms_sha256, current->sha256) == 0)
		cs->state = CONSENT_ACCEPTED;
	else
		cs->state = CONSENT_OUTDATED;
	if (cs->accepted.kind == NULL || strcmp(cs->accepted.terms_sha256, current->sha256) == 0)
		return 0;
	body = store_terms_get(st, cs->accepted.terms_sha256, &len, &why);
	if (body == NULL) {
		if (why != NULL)
			*cause = xasprintf(_("the accepted Terms text %.12s is missing from the "
					     "store: %s"),
			    cs->accepted.terms_sha256, why);
		else
			*cause =
			    xasprintf(_("the accepted Terms text %.12s is missing from the store"),
				cs->accepted.terms_sha256);
		free(why);
		return -1;
	}
	cs->accepted_terms = terms_parse(body, len, &why);
	free(body);
	if (cs->accepted_terms == NULL) {
		*cause = xasprintf(_("the accepted Terms text %.12s cannot be read: %s"),
		    cs->accepted.terms_sha256, why);
		free(why);
		return -1;
	}
	cs->diff = terms_diff(cs->accepted_terms, current);
	return 0;
}

void
consent_status_release(struct consent_status *cs)
{
	consent_event_release(&cs->last);
	consent_around_release(&cs->around);
	consent_event_release(&cs->accepted);
	terms_diff_free(cs->diff);
	terms_free(cs->accepted_terms);
	memset(cs, 0, sizeof *cs);
}

/* "III. User Content (changed), XIV. New (added)" for the changed sections. */
static char *
consent_changed_list(const struct terms_diff *d, const struct terms *old, const struct terms *cur)
{
	struct buf b;
	size_t i;

	buf_init(&b, 0);
	for (i = 0; i < d->nsections; i++) {
		const struct terms_section_diff *sd = &d->sections[i];

		if (sd->kind == TERMS_SAME)
			continue;
		if (b.len != 0)
			/* TRANSLATORS: between the sections of a list */
			buf_adds(&b, _(", "));
		/* TRANSLATORS: a section and how it changed: "III. User Content (changed)" */
		buf_addf(&b, _("%s (%s)"),
		    sd->kind == TERMS_REMOVED ? terms_section_shown(old, sd->old_index) :
						terms_section_shown(cur, sd->new_index),
		    terms_change_shown(sd->kind));
	}
	if (b.len == 0)
		buf_adds(&b, _("only the \"Last updated\" date"));
	return buf_detach(&b, NULL);
}

int
consent_gate(struct store *st, const struct terms *current, char **cause)
{
	struct consent_status cs;
	char *list, *why = NULL;

	if (st == NULL || current == NULL) {
		*cause = xstrdup(_("consent cannot be checked; nothing was sent"));
		return -1;
	}
	if (consent_status_get(st, current, &cs, &why) != 0) {
		*cause = xasprintf(_("consent cannot be checked (%s); nothing was sent"), why);
		free(why);
		consent_status_release(&cs);
		return -1;
	}
	switch (cs.state) {
	case CONSENT_ACCEPTED:
		/* The gate opens on one event: check it is the one confab wrote. */
		if (consent_chain_check(st, &cs.last, &cs.around, cause) != 0)
			break;
		consent_status_release(&cs);
		return 0;
	case CONSENT_NONE:
		*cause = xasprintf(_("you have not accepted the Terms of Service (last updated %s, "
				     "version %s); run 'confab terms' to read and accept them"),
		    current->date_label, current->short_hash);
		break;
	case CONSENT_OUTDATED:
		list = consent_changed_list(cs.diff, cs.accepted_terms, current);
		/* TRANSLATORS: the last %s lists the changed sections */
		*cause = xasprintf(
		    _("the Terms of Service changed since you accepted them (last "
		      "updated %s, now %s): %s; run 'confab terms' to review the changes and "
		      "accept them"),
		    cs.accepted_terms->date_label, current->date_label, list);
		free(list);
		break;
	case CONSENT_WITHDRAWN:
		*cause = xasprintf(_("you withdrew your consent to the Terms of Service on %.10s; "
				     "run 'confab terms' to accept them again"),
		    cs.last.at);
		break;
	case CONSENT_DECLINED:
		*cause = xasprintf(_("you declined the Terms of Service on %.10s; run 'confab "
				     "terms' to review and accept them"),
		    cs.last.at);
		break;
	}
	consent_status_release(&cs);
	return -1;
}

int
consent_withdraw(struct store *st, const struct terms *current, const char *method,
    const char *typed, char **cause)
{
	struct consent_event ev = {
		.kind = xstrdup("withdraw"),
		.method = xstrdup(method),
		.typed = xstrdup_or_null(typed),
		.shown_bytes = -1,
		.duration_ms = -1,
	};
	struct consent_status cs;
	int r = -1;

	if (consent_status_get(st, current, &cs, cause) != 0)
		goto out;
	if (cs.state != CONSENT_ACCEPTED && cs.state != CONSENT_OUTDATED) {
		/* TRANSLATORS: %s is a state name: NONE, WITHDRAWN, DECLINED */
		*cause = xasprintf(_("there is no consent to withdraw (state %s); nothing is sent "
				     "to the model"),
		    consent_state_name(cs.state));
		r = 0;
	} else if (consent_record(st, current, &ev, cause) == 0)
		r = 1;
	consent_status_release(&cs);
out:
	consent_event_release(&ev);
	return r;
}

int
consent_recheck(const struct config *cfg, struct store *st, const struct terms *shown,
    enum consent_recheck *out, char **cause)
{
	struct consent_current cur;
	struct consent_status cs;

	if (consent_current_load(cfg, st, &cur, cause) != 0)
		return -1;
	if (strcmp(cur.terms->sha256, shown->sha256) != 0) {
		*out = CONSENT_RECHECK_NEWER;
		consent_current_release(&cur);
		return 0;
	}
	consent_current_release(&cur);
	if (consent_status_get(st, shown, &cs, cause) != 0) {
		consent_status_release(&cs);
		return -1;
	}
	*out = cs.state == CONSENT_ACCEPTED ? CONSENT_RECHECK_ACCEPTED : CONSENT_RECHECK_SAME;
	consent_status_release(&cs);
	return 0;
}
