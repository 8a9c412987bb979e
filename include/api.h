/*
 * api.h: the OpenAI-compatible chat-completions wire format. Pure: builds
 * request JSON, turns response JSON into deltas, classifies errors and splits
 * reasoning sent inline in the content; no I/O.
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
#include <stdint.h>

#include "buf.h"

enum api_role {
	API_SYSTEM,
	API_USER,
	API_ASSISTANT,
};

struct api_message {
	enum api_role role;
	const char *content; /* borrowed, NUL-terminated; NULL is sent as "", invalid
				   UTF-8 (a tampered store or config) as U+FFFD */
};

struct api_request {
	const char *model;		    /* NULL: not sent (llama-server ignores it anyway) */
	const struct api_message *messages; /* in order; reasoning is never sent back */
	size_t nmessages;
	bool stream;
	double temperature;  /* < 0, NaN or infinite: not sent */
	long max_tokens;     /* <= 0: not sent */
	int enable_thinking; /* -1: not sent; 0 or 1: sent as a top-level boolean */
	bool omit_usage;     /* no stream_options (servers that refuse it, as Mistral's) */
	/*
	 * Images (data: or https: URLs, borrowed) that go with the last message:
	 * with any, its content is sent as content parts,
	 * [{"type":"text","text":...},{"type":"image_url","image_url":{"url":...}},...],
	 * the form DashScope's Qwen-VL models and OpenAI-compatible vision servers take.
	 */
	const char *const *images;
	size_t nimages;
};

/*
 * The request body (allocated, compact JSON): model, messages (role and
 * content only), "stream": true or false, then stream_options.include_usage
 * when streaming (unless omit_usage), temperature, max_tokens and enable_thinking when set.
 * Content is escaped exactly: quote, backslash and every control character
 * escaped (\n, \t, ... or \u00XX), all other UTF-8 bytes copied as they are;
 * invalid UTF-8 in a message is repaired (U+FFFD, as text_utf8_repair()) first.
 */
char *api_request_json(const struct api_request *req);

struct api_usage {
	long prompt_tokens; /* -1 when absent */
	long completion_tokens;
	long total_tokens;
	long reasoning_tokens; /* completion_tokens_details.reasoning_tokens, -1 when absent */
};

struct api_error {
	char
	    *message; /* never NULL when set: message, else type, else code, else "unknown error" */
	char *
	    code; /* string form, also for integer codes (llama.cpp: "400"); NULL when absent, null or "" */
	char *type; /* NULL when absent, null or "" */
};

/*
 * UTF-16 halves cut off the ends of one text field of a chunk. A gateway that
 * slices JavaScript strings may end one chunk's content with the high half of
 * a surrogate pair ("\ud83d") and begin the next chunk's with the low half
 * ("\ude00"); api_carry_join() puts them together again. Both are 0 when
 * there is none. A lone surrogate anywhere else in any string is U+FFFD.
 */
struct api_cut {
	uint16_t high; /* 0xD800..0xDBFF: ended the field; not in the text */
	uint16_t low;  /* 0xDC00..0xDFFF: began the field; not in the text */
};

/*
 * What one streamed chunk (or a whole non-streamed response) carried. A
 * string that is absent, null, "" or not a string is NULL. All pointers are
 * the caller's, freed by api_delta_release(), except id and model when
 * names_lent is set: those are lent by the parser and valid only until the
 * next chunk is parsed (copy them to keep them).
 *
 * The text fields are valid as far as the JSON went: escapes decoded, a lone
 * surrogate escape as U+FFFD (EF BF BD). In a chunk, a surrogate cut at the
 * very end or start of content, reasoning or refusal is left out of the text
 * and set in the field's api_cut instead (the text may then be NULL); pass
 * every chunk's delta through api_carry_join() before using the text. A
 * whole response (api_response_parse) never has cuts: they are U+FFFD.
 */
struct api_delta {
	char *content;	 /* text to append (allocated), or NULL */
	char *reasoning; /* reasoning_content, else reasoning (Ollama); never both */
	char *refusal;	 /* delta.refusal or message.refusal (OpenAI), or NULL */
	struct api_cut content_cut;
	struct api_cut reasoning_cut;
	struct api_cut refusal_cut;
	bool tool_calls;	/* a non-empty tool_calls array or a function_call
				   object came, or finish_reason was "tool_calls" or
				   "function_call": the model asked to call a tool */
	char *finish_reason;	/* "stop", "length", "content_filter", ... or NULL */
	char *model;		/* the model named in the chunk, or NULL */
	char *id;		/* the completion id, or NULL */
	bool names_lent;	/* id and model are the parser's, not freed */
	bool has_usage;		/* usage was an object (it is null in ordinary chunks) */
	struct api_usage usage; /* all -1 unless has_usage */
	bool has_error;		/* the chunk was an error object: only id and model are also set */
	struct api_error error;
};

/* Set d up empty: no texts, no usage (all counts -1), no error. */
void api_delta_init(struct api_delta *d);

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
 *
 * JSON strings may hold lone surrogate escapes, which the JSON grammar allows
 * (cJSON does not): they are U+FFFD, or cuts (see struct api_cut), never a
 * reason to fail. Error offsets in *cause count the bytes as they came.
 */
int api_chunk_parse(const char *data, size_t len, struct api_delta *d, char **cause);

/*
 * The two ways api_chunk_parse() reads a chunk. api_chunk_fast() (api-fast.c)
 * reads an ordinary chunk in one pass without building a tree: it returns
 * true with d filled exactly as api_chunk_parse_tree() fills it, or false
 * with d empty when the chunk is anything unusual, for the full parser to
 * read: not strict JSON or not an object, a lone surrogate escape, a raw
 * control byte in a string, an escape in a key, a member it reads given
 * twice, several choices, tool calls, a delta that is not an object, a count
 * or code that is not a plain integer of at most 15 digits, the top-level
 * {"message": ...} error form, nesting deeper than 32. fuzz/fuzz-api-fast.c
 * checks that the two agree. It keeps the last chunk it read whole (up to
 * 4 KiB, in a static: one thread only) and reads a chunk that differs from
 * it only in the content string by reading that string alone; the result is
 * the same. api_chunk_parse_tree() is the full parser (cJSON), with
 * api_chunk_parse()'s contract.
 */
bool api_chunk_fast(const char *data, size_t len, struct api_delta *d);
int api_chunk_parse_tree(const char *data, size_t len, struct api_delta *d, char **cause);

/*
 * Parse a whole non-streamed chat.completion response (choices[0].message,
 * or .delta when message is missing), or an error body. Same contract, but a
 * surrogate half at either end of a text is U+FFFD: the cuts are always 0.
 */
int api_response_parse(const char *data, size_t len, struct api_delta *d, char **cause);

/*
 * Joining surrogate halves across the chunks of one stream. Each text field
 * (content, reasoning, refusal) keeps its own pending high half:
 *  - a high half that ended the field in one chunk and a low half that
 *    begins the same field in the next chunk that has it are one character,
 *    put at the start of that chunk's text (4 bytes of UTF-8);
 *  - a high half not followed by a low one, and a low half with no high one
 *    before it, are each U+FFFD;
 *  - a chunk without the field (NULL text and no cut) leaves a pending half
 *    waiting; so does an empty string, which is NULL.
 * Embedded; set up with api_carry_init(), no release.
 */
struct api_carry {
	uint16_t content; /* a high half waiting for its low half, or 0 */
	uint16_t reasoning;
	uint16_t refusal;
};

/* Set c up for a new stream (and for a retried attempt). */
void api_carry_init(struct api_carry *c);

/*
 * Apply c to a chunk's delta d, just parsed by api_chunk_parse(): each text
 * gets the joined character or U+FFFD in front as the rules say (a NULL text
 * may become non-NULL), a new high half moves into c, and d's cuts are 0
 * afterwards. The text's other bytes are unchanged.
 */
void api_carry_join(struct api_carry *c, struct api_delta *d);

/*
 * The stream ended (however it ended): d is set up empty, and each field that
 * still waits for a low half gets U+FFFD as its text. Returns true when d got
 * any text (pass it on like a chunk's delta), false when d is empty. c is then
 * as after api_carry_init(). Release d in either case.
 */
bool api_carry_finish(struct api_carry *c, struct api_delta *d);

/*
 * Parse an HTTP error body ({"error": {...}} as OpenAI, DashScope, Ollama and
 * llama.cpp send it, {"error": "text"}, or {"message": ..., "code": ...}).
 * Returns 0 with e set, or -1 with e empty when the body holds no
 * recognisable error (an HTML page, not JSON, {"error": null}, {}).
 */
int api_error_parse(const char *body, size_t len, struct api_error *e);

/*
 * An excerpt of untrusted data (an error body that is not an API error) to
 * quote in a message (allocated): at most max bytes (max >= 4), controls,
 * invisible or bidi characters and invalid UTF-8 each as '?', "..." when cut.
 */
char *api_excerpt_n(const char *data, size_t len, size_t max);

/*
 * Is this error a content-safety rejection? True when the code or the type is
 * data_inspection_failed (DashScope; gateways spell it DataInspectionFailed)
 * or content_filter (Azure), compared ignoring ASCII case and the separators
 * '_', '-' and '.'. The message is not looked at. Not retryable.
 */
bool api_error_is_content_filter(const struct api_error *e);

/*
 * Is this a quota error that retrying cannot fix? True when the code or the
 * type is insufficient_quota (compared as above). limit_requests, the other
 * 429, is a rate limit and retryable.
 */
bool api_error_is_quota(const struct api_error *e);

/* What an error means for the user and for a retry. */
enum api_error_class {
	API_ERR_AUTH,	    /* bad or missing key, no permission: exit 4 */
	API_ERR_RATE_LIMIT, /* too many requests: retryable */
	API_ERR_OVERLOAD,   /* server busy/unavailable/internal error: retryable */
	API_ERR_QUOTA,	    /* quota/billing exhausted: not retryable */
	API_ERR_FILTER,	    /* content-safety rejection: not retryable */
	API_ERR_OTHER,	    /* anything else: not retryable */
};

/*
 * Classify an error, the same way for an HTTP error status and for an error
 * object inside a 200 event stream. status is the HTTP status the error came
 * with, or 0 for an error inside a stream; e may be NULL (a body that was not
 * an API error: then only the status counts).
 *
 * In order, the first rule that holds decides:
 *  1. api_error_is_content_filter(): FILTER; api_error_is_quota(): QUOTA.
 *  2. The code, then the type, compared as above:
 *     AUTH: invalid_api_key, authentication_error, permission_error,
 *       permission_denied, unauthorized, invalid_authentication, and
 *       accessdenied* (DashScope's AccessDenied.Unpurchased);
 *     RATE_LIMIT: limit_requests, rate_limit_exceeded, rate_limit_error,
 *       requests (OpenAI's type), too_many_requests, and throttling*;
 *     OVERLOAD: server_error, internal_error and internalerror*,
 *       service_unavailable, overloaded, overloaded_error, engine_overloaded,
 *       timeout, bad_gateway.
 *  3. The status: the given one when it is 400 to 599, else an all-digit code
 *     (llama.cpp, vLLM and OpenRouter send "401", "429", 502): 401 and 403
 *     AUTH; 429 RATE_LIMIT; 408, 409, 500, 502, 503, 504 and 529 OVERLOAD.
 *  4. OTHER.
 */
enum api_error_class api_error_classify(const struct api_error *e, long status);

/* Is an error of class c worth retrying (RATE_LIMIT and OVERLOAD)? */
bool api_error_class_retryable(enum api_error_class c);

/*
 * The class as a short lowercase name: "auth", "rate-limit", "overload",
 * "quota", "filter", "other". Static; never NULL.
 */
const char *api_error_class_name(enum api_error_class c);

/*
 * Reasoning inline in the content: servers without a reasoning parser (vLLM
 * without --reasoning-parser, llama.cpp --reasoning-format none, some Ollama
 * set-ups) send it as a leading "<think>...</think>" block in content.
 *
 * The rules, for a stream and for stored text alike:
 *  - Only a block at the very start counts, after at most
 *    API_THINK_SPACE_MAX bytes of whitespace (space, tab, CR, LF), which are
 *    dropped. The opening tag is exactly "<think>"; a "<think>" anywhere else
 *    is ordinary content.
 *  - Everything up to "</think>" is reasoning; the tags appear nowhere.
 *    Whitespace right after "</think>" is dropped; the rest is the answer,
 *    passed on unchanged (a second "<think>" in it too).
 *  - Without a leading block every byte is content, unchanged and in order.
 *    Bytes are held back only while they could still begin "<think>" or, in
 *    the block, "</think>".
 */
#define API_THINK_SPACE_MAX 32

/* The splitter's state: embedded, set up by api_think_init(); no release. */
struct api_think {
	int state;			 /* private, as are the rest */
	char space[API_THINK_SPACE_MAX]; /* leading whitespace held back */
	size_t nspace;
	size_t ntag; /* bytes of "<think>" or "</think>" matched so far */
};

/* Set t up for the start of a new content stream. */
void api_think_init(struct api_think *t);

/*
 * Split one content delta s[0..len), cut anywhere (a tag may arrive one byte
 * at a time): append the answer's bytes to content and the reasoning's bytes
 * to reasoning; either may get nothing. A buffer at its cap drops what does
 * not fit (buf_add fails).
 */
void api_think_feed(struct api_think *t, const char *s, size_t len, struct buf *content,
    struct buf *reasoning);

/*
 * The content ended: flush what is held back (an unfinished "<thi" and the
 * whitespace before it are content; an unclosed block stays reasoning, as
 * does an unfinished "</thi" in it). t is then as after api_think_init().
 */
void api_think_finish(struct api_think *t, struct buf *content, struct buf *reasoning);

/*
 * The same rules for text already whole: returns the offset at which the
 * answer begins (0 when there is no leading block, len when the block is
 * unclosed or nothing follows it). *roff and *rlen (each may be NULL) get the
 * offset and length of the reasoning, 0 and 0 without a block.
 */
size_t api_think_skip(const char *s, size_t len, size_t *roff, size_t *rlen);

/*
 * Model ids from a /models response ({"data": [{"id": ...}, ...]}), in order:
 * *ids is an allocated array of *n allocated strings (NULL when *n is 0);
 * entries without a non-empty string id are skipped. "data": null is an empty
 * list (Ollama with no model pulled sends {"object":"list","data":null}).
 * Returns -1 with *cause set (cause may be NULL) when the body is not a JSON
 * object whose "data" is an array or null (a missing "data" is an error);
 * *ids is then NULL.
 */
int api_models_parse(const char *data, size_t len, char ***ids, size_t *n, char **cause);

/* Free what api_models_parse returned (NULL-safe). */
void api_models_free(char **ids, size_t n);

#endif
