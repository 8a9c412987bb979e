/* session.c: one conversation for every front end: what is sent, what is sent back, commands. */
#include "common.h"

#include "api.h"
#include "attach.h"
#include "buf.h"
#include "cmd.h"
#include "config.h"
#include "consent.h"
#include "exchange.h"
#include "feedback.h"
#include "http.h"
#include "loop.h"
#include "role.h"
#include "markdown.h"
#include "models.h"
#include "session.h"
#include "slash.h"
#include "store.h"
#include "text.h"

#define SESSION_TURN_TOKENS 4		/* what a message costs besides its text */
#define SESSION_DEFAULT_CONTEXT 8192	/* a model we know nothing about */
#define SESSION_ANSWER_RESERVE 4096	/* kept free for the answer without max_tokens */
#define SESSION_COPY_MAX 100000		/* bytes /copy puts in one OSC 52 escape */

/* One turn: a prompt or an answer, as it would be sent back. */
struct session_turn {
	enum api_role role;
	char *text;		/* an answer without its leading <think> block */
	int64_t id;		/* the stored row, 0 when not logged */
	bool ok;		/* a prompt; or an answer that is complete and has text */
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
	struct app_access access;	/* resolved by the first request, or session_ready() */
	/* the conversation */
	struct session_turn *turns;
	size_t nturns;
	int64_t conversation;
	size_t older;		/* complete pairs in the store that were not read */
	char *last_prompt;	/* for /retry */
	int64_t last_answer;	/* the newest answer's row, for /good and /bad */
	bool last_unlogged;	/* the newest answer was not stored (--no-log) */
	bool last_in_turns;	/* the last prompt sent is the last turn (not refused) */
	/* the answer in progress, or the last one */
	struct exchange *x;
	char *asked;		/* the prompt x answers */
	char *pending;		/* a prompt the gate kept */
	/* the context budget */
	long tokens;		/* counted by the provider, this session */
	double ratio;		/* reported prompt tokens / our estimate */
	long estimate;		/* our estimate of the last request, before the ratio */
	size_t omitted;		/* pairs left out of the last request */
	size_t omitted_said;
	struct session_rating rate;
	long max_time_s;	/* each exchange at most (one-shot mode); 0: no limit */
	/* attachments */
	struct attach_set att;		/* for the next prompt */
	struct attach_set last_att;	/* went with the last prompt, for /retry */
	const char **urls;		/* the images x sends (borrowed from last_att or att) */
	/* the endpoint's models */
	struct models *models;
	bool probe;		/* after /endpoint to this machine: pick its first model */
	char *profile_stem;	/* the profile the save question offers, or NULL */
	char *profile_url;	/* the endpoint it offers to save */
	char **declined;	/* endpoints whose offer was declined: not asked again */
	size_t ndeclined;
};

static void session_turns_clear(struct session *s);
static void session_probe(struct session *s);
static bool session_models_start(struct session *s, bool quiet, models_done_fn done);

/* ---- telling the view ---------------------------------------------------- */

static void
session_say(struct session *s, const char *text, bool error)
{
	s->v.say(s->v.arg, text, error);
}

static void session_sayf(struct session *s, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
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
static void
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

	reserve = maxt != NULL ? strtol(maxt, NULL, 10) : budget / 4 < SESSION_ANSWER_RESERVE ?
	    budget / 4 : SESSION_ANSWER_RESERVE;
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
session_history(struct session *s, const char *prompt, size_t *n)
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
			continue;	/* everything older goes too: no gaps */
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
		session_sayf(s, false, "%zu earlier turn%s of this conversation %s left out to fit "
		    "the model's context (about %ld tokens; set context_tokens to change it)",
		    s->omitted, s->omitted == 1 ? "" : "s", s->omitted == 1 ? "is" : "are",
		    session_context_tokens(s));
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
session_turn_add(struct session *s, enum api_role role, const char *text, size_t len,
    int64_t id, bool ok)
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
	if (s->turns[n0].role == API_USER && r->n > 0 && r->rev[r->n - 1].role ==
	    API_ASSISTANT && r->rev[r->n - 1].ok) {
		r->pairs++;
		r->used += session_estimate(m->content, m->content_len) +
		    session_estimate(r->rev[r->n - 1].text, strlen(r->rev[r->n - 1].text));
	}
	r->rev = xreallocarray(r->rev, r->n + 1, sizeof *r->rev);
	r->rev[r->n++] = s->turns[--s->nturns];
	return r->used > r->room ? 1 : 0;	/* older turns would not be sent */
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
	session_sayf(s, false, "continuing conversation %lld", (long long)conv);
	return 0;
}

int
session_attach(struct session *s, const char *path, char **cause)
{
	const struct attach *a;
	char *d;

	if (attach_set_add(&s->att, path, cause) != 0)
		return -1;
	a = &s->att.v[s->att.n - 1];
	d = attach_describe(a);
	if (a->repaired > 0)
		session_sayf(s, false, "attached %s (warning: %zu invalid UTF-8 sequence%s "
		    "replaced by U+FFFD)", d, a->repaired, a->repaired == 1 ? "" : "s");
	else
		session_sayf(s, false, "attached %s", d);
	free(d);
	return 0;
}

/* The files of -f, in order; EXIT_USAGE with *cause at the first that fails. */
static int
session_attach_args(struct session *s, char **cause)
{
	size_t i;

	for (i = 0; i < s->app->nattach; i++)
		if (session_attach(s, s->app->attach[i], cause) != 0)
			return EXIT_USAGE;
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
	    (conv = s->app->conversation != NULL ? store_log_resolve(st, s->app->conversation,
	    cause) : store_conversation_latest(st, cause)) < 0)
		return EXIT_USAGE;
	if (conv == 0) {
		session_say(s, "there is no earlier conversation to continue", false);
		return 0;
	}
	return session_load(s, conv, cause) != 0 ? EXIT_USAGE : 0;
}

/* Forget the conversation: the next prompt starts a new one. */
static void
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
	char *text = attempt < max ? xasprintf("%s; retrying in %.1f s (attempt %d of %d)", why,
	    (double)wait_ms / 1000, attempt + 1, max) : xasprintf("%s; retrying in %.1f s "
	    "(attempt %d)", why, (double)wait_ms / 1000, attempt + 1);

	session_status(s, text, false);
	free(text);
}

/* The answer ended: the attempt becomes two turns; only a complete one is sent back. */
static void
session_on_done(const struct exchange_result *r, void *arg)
{
	struct session *s = arg;

	session_turn_add(s, API_USER, s->asked, strlen(s->asked), 0, true);
	session_turn_add(s, API_ASSISTANT, r->content.data, r->content.len, r->message_id,
	    strcmp(r->status, "complete") == 0);
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
static void
session_refused(struct session *s, const char *prompt, const char *why)
{
	char *keep = prompt != NULL ? xstrdup(prompt) : NULL;

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
	struct exchange_params p = { .app = s->app, .access = &s->access,
		.log = !s->app->no_log, .conversation = s->conversation,
		.stream = !s->app->no_stream, .max_time_s = s->max_time_s };
	struct exchange_cb cb = { session_on_content, session_on_reasoning, NULL,
		session_on_retry, session_on_done, s };
	struct api_message *hist;
	char *cause = NULL, *full;
	int r;

	if (session_busy(s)) {
		session_say(s, "an answer is still arriving: wait for it, or stop it (Esc or "
		    "Ctrl-C)", true);
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
	hist = session_history(s, full, &p.nhistory);
	p.history = hist;
	r = exchange_start(s->loop, &p, &cb, &s->x, &cause);
	free(hist);
	if (r == EXIT_CONSENT)
		session_refused(s, prompt, cause);
	else if (r != 0) {
		session_sayf(s, true, "%s; nothing was sent", cause);
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

	if (r == 0) {	/* the files went: kept for /retry, no longer pending */
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
static void
session_retry(struct session *s)
{
	char *prompt, *cause = NULL;
	struct store *st;
	size_t i = s->nturns;

	if (s->last_prompt == NULL) {
		session_say(s, "nothing to retry yet", true);
		return;
	}
	if (session_busy(s)) {
		session_say(s, "an answer is still arriving: stop it first (Esc or Ctrl-C)", true);
		return;
	}
	while (s->last_in_turns && i > 0 && s->turns[i - 1].role != API_USER)
		i--;
	if (!s->last_in_turns)
		i = 0;	/* the last prompt never went out: nothing to replace */
	if (i > 0 && i < s->nturns && s->turns[i].ok) {
		if (s->turns[i].id > 0 && (st = app_store(s->app, &cause)) != NULL)
			store_message_set_status(st, s->turns[i].id, "replaced", &cause);
		session_say(s, cause != NULL ? cause : "the last answer is replaced: it stays "
		    "here and in the log, but is no longer sent back", cause != NULL);
		free(cause);
	}
	while (i > 0 && s->nturns >= i) {	/* the last prompt and its answer go */
		free(s->turns[s->nturns - 1].text);
		s->nturns--;
	}
	prompt = xstrdup(s->last_prompt);
	session_send_with(s, prompt, &s->last_att);
	free(prompt);
}

/* ---- ratings ------------------------------------------------------------------ */

static void
session_rating_clear(struct session_rating *r)
{
	free(r->reasons);
	free(r->comment);
	memset(r, 0, sizeof *r);
}

/* The answer a rating names: message_id, or the last answer. 0 (after saying why) when none. */
static int64_t
session_answer(struct session *s, int64_t message_id)
{
	if (message_id > 0)
		return message_id;
	if (s->last_answer > 0)
		return s->last_answer;
	session_status(s, s->last_unlogged ? "this answer was not stored (--no-log), so it "
	    "cannot be rated" : "there is no answer to rate yet", true);
	return 0;
}

/* Store the rating (the notice is confirmed). */
static void
session_rate_now(struct session *s, int64_t id, int rating, const char *reasons,
    const char *comment)
{
	struct feedback_rating fr = { rating, reasons, comment };
	struct feedback_outcome out;
	char *cause = NULL, *msg;

	if (feedback_rate(s->app, id, &fr, &out, &cause) != 0) {
		session_status(s, cause, true);
		free(cause);
		return;
	}
	msg = xasprintf("%s%s", rating == 0 ? "rating cleared" : rating > 0 ? "rated up" :
	    "rated down", out.queued ? "; it will be sent to the feedback collector" :
	    "; kept on this machine");
	session_status(s, msg, false);
	free(msg);
	if (s->v.rated != NULL)
		s->v.rated(s->v.arg, id, rating);
	feedback_outbox_start(s->app, s->loop);
	if (rating < 0 && reasons == NULL && comment == NULL && s->v.why != NULL)
		s->v.why(s->v.arg, id);
}

void
session_rate(struct session *s, int64_t message_id, int rating, const char *reasons,
    const char *comment)
{
	enum feedback_notice notice;
	char *cause = NULL;
	int64_t id = session_answer(s, message_id);

	if (id <= 0)
		return;
	if (feedback_notice_state(s->app, &notice, &cause) != 0) {
		session_status(s, cause, true);
		free(cause);
		return;
	}
	if (notice != FEEDBACK_NOTICE_CONFIRMED) {
		char *text = feedback_notice_text(s->app);

		session_rating_clear(&s->rate);
		s->rate = (struct session_rating){ true, id, rating,
		    reasons != NULL ? xstrdup(reasons) : NULL,
		    comment != NULL ? xstrdup(comment) : NULL };
		s->v.notice(s->v.arg, text);
		free(text);
		return;
	}
	session_rate_now(s, id, rating, reasons, comment);
}

void
session_thumb(struct session *s, int64_t message_id, int rating)
{
	int64_t id = session_answer(s, message_id);
	char *cause = NULL;
	int now = 0;

	if (id <= 0)
		return;
	if (feedback_get(s->app, id, &now, &cause) < 0) {
		session_status(s, cause, true);
		free(cause);
		return;
	}
	session_rate(s, id, now == rating ? 0 : rating, NULL, NULL);
}

void
session_notice_answer(struct session *s, bool confirmed, const char *how)
{
	struct session_rating r = s->rate;
	char *cause = NULL;

	memset(&s->rate, 0, sizeof s->rate);
	if (feedback_notice_record(s->app, confirmed, how, &cause) != 0) {
		session_sayf(s, true, "your answer could not be recorded, so nothing was stored: "
		    "%s", cause);
		free(cause);
	} else if (!confirmed)
		session_status(s, "feedback declined: nothing was stored (asked again next time)",
		    false);
	else if (r.waiting)
		session_rate_now(s, r.id, r.rating, r.reasons, r.comment);
	session_rating_clear(&r);
}

/* ---- consent ------------------------------------------------------------------- */

static const char session_withdraw_q[] = "Withdraw your consent to the Terms? Nothing will be "
    "sent to the model until you accept them again. y/N";

void
session_withdraw(struct session *s)
{
	struct consent_current cur;
	struct store *st;
	char *cause = NULL;
	int r = -1;

	session_stop(s);
	if ((st = app_store(s->app, &cause)) != NULL &&
	    consent_current_load(&s->app->cfg, st, &cur, &cause) == 0) {
		r = consent_withdraw(st, cur.terms, "slash command /terms withdraw, confirmed",
		    &cause);
		consent_current_release(&cur);
	}
	if (r == 1)
		session_refused(s, NULL, "consent withdrawn: nothing is sent to the model until "
		    "you accept the Terms again");
	else
		session_say(s, cause, r < 0);
	free(cause);
}

/* /terms withdraw: ask first (view->withdraw); session_withdraw_answer() goes on. */
static void
session_withdraw_ask(struct session *s)
{
	if (s->v.withdraw == NULL) {
		session_say(s, "/terms withdraw asks for a confirmation, and there is no one to ask "
		    "here; use 'confab terms withdraw'", true);
		return;
	}
	s->v.withdraw(s->v.arg, session_withdraw_q);
}

void
session_withdraw_answer(struct session *s, bool yes)
{
	if (yes)
		session_withdraw(s);
	else
		session_say(s, "consent not withdrawn: nothing changed", false);
}

/*
 * After /endpoint: a server on this machine that no setting covers, whose
 * question is open, and that the Terms would otherwise stop: ask once.
 */
static void
session_ask_no_terms(struct session *s)
{
	char *cause = NULL, *url;

	if (app_gate(s->app, &cause) != EXIT_CONSENT || !s->app->gate_askable) {
		free(cause);
		return;
	}
	free(cause);
	if (s->v.no_terms != NULL) {
		s->v.no_terms(s->v.arg, consent_no_terms_question);
		return;
	}
	url = consent_endpoint_url(config_get(&s->app->cfg, CONFIG_BASE_URL));
	session_sayf(s, false, "%s To use it without Terms, run 'confab terms accept "
	    "--no-terms --endpoint %s'; until then the Terms govern it", consent_no_terms_question,
	    url);
	free(url);
}

void
session_no_terms_answer(struct session *s, bool yes, const char *how)
{
	char *cause = NULL;

	if (app_no_terms_answer(s->app, yes, how, &cause) != 0) {
		session_sayf(s, true, "the answer could not be recorded, so it does not count: %s",
		    cause);
		free(cause);
	} else if (yes)
		session_say(s, "recorded: this server is used without Terms; nothing you send it "
		    "falls under a provider's Terms", false);
	else
		session_say(s, "recorded: the provider's Terms govern this server, as they do "
		    "the default endpoint", false);
	session_probe(s);
}

/* ---- a server on this machine: its first model, and a profile for it ------------- */

/* The profile name offered for base: ollama for its port, else local-PORT. */
static char *
session_profile_stem(const char *base)
{
	const char *p = strstr(base, "://"), *end;
	size_t port;

	p = p != NULL ? p + 3 : base;
	if (*p == '[')
		p = strchr(p, ']') != NULL ? strchr(p, ']') : p;
	end = p + strcspn(p, "/");
	while (p < end && *p != ':')
		p++;
	port = p < end ? strspn(p + 1, "0123456789") : 0;
	if (port == 5 && strncmp(p + 1, "11434", 5) == 0)
		return xstrdup("ollama");
	if (port > 0 && port <= 5)
		return xasprintf("local-%.*s", (int)port, p + 1);
	return xstrdup("local");
}

/* Offer to save the endpoint and model as a profile. */
static void
session_ask_profile(struct session *s)
{
	char *q;

	const char *url = config_get(&s->app->cfg, CONFIG_BASE_URL);
	size_t i;

	if (config_profile_with_url(s->app->cfg.config_path, url))
		return;		/* a profile has it already */
	for (i = 0; i < s->ndeclined; i++) {
		if (strcmp(s->declined[i], url) == 0)
			return;		/* asked and declined in this session */
	}
	free(s->profile_stem);
	s->profile_stem = session_profile_stem(url);
	free(s->profile_url);
	s->profile_url = xstrdup(url);
	if (s->v.save_profile == NULL) {
		session_sayf(s, false, "to start with this endpoint and model next time, add a "
		    "[profile %s] section with base_url and model to %s and run 'confab -p %s'",
		    s->profile_stem, s->app->cfg.config_path, s->profile_stem);
		return;
	}
	q = xasprintf("Save this endpoint and model as profile '%s' in %s, so that 'confab -p "
	    "%s' starts with them? (y/N)", s->profile_stem, s->app->cfg.config_path,
	    s->profile_stem);
	s->v.save_profile(s->v.arg, q);
	free(q);
}

void
session_profile_answer(struct session *s, bool yes)
{
	const struct config *cfg = &s->app->cfg;
	char *name = NULL, *cause = NULL;

	if (s->profile_stem == NULL)
		return;
	if (!yes) {
		session_say(s, "no profile saved", false);
		s->declined = xreallocarray(s->declined, s->ndeclined + 1, sizeof *s->declined);
		s->declined[s->ndeclined++] = s->profile_url;
		s->profile_url = NULL;
	}
	else if (config_profile_save(cfg->config_path, s->profile_stem,
	    config_get(cfg, CONFIG_BASE_URL), config_get(cfg, CONFIG_MODEL), &name,
	    &cause) != 0) {
		session_sayf(s, true, "the profile was not saved: %s", cause);
		free(cause);
	} else {
		session_sayf(s, false, "saved [profile %s] in %s: 'confab -p %s' starts with "
		    "this endpoint and model", name, cfg->config_path, name);
		free(name);
	}
	free(s->profile_stem);
	s->profile_stem = NULL;
	free(s->profile_url);
	s->profile_url = NULL;
}

/* The models of a server on this machine arrived: use its first unless ours is there. */
static void
session_probed(const char *error, void *arg)
{
	struct session *s = arg;
	const char *cur = config_get(&s->app->cfg, CONFIG_MODEL);
	char **ids;
	size_t n, i;

	ids = models_list(s->models, config_get(&s->app->cfg, CONFIG_BASE_URL), &n);
	if (error != NULL) {
		session_sayf(s, true, "%s; /model NAME sets the model", error);
		return;
	}
	if (n == 0) {
		session_say(s, "the server offers no models yet (for Ollama: ollama pull NAME)",
		    true);
		return;
	}
	for (i = 0; i < n && cur != NULL; i++)
		if (strcmp(ids[i], cur) == 0)
			break;
	if (cur == NULL || i == n) {
		session_sayf(s, false, "model: %s, the first of the %zu this server offers (%s is "
		    "not one of them; /model lists them)", ids[0], n, cur != NULL ? cur : "none");
		config_override(&s->app->cfg, CONFIG_MODEL, ids[0], "/endpoint");
	}
	session_ask_profile(s);
}

/* After /endpoint to this machine, once requests may go there: fetch its models. */
static void
session_probe(struct session *s)
{
	char *cause = NULL;

	if (!s->probe || app_gate(s->app, &cause) != 0) {
		free(cause);
		return;
	}
	s->probe = false;
	session_models_start(s, false, session_probed);
}

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
	session_say(s, "new conversation", false);
}

void
session_model_use(struct session *s, const char *name)
{
	config_override(&s->app->cfg, CONFIG_MODEL, name, "/model");
	session_sayf(s, false, "model: %s", name);
}

/* Fetch the endpoint's models, then done(); quiet: say nothing when it cannot start. */
static bool
session_models_start(struct session *s, bool quiet, models_done_fn done)
{
	char *cause = NULL;

	if (app_gate(s->app, &cause) != 0) {
		if (!quiet)
			session_say(s, cause, true);
		free(cause);
		return false;
	}
	if (quiet && !s->access.resolved && app_access_get(s->app, &s->access, &cause) != 0) {
		free(cause);	/* Tab says nothing; the next prompt says why */
		app_access_release(&s->access);
		return false;
	}
	if (!session_ready(s))
		return false;
	models_fetch(s->models, config_get(&s->app->cfg, CONFIG_BASE_URL),
	    s->access.auth_header, strtol(config_get(&s->app->cfg, CONFIG_TIMEOUT), NULL, 10),
	    done, s);
	return true;
}

/* The list for /model: the view's picker, else numbered lines. */
static void
session_models_listed(const char *error, void *arg)
{
	struct session *s = arg;
	const char *base = config_get(&s->app->cfg, CONFIG_BASE_URL);
	const char *cur = config_get(&s->app->cfg, CONFIG_MODEL);
	char **ids;
	size_t n, i;
	struct buf b;

	ids = models_list(s->models, base, &n);
	if (error != NULL)
		session_sayf(s, true, "%s; /model NAME still sets one", error);
	else if (n == 0)
		session_say(s, "the server offers no models (for Ollama: ollama pull NAME)", true);
	else if (s->v.models != NULL)
		s->v.models(s->v.arg, (const char *const *)ids, n, cur);
	else {
		buf_init(&b, 0);
		buf_adds(&b, "models (/model N or /model NAME picks one; * is in use):");
		for (i = 0; i < n; i++)
			buf_addf(&b, "\n%4zu  %s%s", i + 1, ids[i], cur != NULL &&
			    strcmp(cur, ids[i]) == 0 ? " *" : "");
		session_say(s, b.data, false);
		buf_release(&b);
	}
}

/* /model N: the Nth of the list shown last. */
static void
session_model_nth(struct session *s, const char *num)
{
	char **ids;
	size_t n;
	unsigned long k;

	ids = models_list(s->models, config_get(&s->app->cfg, CONFIG_BASE_URL), &n);
	k = strtoul(num, NULL, 10);
	if (ids == NULL)
		session_say(s, "there is no model list yet: /model alone fetches it", true);
	else if (k < 1 || k > n)
		session_sayf(s, true, "there is no model %s: the list has %zu (/model alone shows "
		    "it)", num, n);
	else
		session_model_use(s, ids[k - 1]);
}

static void
session_op_model(void *arg, const char *name)
{
	struct session *s = arg;

	if (*name == '\0') {
		if (session_models_start(s, false, session_models_listed) &&
		    models_fetching(s->models, config_get(&s->app->cfg, CONFIG_BASE_URL)))
			session_say(s, "asking the server for its models...", false);
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
	session_say(s, *text != '\0' ? "system prompt set" : "system prompt cleared", false);
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
		session_sayf(s, false, "role %s: %s", name, what);
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

/* /attach: list the files waiting for the next prompt. */
static void
session_attach_list(struct session *s)
{
	struct buf b;
	char *d;
	size_t i;

	if (s->att.n == 0) {
		session_say(s, "no files are attached; /attach FILE adds one to the next prompt",
		    false);
		return;
	}
	buf_init(&b, 0);
	buf_addf(&b, "attached to the next prompt (%zu bytes; /attach clear drops them):",
	    s->att.total);
	for (i = 0; i < s->att.n; i++) {
		d = attach_describe(&s->att.v[i]);
		buf_addf(&b, "\n  %s", d);
		free(d);
	}
	session_say(s, b.data, false);
	buf_release(&b);
}

/* The path typed after /attach: trailing blanks go, a leading ~/ is $HOME. Allocated. */
static char *
session_attach_path(const char *what)
{
	const char *home = getenv("HOME");
	size_t len = strlen(what);

	while (len > 0 && (what[len - 1] == ' ' || what[len - 1] == '\t'))
		len--;
	if (strncmp(what, "~/", 2) == 0 && home != NULL && *home != '\0')
		return xasprintf("%s/%.*s", home, (int)(len - 2), what + 2);
	return xstrndup(what, len);
}

static void
session_op_attach(void *arg, const char *what)
{
	struct session *s = arg;
	char *cause = NULL, *path;

	if (*what == '\0')
		session_attach_list(s);
	else if (strcmp(what, "clear") == 0) {
		session_sayf(s, false, "%zu attached file%s dropped", s->att.n,
		    s->att.n == 1 ? "" : "s");
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
		session_say(s, "/endpoint needs an http:// or https:// URL", true);
		return;
	}
	config_override(&s->app->cfg, CONFIG_BASE_URL, url, "/endpoint");
	app_access_release(&s->access);
	session_sayf(s, false, "endpoint: %s", url);
	/* terms = none was said of the server it was set for, not of this one. */
	if (config_get(&s->app->cfg, CONFIG_TERMS) != NULL) {
		session_sayf(s, false, "terms = %s (from %s) applied to the previous endpoint, "
		    "not to this one", config_get(&s->app->cfg, CONFIG_TERMS),
		    s->app->cfg.origin[CONFIG_TERMS]);
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
		session_say(s, "wait for the answer, or stop it, before opening /history", true);
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
	for (cap = len < SESSION_COPY_MAX ? len : SESSION_COPY_MAX; cap < len && cap > 0 &&
	    ((unsigned char)clean[cap] & 0xc0) == 0x80; cap--)
		;	/* never half a character */
	if (s->v.clipboard(s->v.arg, clean, cap, &cause) != 0) {
		session_say(s, cause, true);
		free(cause);
	} else if (cap < len)
		session_sayf(s, true, "copied only the first %zu of the %zu bytes of %s: the "
		    "clipboard escape (OSC 52) is capped at %d bytes", cap, len, what,
		    SESSION_COPY_MAX);
	else
		session_sayf(s, false, "copied %s (%zu bytes%s) to the clipboard (OSC 52; in tmux "
		    "that needs set-clipboard on)", what, len, len != strlen(data) ? ", without "
		    "its escape sequences and control characters" : "");
	free(clean);
}

/* /copy: the last answer, or one of its code blocks, to the clipboard. */
static void
session_op_copy(void *arg, bool code, unsigned int n)
{
	struct session *s = arg;
	const struct session_turn *t = session_last_answer(s);
	char *block, what[64];
	size_t count = 0;

	if (s->v.clipboard == NULL) {
		session_say(s, "/copy needs a terminal (the full-screen UI or line mode)", true);
		return;
	}
	if (t == NULL) {
		session_say(s, "there is no answer to copy yet", true);
		return;
	}
	if (!code) {
		session_copy(s, "the last answer", t->text);
		return;
	}
	if ((block = markdown_code_block(t->text, strlen(t->text), n, &count)) == NULL) {
		if (count == 0)
			session_say(s, "the last answer has no code block; /copy copies all of it",
			    true);
		else
			session_sayf(s, true, "the last answer has %zu code block%s; /copy code N "
			    "takes 1 to %zu", count, count == 1 ? "" : "s", count);
		return;
	}
	snprintf(what, sizeof what, "code block %u of %zu", n > 0 ? n : (unsigned int)count,
	    count);
	session_copy(s, what, block);
	free(block);
}

static void
session_op_edit(void *arg, const char *text)
{
	struct session *s = arg;

	if (s->v.edit == NULL)
		session_say(s, "/edit needs a terminal (the full-screen UI or line mode)", true);
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
		.arg = s, .say = session_op_say, .new_chat = session_op_new,
		.model = session_op_model, .system = session_op_system, .retry = session_op_retry,
		.attach = session_op_attach,
		.rate = session_op_rate, .terms = session_op_terms, .endpoint = session_op_endpoint,
		.quit = session_op_quit, .history = s->v.history != NULL ? session_op_history : NULL,
		.role = session_op_role,
		.copy = session_op_copy, .edit = session_op_edit,
	};

	char *ascii = NULL;

	if (text_blank_only(line, strlen(line)))
		return;	/* blanks of any script, U+3000 too, are not a prompt */
	if (text_fullwidth_slash(line)) {
		/* "／help", as an input method types it, is the command */
		ascii = xasprintf("/%s", line + 3);
		line = ascii;
	}
	if (!slash_is_command(line))
		session_send(s, line);
	else if (slash_run(&ops, line) == 0 && strncmp(line, "/help", 5) == 0 &&
	    s->v.keys != NULL)
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

char **
session_complete(struct session *s, const char *line, int start, const char *text)
{
	const char *base = config_get(&s->app->cfg, CONFIG_BASE_URL);
	char **ids, **out = NULL, *dir;
	size_t n, i;

	if (session_arg_of(line, start, "/model")) {
		if ((ids = models_list(s->models, base, &n)) != NULL)
			return slash_matches((const char *const *)ids, n, text);
		if (!models_fetching(s->models, base))	/* the next Tab has them */
			session_models_start(s, true, NULL);
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
