/*
 * fuzz-api.c: libFuzzer target for the wire-format parsers (api.c).
 *
 * Feeds the input to api_chunk_parse, api_response_parse, api_error_parse and
 * api_models_parse, checks what they promise (a cause on -1 and nothing else,
 * an error message whenever has_error, excerpts free of control characters),
 * releases everything, checks that api_request_json round-trips the input
 * as message content whenever it is valid UTF-8 without NUL, classifies every
 * error it parses, and checks that the inline-reasoning splitter gives the
 * same split fed whole, byte by byte and cut at one point, and the same as
 * api_think_skip.
 *
 * Build and run (see fuzz/README.md): in a configured build directory,
 *
 *   make fuzz
 *   cp -r $SRC/fuzz/corpus/api /tmp/fuzz-api-corpus
 *   fuzz/fuzz-api -max_total_time=60 -max_len=4096 /tmp/fuzz-api-corpus
 *
 * Seeds used: 13 payloads taken from tests/unit/test-api.c (DashScope, Qwen3,
 * Ollama, llama.cpp, vLLM chunks; error bodies; a /models list; an HTML page)
 * and a dictionary of the JSON keys ("choices", "delta", "reasoning_content",
 * "usage", "error", ...).
 *
 * Last run (clang 14.0.6, Debian 12, libcjson 1.7.15): 60 s, 380,466 runs
 * (about 6,200/s), no crash, no sanitizer report, no leak; cov 243, ft 685,
 * corpus 185 units / 7.4 KB; peak RSS 502 MB.
 *
 * After the error classes and the think splitter were added (seeds: a think
 * block, an AccessDenied.Unpurchased error, "  <thi"): 60 s, 1,302,959 runs,
 * then 30 s more, 450,883 runs (about 14,500/s); no crash, no sanitizer
 * report, no leak; cov 334, ft 1058, corpus 317 units / 24 KB; peak RSS 481 MB.
 *
 * cJSON itself comes from the system library and is not instrumented, so
 * ASan sees only this module's own reads and writes.
 */
#include "common.h"

#include <cjson/cJSON.h>

#include "api.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A cause must be set, start with what failed, and carry no control bytes. */
static void
check_cause(const char *cause)
{
	const unsigned char *p;

	if (cause == NULL)
		abort();
	for (p = (const unsigned char *)cause; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			abort();
	}
	if (!text_utf8_valid(cause, strlen(cause), NULL))
		abort();
}

/* Every error has a class with a name, whatever the status. */
static void
check_class(const struct api_error *e)
{
	enum api_error_class c;
	long status;

	/* a status that varies with the input: 0 to 599 */
	status = e->message != NULL ? (long)(strlen(e->message) % 600) : 0;
	c = api_error_classify(e, status);
	if (api_error_class_name(c) == NULL)
		abort();
	(void)api_error_class_retryable(api_error_classify(e, 0));
}

static void
check_delta(int rv, struct api_delta *d, char *cause)
{
	if (rv == -1) {
		check_cause(cause);
		if (d->content != NULL || d->reasoning != NULL || d->has_error || d->has_usage)
			abort();
	} else {
		if (cause != NULL)
			abort();
		if (d->has_error && d->error.message == NULL)
			abort();
		if (d->content != NULL && *d->content == '\0')
			abort();
		if (!d->has_usage && d->usage.prompt_tokens != -1)
			abort();
		(void)api_error_is_content_filter(&d->error);
		(void)api_error_is_quota(&d->error);
		check_class(&d->error);
	}
	free(cause);
	api_delta_release(d);
}

/* Split data fed in pieces of step bytes (0: whole), the first cut at cut. */
static void
think_split(const char *data, size_t size, size_t cut, size_t step, struct buf *content,
    struct buf *reasoning)
{
	struct api_think t;
	size_t i, n;

	buf_init(content, 0);
	buf_init(reasoning, 0);
	api_think_init(&t);
	api_think_feed(&t, data, cut, content, reasoning);
	for (i = cut; i < size; i += n) {
		n = step == 0 ? size - i : step;
		if (n > size - i)
			n = size - i;
		api_think_feed(&t, data + i, n, content, reasoning);
	}
	api_think_finish(&t, content, reasoning);
}

/* b must hold exactly data[0..len). */
static void
check_same(const struct buf *b, const char *data, size_t len)
{
	if (b->len != len || memcmp(b->data, data, len) != 0)
		abort();
}

/* The splitter must not depend on where the input is cut, and agree with skip. */
static void
check_think(const char *data, size_t size)
{
	struct buf c1, r1, c2, r2, c3, r3;
	size_t off, roff, rlen;

	think_split(data, size, 0, 0, &c1, &r1);
	think_split(data, size, 0, 1, &c2, &r2);
	think_split(data, size, size / 2, 0, &c3, &r3);
	check_same(&c2, c1.data, c1.len);
	check_same(&r2, r1.data, r1.len);
	check_same(&c3, c1.data, c1.len);
	check_same(&r3, r1.data, r1.len);
	off = api_think_skip(data, size, &roff, &rlen);
	if (off > size || roff + rlen > off)
		abort();
	check_same(&c1, data + off, size - off);
	check_same(&r1, data + roff, rlen);
	if (off == 0 && c1.len + r1.len != size)
		abort();
	buf_release(&c1);
	buf_release(&r1);
	buf_release(&c2);
	buf_release(&r2);
	buf_release(&c3);
	buf_release(&r3);
}

/* The input as content must come back byte for byte from the request JSON. */
static void
check_request(const char *data, size_t size)
{
	struct api_message msg;
	struct api_request req;
	cJSON *root, *c;
	char *content, *json;

	if (memchr(data, '\0', size) != NULL || !text_utf8_valid(data, size, NULL))
		return;
	content = xstrndup(data, size);
	msg.role = API_USER;
	msg.content = content;
	memset(&req, 0, sizeof req);
	req.model = content;
	req.messages = &msg;
	req.nmessages = 1;
	req.stream = size % 2;
	req.temperature = (double)(size % 3) - 1;
	req.max_tokens = (long)size;
	req.enable_thinking = (int)(size % 3) - 1;

	json = api_request_json(&req);
	root = cJSON_Parse(json);
	if (root == NULL)
		abort();
	c = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(root, "messages"), 0);
	c = cJSON_GetObjectItemCaseSensitive(c, "content");
	if (!cJSON_IsString(c) || strcmp(c->valuestring, content) != 0)
		abort();
	c = cJSON_GetObjectItemCaseSensitive(root, "model");
	if (!cJSON_IsString(c) || strcmp(c->valuestring, content) != 0)
		abort();
	cJSON_Delete(root);
	free(json);
	free(content);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct api_delta d;
	struct api_error e;
	char *cause, **ids;
	size_t n, i;
	int rv;

	cause = NULL;
	rv = api_chunk_parse(s, size, &d, &cause);
	check_delta(rv, &d, cause);

	cause = NULL;
	rv = api_response_parse(s, size, &d, &cause);
	check_delta(rv, &d, cause);

	if (api_error_parse(s, size, &e) == 0) {
		if (e.message == NULL)
			abort();
		(void)api_error_is_content_filter(&e);
		(void)api_error_is_quota(&e);
		check_class(&e);
	} else if (e.message != NULL || e.code != NULL || e.type != NULL)
		abort();
	api_error_release(&e);

	cause = NULL;
	if (api_models_parse(s, size, &ids, &n, &cause) == 0) {
		if (cause != NULL || (n == 0) != (ids == NULL))
			abort();
		for (i = 0; i < n; i++) {
			if (ids[i] == NULL || *ids[i] == '\0')
				abort();
		}
		api_models_free(ids, n);
	} else {
		check_cause(cause);
		if (ids != NULL || n != 0)
			abort();
		free(cause);
	}

	check_request(s, size);
	check_think(s, size);
	return 0;
}
