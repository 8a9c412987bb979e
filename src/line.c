/*
 * line.c: line mode: a GNU readline REPL on the real terminal, and the
 * session's view of it. Answers stream above the prompt (line-print.c), so
 * what the user is typing stays intact while text arrives.
 */
#include "common.h"

#include <signal.h>
#include <unistd.h>

#include <readline/readline.h>

#include "buf.h"
#include "app.h"
#include "cmd.h"
#include "config.h"
#include "disclaimer.h"
#include "exchange.h"
#include "feedback.h"
#include "line-internal.h"
#include "line.h"
#include "loop.h"
#include "review.h"
#include "session.h"
#include "slash.h"
#include "text.h"
#include "tty.h"

#define LINE_PROMPT "> "

/* The keys /help lists (translated where the view is made). */
static const char *const line_keys = N_(
    "Keys: Enter sends; Alt-Enter, or a \\ at the end of the line, starts a new line of the "
    "prompt; Ctrl-X Ctrl-E edits the line in $VISUAL or $EDITOR (it comes back to review, "
    "not sent); Up, Down and Ctrl-R find earlier prompts; Tab completes commands, and "
    "model and role names after /model and /role; Ctrl-C stops an answer or clears the "
    "line; Ctrl-D on an empty line leaves.");

/* Readline's state is global, and so is the one line mode that drives it. */
static struct line *line_current;

/* ---- the exchange ------------------------------------------------------------- */

/* Close the reasoning block; a label for the answer when one follows, without colour. */
static void
line_end_reasoning(struct line *l, bool answer_follows)
{
	if (!l->reasoning)
		return;
	l->reasoning = false;
	buf_reset(&l->scratch);
	text_sanitize_finish(&l->rsan, &l->scratch);
	line_add(l, l->scratch.data, l->scratch.len);
	line_style(l, LINE_PLAIN);
	line_newline(l);
	if (answer_follows) {
		/* TRANSLATORS: a label before the answer, after its reasoning, without colour */
		const char *label = l->color ? "\n" : _("[answer]\n");

		line_add(l, label, strlen(label));
	}
}

static void
line_on_reasoning(void *arg, const char *text, size_t len)
{
	struct line *l = arg;

	if (l->answered)
		return;
	if (!l->reasoning) {
		l->reasoning = true;
		line_newline(l);
		if (l->color)
			line_style(l, LINE_DIM);
		else
			/* TRANSLATORS: a label before the reasoning, without colour */
			line_add(l, _("[reasoning]\n"), strlen(_("[reasoning]\n")));
	}
	buf_reset(&l->scratch);
	text_sanitize(&l->rsan, text, len, &l->scratch);
	line_add(l, l->scratch.data, l->scratch.len);
}

static void
line_on_content(void *arg, const char *text, size_t len)
{
	struct line *l = arg;

	size_t i = 0, last = 0, n;
	unsigned int cp;
	int w;

	line_end_reasoning(l, true);
	l->answered = true;
	buf_reset(&l->scratch);
	(void)buf_add(&l->scratch, l->held.data, l->held.len);
	text_sanitize(&l->san, text, len, &l->scratch);
	/*
	 * The last cluster waits for the next piece: a ZWJ sequence or a mark
	 * split between pieces must reach the terminal in one write, with no
	 * prompt redrawn inside it. ASCII ends no cluster that goes on but
	 * with a combining mark: it is never held.
	 */
	while (i < l->scratch.len) {
		last = i;
		n = text_cluster(l->scratch.data + i, l->scratch.len - i, &w, &cp);
		i += n;
	}
	if (l->scratch.len > 0 && (unsigned char)l->scratch.data[l->scratch.len - 1] < 0x80)
		last = l->scratch.len;
	buf_reset(&l->held);
	(void)buf_add(&l->held, l->scratch.data + last, l->scratch.len - last);
	line_answer_text(l, l->scratch.data, last);
}

/* The held cluster goes out: the answer ended. */
static void
line_flush_held(struct line *l)
{
	line_answer_text(l, l->held.data, l->held.len);
	buf_reset(&l->held);
}

/* How the answer ended when it was stopped or failed, or NULL (a cut-off or filtered answer has its notice). */
static char *
line_end_note(const struct exchange_result *r)
{
	if (strcmp(r->status, "interrupted") == 0)
		return xstrdup(_("[interrupted]"));
	if (r->message != NULL)
		return xasprintf("[%s]", r->message);
	return NULL;
}

/*
 * The reliance notices after an answer (Terms III.4), as one-shot mode
 * prints them: the general one quietly (dim), strong ones marked with "!"
 * and their name (bold), each with its clause.
 */
static void
line_print_disclaimers(struct line *l, const struct exchange_result *r)
{
	const struct disclaimer *d;
	char *prefix, *text;
	size_t i;

	for (i = 0; i < r->ndisclaimers; i++) {
		d = r->disclaimers[i];
		/* TRANSLATORS: a notice, then the clause of the Terms it comes from (III.4) */
		text = xasprintf(_("%s (Terms %s)"), d->text, d->clause);
		if (d->strong) {
			prefix = xasprintf("! %s: ",
			    strncmp(d->id, "end-", 4) == 0 ? d->id + 4 : d->id);
			line_note(l, LINE_BOLD, prefix, text);
			free(prefix);
		} else if (!l->app->quiet) /* -q: the general one is left out */
			line_note(l, LINE_DIM, "", text);
		free(text);
	}
}

static void
line_on_done(void *arg, const struct exchange_result *r)
{
	struct line *l = arg;
	char *note = line_end_note(r);

	line_end_reasoning(l, false);
	line_flush_held(l);
	buf_reset(&l->scratch);
	text_sanitize_finish(&l->san, &l->scratch);
	line_answer_text(l, l->scratch.data, l->scratch.len);
	if (l->color)
		line_md_end(l);
	line_newline(l);
	if (note != NULL)
		line_note(l, LINE_BOLD, "", note);
	line_print_disclaimers(l, r);
	line_add(l, "\n", 1); /* a blank line before the next prompt */
	free(note);
	l->streaming = false;
	l->typed = false;
}

/*
 * The review of the Terms on the terminal (review_run); 0 when accepted.
 * Ctrl-C there ends confab, as it ends 'confab terms'.
 */
static int
line_review(struct line *l)
{
	struct sigaction dfl, old;
	int r;

	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGINT, &dfl, &old);
	if (l->term != NULL)
		fflush(l->term);
	r = review_run(l->app);
	fflush(stdout);
	sigaction(SIGINT, &old, NULL);
	return r;
}

/* Put a prompt that was not sent back on the input line. */
static void
line_restore(struct line *l, const char *text)
{
	free(l->restore);
	l->restore = xstrdup(text);
}

static void
line_unsent(void *arg, const char *prompt)
{
	line_restore(arg, prompt);
}

/*
 * The gate is closed: the review now, and the kept prompt back on the input
 * line, for Enter to send once the Terms are accepted.
 */
static void
line_consent(void *arg, const char *prompt, const char *why)
{
	struct line *l = arg;

	line_say(l, why, true);
	if (prompt == NULL) {
		line_say(l, _("your next prompt opens the review of the Terms; Ctrl-D leaves"),
		    false);
		return;
	}
	line_flush(l);
	if (line_review(l) == EXIT_OK)
		line_say(l,
		    _("the prompt that was not sent is back on the input line: press Enter "
		      "to send it"),
		    false);
	else
		line_say(l, _("nothing was sent"), true);
	line_restore(l, prompt);
	session_pending_clear(l->s);
}

/* A prompt is on its way: get ready for its answer. */
static void
line_asked(void *arg, const char *prompt, const char *model)
{
	struct line *l = arg;

	text_sanitizer_init(&l->san, TEXT_VISIBLE);
	text_sanitizer_init(&l->rsan, TEXT_VISIBLE);
	memset(&l->md, 0, sizeof l->md);
	l->md.bol = true;
	l->reasoning = l->answered = false;
	l->streaming = true;
}

/* Leave with code; an answer in progress is stopped and marked first. */
static void
line_quit(struct line *l, int code)
{
	if (l->done)
		return;
	session_stop(l->s);
	l->done = true;
	l->exit = code;
	loop_stop(l->loop);
}

/* ---- what the session asks of line mode -------------------------------------- */

/* /terms: the text, through a pager on the terminal. */
static void
line_terms(void *arg)
{
	struct line *l = arg;

	line_flush(l);
	review_show(l->app);
	fflush(stdout);
}

static void
line_view_quit(void *arg)
{
	line_quit(arg, EXIT_OK);
}

/* /copy: the escape goes to the terminal after what is printed. */
static int
line_clipboard(void *arg, const char *data, size_t len, char **cause)
{
	struct line *l = arg;

	line_flush(l);
	fflush(l->term);
	return tty_clipboard(fileno(l->term), data, len, cause);
}

/* /edit TEXT: the editor now (readline is between lines); the result on the next prompt. */
static void
line_edit(void *arg, const char *text)
{
	struct line *l = arg;
	char *out = NULL, *cause = NULL;

	if (l->streaming) {
		line_say(l, _("wait for the answer, or stop it with Ctrl-C, before editing"), true);
		return;
	}
	line_flush(l);
	fflush(l->term);
	if (tty_edit(text, &out, &cause) != 0) {
		line_say(l, cause, true);
		free(cause);
		return;
	}
	line_restore(l, out);
	line_say(l,
	    out[0] != '\0' ? _("edited: the prompt is on the input line; Enter sends it") :
			     _("the editor left the prompt empty"),
	    false);
	free(out);
}

/* A Tab waits for the model list (a note above the prompt), or it came: Tab again for it. */
static void
line_tab_wait(void *arg, const char *note)
{
	struct line *l = arg;

	if (note != NULL) {
		line_say(l, note, false);
		return;
	}
	if (l->done || rl_line_buffer == NULL || strncmp(rl_line_buffer, "/model", 6) != 0 ||
	    (rl_line_buffer[6] != ' ' && rl_line_buffer[6] != '\t') || rl_point != rl_end)
		return;
	line_flush(l);		   /* what waits above the prompt first */
	rl_complete_internal('!'); /* insert what is common, list the candidates */
	rl_redisplay();
	l->col = 0; /* the list ended on its own line */
	l->below = false;
}

static const struct session_view line_view = {
	.clipboard = line_clipboard,
	.edit = line_edit,
	.say = line_say,
	.asked = line_asked,
	.content = line_on_content,
	.reasoning = line_on_reasoning,
	.done = line_on_done,
	.consent = line_consent,
	.unsent = line_unsent,
	.notice = line_notice,
	.why = line_why,
	.terms = line_terms,
	.withdraw = line_withdraw,
	.quit = line_view_quit,
	.no_terms = line_no_terms,
	.save_profile = line_save_profile,
	.tab_wait = line_tab_wait,
};

/* ---- readline ------------------------------------------------------------------ */

/* A line from readline (Enter), or NULL at the end of input (Ctrl-D on an empty line). */
static void
line_on_line(char *text)
{
	struct line *l = line_current;
	const char *bp;

	if (l == NULL) {
		free(text);
		return;
	}
	/* readline ended the input line with a newline; it shows the prompt on return */
	l->in_handler = true;
	l->prompt_shown = false;
	l->col = 0;
	l->below = false;
	if (l->out.len == 0)
		l->out_bol = true; /* an answer arriving goes on below the input */
	l->quit_armed = false;
	if (text == NULL) {
		/* readline ends the line itself at the end of input only with bracketed paste */
		bp = rl_variable_value("enable-bracketed-paste");
		if (bp == NULL || strcmp(bp, "on") != 0)
			fputc('\n', l->term);
		line_quit(l, EXIT_OK);
	} else if (text[strspn(text, " \t\n")] != '\0') {
		line_recall_add(l, text);
		session_input(l->s, text);
	}
	free(text);
	line_flush(l);
	if (l->col > 0 && !l->below) { /* the prompt comes on a line of its own */
		fputc('\n', l->term);
		l->below = true;
	}
	fflush(l->term);
	l->in_handler = false;
	if (l->done)
		rl_callback_handler_remove(); /* no prompt after the last line */
	else
		l->prompt_shown = true;
}

/* Before readline shows a new prompt: put back a prompt that was not sent. */
static int
line_startup(void)
{
	struct line *l = line_current;

	if (l != NULL && l->restore != NULL) {
		rl_insert_text(l->restore);
		free(l->restore);
		l->restore = NULL;
	}
	return 0;
}

/* Enter sends, unless the line ends in a backslash: that continues it on a new line. */
static int
line_key_enter(int count, int key)
{
	if (rl_point == rl_end && rl_end > 0 && rl_line_buffer[rl_end - 1] == '\\') {
		rl_delete_text(rl_end - 1, rl_end);
		rl_point = rl_end;
		rl_insert_text("\n");
		return 0;
	}
	return rl_newline(count, key);
}

/* Alt-Enter: a newline in the prompt. */
static int
line_key_newline(int count, int key)
{
	rl_insert_text("\n");
	return 0;
}

/*
 * Ctrl-X Ctrl-E (vi: v): the line in the editor, and back on the line for
 * review; readline's own edit-and-execute-command would send it.
 */
static int
line_key_edit(int count, int key)
{
	struct line *l = line_current;
	char *text, *out = NULL, *cause = NULL;

	if (l->streaming) {
		rl_ding(); /* the answer would wait behind the editor: stop it first */
		return 0;
	}
	text = xstrdup(rl_line_buffer);
	fputc('\n', l->term);
	fflush(l->term);
	rl_deprep_terminal();
	if (tty_edit(text, &out, &cause) == 0) {
		rl_replace_line(out, 0);
		rl_point = rl_end;
		free(out);
	} else {
		fprintf(l->term, "%s\n", cause);
		free(cause);
	}
	rl_prep_terminal(1);
	rl_on_new_line();
	rl_forced_update_display();
	free(text);
	return 0;
}

/*
 * Tab completes slash commands at the start of the line, model and role
 * names after them, file names after /attach (readline shows them without
 * their directory; a directory takes no blank after it).
 */
static char **
line_completion(const char *text, int start, int end)
{
	bool files = false;
	char **m;

	rl_attempted_completion_over = 1;
	if (start == 0)
		return text[0] == '/' ? slash_complete(text, false) : NULL;
	if (line_current == NULL)
		return NULL;
	m = session_complete(line_current->s, rl_line_buffer, start, text, &files);
	if (files) {
		rl_filename_completion_desired = 1;
		/* the directories have their slash already: readline adds none */
		rl_variable_bind("mark-directories", "off");
		if (m != NULL && m[1] == NULL && m[0][0] != '\0' && m[0][strlen(m[0]) - 1] == '/')
			rl_completion_suppress_append = 1;
	}
	return m;
}

static void
line_readline_init(struct line *l)
{
	rl_readline_name = "confab";
	rl_catch_signals = 0; /* the loop owns the signals */
	rl_catch_sigwinch = 0;
	rl_change_environment = 0;
	rl_instream = stdin;
	rl_outstream = l->term;
	rl_attempted_completion_function = line_completion;
	rl_startup_hook = line_startup;
	rl_add_defun("confab-newline", line_key_newline, -1);
	rl_initialize(); /* reads the user's inputrc; our keys go on top */
	rl_bind_key_in_map('\r', line_key_enter, emacs_standard_keymap);
	rl_bind_key_in_map('\n', line_key_enter, emacs_standard_keymap);
	rl_bind_key_in_map('\r', line_key_enter, vi_insertion_keymap);
	rl_bind_key_in_map('\n', line_key_enter, vi_insertion_keymap);
	rl_bind_key_in_map('\r', line_key_enter, vi_movement_keymap);
	rl_bind_key_in_map('\n', line_key_enter, vi_movement_keymap);
	rl_bind_keyseq_in_map("\\e\\r", line_key_newline, emacs_standard_keymap);
	rl_bind_keyseq_in_map("\\e\\n", line_key_newline, emacs_standard_keymap);
	rl_bind_keyseq_in_map("\\C-x\\C-e", line_key_edit, emacs_standard_keymap);
	rl_bind_key_in_map('v', line_key_edit, vi_movement_keymap);
}

/* The terminal is readable: one byte for readline. */
static void
line_on_input(int fd, void *arg)
{
	struct line *l = arg;

	l->quit_armed = false;
	if (l->streaming && !l->typed) {
		l->typed = true; /* a dumb terminal shows the prompt again for it */
		line_flush(l);
	}
	rl_callback_read_char();
}

/* Ctrl-C: stop an answer, clear the line, or (twice at an empty prompt) quit. */
static void
line_ctrl_c(struct line *l)
{
	if (l->streaming) {
		session_cancel(l->s);
		return;
	}
	/* readline's own clean-up redraws the line: before it goes from the screen */
	rl_callback_sigcleanup(); /* an incremental search, a numeric argument */
	if (rl_end > 0)
		rl_free_line_state();
	line_hide(l);
	l->dirty = true;
	if (rl_end > 0) {
		rl_replace_line("", 1);
		rl_point = rl_mark = 0;
		l->quit_armed = false;
		return;
	}
	if (l->quit_armed) {
		line_quit(l, EXIT_OK);
		return;
	}
	l->quit_armed = true;
	line_say(l, _("press Ctrl-C again to quit, or Ctrl-D"), false);
}

static void line_suspend(struct line *l);
static void line_continued(struct line *l);

static void
line_on_signal(int sig, void *arg)
{
	struct line *l = arg;

	if (sig == SIGWINCH) {
		if (l->prompt_shown)
			rl_resize_terminal();
		else
			rl_reset_screen_size();
		return;
	}
	if (sig == SIGINT) {
		line_ctrl_c(l);
		return;
	}
	if (sig == SIGTSTP)
		line_suspend(l);
	else if (sig == SIGCONT)
		line_continued(l);
	else
		line_quit(l, 128 + sig);
}

/* ---- suspending, crashing ---------------------------------------------------------- */

/* Ctrl-Z: give the terminal back as it was, stop, and take it again on resuming. */
static void
line_suspend(struct line *l)
{
	struct sigaction dfl, old;

	if (l->prompt_shown)
		fputc('\n', l->term);
	if (l->color)
		fputs(line_sgr[LINE_PLAIN], l->term);
	fflush(l->term);
	rl_deprep_terminal();
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGTSTP, &dfl, &old);
	raise(SIGTSTP); /* stopped here until SIGCONT */
	sigaction(SIGTSTP, &old, NULL);
	rl_prep_terminal(1);
	l->resumed = true;
	l->col = 0;
	l->below = false;
	if (l->prompt_shown)
		rl_forced_update_display();
}

/* Continued after a stop that was not ours (SIGSTOP): the terminal modes may be lost. */
static void
line_continued(struct line *l)
{
	if (l->resumed) {
		l->resumed = false;
		return;
	}
	rl_deprep_terminal();
	rl_prep_terminal(1);
	if (l->prompt_shown) {
		fputc('\r', l->term);
		rl_forced_update_display();
	}
}

/* fatal(): leave the terminal usable. */
static void
line_fatal_cleanup(void)
{
	if (line_current != NULL) {
		rl_callback_handler_remove();
		fputc('\n', line_current->term);
		fflush(line_current->term);
	}
}

/* The crash guard, Ctrl-Z through the loop's self-pipe, Ctrl-\\ ignored (as shells do). */
static void
line_signals_start(struct line *l)
{
	tty_crash_start(fileno(l->term), l->crash_reset);
	loop_catch(l->loop, SIGTSTP);
	loop_catch(l->loop, SIGCONT);
	loop_ignore(l->loop, SIGQUIT);
	fatal_set_cleanup(line_fatal_cleanup);
}

static void
line_signals_stop(void)
{
	fatal_set_cleanup(NULL);
	tty_crash_stop();
}

/* ---- starting and ending ----------------------------------------------------------- */

/* The store, the current Terms and consent: the review first when they are not accepted. */
static int
line_load(struct line *l)
{
	char *cause = NULL;
	int r = app_gate(l->app, &cause);

	if (r == EXIT_CONSENT)
		r = line_review(l);
	else if (r != 0)
		app_error("%s", cause);
	free(cause);
	return r;
}

/* What is printed before the first prompt. */
static void
line_greet(struct line *l)
{
	char *cause = NULL, host[128];

	if (!config_url_place(config_get(&l->app->cfg, CONFIG_BASE_URL), host, sizeof host))
		snprintf(host, sizeof host, "?");
	/* TRANSLATORS: the version, the model and the server */
	line_sayf(l, false,
	    _("confab %s, line mode: %s at %s. /help lists the commands and keys; "
	      "Ctrl-D leaves."),
	    PACKAGE_VERSION, config_get(&l->app->cfg, CONFIG_MODEL), host);
	app_disclaimers(l->app, &cause); /* loaded now, so that a warning comes first */
	if (cause != NULL) {
		line_sayf(l, true, _("warning: %s"), cause);
		free(cause);
		cause = NULL;
	}
	if (session_resume(l->s, &cause) != 0) {
		line_say(l, cause, true);
		free(cause);
	}
	session_ready(l->s);
}

static void
line_release(struct line *l)
{
	buf_release(&l->out);
	buf_release(&l->scratch);
	buf_release(&l->held);
	free(l->restore);
	free(l->recall_path);
}

int
line_run(struct app *app)
{
	struct line l = { .app = app, .crash_reset = "\r\n" };
	struct session_view v = line_view;
	int r;

	if ((r = line_load(&l)) != 0)
		return r;
	l.term = isatty(STDOUT_FILENO) || !isatty(STDERR_FILENO) ? stdout : stderr;
	l.color = tty_color_ok(l.term);
	line_term_caps(&l);
	buf_init(&l.out, 0);
	buf_init(&l.scratch, 0);
	buf_init(&l.held, 0);
	l.out_bol = true;
	line_recall_load(&l);
	l.loop = loop_new();
	v.arg = &l;
	v.keys = _(line_keys);
	l.s = session_new(app, l.loop, &v);
	loop_on_signal(l.loop, line_on_signal, &l);
	loop_set_idle(l.loop, line_idle, &l);
	line_signals_start(&l);
	line_current = &l;
	line_readline_init(&l);

	rl_prep_terminal(1); /* keys typed during the greeting wait for readline, unechoed */
	l.in_handler = true; /* no prompt yet: messages print straight away */
	line_greet(&l);
	l.in_handler = false;
	rl_callback_handler_install(LINE_PROMPT, line_on_line);
	l.prompt_shown = true;
	loop_add_fd(l.loop, STDIN_FILENO, line_on_input, &l);
	feedback_outbox_start(app, l.loop);
	while (!l.done)
		if (loop_run(l.loop) != 0)
			break;

	loop_remove_fd(l.loop, STDIN_FILENO);
	if (l.out.len > 0) {
		line_hide(&l);
		fwrite(l.out.data, 1, l.out.len, l.term);
		line_track(&l, l.out.data, l.out.len);
	} else if (l.prompt_shown)
		l.col = 1; /* end the prompt's line */
	rl_callback_handler_remove();
	fputs(l.sgr[0] != '\0' ? line_sgr[LINE_PLAIN] : "", l.term);
	if (l.col > 0)
		fputc('\n', l.term);
	fflush(l.term);
	line_current = NULL;
	rl_startup_hook = NULL;
	session_free(l.s); /* before the loop goes: it drains the transfer */
	l.s = NULL;
	feedback_outbox_stop(app);
	line_signals_stop();
	loop_free(l.loop);
	line_release(&l);
	return l.exit;
}
