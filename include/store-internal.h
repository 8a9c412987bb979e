/*
 * store-internal.h: what the store-*.c files share. Only they include
 * sqlite3.h: store.c (open, Terms, metadata, helpers), store-schema.c
 * (migrations), store-ledger.c (consent ledger rows), store-message.c
 * (conversations and messages), and one file
 * per later area (store-feedback.c, store-log.c) with its typed queries;
 * store-recover.c finds the answers whose writer died.
 */
#ifndef CONFAB_STORE_INTERNAL_H
#define CONFAB_STORE_INTERNAL_H

#include <sqlite3.h>
#include <stdint.h>

/*
 * How long a writer waits for its turn: long enough for others' saves of
 * large answers (the final saves of 4 MiB answers by dozens of processes).
 */
#define STORE_BUSY_MS 60000

/*
 * A message's text (of messages m) with the pieces of a streaming answer
 * that no final save has joined yet: rows left "streaming", or marked
 * "error" when the final save failed.
 */
#define STORE_PIECES(col) \
	"coalesce((SELECT group_concat(pc, '') FROM (SELECT p." col " AS pc FROM " \
	"message_parts p WHERE p.message_id = m.id ORDER BY p.id)), '')"
#define STORE_CONTENT \
	"CASE WHEN m.status IN ('streaming', 'error') THEN m.content || " STORE_PIECES( \
	    "content") " ELSE m.content END"
#define STORE_REASONING \
	"CASE WHEN m.status IN ('streaming', 'error') THEN nullif(coalesce(m.reasoning, '') || " STORE_PIECES( \
	    "reasoning") ", '') ELSE m.reasoning END"

/*
 * The full-text index holds the first STORE_FTS_CAP characters of a message
 * (schema 8): indexing a 4 MiB answer whole cost about 1,400 M instructions,
 * 4 times everything else its exchange does. A message longer than
 * STORE_FTS_CAP bytes is "long" (the partial index messages_long) and a
 * search reads its whole text with LIKE, so no match beyond the cap is
 * missed. Fixed by migration 8: another value needs another migration.
 */
#define STORE_FTS_CAP "65536"
#define STORE_LONG "length(CAST(content AS BLOB)) > " STORE_FTS_CAP

struct store {
	sqlite3 *db;
	char *path;
	char *endpoint; /* what new consent events apply to, or NULL */
	char *writer;	/* this process, as streaming rows record it */
};

/* Set *cause to "store 'PATH': WHAT: sqlite message"; returns -1. */
int store_fail(struct store *st, const char *what, char **cause);
int store_exec(struct store *st, const char *sql, char **cause);
sqlite3_stmt *store_prepare(struct store *st, const char *sql, char **cause);
/* Bind text, or NULL when v is NULL; an integer, or NULL when v < 0. */
void store_bind_opt(sqlite3_stmt *s, int i, const char *v);
void store_bind_int_opt(sqlite3_stmt *s, int i, int64_t v);
/* Column text (borrowed until the next step), or NULL; an integer, or -1 for NULL. */
char *store_col_text(sqlite3_stmt *s, int i);
int64_t store_col_int_opt(sqlite3_stmt *s, int i);

/*
 * This process as a streaming row records its writer: "HOST PID BOOT START"
 * (the host name, the process id, the kernel's boot id and the process's
 * start time in clock ticks since boot; the last two "-" where unknown).
 */
char *store_writer_self(void);
/*
 * Mark interrupted the rows left streaming by a writer that no longer runs
 * (a process killed, a machine rebooted): quietly, in one transaction,
 * never waiting for other writers; what fails is tried at the next start.
 */
void store_recover(struct store *st);
/* store-schema.c: say the store is newer than this program; bring it up to date. */
int store_newer(struct store *st, int version, char **cause);
int store_migrate(struct store *st, char **cause);

#endif
