/* slash.c: the slash-command table shared by the full-screen UI and line mode. */
#include "common.h"

#include "buf.h"
#include "slash.h"
#include "text.h"

enum {
	OP_HELP,
	OP_NEW,
	OP_MODEL,
	OP_SYSTEM,
	OP_RETRY,
	OP_GOOD,
	OP_BAD,
	OP_TERMS,
	OP_ENDPOINT,
	OP_HISTORY,
	OP_COPY,
	OP_EDIT,
	OP_QUIT,
	OP_ROLE
};
enum { OP_ATTACH = 64 }; /* apart, so that commands added above do not collide */

const struct slash_cmd slash_cmds[] = {
	{ "/help", "/help", N_("list the commands and keys"), false, OP_HELP },
	{ "/new", "/new", N_("start a new conversation"), false, OP_NEW },
	{ "/attach", "/attach [FILE|clear]", N_("add a file to the next prompt (alone: list them)"),
	    false, OP_ATTACH },
	{ "/model", "/model [NAME|N]", N_("use another model (alone: pick from the server's list)"),
	    false, OP_MODEL },
	{ "/system", "/system TEXT", N_("set the system prompt (/system alone clears it)"), false,
	    OP_SYSTEM },
	{ "/role", "/role NAME", N_("use a role: its system prompt and settings"), true, OP_ROLE },
	{ "/retry", "/retry", N_("ask the last prompt again"), false, OP_RETRY },
	{ "/good", "/good [COMMENT]", N_("rate the last answer thumbs up"), false, OP_GOOD },
	{ "/bad", "/bad [COMMENT]", N_("rate the last answer thumbs down"), false, OP_BAD },
	{ "/terms", "/terms [withdraw]", N_("read the Terms, or withdraw your consent"), false,
	    OP_TERMS },
	{ "/endpoint", "/endpoint URL", N_("talk to another OpenAI-compatible server"), true,
	    OP_ENDPOINT },
	{ "/history", "/history", N_("pick a past conversation to continue (with search)"), false,
	    OP_HISTORY },
	{ "/copy", "/copy [code [N]]", N_("copy the last answer (or its last or Nth code block)"),
	    false, OP_COPY },
	{ "/edit", "/edit [TEXT]", N_("edit the prompt in $VISUAL or $EDITOR (or Ctrl-X Ctrl-E)"),
	    false, OP_EDIT },
	{ "/quit", "/quit", N_("leave confab"), false, OP_QUIT },
};
const unsigned int slash_ncmds = nitems(slash_cmds);

bool
slash_is_command(const char *line)
{
	return line[0] == '/' && line[1] != '/' && line[1] != '\0' && line[1] != ' ';
}

/* The command named by the first word of line, or NULL. */
static const struct slash_cmd *
slash_find(const char *line, const char **args)
{
	size_t n = strcspn(line, " \t"), i;

	*args = text_skip_blanks(line + n);
	for (i = 0; i < slash_ncmds; i++)
		if (strlen(slash_cmds[i].name) == n && strncmp(slash_cmds[i].name, line, n) == 0)
			return &slash_cmds[i];
	return NULL;
}

/* /copy, /copy code, /copy code N. */
static int
slash_copy(const struct slash_ops *ops, const char *args)
{
	size_t n = strcspn(args, " \t");
	const char *num = text_skip_blanks(args + n);
	char *end;
	unsigned long k = 0;

	if (*args == '\0') {
		ops->copy(ops->arg, false, 0);
		return 0;
	}
	if (n == 4 && strncmp(args, "code", 4) == 0) {
		errno = 0;
		if (*num != '\0')
			k = strtoul(num, &end, 10);
		if (*num == '\0' || (errno == 0 && *end == '\0' && k >= 1 && k <= 100000)) {
			ops->copy(ops->arg, true, (unsigned int)k);
			return 0;
		}
	}
	ops->say(ops->arg,
	    _("usage: /copy (the last answer), /copy code (its last code block) or "
	      "/copy code N (the Nth, from 1)"),
	    true);
	return -1;
}

static int
slash_run1(const struct slash_ops *ops, const char *line)
{
	const struct slash_cmd *c;
	const char *args;
	char *text, *msg;

	if ((c = slash_find(line, &args)) == NULL) {
		msg = xasprintf(_("unknown command '%.*s'; /help lists them"),
		    (int)strcspn(line, " \t"), line);
		ops->say(ops->arg, msg, true);
		free(msg);
		return -1;
	}
	if (c->takes_arg && *args == '\0') {
		/* TRANSLATORS: a command (/role) needs an argument: its usage (/role NAME) */
		msg = xasprintf(_("%s needs an argument: %s"), c->name, c->usage);
		ops->say(ops->arg, msg, true);
		free(msg);
		return -1;
	}
	switch (c->op) {
	case OP_HELP:
		text = slash_help(ops);
		ops->say(ops->arg, text, false);
		free(text);
		break;
	case OP_NEW:
		ops->new_chat(ops->arg);
		break;
	case OP_ATTACH:
		ops->attach(ops->arg, args);
		break;
	case OP_MODEL:
		ops->model(ops->arg, args);
		break;
	case OP_SYSTEM:
		ops->system(ops->arg, args);
		break;
	case OP_RETRY:
		ops->retry(ops->arg);
		break;
	case OP_GOOD:
	case OP_BAD:
		ops->rate(ops->arg, c->op == OP_GOOD ? 1 : -1, args);
		break;
	case OP_TERMS:
		if (*args != '\0' && strcmp(args, "withdraw") != 0) {
			ops->say(ops->arg, _("usage: /terms [withdraw]"), true);
			return -1;
		}
		ops->terms(ops->arg, args);
		break;
	case OP_ENDPOINT:
		ops->endpoint(ops->arg, args);
		break;
	case OP_HISTORY:
		if (ops->history == NULL) {
			ops->say(ops->arg,
			    _("/history is in the full-screen UI; here, use 'confab log "
			      "list' and --conversation ID"),
			    true);
			return -1;
		}
		ops->history(ops->arg);
		break;
	case OP_COPY:
		return slash_copy(ops, args);
	case OP_EDIT:
		ops->edit(ops->arg, args);
		break;
	case OP_QUIT:
		ops->quit(ops->arg);
		break;
	case OP_ROLE:
		ops->role(ops->arg, args);
		break;
	}
	return 0;
}

/*
 * The command line without its trailing blanks: Tab completion ends a word
 * with a space, and "/role NAME " or "/terms withdraw " mean the same as without.
 */
int
slash_run(const struct slash_ops *ops, const char *line)
{
	char *copy = xstrdup(line);
	size_t len = strlen(copy);
	int rc;

	while (len > 0 && (copy[len - 1] == ' ' || copy[len - 1] == '\t'))
		copy[--len] = '\0';
	rc = slash_run1(ops, copy);
	free(copy);
	return rc;
}

char **
slash_matches(const char *const *names, size_t n, const char *prefix)
{
	char **out = NULL;
	size_t k = 0, i, len = strlen(prefix), common, j;

	for (i = 0; i < n; i++)
		if (strncmp(names[i], prefix, len) == 0) {
			out = xreallocarray(out, k + 2, sizeof *out);
			out[k++] = xstrdup(names[i]);
			out[k] = NULL;
		}
	if (k > 1) { /* readline wants the common prefix first */
		common = strlen(out[0]);
		for (j = 1; j < k; j++)
			while (common > 0 && strncmp(out[0], out[j], common) != 0)
				common--;
		out = xreallocarray(out, k + 2, sizeof *out);
		memmove(out + 1, out, (k + 1) * sizeof *out);
		out[0] = xstrndup(out[1], common);
	}
	return out;
}

char **
slash_complete(const char *prefix, bool history)
{
	const char *names[nitems(slash_cmds)];
	size_t n = 0, i;

	for (i = 0; i < slash_ncmds; i++)
		if (history || slash_cmds[i].op != OP_HISTORY)
			names[n++] = slash_cmds[i].name;
	return slash_matches(names, n, prefix);
}

char *
slash_help(const struct slash_ops *ops)
{
	struct buf b;
	size_t i;
	int width = 0;

	for (i = 0; i < slash_ncmds; i++)
		if ((int)strlen(slash_cmds[i].usage) > width)
			width = (int)strlen(slash_cmds[i].usage);
	buf_init(&b, 0);
	for (i = 0; i < slash_ncmds; i++)
		if (slash_cmds[i].op != OP_HISTORY || ops->history != NULL)
			buf_addf(&b, "%-*s  %s\n", width, slash_cmds[i].usage,
			    _(slash_cmds[i].help));
	return buf_detach(&b, NULL);
}
