/* config.c: flags, CONFAB_* environment, INI config file, XDG paths, API key. */
#include "common.h"

#include <ctype.h>
#include <fcntl.h>
#include <ini.h>
#include <pwd.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"

extern char **environ;

#define DEFAULT_BASE_URL "https://dashscope-intl.aliyuncs.com/compatible-mode/v1"
#define KEY_MAX_BYTES 4096

enum config_type { T_STRING, T_URL, T_NUMBER, T_COUNT, T_BOOL, T_PROXY, T_TERMS, T_BYTES,
	T_SECONDS };

static const struct config_entry {
	const char *name;
	enum config_type type;
	const char *def;
	int from_env;	/* may come from CONFAB_<NAME> */
} config_table[CONFIG_NKEYS] = {
	[CONFIG_BASE_URL] = { "base_url", T_URL, DEFAULT_BASE_URL, 1 },
	[CONFIG_MODEL] = { "model", T_STRING, "qwen-plus", 1 },
	[CONFIG_SYSTEM] = { "system", T_STRING, NULL, 1 },
	[CONFIG_API_KEY_ENV] = { "api_key_env", T_STRING, "DASHSCOPE_API_KEY", 1 },
	[CONFIG_API_KEY_CMD] = { "api_key_cmd", T_STRING, NULL, 0 },
	[CONFIG_API_KEY] = { "api_key", T_STRING, NULL, 0 },
	[CONFIG_NO_KEY] = { "no_key", T_BOOL, "no", 1 },
	[CONFIG_ALLOW_INSECURE_KEY] = { "allow_insecure_key", T_BOOL, "no", 0 },
	[CONFIG_CA_FILE] = { "ca_file", T_STRING, NULL, 1 },
	[CONFIG_PROXY] = { "proxy", T_PROXY, NULL, 1 },
	[CONFIG_TEMPERATURE] = { "temperature", T_NUMBER, NULL, 1 },
	[CONFIG_MAX_TOKENS] = { "max_tokens", T_COUNT, NULL, 1 },
	[CONFIG_ENABLE_THINKING] = { "enable_thinking", T_BOOL, NULL, 1 },
	[CONFIG_TIMEOUT] = { "timeout", T_COUNT, "60", 1 },
	[CONFIG_CONNECT_TIMEOUT] = { "connect_timeout", T_COUNT, "10", 1 },
	[CONFIG_TERMS_FILE] = { "terms_file", T_STRING, NULL, 1 },
	[CONFIG_TERMS_URL] = { "terms_url", T_URL, NULL, 1 },
	[CONFIG_FEEDBACK_URL] = { "feedback_url", T_URL, NULL, 1 },
	[CONFIG_FEEDBACK_INCLUDE_EXCHANGE] = { "feedback_include_exchange", T_BOOL, "no", 1 },
	[CONFIG_DISCLAIMERS_FILE] = { "disclaimers_file", T_STRING, NULL, 1 },
	[CONFIG_CONTEXT_TOKENS] = { "context_tokens", T_COUNT, NULL, 1 },
	[CONFIG_INCLUDE_USAGE] = { "include_usage", T_BOOL, "yes", 1 },
	[CONFIG_MAX_ANSWER_BYTES] = { "max_answer_bytes", T_BYTES, "33554432", 1 },
	[CONFIG_MAX_TIME] = { "max_time", T_SECONDS, "600", 1 },
	[CONFIG_TERMS] = { "terms", T_TERMS, NULL, 1 },
	[CONFIG_MOUSE] = { "mouse", T_BOOL, "no", 1 },
};

/* One "key = value" line of the config file. */
struct config_line {
	char *section;	/* "" for top level, else the profile name */
	char *key;
	char *value;
	int lineno;
};

struct config_file {
	const char *path;
	struct config_line *lines;
	size_t n;
	char *error;		/* first error found by the handler */
	char **profiles;	/* every [profile NAME] seen */
	size_t nprofiles;
};

const char *
config_key_name(enum config_key key)
{
	return config_table[key].name;
}

void
config_override(struct config *cfg, enum config_key key, const char *value, const char *origin)
{
	free(cfg->value[key]);
	free(cfg->origin[key]);
	cfg->value[key] = value != NULL ? xstrdup(value) : NULL;
	cfg->origin[key] = xstrdup(origin);
}

const char *
config_get(const struct config *cfg, enum config_key key)
{
	return cfg->value[key];
}

static int
config_lookup_key(const char *name)
{
	int i;

	for (i = 0; i < CONFIG_NKEYS; i++)
		if (strcmp(config_table[i].name, name) == 0)
			return i;
	return -1;
}

/* Set a value, replacing any earlier layer's. */
static void
config_set(struct config *cfg, enum config_key key, const char *value, char *origin)
{
	free(cfg->value[key]);
	free(cfg->origin[key]);
	cfg->value[key] = xstrdup(value);
	cfg->origin[key] = origin;
}

/* A proxy: "none", or [SCHEME://]HOST[:PORT] with a scheme libcurl knows. */
static char *
config_check_proxy(const char *value)
{
	static const char *const schemes[] = {
		"http://", "https://", "socks4://", "socks4a://", "socks5://", "socks5h://",
	};
	size_t i;

	if (strcmp(value, "none") == 0)
		return NULL;
	if (*value == '\0' || strpbrk(value, " \t") != NULL)
		return xasprintf("'%s' is not a proxy URL (or none)", value);
	if (strstr(value, "://") == NULL)
		return NULL;
	for (i = 0; i < nitems(schemes); i++)
		if (strncasecmp(value, schemes[i], strlen(schemes[i])) == 0)
			return NULL;
	return xasprintf("'%s' is not an http, https or socks proxy URL (or none)", value);
}

/* Is value acceptable for key? Returns NULL or an allocated reason. */
static char *
config_check_value(enum config_key key, const char *value)
{
	char *end;
	double d;
	long l;

	switch (config_table[key].type) {
	case T_STRING:
		return NULL;
	case T_URL:
		if (strncmp(value, "http://", 7) != 0 && strncmp(value, "https://", 8) != 0)
			return xasprintf("'%s' is not an http:// or https:// URL", value);
		return NULL;
	case T_NUMBER:
		errno = 0;
		d = strtod(value, &end);
		if (errno != 0 || end == value || *end != '\0' || d < 0 || d > 2)
			return xasprintf("'%s' is not a number from 0 to 2", value);
		return NULL;
	case T_COUNT:
		errno = 0;
		l = strtol(value, &end, 10);
		if (errno != 0 || end == value || *end != '\0' || l <= 0 || l > 1000000)
			return xasprintf("'%s' is not a positive whole number", value);
		return NULL;
	case T_BYTES:	/* up to the 256 MiB an answer can hold */
		errno = 0;
		l = strtol(value, &end, 10);
		if (errno != 0 || end == value || *end != '\0' || l < 1024 || l > (256L << 20))
			return xasprintf("'%s' is not a number of bytes from 1024 to 268435456",
			    value);
		return NULL;
	case T_SECONDS:	/* 0: no limit */
		errno = 0;
		l = strtol(value, &end, 10);
		if (errno != 0 || end == value || *end != '\0' || l < 0 || l > 1000000)
			return xasprintf("'%s' is not a number of seconds (0 for no limit)", value);
		return NULL;
	case T_BOOL:
		if (strcmp(value, "yes") == 0 || strcmp(value, "no") == 0 ||
		    strcmp(value, "true") == 0 || strcmp(value, "false") == 0 ||
		    strcmp(value, "1") == 0 || strcmp(value, "0") == 0)
			return NULL;
		return xasprintf("'%s' is not yes or no", value);
	case T_PROXY:
		return config_check_proxy(value);
	case T_TERMS:
		if (strcmp(value, "none") == 0)
			return NULL;
		return xasprintf("'%s' is not a Terms setting: the only value is none (no "
		    "provider's Terms apply); name other Terms with terms_file or terms_url",
		    value);
	}
	return NULL;
}

/* inih handler: collect lines; the first problem stops the parse. */
static int
config_ini_handler(void *user, const char *section, const char *name, const char *value)
{
	struct config_file *f = user;
	struct config_line *l;
	const char *profile = "";
	int key;

	if (f->error != NULL)
		return 0;
	if (*section != '\0') {
		if (strncmp(section, "profile ", 8) != 0 || section[8] == '\0') {
			f->error = xasprintf("unknown section [%s] (expected [profile NAME])", section);
			return 0;
		}
		profile = section + 8;
	}
	key = config_lookup_key(name);
	if (key < 0 && !(*profile == '\0' && strcmp(name, "profile") == 0)) {
		f->error = xasprintf("unknown setting '%s'", name);
		return 0;
	}
	f->lines = xreallocarray(f->lines, f->n + 1, sizeof *f->lines);
	l = &f->lines[f->n++];
	l->section = xstrdup(profile);
	l->key = xstrdup(name);
	l->value = xstrdup(value);
	l->lineno = 0;
	return 1;
}

/*
 * A second pass over the file, for what inih does not tell the handler: the
 * line of each setting (for messages), and every section header, so that an
 * empty [profile NAME] exists and an unknown section is caught on its own
 * line. Returns the line of the first bad section header, or 0.
 */
static int
config_scan_lines(struct config_file *f, FILE *fp, char **error)
{
	char line[4096];
	size_t next = 0;
	int lineno = 0, bad = 0;

	rewind(fp);
	while (fgets(line, sizeof line, fp) != NULL) {
		const char *s = line, *end;

		lineno++;
		while (isspace((unsigned char)*s))
			s++;
		if (*s == '[' && (end = strchr(s, ']')) != NULL) {
			char *name = xstrndup(s + 1, (size_t)(end - s - 1));

			if (strncmp(name, "profile ", 8) == 0 && name[8] != '\0') {
				f->profiles = xreallocarray(f->profiles, f->nprofiles + 1,
				    sizeof *f->profiles);
				f->profiles[f->nprofiles++] = xstrdup(name + 8);
			} else if (bad == 0) {
				bad = lineno;
				*error = xasprintf("unknown section [%s] (expected [profile NAME])",
				    name);
			}
			free(name);
			continue;
		}
		if (next < f->n) {
			size_t klen = strlen(f->lines[next].key);

			if (strncmp(s, f->lines[next].key, klen) == 0 &&
			    (isspace((unsigned char)s[klen]) || s[klen] == '=' || s[klen] == ':'))
				f->lines[next++].lineno = lineno;
		}
	}
	return bad;
}

static void
config_file_release(struct config_file *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->lines[i].section);
		free(f->lines[i].key);
		free(f->lines[i].value);
	}
	free(f->lines);
	free(f->error);
	for (i = 0; i < f->nprofiles; i++)
		free(f->profiles[i]);
	free(f->profiles);
}

/* Read and parse the config file; a missing file is an empty one. */
static int
config_file_read(struct config_file *f, const char *path, struct stat *st, char **cause)
{
	char *section_error = NULL;
	FILE *fp;
	int r, bad;

	memset(f, 0, sizeof *f);
	f->path = path;
	fp = fopen(path, "r");
	if (fp == NULL) {
		if (errno == ENOENT)
			return 0;
		*cause = xasprintf("cannot open config '%s': %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(fp), st) != 0 || !S_ISREG(st->st_mode)) {
		*cause = xasprintf("config '%s' is not a regular file", path);
		fclose(fp);
		return -1;
	}
	r = ini_parse_file(fp, config_ini_handler, f);
	bad = config_scan_lines(f, fp, &section_error);
	fclose(fp);
	if (bad != 0 && (r <= 0 || bad <= r)) {
		*cause = xasprintf("config '%s' line %d: %s", path, bad, section_error);
		free(section_error);
		return -1;
	}
	free(section_error);
	if (r != 0) {
		if (r > 0)
			*cause = xasprintf("config '%s' line %d: %s", path, r,
			    f->error != NULL ? f->error : "syntax error (expected 'key = value' or [profile NAME])");
		else
			*cause = xasprintf("cannot read config '%s'", path);
		return -1;
	}
	return 0;
}

/* $VAR if set and absolute, else $HOME/fallback. */
static char *
config_xdg(const char *var, const char *fallback)
{
	const char *v = getenv(var), *home = getenv("HOME");
	struct passwd *pw;

	if (v != NULL && v[0] == '/')
		return xstrdup(v);
	if (home == NULL || home[0] != '/') {
		pw = getpwuid(getuid());
		home = pw != NULL ? pw->pw_dir : "/";
	}
	return xasprintf("%s/%s", home, fallback);
}

static void
config_paths(struct config *cfg, const struct config_flags *flags)
{
	char *conf = config_xdg("XDG_CONFIG_HOME", ".config");
	char *data = config_xdg("XDG_DATA_HOME", ".local/share");
	char *state = config_xdg("XDG_STATE_HOME", ".local/state");
	const char *datadir = getenv("CONFAB_DATADIR");

	if (flags->config_path != NULL)
		cfg->config_path = xstrdup(flags->config_path);
	else if (getenv("CONFAB_CONFIG") != NULL && *getenv("CONFAB_CONFIG") != '\0')
		cfg->config_path = xstrdup(getenv("CONFAB_CONFIG"));
	else
		cfg->config_path = xasprintf("%s/confab/config", conf);
	cfg->data_dir = xasprintf("%s/confab", data);
	cfg->state_dir = xasprintf("%s/confab", state);
	cfg->db_path = xasprintf("%s/confab.db", cfg->data_dir);
	cfg->pkgdatadir = xstrdup(datadir != NULL && *datadir != '\0' ? datadir : PKGDATADIR);
	free(conf);
	free(data);
	free(state);
}

/* Apply the file lines of one section ("" = top level). */
static void
config_apply_section(struct config *cfg, const struct config_file *f, const char *section)
{
	size_t i;
	int key;

	for (i = 0; i < f->n; i++) {
		if (strcmp(f->lines[i].section, section) != 0)
			continue;
		if ((key = config_lookup_key(f->lines[i].key)) < 0)
			continue;
		config_set(cfg, key, f->lines[i].value,
		    xasprintf("%s:%d", f->path, f->lines[i].lineno));
	}
}

/* Which profile: flag, CONFAB_PROFILE, top-level "profile". */
static const char *
config_pick_profile(const struct config_flags *flags, const struct config_file *f,
    const char **origin)
{
	const char *env = getenv("CONFAB_PROFILE");
	size_t i;

	if (flags->profile != NULL) {
		*origin = "--profile";
		return flags->profile;
	}
	if (env != NULL && *env != '\0') {
		*origin = "CONFAB_PROFILE";
		return env;
	}
	for (i = f->n; i-- > 0;)
		if (f->lines[i].section[0] == '\0' && strcmp(f->lines[i].key, "profile") == 0) {
			*origin = f->path;
			return f->lines[i].value;
		}
	return NULL;
}

static int
config_has_profile(const struct config_file *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->nprofiles; i++)
		if (strcmp(f->profiles[i], name) == 0)
			return 1;
	return 0;
}

/* Refuse a file that holds a key when others can read it. */
static int
config_check_key_file(const struct config_file *f, const struct stat *st, char **cause)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		if (strcmp(f->lines[i].key, "api_key") != 0)
			continue;
		if ((st->st_mode & 077) != 0) {
			*cause = xasprintf("config '%s' holds an API key (line %d) but others can "
			    "read it; run 'chmod 600 %s', or use api_key_env or api_key_cmd",
			    f->path, f->lines[i].lineno, f->path);
			return -1;
		}
	}
	return 0;
}

/* Check every value once all layers are in. */
static int
config_validate(struct config *cfg, char **cause)
{
	char *why;
	int i;

	for (i = 0; i < CONFIG_NKEYS; i++) {
		if (cfg->value[i] == NULL)
			continue;
		if ((why = config_check_value(i, cfg->value[i])) != NULL) {
			*cause = xasprintf("invalid %s from %s: %s", config_table[i].name,
			    cfg->origin[i], why);
			free(why);
			return -1;
		}
	}
	return 0;
}

/* Without ca_file, the CA bundle the curl tool would use: CURL_CA_BUNDLE, SSL_CERT_FILE. */
static void
config_ca_from_env(struct config *cfg)
{
	static const char *const vars[] = { "CURL_CA_BUNDLE", "SSL_CERT_FILE" };
	const char *v;
	size_t i;

	if (cfg->value[CONFIG_CA_FILE] != NULL)
		return;
	for (i = 0; i < nitems(vars); i++)
		if ((v = getenv(vars[i])) != NULL && *v != '\0') {
			config_set(cfg, CONFIG_CA_FILE, v, xstrdup(vars[i]));
			return;
		}
}

int
config_load(struct config *cfg, const struct config_flags *flags, char **cause)
{
	struct config_file f;
	struct stat st;
	const char *profile, *porigin = NULL;
	char envname[64];
	int i, r = -1;

	memset(cfg, 0, sizeof *cfg);
	config_paths(cfg, flags);
	for (i = 0; i < CONFIG_NKEYS; i++)
		if (config_table[i].def != NULL)
			config_set(cfg, i, config_table[i].def, xstrdup("default"));

	if (config_file_read(&f, cfg->config_path, &st, cause) != 0)
		goto out;
	if (config_check_key_file(&f, &st, cause) != 0)
		goto out;
	config_apply_section(cfg, &f, "");
	profile = config_pick_profile(flags, &f, &porigin);
	if (profile != NULL) {
		if (!config_has_profile(&f, profile)) {
			*cause = xasprintf("unknown profile '%s' (from %s); config '%s' has no "
			    "[profile %s] section", profile, porigin, cfg->config_path, profile);
			goto out;
		}
		cfg->profile = xstrdup(profile);
		config_apply_section(cfg, &f, profile);
	}
	for (i = 0; i < CONFIG_NKEYS; i++) {
		const char *v;
		size_t j;

		if (!config_table[i].from_env)
			continue;
		snprintf(envname, sizeof envname, "CONFAB_%s", config_table[i].name);
		for (j = 7; envname[j] != '\0'; j++)
			envname[j] = (char)toupper((unsigned char)envname[j]);
		if ((v = getenv(envname)) != NULL && *v != '\0')
			config_set(cfg, i, v, xstrdup(envname));
	}
	for (i = 0; i < CONFIG_NKEYS; i++)
		if (flags->value[i] != NULL) {
			char *flag = xasprintf("--%s", config_table[i].name);
			char *p;

			for (p = flag; *p != '\0'; p++)
				if (*p == '_')
					*p = '-';
			config_set(cfg, i, flags->value[i], flag);
		}
	config_ca_from_env(cfg);
	r = config_validate(cfg, cause);
out:
	config_file_release(&f);
	return r;
}

void
config_release(struct config *cfg)
{
	int i;

	for (i = 0; i < CONFIG_NKEYS; i++) {
		free(cfg->value[i]);
		free(cfg->origin[i]);
	}
	free(cfg->profile);
	free(cfg->config_path);
	free(cfg->data_dir);
	free(cfg->state_dir);
	free(cfg->db_path);
	free(cfg->pkgdatadir);
	memset(cfg, 0, sizeof *cfg);
}

char *
config_url_public(const char *url)
{
	const char *s = strstr(url, "://"), *auth = s != NULL ? s + 3 : url, *at = NULL, *p;
	size_t n = strcspn(auth, "/?#");

	for (p = auth; p < auth + n; p++)
		if (*p == '@')
			at = p;
	return xasprintf("%.*s%s", (int)(auth - url), url, at != NULL ? at + 1 : auth);
}

bool
config_url_place(const char *url, char *buf, size_t len)
{
	const char *h = strstr(url, "://"), *at;
	size_t n;

	if (h == NULL)
		return false;
	h += 3;
	n = strcspn(h, "/?#");
	while ((at = memchr(h, '@', n)) != NULL) {	/* never show user info */
		n -= (size_t)(at + 1 - h);
		h = at + 1;
	}
	if (n == 0 || n >= len)
		return false;
	memcpy(buf, h, n);
	buf[n] = '\0';
	return true;
}

bool
config_url_host(const char *url, char *buf, size_t len)
{
	const char *h = strstr(url, "://"), *at, *end;
	size_t n, i;

	if (strstr(url, "://") == NULL)
		return false;
	h += 3;
	n = strcspn(h, "/?#");
	while ((at = memchr(h, '@', n)) != NULL) {
		n -= (size_t)(at + 1 - h);
		h = at + 1;
	}
	if (*h == '[')
		end = (end = memchr(h, ']', n)) != NULL ? end + 1 : h + n;
	else
		end = (end = memchr(h, ':', n)) != NULL ? end : h + n;
	n = (size_t)(end - h);
	if (n == 0 || n >= len)
		return false;
	for (i = 0; i < n; i++)
		buf[i] = (char)tolower((unsigned char)h[i]);
	buf[n] = '\0';
	return true;
}

bool
config_is_loopback(const char *url)
{
	char host[256];
	size_t i;

	if (!config_url_host(url, host, sizeof host))
		return false;
	if (strcmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0)
		return true;
	if (strncmp(host, "127.", 4) != 0)
		return false;
	for (i = 4; host[i] != '\0'; i++)
		if (!isdigit((unsigned char)host[i]) && host[i] != '.')
			return false;
	return true;
}

/*
 * Is this one of DashScope's API hosts (dashscope.aliyuncs.com and the
 * regional dashscope-intl, dashscope-us, ...)? Only these, not every
 * *.aliyuncs.com name: storage buckets live under that domain too.
 */
bool
config_is_dashscope(const char *url)
{
	static const char suffix[] = ".aliyuncs.com";
	char host[256];
	size_t n;

	if (!config_url_host(url, host, sizeof host))
		return false;
	n = strlen(host);
	if (n <= sizeof suffix - 1 || strcmp(host + n - (sizeof suffix - 1), suffix) != 0)
		return false;
	host[n - (sizeof suffix - 1)] = '\0';
	return strcmp(host, "dashscope") == 0 ||
	    (strncmp(host, "dashscope-", 10) == 0 && host[10] != '\0' &&
	    strchr(host, '.') == NULL);
}

bool
config_is_yes(const struct config *cfg, enum config_key key)
{
	const char *v = cfg->value[key];

	return v != NULL && (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 ||
	    strcmp(v, "1") == 0);
}

/* Split a command line into words: blanks separate, '...' and "..." quote. */
static char **
config_split_words(const char *s, char **cause)
{
	char **argv = NULL;
	size_t argc = 0;
	struct buf w;

	buf_init(&w, 0);
	for (;;) {
		char quote = 0;
		int have = 0;

		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			break;
		while (*s != '\0' && (quote != 0 || (*s != ' ' && *s != '\t'))) {
			if (quote == 0 && (*s == '\'' || *s == '"'))
				quote = *s;
			else if (quote != 0 && *s == quote)
				quote = 0;
			else if (*s == '\\' && quote != '\'' && s[1] != '\0')
				buf_addc(&w, *++s);
			else
				buf_addc(&w, *s);
			s++;
			have = 1;
		}
		if (quote != 0) {
			*cause = xstrdup("api_key_cmd has an unterminated quote");
			goto fail;
		}
		argv = xreallocarray(argv, argc + 2, sizeof *argv);
		argv[argc++] = have ? buf_detach(&w, NULL) : xstrdup("");
		argv[argc] = NULL;
	}
	if (argc == 0) {
		*cause = xstrdup("api_key_cmd is empty");
		goto fail;
	}
	buf_release(&w);
	return argv;
fail:
	buf_release(&w);
	while (argc > 0)
		free(argv[--argc]);
	free(argv);
	return NULL;
}

/* Run api_key_cmd without a shell; its first line of output is the key. */
static char *
config_run_key_cmd(const char *cmd, char **cause)
{
	char **argv = config_split_words(cmd, cause), **a, chunk[512];
	posix_spawn_file_actions_t fa;
	struct buf out;
	int fds[2], status, err;
	ssize_t n;
	pid_t pid;

	if (argv == NULL)
		return NULL;
	buf_init(&out, KEY_MAX_BYTES);
	if (pipe(fds) != 0)
		fatal("pipe: %s", strerror(errno));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	posix_spawn_file_actions_addclose(&fa, fds[1]);
	err = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (err != 0) {
		*cause = xasprintf("cannot run api_key_cmd '%s': %s", argv[0], strerror(err));
		close(fds[0]);
		goto out;
	}
	while ((n = read(fds[0], chunk, sizeof chunk)) > 0 || (n < 0 && errno == EINTR))
		if (n > 0 && buf_add(&out, chunk, (size_t)n) != 0)
			break;
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		*cause = xasprintf("api_key_cmd '%s' failed (exit status %d)", argv[0],
		    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
out:
	for (a = argv; *a != NULL; a++)
		free(*a);
	free(argv);
	if (*cause != NULL) {
		buf_release(&out);
		return NULL;
	}
	out.len = strcspn(out.data, "\r\n");
	out.data[out.len] = '\0';
	return buf_detach(&out, NULL);
}

/* Where a setting for this endpoint goes, for messages: "in [profile x] of 'FILE'". */
static char *
config_where(const struct config *cfg)
{
	if (cfg->profile != NULL)
		return xasprintf("in [profile %s] of '%s'", cfg->profile, cfg->config_path);
	return xasprintf("in '%s' (or a profile there)", cfg->config_path);
}

/* Was the setting given by the user (a flag, CONFAB_*, the file), not a default? */
static bool
config_is_set(const struct config *cfg, enum config_key key)
{
	return cfg->value[key] != NULL && strcmp(cfg->origin[key], "default") != 0;
}

/* Where the key will come from, without running api_key_cmd; NULL when nowhere. */
static char *
config_key_source(const struct config *cfg)
{
	const char *envname = cfg->value[CONFIG_API_KEY_ENV], *v;

	if (cfg->value[CONFIG_API_KEY_CMD] != NULL)
		return cfg->profile != NULL ?
		    xasprintf("api_key_cmd of profile '%s'", cfg->profile) :
		    xasprintf("api_key_cmd in %s", cfg->origin[CONFIG_API_KEY_CMD]);
	if (cfg->value[CONFIG_API_KEY] != NULL)
		return cfg->profile != NULL ?
		    xasprintf("api_key of profile '%s'", cfg->profile) :
		    xasprintf("api_key in %s", cfg->origin[CONFIG_API_KEY]);
	if ((v = getenv(envname)) != NULL && *v != '\0')
		return xstrdup(envname);
	return NULL;
}

/*
 * The rules that do not need the key itself, so that api_key_cmd runs only
 * for a key that will be sent. Returns 1: fetch the key from source and send
 * it; 0: send none (k->unsent says why when a key was withheld); -1 with
 * *cause: refuse.
 */
static int
config_key_allowed(const struct config *cfg, const char *source, struct config_auth *k,
    char **cause)
{
	const char *url = cfg->value[CONFIG_BASE_URL], *envname = cfg->value[CONFIG_API_KEY_ENV];
	bool loopback = config_is_loopback(url);
	char *where = config_where(cfg);
	int r = -1;

	if (source == NULL) {
		if (loopback)
			r = 0;
		else if (config_is_dashscope(url))
			*cause = xasprintf("no API key for %s: set %s (export %s=...), or "
			    "choose a profile with api_key_cmd in '%s' (see 'man confab'), or use "
			    "--base-url for a local server such as http://localhost:11434/v1", url,
			    envname, envname, cfg->config_path);
		else if (config_is_set(cfg, CONFIG_API_KEY_ENV))
			*cause = xasprintf("no API key for %s: %s (named by api_key_env, from "
			    "%s) is not set; export %s=..., or set api_key_cmd %s; if this server "
			    "needs no key, set no_key = yes there", url, envname,
			    cfg->origin[CONFIG_API_KEY_ENV], envname, where);
		else
			*cause = xasprintf("no API key for %s: set api_key_env (the variable that "
			    "holds its key) or api_key_cmd %s (see 'man confab'); if this server "
			    "needs no key, set no_key = yes there", url, where);
		goto out;
	}
	if (cfg->value[CONFIG_API_KEY_CMD] == NULL && cfg->value[CONFIG_API_KEY] == NULL &&
	    !config_is_set(cfg, CONFIG_API_KEY_ENV) && !config_is_dashscope(url)) {
		if (loopback) {
			k->unsent = xasprintf("%s goes only to DashScope hosts; to send it here, "
			    "set api_key_env = %s %s", envname, envname, where);
			r = 0;
		} else
			*cause = xasprintf("not sending %s to %s: that key goes only to DashScope "
			    "hosts (dashscope*.aliyuncs.com); to send it there anyway, set "
			    "api_key_env = %s %s, or name this server's own key with api_key_env "
			    "or api_key_cmd; if this server needs no key, set no_key = yes",
			    envname, url, envname, where);
		goto out;
	}
	if (!loopback && strncasecmp(url, "http://", 7) == 0 &&
	    !config_is_yes(cfg, CONFIG_ALLOW_INSECURE_KEY)) {
		*cause = xasprintf("not sending the API key from %s to %s over plain http:// "
		    "(anyone on the way could read it): use https://, or set allow_insecure_key "
		    "= yes %s; if this server needs no key, set no_key = yes", source, url, where);
		goto out;
	}
	r = 1;
out:
	free(where);
	return r;
}

int
config_api_key(const struct config *cfg, struct config_auth *k, char **cause)
{
	char *source = NULL;
	int r;

	memset(k, 0, sizeof *k);
	*cause = NULL;
	if (config_is_yes(cfg, CONFIG_NO_KEY)) {
		k->unsent = xasprintf("no_key = yes, from %s", cfg->origin[CONFIG_NO_KEY]);
		return 0;
	}
	source = config_key_source(cfg);
	if ((r = config_key_allowed(cfg, source, k, cause)) <= 0) {
		free(source);
		return r;
	}
	if (cfg->value[CONFIG_API_KEY_CMD] != NULL) {
		if ((k->key = config_run_key_cmd(cfg->value[CONFIG_API_KEY_CMD], cause)) == NULL) {
			free(source);
			return -1;
		}
	} else if (cfg->value[CONFIG_API_KEY] != NULL)
		k->key = xstrdup(cfg->value[CONFIG_API_KEY]);
	else
		k->key = xstrdup(getenv(cfg->value[CONFIG_API_KEY_ENV]));
	k->origin = source;
	if (*k->key == '\0') {
		*cause = xasprintf("the API key from %s is empty", k->origin);
		config_auth_release(k);
		return -1;
	}
	return 0;
}

void
config_auth_release(struct config_auth *k)
{
	if (k->key != NULL) {
		explicit_bzero(k->key, strlen(k->key));
		free(k->key);
	}
	free(k->origin);
	free(k->unsent);
	memset(k, 0, sizeof *k);
}

int
config_mkdir(const char *dir, char **cause)
{
	char *p = xstrdup(dir), *s;
	struct stat st;

	for (s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;

		*s = '\0';
		if (mkdir(p, 0700) != 0 && errno != EEXIST) {
			*cause = xasprintf("cannot create directory '%s': %s", p, strerror(errno));
			free(p);
			return -1;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	free(p);
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		*cause = xasprintf("'%s' is not a directory", dir);
		return -1;
	}
	return 0;
}

char *
config_url(const char *base, const char *path)
{
	size_t n = strlen(base);

	return xasprintf("%s%s%s", base, n > 0 && base[n - 1] == '/' ? "" : "/", path);
}

int
config_bool(const struct config *cfg, enum config_key key)
{
	const char *v = config_get(cfg, key);

	if (v == NULL)
		return -1;
	return strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 || strcmp(v, "1") == 0;
}
