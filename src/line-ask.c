/*
 * line-ask.c: the session's questions in line mode, asked on the terminal:
 * the notice before the first rating, the reasons for a thumbs-down, the
 * withdraw and save-profile y/N questions, the loopback yes/no.
 */
#include "common.h"

#include <strings.h>

#include <readline/readline.h>

#include "buf.h"
#include "consent.h"
#include "feedback.h"
#include "line-internal.h"
#include "session.h"
#include "text.h"
#include "tty.h"

/* Ask one question on the terminal (the line handler runs with it in its normal mode). */
static char *
line_ask(struct line *l, const char *question)
{
	struct tty tty;
	char *cause = NULL, *a;

	line_flush(l);
	if (tty_open(&tty, &cause) != 0) {
		line_say(l, cause, true);
		free(cause);
		return NULL;
	}
	a = tty_ask(&tty, question);
	tty_close(&tty);
	return a;
}

/* The notice of Terms IV, before the first rating: yes confirms it. */
void
line_notice(void *arg, const char *text)
{
	struct line *l = arg;
	char *a, *method;
	bool yes;

	line_note(l, LINE_PLAIN, "", text);
	a = line_ask(l, _(feedback_notice_question));
	yes = a != NULL && consent_word_is(a, CONSENT_WORD_YES);
	method = a == NULL ? xstrdup("end of input (line mode)") :
			     xasprintf("typed '%.40s' (line mode)", a);
	free(a);
	session_notice_answer(l->s, yes, method);
	free(method);
}

/* /terms withdraw: the session's y/N question on the terminal; only y or yes withdraws. */
void
line_withdraw(void *arg, const char *question)
{
	struct line *l = arg;
	char *q = xasprintf("%s ", question), *a = line_ask(l, q);

	if (a == NULL)
		session_withdraw_answer_typed(l->s, false, NULL);
	else {
		char *w = consent_word_trim(a);

		session_withdraw_answer_typed(l->s, consent_word_is(w, CONSENT_WORD_CONFIRM), w);
		free(w);
	}
	free(a);
	free(q);
}

/* Why a thumbs-down, when no comment came with it: reasons by number, then a comment. */
void
line_why(void *arg, int64_t id)
{
	struct line *l = arg;
	const char *const *names = feedback_reasons(-1);
	struct buf b;
	char *a, *p, *comment;
	size_t i, n, k;
	int d;

	buf_init(&b, 0);
	buf_adds(&b, _("Why? (optional)"));
	for (n = 0; names[n] != NULL; n++)
		buf_addf(&b, "  %zu %s", n + 1, feedback_reason_label(names[n]));
	line_note(l, LINE_PLAIN, "", b.data);
	buf_reset(&b);
	if ((a = line_ask(l, _("Numbers of the reasons (as 1 3), or Enter to skip: "))) != NULL)
		for (p = a; *p != '\0'; p += k) {
			d = text_digit(p, strlen(p), &k); /* full-width ones too */
			if (d >= 1 && (i = (size_t)(d - 1)) < n && strstr(b.data, names[i]) == NULL)
				buf_addf(&b, "%s%s", b.len > 0 ? "," : "", names[i]);
		}
	free(a);
	a = line_ask(l, _("A comment, or Enter to skip: "));
	comment = a != NULL && *a != '\0' ? a : NULL;
	session_rate(l->s, id, -1, b.data, comment);
	free(a);
	buf_release(&b);
}

/* The loopback question after /endpoint: yes or no, asked again until one of them. */
void
line_no_terms(void *arg, const char *question)
{
	struct line *l = arg;
	/* TRANSLATORS: %s is the question; the words typed are yes and no */
	char *q = xasprintf(_("%s Type yes or no: "), question), *a, *how;

	while ((a = line_ask(l, q)) != NULL && !consent_word_is(a, CONSENT_WORD_YES) &&
	    !consent_word_is(a, CONSENT_WORD_NO)) {
		line_say(l, _("please type yes or no"), false);
		free(a);
	}
	free(q);
	if (a == NULL) {
		line_say(l, _("no answer: nothing was recorded, and the Terms govern this server"),
		    false);
		return;
	}
	how = xasprintf("typed '%s' (line mode)", a);
	session_no_terms_answer(l->s, consent_word_is(a, CONSENT_WORD_YES), how);
	free(how);
	free(a);
}

/* After /endpoint to this machine: save it as a profile? Only y or yes saves. */
void
line_save_profile(void *arg, const char *question)
{
	struct line *l = arg;
	char *q = xasprintf("%s ", question), *a;
	bool async = !l->in_handler; /* the list arrived while readline reads keys */

	if (async) { /* as in the line handler: no prompt, the terminal in its normal mode */
		line_flush(l);
		line_hide(l);
		fflush(l->term);
		l->in_handler = true;
		rl_deprep_terminal();
	}
	a = line_ask(l, q);
	if (async) {
		rl_prep_terminal(1);
		l->in_handler = false;
		l->col = 0;
		l->below = false;
	}
	session_profile_answer(l->s, a != NULL && consent_word_is(a, CONSENT_WORD_CONFIRM));
	free(a);
	free(q);
	line_show(l);
}
