/* test-config.c: unit tests for settings, XDG paths and API key resolution (config.c). */
#include "common.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"

#define DEFAULT_URL "https://dashscope-intl.aliyuncs.com/compatible-mode/v1"

static char tmpdir[] = "/tmp/confab-test-config-XXXXXX";

/* Per test: a fresh XDG tree under tmpdir. */
static int test_no;
static char *xdg_config, *xdg_data, *xdg_state, *conf_path;

static void
unset_confab_env(void)
{
	static const char *const vars[] = {
		"CONFAB_PROFILE",
		"CONFAB_CONFIG",
		"DASHSCOPE_API_KEY",
		"MY_KEY",
		"CURL_CA_BUNDLE",
		"SSL_CERT_FILE",
	};
	char name[64];
	size_t i, j;

	for (i = 0; i < nitems(vars); i++)
		unsetenv(vars[i]);
	for (i = 0; i < CONFIG_NKEYS; i++) {
		snprintf(name, sizeof name, "CONFAB_%s", config_key_name(i));
		for (j = 7; name[j] != '\0'; j++)
			if (name[j] >= 'a' && name[j] <= 'z')
				name[j] = (char)(name[j] - 'a' + 'A');
		unsetenv(name);
	}
}

static int
setup(void **state)
{
	char *base = xasprintf("%s/t%d", tmpdir, ++test_no);

	unset_confab_env();
	xdg_config = xasprintf("%s/config", base);
	xdg_data = xasprintf("%s/data", base);
	xdg_state = xasprintf("%s/state", base);
	conf_path = xasprintf("%s/confab/config", xdg_config);
	if (mkdir(base, 0700) != 0 || mkdir(xdg_config, 0700) != 0)
		return -1;
	setenv("XDG_CONFIG_HOME", xdg_config, 1);
	setenv("XDG_DATA_HOME", xdg_data, 1);
	setenv("XDG_STATE_HOME", xdg_state, 1);
	free(base);
	return 0;
}

static int
teardown(void **state)
{
	free(xdg_config);
	free(xdg_data);
	free(xdg_state);
	free(conf_path);
	xdg_config = xdg_data = xdg_state = conf_path = NULL;
	unset_confab_env();
	return 0;
}

/* Write the config file with the given mode. */
static void
write_config(const char *text, mode_t mode)
{
	char *dir = xasprintf("%s/confab", xdg_config);
	int fd;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		fail_msg("mkdir %s: %s", dir, strerror(errno));
	fd = open(conf_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(close(fd), 0);
	free(dir);
}

/* "CONFIG_PATH:line" (caller frees). */
static char *
at_line(int line)
{
	return xasprintf("%s:%d", conf_path, line);
}

static void
assert_origin_line(const struct config *cfg, enum config_key key, int line)
{
	char *want = at_line(line);

	assert_non_null(cfg->origin[key]);
	assert_string_equal(cfg->origin[key], want);
	free(want);
}

/* Load, expecting success (nothing leaks when it fails, so valgrind stays useful). */
static void
load_ok(struct config *cfg, const struct config_flags *flags)
{
	char *cause = NULL, msg[1024];

	if (config_load(cfg, flags, &cause) != 0) {
		snprintf(msg, sizeof msg, "%s", cause != NULL ? cause : "(no cause)");
		free(cause);
		config_release(cfg);
		fail_msg("config_load failed: %s", msg);
	}
	assert_null(cause);
}

/* Load, expecting failure; returns the cause (caller frees). */
static char *
load_fails(const struct config_flags *flags)
{
	struct config cfg;
	char *cause = NULL;
	int r = config_load(&cfg, flags, &cause);

	config_release(&cfg);
	if (r != -1) {
		free(cause);
		fail_msg("config_load returned %d, want -1", r);
	}
	assert_non_null(cause);
	return cause;
}

/* Does the cause contain sub? Frees sub (not cause): for allocated needles. */
static bool
has_and_free(const char *cause, char *sub)
{
	bool r = cause != NULL && strstr(cause, sub) != NULL;

	if (!r)
		fprintf(stderr, "# \"%s\" does not contain \"%s\"\n", cause != NULL ? cause : "",
		    sub);
	free(sub);
	return r;
}

static void
assert_contains(const char *s, const char *sub)
{
	if (s == NULL || strstr(s, sub) == NULL)
		fail_msg("\"%s\" does not contain \"%s\"", s != NULL ? s : "(null)", sub);
}

static void
assert_not_contains(const char *s, const char *sub)
{
	if (s != NULL && strstr(s, sub) != NULL)
		fail_msg("\"%s\" contains \"%s\"", s, sub);
}

/* ---- layers --------------------------------------------------------------- */

static void
test_defaults(void **state)
{
	struct config_flags flags = { 0 };
	struct config cfg;
	char *want;

	load_ok(&cfg, &flags);
	assert_string_equal(config_get(&cfg, CONFIG_BASE_URL), DEFAULT_URL);
	assert_string_equal(cfg.origin[CONFIG_BASE_URL], "default");
	assert_string_equal(config_get(&cfg, CONFIG_MODEL), "qwen-plus");
	assert_string_equal(cfg.origin[CONFIG_MODEL], "default");
	assert_string_equal(config_get(&cfg, CONFIG_API_KEY_ENV), "DASHSCOPE_API_KEY");
	assert_string_equal(cfg.origin[CONFIG_API_KEY_ENV], "default");
	assert_string_equal(config_get(&cfg, CONFIG_TIMEOUT), "60");
	assert_string_equal(config_get(&cfg, CONFIG_CONNECT_TIMEOUT), "10");
	assert_null(config_get(&cfg, CONFIG_SYSTEM));
	assert_null(cfg.origin[CONFIG_SYSTEM]);
	assert_null(config_get(&cfg, CONFIG_API_KEY));
	assert_null(config_get(&cfg, CONFIG_API_KEY_CMD));
	assert_null(config_get(&cfg, CONFIG_TEMPERATURE));
	assert_null(config_get(&cfg, CONFIG_TERMS_FILE));
	assert_null(cfg.profile);
	/* XDG paths */
	assert_string_equal(cfg.config_path, conf_path);
	want = xasprintf("%s/confab", xdg_data);
	assert_string_equal(cfg.data_dir, want);
	free(want);
	want = xasprintf("%s/confab/confab.db", xdg_data);
	assert_string_equal(cfg.db_path, want);
	free(want);
	want = xasprintf("%s/confab", xdg_state);
	assert_string_equal(cfg.state_dir, want);
	free(want);
	config_release(&cfg);
	assert_null(cfg.config_path);
}

static void
test_key_names(void **state)
{
	assert_string_equal(config_key_name(CONFIG_BASE_URL), "base_url");
	assert_string_equal(config_key_name(CONFIG_MODEL), "model");
	assert_string_equal(config_key_name(CONFIG_API_KEY_ENV), "api_key_env");
	assert_string_equal(config_key_name(CONFIG_API_KEY_CMD), "api_key_cmd");
	assert_string_equal(config_key_name(CONFIG_FEEDBACK_INCLUDE_EXCHANGE),
	    "feedback_include_exchange");
}

/* A relative XDG variable is ignored: the paths fall back to $HOME. */
static void
test_xdg_relative(void **state)
{
	struct config_flags flags = { 0 };
	struct config cfg;
	char *home = xasprintf("%s/home%d", tmpdir, test_no), *want;
	char *old_home = getenv("HOME") != NULL ? xstrdup(getenv("HOME")) : NULL;

	setenv("HOME", home, 1);
	setenv("XDG_CONFIG_HOME", "relative/config", 1);
	setenv("XDG_DATA_HOME", "", 1);
	load_ok(&cfg, &flags);
	want = xasprintf("%s/.config/confab/config", home);
	assert_string_equal(cfg.config_path, want);
	free(want);
	want = xasprintf("%s/.local/share/confab/confab.db", home);
	assert_string_equal(cfg.db_path, want);
	free(want);
	config_release(&cfg);
	if (old_home != NULL)
		setenv("HOME", old_home, 1);
	else
		unsetenv("HOME");
	free(old_home);
	free(home);
}

/* --config and CONFAB_CONFIG choose the file; the flag wins. */
static void
test_config_path_choice(void **state)
{
	struct config_flags flags = { 0 };
	struct config cfg;
	char *other = xasprintf("%s/t%d/other.ini", tmpdir, test_no);
	int fd = open(other, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "model = from-other\n", 19), 19);
	close(fd);
	write_config("model = from-default-place\n", 0600);

	setenv("CONFAB_CONFIG", other, 1);
	load_ok(&cfg, &flags);
	assert_string_equal(cfg.config_path, other);
	assert_string_equal(config_get(&cfg, CONFIG_MODEL), "from-other");
	config_release(&cfg);

	flags.config_path = conf_path;
	load_ok(&cfg, &flags);
	assert_string_equal(config_get(&cfg, CONFIG_MODEL), "from-default-place");
	config_release(&cfg);
	free(other);
}

static void
test_top_level(void **state)
{
	struct config_flags flags = { 0 };
	struct config cfg;

	write_config("# a comment\n"
		     "; another\n"
		     "\n"
		     "model = qwen-max\n"
		     "base_url = https://example.com/v1\n"
		     "temperature=0.7\n"
		     "max_tokens = 2048\n"
		     "enable_thinking = yes\n"
		     "system = Be brief.\n",
	    0644);
	load_ok(&cfg, &flags);
	assert_string_equal(config_get(&cfg, CONFIG_MODEL), "qwen-max");
	assert_origin_line(&cfg, CONFIG_MODEL, 4);
	assert_string_equal(config_get(&cfg, CONFIG_BASE_URL), "https://example.com/v1");
	assert_origin_line(&cfg, CONFIG_BASE_URL, 5);
	assert_string_equal(config_get(&cfg, CONFIG_TEMPERATURE), "0.7");
	assert_origin_line(&cfg, CONFIG_TEMPERATURE, 6);
	assert_string_equal(config_get(&cfg, CONFIG_MAX_TOKENS), "2048");
	assert_origin_line(&cfg, CONFIG_MAX_TOKENS, 7);
	assert_string_equal(config_get(&cfg, CONFIG_ENABLE_THINKING), "yes");
	assert_string_equal(config_get(&cfg, CONFIG_SYSTEM), "Be brief.");
	assert_origin_line(&cfg, CONFIG_SYSTEM, 9);
	/* untouched keys keep their defaults */
	assert_string_equal(config_get(&cfg, CONFIG_API_KEY_ENV), "DASHSCOPE_API_KEY");
	assert_string_equal(cfg.origin[CONFIG_API_KEY_ENV], "default");
	assert_null(cfg.profile);
	config_release(&cfg);
}

#define PROFILES \
	"model = qwen-max\n"			   /* 1 */ \
	"temperature = 0.5\n"			   /* 2 */ \
	"\n"					   /* 3 */ \
	"[profile work]\n"			   /* 4 */ \
	"model = qwen-turbo\n"			   /* 5 */ \
	"base_url = https://work.example.com/v1\n" /* 6 */ \
	"\n"					   /* 7 */ \
	"[profile local]\n"			   /* 8 */ \
	"base_url = http://localhost:11434/v1\n"   /* 9 */ \
	"model = llama3\n"			   /* 10 */

/* Without a profile selected, profile sections are not applied. */
static void
test_profile_not_selected(void **state)
{
	struct config_flags flags = { 0 };
	struct config cfg;

	write_config(PROFILES, 0644);
	load_ok(&cfg, &flags);
	assert_null(cfg.profile);
	assert_string_equal(config_get(&cfg, CONFIG_MODEL), "qwen-max");
	assert_origin_line(&cfg, CONFIG_MODEL, 1);
	assert_string_equal(config_get(&cfg, CONFIG_BASE_URL), DEFAULT_URL);
	assert_string_equal(cfg.origin[CONFIG_BASE_URL], "default");
	config_release(&cfg);
}

static void
test_profile_flag(void **state)
{
	struct config_flags flags = { .profile = "work" };
	struct config cfg;

	write_config(PROFILES, 0644);
	load_ok(&cfg, &flags);
	assert_string_equal(cfg.profile, "work");
	assert_string_equal(config_get(&cfg, CONFIG_MODEL), "qwen-turbo");
	assert_origin_line(&cfg, CONFIG_MODEL, 5);
	assert_string_equal(config_get(&cfg, CONFIG_BASE_URL), "https://work.example.com/v1");
	assert_origin_line(&cfg, CONFIG_BASE_URL, 6);
	/* the profile does not set it: the top level shows through */
	assert_string_equal(config_get(&cfg, CONFIG_TEMPERATURE), "0.5");
	assert_origin_line(&cfg, CONFIG_TEMPERATURE, 2);
	config_release(&cfg);
}

/* The profile comes from --profile, else CONFAB_PROFILE, else the top-level key. */
static void
test_profile_choice(void **state)
{
	struct config_flags flags = { 0 };
	struct config cfg;

	write_config("profile = local\n" PROFILES, 0644);
	load_ok(&cfg, &flags);
	assert_string_equal(cfg.profile, "local");
	assert_string_equal(config_get(&cfg, CONFIG_MODEL), "llama3");
	assert_origin_line(&cfg, CONFIG_MODEL, 11);
	config_release(&cfg);

	setenv("CONFAB_PROFILE", "work", 1);
	load_ok(&cfg, &flags);
	assert_string_equal(cfg.profile, "work");
	assert_string_equal(config_get(&cfg, CONFIG_MODEL), "qwen-turbo");
	config_release(&cfg);

	flags.profile = "local";
	load_ok(&cfg, &flags);
	assert_string_equal(cfg.profile, "local");
	assert_string_equal(config_get(&cfg, CONFIG_BASE_URL), "http://localhost:11434/v1");
	config_release(&cfg);
}

/* Environment beats the file and its profile; flags beat everything. */
static void
test_env_and_flags(void **state)
{
	struct config_flags flags = { .profile = "work" };
	struct config cfg;

	write_config(PROFILES, 0644);
	setenv("CONFAB_MODEL", "env-model", 1);
	setenv("CONFAB_MAX_TOKENS", "77", 1);
	setenv("CONFAB_TEMPERATURE", "", 1); /* empty: as if unset */
	load_ok(&cfg, &flags);
	assert_string_equal(config_get(&cfg, CONFIG_MODEL), "env-model");
	assert_string_equal(cfg.origin[CONFIG_MODEL], "CONFAB_MODEL");
	assert_string_equal(config_get(&cfg, CONFIG_MAX_TOKENS), "77");
	assert_string_equal(cfg.origin[CONFIG_MAX_TOKENS], "CONFAB_MAX_TOKENS");
	assert_string_equal(config_get(&cfg, CONFIG_TEMPERATURE), "0.5");
	assert_origin_line(&cfg, CONFIG_TEMPERATURE, 2);
	assert_string_equal(config_get(&cfg, CONFIG_BASE_URL), "https://work.example.com/v1");
	assert_origin_line(&cfg, CONFIG_BASE_URL, 6);
	config_release(&cfg);

	flags.value[CONFIG_MODEL] = "flag-model";
	flags.value[CONFIG_BASE_URL] = "http://127.0.0.1:8080/v1";
	flags.value[CONFIG_MAX_TOKENS] = "5";
	load_ok(&cfg, &flags);
	assert_string_equal(config_get(&cfg, CONFIG_MODEL), "flag-model");
	assert_string_equal(cfg.origin[CONFIG_MODEL], "--model");
	assert_string_equal(config_get(&cfg, CONFIG_BASE_URL), "http://127.0.0.1:8080/v1");
	assert_string_equal(cfg.origin[CONFIG_BASE_URL], "--base-url");
	assert_string_equal(cfg.origin[CONFIG_MAX_TOKENS], "--max-tokens");
	assert_string_equal(config_get(&cfg, CONFIG_MAX_TOKENS), "5");
	config_release(&cfg);
}

/* api_key_cmd and api_key never come from CONFAB_* variables. */
static void
test_env_not_for_secrets(void **state)
{
	struct config_flags flags = { 0 };
	struct config cfg;

	setenv("CONFAB_API_KEY", "sk-env", 1);
	setenv("CONFAB_API_KEY_CMD", "echo sk-env", 1);
	load_ok(&cfg, &flags);
	assert_null(config_get(&cfg, CONFIG_API_KEY));
	assert_null(config_get(&cfg, CONFIG_API_KEY_CMD));
	config_release(&cfg);
}

/* ---- errors ------------------------------------------------------------- */

static void
test_unknown_profile(void **state)
{
	struct config_flags flags = { .profile = "nope" };
	char *cause;

	write_config(PROFILES, 0644);
	cause = load_fails(&flags);
	assert_contains(cause, "'nope'");
	assert_contains(cause, "--profile");
	assert_contains(cause, conf_path);
	free(cause);

	flags.profile = NULL;
	setenv("CONFAB_PROFILE", "ghost", 1);
	cause = load_fails(&flags);
	assert_contains(cause, "'ghost'");
	assert_contains(cause, "CONFAB_PROFILE");
	free(cause);
}

/* Without any config file, any profile is unknown. */
static void
test_unknown_profile_no_file(void **state)
{
	struct config_flags flags = { .profile = "work" };
	char *cause = load_fails(&flags);

	assert_contains(cause, "'work'");
	free(cause);
}

/* A [profile NAME] section with no settings yet is still a profile. */
static void
test_empty_profile(void **state)
{
	struct config_flags flags = { .profile = "empty" };
	struct config cfg;
	bool profile_ok, model_ok;

	write_config("model = qwen-max\n\n[profile empty]\n", 0644);
	load_ok(&cfg, &flags);
	profile_ok = cfg.profile != NULL && strcmp(cfg.profile, "empty") == 0;
	model_ok = strcmp(config_get(&cfg, CONFIG_MODEL), "qwen-max") == 0;
	config_release(&cfg);
	assert_true(profile_ok);
	assert_true(model_ok);
}

static void
test_unknown_key(void **state)
{
	struct config_flags flags = { 0 };
	char *cause, *want;

	write_config("model = x\n\nfrobnicate = yes\n", 0644);
	cause = load_fails(&flags);
	want = xasprintf("config '%s' line 3", conf_path);
	assert_contains(cause, want);
	assert_contains(cause, "'frobnicate'");
	free(want);
	free(cause);

	/* in a profile too */
	write_config("[profile a]\nmodel = x\nbogus = 1\n", 0644);
	cause = load_fails(&flags);
	want = xasprintf("config '%s' line 3", conf_path);
	assert_contains(cause, want);
	assert_contains(cause, "'bogus'");
	free(want);
	free(cause);
}

/* A section that is not [profile NAME]: refused, naming the file, line and section. */
static void
test_unknown_section(void **state)
{
	struct config_flags flags = { 0 };
	char *cause;

	bool line_ok, name_ok;

	write_config("model = x\n[server]\nmodel = y\n", 0644);
	cause = load_fails(&flags);
	line_ok = has_and_free(cause, xasprintf("config '%s' line 2", conf_path));
	name_ok = has_and_free(cause, xstrdup("[server]"));
	free(cause);
	assert_true(line_ok);
	assert_true(name_ok);
}

/* An unknown section is refused even when nothing follows it. */
static void
test_unknown_section_empty(void **state)
{
	struct config_flags flags = { 0 };
	char *cause;

	bool line_ok;

	write_config("model = x\n[server]\n", 0644);
	cause = load_fails(&flags);
	line_ok = has_and_free(cause, xasprintf("config '%s' line 2", conf_path));
	free(cause);
	assert_true(line_ok);
}

/* config_load_text: the text fails with a cause containing want. */
static void
text_fails(const char *text, size_t len, const char *want)
{
	struct config_flags flags = { 0 };
	struct config cfg;
	char *cause = NULL;
	int r = config_load_text(&cfg, &flags, text, len, &cause);

	config_release(&cfg);
	if (r != -1) {
		free(cause);
		fail_msg("config_load_text returned %d for \"%.60s\", want -1", r, text);
	}
	assert_contains(cause, want);
	free(cause);
}

#define TEXT_FAILS(lit, want) text_fails(lit, sizeof lit - 1, want)

/* config_load_text: the text loads; the value of key. */
static void
text_gives(const char *text, enum config_key key, const char *want)
{
	struct config_flags flags = { 0 };
	struct config cfg;
	char *cause = NULL;
	int r = config_load_text(&cfg, &flags, text, strlen(text), &cause);

	if (r != 0) {
		char msg[512];

		snprintf(msg, sizeof msg, "%s", cause != NULL ? cause : "(no cause)");
		free(cause);
		config_release(&cfg);
		fail_msg("config_load_text failed: %s", msg);
	}
	assert_non_null(config_get(&cfg, key));
	assert_string_equal(config_get(&cfg, key), want);
	config_release(&cfg);
}

static void
test_long_lines(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 0);
	buf_adds(&b, "model = m\nsystem = ");
	while (b.len < 5000)
		buf_addc(&b, 's');
	buf_adds(&b, "\nmax_tokens = 7\n");
	text_gives(b.data, CONFIG_MAX_TOKENS, "7");
	buf_adds(&b, "oops\n");
	text_fails(b.data, b.len, "line 4: syntax error");
	buf_reset(&b);
	buf_adds(&b, "model = m\n\nsystem = ");
	while (b.len < 70000)
		buf_addc(&b, 's');
	text_fails(b.data, b.len, "line 3: the line is longer than 65536 bytes");
	buf_release(&b);
	TEXT_FAILS("model = a\nsystem = x\0y\n", "line 2: the line holds a NUL byte");
}

static void
test_duplicates(void **state)
{
	(void)state;
	TEXT_FAILS("model = a\n; c\nmodel = b\n",
	    "line 3: 'model' is already set on line 1 (a setting is given once at the top level)");
	TEXT_FAILS("[profile p]\ntimeout = 1\ntimeout : 2\n",
	    "line 3: 'timeout' is already set on line 2 (a setting is given once in [profile p])");
	TEXT_FAILS("profile = a\nprofile = b\n", "line 2: 'profile' is already set on line 1");
	TEXT_FAILS("[profile a]\n[profile b]\n[profile  a ]\n",
	    "line 3: [profile a] is already on line 1");
	text_gives("model = a\n[profile p]\nmodel = b\n[profile q]\nmodel = c\n", CONFIG_MODEL,
	    "a");
}

static void
test_many_profiles(void **state)
{
	struct buf b;
	int i;

	(void)state;
	buf_init(&b, 0);
	for (i = 0; i < 1000; i++)
		buf_addf(&b, "[profile p%d]\nmodel = m%d\n", i, i);
	buf_adds(&b, "[profile p999]\n");
	text_fails(b.data, b.len, "line 2001: [profile p999] is already on line 1999");
	b.len -= 5;
	buf_adds(&b, "1000]\n");
	text_fails(b.data, b.len, "line 2001: more than 1000 profiles");
	buf_release(&b);
}

static void
test_syntax_forms(void **state)
{
	(void)state;
	text_gives("\xef\xbb\xbfmodel = a ; a comment\n", CONFIG_MODEL, "a");
	text_gives("  model:b;c  \r\n", CONFIG_MODEL, "b;c");
	text_gives("profile = p\n[profile p] ; c\n  model = indented\n", CONFIG_MODEL, "indented");
	TEXT_FAILS("[profile p] x\n", "line 1: syntax error");
	TEXT_FAILS("= x\n", "line 1: syntax error");
	TEXT_FAILS("[profile]\n", "unknown section [profile]");
}

static void
test_temperature_values(void **state)
{
	static const char *const bad[] = { "nan", "NAN", "inf", "-inf", "infinity", "2.01", "-0.5",
		"1e0", "0x1", "", "1.0.0", "1 2" };
	static const char *const good[] = { "0", "0.0", "1", "0.7", "2", "2.000", ".5" };
	char *text;
	size_t i;

	(void)state;
	for (i = 0; i < nitems(bad); i++) {
		text = xasprintf("temperature = %s\n", bad[i]);
		text_fails(text, strlen(text), "is not a number from 0 to 2");
		free(text);
	}
	for (i = 0; i < nitems(good); i++) {
		text = xasprintf("temperature = %s\n", good[i]);
		text_gives(text, CONFIG_TEMPERATURE, good[i]);
		free(text);
	}
}

static void
test_fifo_config(void **state)
{
	struct config_flags flags = { 0 };
	char *cause;

	(void)state;
	write_config("", 0600);
	assert_int_equal(unlink(conf_path), 0);
	assert_int_equal(mkfifo(conf_path, 0600), 0);
	cause = load_fails(&flags);
	assert_contains(cause, "is not a regular file");
	free(cause);
}

static void
test_key_cmd_timeout(void **state)
{
	struct config_flags flags = { 0 };
	struct config_auth k;
	struct config cfg;
	char *cause = NULL;

	(void)state;
	write_config("base_url = https://llm.example.com/v1\n"
		     "api_key_cmd = sh -c 'sleep 30'\napi_key_cmd_timeout = 1\n",
	    0600);
	load_ok(&cfg, &flags);
	assert_int_equal(config_api_key(&cfg, &k, &cause), -1);
	assert_contains(cause, "did not finish within 1 seconds");
	free(cause);
	cause = NULL;
	config_release(&cfg);
	write_config(
	    "base_url = https://llm.example.com/v1\n"
	    "api_key_cmd = sh -c 'echo sk-abc; exec >&-; sleep 30'\napi_key_cmd_timeout = 1\n",
	    0600);
	load_ok(&cfg, &flags);
	assert_int_equal(config_api_key(&cfg, &k, &cause), -1);
	assert_contains(cause, "did not finish");
	free(cause);
	cause = NULL;
	config_release(&cfg);
	write_config("base_url = https://llm.example.com/v1\n"
		     "api_key_cmd = sh -c 'echo sk-abc'\n",
	    0600);
	load_ok(&cfg, &flags);
	assert_int_equal(config_api_key(&cfg, &k, &cause), 0);
	assert_string_equal(k.key, "sk-abc");
	config_auth_release(&k);
	config_release(&cfg);
}

static void
test_syntax_error(void **state)
{
	struct config_flags flags = { 0 };
	char *cause, *want;

	write_config("model = x\n# ok\nthis line has no equals sign\nmodel = y\n", 0644);
	cause = load_fails(&flags);
	want = xasprintf("config '%s' line 3", conf_path);
	assert_contains(cause, want);
	assert_contains(cause, "syntax");
	free(want);
	free(cause);

	write_config("[profile work\nmodel = y\n", 0644);
	cause = load_fails(&flags);
	want = xasprintf("config '%s' line 1", conf_path);
	assert_contains(cause, want);
	free(want);
	free(cause);
}

/* Values are checked, and the message says where the bad one came from. */
static void
test_invalid_values(void **state)
{
	struct config_flags flags = { 0 };
	char *cause, *want;

	write_config("model = m\ntemperature = 3\n", 0644);
	cause = load_fails(&flags);
	want = xasprintf("invalid temperature from %s:2", conf_path);
	assert_contains(cause, want);
	free(want);
	free(cause);

	write_config("base_url = ftp://example.com/\n", 0644);
	cause = load_fails(&flags);
	assert_contains(cause, "base_url");
	assert_contains(cause, "ftp://example.com/");
	free(cause);

	write_config("model = m\n", 0644);
	setenv("CONFAB_MAX_TOKENS", "many", 1);
	cause = load_fails(&flags);
	assert_contains(cause, "invalid max_tokens from CONFAB_MAX_TOKENS");
	free(cause);
	unsetenv("CONFAB_MAX_TOKENS");

	flags.value[CONFIG_ENABLE_THINKING] = "maybe";
	cause = load_fails(&flags);
	assert_contains(cause, "invalid enable_thinking from --enable-thinking");
	free(cause);
}

/* config_api_key() with the key and its origin apart; why none is sent is dropped. */
static int
api_key(const struct config *cfg, char **key, char **origin, char **cause)
{
	struct config_auth k;
	int r = config_api_key(cfg, &k, cause);

	*key = k.key;
	*origin = k.origin;
	free(k.unsent);
	return r;
}

/* api_key in a file others can read is refused; in a 0600 file it is used. */
static void
test_api_key_in_file(void **state)
{
	struct config_flags flags = { 0 };
	struct config cfg;
	char *cause, *key = NULL, *origin = NULL, *want;

	write_config("model = m\napi_key = sk-file-secret\n", 0644);
	cause = load_fails(&flags);
	assert_contains(cause, conf_path);
	assert_contains(cause, "chmod 600");
	assert_contains(cause, "line 2");
	assert_not_contains(cause, "sk-file-secret");
	free(cause);

	write_config("model = m\napi_key = sk-file-secret\n", 0640);
	cause = load_fails(&flags);
	assert_contains(cause, "chmod 600");
	free(cause);

	write_config("model = m\napi_key = sk-file-secret\n", 0600);
	load_ok(&cfg, &flags);
	assert_string_equal(config_get(&cfg, CONFIG_API_KEY), "sk-file-secret");
	setenv("DASHSCOPE_API_KEY", "sk-env-secret", 1);
	assert_int_equal(api_key(&cfg, &key, &origin, &cause), 0);
	assert_string_equal(key, "sk-file-secret");
	want = xasprintf("api_key in %s:2", conf_path);
	assert_string_equal(origin, want);
	assert_not_contains(origin, "sk-file-secret");
	free(want);
	free(key);
	free(origin);
	config_release(&cfg);
}

/* ---- loopback ---------------------------------------------------------- */

static void
test_loopback(void **state)
{
	assert_true(config_is_loopback("http://localhost/v1"));
	assert_true(config_is_loopback("http://localhost"));
	assert_true(config_is_loopback("http://LOCALHOST:8080/v1"));
	assert_true(config_is_loopback("http://127.0.0.1/v1"));
	assert_true(config_is_loopback("http://127.0.0.1:8000"));
	assert_true(config_is_loopback("http://127.1.2.3:1234/v1"));
	assert_true(config_is_loopback("http://[::1]/v1"));
	assert_true(config_is_loopback("http://[::1]:11434/v1"));
	assert_true(config_is_loopback("http://localhost:11434/v1"));
	assert_true(config_is_loopback("https://localhost/v1"));

	assert_false(config_is_loopback("http://localhost.example.com/v1"));
	assert_false(config_is_loopback("http://localhost.example.com"));
	assert_false(config_is_loopback("http://128.0.0.1/v1"));
	assert_false(config_is_loopback("http://example.com/v1"));
	assert_false(config_is_loopback(DEFAULT_URL));
	assert_false(config_is_loopback("http://127.0.0.1.example.com/v1"));
	assert_false(config_is_loopback("http://localhost@example.com/v1"));
	assert_false(config_is_loopback("http://127.0.0.1@example.com/v1"));
	assert_false(config_is_loopback("http://[::2]/v1"));
	assert_false(config_is_loopback("http://mylocalhost/v1"));
	assert_false(config_is_loopback("http://1127.0.0.1/v1"));
	assert_false(config_is_loopback("localhost"));
	assert_false(config_is_loopback(""));
}

/* ---- API key ------------------------------------------------------------ */

static void
test_key_from_env(void **state)
{
	struct config_flags flags = { 0 };
	struct config cfg;
	char *key = NULL, *origin = NULL, *cause = NULL;

	setenv("DASHSCOPE_API_KEY", "sk-abc123", 1);
	load_ok(&cfg, &flags);
	assert_int_equal(api_key(&cfg, &key, &origin, &cause), 0);
	assert_null(cause);
	assert_string_equal(key, "sk-abc123");
	assert_string_equal(origin, "DASHSCOPE_API_KEY");
	assert_not_contains(origin, "sk-abc123");
	free(key);
	free(origin);
	config_release(&cfg);
}

/* api_key_env names another variable. */
static void
test_key_from_other_env(void **state)
{
	struct config_flags flags = { 0 };
	struct config cfg;
	char *key = NULL, *origin = NULL, *cause = NULL;

	write_config("api_key_env = MY_KEY\n", 0644);
	setenv("DASHSCOPE_API_KEY", "sk-not-this-one", 1);
	setenv("MY_KEY", "sk-mine", 1);
	load_ok(&cfg, &flags);
	assert_int_equal(api_key(&cfg, &key, &origin, &cause), 0);
	assert_string_equal(key, "sk-mine");
	assert_string_equal(origin, "MY_KEY");
	free(key);
	free(origin);
	config_release(&cfg);
}

/* api_key_cmd is split into words with quotes and run without a shell. */
static void
test_key_from_cmd(void **state)
{
	struct config_flags flags = { 0 };
	struct config cfg;
	char *key = NULL, *origin = NULL, *cause = NULL;

	write_config("api_key_cmd = printf '%s\\n' \"sk-from cmd\"\n", 0644);
	load_ok(&cfg, &flags);
	assert_string_equal(config_get(&cfg, CONFIG_API_KEY_CMD), "printf '%s\\n' \"sk-from cmd\"");
	assert_int_equal(api_key(&cfg, &key, &origin, &cause), 0);
	assert_null(cause);
	assert_string_equal(key, "sk-from cmd");
	assert_contains(origin, "api_key_cmd");
	assert_not_contains(origin, "sk-from");
	free(key);
	free(origin);
	config_release(&cfg);
}

/* Only the first line of the command's output is the key. */
static void
test_key_cmd_first_line(void **state)
{
	struct config_flags flags = { .profile = "work" };
	struct config cfg;
	char *key = NULL, *origin = NULL, *cause = NULL;

	write_config("[profile work]\napi_key_cmd = printf 'sk-line1\\r\\nline2\\n'\n", 0644);
	load_ok(&cfg, &flags);
	assert_int_equal(api_key(&cfg, &key, &origin, &cause), 0);
	assert_string_equal(key, "sk-line1");
	assert_string_equal(origin, "api_key_cmd of profile 'work'");
	free(key);
	free(origin);
	config_release(&cfg);
}

static void
test_key_cmd_fails(void **state)
{
	struct config_flags flags = { 0 };
	struct config cfg;
	char *key = NULL, *origin = NULL, *cause = NULL;

	write_config("api_key_cmd = false\n", 0644);
	setenv("DASHSCOPE_API_KEY", "sk-env", 1);
	load_ok(&cfg, &flags);
	assert_int_equal(api_key(&cfg, &key, &origin, &cause), -1);
	assert_null(key);
	assert_null(origin);
	assert_contains(cause, "api_key_cmd");
	assert_contains(cause, "false");
	assert_contains(cause, "exit status 1");
	free(cause);
	config_release(&cfg);
}

/* A failing command's output (maybe a key) is not repeated in the message. */
static void
test_key_cmd_fails_quietly(void **state)
{
	struct config_flags flags = { 0 };
	struct config cfg;
	char *key = NULL, *origin = NULL, *cause = NULL;

	write_config("api_key_cmd = sh -c 'echo sk-leaked; exit 3'\n", 0644);
	load_ok(&cfg, &flags);
	assert_int_equal(api_key(&cfg, &key, &origin, &cause), -1);
	assert_null(key);
	assert_contains(cause, "exit status 3");
	assert_not_contains(cause, "sk-leaked");
	free(cause);
	config_release(&cfg);
}

static void
test_key_cmd_missing(void **state)
{
	struct config_flags flags = { 0 };
	struct config cfg;
	char *key = NULL, *origin = NULL, *cause = NULL;

	write_config("api_key_cmd = confab-no-such-command-here --get key\n", 0644);
	load_ok(&cfg, &flags);
	assert_int_equal(api_key(&cfg, &key, &origin, &cause), -1);
	assert_null(key);
	assert_null(origin);
	assert_contains(cause, "confab-no-such-command-here");
	free(cause);
	cause = NULL;
	config_release(&cfg);

	write_config("api_key_cmd = /nonexistent/dir/get-key\n", 0644);
	load_ok(&cfg, &flags);
	assert_int_equal(api_key(&cfg, &key, &origin, &cause), -1);
	assert_null(key);
	assert_contains(cause, "/nonexistent/dir/get-key");
	free(cause);
	config_release(&cfg);
}

/* A command that prints nothing, or an unterminated quote, gives no key. */
static void
test_key_cmd_empty_or_bad(void **state)
{
	struct config_flags flags = { 0 };
	struct config cfg;
	char *key = NULL, *origin = NULL, *cause = NULL;

	write_config("api_key_cmd = true\n", 0644);
	load_ok(&cfg, &flags);
	assert_int_equal(api_key(&cfg, &key, &origin, &cause), -1);
	assert_null(key);
	assert_null(origin);
	assert_contains(cause, "empty");
	free(cause);
	cause = NULL;
	config_release(&cfg);

	write_config("api_key_cmd = printf 'sk-abc\n", 0644);
	load_ok(&cfg, &flags);
	assert_int_equal(api_key(&cfg, &key, &origin, &cause), -1);
	assert_null(key);
	assert_contains(cause, "quote");
	free(cause);
	config_release(&cfg);
}

static void
test_no_key_remote(void **state)
{
	struct config_flags flags = { 0 };
	struct config cfg;
	char *key = NULL, *origin = NULL, *cause = NULL;

	setenv("DASHSCOPE_API_KEY", "", 1); /* set but empty counts as unset */
	load_ok(&cfg, &flags);
	assert_int_equal(api_key(&cfg, &key, &origin, &cause), -1);
	assert_null(key);
	assert_null(origin);
	assert_contains(cause, "DASHSCOPE_API_KEY");
	assert_contains(cause, "--base-url");
	free(cause);
	config_release(&cfg);
}

/* A loopback endpoint needs no key: success with a NULL key. */
static void
test_no_key_loopback(void **state)
{
	struct config_flags flags = { 0 };
	struct config cfg;
	char *key = (char *)"x", *origin = (char *)"x", *cause = NULL;

	flags.value[CONFIG_BASE_URL] = "http://localhost:11434/v1";
	load_ok(&cfg, &flags);
	assert_int_equal(api_key(&cfg, &key, &origin, &cause), 0);
	assert_null(key);
	assert_null(origin);
	assert_null(cause);
	config_release(&cfg);
}

/* Load with base_url (and the config text, when not NULL); decide the key. */
static int
decide(const char *url, const char *conf, struct config_auth *k, char **cause)
{
	struct config_flags flags = { 0 };
	struct config cfg;
	int r;

	if (conf != NULL)
		write_config(conf, 0600);
	flags.value[CONFIG_BASE_URL] = url;
	load_ok(&cfg, &flags);
	*cause = NULL;
	r = config_api_key(&cfg, k, cause);
	config_release(&cfg);
	return r;
}

/* no_key = yes: nothing is sent anywhere, and api_key_cmd does not run. */
static void
test_no_key_setting(void **state)
{
	struct config_auth k;
	char *cause;

	setenv("DASHSCOPE_API_KEY", "sk-env", 1);
	assert_int_equal(decide("http://10.0.0.5:11434/v1", "no_key = yes\napi_key_cmd = false\n",
			     &k, &cause),
	    0);
	assert_null(k.key);
	assert_null(k.origin);
	assert_contains(k.unsent, "no_key = yes");
	config_auth_release(&k);

	unsetenv("DASHSCOPE_API_KEY");
	assert_int_equal(decide("http://10.0.0.5:11434/v1", "", &k, &cause), -1);
	assert_contains(cause, "no API key for http://10.0.0.5:11434/v1");
	assert_contains(cause, "no_key = yes");
	assert_contains(cause, "api_key_env");
	free(cause);
}

/* The default DASHSCOPE_API_KEY goes to DashScope's hosts only. */
static void
test_provider_key_hosts(void **state)
{
	static const char *const ok[] = {
		"https://dashscope.aliyuncs.com/compatible-mode/v1",
		"https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
		"https://DashScope-US.aliyuncs.com:443/compatible-mode/v1",
	};
	static const char *const refused[] = {
		"https://api.example.com/v1",
		"https://mybucket.oss-cn-hangzhou.aliyuncs.com/v1",
		"https://dashscope.aliyuncs.com.example.com/v1",
		"https://dashscope-x.evil.aliyuncs.com/v1",
		"https://notdashscope.aliyuncs.com/v1",
		"https://dashscope.aliyuncs.com@example.com/v1",
	};
	struct config_auth k;
	char *cause;
	size_t i;

	setenv("DASHSCOPE_API_KEY", "sk-env", 1);
	for (i = 0; i < nitems(ok); i++) {
		assert_int_equal(decide(ok[i], NULL, &k, &cause), 0);
		assert_string_equal(k.key, "sk-env");
		assert_string_equal(k.origin, "DASHSCOPE_API_KEY");
		config_auth_release(&k);
	}
	for (i = 0; i < nitems(refused); i++) {
		assert_int_equal(decide(refused[i], NULL, &k, &cause), -1);
		assert_null(k.key);
		assert_contains(cause, "not sending DASHSCOPE_API_KEY");
		assert_contains(cause, "api_key_env = DASHSCOPE_API_KEY");
		assert_contains(cause, "no_key = yes");
		assert_not_contains(cause, "sk-env");
		free(cause);
	}
	/* On loopback it is withheld, and the reason kept for a 401. */
	assert_int_equal(decide("http://127.0.0.1:8080/v1", NULL, &k, &cause), 0);
	assert_null(k.key);
	assert_null(k.origin);
	assert_contains(k.unsent, "DASHSCOPE_API_KEY goes only to DashScope hosts");
	config_auth_release(&k);
	/* Named on purpose, it goes where it is told. */
	assert_int_equal(decide("https://api.example.com/v1", "api_key_env = DASHSCOPE_API_KEY\n",
			     &k, &cause),
	    0);
	assert_string_equal(k.key, "sk-env");
	config_auth_release(&k);
	assert_int_equal(decide("http://127.0.0.1:8080/v1", NULL, &k, &cause), 0);
	assert_string_equal(k.key, "sk-env");
	config_auth_release(&k);
	setenv("CONFAB_API_KEY_ENV", "DASHSCOPE_API_KEY", 1);
	write_config("", 0600);
	assert_int_equal(decide("https://api.example.com/v1", NULL, &k, &cause), 0);
	assert_string_equal(k.key, "sk-env");
	config_auth_release(&k);
}

/* No key over plain http:// off this machine, unless allow_insecure_key = yes. */
static void
test_insecure_key(void **state)
{
	struct config_auth k;
	char *cause;

	setenv("MY_KEY", "sk-mine", 1);
	assert_int_equal(decide("http://10.0.0.5:8000/v1", "api_key_env = MY_KEY\n", &k, &cause),
	    -1);
	assert_null(k.key);
	assert_contains(cause, "plain http://");
	assert_contains(cause, "allow_insecure_key = yes");
	assert_contains(cause, "MY_KEY");
	assert_not_contains(cause, "sk-mine");
	free(cause);
	/* api_key_cmd is not even run. */
	assert_int_equal(decide("http://10.0.0.5:8000/v1", "api_key_cmd = false\n", &k, &cause),
	    -1);
	assert_contains(cause, "allow_insecure_key");
	assert_not_contains(cause, "exit status");
	free(cause);
	assert_int_equal(decide("http://10.0.0.5:8000/v1",
			     "api_key_env = MY_KEY\nallow_insecure_key = yes\n", &k, &cause),
	    0);
	assert_string_equal(k.key, "sk-mine");
	config_auth_release(&k);
	assert_int_equal(decide("http://localhost:8000/v1", "api_key_env = MY_KEY\n", &k, &cause),
	    0);
	assert_string_equal(k.key, "sk-mine");
	config_auth_release(&k);
	assert_int_equal(decide("https://10.0.0.5:8000/v1", "api_key_env = MY_KEY\n", &k, &cause),
	    0);
	assert_string_equal(k.key, "sk-mine");
	config_auth_release(&k);
	/* allow_insecure_key never comes from the environment. */
	setenv("CONFAB_ALLOW_INSECURE_KEY", "yes", 1);
	assert_int_equal(decide("http://10.0.0.5:8000/v1", "api_key_env = MY_KEY\n", &k, &cause),
	    -1);
	free(cause);
}

/* ca_file: the setting, else CURL_CA_BUNDLE, else SSL_CERT_FILE. */
static void
test_ca_file(void **state)
{
	struct config_flags flags = { 0 };
	struct config cfg;

	load_ok(&cfg, &flags);
	assert_null(config_get(&cfg, CONFIG_CA_FILE));
	config_release(&cfg);
	setenv("SSL_CERT_FILE", "/ssl.pem", 1);
	load_ok(&cfg, &flags);
	assert_string_equal(config_get(&cfg, CONFIG_CA_FILE), "/ssl.pem");
	assert_string_equal(cfg.origin[CONFIG_CA_FILE], "SSL_CERT_FILE");
	config_release(&cfg);
	setenv("CURL_CA_BUNDLE", "/curl.pem", 1);
	load_ok(&cfg, &flags);
	assert_string_equal(config_get(&cfg, CONFIG_CA_FILE), "/curl.pem");
	config_release(&cfg);
	write_config("ca_file = /mine.pem\n", 0644);
	load_ok(&cfg, &flags);
	assert_string_equal(config_get(&cfg, CONFIG_CA_FILE), "/mine.pem");
	assert_origin_line(&cfg, CONFIG_CA_FILE, 1);
	config_release(&cfg);
}

/* proxy: none, a URL with a scheme libcurl knows, or host:port. */
static void
test_proxy_values(void **state)
{
	struct config_flags flags = { 0 };
	struct config cfg;
	char *cause;

	write_config("proxy = none\n", 0644);
	load_ok(&cfg, &flags);
	config_release(&cfg);
	write_config("proxy = socks5h://127.0.0.1:1080\n", 0644);
	load_ok(&cfg, &flags);
	config_release(&cfg);
	write_config("proxy = proxy.example.com:3128\n", 0644);
	load_ok(&cfg, &flags);
	config_release(&cfg);
	write_config("proxy = ftp://proxy.example.com\n", 0644);
	cause = load_fails(&flags);
	assert_contains(cause, "invalid proxy");
	free(cause);
}

/* The host of a URL. */
static void
test_url_host(void **state)
{
	char h[64];

	assert_true(config_url_host("https://User:pw@Example.COM:8443/v1?x#y", h, sizeof h));
	assert_string_equal(h, "example.com");
	assert_true(config_url_host("http://[::1]:11434/v1", h, sizeof h));
	assert_string_equal(h, "[::1]");
	assert_true(config_url_host("http://a@b@c/v1", h, sizeof h));
	assert_string_equal(h, "c");
	assert_false(config_url_host("http:///v1", h, sizeof h));
	assert_false(config_url_host("example.com", h, sizeof h));
	assert_false(config_url_host("http://a-very-long-name.example.com/", h, 8));
}

/* The port of a URL. */
static void
test_url_port(void **state)
{
	assert_int_equal(config_url_port("http://127.0.0.1:11434/v1"), 11434);
	assert_int_equal(config_url_port("http://u:pw@host:8080"), 8080);
	assert_int_equal(config_url_port("http://[::1]:1234/v1?x"), 1234);
	assert_int_equal(config_url_port("localhost:5000/v1"), 5000);
	assert_int_equal(config_url_port("http://[::1]/v1"), -1);
	assert_int_equal(config_url_port("http://host/v1:80"), -1);
	assert_int_equal(config_url_port("http://host:/v1"), -1);
	assert_int_equal(config_url_port("http://host:80x/v1"), -1);
	assert_int_equal(config_url_port("http://host:99999/v1"), -1);
	assert_int_equal(config_url_port("http://host:123456/v1"), -1);
}

/* ---- config_mkdir ---------------------------------------------------- */

static void
test_mkdir(void **state)
{
	char *dir = xasprintf("%s/t%d/a/b/c", tmpdir, test_no), *file, *cause = NULL;
	struct stat st;
	int fd;

	assert_int_equal(config_mkdir(dir, &cause), 0);
	assert_null(cause);
	assert_int_equal(stat(dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0700);
	/* again: already there is fine */
	assert_int_equal(config_mkdir(dir, &cause), 0);

	file = xasprintf("%s/file", dir);
	fd = open(file, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(config_mkdir(file, &cause), -1);
	assert_contains(cause, file);
	free(cause);
	free(file);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xdg_relative, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config_path_choice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_top_level, setup, teardown),
		cmocka_unit_test_setup_teardown(test_profile_not_selected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_profile_flag, setup, teardown),
		cmocka_unit_test_setup_teardown(test_profile_choice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_env_and_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_env_not_for_secrets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_profile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_profile_no_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_profile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_section, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_section_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_syntax_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_profiles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_syntax_forms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_temperature_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fifo_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_cmd_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_api_key_in_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loopback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_from_env, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_from_other_env, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_from_cmd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_cmd_first_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_cmd_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_cmd_fails_quietly, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_cmd_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_cmd_empty_or_bad, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_key_remote, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_key_loopback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_key_setting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_provider_key_hosts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_insecure_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ca_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_proxy_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_url_host, setup, teardown),
		cmocka_unit_test_setup_teardown(test_url_port, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mkdir, setup, teardown),
	};
	char *cmd;
	int r;

	if (mkdtemp(tmpdir) == NULL) {
		fprintf(stderr, "mkdtemp: %s\n", strerror(errno));
		return 99;
	}
	r = cmocka_run_group_tests(tests, NULL, NULL);
	cmd = xasprintf("rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	free(cmd);
	return r;
}
