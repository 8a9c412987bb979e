/*
 * session-internal.h: what the session's files (session.c, session-attach.c,
 * session-consent.c, session-models.c, session-rate.c, session-slash.c) share
 * and no front end sees: the session itself and its helpers.
 */
#ifndef CONFAB_SESSION_INTERNAL_H
#define CONFAB_SESSION_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api.h"
#include "attach.h"
#include "app.h"
#include "models.h"

struct session;

/* One turn: a prompt or an answer, as it would be sent back. */
struct session_turn {
	enum api_role role;
	char *text; /* an answer without its leading <think> block */
	int64_t id; /* the stored row, 0 when not logged */
	bool ok;    /* a prompt; or an answer that is complete and has text */
};

/* A rating waiting for the Terms IV notice to be confirmed. */
struct session_rating {
	bool waiting;
	int64_t id;
	int rating;
	char *reasons;
	char *comment;
};

struct session {
	struct app *app;
	struct loop *loop;
	struct session_view v;
	struct app_access access; /* resolved by the first request, or session_ready() */
	/* the conversation */
	struct session_turn *turns;
	size_t nturns;
	int64_t conversation;
	size_t older;	     /* complete pairs in the store that were not read */
	char *last_prompt;   /* for /retry */
	int64_t last_answer; /* the newest answer's row, for /good and /bad */
	bool last_unlogged;  /* the newest answer was not stored (--no-log) */
	bool last_in_turns;  /* the last prompt sent is the last turn (not refused) */
	/* the answer in progress, or the last one */
	struct exchange *x;
	char *asked;   /* the prompt x answers */
	char *pending; /* a prompt the gate kept */
	/* the context budget */
	long tokens;	/* counted by the provider, this session */
	double ratio;	/* reported prompt tokens / our estimate */
	long estimate;	/* our estimate of the last request, before the ratio */
	size_t omitted; /* pairs left out of the last request */
	size_t omitted_said;
	struct session_rating rate;
	long max_time_s; /* each exchange at most (one-shot mode); 0: no limit */
	bool no_turns;	 /* one-shot mode: answers are never sent back, so not kept */
	/* attachments */
	struct attach_set att;	    /* for the next prompt */
	struct attach_set last_att; /* went with the last prompt, for /retry */
	const char **urls;	    /* the images x sends (borrowed from last_att or att) */
	/* the endpoint's models */
	struct models *models;
	bool probe;	    /* after /endpoint to this machine: pick its first model */
	char *profile_stem; /* the profile the save question offers, or NULL */
	char *profile_url;  /* the endpoint it offers to save */
	char **declined;    /* endpoints whose offer was declined: not asked again */
	size_t ndeclined;
};

/* session.c: telling the view, the conversation, sending. */
void session_say(struct session *s, const char *text, bool error);
void session_sayf(struct session *s, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void session_status(struct session *s, const char *text, bool error);
void session_clear(struct session *s);
void session_refused(struct session *s, const char *prompt, const char *why);
void session_retry(struct session *s);

/* session-attach.c */
int session_attach_args(struct session *s, char **cause);
void session_attach_list(struct session *s);
char *session_attach_path(const char *what);
char **session_attach_complete(const char *typed);

/* session-rate.c */
void session_rating_clear(struct session_rating *r);

/* session-consent.c */
void session_withdraw_ask(struct session *s);
void session_ask_no_terms(struct session *s);

/* session-models.c */
void session_probe(struct session *s);
bool session_models_start(struct session *s, bool quiet, models_done_fn done);
void session_models_listed(const char *error, void *arg);
void session_models_tabbed(const char *error, void *arg);
void session_model_nth(struct session *s, const char *num);

#endif
