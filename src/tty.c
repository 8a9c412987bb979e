/* tty.c: questions on /dev/tty, pagers, colour decisions, wrapped printing. */
#include "common.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "text.h"
#include "tty.h"

extern char **environ;

int
tty_open(struct tty *t, char **cause)
{
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);

	memset(t, 0, sizeof *t);
	if (fd < 0) {
		*cause = xasprintf("no terminal to ask on (/dev/tty: %s)", strerror(errno));
		return -1;
	}
	t->in = fdopen(fd, "r");
	t->out = fdopen(dup(fd), "w");
	if (t->in == NULL || t->out == NULL)
		fatal("fdopen /dev/tty: %s", strerror(errno));
	t->color = tty_color_ok(t->out);
	return 0;
}

void
tty_close(struct tty *t)
{
	if (t->in != NULL)
		fclose(t->in);
	if (t->out != NULL)
		fclose(t->out);
	memset(t, 0, sizeof *t);
}

char *
tty_ask(struct tty *t, const char *prompt)
{
	char *line = NULL, *s, *e;
	size_t cap = 0;
	ssize_t n;

	fputs(prompt, t->out);
	fflush(t->out);
	n = getline(&line, &cap, t->in);
	if (n < 0) {
		free(line);
		fputc('\n', t->out);
		return NULL;
	}
	s = (char *)text_skip_blanks(line);
	for (e = s + strlen(s); e > s && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' ||
	    e[-1] == '\t'); e--)
		;
	s = xstrndup(s, (size_t)(e - s));
	free(line);
	return s;
}

void
tty_size(struct tty *t, int *rows, int *cols)
{
	struct winsize ws;

	*rows = 24;
	*cols = 80;
	if (t->out != NULL && ioctl(fileno(t->out), TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0) {
		*rows = ws.ws_row;
		*cols = ws.ws_col;
	}
}

bool
tty_color_ok(FILE *f)
{
	const char *term = getenv("TERM"), *nc = getenv("NO_COLOR");

	if (nc != NULL && *nc != '\0')
		return false;
	if (term == NULL || strcmp(term, "dumb") == 0)
		return false;
	return isatty(fileno(f));
}

void
tty_wrap(FILE *f, const char *s, int width, int indent)
{
	struct text_span *sp;
	size_t n = text_wrap(s, strlen(s), width - indent, &sp), i;

	for (i = 0; i < n; i++)
		fprintf(f, "%*s%.*s\n", i == 0 ? 0 : indent, "", (int)sp[i].len, s + sp[i].off);
	free(sp);
}

/* Run $PAGER (through sh, as pagers are conventionally set) with text on its stdin. */
static int
tty_external_pager(const char *pager, const char *text, size_t len)
{
	posix_spawn_file_actions_t fa;
	char *argv[] = { "sh", "-c", (char *)pager, NULL };
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	int fds[2], status;
	pid_t pid;
	ssize_t n;

	if (pipe(fds) != 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[0], STDIN_FILENO);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	posix_spawn_file_actions_addclose(&fa, fds[1]);
	if (posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(fds[0]);
	sigaction(SIGPIPE, &ign, &old);
	while (len > 0 && ((n = write(fds[1], text, len)) > 0 || errno == EINTR))
		if (n > 0) {
			text += n;
			len -= (size_t)n;
		}
	close(fds[1]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	sigaction(SIGPIPE, &old, NULL);
	return 0;
}

/* Page through text on the terminal, word-wrapped; returns the bytes displayed. */
static int64_t
tty_builtin_pager(struct tty *t, const char *text, size_t len)
{
	struct text_span *sp;
	size_t n, i = 0, shown = 0;
	int rows, cols, used;
	char *ans, prompt[96];

	tty_size(t, &rows, &cols);
	n = text_wrap(text, len, cols - 1, &sp);
	while (i < n) {
		for (used = 0; i < n && used < rows - 1; i++, used++)
			fprintf(t->out, "%.*s\n", (int)sp[i].len, text + sp[i].off);
		shown = i < n ? sp[i].off : len;
		if (i >= n)
			break;
		snprintf(prompt, sizeof prompt, "-- %d%% -- Enter: next page, q: stop reading -- ",
		    (int)(shown * 100 / len));
		ans = tty_ask(t, prompt);
		if (ans == NULL || ans[0] == 'q' || ans[0] == 'Q') {
			free(ans);
			break;
		}
		free(ans);
	}
	free(sp);
	fprintf(t->out, "-- end of the text shown (%d%% of it) --\n", (int)(shown * 100 / len));
	return (int64_t)shown;
}

void
tty_page(struct tty *t, const char *text, size_t len, int64_t *shown, char **viewer)
{
	const char *pager = getenv("PAGER");

	fflush(t->out);
	if (pager != NULL && *pager != '\0' && tty_external_pager(pager, text, len) == 0) {
		*shown = -1;
		*viewer = xasprintf("$PAGER (%s)", pager);
		return;
	}
	*shown = tty_builtin_pager(t, text, len);
	*viewer = xstrdup("built-in pager");
}
