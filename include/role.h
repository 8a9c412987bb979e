/*
 * role.h: roles, system prompts kept in files.
 *
 * A role is $XDG_CONFIG_HOME/confab/roles/NAME.md: the system prompt, after
 * an optional header between two "---" lines that may set model, temperature
 * and max_tokens ("key: value" or "key = value"; '#' starts a comment line).
 * --role NAME (or "role = NAME" in a profile, or CONFAB_ROLE) applies one:
 * its settings and its prompt replace those of the config file and the
 * environment; a flag (--model, --system, ...) still wins.
 */
#ifndef CONFAB_ROLE_H
#define CONFAB_ROLE_H

#include "caps.h"

#include "config.h"

struct role {
	char *name;
	char *path;
	char *prompt;		   /* the system prompt; "" when the file has none */
	char *value[CONFIG_NKEYS]; /* what the header sets (model, temperature, max_tokens) */
	int line[CONFIG_NKEYS];	   /* the header line of each */
};

/* The roles directory (allocated): $XDG_CONFIG_HOME/confab/roles. */
char *role_dir(void);

/* The names of dir's NAME.md files, sorted (allocated); -1 when dir cannot be read. */
int role_names(const char *dir, char ***names, size_t *n);

/* Is name a role's name: letters, digits, '.', '_', '-', not starting with '.'? */
bool role_name_ok(const char *name);

/* Parse a role's text; 0, or -1 with *cause naming path and line. */
int role_parse(struct role *r, const char *path, const char *text, size_t len, char **cause);

/* Read role name from dir; 0, or -1 with *cause saying what is wrong and what to do. */
int role_load(struct role *r, const char *dir, const char *name, char **cause);

void role_release(struct role *r);

/*
 * Apply a loaded role to cfg: what no flag set, or everything with force
 * (/role in a chat).
 */
void role_apply(const struct role *r, struct config *cfg, bool force);

/* What a role sets, for people: "model M, temperature T, system prompt" (allocated). */
char *role_summary(const struct role *r);

/* The role's settings for people: "model M, temperature T", "" for none (allocated). */
char *role_settings(const struct role *r);

#endif
