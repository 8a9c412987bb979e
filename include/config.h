/*
 * config.h: settings from flags, CONFAB_* environment, the INI config file
 * and built-in defaults (in that order of precedence); XDG paths; API key
 * resolution.
 *
 * The config file is $XDG_CONFIG_HOME/confab/config (or --config FILE):
 * top-level "key = value" lines, then "[profile NAME]" sections whose keys
 * override the top-level ones when that profile is selected (--profile,
 * CONFAB_PROFILE or the top-level key "profile").
 */
#ifndef CONFAB_CONFIG_H
#define CONFAB_CONFIG_H

#include <stdbool.h>

enum config_key {
	CONFIG_BASE_URL,
	CONFIG_MODEL,
	CONFIG_SYSTEM,
	CONFIG_API_KEY_ENV,
	CONFIG_API_KEY_CMD,
	CONFIG_API_KEY,
	CONFIG_TEMPERATURE,
	CONFIG_MAX_TOKENS,
	CONFIG_ENABLE_THINKING,
	CONFIG_TIMEOUT,
	CONFIG_CONNECT_TIMEOUT,
	CONFIG_TERMS_FILE,
	CONFIG_TERMS_URL,
	CONFIG_FEEDBACK_URL,
	CONFIG_FEEDBACK_INCLUDE_EXCHANGE,
	CONFIG_DISCLAIMERS_FILE,
	CONFIG_CONTEXT_TOKENS,	/* the model's context window; unset: a default per model */
	CONFIG_INCLUDE_USAGE,	/* ask for the usage chunk (stream_options) */
	CONFIG_TERMS,		/* "none": no provider's Terms govern the endpoint */
	CONFIG_NKEYS
};

struct config {
	char *value[CONFIG_NKEYS];	/* NULL when unset and without default */
	char *origin[CONFIG_NKEYS];	/* "default", "--model", "CONFAB_MODEL", "FILE:LINE" */
	char *profile;			/* the selected profile, or NULL */
	char *config_path;		/* the config file (it may not exist) */
	char *data_dir;			/* $XDG_DATA_HOME/confab */
	char *state_dir;		/* $XDG_STATE_HOME/confab */
	char *db_path;			/* data_dir/confab.db */
	char *pkgdatadir;		/* bundled assets: CONFAB_DATADIR or PKGDATADIR */
};

/* Values given on the command line; NULL when not given. Borrowed. */
struct config_flags {
	const char *config_path;
	const char *profile;
	const char *value[CONFIG_NKEYS];
};

/*
 * Fill cfg from the layers. Returns 0, or -1 with *cause set (unknown
 * profile, syntax error naming file and line, a key in a file others can
 * read, an invalid value naming where it came from). cfg must be released
 * with config_release() either way.
 */
int config_load(struct config *cfg, const struct config_flags *flags, char **cause);
void config_release(struct config *cfg);

/* Change a setting while running (/model, /system); origin is a label such as "/model". */
void config_override(struct config *cfg, enum config_key key, const char *value,
    const char *origin);

/* The setting (borrowed), or NULL. */
const char *config_get(const struct config *cfg, enum config_key key);

/* A yes/no setting: 1 yes (or true, 1), 0 no, -1 unset. */
int config_bool(const struct config *cfg, enum config_key key);

/* The setting's name in the config file ("base_url"). */
const char *config_key_name(enum config_key key);

/* base_url joined with a path below it ("chat/completions"), one '/' between (allocated). */
char *config_url(const char *base, const char *path);

/* The host of a URL (borrowed, not NUL-terminated: *len bytes; "[::1]" with brackets). */
const char *config_url_host(const char *url, size_t *len);

/* Is the URL one of DashScope's hosts (dashscope*.aliyuncs.com)? */
bool config_is_dashscope(const char *url);

/* Does the base URL point at this machine (localhost, 127.0.0.0/8, ::1)? */
bool config_is_loopback(const char *url);

/*
 * Resolve the API key. Returns 0 with *key set (allocated) and *origin
 * describing where it came from without revealing it ("DASHSCOPE_API_KEY",
 * "api_key_cmd of profile 'work'"); 0 with *key NULL when the endpoint is
 * on loopback and no key is configured; -1 with *cause set otherwise.
 */
int config_api_key(const struct config *cfg, char **key, char **origin, char **cause);

/* Create dir (and parents) with mode 0700; -1 with *cause on failure. */
int config_mkdir(const char *dir, char **cause);

#endif
