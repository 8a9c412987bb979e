/* test-markdown-code.c: unit tests for finding code blocks (markdown-code.c). */
#include "common.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "markdown.h"

/* Block n of src, or NULL; *count as markdown_code_block() sets it. */
static char *
block(const char *src, size_t n, size_t *count)
{
	return markdown_code_block(src, strlen(src), n, count);
}

static void
test_fenced(void **state)
{
	const char *src = "Try:\n\n```sh\necho one\n```\n\nthen\n\n~~~\ntwo\n  three\n~~~\n";
	size_t count;
	char *b;

	b = block(src, 0, &count);
	assert_int_equal(count, 2);
	assert_string_equal(b, "two\n  three"); /* the last; no fence, no final newline */
	free(b);
	b = block(src, 1, &count);
	assert_string_equal(b, "echo one");
	free(b);
	assert_null(block(src, 3, &count));
	assert_int_equal(count, 2);
}

static void
test_indented_and_nested(void **state)
{
	const char *src = "Para\n\n    indented code\n\n- item\n\n  ```\n  in a list\n  ```\n";
	size_t count;
	char *b;

	b = block(src, 1, &count);
	assert_int_equal(count, 2);
	assert_string_equal(b, "indented code");
	free(b);
	b = block(src, 2, &count);
	assert_string_equal(b, "in a list");
	free(b);
}

static void
test_none(void **state)
{
	size_t count = 99;

	assert_null(block("no code here, only `inline` code", 0, &count));
	assert_int_equal(count, 0);
	assert_null(block("", 0, &count));
	assert_int_equal(count, 0);
}

static void
test_unclosed_and_empty(void **state)
{
	size_t count;
	char *b;

	b = block("```\nstill streaming", 0, &count); /* an unclosed fence runs to the end */
	assert_int_equal(count, 1);
	assert_string_equal(b, "still streaming");
	free(b);
	b = block("```\n```\n", 0, &count);
	assert_int_equal(count, 1);
	assert_string_equal(b, "");
	free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fenced),
		cmocka_unit_test(test_indented_and_nested),
		cmocka_unit_test(test_none),
		cmocka_unit_test(test_unclosed_and_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
