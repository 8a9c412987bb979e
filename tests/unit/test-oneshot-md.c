/* test-oneshot-md.c: one-shot Markdown on a terminal (oneshot-md.c). */
#include "common.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <locale.h>

#include "markdown.h"
#include "oneshot-md.h"

static const char answer[] =
    "# Title\n"
    "\n"
    "Some **bold** text and `code`, long enough to be wrapped at forty columns "
    "at least once or twice.\n"
    "\n"
    "- one\n"
    "- two\n"
    "\n"
    "```c\n"
    "int x = f(\"s\"); /* a\n"
    "comment */\n"
    "```\n"
    "\n"
    "| a | b |\n"
    "|---|---|\n"
    "| 1 | 2 |\n"
    "\n"
    "> quoted\n"
    "\n"
    "Last *words*.";

/* The answer in pieces of step bytes (0: whole), as written. Allocated. */
static char *
render(size_t step, bool color)
{
	char *out = NULL;
	size_t len = 0, at;
	FILE *f = open_memstream(&out, &len);
	struct oneshot_md *m = oneshot_md_new(f, 40, color);

	for (at = 0; at<sizeof answer - 1; at += step> 0 ? step : sizeof answer)
		oneshot_md_add(m, answer + at,
		    step > 0 && at + step < sizeof answer - 1 ? step : sizeof answer - 1 - at);
	assert_true(oneshot_md_finish(m));
	oneshot_md_free(m);
	fclose(f);
	return out;
}

/* However the answer arrives, the same bytes go out. */
static void
test_pieces_same(void **state)
{
	char *whole = render(0, true), *part;
	size_t steps[] = { 1, 2, 3, 7, 64 }, i;

	for (i = 0; i < nitems(steps); i++) {
		part = render(steps[i], true);
		assert_string_equal(whole, part);
		free(part);
	}
	assert_non_null(strstr(whole, "\033[1;4mTitle"));
	assert_non_null(strstr(whole, "\033[1mbold\033[m"));
	assert_null(strstr(whole, "**"));
	free(whole);
}

/* NO_COLOR: no escape, the layout stays. */
static void
test_no_color(void **state)
{
	char *out = render(5, false);

	assert_null(strchr(out, '\033'));
	assert_non_null(strstr(out, "\xe2\x80\xa2 two")); /* a bullet */
	assert_null(strstr(out, "# Title"));
	free(out);
}

/* A code block goes out line by line; a paragraph once it is finished. */
static void
test_code_streams(void **state)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	struct oneshot_md *m = oneshot_md_new(f, 40, false);

	oneshot_md_add(m, "Intro.\n\n```c\nint a;\n", sizeof("Intro.\n\n```c\nint a;\n") - 1);
	fflush(f);
	assert_non_null(strstr(out, "int a;"));
	oneshot_md_add(m, "int b;\n", sizeof("int b;\n") - 1);
	fflush(f);
	assert_non_null(strstr(out, "int b;"));
	oneshot_md_add(m, "```\n\nA paragraph\n", sizeof("```\n\nA paragraph\n") - 1);
	fflush(f);
	assert_null(strstr(out, "A paragraph"));
	oneshot_md_finish(m);
	fflush(f);
	assert_non_null(strstr(out, "A paragraph"));
	assert_null(strstr(strstr(out, "int a;") + 1, "int a;")); /* once */
	oneshot_md_free(m);
	fclose(f);
	free(out);
}

static void
test_sgr(void **state)
{
	char b[64];

	oneshot_md_sgr(MD_BOLD | MD_HEADING, b, sizeof b);
	assert_string_equal(b, "1;4");
	oneshot_md_sgr(MD_CODE, b, sizeof b);
	assert_string_equal(b, "36");
	oneshot_md_sgr(MD_CODEBLOCK | (12u << MD_COLOR_SHIFT), b, sizeof b);
	assert_string_equal(b, "93");
	oneshot_md_sgr(0, b, sizeof b);
	assert_string_equal(b, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pieces_same),
		cmocka_unit_test(test_no_color),
		cmocka_unit_test(test_code_streams),
		cmocka_unit_test(test_sgr),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
