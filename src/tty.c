/* tty.c: questions on /dev/tty, pagers, colour decisions, wrapped printing, the crash guard. */
#include "common.h"
#include "caps.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "buf.h"
#include "text.h"
#include "tty.h"

extern char **environ;

static const int tty_crash_signals[] = { SIGSEGV, SIGBUS, SIGABRT, SIGFPE };

/* The crash guard's state: read by the handler, so plain statics set before it is armed. */
static struct {
	bool on;
	int fd;
	const char *volatile reset;
	bool have_termios;
	struct termios termios;
	struct sigaction old[nitems(tty_crash_signals)];
} tty_crash;

/* A crash: the terminal as it was, with async-signal-safe calls, then die as before. */
static void
tty_crash_handler(int sig)
{
	const char *reset = tty_crash.reset;

	(void)!write(tty_crash.fd, reset, strlen(reset));
	if (tty_crash.have_termios)
		tcsetattr(STDIN_FILENO, TCSANOW, &tty_crash.termios);
	signal(sig, SIG_DFL);
	raise(sig);
}

void
tty_crash_start(int fd, const char *reset)
{
	struct sigaction sa;
	size_t i;

	if (tty_crash.on)
		BUG("tty_crash_start: a crash guard is already on");
	tty_crash.fd = fd;
	tty_crash.reset = reset;
	tty_crash.have_termios = tcgetattr(STDIN_FILENO, &tty_crash.termios) == 0;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = tty_crash_handler;
	for (i = 0; i < nitems(tty_crash_signals); i++)
		sigaction(tty_crash_signals[i], &sa, &tty_crash.old[i]);
	tty_crash.on = true;
}

void
tty_crash_reset(const char *reset)
{
	tty_crash.reset = reset;
}

void
tty_crash_stop(void)
{
	size_t i;

	if (!tty_crash.on)
		return;
	for (i = 0; i < nitems(tty_crash_signals); i++)
		sigaction(tty_crash_signals[i], &tty_crash.old[i], NULL);
	tty_crash.on = false;
}

int
tty_open(struct tty *t, char **cause)
{
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);

	memset(t, 0, sizeof *t);
	if (fd < 0) {
		*cause = xasprintf(_("no terminal to ask on (/dev/tty: %s)"), strerror(errno));
		return -1;
	}
	t->in = fdopen(fd, "r");
	t->out = fdopen(dup(fd), "w");
	if (t->in == NULL || t->out == NULL)
		fatal(_("cannot open the terminal (/dev/tty): %s"), strerror(errno));
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
	for (e = s + strlen(s);
	     e > s && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'); e--)
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
	char *ans, *prompt;

	tty_size(t, &rows, &cols);
	n = text_wrap(text, len, cols - 1, &sp);
	while (i < n) {
		for (used = 0; i < n && used < rows - 1; i++, used++)
			fprintf(t->out, "%.*s\n", (int)sp[i].len, text + sp[i].off);
		shown = i < n ? sp[i].off : len;
		if (i >= n)
			break;
		/* TRANSLATORS: the built-in pager's prompt; %d%% is how much was shown. */
		prompt = xasprintf(_("-- %d%% -- Enter: next page, q: stop reading -- "),
		    (int)(shown * 100 / len));
		ans = tty_ask(t, prompt);
		free(prompt);
		if (ans == NULL || ans[0] == 'q' || ans[0] == 'Q') {
			free(ans);
			break;
		}
		free(ans);
	}
	free(sp);
	fprintf(t->out, _("-- end of the text shown (%d%% of it) --\n"), (int)(shown * 100 / len));
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

/* The OSC 52 escape that sets the clipboard to data (allocated). */
static char *
tty_osc52(const char *data, size_t len)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *s = (const unsigned char *)data;
	struct buf b;
	size_t i;
	unsigned int v;

	buf_init(&b, 0);
	buf_adds(&b, "\033]52;c;");
	for (i = 0; i + 2 < len; i += 3) {
		v = (unsigned int)s[i] << 16 | (unsigned int)s[i + 1] << 8 | s[i + 2];
		buf_addf(&b, "%c%c%c%c", b64[v >> 18], b64[(v >> 12) & 63], b64[(v >> 6) & 63],
		    b64[v & 63]);
	}
	if (len - i == 1) {
		v = (unsigned int)s[i] << 16;
		buf_addf(&b, "%c%c==", b64[v >> 18], b64[(v >> 12) & 63]);
	} else if (len - i == 2) {
		v = (unsigned int)s[i] << 16 | (unsigned int)s[i + 1] << 8;
		buf_addf(&b, "%c%c%c=", b64[v >> 18], b64[(v >> 12) & 63], b64[(v >> 6) & 63]);
	}
	buf_adds(&b, "\a");
	return buf_detach(&b, NULL);
}

int
tty_clipboard(int fd, const char *data, size_t len, char **cause)
{
	char *seq;
	size_t n, done = 0;
	ssize_t w;

	if (!isatty(fd)) {
		*cause = xstrdup(_("cannot copy: the output is not a terminal"));
		return -1;
	}
	seq = tty_osc52(data, len);
	n = strlen(seq);
	while (done < n && ((w = write(fd, seq + done, n - done)) > 0 || errno == EINTR))
		if (w > 0)
			done += (size_t)w;
	free(seq);
	if (done < n) {
		*cause = xasprintf(_("cannot copy: writing to the terminal failed: %s"),
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* Run the editor on path, with the terminal; its exit status, or -1. */
static int
tty_run_editor(const char *editor, const char *path)
{
	char *cmd = xasprintf("%s \"$1\"", editor);
	char *argv[] = { "sh", "-c", cmd, "sh", (char *)path, NULL };
	struct sigaction ign = { .sa_handler = SIG_IGN }, oint, oquit;
	posix_spawnattr_t attr;
	sigset_t dfl;
	pid_t pid;
	int status = -1, r;

	posix_spawnattr_init(&attr);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGINT);
	sigaddset(&dfl, SIGQUIT);
	posix_spawnattr_setsigdefault(&attr, &dfl);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &oint); /* Ctrl-C in the editor is the editor's */
	sigaction(SIGQUIT, &ign, &oquit);
	r = posix_spawn(&pid, "/bin/sh", NULL, &attr, argv, environ);
	if (r == 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	sigaction(SIGINT, &oint, NULL);
	sigaction(SIGQUIT, &oquit, NULL);
	posix_spawnattr_destroy(&attr);
	free(cmd);
	if (r != 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Read what the editor left in fd (at most TTY_EDIT_MAX bytes); -1 with *cause. */
static int
tty_edit_read(int fd, char **out, char **cause)
{
	struct buf b;
	char chunk[8192];
	ssize_t n;

	buf_init(&b, TTY_EDIT_MAX);
	if (lseek(fd, 0, SEEK_SET) != 0) {
		*cause = xasprintf(_("cannot read the edited prompt: %s"), strerror(errno));
		return -1;
	}
	while ((n = read(fd, chunk, sizeof chunk)) > 0 || (n < 0 && errno == EINTR))
		if (n > 0 && buf_add(&b, chunk, (size_t)n) != 0) {
			buf_release(&b);
			*cause = xstrdup(
			    _("the edited prompt is over 1 MiB; the input is unchanged"));
			return -1;
		}
	if (n < 0) {
		buf_release(&b);
		*cause = xasprintf(_("cannot read the edited prompt: %s"), strerror(errno));
		return -1;
	}
	while (b.len > 0 && (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == '\r'))
		b.len--; /* editors end the file with a newline */
	b.data[b.len] = '\0';
	*out = buf_detach(&b, NULL);
	return 0;
}

int
tty_edit(const char *text, char **out, char **cause)
{
	const char *editor = getenv("VISUAL"), *dir = getenv("TMPDIR");
	char *path;
	int fd, st, r = -1;

	if (editor == NULL || *editor == '\0')
		editor = getenv("EDITOR");
	if (editor == NULL || *editor == '\0')
		editor = "vi";
	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	path = xasprintf("%s/confab-prompt-XXXXXX.md", dir);
	if ((fd = mkstemps(path, 3)) < 0) {
		*cause = xasprintf(_("cannot make a file to edit in '%s': %s"), dir,
		    strerror(errno));
		free(path);
		return -1;
	}
	fchmod(fd, 0600);
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		*cause = xasprintf(_("cannot write '%s': %s"), path, strerror(errno));
	else if ((st = tty_run_editor(editor, path)) != 0)
		*cause = st < 0 ?
		    xasprintf(_("cannot run the editor '%s'"), editor) :
		    xasprintf(_("the editor '%s' exited with status %d; the input is unchanged"),
			editor, st);
	else
		r = tty_edit_read(fd, out, cause);
	close(fd);
	unlink(path);
	free(path);
	return r;
}
