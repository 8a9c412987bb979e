/*
 * line-recall.c: readline's prompt recall in line mode (Up, Down, Ctrl-R):
 * kept in $XDG_STATE_HOME/confab/history, without the lines that may hold a
 * secret.
 */
#include "common.h"

#include <ctype.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <readline/history.h>

#include "app.h"
#include "cmd.h"
#include "config.h"
#include "line-internal.h"
#include "text.h"

#define LINE_RECALL_MAX 1000 /* prompts recalled at most */
#define LINE_TOKEN_MIN 20    /* a key-like token ("sk-...") this long is a secret */

/* Does the word at s start a key-like token ("sk-" and 17 more) that long? */
static bool
line_token(const char *s)
{
	/* clang-format off */
	static const char *const prefixes[] = {
		"sk-", "sk_live_", "sk_test_", "rk_live_", "ghp_", "gho_", "ghs_", "ghu_",
		"github_pat_", "xoxb-", "xoxp-", "AKIA", "AIza", "hf_", "glpat-",
	};
	/* clang-format on */
	size_t i, n;

	for (i = 0; i < nitems(prefixes); i++) {
		if (!text_has_prefix_ci(s, prefixes[i]))
			continue;
		for (n = 0; isalnum((unsigned char)s[n]) || s[n] == '-' || s[n] == '_'; n++)
			;
		if (n >= LINE_TOKEN_MIN)
			return true;
	}
	return false;
}

/* Might the line hold a secret (a key, a password, a token)? It stays out of the recall file. */
static bool
line_secret(const char *s)
{
	static const char *const words[] = {
		"api_key",
		"api-key",
		"apikey",
		"password",
		"passwd",
		"bearer ",
		"authorization:",
		"secret_key",
		"access_token",
		"private key",
		"token=",
		"token:",
		"secret=",
		"secret:",
	};
	size_t i, w;

	for (i = 0; s[i] != '\0'; i++) {
		for (w = 0; w < nitems(words); w++)
			if (text_has_prefix_ci(s + i, words[w]))
				return true;
		if ((i == 0 || !isalnum((unsigned char)s[i - 1])) && line_token(s + i))
			return true;
	}
	return false;
}

/* The recall file: $XDG_STATE_HOME/confab/history (0600, directory 0700), entries spanning lines. */
void
line_recall_load(struct line *l)
{
	const char *dir = l->app->cfg.state_dir;
	char *cause = NULL, *path;
	int fd;

	using_history();
	stifle_history(LINE_RECALL_MAX);
	/* "#<time>" lines delimit the entries, so an entry can hold newlines */
	history_comment_char = '#';
	history_write_timestamps = 1;
	history_multiline_entries = 1;
	if (config_mkdir(dir, &cause) != 0) {
		app_error(_("warning: %s; the prompt history is not kept"), cause);
		free(cause);
		return;
	}
	path = xasprintf("%s/history", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || fchmod(fd, 0600) != 0) {
		app_error(_("warning: cannot open '%s': %s; the prompt history is not kept"), path,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		free(path);
		return;
	}
	close(fd);
	history_truncate_file(path, LINE_RECALL_MAX);
	read_history(path);
	l->recall_path = path;
}

/* Remember a sent line: in memory for this session, on disk unless it may hold a secret. */
void
line_recall_add(struct line *l, const char *text)
{
	HIST_ENTRY *last;
	int e;

	if (text[0] == ' ') /* bash's ignorespace: kept out of the recall entirely */
		return;
	last = history_length > 0 ? history_get(history_base + history_length - 1) : NULL;
	if (last != NULL && strcmp(last->line, text) == 0)
		return;
	add_history(text);
	if (l->recall_path == NULL || line_secret(text))
		return;
	if ((e = append_history(1, l->recall_path)) != 0 && !l->recall_warned) {
		line_sayf(l, true, _("cannot write the history to '%s': %s"), l->recall_path,
		    strerror(e));
		l->recall_warned = true;
	}
}
