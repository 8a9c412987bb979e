/* cmd-log.c: confab log list|show|search|delete|export: the conversation history. */
#include "common.h"

#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "app.h"
#include "cmd.h"
#include "disclaimer.h"
#include "feedback.h"
#include "json.h"
#include "store.h"
#include "text.h"
#include "tty.h"

#define LOG_SNIPPET_BEFORE 30 /* characters of context before a match */
#define LOG_SNIPPET_AFTER 50  /* and after it */
#define LOG_LIMIT 50	      /* conversations listed or found without -n or --all */

/* What every log command works with. */
struct log {
	struct app *app;
	struct store *st;
	bool tty;	     /* stdout is a terminal: controls are shown visibly */
	bool color;	     /* escape codes may go to stdout */
	enum text_mode mode; /* TEXT_VISIBLE on a terminal, TEXT_DROP to a pipe */
	int cols;	     /* terminal width, 0 when not a terminal */
	int64_t n;	     /* rows printed so far */
	int64_t limit;	     /* at most this many rows (-1: all), from -n/--limit/--all */
	bool more;	     /* a row after the limit was left out */
	const char *query;   /* search: the text */
	const struct disclaimer_rules *rules; /* show: to translate notices, or NULL */
	bool rules_loaded;
};

/* ---- text helpers ---------------------------------------------------------- */

/* Length of t without a last character cut short (titles are cut at 80 bytes). */
static size_t
log_title_len(const char *t)
{
	size_t len = strlen(t), i = len, need;
	unsigned char lead;

	while (i > 0 && len - i < 3 && ((unsigned char)t[i - 1] & 0xc0) == 0x80)
		i--;
	if (i == 0)
		return len;
	lead = (unsigned char)t[i - 1];
	if (lead < 0xc0)
		return len;
	need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
	return len - (i - 1) < need ? i - 1 : len;
}

/* Sanitised text (caller frees); with oneline, line ends and tabs become spaces. */
static char *
log_clean(const char *s, size_t len, enum text_mode mode, bool oneline)
{
	return text_clean_str(s, len, mode, oneline ? TEXT_CLEAN_ONELINE : 0, NULL);
}

/* A title for people: never NULL, one line, sanitised (caller frees). */
static char *
log_title(const char *title, enum text_mode mode)
{
	if (title == NULL || *title == '\0')
		return xstrdup(_("(untitled)"));
	return log_clean(title, log_title_len(title), mode, true);
}

/* "2026-11-27 05:00" from a stored UTC time (caller frees). */
static char *
log_when(const char *at)
{
	if (at == NULL || strlen(at) < 16)
		return xstrdup("?");
	return xasprintf("%.10s %.5s", at, at + 11);
}

/* Print s padded with spaces to cols columns (display width: CJK headings). */
static void
log_put_pad(FILE *f, const char *s, int cols, bool right)
{
	int w = text_width(s, strlen(s));

	if (!right)
		fputs(s, f);
	for (; w < cols; w++)
		putc(' ', f);
	if (right)
		fputs(s, f);
}

/* Print valid UTF-8 s in at most cols columns, ending in "..." when cut. */
static void
log_put_fit(FILE *f, const char *s, int cols)
{
	size_t len = strlen(s);

	if (cols <= 0 || text_width(s, len) <= cols) {
		fputs(s, f);
		return;
	}
	/* whole grapheme clusters only, by the columns they take */
	fprintf(f, "%.*s...", (int)text_fit(s, len, cols - 3, NULL), s);
}

/* Add s[0..len) (NULL becomes null); invalid UTF-8 is repaired so the JSON stays valid. */
static void
log_json_str(struct cJSON *o, const char *key, const char *s, size_t len)
{
	struct buf b;

	if (s == NULL) {
		json_add_null(o, key);
		return;
	}
	if (s[len] == '\0' && text_utf8_valid(s, len, NULL)) {
		json_add_str(o, key, s);
		return;
	}
	buf_init(&b, 0);
	(void)text_utf8_repair(s, len, &b, NULL);
	json_add_str(o, key, b.data);
	buf_release(&b);
}

/* Add a NUL-terminated string, or null. */
static void
log_json_text(struct cJSON *o, const char *key, const char *s)
{
	log_json_str(o, key, s, s != NULL ? strlen(s) : 0);
}

static void
log_json_int(struct cJSON *o, const char *key, int64_t v)
{
	if (v >= 0)
		json_add_num(o, key, (double)v);
	else
		json_add_null(o, key);
}

/* Print sep and one JSON value, and free it. */
static void
log_json_print(struct cJSON *o, const char *sep)
{
	char *s = json_print(o, false);

	fputs(sep, stdout);
	fputs(s, stdout);
	free(s);
	json_free(o);
}

static struct cJSON *
log_conversation_json(const struct store_conversation *c)
{
	struct cJSON *o = json_object();

	json_add_num(o, "id", (double)c->id);
	log_json_str(o, "title", c->title, c->title != NULL ? log_title_len(c->title) : 0);
	log_json_text(o, "started", c->started);
	log_json_text(o, "updated", c->updated);
	log_json_text(o, "model", c->model);
	log_json_text(o, "base_url", c->base_url);
	json_add_num(o, "message_count", (double)c->messages);
	return o;
}

/* Resolve the ID argument; 0 with *id set, or an exit code after saying why. */
static int
log_resolve(struct log *l, const char *name, int64_t *id)
{
	char *cause = NULL;

	if ((*id = store_log_resolve(l->st, name, &cause)) < 0) {
		app_error("%s", cause);
		free(cause);
		return EXIT_USAGE;
	}
	return 0;
}

/* ---- list -------------------------------------------------------------------- */

/* l->limit from -n N, --limit N or --all (LOG_LIMIT without them); 0 or EXIT_USAGE. */
static int
log_limit(struct log *l)
{
	const char *v = l->app->limit;
	char *end;
	long long n;

	l->limit = l->app->all ? -1 : LOG_LIMIT;
	if (v == NULL)
		return 0;
	if (l->app->all) {
		app_error("%s",
		    _("-n (--limit) and --all contradict each other; give one of them"));
		return EXIT_USAGE;
	}
	errno = 0;
	n = strtoll(v, &end, 10);
	if (end == v || *end != '\0' || errno != 0 || n < 1) {
		app_error(_("-n (--limit) takes a number of conversations, 1 or more, not '%s'"),
		    v);
		return EXIT_USAGE;
	}
	l->limit = (int64_t)n;
	return 0;
}

/* One row more than the limit: note that it was left out and stop. */
static bool
log_at_limit(struct log *l)
{
	if (l->limit < 0 || l->n < l->limit)
		return false;
	l->more = true;
	return true;
}

/*
 * The columns of 'log list' on a terminal of l->cols: all of them while the
 * title keeps LOG_TITLE_MIN columns, else without the message count (1), else
 * without the model too (2). To a pipe, all of them.
 */
#define LOG_TITLE_MIN 12
#define LOG_FIXED_ALL 49 /* ID, STARTED, MODEL, MSGS and the blanks between */
#define LOG_FIXED_NO_MSGS 43
static int
log_list_drop(const struct log *l)
{
	if (l->cols <= 0 || l->cols - LOG_FIXED_ALL >= LOG_TITLE_MIN)
		return 0;
	return l->cols - LOG_FIXED_NO_MSGS >= LOG_TITLE_MIN ? 1 : 2;
}

/* The headings of 'log list', padded by display width as the rows are. */
static void
log_list_headings(const struct log *l, int drop)
{
	fputs(l->color ? "\033[1m" : "", stdout);
	/* TRANSLATORS: the headings of 'log list': at most 6 columns wide. */
	log_put_pad(stdout, _("ID"), 6, false);
	putchar(' ');
	/* TRANSLATORS: at most 16 columns wide. */
	log_put_pad(stdout, _("STARTED (UTC)"), 16, false);
	fputs("  ", stdout);
	if (drop < 2) {
		/* TRANSLATORS: at most 16 columns wide. */
		log_put_pad(stdout, _("MODEL"), 16, false);
		fputs(drop < 1 ? " " : "  ", stdout);
	}
	if (drop < 1) {
		/* TRANSLATORS: the number of messages; at most 5 columns wide. */
		log_put_pad(stdout, _("MSGS"), 5, true);
		fputs("  ", stdout);
	}
	printf("%s%s\n", _("TITLE"), l->color ? "\033[m" : "");
}

static int
log_list_cb(const struct store_conversation *c, void *arg)
{
	struct log *l = arg;
	char *when, *title, *model;
	int used, mw, drop = log_list_drop(l);

	if (log_at_limit(l))
		return 1;
	if (l->app->json) {
		log_json_print(log_conversation_json(c), l->n++ == 0 ? "[" : ",");
		return 0;
	}
	if (l->n++ == 0)
		log_list_headings(l, drop);
	when = log_when(c->started);
	model = log_clean(c->model != NULL ? c->model : "?",
	    c->model != NULL ? strlen(c->model) : 1, l->mode, true);
	title = log_title(c->title, l->mode);
	used = printf("%-6lld %-16s  ", (long long)c->id, when);
	if (drop < 2) {
		/* the model padded to 16 columns by display width, not bytes (CJK names) */
		mw = text_width(model, strlen(model));
		printf("%s%*s%s", model, mw < 16 ? 16 - mw : 0, "", drop < 1 ? " " : "  ");
		used += (mw < 16 ? 16 : mw) + (drop < 1 ? 1 : 2);
	}
	if (drop < 1)
		used += printf("%5lld  ", (long long)c->messages);
	/* On a terminal the title gets the columns that are left. */
	log_put_fit(stdout, title, l->cols > 0 ? (l->cols - used > 10 ? l->cols - used : 10) : 0);
	putchar('\n');
	free(title);
	free(model);
	free(when);
	return 0;
}

static int
log_list(struct log *l, int argc, char **argv)
{
	char *cause = NULL;
	int64_t total;

	if (log_limit(l) != 0)
		return EXIT_USAGE;
	if (store_log_list(l->st, log_list_cb, l, &cause) != 0) {
		if (l->app->json && l->n > 0)
			puts("]");
		app_error("%s", cause);
		free(cause);
		return EXIT_USAGE;
	}
	if (l->app->json)
		puts(l->n == 0 ? "[]" : "]");
	else if (l->n == 0)
		printf("%s\n", _("No conversations are stored."));
	/* On stderr: a script reading stdout sees only rows. */
	if (l->more && !l->app->quiet && (total = store_log_count(l->st, &cause)) >= 0)
		app_error(
		    P_("%lld older conversation is not shown; 'confab log list --all' lists "
		       "every one, 'confab log list -n N' the newest N",
			"%lld older conversations are not shown; 'confab log list --all' lists "
			"every one, 'confab log list -n N' the newest N",
			(unsigned long)(total - l->n)),
		    (long long)(total - l->n));
	free(cause);
	return EXIT_OK;
}

/* ---- show and export ---------------------------------------------------------- */

/* "too long, wrong" from stored reasons (caller frees), or NULL when there are none. */
static char *
log_reasons(const char *stored, enum text_mode mode)
{
	struct cJSON *arr = feedback_reasons_json(stored);
	char *joined = json_join_strings(arr, ", "), *s = NULL;

	json_free(arr);
	if (joined != NULL)
		s = log_clean(joined, strlen(joined), mode, true);
	free(joined);
	return s;
}

static struct cJSON *
log_message_json(const struct store_log_message *lm)
{
	const struct store_message *m = &lm->m;
	struct cJSON *o = json_object(), *u, *f;

	json_add_num(o, "id", (double)m->id);
	log_json_text(o, "role", m->role);
	log_json_str(o, "content", m->content, m->content_len);
	log_json_text(o, "reasoning", m->reasoning);
	log_json_text(o, "model", m->model);
	log_json_text(o, "created", lm->created);
	log_json_text(o, "status", m->status);
	log_json_text(o, "finish_reason", m->finish_reason);
	if (m->prompt_tokens >= 0 || m->completion_tokens >= 0 || m->total_tokens >= 0) {
		u = json_add_object(o, "usage");
		log_json_int(u, "prompt_tokens", m->prompt_tokens);
		log_json_int(u, "completion_tokens", m->completion_tokens);
		log_json_int(u, "total_tokens", m->total_tokens);
	} else
		json_add_null(o, "usage");
	log_json_int(o, "latency_ms", m->latency_ms);
	log_json_int(o, "duration_ms", m->duration_ms);
	log_json_text(o, "error", m->error);
	log_json_text(o, "response_id", m->response_id);
	json_add(o, "disclaimers", disclaimer_json_stored(lm->disclaimers));
	if (lm->rated) {
		f = json_add_object(o, "feedback");
		json_add_num(f, "rating", lm->rating);
		json_add(f, "reasons", feedback_reasons_json(lm->reasons));
		log_json_text(f, "comment", lm->comment);
	} else
		json_add_null(o, "feedback");
	return o;
}

static int
log_show_json_cb(const struct store_log_message *lm, void *arg)
{
	struct log *l = arg;

	log_json_print(log_message_json(lm), l->n++ == 0 ? "" : ",");
	return 0;
}

/* Write untrusted text: exact when allowed and not to a terminal, else sanitised. */
static void
log_put_text(struct log *l, const char *s, size_t len, bool exact)
{
	char *clean;

	if (exact && !l->tty) {
		fwrite(s, 1, len, stdout);
		return;
	}
	clean = log_clean(s, len, l->mode, false);
	fputs(clean, stdout);
	free(clean);
}

/* "thumbs up (too long): comment" (caller frees), or NULL when there is nothing to say. */
static char *
log_feedback_text(const struct store_log_message *lm, enum text_mode mode)
{
	char *reasons, *comment = NULL, *s;
	const char *rating;

	if (!lm->rated || (lm->rating == 0 && lm->comment == NULL))
		return NULL;
	reasons = log_reasons(lm->reasons, mode);
	if (lm->comment != NULL && *lm->comment != '\0')
		comment = log_clean(lm->comment, strlen(lm->comment), mode, true);
	rating = lm->rating > 0 ? _("thumbs up") :
	    lm->rating < 0	? _("thumbs down") :
				  _("no rating");
	if (reasons != NULL && comment != NULL)
		/* TRANSLATORS: feedback: the rating (the reasons): the comment. */
		s = xasprintf(_("%s (%s): %s"), rating, reasons, comment);
	else if (reasons != NULL)
		/* TRANSLATORS: feedback: the rating (the reasons). */
		s = xasprintf(_("%s (%s)"), rating, reasons);
	else if (comment != NULL)
		/* TRANSLATORS: feedback: the rating: the comment. */
		s = xasprintf(_("%s: %s"), rating, comment);
	else
		s = xstrdup(rating);
	free(reasons);
	free(comment);
	return s;
}

/* A stored role as people read it. */
static const char *
log_role(const char *role)
{
	if (strcmp(role, "user") == 0)
		return _("you");
	if (strcmp(role, "system") == 0)
		return _("system");
	if (strcmp(role, "assistant") == 0)
		return _("assistant");
	return role;
}

static const char *
log_role_name(const struct store_message *m)
{
	if (strcmp(m->role, "assistant") == 0 && m->model != NULL)
		return m->model;
	return log_role(m->role);
}

/* A stored status as people read it ("interrupted", "error"...). */
static const char *
log_status(const char *status)
{
	static const char *const known[] = { N_("complete"), N_("streaming"), N_("incomplete"),
		N_("interrupted"), N_("error"), N_("replaced") };
	size_t i;

	for (i = 0; i < nitems(known); i++)
		if (strcmp(status, known[i]) == 0)
			return _(known[i]);
	return status;
}

/*
 * A stored notice in the screens' language: the rules' translation when the
 * stored text is the rules' own text for its id, else as stored.
 */
static const char *
log_notice_text(struct log *l, const char *id, const char *text)
{
	char *cause = NULL;

	if (!l->rules_loaded && strcmp(i18n_language(), "en") != 0) {
		l->rules = app_disclaimers(l->app, &cause); /* a warning: the built-in ones */
		free(cause);
	}
	l->rules_loaded = true;
	return disclaimer_rules_shown(l->rules, id, text);
}

static void
log_show_disclaimer(const char *id, const char *clause, const char *text, void *arg)
{
	struct log *l = arg;
	const char *shown = log_notice_text(l, id, text);
	char *t = log_clean(shown, strlen(shown), l->mode, true);

	fputs(l->color ? "\033[2m  " : "  ", stdout);
	if (clause != NULL)
		/* TRANSLATORS: a reliance notice: the clause of the Terms, the notice's text. */
		printf(_("Notice (%s): %s"), clause, t);
	else
		printf(_("Notice: %s"), t);
	printf("%s\n", l->color ? "\033[m" : "");
	free(t);
}

static int
log_show_cb(const struct store_log_message *lm, void *arg)
{
	struct log *l = arg;
	const struct store_message *m = &lm->m;
	char *when = log_when(lm->created), *who, *fb, *err;

	who = log_clean(log_role_name(m), strlen(log_role_name(m)), l->mode, true);
	printf("\n%s", l->color ? "\033[1m" : "");
	/* TRANSLATORS: a message's heading: its number, who wrote it, when (UTC). */
	printf(_("[#%lld] %s, %s UTC"), (long long)m->id, who, when);
	printf("%s\n", l->color ? "\033[m" : "");
	log_put_text(l, m->content, m->content_len, false);
	if (m->content_len == 0 || m->content[m->content_len - 1] != '\n')
		putchar('\n');
	if (strcmp(m->status, "complete") != 0) {
		err = m->error != NULL ? log_clean(m->error, strlen(m->error), l->mode, true) :
					 NULL;
		fputs(l->color ? "\033[2m  " : "  ", stdout);
		if (err != NULL)
			/* TRANSLATORS: an answer's status (interrupted, error...): its error. */
			printf(_("(%s: %s)"), log_status(m->status), err);
		else
			printf(_("(%s)"), log_status(m->status));
		printf("%s\n", l->color ? "\033[m" : "");
		free(err);
	}
	(void)disclaimer_json_each(lm->disclaimers, log_show_disclaimer, l);
	if ((fb = log_feedback_text(lm, l->mode)) != NULL) {
		fputs("  ", stdout);
		printf(_("Feedback: %s"), fb);
		putchar('\n');
	}
	free(fb);
	free(who);
	free(when);
	l->n++;
	return 0;
}

static void
log_md_disclaimer(const char *id, const char *clause, const char *text, void *arg)
{
	struct log *l = arg;
	const char *shown = log_notice_text(l, id, text);
	char *t = log_clean(shown, strlen(shown), l->tty ? l->mode : TEXT_DROP, true);

	fputs(l->n++ > 0 ? ">\n" : "", stdout);
	if (clause != NULL)
		/* TRANSLATORS: Markdown: a notice, its clause of the Terms and its text. */
		printf(_("> **Notice (%s):** %s"), clause, t);
	else
		printf(_("> **Notice:** %s"), t);
	putchar('\n');
	free(t);
}

/* One turn of a Markdown export: a heading, the exact text, notices and feedback. */
static int
log_md_cb(const struct store_log_message *lm, void *arg)
{
	struct log *l = arg;
	const struct store_message *m = &lm->m;
	enum text_mode mode = l->tty ? l->mode : TEXT_DROP;
	char *when = log_when(lm->created), *model, *fb;

	model = m->model != NULL ? log_clean(m->model, strlen(m->model), mode, true) : NULL;
	/* TRANSLATORS: Markdown headings of a message: the model, its number, when (UTC). */
	if (strcmp(m->role, "assistant") == 0 && model != NULL)
		printf(_("## Assistant: %s (#%lld, %s UTC)"), model, (long long)m->id, when);
	else if (strcmp(m->role, "assistant") == 0)
		printf(_("## Assistant (#%lld, %s UTC)"), (long long)m->id, when);
	else if (strcmp(m->role, "user") == 0)
		printf(_("## You (#%lld, %s UTC)"), (long long)m->id, when);
	else
		printf(_("## System (#%lld, %s UTC)"), (long long)m->id, when);
	fputs("\n\n", stdout);
	log_put_text(l, m->content, m->content_len, true);
	if (m->content_len == 0 || m->content[m->content_len - 1] != '\n')
		putchar('\n');
	putchar('\n');
	if (strcmp(m->status, "complete") != 0) {
		/* TRANSLATORS: Markdown: %s is a status (interrupted, error...). */
		printf(_("*This answer is %s.*"), log_status(m->status));
		fputs("\n\n", stdout);
	}
	l->n = 0; /* notices in this turn's block quote */
	(void)disclaimer_json_each(lm->disclaimers, log_md_disclaimer, l);
	if (l->n > 0)
		putchar('\n');
	if ((fb = log_feedback_text(lm, mode)) != NULL) {
		/* TRANSLATORS: Markdown (in italics). */
		printf(_("*Feedback: %s*"), fb);
		fputs("\n\n", stdout);
	}
	free(fb);
	free(model);
	free(when);
	return 0;
}

/* The conversation's header in the chosen form. */
static void
log_show_head(struct log *l, const struct store_conversation *c, const char *format)
{
	enum text_mode mode = l->tty ? l->mode : TEXT_DROP;
	char *title = log_title(c->title, mode), *started = log_when(c->started);
	char *model = log_clean(c->model != NULL ? c->model : "?",
	    c->model != NULL ? strlen(c->model) : 1, mode, true);
	char *base = log_clean(c->base_url != NULL ? c->base_url : "?",
	    c->base_url != NULL ? strlen(c->base_url) : 1, mode, true);
	struct cJSON *o;
	char *s;

	if (strcmp(format, "json") == 0) {
		o = log_conversation_json(c);
		s = json_print(o, false);
		/* The messages follow as a streamed array: reopen the object. */
		s[strlen(s) - 1] = '\0';
		printf("%s,\"messages\":[", s);
		free(s);
		json_free(o);
	} else if (strcmp(format, "markdown") == 0) {
		/* TRANSLATORS: Markdown: a conversation's heading and what it is. */
		printf(_("# Conversation %lld: %s\n\n- Started: %s UTC\n- Model: %s\n- Endpoint: "
			 "%s\n- Messages: %lld\n\n"),
		    (long long)c->id, title, started, model, base, (long long)c->messages);
	} else {
		fputs(l->color ? "\033[1m" : "", stdout);
		printf(_("Conversation %lld: %s"), (long long)c->id, title);
		printf("%s\n", l->color ? "\033[m" : "");
		/* TRANSLATORS: when (UTC), how many messages, the model at the endpoint. */
		printf(P_("Started %s UTC, %lld message, %s at %s",
			   "Started %s UTC, %lld messages, %s at %s", (unsigned long)c->messages),
		    started, (long long)c->messages, model, base);
		putchar('\n');
	}
	free(base);
	free(model);
	free(started);
	free(title);
}

/* Print conversation name as text, markdown or json, one message at a time. */
static int
log_print(struct log *l, const char *name, const char *format)
{
	struct store_conversation c;
	char *cause = NULL;
	int64_t id;
	int r;

	if ((r = log_resolve(l, name, &id)) != 0)
		return r;
	if ((r = store_log_get(l->st, id, &c, &cause)) <= 0) {
		if (r == 0)
			cause = xasprintf(_("conversation %lld was deleted just now"),
			    (long long)id);
		app_error("%s", cause);
		free(cause);
		return EXIT_USAGE;
	}
	log_show_head(l, &c, format);
	if (strcmp(format, "json") == 0)
		r = store_log_messages(l->st, id, log_show_json_cb, l, &cause);
	else if (strcmp(format, "markdown") == 0)
		r = store_log_messages(l->st, id, log_md_cb, l, &cause);
	else
		r = store_log_messages(l->st, id, log_show_cb, l, &cause);
	if (strcmp(format, "json") == 0)
		puts("]}");
	store_conversation_release(&c);
	if (r != 0) {
		app_error("%s", cause);
		free(cause);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

static int
log_show(struct log *l, int argc, char **argv)
{
	return log_print(l, argv[0], l->app->json ? "json" : "text");
}

static int
log_export(struct log *l, int argc, char **argv)
{
	const char *format = l->app->format;

	if (format == NULL)
		format = l->app->json ? "json" : "markdown";
	if (strcmp(format, "markdown") != 0 && strcmp(format, "md") != 0 &&
	    strcmp(format, "json") != 0) {
		app_error(_("unknown export format '%s'; 'log export' writes markdown or json"),
		    format);
		return EXIT_USAGE;
	}
	return log_print(l, argv[0], strcmp(format, "json") == 0 ? "json" : "markdown");
}

/* ---- search ------------------------------------------------------------------- */

/* Offset of needle in hay, ignoring ASCII case; hay_len when absent. */
static size_t
log_find(const char *hay, size_t hay_len, const char *needle)
{
	size_t n = strlen(needle), i, j;

	for (i = 0; n > 0 && i + n <= hay_len; i++) {
		for (j = 0; j < n; j++) {
			unsigned char a = (unsigned char)hay[i + j], b = (unsigned char)needle[j];

			if (a != b &&
			    !(a < 0x80 && b < 0x80 && (a | 0x20) == (b | 0x20) &&
				(a | 0x20) >= 'a' && (a | 0x20) <= 'z'))
				break;
		}
		if (j == n)
			return i;
	}
	return hay_len;
}

/* Move back over n characters from off (not before 0). */
static size_t
log_back(const char *s, size_t off, int n)
{
	while (n-- > 0 && off > 0) {
		off--;
		while (off > 0 && ((unsigned char)s[off] & 0xc0) == 0x80)
			off--;
	}
	return off;
}

/* Move forward over n characters from off (not past len). */
static size_t
log_forward(const char *s, size_t len, size_t off, int n)
{
	size_t k;

	while (n-- > 0 && off < len) {
		k = text_utf8_seq(s + off, len - off, NULL);
		off += k > 0 ? k : 1;
	}
	return off;
}

/* The parts of a snippet around the match: before, match, after (each sanitised, one line). */
struct log_snippet {
	char *part[3];
};

static void
log_snippet(const char *s, size_t len, const char *query, enum text_mode mode,
    struct log_snippet *sn)
{
	size_t m0 = log_find(s, len, query), m1, a, b;
	struct buf pre;

	if (m0 == len)
		m0 = m1 = 0; /* matched by case folding beyond ASCII: no highlight */
	else
		m1 = m0 + strlen(query);
	a = log_back(s, m0, LOG_SNIPPET_BEFORE);
	b = log_forward(s, len, m1, LOG_SNIPPET_AFTER);
	buf_init(&pre, 0);
	if (a > 0)
		buf_adds(&pre, "...");
	sn->part[0] = log_clean(s + a, m0 - a, mode, true);
	buf_adds(&pre, sn->part[0]);
	free(sn->part[0]);
	sn->part[0] = buf_detach(&pre, NULL);
	sn->part[1] = log_clean(s + m0, m1 - m0, mode, true);
	sn->part[2] = log_clean(s + m1, b - m1, mode, true);
	if (b < len) {
		buf_adds(&pre, sn->part[2]);
		buf_adds(&pre, "...");
		free(sn->part[2]);
		sn->part[2] = buf_detach(&pre, NULL);
	}
	buf_release(&pre);
}

static void
log_snippet_release(struct log_snippet *sn)
{
	free(sn->part[0]);
	free(sn->part[1]);
	free(sn->part[2]);
}

/* Characters in valid UTF-8 s. */
static size_t
log_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static int
log_search_cb(const struct store_log_hit *h, void *arg)
{
	struct log *l = arg;
	struct log_snippet sn;
	char *title, *when, *snippet;
	struct cJSON *o;

	if (log_at_limit(l))
		return 1;
	log_snippet(h->content, h->content_len, l->query, l->app->json ? TEXT_DROP : l->mode, &sn);
	if (l->app->json) {
		o = json_object();
		json_add_num(o, "conversation_id", (double)h->conversation);
		log_json_str(o, "title", h->title, h->title != NULL ? log_title_len(h->title) : 0);
		log_json_text(o, "updated", h->updated);
		json_add_num(o, "matches", (double)h->matches);
		json_add_num(o, "message_id", (double)h->message);
		log_json_text(o, "role", h->role);
		snippet = xasprintf("%s%s%s", sn.part[0], sn.part[1], sn.part[2]);
		log_json_text(o, "snippet", snippet);
		/* snippet[match_start:match_end] in characters (Python's str slicing). */
		json_add_num(o, "match_start", (double)log_chars(sn.part[0]));
		json_add_num(o, "match_end",
		    (double)(log_chars(sn.part[0]) + log_chars(sn.part[1])));
		free(snippet);
		log_json_print(o, l->n++ == 0 ? "[" : ",");
		log_snippet_release(&sn);
		return 0;
	}
	title = log_title(h->title, l->mode);
	when = log_when(h->updated);
	printf("%s%-6lld%s %s  ", l->color ? "\033[1m" : "", (long long)h->conversation,
	    l->color ? "\033[m" : "", when);
	/* TRANSLATORS: a conversation's title and how many of its messages match. */
	printf(P_("%s (%lld matching message)", "%s (%lld matching messages)",
		   (unsigned long)h->matches),
	    title, (long long)h->matches);
	printf("\n       #%lld %s: %s%s%s%s%s\n", (long long)h->message, log_role(h->role),
	    sn.part[0], l->color ? "\033[1;31m" : "", sn.part[1], l->color ? "\033[m" : "",
	    sn.part[2]);
	free(when);
	free(title);
	log_snippet_release(&sn);
	l->n++;
	return 0;
}

static int
log_search(struct log *l, int argc, char **argv)
{
	struct buf q;
	char *cause = NULL, *shown;
	int i, r = EXIT_OK;

	buf_init(&q, 0);
	for (i = 0; i < argc; i++)
		buf_addf(&q, "%s%s", i > 0 ? " " : "", argv[i]);
	if (strspn(q.data, " \t\r\n") == q.len) {
		app_error("%s",
		    _("'log search' needs the text to look for: confab log search TEXT"));
		buf_release(&q);
		return EXIT_USAGE;
	}
	if (log_limit(l) != 0) {
		buf_release(&q);
		return EXIT_USAGE;
	}
	l->query = q.data;
	/* One row past the limit tells that the search stopped there. */
	if (store_log_search_n(l->st, q.data, l->limit < 0 ? -1 : l->limit + 1, log_search_cb, l,
		&cause) != 0) {
		if (l->app->json && l->n > 0)
			puts("]");
		app_error("%s", cause);
		free(cause);
		r = EXIT_USAGE;
	} else if (l->app->json)
		puts(l->n == 0 ? "[]" : "]");
	else if (l->n == 0) {
		shown = log_clean(q.data, q.len, l->mode, true);
		printf(_("No conversation contains \"%s\"."), shown);
		putchar('\n');
		free(shown);
	}
	/* On stderr, as for log list: stdout holds only the results. */
	if (r == EXIT_OK && l->more && !l->app->quiet)
		app_error(P_("the search stopped at the newest conversation that matches; "
			     "'confab log search --all TEXT' finds every one, '-n N' the newest N",
			      "the search stopped at the newest %lld conversations that match; "
			      "'confab log search --all TEXT' finds every one, '-n N' the newest N",
			      (unsigned long)l->n),
		    (long long)l->n);
	buf_release(&q);
	return r;
}

/* ---- delete ------------------------------------------------------------------ */

/* Ask on the terminal; true only when the answer is yes. */
static int
log_confirm(struct log *l, int64_t id, bool *yes)
{
	struct store_conversation c;
	struct tty t;
	char *cause = NULL, *title, *answer, *q;

	*yes = false;
	if (tty_open(&t, &cause) != 0) {
		/* TRANSLATORS: %2$s says why there is no terminal to ask on. */
		app_error(_("not deleting conversation %lld without confirmation: %s; add --yes "
			    "to delete it from a script"),
		    (long long)id, cause);
		free(cause);
		return EXIT_USAGE;
	}
	if (store_log_get(l->st, id, &c, &cause) <= 0) {
		tty_close(&t);
		app_error("%s", cause != NULL ? cause : _("the conversation was deleted just now"));
		free(cause);
		return EXIT_USAGE;
	}
	title = log_title(c.title, TEXT_VISIBLE);
	/* TRANSLATORS: "yes" is what the user types, in every language: keep it. */
	q = xasprintf(P_("Delete conversation %lld, \"%s\" (%lld message)? It cannot be "
			 "undone.\nType yes to delete it: ",
			  "Delete conversation %lld, \"%s\" (%lld messages)? It cannot be "
			  "undone.\nType yes to delete it: ",
			  (unsigned long)c.messages),
	    (long long)id, title, (long long)c.messages);
	answer = tty_ask(&t, q);
	*yes = answer != NULL && strcasecmp(answer, "yes") == 0;
	if (!*yes)
		fprintf(t.out, "%s\n", _("Nothing was deleted."));
	free(answer);
	free(q);
	free(title);
	store_conversation_release(&c);
	tty_close(&t);
	return 0;
}

static int
log_delete(struct log *l, int argc, char **argv)
{
	char *cause = NULL;
	bool yes = l->app->yes;
	int64_t id;
	int r;

	if ((r = log_resolve(l, argv[0], &id)) != 0)
		return r;
	if (!yes && ((r = log_confirm(l, id, &yes)) != 0 || !yes))
		return r;
	if (store_log_delete(l->st, id, &cause) != 0) {
		app_error("%s", cause);
		free(cause);
		return EXIT_USAGE;
	}
	if (!l->app->quiet) {
		printf(_("Deleted conversation %lld."), (long long)id);
		putchar('\n');
	}
	return EXIT_OK;
}

/* ---- dispatch ---------------------------------------------------------------- */

static const struct {
	const char *name;
	int (*fn)(struct log *, int, char **);
	int min, max; /* arguments after the command word; max -1: any */
	const char *usage;
} log_cmds[] = {
	{ "list", log_list, 0, 0, "log list [-n N | --all] [--json]" },
	{ "show", log_show, 1, 1, "log show ID|last [--json]" },
	{ "search", log_search, 1, -1, "log search TEXT [-n N | --all] [--json]" },
	{ "delete", log_delete, 1, 1, "log delete ID|last [--yes]" },
	{ "export", log_export, 1, 1, "log export ID|last [--format markdown|json]" },
};

int
cmd_log(struct app *app, int argc, char **argv)
{
	const char *sub = argc > 0 ? argv[0] : "list";
	struct log l = { .app = app };
	char *cause = NULL;
	struct tty t = { .out = stdout };
	int rows, r;
	size_t i;

	for (i = 0; i < nitems(log_cmds) && strcmp(sub, log_cmds[i].name) != 0; i++)
		;
	if (i == nitems(log_cmds)) {
		app_error(_("unknown command 'log %s'; the log commands are list, show, search, "
			    "delete and export"),
		    sub);
		return EXIT_USAGE;
	}
	argc = argc > 0 ? argc - 1 : 0;
	if (argc < log_cmds[i].min || (log_cmds[i].max >= 0 && argc > log_cmds[i].max)) {
		app_error(_("usage: confab %s"), log_cmds[i].usage);
		return EXIT_USAGE;
	}
	if ((l.st = app_store(app, &cause)) == NULL) {
		app_error("%s", cause);
		free(cause);
		return EXIT_USAGE;
	}
	l.tty = isatty(STDOUT_FILENO);
	l.color = tty_color_ok(stdout);
	l.mode = l.tty ? TEXT_VISIBLE : TEXT_DROP;
	if (l.tty)
		tty_size(&t, &rows, &l.cols);
	r = log_cmds[i].fn(&l, argc, argv + 1);
	if (fflush(stdout) != 0 && r == EXIT_OK) {
		app_error(_("cannot write the output: %s"), strerror(errno));
		r = EXIT_USAGE;
	}
	return r;
}
