/*
 * review.h: consent to the Terms on the terminal, for 'confab terms' and line
 * mode: the interactive review, showing the text, withdrawing, what changed,
 * and the state they start from. The full-screen UI has its own screens
 * (ui-consent.h) with the same wording (consent.h).
 *
 * Answers are read from /dev/tty (tty.h), never from stdin, so a pipe cannot
 * consent, and accepting takes typing agree: never an empty line or a
 * default. Only an explicit answer declines (decline or no typed); anything
 * else asks again. In a Chinese UI the Chinese words answer too (是, 否,
 * 同意, 拒绝, 不同意: consent_word_is()). An act counts only once it is in the consent ledger; when
 * it cannot be recorded that is said on stderr, and the act did not happen.
 */
#ifndef CONFAB_REVIEW_H
#define CONFAB_REVIEW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "consent.h"

struct app;

/* The current Terms and the consent state, as a terms command starts from them. */
struct review {
	struct app *app;
	struct store *st; /* borrowed: the app's store */
	struct consent_current cur;
	struct consent_status cs; /* all zero unless loaded with status */
};

/*
 * Open the store and load the current Terms, and the consent state when
 * status is set. 0, or an exit code (2) after saying on stderr what failed.
 * Release with review_release() either way.
 */
int review_load(struct review *rv, struct app *app, bool status);
void review_release(struct review *rv);

/*
 * Append an event of kind ("age", "accept", "decline", "withdraw") for the
 * current Terms: method says how it was given, age is the answer ("yes",
 * "no") or NULL, shown the bytes of text displayed (-1 unknown), viewer what
 * showed them, duration_ms how long the review took (-1 unknown), detail is
 * free text. All borrowed; only kind and method are required. No word was
 * typed for it (typed NULL: flags); the language is the screens'. 0, or -1
 * after saying on stderr that it was not recorded, so it does not count.
 */
int review_record(struct review *rv, const char *kind, const char *method, const char *age,
    int64_t shown, const char *viewer, int64_t duration_ms, const char *detail);

/*
 * The interactive review of the current Terms on the terminal (/dev/tty):
 * what changed first when the accepted text is older, then the summary, the
 * full text on request, the age question, then 'agree' or 'decline'. Records
 * the age answer and the accept or the decline (with how much of the text
 * was shown, for how long, and the word typed) in the ledger; end of input records nothing.
 * Before each is recorded the ledger is read afresh (consent_recheck): Terms
 * accepted elsewhere meanwhile are said and not answered again (0), and a
 * version that became current meanwhile is reviewed instead. Returns 0 when
 * accepted, or already accepted; 3 (EXIT_CONSENT) when declined, under age
 * or at end of input (nothing accepted); 2 when there is no terminal or the
 * store fails.
 *
 * 'confab terms [review]' runs it, and so do line mode and the gate's
 * re-consent path when a prompt finds the Terms not accepted or changed.
 * Signals are the caller's: it installs no handler.
 */
int review_run(struct app *app);

/* Show the current Terms: through the pager on a terminal, else on stdout. Returns an exit code. */
int review_show(struct app *app);

/*
 * Withdraw consent (line mode's /terms withdraw, 'confab terms withdraw'):
 * record a "withdraw" event when the Terms are accepted, current or older,
 * and say on stdout that nothing is sent until they are accepted again.
 * Returns 0, also when there was nothing to withdraw, or 2 when the store fails.
 */
int review_withdraw(struct app *app);

/*
 * Print what changed from old to cur, d being their diff: first the points of
 * the summary in changed sections (consent_changed_points), then each added,
 * removed or changed section by name, and the changed lines of a changed section with
 * the nearest unchanged line around them. With color, escape codes mark the
 * lines and the changed words; without, a short change within a line is also
 * spelled out.
 */
void review_diff_print(FILE *f, const struct terms *old, const struct terms *cur,
    const struct terms_diff *d, bool color);

#endif
