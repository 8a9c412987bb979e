/*
 * store.h: the single SQLite store (the only file that includes sqlite3.h).
 *
 * WAL journal, a busy time-out sized for long writes so several confab
 * processes take turns (each waits up to a minute), schema versioned with
 * PRAGMA user_version and migrated forward in one transaction. The file is
 * 0600 in a 0700 directory. What is not a confab store (a symbolic link,
 * not a regular file, not a database, another program's database, one a
 * newer confab wrote) and a read-only store are reported before anything
 * is written, and left untouched. A streaming answer records its writer
 * process; on open, rows whose writer is gone become "interrupted".
 */
#ifndef CONFAB_STORE_H
#define CONFAB_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;
struct consent_event;

/* The schema version this build writes. */
#define STORE_SCHEMA_VERSION 8

/* Open (creating) the store at path; NULL with *cause set on failure. */
struct store *store_open(const char *path, char **cause);
void store_close(struct store *st); /* NULL-safe */

/* The store's file (borrowed). */
const char *store_path(const struct store *st);

/* The current UTC time as the store writes it: "2026-11-27T05:00:00.123Z". */
char *store_now(void);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. */
int store_begin(struct store *st, char **cause);
int store_commit(struct store *st, char **cause);
void store_rollback(struct store *st);

/* ---- Terms versions -------------------------------------------------------- */

/* Keep a Terms text (canonical bytes) under its hash; no-op if present. */
int store_terms_put(struct store *st, const char *sha256, const char *date_label, const char *text,
    size_t len, const char *source, char **cause);

/* The text stored under sha256 (caller frees), or NULL: *cause NULL if absent. */
char *store_terms_get(struct store *st, const char *sha256, size_t *len, char **cause);

/* ---- key/value metadata (conditional GET validators, last check time) ---- */

char *store_meta_get(struct store *st, const char *key); /* caller frees; NULL if unset */
int store_meta_set(struct store *st, const char *key, const char *value, char **cause);

/* ---- consent ledger ---------------------------------------------------- */

/* The hash of the newest event, or the all-zero genesis hash (caller frees). */
char *store_ledger_head(struct store *st, char **cause);

/*
 * The endpoint that new consent events apply to when they name none
 * (consent_record() fills it in); app_store() sets it to the endpoint in
 * effect. NULL: none. Copied; the getter's string is borrowed.
 */
void store_ledger_set_endpoint(struct store *st, const char *url);
const char *store_ledger_endpoint(const struct store *st);

/* Insert a fully filled event; sets ev->id. */
int store_ledger_insert(struct store *st, struct consent_event *ev, char **cause);

/*
 * Call fn for each event, oldest first (newest first with reverse). kinds,
 * when not NULL, is a NULL-terminated list of kinds to keep. fn returns
 * non-zero to stop. The event is valid only during the call.
 */
int store_ledger_each(struct store *st, const char *const *kinds, int reverse,
    int (*fn)(const struct consent_event *ev, void *arg), void *arg, char **cause);

/*
 * Call fn for the one event just before event id (later 0; id INT64_MAX: the
 * newest) or just after it (later 1), if there is one. The event is valid
 * only during the call.
 */
int store_ledger_next(struct store *st, int64_t id, int later,
    int (*fn)(const struct consent_event *ev, void *arg), void *arg, char **cause);

/* ---- conversations and messages -------------------------------------------- */

/* A message row. Strings are borrowed (from the caller, or valid during a callback). */
struct store_message {
	int64_t id;
	const char *role; /* "system", "user", "assistant" */
	const char *content;
	size_t content_len;
	const char *reasoning;
	const char *model;
	const char *status; /* "complete", "streaming", "incomplete", "interrupted", "error",
				   "replaced" (a /retry superseded it) */
	const char *finish_reason;
	int64_t prompt_tokens; /* -1 when unknown, as are the other numbers */
	int64_t completion_tokens;
	int64_t total_tokens;
	int64_t latency_ms;  /* request sent to first byte of the answer */
	int64_t duration_ms; /* request sent to end of the answer */
	const char *error;
	const char *response_id;
	const char *disclaimers; /* JSON array (disclaimer_json()) or NULL; written by update */
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

/*
 * The same, for a save that the next one supersedes: when another writer
 * holds the store it returns 1 at once, nothing written, *cause unset.
 */
int store_message_try_update(struct store *st, const struct store_message *m, char **cause);

/*
 * Append to a streaming answer what arrived since the last append (either
 * text may be empty), never rewriting what is stored: the pieces are kept
 * apart until store_message_update() writes the whole answer and drops
 * them. restart: drop the pieces appended before (the answer started over).
 * Like try_update, it returns 1 at once when another writer holds the store.
 */
int store_message_append(struct store *st, int64_t id, bool restart, const char *content,
    size_t clen, const char *reasoning, size_t rlen, char **cause);

/*
 * Set a message's status and error alone, its content as last saved: what
 * is left to do when an answer could not be saved (a small write).
 */
int store_message_mark(struct store *st, int64_t id, const char *status, const char *error,
    char **cause);

/* Set a message's status alone ("replaced" when /retry supersedes an answer). */
int store_message_set_status(struct store *st, int64_t id, const char *status, char **cause);

/*
 * Call fn for each message of a conversation (id, role, content, status and
 * model only), oldest first or newest first; fn returns non-zero to stop, and
 * rows after that are never read.
 */
int store_messages_each(struct store *st, int64_t conversation, bool newest_first,
    int (*fn)(const struct store_message *m, void *arg), void *arg, char **cause);

/* How many complete answers a conversation holds, or -1 with *cause. */
int64_t store_answers_count(struct store *st, int64_t conversation, char **cause);

/* ---- conversation history (store-log.c) ------------------------------------ */

/*
 * A conversation. Its strings are borrowed: during a store_log_list()
 * callback they are valid for that call; store_log_get() copies them, and
 * store_conversation_release() frees the copies. The title is the start of
 * the first prompt (up to 80 bytes, possibly cut inside a character):
 * untrusted text, to sanitise before it is shown.
 */
struct store_conversation {
	int64_t id;
	char *started; /* UTC, as store_now() writes it */
	char *updated;
	char *title;	  /* or NULL */
	char *model;	  /* or NULL */
	char *base_url;	  /* or NULL */
	int64_t messages; /* how many messages it holds */
};

/* Each conversation, most recently updated first; fn returns non-zero to stop. */
int store_log_list(struct store *st, int (*fn)(const struct store_conversation *c, void *arg),
    void *arg, char **cause);

/* How many conversations are stored, or -1 with *cause. */
int64_t store_log_count(struct store *st, char **cause);

/* Fill *c with conversation id (owned copies): 1 found, 0 no such conversation, -1 error. */
int store_log_get(struct store *st, int64_t id, struct store_conversation *c, char **cause);
void store_conversation_release(struct store_conversation *c);

/*
 * The conversation a user names: a decimal id, or "last" for the most
 * recently updated one. Returns its id, or -1 with *cause saying why (not
 * a number, no such conversation, none at all, or a store error).
 */
int64_t store_log_resolve(struct store *st, const char *name, char **cause);

/* A message with what was shown and said about it. Strings borrowed, valid during the call. */
struct store_log_message {
	struct store_message m; /* every column, reasoning and usage included */
	const char *created;
	const char *disclaimers; /* the stored JSON array, or NULL */
	int rated;		 /* 1 when there is a feedback row; then: */
	int rating;		 /* -1 down, 0 cleared, 1 up */
	const char *reasons;	 /* or NULL */
	const char *comment;	 /* or NULL */
};

/*
 * Each message of a conversation with its feedback, oldest first, one row
 * at a time (nothing is loaded whole); fn returns non-zero to stop.
 */
int store_log_messages(struct store *st, int64_t conversation,
    int (*fn)(const struct store_log_message *lm, void *arg), void *arg, char **cause);

/* One conversation that matches a search. Strings borrowed, valid during the call. */
struct store_log_hit {
	int64_t conversation;
	const char *title; /* or NULL */
	const char *updated;
	int64_t matches; /* how many of its messages match */
	int64_t message; /* the first matching message */
	const char *role;
	const char *content; /* that message's text */
	size_t content_len;
};

/*
 * Conversations whose prompts or answers contain text (case-insensitive
 * for ASCII), most recently updated first. The text is a literal, never
 * query syntax: FTS5 (trigram) for 3 characters or more, a LIKE scan for
 * shorter text. An empty text is the caller's error to refuse.
 */
int store_log_search(struct store *st, const char *text,
    int (*fn)(const struct store_log_hit *h, void *arg), void *arg, char **cause);

/*
 * The same, stopping after limit conversations (-1: all of them): the newest
 * that match. A LIKE scan (text under 3 characters) then reads conversations
 * newest first and ends as soon as limit of them matched.
 */
int store_log_search_n(struct store *st, const char *text, int64_t limit,
    int (*fn)(const struct store_log_hit *h, void *arg), void *arg, char **cause);

/*
 * Delete a conversation with its messages, their feedback and that feedback's
 * outbox items (undelivered ones are never sent), in one transaction.
 */
int store_log_delete(struct store *st, int64_t id, char **cause);

/* ---- feedback and its outbox (store-feedback.c) ----------------------------- */

/* An answer as a rating sees it. Owned copies: store_feedback_answer_release(). */
struct store_feedback_answer {
	int64_t message_id;
	int64_t conversation_id;
	char *role;	   /* "assistant" for an answer */
	char *model;	   /* or NULL */
	char *response_id; /* the provider's completion id, or NULL */
	char *content;	   /* the answer text */
	char *prompt;	   /* the user message before it in its conversation, or NULL */
};

/* Fill *a for message id: 1 found, 0 no such message, -1 error. */
int store_feedback_answer_get(struct store *st, int64_t id, struct store_feedback_answer *a,
    char **cause);
void store_feedback_answer_release(struct store_feedback_answer *a);

/* The newest answer (assistant message): its id, 0 when there is none, -1 on error. */
int64_t store_feedback_last_answer(struct store *st, char **cause);

/* A rating to save. Strings borrowed. */
struct store_feedback_put {
	int64_t message_id;
	int64_t conversation_id;
	int rating;	     /* 1 up, -1 down, 0 cleared */
	const char *reasons; /* "a,b", or NULL */
	const char *comment; /* or NULL */
	const char *model;   /* or NULL */
	const char *now;     /* store_now(): the rating's time, also the item's */
	const char *key;     /* the outbox item's idempotency key; NULL: stays local */
	const char *payload; /* its JSON body */
	bool only_if_sent;   /* enqueue only when an earlier item may have reached the collector */
};

struct store_feedback_saved {
	int64_t feedback_id;
	bool existed;	   /* the message had a feedback row before */
	int previous;	   /* its rating then */
	int64_t outbox_id; /* the item enqueued, 0 when none */
};

/*
 * Save a rating in one transaction: insert or replace the message's feedback
 * row (rating, reasons and comment all replaced; created kept), drop the
 * undelivered outbox items of that row (a newer rating supersedes them), and
 * enqueue the new item when p->key is set.
 */
int store_feedback_put(struct store *st, const struct store_feedback_put *p,
    struct store_feedback_saved *saved, char **cause);

/* A feedback row with its delivery. Strings borrowed, valid during the call. */
struct store_feedback {
	int64_t id;
	int64_t message_id;
	int64_t conversation_id;
	int rating;	     /* 1 up, -1 down, 0 cleared */
	const char *reasons; /* or NULL */
	const char *comment; /* or NULL */
	const char *model;   /* or NULL */
	const char *created;
	const char *updated;
	const char *delivery;	/* "local" (never queued), "pending" or "delivered" */
	const char *delivered;	/* when, or NULL */
	int64_t attempts;	/* of the current state's outbox item, 0 when none */
	const char *last_error; /* or NULL */
};

/* Each feedback row (of message_id, or all when 0), oldest first; fn returns non-zero to stop. */
int store_feedback_each(struct store *st, int64_t message_id,
    int (*fn)(const struct store_feedback *f, void *arg), void *arg, char **cause);

/* An outbox item. Owned copies: store_outbox_item_release(). */
struct store_outbox_item {
	int64_t id;
	int64_t feedback_id;
	char *key;
	char *payload;
	int64_t attempts;
};
void store_outbox_item_release(struct store_outbox_item *it);

/*
 * The oldest undelivered item with id > after whose feedback row still
 * exists; only those due (next_attempt passed) when due_only; only those of
 * feedback_id when it is not 0. 1 found, 0 none, -1 error.
 */
int store_feedback_outbox_next(struct store *st, int64_t after, bool due_only, int64_t feedback_id,
    struct store_outbox_item *it, char **cause);

/* Count an attempt starting now; the next is not due for delay_ms (in case it never ends). */
int store_feedback_outbox_attempt(struct store *st, int64_t id, int64_t delay_ms, char **cause);

/* Mark an item delivered now (once: a delivered item is never changed again). */
int store_feedback_outbox_delivered(struct store *st, int64_t id, char **cause);

/* Note a failed attempt and when the next one is due. */
int store_feedback_outbox_failed(struct store *st, int64_t id, const char *error, int64_t delay_ms,
    char **cause);

/* Undelivered items (of rows that still exist): how many, and how many are due now. */
int store_feedback_outbox_count(struct store *st, int64_t *pending, int64_t *due, char **cause);

#endif
