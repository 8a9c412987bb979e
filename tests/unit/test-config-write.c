/* test-config-write.c: appending a profile to the config file (config-write.c). */
#include "common.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

static char dir[64];

static int
setup(void **state)
{
	snprintf(dir, sizeof dir, "/tmp/confab-cw.XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);
	int r = system(cmd);

	free(cmd);
	return r;
}

/* The file's bytes (allocated). */
static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *s = xcalloc(1, 65536);

	assert_non_null(f);
	s[fread(s, 1, 65535, f)] = '\0';
	fclose(f);
	return s;
}

static void
test_new_file(void **state)
{
	char *path = xasprintf("%s/sub/config", dir), *name = NULL, *cause = NULL, *s;
	struct stat st;

	assert_int_equal(config_profile_save(path, "ollama", "http://localhost:11434/v1",
			     "llama3:8b", &name, &cause),
	    0);
	assert_string_equal(name, "ollama");
	s = slurp(path);
	assert_string_equal(s,
	    "[profile ollama]\nbase_url = http://localhost:11434/v1\n"
	    "model = llama3:8b\n");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_true(config_profile_with_url(path, "http://localhost:11434/v1"));
	assert_false(config_profile_with_url(path, "http://localhost:8080/v1"));
	free(s);
	free(name);
	free(path);
}

static void
test_keeps_content_and_mode(void **state)
{
	char *path = xasprintf("%s/config", dir), *name = NULL, *cause = NULL, *s;
	FILE *f = fopen(path, "w");
	struct stat st;

	fputs("; mine\nbase_url = http://x/v1\n[profile ollama]\nmodel = a", f);
	fclose(f);
	chmod(path, 0640);
	assert_false(config_profile_with_url(path, "http://x/v1")); /* top level, no profile */
	assert_int_equal(config_profile_save(path, "ollama", "http://127.0.0.1:11434/v1", "b",
			     &name, &cause),
	    0);
	assert_string_equal(name, "ollama-2");
	s = slurp(path);
	assert_string_equal(s,
	    "; mine\nbase_url = http://x/v1\n[profile ollama]\nmodel = a\n"
	    "\n[profile ollama-2]\nbase_url = http://127.0.0.1:11434/v1\nmodel = b\n");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	free(s);
	free(name);
	free(path);
}

static void
test_refuses_bad_values(void **state)
{
	char *path = xasprintf("%s/config", dir), *name = NULL, *cause = NULL;

	assert_int_equal(config_profile_save(path, "x", "http://h/v1", "a\n[profile evil]", &name,
			     &cause),
	    -1);
	assert_null(name);
	assert_non_null(cause);
	assert_int_equal(access(path, F_OK), -1); /* nothing written */
	free(cause);
	free(path);
}

static void
test_symlink_stays(void **state)
{
	char *real = xasprintf("%s/real", dir), *link = xasprintf("%s/link", dir);
	char *name = NULL, *cause = NULL, *s;
	struct stat st;
	FILE *f = fopen(real, "w");

	fputs("timeout = 5\n", f);
	fclose(f);
	assert_int_equal(symlink(real, link), 0);
	assert_int_equal(config_profile_save(link, "local-8080", "http://127.0.0.1:8080/v1", "m",
			     &name, &cause),
	    0);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	s = slurp(real);
	assert_non_null(strstr(s, "timeout = 5\n\n[profile local-8080]\n"));
	free(s);
	free(name);
	free(real);
	free(link);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_new_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keeps_content_and_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuses_bad_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink_stays, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
