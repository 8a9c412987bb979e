/* store-feedback.c: typed queries for ratings and their delivery outbox. */
#include "common.h"

#include <sqlite3.h>

#include "store.h"
#include "store-internal.h"

/* The store's time format, computed by SQLite: now plus ?N milliseconds. */
#define STORE_FEEDBACK_LATER(n) \
	"strftime('%Y-%m-%dT%H:%M:%fZ', 'now', (?" #n " / 1000.0) || ' seconds')"
#define STORE_FEEDBACK_NOW "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"

/* A copy of column i, or NULL. */
static char *
store_feedback_dup(sqlite3_stmt *s, int i)
{
	const char *v = store_col_text(s, i);

	return v != NULL ? xstrndup(v, (size_t)sqlite3_column_bytes(s, i)) : NULL;
}

void
store_feedback_answer_release(struct store_feedback_answer *a)
{
	free(a->role);
	free(a->model);
	free(a->response_id);
	free(a->content);
	free(a->prompt);
	memset(a, 0, sizeof *a);
}

int
store_feedback_answer_get(struct store *st, int64_t id, struct store_feedback_answer *a,
    char **cause)
{
	sqlite3_stmt *s = store_prepare(st,
	    "SELECT m.id, m.conversation_id, m.role, m.model, "
	    "m.response_id, m.content, (SELECT p.content FROM messages p WHERE "
	    "p.conversation_id = m.conversation_id AND p.id < m.id AND p.role = 'user' "
	    "ORDER BY p.id DESC LIMIT 1) FROM messages m WHERE m.id = ?",
	    cause);
	int rc, r = 0;

	memset(a, 0, sizeof *a);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		a->message_id = sqlite3_column_int64(s, 0);
		a->conversation_id = sqlite3_column_int64(s, 1);
		a->role = store_feedback_dup(s, 2);
		a->model = store_feedback_dup(s, 3);
		a->response_id = store_feedback_dup(s, 4);
		a->content = store_feedback_dup(s, 5);
		a->prompt = store_feedback_dup(s, 6);
		r = 1;
	} else if (rc != SQLITE_DONE)
		/* TRANSLATORS: what the store was doing when it failed (store 'FILE': WHAT: ERROR). */
		r = store_fail(st, _("reading a message"), cause);
	sqlite3_finalize(s);
	return r;
}

int64_t
store_feedback_last_answer(struct store *st, char **cause)
{
	sqlite3_stmt *s = store_prepare(st, "SELECT max(id) FROM messages WHERE role = 'assistant'",
	    cause);
	int64_t id = -1;

	if (s == NULL)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		id = sqlite3_column_type(s, 0) == SQLITE_NULL ? 0 : sqlite3_column_int64(s, 0);
	else
		store_fail(st, _("reading messages"), cause);
	sqlite3_finalize(s);
	return id;
}

/* Run a prepared statement to its end; 0 or -1 with *cause. Finalizes it. */
static int
store_feedback_run(struct store *st, sqlite3_stmt *s, const char *what, char **cause)
{
	int r = 0;

	if (sqlite3_step(s) != SQLITE_DONE)
		r = store_fail(st, what, cause);
	sqlite3_finalize(s);
	return r;
}

/* The message's feedback row before the change: its id and rating, or none. */
static int
store_feedback_old(struct store *st, int64_t message_id, struct store_feedback_saved *saved,
    char **cause)
{
	sqlite3_stmt *s = store_prepare(st, "SELECT id, rating FROM feedback WHERE message_id = ?",
	    cause);
	int rc;

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, message_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		saved->existed = true;
		saved->feedback_id = sqlite3_column_int64(s, 0);
		saved->previous = sqlite3_column_int(s, 1);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, _("reading feedback"), cause);
	return 0;
}

/* Insert or replace the feedback row; sets saved->feedback_id. */
static int
store_feedback_upsert(struct store *st, const struct store_feedback_put *p,
    struct store_feedback_saved *saved, char **cause)
{
	sqlite3_stmt *s = store_prepare(st,
	    "INSERT INTO feedback (message_id, conversation_id, "
	    "rating, reasons, comment, model, created, updated) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
	    "?7, ?7) ON CONFLICT(message_id) DO UPDATE SET rating = excluded.rating, reasons = "
	    "excluded.reasons, comment = excluded.comment, model = coalesce(excluded.model, "
	    "model), updated = excluded.updated",
	    cause);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, p->message_id);
	sqlite3_bind_int64(s, 2, p->conversation_id);
	sqlite3_bind_int(s, 3, p->rating);
	store_bind_opt(s, 4, p->reasons);
	store_bind_opt(s, 5, p->comment);
	store_bind_opt(s, 6, p->model);
	sqlite3_bind_text(s, 7, p->now, -1, SQLITE_STATIC);
	if (store_feedback_run(st, s, _("saving a rating"), cause) != 0)
		return -1;
	if (!saved->existed)
		saved->feedback_id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

/* Has an item of this feedback been attempted or delivered (so the collector may have it)? */
static int
store_feedback_was_sent(struct store *st, int64_t feedback_id, bool *sent, char **cause)
{
	sqlite3_stmt *s = store_prepare(st,
	    "SELECT EXISTS (SELECT 1 FROM outbox WHERE "
	    "feedback_id = ? AND (delivered IS NOT NULL OR attempts > 0))",
	    cause);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, feedback_id);
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_finalize(s);
		return store_fail(st, _("reading the outbox"), cause);
	}
	*sent = sqlite3_column_int(s, 0) != 0;
	sqlite3_finalize(s);
	return 0;
}

/* Drop the undelivered items of a feedback row, then enqueue the new one if asked. */
static int
store_feedback_enqueue(struct store *st, const struct store_feedback_put *p,
    struct store_feedback_saved *saved, char **cause)
{
	sqlite3_stmt *s;
	bool sent = true;

	if (p->key != NULL && p->only_if_sent && saved->existed &&
	    store_feedback_was_sent(st, saved->feedback_id, &sent, cause) != 0)
		return -1;
	if (p->key != NULL && p->only_if_sent && !saved->existed)
		sent = false;
	s = store_prepare(st, "DELETE FROM outbox WHERE feedback_id = ? AND delivered IS NULL",
	    cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, saved->feedback_id);
	if (store_feedback_run(st, s, _("updating the outbox"), cause) != 0)
		return -1;
	if (p->key == NULL || !sent)
		return 0;
	s = store_prepare(st,
	    "INSERT INTO outbox (feedback_id, idempotency_key, payload, "
	    "created) VALUES (?, ?, ?, ?)",
	    cause);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, saved->feedback_id);
	sqlite3_bind_text(s, 2, p->key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, p->payload, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, p->now, -1, SQLITE_STATIC);
	if (store_feedback_run(st, s, _("queueing a rating for delivery"), cause) != 0)
		return -1;
	saved->outbox_id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int
store_feedback_put(struct store *st, const struct store_feedback_put *p,
    struct store_feedback_saved *saved, char **cause)
{
	memset(saved, 0, sizeof *saved);
	if (store_begin(st, cause) != 0)
		return -1;
	if (store_feedback_old(st, p->message_id, saved, cause) != 0 ||
	    store_feedback_upsert(st, p, saved, cause) != 0 ||
	    store_feedback_enqueue(st, p, saved, cause) != 0 || store_commit(st, cause) != 0) {
		store_rollback(st);
		return -1;
	}
	return 0;
}

int
store_feedback_each(struct store *st, int64_t message_id,
    int (*fn)(const struct store_feedback *f, void *arg), void *arg, char **cause)
{
	sqlite3_stmt *s = store_prepare(st,
	    "SELECT f.id, f.message_id, f.conversation_id, "
	    "f.rating, f.reasons, f.comment, f.model, f.created, f.updated, CASE WHEN o.id IS "
	    "NULL THEN 'local' WHEN o.delivered IS NOT NULL THEN 'delivered' ELSE 'pending' END, "
	    "o.delivered, coalesce(o.attempts, 0), o.last_error FROM feedback f LEFT JOIN "
	    "outbox o ON o.id = (SELECT max(x.id) FROM outbox x WHERE x.feedback_id = f.id AND "
	    "x.created = f.updated) WHERE ?1 = 0 OR f.message_id = ?1 ORDER BY f.id",
	    cause);
	int rc;

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, message_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_feedback f = {
			.id = sqlite3_column_int64(s, 0),
			.message_id = sqlite3_column_int64(s, 1),
			.conversation_id = sqlite3_column_int64(s, 2),
			.rating = sqlite3_column_int(s, 3),
			.reasons = store_col_text(s, 4),
			.comment = store_col_text(s, 5),
			.model = store_col_text(s, 6),
			.created = store_col_text(s, 7),
			.updated = store_col_text(s, 8),
			.delivery = store_col_text(s, 9),
			.delivered = store_col_text(s, 10),
			.attempts = sqlite3_column_int64(s, 11),
			.last_error = store_col_text(s, 12),
		};

		if (fn(&f, arg) != 0)
			break;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, _("reading feedback"), cause);
	return 0;
}

/* ---- the outbox ------------------------------------------------------------ */

void
store_outbox_item_release(struct store_outbox_item *it)
{
	free(it->key);
	free(it->payload);
	memset(it, 0, sizeof *it);
}

int
store_feedback_outbox_next(struct store *st, int64_t after, bool due_only, int64_t feedback_id,
    struct store_outbox_item *it, char **cause)
{
	sqlite3_stmt *s = store_prepare(st,
	    "SELECT o.id, o.feedback_id, o.idempotency_key, "
	    "o.payload, o.attempts FROM outbox o JOIN feedback f ON f.id = o.feedback_id "
	    "WHERE o.delivered IS NULL AND o.id > ?1 AND (?2 = 0 OR o.next_attempt IS NULL OR "
	    "o.next_attempt <= " STORE_FEEDBACK_NOW ") AND (?3 = 0 OR o.feedback_id = ?3) "
	    "ORDER BY o.id LIMIT 1",
	    cause);
	int rc, r = 0;

	memset(it, 0, sizeof *it);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, after);
	sqlite3_bind_int(s, 2, due_only);
	sqlite3_bind_int64(s, 3, feedback_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		it->id = sqlite3_column_int64(s, 0);
		it->feedback_id = sqlite3_column_int64(s, 1);
		it->key = store_feedback_dup(s, 2);
		it->payload = store_feedback_dup(s, 3);
		it->attempts = sqlite3_column_int64(s, 4);
		r = 1;
	} else if (rc != SQLITE_DONE)
		r = store_fail(st, _("reading the outbox"), cause);
	sqlite3_finalize(s);
	return r;
}

int
store_feedback_outbox_attempt(struct store *st, int64_t id, int64_t delay_ms, char **cause)
{
	sqlite3_stmt *s = store_prepare(st,
	    "UPDATE outbox SET attempts = attempts + 1, "
	    "next_attempt = " STORE_FEEDBACK_LATER(1) " WHERE id = ?2 AND delivered IS NULL",
	    cause);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, delay_ms);
	sqlite3_bind_int64(s, 2, id);
	return store_feedback_run(st, s, _("updating the outbox"), cause);
}

int
store_feedback_outbox_delivered(struct store *st, int64_t id, char **cause)
{
	sqlite3_stmt *s = store_prepare(st,
	    "UPDATE outbox SET delivered = " STORE_FEEDBACK_NOW
	    ", last_error = NULL, next_attempt = NULL WHERE id = ? AND delivered IS NULL",
	    cause);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	return store_feedback_run(st, s, _("marking a rating delivered"), cause);
}

int
store_feedback_outbox_failed(struct store *st, int64_t id, const char *error, int64_t delay_ms,
    char **cause)
{
	sqlite3_stmt *s = store_prepare(st,
	    "UPDATE outbox SET last_error = ?1, next_attempt = " STORE_FEEDBACK_LATER(
		2) " WHERE id = ?3 AND delivered IS NULL",
	    cause);

	if (s == NULL)
		return -1;
	store_bind_opt(s, 1, error);
	sqlite3_bind_int64(s, 2, delay_ms);
	sqlite3_bind_int64(s, 3, id);
	return store_feedback_run(st, s, _("updating the outbox"), cause);
}

int
store_feedback_outbox_count(struct store *st, int64_t *pending, int64_t *due, char **cause)
{
	sqlite3_stmt *s = store_prepare(st,
	    "SELECT count(*), coalesce(sum(o.next_attempt IS NULL "
	    "OR o.next_attempt <= " STORE_FEEDBACK_NOW "), 0) FROM outbox o JOIN feedback f ON "
	    "f.id = o.feedback_id WHERE o.delivered IS NULL",
	    cause);

	if (s == NULL)
		return -1;
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_finalize(s);
		return store_fail(st, _("reading the outbox"), cause);
	}
	*pending = sqlite3_column_int64(s, 0);
	*due = sqlite3_column_int64(s, 1);
	sqlite3_finalize(s);
	return 0;
}
