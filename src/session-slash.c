/* session-slash.c: the slash commands a session runs, /copy, and Tab completion of arguments. */
#include "common.h"

#include "api.h"
#include "attach.h"
#include "buf.h"
#include "config.h"
#include "markdown.h"
#include "models.h"
#include "role.h"
#include "session.h"
#include "session-internal.h"
#include "slash.h"
#include "text.h"

#define SESSION_COPY_MAX 100000 /* bytes /copy puts in one OSC 52 escape */

/* ---- slash commands --------------------------------------------------------------- */

static void
session_op_say(void *arg, const char *text, bool error)
{
	session_say(arg, text, error);
}

static void
session_op_new(void *arg)
{
	struct session *s = arg;

	session_clear(s);
	session_say(s, _("new conversation"), false);
}

static void
session_op_model(void *arg, const char *name)
{
	struct session *s = arg;

	if (*name == '\0') {
		if (session_models_start(s, false, session_models_listed) &&
		    models_fetching(s->models, config_get(&s->app->cfg, CONFIG_BASE_URL)))
			session_say(s, _("asking the server for its models..."), false);
	} else if (name[strspn(name, "0123456789")] == '\0')
		session_model_nth(s, name);
	else
		session_model_use(s, name);
}

static void
session_op_system(void *arg, const char *text)
{
	struct session *s = arg;

	config_override(&s->app->cfg, CONFIG_SYSTEM, *text != '\0' ? text : NULL, "/system");
	session_say(s, *text != '\0' ? _("system prompt set") : _("system prompt cleared"), false);
}

/* /role NAME: the role's prompt and settings from now on. */
static void
session_op_role(void *arg, const char *name)
{
	struct session *s = arg;
	char *dir = role_dir(), *cause = NULL, *what;
	struct role r;

	if (role_load(&r, dir, name, &cause) != 0) {
		session_say(s, cause, true);
		free(cause);
	} else {
		role_apply(&r, &s->app->cfg, true);
		config_override(&s->app->cfg, CONFIG_ROLE, name, "/role");
		what = role_summary(&r);
		/* TRANSLATORS: a role's name, then what it sets */
		session_sayf(s, false, _("role %s: %s"), name, what);
		free(what);
	}
	role_release(&r);
	free(dir);
}

static void
session_op_retry(void *arg)
{
	session_retry(arg);
}

static void
session_op_attach(void *arg, const char *what)
{
	struct session *s = arg;
	char *cause = NULL, *path;

	if (*what == '\0')
		session_attach_list(s);
	else if (strcmp(what, "clear") == 0) {
		session_sayf(s, false,
		    P_("%zu attached file dropped", "%zu attached files dropped", s->att.n),
		    s->att.n);
		attach_set_clear(&s->att);
	} else {
		path = session_attach_path(what);
		if (session_attach(s, path, &cause) != 0) {
			session_say(s, cause, true);
			free(cause);
		}
		free(path);
	}
}

static void
session_op_rate(void *arg, int rating, const char *comment)
{
	session_rate(arg, 0, rating, NULL, *comment != '\0' ? comment : NULL);
}

static void
session_op_terms(void *arg, const char *what)
{
	struct session *s = arg;

	if (*what == '\0')
		s->v.terms(s->v.arg);
	else
		session_withdraw_ask(s);
}

static void
session_op_endpoint(void *arg, const char *url)
{
	struct session *s = arg;

	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) {
		session_say(s, _("/endpoint needs an http:// or https:// URL"), true);
		return;
	}
	config_override(&s->app->cfg, CONFIG_BASE_URL, url, "/endpoint");
	app_access_release(&s->access);
	session_sayf(s, false, _("endpoint: %s"), url);
	/* terms = none was said of the server it was set for, not of this one. */
	if (config_get(&s->app->cfg, CONFIG_TERMS) != NULL) {
		/* TRANSLATORS: 'terms = %s' is a config line; the second %s is where it was set */
		session_sayf(s, false,
		    _("terms = %s (from %s) applied to the previous endpoint, "
		      "not to this one"),
		    config_get(&s->app->cfg, CONFIG_TERMS), s->app->cfg.origin[CONFIG_TERMS]);
		config_override(&s->app->cfg, CONFIG_TERMS, NULL, "/endpoint");
	}
	models_forget(s->models);
	s->probe = config_is_loopback(url);
	session_ask_no_terms(s);
	session_probe(s);
}

static void
session_op_history(void *arg)
{
	struct session *s = arg;

	if (session_busy(s)) {
		session_say(s, _("wait for the answer, or stop it, before opening /history"), true);
		return;
	}
	s->v.history(s->v.arg);
}

/* The newest answer with text (without its <think> block), or NULL. */
static const struct session_turn *
session_last_answer(const struct session *s)
{
	size_t i;

	for (i = s->nturns; i-- > 0;)
		if (s->turns[i].role == API_ASSISTANT && s->turns[i].text[0] != '\0')
			return &s->turns[i];
	return NULL;
}

/*
 * Text for the clipboard (allocated): escape sequences and control characters
 * are left out, as in one-shot output, since a paste into a terminal or a
 * shell would act on them (an end-of-paste marker, a newline that runs).
 */
static char *
session_copy_clean(const char *data, size_t len, size_t *clean_len)
{
	struct text_sanitizer san;
	struct buf b;

	buf_init(&b, 0);
	text_sanitizer_init(&san, TEXT_DROP);
	text_sanitize(&san, data, len, &b);
	text_sanitize_finish(&san, &b);
	*clean_len = b.len;
	return buf_detach(&b, NULL);
}

/* Put data (what: its name) on the clipboard, at most SESSION_COPY_MAX bytes; say so. */
static void
session_copy(struct session *s, const char *what, const char *data)
{
	char *cause = NULL, *clean;
	size_t len, cap;

	clean = session_copy_clean(data, strlen(data), &len);
	for (cap = len < SESSION_COPY_MAX ? len : SESSION_COPY_MAX;
	     cap < len && cap > 0 && ((unsigned char)clean[cap] & 0xc0) == 0x80; cap--)
		; /* never half a character */
	if (s->v.clipboard(s->v.arg, clean, cap, &cause) != 0) {
		session_say(s, cause, true);
		free(cause);
	} else if (cap < len)
		/* TRANSLATORS: the third %s is what was copied (the last answer) */
		session_sayf(s, true,
		    _("copied only the first %zu of the %zu bytes of %s: the "
		      "clipboard escape (OSC 52) is capped at %d bytes"),
		    cap, len, what, SESSION_COPY_MAX);
	else if (len != strlen(data))
		/* TRANSLATORS: the first %s is what was copied (the last answer) */
		session_sayf(s, false,
		    _("copied %s (%zu bytes, without its escape sequences and control "
		      "characters) to the clipboard (OSC 52; in tmux that needs set-clipboard on)"),
		    what, len);
	else
		/* TRANSLATORS: the first %s is what was copied (the last answer) */
		session_sayf(s, false,
		    _("copied %s (%zu bytes) to the clipboard (OSC 52; in tmux "
		      "that needs set-clipboard on)"),
		    what, len);
	free(clean);
}

/* /copy: the last answer, or one of its code blocks, to the clipboard. */
static void
session_op_copy(void *arg, bool code, unsigned int n)
{
	struct session *s = arg;
	const struct session_turn *t = session_last_answer(s);
	char *block, what[128];
	size_t count = 0;

	if (s->v.clipboard == NULL) {
		session_say(s, _("/copy needs a terminal (the full-screen UI or line mode)"), true);
		return;
	}
	if (t == NULL) {
		session_say(s, _("there is no answer to copy yet"), true);
		return;
	}
	if (!code) {
		session_copy(s, _("the last answer"), t->text);
		return;
	}
	if ((block = markdown_code_block(t->text, strlen(t->text), n, &count)) == NULL) {
		if (count == 0)
			session_say(s,
			    _("the last answer has no code block; /copy copies all of it"), true);
		else
			session_sayf(s, true,
			    P_("the last answer has %zu code block; /copy code N takes 1 to %zu",
				"the last answer has %zu code blocks; /copy code N takes 1 to %zu",
				count),
			    count, count);
		return;
	}
	/* TRANSLATORS: what /copy copied: the Nth code block of those in the answer */
	snprintf(what, sizeof what, _("code block %u of %zu"), n > 0 ? n : (unsigned int)count,
	    count);
	session_copy(s, what, block);
	free(block);
}

static void
session_op_edit(void *arg, const char *text)
{
	struct session *s = arg;

	if (s->v.edit == NULL)
		session_say(s, _("/edit needs a terminal (the full-screen UI or line mode)"), true);
	else
		s->v.edit(s->v.arg, text);
}

static void
session_op_quit(void *arg)
{
	struct session *s = arg;

	s->v.quit(s->v.arg);
}

void
session_input(struct session *s, const char *line)
{
	struct slash_ops ops = {
		.arg = s,
		.say = session_op_say,
		.new_chat = session_op_new,
		.model = session_op_model,
		.system = session_op_system,
		.retry = session_op_retry,
		.attach = session_op_attach,
		.rate = session_op_rate,
		.terms = session_op_terms,
		.endpoint = session_op_endpoint,
		.quit = session_op_quit,
		.history = s->v.history != NULL ? session_op_history : NULL,
		.role = session_op_role,
		.copy = session_op_copy,
		.edit = session_op_edit,
	};

	char *ascii = NULL;

	if (text_blank_only(line, strlen(line)))
		return; /* blanks of any script, U+3000 too, are not a prompt */
	if (text_fullwidth_slash(line)) {
		/* "／help", as an input method types it, is the command */
		ascii = xasprintf("/%s", line + 3);
		line = ascii;
	}
	if (!slash_is_command(line))
		session_send(s, line);
	else if (slash_run(&ops, line) == 0 && strncmp(line, "/help", 5) == 0 && s->v.keys != NULL)
		session_say(s, s->v.keys, false);
	free(ascii);
}

/* Is the text before start "cmd" and blanks, with at least one blank? */
static bool
session_arg_of(const char *line, int start, const char *cmd)
{
	size_t n = strlen(cmd), i;

	if ((size_t)start <= n || strncmp(line, cmd, n) != 0)
		return false;
	for (i = n; i < (size_t)start; i++)
		if (line[i] != ' ' && line[i] != '\t')
			return false;
	return true;
}

/*
 * The offset of /attach's argument in line (after its blanks), or -1 when
 * line is no /attach with a blank after it. The argument is all the rest,
 * blanks included.
 */
static int
session_attach_arg(const char *line)
{
	size_t n = strlen("/attach"), i;

	if (strncmp(line, "/attach", n) != 0 || (line[n] != ' ' && line[n] != '\t'))
		return -1;
	for (i = n; line[i] == ' ' || line[i] == '\t'; i++)
		;
	return (int)i;
}

/* File names after /attach: the matches, less what comes before start (readline's word). */
static char **
session_complete_path(const char *line, int arg, int start, const char *text)
{
	char *typed = xasprintf("%.*s%s", start - arg, line + arg, text), **m;
	size_t skip = (size_t)(start - arg), i;

	m = session_attach_complete(typed);
	for (i = 0; m != NULL && m[i] != NULL; i++)
		memmove(m[i], m[i] + skip, strlen(m[i] + skip) + 1);
	free(typed);
	return m;
}

/* Tab after /model without the list: fetch it and say so; the list completes when it comes. */
static void
session_complete_later(struct session *s)
{
	const char *base = config_get(&s->app->cfg, CONFIG_BASE_URL);

	if (!models_fetching(s->models, base) &&
	    !session_models_start(s, true, session_models_tabbed))
		return; /* no key, no Terms: the next prompt says why */
	if (!models_fetching(s->models, base))
		return; /* it came at once */
	if (s->v.tab_wait != NULL)
		s->v.tab_wait(s->v.arg, _("asking the server for its models..."));
	else
		session_status(s, _("asking the server for its models..."), false);
}

char **
session_complete(struct session *s, const char *line, int start, const char *text, bool *files)
{
	const char *base = config_get(&s->app->cfg, CONFIG_BASE_URL);
	char **ids, **out = NULL, *dir;
	size_t n, i;
	int arg;

	*files = false;
	if ((arg = session_attach_arg(line)) >= 0 && start >= arg) {
		*files = true;
		return session_complete_path(line, arg, start, text);
	}
	if (session_arg_of(line, start, "/model")) {
		if ((ids = models_list(s->models, base, &n)) != NULL)
			return slash_matches((const char *const *)ids, n, text);
		session_complete_later(s);
	} else if (session_arg_of(line, start, "/role")) {
		dir = role_dir();
		if (role_names(dir, &ids, &n) == 0) {
			out = slash_matches((const char *const *)ids, n, text);
			for (i = 0; i < n; i++)
				free(ids[i]);
			free(ids);
		}
		free(dir);
	}
	return out;
}
