/* consent-fetch.c: fetching the Terms from their URL, and the daily check for a change. */
#include "common.h"
#include "caps.h"

#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "buf.h"
#include "consent.h"
#include "consent-internal.h"
#include "http.h"

#define CONSENT_CHECK_EVERY_S (24 * 60 * 60)

/* ---- fetching the Terms ----------------------------------------------------- */

static char *
consent_meta_key(const char *what, const char *url)
{
	return xasprintf("terms_url.%s %s", what, url);
}

/* Store a fetched text as the version now current from url. */
static int
consent_fetch_record(struct store *st, const char *url, const struct terms *t,
    const struct http_result *res, char **cause)
{
	char *k_sha = consent_meta_key("sha256", url);
	char *k_etag = consent_meta_key("etag", url);
	char *k_lm = consent_meta_key("last_modified", url);
	int r = -1;

	if (store_begin(st, cause) != 0)
		goto out;
	if (store_terms_put(st, t->sha256, t->date_label, t->canon, t->canon_len, url, cause) !=
		0 ||
	    store_meta_set(st, k_sha, t->sha256, cause) != 0 ||
	    store_meta_set(st, k_etag, res->etag != NULL ? res->etag : "", cause) != 0 ||
	    store_meta_set(st, k_lm, res->last_modified != NULL ? res->last_modified : "", cause) !=
		0 ||
	    store_commit(st, cause) != 0)
		store_rollback(st);
	else
		r = 0;
out:
	free(k_sha);
	free(k_etag);
	free(k_lm);
	return r;
}

/*
 * The version stored for url, when its text is still usable: a text past
 * today's bounds (stored before them) is fetched again, not revalidated, so
 * that a 304 cannot keep it current.
 */
static char *
consent_fetch_old(struct store *st, const char *key)
{
	char *sha = store_meta_get(st, key), *body, *why = NULL;
	struct terms *t = NULL;
	size_t len;

	if (sha != NULL && (body = store_terms_get(st, sha, &len, &why)) != NULL) {
		t = terms_parse(body, len, &why);
		free(body);
	}
	free(why);
	if (t == NULL) {
		free(sha);
		return NULL;
	}
	terms_free(t);
	return sha;
}

void
consent_fetch(const char *url, struct store *st, long timeout_s, struct consent_fetch *f)
{
	char *k_sha = consent_meta_key("sha256", url), *k_etag = consent_meta_key("etag", url);
	char *k_lm = consent_meta_key("last_modified", url),
	     *k_check = consent_meta_key("checked", url);
	char *old = consent_fetch_old(st, k_sha), *etag = store_meta_get(st, k_etag);
	char *lm = store_meta_get(st, k_lm), *now, *why = NULL;
	struct http_get_opts opts = {
		.if_none_match = old != NULL && etag != NULL && *etag != '\0' ? etag : NULL,
		.if_modified_since = old != NULL && lm != NULL && *lm != '\0' ? lm : NULL,
		.timeout_s = timeout_s,
		.max_body = TERMS_FILE_MAX,
	};
	struct http_result res;
	struct terms *t = NULL;

	memset(f, 0, sizeof *f);
	if (http_get(url, &opts, &res, &f->cause) != 0 && res.outcome == HTTP_TOO_BIG) {
		free(f->cause);
		f->result = CONSENT_FETCH_UNUSABLE;
		f->cause = xasprintf(_("the text at %s is not usable Terms: it is larger than "
				       "%zu bytes, more than a Terms text can be"),
		    url, TERMS_FILE_MAX);
		goto out;
	} else if (f->cause != NULL) {
		f->result = CONSENT_FETCH_UNREACHABLE;
		goto out;
	}
	now = store_now();
	store_meta_set(st, k_check, now, &why);
	free(now);
	free(why);
	why = NULL;
	if (res.status == 304 && old != NULL) {
		f->result = CONSENT_FETCH_NOT_MODIFIED;
		snprintf(f->short_hash, sizeof f->short_hash, "%.12s", old);
	} else if (res.status >= 300 && res.status < 400) {
		f->result = CONSENT_FETCH_REDIRECT;
		f->cause = xasprintf(_("fetching %s failed: HTTP %ld (a redirect)"), url,
		    res.status);
	} else if (res.status != 200) {
		f->result = CONSENT_FETCH_HTTP_ERROR;
		f->cause = xasprintf(_("fetching %s failed: HTTP %ld"), url, res.status);
	} else if ((t = terms_parse(res.body.data, res.body.len, &why)) == NULL) {
		f->result = CONSENT_FETCH_UNUSABLE;
		/* TRANSLATORS: %1$s is a URL, %2$s what is wrong with the text. */
		f->cause = xasprintf(_("the text at %s is not usable Terms: %s"), url, why);
	} else if (consent_fetch_record(st, url, t, &res, &f->cause) != 0) {
		f->result = CONSENT_FETCH_STORE_ERROR;
	} else {
		f->result = old != NULL && strcmp(old, t->sha256) == 0 ? CONSENT_FETCH_SAME :
									 CONSENT_FETCH_NEW;
		memcpy(f->short_hash, t->short_hash, sizeof f->short_hash);
		f->date_label = xstrdup(t->date_label);
	}
out:
	terms_free(t);
	http_result_release(&res);
	free(why);
	free(old);
	free(etag);
	free(lm);
	free(k_sha);
	free(k_etag);
	free(k_lm);
	free(k_check);
}

void
consent_fetch_release(struct consent_fetch *f)
{
	free(f->date_label);
	free(f->cause);
	memset(f, 0, sizeof *f);
}

/* Seconds since the stored UTC time at, or a large number when unknown. */
static long
consent_age_s(const char *at)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	if (at == NULL || strptime(at, "%Y-%m-%dT%H:%M:%S", &tm) == NULL)
		return LONG_MAX;
	return (long)(time(NULL) - timegm(&tm));
}

void
consent_daily_check(const struct config *cfg, struct store *st)
{
	const char *url = config_get(cfg, CONFIG_TERMS_URL);
	struct consent_fetch f;
	char *key, *last;
	long age;

	if (url == NULL || config_get(cfg, CONFIG_TERMS_FILE) != NULL)
		return;
	key = consent_meta_key("checked", url);
	last = store_meta_get(st, key);
	age = consent_age_s(last);
	free(key);
	free(last);
	if (age >= 0 && age < CONSENT_CHECK_EVERY_S)
		return;
	key = consent_meta_key("sha256", url);
	last = store_meta_get(st, key);
	consent_fetch(url, st, CONSENT_CHECK_TIMEOUT_S, &f);
	if (f.result == CONSENT_FETCH_NEW)
		/* TRANSLATORS: a URL, the new version (12 hex digits) and its date. */
		app_note(_("confab: the Terms at %s changed (version %s, last updated %s)\n"), url,
		    f.short_hash, f.date_label);
	else if (f.result == CONSENT_FETCH_UNUSABLE && last != NULL)
		/* TRANSLATORS: %1$s says why the fetch failed; %2$.12s is a version. */
		app_note(
		    _("confab: warning: %s; the version fetched before (%.12s) stays current\n"),
		    f.cause, last);
	else if (f.cause != NULL && last == NULL)
		app_note(_("confab: warning: %s\n"), f.cause);
	consent_fetch_release(&f);
	free(key);
	free(last);
}
