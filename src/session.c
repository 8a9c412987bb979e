/* session.c: one conversation for every front end: what is sent and what is sent back. */
#include "common.h"

#include "api.h"
#include "attach.h"
#include "app.h"
#include "config.h"
#include "exchange.h"
#include "http.h"
#include "loop.h"
#include "session.h"
#include "session-internal.h"
#include "store.h"

#define SESSION_TURN_TOKENS 4	     /* what a message costs besides its text */
#define SESSION_DEFAULT_CONTEXT 8192 /* a model we know nothing about */
#define SESSION_ANSWER_RESERVE 4096  /* kept free for the answer without max_tokens */

/* ---- telling the view ---------------------------------------------------- */

void
session_say(struct session *s, const char *text, bool error)
{
	s->v.say(s->v.arg, text, error);
}

void
session_sayf(struct session *s, bool error, const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	session_say(s, text, error);
	free(text);
}

/* A short outcome: the status line where the view has one. */
void
session_status(struct session *s, const char *text, bool error)
{
	if (s->v.status != NULL)
		s->v.status(s->v.arg, text, error);
	else
		session_say(s, text, error);
}

/* ---- the context budget ---------------------------------------------------- */

/* Context windows of models we know, by name prefix (longest prefixes first). */
static const struct {
	const char *prefix;
	long tokens;
} session_contexts[] = {
	{ "qwen3-max", 262144 },
	{ "qwen-max", 32768 },
	{ "qwen-plus", 131072 },
	{ "qwen-flash", 1000000 },
	{ "qwen-turbo", 1000000 },
	{ "qwen-long", 1000000 },
	{ "qwq", 131072 },
	{ "qwen3-coder", 262144 },
	{ "qwen3", 32768 },
	{ "qwen2.5", 32768 },
	{ "gpt-4o", 128000 },
	{ "gpt-4.1", 1000000 },
	{ "llama3", 8192 },
};

long
session_context_tokens(const struct session *s)
{
	const char *set = config_get(&s->app->cfg, CONFIG_CONTEXT_TOKENS);
	const char *model = config_get(&s->app->cfg, CONFIG_MODEL);
	size_t i;

	if (set != NULL)
		return strtol(set, NULL, 10);
	for (i = 0; i < nitems(session_contexts); i++)
		if (strncmp(model, session_contexts[i].prefix,
			strlen(session_contexts[i].prefix)) == 0)
			return session_contexts[i].tokens;
	return SESSION_DEFAULT_CONTEXT;
}

/*
 * Tokens a text costs, roughly: a token per four ASCII bytes, one per other
 * character (CJK is about that), plus the message's own cost.
 */
static long
session_estimate(const char *text, size_t len)
{
	size_t ascii = 0, other = 0, i;

	for (i = 0; i < len; i++)
		if ((unsigned char)text[i] < 0x80)
			ascii++;
		else if (((unsigned char)text[i] & 0xc0) != 0x80)
			other++;
	return (long)((ascii + 3) / 4 + other) + SESSION_TURN_TOKENS;
}

/* The estimate corrected by what the provider counted before. */
static long
session_scaled(const struct session *s, long estimate)
{
	return (long)((double)estimate * s->ratio + 0.5);
}

/* Tokens left for earlier turns once the system prompt, the prompt and the answer fit. */
static long
session_room(const struct session *s, const char *prompt, long *fixed)
{
	const char *system = config_get(&s->app->cfg, CONFIG_SYSTEM);
	const char *maxt = config_get(&s->app->cfg, CONFIG_MAX_TOKENS);
	long budget = session_context_tokens(s), reserve;

	if (maxt != NULL)
		reserve = strtol(maxt, NULL, 10);
	else if (budget / 4 < SESSION_ANSWER_RESERVE)
		reserve = budget / 4;
	else
		reserve = SESSION_ANSWER_RESERVE;
	*fixed = session_estimate(prompt, strlen(prompt));
	if (system != NULL)
		*fixed += session_estimate(system, strlen(system));
	return budget - reserve - session_scaled(s, *fixed);
}

/* Is turns[i] the prompt of a completed pair (an answer that is ok follows it)? */
static bool
session_pair_at(const struct session *s, size_t i)
{
	return i + 1 < s->nturns && s->turns[i].role == API_USER &&
	    s->turns[i + 1].role == API_ASSISTANT && s->turns[i + 1].ok;
}

/*
 * The earlier turns to send with prompt: completed pairs only, the newest
 * that fit the budget, oldest first (borrowed from s->turns). Counts what was
 * left out and keeps the estimate for the correction by usage.
 */
static struct api_message *
session_context_turns(struct session *s, const char *prompt, size_t *n)
{
	struct api_message *h = xcalloc(s->nturns + 1, sizeof *h);
	long fixed, room = session_room(s, prompt, &fixed), used = 0, cost;
	size_t i = s->nturns, first = s->nturns, pairs = 0, kept = 0;

	while (i-- > 0) {
		if (!session_pair_at(s, i))
			continue;
		pairs++;
		cost = session_estimate(s->turns[i].text, strlen(s->turns[i].text)) +
		    session_estimate(s->turns[i + 1].text, strlen(s->turns[i + 1].text));
		if (kept < pairs - 1 || used + session_scaled(s, cost) > room)
			continue; /* everything older goes too: no gaps */
		used += session_scaled(s, cost);
		kept++;
		first = i;
	}
	*n = 0;
	for (i = first; i < s->nturns; i++)
		if (session_pair_at(s, i)) {
			h[(*n)++] = (struct api_message){ API_USER, s->turns[i].text };
			h[(*n)++] = (struct api_message){ API_ASSISTANT, s->turns[i + 1].text };
			i++;
		}
	s->omitted = pairs - kept + s->older;
	s->estimate = fixed + (long)((double)used / s->ratio);
	return h;
}

/* Say how many earlier turns were left out, when that changed. */
static void
session_say_omitted(struct session *s)
{
	if (s->omitted == s->omitted_said)
		return;
	s->omitted_said = s->omitted;
	if (s->omitted > 0)
		session_sayf(s, false,
		    P_("%zu earlier turn of this conversation is left out to fit "
		       "the model's context (about %ld tokens; set context_tokens to change it)",
			"%zu earlier turns of this conversation are left out to fit "
			"the model's context (about %ld tokens; set context_tokens to change it)",
			s->omitted),
		    s->omitted, session_context_tokens(s));
}

/* Learn from the provider's count how far off our estimate is. */
static void
session_learn(struct session *s, const struct exchange_result *r)
{
	double ratio;

	if (!r->has_usage || r->usage.prompt_tokens <= 0 || s->estimate <= 0)
		return;
	ratio = (double)r->usage.prompt_tokens / (double)s->estimate;
	s->ratio = ratio < 0.25 ? 0.25 : ratio > 4 ? 4 : ratio;
}

/* ---- turns ---------------------------------------------------------------- */

/* Add a turn; an answer's leading <think> block is never sent back. */
static void
session_turn_add(struct session *s, enum api_role role, const char *text, size_t len, int64_t id,
    bool ok)
{
	size_t skip = role == API_ASSISTANT ? api_think_skip(text, len, NULL, NULL) : 0;
	struct session_turn *t;

	s->turns = xreallocarray(s->turns, s->nturns + 1, sizeof *s->turns);
	t = &s->turns[s->nturns++];
	t->role = role;
	t->text = xstrndup(text + skip, len - skip);
	t->id = id;
	t->ok = ok && len > skip;
}

/* A stored message as a turn: prompts, and answers (ok only when complete). */
static void
session_turn_stored(struct session *s, const struct store_message *m)
{
	if (strcmp(m->role, "user") == 0)
		session_turn_add(s, API_USER, m->content, m->content_len, m->id, true);
	else if (strcmp(m->role, "assistant") == 0)
		session_turn_add(s, API_ASSISTANT, m->content, m->content_len, m->id,
		    strcmp(m->status, "complete") == 0);
}

static void
session_turns_clear(struct session *s)
{
	size_t i;

	for (i = 0; i < s->nturns; i++)
		free(s->turns[i].text);
	free(s->turns);
	s->turns = NULL;
	s->nturns = 0;
	s->older = 0;
	s->omitted = s->omitted_said = 0;
}

/* ---- continuing a stored conversation ---------------------------------------- */

/* Reading newest first: the turns in reverse, until the budget is full. */
struct session_reader {
	struct session *s;
	struct session_turn *rev;
	size_t n;
	long room;
	long used;
	size_t pairs;
};

static int
session_read_back(const struct store_message *m, void *arg)
{
	struct session_reader *r = arg;
	struct session *s = r->s;
	size_t n0 = s->nturns;

	session_turn_stored(s, m);
	if (s->nturns == n0)
		return 0;
	if (s->turns[n0].role == API_USER && r->n > 0 && r->rev[r->n - 1].role == API_ASSISTANT &&
	    r->rev[r->n - 1].ok) {
		r->pairs++;
		r->used += session_estimate(m->content, m->content_len) +
		    session_estimate(r->rev[r->n - 1].text, strlen(r->rev[r->n - 1].text));
	}
	r->rev = xreallocarray(r->rev, r->n + 1, sizeof *r->rev);
	r->rev[r->n++] = s->turns[--s->nturns];
	return r->used > r->room ? 1 : 0; /* older turns would not be sent */
}

/* The turns a request may need, newest first; the rest is only counted. */
static int
session_load_needed(struct session *s, struct store *st, int64_t conv, char **cause)
{
	struct session_reader r = { .s = s, .room = session_context_tokens(s) };
	int64_t answers;
	size_t i;
	int ret = 0;

	if (store_messages_each(st, conv, true, session_read_back, &r, cause) != 0 ||
	    (answers = store_answers_count(st, conv, cause)) < 0)
		ret = -1;
	else
		s->older = (size_t)answers > r.pairs ? (size_t)answers - r.pairs : 0;
	for (i = r.n; i-- > 0;) {
		s->turns = xreallocarray(s->turns, s->nturns + 1, sizeof *s->turns);
		s->turns[s->nturns++] = r.rev[i];
	}
	free(r.rev);
	return ret;
}

/* Every message, shown by the view (it draws the whole conversation). */
static int
session_show_cb(const struct store_log_message *lm, void *arg)
{
	struct session *s = arg;

	session_turn_stored(s, &lm->m);
	if (strcmp(lm->m.role, "user") == 0 || strcmp(lm->m.role, "assistant") == 0)
		s->v.shown(s->v.arg, lm);
	return 0;
}

/* Read conversation conv's turns (and show them); -1 with *cause. */
static int
session_load(struct session *s, int64_t conv, char **cause)
{
	struct store *st;
	size_t i;

	if ((st = app_store(s->app, cause)) == NULL)
		return -1;
	if (s->v.shown != NULL ? store_log_messages(st, conv, session_show_cb, s, cause) != 0 :
				 session_load_needed(s, st, conv, cause) != 0)
		return -1;
	if (!s->app->no_log)
		s->conversation = conv;
	for (i = s->nturns; i-- > 0;)
		if (s->turns[i].role == API_ASSISTANT) {
			s->last_answer = s->turns[i].id;
			break;
		}
	for (i = s->nturns; i-- > 0;)
		if (s->turns[i].role == API_USER) {
			free(s->last_prompt);
			s->last_prompt = xstrdup(s->turns[i].text);
			break;
		}
	session_sayf(s, false, _("continuing conversation %lld"), (long long)conv);
	return 0;
}

int
session_resume(struct session *s, char **cause)
{
	struct store *st;
	int64_t conv;

	if (session_attach_args(s, cause) != 0)
		return EXIT_USAGE;
	if (!s->app->cont && s->app->conversation == NULL)
		return 0;
	if ((st = app_store(s->app, cause)) == NULL ||
	    (conv = s->app->conversation != NULL ?
		    store_log_resolve(st, s->app->conversation, cause) :
		    store_conversation_latest(st, cause)) < 0)
		return EXIT_USAGE;
	if (conv == 0) {
		session_say(s, _("there is no earlier conversation to continue"), false);
		return 0;
	}
	return session_load(s, conv, cause) != 0 ? EXIT_USAGE : 0;
}

/* Forget the conversation: the next prompt starts a new one. */
void
session_clear(struct session *s)
{
	session_stop(s);
	exchange_free(s->x);
	s->x = NULL;
	session_turns_clear(s);
	s->conversation = 0;
	s->last_answer = 0;
	s->last_unlogged = false;
	s->tokens = 0;
	free(s->last_prompt);
	s->last_prompt = NULL;
	if (s->v.cleared != NULL)
		s->v.cleared(s->v.arg);
}

void
session_open(struct session *s, int64_t id)
{
	char *cause = NULL;

	session_clear(s);
	if (session_load(s, id, &cause) != 0) {
		session_say(s, cause, true);
		free(cause);
	}
}

/* ---- sending ---------------------------------------------------------------- */

bool
session_ready(struct session *s)
{
	char *cause = NULL;

	if (s->access.resolved)
		return true;
	if (app_access_get(s->app, &s->access, &cause) != 0) {
		session_say(s, cause, true);
		free(cause);
		app_access_release(&s->access);
		return false;
	}
	return true;
}

static void
session_on_content(const char *text, size_t len, void *arg)
{
	struct session *s = arg;

	s->v.content(s->v.arg, text, len);
}

static void
session_on_reasoning(const char *text, size_t len, void *arg)
{
	struct session *s = arg;

	s->v.reasoning(s->v.arg, text, len);
}

static void
session_on_retry(int attempt, int max, long wait_ms, const char *why, void *arg)
{
	struct session *s = arg;
	/* TRANSLATORS: %s says what failed; then the seconds to wait and the attempt */
	char *text = attempt < max ? xasprintf(_("%s; retrying in %.1f s (attempt %d of %d)"), why,
					 (double)wait_ms / 1000, attempt + 1, max) :
				     xasprintf(_("%s; retrying in %.1f s (attempt %d)"), why,
					 (double)wait_ms / 1000, attempt + 1);

	session_status(s, text, false);
	free(text);
}

/* The answer ended: the attempt becomes two turns; only a complete one is sent back. */
static void
session_on_done(const struct exchange_result *r, void *arg)
{
	struct session *s = arg;

	if (!s->no_turns) {
		session_turn_add(s, API_USER, s->asked, strlen(s->asked), 0, true);
		session_turn_add(s, API_ASSISTANT, r->content.data, r->content.len, r->message_id,
		    strcmp(r->status, "complete") == 0);
	}
	if (r->conversation > 0)
		s->conversation = r->conversation;
	if (r->has_usage && r->usage.total_tokens > 0)
		s->tokens += r->usage.total_tokens;
	s->last_answer = r->message_id;
	s->last_unlogged = r->message_id <= 0;
	s->last_in_turns = true;
	session_learn(s, r);
	s->v.done(s->v.arg, r);
}

/* Hand a prompt that was not sent back to the user. */
static void
session_unsent(struct session *s, const char *prompt)
{
	if (s->v.unsent != NULL)
		s->v.unsent(s->v.arg, prompt);
}

/* The gate stopped the prompt: keep it and open the consent flow. */
void
session_refused(struct session *s, const char *prompt, const char *why)
{
	char *keep = xstrdup_or_null(prompt);

	free(s->pending);
	s->pending = keep;
	s->v.consent(s->v.arg, keep, why);
}

/*
 * Send prompt with the files of set: text inline, images as parts (their
 * placeholder lines stay in the text that is stored and sent back later).
 */
static int
session_send_with(struct session *s, const char *prompt, const struct attach_set *set)
{
	struct exchange_params p = { .app = s->app,
		.access = &s->access,
		.log = !s->app->no_log,
		.conversation = s->conversation,
		.stream = !s->app->no_stream,
		.max_time_s = s->max_time_s };
	struct exchange_cb cb = { session_on_content, session_on_reasoning, NULL, session_on_retry,
		session_on_done, s };
	struct api_message *ctx;
	char *cause = NULL, *full;
	int r;

	if (session_busy(s)) {
		session_say(s,
		    _("an answer is still arriving: wait for it, or stop it (Esc or "
		      "Ctrl-C)"),
		    true);
		session_unsent(s, prompt);
		return EXIT_USAGE;
	}
	exchange_free(s->x);
	s->x = NULL;
	free(s->urls);
	full = attach_compose(set, prompt);
	s->urls = attach_urls(set, &p.nimages);
	p.prompt = full;
	p.images = s->urls;
	free(s->asked);
	s->asked = full;
	free(s->last_prompt);
	s->last_prompt = xstrdup(prompt);
	s->last_in_turns = false;
	ctx = session_context_turns(s, full, &p.ncontext);
	p.context = ctx;
	r = exchange_start(s->loop, &p, &cb, &s->x, &cause);
	free(ctx);
	if (r == EXIT_CONSENT)
		session_refused(s, prompt, cause);
	else if (r != 0) {
		session_sayf(s, true, _("%s; nothing was sent"), cause);
		session_unsent(s, prompt);
	} else {
		session_pending_clear(s);
		session_say_omitted(s);
		s->v.asked(s->v.arg, prompt, config_get(&s->app->cfg, CONFIG_MODEL));
	}
	free(cause);
	return r;
}

int
session_send(struct session *s, const char *prompt)
{
	int r = session_send_with(s, prompt, &s->att);

	if (r == 0) { /* the files went: kept for /retry, no longer pending */
		attach_set_clear(&s->last_att);
		s->last_att = s->att;
		memset(&s->att, 0, sizeof s->att);
	}
	return r;
}

const char *
session_pending(const struct session *s)
{
	return s->pending;
}

void
session_pending_clear(struct session *s)
{
	free(s->pending);
	s->pending = NULL;
}

bool
session_busy(const struct session *s)
{
	return s->x != NULL && !exchange_done(s->x);
}

void
session_cancel(struct session *s)
{
	if (session_busy(s))
		exchange_cancel(s->x);
}

void
session_stop(struct session *s)
{
	if (!session_busy(s))
		return;
	exchange_cancel(s->x);
	while (!exchange_done(s->x))
		http_poll(loop_http(s->loop), NULL, 0, 100);
}

/* /retry: the last attempt is replaced, on screen and in what is sent back. */
void
session_retry(struct session *s)
{
	char *prompt, *cause = NULL;
	struct store *st;
	size_t i = s->nturns;

	if (s->last_prompt == NULL) {
		session_say(s, _("nothing to retry yet"), true);
		return;
	}
	if (session_busy(s)) {
		session_say(s, _("an answer is still arriving: stop it first (Esc or Ctrl-C)"),
		    true);
		return;
	}
	while (s->last_in_turns && i > 0 && s->turns[i - 1].role != API_USER)
		i--;
	if (!s->last_in_turns)
		i = 0; /* the last prompt never went out: nothing to replace */
	if (i > 0 && i < s->nturns && s->turns[i].ok) {
		if (s->turns[i].id > 0 && (st = app_store(s->app, &cause)) != NULL)
			store_message_set_status(st, s->turns[i].id, "replaced", &cause);
		session_say(s,
		    cause != NULL ? cause :
				    _("the last answer is replaced: it stays "
				      "here and in the log, but is no longer sent back"),
		    cause != NULL);
		free(cause);
	}
	while (i > 0 && s->nturns >= i) { /* the last prompt and its answer go */
		free(s->turns[s->nturns - 1].text);
		s->nturns--;
	}
	prompt = xstrdup(s->last_prompt);
	session_send_with(s, prompt, &s->last_att);
	free(prompt);
}

/* ---- the object ------------------------------------------------------------------- */

struct session *
session_new(struct app *app, struct loop *loop, const struct session_view *view)
{
	struct session *s = xcalloc(1, sizeof *s);

	s->app = app;
	s->loop = loop;
	s->v = *view;
	s->ratio = 1;
	s->models = models_new(loop);
	return s;
}

void
session_free(struct session *s)
{
	if (s == NULL)
		return;
	session_stop(s);
	exchange_free(s->x);
	session_turns_clear(s);
	session_rating_clear(&s->rate);
	app_access_release(&s->access);
	free(s->last_prompt);
	free(s->asked);
	free(s->pending);
	attach_set_clear(&s->att);
	attach_set_clear(&s->last_att);
	free(s->urls);
	models_free(s->models);
	free(s->profile_stem);
	free(s->profile_url);
	while (s->ndeclined > 0)
		free(s->declined[--s->ndeclined]);
	free(s->declined);
	free(s);
}

void
session_limit_time(struct session *s, long seconds)
{
	s->max_time_s = seconds;
}

void
session_no_turns(struct session *s)
{
	s->no_turns = true;
}

int64_t
session_conversation(const struct session *s)
{
	return s->conversation;
}

long
session_tokens(const struct session *s)
{
	return s->tokens;
}

size_t
session_omitted(const struct session *s)
{
	return s->omitted;
}
