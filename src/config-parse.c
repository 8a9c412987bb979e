/* config-parse.c: the INI reader: the config file's settings, [profile NAME] sections, errors. */
#include "common.h"

#include <ctype.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "config-internal.h"

#define CONFIG_LINE_MAX 65536 /* bytes in one line of the config file */
#define CONFIG_PROFILES_MAX 1000

/*
 * Is this setting already in the current section? Its line, or 0. A
 * section's lines are the last ones (a profile cannot come back), so only
 * they are looked at.
 */
static int
config_line_of(const struct config_file *f, const char *section, const char *key)
{
	size_t i;

	for (i = f->n; i-- > 0 && strcmp(f->lines[i].section, section) == 0;)
		if (strcmp(f->lines[i].key, key) == 0)
			return f->lines[i].lineno;
	return 0;
}

/* The line of [profile NAME], or 0. */
static int
config_profile_line(const struct config_file *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->nprofiles; i++)
		if (strcmp(f->profiles[i], name) == 0)
			return f->profile_lines[i];
	return 0;
}

/* Blanks around s[0..*len) are not part of it. */
static const char *
config_trim(const char *s, size_t *len)
{
	while (*len > 0 && isspace((unsigned char)*s)) {
		s++;
		(*len)--;
	}
	while (*len > 0 && isspace((unsigned char)s[*len - 1]))
		(*len)--;
	return s;
}

/* "[profile NAME]", then nothing but blanks or a comment. */
static char *
config_parse_section(struct config_file *f, const char *s, size_t len, int lineno, char **section)
{
	const char *end = memchr(s, ']', len), *rest, *name;
	size_t n, rlen;
	int other;

	if (end == NULL)
		return xstrdup(_("syntax error (a section header ends with ']')"));
	rlen = len - (size_t)(end + 1 - s);
	rest = config_trim(end + 1, &rlen);
	if (rlen > 0 && *rest != ';' && *rest != '#')
		return xstrdup(_("syntax error (text after the section header's ']')"));
	n = (size_t)(end - s - 1);
	name = config_trim(s + 1, &n);
	if (n < 8 || strncmp(name, "profile", 7) != 0 || !isspace((unsigned char)name[7]))
		return xasprintf(_("unknown section [%.*s] (expected [profile NAME])"),
		    (int)(end - s - 1), s + 1);
	n -= 7;
	name = config_trim(name + 7, &n);
	free(*section);
	*section = xstrndup(name, n);
	if ((other = config_profile_line(f, *section)) != 0)
		return xasprintf(_("[profile %s] is already on line %d (one section per profile)"),
		    *section, other);
	if (f->nprofiles == CONFIG_PROFILES_MAX)
		return xasprintf(_("more than %d profiles"), CONFIG_PROFILES_MAX);
	f->profiles = xreallocarray(f->profiles, f->nprofiles + 1, sizeof *f->profiles);
	f->profile_lines = xreallocarray(f->profile_lines, f->nprofiles + 1,
	    sizeof *f->profile_lines);
	f->profile_lines[f->nprofiles] = lineno;
	f->profiles[f->nprofiles++] = xstrdup(*section);
	return NULL;
}

/* "key = value" (or "key: value"); a ';' after a blank starts a comment. */
static char *
config_parse_setting(struct config_file *f, const char *s, size_t len, int lineno,
    const char *section)
{
	const char *sep = NULL, *key, *value;
	char *name, *why = NULL;
	size_t i, klen, vlen;
	int other;

	for (i = 1; i < len; i++)
		if (s[i] == ';' && (s[i - 1] == ' ' || s[i - 1] == '\t')) {
			len = i;
			break;
		}
	for (i = 0; i < len && sep == NULL; i++)
		if (s[i] == '=' || s[i] == ':')
			sep = s + i;
	if (sep == NULL || sep == s)
		return xstrdup(_("syntax error (expected 'key = value' or [profile NAME])"));
	klen = (size_t)(sep - s);
	key = config_trim(s, &klen);
	vlen = len - (size_t)(sep + 1 - s);
	value = config_trim(sep + 1, &vlen);
	name = xstrndup(key, klen);
	if (config_lookup_key(name) < 0 && !(*section == '\0' && strcmp(name, "profile") == 0))
		why = xasprintf(_("unknown setting '%s'"), name);
	else if ((other = config_line_of(f, section, name)) != 0 && *section == '\0')
		why = xasprintf(_("'%s' is already set on line %d (a setting is given once at the "
				  "top level)"),
		    name, other);
	else if (other != 0)
		why = xasprintf(_("'%s' is already set on line %d (a setting is given once in "
				  "[profile %s])"),
		    name, other, section);
	if (why != NULL) {
		free(name);
		return why;
	}
	f->lines = xreallocarray(f->lines, f->n + 1, sizeof *f->lines);
	f->lines[f->n] = (struct config_line){ .section = xstrdup(section),
		.key = name,
		.value = xstrndup(value, vlen),
		.lineno = lineno };
	f->n++;
	return NULL;
}

/* One line: blank, a comment (';' or '#' first), a section header or a setting. */
static char *
config_parse_line(struct config_file *f, const char *s, size_t len, int lineno, char **section)
{
	if (len > CONFIG_LINE_MAX)
		return xasprintf(_("the line is longer than %d bytes"), CONFIG_LINE_MAX);
	if (memchr(s, '\0', len) != NULL)
		return xstrdup(_("the line holds a NUL byte (is this a text file?)"));
	s = config_trim(s, &len);
	if (len == 0 || *s == ';' || *s == '#')
		return NULL;
	if (*s == '[')
		return config_parse_section(f, s, len, lineno, section);
	return config_parse_setting(f, s, len, lineno, *section);
}

int
config_parse_text(struct config_file *f, const char *text, size_t len, char **cause)
{
	const char *p = text, *end = text + len, *nl;
	char *section = xstrdup(""), *why = NULL;
	int lineno = 0;

	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end && why == NULL) {
		nl = memchr(p, '\n', (size_t)(end - p));
		lineno++;
		why = config_parse_line(f, p, (size_t)((nl != NULL ? nl : end) - p), lineno,
		    &section);
		p = nl != NULL ? nl + 1 : end;
	}
	free(section);
	if (why == NULL)
		return 0;
	/* TRANSLATORS: the config file, its line number and what is wrong there. */
	*cause = xasprintf(_("config '%s' line %d: %s"), f->path, lineno, why);
	free(why);
	return -1;
}

void
config_file_release(struct config_file *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->lines[i].section);
		free(f->lines[i].key);
		free(f->lines[i].value);
	}
	free(f->lines);
	for (i = 0; i < f->nprofiles; i++)
		free(f->profiles[i]);
	free(f->profiles);
	free(f->profile_lines);
}

/* Read and parse the config file; a missing file is an empty one. */
int
config_file_read(struct config_file *f, const char *path, struct stat *st, char **cause)
{
	struct buf b;
	char *why = NULL;
	int fd, r;

	memset(f, 0, sizeof *f);
	f->path = path;
	st->st_mode = S_IFREG | 0600;
	if ((fd = buf_open_regular(path, st, &why)) < 0) {
		r = errno == ENOENT ? 0 : -1;
		if (r != 0 && errno == EINVAL)
			*cause = xasprintf(
			    _("config '%s' is not a regular file (a FIFO, device or "
			      "directory cannot be a config file); name a file with --config or "
			      "CONFAB_CONFIG"),
			    path);
		else if (r != 0)
			*cause = xasprintf(_("cannot open config '%s': %s"), path, strerror(errno));
		free(why);
		return r;
	}
	buf_init(&b, CONFIG_FILE_MAX);
	if ((r = buf_read_fd(&b, fd, path, &why)) != 0) {
		/* TRANSLATORS: %s is a message that starts with the config file's name or "cannot read". */
		*cause = xasprintf(_("config %s"), why);
		free(why);
	} else
		r = config_parse_text(f, b.data, b.len, cause);
	close(fd);
	buf_release(&b);
	return r;
}
