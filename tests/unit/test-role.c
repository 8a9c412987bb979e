/* test-role.c: unit tests for role files (role.c). */
#include "common.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "role.h"

static int
parse(struct role *r, const char *text, char **cause)
{
	memset(r, 0, sizeof *r);
	*cause = NULL;
	return role_parse(r, "R.md", text, strlen(text), cause);
}

static void
test_no_header(void **state)
{
	struct role r;
	char *cause;

	assert_int_equal(parse(&r, "\n\n  Be brief.\nVery.\n\n", &cause), 0);
	assert_string_equal(r.prompt, "Be brief.\nVery.");
	assert_null(r.value[CONFIG_MODEL]);
	role_release(&r);
	/* "---" later in the text is no header */
	assert_int_equal(parse(&r, "Intro\n---\nmodel: x\n---\n", &cause), 0);
	assert_string_equal(r.prompt, "Intro\n---\nmodel: x\n---");
	assert_null(r.value[CONFIG_MODEL]);
	role_release(&r);
}

static void
test_header(void **state)
{
	struct role r;
	char *cause;

	assert_int_equal(parse(&r,
			     "---\r\n# note\n\nmodel:  qwen-max \ntemperature = 0.5\n"
			     "max_tokens: 100\n---\r\nPrompt\n",
			     &cause),
	    0);
	assert_string_equal(r.value[CONFIG_MODEL], "qwen-max");
	assert_int_equal(r.line[CONFIG_MODEL], 4);
	assert_string_equal(r.value[CONFIG_TEMPERATURE], "0.5");
	assert_string_equal(r.value[CONFIG_MAX_TOKENS], "100");
	assert_string_equal(r.prompt, "Prompt");
	role_release(&r);
	/* a header alone: no prompt */
	assert_int_equal(parse(&r, "---\nmodel: m\n---\n", &cause), 0);
	assert_string_equal(r.prompt, "");
	role_release(&r);
}

static void
test_bad(void **state)
{
	static const char *const bad[][2] = {
		{ "---\ncolour: red\n---\nx", "R.md:2: unknown key 'colour'" },
		{ "---\ntemperature: 3\n---\nx", "R.md:2: temperature" },
		{ "---\nmax_tokens: -1\n---\nx", "R.md:2: max_tokens" },
		{ "---\nmodel:\n---\nx", "R.md:2: model: the value is empty" },
		{ "---\njust words\n---\nx", "R.md:2: a header line is" },
		{ "---\nmodel: m\nPrompt", "no closing" },
		{ "caf\xc3 bad", "not UTF-8" },
	};
	struct role r;
	char *cause;
	size_t i;

	for (i = 0; i < nitems(bad); i++) {
		assert_int_equal(parse(&r, bad[i][0], &cause), -1);
		assert_non_null(cause);
		if (strstr(cause, bad[i][1]) == NULL)
			fail_msg("'%s' gave '%s'", bad[i][0], cause);
		free(cause);
		role_release(&r);
	}
}

static void
test_names(void **state)
{
	assert_true(role_name_ok("shell"));
	assert_true(role_name_ok("code-review_2.v1"));
	assert_false(role_name_ok(""));
	assert_false(role_name_ok(".hidden"));
	assert_false(role_name_ok("../x"));
	assert_false(role_name_ok("a/b"));
	assert_false(role_name_ok("a b"));
	assert_false(role_name_ok("x\xc3\xa9"));
}

static void
test_apply(void **state)
{
	struct config cfg;
	struct role r;
	char *cause, *summary;

	memset(&cfg, 0, sizeof cfg);
	config_override(&cfg, CONFIG_MODEL, "qwen-plus", "default");
	config_override(&cfg, CONFIG_TEMPERATURE, "1", "--temperature");
	config_override(&cfg, CONFIG_SYSTEM, "old", "/tmp/config:3");
	assert_int_equal(parse(&r, "---\nmodel: m\ntemperature: 0.1\n---\nNew", &cause), 0);
	r.name = xstrdup("n");
	r.path = xstrdup("/roles/n.md");
	role_apply(&r, &cfg, false);
	assert_string_equal(config_get(&cfg, CONFIG_MODEL), "m");
	assert_string_equal(cfg.origin[CONFIG_MODEL], "/roles/n.md:2 (role n)");
	assert_string_equal(config_get(&cfg, CONFIG_TEMPERATURE), "1"); /* the flag wins */
	assert_string_equal(config_get(&cfg, CONFIG_SYSTEM), "New");
	role_apply(&r, &cfg, true); /* /role: the flag too */
	assert_string_equal(config_get(&cfg, CONFIG_TEMPERATURE), "0.1");
	summary = role_summary(&r);
	assert_string_equal(summary, "model m, temperature 0.1, system prompt");
	free(summary);
	role_release(&r);
	config_release(&cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_header),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_apply),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
