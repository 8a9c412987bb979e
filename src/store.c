/* store.c: SQLite store: open, migrations, typed queries. */
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

#define STORE_TRY_MS 20		/* a save that can wait for the next one */


/*
 * Migrations: entry i takes the schema from version i to i + 1. Append only;
 * never edit a migration that has shipped.
 */
static const char *const store_migrations[] = {
	/* 0 -> 1: Terms versions, the consent ledger, metadata. */
	"CREATE TABLE terms_versions ("
	"  sha256 TEXT PRIMARY KEY,"
	"  date_label TEXT NOT NULL,"
	"  body TEXT NOT NULL,"
	"  source TEXT NOT NULL,"
	"  first_seen TEXT NOT NULL"
	");"
	"CREATE TABLE consent_events ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  kind TEXT NOT NULL,"
	"  terms_sha256 TEXT NOT NULL,"
	"  terms_date TEXT,"
	"  method TEXT,"
	"  age_answer TEXT,"
	"  at TEXT NOT NULL,"
	"  os_user TEXT,"
	"  client_version TEXT,"
	"  shown_bytes INTEGER,"
	"  total_bytes INTEGER,"
	"  duration_ms INTEGER,"
	"  viewer TEXT,"
	"  detail TEXT,"
	"  prev_hash TEXT NOT NULL,"
	"  hash TEXT NOT NULL UNIQUE"
	");"
	"CREATE TRIGGER consent_events_no_update BEFORE UPDATE ON consent_events"
	" BEGIN SELECT RAISE(ABORT, 'the consent ledger is append-only'); END;"
	"CREATE TRIGGER consent_events_no_delete BEFORE DELETE ON consent_events"
	" BEGIN SELECT RAISE(ABORT, 'the consent ledger is append-only'); END;"
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);",

	/* 1 -> 2: conversations and messages. */
	"CREATE TABLE conversations ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  started TEXT NOT NULL,"
	"  updated TEXT NOT NULL,"
	"  title TEXT,"
	"  model TEXT,"
	"  base_url TEXT"
	");"
	"CREATE TABLE messages ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,"
	"  role TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant')),"
	"  content TEXT NOT NULL DEFAULT '',"
	"  reasoning TEXT,"
	"  model TEXT,"
	"  created TEXT NOT NULL,"
	"  status TEXT NOT NULL DEFAULT 'complete',"
	"  finish_reason TEXT,"
	"  prompt_tokens INTEGER,"
	"  completion_tokens INTEGER,"
	"  total_tokens INTEGER,"
	"  latency_ms INTEGER,"
	"  duration_ms INTEGER,"
	"  error TEXT,"
	"  response_id TEXT"
	");"
	"CREATE INDEX messages_by_conversation ON messages (conversation_id, id);",

	/* 2 -> 3: disclaimers, feedback and its outbox, full-text search. */
	"ALTER TABLE messages ADD COLUMN disclaimers TEXT;"
	"CREATE TABLE feedback ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  message_id INTEGER NOT NULL UNIQUE REFERENCES messages(id) ON DELETE CASCADE,"
	"  conversation_id INTEGER NOT NULL,"
	"  rating INTEGER NOT NULL CHECK (rating IN (-1, 0, 1)),"
	"  reasons TEXT,"
	"  comment TEXT,"
	"  model TEXT,"
	"  created TEXT NOT NULL,"
	"  updated TEXT NOT NULL"
	");"
	"CREATE TABLE outbox ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  feedback_id INTEGER NOT NULL,"
	"  idempotency_key TEXT NOT NULL UNIQUE,"
	"  payload TEXT NOT NULL,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_attempt TEXT,"
	"  delivered TEXT,"
	"  last_error TEXT,"
	"  created TEXT NOT NULL"
	");"
	"CREATE INDEX outbox_pending ON outbox (delivered, next_attempt);"
	"CREATE INDEX outbox_by_feedback ON outbox (feedback_id);"
	/*
	 * Full-text search: an answer is indexed once it is no longer
	 * streaming, so the once-a-second saves of a long answer do not
	 * re-index it each time.
	 */
	"CREATE VIRTUAL TABLE messages_fts USING fts5(content, content='messages', "
	"  content_rowid='id', tokenize='trigram');"
	"INSERT INTO messages_fts (rowid, content) SELECT id, content FROM messages"
	"  WHERE status != 'streaming';"
	"CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages"
	"  WHEN new.status != 'streaming' BEGIN"
	"  INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content); END;"
	"CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages"
	"  WHEN old.status != 'streaming' BEGIN"
	"  INSERT INTO messages_fts (messages_fts, rowid, content)"
	"  VALUES ('delete', old.id, old.content); END;"
	"CREATE TRIGGER messages_fts_unindex AFTER UPDATE OF content, status ON messages"
	"  WHEN old.status != 'streaming' BEGIN"
	"  INSERT INTO messages_fts (messages_fts, rowid, content)"
	"  VALUES ('delete', old.id, old.content); END;"
	"CREATE TRIGGER messages_fts_index AFTER UPDATE OF content, status ON messages"
	"  WHEN new.status != 'streaming' BEGIN"
	"  INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content); END;",

	/*
	 * 3 -> 4: the endpoint a consent event applies to (NULL in older
	 * events, whose hashes stay valid: see consent_event_hash()).
	 */
	"ALTER TABLE consent_events ADD COLUMN endpoint TEXT;",

	/*
	 * 4 -> 5: which process writes a streaming answer ("HOST PID BOOT
	 * START", see store-recover.c), so that a later start can tell an answer
	 * whose writer died from one still being written.
	 */
	"ALTER TABLE messages ADD COLUMN writer TEXT;"
	"CREATE INDEX messages_streaming ON messages (id) WHERE status = 'streaming';",

	/*
	 * 5 -> 6: a streaming answer's text as pieces appended once a second,
	 * so that what is stored is never written again while it grows (a
	 * rewrite of the whole answer each second wrote O(n^2) bytes). The
	 * final save writes the whole answer into messages and drops its
	 * pieces (the trigger, in the same statement); recovery joins them.
	 */
	"CREATE TABLE message_parts ("
	"  id INTEGER PRIMARY KEY,"
	"  message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,"
	"  content TEXT NOT NULL DEFAULT '',"
	"  reasoning TEXT NOT NULL DEFAULT ''"
	");"
	"CREATE INDEX message_parts_by_message ON message_parts (message_id, id);"
	"CREATE TRIGGER message_parts_drop AFTER UPDATE OF content ON messages"
	"  WHEN new.status != 'streaming' BEGIN"
	"  DELETE FROM message_parts WHERE message_id = new.id; END;"
	/*
	 * Listing 100,000 conversations: newest first from an index, each
	 * one's message count kept by triggers (counting them at each list
	 * cost 270 ms).
	 */
	"CREATE INDEX conversations_by_updated ON conversations (updated, id);"
	"ALTER TABLE conversations ADD COLUMN message_count INTEGER NOT NULL DEFAULT 0;"
	"UPDATE conversations SET message_count = (SELECT count(*) FROM messages m"
	"  WHERE m.conversation_id = conversations.id);"
	"CREATE TRIGGER conversations_count_insert AFTER INSERT ON messages BEGIN"
	"  UPDATE conversations SET message_count = message_count + 1"
	"  WHERE id = new.conversation_id; END;"
	"CREATE TRIGGER conversations_count_delete AFTER DELETE ON messages BEGIN"
	"  UPDATE conversations SET message_count = message_count - 1"
	"  WHERE id = old.conversation_id; END;"
	/* What a reader of the file sees of each message's text, pieces joined. */
	"CREATE VIEW messages_text AS SELECT m.id, m.conversation_id, m.role, m.status, "
	STORE_CONTENT " AS content, " STORE_REASONING " AS reasoning FROM messages m;",
};

/* What to do about a failure, by its primary result code, or "". */
static const char *
store_hint(sqlite3 *db)
{
	int code = sqlite3_extended_errcode(db), err = sqlite3_system_errno(db);

	if ((code & 0xff) == SQLITE_IOERR && (err == ENOSPC || err == EFBIG || err == EDQUOT))
		code = SQLITE_FULL;
	switch (code & 0xff) {
	case SQLITE_FULL:
		return " (the disk or a file size limit is full: free some space)";
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return " (other confab processes held the store for over a minute: try again)";
	case SQLITE_READONLY:
	case SQLITE_PERM:
		return " (the store is read-only: make it and its directory writable)";
	case SQLITE_IOERR:
		return " (an I/O error: check the disk and its free space)";
	}
	return "";
}

/* Format a SQLite failure as a cause. */
int
store_fail(struct store *st, const char *what, char **cause)
{
	*cause = xasprintf("store '%s': %s: %s%s", st->path, what, sqlite3_errmsg(st->db),
	    store_hint(st->db));
	return -1;
}

int
store_exec(struct store *st, const char *sql, char **cause)
{
	char *err = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		*cause = xasprintf("store '%s': %s%s", st->path, err != NULL ? err : "error",
		    store_hint(st->db));
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

sqlite3_stmt *
store_prepare(struct store *st, const char *sql, char **cause)
{
	sqlite3_stmt *s = NULL;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		store_fail(st, "prepare", cause);
		return NULL;
	}
	return s;
}

static int
store_user_version(struct store *st, int *version, char **cause)
{
	sqlite3_stmt *s = store_prepare(st, "PRAGMA user_version", cause);

	if (s == NULL)
		return -1;
	if (sqlite3_step(s) != SQLITE_ROW) {
		store_fail(st, "reading the schema version", cause);
		sqlite3_finalize(s);
		return -1;
	}
	*version = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return 0;
}

static int
store_newer(struct store *st, int version, char **cause)
{
	*cause = xasprintf("store '%s' was written by a newer confab (schema %d; this confab "
	    "knows up to %d); upgrade confab, the store was left as it is", st->path, version,
	    STORE_SCHEMA_VERSION);
	return -1;
}

/* Bring the schema to STORE_SCHEMA_VERSION in one transaction. */
static int
store_migrate(struct store *st, char **cause)
{
	int version;
	char *sql;

	if (store_begin(st, cause) != 0)
		return -1;
	if (store_user_version(st, &version, cause) != 0)
		goto fail;
	if (version > STORE_SCHEMA_VERSION) {
		store_newer(st, version, cause);
		goto fail;
	}
	for (; version < STORE_SCHEMA_VERSION; version++) {
		if (store_exec(st, store_migrations[version], cause) != 0)
			goto fail;
		sql = xasprintf("PRAGMA user_version = %d", version + 1);
		if (store_exec(st, sql, cause) != 0) {
			free(sql);
			goto fail;
		}
		free(sql);
	}
	return store_commit(st, cause);
fail:
	store_rollback(st);
	return -1;
}

static int
store_read_only(const char *path, const char *why, char **cause)
{
	*cause = xasprintf("store '%s' is read-only (%s); nothing was changed: make the file and "
	    "its directory writable (chmod u+w), or point XDG_DATA_HOME elsewhere", path, why);
	return -1;
}

/*
 * Refuse early, before anything writes to it, a file that is not a confab
 * store: not a database, another program's database (tables, but none of
 * confab's first ones), or one from a newer confab.
 */
static int
store_check_version(struct store *st, char **cause)
{
	sqlite3_stmt *s = NULL;
	int version, code, ok;

	/* One statement: one snapshot, even while another confab creates the schema. */
	if (sqlite3_prepare_v2(st->db, "SELECT user_version, (SELECT count(*) FROM "
	    "sqlite_master), (SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
	    "name IN ('consent_events', 'terms_versions', 'meta')) FROM pragma_user_version",
	    -1, &s, NULL) != SQLITE_OK ||
	    sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_finalize(s);
		code = sqlite3_extended_errcode(st->db) & 0xff;
		if (code == SQLITE_READONLY || code == SQLITE_CANTOPEN || code == SQLITE_PERM)
			return store_read_only(st->path, sqlite3_errmsg(st->db), cause);
		*cause = xasprintf("store '%s' is not a confab database (%s); it was left as it "
		    "is: move it aside to start a new one", st->path, sqlite3_errmsg(st->db));
		return -1;
	}
	version = sqlite3_column_int(s, 0);
	/* Empty; or versioned, with some of confab's first tables (damaged, but confab's). */
	ok = version == 0 ? sqlite3_column_int(s, 1) == 0 : sqlite3_column_int(s, 2) > 0;
	sqlite3_finalize(s);
	if (version > STORE_SCHEMA_VERSION)
		return store_newer(st, version, cause);
	if (!ok) {
		*cause = xasprintf("store '%s' is another program's database, not confab's; it was "
		    "left as it is: move it aside (or point XDG_DATA_HOME elsewhere) to start a new "
		    "one", st->path);
		return -1;
	}
	return 0;
}

/*
 * What is at the store's path, before SQLite opens it: nothing, or a
 * regular file that can be written, in a directory that can be written
 * (for the WAL files). A symbolic link is never followed.
 */
static int
store_check_path(const char *path, const char *dir, char **cause)
{
	struct stat sb;

	if (lstat(path, &sb) != 0) {
		if (errno != ENOENT)
			goto fail;
		if (access(dir, W_OK | X_OK) == 0)
			return 0;
		*cause = xasprintf("cannot create store '%s': its directory is read-only; make it "
		    "writable (chmod u+w '%s'), or point XDG_DATA_HOME elsewhere", path, dir);
		return -1;
	}
	if (S_ISLNK(sb.st_mode)) {
		*cause = xasprintf("store '%s' is a symbolic link, which confab never follows; it "
		    "was left as it is: put the store itself there, or point XDG_DATA_HOME at the "
		    "directory it is in", path);
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		*cause = xasprintf("store '%s' is not a regular file; it was left as it is: move it "
		    "aside to start a new one", path);
		return -1;
	}
	if (access(path, R_OK | W_OK) != 0)
		return store_read_only(path, strerror(errno), cause);
	if (access(dir, W_OK | X_OK) != 0)
		return store_read_only(path, "its directory cannot be written", cause);
	return 0;
fail:
	*cause = xasprintf("cannot open store '%s': %s", path, strerror(errno));
	return -1;
}

struct store *
store_open(const char *path, char **cause)
{
	struct store *st = xcalloc(1, sizeof *st);
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	mode_t old;
	int r;

	st->path = xstrdup(path);
	if (slash != NULL && slash != dir) {
		*slash = '\0';
		if (config_mkdir(dir, cause) != 0)
			goto fail;
	}
	if (store_check_path(path, slash != NULL && slash != dir ? dir : ".", cause) != 0)
		goto fail;
	old = umask(077);
	r = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOFOLLOW, NULL);
	umask(old);
	if (r != SQLITE_OK) {
		*cause = xasprintf("cannot open store '%s': %s", path,
		    st->db != NULL ? sqlite3_errmsg(st->db) : sqlite3_errstr(r));
		goto fail;
	}
	sqlite3_busy_timeout(st->db, STORE_BUSY_MS);
	sqlite3_extended_result_codes(st->db, 1);
	if (store_check_version(st, cause) != 0)
		goto fail;
	if (store_exec(st, "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; "
	    "PRAGMA synchronous = NORMAL;", cause) != 0)
		goto fail;
	if (store_migrate(st, cause) != 0)
		goto fail;
	/* Only a store that opened: a refused file keeps its mode. */
	chmod(path, 0600);
	if (slash != NULL && slash != dir)
		chmod(dir, 0700);
	free(dir);
	st->writer = store_writer_self();
	store_recover(st);
	return st;
fail:
	free(dir);
	store_close(st);
	return NULL;
}

const char *
store_path(const struct store *st)
{
	return st->path;
}

void
store_ledger_set_endpoint(struct store *st, const char *url)
{
	free(st->endpoint);
	st->endpoint = xstrdup_or_null(url);
}

const char *
store_ledger_endpoint(const struct store *st)
{
	return st->endpoint;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	sqlite3_close(st->db);
	free(st->path);
	free(st->writer);
	free(st->endpoint);
	free(st);
}

/*
 * Durability: chat rows commit with synchronous=NORMAL (in WAL mode a crash
 * of confab loses no commit; a power loss may lose the last commits since
 * the WAL was last synced, never the store's consistency), and every
 * explicit transaction (the consent ledger, migrations, feedback, deletes)
 * with synchronous=FULL, which syncs the WAL at its commit.
 */
int
store_begin(struct store *st, char **cause)
{
	return store_exec(st, "PRAGMA synchronous = FULL; BEGIN IMMEDIATE", cause);
}

int
store_commit(struct store *st, char **cause)
{
	int r = store_exec(st, "COMMIT", cause);

	if (r == 0)
		sqlite3_exec(st->db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
	return r;
}

void
store_rollback(struct store *st)
{
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_exec(st->db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
}

char *
store_now(void)
{
	struct timespec ts;
	struct tm tm;
	char s[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%S", &tm);
	return xasprintf("%s.%03ldZ", s, ts.tv_nsec / 1000000);
}

int
store_terms_put(struct store *st, const char *sha256, const char *date_label, const char *text,
    size_t len, const char *source, char **cause)
{
	sqlite3_stmt *s = store_prepare(st, "INSERT OR IGNORE INTO terms_versions "
	    "(sha256, date_label, body, source, first_seen) VALUES (?, ?, ?, ?, ?)", cause);
	char *now = store_now();
	int r = 0;

	if (s == NULL) {
		free(now);
		return -1;
	}
	sqlite3_bind_text(s, 1, sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, date_label, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, text, (int)len, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, source, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, now, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		r = store_fail(st, "saving a Terms version", cause);
	sqlite3_finalize(s);
	free(now);
	return r;
}

char *
store_terms_get(struct store *st, const char *sha256, size_t *len, char **cause)
{
	sqlite3_stmt *s = store_prepare(st, "SELECT body FROM terms_versions WHERE sha256 = ?",
	    cause);
	char *body = NULL;
	int rc;

	if (s == NULL)
		return NULL;
	sqlite3_bind_text(s, 1, sha256, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*len = (size_t)sqlite3_column_bytes(s, 0);
		body = xstrndup((const char *)sqlite3_column_text(s, 0), *len);
	} else if (rc != SQLITE_DONE)
		store_fail(st, "reading a Terms version", cause);
	sqlite3_finalize(s);
	return body;
}

char *
store_meta_get(struct store *st, const char *key)
{
	char *cause = NULL, *v = NULL;
	sqlite3_stmt *s = store_prepare(st, "SELECT value FROM meta WHERE key = ?", &cause);

	free(cause);
	if (s == NULL)
		return NULL;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = xstrdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return v;
}

int
store_meta_set(struct store *st, const char *key, const char *value, char **cause)
{
	sqlite3_stmt *s = store_prepare(st, "INSERT INTO meta (key, value) VALUES (?, ?) "
	    "ON CONFLICT(key) DO UPDATE SET value = excluded.value", cause);
	int r = 0;

	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		r = store_fail(st, "saving metadata", cause);
	sqlite3_finalize(s);
	return r;
}

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
		store_fail(st, "reading the consent ledger", cause);
	sqlite3_finalize(s);
	return h;
}

void
store_bind_opt(sqlite3_stmt *s, int i, const char *v)
{
	if (v != NULL)
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

void
store_bind_int_opt(sqlite3_stmt *s, int i, int64_t v)
{
	if (v >= 0)
		sqlite3_bind_int64(s, i, v);
	else
		sqlite3_bind_null(s, i);
}

int
store_ledger_insert(struct store *st, struct consent_event *ev, char **cause)
{
	sqlite3_stmt *s = store_prepare(st, "INSERT INTO consent_events (kind, terms_sha256, "
	    "terms_date, method, age_answer, at, os_user, client_version, shown_bytes, "
	    "total_bytes, duration_ms, viewer, detail, prev_hash, hash, endpoint) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", cause);
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
	if (sqlite3_step(s) != SQLITE_DONE)
		r = store_fail(st, "appending to the consent ledger", cause);
	else
		ev->id = sqlite3_last_insert_rowid(st->db);
	sqlite3_finalize(s);
	return r;
}

char *
store_col_text(sqlite3_stmt *s, int i)
{
	const unsigned char *v = sqlite3_column_text(s, i);

	return v != NULL ? (char *)v : NULL;
}

int64_t
store_col_int_opt(sqlite3_stmt *s, int i)
{
	return sqlite3_column_type(s, i) == SQLITE_NULL ? -1 : sqlite3_column_int64(s, i);
}

int
store_ledger_each(struct store *st, const char *const *kinds, int reverse,
    int (*fn)(const struct consent_event *ev, void *arg), void *arg, char **cause)
{
	sqlite3_stmt *s;
	char *sql;
	int rc;

	sql = xasprintf("SELECT id, kind, terms_sha256, terms_date, method, age_answer, at, "
	    "os_user, client_version, shown_bytes, total_bytes, duration_ms, viewer, detail, "
	    "prev_hash, hash, endpoint FROM consent_events ORDER BY id %s", reverse ? "DESC" : "ASC");
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
		};
		const char *const *k;

		if (kinds != NULL) {
			for (k = kinds; *k != NULL && strcmp(*k, ev.kind != NULL ? ev.kind : "") != 0; k++)
				;
			if (*k == NULL)
				continue;
		}
		if (fn(&ev, arg) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_fail(st, "reading the consent ledger", cause);
		sqlite3_finalize(s);
		return -1;
	}
	sqlite3_finalize(s);
	return 0;
}

/* ---- conversations and messages -------------------------------------------- */

int64_t
store_conversation_new(struct store *st, const char *title, const char *model,
    const char *base_url, char **cause)
{
	sqlite3_stmt *s = store_prepare(st, "INSERT INTO conversations (started, updated, title, "
	    "model, base_url) VALUES (?1, ?1, ?2, ?3, ?4)", cause);
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
			store_fail(st, "saving a conversation", cause);
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
		store_fail(st, "reading conversations", cause);
	sqlite3_finalize(s);
	return id;
}

int64_t
store_message_add(struct store *st, int64_t conversation, const char *role, const char *content,
    const char *model, const char *status, char **cause)
{
	sqlite3_stmt *s = store_prepare(st, "INSERT INTO messages (conversation_id, role, content, "
	    "model, created, status, writer) VALUES (?, ?, ?, ?, ?, ?, ?)", cause);
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
		store_fail(st, "saving a message", cause);
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
	sqlite3_stmt *s = store_prepare(st, "UPDATE messages SET content = ?, reasoning = ?, "
	    "model = coalesce(?, model), status = ?, finish_reason = ?, prompt_tokens = ?, "
	    "completion_tokens = ?, total_tokens = ?, latency_ms = ?, duration_ms = ?, error = ?, "
	    "response_id = ?, disclaimers = ? WHERE id = ?", cause);
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
		r = store_fail(st, "saving a message", cause);
	sqlite3_finalize(s);
	return r;
}

/* Insert one piece of a streaming answer (either text may be empty). */
static int
store_message_piece(struct store *st, int64_t id, const char *content, size_t clen,
    const char *reasoning, size_t rlen, char **cause)
{
	sqlite3_stmt *s = store_prepare(st, "INSERT INTO message_parts (message_id, content, "
	    "reasoning) VALUES (?, ?, ?)", cause);
	int r = 0;

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, clen > 0 ? content : "", (int)clen, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, rlen > 0 ? reasoning : "", (int)rlen, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		r = store_fail(st, "saving a message", cause);
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
	if ((s = store_prepare(st, "DELETE FROM message_parts WHERE message_id = ?", cause)) == NULL)
		goto fail;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) != SQLITE_DONE) {
		sqlite3_finalize(s);
		store_fail(st, "saving a message", cause);
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
store_message_append(struct store *st, int64_t id, bool restart, const char *content,
    size_t clen, const char *reasoning, size_t rlen, char **cause)
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
	sqlite3_stmt *s = store_prepare(st, "UPDATE messages SET status = ?, error = ? WHERE id = ?",
	    cause);
	int r = 0;

	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, status, -1, SQLITE_STATIC);
	store_bind_opt(s, 2, error);
	sqlite3_bind_int64(s, 3, id);
	if (sqlite3_step(s) != SQLITE_DONE)
		r = store_fail(st, "marking a message", cause);
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
		r = store_fail(st, "saving a message", cause);
	sqlite3_finalize(s);
	return r;
}

int
store_messages_each(struct store *st, int64_t conversation, bool newest_first,
    int (*fn)(const struct store_message *m, void *arg), void *arg, char **cause)
{
	sqlite3_stmt *s = store_prepare(st, newest_first ?
	    "SELECT m.id, m.role, " STORE_CONTENT ", m.status, m.model FROM messages m "
	    "WHERE m.conversation_id = ? ORDER BY m.id DESC" :
	    "SELECT m.id, m.role, " STORE_CONTENT ", m.status, m.model FROM messages m "
	    "WHERE m.conversation_id = ? ORDER BY m.id", cause);
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
		return store_fail(st, "reading messages", cause);
	return 0;
}

int64_t
store_answers_count(struct store *st, int64_t conversation, char **cause)
{
	sqlite3_stmt *s = store_prepare(st, "SELECT count(*) FROM messages WHERE "
	    "conversation_id = ? AND role = 'assistant' AND status = 'complete'", cause);
	int64_t n = -1;

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, conversation);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	else
		store_fail(st, "counting messages", cause);
	sqlite3_finalize(s);
	return n;
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
}

int
store_ledger_next(struct store *st, int64_t id, int later,
    int (*fn)(const struct consent_event *ev, void *arg), void *arg, char **cause)
{
	sqlite3_stmt *s;
	struct consent_event ev;
	char *sql;
	int rc;

	sql = xasprintf("SELECT id, kind, terms_sha256, terms_date, method, age_answer, at, "
	    "os_user, client_version, shown_bytes, total_bytes, duration_ms, viewer, detail, "
	    "prev_hash, hash, endpoint FROM consent_events WHERE id %s ? ORDER BY id %s LIMIT 1",
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
		store_fail(st, "reading the consent ledger", cause);
		sqlite3_finalize(s);
		return -1;
	}
	sqlite3_finalize(s);
	return 0;
}
