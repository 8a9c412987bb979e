/* test-backoff.c: unit tests for the retry backoff policy (backoff.c). */
#include "common.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "backoff.h"

/* Every wait lies within [base * 3/4, base], base doubling up to the ceiling. */
static void
test_bounds(void **state)
{
	const struct backoff_policy p = { 500, 8000 };
	int64_t base = 500, attempt, ms;
	uint64_t rng = 42;
	int i;

	(void)state;
	for (attempt = 1; attempt <= 40; attempt++) {
		for (i = 0; i < 200; i++) {
			ms = backoff_delay(&p, attempt, &rng);
			assert_true(ms <= base);
			assert_true(ms >= base - base / 4);
		}
		if (base < p.max_ms)
			base *= 2;
	}
}

/* Attempt 0 or less counts as the first; a huge attempt stays at the ceiling. */
static void
test_edges(void **state)
{
	uint64_t rng = 7;
	int64_t ms;

	(void)state;
	ms = backoff_delay(&backoff_outbox, 0, &rng);
	assert_true(ms <= 15000 && ms >= 15000 - 15000 / 4);
	ms = backoff_delay(&backoff_outbox, INT64_MAX, &rng);
	assert_true(ms <= 3600000 && ms >= 3600000 - 3600000 / 4);
	ms = backoff_delay(&backoff_http, 1, &rng);
	assert_true(ms <= 500 && ms >= 375);
}

/* The same seed gives the same waits; another seed gives other waits. */
static void
test_jitter_seeds(void **state)
{
	uint64_t a = 1, b = 1, c = 2;
	int same_ab = 0, same_ac = 0, i;

	(void)state;
	for (i = 0; i < 32; i++) {
		int64_t x = backoff_delay(&backoff_outbox, 5, &a);
		int64_t y = backoff_delay(&backoff_outbox, 5, &b);
		int64_t z = backoff_delay(&backoff_outbox, 5, &c);

		same_ab += x == y;
		same_ac += x == z;
	}
	assert_int_equal(same_ab, 32);
	assert_true(same_ac < 4);
}

/* The jitter varies: waits for one attempt are not all equal. */
static void
test_jitter_varies(void **state)
{
	uint64_t rng = 0; /* seeded from the system on first use */
	int64_t first = backoff_delay(&backoff_outbox, 3, &rng);
	int i, differ = 0;

	(void)state;
	assert_true(rng != 0);
	for (i = 0; i < 32; i++)
		differ += backoff_delay(&backoff_outbox, 3, &rng) != first;
	assert_true(differ > 0);
}

/* Two seeds taken from the system differ (getrandom, else time ^ pid). */
static void
test_seed(void **state)
{
	uint64_t a = backoff_seed(), b = backoff_seed();

	(void)state;
	assert_true(a != 0 && b != 0);
	assert_true(a != b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_jitter_seeds),
		cmocka_unit_test(test_jitter_varies),
		cmocka_unit_test(test_seed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
