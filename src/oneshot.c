/* oneshot.c: scripted mode: the prompt in, the answer alone on stdout. */
#include "common.h"
#include "caps.h"

#include <sys/ioctl.h>

#include <signal.h>
#include <unistd.h>

#include "api.h"
#include "buf.h"
#include "app.h"
#include "clock.h"
#include "cmd.h"
#include "exchange.h"
#include "json.h"
#include "loop.h"
#include "oneshot-md.h"
#include "session.h"
#include "store.h"
#include "text.h"
#include "tty.h"

#define EXIT_BROKEN_PIPE (128 + SIGPIPE) /* the reader of stdout went away */

struct oneshot {
	struct app *app;
	struct loop *loop;
	struct session *session;
	const struct exchange_result *res;
	int refused;		    /* the exit code when nothing was sent, or 0 */
	struct text_sanitizer san;  /* stdout */
	struct text_sanitizer rsan; /* reasoning to stderr */
	struct buf scratch;
	size_t held_newlines; /* trailing LFs not yet written */
	bool line_ended;      /* the answer's final newline is written */
	bool broken_pipe;     /* the reader of stdout went away */
	bool reasoning_open;  /* a reasoning block is being written to stderr */
	bool waiting_shown;   /* the "waiting" note is on stderr */
	bool forgotten;	      /* the failed attempt's conversation was deleted */
	bool err_color;
	struct oneshot_md *md; /* stdout is a terminal: the answer as Markdown */
	int signal;	       /* the signal that interrupted, or 0 */
	int64_t t0;
};

/* ---- the prompt ------------------------------------------------------------ */

/* Arguments joined by spaces, then a blank line and stdin when it is not a terminal. */
static int
oneshot_prompt(int argc, char **argv, size_t nattach, struct buf *prompt)
{
	struct buf in, fixed;
	char *cause = NULL;
	size_t bad, nbad;
	int i;

	for (i = 0; i < argc; i++)
		if (buf_addf(prompt, "%s%s", i > 0 ? " " : "", argv[i]) != 0) {
			app_error(
			    _("the prompt given as arguments is longer than %zu bytes; nothing "
			      "was sent (give a long text on standard input: confab \"question\" < "
			      "FILE)"),
			    prompt->max);
			return EXIT_USAGE;
		}
	if (!isatty(STDIN_FILENO)) {
		buf_init(&in, ONESHOT_STDIN_MAX);
		if (buf_read_file(&in, "/dev/stdin", &cause) != 0) {
			app_error(_("cannot read the prompt from standard input: %s (the limit is "
				    "%zu bytes)"),
			    cause, (size_t)ONESHOT_STDIN_MAX);
			free(cause);
			buf_release(&in);
			return EXIT_USAGE;
		}
		if ((in.len > 0 && prompt->len > 0 && buf_adds(prompt, "\n\n") != 0) ||
		    buf_add(prompt, in.data, in.len) != 0) {
			app_error(_("the prompt (arguments and standard input) is longer than %zu "
				    "bytes; nothing was sent"),
			    prompt->max);
			buf_release(&in);
			return EXIT_USAGE;
		}
		buf_release(&in);
	}
	if (strspn(prompt->data, " \t\r\n") == prompt->len && nattach == 0) {
		app_error("%s",
		    _("the prompt is empty; give it as arguments (confab \"question\") or "
		      "on standard input"));
		return EXIT_USAGE;
	}
	if (memchr(prompt->data, '\0', prompt->len) != NULL) {
		app_error(
		    _("the prompt holds a NUL byte (binary input?) at offset %zu; nothing was "
		      "sent"),
		    (size_t)((char *)memchr(prompt->data, '\0', prompt->len) - prompt->data));
		return EXIT_USAGE;
	}
	if (!text_utf8_valid(prompt->data, prompt->len, &bad)) {
		buf_init(&fixed, 0);
		(void)text_utf8_repair(prompt->data, prompt->len, &fixed, &nbad);
		app_error(
		    P_("warning: the prompt is not valid UTF-8 (first bad byte at offset %zu); "
		       "%zu invalid sequence was replaced with U+FFFD",
			"warning: the prompt is not valid UTF-8 (first bad byte at offset %zu); "
			"%zu invalid sequences were replaced with U+FFFD",
			nbad),
		    bad, nbad);
		buf_reset(prompt);
		prompt->max = BUF_DEFAULT_MAX; /* U+FFFD is longer than the byte it replaces */
		buf_add(prompt, fixed.data, fixed.len);
		buf_release(&fixed);
	}
	return 0;
}

/* ---- writing the answer ---------------------------------------------------- */

/* Write sanitised text to stdout, holding back trailing newlines. */
static void
oneshot_emit(struct oneshot *o, const char *s, size_t len)
{
	size_t end = len;

	while (end > 0 && s[end - 1] == '\n')
		end--;
	if (end > 0) {
		for (; o->held_newlines > 0; o->held_newlines--)
			putchar('\n');
		fwrite(s, 1, end, stdout);
	}
	o->held_newlines += len - end;
}

/* The answer's one final newline (once). */
static void
oneshot_end_line(struct oneshot *o)
{
	if (!o->line_ended)
		putchar('\n');
	o->line_ended = true;
}

static void
oneshot_clear_waiting(struct oneshot *o)
{
	if (o->waiting_shown) {
		fputs("\r\033[K", stderr);
		o->waiting_shown = false;
	}
}

static void
oneshot_end_reasoning(struct oneshot *o)
{
	if (!o->reasoning_open)
		return;
	buf_reset(&o->scratch);
	text_sanitize_finish(&o->rsan, &o->scratch);
	fwrite(o->scratch.data, 1, o->scratch.len, stderr);
	fputs(o->err_color ? "\033[m\n" : "\n", stderr);
	o->reasoning_open = false;
}

/* The session's notices ("continuing conversation 3") and errors, on stderr. */
static void
oneshot_say(void *arg, const char *text, bool error)
{
	struct oneshot *o = arg;

	oneshot_clear_waiting(o);
	if (error || !o->app->quiet)
		app_error("%s", text);
}

/* The gate stopped the prompt: say why; nothing was sent. */
static void
oneshot_consent(void *arg, const char *prompt, const char *why)
{
	struct oneshot *o = arg;

	oneshot_clear_waiting(o);
	app_error("%s", why);
	o->refused = EXIT_CONSENT;
}

static void
oneshot_unsent(void *arg, const char *prompt)
{
	struct oneshot *o = arg;

	o->refused = EXIT_USAGE;
}

static void
oneshot_asked(void *arg, const char *prompt, const char *model)
{
}

static void
oneshot_on_reasoning(void *arg, const char *text, size_t len)
{
	struct oneshot *o = arg;

	oneshot_clear_waiting(o);
	if (o->app->json || o->app->quiet)
		return;
	if (!o->reasoning_open) {
		fputs(o->err_color ? "\033[2m" : "", stderr);
		o->reasoning_open = true;
	}
	buf_reset(&o->scratch);
	text_sanitize(&o->rsan, text, len, &o->scratch);
	fwrite(o->scratch.data, 1, o->scratch.len, stderr);
}

static void
oneshot_on_content(void *arg, const char *text, size_t len)
{
	struct oneshot *o = arg;

	oneshot_clear_waiting(o);
	oneshot_end_reasoning(o);
	if (o->app->json)
		return;
	if (o->app->raw)
		oneshot_emit(o, text, len);
	else if (o->md != NULL)
		oneshot_md_add(o->md, text, len);
	else {
		buf_reset(&o->scratch);
		text_sanitize(&o->san, text, len, &o->scratch);
		oneshot_emit(o, o->scratch.data, o->scratch.len);
	}
}

/* After each round of the loop: what arrived goes out in one write. */
static void
oneshot_idle(void *arg)
{
	struct oneshot *o = arg;

	if (fflush(stdout) != 0 && errno == EPIPE && !o->broken_pipe) {
		o->broken_pipe = true; /* as cat does: stop, exit 141 (SIGPIPE) */
		session_cancel(o->session);
	}
}

static void
oneshot_on_done(void *arg, const struct exchange_result *r)
{
	struct oneshot *o = arg;

	oneshot_clear_waiting(o);
	oneshot_end_reasoning(o);
	buf_reset(&o->scratch);
	text_sanitize_finish(&o->san, &o->scratch);
	if (o->md != NULL)
		o->line_ended = oneshot_md_finish(o->md); /* its lines end with LF */
	else if (!o->app->json && !o->app->raw)
		oneshot_emit(o, o->scratch.data, o->scratch.len);
	o->res = r;
	loop_stop(o->loop);
	if (o->broken_pipe || r->message == NULL)
		return;
	if (r->content.len > 0 && !o->app->json) { /* the error on a line of its own */
		oneshot_end_line(o);
		fflush(stdout);
	}
	if (r->content.len > 0 && !r->unsaved)
		/* TRANSLATORS: %s: what went wrong; part of the answer arrived. */
		app_error(_("%s; the partial answer was kept"), r->message);
	else
		app_error("%s", r->message);
}

/* A notice or a rating is never asked for in one-shot mode. */
static void
oneshot_notice(void *arg, const char *text)
{
}

static void
oneshot_none(void *arg)
{
}

static void
oneshot_on_signal(int sig, void *arg)
{
	struct oneshot *o = arg;

	if (sig == SIGWINCH)
		return;
	if (o->signal == 0)
		o->signal = sig;
	session_cancel(o->session);
}

static void
oneshot_print_json(struct oneshot *o)
{
	const struct exchange_result *r = o->res;
	struct cJSON *j = json_object(), *u;
	char *s, *content = xstrndup(r->content.data, r->content.len);

	json_add_str(j, "id", r->id != NULL ? r->id : "");
	json_add_str(j, "model", r->model);
	json_add_str(j, "content", content);
	if (r->reasoning.len > 0)
		json_add_str(j, "reasoning", r->reasoning.data);
	else
		json_add_null(j, "reasoning");
	if (r->finish_reason != NULL)
		json_add_str(j, "finish_reason", r->finish_reason);
	else
		json_add_null(j, "finish_reason");
	if (r->has_usage) {
		u = json_add_object(j, "usage");
		json_add_num(u, "prompt_tokens", (double)r->usage.prompt_tokens);
		json_add_num(u, "completion_tokens", (double)r->usage.completion_tokens);
		json_add_num(u, "total_tokens", (double)r->usage.total_tokens);
	} else
		json_add_null(j, "usage");
	json_add(j, "disclaimers", disclaimer_json_value(r->disclaimers, r->ndisclaimers));
	json_add_bool(j, "complete", strcmp(r->status, "complete") == 0);
	json_add_str(j, "status", r->status);
	if (r->message != NULL)
		json_add_str(j, "error", r->message_en);
	json_add_num(j, "turns_omitted", (double)session_omitted(o->session));
	if (r->conversation > 0 && !o->forgotten) {
		json_add_num(j, "conversation_id", (double)r->conversation);
		json_add_num(j, "message_id", (double)r->message_id);
	} else {
		json_add_null(j, "conversation_id");
		json_add_null(j, "message_id");
	}
	s = json_print(j, false);
	puts(s);
	free(s);
	free(content);
	json_free(j);
}

/*
 * A line of confab's own on stderr, in an SGR style when coloured; on a
 * terminal, word-wrapped to its width (a pipe gets it whole).
 */
static void
oneshot_err_line(struct oneshot *o, const char *sgr, const char *text)
{
	struct winsize ws;
	struct text_span *sp;
	size_t n, i;

	if (!isatty(STDERR_FILENO) || ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) != 0 || ws.ws_col < 2) {
		fprintf(stderr, "%s%s%s\n", o->err_color ? sgr : "", text,
		    o->err_color ? "\033[m" : "");
		return;
	}
	n = text_wrap(text, strlen(text), ws.ws_col - 1, &sp);
	for (i = 0; i < n; i++)
		fprintf(stderr, "%s%.*s%s\n", o->err_color ? sgr : "", (int)sp[i].len,
		    text + sp[i].off, o->err_color ? "\033[m" : "");
	free(sp);
}

static void
oneshot_print_usage(struct oneshot *o)
{
	const struct exchange_result *r = o->res;
	const char *reason;
	struct buf b;
	double secs;

	if (o->app->quiet || o->app->json)
		return;
	buf_init(&b, 0);
	secs = (double)(clock_ms() - o->t0) / 1000;
	reason = r->finish_reason != NULL && strcmp(r->finish_reason, "stop") != 0 ?
	    r->finish_reason :
	    NULL;
	/*
	 * TRANSLATORS: the usage line after an answer: the model, the seconds it
	 * took, the tokens of the prompt and of the answer, and the API's
	 * finish_reason (length, content_filter...) when it is not "stop".
	 */
	if (r->has_usage && reason != NULL)
		buf_addf(&b,
		    _("[%s, %.1f s, %ld prompt + %ld completion tokens, finish_reason %s]"),
		    r->model, secs, r->usage.prompt_tokens, r->usage.completion_tokens, reason);
	else if (r->has_usage)
		buf_addf(&b, _("[%s, %.1f s, %ld prompt + %ld completion tokens]"), r->model, secs,
		    r->usage.prompt_tokens, r->usage.completion_tokens);
	else if (reason != NULL)
		buf_addf(&b, _("[%s, %.1f s, finish_reason %s]"), r->model, secs, reason);
	else
		buf_addf(&b, _("[%s, %.1f s]"), r->model, secs);
	oneshot_err_line(o, "\033[2m", b.data);
	buf_release(&b);
}

/*
 * The reliance notices on stderr, after the usage line: the general one
 * quietly (dim on a terminal), strong ones marked with "!" and their name
 * (bold on a terminal), each with its clause of the Terms.
 */
static void
oneshot_print_disclaimers(struct oneshot *o)
{
	const struct exchange_result *r = o->res;
	const struct disclaimer *d;
	const char *name;
	char *line;
	size_t i;

	if (o->app->quiet || o->app->json)
		return;
	for (i = 0; i < r->ndisclaimers; i++) {
		d = r->disclaimers[i];
		name = strncmp(d->id, "end-", 4) == 0 ? d->id + 4 : d->id;
		if (d->strong)
			/* TRANSLATORS: a strong notice: its name, its text, the clause of the Terms. */
			line = xasprintf(_("! %s: %s (Terms %s)"), name, d->text, d->clause);
		else
			/* TRANSLATORS: a notice's text, then the clause of the Terms (IV(b)...). */
			line = xasprintf(_("%s (Terms %s)"), d->text, d->clause);
		oneshot_err_line(o, d->strong ? "\033[1m" : "\033[2m", line);
		free(line);
	}
}

/*
 * A new conversation whose only attempt failed before any answer arrived
 * (the server refused the request, or was unreachable) is no conversation:
 * it leaves the store again. A model's refusal or a filtered answer is an
 * answer, and stays.
 */
static void
oneshot_forget_failed(struct oneshot *o)
{
	const struct exchange_result *r = o->res;
	struct store *st;
	char *cause = NULL;

	if (r == NULL || r->exit == EXIT_OK || r->blocked || strcmp(r->status, "refused") == 0 ||
	    r->conversation <= 0 || r->content.len > 0 || r->reasoning.len > 0)
		return;
	if ((st = app_store(o->app, &cause)) == NULL ||
	    store_log_delete(st, r->conversation, &cause) != 0) {
		app_error(
		    _("warning: the failed attempt stays in the log as conversation %lld: %s"),
		    (long long)r->conversation, cause);
		free(cause);
		return;
	}
	o->forgotten = true;
}

/* The exit code: a signal other than SIGINT gives its own. */
static int
oneshot_exit(const struct oneshot *o)
{
	if (o->res->exit == EXIT_INTERRUPTED && o->signal != 0 && o->signal != SIGINT)
		return 128 + o->signal;
	return o->res->exit;
}

static const struct session_view oneshot_view = {
	.say = oneshot_say,
	.asked = oneshot_asked,
	.content = oneshot_on_content,
	.reasoning = oneshot_on_reasoning,
	.done = oneshot_on_done,
	.consent = oneshot_consent,
	.unsent = oneshot_unsent,
	.notice = oneshot_notice,
	.terms = oneshot_none,
	.quit = oneshot_none,
};

/* Send the prompt through a session and wait for the answer; the exit code. */
static int
oneshot_ask(struct oneshot *o, const char *prompt)
{
	struct session_view v = oneshot_view;
	char *cause = NULL;
	bool resumed;
	int r;

	v.arg = o;
	o->loop = loop_new();
	o->session = session_new(o->app, o->loop, &v);
	session_no_turns(o->session);
	session_limit_time(o->session, strtol(config_get(&o->app->cfg, CONFIG_MAX_TIME), NULL, 10));
	loop_on_signal(o->loop, oneshot_on_signal, o);
	loop_set_idle(o->loop, oneshot_idle, o);
	if ((r = session_resume(o->session, &cause)) != 0) {
		app_error(_("%s; nothing was sent"), cause);
		free(cause);
		return r;
	}
	resumed = session_conversation(o->session) > 0;
	if (isatty(STDERR_FILENO) && !o->app->quiet && !o->app->json) {
		/* TRANSLATORS: %s is the model's name; shown until the answer starts. */
		fprintf(stderr, _("waiting for %s..."), config_get(&o->app->cfg, CONFIG_MODEL));
		o->waiting_shown = true;
	}
	o->t0 = clock_ms();
	if (session_send(o->session, prompt) != 0) {
		oneshot_clear_waiting(o);
		return o->refused != 0 ? o->refused : EXIT_USAGE;
	}
	loop_run(o->loop);
	if (o->broken_pipe)
		return EXIT_BROKEN_PIPE;
	if (!resumed)
		oneshot_forget_failed(o);
	if (o->app->json)
		oneshot_print_json(o);
	else if (o->res->content.len > 0 || o->res->exit == EXIT_OK)
		oneshot_end_line(o);
	fflush(stdout);
	oneshot_print_usage(o);
	oneshot_print_disclaimers(o);
	return oneshot_exit(o);
}

/* On a terminal, without --raw and --json, the answer is rendered Markdown. */
static struct oneshot_md *
oneshot_md_maybe(const struct app *app)
{
	struct winsize ws;
	int cols = 80;

	if (app->raw || app->json || !isatty(STDOUT_FILENO))
		return NULL;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		cols = ws.ws_col;
	return oneshot_md_new(stdout, cols, tty_color_ok(stdout));
}

int
oneshot_run(struct app *app, int argc, char **argv)
{
	struct oneshot o = { .app = app };
	struct buf prompt;
	char *cause = NULL;
	int r;

	buf_init(&prompt, ONESHOT_PROMPT_MAX);
	buf_init(&o.scratch, 0);
	if ((r = oneshot_prompt(argc, argv, app->nattach, &prompt)) != 0)
		goto out;
	text_sanitizer_init(&o.san, TEXT_DROP);
	text_sanitizer_init(&o.rsan, TEXT_DROP);
	o.err_color = tty_color_ok(stderr);
	o.md = oneshot_md_maybe(app);
	app_disclaimers(app, &cause); /* loaded now so that a warning comes first */
	if (cause != NULL) {
		app_error(_("warning: %s"), cause);
		free(cause);
	}
	r = oneshot_ask(&o, prompt.data != NULL ? prompt.data : "");
out:
	session_free(o.session);
	oneshot_md_free(o.md);
	loop_free(o.loop);
	buf_release(&o.scratch);
	buf_release(&prompt);
	return r;
}
