/*
 * store.h: the single SQLite store (the only file that includes sqlite3.h).
 *
 * WAL journal, a busy time-out so several confab processes can write at
 * once, schema versioned with PRAGMA user_version and migrated forward in one
 * transaction. The file is 0600 in a 0700 directory. A store that is not a
 * database, or that a newer confab wrote, is reported and left untouched.
 */
#ifndef CONFAB_STORE_H
#define CONFAB_STORE_H

#include <stddef.h>
#include <stdint.h>

struct store;
struct consent_event;

/* The schema version this build writes. */
#define STORE_SCHEMA_VERSION 1

/* Open (creating) the store at path; NULL with *cause set on failure. */
struct store *store_open(const char *path, char **cause);
void store_close(struct store *st); /* NULL-safe */

/* The current UTC time as the store writes it: "2026-11-27T05:00:00.123Z". */
char *store_now(void);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. */
int store_begin(struct store *st, char **cause);
int store_commit(struct store *st, char **cause);
void store_rollback(struct store *st);

/* ---- Terms versions -------------------------------------------------------- */

/* Keep a Terms text (canonical bytes) under its hash; no-op if present. */
int store_terms_put(struct store *st, const char *sha256, const char *date_label,
    const char *text, size_t len, const char *source, char **cause);

/* The text stored under sha256 (caller frees), or NULL: *cause NULL if absent. */
char *store_terms_get(struct store *st, const char *sha256, size_t *len, char **cause);

/* ---- key/value metadata (conditional GET validators, last check time) ---- */

char *store_meta_get(struct store *st, const char *key); /* caller frees; NULL if unset */
int store_meta_set(struct store *st, const char *key, const char *value, char **cause);

/* ---- consent ledger ---------------------------------------------------- */

/* The hash of the newest event, or the all-zero genesis hash (caller frees). */
char *store_ledger_head(struct store *st, char **cause);

/* Insert a fully filled event; sets ev->id. */
int store_ledger_insert(struct store *st, struct consent_event *ev, char **cause);

/*
 * Call fn for each event, oldest first (newest first with reverse). kinds,
 * when not NULL, is a NULL-terminated list of kinds to keep. fn returns
 * non-zero to stop. The event is valid only during the call.
 */
int store_ledger_each(struct store *st, const char *const *kinds, int reverse,
    int (*fn)(const struct consent_event *ev, void *arg), void *arg, char **cause);

#endif
