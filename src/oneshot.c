/* oneshot.c: scripted mode: the prompt in, the answer alone on stdout. */
#include "common.h"

#include <cjson/cJSON.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "buf.h"
#include "cmd.h"
#include "http.h"
#include "loop.h"
#include "sse.h"
#include "store.h"
#include "text.h"
#include "tty.h"

#define ONESHOT_STDIN_MAX ((size_t)1 << 20)	/* documented in confab(1) */
#define ONESHOT_LINE_MAX ((size_t)1 << 20)
#define ONESHOT_FLUSH_MS 1000
#define ONESHOT_RETRIES 2

struct oneshot {
	struct app *app;
	struct app_access acc;
	struct loop *loop;
	struct http_transfer *xfer;
	struct sse_parser *sse;
	const char *model;
	const char *base_url;

	/* what arrived */
	struct buf content;		/* exact bytes of the answer */
	struct buf reasoning;
	char *finish_reason;
	char *resp_model;
	char *resp_id;
	struct api_usage usage;
	bool has_usage;
	bool done_seen;			/* [DONE] */
	struct api_error error;		/* an error object in the stream or body */
	bool has_error;
	char *malformed;		/* why the stream could not be read */

	/* output */
	struct text_sanitizer san;	/* stdout */
	struct text_sanitizer rsan;	/* reasoning to stderr */
	struct buf scratch;
	size_t held_newlines;		/* trailing LFs not yet written */
	bool reasoning_open;		/* a reasoning block is being written to stderr */
	bool waiting_shown;		/* the "waiting" note is on stderr */
	bool err_color;

	/* record */
	struct store *st;
	int64_t conversation;
	int64_t message;
	int64_t t0;
	int64_t first_byte;
	bool dirty;			/* arrived since the last save */
	int signal;			/* the signal that interrupted, or 0 */
	int exit;
};

static int64_t
oneshot_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the prompt ------------------------------------------------------------ */

/* Arguments joined by spaces, then a blank line and stdin when it is not a terminal. */
static int
oneshot_prompt(int argc, char **argv, struct buf *prompt)
{
	struct buf in, fixed;
	char *cause = NULL;
	size_t bad;
	int i;

	for (i = 0; i < argc; i++)
		buf_addf(prompt, "%s%s", i > 0 ? " " : "", argv[i]);
	if (!isatty(STDIN_FILENO)) {
		buf_init(&in, ONESHOT_STDIN_MAX);
		if (buf_read_file(&in, "/dev/stdin", &cause) != 0) {
			app_error("cannot read the prompt from standard input: %s (the limit is "
			    "%zu bytes)", cause, (size_t)ONESHOT_STDIN_MAX);
			free(cause);
			buf_release(&in);
			return EXIT_USAGE;
		}
		if (in.len > 0 && prompt->len > 0)
			buf_adds(prompt, "\n\n");
		buf_add(prompt, in.data, in.len);
		buf_release(&in);
	}
	if (strspn(prompt->data, " \t\r\n") == prompt->len) {
		app_error("the prompt is empty; give it as arguments (confab \"question\") or on "
		    "standard input");
		return EXIT_USAGE;
	}
	if (memchr(prompt->data, '\0', prompt->len) != NULL) {
		app_error("the prompt holds a NUL byte (binary input?) at offset %zu; nothing was "
		    "sent", (size_t)((char *)memchr(prompt->data, '\0', prompt->len) - prompt->data));
		return EXIT_USAGE;
	}
	if (!text_utf8_valid(prompt->data, prompt->len, &bad)) {
		buf_init(&fixed, 0);
		app_error("warning: the prompt is not valid UTF-8 (first bad byte at offset %zu); "
		    "%zu invalid sequences were replaced with U+FFFD", bad,
		    text_utf8_repair(prompt->data, prompt->len, &fixed));
		buf_reset(prompt);
		buf_add(prompt, fixed.data, fixed.len);
		buf_release(&fixed);
	}
	return 0;
}

/* ---- history -------------------------------------------------------------- */

struct oneshot_history {
	struct api_message *m;
	size_t n;
	char **owned;
};

static int
oneshot_history_cb(const struct store_message *m, void *arg)
{
	struct oneshot_history *h = arg;
	enum api_role role;

	if (strcmp(m->role, "user") == 0)
		role = API_USER;
	else if (strcmp(m->role, "assistant") == 0)
		role = API_ASSISTANT;
	else
		return 0;
	if (m->content_len == 0 || strcmp(m->status, "error") == 0)
		return 0;
	h->m = xreallocarray(h->m, h->n + 2, sizeof *h->m);
	h->owned = xreallocarray(h->owned, h->n + 2, sizeof *h->owned);
	h->owned[h->n] = xstrndup(m->content, m->content_len);
	h->m[h->n].role = role;
	h->m[h->n].content = h->owned[h->n];
	h->n++;
	return 0;
}

static void
oneshot_history_release(struct oneshot_history *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		free(h->owned[i]);
	free(h->owned);
	free(h->m);
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

static void
oneshot_clear_waiting(struct oneshot *o)
{
	if (o->waiting_shown) {
		fputs("\r\033[K", stderr);
		o->waiting_shown = false;
	}
}

/* Save what has arrived so far (at most once a second while streaming). */
static void
oneshot_flush(struct oneshot *o, const char *status, const char *error)
{
	struct store_message m = {
		.id = o->message,
		.content = o->content.data,
		.content_len = o->content.len,
		.reasoning = o->reasoning.len > 0 ? o->reasoning.data : NULL,
		.model = o->resp_model != NULL && *o->resp_model != '\0' ? o->resp_model : NULL,
		.status = status,
		.finish_reason = o->finish_reason,
		.prompt_tokens = o->has_usage ? o->usage.prompt_tokens : -1,
		.completion_tokens = o->has_usage ? o->usage.completion_tokens : -1,
		.total_tokens = o->has_usage ? o->usage.total_tokens : -1,
		.latency_ms = o->first_byte > 0 ? o->first_byte - o->t0 : -1,
		.duration_ms = oneshot_now() - o->t0,
		.error = error,
		.response_id = o->resp_id,
	};
	char *cause = NULL;

	if (o->st == NULL || o->message <= 0)
		return;
	if (store_message_update(o->st, &m, &cause) != 0) {
		app_error("warning: %s", cause);
		free(cause);
	}
}

/* Take one delta: print it, keep it. */
static void
oneshot_delta(struct oneshot *o, struct api_delta *d)
{
	if (d->model != NULL && o->resp_model == NULL)
		o->resp_model = xstrdup(d->model);
	if (d->id != NULL && o->resp_id == NULL)
		o->resp_id = xstrdup(d->id);
	if (d->has_usage) {
		o->usage = d->usage;
		o->has_usage = true;
	}
	if (d->finish_reason != NULL) {
		free(o->finish_reason);
		o->finish_reason = xstrdup(d->finish_reason);
	}
	if (d->reasoning != NULL) {
		oneshot_clear_waiting(o);
		buf_add(&o->reasoning, d->reasoning, strlen(d->reasoning));
		if (!o->app->json && !o->app->quiet) {
			if (!o->reasoning_open) {
				fputs(o->err_color ? "\033[2m" : "", stderr);
				o->reasoning_open = true;
			}
			buf_reset(&o->scratch);
			text_sanitize(&o->rsan, d->reasoning, strlen(d->reasoning), &o->scratch);
			fwrite(o->scratch.data, 1, o->scratch.len, stderr);
		}
	}
	if (d->content != NULL) {
		size_t len = strlen(d->content);

		oneshot_clear_waiting(o);
		oneshot_end_reasoning(o);
		buf_add(&o->content, d->content, len);
		if (o->app->json)
			;
		else if (o->app->raw)
			oneshot_emit(o, d->content, len);
		else {
			buf_reset(&o->scratch);
			text_sanitize(&o->san, d->content, len, &o->scratch);
			oneshot_emit(o, o->scratch.data, o->scratch.len);
		}
	}
	if (d->has_error && !o->has_error) {
		o->error = d->error;
		memset(&d->error, 0, sizeof d->error);
		o->has_error = true;
	}
}

/* One event-stream event. */
static int
oneshot_event(const struct sse_event *ev, void *arg)
{
	struct oneshot *o = arg;
	struct api_delta d;
	char *cause = NULL;

	if (ev->data_len == 0)	/* an empty event, as some peers send: skip it */
		return 0;
	if (ev->data_len == 6 && memcmp(ev->data, "[DONE]", 6) == 0) {
		o->done_seen = true;
		return 0;
	}
	if (api_chunk_parse(ev->data, ev->data_len, &d, &cause) != 0) {
		o->malformed = cause;
		return 1;
	}
	oneshot_delta(o, &d);
	api_delta_release(&d);
	o->dirty = true;
	return o->has_error ? 1 : 0;
}

/* Once a second: save what arrived since the last save. */
static void
oneshot_tick(void *arg)
{
	struct oneshot *o = arg;

	if (o->dirty) {
		oneshot_flush(o, "streaming", NULL);
		o->dirty = false;
	}
}

/* ---- transfer callbacks ------------------------------------------------------ */

static bool
oneshot_on_headers(long status, const char *content_type, void *arg)
{
	struct oneshot *o = arg;

	o->first_byte = oneshot_now();
	return content_type != NULL && strncasecmp(content_type, "text/event-stream", 17) == 0;
}

static int
oneshot_on_data(const char *data, size_t len, void *arg)
{
	struct oneshot *o = arg;
	char *cause = NULL;
	int r = sse_feed(o->sse, data, len, &cause);

	if (r < 0)
		o->malformed = cause;
	if (!o->app->json)
		fflush(stdout);
	return r != 0;
}

static void
oneshot_on_retry(int attempt, long wait_ms, const char *why, void *arg)
{
	struct oneshot *o = arg;

	oneshot_clear_waiting(o);
	if (!o->app->quiet)
		fprintf(stderr, "confab: %s; retrying in %.1f s (attempt %d of %d)\n", why,
		    (double)wait_ms / 1000, attempt + 1, ONESHOT_RETRIES + 1);
}

/* Say why a non-2xx answer failed, and pick the exit code. */
static int
oneshot_status_error(struct oneshot *o, const struct http_result *r)
{
	struct api_error e;
	bool parsed = api_error_parse(r->body.data, r->body.len, &e) == 0;
	const char *msg = parsed ? e.message : "no error message";
	char detail[64] = "";
	int code = EXIT_PROVIDER;

	if (parsed && e.code != NULL)
		snprintf(detail, sizeof detail, " %.50s", e.code);
	if (r->status == 401 || r->status == 403) {
		app_error("authentication failed (HTTP %ld%s: %s); check the API key from %s",
		    r->status, detail, msg, o->acc.key_origin != NULL ? o->acc.key_origin :
		    "nowhere (no key was sent)");
		code = EXIT_AUTH;
	} else if (parsed && api_error_is_content_filter(&e))
		app_error("the provider blocked this content (HTTP %ld%s): %s", r->status, detail,
		    msg);
	else if (parsed && api_error_is_quota(&e))
		app_error("the provider refused: quota exhausted (HTTP %ld%s): %s", r->status,
		    detail, msg);
	else if (r->status == 429)
		app_error("rate limited by the provider (HTTP 429%s: %s) after %d attempts; wait "
		    "and try again", detail, msg, r->attempts);
	else if (r->status == 404)
		app_error("HTTP 404%s from %s: %s; check --model ('%s') and --base-url", detail,
		    o->base_url, msg, o->model);
	else if (!parsed)
		app_error("HTTP %ld from %s, and not an API error (%s)%s", r->status, o->base_url,
		    r->content_type != NULL ? r->content_type : "no content type",
		    r->attempts > 1 ? "; retries did not help" : "");
	else
		app_error("the provider failed (HTTP %ld%s): %s", r->status, detail, msg);
	if (parsed) {
		if (!o->has_error) {
			o->error = e;
			o->has_error = true;
		} else
			api_error_release(&e);
	}
	return code;
}

/* A 2xx body that was not an event stream: a whole response, or an error. */
static void
oneshot_whole_body(struct oneshot *o, const struct http_result *r)
{
	struct api_delta d;
	char *cause = NULL;

	if (api_response_parse(r->body.data, r->body.len, &d, &cause) != 0) {
		o->malformed = cause;
		return;
	}
	oneshot_delta(o, &d);
	api_delta_release(&d);
	o->done_seen = true;
}

static void
oneshot_on_done(const struct http_result *r, void *arg)
{
	struct oneshot *o = arg;
	struct buf left;

	o->xfer = NULL;
	oneshot_clear_waiting(o);
	if (r->outcome == HTTP_OK && !r->streamed && o->malformed == NULL)
		oneshot_whole_body(o, r);
	if (r->outcome == HTTP_OK && r->streamed && !o->done_seen && o->malformed == NULL) {
		buf_init(&left, 0);
		sse_finish(o->sse, &left);
		if (left.len == 6 && memcmp(left.data, "[DONE]", 6) == 0)
			o->done_seen = true;
		buf_release(&left);
	}
	oneshot_end_reasoning(o);
	buf_reset(&o->scratch);
	text_sanitize_finish(&o->san, &o->scratch);
	if (!o->app->json && !o->app->raw)
		oneshot_emit(o, o->scratch.data, o->scratch.len);

	if (o->malformed != NULL) {
		app_error("the provider's answer cannot be read: %s; the partial answer was kept",
		    o->malformed);
		o->exit = EXIT_PROVIDER;
		oneshot_flush(o, "error", o->malformed);
	} else if (o->has_error && r->outcome != HTTP_STATUS) {
		app_error("the provider %s: %s%s%s%s", api_error_is_content_filter(&o->error) ?
		    "blocked the answer" : "stopped with an error", o->error.message,
		    o->error.code != NULL ? " (" : "", o->error.code != NULL ? o->error.code : "",
		    o->error.code != NULL ? ")" : "");
		o->exit = EXIT_PROVIDER;
		oneshot_flush(o, "error", o->error.message);
	} else if (r->outcome == HTTP_CANCELLED) {
		app_error("interrupted; the partial answer was kept");
		o->exit = o->signal == SIGTERM ? 143 : o->signal == SIGHUP ? 129 : EXIT_INTERRUPTED;
		oneshot_flush(o, "interrupted", "interrupted by the user");
	} else if (r->outcome == HTTP_STATUS) {
		o->exit = oneshot_status_error(o, r);
		oneshot_flush(o, "error", o->has_error ? o->error.message : "HTTP error");
	} else if (r->outcome != HTTP_OK) {
		app_error("%s %s: %s%s", r->streamed ? "the answer from" : "cannot reach",
		    o->base_url, r->error, r->streamed ? "; the partial answer was kept" :
		    r->attempts > 1 ? " (after retries)" : "");
		o->exit = EXIT_NETWORK;
		oneshot_flush(o, r->streamed ? "incomplete" : "error", r->error);
	} else if (!o->done_seen && o->finish_reason == NULL) {
		app_error("the answer was cut off: the connection closed before it was complete; "
		    "the partial answer was kept");
		o->exit = EXIT_NETWORK;
		oneshot_flush(o, "incomplete", "the stream ended early");
	} else {
		o->exit = EXIT_OK;
		oneshot_flush(o, "complete", NULL);
	}
	loop_stop(o->loop);
}

static void
oneshot_on_signal(int sig, void *arg)
{
	struct oneshot *o = arg;

	if (sig == SIGWINCH)
		return;
	if (o->signal == 0)
		o->signal = sig;
	if (o->xfer != NULL)
		http_cancel(o->xfer);
}

/* ---- the whole exchange --------------------------------------------------- */

/* Store the conversation and the prompt before anything is sent. */
static int
oneshot_record_prompt(struct oneshot *o, const char *prompt, struct oneshot_history *hist)
{
	char *cause = NULL, *title;
	int64_t conv = 0;

	if (o->app->cont) {
		if ((conv = store_conversation_latest(o->st, &cause)) < 0)
			goto fail;
		if (conv > 0 && store_messages_each(o->st, conv, oneshot_history_cb, hist,
		    &cause) != 0)
			goto fail;
	}
	if (o->app->no_log) {
		o->st = NULL;	/* nothing more is written */
		return 0;
	}
	if (conv == 0) {
		title = xstrndup(prompt, strcspn(prompt, "\n") < 80 ? strcspn(prompt, "\n") : 80);
		conv = store_conversation_new(o->st, title, o->model, o->base_url, &cause);
		free(title);
		if (conv < 0)
			goto fail;
	}
	o->conversation = conv;
	if (store_message_add(o->st, conv, "user", prompt, o->model, "complete", &cause) < 0 ||
	    (o->message = store_message_add(o->st, conv, "assistant", "", o->model, "streaming",
	    &cause)) < 0)
		goto fail;
	return 0;
fail:
	app_error("%s; nothing was sent", cause);
	free(cause);
	return EXIT_USAGE;
}

static void
oneshot_print_json(struct oneshot *o)
{
	cJSON *j = cJSON_CreateObject(), *u;
	char *s, *content = xstrndup(o->content.data, o->content.len);

	cJSON_AddStringToObject(j, "id", o->resp_id != NULL ? o->resp_id : "");
	cJSON_AddStringToObject(j, "model", o->resp_model != NULL && *o->resp_model != '\0' ?
	    o->resp_model : o->model);
	cJSON_AddStringToObject(j, "content", content);
	if (o->reasoning.len > 0)
		cJSON_AddStringToObject(j, "reasoning", o->reasoning.data);
	else
		cJSON_AddNullToObject(j, "reasoning");
	if (o->finish_reason != NULL)
		cJSON_AddStringToObject(j, "finish_reason", o->finish_reason);
	else
		cJSON_AddNullToObject(j, "finish_reason");
	if (o->has_usage) {
		u = cJSON_AddObjectToObject(j, "usage");
		cJSON_AddNumberToObject(u, "prompt_tokens", (double)o->usage.prompt_tokens);
		cJSON_AddNumberToObject(u, "completion_tokens", (double)o->usage.completion_tokens);
		cJSON_AddNumberToObject(u, "total_tokens", (double)o->usage.total_tokens);
	} else
		cJSON_AddNullToObject(j, "usage");
	cJSON_AddArrayToObject(j, "disclaimers");
	cJSON_AddBoolToObject(j, "complete", o->exit == EXIT_OK);
	if (o->has_error)
		cJSON_AddStringToObject(j, "error", o->error.message);
	if (o->conversation > 0) {
		cJSON_AddNumberToObject(j, "conversation_id", (double)o->conversation);
		cJSON_AddNumberToObject(j, "message_id", (double)o->message);
	} else {
		cJSON_AddNullToObject(j, "conversation_id");
		cJSON_AddNullToObject(j, "message_id");
	}
	s = cJSON_PrintUnformatted(j);
	puts(s);
	free(s);
	free(content);
	cJSON_Delete(j);
}

static void
oneshot_print_usage(struct oneshot *o)
{
	const char *model = o->resp_model != NULL && *o->resp_model != '\0' ? o->resp_model :
	    o->model;

	if (o->app->quiet || o->app->json)
		return;
	fprintf(stderr, "%s[%s, %.1f s", o->err_color ? "\033[2m" : "", model,
	    (double)(oneshot_now() - o->t0) / 1000);
	if (o->has_usage)
		fprintf(stderr, ", %ld prompt + %ld completion tokens", o->usage.prompt_tokens,
		    o->usage.completion_tokens);
	if (o->finish_reason != NULL && strcmp(o->finish_reason, "stop") != 0)
		fprintf(stderr, ", finish_reason %s", o->finish_reason);
	fprintf(stderr, "]%s\n", o->err_color ? "\033[m" : "");
}

/* Build and send the request, run the loop until the answer is in. */
static void
oneshot_exchange(struct oneshot *o, const char *prompt, struct oneshot_history *hist)
{
	const char *system = config_get(&o->app->cfg, CONFIG_SYSTEM);
	const char *temp = config_get(&o->app->cfg, CONFIG_TEMPERATURE);
	const char *maxt = config_get(&o->app->cfg, CONFIG_MAX_TOKENS);
	const char *think = config_get(&o->app->cfg, CONFIG_ENABLE_THINKING);
	struct api_message *msgs = xcalloc(hist->n + 2, sizeof *msgs);
	const char *hdrs[5] = { "Content-Type: application/json", NULL, NULL, NULL, NULL };
	struct api_request req = {
		.model = o->model,
		.messages = msgs,
		.stream = !o->app->no_stream,
		.temperature = temp != NULL ? strtod(temp, NULL) : -1,
		.max_tokens = maxt != NULL ? strtol(maxt, NULL, 10) : 0,
		.enable_thinking = think == NULL ? -1 : (strcmp(think, "yes") == 0 ||
		    strcmp(think, "true") == 0 || strcmp(think, "1") == 0),
	};
	struct http_request hr = { 0 };
	char *url, *body;
	size_t n = 0, h = 1;

	if (system != NULL)
		msgs[n++] = (struct api_message){ API_SYSTEM, system };
	if (hist->n > 0)
		memcpy(msgs + n, hist->m, hist->n * sizeof *msgs);
	n += hist->n;
	msgs[n++] = (struct api_message){ API_USER, prompt };
	req.nmessages = n;
	body = api_request_json(&req);
	hdrs[h++] = req.stream ? "Accept: text/event-stream" : "Accept: application/json";
	if (o->acc.auth_header != NULL)
		hdrs[h++] = o->acc.auth_header;
	url = xasprintf("%s%schat/completions", o->base_url,
	    o->base_url[strlen(o->base_url) - 1] == '/' ? "" : "/");

	hr.url = url;
	hr.body = body;
	hr.body_len = strlen(body);
	hr.headers = hdrs;
	hr.connect_timeout_s = strtol(config_get(&o->app->cfg, CONFIG_CONNECT_TIMEOUT), NULL, 10);
	hr.stall_timeout_s = strtol(config_get(&o->app->cfg, CONFIG_TIMEOUT), NULL, 10);
	hr.max_retries = ONESHOT_RETRIES;
	hr.max_body = (size_t)64 << 20;
	hr.on_headers = oneshot_on_headers;
	hr.on_data = oneshot_on_data;
	hr.on_retry = oneshot_on_retry;
	hr.on_done = oneshot_on_done;
	hr.arg = o;

	if (isatty(STDERR_FILENO) && !o->app->quiet) {
		fprintf(stderr, "waiting for %s...", o->model);
		o->waiting_shown = true;
	}
	o->t0 = oneshot_now();
	loop_set_timer(o->loop, ONESHOT_FLUSH_MS, oneshot_tick, o);
	o->xfer = http_start(loop_http(o->loop), &hr);
	loop_run(o->loop);
	free(url);
	explicit_bzero(body, strlen(body));
	free(body);
	free(msgs);
}

int
oneshot_run(struct app *app, int argc, char **argv)
{
	struct oneshot o = { .app = app, .exit = EXIT_OK };
	struct oneshot_history hist = { 0 };
	struct buf prompt;
	char *cause = NULL;
	int r;

	buf_init(&prompt, ONESHOT_STDIN_MAX + 65536);
	if ((r = oneshot_prompt(argc, argv, &prompt)) != 0)
		goto out;
	if ((r = app_preflight(app, &o.acc)) != 0)
		goto out;
	o.st = app_store(app, &cause);
	o.model = config_get(&app->cfg, CONFIG_MODEL);
	o.base_url = config_get(&app->cfg, CONFIG_BASE_URL);
	if ((r = oneshot_record_prompt(&o, prompt.data, &hist)) != 0)
		goto out;

	buf_init(&o.content, (size_t)256 << 20);
	buf_init(&o.reasoning, (size_t)256 << 20);
	buf_init(&o.scratch, 0);
	text_sanitizer_init(&o.san, TEXT_DROP);
	text_sanitizer_init(&o.rsan, TEXT_DROP);
	o.err_color = tty_color_ok(stderr);
	o.sse = sse_new(ONESHOT_LINE_MAX, oneshot_event, &o);
	o.loop = loop_new();
	loop_on_signal(o.loop, oneshot_on_signal, &o);
	oneshot_exchange(&o, prompt.data, &hist);
	loop_free(o.loop);

	if (app->json)
		oneshot_print_json(&o);
	else if (o.content.len > 0 || o.exit == EXIT_OK) {
		o.held_newlines = 0;
		putchar('\n');
	}
	fflush(stdout);
	oneshot_print_usage(&o);
	r = o.exit;

	sse_free(o.sse);
	buf_release(&o.content);
	buf_release(&o.reasoning);
	buf_release(&o.scratch);
	free(o.finish_reason);
	free(o.resp_model);
	free(o.resp_id);
	free(o.malformed);
	api_error_release(&o.error);
out:
	oneshot_history_release(&hist);
	app_access_release(&o.acc);
	buf_release(&prompt);
	free(cause);
	return r;
}
