/*
 * api.h: the OpenAI-compatible chat-completions wire format. Pure: builds
 * request JSON and turns response JSON into deltas; no I/O.
 *
 * Handles DashScope (reasoning in delta.reasoning_content, error codes as
 * strings), Ollama (delta.reasoning, repeated role), llama.cpp (integer
 * error codes, timings, model ""), vLLM (usage chunk without choices), and
 * ignores unknown keys everywhere.
 */
#ifndef CONFAB_API_H
#define CONFAB_API_H

#include <stdbool.h>
#include <stddef.h>

enum api_role {
	API_SYSTEM,
	API_USER,
	API_ASSISTANT,
};

struct api_message {
	enum api_role role;
	const char *content;	/* borrowed, valid UTF-8, NUL-terminated; NULL is sent as "" */
};

struct api_request {
	const char *model;	/* NULL: not sent (llama-server ignores it anyway) */
	const struct api_message *messages;	/* in order; reasoning is never sent back */
	size_t nmessages;
	bool stream;
	double temperature;	/* < 0, NaN or infinite: not sent */
	long max_tokens;	/* <= 0: not sent */
	int enable_thinking;	/* -1: not sent; 0 or 1: sent as a top-level boolean */
};

/*
 * The request body (allocated, compact JSON): model, messages (role and
 * content only), "stream": true or false, then stream_options.include_usage
 * when streaming, temperature, max_tokens and enable_thinking when set.
 * Content is escaped exactly: quote, backslash and every control character
 * escaped (\n, \t, ... or \u00XX), all other UTF-8 bytes copied as they are.
 */
char *api_request_json(const struct api_request *req);

struct api_usage {
	long prompt_tokens;	/* -1 when absent */
	long completion_tokens;
	long total_tokens;
	long reasoning_tokens;	/* completion_tokens_details.reasoning_tokens, -1 when absent */
};

struct api_error {
	char *message;	/* never NULL when set: message, else type, else code, else "unknown error" */
	char *code;	/* string form, also for integer codes (llama.cpp: "400"); NULL when absent, null or "" */
	char *type;	/* NULL when absent, null or "" */
};

/*
 * What one streamed chunk (or a whole non-streamed response) carried. A
 * string that is absent, null, "" or not a string is NULL. All pointers are
 * the caller's, freed by api_delta_release().
 */
struct api_delta {
	char *content;		/* text to append (allocated), or NULL */
	char *reasoning;	/* reasoning_content, else reasoning (Ollama); never both */
	char *finish_reason;	/* "stop", "length", "content_filter", ... or NULL */
	char *model;		/* the model named in the chunk, or NULL */
	char *id;		/* the completion id, or NULL */
	bool has_usage;		/* usage was an object (it is null in ordinary chunks) */
	struct api_usage usage;	/* all -1 unless has_usage */
	bool has_error;		/* the chunk was an error object: only id and model are also set */
	struct api_error error;
};

/* Free the contents and reset (NULL-safe; safe after a -1 from a parser). */
void api_delta_release(struct api_delta *d);
void api_error_release(struct api_error *e);

/*
 * Parse one event-stream data payload (a chat.completion.chunk). Returns 0
 * with d filled (an error object inside the stream sets has_error), or -1 with
 * *cause set when the data is not JSON or not an object ("malformed JSON in
 * the event stream: ..." with a sanitised excerpt of at most 80 bytes); d is
 * then empty. cause may be NULL. Only choices[0] is used; choices may be [],
 * null or missing. "[DONE]" is not JSON: the caller checks for it first.
 *
 * An error object is one with an "error" member that is not null or false
 * (an object, or a bare string as Ollama's native API sends), or the
 * top-level {"message": "...", "code": ...} form (DashScope native, vLLM):
 * a string "message" and no "choices" member.
 */
int api_chunk_parse(const char *data, size_t len, struct api_delta *d, char **cause);

/*
 * Parse a whole non-streamed chat.completion response (choices[0].message,
 * or .delta when message is missing), or an error body. Same contract.
 */
int api_response_parse(const char *data, size_t len, struct api_delta *d, char **cause);

/*
 * Parse an HTTP error body ({"error": {...}} as OpenAI, DashScope, Ollama and
 * llama.cpp send it, {"error": "text"}, or {"message": ..., "code": ...}).
 * Returns 0 with e set, or -1 with e empty when the body holds no
 * recognisable error (an HTML page, not JSON, {"error": null}, {}).
 */
int api_error_parse(const char *body, size_t len, struct api_error *e);

/*
 * Is this error a content-safety rejection? True when the code or the type is
 * data_inspection_failed (DashScope; gateways spell it DataInspectionFailed)
 * or content_filter (Azure), compared ignoring ASCII case and underscores.
 * The message is not looked at. Not retryable.
 */
bool api_error_is_content_filter(const struct api_error *e);

/*
 * Is this a quota error that retrying cannot fix? True when the code or the
 * type is insufficient_quota (compared as above). limit_requests, the other
 * 429, is a rate limit and retryable.
 */
bool api_error_is_quota(const struct api_error *e);

/*
 * Model ids from a /models response ({"data": [{"id": ...}, ...]}), in order:
 * *ids is an allocated array of *n allocated strings (NULL when *n is 0);
 * entries without a non-empty string id are skipped. Returns -1 with *cause
 * set (cause may be NULL) when the body is not a JSON object with a "data"
 * array; *ids is then NULL.
 */
int api_models_parse(const char *data, size_t len, char ***ids, size_t *n, char **cause);

/* Free what api_models_parse returned (NULL-safe). */
void api_models_free(char **ids, size_t n);

#endif
