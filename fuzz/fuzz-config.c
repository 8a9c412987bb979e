/*
 * fuzz-config.c: libFuzzer target for the config file parser (config-parse.c, config.c).
 *
 * The input is the config file's text, loaded with config_load_text() as
 * config_load() would load the file (the environment is cleared of CONFAB_*
 * first, so only the text decides). Checks: a failure has a cause and a
 * success none; every setting has an origin; a setting from the file names
 * a line that exists; the URL helpers stay within their buffers and agree.
 * api_key_cmd is never run.
 *
 * Build with 'make fuzz' (see fuzz/README.md), then:
 *   fuzz/fuzz-config -max_total_time=60 -max_len=4096 CORPUS_DIR fuzz/corpus/config
 */
#include "common.h"

#include "config.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char name[64];
	size_t i, j;

	(void)argc;
	(void)argv;
	for (i = 0; i < CONFIG_NKEYS; i++) {
		snprintf(name, sizeof name, "CONFAB_%s", config_key_name(i));
		for (j = 7; name[j] != '\0'; j++)
			if (name[j] >= 'a' && name[j] <= 'z')
				name[j] = (char)(name[j] - 'a' + 'A');
		unsetenv(name);
	}
	unsetenv("CONFAB_PROFILE");
	unsetenv("CURL_CA_BUNDLE");
	unsetenv("SSL_CERT_FILE");
	setenv("CONFAB_CONFIG", "/fuzz/config", 1);
	return 0;
}

/* The file line an origin "FILE:LINE" names, or 0 for another layer. */
static long
fuzz_origin_line(const char *origin)
{
	static const char prefix[] = "/fuzz/config:";

	if (strncmp(origin, prefix, sizeof prefix - 1) != 0)
		return 0;
	return strtol(origin + sizeof prefix - 1, NULL, 10);
}

/* The URL helpers on a URL the file set. */
static void
fuzz_url(const char *url)
{
	char host[256], place[256], *pub;

	if (config_url_host(url, host, sizeof host))
		FUZZ_ASSERT(strlen(host) < sizeof host && strchr(host, '/') == NULL);
	if (config_url_place(url, place, sizeof place))
		FUZZ_ASSERT(strchr(place, '@') == NULL);
	pub = config_url_public(url);
	FUZZ_ASSERT(strlen(pub) <= strlen(url));
	free(pub);
	(void)config_is_loopback(url);
	(void)config_is_dashscope(url);
	free(config_url(url, "chat/completions"));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config_flags flags;
	struct config cfg;
	char *cause = NULL;
	size_t i, lines = 1;
	int r;

	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	memset(&flags, 0, sizeof flags);
	r = config_load_text(&cfg, &flags, (const char *)data, size, &cause);
	FUZZ_ASSERT((r == 0) == (cause == NULL));
	if (r == 0) {
		for (i = 0; i < CONFIG_NKEYS; i++) {
			long line;

			if (cfg.value[i] == NULL)
				continue;
			FUZZ_ASSERT(cfg.origin[i] != NULL);
			line = fuzz_origin_line(cfg.origin[i]);
			FUZZ_ASSERT(line >= 0 && (size_t)line <= lines);
			(void)config_bool(&cfg, i);
		}
		fuzz_url(config_get(&cfg, CONFIG_BASE_URL));
	} else
		FUZZ_ASSERT(strlen(cause) > 0);
	free(cause);
	config_release(&cfg);
	return 0;
}
