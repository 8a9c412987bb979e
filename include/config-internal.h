/*
 * config-internal.h: what config.c and config-parse.c share: the config file
 * as the INI reader leaves it (its settings by section, its profiles).
 */
#ifndef CONFAB_CONFIG_INTERNAL_H
#define CONFAB_CONFIG_INTERNAL_H

#include <sys/stat.h>

/* One "key = value" line of the config file. */
struct config_line {
	char *section; /* "" for top level, else the profile name */
	char *key;
	char *value;
	int lineno;
};

struct config_file {
	const char *path;
	struct config_line *lines;
	size_t n;
	char **profiles;    /* every [profile NAME] seen */
	int *profile_lines; /* the line of each */
	size_t nprofiles;
};

/* The setting named name (enum config_key), or -1 (config.c). */
int config_lookup_key(const char *name);

/* Parse text into f (f->path names it in errors); 0, or -1 with *cause. */
int config_parse_text(struct config_file *f, const char *text, size_t len, char **cause);

/* Read and parse the config file at path; a missing file is an empty one. */
int config_file_read(struct config_file *f, const char *path, struct stat *st, char **cause);
void config_file_release(struct config_file *f);

#endif
