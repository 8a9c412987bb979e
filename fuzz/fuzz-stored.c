/*
 * fuzz-stored.c: libFuzzer target for the JSON of stored messages: a stored
 * conversation sent back as a request (api_request_json) and a stored
 * notices column (disclaimer_json's array, or anything a changed database
 * holds) read back the way 'confab log' and the chat read it.
 *
 * The input is a conversation: messages separated by NUL bytes, the first
 * the system prompt, then user and assistant turns; the first byte also
 * picks the request options. Checks: the request is one JSON object whose
 * "messages" array has every message, in order, with its role and its
 * content byte for byte (the store may hold bytes that are not UTF-8:
 * they must still come back exactly, never cut at a NUL or an escape);
 * "stream" and the options are as asked. Then the whole input, as a stored
 * notices column, is parsed and walked: every text and clause is a string.
 *
 * Build with 'make fuzz' (see fuzz/README.md), then:
 *   fuzz/fuzz-stored -max_total_time=60 -max_len=4096 CORPUS_DIR fuzz/corpus/stored
 */
#include "common.h"

#include <cjson/cJSON.h>

#include "api.h"
#include "fuzz.h"
#include "text.h"
#include "buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MESSAGES 64

static const char *const fuzz_roles[] = { "system", "user", "assistant" };

/* The request for the messages, parsed back and compared. */
static void
fuzz_request(const struct api_message *m, size_t n, unsigned int opts)
{
	struct api_request req = {
		.model = (opts & 1) ? "qwen-plus" : NULL,
		.messages = m,
		.nmessages = n,
		.stream = (opts & 2) != 0,
		.temperature = (opts & 4) ? 0.5 : -1,
		.max_tokens = (opts & 8) ? 100 : 0,
		.enable_thinking = (int)(opts >> 4 & 3) - 1,
	};
	char *body = api_request_json(&req);
	cJSON *root = cJSON_ParseWithLength(body, strlen(body)), *msgs, *item;
	struct buf want;
	size_t i = 0;

	buf_init(&want, BUF_DEFAULT_MAX);
	FUZZ_ASSERT(cJSON_IsObject(root));
	FUZZ_ASSERT(cJSON_IsBool(cJSON_GetObjectItem(root, "stream")) &&
	    cJSON_IsTrue(cJSON_GetObjectItem(root, "stream")) == req.stream);
	msgs = cJSON_GetObjectItem(root, "messages");
	FUZZ_ASSERT(cJSON_IsArray(msgs) && (size_t)cJSON_GetArraySize(msgs) == n);
	cJSON_ArrayForEach (item, msgs) {
		const char *role = cJSON_GetStringValue(cJSON_GetObjectItem(item, "role"));
		const char *content = cJSON_GetStringValue(cJSON_GetObjectItem(item, "content"));

		FUZZ_ASSERT(role != NULL && strcmp(role, fuzz_roles[m[i].role]) == 0);
		/* What is sent is the stored text with invalid UTF-8 repaired (U+FFFD). */
		buf_reset(&want);
		(void)text_utf8_repair(m[i].content, strlen(m[i].content), &want, NULL);
		buf_add(&want, "", 1);
		FUZZ_ASSERT(content != NULL && strcmp(content, want.data) == 0);
		i++;
	}
	cJSON_Delete(root);
	free(body);
	buf_release(&want);
}

/* A stored notices column read back: each item a string or {id, clause, text}. */
static void
fuzz_notices(const char *s, size_t len)
{
	cJSON *arr = cJSON_ParseWithLength(s, len), *d, *t, *c;

	cJSON_ArrayForEach (d, arr) {
		t = cJSON_IsString(d) ? d : cJSON_GetObjectItemCaseSensitive(d, "text");
		c = cJSON_GetObjectItemCaseSensitive(d, "clause");
		if (cJSON_IsString(t))
			FUZZ_ASSERT(t->valuestring != NULL);
		if (cJSON_IsString(c))
			FUZZ_ASSERT(c->valuestring != NULL);
	}
	cJSON_Delete(arr);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct api_message m[FUZZ_MESSAGES];
	char *copy;
	size_t n = 0, i, start;
	unsigned int opts = size > 0 ? data[0] : 0;

	if (size == 0)
		return 0;
	copy = xmalloc(size);
	memcpy(copy, data + 1, size - 1);
	copy[size - 1] = '\0';
	for (i = start = 0; i < size && n < FUZZ_MESSAGES; i++) {
		if (copy[i] != '\0')
			continue;
		m[n].role = n == 0 ? API_SYSTEM : n % 2 == 1 ? API_USER : API_ASSISTANT;
		m[n].content = copy + start;
		n++;
		start = i + 1;
	}
	fuzz_request(m, n, opts);
	fuzz_notices((const char *)data, size);
	free(copy);
	return 0;
}
