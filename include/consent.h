/*
 * consent.h: which Terms are current, the consent state, the hash-chained
 * ledger, and the one gate every request to a model endpoint must pass.
 *
 * State comes from the last decisive ledger event (accept, decline,
 * withdraw): NONE when there is none; ACCEPTED when the last is an accept of
 * the current text; OUTDATED when it accepted another text; WITHDRAWN;
 * DECLINED. Only ACCEPTED lets a request out, and any error reading the
 * ledger counts as not accepted (the gate fails closed).
 */
#ifndef CONFAB_CONSENT_H
#define CONFAB_CONSENT_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "store.h"
#include "terms.h"

enum consent_state {
	CONSENT_NONE,
	CONSENT_ACCEPTED,
	CONSENT_OUTDATED,
	CONSENT_WITHDRAWN,
	CONSENT_DECLINED,
};

/* One ledger event. Strings are owned by the event (consent_event_release). */
struct consent_event {
	int64_t id;
	char *kind; /* "view", "age", "accept", "decline", "withdraw", "no-terms",
				   "feedback-notice" */
	char *terms_sha256;
	char *terms_date; /* the "Last updated" label of that text */
	char *method;	  /* how: "typed-line", "flag", "command", ... */
	char *age_answer; /* "yes", "no" or NULL */
	char *at;	  /* UTC, "2026-11-27T05:00:00.123Z" */
	char *os_user;
	char *client_version;
	int64_t shown_bytes; /* how much of the text was displayed; -1 unknown */
	int64_t total_bytes; /* the text's size */
	int64_t duration_ms; /* how long the screens were open; -1 unknown */
	char *viewer;	     /* what showed it: "summary", "builtin-pager", "$PAGER (less)" */
	char *detail;	     /* free text, may be NULL */
	char *prev_hash;
	char *hash;
	char *endpoint; /* the base URL it applies to; NULL in events before schema 4 */
	/*
	 * The word a person typed for it ("agree", "同意", "yes", "是"), and the
	 * language of the screens ("en", "zh_CN"); NULL in events before schema 7.
	 * typed is NULL for events no one typed (flags, commands); language is
	 * filled in by consent_record() when the event names none.
	 */
	char *typed;
	char *language;
};

void consent_event_release(struct consent_event *ev);

/* Deep copy of a borrowed event (release dst with consent_event_release). */
void consent_event_copy(struct consent_event *dst, const struct consent_event *src);

/* The current Terms and where they came from. */
struct consent_current {
	struct terms *terms;
	char *source; /* "--terms-file /x", "bundled /usr/share/...", "terms_url ..." */
};

/*
 * Load the current Terms: terms_file (flag, environment or config), else the
 * newest version fetched from terms_url, else the bundled file. -1 with
 * *cause when the file is missing, unreadable or not a valid Terms text.
 */
int consent_current_load(const struct config *cfg, struct store *st, struct consent_current *cur,
    char **cause);
void consent_current_release(struct consent_current *cur);

/* The events around one ledger event, for consent_chain_check(). */
struct consent_around {
	bool known;		     /* filled in */
	struct consent_event prev;   /* the event before it (kind NULL: none) */
	struct consent_event next;   /* the event after it (kind NULL: none) */
	struct consent_event newest; /* the newest event (kind NULL: the event itself) */
};

void consent_around_release(struct consent_around *a);

struct consent_status {
	enum consent_state state;
	struct consent_event last;     /* last decisive event (kind NULL when none) */
	struct consent_around around;  /* the events around last, read with it */
	struct consent_event accepted; /* last accept event (kind NULL when none) */
	struct terms *accepted_terms;  /* its text, when OUTDATED; else NULL */
	struct terms_diff *diff;       /* accepted -> current, when OUTDATED */
};

int consent_status_get(struct store *st, const struct terms *current, struct consent_status *cs,
    char **cause);
void consent_status_release(struct consent_status *cs);

const char *consent_state_name(enum consent_state s);

/*
 * The gate. Returns 0 only when the current Terms are accepted; otherwise -1
 * with *cause saying why (never accepted; changed, naming the sections;
 * withdrawn; declined; the accept event it relies on fails
 * consent_chain_check()) and the command that fixes it.
 */
int consent_gate(struct store *st, const struct terms *current, char **cause);

/*
 * Append an event for Terms t. Fills id, at, os_user, client_version,
 * terms_sha256, terms_date, total_bytes, prev_hash and hash, and the
 * endpoint when the event names none (store_ledger_set_endpoint()); stores
 * the full text of t if the store does not have it; writes the head file.
 * Safe against other processes appending at the same time.
 */
int consent_record(struct store *st, const struct terms *t, struct consent_event *ev, char **cause);

/*
 * Withdraw consent to the current Terms: a "withdraw" event with method and
 * the word typed to confirm it (NULL when none was: a command).
 * Returns 1 when recorded, 0 with *cause when there is no consent to
 * withdraw (nothing recorded), -1 with *cause when recording failed.
 */
int consent_withdraw(struct store *st, const struct terms *current, const char *method,
    const char *typed, char **cause);

/*
 * Check the chain: each event's prev_hash is the hash of the one before and
 * its hash matches its contents; every accepted text is stored and hashes to
 * its name. Returns 0 with *count set, or -1 with *bad_id (0 when not about
 * one event) and *cause naming the first problem.
 */
int consent_verify(struct store *st, int64_t *count, int64_t *bad_id, char **cause);

/* The event's hash as consent_record computes it (hex, allocated). */
char *consent_event_hash(const struct consent_event *ev);

/* ---- the head outside the database ------------------------------------------------ */

/*
 * After each event, consent_record() writes the chain head (the event's id
 * and hash) to a 0600 file beside the store, "ledger-head" (one line:
 * "confab-ledger-head ID HASH"), replaced atomically while the event's
 * transaction holds the write lock; so events cut from the end of the
 * ledger can be seen.
 */
#define CONSENT_HEAD_FILE "ledger-head"

/*
 * The meta key (its value: when) marking a store whose ledger keeps the head
 * file. With it, a ledger whose head file is missing fails closed; without
 * it (a store from before the head file), the head file is written once,
 * from the newest event, and the key set.
 */
#define CONSENT_HEAD_META "ledger.head_file_since"

/* For a store not yet marked: write the head file if missing, and mark it. 0 or -1. */
int consent_head_adopt(struct store *st, char **cause);

/*
 * 'terms verify --repair-head', after consent_verify(): write a missing head
 * file from the newest event (an existing one is left as it is). 0, with
 * *note when it was written, or -1 with *cause.
 */
int consent_head_repair(struct store *st, char **note, char **cause);

/* The head file's path (allocated). */
char *consent_head_path(struct store *st);

/* Read the head file: 1 with *id and *hash (allocated), 0 when missing, -1 with *cause. */
int consent_head_read(struct store *st, int64_t *id, char **hash, char **cause);

/*
 * Check that the ledger reaches its head: want (a hash or a prefix of 12 hex
 * digits or more, kept elsewhere by the user) when not NULL, else the head
 * file. Returns 0, with *note (allocated) when there is something to say: the
 * head file is missing, or older than the ledger; the event want names and
 * how many followed. -1 with *cause when the ledger ends before the head
 * (events cut from the end), lacks it, or does not match it.
 */
int consent_verify_head(struct store *st, const char *want, char **note, char **cause);

/*
 * Check, cheaply, that ev is an event confab wrote in its place: it matches
 * its hash, follows the event before it, the event after it (if any)
 * follows it, and the newest event is the head in the head file (when there
 * is one) and matches its hash. History is not rehashed: that is
 * consent_verify()'s work. around, when known, saves reading the events
 * around ev again (consent_status_get() reads them with the last decisive
 * event). 0, or -1 with *cause naming 'confab terms verify'.
 */
int consent_chain_check(struct store *st, const struct consent_event *ev,
    const struct consent_around *around, char **cause);

/* ---- what governs an endpoint ------------------------------------------------------ */

/*
 * Terms belong to a provider. The endpoint a request goes to (base_url at
 * that moment) is governed by:
 * - no Terms, when the setting terms is "none" (flag, environment, the top
 *   level or the profile of the config file): explicit, never inferred;
 * - the Terms named by terms_file or terms_url, when set;
 * - else, on loopback, no Terms when the user answered the question
 *   consent_no_terms_question with yes (a "no-terms" event for that endpoint,
 *   detail "yes"); the question is open until answered;
 * - else the bundled Qwen Chat Terms (the DashScope hosts, and by default).
 */
enum consent_rule {
	CONSENT_RULE_TERMS,    /* a Terms document: only its acceptance lets requests out */
	CONSENT_RULE_NONE,     /* terms = none */
	CONSENT_RULE_ANSWERED, /* a loopback server the user said needs no Terms */
};

struct consent_endpoint {
	char *url; /* the endpoint as the ledger names it */
	enum consent_rule rule;
	bool askable;		     /* loopback, no Terms setting, the question not answered */
	struct consent_event answer; /* the newest "no-terms" event for url (kind NULL: none) */
};

/* "This server runs on this machine; no provider's Terms apply. Use it without Terms?" */
extern const char *const consent_no_terms_question; /* N_(): show it with _() */

/* A base URL as the ledger names it: without trailing slashes (allocated). */
char *consent_endpoint_url(const char *base_url);

/*
 * What governs url (NULL: the configured base_url) under cfg's settings
 * (terms = none applies to the configured base_url only). 0, or -1 with
 * *cause when the ledger cannot be read. Release ep either way.
 */
int consent_endpoint_get(const struct config *cfg, struct store *st, const char *url,
    struct consent_endpoint *ep, char **cause);
void consent_endpoint_release(struct consent_endpoint *ep);

/* "terms", "none", "no-terms". */
const char *consent_rule_name(enum consent_rule r);

/*
 * Record the answer to the loopback question for url: a "no-terms" event
 * with detail "yes" or "no", naming the Terms t that govern url otherwise.
 */
int consent_no_terms_record(struct store *st, const struct terms *t, const char *url, bool yes,
    const char *method, char **cause);

/* ---- fetching the Terms from terms_url ----------------------------------------- */

enum consent_fetch_result {
	CONSENT_FETCH_NOT_MODIFIED, /* 304: the stored version stands */
	CONSENT_FETCH_SAME,	    /* 200 with the text already current */
	CONSENT_FETCH_NEW,	    /* 200 with a new text, now recorded */
	CONSENT_FETCH_UNREACHABLE,  /* no response */
	CONSENT_FETCH_HTTP_ERROR,   /* 4xx or 5xx */
	CONSENT_FETCH_REDIRECT,	    /* 3xx (not followed) */
	CONSENT_FETCH_UNUSABLE,	    /* not a valid Terms text */
	CONSENT_FETCH_STORE_ERROR,
};

struct consent_fetch {
	enum consent_fetch_result result;
	char short_hash[TERMS_SHORT_HEX + 1]; /* the version now current from url, or "" */
	char *date_label;		      /* its label, or NULL */
	char *cause;			      /* what went wrong, or NULL */
};

/*
 * Fetch url with a conditional GET (the validators of the last fetch) and
 * record a new version when the text changed; notes the time of the check.
 */
void consent_fetch(const char *url, struct store *st, long timeout_s, struct consent_fetch *f);
void consent_fetch_release(struct consent_fetch *f);

/*
 * Before talking to the model: when terms_url is set (and no terms_file),
 * check it if the last check is more than a day old, with a short time-out.
 * A failed check is ignored; it never blocks chat.
 */
void consent_daily_check(const struct config *cfg, struct store *st);

/*
 * A ledger time ("2026-11-27T05:00:00.123Z") as people read it: "2026-11-27
 * 05:00 UTC", or "?" when at is NULL or not such a time. Caller frees.
 */
char *consent_when(const char *at);

/* ---- the wording every front end shows -------------------------------------- */

/*
 * The consent wording has this one home; the full-screen UI (ui-consent*.c)
 * and the terminal review (review.c) add only their layout and the tail of
 * their prompt ("Type yes or no:").
 */

/* A short summary of what the user agrees to, each point citing its section. */
struct consent_point {
	const char *clause; /* "I.1": the section (I) and its item */
	const char *text;
	const char *topic; /* a few words naming it: "minimum age" */
};
extern const struct consent_point consent_summary[];
extern const size_t consent_summary_len;

/*
 * The wording below is English, marked for translation (N_): show it with
 * _(), as consent_summary[i].text, .topic and the strings below are.
 */

/* The paragraph before the summary: accepting comes first, and the Terms govern. */
extern const char *const consent_summary_intro;

/*
 * Under the summary when the screens are not in English: the summary is a
 * translation, the full text is the English original, and the English
 * Terms govern.
 */
extern const char *const consent_summary_translated;

/* The neutral age question of I.1: one sentence, ending in '?'. */
extern const char *const consent_age_question;

/* Why a no to the age question ends it, as a message: lowercase, no final period. */
extern const char *const consent_underage;

/*
 * The words that answer the consent questions. What is typed is read with
 * blanks around it trimmed (spaces, tabs and the full-width space U+3000)
 * and ASCII case ignored. The English words always work; in a Chinese UI
 * (i18n_chinese()) the Chinese ones too: 是 (yes), 否 (no), 同意 (agree),
 * 拒绝 or 不同意 (decline). In an English UI the Chinese words are not
 * answers (the prompts there name only the English words).
 */
enum consent_word {
	CONSENT_WORD_YES,     /* yes, 是 */
	CONSENT_WORD_NO,      /* no, 否 */
	CONSENT_WORD_AGREE,   /* agree, 同意 */
	CONSENT_WORD_DECLINE, /* decline or no; 拒绝, 不同意 or 否 */
	CONSENT_WORD_CONFIRM, /* y/N questions: y or yes, 是 */
};

/* Trim blanks (ASCII and full-width) from both ends of s (allocated). */
char *consent_word_trim(const char *s);

/* Does the answer s (trimmed here) say word? */
bool consent_word_is(const char *s, enum consent_word word);

/*
 * The points of the summary whose clause lies in a section that d shows
 * added, removed or changed (I.1 lies in section I), in summary order:
 * "I.1 minimum age; III.3 licence to your inputs". NULL when none does.
 * old and cur are the two texts of d. Caller frees.
 */
char *consent_changed_points(const struct terms_diff *d, const struct terms *old,
    const struct terms *cur);

/* ---- before an answer is recorded ------------------------------------------- */

enum consent_recheck {
	CONSENT_RECHECK_SAME,	  /* shown is current and not accepted: record the answer */
	CONSENT_RECHECK_ACCEPTED, /* shown was accepted meanwhile (another process) */
	CONSENT_RECHECK_NEWER,	  /* another text is current now */
};

/*
 * Read the current Terms and the ledger afresh before an answer to the
 * Terms shown (age, accept, decline) is recorded, so that no stale answer
 * is: the UI may have been open while a script ran 'terms accept', or a new
 * version became current. -1 with *cause when they cannot be read.
 */
int consent_recheck(const struct config *cfg, struct store *st, const struct terms *shown,
    enum consent_recheck *out, char **cause);

#endif
