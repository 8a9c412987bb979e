/* store-log.c: the conversation history: list, read, search and delete conversations. */
#include "common.h"

#include "buf.h"
#include "store.h"
#include "store-internal.h"
#include "text.h"

/* Text of 3 characters or more is searched through FTS5; shorter text by LIKE. */
#define STORE_LOG_TRIGRAM 3

static void
store_log_conversation_row(sqlite3_stmt *s, struct store_conversation *c)
{
	c->id = sqlite3_column_int64(s, 0);
	c->started = store_col_text(s, 1);
	c->updated = store_col_text(s, 2);
	c->title = store_col_text(s, 3);
	c->model = store_col_text(s, 4);
	c->base_url = store_col_text(s, 5);
	c->messages = sqlite3_column_int64(s, 6);
}

#define STORE_LOG_CONVERSATION_COLUMNS \
	"c.id, c.started, c.updated, c.title, c.model, " \
	"c.base_url, c.message_count"

int
store_log_list(struct store *st, int (*fn)(const struct store_conversation *c, void *arg),
    void *arg, char **cause)
{
	sqlite3_stmt *s = store_prepare(st,
	    "SELECT " STORE_LOG_CONVERSATION_COLUMNS
	    " FROM conversations c ORDER BY c.updated DESC, c.id DESC",
	    cause);
	struct store_conversation c;
	int rc;

	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		store_log_conversation_row(s, &c);
		if (fn(&c, arg) != 0)
			break;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, _("reading conversations"), cause);
	return 0;
}

int64_t
store_log_count(struct store *st, char **cause)
{
	sqlite3_stmt *s = store_prepare(st, "SELECT count(*) FROM conversations", cause);
	int64_t n = -1;

	if (s == NULL)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (n < 0)
		return store_fail(st, "counting conversations", cause);
	return n;
}

int
store_log_get(struct store *st, int64_t id, struct store_conversation *c, char **cause)
{
	sqlite3_stmt *s = store_prepare(st,
	    "SELECT " STORE_LOG_CONVERSATION_COLUMNS " FROM conversations c WHERE c.id = ?", cause);
	struct store_conversation row;
	int rc;

	memset(c, 0, sizeof *c);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		store_log_conversation_row(s, &row);
		c->id = row.id;
		c->started = xstrdup_or_null(row.started);
		c->updated = xstrdup_or_null(row.updated);
		c->title = xstrdup_or_null(row.title);
		c->model = xstrdup_or_null(row.model);
		c->base_url = xstrdup_or_null(row.base_url);
		c->messages = row.messages;
	}
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return store_fail(st, _("reading a conversation"), cause);
}

void
store_conversation_release(struct store_conversation *c)
{
	free(c->started);
	free(c->updated);
	free(c->title);
	free(c->model);
	free(c->base_url);
	memset(c, 0, sizeof *c);
}

/* Does conversation id exist? 1, 0, or -1 on error. */
static int
store_log_exists(struct store *st, int64_t id, char **cause)
{
	sqlite3_stmt *s = store_prepare(st, "SELECT 1 FROM conversations WHERE id = ?", cause);
	int rc;

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return store_fail(st, _("reading conversations"), cause);
}

int64_t
store_log_resolve(struct store *st, const char *name, char **cause)
{
	int64_t id = 0;
	size_t len = strlen(name), i;
	int r;

	if (strcmp(name, "last") == 0) {
		if ((id = store_conversation_latest(st, cause)) == 0)
			*cause = xstrdup(_("there is no conversation yet, so 'last' names none"));
		return id > 0 ? id : -1;
	}
	if (len == 0 || len > 18 || strspn(name, "0123456789") != len) {
		*cause = xasprintf(_("'%.40s' is not a conversation ID: give the number 'confab "
				     "log list' shows, or last"),
		    name);
		return -1;
	}
	for (i = 0; i < len; i++)
		id = id * 10 + (name[i] - '0');
	if ((r = store_log_exists(st, id, cause)) < 0)
		return -1;
	if (r == 0) {
		*cause = xasprintf(_("there is no conversation %lld (it never existed or was "
				     "deleted); 'confab log list' shows the ones there are"),
		    (long long)id);
		return -1;
	}
	return id;
}

int
store_log_messages(struct store *st, int64_t conversation,
    int (*fn)(const struct store_log_message *lm, void *arg), void *arg, char **cause)
{
	sqlite3_stmt *s = store_prepare(st,
	    "SELECT m.id, m.role, " STORE_CONTENT ", " STORE_REASONING ", "
	    "m.model, m.status, m.finish_reason, m.prompt_tokens, m.completion_tokens, "
	    "m.total_tokens, m.latency_ms, m.duration_ms, m.error, m.response_id, m.created, "
	    "m.disclaimers, f.id IS NOT NULL, f.rating, f.reasons, f.comment "
	    "FROM messages m LEFT JOIN feedback f ON f.message_id = m.id "
	    "WHERE m.conversation_id = ? ORDER BY m.id",
	    cause);
	int rc;

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, conversation);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_log_message lm = {
			.m = {
				.id = sqlite3_column_int64(s, 0),
				.role = store_col_text(s, 1),
				.content = store_col_text(s, 2),
				.content_len = (size_t)sqlite3_column_bytes(s, 2),
				.reasoning = store_col_text(s, 3),
				.model = store_col_text(s, 4),
				.status = store_col_text(s, 5),
				.finish_reason = store_col_text(s, 6),
				.prompt_tokens = store_col_int_opt(s, 7),
				.completion_tokens = store_col_int_opt(s, 8),
				.total_tokens = store_col_int_opt(s, 9),
				.latency_ms = store_col_int_opt(s, 10),
				.duration_ms = store_col_int_opt(s, 11),
				.error = store_col_text(s, 12),
				.response_id = store_col_text(s, 13),
			},
			.created = store_col_text(s, 14),
			.disclaimers = store_col_text(s, 15),
			.rated = sqlite3_column_int(s, 16),
			.rating = sqlite3_column_int(s, 17),
			.reasons = store_col_text(s, 18),
			.comment = store_col_text(s, 19),
		};

		if (lm.m.content == NULL)
			lm.m.content = "";
		lm.m.disclaimers = lm.disclaimers;
		if (fn(&lm, arg) != 0)
			break;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, _("reading messages"), cause);
	return 0;
}

/* Characters in s (an invalid byte counts as one). */
static size_t
store_log_chars(const char *s)
{
	size_t len = strlen(s), n = 0, k;
	unsigned int cp;

	while (len > 0) {
		k = text_utf8_seq(s, len, &cp);
		if (k == 0)
			k = 1;
		s += k;
		len -= k;
		n++;
	}
	return n;
}

/*
 * The search argument: an FTS5 string (the text in double quotes, each quote
 * doubled), so no character of it is query syntax; or a LIKE pattern with
 * %, _ and the escape character escaped.
 */
static char *
store_log_pattern(const char *text, bool fts)
{
	struct buf b;
	const char *p;

	buf_init(&b, 0);
	buf_addc(&b, fts ? '"' : '%');
	for (p = text; *p != '\0'; p++) {
		if (fts && *p == '"')
			buf_addc(&b, '"');
		else if (!fts && (*p == '%' || *p == '_' || *p == '\\'))
			buf_addc(&b, '\\');
		buf_addc(&b, *p);
	}
	buf_addc(&b, fts ? '"' : '%');
	return buf_detach(&b, NULL);
}

/*
 * A LIKE scan that can stop: conversations newest first (the index on
 * updated, id: no sort), each one's first matching message found through
 * messages_by_conversation, so LIMIT ends the scan once enough conversations
 * matched. Only the rows returned count their matches.
 */
#define STORE_LOG_LIKE_NEWEST \
	"SELECT c.id, c.title, c.updated, " \
	"(SELECT count(*) FROM messages WHERE conversation_id = c.id AND " \
	"content LIKE ?1 ESCAPE '\\'), m.id, m.role, m.content " \
	"FROM conversations c JOIN messages m ON m.id = " \
	"(SELECT min(id) FROM messages WHERE conversation_id = c.id AND " \
	"content LIKE ?1 ESCAPE '\\') " \
	"ORDER BY c.updated DESC, c.id DESC LIMIT ?2"

int
store_log_search(struct store *st, const char *text,
    int (*fn)(const struct store_log_hit *h, void *arg), void *arg, char **cause)
{
	return store_log_search_n(st, text, -1, fn, arg, cause);
}

int
store_log_search_n(struct store *st, const char *text, int64_t limit,
    int (*fn)(const struct store_log_hit *h, void *arg), void *arg, char **cause)
{
	bool fts = store_log_chars(text) >= STORE_LOG_TRIGRAM;
	char *sql, *pattern = store_log_pattern(text, fts);
	/* Long messages are indexed in part: their whole text is read (STORE_LONG). */
	char *like = fts ? store_log_pattern(text, false) : NULL;
	sqlite3_stmt *s;
	int rc;

	if (!fts && limit >= 0)
		sql = xstrdup(STORE_LOG_LIKE_NEWEST);
	else
		sql = xasprintf(
		    "SELECT c.id, c.title, c.updated, g.n, m.id, m.role, m.content "
		    "FROM (SELECT conversation_id AS cid, min(id) AS first, count(*) AS n "
		    "FROM messages WHERE %s GROUP BY conversation_id) g "
		    "JOIN conversations c ON c.id = g.cid JOIN messages m ON m.id = g.first "
		    "ORDER BY c.updated DESC, c.id DESC LIMIT ?2",
		    fts ? "id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?1 "
			  "UNION ALL SELECT id FROM messages WHERE " STORE_LONG
			  " AND status != 'streaming' AND content LIKE ?3 ESCAPE '\\')" :
			  "content LIKE ?1 ESCAPE '\\'");
	s = store_prepare(st, sql, cause);
	free(sql);
	if (s == NULL) {
		free(pattern);
		free(like);
		return -1;
	}
	sqlite3_bind_text(s, 1, pattern, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, limit);
	if (like != NULL)
		sqlite3_bind_text(s, 3, like, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct store_log_hit h = {
			.conversation = sqlite3_column_int64(s, 0),
			.title = store_col_text(s, 1),
			.updated = store_col_text(s, 2),
			.matches = sqlite3_column_int64(s, 3),
			.message = sqlite3_column_int64(s, 4),
			.role = store_col_text(s, 5),
			.content = store_col_text(s, 6),
			.content_len = (size_t)sqlite3_column_bytes(s, 6),
		};

		if (h.content == NULL)
			h.content = "";
		if (fn(&h, arg) != 0)
			break;
	}
	sqlite3_finalize(s);
	free(pattern);
	free(like);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, _("searching messages"), cause);
	return 0;
}

/* Run one statement bound to id. */
static int
store_log_exec_id(struct store *st, const char *sql, int64_t id, char **cause)
{
	sqlite3_stmt *s = store_prepare(st, sql, cause);
	int rc;

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, _("deleting a conversation"), cause);
	return 0;
}

int
store_log_delete(struct store *st, int64_t id, char **cause)
{
	/* Freed pages are zeroed, so the deleted text does not linger in the file. */
	if (store_exec(st, "PRAGMA secure_delete = ON", cause) != 0 || store_begin(st, cause) != 0)
		return -1;
	/* Its feedback's outbox items hold the prompt and answer too: undelivered ones go unsent. */
	if (store_log_exec_id(st,
		"DELETE FROM outbox WHERE feedback_id IN (SELECT f.id FROM "
		"feedback f JOIN messages m ON m.id = f.message_id WHERE m.conversation_id = ?)",
		id, cause) != 0 ||
	    store_log_exec_id(st,
		"DELETE FROM feedback WHERE message_id IN "
		"(SELECT id FROM messages WHERE conversation_id = ?)",
		id, cause) != 0 ||
	    store_log_exec_id(st, "DELETE FROM messages WHERE conversation_id = ?", id, cause) !=
		0 ||
	    store_log_exec_id(st, "DELETE FROM conversations WHERE id = ?", id, cause) != 0)
		goto fail;
	if (sqlite3_changes(st->db) != 1) {
		*cause = xasprintf(_("there is no conversation %lld (it never existed or was "
				     "deleted)"),
		    (long long)id);
		goto fail;
	}
	if (store_commit(st, cause) != 0)
		return -1;
	/*
	 * Earlier WAL frames still hold the text: copy the pages back and empty
	 * the WAL. Best effort: a reader in another process may keep it busy.
	 */
	sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	return 0;
fail:
	store_rollback(st);
	return -1;
}
