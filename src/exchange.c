/* exchange.c: one prompt and its streamed answer, recorded in the store. */
#include "common.h"

#include <strings.h>

#include "clock.h"
#include "api.h"
#include "exchange.h"
#include "http.h"
#include "loop.h"
#include "sse.h"
#include "store.h"

#define EXCHANGE_LINE_MAX ((size_t)1 << 20)
#define EXCHANGE_FLUSH_MS 1000
#define EXCHANGE_ANSWER_MAX ((size_t)256 << 20)
#define EXCHANGE_BODY_MAX ((size_t)64 << 20) /* a body read whole */
#define EXCHANGE_EXCERPT_MAX 300	     /* bytes of a server's message or body quoted */
#define EXCHANGE_NAME_MAX 80		     /* bytes of a model name, code or id kept */
#define EXCHANGE_REFUSAL_MAX 2000	     /* bytes of a refusal shown */
#define EXCHANGE_LOADING_WAIT_S 60	     /* how long to wait for a server loading its model */

/* How a 2xx body is read: as an event stream, whole, or not decided yet. */
enum exchange_body { EXCHANGE_SSE, EXCHANGE_WHOLE, EXCHANGE_SNIFF };

struct exchange {
	struct loop *loop;
	struct exchange_params p;
	struct exchange_cb cb;
	struct http_transfer *xfer;
	struct sse_parser *sse;
	struct store *st;  /* NULL when not logging */
	const char *model; /* asked for */
	const char *base_url;
	char *shown_url; /* base_url without credentials, for messages and the store */
	int timer;
	int64_t t0;
	bool dirty;	      /* arrived since the last save */
	size_t saved_content; /* bytes of the answer appended to its row */
	size_t saved_reasoning;
	bool restart;	/* the answer started over since then */
	bool done_seen; /* [DONE] */
	bool finished;
	bool has_error; /* an error object arrived */
	struct api_error error;
	struct api_think think;	  /* a leading <think> block in content is reasoning */
	struct api_carry carry;	  /* UTF-16 halves waiting for the next chunk */
	struct buf refusal;	  /* the model's refusal (OpenAI's refusal field) */
	bool tool_calls;	  /* the model asked to call a tool */
	enum exchange_body body;  /* how a 2xx body is read */
	struct buf whole;	  /* a body read whole, or its start while sniffing */
	struct buf split_content; /* what the splitter gave, per delta */
	struct buf split_reasoning;
	char *malformed;		      /* why the stream could not be read */
	char *malformed_en;		      /* the same, untranslated */
	size_t max_answer;		      /* max_answer_bytes */
	bool too_long;			      /* the answer reached max_answer */
	char *prompt;			      /* a copy, for the notices at the end */
	const struct disclaimer_rules *rules; /* the app's */
	char *disclaimers;		      /* the notices as JSON, for the store */
	struct exchange_result res;
};

/* The answer as it stands, as a message row. */
static void
exchange_row(struct exchange *x, const char *status, const char *error, struct store_message *m)
{
	struct exchange_result *r = &x->res;

	*m = (struct store_message){
		.id = r->message_id,
		.content = r->content.data,
		.content_len = r->content.len,
		.reasoning = r->reasoning.len > 0 ? r->reasoning.data : NULL,
		.model = r->model,
		.status = status,
		.finish_reason = r->finish_reason,
		.prompt_tokens = r->has_usage ? r->usage.prompt_tokens : -1,
		.completion_tokens = r->has_usage ? r->usage.completion_tokens : -1,
		.total_tokens = r->has_usage ? r->usage.total_tokens : -1,
		.latency_ms = r->latency_ms,
		.duration_ms = clock_ms() - x->t0,
		.error = error,
		.response_id = r->id,
		.disclaimers = x->disclaimers,
	};
}

/*
 * Once a second: append what arrived since the last save, never writing
 * again what is stored. It never waits for another writer, and a failure
 * is quiet: the next save appends it (the last one writes it all).
 */
static void
exchange_tick(void *arg)
{
	struct exchange *x = arg;
	struct exchange_result *r = &x->res;
	char *cause = NULL;

	if (!x->dirty || x->st == NULL || r->message_id <= 0)
		return;
	if (x->saved_content > r->content.len || x->saved_reasoning > r->reasoning.len) {
		x->restart = true; /* never expected: the text only grows */
		x->saved_content = x->saved_reasoning = 0;
	}
	x->dirty = store_message_append(x->st, r->message_id, x->restart,
		       r->content.data + x->saved_content, r->content.len - x->saved_content,
		       r->reasoning.data + x->saved_reasoning,
		       r->reasoning.len - x->saved_reasoning, &cause) != 0;
	if (!x->dirty) {
		x->saved_content = r->content.len;
		x->saved_reasoning = r->reasoning.len;
		x->restart = false;
	}
	free(cause);
}

/*
 * The answer could not be saved: mark its row as it is (the content as
 * last saved, status "error") when that small write can be made, and make
 * it the user's failure: exit 2 when all else went well.
 */
static void
exchange_unsaved(struct exchange *x, char *cause)
{
	struct exchange_result *r = &x->res;
	/* the store keeps its record in English */
	char *error = xasprintf("the answer could not be saved whole: %s", cause), *more = NULL;
	char *msg, *msg_en;

	if (store_message_mark(x->st, r->message_id, "error", error, &more) != 0)
		free(more); /* left streaming: the next start marks it interrupted */
	if (r->exit == EXIT_OK) {
		/* TRANSLATORS: %s: why the store failed. */
		msg = xasprintf(_("the answer was not saved: %s; it is shown but is not in the "
				  "history whole"),
		    cause);
		msg_en = xasprintf("the answer was not saved: %s; it is shown but is not in the "
				   "history whole",
		    cause);
		r->exit = EXIT_USAGE;
	} else {
		/* TRANSLATORS: what went wrong with the exchange, then why the store failed. */
		msg = xasprintf(_("%s; and the answer was not saved: %s"), r->message, cause);
		msg_en = xasprintf("%s; and the answer was not saved: %s", r->message_en, cause);
	}
	free(r->message);
	free(r->message_en);
	r->message = msg;
	r->message_en = msg_en;
	r->unsaved = true;
	free(error);
	free(cause);
}

/* The last save: it waits its turn; a failure reaches the result. */
static void
exchange_save_last(struct exchange *x)
{
	struct store_message m;
	char *cause = NULL;

	x->dirty = false;
	if (x->st == NULL || x->res.message_id <= 0)
		return;
	exchange_row(x, x->res.status, x->res.message_en, &m);
	if (store_message_update(x->st, &m, &cause) != 0)
		exchange_unsaved(x, cause);
}

/* Keep text of the answer (or its reasoning) and pass it on. */
static void
exchange_text(struct exchange *x, struct buf *b, const char *s, size_t len, bool reasoning)
{
	void (*fn)(const char *, size_t, void *) = reasoning ? x->cb.on_reasoning :
							       x->cb.on_content;

	if (len == 0 || x->too_long)
		return;
	if (x->res.content.len + x->res.reasoning.len + len > x->max_answer) {
		x->too_long = true; /* the stream stops at the next event */
		return;
	}
	buf_add(b, s, len);
	if (fn != NULL)
		fn(s, len, x->cb.arg);
}

/* Pass on what the <think> splitter made of a content delta. */
static void
exchange_split(struct exchange *x)
{
	exchange_text(x, &x->res.reasoning, x->split_reasoning.data, x->split_reasoning.len, true);
	exchange_text(x, &x->res.content, x->split_content.data, x->split_content.len, false);
}

/*
 * A string from the server that people will see (a model name, an error
 * message): bounded, with controls and invisible characters as '?'. Takes s.
 */
static char *
exchange_clean(const struct exchange *x, char *s, size_t max)
{
	const char *key = x->p.access->key;
	char *clean, *p, *hit;
	struct buf b;

	if (s == NULL)
		return NULL;
	for (p = s; *p != '\0'; p++) /* a message on one line */
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	buf_init(&b, 0);
	for (p = s; key != NULL && *key != '\0' && (hit = strstr(p, key)) != NULL;
	     p = hit + strlen(key)) /* a server that echoes the key never gets it shown */
		buf_addf(&b, "%.*s[the API key]", (int)(hit - p), p);
	buf_adds(&b, p);
	clean = api_excerpt_n(b.data, b.len, max);
	buf_release(&b);
	free(s);
	return clean;
}

/* An error from the server, made fit to show and to store. */
static void
exchange_error_clean(const struct exchange *x, struct api_error *e)
{
	e->message = exchange_clean(x, e->message, EXCHANGE_EXCERPT_MAX);
	e->code = exchange_clean(x, e->code, EXCHANGE_NAME_MAX);
	e->type = exchange_clean(x, e->type, EXCHANGE_NAME_MAX);
}

/* Take one delta: keep it and pass the text on. */
static void
exchange_delta(struct exchange *x, struct api_delta *d)
{
	struct exchange_result *r = &x->res;

	/* (a chunk that repeats the name kept, as most do, is not cleaned again) */
	if (d->model != NULL &&
	    (r->model == NULL ||
		(strcmp(r->model, x->model) == 0 && strcmp(r->model, d->model) != 0))) {
		free(r->model);
		r->model = exchange_clean(x, xstrdup(d->model), EXCHANGE_NAME_MAX);
	}
	if (d->id != NULL && r->id == NULL)
		r->id = exchange_clean(x, xstrdup(d->id), EXCHANGE_NAME_MAX);
	if (d->has_usage) {
		r->usage = d->usage;
		r->has_usage = true;
	}
	if (d->finish_reason != NULL) {
		free(r->finish_reason);
		r->finish_reason = exchange_clean(x, xstrdup(d->finish_reason), EXCHANGE_NAME_MAX);
	}
	if (d->reasoning != NULL)
		exchange_text(x, &r->reasoning, d->reasoning, strlen(d->reasoning), true);
	if (d->content != NULL) {
		buf_reset(&x->split_content);
		buf_reset(&x->split_reasoning);
		api_think_feed(&x->think, d->content, strlen(d->content), &x->split_content,
		    &x->split_reasoning);
		exchange_split(x);
	}
	if (d->refusal != NULL)
		buf_add(&x->refusal, d->refusal, strlen(d->refusal));
	x->tool_calls = x->tool_calls || d->tool_calls;
	if (d->has_error && !x->has_error) {
		x->error = d->error;
		memset(&d->error, 0, sizeof d->error);
		exchange_error_clean(x, &x->error);
		x->has_error = true;
	}
	x->dirty = true;
}

/* Why data cannot be parsed, once more with the catalog off: for the record. */
static char *
exchange_parse_en(int (*parse)(const char *, size_t, struct api_delta *, char **), const char *data,
    size_t len, const char *cause)
{
	struct api_delta d;
	char *en = NULL;

	i18n_english(true);
	if (parse(data, len, &d, &en) == 0)
		api_delta_release(&d);
	i18n_english(false);
	return en != NULL ? en : xstrdup(cause);
}

/* One event-stream event. */
static int
exchange_event(const struct sse_event *ev, void *arg)
{
	struct exchange *x = arg;
	struct api_delta d;
	char *cause = NULL;

	if (ev->data_len == 0) /* an empty event, as some peers send: skip it */
		return 0;
	if (ev->data_len == 6 && memcmp(ev->data, "[DONE]", 6) == 0) {
		x->done_seen = true;
		return 0;
	}
	if (api_chunk_parse(ev->data, ev->data_len, &d, &cause) != 0) {
		x->malformed = cause;
		x->malformed_en = exchange_parse_en(api_chunk_parse, ev->data, ev->data_len, cause);
		return 1;
	}
	api_carry_join(&x->carry, &d);
	exchange_delta(x, &d);
	api_delta_release(&d);
	return x->has_error || x->too_long ? 1 : 0;
}

/*
 * A 2xx answer: streamed to on_data when a stream was asked for, whatever
 * its Content-Type says (as the SDKs do); its first bytes decide later how
 * it is read unless it says text/event-stream.
 */
static bool
exchange_on_headers(long status, const char *content_type, void *arg)
{
	struct exchange *x = arg;

	x->res.latency_ms = clock_ms() - x->t0;
	if (x->cb.on_start != NULL)
		x->cb.on_start(x->cb.arg);
	if (!x->p.stream)
		return false;
	x->body = content_type != NULL && strncasecmp(content_type, "text/event-stream", 17) == 0 ?
	    EXCHANGE_SSE :
	    EXCHANGE_SNIFF;
	return true;
}

/*
 * Does a body that begins with s[0..len) look like an event stream (a field
 * or a comment first), like one JSON document, or can't it tell yet?
 */
static enum exchange_body
exchange_sniff(const char *s, size_t len)
{
	static const char *const fields[] = { "data:", "event:", "id:", "retry:", ":" };
	size_t i = 0, n, k;

	if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len && strchr(" \t\r\n", s[i]) != NULL)
		i++;
	if (i == len)
		return EXCHANGE_SNIFF;
	for (k = 0; k < nitems(fields); k++) {
		n = strlen(fields[k]);
		if (memcmp(s + i, fields[k], len - i < n ? len - i : n) == 0)
			return len - i < n ? EXCHANGE_SNIFF : EXCHANGE_SSE;
	}
	return EXCHANGE_WHOLE;
}

/* Could the attempt be made again: an error of a passing kind before any text? */
static bool
exchange_again(const struct exchange *x)
{
	return x->has_error && x->res.content.len == 0 && x->res.reasoning.len == 0 &&
	    api_error_class_retryable(api_error_classify(&x->error, 0));
}

/* Feed event-stream bytes; an HTTP_DATA_* answer for the transfer. */
static int
exchange_feed(struct exchange *x, const char *data, size_t len)
{
	char *cause = NULL;
	int r = sse_feed(x->sse, data, len, &cause);

	if (r < 0) {
		x->malformed = cause;
		x->malformed_en = xstrdup(cause);
	}
	if (r > 0 && exchange_again(x))
		return HTTP_DATA_RETRY;
	return r != 0 ? HTTP_DATA_STOP : HTTP_DATA_MORE;
}

static int
exchange_on_data(const char *data, size_t len, void *arg)
{
	struct exchange *x = arg;
	int r;

	if (x->body == EXCHANGE_SSE)
		return exchange_feed(x, data, len);
	if (buf_add(&x->whole, data, len) != 0) {
		x->malformed = xasprintf(_("the answer is larger than %zu bytes"), x->whole.max);
		x->malformed_en = xasprintf("the answer is larger than %zu bytes", x->whole.max);
		return HTTP_DATA_STOP;
	}
	if (x->body == EXCHANGE_SNIFF &&
	    (x->body = exchange_sniff(x->whole.data, x->whole.len)) == EXCHANGE_SSE) {
		r = exchange_feed(x, x->whole.data, x->whole.len);
		buf_reset(&x->whole);
		return r;
	}
	return HTTP_DATA_MORE;
}

/* Forget what a failed attempt sent: the next one starts afresh. */
static void
exchange_attempt_reset(struct exchange *x)
{
	struct exchange_result *r = &x->res;

	sse_free(x->sse);
	x->sse = sse_new(EXCHANGE_LINE_MAX, exchange_event, x);
	api_error_release(&x->error);
	x->has_error = x->done_seen = false;
	free(x->malformed);
	free(x->malformed_en);
	x->malformed = x->malformed_en = NULL;
	free(r->finish_reason);
	r->finish_reason = NULL;
	buf_reset(&r->content);
	buf_reset(&r->reasoning);
	if (x->saved_content > 0 || x->saved_reasoning > 0)
		x->restart = x->dirty = true;
	x->saved_content = x->saved_reasoning = 0;
	buf_reset(&x->whole);
	buf_reset(&x->refusal);
	x->tool_calls = false;
	x->body = EXCHANGE_SSE;
	api_think_init(&x->think);
	api_carry_init(&x->carry);
}

static void
exchange_on_retry(int attempt, long wait_ms, const char *why, void *arg)
{
	struct exchange *x = arg;

	exchange_attempt_reset(x);
	if (x->cb.on_retry != NULL)
		x->cb.on_retry(attempt, EXCHANGE_RETRIES + 1, wait_ms, why, x->cb.arg);
}

/* Is this a server still loading its model (llama.cpp's 503 "Loading model")? */
static bool
exchange_loading(long status, const struct api_error *e)
{
	return status == 503 && e != NULL && strcasestr(e->message, "loading model") != NULL;
}

/* May a non-2xx answer be tried again? The one classification decides. */
static int
exchange_retry_status(long status, const char *body, size_t len, char *why, size_t wlen, void *arg)
{
	struct exchange *x = arg;
	struct api_error e;
	bool parsed = api_error_parse(body, len, &e) == 0;
	int r = api_error_class_retryable(api_error_classify(parsed ? &e : NULL, status)) ?
	    HTTP_RETRY_YES :
	    HTTP_RETRY_NO;

	if (exchange_loading(status, parsed ? &e : NULL)) {
		snprintf(why, wlen, _("the server is loading the model (%.0f s so far)"),
		    (double)(clock_ms() - x->t0) / 1000);
		r = HTTP_RETRY_WAIT;
	}
	if (parsed)
		api_error_release(&e);
	return r;
}

/* The exit code for an error of class c (one table for HTTP and in-stream errors). */
static int
exchange_error_exit(enum api_error_class c)
{
	return c == API_ERR_AUTH ? EXIT_AUTH : EXIT_PROVIDER;
}

/* " (code)" when the code says more than the status already does. */
static void
exchange_code(char *dst, size_t len, const struct api_error *e, long status)
{
	char st[24];

	dst[0] = '\0';
	snprintf(st, sizeof st, "%ld", status);
	if (e != NULL && e->code != NULL && strcmp(e->code, st) != 0)
		snprintf(dst, len, " %.50s", e->code);
}

/* What a redirect on the chat endpoint means (never followed). */
static char *
exchange_redirect(struct exchange *x, const struct http_result *h)
{
	const char *to = h->location;
	bool https = to != NULL && strncmp(x->base_url, "http://", 7) == 0 &&
	    strncmp(to, "https://", 8) == 0;
	char *clean = to != NULL ? api_excerpt_n(to, strlen(to), 200) : NULL;
	char *msg;

	/* TRANSLATORS: the HTTP status, the base URL, where the server redirects to. */
	if (clean != NULL && https)
		msg = xasprintf(
		    _("HTTP %ld from %s: the server redirects to '%s'; confab does not "
		      "follow redirects, so set --base-url (or base_url) to the address it "
		      "names (it moved to https://: the server only speaks TLS)"),
		    h->status, x->shown_url, clean);
	else if (clean != NULL)
		msg = xasprintf(
		    _("HTTP %ld from %s: the server redirects to '%s'; confab does not "
		      "follow redirects, so set --base-url (or base_url) to the address it "
		      "names"),
		    h->status, x->shown_url, clean);
	else
		msg =
		    xasprintf(_("HTTP %ld from %s: the server redirects to an address it does not "
				"name; confab does not follow redirects, so set --base-url (or "
				"base_url) to the address it names"),
			h->status, x->shown_url);

	free(clean);
	return msg;
}

/* Free old, return new: for a message made from the one before. */
static char *
exchange_swap(char *old, char *new)
{
	free(old);
	return new;
}

/* msg (freed) with a clause added: fmt has one %s, msg. */
#define exchange_more(msg, fmt) exchange_swap((msg), xasprintf((fmt), (msg)))

/* What the server said, for a body that is not an API error object. */
static char *
exchange_unknown_error(struct exchange *x, const struct http_result *h)
{
	char *body = exchange_clean(x,
	    xstrndup(h->body.data,
		h->body.len < 4 * EXCHANGE_EXCERPT_MAX ? h->body.len : 4 * EXCHANGE_EXCERPT_MAX),
	    EXCHANGE_EXCERPT_MAX);
	char *ctype = h->content_type != NULL ?
	    api_excerpt_n(h->content_type, strlen(h->content_type), EXCHANGE_NAME_MAX) :
	    xstrdup(_("no content type"));
	char *msg;

	if (h->body.len > 0)
		/* TRANSLATORS: status, base URL, content type, the body the server sent. */
		msg = xasprintf(_("HTTP %ld from %s (%s): '%s'"), h->status, x->shown_url, ctype,
		    body);
	else
		/* TRANSLATORS: status, base URL, content type. */
		msg = xasprintf(_("HTTP %ld from %s (%s), with no body"), h->status, x->shown_url,
		    ctype);
	if (memmem(h->body.data, h->body.len, "stream_options", 14) != NULL)
		msg = exchange_more(msg,
		    _("%s; the server refuses stream_options: set include_usage = no for it"));
	if (h->attempts > 1)
		msg = exchange_more(msg, _("%s; retries did not help"));
	free(ctype);
	free(body);
	return msg;
}

/* Say why a non-2xx answer failed; set exit and message. */
static void
exchange_status_error(struct exchange *x, const struct http_result *h)
{
	struct exchange_result *r = &x->res;
	struct api_error e;
	bool parsed = api_error_parse(h->body.data, h->body.len, &e) == 0;
	enum api_error_class c = api_error_classify(parsed ? &e : NULL, h->status);
	const char *msg;
	char code[64], *hint;

	if (parsed)
		exchange_error_clean(x, &e);
	msg = parsed ? e.message : _("no error message");
	exchange_code(code, sizeof code, parsed ? &e : NULL, h->status);
	r->exit = exchange_error_exit(c);
	if (c == API_ERR_AUTH) {
		hint = app_access_auth_hint(x->p.access);
		/* TRANSLATORS: status, the provider's error code (may be empty), its message, a hint. */
		r->message = xasprintf(_("authentication failed (HTTP %ld%s: %s); %s"), h->status,
		    code, msg, hint);
		free(hint);
	} else if (h->status >= 300 && h->status < 400)
		r->message = exchange_redirect(x, h);
	else if (c == API_ERR_FILTER) {
		r->message = xasprintf(_("the provider blocked this content (HTTP %ld%s): %s"),
		    h->status, code, msg);
		r->blocked = true;
	} else if (c == API_ERR_QUOTA)
		r->message = xasprintf(_("the provider refused: quota exhausted (HTTP %ld%s): %s"),
		    h->status, code, msg);
	else if (c == API_ERR_RATE_LIMIT)
		r->message = xasprintf(P_("rate limited by the provider (HTTP %ld%s: %s) after %d "
					  "attempt; wait and try again",
					   "rate limited by the provider (HTTP %ld%s: %s) after %d "
					   "attempts; wait and try again",
					   h->attempts),
		    h->status, code, msg, h->attempts);
	else if (!parsed)
		r->message = exchange_unknown_error(x, h);
	else if (h->status == 404)
		/* TRANSLATORS: the error code (may be empty), base URL, message, model. */
		r->message = xasprintf(_("HTTP 404%s from %s: %s; check --model ('%s') and "
					 "--base-url"),
		    code, x->shown_url, msg, x->model);
	else {
		r->message = xasprintf(_("the provider failed (HTTP %ld%s): %s"), h->status, code,
		    msg);
		if (h->attempts > 1)
			r->message = exchange_more(r->message, _("%s; retries did not help"));
	}
	if (parsed)
		api_error_release(&e);
}

/*
 * An error object inside a 200 stream: the same exit code as the same error
 * as an HTTP status; a passing error after part of the answer is a cut answer.
 */
static void
exchange_stream_error(struct exchange *x, const struct http_result *h)
{
	struct exchange_result *r = &x->res;
	const struct api_error *e = &x->error;
	enum api_error_class c = api_error_classify(e, 0);
	char code[64], *hint;

	exchange_code(code, sizeof code, e, 0);
	r->exit = exchange_error_exit(c);
	r->status = "error";
	r->blocked = c == API_ERR_FILTER;
	if (c == API_ERR_AUTH) {
		hint = app_access_auth_hint(x->p.access);
		/* TRANSLATORS: the error code (may be empty), the provider's message, a hint. */
		r->message = xasprintf(_("authentication failed (in the stream%s: %s); %s"), code,
		    e->message, hint);
		free(hint);
	} else if (api_error_class_retryable(c) && r->content.len > 0) {
		/* TRANSLATORS: the error class (rate-limit, overload), its code, the message. */
		r->message = xasprintf(_("the answer was cut off: the provider stopped with an "
					 "error (%s%s): %s"),
		    api_error_class_name(c), code, e->message);
		r->exit = EXIT_NETWORK;
		r->status = "incomplete";
	} else {
		/* TRANSLATORS: the provider's message, then its error code. */
		if (r->blocked && e->code != NULL)
			r->message = xasprintf(_("the provider blocked the answer: %s (%s)"),
			    e->message, e->code);
		else if (r->blocked)
			r->message = xasprintf(_("the provider blocked the answer: %s"),
			    e->message);
		else if (e->code != NULL)
			r->message = xasprintf(_("the provider stopped with an error: %s (%s)"),
			    e->message, e->code);
		else
			r->message = xasprintf(_("the provider stopped with an error: %s"),
			    e->message);
		if (h->attempts > 1)
			r->message = exchange_more(r->message, _("%s; retries did not help"));
	}
}

/* A 2xx body that was not an event stream: a whole response, or an error. */
static void
exchange_whole_body(struct exchange *x, const char *body, size_t len)
{
	struct api_delta d;
	char *cause = NULL;

	if (api_response_parse(body, len, &d, &cause) != 0) {
		x->malformed = cause;
		x->malformed_en = exchange_parse_en(api_response_parse, body, len, cause);
		return;
	}
	exchange_delta(x, &d);
	api_delta_release(&d);
	x->done_seen = true;
}

/* The end of a 2xx body: what is left of the stream, or the body read whole. */
static void
exchange_body_end(struct exchange *x, const struct http_result *h)
{
	struct buf left;

	if (!h->streamed)
		exchange_whole_body(x, h->body.data, h->body.len);
	else if (x->body != EXCHANGE_SSE)
		exchange_whole_body(x, x->whole.data, x->whole.len);
	else if (!x->done_seen) {
		buf_init(&left, 0);
		sse_finish(x->sse, &left);
		if (left.len == 6 && memcmp(left.data, "[DONE]", 6) == 0)
			x->done_seen = true;
		buf_release(&left);
	}
}

/* The stream ended: what the UTF-16 joiner and the <think> splitter still hold. */
static void
exchange_flush(struct exchange *x)
{
	struct api_delta d;

	if (api_carry_finish(&x->carry, &d)) /* a half the stream never completed */
		exchange_delta(x, &d);
	api_delta_release(&d);
	buf_reset(&x->split_content);
	buf_reset(&x->split_reasoning);
	api_think_finish(&x->think, &x->split_content, &x->split_reasoning);
	exchange_split(x);
}

/* An answer that ended well but says nothing: a refusal, or only a tool call. */
static void
exchange_no_answer(struct exchange *x)
{
	struct exchange_result *r = &x->res;
	char *text;

	if (x->refusal.len > 0) {
		text = api_excerpt_n(x->refusal.data, x->refusal.len, EXCHANGE_REFUSAL_MAX);
		r->message = xasprintf(_("the model refused: %s"), text);
		free(text);
		r->status = "refused";
	} else if (x->tool_calls && r->content.len == 0) {
		r->message = xstrdup(
		    _("the model asked to call a tool and sent no text; confab "
		      "offers the model no tools, so there is no answer to show (ask again, or "
		      "without tools in the system prompt)"));
		r->status = "error";
	} else
		return;
	r->exit = EXIT_PROVIDER;
}

/*
 * Decide how the answer ended: exit code, message, status. en: the message
 * from the untranslated texts of the layers below (the catalog is off).
 */
static void
exchange_judge(struct exchange *x, const struct http_result *h, bool en)
{
	struct exchange_result *r = &x->res;
	const char *malformed = en ? x->malformed_en : x->malformed;
	const char *error = en ? h->error_en : h->error;

	r->exit = EXIT_OK;
	r->status = "complete";
	if (x->malformed != NULL) {
		r->message = xasprintf(_("the provider's answer cannot be read: %s"), malformed);
		r->exit = EXIT_PROVIDER;
		r->status = "error";
	} else if (x->has_error && h->outcome != HTTP_STATUS) {
		exchange_stream_error(x, h);
	} else if (x->too_long) {
		r->message = xasprintf(_("the answer was cut off at %zu bytes (max_answer_bytes); "
					 "set max_answer_bytes higher to take longer answers"),
		    x->max_answer);
		r->exit = EXIT_NETWORK;
		r->status = "incomplete";
	} else if (h->outcome == HTTP_NETWORK && x->p.max_time_s > 0 &&
	    clock_ms() - x->t0 >= (int64_t)x->p.max_time_s * 1000 - 100) {
		r->message = xasprintf(_("the exchange took longer than %ld s (max_time); the "
					 "answer is incomplete; set max_time higher (0: no limit)"),
		    x->p.max_time_s);
		r->exit = EXIT_NETWORK;
		r->status = h->streamed ? "incomplete" : "error";
	} else if (h->outcome == HTTP_CANCELLED) {
		r->message = xstrdup(_("interrupted"));
		r->exit = EXIT_INTERRUPTED;
		r->status = "interrupted";
	} else if (h->outcome == HTTP_STATUS) {
		exchange_status_error(x, h);
		r->status = "error";
	} else if (h->outcome != HTTP_OK) {
		if (h->streamed)
			/* TRANSLATORS: the base URL, then what went wrong (the answer is cut). */
			r->message = xasprintf(_("the answer from %s: %s"), x->shown_url, error);
		else if (h->attempts > 1)
			/* TRANSLATORS: the base URL, then what went wrong. */
			r->message =
			    xasprintf(_("cannot reach %s: %s (after retries); check that the "
					"server is running and that the address "
					"(--base-url, or base_url in the config) is right"),
				x->shown_url, error);
		else
			r->message = xasprintf(_("cannot reach %s: %s; check that the server is "
						 "running and that the address (--base-url, or "
						 "base_url in the config) is right"),
			    x->shown_url, error);
		r->exit = EXIT_NETWORK;
		r->status = h->streamed ? "incomplete" : "error";
	} else if (!x->done_seen && r->finish_reason == NULL) {
		r->message = xstrdup(_("the answer was cut off: the connection closed before it "
				       "was complete"));
		r->exit = EXIT_NETWORK;
		r->status = "incomplete";
	}
	if (r->exit == EXIT_OK)
		exchange_no_answer(x);
	if (r->finish_reason != NULL && strcmp(r->finish_reason, "content_filter") == 0)
		r->blocked = true;
}

/*
 * Decide how the answer ended, with the message twice: in English for the
 * store and --json (message_en), and in the language of the screens.
 */
static void
exchange_classify(struct exchange *x, const struct http_result *h)
{
	struct exchange_result *r = &x->res;

	i18n_english(true);
	exchange_judge(x, h, true);
	i18n_english(false);
	r->message_en = r->message;
	r->message = NULL;
	exchange_judge(x, h, false);
}

/* How the answer ended, as the notices see it. */
static enum disclaimer_end
exchange_end(const struct exchange_result *r)
{
	if (r->blocked)
		return DISCLAIMER_END_FILTERED;
	if (r->finish_reason != NULL && strcmp(r->finish_reason, "length") == 0)
		return DISCLAIMER_END_LENGTH;
	if (strcmp(r->status, "interrupted") == 0)
		return DISCLAIMER_END_INTERRUPTED;
	if (strcmp(r->status, "complete") != 0)
		return DISCLAIMER_END_BROKEN;
	return DISCLAIMER_END_COMPLETE;
}

/* The notices for the answer, unless none arrived because the exchange failed. */
static void
exchange_disclaimers(struct exchange *x)
{
	struct exchange_result *r = &x->res;

	if (r->content.len == 0 && !r->blocked && strcmp(r->status, "complete") != 0)
		return;
	r->ndisclaimers = disclaimer_pick(x->rules, x->prompt, strlen(x->prompt), r->content.data,
	    r->content.len, exchange_end(r), r->disclaimers);
	x->disclaimers = disclaimer_json(r->disclaimers, r->ndisclaimers);
}

static void
exchange_on_done(const struct http_result *h, void *arg)
{
	struct exchange *x = arg;

	x->xfer = NULL;
	if (h->outcome == HTTP_OK && x->malformed == NULL)
		exchange_body_end(x, h);
	exchange_flush(x);
	exchange_classify(x, h);
	x->res.duration_ms = clock_ms() - x->t0;
	exchange_disclaimers(x);
	exchange_save_last(x);
	loop_remove_timer(x->loop, x->timer);
	x->timer = -1;
	x->finished = true;
	if (x->cb.on_done != NULL)
		x->cb.on_done(&x->res, x->cb.arg);
}

/* Store the conversation and the prompt before anything is sent. */
static int
exchange_record_prompt(struct exchange *x, char **cause)
{
	struct exchange_result *r = &x->res;
	const char *prompt = x->p.prompt;
	size_t tlen = strcspn(prompt, "\n");
	char *title;

	r->conversation = x->p.conversation;
	if (r->conversation <= 0) {
		if (tlen > 80) /* at most 80 bytes, never half a character */
			for (tlen = 80; tlen > 0 && (prompt[tlen] & 0xc0) == 0x80; tlen--)
				;
		title = xstrndup(prompt, tlen);
		r->conversation = store_conversation_new(x->st, title, x->model, x->shown_url,
		    cause);
		free(title);
		if (r->conversation < 0)
			return -1;
	}
	if (store_message_add(x->st, r->conversation, "user", prompt, x->model, "complete", cause) <
	    0)
		return -1;
	r->message_id = store_message_add(x->st, r->conversation, "assistant", "", x->model,
	    "streaming", cause);
	return r->message_id < 0 ? -1 : 0;
}

/*
 * enable_thinking as set (-1: not sent); unset, a request without streaming
 * to DashScope says false, which its Qwen3 models require there.
 */
static int
exchange_thinking(const struct exchange *x)
{
	int think = config_bool(&x->p.app->cfg, CONFIG_ENABLE_THINKING);

	if (think < 0 && !x->p.stream && config_is_dashscope(x->base_url))
		return 0;
	return think;
}

/* The request body for the prompt, the context (earlier turns) and the options. */
static char *
exchange_body(struct exchange *x)
{
	const struct config *cfg = &x->p.app->cfg;
	const char *system = config_get(cfg, CONFIG_SYSTEM);
	const char *temp = config_get(cfg, CONFIG_TEMPERATURE);
	const char *maxt = config_get(cfg, CONFIG_MAX_TOKENS);
	struct api_message *msgs = xcalloc(x->p.ncontext + 2, sizeof *msgs);
	struct api_request req = {
		.model = x->model,
		.messages = msgs,
		.stream = x->p.stream,
		.temperature = temp != NULL ? strtod(temp, NULL) : -1,
		.max_tokens = maxt != NULL ? strtol(maxt, NULL, 10) : 0,
		.enable_thinking = exchange_thinking(x),
		.omit_usage = config_bool(cfg, CONFIG_INCLUDE_USAGE) == 0,
		.images = x->p.images,
		.nimages = x->p.nimages,
	};
	size_t n = 0;
	char *body;

	if (system != NULL)
		msgs[n++] = (struct api_message){ .role = API_SYSTEM, .content = system };
	if (x->p.ncontext > 0)
		memcpy(msgs + n, x->p.context, x->p.ncontext * sizeof *msgs);
	n += x->p.ncontext;
	msgs[n++] = (struct api_message){ API_USER, x->p.prompt };
	req.nmessages = n;
	body = api_request_json(&req);
	free(msgs);
	return body;
}

/* The request as libcurl gets it, for x's prompt; starts the transfer. */
static void
exchange_send(struct exchange *x)
{
	const struct config *cfg = &x->p.app->cfg;
	const char *hdrs[5] = { "Content-Type: application/json", NULL, NULL, NULL, NULL };
	struct http_request hr = { 0 };
	char *url = config_url(x->base_url, "chat/completions"), *body = exchange_body(x);
	size_t h = 1;

	hdrs[h++] = x->p.stream ? "Accept: text/event-stream" : "Accept: application/json";
	if (x->p.access->auth_header != NULL)
		hdrs[h++] = x->p.access->auth_header;
	hr.url = url;
	hr.body = body;
	hr.body_len = strlen(body);
	hr.headers = hdrs;
	hr.connect_timeout_s = strtol(config_get(cfg, CONFIG_CONNECT_TIMEOUT), NULL, 10);
	hr.stall_timeout_s = strtol(config_get(cfg, CONFIG_TIMEOUT), NULL, 10);
	hr.max_retries = EXCHANGE_RETRIES;
	hr.total_timeout_s = x->p.max_time_s;
	hr.max_body = EXCHANGE_BODY_MAX;
	hr.on_headers = exchange_on_headers;
	hr.on_data = exchange_on_data;
	hr.retry_status = exchange_retry_status;
	hr.patience_s = EXCHANGE_LOADING_WAIT_S;
	hr.on_retry = exchange_on_retry;
	hr.on_done = exchange_on_done;
	hr.arg = x;
	x->t0 = clock_ms();
	x->timer = loop_add_timer(x->loop, EXCHANGE_FLUSH_MS, exchange_tick, x);
	x->xfer = http_start(loop_http(x->loop), &hr);
	free(url);
	explicit_bzero(body, strlen(body));
	free(body);
}

int
exchange_start(struct loop *loop, const struct exchange_params *p, const struct exchange_cb *cb,
    struct exchange **out, char **cause)
{
	struct exchange *x;
	const struct config *cfg = &p->app->cfg;
	char *warning;
	int r;

	*out = NULL;
	if ((r = app_gate(p->app, cause)) != 0) /* afresh, immediately before sending */
		return r;
	if (!p->access->resolved && app_access_get(p->app, p->access, cause) != 0) {
		app_access_release(p->access);
		return EXIT_USAGE;
	}
	x = xcalloc(1, sizeof *x);
	x->loop = loop;
	x->p = *p;
	x->cb = *cb;
	x->timer = -1;
	x->model = config_get(cfg, CONFIG_MODEL);
	x->base_url = config_get(cfg, CONFIG_BASE_URL);
	x->shown_url = config_url_public(x->base_url);
	x->max_answer = (size_t)strtoull(config_get(cfg, CONFIG_MAX_ANSWER_BYTES), NULL, 10);
	if (x->max_answer == 0 || x->max_answer > EXCHANGE_ANSWER_MAX)
		x->max_answer = EXCHANGE_ANSWER_MAX;
	buf_init(&x->res.content, EXCHANGE_ANSWER_MAX);
	buf_init(&x->res.reasoning, EXCHANGE_ANSWER_MAX);
	buf_init(&x->whole, EXCHANGE_BODY_MAX);
	buf_init(&x->refusal, EXCHANGE_BODY_MAX);
	api_carry_init(&x->carry);
	buf_init(&x->split_content, 0);
	buf_init(&x->split_reasoning, 0);
	api_think_init(&x->think);
	x->res.model = xstrdup(x->model);
	x->res.latency_ms = -1;
	x->prompt = xstrdup(p->prompt);
	x->rules = app_disclaimers(p->app, &warning);
	if (warning != NULL) {
		app_note(_("confab: warning: %s\n"), warning);
		free(warning);
	}
	if ((p->log && (x->st = app_store(p->app, cause)) == NULL) ||
	    (x->st != NULL && exchange_record_prompt(x, cause) != 0)) {
		exchange_free(x);
		return EXIT_USAGE;
	}
	x->sse = sse_new(EXCHANGE_LINE_MAX, exchange_event, x);
	exchange_send(x);
	*out = x;
	return 0;
}

void
exchange_cancel(struct exchange *x)
{
	if (x->xfer != NULL)
		http_cancel(x->xfer);
}

bool
exchange_done(const struct exchange *x)
{
	return x->finished;
}

void
exchange_free(struct exchange *x)
{
	struct exchange_result *r;

	if (x == NULL)
		return;
	if (x->xfer != NULL) {
		x->cb.on_done = NULL;
		http_cancel(x->xfer); /* its on_done will not find us: drain it now */
		while (x->xfer != NULL)
			http_poll(loop_http(x->loop), NULL, 0, 100);
	}
	if (x->timer >= 0)
		loop_remove_timer(x->loop, x->timer);
	r = &x->res;
	sse_free(x->sse);
	api_error_release(&x->error);
	free(x->malformed);
	free(x->malformed_en);
	free(x->prompt);
	free(x->shown_url);
	free(x->disclaimers);
	buf_release(&r->content);
	buf_release(&r->reasoning);
	buf_release(&x->whole);
	buf_release(&x->refusal);
	buf_release(&x->split_content);
	buf_release(&x->split_reasoning);
	free(r->message);
	free(r->message_en);
	free(r->finish_reason);
	free(r->model);
	free(r->id);
	free(x);
}
