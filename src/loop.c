/* loop.c: the one event loop: network, terminal, signals. */
#include "common.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include "clock.h"
#include "http.h"
#include "loop.h"

#define LOOP_MAX_FDS 8
#define LOOP_MAX_TIMERS 8
#define LOOP_MAX_EXTRA 4 /* signals added by loop_catch() and loop_ignore() */

static const int loop_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGWINCH };

struct loop {
	struct http *http;
	int sigpipe[2];
	struct {
		int fd;
		loop_fd_fn fn;
		void *arg;
	} fds[LOOP_MAX_FDS];
	int nfds;
	loop_signal_fn on_signal;
	void *signal_arg;
	struct sigaction old[nitems(loop_signals)];
	struct {
		int sig;
		struct sigaction old;
	} extra[LOOP_MAX_EXTRA];
	int nextra;
	struct {
		int ms; /* 0: a free slot */
		int64_t due;
		void (*fn)(void *);
		void *arg;
	} timers[LOOP_MAX_TIMERS];
	void (*idle_fn)(void *);
	void *idle_arg;
	bool stop;
};

static int loop_signal_fd = -1;

/* The only thing a handler does: note the signal in the self-pipe. */
static void
loop_handler(int sig)
{
	unsigned char c = (unsigned char)sig;
	int saved = errno;

	if (loop_signal_fd >= 0)
		(void)!write(loop_signal_fd, &c, 1);
	errno = saved;
}

struct loop *
loop_new(void)
{
	struct loop *l = xcalloc(1, sizeof *l);
	struct sigaction sa;
	size_t i;

	l->http = http_new();
	if (pipe(l->sigpipe) != 0)
		fatal(_("cannot create a pipe: %s"), strerror(errno));
	for (i = 0; i < 2; i++) {
		fcntl(l->sigpipe[i], F_SETFL, fcntl(l->sigpipe[i], F_GETFL) | O_NONBLOCK);
		fcntl(l->sigpipe[i], F_SETFD, FD_CLOEXEC);
	}
	loop_signal_fd = l->sigpipe[1];
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = loop_handler;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (i = 0; i < nitems(loop_signals); i++)
		sigaction(loop_signals[i], &sa, &l->old[i]);
	return l;
}

void
loop_free(struct loop *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < nitems(loop_signals); i++)
		sigaction(loop_signals[i], &l->old[i], NULL);
	while (l->nextra > 0) {
		l->nextra--;
		sigaction(l->extra[l->nextra].sig, &l->extra[l->nextra].old, NULL);
	}
	loop_signal_fd = -1;
	http_free(l->http);
	close(l->sigpipe[0]);
	close(l->sigpipe[1]);
	free(l);
}

/* Give sig the handler fn until loop_free(), keeping what it had before. */
static void
loop_take_signal(struct loop *l, int sig, void (*fn)(int))
{
	struct sigaction sa;

	if (l->nextra == LOOP_MAX_EXTRA)
		BUG("too many extra signals in the event loop (LOOP_MAX_EXTRA)");
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	l->extra[l->nextra].sig = sig;
	sigaction(sig, &sa, &l->extra[l->nextra].old);
	l->nextra++;
}

void
loop_catch(struct loop *l, int sig)
{
	loop_take_signal(l, sig, loop_handler);
}

void
loop_ignore(struct loop *l, int sig)
{
	loop_take_signal(l, sig, SIG_IGN);
}

struct http *
loop_http(struct loop *l)
{
	return l->http;
}

void
loop_add_fd(struct loop *l, int fd, loop_fd_fn fn, void *arg)
{
	if (l->nfds == LOOP_MAX_FDS)
		BUG("too many descriptors in the event loop (LOOP_MAX_FDS)");
	l->fds[l->nfds].fd = fd;
	l->fds[l->nfds].fn = fn;
	l->fds[l->nfds].arg = arg;
	l->nfds++;
}

void
loop_remove_fd(struct loop *l, int fd)
{
	int i;

	for (i = 0; i < l->nfds; i++)
		if (l->fds[i].fd == fd) {
			memmove(&l->fds[i], &l->fds[i + 1],
			    (size_t)(l->nfds - i - 1) * sizeof l->fds[0]);
			l->nfds--;
			return;
		}
}

void
loop_on_signal(struct loop *l, loop_signal_fn fn, void *arg)
{
	l->on_signal = fn;
	l->signal_arg = arg;
}

int
loop_add_timer(struct loop *l, int interval_ms, void (*fn)(void *arg), void *arg)
{
	int i;

	for (i = 0; i < LOOP_MAX_TIMERS; i++)
		if (l->timers[i].ms == 0) {
			l->timers[i].ms = interval_ms > 0 ? interval_ms : 1;
			l->timers[i].due = clock_ms() + l->timers[i].ms;
			l->timers[i].fn = fn;
			l->timers[i].arg = arg;
			return i;
		}
	BUG("too many timers in the event loop (LOOP_MAX_TIMERS)");
}

void
loop_remove_timer(struct loop *l, int id)
{
	if (id >= 0 && id < LOOP_MAX_TIMERS)
		l->timers[id].ms = 0;
}

/* Run the timers that are due; return the milliseconds to the next, or -1. */
static int
loop_timeout(struct loop *l)
{
	int64_t now = clock_ms(), next = -1;
	int i;

	for (i = 0; i < LOOP_MAX_TIMERS; i++) {
		if (l->timers[i].ms == 0)
			continue;
		if (now >= l->timers[i].due) {
			l->timers[i].due = now + l->timers[i].ms;
			l->timers[i].fn(l->timers[i].arg);
		}
		if (l->timers[i].ms != 0 && (next < 0 || l->timers[i].due - now < next))
			next = l->timers[i].due - now;
	}
	return next < 0 ? -1 : (int)(next > 0 ? next : 0);
}

void
loop_set_idle(struct loop *l, void (*fn)(void *arg), void *arg)
{
	l->idle_fn = fn;
	l->idle_arg = arg;
}

void
loop_stop(struct loop *l)
{
	l->stop = true;
	http_wakeup(l->http);
}

/* Read the self-pipe and hand each signal to the callback. */
static void
loop_signals_dispatch(struct loop *l)
{
	unsigned char sigs[16];
	ssize_t n, i;

	while ((n = read(l->sigpipe[0], sigs, sizeof sigs)) > 0)
		for (i = 0; i < n; i++)
			if (l->on_signal != NULL)
				l->on_signal(sigs[i], l->signal_arg);
}

int
loop_run(struct loop *l)
{
	struct pollfd pfd[LOOP_MAX_FDS + 1];
	int i, n;

	l->stop = false;
	while (!l->stop && (http_pending(l->http) > 0 || l->nfds > 0)) {
		pfd[0].fd = l->sigpipe[0];
		pfd[0].events = POLLIN;
		for (i = 0; i < l->nfds; i++) {
			pfd[i + 1].fd = l->fds[i].fd;
			pfd[i + 1].events = POLLIN;
		}
		n = l->nfds;
		if (http_poll(l->http, pfd, (unsigned int)n + 1, loop_timeout(l)) != 0)
			return -1;
		if (pfd[0].revents & POLLIN)
			loop_signals_dispatch(l);
		for (i = 0; i < n && i < l->nfds; i++)
			if (pfd[i + 1].revents & POLLIN)
				l->fds[i].fn(l->fds[i].fd, l->fds[i].arg);
		if (l->idle_fn != NULL)
			l->idle_fn(l->idle_arg);
	}
	return 0;
}
