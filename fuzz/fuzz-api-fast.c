/*
 * fuzz-api-fast.c: differential libFuzzer target for the chunk fast path
 * (api-fast.c) against the full parser (api.c, cJSON).
 *
 * For any input, api_chunk_fast() must either decline (false, d empty) or
 * give exactly what api_chunk_parse_tree() gives: success, and every field of
 * the delta equal (texts byte for byte, NULL where NULL, usage, error, tool
 * calls, cuts). api_chunk_parse(), which tries the fast path first, must
 * give what the full parser gives, the cause of a failure included.
 *
 * The input is checked as a whole chunk, and also spliced into ordinary
 * chunks (as the raw bytes of a content string, as the value of delta, of
 * usage, of error, of one choice), so that random bytes reach the fast
 * path's string, number and nesting rules instead of failing at the first
 * byte. The content templates also run right after a chunk of the same
 * template, so that the input reaches the reading of a chunk from the one
 * kept before (fast_memo).
 *
 * Build and run (see fuzz/README.md): in a configured build directory,
 *
 *   make fuzz
 *   cp -r $SRC/fuzz/corpus/api-fast /tmp/fuzz-api-fast-corpus
 *   fuzz/fuzz-api-fast -max_total_time=60 -max_len=4096 /tmp/fuzz-api-fast-corpus
 *
 * Seeds: every distinct chunk of every fake-server scenario
 * (tests/server/fakeapi.py, captured with fuzz/corpus/api-fast/capture.py),
 * and hand-made edges: \u0000, surrogate pairs and halves, tool calls,
 * several choices, duplicate keys, numbers of every form, error forms.
 */
#include "common.h"

#include "api.h"
#include "buf.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Are two texts the same (both NULL, or equal bytes)? */
static bool
same_text(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static bool
same_cut(const struct api_cut *a, const struct api_cut *b)
{
	return a->high == b->high && a->low == b->low;
}

static bool
same_usage(const struct api_usage *a, const struct api_usage *b)
{
	return a->prompt_tokens == b->prompt_tokens &&
	    a->completion_tokens == b->completion_tokens && a->total_tokens == b->total_tokens &&
	    a->reasoning_tokens == b->reasoning_tokens;
}

/* Check that every field of two deltas is the same. */
static void
check_same(const struct api_delta *a, const struct api_delta *b)
{
	FUZZ_ASSERT(same_text(a->content, b->content));
	FUZZ_ASSERT(same_text(a->reasoning, b->reasoning));
	FUZZ_ASSERT(same_text(a->refusal, b->refusal));
	FUZZ_ASSERT(same_cut(&a->content_cut, &b->content_cut));
	FUZZ_ASSERT(same_cut(&a->reasoning_cut, &b->reasoning_cut));
	FUZZ_ASSERT(same_cut(&a->refusal_cut, &b->refusal_cut));
	FUZZ_ASSERT(a->tool_calls == b->tool_calls);
	FUZZ_ASSERT(same_text(a->finish_reason, b->finish_reason));
	FUZZ_ASSERT(same_text(a->model, b->model));
	FUZZ_ASSERT(same_text(a->id, b->id));
	FUZZ_ASSERT(a->has_usage == b->has_usage);
	FUZZ_ASSERT(same_usage(&a->usage, &b->usage));
	FUZZ_ASSERT(a->has_error == b->has_error);
	FUZZ_ASSERT(same_text(a->error.message, b->error.message));
	FUZZ_ASSERT(same_text(a->error.code, b->error.code));
	FUZZ_ASSERT(same_text(a->error.type, b->error.type));
}

/* Is d as api_delta_init() leaves it? */
static void
check_empty(const struct api_delta *d)
{
	struct api_delta empty;

	api_delta_init(&empty);
	check_same(d, &empty);
}

/* The fast path, the full parser and api_chunk_parse on one exactly sized copy. */
static void
check_chunk(const char *data, size_t len)
{
	struct api_delta tree, fast, both;
	char *copy, *cause = NULL, *cause2 = NULL;
	int rv, rv2;

	copy = xmalloc(len == 0 ? 1 : len); /* no NUL after it: ASan sees overreads */
	if (len != 0)
		memcpy(copy, data, len);
	rv = api_chunk_parse_tree(copy, len, &tree, &cause);
	if (api_chunk_fast(copy, len, &fast)) {
		FUZZ_ASSERT(rv == 0);
		check_same(&fast, &tree);
	} else
		check_empty(&fast);
	rv2 = api_chunk_parse(copy, len, &both, &cause2);
	FUZZ_ASSERT(rv2 == rv);
	FUZZ_ASSERT(same_text(cause, cause2));
	check_same(&both, &tree);
	api_delta_release(&tree);
	api_delta_release(&fast);
	api_delta_release(&both);
	free(cause);
	free(cause2);
	free(copy);
}

/* Ordinary chunks with a hole ("@") where the input goes. */
static const char *const templates[] = {
	"{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"model\":\"qwen-plus\","
	"\"choices\":[{\"index\":0,\"delta\":{\"content\":\"@\"},\"finish_reason\":null}],"
	"\"usage\":null}",
	"{\"choices\":[{\"delta\":{\"reasoning_content\":\"@\",\"reasoning\":\"r\"}}]}",
	"{\"choices\":[{\"index\":0,\"delta\":@,\"finish_reason\":\"stop\"}],\"model\":\"m\"}",
	"{\"choices\":[@],\"id\":\"x\"}",
	"{\"id\":\"x\",\"choices\":[],\"usage\":@}",
	"{\"id\":\"x\",\"model\":\"m\",\"error\":@}",
	"{\"model\":@,\"choices\":null}",
};

/* The input in the hole of template t. */
static void
check_spliced(const char *t, const char *data, size_t size)
{
	const char *hole = strchr(t, '@');
	struct buf b;

	buf_init(&b, 0);
	buf_add(&b, t, (size_t)(hole - t));
	buf_add(&b, data, size);
	buf_adds(&b, hole + 1);
	check_chunk(b.data, b.len);
	buf_release(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	size_t i;

	check_chunk(s, size);
	for (i = 0; i < nitems(templates); i++)
		check_spliced(templates[i], s, size);
	/* after a chunk kept whole, one that may differ only in its content string */
	for (i = 0; i < 2; i++) {
		check_spliced(templates[i], "kept", 4);
		check_spliced(templates[i], s, size);
	}
	return 0;
}
