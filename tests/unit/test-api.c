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
#include "text.h"

/* A string literal as pointer and length, so that it may hold NUL bytes. */
#define S(lit) (lit), (sizeof(lit) - 1)

/* ---- helpers --------------------------------------------------------------- */

/*
 * Run a parser on an exactly sized heap copy of data[0..len), with no NUL
 * after it, so that a read past the end shows up under valgrind or ASan.
 */
static int
parse_with(int (*fn)(const char *, size_t, struct api_delta *, char **),
    const char *data, size_t len, struct api_delta *d, char **cause)
{
	char	*copy = xmalloc(len);
	int	 rv;

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
	struct api_delta	 d;
	char			*cause;

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
	char	*copy = xstrdup(body);
	size_t	 len = strlen(body);
	int	 rv;

	copy = xreallocarray(copy, 1, len == 0 ? 1 : len);	/* drop the NUL */
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
assert_usage(const struct api_delta *d, long prompt, long completion, long total,
    long reasoning)
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
	struct api_request	 r = request(msgs, nitems(msgs), true);
	char			*json = api_request_json(&r);

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
	struct api_message	 msgs[] = { { API_USER, "hi" } };
	struct api_request	 r = request(msgs, nitems(msgs), false);
	char			*json = api_request_json(&r);

	assert_string_equal(json, "{\"model\":\"qwen-plus\",\"messages\":["
	    "{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":false}");
	assert_null(strstr(json, "stream_options"));
	free(json);
}

static void
test_request_options(void **state)
{
	struct api_message	 msgs[] = { { API_USER, "hi" } };
	struct api_request	 r = request(msgs, nitems(msgs), true);
	char			*json;

	r.temperature = 0.7;
	r.max_tokens = 1024;
	r.enable_thinking = 1;
	json = api_request_json(&r);
	assert_non_null(strstr(json, ",\"temperature\":0.7,\"max_tokens\":1024,"
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
	struct api_message	 msgs[nitems(texts)];
	struct api_request	 r;
	cJSON			*root;
	char			*json;
	size_t			 i;

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
	static const char text[] = "a\x01" "b\x1b]0;title\x07\n\t\r\b\f\"\\/\x7f\x1f end";
	struct api_message	 msgs[] = { { API_USER, text } };
	struct api_request	 r = request(msgs, nitems(msgs), false);
	cJSON			*root;
	char			*json = api_request_json(&r);
	const char		*p;

	for (p = json; *p != '\0'; p++)
		assert_true((unsigned char)*p >= 0x20);
	assert_non_null(strstr(json, "\"content\":\"a\\u0001b\\u001b]0;title\\u0007"
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
	struct api_request	 r = request(msgs, nitems(msgs), true);
	cJSON			*root, *m;
	char			*json;
	int			 i, n;

	r.enable_thinking = 1;
	json = api_request_json(&r);
	assert_null(strstr(json, "reasoning"));
	root = cJSON_Parse(json);
	assert_non_null(root);
	i = 0;
	cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(root, "messages")) {
		n = 0;
		for (cJSON *k = m->child; k != NULL; k = k->next)
			n++;
		assert_int_equal(n, 2);	/* role and content, nothing else */
		assert_string_equal(
		    cJSON_GetObjectItemCaseSensitive(m, "role")->valuestring,
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
	struct api_message	 msgs[] = { { API_USER, NULL } };
	struct api_request	 r = request(NULL, 0, true);
	char			*json;

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
	    "\"id\":\"chatcmpl-3f2a9c4e-8d1b-9a7e-b2c5-4e6f8a0d1c3b\"}", &d);
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
	    "\"model\":\"qwen-plus\",\"id\":\"chatcmpl-3f2a9c4e\"}", &d);
	assert_string_equal(d.content, "你好！");
	assert_null(d.finish_reason);
	assert_no_usage(&d);
	api_delta_release(&d);

	chunk_ok("{\"choices\":[{\"delta\":{\"content\":\"有什么可以帮你的吗？\\n\\n- 一\\n- 二\"},"
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
	    "\"model\":\"qwen-plus\",\"id\":\"chatcmpl-3f2a9c4e\"}", &d);
	assert_null(d.content);
	assert_string_equal(d.finish_reason, "stop");
	assert_no_usage(&d);
	api_delta_release(&d);

	/* the usage chunk: choices [] */
	chunk_ok("{\"choices\":[],\"object\":\"chat.completion.chunk\",\"usage\":"
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
	    "\"index\":0}],\"model\":\"qwen-max\",\"id\":\"x\"}", &d);
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
	    "\"id\":\"chatcmpl-qwen3\"}", &d);
	assert_null(d.content);
	assert_null(d.reasoning);
	api_delta_release(&d);

	chunk_ok("{\"choices\":[{\"delta\":{\"content\":null,\"reasoning_content\":"
	    "\"好的，用户问的是1+1等于几。\"},\"finish_reason\":null,\"index\":0,"
	    "\"logprobs\":null}],\"object\":\"chat.completion.chunk\",\"usage\":null,"
	    "\"created\":1745000000,\"system_fingerprint\":null,\"model\":\"qwen3-32b\","
	    "\"id\":\"chatcmpl-qwen3\"}", &d);
	assert_null(d.content);
	assert_string_equal(d.reasoning, "好的，用户问的是1+1等于几。");
	api_delta_release(&d);

	/* the answer: reasoning_content null, or absent */
	chunk_ok("{\"choices\":[{\"delta\":{\"content\":\"1+1=2\",\"reasoning_content\":null},"
	    "\"finish_reason\":null,\"index\":0,\"logprobs\":null}],\"model\":\"qwen3-32b\","
	    "\"id\":\"chatcmpl-qwen3\",\"usage\":null}", &d);
	assert_string_equal(d.content, "1+1=2");
	assert_null(d.reasoning);
	api_delta_release(&d);

	chunk_ok("{\"choices\":[{\"delta\":{\"content\":\"。\"},\"finish_reason\":\"stop\","
	    "\"index\":0}],\"model\":\"qwen3-32b\",\"id\":\"chatcmpl-qwen3\"}", &d);
	assert_string_equal(d.content, "。");
	assert_string_equal(d.finish_reason, "stop");
	api_delta_release(&d);

	chunk_ok("{\"choices\":[],\"object\":\"chat.completion.chunk\",\"usage\":"
	    "{\"prompt_tokens\":16,\"completion_tokens\":260,\"total_tokens\":276,"
	    "\"completion_tokens_details\":{\"reasoning_tokens\":240}},"
	    "\"created\":1745000000,\"system_fingerprint\":null,\"model\":\"qwen3-32b\","
	    "\"id\":\"chatcmpl-qwen3\"}", &d);
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
	    "\"request_id\":\"5d1e7c3a-2b4f-9e8d-a6c1-0f3b5d7e9a2c\"}", &d);
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
	    "inappropriate content.\",\"request_id\":\"0b1c2d3e\"}", &d);
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
	    "\"content\":\"\",\"reasoning\":\"Okay, the user\"},\"finish_reason\":null}]}", &d);
	assert_null(d.content);
	assert_string_equal(d.reasoning, "Okay, the user");
	assert_string_equal(d.model, "qwen3:8b");
	assert_string_equal(d.id, "chatcmpl-427");
	api_delta_release(&d);

	/* role repeated on every chunk */
	chunk_ok("{\"id\":\"chatcmpl-427\",\"object\":\"chat.completion.chunk\","
	    "\"created\":1739800001,\"model\":\"qwen3:8b\",\"system_fingerprint\":"
	    "\"fp_ollama\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
	    "\"content\":\"Hello\"},\"finish_reason\":null}]}", &d);
	assert_string_equal(d.content, "Hello");
	assert_null(d.reasoning);
	api_delta_release(&d);

	chunk_ok("{\"id\":\"chatcmpl-427\",\"object\":\"chat.completion.chunk\","
	    "\"created\":1739800002,\"model\":\"qwen3:8b\",\"system_fingerprint\":"
	    "\"fp_ollama\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
	    "\"content\":\"\"},\"finish_reason\":\"stop\"}]}", &d);
	assert_null(d.content);
	assert_string_equal(d.finish_reason, "stop");
	assert_no_usage(&d);
	api_delta_release(&d);

	chunk_ok("{\"id\":\"chatcmpl-427\",\"object\":\"chat.completion.chunk\","
	    "\"created\":1739800002,\"model\":\"qwen3:8b\",\"system_fingerprint\":"
	    "\"fp_ollama\",\"choices\":[],\"usage\":{\"prompt_tokens\":11,"
	    "\"completion_tokens\":96,\"total_tokens\":107}}", &d);
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
	    "\"b6400-4d2b4b0f\",\"object\":\"chat.completion.chunk\"}", &d);
	assert_null(d.content);
	assert_null(d.model);
	assert_string_equal(d.id, "chatcmpl-Xq3vR8pT");
	api_delta_release(&d);

	chunk_ok("{\"choices\":[{\"finish_reason\":null,\"index\":0,\"delta\":"
	    "{\"content\":\" there\"}}],\"created\":1758000000,\"id\":\"chatcmpl-Xq3vR8pT\","
	    "\"model\":\"\",\"system_fingerprint\":\"b6400-4d2b4b0f\","
	    "\"object\":\"chat.completion.chunk\"}", &d);
	assert_string_equal(d.content, " there");
	api_delta_release(&d);

	/* the last chunk: empty delta, usage and a timings object */
	chunk_ok("{\"choices\":[{\"finish_reason\":\"stop\",\"index\":0,\"delta\":{}}],"
	    "\"created\":1758000001,\"id\":\"chatcmpl-Xq3vR8pT\",\"model\":\"\","
	    "\"system_fingerprint\":\"b6400-4d2b4b0f\",\"object\":\"chat.completion.chunk\","
	    "\"usage\":{\"completion_tokens\":12,\"prompt_tokens\":9,\"total_tokens\":21},"
	    "\"timings\":{\"prompt_n\":9,\"prompt_ms\":30.118,\"prompt_per_token_ms\":3.346,"
	    "\"prompt_per_second\":298.8,\"predicted_n\":12,\"predicted_ms\":210.5,"
	    "\"predicted_per_token_ms\":17.54,\"predicted_per_second\":57.0}}", &d);
	assert_null(d.content);
	assert_string_equal(d.finish_reason, "stop");
	assert_usage(&d, 9, 12, 21, -1);
	api_delta_release(&d);

	/* newer builds: a mid-stream error with an integer code */
	chunk_ok("{\"error\":{\"code\":500,\"message\":\"the request exceeds the available "
	    "context size, try increasing it\",\"type\":\"exceed_context_size_error\","
	    "\"n_prompt_tokens\":4200,\"n_ctx\":4096}}", &d);
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
	    "{\"prompt_tokens\":14,\"total_tokens\":64,\"completion_tokens\":50}}", &d);
	assert_null(d.content);
	assert_null(d.finish_reason);
	assert_usage(&d, 14, 50, 64, -1);
	assert_string_equal(d.model, "Qwen/Qwen3-8B");
	api_delta_release(&d);

	chunk_ok("{\"id\":\"chatcmpl-9c1e4b7a\",\"object\":\"chat.completion.chunk\","
	    "\"created\":1750000000,\"model\":\"Qwen/Qwen3-8B\",\"choices\":null,\"usage\":"
	    "{\"prompt_tokens\":14,\"total_tokens\":64,\"completion_tokens\":50}}", &d);
	assert_usage(&d, 14, 50, 64, -1);
	api_delta_release(&d);

	/* newer vLLM sends reasoning and reasoning_content with the same text: once only */
	chunk_ok("{\"id\":\"chatcmpl-9c1e4b7a\",\"choices\":[{\"index\":0,\"delta\":"
	    "{\"reasoning\":\"Let me think\",\"reasoning_content\":\"Let me think\"},"
	    "\"logprobs\":null,\"finish_reason\":null}]}", &d);
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
	struct api_delta	d;
	size_t			i;

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
	    "\"total_tokens\":1e300,\"completion_tokens_details\":null}}", &d);
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
	    "\"total_tokens\":3}}", &d);
	assert_usage(&d, 3, 0, 3, -1);
	api_delta_release(&d);

	/* escapes in content come out decoded; first of two duplicate keys wins */
	chunk_ok("{\"choices\":[{\"delta\":{\"content\":\"a\\u4f60\\ud83d\\ude00\\n\\u001b[1m\","
	    "\"content\":\"second\"}}]}", &d);
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
	char	*cause, *ex;
	size_t	 i;
	static const char *bad[] = {
		"{\"choices\":[{\"delta\":{\"content\":\"hi\"",	/* truncated */
		"[DONE]",
		"[{\"choices\":[]}]",	/* an array */
		"\"just a string\"",
		"42",
		"null",
		"true",
		"{\"a\":1} {\"b\":2}",	/* two objects */
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
	assert_string_equal(cause, "malformed JSON in the event stream: syntax error near "
	    "byte 35: '{\"choices\":[{\"delta\":{\"content\":\"hi\"'");
	free(cause);

	cause = chunk_bad(S("[1,2]"));
	assert_string_equal(cause,
	    "malformed JSON in the event stream: expected an object: '[1,2]'");
	free(cause);

	cause = chunk_bad(S("{\"a\":1}\n\nxyz"));
	assert_string_equal(cause, "malformed JSON in the event stream: unexpected data "
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
	char		 long_data[300], *cause, *ex;
	size_t		 i, bad;
	struct buf	 b;

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
	struct api_delta	 d;
	char			*cause;

	assert_int_equal(response("{\"choices\":[{\"message\":{\"role\":\"assistant\","
	    "\"content\":\"我是通义千问，由阿里云开发的大语言模型。\"},\"finish_reason\":\"stop\","
	    "\"index\":0,\"logprobs\":null}],\"object\":\"chat.completion\",\"usage\":"
	    "{\"prompt_tokens\":22,\"completion_tokens\":17,\"total_tokens\":39,"
	    "\"prompt_tokens_details\":{\"cached_tokens\":0}},\"created\":1735795200,"
	    "\"system_fingerprint\":null,\"model\":\"qwen-plus\","
	    "\"id\":\"chatcmpl-0d9b3f2e-1c4a-9e7b-8a6d-5f3e2c1b0a9d\"}", &d, &cause), 0);
	assert_string_equal(d.content, "我是通义千问，由阿里云开发的大语言模型。");
	assert_null(d.reasoning);
	assert_string_equal(d.finish_reason, "stop");
	assert_string_equal(d.model, "qwen-plus");
	assert_usage(&d, 22, 17, 39, -1);
	api_delta_release(&d);

	/* reasoning in message.reasoning_content, or message.reasoning (Ollama) */
	assert_int_equal(response("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\","
	    "\"model\":\"qwq-32b\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
	    "\"assistant\",\"content\":\"2\",\"reasoning_content\":\"1+1...\"},"
	    "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,"
	    "\"completion_tokens\":30,\"total_tokens\":35,\"completion_tokens_details\":"
	    "{\"reasoning_tokens\":28}}}", &d, &cause), 0);
	assert_string_equal(d.content, "2");
	assert_string_equal(d.reasoning, "1+1...");
	assert_usage(&d, 5, 30, 35, 28);
	api_delta_release(&d);

	assert_int_equal(response("{\"id\":\"chatcmpl-88\",\"object\":\"chat.completion\","
	    "\"created\":1739800000,\"model\":\"qwen3:8b\",\"system_fingerprint\":"
	    "\"fp_ollama\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
	    "\"content\":\"Hi.\",\"reasoning\":\"Greeting.\"},\"finish_reason\":\"stop\"}],"
	    "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":20,\"total_tokens\":29}}",
	    &d, &cause), 0);
	assert_string_equal(d.content, "Hi.");
	assert_string_equal(d.reasoning, "Greeting.");
	api_delta_release(&d);

	/* an error body given to the response parser */
	assert_int_equal(response("{\"error\":{\"code\":\"invalid_parameter_error\","
	    "\"param\":null,\"message\":\"parameter.enable_thinking must be set to false "
	    "for non-streaming calls\",\"type\":\"invalid_request_error\"},"
	    "\"id\":\"chatcmpl-2\",\"request_id\":\"2\"}", &d, &cause), 0);
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

	assert_int_equal(error_parse("{\"error\":{\"code\":\"data_inspection_failed\","
	    "\"param\":null,\"message\":\"Input data may contain inappropriate content.\","
	    "\"type\":\"data_inspection_failed\"},\"id\":\"chatcmpl-6b0e\","
	    "\"request_id\":\"6b0e4a1c-7d2f-9b8e-a3c5-1e7f9d2b4a6c\"}", &e), 0);
	assert_string_equal(e.message, "Input data may contain inappropriate content.");
	assert_string_equal(e.code, "data_inspection_failed");
	assert_string_equal(e.type, "data_inspection_failed");
	assert_true(api_error_is_content_filter(&e));
	assert_false(api_error_is_quota(&e));
	api_error_release(&e);
	assert_null(e.message);

	assert_int_equal(error_parse("{\"error\":{\"code\":\"invalid_parameter_error\","
	    "\"param\":null,\"message\":\"<400> InternalError.Algo.InvalidParameter: "
	    "Range of input length should be [1, 129024]\",\"type\":"
	    "\"invalid_request_error\"},\"id\":\"chatcmpl-7c\",\"request_id\":\"7c\"}", &e), 0);
	assert_string_equal(e.code, "invalid_parameter_error");
	assert_string_equal(e.type, "invalid_request_error");
	assert_false(api_error_is_content_filter(&e));
	assert_false(api_error_is_quota(&e));
	api_error_release(&e);

	/* 401 from a key of the wrong region */
	assert_int_equal(error_parse("{\"error\":{\"message\":\"Incorrect API key provided. "
	    "\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":"
	    "\"invalid_api_key\"},\"request_id\":\"8d2c\"}", &e), 0);
	assert_string_equal(e.message, "Incorrect API key provided. ");
	assert_string_equal(e.code, "invalid_api_key");
	assert_false(api_error_is_quota(&e));
	api_error_release(&e);

	/* 429: the rate limit can be retried, the quota cannot */
	assert_int_equal(error_parse("{\"error\":{\"message\":\"Requests rate limit "
	    "exceeded, please try again later.\",\"type\":\"limit_requests\",\"param\":null,"
	    "\"code\":\"limit_requests\"},\"id\":\"chatcmpl-9\",\"request_id\":\"9\"}", &e), 0);
	assert_string_equal(e.code, "limit_requests");
	assert_false(api_error_is_quota(&e));
	assert_false(api_error_is_content_filter(&e));
	api_error_release(&e);

	assert_int_equal(error_parse("{\"error\":{\"message\":\"You exceeded your current "
	    "quota, please check your plan and billing details.\",\"type\":"
	    "\"insufficient_quota\",\"param\":null,\"code\":\"insufficient_quota\"},"
	    "\"request_id\":\"a\"}", &e), 0);
	assert_true(api_error_is_quota(&e));
	assert_false(api_error_is_content_filter(&e));
	api_error_release(&e);

	/* gateway spellings, in the code or only in the type */
	assert_int_equal(error_parse("{\"code\":\"DataInspectionFailed\",\"message\":"
	    "\"Input data may contain inappropriate content.\",\"request_id\":\"b\"}", &e), 0);
	assert_string_equal(e.code, "DataInspectionFailed");
	assert_true(api_error_is_content_filter(&e));
	api_error_release(&e);
	assert_int_equal(error_parse("{\"error\":{\"message\":\"blocked\",\"type\":"
	    "\"DATA_INSPECTION_FAILED\",\"code\":null}}", &e), 0);
	assert_null(e.code);
	assert_true(api_error_is_content_filter(&e));
	api_error_release(&e);
	assert_int_equal(error_parse("{\"error\":{\"message\":\"x\",\"code\":"
	    "\"InsufficientQuota\"}}", &e), 0);
	assert_true(api_error_is_quota(&e));
	api_error_release(&e);
	/* Azure's content filter */
	assert_int_equal(error_parse("{\"error\":{\"message\":\"The response was filtered\","
	    "\"type\":null,\"param\":\"prompt\",\"code\":\"content_filter\",\"status\":400}}",
	    &e), 0);
	assert_true(api_error_is_content_filter(&e));
	api_error_release(&e);
	/* near misses */
	assert_int_equal(error_parse("{\"error\":{\"message\":\"inappropriate content\","
	    "\"code\":\"data_inspection\"}}", &e), 0);
	assert_false(api_error_is_content_filter(&e));
	api_error_release(&e);
	assert_int_equal(error_parse("{\"error\":{\"message\":\"x\",\"code\":"
	    "\"insufficient_quota_x\"}}", &e), 0);
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
	assert_int_equal(error_parse("{\n    \"error\": {\n        \"message\": \"The model "
	    "`gpt-5-nano-x` does not exist or you do not have access to it.\",\n"
	    "        \"type\": \"invalid_request_error\",\n        \"param\": null,\n"
	    "        \"code\": \"model_not_found\"\n    }\n}\n", &e), 0);
	assert_string_equal(e.message,
	    "The model `gpt-5-nano-x` does not exist or you do not have access to it.");
	assert_string_equal(e.code, "model_not_found");
	assert_string_equal(e.type, "invalid_request_error");
	api_error_release(&e);

	/* Ollama: code always null; native API: a bare string */
	assert_int_equal(error_parse("{\"error\":{\"message\":\"model \\\"qwen3:8b\\\" not "
	    "found, try pulling it first\",\"type\":\"api_error\",\"param\":null,"
	    "\"code\":null}}", &e), 0);
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
	    "\"type\":\"authentication_error\"}}", &e), 0);
	assert_string_equal(e.code, "401");
	assert_string_equal(e.message, "Invalid API Key");
	api_error_release(&e);

	/* vLLM: the top-level form */
	assert_int_equal(error_parse("{\"object\":\"error\",\"message\":\"The model `foo` "
	    "does not exist.\",\"type\":\"NotFoundError\",\"param\":null,\"code\":404}", &e), 0);
	assert_string_equal(e.message, "The model `foo` does not exist.");
	assert_string_equal(e.code, "404");
	assert_string_equal(e.type, "NotFoundError");
	api_error_release(&e);

	/* message missing: type, then code, then a fixed text */
	assert_int_equal(error_parse("{\"error\":{\"type\":\"server_error\",\"code\":503}}",
	    &e), 0);
	assert_string_equal(e.message, "server_error");
	assert_string_equal(e.code, "503");
	api_error_release(&e);
	assert_int_equal(error_parse("{\"error\":{\"message\":\"\",\"code\":\"quota\"}}", &e),
	    0);
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
	    "\"type\":7}}", &e), 0);
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
	struct api_error	e;
	size_t			i;

	for (i = 0; i < nitems(bodies); i++) {
		assert_int_equal(error_parse(bodies[i], &e), -1);
		assert_null(e.message);
		assert_null(e.code);
		assert_null(e.type);
		api_error_release(&e);
	}
	assert_int_equal(api_error_parse(NULL, 0, &e), -1);
}

/* ---- /models --------------------------------------------------------------- */

static int
models(const char *json, char ***ids, size_t *n, char **cause)
{
	char	*copy = xmalloc(strlen(json) + 1);
	int	 rv;

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
	char	**ids, *cause;
	size_t	  n;

	assert_int_equal(models("{\"data\":[{\"id\":\"qwen-plus\",\"object\":\"model\","
	    "\"created\":1735795200,\"owned_by\":\"system\"},{\"id\":\"qwen-max\","
	    "\"object\":\"model\",\"created\":1735795200,\"owned_by\":\"system\"},"
	    "{\"object\":\"model\",\"id\":\"qwen3-235b-a22b\"}],\"object\":\"list\"}",
	    &ids, &n, &cause), 0);
	assert_null(cause);
	assert_int_equal(n, 3);
	assert_string_equal(ids[0], "qwen-plus");
	assert_string_equal(ids[1], "qwen-max");
	assert_string_equal(ids[2], "qwen3-235b-a22b");
	api_models_free(ids, n);

	/* Ollama */
	assert_int_equal(models("{\"object\":\"list\",\"data\":[{\"id\":\"qwen3:8b\","
	    "\"object\":\"model\",\"created\":1739800000,\"owned_by\":\"library\"}]}",
	    &ids, &n, &cause), 0);
	assert_int_equal(n, 1);
	assert_string_equal(ids[0], "qwen3:8b");
	api_models_free(ids, n);

	/* empty; entries without a usable id are skipped */
	assert_int_equal(models("{\"data\":[]}", &ids, &n, &cause), 0);
	assert_int_equal(n, 0);
	assert_null(ids);
	api_models_free(ids, n);
	assert_int_equal(models("{\"data\":[{\"id\":1},{\"object\":\"model\"},\"x\",null,"
	    "{\"id\":\"\"},{\"id\":\"a\"},{\"id\":\"b\",\"id\":\"c\"}]}", &ids, &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_string_equal(ids[0], "a");
	assert_string_equal(ids[1], "b");
	api_models_free(ids, n);
	assert_int_equal(models("{\"data\":[null]}", &ids, &n, &cause), 0);
	assert_int_equal(n, 0);
	assert_null(ids);

	/* malformed */
	assert_int_equal(models("{\"data\":[{\"id\":\"qwen", &ids, &n, &cause), -1);
	assert_true(strncmp(cause, "malformed JSON in the model list: ", 34) == 0);
	assert_null(ids);
	assert_int_equal(n, 0);
	free(cause);
	assert_int_equal(models("{\"object\":\"list\"}", &ids, &n, &cause), -1);
	assert_string_equal(cause,
	    "the model list has no 'data' array: '{\"object\":\"list\"}'");
	free(cause);
	assert_int_equal(models("{\"data\":{\"id\":\"x\"}}", &ids, &n, &cause), -1);
	free(cause);
	assert_int_equal(models("<html></html>", &ids, &n, &cause), -1);
	free(cause);
	assert_int_equal(models("[]", &ids, &n, NULL), -1);
	api_models_free(NULL, 0);
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
		cmocka_unit_test(test_error_dashscope),
		cmocka_unit_test(test_error_others),
		cmocka_unit_test(test_error_not_recognised),
		cmocka_unit_test(test_models),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
