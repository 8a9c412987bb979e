/* store-message.c: conversations and their messages, streamed answers included. */
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

#define STORE_TRY_MS 20 /* a save that can wait for the next one */

/* ---- conversations and messages -------------------------------------------- */

int64_t
store_conversation_new(struct store *st, const char *title, const char *model, const char *base_url,
    char **cause)
{
	sqlite3_stmt *s = store_prepare(st,
	    "INSERT INTO conversations (started, updated, title, "
	    "model, base_url) VALUES (?1, ?1, ?2, ?3, ?4)",
	    cause);
	char *now = store_now();
	int64_t id = -1;

	if (s != NULL) {
		sqlite3_bind_text(s, 1, now, -1, SQLITE_STATIC);
		store_bind_opt(s, 2, title);
		store_bind_opt(s, 3, model);
		store_bind_opt(s, 4, base_url);
		if (sqlite3_step(s) == SQLITE_DONE)
			id = sqlite3_last_insert_rowid(st->db);
		else
			store_fail(st, _("saving a conversation"), cause);
		sqlite3_finalize(s);
	}
	free(now);
	return id;
}

int64_t
store_conversation_latest(struct store *st, char **cause)
{
	sqlite3_stmt *s = store_prepare(st,
	    "SELECT id FROM conversations ORDER BY updated DESC, id DESC LIMIT 1", cause);
	int64_t id = -1;
	int rc;

	if (s == NULL)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	else if (rc == SQLITE_DONE)
		id = 0;
	else
		store_fail(st, _("reading conversations"), cause);
	sqlite3_finalize(s);
	return id;
}

int64_t
store_message_add(struct store *st, int64_t conversation, const char *role, const char *content,
    const char *model, const char *status, char **cause)
{
	sqlite3_stmt *s = store_prepare(st,
	    "INSERT INTO messages (conversation_id, role, content, "
	    "model, created, status, writer) VALUES (?, ?, ?, ?, ?, ?, ?)",
	    cause);
	sqlite3_stmt *u = NULL;
	char *now = store_now();
	int64_t id = -1;

	if (s == NULL)
		goto out;
	sqlite3_bind_int64(s, 1, conversation);
	sqlite3_bind_text(s, 2, role, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, content, -1, SQLITE_STATIC);
	store_bind_opt(s, 4, model);
	sqlite3_bind_text(s, 5, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, status, -1, SQLITE_STATIC);
	store_bind_opt(s, 7, strcmp(status, "streaming") == 0 ? st->writer : NULL);
	if (sqlite3_step(s) != SQLITE_DONE) {
		store_fail(st, _("saving a message"), cause);
		goto out;
	}
	id = sqlite3_last_insert_rowid(st->db);
	u = store_prepare(st, "UPDATE conversations SET updated = ? WHERE id = ?", cause);
	if (u != NULL) {
		sqlite3_bind_text(u, 1, now, -1, SQLITE_STATIC);
		sqlite3_bind_int64(u, 2, conversation);
		sqlite3_step(u);
	}
out:
	sqlite3_finalize(s);
	sqlite3_finalize(u);
	free(now);
	return id;
}

int
store_message_update(struct store *st, const struct store_message *m, char **cause)
{
	sqlite3_stmt *s = store_prepare(st,
	    "UPDATE messages SET content = ?, reasoning = ?, "
	    "model = coalesce(?, model), status = ?, finish_reason = ?, prompt_tokens = ?, "
	    "completion_tokens = ?, total_tokens = ?, latency_ms = ?, duration_ms = ?, error = ?, "
	    "response_id = ?, disclaimers = ? WHERE id = ?",
	    cause);
	int r = 0;

	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, m->content != NULL ? m->content : "", (int)m->content_len,
	    SQLITE_STATIC);
	store_bind_opt(s, 2, m->reasoning);
	store_bind_opt(s, 3, m->model);
	sqlite3_bind_text(s, 4, m->status, -1, SQLITE_STATIC);
	store_bind_opt(s, 5, m->finish_reason);
	store_bind_int_opt(s, 6, m->prompt_tokens);
	store_bind_int_opt(s, 7, m->completion_tokens);
	store_bind_int_opt(s, 8, m->total_tokens);
	store_bind_int_opt(s, 9, m->latency_ms);
	store_bind_int_opt(s, 10, m->duration_ms);
	store_bind_opt(s, 11, m->error);
	store_bind_opt(s, 12, m->response_id);
	store_bind_opt(s, 13, m->disclaimers);
	sqlite3_bind_int64(s, 14, m->id);
	if (sqlite3_step(s) != SQLITE_DONE)
		r = store_fail(st, _("saving a message"), cause);
	sqlite3_finalize(s);
	return r;
}

/* Insert one piece of a streaming answer (either text may be empty). */
static int
store_message_piece(struct store *st, int64_t id, const char *content, size_t clen,
    const char *reasoning, size_t rlen, char **cause)
{
	sqlite3_stmt *s = store_prepare(st,
	    "INSERT INTO message_parts (message_id, content, "
	    "reasoning) VALUES (?, ?, ?)",
	    cause);
	int r = 0;

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, clen > 0 ? content : "", (int)clen, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, rlen > 0 ? reasoning : "", (int)rlen, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		r = store_fail(st, _("saving a message"), cause);
	sqlite3_finalize(s);
	return r;
}

/* The pieces appended before, dropped (the answer started over), and one piece. */
static int
store_message_restart(struct store *st, int64_t id, const char *content, size_t clen,
    const char *reasoning, size_t rlen, char **cause)
{
	sqlite3_stmt *s;

	if (store_exec(st, "BEGIN IMMEDIATE", cause) != 0)
		return -1;
	if ((s = store_prepare(st, "DELETE FROM message_parts WHERE message_id = ?", cause)) ==
	    NULL)
		goto fail;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) != SQLITE_DONE) {
		sqlite3_finalize(s);
		store_fail(st, _("saving a message"), cause);
		goto fail;
	}
	sqlite3_finalize(s);
	if (store_message_piece(st, id, content, clen, reasoning, rlen, cause) != 0 ||
	    store_exec(st, "COMMIT", cause) != 0)
		goto fail;
	return 0;
fail:
	store_rollback(st);
	return -1;
}

int
store_message_append(struct store *st, int64_t id, bool restart, const char *content, size_t clen,
    const char *reasoning, size_t rlen, char **cause)
{
	int r;

	sqlite3_busy_timeout(st->db, STORE_TRY_MS);
	if (restart)
		r = store_message_restart(st, id, content, clen, reasoning, rlen, cause);
	else
		r = store_message_piece(st, id, content, clen, reasoning, rlen, cause);
	sqlite3_busy_timeout(st->db, STORE_BUSY_MS);
	if (r != 0 && (sqlite3_extended_errcode(st->db) & 0xff) == SQLITE_BUSY) {
		free(*cause);
		*cause = NULL;
		return 1;
	}
	return r;
}

int
store_message_try_update(struct store *st, const struct store_message *m, char **cause)
{
	int r;

	sqlite3_busy_timeout(st->db, STORE_TRY_MS);
	r = store_message_update(st, m, cause);
	sqlite3_busy_timeout(st->db, STORE_BUSY_MS);
	if (r != 0 && (sqlite3_extended_errcode(st->db) & 0xff) == SQLITE_BUSY) {
		free(*cause);
		*cause = NULL;
		return 1;
	}
	return r;
}

int
store_message_mark(struct store *st, int64_t id, const char *status, const char *error,
    char **cause)
{
	sqlite3_stmt *s = store_prepare(st,
	    "UPDATE messages SET status = ?, error = ? WHERE id = ?", cause);
	int r = 0;

	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, status, -1, SQLITE_STATIC);
	store_bind_opt(s, 2, error);
	sqlite3_bind_int64(s, 3, id);
	if (sqlite3_step(s) != SQLITE_DONE)
		r = store_fail(st, _("marking a message"), cause);
	sqlite3_finalize(s);
	return r;
}

int
store_message_set_status(struct store *st, int64_t id, const char *status, char **cause)
{
	sqlite3_stmt *s = store_prepare(st, "UPDATE messages SET status = ? WHERE id = ?", cause);
	int r = 0;

	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, id);
	if (sqlite3_step(s) != SQLITE_DONE)
		r = store_fail(st, _("saving a message"), cause);
	sqlite3_finalize(s);
	return r;
}

int
store_messages_each(struct store *st, int64_t conversation, bool newest_first,
    int (*fn)(const struct store_message *m, void *arg), void *arg, char **cause)
{
	sqlite3_stmt *s = store_prepare(st,
	    newest_first ?
		"SELECT m.id, m.role, " STORE_CONTENT ", m.status, m.model FROM messages m "
		"WHERE m.conversation_id = ? ORDER BY m.id DESC" :
		"SELECT m.id, m.role, " STORE_CONTENT ", m.status, m.model FROM messages m "
		"WHERE m.conversation_id = ? ORDER BY m.id",
	    cause);
	int rc;

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, conversation);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_message m = {
			.id = sqlite3_column_int64(s, 0),
			.role = store_col_text(s, 1),
			.content = store_col_text(s, 2),
			.content_len = (size_t)sqlite3_column_bytes(s, 2),
			.status = store_col_text(s, 3),
			.model = store_col_text(s, 4),
		};

		if (fn(&m, arg) != 0)
			break;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, _("reading messages"), cause);
	return 0;
}

int64_t
store_answers_count(struct store *st, int64_t conversation, char **cause)
{
	sqlite3_stmt *s = store_prepare(st,
	    "SELECT count(*) FROM messages WHERE "
	    "conversation_id = ? AND role = 'assistant' AND status = 'complete'",
	    cause);
	int64_t n = -1;

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, conversation);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	else
		store_fail(st, _("counting messages"), cause);
	sqlite3_finalize(s);
	return n;
}
