/* test-api.c: unit tests for the chat-completions wire format (api.c). */
#include "common.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include <cjson/cJSON.h>

#include "api.h"
#include "buf.h"
#include "text.h"

/* A string literal as pointer and length, so that it may hold NUL bytes. */
#define S(lit) (lit), (sizeof(lit) - 1)

/* ---- helpers --------------------------------------------------------------- */

/*
 * Run a parser on an exactly sized heap copy of data[0..len), with no NUL
 * after it, so that a read past the end shows up under valgrind or ASan.
 */
static int
parse_with(int (*fn)(const char *, size_t, struct api_delta *, char **), const char *data,
    size_t len, struct api_delta *d, char **cause)
{
	char *copy = xmalloc(len);
	int rv;

	if (len != 0)
		memcpy(copy, data, len);
	*cause = NULL;
	rv = fn(copy, len, d, cause);
	free(copy);
	return rv;
}

/* Parse one chunk that must succeed. */
static void
chunk_ok(const char *json, struct api_delta *d)
{
	char *cause;

	assert_int_equal(parse_with(api_chunk_parse, json, strlen(json), d, &cause), 0);
	assert_null(cause);
}

/* Parse one chunk that must fail; return the cause (caller frees). */
static char *
chunk_bad(const char *data, size_t len)
{
	struct api_delta d;
	char *cause;

	assert_int_equal(parse_with(api_chunk_parse, data, len, &d, &cause), -1);
	assert_non_null(cause);
	/* d is left empty and releasable */
	assert_null(d.content);
	assert_null(d.reasoning);
	assert_null(d.id);
	assert_false(d.has_usage);
	assert_false(d.has_error);
	api_delta_release(&d);
	return cause;
}

static int
error_parse(const char *body, struct api_error *e)
{
	char *copy = xstrdup(body);
	size_t len = strlen(body);
	int rv;

	copy = xreallocarray(copy, 1, len == 0 ? 1 : len); /* drop the NUL */
	rv = api_error_parse(copy, len, e);
	free(copy);
	return rv;
}

static void
assert_no_usage(const struct api_delta *d)
{
	assert_false(d->has_usage);
	assert_int_equal(d->usage.prompt_tokens, -1);
	assert_int_equal(d->usage.completion_tokens, -1);
	assert_int_equal(d->usage.total_tokens, -1);
	assert_int_equal(d->usage.reasoning_tokens, -1);
}

static void
assert_usage(const struct api_delta *d, long prompt, long completion, long total, long reasoning)
{
	assert_true(d->has_usage);
	assert_int_equal(d->usage.prompt_tokens, prompt);
	assert_int_equal(d->usage.completion_tokens, completion);
	assert_int_equal(d->usage.total_tokens, total);
	assert_int_equal(d->usage.reasoning_tokens, reasoning);
}

/*
 * The excerpt quoted in a cause "WHAT: WHY: 'EXCERPT'" (caller frees). WHY never
 * holds ": '", so the first one starts the excerpt and the last quote ends it.
 */
static char *
cause_excerpt(const char *cause)
{
	const char *start = strstr(cause, ": '"), *end = strrchr(cause, '\'');

	assert_non_null(start);
	start += 3;
	assert_true(end >= start);
	assert_int_equal(end[1], '\0');
	return xstrndup(start, (size_t)(end - start));
}

static struct api_request
request(const struct api_message *msgs, size_t n, bool stream)
{
	struct api_request r;

	memset(&r, 0, sizeof r);
	r.model = "qwen-plus";
	r.messages = msgs;
	r.nmessages = n;
	r.stream = stream;
	r.temperature = -1;
	r.max_tokens = 0;
	r.enable_thinking = -1;
	return r;
}

/* ---- request JSON -------------------------------------------------------- */

static void
test_request_streamed(void **state)
{
	struct api_message msgs[] = {
		{ API_SYSTEM, "You are a helpful assistant." },
		{ API_USER, "hi" },
		{ API_ASSISTANT, "Hello! How can I help?" },
		{ API_USER, "tell me a joke" },
	};
	struct api_request r = request(msgs, nitems(msgs), true);
	char *json = api_request_json(&r);

	assert_string_equal(json,
	    "{\"model\":\"qwen-plus\",\"messages\":["
	    "{\"role\":\"system\",\"content\":\"You are a helpful assistant.\"},"
	    "{\"role\":\"user\",\"content\":\"hi\"},"
	    "{\"role\":\"assistant\",\"content\":\"Hello! How can I help?\"},"
	    "{\"role\":\"user\",\"content\":\"tell me a joke\"}],"
	    "\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
	free(json);
}

static void
test_request_not_streamed(void **state)
{
	struct api_message msgs[] = { { API_USER, "hi" } };
	struct api_request r = request(msgs, nitems(msgs), false);
	char *json = api_request_json(&r);

	assert_string_equal(json,
	    "{\"model\":\"qwen-plus\",\"messages\":["
	    "{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":false}");
	assert_null(strstr(json, "stream_options"));
	free(json);
}

static void
test_request_options(void **state)
{
	struct api_message msgs[] = { { API_USER, "hi" } };
	struct api_request r = request(msgs, nitems(msgs), true);
	char *json;

	r.temperature = 0.7;
	r.max_tokens = 1024;
	r.enable_thinking = 1;
	json = api_request_json(&r);
	assert_non_null(strstr(json,
	    ",\"temperature\":0.7,\"max_tokens\":1024,"
	    "\"enable_thinking\":true}"));
	free(json);

	r.enable_thinking = 0;
	r.temperature = 0;
	json = api_request_json(&r);
	assert_non_null(strstr(json, "\"temperature\":0,"));
	assert_non_null(strstr(json, "\"enable_thinking\":false}"));
	free(json);

	/* not set: none of them appear */
	r.enable_thinking = -1;
	r.temperature = -1;
	r.max_tokens = 0;
	json = api_request_json(&r);
	assert_null(strstr(json, "enable_thinking"));
	assert_null(strstr(json, "temperature"));
	assert_null(strstr(json, "max_tokens"));
	free(json);

	/* NaN and infinity are never sent (cJSON would print null) */
	r.temperature = NAN;
	r.max_tokens = -5;
	json = api_request_json(&r);
	assert_null(strstr(json, "temperature"));
	assert_null(strstr(json, "max_tokens"));
	free(json);
	r.temperature = INFINITY;
	json = api_request_json(&r);
	assert_null(strstr(json, "temperature"));
	free(json);

	/* max_tokens is printed exactly, not as a double */
	r.max_tokens = 2147483647L;
	json = api_request_json(&r);
	assert_non_null(strstr(json, "\"max_tokens\":2147483647}"));
	free(json);
	if (sizeof(long) >= 8) {
		r.max_tokens = (long)1 << 53 | 1;
		json = api_request_json(&r);
		assert_non_null(strstr(json, "\"max_tokens\":9007199254740993}"));
		free(json);
	}
}

/* Parse a request back and return messages[i].content (borrowed from root). */
static const char *
content_of(cJSON *root, int i)
{
	cJSON *msgs, *m, *c;

	msgs = cJSON_GetObjectItemCaseSensitive(root, "messages");
	assert_true(cJSON_IsArray(msgs));
	m = cJSON_GetArrayItem(msgs, i);
	assert_true(cJSON_IsObject(m));
	c = cJSON_GetObjectItemCaseSensitive(m, "content");
	assert_true(cJSON_IsString(c));
	return c->valuestring;
}

static void
test_request_utf8_round_trip(void **state)
{
	static const char *texts[] = {
		"你好，世界！请用中文回答。",
		"日本語のテキストと한국어",
		("emoji \xf0\x9f\x98\x80\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9"
		 "\xe2\x80\x8d\xf0\x9f\x91\xa7 flag \xf0\x9f\x87\xa8\xf0\x9f\x87\xb3"),
		"combining e\xcc\x81 and U+2028 \xe2\x80\xa8 U+2029 \xe2\x80\xa9",
		"rtl \xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d \xe2\x80\xae override",
		"max \xf4\x8f\xbf\xbf and U+FFFD \xef\xbf\xbd",
		"",
	};
	struct api_message msgs[nitems(texts)];
	struct api_request r;
	cJSON *root;
	char *json;
	size_t i;

	for (i = 0; i < nitems(texts); i++) {
		msgs[i].role = i % 2 == 0 ? API_USER : API_ASSISTANT;
		msgs[i].content = texts[i];
	}
	r = request(msgs, nitems(msgs), true);
	json = api_request_json(&r);
	/* UTF-8 goes out as it is, not as \u escapes */
	assert_null(strstr(json, "\\u"));
	for (i = 0; i < nitems(texts); i++)
		assert_non_null(strstr(json, texts[i]));
	root = cJSON_Parse(json);
	assert_non_null(root);
	for (i = 0; i < nitems(texts); i++) {
		assert_string_equal(content_of(root, (int)i), texts[i]);
		assert_int_equal(strlen(content_of(root, (int)i)), strlen(texts[i]));
	}
	cJSON_Delete(root);
	free(json);
}

static void
test_request_control_characters(void **state)
{
	static const char text[] = "a\x01"
				   "b\x1b]0;title\x07\n\t\r\b\f\"\\/\x7f\x1f end";
	struct api_message msgs[] = { { API_USER, text } };
	struct api_request r = request(msgs, nitems(msgs), false);
	cJSON *root;
	char *json = api_request_json(&r);
	const char *p;

	for (p = json; *p != '\0'; p++)
		assert_true((unsigned char)*p >= 0x20);
	assert_non_null(strstr(json,
	    "\"content\":\"a\\u0001b\\u001b]0;title\\u0007"
	    "\\n\\t\\r\\b\\f\\\"\\\\/\x7f\\u001f end\""));
	root = cJSON_Parse(json);
	assert_non_null(root);
	assert_string_equal(content_of(root, 0), text);
	cJSON_Delete(root);
	free(json);
}

static void
test_request_roles_and_no_reasoning(void **state)
{
	/* an assistant turn that had reasoning is sent with its content only */
	struct api_message msgs[] = {
		{ API_USER, "2+2?" },
		{ API_ASSISTANT, "4" },
		{ API_USER, "and 3+3?" },
	};
	struct api_request r = request(msgs, nitems(msgs), true);
	cJSON *root, *m;
	char *json;
	int i, n;

	r.enable_thinking = 1;
	json = api_request_json(&r);
	assert_null(strstr(json, "reasoning"));
	root = cJSON_Parse(json);
	assert_non_null(root);
	i = 0;
	cJSON_ArrayForEach (m, cJSON_GetObjectItemCaseSensitive(root, "messages")) {
		n = 0;
		for (cJSON *k = m->child; k != NULL; k = k->next)
			n++;
		assert_int_equal(n, 2); /* role and content, nothing else */
		assert_string_equal(cJSON_GetObjectItemCaseSensitive(m, "role")->valuestring,
		    i == 1 ? "assistant" : "user");
		i++;
	}
	assert_int_equal(i, 3);
	cJSON_Delete(root);
	free(json);
}

static void
test_request_edge_cases(void **state)
{
	struct api_message msgs[] = { { API_USER, NULL } };
	struct api_request r = request(NULL, 0, true);
	char *json;

	json = api_request_json(&r);
	assert_non_null(strstr(json, "\"messages\":[]"));
	free(json);

	r = request(msgs, 1, false);
	r.model = NULL;
	json = api_request_json(&r);
	assert_string_equal(json,
	    "{\"messages\":[{\"role\":\"user\",\"content\":\"\"}],\"stream\":false}");
	free(json);

	/* a model name with odd characters is escaped like content */
	r.model = "my \"model\"\n";
	json = api_request_json(&r);
	assert_non_null(strstr(json, "{\"model\":\"my \\\"model\\\"\\n\","));
	free(json);
}

/* ---- DashScope streams ------------------------------------------------------- */

static void
test_dashscope_stream(void **state)
{
	struct api_delta d;

	/* first chunk: role and an empty content */
	chunk_ok("{\"choices\":[{\"delta\":{\"content\":\"\",\"role\":\"assistant\"},"
		 "\"index\":0,\"logprobs\":null,\"finish_reason\":null}],"
		 "\"object\":\"chat.completion.chunk\",\"usage\":null,\"created\":1735795200,"
		 "\"system_fingerprint\":null,\"model\":\"qwen-plus\","
		 "\"id\":\"chatcmpl-3f2a9c4e-8d1b-9a7e-b2c5-4e6f8a0d1c3b\"}",
	    &d);
	assert_null(d.content);
	assert_null(d.reasoning);
	assert_null(d.finish_reason);
	assert_string_equal(d.model, "qwen-plus");
	assert_string_equal(d.id, "chatcmpl-3f2a9c4e-8d1b-9a7e-b2c5-4e6f8a0d1c3b");
	assert_no_usage(&d);
	assert_false(d.has_error);
	api_delta_release(&d);

	/* content chunks */
	chunk_ok("{\"choices\":[{\"finish_reason\":null,\"delta\":{\"content\":\"你好！\"},"
		 "\"index\":0,\"logprobs\":null}],\"object\":\"chat.completion.chunk\","
		 "\"usage\":null,\"created\":1735795200,\"system_fingerprint\":null,"
		 "\"model\":\"qwen-plus\",\"id\":\"chatcmpl-3f2a9c4e\"}",
	    &d);
	assert_string_equal(d.content, "你好！");
	assert_null(d.finish_reason);
	assert_no_usage(&d);
	api_delta_release(&d);

	chunk_ok(
	    "{\"choices\":[{\"delta\":{\"content\":\"有什么可以帮你的吗？\\n\\n- 一\\n- 二\"},"
	    "\"finish_reason\":null,\"index\":0,\"logprobs\":null}],"
	    "\"object\":\"chat.completion.chunk\",\"usage\":null,\"created\":1735795200,"
	    "\"system_fingerprint\":null,\"model\":\"qwen-plus\",\"id\":\"chatcmpl-3f2a9c4e\"}",
	    &d);
	assert_string_equal(d.content, "有什么可以帮你的吗？\n\n- 一\n- 二");
	api_delta_release(&d);

	/* the last content chunk carries finish_reason and an empty content */
	chunk_ok("{\"choices\":[{\"finish_reason\":\"stop\",\"delta\":{\"content\":\"\"},"
		 "\"index\":0,\"logprobs\":null}],\"object\":\"chat.completion.chunk\","
		 "\"usage\":null,\"created\":1735795200,\"system_fingerprint\":null,"
		 "\"model\":\"qwen-plus\",\"id\":\"chatcmpl-3f2a9c4e\"}",
	    &d);
	assert_null(d.content);
	assert_string_equal(d.finish_reason, "stop");
	assert_no_usage(&d);
	api_delta_release(&d);

	/* the usage chunk: choices [] */
	chunk_ok(
	    "{\"choices\":[],\"object\":\"chat.completion.chunk\",\"usage\":"
	    "{\"prompt_tokens\":22,\"completion_tokens\":18,\"total_tokens\":40,"
	    "\"prompt_tokens_details\":{\"cached_tokens\":0}},\"created\":1735795200,"
	    "\"system_fingerprint\":null,\"model\":\"qwen-plus\",\"id\":\"chatcmpl-3f2a9c4e\"}",
	    &d);
	assert_null(d.content);
	assert_null(d.finish_reason);
	assert_usage(&d, 22, 18, 40, -1);
	assert_false(d.has_error);
	api_delta_release(&d);

	/* finish_reason length */
	chunk_ok("{\"choices\":[{\"finish_reason\":\"length\",\"delta\":{\"content\":\"…\"},"
		 "\"index\":0}],\"model\":\"qwen-max\",\"id\":\"x\"}",
	    &d);
	assert_string_equal(d.content, "…");
	assert_string_equal(d.finish_reason, "length");
	api_delta_release(&d);
}

static void
test_qwen3_reasoning(void **state)
{
	struct api_delta d;

	chunk_ok("{\"choices\":[{\"delta\":{\"content\":null,\"role\":\"assistant\","
		 "\"reasoning_content\":\"\"},\"index\":0,\"logprobs\":null,"
		 "\"finish_reason\":null}],\"object\":\"chat.completion.chunk\",\"usage\":null,"
		 "\"created\":1745000000,\"system_fingerprint\":null,\"model\":\"qwen3-32b\","
		 "\"id\":\"chatcmpl-qwen3\"}",
	    &d);
	assert_null(d.content);
	assert_null(d.reasoning);
	api_delta_release(&d);

	chunk_ok("{\"choices\":[{\"delta\":{\"content\":null,\"reasoning_content\":"
		 "\"好的，用户问的是1+1等于几。\"},\"finish_reason\":null,\"index\":0,"
		 "\"logprobs\":null}],\"object\":\"chat.completion.chunk\",\"usage\":null,"
		 "\"created\":1745000000,\"system_fingerprint\":null,\"model\":\"qwen3-32b\","
		 "\"id\":\"chatcmpl-qwen3\"}",
	    &d);
	assert_null(d.content);
	assert_string_equal(d.reasoning, "好的，用户问的是1+1等于几。");
	api_delta_release(&d);

	/* the answer: reasoning_content null, or absent */
	chunk_ok("{\"choices\":[{\"delta\":{\"content\":\"1+1=2\",\"reasoning_content\":null},"
		 "\"finish_reason\":null,\"index\":0,\"logprobs\":null}],\"model\":\"qwen3-32b\","
		 "\"id\":\"chatcmpl-qwen3\",\"usage\":null}",
	    &d);
	assert_string_equal(d.content, "1+1=2");
	assert_null(d.reasoning);
	api_delta_release(&d);

	chunk_ok("{\"choices\":[{\"delta\":{\"content\":\"。\"},\"finish_reason\":\"stop\","
		 "\"index\":0}],\"model\":\"qwen3-32b\",\"id\":\"chatcmpl-qwen3\"}",
	    &d);
	assert_string_equal(d.content, "。");
	assert_string_equal(d.finish_reason, "stop");
	api_delta_release(&d);

	chunk_ok("{\"choices\":[],\"object\":\"chat.completion.chunk\",\"usage\":"
		 "{\"prompt_tokens\":16,\"completion_tokens\":260,\"total_tokens\":276,"
		 "\"completion_tokens_details\":{\"reasoning_tokens\":240}},"
		 "\"created\":1745000000,\"system_fingerprint\":null,\"model\":\"qwen3-32b\","
		 "\"id\":\"chatcmpl-qwen3\"}",
	    &d);
	assert_usage(&d, 16, 260, 276, 240);
	api_delta_release(&d);
}

static void
test_dashscope_stream_error(void **state)
{
	struct api_delta d;

	chunk_ok("{\"error\":{\"message\":\"Output data may contain inappropriate "
		 "content.\",\"type\":\"data_inspection_failed\",\"param\":null,"
		 "\"code\":\"data_inspection_failed\"},\"id\":\"chatcmpl-5d1e\","
		 "\"request_id\":\"5d1e7c3a-2b4f-9e8d-a6c1-0f3b5d7e9a2c\"}",
	    &d);
	assert_true(d.has_error);
	assert_string_equal(d.error.message, "Output data may contain inappropriate content.");
	assert_string_equal(d.error.code, "data_inspection_failed");
	assert_string_equal(d.error.type, "data_inspection_failed");
	assert_true(api_error_is_content_filter(&d.error));
	assert_false(api_error_is_quota(&d.error));
	assert_string_equal(d.id, "chatcmpl-5d1e");
	assert_null(d.content);
	assert_no_usage(&d);
	api_delta_release(&d);
	assert_false(d.has_error);
	assert_null(d.error.message);

	/* DashScope's native form, at the top level */
	chunk_ok("{\"code\":\"DataInspectionFailed\",\"message\":\"Output data may contain "
		 "inappropriate content.\",\"request_id\":\"0b1c2d3e\"}",
	    &d);
	assert_true(d.has_error);
	assert_string_equal(d.error.code, "DataInspectionFailed");
	assert_null(d.error.type);
	assert_true(api_error_is_content_filter(&d.error));
	api_delta_release(&d);

	/* a bare string */
	chunk_ok("{\"error\":\"upstream closed the connection\"}", &d);
	assert_true(d.has_error);
	assert_string_equal(d.error.message, "upstream closed the connection");
	assert_null(d.error.code);
	assert_null(d.error.type);
	api_delta_release(&d);

	/* "error": null or false is not an error */
	chunk_ok("{\"error\":null,\"choices\":[{\"delta\":{\"content\":\"ok\"},\"index\":0}]}", &d);
	assert_false(d.has_error);
	assert_string_equal(d.content, "ok");
	api_delta_release(&d);
	chunk_ok("{\"error\":false}", &d);
	assert_false(d.has_error);
	api_delta_release(&d);

	/* a top-level "message" next to choices is not an error */
	chunk_ok("{\"message\":\"hi\",\"choices\":[]}", &d);
	assert_false(d.has_error);
	api_delta_release(&d);
}

/* ---- Ollama, llama.cpp, vLLM, OpenAI --------------------------------------- */

static void
test_ollama_stream(void **state)
{
	struct api_delta d;

	chunk_ok("{\"id\":\"chatcmpl-427\",\"object\":\"chat.completion.chunk\","
		 "\"created\":1739800000,\"model\":\"qwen3:8b\",\"system_fingerprint\":"
		 "\"fp_ollama\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
		 "\"content\":\"\",\"reasoning\":\"Okay, the user\"},\"finish_reason\":null}]}",
	    &d);
	assert_null(d.content);
	assert_string_equal(d.reasoning, "Okay, the user");
	assert_string_equal(d.model, "qwen3:8b");
	assert_string_equal(d.id, "chatcmpl-427");
	api_delta_release(&d);

	/* role repeated on every chunk */
	chunk_ok("{\"id\":\"chatcmpl-427\",\"object\":\"chat.completion.chunk\","
		 "\"created\":1739800001,\"model\":\"qwen3:8b\",\"system_fingerprint\":"
		 "\"fp_ollama\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
		 "\"content\":\"Hello\"},\"finish_reason\":null}]}",
	    &d);
	assert_string_equal(d.content, "Hello");
	assert_null(d.reasoning);
	api_delta_release(&d);

	chunk_ok("{\"id\":\"chatcmpl-427\",\"object\":\"chat.completion.chunk\","
		 "\"created\":1739800002,\"model\":\"qwen3:8b\",\"system_fingerprint\":"
		 "\"fp_ollama\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
		 "\"content\":\"\"},\"finish_reason\":\"stop\"}]}",
	    &d);
	assert_null(d.content);
	assert_string_equal(d.finish_reason, "stop");
	assert_no_usage(&d);
	api_delta_release(&d);

	chunk_ok("{\"id\":\"chatcmpl-427\",\"object\":\"chat.completion.chunk\","
		 "\"created\":1739800002,\"model\":\"qwen3:8b\",\"system_fingerprint\":"
		 "\"fp_ollama\",\"choices\":[],\"usage\":{\"prompt_tokens\":11,"
		 "\"completion_tokens\":96,\"total_tokens\":107}}",
	    &d);
	assert_usage(&d, 11, 96, 107, -1);
	api_delta_release(&d);
}

static void
test_llamacpp_stream(void **state)
{
	struct api_delta d;

	/* first delta: content null; model "" */
	chunk_ok("{\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":"
		 "{\"role\":\"assistant\",\"content\":null}}],\"created\":1758000000,"
		 "\"id\":\"chatcmpl-Xq3vR8pT\",\"model\":\"\",\"system_fingerprint\":"
		 "\"b6400-4d2b4b0f\",\"object\":\"chat.completion.chunk\"}",
	    &d);
	assert_null(d.content);
	assert_null(d.model);
	assert_string_equal(d.id, "chatcmpl-Xq3vR8pT");
	api_delta_release(&d);

	chunk_ok("{\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":"
		 "{\"content\":\" there\"}}],\"created\":1758000000,\"id\":\"chatcmpl-Xq3vR8pT\","
		 "\"model\":\"\",\"system_fingerprint\":\"b6400-4d2b4b0f\","
		 "\"object\":\"chat.completion.chunk\"}",
	    &d);
	assert_string_equal(d.content, " there");
	api_delta_release(&d);

	/* the last chunk: empty delta, usage and a timings object */
	chunk_ok("{\"choices\":[{\"finish_reason\":\"stop\",\"index\":0,\"delta\":{}}],"
		 "\"created\":1758000001,\"id\":\"chatcmpl-Xq3vR8pT\",\"model\":\"\","
		 "\"system_fingerprint\":\"b6400-4d2b4b0f\",\"object\":\"chat.completion.chunk\","
		 "\"usage\":{\"completion_tokens\":12,\"prompt_tokens\":9,\"total_tokens\":21},"
		 "\"timings\":{\"prompt_n\":9,\"prompt_ms\":30.118,\"prompt_per_token_ms\":3.346,"
		 "\"prompt_per_second\":298.8,\"predicted_n\":12,\"predicted_ms\":210.5,"
		 "\"predicted_per_token_ms\":17.54,\"predicted_per_second\":57.0}}",
	    &d);
	assert_null(d.content);
	assert_string_equal(d.finish_reason, "stop");
	assert_usage(&d, 9, 12, 21, -1);
	api_delta_release(&d);

	/* newer builds: a mid-stream error with an integer code */
	chunk_ok("{\"error\":{\"code\":500,\"message\":\"the request exceeds the available "
		 "context size, try increasing it\",\"type\":\"exceed_context_size_error\","
		 "\"n_prompt_tokens\":4200,\"n_ctx\":4096}}",
	    &d);
	assert_true(d.has_error);
	assert_string_equal(d.error.code, "500");
	assert_string_equal(d.error.type, "exceed_context_size_error");
	assert_string_equal(d.error.message,
	    "the request exceeds the available context size, try increasing it");
	assert_false(api_error_is_content_filter(&d.error));
	assert_false(api_error_is_quota(&d.error));
	api_delta_release(&d);
}

static void
test_vllm_usage_without_choices(void **state)
{
	struct api_delta d;

	chunk_ok("{\"id\":\"chatcmpl-9c1e4b7a\",\"object\":\"chat.completion.chunk\","
		 "\"created\":1750000000,\"model\":\"Qwen/Qwen3-8B\",\"usage\":"
		 "{\"prompt_tokens\":14,\"total_tokens\":64,\"completion_tokens\":50}}",
	    &d);
	assert_null(d.content);
	assert_null(d.finish_reason);
	assert_usage(&d, 14, 50, 64, -1);
	assert_string_equal(d.model, "Qwen/Qwen3-8B");
	api_delta_release(&d);

	chunk_ok("{\"id\":\"chatcmpl-9c1e4b7a\",\"object\":\"chat.completion.chunk\","
		 "\"created\":1750000000,\"model\":\"Qwen/Qwen3-8B\",\"choices\":null,\"usage\":"
		 "{\"prompt_tokens\":14,\"total_tokens\":64,\"completion_tokens\":50}}",
	    &d);
	assert_usage(&d, 14, 50, 64, -1);
	api_delta_release(&d);

	/* newer vLLM sends reasoning and reasoning_content with the same text: once only */
	chunk_ok("{\"id\":\"chatcmpl-9c1e4b7a\",\"choices\":[{\"index\":0,\"delta\":"
		 "{\"reasoning\":\"Let me think\",\"reasoning_content\":\"Let me think\"},"
		 "\"logprobs\":null,\"finish_reason\":null}]}",
	    &d);
	assert_string_equal(d.reasoning, "Let me think");
	assert_null(d.content);
	api_delta_release(&d);
}

static void
test_openai_extra_fields_and_key_order(void **state)
{
	static const char *orders[] = {
		"{\"id\":\"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT\",\"object\":"
		"\"chat.completion.chunk\",\"created\":1741570283,\"model\":"
		"\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\","
		"\"system_fingerprint\":\"fp_06737a9306\",\"choices\":[{\"index\":0,"
		"\"delta\":{\"content\":\" world\",\"refusal\":null},\"logprobs\":null,"
		"\"finish_reason\":null}],\"usage\":null,\"obfuscation\":\"Zx9Q\"}",

		"{\"obfuscation\":\"Zx9Q\",\"usage\":null,\"choices\":[{\"finish_reason\":null,"
		"\"logprobs\":null,\"delta\":{\"refusal\":null,\"content\":\" world\"},"
		"\"index\":0}],\"system_fingerprint\":\"fp_06737a9306\",\"service_tier\":"
		"\"default\",\"model\":\"gpt-4o-mini-2024-07-18\",\"created\":1741570283,"
		"\"object\":\"chat.completion.chunk\","
		"\"id\":\"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT\"}",

		" \r\n{ \"choices\" : [ { \"delta\" : { \"content\" : \" world\" , "
		"\"tool_calls\" : [ ] , \"future\" : { \"a\" : [ 1 , 2 ] } } , \"index\" : 0 , "
		"\"finish_reason\" : null } ] , \"model\" : \"gpt-4o-mini-2024-07-18\" , "
		"\"id\" : \"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT\" , \"x\" : 1e400 }\n\t ",
	};
	struct api_delta d;
	size_t i;

	for (i = 0; i < nitems(orders); i++) {
		chunk_ok(orders[i], &d);
		assert_string_equal(d.content, " world");
		assert_null(d.reasoning);
		assert_null(d.finish_reason);
		assert_string_equal(d.model, "gpt-4o-mini-2024-07-18");
		assert_string_equal(d.id, "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT");
		assert_no_usage(&d);
		assert_false(d.has_error);
		api_delta_release(&d);
	}
}

static void
test_chunk_odd_values(void **state)
{
	struct api_delta d;

	/* values of the wrong type are ignored */
	chunk_ok("{\"id\":42,\"model\":[\"m\"],\"choices\":[{\"delta\":{\"content\":7,"
		 "\"reasoning_content\":{\"a\":1},\"reasoning\":true},\"finish_reason\":0}],"
		 "\"usage\":{\"prompt_tokens\":\"12\",\"completion_tokens\":-5,"
		 "\"total_tokens\":1e300,\"completion_tokens_details\":null}}",
	    &d);
	assert_null(d.id);
	assert_null(d.model);
	assert_null(d.content);
	assert_null(d.reasoning);
	assert_null(d.finish_reason);
	assert_usage(&d, -1, -1, -1, -1);
	api_delta_release(&d);

	/* choices[0] that is not an object; a delta that is not an object */
	chunk_ok("{\"choices\":[null,{\"delta\":{\"content\":\"second\"}}]}", &d);
	assert_null(d.content);
	api_delta_release(&d);
	chunk_ok("{\"choices\":[{\"delta\":\"text\",\"finish_reason\":\"stop\"}]}", &d);
	assert_null(d.content);
	assert_string_equal(d.finish_reason, "stop");
	api_delta_release(&d);
	chunk_ok("{\"choices\":{\"0\":{\"delta\":{\"content\":\"x\"}}}}", &d);
	assert_null(d.content);
	api_delta_release(&d);

	/* an empty usage object still says a usage object came */
	chunk_ok("{\"choices\":[],\"usage\":{}}", &d);
	assert_usage(&d, -1, -1, -1, -1);
	api_delta_release(&d);

	/* fractional counts are truncated */
	chunk_ok("{\"usage\":{\"prompt_tokens\":3.7,\"completion_tokens\":0,"
		 "\"total_tokens\":3}}",
	    &d);
	assert_usage(&d, 3, 0, 3, -1);
	api_delta_release(&d);

	/* escapes in content come out decoded; first of two duplicate keys wins */
	chunk_ok("{\"choices\":[{\"delta\":{\"content\":\"a\\u4f60\\ud83d\\ude00\\n\\u001b[1m\","
		 "\"content\":\"second\"}}]}",
	    &d);
	assert_string_equal(d.content, "a你\xf0\x9f\x98\x80\n\x1b[1m");
	api_delta_release(&d);

	/* a BOM before the object is tolerated */
	chunk_ok("\xef\xbb\xbf{\"choices\":[{\"delta\":{\"content\":\"x\"}}]}", &d);
	assert_string_equal(d.content, "x");
	api_delta_release(&d);

	/* the whole object, nothing else: an empty object is fine */
	chunk_ok("{}", &d);
	assert_null(d.content);
	assert_no_usage(&d);
	assert_false(d.has_error);
	api_delta_release(&d);

	/* release is safe twice and on NULL */
	api_delta_release(&d);
	api_delta_release(NULL);
	api_error_release(NULL);
}

/* ---- malformed data ---------------------------------------------------------- */

static void
test_malformed_json(void **state)
{
	char *cause, *ex;
	size_t i;
	static const char *bad[] = {
		"{\"choices\":[{\"delta\":{\"content\":\"hi\"", /* truncated */
		"[DONE]",
		"[{\"choices\":[]}]", /* an array */
		"\"just a string\"",
		"42",
		"null",
		"true",
		"{\"a\":1} {\"b\":2}", /* two objects */
		"{\"a\":1}x",
		"{'a':1}",
		"event: message",
		"<html><body>502 Bad Gateway</body></html>",
		" ",
	};

	for (i = 0; i < nitems(bad); i++) {
		cause = chunk_bad(bad[i], strlen(bad[i]));
		assert_true(strncmp(cause, "malformed JSON in the event stream: ",
				strlen("malformed JSON in the event stream: ")) == 0);
		free(cause);
	}

	cause = chunk_bad(S("{\"choices\":[{\"delta\":{\"content\":\"hi\""));
	assert_string_equal(cause,
	    "malformed JSON in the event stream: syntax error near "
	    "byte 35: '{\"choices\":[{\"delta\":{\"content\":\"hi\"'");
	free(cause);

	cause = chunk_bad(S("[1,2]"));
	assert_string_equal(cause,
	    "malformed JSON in the event stream: expected an object: '[1,2]'");
	free(cause);

	cause = chunk_bad(S("{\"a\":1}\n\nxyz"));
	assert_string_equal(cause,
	    "malformed JSON in the event stream: unexpected data "
	    "after the value at byte 9: '{\"a\":1}??xyz'");
	free(cause);

	cause = chunk_bad("", 0);
	assert_string_equal(cause, "malformed JSON in the event stream: no data: ''");
	free(cause);

	/* a NUL after the object is not whitespace */
	cause = chunk_bad(S("{\"a\":1}\0"));
	ex = cause_excerpt(cause);
	assert_string_equal(ex, "{\"a\":1}?");
	free(ex);
	free(cause);
}

static void
test_malformed_excerpt(void **state)
{
	char long_data[300], *cause, *ex;
	size_t i, bad;
	struct buf b;

	/* control characters, escape sequences, C1 and bidi controls become '?' */
	cause = chunk_bad(S("{\"x\":\"\x1b]0;pwned\x07\x1b[2J\r\b\xc2\x9b\xe2\x80\xae\x7f"
			    "\xff\xf0\x9f\x98\x80\""));
	ex = cause_excerpt(cause);
	assert_string_equal(ex, "{\"x\":\"?]0;pwned??[2J??????\xf0\x9f\x98\x80\"");
	free(ex);
	for (i = 0; cause[i] != '\0'; i++)
		assert_true((unsigned char)cause[i] >= 0x20 && cause[i] != 0x7f);
	free(cause);

	/* long data is cut to at most 80 bytes, ellipsis included */
	memset(long_data, 'a', sizeof long_data);
	long_data[0] = '{';
	cause = chunk_bad(long_data, sizeof long_data);
	ex = cause_excerpt(cause);
	assert_int_equal(strlen(ex), 80);
	assert_string_equal(ex + 77, "...");
	free(ex);
	free(cause);

	/* exactly 80 bytes fit whole; 81 do not */
	cause = chunk_bad(long_data, 80);
	ex = cause_excerpt(cause);
	assert_int_equal(strlen(ex), 80);
	assert_int_equal(ex[79], 'a');
	free(ex);
	free(cause);
	cause = chunk_bad(long_data, 81);
	ex = cause_excerpt(cause);
	assert_int_equal(strlen(ex), 80);
	assert_string_equal(ex + 77, "...");
	free(ex);
	free(cause);

	/* CJK is cut at a character boundary, so the excerpt stays valid UTF-8 */
	buf_init(&b, 0);
	buf_adds(&b, "{\"c\":\"");
	for (i = 0; i < 40; i++)
		buf_adds(&b, "中");
	cause = chunk_bad(b.data, b.len);
	ex = cause_excerpt(cause);
	assert_true(strlen(ex) <= 80);
	assert_true(text_utf8_valid(cause, strlen(cause), &bad));
	assert_string_equal(ex + strlen(ex) - 3, "...");
	assert_int_equal(strlen(ex), 6 + 23 * 3 + 3);
	free(ex);
	free(cause);
	buf_release(&b);
}

/* ---- non-streamed responses ---------------------------------------------- */

static int
response(const char *json, struct api_delta *d, char **cause)
{
	return parse_with(api_response_parse, json, strlen(json), d, cause);
}

static void
test_response(void **state)
{
	struct api_delta d;
	char *cause;

	assert_int_equal(
	    response(
		"{\"choices\":[{\"message\":{\"role\":\"assistant\","
		"\"content\":\"我是通义千问，由阿里云开发的大语言模型。\"},\"finish_reason\":\"stop\","
		"\"index\":0,\"logprobs\":null}],\"object\":\"chat.completion\",\"usage\":"
		"{\"prompt_tokens\":22,\"completion_tokens\":17,\"total_tokens\":39,"
		"\"prompt_tokens_details\":{\"cached_tokens\":0}},\"created\":1735795200,"
		"\"system_fingerprint\":null,\"model\":\"qwen-plus\","
		"\"id\":\"chatcmpl-0d9b3f2e-1c4a-9e7b-8a6d-5f3e2c1b0a9d\"}",
		&d, &cause),
	    0);
	assert_string_equal(d.content, "我是通义千问，由阿里云开发的大语言模型。");
	assert_null(d.reasoning);
	assert_string_equal(d.finish_reason, "stop");
	assert_string_equal(d.model, "qwen-plus");
	assert_usage(&d, 22, 17, 39, -1);
	api_delta_release(&d);

	/* reasoning in message.reasoning_content, or message.reasoning (Ollama) */
	assert_int_equal(
	    response("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\","
		     "\"model\":\"qwq-32b\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
		     "\"assistant\",\"content\":\"2\",\"reasoning_content\":\"1+1...\"},"
		     "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,"
		     "\"completion_tokens\":30,\"total_tokens\":35,\"completion_tokens_details\":"
		     "{\"reasoning_tokens\":28}}}",
		&d, &cause),
	    0);
	assert_string_equal(d.content, "2");
	assert_string_equal(d.reasoning, "1+1...");
	assert_usage(&d, 5, 30, 35, 28);
	api_delta_release(&d);

	assert_int_equal(
	    response(
		"{\"id\":\"chatcmpl-88\",\"object\":\"chat.completion\","
		"\"created\":1739800000,\"model\":\"qwen3:8b\",\"system_fingerprint\":"
		"\"fp_ollama\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
		"\"content\":\"Hi.\",\"reasoning\":\"Greeting.\"},\"finish_reason\":\"stop\"}],"
		"\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":20,\"total_tokens\":29}}",
		&d, &cause),
	    0);
	assert_string_equal(d.content, "Hi.");
	assert_string_equal(d.reasoning, "Greeting.");
	api_delta_release(&d);

	/* an error body given to the response parser */
	assert_int_equal(
	    response("{\"error\":{\"code\":\"invalid_parameter_error\","
		     "\"param\":null,\"message\":\"parameter.enable_thinking must be set to false "
		     "for non-streaming calls\",\"type\":\"invalid_request_error\"},"
		     "\"id\":\"chatcmpl-2\",\"request_id\":\"2\"}",
		&d, &cause),
	    0);
	assert_true(d.has_error);
	assert_string_equal(d.error.code, "invalid_parameter_error");
	assert_null(d.content);
	api_delta_release(&d);

	assert_int_equal(response("{\"choices\":[{\"message\":", &d, &cause), -1);
	assert_true(strncmp(cause, "malformed JSON in the response: ", 32) == 0);
	free(cause);
	api_delta_release(&d);
}

/* ---- HTTP error bodies ----------------------------------------------------- */

static void
test_error_dashscope(void **state)
{
	struct api_error e;

	assert_int_equal(
	    error_parse(
		"{\"error\":{\"code\":\"data_inspection_failed\","
		"\"param\":null,\"message\":\"Input data may contain inappropriate content.\","
		"\"type\":\"data_inspection_failed\"},\"id\":\"chatcmpl-6b0e\","
		"\"request_id\":\"6b0e4a1c-7d2f-9b8e-a3c5-1e7f9d2b4a6c\"}",
		&e),
	    0);
	assert_string_equal(e.message, "Input data may contain inappropriate content.");
	assert_string_equal(e.code, "data_inspection_failed");
	assert_string_equal(e.type, "data_inspection_failed");
	assert_true(api_error_is_content_filter(&e));
	assert_false(api_error_is_quota(&e));
	api_error_release(&e);
	assert_null(e.message);

	assert_int_equal(
	    error_parse("{\"error\":{\"code\":\"invalid_parameter_error\","
			"\"param\":null,\"message\":\"<400> InternalError.Algo.InvalidParameter: "
			"Range of input length should be [1, 129024]\",\"type\":"
			"\"invalid_request_error\"},\"id\":\"chatcmpl-7c\",\"request_id\":\"7c\"}",
		&e),
	    0);
	assert_string_equal(e.code, "invalid_parameter_error");
	assert_string_equal(e.type, "invalid_request_error");
	assert_false(api_error_is_content_filter(&e));
	assert_false(api_error_is_quota(&e));
	api_error_release(&e);

	/* 401 from a key of the wrong region */
	assert_int_equal(
	    error_parse("{\"error\":{\"message\":\"Incorrect API key provided. "
			"\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":"
			"\"invalid_api_key\"},\"request_id\":\"8d2c\"}",
		&e),
	    0);
	assert_string_equal(e.message, "Incorrect API key provided. ");
	assert_string_equal(e.code, "invalid_api_key");
	assert_false(api_error_is_quota(&e));
	api_error_release(&e);

	/* 429: the rate limit can be retried, the quota cannot */
	assert_int_equal(
	    error_parse(
		"{\"error\":{\"message\":\"Requests rate limit "
		"exceeded, please try again later.\",\"type\":\"limit_requests\",\"param\":null,"
		"\"code\":\"limit_requests\"},\"id\":\"chatcmpl-9\",\"request_id\":\"9\"}",
		&e),
	    0);
	assert_string_equal(e.code, "limit_requests");
	assert_false(api_error_is_quota(&e));
	assert_false(api_error_is_content_filter(&e));
	api_error_release(&e);

	assert_int_equal(
	    error_parse("{\"error\":{\"message\":\"You exceeded your current "
			"quota, please check your plan and billing details.\",\"type\":"
			"\"insufficient_quota\",\"param\":null,\"code\":\"insufficient_quota\"},"
			"\"request_id\":\"a\"}",
		&e),
	    0);
	assert_true(api_error_is_quota(&e));
	assert_false(api_error_is_content_filter(&e));
	api_error_release(&e);

	/* gateway spellings, in the code or only in the type */
	assert_int_equal(
	    error_parse("{\"code\":\"DataInspectionFailed\",\"message\":"
			"\"Input data may contain inappropriate content.\",\"request_id\":\"b\"}",
		&e),
	    0);
	assert_string_equal(e.code, "DataInspectionFailed");
	assert_true(api_error_is_content_filter(&e));
	api_error_release(&e);
	assert_int_equal(error_parse("{\"error\":{\"message\":\"blocked\",\"type\":"
				     "\"DATA_INSPECTION_FAILED\",\"code\":null}}",
			     &e),
	    0);
	assert_null(e.code);
	assert_true(api_error_is_content_filter(&e));
	api_error_release(&e);
	assert_int_equal(error_parse("{\"error\":{\"message\":\"x\",\"code\":"
				     "\"InsufficientQuota\"}}",
			     &e),
	    0);
	assert_true(api_error_is_quota(&e));
	api_error_release(&e);
	/* Azure's content filter */
	assert_int_equal(
	    error_parse(
		"{\"error\":{\"message\":\"The response was filtered\","
		"\"type\":null,\"param\":\"prompt\",\"code\":\"content_filter\",\"status\":400}}",
		&e),
	    0);
	assert_true(api_error_is_content_filter(&e));
	api_error_release(&e);
	/* near misses */
	assert_int_equal(error_parse("{\"error\":{\"message\":\"inappropriate content\","
				     "\"code\":\"data_inspection\"}}",
			     &e),
	    0);
	assert_false(api_error_is_content_filter(&e));
	api_error_release(&e);
	assert_int_equal(error_parse("{\"error\":{\"message\":\"x\",\"code\":"
				     "\"insufficient_quota_x\"}}",
			     &e),
	    0);
	assert_false(api_error_is_quota(&e));
	api_error_release(&e);

	assert_false(api_error_is_content_filter(NULL));
	assert_false(api_error_is_quota(NULL));
}

static void
test_error_others(void **state)
{
	struct api_error e;

	/* OpenAI */
	assert_int_equal(
	    error_parse("{\n    \"error\": {\n        \"message\": \"The model "
			"`gpt-5-nano-x` does not exist or you do not have access to it.\",\n"
			"        \"type\": \"invalid_request_error\",\n        \"param\": null,\n"
			"        \"code\": \"model_not_found\"\n    }\n}\n",
		&e),
	    0);
	assert_string_equal(e.message,
	    "The model `gpt-5-nano-x` does not exist or you do not have access to it.");
	assert_string_equal(e.code, "model_not_found");
	assert_string_equal(e.type, "invalid_request_error");
	api_error_release(&e);

	/* Ollama: code always null; native API: a bare string */
	assert_int_equal(
	    error_parse("{\"error\":{\"message\":\"model \\\"qwen3:8b\\\" not "
			"found, try pulling it first\",\"type\":\"api_error\",\"param\":null,"
			"\"code\":null}}",
		&e),
	    0);
	assert_string_equal(e.message, "model \"qwen3:8b\" not found, try pulling it first");
	assert_null(e.code);
	assert_string_equal(e.type, "api_error");
	api_error_release(&e);
	assert_int_equal(error_parse("{\"error\":\"model 'qwen9' not found\"}", &e), 0);
	assert_string_equal(e.message, "model 'qwen9' not found");
	assert_null(e.code);
	assert_null(e.type);
	api_error_release(&e);

	/* llama.cpp: integer code */
	assert_int_equal(error_parse("{\"error\":{\"code\":401,\"message\":\"Invalid API Key\","
				     "\"type\":\"authentication_error\"}}",
			     &e),
	    0);
	assert_string_equal(e.code, "401");
	assert_string_equal(e.message, "Invalid API Key");
	api_error_release(&e);

	/* vLLM: the top-level form */
	assert_int_equal(
	    error_parse("{\"object\":\"error\",\"message\":\"The model `foo` "
			"does not exist.\",\"type\":\"NotFoundError\",\"param\":null,\"code\":404}",
		&e),
	    0);
	assert_string_equal(e.message, "The model `foo` does not exist.");
	assert_string_equal(e.code, "404");
	assert_string_equal(e.type, "NotFoundError");
	api_error_release(&e);

	/* message missing: type, then code, then a fixed text */
	assert_int_equal(error_parse("{\"error\":{\"type\":\"server_error\",\"code\":503}}", &e),
	    0);
	assert_string_equal(e.message, "server_error");
	assert_string_equal(e.code, "503");
	api_error_release(&e);
	assert_int_equal(error_parse("{\"error\":{\"message\":\"\",\"code\":\"quota\"}}", &e), 0);
	assert_string_equal(e.message, "quota");
	api_error_release(&e);
	assert_int_equal(error_parse("{\"error\":{}}", &e), 0);
	assert_string_equal(e.message, "unknown error");
	assert_null(e.code);
	assert_null(e.type);
	api_error_release(&e);
	assert_int_equal(error_parse("{\"error\":[1]}", &e), 0);
	assert_string_equal(e.message, "unknown error");
	api_error_release(&e);

	/* odd codes */
	assert_int_equal(error_parse("{\"error\":{\"message\":\"m\",\"code\":true,"
				     "\"type\":7}}",
			     &e),
	    0);
	assert_null(e.code);
	assert_null(e.type);
	api_error_release(&e);
	assert_int_equal(error_parse("{\"error\":{\"message\":\"m\",\"code\":-1.5}}", &e), 0);
	assert_string_equal(e.code, "-1.5");
	api_error_release(&e);
	assert_int_equal(error_parse("{\"error\":{\"message\":\"m\",\"code\":1e300}}", &e), 0);
	assert_string_equal(e.code, "1e+300");
	api_error_release(&e);
	assert_int_equal(error_parse("{\"error\":{\"message\":\"m\",\"code\":\"\"}}", &e), 0);
	assert_null(e.code);
	api_error_release(&e);
}

static void
test_error_not_recognised(void **state)
{
	static const char *bodies[] = {
		"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
		"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
		"</body>\r\n</html>\r\n",
		"<!DOCTYPE html><html><body>Access denied</body></html>",
		"upstream connect error or disconnect/reset before headers",
		"",
		"{}",
		"[]",
		"[{\"error\":{\"message\":\"x\"}}]",
		"{\"error\":null}",
		"{\"error\":false}",
		"{\"code\":400}",
		"{\"message\":\"x\",\"choices\":[]}",
		"{\"error\":{\"message\":\"x\"}",
		"\"error\"",
	};
	struct api_error e;
	size_t i;

	for (i = 0; i < nitems(bodies); i++) {
		assert_int_equal(error_parse(bodies[i], &e), -1);
		assert_null(e.message);
		assert_null(e.code);
		assert_null(e.type);
		api_error_release(&e);
	}
	assert_int_equal(api_error_parse(NULL, 0, &e), -1);
}

/* ---- error classes --------------------------------------------------------- */

/* Classify an HTTP error body that must parse, received with status. */
static enum api_error_class
classify_body(const char *body, long status)
{
	struct api_error e;
	enum api_error_class c;

	assert_int_equal(error_parse(body, &e), 0);
	c = api_error_classify(&e, status);
	api_error_release(&e);
	return c;
}

/* Classify the error object inside a chunk of a 200 stream (status 0). */
static enum api_error_class
classify_chunk(const char *json)
{
	struct api_delta d;
	enum api_error_class c;

	chunk_ok(json, &d);
	assert_true(d.has_error);
	c = api_error_classify(&d.error, 0);
	api_delta_release(&d);
	return c;
}

/* Classify an error made of just a code and a type (either may be NULL). */
static enum api_error_class
classify(const char *code, const char *type, long status)
{
	struct api_error e;

	memset(&e, 0, sizeof e);
	e.message = (char *)"m";
	e.code = (char *)code;
	e.type = (char *)type;
	return api_error_classify(&e, status);
}

static void
test_error_class_dashscope(void **state)
{
	assert_int_equal(
	    classify_body("{\"error\":{\"message\":\"Incorrect API key "
			  "provided. \",\"type\":\"invalid_request_error\",\"param\":null,\"code\":"
			  "\"invalid_api_key\"},\"request_id\":\"8d2c\"}",
		401),
	    API_ERR_AUTH);
	assert_int_equal(
	    classify_body(
		"{\"error\":{\"message\":\"Requests rate limit "
		"exceeded, please try again later.\",\"type\":\"limit_requests\",\"param\":null,"
		"\"code\":\"limit_requests\"},\"id\":\"chatcmpl-9\",\"request_id\":\"9\"}",
		429),
	    API_ERR_RATE_LIMIT);
	assert_int_equal(
	    classify_body("{\"error\":{\"message\":\"You exceeded your current "
			  "quota, please check your plan and billing details.\",\"type\":"
			  "\"insufficient_quota\",\"param\":null,\"code\":\"insufficient_quota\"},"
			  "\"request_id\":\"a\"}",
		429),
	    API_ERR_QUOTA);
	assert_int_equal(
	    classify_body(
		"{\"error\":{\"code\":\"data_inspection_failed\","
		"\"param\":null,\"message\":\"Input data may contain inappropriate content.\","
		"\"type\":\"data_inspection_failed\"},\"id\":\"chatcmpl-6b0e\"}",
		400),
	    API_ERR_FILTER);
	assert_int_equal(
	    classify_body(
		"{\"error\":{\"message\":\"<503> ServiceUnavailable: "
		"The service is temporarily unavailable.\",\"type\":\"ServiceUnavailable\","
		"\"param\":null,\"code\":\"ServiceUnavailable\"},\"request_id\":\"c\"}",
		503),
	    API_ERR_OVERLOAD);
	assert_int_equal(
	    classify_body("{\"error\":{\"message\":\"An internal error has "
			  "occured, please try again later or contact service support.\",\"type\":"
			  "\"internal_error\",\"param\":null,\"code\":\"internal_error\"},"
			  "\"request_id\":\"d\"}",
		500),
	    API_ERR_OVERLOAD);
	assert_int_equal(
	    classify_body("{\"error\":{\"message\":\"Access to model denied. "
			  "Please make sure you are eligible for using the model.\",\"type\":"
			  "\"AccessDenied.Unpurchased\",\"param\":null,\"code\":"
			  "\"AccessDenied.Unpurchased\"},\"request_id\":\"e\"}",
		403),
	    API_ERR_AUTH);
	/* the native form; the same codes in a 200 stream */
	assert_int_equal(classify_body("{\"code\":\"AccessDenied.Unpurchased\",\"message\":"
				       "\"Access to model denied.\",\"request_id\":\"f\"}",
			     400),
	    API_ERR_AUTH);
	assert_int_equal(classify_body("{\"code\":\"Throttling.RateQuota\",\"message\":"
				       "\"Requests rate limit exceeded.\",\"request_id\":\"g\"}",
			     400),
	    API_ERR_RATE_LIMIT);
	assert_int_equal(classify_body("{\"code\":\"InternalError.Algo\",\"message\":"
				       "\"An internal error occurred.\",\"request_id\":\"h\"}",
			     400),
	    API_ERR_OVERLOAD);
	assert_int_equal(
	    classify_chunk(
		"{\"error\":{\"message\":\"Output data may contain "
		"inappropriate content.\",\"type\":\"data_inspection_failed\",\"param\":null,"
		"\"code\":\"data_inspection_failed\"},\"id\":\"chatcmpl-5d1e\"}"),
	    API_ERR_FILTER);
	assert_int_equal(
	    classify_chunk(
		"{\"error\":{\"message\":\"x\",\"type\":"
		"\"internal_error\",\"code\":\"internal_error\"},\"id\":\"chatcmpl-5e\"}"),
	    API_ERR_OVERLOAD);
}

static void
test_error_class_openai(void **state)
{
	assert_int_equal(
	    classify_body(
		"{\n    \"error\": {\n        \"message\": \"Rate limit "
		"reached for gpt-4o in organization org-x on requests per min (RPM): Limit 3, "
		"Used 3, Requested 1.\",\n        \"type\": \"requests\",\n        \"param\": "
		"null,\n        \"code\": \"rate_limit_exceeded\"\n    }\n}\n",
		429),
	    API_ERR_RATE_LIMIT);
	assert_int_equal(classify("rate_limit_exceeded", "tokens", 429), API_ERR_RATE_LIMIT);
	assert_int_equal(classify(NULL, "requests", 0), API_ERR_RATE_LIMIT);
	assert_int_equal(
	    classify_body("{\"error\":{\"message\":\"You exceeded your current "
			  "quota.\",\"type\":\"insufficient_quota\",\"param\":null,\"code\":null}}",
		429),
	    API_ERR_QUOTA);
	assert_int_equal(
	    classify_body(
		"{\"error\":{\"message\":\"The server had an error "
		"while processing your request. Sorry about that!\",\"type\":\"server_error\","
		"\"param\":null,\"code\":null}}",
		500),
	    API_ERR_OVERLOAD);
	assert_int_equal(
	    classify_body("{\"error\":{\"message\":\"Incorrect API key "
			  "provided: sk-abc.\",\"type\":\"invalid_request_error\",\"param\":null,"
			  "\"code\":\"invalid_api_key\"}}",
		401),
	    API_ERR_AUTH);
	assert_int_equal(
	    classify_body("{\"error\":{\"message\":\"The model `x` does not "
			  "exist.\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":"
			  "\"model_not_found\"}}",
		404),
	    API_ERR_OTHER);
	/* Anthropic-style types behind a gateway */
	assert_int_equal(classify(NULL, "overloaded_error", 529), API_ERR_OVERLOAD);
	assert_int_equal(classify(NULL, "rate_limit_error", 0), API_ERR_RATE_LIMIT);
	assert_int_equal(classify(NULL, "authentication_error", 0), API_ERR_AUTH);
	assert_int_equal(classify(NULL, "permission_error", 0), API_ERR_AUTH);
}

static void
test_error_class_others(void **state)
{
	/* OpenRouter: in the stream, a string code or a numeric one */
	assert_int_equal(
	    classify_chunk(
		"{\"id\":\"gen-1\",\"object\":\"chat.completion.chunk\","
		"\"created\":1735795200,\"model\":\"qwen/qwen3-8b\",\"provider\":\"Alibaba\","
		"\"error\":{\"code\":\"server_error\",\"message\":\"Provider disconnected "
		"unexpectedly\"},\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},"
		"\"finish_reason\":\"error\"}]}"),
	    API_ERR_OVERLOAD);
	assert_int_equal(classify_chunk("{\"error\":{\"code\":502,\"message\":\"Provider "
					"returned error\"}}"),
	    API_ERR_OVERLOAD);
	assert_int_equal(classify_chunk("{\"error\":{\"code\":429,\"message\":\"Rate limit "
					"exceeded\"}}"),
	    API_ERR_RATE_LIMIT);
	assert_int_equal(classify_chunk("{\"error\":{\"code\":401,\"message\":\"No auth "
					"credentials found\"}}"),
	    API_ERR_AUTH);
	assert_int_equal(classify_body("{\"error\":{\"message\":\"Insufficient credits\","
				       "\"code\":402}}",
			     402),
	    API_ERR_OTHER);

	/* llama.cpp */
	assert_int_equal(classify_body("{\"error\":{\"code\":500,\"message\":\"failed to "
				       "decode\",\"type\":\"server_error\"}}",
			     500),
	    API_ERR_OVERLOAD);
	assert_int_equal(classify_chunk("{\"error\":{\"code\":500,\"message\":\"context "
					"shift is disabled\",\"type\":\"server_error\"}}"),
	    API_ERR_OVERLOAD);
	assert_int_equal(classify_body("{\"error\":{\"code\":401,\"message\":\"Invalid API "
				       "Key\",\"type\":\"authentication_error\"}}",
			     401),
	    API_ERR_AUTH);
	assert_int_equal(classify_body("{\"error\":{\"code\":503,\"message\":\"Loading "
				       "model\",\"type\":\"unavailable_error\"}}",
			     503),
	    API_ERR_OVERLOAD);
	assert_int_equal(classify_body("{\"error\":{\"code\":400,\"message\":\"bad\","
				       "\"type\":\"invalid_request_error\"}}",
			     400),
	    API_ERR_OTHER);

	/* vLLM's top-level form */
	assert_int_equal(
	    classify_body(
		"{\"object\":\"error\",\"message\":\"The model `foo` "
		"does not exist.\",\"type\":\"NotFoundError\",\"param\":null,\"code\":404}",
		404),
	    API_ERR_OTHER);
	assert_int_equal(classify_chunk(
			     "{\"object\":\"error\",\"message\":\"busy\","
			     "\"type\":\"ServiceUnavailableError\",\"param\":null,\"code\":503}"),
	    API_ERR_OVERLOAD);

	/* Ollama: code null, the type follows the status, so the status decides */
	assert_int_equal(
	    classify_body("{\"error\":{\"message\":\"llama runner process has "
			  "terminated\",\"type\":\"api_error\",\"param\":null,\"code\":null}}",
		500),
	    API_ERR_OVERLOAD);
	assert_int_equal(
	    classify_body(
		"{\"error\":{\"message\":\"model \\\"qwen3:8b\\\" not "
		"found, try pulling it first\",\"type\":\"not_found_error\",\"param\":null,"
		"\"code\":null}}",
		404),
	    API_ERR_OTHER);
	assert_int_equal(classify_body("{\"error\":{\"message\":\"unauthorized\",\"type\":"
				       "\"api_error\",\"param\":null,\"code\":null}}",
			     401),
	    API_ERR_AUTH);
	assert_int_equal(classify_body("{\"error\":\"server busy, please try again.  "
				       "maximum pending requests exceeded\"}",
			     503),
	    API_ERR_OVERLOAD);
	assert_int_equal(classify_chunk("{\"error\":\"an error was encountered while "
					"running the model\"}"),
	    API_ERR_OTHER);
}

static void
test_error_class_words(void **state)
{
	static const struct {
		const char *word;
		enum api_error_class class;
	} words[] = {
		{ "invalid_api_key", API_ERR_AUTH },
		{ "InvalidApiKey", API_ERR_AUTH },
		{ "authentication_error", API_ERR_AUTH },
		{ "permission_error", API_ERR_AUTH },
		{ "permission_denied", API_ERR_AUTH },
		{ "PERMISSION-DENIED", API_ERR_AUTH },
		{ "unauthorized", API_ERR_AUTH },
		{ "Unauthorized", API_ERR_AUTH },
		{ "AccessDenied", API_ERR_AUTH },
		{ "AccessDenied.Unpurchased", API_ERR_AUTH },
		{ "access_denied", API_ERR_AUTH },
		{ "invalid_authentication", API_ERR_AUTH },
		{ "limit_requests", API_ERR_RATE_LIMIT },
		{ "rate_limit_exceeded", API_ERR_RATE_LIMIT },
		{ "rate-limit-exceeded", API_ERR_RATE_LIMIT },
		{ "RateLimitExceeded", API_ERR_RATE_LIMIT },
		{ "rate_limit_error", API_ERR_RATE_LIMIT },
		{ "requests", API_ERR_RATE_LIMIT },
		{ "Throttling", API_ERR_RATE_LIMIT },
		{ "Throttling.User", API_ERR_RATE_LIMIT },
		{ "Throttling.AllocationQuota", API_ERR_RATE_LIMIT },
		{ "too_many_requests", API_ERR_RATE_LIMIT },
		{ "TooManyRequests", API_ERR_RATE_LIMIT },
		{ "server_error", API_ERR_OVERLOAD },
		{ "internal_error", API_ERR_OVERLOAD },
		{ "InternalError", API_ERR_OVERLOAD },
		{ "InternalError.Algo", API_ERR_OVERLOAD },
		{ "service_unavailable", API_ERR_OVERLOAD },
		{ "ServiceUnavailable", API_ERR_OVERLOAD },
		{ "overloaded", API_ERR_OVERLOAD },
		{ "overloaded_error", API_ERR_OVERLOAD },
		{ "engine_overloaded", API_ERR_OVERLOAD },
		{ "timeout", API_ERR_OVERLOAD },
		{ "bad_gateway", API_ERR_OVERLOAD },
		{ "insufficient_quota", API_ERR_QUOTA },
		{ "insufficient-quota", API_ERR_QUOTA },
		{ "data_inspection_failed", API_ERR_FILTER },
		{ "data-inspection-failed", API_ERR_FILTER },
		{ "content_filter", API_ERR_FILTER },
		/* near misses */
		{ "invalid_api_keys", API_ERR_OTHER },
		{ "invalid_api", API_ERR_OTHER },
		{ "access", API_ERR_OTHER },
		{ "request", API_ERR_OTHER },
		{ "requests_x", API_ERR_OTHER },
		{ "xthrottling", API_ERR_OTHER },
		{ "internal", API_ERR_OTHER },
		{ "server", API_ERR_OTHER },
		{ "timeouts", API_ERR_OTHER },
		{ "invalid_request_error", API_ERR_OTHER },
		{ "api_error", API_ERR_OTHER },
		{ "Arrearage", API_ERR_OTHER },
		{ "_", API_ERR_OTHER },
		{ "", API_ERR_OTHER },
	};
	size_t i;

	for (i = 0; i < nitems(words); i++) {
		/* as the code, as the type, in a stream and with a neutral status */
		assert_int_equal(classify(words[i].word, NULL, 0), words[i].class);
		assert_int_equal(classify(NULL, words[i].word, 0), words[i].class);
		assert_int_equal(classify(words[i].word, "api_error", 400), words[i].class);
		assert_int_equal(classify("x", words[i].word, 418), words[i].class);
	}
}

static void
test_error_class_precedence(void **state)
{
	/* a word wins over the status */
	assert_int_equal(classify("invalid_api_key", "invalid_request_error", 400), API_ERR_AUTH);
	assert_int_equal(classify("insufficient_quota", NULL, 429), API_ERR_QUOTA);
	assert_int_equal(classify(NULL, "insufficient_quota", 429), API_ERR_QUOTA);
	assert_int_equal(classify("limit_requests", NULL, 503), API_ERR_RATE_LIMIT);
	assert_int_equal(classify("server_error", NULL, 401), API_ERR_OVERLOAD);
	/* the filter first, then the quota, then the code before the type */
	assert_int_equal(classify("data_inspection_failed", "insufficient_quota", 401),
	    API_ERR_FILTER);
	assert_int_equal(classify("invalid_api_key", "content_filter", 429), API_ERR_FILTER);
	assert_int_equal(classify("insufficient_quota", "invalid_api_key", 401), API_ERR_QUOTA);
	assert_int_equal(classify("invalid_api_key", "server_error", 503), API_ERR_AUTH);
	assert_int_equal(classify("server_error", "invalid_api_key", 401), API_ERR_OVERLOAD);
	/* a word in the type wins over a numeric code and the status */
	assert_int_equal(classify("500", "rate_limit_error", 500), API_ERR_RATE_LIMIT);

	/* a numeric code counts only without an HTTP error status */
	assert_int_equal(classify("429", NULL, 0), API_ERR_RATE_LIMIT);
	assert_int_equal(classify("429", NULL, 200), API_ERR_RATE_LIMIT);
	assert_int_equal(classify("503", "api_error", 0), API_ERR_OVERLOAD);
	assert_int_equal(classify("401", NULL, 500), API_ERR_OVERLOAD);
	assert_int_equal(classify("503", NULL, 400), API_ERR_OTHER);
	assert_int_equal(classify("403", NULL, 0), API_ERR_AUTH);
	/* and only when all digits */
	assert_int_equal(classify("4290", NULL, 0), API_ERR_OTHER);
	assert_int_equal(classify("0429", NULL, 0), API_ERR_OTHER);
	assert_int_equal(classify("-401", NULL, 0), API_ERR_OTHER);
	assert_int_equal(classify("401x", NULL, 0), API_ERR_OTHER);
	assert_int_equal(classify("42.9", NULL, 0), API_ERR_OTHER);
	assert_int_equal(classify("5e2", NULL, 0), API_ERR_OTHER);
	assert_int_equal(classify("1e+300", NULL, 0), API_ERR_OTHER);
	assert_int_equal(classify("429", "429", 0), API_ERR_RATE_LIMIT);
	assert_int_equal(classify(NULL, "429", 0), API_ERR_OTHER);
	assert_int_equal(classify(NULL, NULL, 0), API_ERR_OTHER);
}

static void
test_error_class_status(void **state)
{
	static const struct {
		long status;
		enum api_error_class class;
	} statuses[] = {
		{ 0, API_ERR_OTHER },
		{ 200, API_ERR_OTHER },
		{ 400, API_ERR_OTHER },
		{ 401, API_ERR_AUTH },
		{ 402, API_ERR_OTHER },
		{ 403, API_ERR_AUTH },
		{ 404, API_ERR_OTHER },
		{ 408, API_ERR_OVERLOAD },
		{ 409, API_ERR_OVERLOAD },
		{ 413, API_ERR_OTHER },
		{ 422, API_ERR_OTHER },
		{ 429, API_ERR_RATE_LIMIT },
		{ 500, API_ERR_OVERLOAD },
		{ 501, API_ERR_OTHER },
		{ 502, API_ERR_OVERLOAD },
		{ 503, API_ERR_OVERLOAD },
		{ 504, API_ERR_OVERLOAD },
		{ 505, API_ERR_OTHER },
		{ 520, API_ERR_OTHER },
		{ 529, API_ERR_OVERLOAD },
		{ 599, API_ERR_OTHER },
		{ 600, API_ERR_OTHER },
		{ -1, API_ERR_OTHER },
	};
	size_t i;

	/* without an error object (an HTML page, an empty body) only the status counts */
	for (i = 0; i < nitems(statuses); i++) {
		assert_int_equal(api_error_classify(NULL, statuses[i].status), statuses[i].class);
		assert_int_equal(classify(NULL, NULL, statuses[i].status), statuses[i].class);
		assert_int_equal(classify(NULL, "api_error", statuses[i].status),
		    statuses[i].class);
	}
}

static void
test_error_class_names(void **state)
{
	assert_string_equal(api_error_class_name(API_ERR_AUTH), "auth");
	assert_string_equal(api_error_class_name(API_ERR_RATE_LIMIT), "rate-limit");
	assert_string_equal(api_error_class_name(API_ERR_OVERLOAD), "overload");
	assert_string_equal(api_error_class_name(API_ERR_QUOTA), "quota");
	assert_string_equal(api_error_class_name(API_ERR_FILTER), "filter");
	assert_string_equal(api_error_class_name(API_ERR_OTHER), "other");

	assert_false(api_error_class_retryable(API_ERR_AUTH));
	assert_true(api_error_class_retryable(API_ERR_RATE_LIMIT));
	assert_true(api_error_class_retryable(API_ERR_OVERLOAD));
	assert_false(api_error_class_retryable(API_ERR_QUOTA));
	assert_false(api_error_class_retryable(API_ERR_FILTER));
	assert_false(api_error_class_retryable(API_ERR_OTHER));
}

/* ---- inline reasoning -------------------------------------------------------- */

/* One input of the splitter and what must come of it (each may hold NULs). */
struct think_case {
	const char *in;
	size_t len;
	const char *content;
	size_t clen;
	const char *reasoning;
	size_t rlen;
};
#define THINK(in, content, reasoning) \
	{ \
		S(in), S(content), S(reasoning) \
	}

static const struct think_case think_cases[] = {
	THINK("Hello, world.", "Hello, world.", ""),
	THINK("", "", ""),
	THINK("<think>Let me see.</think>\n\nThe answer is 4.", "The answer is 4.", "Let me see."),
	/* Qwen3: newlines inside the block are reasoning */
	THINK("<think>\nThe user asks 2+2.\n</think>\n\n4", "4", "\nThe user asks 2+2.\n"),
	THINK(" \t\r\n\n<think>r</think>a", "a", "r"),
	THINK("<think></think>answer", "answer", ""),
	THINK("<think>a</think>\r\n\r\nb\r\n", "b\r\n", "a"),
	THINK("<think>a</think> \t b  c ", "b  c ", "a"),
	THINK("<think>a</think>   \n", "", "a"),
	THINK("<think>a</think>", "", "a"),
	THINK("<think>", "", ""),
	/* an unfinished opening tag is content */
	THINK("<thi", "<thi", ""),
	THINK("<think", "<think", ""),
	THINK("<", "<", ""),
	THINK("\n\n", "\n\n", ""),
	THINK("  <thi", "  <thi", ""),
	THINK("\n<thx>", "\n<thx>", ""),
	/* only a leading block counts, and only "<think>" exactly */
	THINK("The tag <think> opens</think> a block.", "The tag <think> opens</think> a block.",
	    ""),
	THINK("x<think>y", "x<think>y", ""),
	THINK("<<think>a</think>", "<<think>a</think>", ""),
	THINK("<Think>a</Think>b", "<Think>a</Think>b", ""),
	THINK("<thinking>a</thinking>b", "<thinking>a</thinking>b", ""),
	THINK("< think>a</think>", "< think>a</think>", ""),
	THINK("</think>answer", "</think>answer", ""),
	THINK("<think>a</think>b<think>c</think>", "b<think>c</think>", "a"),
	/* an unclosed block stays reasoning, an unfinished close tag too */
	THINK("<think>still thinking", "", "still thinking"),
	THINK("<think>unclosed </thi", "", "unclosed </thi"),
	THINK("<think>x<", "", "x<"),
	/* near misses of the close tag inside the block */
	THINK("<think>a<b</thinkx><</think>c", "c", "a<b</thinkx><"),
	THINK("<think>x<</</think>y", "y", "x<</"),
	THINK("<think></</think>", "", "</"),
	THINK("<think><think>nested</think>after</think>", "after</think>", "<think>nested"),
	/* UTF-8 inside and after the block, and NUL bytes */
	THINK("<think>让我想想。2+2=4</think>\n答案是四。", "答案是四。", "让我想想。2+2=4"),
	THINK("\n<think>思考</think>\n\n🙂 好", "🙂 好", "思考"),
	THINK("答案<think>不是</think>", "答案<think>不是</think>", ""),
	THINK("<think>a\0b</think>c\0d", "c\0d", "a\0b"),
	THINK("a\0<think>", "a\0<think>", ""),
	/* at most API_THINK_SPACE_MAX (32) bytes of whitespace before the block */
	THINK("                                <think>r</think>a", "a", "r"),
	THINK("                                 <think>r</think>a",
	    "                                 <think>r</think>a", ""),
	THINK("                                  ", "                                  ", ""),
};

/* got must hold exactly want[0..len), NUL-terminated. */
static void
assert_buf_is(const struct buf *got, const char *want, size_t len)
{
	assert_int_equal(got->len, len);
	assert_memory_equal(got->data, want, len);
	assert_int_equal(got->data[got->len], '\0');
}

/*
 * Run tc through a splitter fed in pieces cut at the offsets cuts[0..ncuts)
 * (ascending), each piece an exactly sized heap copy, then finish.
 */
static void
think_run(const struct think_case *tc, const size_t *cuts, size_t ncuts)
{
	struct api_think t;
	struct buf content, reasoning;
	size_t i, from = 0, to;
	char *piece;

	api_think_init(&t);
	buf_init(&content, 0);
	buf_init(&reasoning, 0);
	for (i = 0; i <= ncuts; i++) {
		to = i < ncuts ? cuts[i] : tc->len;
		piece = xmalloc(to - from + 1);
		memcpy(piece, tc->in + from, to - from);
		api_think_feed(&t, piece, to - from, &content, &reasoning);
		free(piece);
		from = to;
	}
	api_think_finish(&t, &content, &reasoning);
	assert_buf_is(&content, tc->content, tc->clen);
	assert_buf_is(&reasoning, tc->reasoning, tc->rlen);
	buf_release(&content);
	buf_release(&reasoning);
}

static void
test_think_whole_and_bytes(void **state)
{
	size_t i, j, cuts[128];

	for (i = 0; i < nitems(think_cases); i++) {
		assert_true(think_cases[i].len < nitems(cuts));
		think_run(&think_cases[i], NULL, 0);
		for (j = 0; j < think_cases[i].len; j++)
			cuts[j] = j + 1;
		think_run(&think_cases[i], cuts, think_cases[i].len);
	}
}

static void
test_think_split_everywhere(void **state)
{
	const struct think_case *tc;
	size_t i, a, b, cuts[2];

	for (i = 0; i < nitems(think_cases); i++) {
		tc = &think_cases[i];
		/* one cut at each position, empty pieces included */
		for (a = 0; a <= tc->len; a++) {
			cuts[0] = a;
			think_run(tc, cuts, 1);
		}
		/* two cuts at each pair of positions */
		for (a = 0; a <= tc->len; a++) {
			for (b = a; b <= tc->len; b++) {
				cuts[0] = a;
				cuts[1] = b;
				think_run(tc, cuts, 2);
			}
		}
	}
}

static void
test_think_skip(void **state)
{
	const struct think_case *tc;
	struct buf answer, reasoning;
	size_t i, off, roff, rlen;

	for (i = 0; i < nitems(think_cases); i++) {
		tc = &think_cases[i];
		off = api_think_skip(tc->in, tc->len, &roff, &rlen);
		assert_true(off <= tc->len);
		assert_true(roff + rlen <= off);
		if (off == 0)
			assert_true(roff == 0 && rlen == 0);
		buf_init(&answer, 0);
		buf_init(&reasoning, 0);
		buf_add(&answer, tc->in + off, tc->len - off);
		buf_add(&reasoning, tc->in + roff, rlen);
		assert_buf_is(&answer, tc->content, tc->clen);
		assert_buf_is(&reasoning, tc->reasoning, tc->rlen);
		buf_release(&answer);
		buf_release(&reasoning);
		assert_int_equal(api_think_skip(tc->in, tc->len, NULL, NULL), off);
	}

	off = api_think_skip(S("\n<think>abc</think>\n\nanswer"), &roff, &rlen);
	assert_int_equal(off, 21);
	assert_int_equal(roff, 8);
	assert_int_equal(rlen, 3);
	off = api_think_skip(S("<think>abc"), &roff, &rlen);
	assert_int_equal(off, 10);
	assert_int_equal(roff, 7);
	assert_int_equal(rlen, 3);
	assert_int_equal(api_think_skip(S("plain"), &roff, &rlen), 0);
	assert_int_equal(roff, 0);
	assert_int_equal(rlen, 0);
	assert_int_equal(api_think_skip(NULL, 0, NULL, NULL), 0);
}

static void
test_think_reuse(void **state)
{
	struct api_think t;
	struct buf content, reasoning;

	/* finish leaves the splitter ready for the next answer */
	api_think_init(&t);
	buf_init(&content, 0);
	buf_init(&reasoning, 0);
	api_think_feed(&t, S("<think>a</thi"), &content, &reasoning);
	assert_int_equal(content.len, 0);
	assert_string_equal(reasoning.data, "a"); /* "</thi" is held back */
	api_think_finish(&t, &content, &reasoning);
	assert_string_equal(reasoning.data, "a</thi");
	api_think_feed(&t, S("  <think>b</think> c"), &content, &reasoning);
	api_think_finish(&t, &content, &reasoning);
	assert_string_equal(content.data, "c");
	assert_string_equal(reasoning.data, "a</thib");

	/* without a block, content passes on at once, except a possible tag start */
	buf_reset(&content);
	buf_reset(&reasoning);
	api_think_feed(&t, S("Hi"), &content, &reasoning);
	assert_string_equal(content.data, "Hi");
	api_think_feed(&t, S(" <think>"), &content, &reasoning);
	assert_string_equal(content.data, "Hi <think>");
	api_think_finish(&t, &content, &reasoning);
	api_think_feed(&t, S("\n<th"), &content, &reasoning);
	assert_string_equal(content.data, "Hi <think>");
	api_think_feed(&t, S("x"), &content, &reasoning);
	assert_string_equal(content.data, "Hi <think>\n<thx");
	assert_int_equal(reasoning.len, 0);
	api_think_finish(&t, &content, &reasoning);
	/* nothing fed: nothing out */
	api_think_feed(&t, "", 0, &content, &reasoning);
	api_think_finish(&t, &content, &reasoning);
	assert_string_equal(content.data, "Hi <think>\n<thx");
	buf_release(&content);
	buf_release(&reasoning);
}

/* ---- /models --------------------------------------------------------------- */

static int
models(const char *json, char ***ids, size_t *n, char **cause)
{
	char *copy = xmalloc(strlen(json) + 1);
	int rv;

	memcpy(copy, json, strlen(json));
	if (cause != NULL)
		*cause = NULL;
	rv = api_models_parse(copy, strlen(json), ids, n, cause);
	free(copy);
	return rv;
}

static void
test_models(void **state)
{
	char **ids, *cause;
	size_t n;

	assert_int_equal(
	    models("{\"data\":[{\"id\":\"qwen-plus\",\"object\":\"model\","
		   "\"created\":1735795200,\"owned_by\":\"system\"},{\"id\":\"qwen-max\","
		   "\"object\":\"model\",\"created\":1735795200,\"owned_by\":\"system\"},"
		   "{\"object\":\"model\",\"id\":\"qwen3-235b-a22b\"}],\"object\":\"list\"}",
		&ids, &n, &cause),
	    0);
	assert_null(cause);
	assert_int_equal(n, 3);
	assert_string_equal(ids[0], "qwen-plus");
	assert_string_equal(ids[1], "qwen-max");
	assert_string_equal(ids[2], "qwen3-235b-a22b");
	api_models_free(ids, n);

	/* Ollama */
	assert_int_equal(
	    models("{\"object\":\"list\",\"data\":[{\"id\":\"qwen3:8b\","
		   "\"object\":\"model\",\"created\":1739800000,\"owned_by\":\"library\"}]}",
		&ids, &n, &cause),
	    0);
	assert_int_equal(n, 1);
	assert_string_equal(ids[0], "qwen3:8b");
	api_models_free(ids, n);

	/* empty; entries without a usable id are skipped */
	assert_int_equal(models("{\"data\":[]}", &ids, &n, &cause), 0);
	assert_int_equal(n, 0);
	assert_null(ids);
	api_models_free(ids, n);
	assert_int_equal(models("{\"data\":[{\"id\":1},{\"object\":\"model\"},\"x\",null,"
				"{\"id\":\"\"},{\"id\":\"a\"},{\"id\":\"b\",\"id\":\"c\"}]}",
			     &ids, &n, &cause),
	    0);
	assert_int_equal(n, 2);
	assert_string_equal(ids[0], "a");
	assert_string_equal(ids[1], "b");
	api_models_free(ids, n);
	assert_int_equal(models("{\"data\":[null]}", &ids, &n, &cause), 0);
	assert_int_equal(n, 0);
	assert_null(ids);

	/* Ollama with no model pulled: data is null, which is an empty list */
	assert_int_equal(models("{\"object\":\"list\",\"data\":null}\n", &ids, &n, &cause), 0);
	assert_null(cause);
	assert_int_equal(n, 0);
	assert_null(ids);
	assert_int_equal(models("{\"data\":null}", &ids, &n, NULL), 0);
	assert_int_equal(n, 0);
	/* a model id with a lone surrogate is U+FFFD, not a broken list */
	assert_int_equal(models("{\"data\":[{\"id\":\"m\\ud83d\"}]}", &ids, &n, &cause), 0);
	assert_int_equal(n, 1);
	assert_string_equal(ids[0], "m\xef\xbf\xbd");
	api_models_free(ids, n);

	/* malformed */
	assert_int_equal(models("{\"data\":[{\"id\":\"qwen", &ids, &n, &cause), -1);
	assert_true(strncmp(cause, "malformed JSON in the model list: ", 34) == 0);
	assert_null(ids);
	assert_int_equal(n, 0);
	free(cause);
	assert_int_equal(models("{\"object\":\"list\"}", &ids, &n, &cause), -1);
	assert_string_equal(cause, "the model list has no 'data' array: '{\"object\":\"list\"}'");
	free(cause);
	assert_int_equal(models("{\"data\":{\"id\":\"x\"}}", &ids, &n, &cause), -1);
	free(cause);
	assert_int_equal(models("{\"data\":false}", &ids, &n, &cause), -1);
	free(cause);
	assert_int_equal(models("{\"data\":\"null\"}", &ids, &n, &cause), -1);
	free(cause);
	assert_int_equal(models("<html></html>", &ids, &n, &cause), -1);
	free(cause);
	assert_int_equal(models("[]", &ids, &n, NULL), -1);
	api_models_free(NULL, 0);
}

/* ---- lone and split UTF-16 surrogates --------------------------------------- */

#define FFFD "\xef\xbf\xbd"
#define GRIN "\xf0\x9f\x98\x80" /* U+1F600, \ud83d\ude00 */

/* A chunk whose delta content is the JSON string body s (escapes as written). */
static void
content_chunk(const char *s, struct api_delta *d)
{
	char *json = xasprintf("{\"choices\":[{\"delta\":{\"content\":\"%s\"},"
			       "\"finish_reason\":null,\"index\":0}]}",
	    s);

	chunk_ok(json, d);
	free(json);
}

/* The content a chunk with content s gives, and its cut, checked. */
static void
assert_content(const char *s, const char *want, unsigned int high, unsigned int low)
{
	struct api_delta d;

	content_chunk(s, &d);
	if (want == NULL)
		assert_null(d.content);
	else
		assert_string_equal(d.content, want);
	assert_int_equal(d.content_cut.high, high);
	assert_int_equal(d.content_cut.low, low);
	api_delta_release(&d);
}

static void
test_surrogate_chunk(void **state)
{
	struct api_delta d;
	char *cause, *c2;

	/* a lone half inside a text is U+FFFD, whatever its kind */
	assert_content("a\\ud800b", "a" FFFD "b", 0, 0);
	assert_content("a\\udc00b", "a" FFFD "b", 0, 0);
	assert_content("a\\uDBFFb\\uDFFFc", "a" FFFD "b" FFFD "c", 0, 0);
	/* a high half at the very end and a low half at the very start are cut */
	assert_content("Hi \\ud83d", "Hi ", 0xd83d, 0);
	assert_content("\\ude00 there", " there", 0, 0xde00);
	assert_content("\\uD83D", NULL, 0xd83d, 0);
	assert_content("\\uDE00", NULL, 0, 0xde00);
	assert_content("\\ude00\\ud83d", NULL, 0xd83d, 0xde00);
	assert_content("\\ude00x\\ud83d", "x", 0xd83d, 0xde00);
	/* but not the other way round: a low half last, a high half first */
	assert_content("x\\ude00", "x" FFFD, 0, 0);
	assert_content("\\ud83dx", FFFD "x", 0, 0);
	/* whole pairs are decoded, and a pair is not a cut */
	assert_content("\\ud83d\\ude00", GRIN, 0, 0);
	assert_content("\\ud83d\\ude00\\ud83d", GRIN, 0xd83d, 0);
	assert_content("\\ude00\\ud83d\\ude00", GRIN, 0, 0xde00);
	assert_content("\\ud83d\\ud83d", FFFD, 0xd83d, 0);
	assert_content("\\ude00\\ude00", FFFD, 0, 0xde00);
	assert_content("\\ud83d\\u0041\\ud83d\\n", FFFD "A" FFFD "\n", 0, 0);
	assert_content("\\ud800\\udc00\\udbff\\udfff", "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf", 0, 0);
	/* an escaped backslash before "ud83d" is text, not an escape */
	assert_content("\\\\ud83d", "\\ud83d", 0, 0);
	assert_content("\\\\\\ud83d", "\\", 0xd83d, 0);
	assert_content("\\\\ude00", "\\ude00", 0, 0);
	assert_content("\\\"\\ud83d", "\"", 0xd83d, 0);
	assert_content("\\u005c\\ud83d", "\\", 0xd83d, 0);

	/* reasoning (both names) and refusal are cut the same way */
	chunk_ok("{\"choices\":[{\"delta\":{\"content\":null,\"reasoning_content\":"
		 "\"\\ude00think\\ud83d\",\"refusal\":\"\\udc00no\\udbff\"}}]}",
	    &d);
	assert_null(d.content);
	assert_string_equal(d.reasoning, "think");
	assert_int_equal(d.reasoning_cut.high, 0xd83d);
	assert_int_equal(d.reasoning_cut.low, 0xde00);
	assert_string_equal(d.refusal, "no");
	assert_int_equal(d.refusal_cut.high, 0xdbff);
	assert_int_equal(d.refusal_cut.low, 0xdc00);
	api_delta_release(&d);
	chunk_ok("{\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\","
		 "\"reasoning\":\"\\ude00\"}}]}",
	    &d);
	assert_null(d.reasoning);
	assert_int_equal(d.reasoning_cut.low, 0xde00);
	api_delta_release(&d);
	/* a reasoning_content that is only a half is still the one chosen */
	chunk_ok("{\"choices\":[{\"delta\":{\"reasoning_content\":\"\\ud83d\","
		 "\"reasoning\":\"\\ud83d\"}}]}",
	    &d);
	assert_null(d.reasoning);
	assert_int_equal(d.reasoning_cut.high, 0xd83d);
	api_delta_release(&d);

	/* every other string has its halves as U+FFFD, ends included */
	chunk_ok("{\"id\":\"\\udc00id\",\"model\":\"m\\ud83d\",\"\\ud800\":1,"
		 "\"choices\":[{\"delta\":{\"content\":\"ok\",\"tool_calls\":[{\"index\":0,"
		 "\"function\":{\"arguments\":\"\\ud83d\"}}]},\"finish_reason\":\"\\ud83d\"}]}",
	    &d);
	assert_string_equal(d.id, FFFD "id");
	assert_string_equal(d.model, "m" FFFD);
	assert_string_equal(d.finish_reason, FFFD);
	assert_string_equal(d.content, "ok");
	assert_true(d.tool_calls);
	api_delta_release(&d);
	chunk_ok("{\"error\":{\"message\":\"bad \\ud83d\",\"code\":\"\\udc00\"}}", &d);
	assert_true(d.has_error);
	assert_string_equal(d.error.message, "bad " FFFD);
	assert_string_equal(d.error.code, FFFD);
	assert_null(d.content);
	api_delta_release(&d);
	/* the "message" fallback of a chunk is cut like the delta */
	chunk_ok("{\"choices\":[{\"message\":{\"content\":\"a\\ud83d\"}}]}", &d);
	assert_string_equal(d.content, "a");
	assert_int_equal(d.content_cut.high, 0xd83d);
	api_delta_release(&d);

	/*
	 * Raw 0xFF bytes (invalid UTF-8, passed on as they are) could be taken
	 * for a cut: a text that has them gets U+FFFD for every lone half, and
	 * raw bytes that look like a cut are only text.
	 */
	chunk_ok("{\"id\":\"\xff\",\"choices\":[{\"delta\":{\"content\":\"a\\ud83d\"}}]}", &d);
	assert_string_equal(d.content, "a" FFFD);
	assert_int_equal(d.content_cut.high, 0);
	api_delta_release(&d);
	chunk_ok("{\"choices\":[{\"delta\":{\"content\":\"\xff\xff"
		 "d83d\"}}]}",
	    &d);
	assert_string_equal(d.content,
	    "\xff\xff"
	    "d83d");
	assert_int_equal(d.content_cut.high, 0);
	api_delta_release(&d);
	chunk_ok("{\"choices\":[{\"delta\":{\"content\":\"\xff\xff"
		 "d83d\\ud800\"}}]}",
	    &d);
	assert_string_equal(d.content,
	    "\xff\xff"
	    "d83d" FFFD);
	assert_int_equal(d.content_cut.high, 0);
	api_delta_release(&d);

	/* broken escapes stay errors, at the same offsets as without a half */
	cause = chunk_bad(S("{\"choices\":[{\"delta\":{\"content\":\"\\ud83"));
	c2 = chunk_bad(S("{\"choices\":[{\"delta\":{\"content\":\"\\u004"));
	assert_non_null(strstr(cause, ": syntax error near byte 33: "));
	assert_non_null(strstr(c2, ": syntax error near byte 33: "));
	free(cause);
	free(c2);
	cause = chunk_bad(S("{\"choices\":[{\"delta\":{\"content\":\"x\\ud83d\"}}]"));
	c2 = chunk_bad(S("{\"choices\":[{\"delta\":{\"content\":\"x\\u0041\"}}]"));
	assert_non_null(strstr(cause, ": syntax error near byte 43: "));
	assert_non_null(strstr(c2, ": syntax error near byte 43: "));
	free(cause);
	free(c2);
	cause = chunk_bad(S("{\"a\":\"\\ud83d\"} x"));
	assert_true(strstr(cause, "unexpected data after the value at byte 15") != NULL);
	free(cause);
	/* the excerpt shows the data as it came */
	cause = chunk_bad(S("{\"a\":\"\\ud83d\""));
	assert_true(strstr(cause, "'{\"a\":\"\\ud83d\"'") != NULL);
	free(cause);

	/* an HTTP error body with lone halves is read, not dropped as "not JSON" */
	{
		struct api_error e;

		assert_int_equal(error_parse("{\"error\":{\"message\":\"\\udc00x\\ud83d\","
					     "\"type\":\"t\\ud800\"}}",
				     &e),
		    0);
		assert_string_equal(e.message, FFFD "x" FFFD);
		assert_string_equal(e.type, "t" FFFD);
		api_error_release(&e);
	}
}

/* The answer a stream of content chunks gives, joined as a client must. */
static char *
join_stream(const char *const *pieces, size_t n)
{
	struct api_carry c;
	struct api_delta d;
	struct buf b;
	size_t i;

	buf_init(&b, 0);
	api_carry_init(&c);
	for (i = 0; i < n; i++) {
		content_chunk(pieces[i], &d);
		api_carry_join(&c, &d);
		assert_int_equal(d.content_cut.high, 0);
		assert_int_equal(d.content_cut.low, 0);
		if (d.content != NULL)
			buf_adds(&b, d.content);
		api_delta_release(&d);
	}
	if (api_carry_finish(&c, &d))
		buf_adds(&b, d.content);
	api_delta_release(&d);
	assert_int_equal(c.content, 0);
	buf_addc(&b, '\0');
	return buf_detach(&b, NULL);
}

static void
assert_joined(const char *want, size_t n, ...)
{
	const char *pieces[8];
	va_list ap;
	size_t i;
	char *got;

	assert_true(n <= nitems(pieces));
	va_start(ap, n);
	for (i = 0; i < n; i++)
		pieces[i] = va_arg(ap, const char *);
	va_end(ap);
	got = join_stream(pieces, n);
	assert_string_equal(got, want);
	free(got);
}

static void
test_surrogate_join(void **state)
{
	struct api_carry c;
	struct api_delta d;

	assert_joined("Hi " GRIN " there", 2, "Hi \\ud83d", "\\ude00 there");
	assert_joined(GRIN, 2, "\\ud83d", "\\ude00");
	assert_joined("a" GRIN GRIN "b", 3, "a\\ud83d", "\\ude00\\ud83d", "\\ude00b");
	/* a high half with no low one after it; a low half with no high one before */
	assert_joined("a" FFFD "b", 2, "a\\ud83d", "b");
	assert_joined("a" FFFD FFFD, 2, "a\\ud83d", "\\ud83d");
	assert_joined(FFFD "b", 1, "\\ude00b");
	assert_joined("a" FFFD, 1, "a\\ud83d");
	assert_joined("a" FFFD " " FFFD "b", 3, "a\\ud83d", " ", "\\ude00b");
	/* an empty piece between the halves is nothing between them */
	assert_joined("a" GRIN "b", 3, "a\\ud83d", "", "\\ude00b");
	/* two different pairs are joined by their own values */
	assert_joined("\xf0\x90\x80\x80\xf4\x8f\xbf\xbf", 4, "\\ud800", "\\udc00\\udbff", "",
	    "\\udfff");

	/* a chunk without the field leaves the half waiting */
	api_carry_init(&c);
	content_chunk("x\\ud83d", &d);
	api_carry_join(&c, &d);
	assert_string_equal(d.content, "x");
	assert_int_equal(c.content, 0xd83d);
	api_delta_release(&d);
	chunk_ok("{\"choices\":[],\"usage\":{\"prompt_tokens\":1}}", &d);
	api_carry_join(&c, &d);
	assert_null(d.content);
	api_delta_release(&d);
	chunk_ok("{\"choices\":[{\"delta\":{\"reasoning_content\":\"\\ude00r\"}}]}", &d);
	api_carry_join(&c, &d);
	assert_string_equal(d.reasoning, FFFD "r"); /* reasoning has its own halves */
	assert_null(d.content);
	assert_int_equal(c.content, 0xd83d);
	api_delta_release(&d);
	content_chunk("\\ude00", &d);
	api_carry_join(&c, &d);
	assert_string_equal(d.content, GRIN);
	assert_int_equal(c.content, 0);
	api_delta_release(&d);
	assert_false(api_carry_finish(&c, &d));
	assert_null(d.content);
	assert_null(d.reasoning);
	assert_null(d.refusal);
	api_delta_release(&d);

	/* each field joins on its own; the end gives U+FFFD for what still waits */
	api_carry_init(&c);
	chunk_ok("{\"choices\":[{\"delta\":{\"reasoning\":\"r\\ud83d\",\"refusal\":\"\\ud83d\"}}]}",
	    &d);
	api_carry_join(&c, &d);
	assert_string_equal(d.reasoning, "r");
	assert_null(d.refusal);
	api_delta_release(&d);
	chunk_ok("{\"choices\":[{\"delta\":{\"reasoning\":\"\\ude00!\",\"refusal\":\"no\"}}]}", &d);
	api_carry_join(&c, &d);
	assert_string_equal(d.reasoning, GRIN "!");
	assert_string_equal(d.refusal, FFFD "no");
	api_delta_release(&d);
	chunk_ok("{\"choices\":[{\"delta\":{\"refusal\":\"\\ud83d\",\"content\":\"c\\udbff\","
		 "\"reasoning\":\"x\"}}]}",
	    &d);
	api_carry_join(&c, &d);
	api_delta_release(&d);
	assert_true(api_carry_finish(&c, &d));
	assert_string_equal(d.content, FFFD);
	assert_null(d.reasoning);
	assert_string_equal(d.refusal, FFFD);
	assert_false(d.has_usage);
	assert_int_equal(c.content | c.reasoning | c.refusal, 0);
	api_delta_release(&d);

	/* joining a delta that is not a chunk's (no text, an error) changes nothing */
	api_carry_init(&c);
	chunk_ok("{\"error\":{\"message\":\"x\"}}", &d);
	api_carry_join(&c, &d);
	assert_null(d.content);
	api_delta_release(&d);
}

/*
 * Text of BMP and astral characters, as UTF-16 units, cut into two and three
 * pieces at every unit, each piece escaped as a gateway's JSON.stringify
 * would (\uXXXX for each unit here): joined, the pieces are the text again,
 * and a lone half in the text is U+FFFD however it is cut.
 */
static void
test_surrogate_split_everywhere(void **state)
{
	static const uint16_t units[] = { 'H', 0xd83d, 0xde00, 0x4f60, 0xd83c, 0xdf89, 0xd83d,
		0xde80, ' ', 0xd800, 'x', 0xdbff, 0xdfff, '!' };
	static const char want[] = "H" GRIN "\xe4\xbd\xa0\xf0\x9f\x8e\x89\xf0\x9f\x9a\x80 " FFFD
				   "x\xf4\x8f\xbf\xbf!";
	const size_t n = nitems(units);
	char *pieces[3], *got;
	const char *p[3];
	size_t i, j, k, a, b;
	struct buf e;

	for (i = 0; i <= n; i++) {
		for (j = i; j <= n; j++) {
			size_t cuts[4] = { 0, i, j, n };

			for (k = 0; k < 3; k++) {
				buf_init(&e, 0);
				for (a = cuts[k], b = cuts[k + 1]; a < b; a++)
					buf_addf(&e, "\\u%04x", units[a]);
				buf_addc(&e, '\0');
				pieces[k] = buf_detach(&e, NULL);
				p[k] = pieces[k];
			}
			got = join_stream(p, 3);
			assert_string_equal(got, want);
			free(got);
			for (k = 0; k < 3; k++)
				free(pieces[k]);
		}
	}
}

static void
test_surrogate_response(void **state)
{
	struct api_delta d;
	char *cause;

	/* a whole answer has no one to pass a half to: both ends are U+FFFD */
	assert_int_equal(
	    response("{\"choices\":[{\"message\":{\"role\":\"assistant\","
		     "\"content\":\"\\ude00a\\ud83d\\ude00b\\ud800c\\ud83d\",\"reasoning_content\":"
		     "\"\\ud83d\",\"refusal\":\"\\udc00\"},\"finish_reason\":\"stop\"}]}",
		&d, &cause),
	    0);
	assert_string_equal(d.content, FFFD "a" GRIN "b" FFFD "c" FFFD);
	assert_string_equal(d.reasoning, FFFD);
	assert_string_equal(d.refusal, FFFD);
	assert_int_equal(d.content_cut.high | d.content_cut.low | d.reasoning_cut.high |
		d.refusal_cut.low,
	    0);
	api_delta_release(&d);
	assert_int_equal(response("{\"choices\":[{\"message\":{\"content\":\"plain\"}}]}", &d,
			     &cause),
	    0);
	assert_string_equal(d.content, "plain");
	assert_null(d.reasoning);
	assert_null(d.refusal);
	api_delta_release(&d);
}

/* ---- refusals and tool calls ---------------------------------------------------- */

/* The OpenAI chunk envelope (as gpt-4o sent it in 2024) around a choice. */
#define OPENAI_CHUNK(choice) \
	"{\"id\":\"chatcmpl-9tXmMGFPkLS0t0u0895fzYOblnfYa\",\"object\":" \
	"\"chat.completion.chunk\",\"created\":1723024914,\"model\":\"gpt-4o-2024-08-06\"," \
	"\"system_fingerprint\":\"fp_845eaabc1f\",\"choices\":[" choice "]}"

static void
test_refusal(void **state)
{
	struct api_delta d;
	char *cause;

	/* OpenAI streams a refusal in delta.refusal pieces, content null */
	chunk_ok(OPENAI_CHUNK("{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,"
			      "\"refusal\":\"\"},\"logprobs\":null,\"finish_reason\":null}"),
	    &d);
	assert_null(d.content);
	assert_null(d.refusal);
	assert_false(d.tool_calls);
	api_delta_release(&d);
	chunk_ok(OPENAI_CHUNK("{\"index\":0,\"delta\":{\"refusal\":\"I'm\"},\"logprobs\":null,"
			      "\"finish_reason\":null}"),
	    &d);
	assert_null(d.content);
	assert_string_equal(d.refusal, "I'm");
	api_delta_release(&d);
	chunk_ok(OPENAI_CHUNK("{\"index\":0,\"delta\":{},\"logprobs\":null,"
			      "\"finish_reason\":\"stop\"}"),
	    &d);
	assert_null(d.refusal);
	assert_string_equal(d.finish_reason, "stop");
	assert_false(d.tool_calls);
	api_delta_release(&d);
	/* refusal null (every ordinary chunk today), or not a string */
	chunk_ok("{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\","
		 "\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null,"
		 "\"obfuscation\":\"WuQNX\"}",
	    &d);
	assert_null(d.refusal);
	api_delta_release(&d);
	chunk_ok("{\"choices\":[{\"delta\":{\"content\":\"x\",\"refusal\":42}}]}", &d);
	assert_string_equal(d.content, "x");
	assert_null(d.refusal);
	api_delta_release(&d);
	/* an error object: no refusal even if one is there */
	chunk_ok("{\"error\":{\"message\":\"m\"},\"choices\":[{\"delta\":{\"refusal\":\"r\"}}]}",
	    &d);
	assert_true(d.has_error);
	assert_null(d.refusal);
	api_delta_release(&d);

	/* the whole response: message.refusal, content null */
	assert_int_equal(
	    response(
		"{\n  \"id\": \"chatcmpl-ABfvwoKVWPQj2UPlAcAKM7s40GsRx\",\n"
		"  \"object\": \"chat.completion\",\n  \"created\": 1727346164,\n"
		"  \"model\": \"gpt-4o-2024-08-06\",\n  \"choices\": [\n    {\n"
		"      \"index\": 0,\n      \"message\": {\n        \"role\": \"assistant\",\n"
		"        \"content\": null,\n        \"refusal\": \"I'm very sorry, but I can't "
		"assist with that.\",\n        \"annotations\": []\n      },\n"
		"      \"logprobs\": null,\n      \"finish_reason\": \"stop\"\n    }\n  ]\n}",
		&d, &cause),
	    0);
	assert_null(d.content);
	assert_string_equal(d.refusal, "I'm very sorry, but I can't assist with that.");
	assert_string_equal(d.finish_reason, "stop");
	assert_false(d.tool_calls);
	api_delta_release(&d);
	assert_int_equal(response("{\"choices\":[{\"message\":{\"content\":\"Hi\","
				  "\"refusal\":null}}]}",
			     &d, &cause),
	    0);
	assert_string_equal(d.content, "Hi");
	assert_null(d.refusal);
	api_delta_release(&d);
}

static void
test_tool_calls(void **state)
{
	struct api_delta d;
	char *cause;

	/* OpenAI's streamed fragments: the first names the call, the rest carry arguments */
	chunk_ok(
	    OPENAI_CHUNK(
		"{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,"
		"\"tool_calls\":[{\"index\":0,\"id\":\"call_2Uzw0AEZQeOex2CP2TKjcLKc\",\"type\":"
		"\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}],"
		"\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}"),
	    &d);
	assert_true(d.tool_calls);
	assert_null(d.content);
	assert_null(d.refusal);
	assert_null(d.finish_reason);
	api_delta_release(&d);
	chunk_ok(OPENAI_CHUNK("{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
			      "\"function\":{\"arguments\":\"{\\\"\"}}]},\"logprobs\":null,"
			      "\"finish_reason\":null}"),
	    &d);
	assert_true(d.tool_calls);
	assert_null(d.content);
	api_delta_release(&d);
	/* the last chunk has an empty delta: the finish_reason says it */
	chunk_ok(OPENAI_CHUNK("{\"index\":0,\"delta\":{},\"logprobs\":null,"
			      "\"finish_reason\":\"tool_calls\"}"),
	    &d);
	assert_true(d.tool_calls);
	assert_string_equal(d.finish_reason, "tool_calls");
	api_delta_release(&d);
	/* the deprecated function_call, and its finish_reason */
	chunk_ok(
	    "{\"choices\":[{\"delta\":{\"function_call\":{\"name\":\"f\",\"arguments\":\"\"}}}]}",
	    &d);
	assert_true(d.tool_calls);
	api_delta_release(&d);
	chunk_ok("{\"choices\":[{\"delta\":{},\"finish_reason\":\"function_call\"}]}", &d);
	assert_true(d.tool_calls);
	api_delta_release(&d);
	/* empty, null or not an array: no call */
	chunk_ok("{\"choices\":[{\"delta\":{\"content\":\"x\",\"tool_calls\":[]}}]}", &d);
	assert_false(d.tool_calls);
	api_delta_release(&d);
	chunk_ok("{\"choices\":[{\"delta\":{\"tool_calls\":null,\"function_call\":null}}]}", &d);
	assert_false(d.tool_calls);
	api_delta_release(&d);
	chunk_ok("{\"choices\":[{\"delta\":{\"tool_calls\":{\"index\":0}}}]}", &d);
	assert_false(d.tool_calls);
	api_delta_release(&d);
	chunk_ok("{\"choices\":[],\"usage\":{\"prompt_tokens\":1}}", &d);
	assert_false(d.tool_calls);
	api_delta_release(&d);
	/* tool_calls outside choices[0] count for nothing */
	chunk_ok("{\"tool_calls\":[{\"index\":0}],\"choices\":[{\"delta\":{\"content\":\"x\"}},"
		 "{\"delta\":{\"tool_calls\":[{\"index\":0}]}}]}",
	    &d);
	assert_false(d.tool_calls);
	api_delta_release(&d);

	/* the whole response: message.tool_calls with content null */
	assert_int_equal(
	    response(
		"{\"id\": \"chatcmpl-ABfvx6Z4dchiW2nya1N8KMsHFrQRE\", "
		"\"object\": \"chat.completion\", \"created\": 1727346165, \"model\": "
		"\"gpt-4o-2024-08-06\", \"choices\": [{\"index\": 0, \"message\": {\"role\": "
		"\"assistant\", \"content\": null, \"tool_calls\": [{\"id\": "
		"\"call_Y6qJ7ofLgOrBnMD5WbVAeiRV\", \"type\": \"function\", \"function\": "
		"{\"name\": \"GetWeatherArgs\", \"arguments\": \"{\\\"city\\\":\\\"Edinburgh\\\"}\"}}], "
		"\"refusal\": null}, \"logprobs\": null, \"finish_reason\": \"tool_calls\"}], "
		"\"usage\": {\"prompt_tokens\": 76, \"completion_tokens\": 24, \"total_tokens\": 100}}",
		&d, &cause),
	    0);
	assert_true(d.tool_calls);
	assert_null(d.content);
	assert_null(d.refusal);
	assert_usage(&d, 76, 24, 100, -1);
	api_delta_release(&d);
	/* vLLM sends an empty list with every answer */
	assert_int_equal(response("{\"choices\":[{\"message\":{\"content\":\"Hi\","
				  "\"tool_calls\":[]},\"finish_reason\":\"stop\"}]}",
			     &d, &cause),
	    0);
	assert_false(d.tool_calls);
	api_delta_release(&d);
}

/* ---- the fast path (api-fast.c) -------------------------------------------- */

/*
 * Read json with the fast path, which must take it, on an exactly sized copy;
 * the full parser must give the same delta.
 */
static void
fast_ok(const char *json, struct api_delta *d)
{
	struct api_delta tree;
	char *copy, *cause = NULL;
	size_t len = strlen(json);

	copy = memcpy(xmalloc(len), json, len);
	assert_true(api_chunk_fast(copy, len, d));
	assert_int_equal(api_chunk_parse_tree(copy, len, &tree, &cause), 0);
	assert_null(cause);
	free(copy);
#define SAME(f) \
	do { \
		if (d->f == NULL || tree.f == NULL) \
			assert_ptr_equal(d->f, tree.f); \
		else \
			assert_string_equal(d->f, tree.f); \
	} while (0)
	SAME(content);
	SAME(reasoning);
	SAME(refusal);
	SAME(finish_reason);
	SAME(model);
	SAME(id);
	SAME(error.message);
	SAME(error.code);
	SAME(error.type);
#undef SAME
	assert_int_equal(d->tool_calls, tree.tool_calls);
	assert_int_equal(d->has_usage, tree.has_usage);
	assert_memory_equal(&d->usage, &tree.usage, sizeof d->usage);
	assert_int_equal(d->has_error, tree.has_error);
	api_delta_release(&tree);
}

/* The fast path must decline data[0..len), leaving d empty; the full parser still reads it. */
static void
fast_declines(const char *data, size_t len)
{
	struct api_delta d, tree;
	char *copy, *cause = NULL, *cause2 = NULL;
	int rv;

	copy = memcpy(xmalloc(len + 1), data, len);
	assert_false(api_chunk_fast(copy, len, &d));
	assert_null(d.content);
	assert_null(d.id);
	assert_false(d.has_usage);
	assert_false(d.has_error);
	assert_int_equal(d.usage.prompt_tokens, -1);
	api_delta_release(&d);
	/* api_chunk_parse then gives what the full parser gives */
	rv = api_chunk_parse_tree(copy, len, &tree, &cause);
	assert_int_equal(api_chunk_parse(copy, len, &d, &cause2), rv);
	if (cause != NULL)
		assert_string_equal(cause, cause2);
	if (tree.content != NULL)
		assert_string_equal(d.content, tree.content);
	api_delta_release(&d);
	api_delta_release(&tree);
	free(cause);
	free(cause2);
	free(copy);
}

/* One chunk of a stream with content c (JSON string bytes) and finish reason f. */
static char *
fast_chunk_with(const char *c, const char *f)
{
	return xasprintf("{\"id\":\"chatcmpl-1\",\"model\":\"m\",\"choices\":[{\"delta\":"
			 "{\"content\":\"%s\"},\"finish_reason\":%s}],\"usage\":null}",
	    c, f);
}

/*
 * The fast path lends id and model (no allocation per chunk) when they fit
 * its buffers, decoded; a longer one is allocated, and release frees it.
 */
static void
test_fast_lent_names(void **state)
{
	struct api_delta d;
	const char *small = "{\"id\":\"c\\u002d1\",\"model\":\"m\","
			    "\"choices\":[{\"delta\":{\"content\":\"x\"}}]}";
	char json[1024], id[301];

	(void)state;
	assert_true(api_chunk_fast(small, strlen(small), &d));
	assert_true(d.names_lent);
	assert_string_equal(d.id, "c-1");
	assert_string_equal(d.model, "m");
	assert_string_equal(d.content, "x");
	api_delta_release(&d);
	assert_null(d.id);
	assert_false(d.names_lent);

	memset(id, 'a', 300);
	id[300] = '\0';
	snprintf(json, sizeof json,
	    "{\"id\":\"%s\",\"model\":\"m\",\"choices\":[{\"delta\":{\"content\":\"y\"}}]}", id);
	assert_true(api_chunk_fast(json, strlen(json), &d));
	assert_false(d.names_lent);
	assert_string_equal(d.id, id);
	assert_string_equal(d.model, "m");
	api_delta_release(&d);
}

/*
 * Chunks that differ from the one before only in the content string are
 * read from the kept one (api-fast.c: fast_memo): the same as reading them
 * whole, whatever the new string holds, and never across a string that ends
 * elsewhere.
 */
static void
test_fast_kept(void **state)
{
	static const char *const contents[] = {
		"Hello",
		"",
		"a\\\"b",
		"\\n\\u00e9\\ud83d\\ude00",
		"x\\u0000y",
		"long long "
		"long long long long long long long long long long long long long long",
		"z",
	};
	static const char *const declined[] = {
		"a\\",
		"a\"b",
		"a\\ud800",
		"\x01",
		"a\"},\"finish_reason\":null}],\"usage\":null}",
	};
	struct api_delta d;
	char *json;
	size_t i;

	for (i = 0; i < nitems(contents); i++) {
		json = fast_chunk_with(contents[i], "null");
		fast_ok(json, &d);
		assert_null(d.finish_reason);
		api_delta_release(&d);
		free(json);
	}
	for (i = 0; i < nitems(declined); i++) {
		json = fast_chunk_with("kept", "null");
		fast_ok(json, &d); /* kept: the next differs only in the content */
		api_delta_release(&d);
		free(json);
		json = fast_chunk_with(declined[i], "null");
		fast_declines(json, strlen(json));
		free(json);
	}
	/* another finish reason: not the kept chunk's bytes after the string */
	json = fast_chunk_with("a", "null");
	fast_ok(json, &d);
	api_delta_release(&d);
	free(json);
	json = fast_chunk_with("a", "\"stop\"");
	fast_ok(json, &d);
	assert_string_equal(d.finish_reason, "stop");
	assert_string_equal(d.content, "a");
	api_delta_release(&d);
	free(json);
	/* a string that ends early, then goes on so that the bytes after match */
	json = fast_chunk_with("b", "null");
	fast_ok(json, &d);
	api_delta_release(&d);
	free(json);
	json = fast_chunk_with("b\",\"refusal\":\"no", "null");
	fast_ok(json, &d);
	assert_string_equal(d.content, "b");
	assert_string_equal(d.refusal, "no");
	api_delta_release(&d);
	free(json);
}

static void
test_fast_fields(void **state)
{
	struct api_delta d;

	(void)state;
	fast_ok("{\"choices\":[{\"delta\":{\"content\":\"Hello!\",\"role\":\"assistant\"},"
		"\"finish_reason\":null,\"index\":0,\"logprobs\":null}],\"object\":"
		"\"chat.completion.chunk\",\"usage\":null,\"created\":1735000000,"
		"\"system_fingerprint\":null,\"model\":\"qwen-plus\",\"id\":\"chatcmpl-1\"}",
	    &d);
	assert_string_equal(d.content, "Hello!");
	assert_string_equal(d.model, "qwen-plus");
	assert_string_equal(d.id, "chatcmpl-1");
	assert_null(d.reasoning);
	assert_null(d.finish_reason);
	assert_false(d.has_usage);
	api_delta_release(&d);

	fast_ok(" {\"choices\":[{\"delta\":{\"content\":null,\"reasoning_content\":\"hm\"}}]}\r\n",
	    &d);
	assert_null(d.content);
	assert_string_equal(d.reasoning, "hm");
	api_delta_release(&d);

	/* Ollama: reasoning; reasoning_content wins when it has text */
	fast_ok("{\"choices\":[{\"delta\":{\"reasoning\":\"r\",\"role\":\"assistant\"}}]}", &d);
	assert_string_equal(d.reasoning, "r");
	api_delta_release(&d);
	fast_ok("{\"choices\":[{\"delta\":{\"reasoning\":\"b\",\"reasoning_content\":\"a\"}}]}",
	    &d);
	assert_string_equal(d.reasoning, "a");
	api_delta_release(&d);
	fast_ok("{\"choices\":[{\"delta\":{\"reasoning_content\":\"\",\"reasoning\":\"b\"}}]}", &d);
	assert_string_equal(d.reasoning, "b");
	api_delta_release(&d);

	fast_ok("{\"choices\":[{\"delta\":{\"refusal\":\"I can't.\"},\"finish_reason\":\"stop\"}]}",
	    &d);
	assert_string_equal(d.refusal, "I can't.");
	assert_string_equal(d.finish_reason, "stop");
	assert_false(d.tool_calls);
	api_delta_release(&d);

	/* the last chunk of a tool call: an empty delta, the finish_reason says so */
	fast_ok("{\"choices\":[{\"delta\":{},\"finish_reason\":\"tool_calls\"}]}", &d);
	assert_true(d.tool_calls);
	api_delta_release(&d);
	fast_ok("{\"choices\":[{\"delta\":{\"tool_calls\":[]},\"finish_reason\":null}]}", &d);
	assert_false(d.tool_calls);
	api_delta_release(&d);

	/* usage, with details and unknown members; empty, null and missing choices */
	fast_ok("{\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":7,"
		"\"total_tokens\":19,\"prompt_tokens_details\":{\"cached_tokens\":0},"
		"\"completion_tokens_details\":{\"reasoning_tokens\":3}}}",
	    &d);
	assert_true(d.has_usage);
	assert_int_equal(d.usage.prompt_tokens, 12);
	assert_int_equal(d.usage.completion_tokens, 7);
	assert_int_equal(d.usage.total_tokens, 19);
	assert_int_equal(d.usage.reasoning_tokens, 3);
	api_delta_release(&d);
	fast_ok("{\"choices\":null,\"usage\":{\"prompt_tokens\":\"12\",\"total_tokens\":null}}",
	    &d);
	assert_true(d.has_usage);
	assert_int_equal(d.usage.prompt_tokens, -1);
	assert_int_equal(d.usage.completion_tokens, -1);
	assert_int_equal(d.usage.reasoning_tokens, -1);
	api_delta_release(&d);
	fast_ok("{\"id\":\"x\",\"usage\":{}}", &d);
	assert_true(d.has_usage);
	api_delta_release(&d);

	/* errors: an object, a bare string, an integer code */
	fast_ok("{\"id\":\"x\",\"model\":\"m\",\"error\":{\"message\":\"Rate limit\","
		"\"type\":\"limit_requests\",\"code\":\"limit_requests\"},\"choices\":[]}",
	    &d);
	assert_true(d.has_error);
	assert_string_equal(d.error.message, "Rate limit");
	assert_string_equal(d.error.code, "limit_requests");
	assert_string_equal(d.error.type, "limit_requests");
	assert_string_equal(d.id, "x");
	api_delta_release(&d);
	fast_ok("{\"error\":\"model not found\"}", &d);
	assert_string_equal(d.error.message, "model not found");
	api_delta_release(&d);
	fast_ok("{\"error\":{\"code\":500,\"message\":\"\"}}", &d);
	assert_string_equal(d.error.code, "500");
	assert_string_equal(d.error.message, "500");
	api_delta_release(&d);
	fast_ok("{\"error\":[1],\"choices\":[{\"delta\":{\"content\":\"a\"}}]}", &d);
	assert_string_equal(d.error.message, "unknown error");
	assert_null(d.content);
	api_delta_release(&d);
	fast_ok("{\"error\":null,\"choices\":[{\"delta\":{\"content\":\"a\"}}]}", &d);
	assert_false(d.has_error);
	assert_string_equal(d.content, "a");
	api_delta_release(&d);
}

static void
test_fast_strings(void **state)
{
	struct api_delta d;

	(void)state;
	/* every escape, a surrogate pair, raw UTF-8 */
	fast_ok("{\"choices\":[{\"delta\":{\"content\":"
		"\"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\\u00e9\\u4E2D\\ud83d\\ude00 \xc3\xa9\"}}]}",
	    &d);
	assert_string_equal(d.content,
	    "a\"b\\c/d\be\ff\ng\rh\ti\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80 \xc3\xa9");
	api_delta_release(&d);

	/* \u0000 is U+FFFD, in the fast path as in the full one */
	fast_ok("{\"id\":\"a\\u0000b\",\"choices\":[{\"delta\":{\"content\":\"x\\u0000y\"}}]}", &d);
	assert_string_equal(d.content, "x\xef\xbf\xbdy");
	assert_string_equal(d.id,
	    "a\xef\xbf\xbd"
	    "b");
	api_delta_release(&d);

	/* "" is NULL; so is a text that is not a string */
	fast_ok("{\"model\":\"\",\"choices\":[{\"delta\":{\"content\":\"\"},"
		"\"finish_reason\":7}]}",
	    &d);
	assert_null(d.content);
	assert_null(d.model);
	assert_null(d.finish_reason);
	api_delta_release(&d);
	fast_ok("{\"model\":{\"a\":[1,2,{}]},\"choices\":[{\"delta\":{\"content\":true}}]}", &d);
	assert_null(d.content);
	assert_null(d.model);
	api_delta_release(&d);

	/* decoys: members of the same name deeper down are not read */
	fast_ok("{\"x_decoy\":{\"delta\":{\"content\":\"DECOY\"},\"choices\":[{\"delta\":"
		"{\"content\":\"DECOY\"}}]},\"choices\":[{\"delta\":{\"content\":\"real\","
		"\"annotations\":[]},\"native_finish_reason\":null}],\"timings\":{\"prompt_ms\":"
		"12.5,\"n\":-1e-3}}",
	    &d);
	assert_string_equal(d.content, "real");
	api_delta_release(&d);
}

static void
test_fast_declines(void **state)
{
	(void)state;
	/* not a JSON object, or not strict JSON */
	fast_declines(S(""));
	fast_declines(S("{not json"));
	fast_declines(S("[1]"));
	fast_declines(S("{\"choices\":[]} x"));
	fast_declines(S("\xef\xbb\xbf{\"choices\":[]}"));
	fast_declines(S("{\"choices\":[],}"));
	fast_declines(S("{\"a\":01,\"choices\":[]}"));
	fast_declines(S("{\"a\":\"\\x\"}"));
	fast_declines(S("\x01{\"choices\":[]}"));
	/* surrogate halves: cuts and U+FFFD are the full parser's */
	fast_declines(S("{\"choices\":[{\"delta\":{\"content\":\"abc\\ud83d\"}}]}"));
	fast_declines(S("{\"choices\":[{\"delta\":{\"content\":\"\\ude00abc\"}}]}"));
	fast_declines(S("{\"id\":\"a\\ud83db\",\"choices\":[]}"));
	/* raw controls in strings (a raw NUL ends cJSON's text) */
	fast_declines(S("{\"choices\":[{\"delta\":{\"content\":\"a\tb\"}}]}"));
	fast_declines(S("{\"choices\":[{\"delta\":{\"content\":\"a\0b\"}}]}"));
	/* an escape in a key, a member given twice */
	fast_declines(S("{\"choices\":[{\"delta\":{\"con\\u0074ent\":\"a\"}}]}"));
	fast_declines(S("{\"choices\":[{\"delta\":{\"content\":\"a\",\"content\":\"b\"}}]}"));
	fast_declines(S("{\"choices\":[],\"choices\":[{\"delta\":{\"content\":\"b\"}}]}"));
	fast_declines(S("{\"id\":\"a\",\"id\":\"b\"}"));
	/* several choices; a choice that is not an object, or has no delta object */
	fast_declines(S("{\"choices\":[{\"delta\":{\"content\":\"a\"}},{\"delta\":{}}]}"));
	fast_declines(S("{\"choices\":[1]}"));
	fast_declines(S("{\"choices\":[{\"message\":{\"content\":\"a\"}}]}"));
	fast_declines(S("{\"choices\":[{\"delta\":null,\"message\":{\"content\":\"a\"}}]}"));
	/* tool calls */
	fast_declines(S("{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0}]}}]}"));
	fast_declines(S("{\"choices\":[{\"delta\":{\"function_call\":{\"name\":\"f\"}}}]}"));
	/* counts and codes that are not plain integers of at most 15 digits */
	fast_declines(S("{\"usage\":{\"prompt_tokens\":1.5}}"));
	fast_declines(S("{\"usage\":{\"prompt_tokens\":-3}}"));
	fast_declines(S("{\"usage\":{\"total_tokens\":1e3}}"));
	fast_declines(S("{\"usage\":{\"completion_tokens_details\":"
			"{\"reasoning_tokens\":1234567890123456}}}"));
	fast_declines(S("{\"error\":{\"code\":-1}}"));
	/* the top-level error form; nesting deeper than the fast path goes */
	fast_declines(S("{\"message\":\"bad\",\"code\":\"InvalidParameter\"}"));
	fast_declines(S("{\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]"
			"]]]]]]]]]]]]]]]],\"choices\":[]}"));
	/* a number too long to be sure of reading as cJSON does */
	fast_declines(S("{\"x\":123456789012345678901234567890123456789,\"choices\":[]}"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_streamed),
		cmocka_unit_test(test_request_not_streamed),
		cmocka_unit_test(test_request_options),
		cmocka_unit_test(test_request_utf8_round_trip),
		cmocka_unit_test(test_request_control_characters),
		cmocka_unit_test(test_request_roles_and_no_reasoning),
		cmocka_unit_test(test_request_edge_cases),
		cmocka_unit_test(test_dashscope_stream),
		cmocka_unit_test(test_qwen3_reasoning),
		cmocka_unit_test(test_dashscope_stream_error),
		cmocka_unit_test(test_ollama_stream),
		cmocka_unit_test(test_llamacpp_stream),
		cmocka_unit_test(test_vllm_usage_without_choices),
		cmocka_unit_test(test_openai_extra_fields_and_key_order),
		cmocka_unit_test(test_chunk_odd_values),
		cmocka_unit_test(test_malformed_json),
		cmocka_unit_test(test_malformed_excerpt),
		cmocka_unit_test(test_response),
		cmocka_unit_test(test_surrogate_chunk),
		cmocka_unit_test(test_surrogate_join),
		cmocka_unit_test(test_surrogate_split_everywhere),
		cmocka_unit_test(test_surrogate_response),
		cmocka_unit_test(test_refusal),
		cmocka_unit_test(test_tool_calls),
		cmocka_unit_test(test_error_dashscope),
		cmocka_unit_test(test_error_others),
		cmocka_unit_test(test_error_not_recognised),
		cmocka_unit_test(test_models),
		cmocka_unit_test(test_error_class_dashscope),
		cmocka_unit_test(test_error_class_openai),
		cmocka_unit_test(test_error_class_others),
		cmocka_unit_test(test_error_class_words),
		cmocka_unit_test(test_error_class_precedence),
		cmocka_unit_test(test_error_class_status),
		cmocka_unit_test(test_error_class_names),
		cmocka_unit_test(test_think_whole_and_bytes),
		cmocka_unit_test(test_think_split_everywhere),
		cmocka_unit_test(test_think_skip),
		cmocka_unit_test(test_think_reuse),
		cmocka_unit_test(test_fast_fields),
		cmocka_unit_test(test_fast_kept),
		cmocka_unit_test(test_fast_lent_names),
		cmocka_unit_test(test_fast_strings),
		cmocka_unit_test(test_fast_declines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
