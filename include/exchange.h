/*
 * exchange.h: one prompt and its answer: the request, the stream, the record
 * in the store, and what went wrong. Shared by one-shot mode, the full-screen
 * UI and line mode, which only present it.
 *
 * Starting an exchange passes the consent gate (app_gate(), read afresh:
 * the one choke point every prompt goes through), then stores the
 * conversation (new or given) and the prompt before anything is sent; the
 * answer is saved as it streams, about once a second (a save never waits
 * for another writer: the next one catches up), and marked complete,
 * incomplete, interrupted or error at the end. That last save waits its
 * turn; when it fails (a full disk, a store held too long) the row is
 * marked "error" with the reason when it can be, res.unsaved is set, and an
 * answer that was otherwise fine exits EXIT_USAGE (2).
 *
 * A leading <think>...</think> block in the content is reasoning (api_think):
 * it goes to on_reasoning and res.reasoning, never to the content.
 *
 * Errors map through one table (api_error_classify), whether they come as
 * an HTTP status or as an error object inside a 200 stream: authentication
 * exits 4; a rate limit or an overload before any text is retried like a
 * 429 or a 503; after text, a passing error is a cut answer (exit 5, the
 * partial answer kept); everything else exits 1.
 */
#ifndef CONFAB_EXCHANGE_H
#define CONFAB_EXCHANGE_H

#include <stdbool.h>
#include <stdint.h>

#include "api.h"
#include "buf.h"
#include "app.h"
#include "disclaimer.h"

struct exchange;
struct loop;

struct exchange_params {
	struct app *app;	   /* model, base URL, options */
	struct app_access *access; /* borrowed: the key, resolved here when it is not yet */
	bool log;		   /* write to the store */
	int64_t conversation;	   /* continue this one; 0 starts a new one */
	const char *prompt;	   /* valid UTF-8 without NUL */
	const char *const *images; /* data URLs sent with the prompt (borrowed) */
	size_t nimages;
	const struct api_message *context; /* earlier turns sent back, oldest first (borrowed) */
	size_t ncontext;
	bool stream;	 /* false: --no-stream */
	long max_time_s; /* the whole exchange at most; 0: no limit */
};

struct exchange_result {
	int exit;	    /* the exit code one-shot mode uses for this outcome */
	char *message;	    /* what went wrong, for people; NULL on success */
	char *message_en;   /* the same in English: the store and --json keep it */
	const char *status; /* "complete", "incomplete", "interrupted", "error" */
	struct buf content; /* the answer's exact bytes */
	struct buf reasoning;
	char *finish_reason; /* or NULL */
	char *model;	     /* as the server named it, or the one asked for */
	char *id;	     /* the completion id, or NULL */
	struct api_usage usage;
	bool has_usage;
	bool blocked;	      /* the provider's content filter stopped it */
	int64_t conversation; /* 0 when not logged */
	int64_t message_id;   /* the answer's row, 0 when not logged */
	bool unsaved;	      /* the store failed at the last save (message says why) */
	int64_t latency_ms;   /* to the first byte; -1 */
	int64_t duration_ms;
	/*
	 * The reliance notices (Terms III.4), set before on_done: general first,
	 * then topics, then how the answer ended; none when no answer arrived
	 * (an error or an interruption before any text). Borrowed from the app's
	 * rules (app_disclaimers()), valid until app_release(). Also stored with
	 * the answer as JSON (messages.disclaimers).
	 */
	const struct disclaimer *disclaimers[DISCLAIMER_MAX];
	size_t ndisclaimers;
};

struct exchange_cb {
	/* Text as it arrives (raw bytes: untrusted). Either may be NULL. */
	void (*on_content)(const char *text, size_t len, void *arg);
	void (*on_reasoning)(const char *text, size_t len, void *arg);
	/* The first byte of the answer arrived (headers of a 2xx). May be NULL. */
	void (*on_start)(void *arg);
	/* A retry is coming: attempt n of max failed; waiting wait_ms. May be NULL. */
	void (*on_retry)(int attempt, int max, long wait_ms, const char *why, void *arg);
	/* Once, at the end; the result stays valid until exchange_free(). */
	void (*on_done)(const struct exchange_result *res, void *arg);
	void *arg;
};

/*
 * Pass the gate, resolve the key (once: p->access keeps it), record the
 * prompt and send it through the loop's transfers. Returns 0 with *out set,
 * or an exit code with *cause set and nothing sent: EXIT_CONSENT when the
 * gate is closed, EXIT_USAGE when there is no key or the store or the Terms
 * cannot be read.
 */
int exchange_start(struct loop *loop, const struct exchange_params *p, const struct exchange_cb *cb,
    struct exchange **out, char **cause);

/* Stop: on_done follows with status "interrupted" (exit 130). */
void exchange_cancel(struct exchange *x);

bool exchange_done(const struct exchange *x);
void exchange_free(struct exchange *x); /* NULL-safe; cancels a running one quietly */

/* The retries an exchange makes before the first byte. */
#define EXCHANGE_RETRIES 2

#endif
