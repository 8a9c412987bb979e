/*
 * feedback.h: ratings of answers (Terms IV), the one-time notice, and their
 * delivery to feedback_url through the store's outbox.
 *
 * A rating is thumbs up (1), thumbs down (-1) or cleared (0), with optional
 * reasons from a fixed list and an optional comment; a new rating of the
 * same answer replaces the old one whole. Nothing is stored before the user
 * has confirmed the notice that explains section IV (recorded in the consent
 * ledger as kind "feedback-notice"). A rating is saved in one transaction.
 *
 * Delivery: only when feedback_url is set at the time of rating. Each rating
 * becomes an outbox item with its own idempotency key (sent as the header
 * Idempotency-Key and in the JSON body); a newer rating of the same answer
 * supersedes undelivered items. Items are retried with backoff until a 2xx
 * arrives, then marked delivered once. One process delivers at a time (a
 * lock file next to the store), so two confabs never send the same item at
 * once. Nothing is sent unless the current Terms are accepted. The prompt
 * and answer text are included only with feedback_include_exchange = yes.
 */
#ifndef CONFAB_FEEDBACK_H
#define CONFAB_FEEDBACK_H

#include "caps.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct app;
struct cJSON;
struct loop;

/* FEEDBACK_COMMENT_MAX (caps.h) bounds a comment, in bytes as given (before sanitising). */

/* ---- the notice (Terms IV) --------------------------------------------------- */

enum feedback_notice {
	FEEDBACK_NOTICE_NONE, /* never answered */
	FEEDBACK_NOTICE_CONFIRMED,
	FEEDBACK_NOTICE_DECLINED, /* the last answer was no: ask again next time */
};

/*
 * The explanation shown once before the first rating, in plain words, with
 * where ratings go under the current configuration first: without
 * feedback_url, that nothing leaves the machine, and section IV as what would
 * apply if a rating reached the provider. Paragraphs separated by
 * blank lines, list items starting "- ", lines not wrapped. Caller frees.
 */
char *feedback_notice_text(struct app *app);

/*
 * What the notice asks on a terminal and in line mode, as a prompt ending in
 * ": " (the word to type, yes, is the same in every language). The names
 * give the text in the language of the screens; the _en arrays the English.
 */
extern const char feedback_notice_question_en[];
#define feedback_notice_question _(feedback_notice_question_en)

/* The notice in one clause, for messages: lowercase, no final period. */
extern const char feedback_notice_gist_en[];
#define feedback_notice_gist _(feedback_notice_gist_en)

/* The user's last answer to the notice. 0, or -1 with *cause (store error). */
int feedback_notice_state(struct app *app, enum feedback_notice *state, char **cause);

/*
 * Record the answer in the consent ledger: kind "feedback-notice", detail
 * "confirmed" or "declined", method how it was given ("typed 'yes' (full-screen
 * UI)", "flag --yes"). 0, or -1 with *cause (then it does not count).
 */
int feedback_notice_record(struct app *app, bool confirmed, const char *method, char **cause);

/* ---- rating ------------------------------------------------------------------ */

/* The reasons a rating may give, for up (1) or down (-1): a NULL-terminated list. */
const char *const *feedback_reasons(int rating);

/*
 * Reasons as a new JSON array: a comma-separated list ("a, b"; blanks around
 * each and empty ones dropped; NULL for none), or a stored JSON array as it is.
 */
struct cJSON *feedback_reasons_json(const char *reasons);

/* How a reason reads on screen ("harmful or offensive" for "harmful"). Borrowed. */
const char *feedback_reason_label(const char *name);

struct feedback_rating {
	int rating;	     /* 1 up, -1 down, 0 clear */
	const char *reasons; /* comma-separated names from feedback_reasons(), or NULL */
	const char *comment; /* as typed (sanitised here), or NULL */
};

struct feedback_outcome {
	int64_t message_id;
	bool existed;	  /* the answer was rated before */
	int previous;	  /* that rating (when existed) */
	bool changed;	  /* false: clearing an answer without a rating did nothing */
	bool queued;	  /* an outbox item waits for feedback_url */
	size_t dropped;	  /* control characters removed from the comment */
	bool unconfirmed; /* refused: the notice is not confirmed */
};

/*
 * The answer a user names: a decimal message id (as 'confab --json' prints
 * it), or "last" (also for NULL) for the newest answer. Returns its id, or
 * -1 with *cause (not a number, no such message, a prompt rather than an
 * answer, no answer at all yet, a store error).
 */
int64_t feedback_resolve(struct app *app, const char *which, char **cause);

/*
 * Rate (or clear) answer message_id. Checks the reasons, sanitises the
 * comment (control characters dropped except newline; tabs become spaces;
 * invalid UTF-8 replaced) and refuses one over FEEDBACK_COMMENT_MAX. Rating
 * needs the notice confirmed. Returns 0, or -1 with *cause (bad input, a
 * store error, or the notice not confirmed: then out->unconfirmed is set).
 */
int feedback_rate(struct app *app, int64_t message_id, const struct feedback_rating *r,
    struct feedback_outcome *out, char **cause);

/* The current rating of an answer: 1 with *rating set, 0 when unrated, -1 on error. */
int feedback_get(struct app *app, int64_t message_id, int *rating, char **cause);

/*
 * Clean a comment: see feedback_rate. Returns the allocated result (NULL
 * when nothing is left) with *dropped set, or sets *cause and returns NULL
 * when it is too long (*cause is NULL otherwise).
 */
char *feedback_comment_clean(const char *s, size_t len, size_t *dropped, char **cause);

/* ---- delivery (feedback-outbox.c) ---------------------------------------------- */

struct feedback_sync_opts {
	bool all;	    /* also items still waiting out their backoff */
	int64_t message_id; /* only this answer's item; 0: every item */
	long timeout_s;	    /* for each POST */
	int tries;	    /* attempts per item in this run (with a short backoff) */
	long lock_wait_ms;  /* how long to wait for another confab that is delivering */
};

struct feedback_sync_report {
	int delivered;	   /* in this run */
	int failed;	   /* attempted in this run and not delivered */
	int skipped;	   /* not attempted: the collector had just failed */
	int64_t pending;   /* undelivered after the run, these included */
	bool busy;	   /* another confab held the delivery lock throughout */
	bool refused;	   /* nothing sent: the Terms are not accepted */
	char *last_error;  /* the last failure, or NULL: in English, as the store keeps it */
	char *shown_error; /* the same in the language of the screens, or NULL */
};

/*
 * Deliver what is pending now, blocking (for 'feedback sync' and the quick
 * try after a rating). Stops trying after the first item that fails for
 * good. Returns 0 with *rep filled (failures are in the report), or -1 with
 * *cause: no feedback_url, a store error, or the Terms not accepted (then
 * rep->refused is set). Release the report with feedback_sync_report_release().
 */
int feedback_sync(struct app *app, const struct feedback_sync_opts *o,
    struct feedback_sync_report *rep, char **cause);
void feedback_sync_report_release(struct feedback_sync_report *rep);

/*
 * The background pump for interactive modes: without blocking, start at
 * most one delivery through the loop's transfers when an item is due, and
 * check again on a timer; a failure sets the item's next attempt with
 * exponential backoff (15 s doubling up to an hour). Call it once when the
 * loop starts and again after each rating (it then tries at once). Does
 * nothing without feedback_url. The pump belongs to app (app->pump), on one
 * loop.
 */
void feedback_outbox_start(struct app *app, struct loop *loop);

/*
 * Stop the pump before loop_free(): removes the timer and abandons a
 * transfer in flight (its item stays pending and is sent again later with
 * the same key).
 */
void feedback_outbox_stop(struct app *app);

#endif
