/*
 * loop.h: the one event loop. It waits in http_poll() on the network, the
 * descriptors registered here (the terminal) and a signal self-pipe; it
 * dispatches what is ready, and stops when asked or when nothing is left to
 * wait for. Signal handlers only write to the self-pipe.
 */
#ifndef CONFAB_LOOP_H
#define CONFAB_LOOP_H

#include <stdbool.h>

struct loop;
struct http;

typedef void (*loop_fd_fn)(int fd, void *arg);
typedef void (*loop_signal_fn)(int sig, void *arg);

/* New loop; catches SIGINT, SIGTERM, SIGHUP and SIGWINCH until loop_free(). */
struct loop *loop_new(void);
void loop_free(struct loop *l); /* restores the signal dispositions */

/*
 * Also catch sig (SIGTSTP, SIGCONT) through the self-pipe and hand it to
 * the loop_on_signal() callback, or ignore it (SIGQUIT), until loop_free().
 * At most 4 such signals.
 */
void loop_catch(struct loop *l, int sig);
void loop_ignore(struct loop *l, int sig);

/* The transfers this loop drives. */
struct http *loop_http(struct loop *l);

/* Call fn when fd is readable. At most 8 descriptors. */
void loop_add_fd(struct loop *l, int fd, loop_fd_fn fn, void *arg);
void loop_remove_fd(struct loop *l, int fd);

/* Call fn for each caught signal, from the loop (not from the handler). */
void loop_on_signal(struct loop *l, loop_signal_fn fn, void *arg);

/* Call fn every interval_ms from the loop, until loop_remove_timer(). At most 8. */
int loop_add_timer(struct loop *l, int interval_ms, void (*fn)(void *arg), void *arg);
void loop_remove_timer(struct loop *l, int id);

/* Call fn after each round of dispatching (the UI redraws there). */
void loop_set_idle(struct loop *l, void (*fn)(void *arg), void *arg);

/* Run until loop_stop(), or until no transfer and no descriptor is left. */
int loop_run(struct loop *l);
void loop_stop(struct loop *l);

#endif
