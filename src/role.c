/* role.c: roles, system prompts kept in files (role.h). */
#include "common.h"

#include <dirent.h>
#include <pwd.h>
#include <unistd.h>

#include "buf.h"
#include "role.h"
#include "text.h"

/* The keys a role's header may set. */
static const struct {
	const char *name;
	enum config_key key;
} role_keys[] = {
	{ "model", CONFIG_MODEL },
	{ "temperature", CONFIG_TEMPERATURE },
	{ "max_tokens", CONFIG_MAX_TOKENS },
};

char *
role_dir(void)
{
	const char *v = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	struct passwd *pw;

	if (v != NULL && v[0] == '/')
		return xasprintf("%s/confab/roles", v);
	if (home == NULL || home[0] != '/') {
		pw = getpwuid(getuid());
		home = pw != NULL ? pw->pw_dir : "/";
	}
	return xasprintf("%s/.config/confab/roles", home);
}

bool
role_name_ok(const char *name)
{
	size_t len = strlen(name);

	return len > 0 && len <= 64 && name[0] != '.' &&
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
	    len;
}

/* s[0..len) without blanks at both ends (allocated). */
static char *
role_trim(const char *s, size_t len)
{
	while (len > 0 && strchr(" \t\r", *s) != NULL)
		s++, len--;
	while (len > 0 && strchr(" \t\r", s[len - 1]) != NULL)
		len--;
	return xstrndup(s, len);
}

/* One "key: value" line of the header. */
static int
role_header_line(struct role *r, const char *path, int lineno, const char *s, size_t len,
    char **cause)
{
	const char *sep = memchr(s, ':', len), *eq = memchr(s, '=', len);
	char *key, *value, *why;
	size_t i;

	if (sep == NULL || (eq != NULL && eq < sep))
		sep = eq;
	if (sep == NULL) {
		/* TRANSLATORS: a file and line number come first; the keys stay as they are. */
		*cause = xasprintf(_("%s:%d: a header line is \"key: value\" (model, temperature "
				     "or max_tokens)"),
		    path, lineno);
		return -1;
	}
	key = role_trim(s, (size_t)(sep - s));
	value = role_trim(sep + 1, len - (size_t)(sep + 1 - s));
	for (i = 0; i < nitems(role_keys); i++)
		if (strcmp(key, role_keys[i].name) == 0)
			break;
	if (i == nitems(role_keys)) {
		*cause = xasprintf(_("%s:%d: unknown key '%s' (a role's header may set model, "
				     "temperature and max_tokens)"),
		    path, lineno, key);
		goto fail;
	}
	if ((why = config_check(role_keys[i].key, value)) != NULL || *value == '\0') {
		*cause = xasprintf("%s:%d: %s: %s", path, lineno, key,
		    why != NULL ? why : _("the value is empty"));
		free(why);
		goto fail;
	}
	free(r->value[role_keys[i].key]);
	r->value[role_keys[i].key] = value;
	r->line[role_keys[i].key] = lineno;
	free(key);
	return 0;
fail:
	free(key);
	free(value);
	return -1;
}

/* The length of the line at text[pos] without its "\r\n"; *next is the next line. */
static size_t
role_line(const char *text, size_t len, size_t pos, size_t *next)
{
	size_t end = pos, n;

	while (end < len && text[end] != '\n')
		end++;
	n = end - pos;
	if (n > 0 && text[pos + n - 1] == '\r')
		n--;
	*next = end < len ? end + 1 : end;
	return n;
}

static bool
role_is_fence(const char *text, size_t len, size_t pos)
{
	size_t next;

	return role_line(text, len, pos, &next) == 3 && memcmp(text + pos, "---", 3) == 0;
}

/* The header, when the text starts with "---": *body is set to what follows it. */
static int
role_header(struct role *r, const char *path, const char *text, size_t len, size_t *body,
    char **cause)
{
	size_t pos, next, n, close = 0;
	int lineno;

	*body = 0;
	if (len == 0 || !role_is_fence(text, len, 0))
		return 0; /* no header */
	role_line(text, len, 0, &pos);
	for (; pos < len && close == 0; pos = next) {
		role_line(text, len, pos, &next);
		if (role_is_fence(text, len, pos))
			close = pos;
	}
	if (close == 0) {
		*cause = xasprintf(_("%s: the header that starts with \"---\" on line 1 has no "
				     "closing \"---\" line"),
		    path);
		return -1;
	}
	role_line(text, len, 0, &pos);
	for (lineno = 2; pos < close; pos = next, lineno++) {
		n = role_line(text, len, pos, &next);
		if (n > 0 && text[pos] != '#' && strspn(text + pos, " \t") < n &&
		    role_header_line(r, path, lineno, text + pos, n, cause) != 0)
			return -1;
	}
	role_line(text, len, close, body);
	return 0;
}

int
role_parse(struct role *r, const char *path, const char *text, size_t len, char **cause)
{
	size_t body, bad;

	if (memchr(text, '\0', len) != NULL || !text_utf8_valid(text, len, &bad)) {
		*cause = xasprintf(_("%s is not UTF-8 text"), path);
		return -1;
	}
	if (role_header(r, path, text, len, &body, cause) != 0)
		return -1;
	text += body;
	len -= body;
	while (len > 0 && strchr(" \t\r\n", *text) != NULL)
		text++, len--;
	while (len > 0 && strchr(" \t\r\n", text[len - 1]) != NULL)
		len--;
	free(r->prompt);
	r->prompt = xstrndup(text, len);
	return 0;
}

int
role_load(struct role *r, const char *dir, const char *name, char **cause)
{
	struct buf b;
	char *why = NULL;
	int ret;

	memset(r, 0, sizeof *r);
	if (!role_name_ok(name)) {
		*cause = xasprintf(_("'%s' is not a role's name (letters, digits, '.', '_' and "
				     "'-'; 'confab roles' lists them)"),
		    name);
		return -1;
	}
	r->name = xstrdup(name);
	r->path = xasprintf("%s/%s.md", dir, name);
	buf_init(&b, ROLE_FILE_MAX);
	if (buf_read_file(&b, r->path, &why) != 0) {
		if (access(r->path, F_OK) != 0)
			/* TRANSLATORS: a role's name, then its file's path. */
			*cause = xasprintf(_("there is no role '%s': %s does not exist ('confab "
					     "roles' lists the roles)"),
			    name, r->path);
		else
			*cause = xasprintf(_("cannot read the role '%s': %s"), name, why);
		free(why);
		buf_release(&b);
		return -1;
	}
	ret = role_parse(r, r->path, b.data != NULL ? b.data : "", b.len, cause);
	buf_release(&b);
	return ret;
}

void
role_release(struct role *r)
{
	size_t i;

	free(r->name);
	free(r->path);
	free(r->prompt);
	for (i = 0; i < CONFIG_NKEYS; i++)
		free(r->value[i]);
	memset(r, 0, sizeof *r);
}

/* Was key set by a flag ("--model")? A flag wins over the role. */
static bool
role_flag_set(const struct config *cfg, enum config_key key)
{
	return cfg->origin[key] != NULL && strncmp(cfg->origin[key], "--", 2) == 0;
}

void
role_apply(const struct role *r, struct config *cfg, bool force)
{
	char *origin;
	size_t i;

	for (i = 0; i < CONFIG_NKEYS; i++) {
		if (r->value[i] == NULL || (!force && role_flag_set(cfg, i)))
			continue;
		/* TRANSLATORS: where a setting came from: a file, a line, a role's name. */
		origin = xasprintf(_("%s:%d (role %s)"), r->path, r->line[i], r->name);
		config_override(cfg, i, r->value[i], origin);
		free(origin);
	}
	if (r->prompt != NULL && *r->prompt != '\0' &&
	    (force || !role_flag_set(cfg, CONFIG_SYSTEM))) {
		/* TRANSLATORS: where the system prompt came from: a file and a role's name. */
		origin = xasprintf(_("%s (role %s)"), r->path, r->name);
		config_override(cfg, CONFIG_SYSTEM, r->prompt, origin);
		free(origin);
	}
}

/* The settings as "model NAME, temperature T" ("" for none), with the separator of the language. */
char *
role_settings(const struct role *r)
{
	/* TRANSLATORS: between the items of a list ("model x, temperature 0.2"). */
	const char *sep = _(", ");
	struct buf b;
	size_t i;

	buf_init(&b, 0);
	for (i = 0; i < nitems(role_keys); i++)
		if (r->value[role_keys[i].key] != NULL)
			buf_addf(&b, "%s%s %s", b.len > 0 ? sep : "", role_keys[i].name,
			    r->value[role_keys[i].key]);
	return buf_detach(&b, NULL);
}

char *
role_summary(const struct role *r)
{
	char *set = role_settings(r), *s;

	if (r->prompt != NULL && *r->prompt != '\0' && *set != '\0')
		/* TRANSLATORS: %s is a role's settings ("model x, temperature 0.2"). */
		s = xasprintf(_("%s, system prompt"), set);
	else if (r->prompt != NULL && *r->prompt != '\0')
		s = xstrdup(_("system prompt"));
	else if (*set != '\0')
		return set;
	else
		/* TRANSLATORS: a role that sets nothing. */
		s = xstrdup(_("nothing"));
	free(set);
	return s;
}

static int
role_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
role_names(const char *dir, char ***names, size_t *n)
{
	struct dirent *de;
	DIR *d;
	size_t len;

	*names = NULL;
	*n = 0;
	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len <= 3 || strcmp(de->d_name + len - 3, ".md") != 0)
			continue;
		*names = xreallocarray(*names, *n + 1, sizeof **names);
		(*names)[(*n)++] = xstrndup(de->d_name, len - 3);
	}
	closedir(d);
	qsort(*names, *n, sizeof **names, role_cmp);
	return 0;
}
