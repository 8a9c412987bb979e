/* store-ledger.c: the consent ledger rows: the head, appending, walking, neighbours. */
#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "consent.h"
#include "store.h"
#include "store-internal.h"

char *
store_ledger_head(struct store *st, char **cause)
{
	sqlite3_stmt *s = store_prepare(st,
	    "SELECT hash FROM consent_events ORDER BY id DESC LIMIT 1", cause);
	char *h = NULL;
	int rc;

	if (s == NULL)
		return NULL;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		h = xstrdup((const char *)sqlite3_column_text(s, 0));
	else if (rc == SQLITE_DONE)
		h = xasprintf("%064d", 0);
	else
		store_fail(st, _("reading the consent ledger"), cause);
	sqlite3_finalize(s);
	return h;
}

int
store_ledger_insert(struct store *st, struct consent_event *ev, char **cause)
{
	sqlite3_stmt *s = store_prepare(st,
	    "INSERT INTO consent_events (kind, terms_sha256, "
	    "terms_date, method, age_answer, at, os_user, client_version, shown_bytes, "
	    "total_bytes, duration_ms, viewer, detail, prev_hash, hash, endpoint, typed, language) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	    cause);
	int r = 0;

	if (s == NULL)
		return -1;
	store_bind_opt(s, 1, ev->kind);
	store_bind_opt(s, 2, ev->terms_sha256);
	store_bind_opt(s, 3, ev->terms_date);
	store_bind_opt(s, 4, ev->method);
	store_bind_opt(s, 5, ev->age_answer);
	store_bind_opt(s, 6, ev->at);
	store_bind_opt(s, 7, ev->os_user);
	store_bind_opt(s, 8, ev->client_version);
	store_bind_int_opt(s, 9, ev->shown_bytes);
	store_bind_int_opt(s, 10, ev->total_bytes);
	store_bind_int_opt(s, 11, ev->duration_ms);
	store_bind_opt(s, 12, ev->viewer);
	store_bind_opt(s, 13, ev->detail);
	store_bind_opt(s, 14, ev->prev_hash);
	store_bind_opt(s, 15, ev->hash);
	store_bind_opt(s, 16, ev->endpoint);
	store_bind_opt(s, 17, ev->typed);
	store_bind_opt(s, 18, ev->language);
	if (sqlite3_step(s) != SQLITE_DONE)
		r = store_fail(st, _("appending to the consent ledger"), cause);
	else
		ev->id = sqlite3_last_insert_rowid(st->db);
	sqlite3_finalize(s);
	return r;
}

int
store_ledger_each(struct store *st, const char *const *kinds, int reverse,
    int (*fn)(const struct consent_event *ev, void *arg), void *arg, char **cause)
{
	sqlite3_stmt *s;
	char *sql;
	int rc;

	sql = xasprintf(
	    "SELECT id, kind, terms_sha256, terms_date, method, age_answer, at, "
	    "os_user, client_version, shown_bytes, total_bytes, duration_ms, viewer, detail, "
	    "prev_hash, hash, endpoint, typed, language FROM consent_events ORDER BY id %s",
	    reverse ? "DESC" : "ASC");
	s = store_prepare(st, sql, cause);
	free(sql);
	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct consent_event ev = {
			.id = sqlite3_column_int64(s, 0),
			.kind = store_col_text(s, 1),
			.terms_sha256 = store_col_text(s, 2),
			.terms_date = store_col_text(s, 3),
			.method = store_col_text(s, 4),
			.age_answer = store_col_text(s, 5),
			.at = store_col_text(s, 6),
			.os_user = store_col_text(s, 7),
			.client_version = store_col_text(s, 8),
			.shown_bytes = store_col_int_opt(s, 9),
			.total_bytes = store_col_int_opt(s, 10),
			.duration_ms = store_col_int_opt(s, 11),
			.viewer = store_col_text(s, 12),
			.detail = store_col_text(s, 13),
			.prev_hash = store_col_text(s, 14),
			.hash = store_col_text(s, 15),
			.endpoint = store_col_text(s, 16),
			.typed = store_col_text(s, 17),
			.language = store_col_text(s, 18),
		};
		const char *const *k;

		if (kinds != NULL) {
			for (k = kinds;
			     *k != NULL && strcmp(*k, ev.kind != NULL ? ev.kind : "") != 0; k++)
				;
			if (*k == NULL)
				continue;
		}
		if (fn(&ev, arg) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_fail(st, _("reading the consent ledger"), cause);
		sqlite3_finalize(s);
		return -1;
	}
	sqlite3_finalize(s);
	return 0;
}

/* ---- one ledger event by its neighbour (the consent gate) --------------------- */

/* The event in the row s stands on (strings borrowed from s). */
static void
store_ledger_row(sqlite3_stmt *s, struct consent_event *ev)
{
	memset(ev, 0, sizeof *ev);
	ev->id = sqlite3_column_int64(s, 0);
	ev->kind = store_col_text(s, 1);
	ev->terms_sha256 = store_col_text(s, 2);
	ev->terms_date = store_col_text(s, 3);
	ev->method = store_col_text(s, 4);
	ev->age_answer = store_col_text(s, 5);
	ev->at = store_col_text(s, 6);
	ev->os_user = store_col_text(s, 7);
	ev->client_version = store_col_text(s, 8);
	ev->shown_bytes = store_col_int_opt(s, 9);
	ev->total_bytes = store_col_int_opt(s, 10);
	ev->duration_ms = store_col_int_opt(s, 11);
	ev->viewer = store_col_text(s, 12);
	ev->detail = store_col_text(s, 13);
	ev->prev_hash = store_col_text(s, 14);
	ev->hash = store_col_text(s, 15);
	ev->endpoint = store_col_text(s, 16);
	ev->typed = store_col_text(s, 17);
	ev->language = store_col_text(s, 18);
}

int
store_ledger_next(struct store *st, int64_t id, int later,
    int (*fn)(const struct consent_event *ev, void *arg), void *arg, char **cause)
{
	sqlite3_stmt *s;
	struct consent_event ev;
	char *sql;
	int rc;

	sql = xasprintf(
	    "SELECT id, kind, terms_sha256, terms_date, method, age_answer, at, "
	    "os_user, client_version, shown_bytes, total_bytes, duration_ms, viewer, detail, "
	    "prev_hash, hash, endpoint, typed, language FROM consent_events WHERE id %s ? ORDER BY id %s LIMIT 1",
	    later ? ">" : "<", later ? "ASC" : "DESC");
	s = store_prepare(st, sql, cause);
	free(sql);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		store_ledger_row(s, &ev);
		fn(&ev, arg);
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_fail(st, _("reading the consent ledger"), cause);
		sqlite3_finalize(s);
		return -1;
	}
	sqlite3_finalize(s);
	return 0;
}
