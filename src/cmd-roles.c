/* cmd-roles.c: confab roles: the roles in $XDG_CONFIG_HOME/confab/roles. */
#include "common.h"

#include "buf.h"
#include "app.h"
#include "cmd.h"
#include "json.h"
#include "role.h"
#include "text.h"

/* Untrusted text on one line for a terminal, at most max columns of it (allocated). */
static char *
roles_cell(const char *s, int max)
{
	size_t len = strlen(s);
	char *clean, *cut;

	if (text_width(s, len) > max)
		len = text_fit(s, len, max, NULL); /* whole characters */
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

/* Print s and pad it with blanks to width columns, then one more. */
static void
roles_put(const char *s, int width)
{
	int w = text_width(s, strlen(s));

	printf("%s%*s ", s, width > w ? width - w : 0, "");
}

/* One line: name, settings, the prompt's start. */
static void
roles_print(const struct role *r)
{
	char *prompt = roles_cell(r->prompt != NULL ? r->prompt : "", 60);
	char *set = role_settings(r);

	roles_put(r->name, 16);
	roles_put(*set != '\0' ? set : "-", 36);
	printf("%s\n", prompt);
	free(set);
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
		app_error("%s",
		    _("'confab roles' takes no words; a role is used with --role NAME"));
		json_free(arr);
		free(dir);
		return EXIT_USAGE;
	}
	if (role_names(dir, &names, &n) != 0)
		n = 0;
	for (i = 0; i < n; i++) {
		if (role_load(&r, dir, names[i], &cause) != 0) {
			app_error(_("warning: %s"), cause);
			free(cause);
			ret = EXIT_USAGE;
		} else if (arr != NULL)
			json_push(arr, roles_json(&r));
		else {
			if (shown++ == 0) {
				/* TRANSLATORS: the column headings of 'confab roles'. */
				roles_put(_("NAME"), 16);
				roles_put(_("SETTINGS"), 36);
				printf("%s\n", _("SYSTEM PROMPT"));
			}
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
		/* TRANSLATORS: %s is a directory; NAME and ROLES stay as they are. */
		printf(_("No roles yet: a role is a system prompt in %s/NAME.md (see 'man confab', "
			 "ROLES).\n"),
		    dir);
	free(dir);
	return ret;
}
