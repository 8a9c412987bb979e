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

#include "caps.h"

#include <stdbool.h>
#include <stddef.h>

enum config_key {
	CONFIG_BASE_URL,
	CONFIG_MODEL,
	CONFIG_SYSTEM,
	CONFIG_API_KEY_ENV,
	CONFIG_API_KEY_CMD,
	CONFIG_API_KEY_CMD_TIMEOUT, /* seconds api_key_cmd may take before it is killed */
	CONFIG_API_KEY,
	CONFIG_NO_KEY,		   /* yes: the server needs no key; none is sent */
	CONFIG_ALLOW_INSECURE_KEY, /* yes: a key may go over http:// off this machine */
	CONFIG_CA_FILE,		   /* PEM CA certificates (else CURL_CA_BUNDLE, SSL_CERT_FILE) */
	CONFIG_PROXY,		   /* the proxy for every request ("none"); unset: environment */
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
	CONFIG_CONTEXT_TOKENS,	 /* the model's context window; unset: a default per model */
	CONFIG_INCLUDE_USAGE,	 /* ask for the usage chunk (stream_options) */
	CONFIG_MAX_ANSWER_BYTES, /* an answer (and its reasoning) ends here, incomplete */
	CONFIG_MAX_TIME,	 /* one-shot mode: seconds a whole exchange may take; 0: no limit */
	CONFIG_TERMS,		 /* "none": no provider's Terms govern the endpoint */
	CONFIG_ROLE,		 /* a role in $XDG_CONFIG_HOME/confab/roles (role.c) */
	CONFIG_MOUSE,		 /* yes: the full-screen UI takes the mouse (wheel scrolling) */
	CONFIG_NKEYS
};

struct config {
	char *value[CONFIG_NKEYS];  /* NULL when unset and without default */
	char *origin[CONFIG_NKEYS]; /* "default", "--model", "CONFAB_MODEL", "FILE:LINE" */
	char *profile;		    /* the selected profile, or NULL */
	char *config_path;	    /* the config file (it may not exist) */
	char *data_dir;		    /* $XDG_DATA_HOME/confab */
	char *state_dir;	    /* $XDG_STATE_HOME/confab */
	char *db_path;		    /* data_dir/confab.db */
	char *pkgdatadir;	    /* bundled assets: CONFAB_DATADIR or PKGDATADIR */
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

/*
 * The same with text as the config file's contents (the unit tests and the
 * fuzzer): the file is taken to be a regular file only its owner can read.
 */
int config_load_text(struct config *cfg, const struct config_flags *flags, const char *text,
    size_t len, char **cause);
void config_release(struct config *cfg);

/* Change a setting while running (/model, /system); origin is a label such as "/model". */
void config_override(struct config *cfg, enum config_key key, const char *value,
    const char *origin);

/* Why value is no good for key (allocated), or NULL when it is. */
char *config_check(enum config_key key, const char *value);

/* The setting (borrowed), or NULL. */
const char *config_get(const struct config *cfg, enum config_key key);

/* A yes/no setting: 1 yes (or true, 1), 0 no, -1 unset. */
int config_bool(const struct config *cfg, enum config_key key);

/* The setting's name in the config file ("base_url"). */
const char *config_key_name(enum config_key key);

/* base_url joined with a path below it ("chat/completions"), one '/' between (allocated). */
char *config_url(const char *base, const char *path);

/*
 * The host of an http(s) URL, lower-cased, into buf: no user info, no port,
 * an IPv6 address in its brackets ("[::1]"). False when there is none.
 */
bool config_url_host(const char *url, char *buf, size_t len);

/* The port written in url's authority (0-65535), or -1 when there is none or it is not one. */
long config_url_port(const char *url);

/* The URL without the user name and password it may hold, to show or store (allocated). */
char *config_url_public(const char *url);

/* Host and port of a URL as given, for people ("127.0.0.1:11434"): no user info. */
bool config_url_place(const char *url, char *buf, size_t len);

/*
 * Is this one of DashScope's API hosts (dashscope.aliyuncs.com and the
 * regional dashscope-intl, dashscope-us, ...)?
 */
bool config_is_dashscope(const char *url);

/* Does the base URL point at this machine (localhost, 127.0.0.0/8, ::1)? */
bool config_is_loopback(const char *url);

/* Is the setting (a T_BOOL) yes, true or 1? */
bool config_is_yes(const struct config *cfg, enum config_key key);

/* The API key for the endpoint, as config_api_key() decided it. */
struct config_auth {
	char *key;    /* the key (a secret), or NULL: none is sent */
	char *origin; /* with a key: where it came from, never the key itself
			   ("DASHSCOPE_API_KEY", "api_key_cmd of profile 'work'") */
	char *unsent; /* without a key: why none is sent ("no_key = yes ..."), or
			   NULL when none is configured for a loopback endpoint */
};

/*
 * Decide which key goes to base_url; the one place the rules live:
 * - no_key = yes: none;
 * - else api_key_cmd, api_key, then the variable api_key_env names;
 * - the default variable (DASHSCOPE_API_KEY, when nobody set api_key_env)
 *   goes only to DashScope hosts: elsewhere on loopback it is withheld,
 *   elsewhere off loopback the request is refused;
 * - no key goes over plain http:// to a host that is not loopback unless
 *   allow_insecure_key = yes;
 * - without a key, only a loopback endpoint may be used.
 * Returns 0 with k filled in (release it with config_auth_release()), or -1
 * with *cause (allocated) saying why and naming the setting that fixes it.
 * api_key_cmd runs only when its key would be sent.
 */
int config_api_key(const struct config *cfg, struct config_auth *k, char **cause);
void config_auth_release(struct config_auth *k);

/* Create dir (and parents) with mode 0700; -1 with *cause on failure. */
int config_mkdir(const char *dir, char **cause);

/*
 * Append a [profile NAME] setting base_url and model to the config file at
 * path (created when missing), atomically (config-write.c). NAME is stem,
 * else stem-2, stem-3... when a section of that name exists; it is returned
 * in *name (allocated). 0, or -1 with *cause and the file unchanged.
 */
/* Does a [profile] section of the config file at path set base_url to url? */
bool config_profile_with_url(const char *path, const char *url);

int config_profile_save(const char *path, const char *stem, const char *base_url, const char *model,
    char **name, char **cause);

#endif
