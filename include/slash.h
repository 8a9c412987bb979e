/*
 * slash.h: the slash commands, one table shared by the full-screen UI and
 * line mode (STYLE 15). A front end supplies what each command does to its
 * own conversation through struct slash_ops.
 */
#ifndef CONFAB_SLASH_H
#define CONFAB_SLASH_H

#include <stdbool.h>
#include <stddef.h>

struct slash_ops {
	void *arg;
	void (*say)(void *arg, const char *text, bool error); /* show a message */
	void (*new_chat)(void *arg);
	void (*model)(void *arg, const char *name);
	void (*system)(void *arg, const char *text); /* "" clears it */
	void (*retry)(void *arg);
	void (*attach)(void *arg, const char *what); /* a file; "" lists; "clear" drops */
	void (*rate)(void *arg, int rating, const char *comment); /* "" when none */
	void (*terms)(void *arg, const char *what); /* "" views, "withdraw" withdraws */
	void (*endpoint)(void *arg, const char *url);
	void (*quit)(void *arg);
	void (*history)(void *arg); /* may be NULL: not available there */
	void (*role)(void *arg, const char *name);
	void (*copy)(void *arg, bool code, unsigned int n); /* code block n, 0: the last */
	void (*edit)(void *arg, const char *text);	    /* $EDITOR on text, back to the input */
};

struct slash_cmd {
	const char *name;  /* "/model" */
	const char *usage; /* "/model NAME" */
	const char *help;  /* marked N_(): show it through _() */
	bool takes_arg;	   /* an argument is required */
	int op;		   /* private */
};

extern const struct slash_cmd slash_cmds[];
extern const unsigned int slash_ncmds;

/* Is the line a slash command (starts with '/', not "//")? */
bool slash_is_command(const char *line);

/*
 * Run a slash command line. Unknown commands and missing arguments are said
 * through ops->say (and return -1); otherwise 0.
 */
int slash_run(const struct slash_ops *ops, const char *line);

/*
 * Command names starting with prefix (NULL-terminated, allocated), or NULL;
 * /history only when the front end has it.
 */
char **slash_complete(const char *prefix, bool history);

/*
 * The names starting with prefix, as readline's completion wants them
 * (NULL-terminated, allocated; with several, their common prefix first), or
 * NULL when none does.
 */
char **slash_matches(const char *const *names, size_t n, const char *prefix);

/* The help text: one line per command ops offers (allocated). */
char *slash_help(const struct slash_ops *ops);

#endif
