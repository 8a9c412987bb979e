/*
 * backoff.h: the one retry backoff policy (HTTP retries, the feedback
 * outbox): a first wait doubling on each failure up to a ceiling, less up
 * to a quarter of random jitter so that processes do not retry in step.
 *
 * Pure: no I/O but backoff_seed(). The jitter comes from a small PRNG whose
 * state the caller owns (backoff_delay), or from one per-process state
 * seeded on first use (backoff_next); rand() is never used.
 */
#ifndef CONFAB_BACKOFF_H
#define CONFAB_BACKOFF_H

#include <stdint.h>

struct backoff_policy {
	int64_t first_ms; /* the wait after the first failure */
	int64_t max_ms;	  /* the longest wait */
};

/* HTTP retries: 0.5 s doubling up to 8 s. */
extern const struct backoff_policy backoff_http;

/* The feedback outbox: 15 s doubling up to an hour. */
extern const struct backoff_policy backoff_outbox;

/* A seed that differs between processes: getrandom(), else time ^ pid. Never 0. */
uint64_t backoff_seed(void);

/*
 * The wait after failure number attempt (1-based; less than 1 counts as 1):
 * min(first * 2^(attempt-1), max) less up to 25% jitter drawn from *state,
 * which it advances. A zero *state is seeded first.
 */
int64_t backoff_delay(const struct backoff_policy *p, int64_t attempt, uint64_t *state);

/* backoff_delay() with the process's own state, seeded on first use. */
int64_t backoff_next(const struct backoff_policy *p, int64_t attempt);

#endif
