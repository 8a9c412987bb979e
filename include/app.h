/*
 * app.h: what every command shares: the resolved configuration and the
 * options of the command line (struct app), the store opened on first use
 * (app_store()), the consent gate and the endpoint's key.
 */
#ifndef CONFAB_APP_H
#define CONFAB_APP_H

#include <stdbool.h>

#include "config.h"
#include "disclaimer.h"
#include "store.h"

struct feedback_pump;

struct app {
	struct config cfg;
	struct store *store;		      /* NULL until app_store() */
	struct disclaimer_rules *disclaimers; /* NULL until app_disclaimers() */
	/* options */
	bool json;
	bool quiet;
	bool adult;
	const char *sha256;
	bool no_stream;
	bool cont; /* -c: continue the latest conversation */
	bool no_log;
	bool raw;
	bool plain;
	bool yes;		  /* --yes: no confirmation questions */
	const char *format;	  /* --format */
	bool bom;		  /* --bom: feedback export --format csv starts with a UTF-8 BOM */
	const char *reason;	  /* --reason (feedback) */
	const char *comment;	  /* --comment (feedback) */
	const char *conversation; /* --conversation ID */
	const char *limit;	  /* -n, --limit N (log list, log search) */
	bool all;		  /* --all: no limit */
	bool no_terms;		  /* --no-terms: 'terms accept' answers the loopback question yes */
	const char *head;	  /* --head HEX: 'terms verify' checks against it */
	bool repair_head;	  /* --repair-head: 'terms verify' writes a missing head file */
	char **attach;		  /* -f FILE, in order (the array is allocated) */
	size_t nattach;
	/* set by app_gate(): it refused an endpoint on this machine whose question is open */
	bool gate_askable;
	struct feedback_pump *pump; /* the outbox's background pump, or NULL (feedback-outbox.c) */
};

/* Endpoint access that passed the consent gate: the key and where it came from. */
struct app_access {
	char *key;	   /* NULL when no key is sent (see unsent) */
	char *key_origin;  /* "DASHSCOPE_API_KEY", "api_key_cmd of profile 'x'" */
	char *unsent;	   /* without a key: why none is sent, or NULL (none is set) */
	char *auth_header; /* "Authorization: Bearer ..." or NULL */
	bool resolved;	   /* app_access_get() succeeded */
};

/* The store, opened on first use; NULL with *cause on failure. */
struct store *app_store(struct app *app, char **cause);

/*
 * The reliance notice rules, loaded on first use from the disclaimers_file
 * setting, else pkgdatadir/disclaimers.ini; they live until app_release().
 * Never NULL: when the file is missing or broken, the built-in rules (the
 * general notice and the end notices, no topics) are used instead and, on
 * that first call only, *cause (allocated) says why, for the caller to show
 * as a warning. *cause is NULL otherwise.
 */
const struct disclaimer_rules *app_disclaimers(struct app *app, char **cause);

/*
 * Print "confab: MESSAGE" to stderr: on a terminal wrapped to its width (as
 * text_wrap does: between words, or between CJK characters), to a pipe whole.
 */
void app_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print a line of confab's own (a warning, "confab: ..." in it already) to stderr, as app_error does. */
void app_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * The consent gate, read afresh, for the endpoint the request goes to
 * (base_url now; consent_endpoint_get()): the store opens; an endpoint that
 * no provider's Terms govern (terms = none, or a loopback server the user
 * answered yes for) passes; otherwise the daily terms_url check runs when
 * due, and the current Terms load and must be accepted. Every request that
 * carries a prompt passes it immediately before it is sent (exchange_start),
 * and so does every feedback delivery. Returns 0, or EXIT_CONSENT (not
 * accepted: never, changed, withdrawn, declined; app->gate_askable then says
 * whether the loopback question is open, and *cause says how to answer it) or
 * EXIT_USAGE (the store or the Terms cannot be read) with *cause saying why
 * and what fixes it. It fails closed.
 */
int app_gate(struct app *app, char **cause);

/*
 * Record the answer to the loopback question (consent_no_terms_question) for
 * the endpoint in effect; method says how it was given. 0, or -1 with *cause.
 */
int app_no_terms_answer(struct app *app, bool yes, const char *method, char **cause);

/*
 * Resolve the endpoint's key and build its Authorization header (the one
 * place that does), by the rules of config_api_key(): no_key, the provider
 * key kept for its provider's hosts, no key over plain http:// off this
 * machine. A ca_file that cannot be read stops an https endpoint here too.
 * 0, or -1 with *cause (exit 2: it names the setting that fixes it);
 * release acc either way.
 */
int app_access_get(struct app *app, struct app_access *acc, char **cause);

/*
 * After the server refused the key (HTTP 401/403): what to check, as a
 * clause to follow "authentication failed (...); ": "check the API key from
 * DASHSCOPE_API_KEY", or that no key was sent, why, and how to send one.
 * Allocated.
 */
char *app_access_auth_hint(const struct app_access *acc);

/* Give libcurl the network settings (ca_file, proxy) for every request. */
void app_http_configure(const struct app *app);

/*
 * For commands that talk to the endpoint outside a chat ('confab models'):
 * app_gate(), then app_access_get(). Returns 0, or an exit code after saying
 * what is wrong (3 for consent, 2 for the rest).
 */
int app_preflight(struct app *app, struct app_access *acc);
void app_access_release(struct app_access *acc);

/* Close the store and release the configuration. */
void app_release(struct app *app);

#endif
