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
	const char *content;	/* borrowed, valid UTF-8, NUL-terminated */
};

struct api_request {
	const char *model;
	const struct api_message *messages;	/* in order; reasoning is never sent back */
	size_t nmessages;
	bool stream;
	double temperature;	/* < 0: not sent */
	long max_tokens;	/* <= 0: not sent */
	int enable_thinking;	/* -1: not sent; 0 or 1: sent as a top-level boolean */
};

/* The request body (allocated, compact JSON). stream adds stream_options.include_usage. */
char *api_request_json(const struct api_request *req);

struct api_usage {
	long prompt_tokens;	/* -1 when absent */
	long completion_tokens;
	long total_tokens;
	long reasoning_tokens;	/* completion_tokens_details.reasoning_tokens, -1 when absent */
};

struct api_error {
	char *message;	/* never NULL when set */
	char *code;	/* string form, also for integer codes; NULL when absent or null */
	char *type;	/* NULL when absent */
};

/* What one streamed chunk (or a whole non-streamed response) carried. */
struct api_delta {
	char *content;		/* text to append (allocated), or NULL */
	char *reasoning;	/* reasoning text to append (allocated), or NULL */
	char *finish_reason;	/* "stop", "length", "content_filter", ... or NULL */
	char *model;		/* the model named in the chunk, or NULL */
	char *id;		/* the completion id, or NULL */
	bool has_usage;
	struct api_usage usage;
	bool has_error;		/* the chunk was an error object */
	struct api_error error;
};

void api_delta_release(struct api_delta *d);
void api_error_release(struct api_error *e);

/*
 * Parse one event-stream data payload (a chat.completion.chunk). Returns 0
 * with d filled (an error object inside the stream sets has_error), or -1 with
 * *cause set when the data is not JSON or not an object. Only choices[0] is
 * used; choices may be [], null or missing.
 */
int api_chunk_parse(const char *data, size_t len, struct api_delta *d, char **cause);

/* Parse a whole non-streamed chat.completion response (message.content). Same contract. */
int api_response_parse(const char *data, size_t len, struct api_delta *d, char **cause);

/*
 * Parse an HTTP error body ({"error": {...}} as OpenAI, DashScope, Ollama and
 * llama.cpp send it, or {"message": ..., "code": ...}). Returns 0 with e set,
 * or -1 when the body holds no recognisable error (e.g. an HTML page).
 */
int api_error_parse(const char *body, size_t len, struct api_error *e);

/* Is this error a content-safety rejection (data_inspection_failed and its spellings)? */
bool api_error_is_content_filter(const struct api_error *e);

/* Is this a quota error that retrying cannot fix (insufficient_quota)? */
bool api_error_is_quota(const struct api_error *e);

/* Model ids from a /models response, in order (allocated array of allocated strings). */
int api_models_parse(const char *data, size_t len, char ***ids, size_t *n, char **cause);

#endif
