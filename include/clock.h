/*
 * clock.h: a monotonic clock in milliseconds, for time-outs, retries,
 * latencies and how long the consent screens were open.
 */
#ifndef CONFAB_CLOCK_H
#define CONFAB_CLOCK_H

#include <stdint.h>

/* Milliseconds on the monotonic clock (an arbitrary start, never going back). */
int64_t clock_ms(void);

#endif
