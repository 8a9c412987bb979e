/* cmd-roles.c: confab roles: the roles in $XDG_CONFIG_HOME/confab/roles. */
#include "common.h"

#include "buf.h"
#include "app.h"
#include "cmd.h"
#include "json.h"
#include "role.h"
#include "text.h"

/* Untrusted text on one line for a terminal, at most max bytes of it (allocated). */
static char *
roles_cell(const char *s, size_t max)
{
	size_t len = strlen(s);
	char *clean, *cut;

	if (len > max) {
		len = max;
		while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--; /* not inside a character */
	}
	clean = text_clean_str(s, len, TEXT_DROP, TEXT_CLEAN_ONELINE, NULL);
	if (len == strlen(s))
		return clean;
	cut = xasprintf("%s...", clean);
	free(clean);
	return cut;
}

static struct cJSON *
roles_json(const struct role *r)
{
	struct cJSON *o = json_object();

	json_add_str(o, "name", r->name);
	json_add_str(o, "path", r->path);
#define ROLE_VALUE(k, key) json_add_str_or_null(o, k, r->value[key])
	ROLE_VALUE("model", CONFIG_MODEL);
	ROLE_VALUE("temperature", CONFIG_TEMPERATURE);
	ROLE_VALUE("max_tokens", CONFIG_MAX_TOKENS);
#undef ROLE_VALUE
	json_add_str(o, "system", r->prompt != NULL ? r->prompt : "");
	return o;
}

/* One line: name, settings, the prompt's start. */
static void
roles_print(const struct role *r)
{
	char *prompt = roles_cell(r->prompt != NULL ? r->prompt : "", 60);
	struct buf set;

	buf_init(&set, 0);
	if (r->value[CONFIG_MODEL] != NULL)
		buf_addf(&set, "model %s", r->value[CONFIG_MODEL]);
	if (r->value[CONFIG_TEMPERATURE] != NULL)
		buf_addf(&set, "%stemperature %s", set.len > 0 ? ", " : "",
		    r->value[CONFIG_TEMPERATURE]);
	if (r->value[CONFIG_MAX_TOKENS] != NULL)
		buf_addf(&set, "%smax_tokens %s", set.len > 0 ? ", " : "",
		    r->value[CONFIG_MAX_TOKENS]);
	if (set.len == 0)
		buf_adds(&set, "-");
	printf("%-16s %-36s %s\n", r->name, set.data, prompt);
	buf_release(&set);
	free(prompt);
}

int
cmd_roles(struct app *app, int argc, char **argv)
{
	char *dir = role_dir(), **names, *cause = NULL, *s;
	struct cJSON *arr = app->json ? json_array() : NULL;
	struct role r;
	size_t i, n, shown = 0;
	int ret = EXIT_OK;

	if (argc > 0) {
		app_error("'confab roles' takes no words; a role is used with --role NAME");
		json_free(arr);
		free(dir);
		return EXIT_USAGE;
	}
	if (role_names(dir, &names, &n) != 0)
		n = 0;
	for (i = 0; i < n; i++) {
		if (role_load(&r, dir, names[i], &cause) != 0) {
			app_error("warning: %s", cause);
			free(cause);
			ret = EXIT_USAGE;
		} else if (arr != NULL)
			json_push(arr, roles_json(&r));
		else {
			if (shown++ == 0)
				printf("%-16s %-36s %s\n", "NAME", "SETTINGS", "SYSTEM PROMPT");
			roles_print(&r);
		}
		role_release(&r);
		free(names[i]);
	}
	free(names);
	if (arr != NULL) {
		s = json_print(arr, true);
		puts(s);
		free(s);
		json_free(arr);
	} else if (shown == 0 && ret == EXIT_OK)
		printf("No roles yet: a role is a system prompt in %s/NAME.md (see 'man confab', "
		       "ROLES).\n",
		    dir);
	free(dir);
	return ret;
}
