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
#define STORE_SCHEMA_VERSION 3

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

/* ---- conversations and messages -------------------------------------------- */

/* A message row. Strings are borrowed (from the caller, or valid during a callback). */
struct store_message {
	int64_t id;
	const char *role;	/* "system", "user", "assistant" */
	const char *content;
	size_t content_len;
	const char *reasoning;
	const char *model;
	const char *status;	/* "complete", "streaming", "incomplete", "interrupted", "error" */
	const char *finish_reason;
	int64_t prompt_tokens;	/* -1 when unknown, as are the other numbers */
	int64_t completion_tokens;
	int64_t total_tokens;
	int64_t latency_ms;	/* request sent to first byte of the answer */
	int64_t duration_ms;	/* request sent to end of the answer */
	const char *error;
	const char *response_id;
};

/* New conversation; returns its id, or -1 with *cause set. */
int64_t store_conversation_new(struct store *st, const char *title, const char *model,
    const char *base_url, char **cause);

/* The most recently updated conversation: its id, 0 when there is none, -1 on error. */
int64_t store_conversation_latest(struct store *st, char **cause);

/* Add a message; returns its id, or -1. Touches the conversation's updated time. */
int64_t store_message_add(struct store *st, int64_t conversation, const char *role,
    const char *content, const char *model, const char *status, char **cause);

/* Rewrite a message's content and outcome (by m->id). */
int store_message_update(struct store *st, const struct store_message *m, char **cause);

/* Call fn for each message of a conversation, oldest first; fn returns non-zero to stop. */
int store_messages_each(struct store *st, int64_t conversation,
    int (*fn)(const struct store_message *m, void *arg), void *arg, char **cause);

#endif
