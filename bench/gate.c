/*
 * gate.c: how long the consent gate (app_gate) takes, the check every request
 * that carries a prompt passes immediately before it is sent.
 *
 * Build and run:  make bench/gate && XDG_DATA_HOME=$(mktemp -d) \
 *     XDG_CONFIG_HOME=$(mktemp -d) CONFAB_DATADIR=../assets bench/gate [EVENTS]
 * It accepts the bundled Terms in a fresh store, appends EVENTS more ledger
 * events (default 1000: a long-used store), then times 2000 gate checks.
 */
#include "common.h"

#include <time.h>

#include "app.h"
#include "consent.h"

/* Microseconds on the monotonic clock. */
static double
gate_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* Append one event of kind to the ledger; exits on failure. */
static void
gate_record(struct store *st, const struct terms *t, const char *kind)
{
	struct consent_event ev = { .kind = xstrdup(kind), .method = xstrdup("bench"),
		.age_answer = strcmp(kind, "accept") == 0 ? xstrdup("yes") : NULL,
		.shown_bytes = -1, .duration_ms = -1 };
	char *cause = NULL;

	if (consent_record(st, t, &ev, &cause) != 0)
		fatal("%s", cause);
	consent_event_release(&ev);
}

int
main(int argc, char **argv)
{
	struct config_flags flags = { 0 };
	struct app app = { 0 };
	struct consent_current cur;
	struct store *st;
	char *cause = NULL;
	long events = argc > 1 ? strtol(argv[1], NULL, 10) : 1000, i;
	const long n = 2000;
	double t0, best = 1e18, total = 0, t;

	if (config_load(&app.cfg, &flags, &cause) != 0 || (st = app_store(&app, &cause)) == NULL ||
	    consent_current_load(&app.cfg, st, &cur, &cause) != 0)
		fatal("%s", cause);
	for (i = 0; i < events; i++)
		gate_record(st, cur.terms, "view");
	gate_record(st, cur.terms, "age");
	gate_record(st, cur.terms, "accept");
	for (i = 0; i < n; i++) {
		t0 = gate_now_us();
		if (app_gate(&app, &cause) != 0)
			fatal("the gate is closed: %s", cause);
		t = gate_now_us() - t0;
		total += t;
		best = t < best ? t : best;
	}
	printf("app_gate: %ld checks, %ld ledger events, Terms %zu bytes: mean %.1f us, best "
	    "%.1f us\n", n, events + 2, cur.terms->len, total / (double)n, best);
	consent_current_release(&cur);
	app_release(&app);
	return 0;
}
