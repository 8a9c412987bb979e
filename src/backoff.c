/* backoff.c: exponential backoff with seeded jitter (see backoff.h). */
#include "common.h"

#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "backoff.h"

const struct backoff_policy backoff_http = { 500, 8000 };
const struct backoff_policy backoff_outbox = { 15000, 3600000 };

static uint64_t backoff_state;

uint64_t
backoff_seed(void)
{
	uint64_t seed = 0;

	if (getrandom(&seed, sizeof seed, GRND_NONBLOCK) != (ssize_t)sizeof seed)
		seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ (uint64_t)clock();
	return seed != 0 ? seed : 0x9e3779b97f4a7c15ULL;
}

/* splitmix64: the next 64 random bits from *state. */
static uint64_t
backoff_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

int64_t
backoff_delay(const struct backoff_policy *p, int64_t attempt, uint64_t *state)
{
	int64_t ms = p->first_ms;

	if (p->first_ms <= 0 || p->max_ms < p->first_ms)
		BUG("backoff_delay: a policy of %lld to %lld ms", (long long)p->first_ms,
		    (long long)p->max_ms);
	if (*state == 0)
		*state = backoff_seed();
	while (--attempt > 0 && ms < p->max_ms)
		ms *= 2;
	if (ms > p->max_ms)
		ms = p->max_ms;
	return ms - (int64_t)(backoff_random(state) % (uint64_t)(ms / 4 + 1));
}

int64_t
backoff_next(const struct backoff_policy *p, int64_t attempt)
{
	return backoff_delay(p, attempt, &backoff_state);
}
