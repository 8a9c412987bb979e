/*
 * fuzz-disclaimer.c: libFuzzer target for the notice rules parser and
 * matcher (disclaimer.c).
 *
 * The input is the rules text, then a NUL, the prompt, a NUL and the answer
 * (missing parts are empty); the first byte of the input also picks how the
 * answer ended. The rules are parsed; the notices are then picked with them
 * (or, when they do not parse, with the built-in rules) for the prompt and
 * answer, and for the rules text itself as the prompt. Checks: a failure has
 * a cause; at most DISCLAIMER_MAX notices, the general one first, each with
 * an id, a clause and a text, no notice twice; the same texts fed whole or
 * as each other's prompt and answer give the same topics; disclaimer_json()
 * is a JSON array that gives back each notice's id, clause and text.
 *
 * Build with 'make fuzz' (see fuzz/README.md), then:
 *   fuzz/fuzz-disclaimer -max_total_time=60 -max_len=8192 CORPUS_DIR fuzz/corpus/disclaimer
 */
#include "common.h"

#include <cjson/cJSON.h>

#include "disclaimer.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* disclaimer_json() as the store keeps it, read back as the log and the chat read it. */
static void
fuzz_json(const struct disclaimer *const *d, size_t n)
{
	char *json = disclaimer_json(d, n);
	cJSON *arr = cJSON_Parse(json), *item;
	size_t i = 0;

	FUZZ_ASSERT(cJSON_IsArray(arr) && (size_t)cJSON_GetArraySize(arr) == n);
	cJSON_ArrayForEach (item, arr) {
		const char *id = cJSON_GetStringValue(cJSON_GetObjectItem(item, "id"));
		const char *clause = cJSON_GetStringValue(cJSON_GetObjectItem(item, "clause"));
		const char *text = cJSON_GetStringValue(cJSON_GetObjectItem(item, "text"));

		FUZZ_ASSERT(id != NULL && strcmp(id, d[i]->id) == 0);
		FUZZ_ASSERT(clause != NULL && strcmp(clause, d[i]->clause) == 0);
		FUZZ_ASSERT(text != NULL && strcmp(text, d[i]->text) == 0);
		i++;
	}
	cJSON_Delete(arr);
	free(json);
}

static size_t
fuzz_pick(const struct disclaimer_rules *r, const char *p, size_t plen, const char *a, size_t alen,
    enum disclaimer_end end, const struct disclaimer *out[DISCLAIMER_MAX])
{
	size_t n = disclaimer_pick(r, plen > 0 ? p : NULL, plen, alen > 0 ? a : NULL, alen, end,
		   out),
	       i, j;

	FUZZ_ASSERT(n >= 1 && n <= DISCLAIMER_MAX);
	FUZZ_ASSERT(strcmp(out[0]->id, "general") == 0);
	for (i = 0; i < n; i++) {
		FUZZ_ASSERT(out[i]->id != NULL && out[i]->clause != NULL && out[i]->text != NULL);
		for (j = 0; j < i; j++)
			FUZZ_ASSERT(out[i] != out[j]);
	}
	fuzz_json(out, n);
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct disclaimer *one[DISCLAIMER_MAX], *two[DISCLAIMER_MAX];
	const char *s = (const char *)data, *p = "", *a = "", *z;
	size_t rlen = size, plen = 0, alen = 0, n1, n2, i;
	struct disclaimer_rules *r;
	enum disclaimer_end end = size > 0 ? data[0] % 5 : DISCLAIMER_END_COMPLETE;
	char *cause = NULL;

	if ((z = memchr(s, '\0', size)) != NULL) {
		rlen = (size_t)(z - s);
		p = z + 1;
		plen = size - rlen - 1;
		if ((z = memchr(p, '\0', plen)) != NULL) {
			a = z + 1;
			alen = plen - (size_t)(z - p) - 1;
			plen = (size_t)(z - p);
		}
	}
	r = disclaimer_rules_parse(s, rlen, &cause);
	FUZZ_ASSERT((r == NULL) == (cause != NULL));
	free(cause);
	if (r == NULL)
		r = disclaimer_rules_fallback();
	n1 = fuzz_pick(r, p, plen, a, alen, end, one);
	n2 = fuzz_pick(r, a, alen, p, plen, end, two);
	FUZZ_ASSERT(n1 == n2);
	for (i = 0; i < n1; i++)
		FUZZ_ASSERT(one[i] == two[i]);
	(void)fuzz_pick(r, s, rlen, NULL, 0, DISCLAIMER_END_COMPLETE, one);
	disclaimer_rules_free(r);
	return 0;
}
