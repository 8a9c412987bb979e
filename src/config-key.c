/* config-key.c: the API key: where it comes from (env, api_key_cmd, file) and where it may go. */
#include "common.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"

extern char **environ;

#define KEY_MAX_BYTES 4096

/* Split a command line into words: blanks separate, '...' and "..." quote. */
static char **
config_split_words(const char *s, char **cause)
{
	char **argv = NULL;
	size_t argc = 0;
	struct buf w;

	buf_init(&w, 0);
	for (;;) {
		char quote = 0;
		int have = 0;

		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			break;
		while (*s != '\0' && (quote != 0 || (*s != ' ' && *s != '\t'))) {
			if (quote == 0 && (*s == '\'' || *s == '"'))
				quote = *s;
			else if (quote != 0 && *s == quote)
				quote = 0;
			else if (*s == '\\' && quote != '\'' && s[1] != '\0')
				buf_addc(&w, *++s);
			else
				buf_addc(&w, *s);
			s++;
			have = 1;
		}
		if (quote != 0) {
			*cause = xstrdup(_("api_key_cmd has an unterminated quote"));
			goto fail;
		}
		argv = xreallocarray(argv, argc + 2, sizeof *argv);
		argv[argc++] = have ? buf_detach(&w, NULL) : xstrdup("");
		argv[argc] = NULL;
	}
	if (argc == 0) {
		*cause = xstrdup(_("api_key_cmd is empty"));
		goto fail;
	}
	buf_release(&w);
	return argv;
fail:
	buf_release(&w);
	while (argc > 0)
		free(argv[--argc]);
	free(argv);
	return NULL;
}

/* Milliseconds from now until deadline (CLOCK_MONOTONIC), at least 0. */
static int
config_ms_left(const struct timespec *deadline)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (deadline->tv_sec - now.tv_sec) * 1000LL + (deadline->tv_nsec - now.tv_nsec) / 1000000;
	return ms < 0 ? 0 : (int)ms;
}

/*
 * Read the command's output until it closes it, then wait for it to exit,
 * all before the deadline. Returns 0 with *status, or -1: it outlived the
 * deadline, and it has been killed.
 */
static int
config_key_cmd_wait(pid_t pid, int fd, struct buf *out, const struct timespec *deadline,
    int *status)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char chunk[512];
	ssize_t n = 1;
	pid_t r;
	int ms;

	while (n != 0 && (ms = config_ms_left(deadline)) > 0) {
		if (poll(&pfd, 1, ms) <= 0)
			continue;
		if ((n = read(fd, chunk, sizeof chunk)) > 0)
			(void)buf_add(out, chunk, (size_t)n); /* past the cap: dropped */
		else if (n < 0 && errno != EINTR && errno != EAGAIN)
			n = 0;
	}
	while (n == 0) {
		if ((r = waitpid(pid, status, WNOHANG)) == pid)
			return 0;
		if (r < 0 && errno != EINTR) {
			*status = 127 << 8;
			return 0;
		}
		if (config_ms_left(deadline) == 0)
			break;
		poll(NULL, 0, 20);
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	return -1;
}

/* Run api_key_cmd without a shell; its first line of output is the key. */
static char *
config_run_key_cmd(const char *cmd, long timeout, char **cause)
{
	char **argv = config_split_words(cmd, cause), **a;
	posix_spawn_file_actions_t fa;
	struct timespec deadline;
	struct buf out;
	int fds[2], status, err;
	pid_t pid;

	if (argv == NULL)
		return NULL;
	buf_init(&out, KEY_MAX_BYTES);
	if (pipe2(fds, O_CLOEXEC) != 0)
		fatal(_("cannot create a pipe for api_key_cmd: %s"), strerror(errno));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	posix_spawn_file_actions_addclose(&fa, fds[1]);
	err = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (err != 0) {
		*cause = xasprintf(_("cannot run api_key_cmd '%s': %s"), argv[0], strerror(err));
		close(fds[0]);
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout;
	if (config_key_cmd_wait(pid, fds[0], &out, &deadline, &status) != 0)
		*cause = xasprintf(
		    _("api_key_cmd '%s' did not finish within %ld seconds and was "
		      "stopped: does it wait for input, such as a passphrase? Make it print the key "
		      "without asking, or raise api_key_cmd_timeout"),
		    argv[0], timeout);
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		*cause = xasprintf(_("api_key_cmd '%s' failed (exit status %d)"), argv[0],
		    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	close(fds[0]);
out:
	for (a = argv; *a != NULL; a++)
		free(*a);
	free(argv);
	if (*cause != NULL) {
		buf_release(&out);
		return NULL;
	}
	out.len = strcspn(out.data, "\r\n");
	out.data[out.len] = '\0';
	return buf_detach(&out, NULL);
}

/* Where a setting for this endpoint goes, for messages: "in [profile x] of 'FILE'". */
static char *
config_where(const struct config *cfg)
{
	if (cfg->profile != NULL)
		/* TRANSLATORS: where a setting goes, completing another message: "set api_key_cmd in [profile x] of 'FILE'". */
		return xasprintf(_("in [profile %s] of '%s'"), cfg->profile, cfg->config_path);
	return xasprintf(_("in '%s' (or a profile there)"), cfg->config_path);
}

/* Was the setting given by the user (a flag, CONFAB_*, the file), not a default? */
static bool
config_is_set(const struct config *cfg, enum config_key key)
{
	return cfg->value[key] != NULL && strcmp(cfg->origin[key], "default") != 0;
}

/* Where the key will come from, without running api_key_cmd; NULL when nowhere. */
static char *
config_key_source(const struct config *cfg)
{
	const char *envname = cfg->value[CONFIG_API_KEY_ENV], *v;

	if (cfg->value[CONFIG_API_KEY_CMD] != NULL)
		return cfg->profile != NULL ?
		    xasprintf(_("api_key_cmd of profile '%s'"), cfg->profile) :
		    /* TRANSLATORS: where the API key comes from; %s is a file:line or a variable. */
		    xasprintf(_("api_key_cmd in %s"), cfg->origin[CONFIG_API_KEY_CMD]);
	if (cfg->value[CONFIG_API_KEY] != NULL)
		return cfg->profile != NULL ?
		    xasprintf(_("api_key of profile '%s'"), cfg->profile) :
		    xasprintf(_("api_key in %s"), cfg->origin[CONFIG_API_KEY]);
	if ((v = getenv(envname)) != NULL && *v != '\0')
		return xstrdup(envname);
	return NULL;
}

/*
 * The rules that do not need the key itself, so that api_key_cmd runs only
 * for a key that will be sent. Returns 1: fetch the key from source and send
 * it; 0: send none (k->unsent says why when a key was withheld); -1 with
 * *cause: refuse.
 */
static int
config_key_allowed(const struct config *cfg, const char *source, struct config_auth *k,
    char **cause)
{
	const char *url = cfg->value[CONFIG_BASE_URL], *envname = cfg->value[CONFIG_API_KEY_ENV];
	bool loopback = config_is_loopback(url);
	char *where = config_where(cfg);
	int r = -1;

	if (source == NULL) {
		if (loopback)
			r = 0;
		else if (config_is_dashscope(url))
			*cause = xasprintf(
			    _("no API key for %s: set %s (export %s=...), or "
			      "choose a profile with api_key_cmd in '%s' (see 'man confab'), or use "
			      "--base-url for a local server such as http://localhost:11434/v1"),
			    url, envname, envname, cfg->config_path);
		else if (config_is_set(cfg, CONFIG_API_KEY_ENV))
			*cause = xasprintf(
			    _("no API key for %s: %s (named by api_key_env, from "
			      "%s) is not set; export %s=..., or set api_key_cmd %s; if this server "
			      "needs no key, set no_key = yes there"),
			    url, envname, cfg->origin[CONFIG_API_KEY_ENV], envname, where);
		else
			*cause = xasprintf(
			    _("no API key for %s: set api_key_env (the variable that "
			      "holds its key) or api_key_cmd %s (see 'man confab'); if this server "
			      "needs no key, set no_key = yes there"),
			    url, where);
		goto out;
	}
	if (cfg->value[CONFIG_API_KEY_CMD] == NULL && cfg->value[CONFIG_API_KEY] == NULL &&
	    !config_is_set(cfg, CONFIG_API_KEY_ENV) && !config_is_dashscope(url)) {
		if (loopback) {
			k->unsent = xasprintf(_("%s goes only to DashScope hosts; to send it here, "
						"set api_key_env = %s %s"),
			    envname, envname, where);
			r = 0;
		} else
			*cause = xasprintf(
			    _("not sending %s to %s: that key goes only to DashScope "
			      "hosts (dashscope*.aliyuncs.com); to send it there anyway, set "
			      "api_key_env = %s %s, or name this server's own key with api_key_env "
			      "or api_key_cmd; if this server needs no key, set no_key = yes"),
			    envname, url, envname, where);
		goto out;
	}
	if (!loopback && strncasecmp(url, "http://", 7) == 0 &&
	    !config_is_yes(cfg, CONFIG_ALLOW_INSECURE_KEY)) {
		*cause = xasprintf(
		    _("not sending the API key from %s to %s over plain http:// "
		      "(anyone on the way could read it): use https://, or set allow_insecure_key "
		      "= yes %s; if this server needs no key, set no_key = yes"),
		    source, url, where);
		goto out;
	}
	r = 1;
out:
	free(where);
	return r;
}

int
config_api_key(const struct config *cfg, struct config_auth *k, char **cause)
{
	char *source = NULL;
	int r;

	memset(k, 0, sizeof *k);
	*cause = NULL;
	if (config_is_yes(cfg, CONFIG_NO_KEY)) {
		k->unsent = xasprintf(_("no_key = yes, from %s"), cfg->origin[CONFIG_NO_KEY]);
		return 0;
	}
	source = config_key_source(cfg);
	if ((r = config_key_allowed(cfg, source, k, cause)) <= 0) {
		free(source);
		return r;
	}
	if (cfg->value[CONFIG_API_KEY_CMD] != NULL) {
		if ((k->key = config_run_key_cmd(cfg->value[CONFIG_API_KEY_CMD],
			 strtol(cfg->value[CONFIG_API_KEY_CMD_TIMEOUT], NULL, 10), cause)) ==
		    NULL) {
			free(source);
			return -1;
		}
	} else if (cfg->value[CONFIG_API_KEY] != NULL)
		k->key = xstrdup(cfg->value[CONFIG_API_KEY]);
	else
		k->key = xstrdup(getenv(cfg->value[CONFIG_API_KEY_ENV]));
	k->origin = source;
	if (*k->key == '\0') {
		*cause = xasprintf(_("the API key from %s is empty"), k->origin);
		config_auth_release(k);
		return -1;
	}
	return 0;
}

void
config_auth_release(struct config_auth *k)
{
	if (k->key != NULL) {
		explicit_bzero(k->key, strlen(k->key));
		free(k->key);
	}
	free(k->origin);
	free(k->unsent);
	memset(k, 0, sizeof *k);
}
