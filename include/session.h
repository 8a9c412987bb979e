/*
 * session.h: one conversation, for every front end (the full-screen UI,
 * line mode and one-shot mode). The front ends draw and read keys; the
 * session decides:
 *
 * - what is sent: the consent gate is passed immediately before each request
 *   (exchange_start(), read afresh); a prompt the gate stops is kept, never
 *   lost, and handed back through view->consent;
 * - what is sent back: only completed user/assistant pairs (failed turns,
 *   interrupted or broken answers and reasoning stay in the store and on
 *   screen, never in a request), newest first within the model's context
 *   budget, the system prompt always; /retry replaces the last attempt;
 * - the slash commands (one table, slash.c; one implementation, here), the
 *   endpoint, model, system prompt and key, ratings and their Terms IV notice,
 *   continuing a stored conversation (-c, --conversation, /history).
 *
 * The view's callbacks only show things; a callback may call back into the
 * session (session_notice_answer() from view->notice, for instance).
 */
#ifndef CONFAB_SESSION_H
#define CONFAB_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct app;
struct loop;
struct session;
struct exchange_result;
struct store_log_message;

/* What a front end shows. Callbacks marked optional may be NULL. */
struct session_view {
	void *arg;
	const char *keys; /* the front end's keys, said after /help (optional) */
	/* A notice from confab, or an error. */
	void (*say)(void *arg, const char *text, bool error);
	/* A short status (a rating's outcome, a retry coming); optional: said as a notice. */
	void (*status)(void *arg, const char *text, bool error);
	/* A stored message of a conversation being continued, oldest first. Optional:
	   without it only the turns that are sent back are read, newest first. */
	void (*shown)(void *arg, const struct store_log_message *lm);
	/* The conversation on screen ended (/new, or another one opens). Optional. */
	void (*cleared)(void *arg);
	/* A prompt is on its way: its answer follows. */
	void (*asked)(void *arg, const char *prompt, const char *model);
	/* Answer and reasoning text as it arrives (raw, untrusted). */
	void (*content)(void *arg, const char *text, size_t len);
	void (*reasoning)(void *arg, const char *text, size_t len);
	/* The answer ended; r is valid until the next prompt. */
	void (*done)(void *arg, const struct exchange_result *r);
	/*
	 * The gate is closed (why says so): open the consent flow. prompt, when
	 * not NULL, was not sent; session_pending() keeps it for after acceptance.
	 */
	void (*consent)(void *arg, const char *prompt, const char *why);
	/* A prompt that was not sent (an answer still arriving, no key, a store error): put it back. */
	void (*unsent)(void *arg, const char *prompt);
	/* A rating waits for the Terms IV notice: show text, then session_notice_answer(). */
	void (*notice)(void *arg, const char *text);
	/* A thumbs-down without a reason or comment: ask, then session_rate() again. Optional. */
	void (*why)(void *arg, int64_t message_id);
	/* An answer's rating changed (1, -1, 0). Optional. */
	void (*rated)(void *arg, int64_t message_id, int rating);
	/*
	 * /endpoint switched to a server on this machine whose question is open
	 * (consent.h): ask question (yes or no), then session_no_terms_answer().
	 * Optional: without it the session says how to answer from a shell.
	 */
	void (*no_terms)(void *arg, const char *question);
	/* /terms: show the Terms. */
	void (*terms)(void *arg);
	/*
	 * /terms withdraw: ask question (y/N), then session_withdraw_answer().
	 * Optional: without it /terms withdraw withdraws nothing (no one to ask).
	 */
	void (*withdraw)(void *arg, const char *question);
	/* /history: pick a past conversation and session_open() it. Optional: not offered. */
	void (*history)(void *arg);
	/* /quit */
	void (*quit)(void *arg);
	/*
	 * /copy: put len bytes on the terminal's clipboard (OSC 52). 0, or -1
	 * with *cause. Optional: /copy is not offered without it.
	 */
	int (*clipboard)(void *arg, const char *data, size_t len, char **cause);
	/* /edit TEXT: open $EDITOR on text; the result goes back into the input. Optional. */
	void (*edit)(void *arg, const char *text);
	/*
	 * /model alone: the endpoint's models (current: the one in use, or NULL);
	 * let the user pick one and session_model_use() it. Optional: without it
	 * the list is said, numbered, for /model N.
	 */
	void (*models)(void *arg, const char *const *names, size_t n, const char *current);
	/*
	 * After /endpoint to a server on this machine and its first model: ask
	 * question (y/N), then session_profile_answer(). Optional: without it the
	 * session says how to write the profile.
	 */
	void (*save_profile)(void *arg, const char *question);
	/*
	 * A Tab waits for something fetched (the model list): show note near the
	 * input until the next key; with NULL, it has arrived: complete the
	 * input again if it still asks for it. Optional: the note is a status.
	 */
	void (*tab_wait)(void *arg, const char *note);
};

/* A session on the loop; view is copied. */
struct session *session_new(struct app *app, struct loop *loop, const struct session_view *view);

/* NULL-safe; an answer in progress is stopped and marked interrupted first. */
void session_free(struct session *s);

/*
 * Continue what the command line asked for: the files of -f (attached, said
 * through the view), then --conversation ID, or -c (the latest). 0, also
 * when there was nothing to continue (said through the view); EXIT_USAGE
 * with *cause when a file cannot be attached, or the store or the id fails.
 */
int session_resume(struct session *s, char **cause);

/* Forget the conversation on screen and continue conversation id (/history). */
void session_open(struct session *s, int64_t id);

/*
 * Is a key at hand for the endpoint? false after saying why (the view may
 * then offer a local server). Resolved once per endpoint.
 */
bool session_ready(struct session *s);

/* A line the user entered: a slash command, or a prompt to send. */
void session_input(struct session *s, const char *line);

/*
 * Send a prompt with the turns that are sent back. Returns 0 when it went
 * out; otherwise an exit code after the view was told, and the prompt was
 * handed back (view->unsent, or view->consent for EXIT_CONSENT).
 */
int session_send(struct session *s, const char *prompt);

/*
 * Attach a file to the next prompt (attach.h says how it is read and sent);
 * said through the view. 0, or -1 with *cause (nothing attached). The files
 * stay pending until a prompt goes out with them (one the gate stops, or that
 * is not sent, keeps them); /retry sends the last prompt's files again.
 */
int session_attach(struct session *s, const char *path, char **cause);

/* The prompt the gate kept (NULL when none): sent once the Terms are accepted. Borrowed. */
const char *session_pending(const struct session *s);

/* Forget the kept prompt (it was sent, or handed back to the user). */
void session_pending_clear(struct session *s);

bool session_busy(const struct session *s);

/* Stop the answer in progress (view->done follows, status "interrupted"). */
void session_cancel(struct session *s);

/* Stop the answer in progress and wait until it is marked. */
void session_stop(struct session *s);

/*
 * Rate an answer (message_id, 0: the last one) with 1, -1 or 0 and optional
 * reasons and comment. When the Terms IV notice is not confirmed yet, the
 * rating waits and view->notice shows it. The outcome is said through the
 * view (status).
 */
void session_rate(struct session *s, int64_t message_id, int rating, const char *reasons,
    const char *comment);

/* A rating key: rate the answer, or clear the rating when it is already that. */
void session_thumb(struct session *s, int64_t message_id, int rating);

/* The answer to the notice (how: "typed 'yes' (line mode)"); a waiting rating goes ahead. */
void session_notice_answer(struct session *s, bool confirmed, const char *how);

/*
 * The answer to the loopback question for the endpoint in effect (how:
 * "typed 'yes' (line mode)"): recorded in the ledger for that endpoint, and
 * said through the view.
 */
void session_no_terms_answer(struct session *s, bool yes, const char *how);

/*
 * Withdraw consent: recorded (the one place for a session); view->consent
 * follows. /terms withdraw asks first (view->withdraw) and comes here on yes.
 */
void session_withdraw(struct session *s);

/* The answer to view->withdraw: yes withdraws (session_withdraw); no keeps consent, said. */
void session_withdraw_answer(struct session *s, bool yes);
/* The same, with the word typed to answer (recorded with a withdrawal; NULL: none). */
void session_withdraw_answer_typed(struct session *s, bool yes, const char *typed);

/* Use model name from now on (said through the view). */
void session_model_use(struct session *s, const char *name);

/* The answer to view->save_profile: yes appends the profile to the config file; said. */
void session_profile_answer(struct session *s, bool yes);

/*
 * Tab completion of the word text at start of line: model names after
 * /model (from the endpoint's list, fetched once per endpoint; the first Tab
 * starts the fetch, in the background, says so through view->tab_wait, and
 * view->tab_wait(NULL) asks for the Tab again when the list is there), role
 * names after /role, file names after /attach (*files is set then: the
 * matches are paths). The matches as slash_matches() gives them, or NULL.
 */
char **session_complete(struct session *s, const char *line, int start, const char *text,
    bool *files);

/* Each exchange from now on takes at most seconds in all (0: no limit): one-shot mode's max_time. */
void session_limit_time(struct session *s, long seconds);

/*
 * One-shot mode: nothing is sent after the answer, so the prompt and the
 * answer are not kept as turns (no second copy of a long answer).
 */
void session_no_turns(struct session *s);

/* The stored conversation (0: none yet, or --no-log). */
int64_t session_conversation(const struct session *s);

/* Tokens the provider counted in this session. */
long session_tokens(const struct session *s);

/* Completed pairs left out of the last request to fit the context budget. */
size_t session_omitted(const struct session *s);

/* The context budget in tokens: context_tokens, else a default for the model. */
long session_context_tokens(const struct session *s);

#endif
