/* store-schema.c: the schema migrations and the schema version checks. */
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
	"CREATE VIEW messages_text AS SELECT m.id, m.conversation_id, m.role, m.status, " STORE_CONTENT
	" AS content, " STORE_REASONING " AS reasoning FROM messages m;",

	/*
	 * 6 -> 7: the word a person typed for a consent event and the language
	 * of the screens (NULL in older events, whose hashes stay valid: see
	 * consent_event_hash()).
	 */
	"ALTER TABLE consent_events ADD COLUMN typed TEXT;"
	"ALTER TABLE consent_events ADD COLUMN language TEXT;",

	/*
	 * 7 -> 8: the full-text index holds the first STORE_FTS_CAP characters
	 * of each message (a 4 MiB answer's trigrams cost 1,400 M instructions
	 * at its final save); messages longer than that many bytes are listed
	 * by a partial index and searched whole with LIKE (store-log.c). The
	 * long messages already indexed whole are indexed again, cut.
	 */
	"DROP TRIGGER messages_fts_insert;"
	"DROP TRIGGER messages_fts_delete;"
	"DROP TRIGGER messages_fts_unindex;"
	"DROP TRIGGER messages_fts_index;"
	"INSERT INTO messages_fts (messages_fts, rowid, content) SELECT 'delete', id, content"
	"  FROM messages WHERE status != 'streaming' AND " STORE_LONG ";"
	"INSERT INTO messages_fts (rowid, content) SELECT id, substr(content, 1, " STORE_FTS_CAP ")"
	"  FROM messages WHERE status != 'streaming' AND " STORE_LONG ";"
	"CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages"
	"  WHEN new.status != 'streaming' BEGIN"
	"  INSERT INTO messages_fts (rowid, content)"
	"  VALUES (new.id, substr(new.content, 1, " STORE_FTS_CAP ")); END;"
	"CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages"
	"  WHEN old.status != 'streaming' BEGIN"
	"  INSERT INTO messages_fts (messages_fts, rowid, content)"
	"  VALUES ('delete', old.id, substr(old.content, 1, " STORE_FTS_CAP ")); END;"
	"CREATE TRIGGER messages_fts_unindex AFTER UPDATE OF content, status ON messages"
	"  WHEN old.status != 'streaming' BEGIN"
	"  INSERT INTO messages_fts (messages_fts, rowid, content)"
	"  VALUES ('delete', old.id, substr(old.content, 1, " STORE_FTS_CAP ")); END;"
	"CREATE TRIGGER messages_fts_index AFTER UPDATE OF content, status ON messages"
	"  WHEN new.status != 'streaming' BEGIN"
	"  INSERT INTO messages_fts (rowid, content)"
	"  VALUES (new.id, substr(new.content, 1, " STORE_FTS_CAP ")); END;"
	"CREATE INDEX messages_long ON messages (id) WHERE " STORE_LONG ";",
};

static int
store_user_version(struct store *st, int *version, char **cause)
{
	sqlite3_stmt *s = store_prepare(st, "PRAGMA user_version", cause);

	if (s == NULL)
		return -1;
	if (sqlite3_step(s) != SQLITE_ROW) {
		store_fail(st, _("reading the schema version"), cause);
		sqlite3_finalize(s);
		return -1;
	}
	*version = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return 0;
}

int
store_newer(struct store *st, int version, char **cause)
{
	*cause = xasprintf(_("store '%s' was written by a newer confab (schema %d; this confab "
			     "knows up to %d); upgrade confab, the store was left as it is"),
	    st->path, version, STORE_SCHEMA_VERSION);
	return -1;
}

/* Bring the schema to STORE_SCHEMA_VERSION in one transaction. */
int
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
