/* test-consent.c: unit tests for consent state, the ledger and the gate (consent.c, store.c). */
#include "common.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "consent.h"
#include "store.h"
#include "store-internal.h"
#include "terms.h"

/* A string literal as pointer and length. */
#define S(lit) (lit), (sizeof(lit) - 1)

#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

#define V1_TEXT \
	"Test Terms of Service\n\n" \
	"Last updated: January 1, 2025\n\n" \
	"Welcome.\n\n" \
	"I. First Things\n\n" \
	"You must be an adult.\n\n" \
	"II. Second Things\n\n" \
	"Be nice.\n"

/* v1 with section II changed and a new date. */
#define V2_TEXT \
	"Test Terms of Service\n\n" \
	"Last updated: February 2, 2025\n\n" \
	"Welcome.\n\n" \
	"I. First Things\n\n" \
	"You must be an adult.\n\n" \
	"II. Second Things\n\n" \
	"Be nice, always.\n"

static char tmpdir[] = "/tmp/confab-test-consent-XXXXXX";
static int test_no;
static int have_sqlite3;

/* Per test: a store in a fresh directory, and the two versions. */
struct fixture {
	char *dir;
	char *db;
	struct store *st;
	struct terms *v1, *v2;
};

static struct terms *
parse_ok(const char *s, size_t len)
{
	char *cause = NULL;
	struct terms *t = terms_parse(s, len, &cause);

	if (t == NULL)
		fail_msg("terms_parse: %s", cause);
	return t;
}

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	char *cause = NULL;

	f->dir = xasprintf("%s/t%d", tmpdir, ++test_no);
	f->db = xasprintf("%s/data/confab.db", f->dir);
	if (mkdir(f->dir, 0700) != 0)
		return -1;
	f->st = store_open(f->db, &cause);
	if (f->st == NULL) {
		fprintf(stderr, "store_open: %s\n", cause);
		free(cause);
		return -1;
	}
	f->v1 = parse_ok(S(V1_TEXT));
	f->v2 = parse_ok(S(V2_TEXT));
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	store_close(f->st);
	terms_free(f->v1);
	terms_free(f->v2);
	free(f->db);
	free(f->dir);
	free(f);
	return 0;
}

/* Record an event of this kind for t; returns its id. */
static int64_t
record(struct store *st, const struct terms *t, const char *kind)
{
	struct consent_event ev = {
		.kind = xstrdup(kind),
		.method = xstrdup("unit-test"),
		.age_answer = strcmp(kind, "age") == 0 ? xstrdup("yes") : NULL,
		.shown_bytes = -1,
		.duration_ms = 1500,
		.viewer = xstrdup("summary"),
	};
	char *cause = NULL;
	int64_t id;

	if (consent_record(st, t, &ev, &cause) != 0)
		fail_msg("consent_record %s: %s", kind, cause);
	assert_null(cause);
	id = ev.id;
	consent_event_release(&ev);
	return id;
}

static enum consent_state
state_of(struct store *st, const struct terms *t)
{
	struct consent_status cs;
	char *cause = NULL;
	enum consent_state s;

	if (consent_status_get(st, t, &cs, &cause) != 0)
		fail_msg("consent_status_get: %s", cause);
	s = cs.state;
	consent_status_release(&cs);
	return s;
}

static void
assert_contains(const char *s, const char *sub)
{
	if (s == NULL || strstr(s, sub) == NULL)
		fail_msg("\"%s\" does not contain \"%s\"", s != NULL ? s : "(null)", sub);
}

/* Run a shell command; fail the test unless it exits 0. */
static void
run(const char *fmt, ...)
{
	va_list ap;
	char *cmd;
	int r;

	va_start(ap, fmt);
	cmd = xvasprintf(fmt, ap);
	va_end(ap);
	r = system(cmd);
	if (r != 0)
		fail_msg("'%s' failed (%d)", cmd, r);
	free(cmd);
}

/* Read a whole file (caller frees). */
static char *
slurp(const char *path, size_t *len)
{
	struct buf b;
	char *cause = NULL;

	buf_init(&b, 0);
	if (buf_read_file(&b, path, &cause) != 0)
		fail_msg("%s", cause);
	return buf_detach(&b, len);
}

/* ---- state and gate -------------------------------------------------------- */

static void
test_state_none(void **state)
{
	struct fixture *f = *state;
	struct consent_status cs;
	char *cause = NULL;

	assert_int_equal(consent_status_get(f->st, f->v1, &cs, &cause), 0);
	assert_int_equal(cs.state, CONSENT_NONE);
	assert_null(cs.last.kind);
	assert_null(cs.accepted.kind);
	assert_null(cs.accepted_terms);
	assert_null(cs.diff);
	consent_status_release(&cs);

	assert_int_equal(consent_gate(f->st, f->v1, &cause), -1);
	assert_contains(cause, "confab terms");
	assert_contains(cause, "not accepted");
	assert_contains(cause, f->v1->short_hash);
	free(cause);
	assert_string_equal(consent_state_name(CONSENT_NONE), "NONE");
}

/* Events that decide nothing (viewing, the age answer) leave the state alone. */
static void
test_state_not_decisive(void **state)
{
	struct fixture *f = *state;
	char *cause = NULL;

	record(f->st, f->v1, "view");
	record(f->st, f->v1, "age");
	assert_int_equal(state_of(f->st, f->v1), CONSENT_NONE);
	assert_int_equal(consent_gate(f->st, f->v1, &cause), -1);
	free(cause);
	cause = NULL;
	record(f->st, f->v1, "accept");
	record(f->st, f->v1, "view");
	assert_int_equal(state_of(f->st, f->v1), CONSENT_ACCEPTED);
	assert_int_equal(consent_gate(f->st, f->v1, &cause), 0);
	assert_null(cause);
}

static void
test_accept(void **state)
{
	struct fixture *f = *state;
	struct consent_event ev = {
		.kind = xstrdup("accept"),
		.method = xstrdup("flag"),
		.age_answer = xstrdup("yes"),
		.shown_bytes = 10,
		.duration_ms = -1,
		.viewer = xstrdup("summary"),
	};
	struct consent_status cs;
	char *cause = NULL, *h, *body;
	size_t len = 0;

	assert_int_equal(consent_record(f->st, f->v1, &ev, &cause), 0);
	assert_null(cause);
	assert_int_equal(ev.id, 1);
	assert_string_equal(ev.terms_sha256, f->v1->sha256);
	assert_string_equal(ev.terms_date, "January 1, 2025");
	assert_int_equal(ev.total_bytes, (int64_t)f->v1->len);
	assert_string_equal(ev.prev_hash, ZERO_HASH);
	h = consent_event_hash(&ev);
	assert_string_equal(ev.hash, h);
	free(h);
	assert_non_null(ev.os_user);
	assert_string_equal(ev.client_version, PACKAGE_NAME " " PACKAGE_VERSION);
	/* "2026-11-27T05:00:00.123Z" */
	assert_int_equal(strlen(ev.at), 24);
	assert_int_equal(ev.at[10], 'T');
	assert_int_equal(ev.at[19], '.');
	assert_int_equal(ev.at[23], 'Z');
	consent_event_release(&ev);

	assert_int_equal(consent_status_get(f->st, f->v1, &cs, &cause), 0);
	assert_int_equal(cs.state, CONSENT_ACCEPTED);
	assert_string_equal(cs.last.kind, "accept");
	assert_string_equal(cs.last.method, "flag");
	assert_string_equal(cs.last.age_answer, "yes");
	assert_int_equal(cs.last.shown_bytes, 10);
	assert_int_equal(cs.last.duration_ms, -1);
	assert_string_equal(cs.accepted.terms_sha256, f->v1->sha256);
	assert_null(cs.diff);
	assert_null(cs.accepted_terms);
	consent_status_release(&cs);

	assert_int_equal(consent_gate(f->st, f->v1, &cause), 0);
	assert_null(cause);
	assert_string_equal(consent_state_name(CONSENT_ACCEPTED), "ACCEPTED");

	/* the accepted text is kept in full */
	body = store_terms_get(f->st, f->v1->sha256, &len, &cause);
	assert_non_null(body);
	assert_null(cause);
	assert_int_equal(len, f->v1->len);
	assert_memory_equal(body, f->v1->text, len);
	free(body);
}

/* Accepted v1, v2 is current: OUTDATED, with a diff naming section II. */
static void
test_outdated(void **state)
{
	struct fixture *f = *state;
	struct consent_status cs;
	char *cause = NULL;
	size_t i, nchanged = 0;

	record(f->st, f->v1, "accept");
	assert_int_equal(consent_status_get(f->st, f->v2, &cs, &cause), 0);
	assert_int_equal(cs.state, CONSENT_OUTDATED);
	assert_non_null(cs.diff);
	assert_non_null(cs.accepted_terms);
	assert_string_equal(cs.accepted_terms->sha256, f->v1->sha256);
	assert_int_equal(cs.diff->nchanged, 1);
	assert_int_equal(cs.diff->date_changed, 1);
	for (i = 0; i < cs.diff->nsections; i++)
		if (cs.diff->sections[i].kind != TERMS_SAME) {
			nchanged++;
			assert_int_equal(cs.diff->sections[i].kind, TERMS_CHANGED);
			assert_string_equal(terms_section_name(f->v2,
						cs.diff->sections[i].new_index),
			    "II. Second Things");
		}
	assert_int_equal(nchanged, 1);
	consent_status_release(&cs);

	assert_int_equal(consent_gate(f->st, f->v2, &cause), -1);
	assert_contains(cause, "II. Second Things");
	assert_contains(cause, "changed");
	assert_contains(cause, "confab terms");
	assert_contains(cause, "January 1, 2025");
	assert_contains(cause, "February 2, 2025");
	free(cause);
	cause = NULL;
	assert_string_equal(consent_state_name(CONSENT_OUTDATED), "OUTDATED");

	/* still accepted for v1, and accepting v2 settles it */
	assert_int_equal(consent_gate(f->st, f->v1, &cause), 0);
	record(f->st, f->v2, "accept");
	assert_int_equal(state_of(f->st, f->v2), CONSENT_ACCEPTED);
	assert_int_equal(state_of(f->st, f->v1), CONSENT_OUTDATED);
	assert_int_equal(consent_gate(f->st, f->v2, &cause), 0);
	assert_null(cause);
}

/* Only the date changed: still a new version that must be accepted. */
static void
test_outdated_date_only(void **state)
{
	struct fixture *f = *state;
	struct terms *v3 = parse_ok(
	    S("Test Terms of Service\n\nLast updated: March 3, 2025\n\n"
	      "Welcome.\n\nI. First Things\n\nYou must be an adult.\n\nII. Second Things\n\n"
	      "Be nice.\n"));
	char *cause = NULL;

	record(f->st, f->v1, "accept");
	assert_int_equal(state_of(f->st, v3), CONSENT_OUTDATED);
	assert_int_equal(consent_gate(f->st, v3, &cause), -1);
	assert_contains(cause, "Last updated");
	free(cause);
	terms_free(v3);
}

static void
test_withdraw(void **state)
{
	struct fixture *f = *state;
	struct consent_status cs;
	char *cause = NULL;

	record(f->st, f->v1, "accept");
	record(f->st, f->v1, "withdraw");
	assert_int_equal(consent_status_get(f->st, f->v1, &cs, &cause), 0);
	assert_int_equal(cs.state, CONSENT_WITHDRAWN);
	assert_string_equal(cs.last.kind, "withdraw");
	assert_string_equal(cs.accepted.kind, "accept");
	consent_status_release(&cs);
	assert_int_equal(consent_gate(f->st, f->v1, &cause), -1);
	assert_contains(cause, "withdrew");
	assert_contains(cause, "confab terms");
	free(cause);
	cause = NULL;
	assert_string_equal(consent_state_name(CONSENT_WITHDRAWN), "WITHDRAWN");

	/* accepting again lets requests out again */
	record(f->st, f->v1, "accept");
	assert_int_equal(consent_gate(f->st, f->v1, &cause), 0);
	assert_null(cause);
}

static void
test_decline(void **state)
{
	struct fixture *f = *state;
	char *cause = NULL;

	record(f->st, f->v1, "decline");
	assert_int_equal(state_of(f->st, f->v1), CONSENT_DECLINED);
	assert_int_equal(consent_gate(f->st, f->v1, &cause), -1);
	assert_contains(cause, "declined");
	assert_contains(cause, "confab terms");
	free(cause);
	cause = NULL;
	assert_string_equal(consent_state_name(CONSENT_DECLINED), "DECLINED");

	record(f->st, f->v1, "accept");
	assert_int_equal(state_of(f->st, f->v1), CONSENT_ACCEPTED);
	record(f->st, f->v2, "decline");
	assert_int_equal(state_of(f->st, f->v1), CONSENT_DECLINED);
	assert_int_equal(state_of(f->st, f->v2), CONSENT_DECLINED);
	assert_int_equal(consent_gate(f->st, f->v1, &cause), -1);
	free(cause);
}

/*
 * consent_record frees the fields it fills; when it then fails (here: a
 * transaction is already open) the event must not keep a freed pointer, or
 * consent_event_release frees it twice.
 */
static void
test_record_failure_leaves_event_releasable(void **state)
{
	struct fixture *f = *state;
	struct consent_event ev = { .kind = xstrdup("view"), .shown_bytes = -1, .duration_ms = -1 };
	char *cause = NULL, *old_at, *old_prev, *old_hash;
	int r, at_dangles, prev_dangles, hash_dangles;

	assert_int_equal(consent_record(f->st, f->v1, &ev, &cause), 0);
	old_at = ev.at;
	old_prev = ev.prev_hash;
	old_hash = ev.hash;
	assert_int_equal(store_begin(f->st, &cause), 0);
	r = consent_record(f->st, f->v1, &ev, &cause);
	store_rollback(f->st);
	/* compare addresses only: never read through them */
	at_dangles = ev.at != NULL && ev.at == old_at;
	prev_dangles = ev.prev_hash != NULL && ev.prev_hash == old_prev;
	hash_dangles = ev.hash != NULL && ev.hash == old_hash;
	if (at_dangles)
		ev.at = NULL;
	if (prev_dangles)
		ev.prev_hash = NULL;
	if (hash_dangles)
		ev.hash = NULL;
	consent_event_release(&ev);
	assert_int_equal(r, -1);
	assert_non_null(cause);
	free(cause);
	assert_false(at_dangles);
	assert_false(prev_dangles);
	assert_false(hash_dangles);
	/* the failed attempt recorded nothing */
	{
		int64_t count = -1, bad = -1;

		cause = NULL;
		assert_int_equal(consent_verify(f->st, &count, &bad, &cause), 0);
		assert_int_equal(count, 1);
	}
}

/* No store or no Terms: the gate fails closed. */
static void
test_gate_fails_closed(void **state)
{
	struct fixture *f = *state;
	char *cause = NULL;

	assert_int_equal(consent_gate(NULL, f->v1, &cause), -1);
	assert_contains(cause, "nothing was sent");
	free(cause);
	cause = NULL;
	assert_int_equal(consent_gate(f->st, NULL, &cause), -1);
	assert_contains(cause, "nothing was sent");
	free(cause);
}

/*
 * Append an event written outside consent_record() (as a plain SQL INSERT
 * would): prev_hash and hash as given, or the true ones when NULL; the head
 * file is not touched.
 */
static void
forge(struct store *st, const struct terms *t, const char *kind, const char *prev, const char *hash)
{
	struct consent_event ev = {
		.kind = xstrdup(kind),
		.terms_sha256 = xstrdup(t->sha256),
		.terms_date = xstrdup(t->date_label),
		.at = xstrdup("2026-01-01T00:00:00.000Z"),
		.shown_bytes = -1,
		.total_bytes = -1,
		.duration_ms = -1,
	};
	char *cause = NULL;

	ev.prev_hash = prev != NULL ? xstrdup(prev) : store_ledger_head(st, &cause);
	ev.hash = hash != NULL ? xstrdup(hash) : consent_event_hash(&ev);
	if (store_ledger_insert(st, &ev, &cause) != 0)
		fail_msg("insert: %s", cause);
	consent_event_release(&ev);
}

/* The gate checks the chain around the accept it opens on. */
static void
test_gate_chain(void **state)
{
	static const char bogus[] =
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	static const char feed[] =
	    "feedfeedfeedfeedfeedfeedfeedfeedfeedfeedfeedfeedfeedfeedfeedfeed";
	struct fixture *f = *state;
	char *cause = NULL, *head;

	record(f->st, f->v1, "accept");
	assert_int_equal(consent_gate(f->st, f->v1, &cause), 0);
	record(f->st, f->v1, "view"); /* the accept is no longer the newest */
	assert_int_equal(consent_gate(f->st, f->v1, &cause), 0);
	assert_null(cause);

	/* a later event that does not follow the one before it */
	forge(f->st, f->v1, "view", bogus, NULL);
	assert_int_equal(consent_gate(f->st, f->v1, &cause), -1);
	assert_contains(cause, "head recorded beside the store");
	assert_contains(cause, "'confab terms verify'");
	free(cause);
	cause = NULL;

	/* an accept with a made-up hash */
	forge(f->st, f->v1, "accept", NULL, feed);
	assert_int_equal(consent_gate(f->st, f->v1, &cause), -1);
	assert_contains(cause, "does not match its hash");
	assert_contains(cause, "nothing was sent");
	free(cause);
	cause = NULL;

	/* an accept with a true hash but a made-up link */
	forge(f->st, f->v1, "accept", bogus, NULL);
	assert_int_equal(consent_gate(f->st, f->v1, &cause), -1);
	assert_contains(cause, "does not follow event");
	free(cause);
	cause = NULL;

	/* a well-formed accept that confab did not write: only the head file tells */
	forge(f->st, f->v1, "accept", NULL, NULL);
	assert_int_equal(consent_gate(f->st, f->v1, &cause), -1);
	assert_contains(cause, "head recorded beside the store");
	free(cause);
	cause = NULL;

	/* an accept recorded by confab opens the gate again */
	record(f->st, f->v1, "accept");
	assert_int_equal(consent_gate(f->st, f->v1, &cause), 0);

	/* a missing head file, once the store keeps one: closed */
	head = consent_head_path(f->st);
	assert_int_equal(unlink(head), 0);
	assert_int_equal(consent_gate(f->st, f->v1, &cause), -1);
	assert_contains(cause, "is missing");
	assert_contains(cause, "'confab terms verify --repair-head'");
	free(cause);
	cause = NULL;

	/* a store older than the head file (not marked): written once, then kept */
	assert_int_equal(store_exec(f->st, "DELETE FROM meta WHERE key = '" CONSENT_HEAD_META "'",
			     &cause),
	    0);
	assert_int_equal(consent_gate(f->st, f->v1, &cause), 0);
	assert_int_equal(access(head, F_OK), 0);
	free(head);
	forge(f->st, f->v1, "accept", NULL, bogus);
	assert_int_equal(consent_gate(f->st, f->v1, &cause), -1);
	assert_contains(cause, "does not match its hash");
	free(cause);
}

/* The ledger cannot be read: not accepted. */
static void
test_gate_broken_store(void **state)
{
	struct fixture *f = *state;
	char *cause = NULL;

	if (!have_sqlite3)
		skip();
	record(f->st, f->v1, "accept");
	store_close(f->st);
	run("sqlite3 '%s' 'DROP TABLE consent_events'", f->db);
	f->st = store_open(f->db, &cause);
	assert_non_null(f->st);
	assert_int_equal(consent_gate(f->st, f->v1, &cause), -1);
	assert_contains(cause, "cannot be checked");
	free(cause);
}

/* OUTDATED but the accepted text is gone from the store: an error, gate closed. */
static void
test_gate_missing_accepted_text(void **state)
{
	struct fixture *f = *state;
	struct consent_status cs;
	char *cause = NULL;

	if (!have_sqlite3)
		skip();
	record(f->st, f->v1, "accept");
	store_close(f->st);
	run("sqlite3 '%s' \"DELETE FROM terms_versions WHERE sha256 = '%s'\"", f->db,
	    f->v1->sha256);
	f->st = store_open(f->db, &cause);
	assert_non_null(f->st);
	assert_int_equal(consent_status_get(f->st, f->v2, &cs, &cause), -1);
	assert_contains(cause, "missing");
	free(cause);
	cause = NULL;
	consent_status_release(&cs);
	assert_int_equal(consent_gate(f->st, f->v2, &cause), -1);
	assert_contains(cause, "cannot be checked");
	free(cause);
}

/* ---- the chain ------------------------------------------------------------ */

struct collected {
	struct consent_event ev[16];
	size_t n;
};

static int
collect(const struct consent_event *ev, void *arg)
{
	struct collected *c = arg;
	struct consent_event *d;

	assert_true(c->n < nitems(c->ev));
	d = &c->ev[c->n++];
	consent_event_copy(d, ev);
	return 0;
}

static void
collected_release(struct collected *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		consent_event_release(&c->ev[i]);
	c->n = 0;
}

static void
test_verify_intact(void **state)
{
	struct fixture *f = *state;
	struct collected c = { .n = 0 };
	int64_t count = -1, bad = -1;
	char *cause = NULL, *h;
	size_t i;

	assert_int_equal(consent_verify(f->st, &count, &bad, &cause), 0);
	assert_int_equal(count, 0);
	assert_int_equal(bad, 0);

	record(f->st, f->v1, "view");
	record(f->st, f->v1, "age");
	record(f->st, f->v1, "accept");
	record(f->st, f->v2, "view");
	record(f->st, f->v1, "withdraw");
	record(f->st, f->v2, "accept");
	assert_int_equal(consent_verify(f->st, &count, &bad, &cause), 0);
	assert_null(cause);
	assert_int_equal(count, 6);
	assert_int_equal(bad, 0);

	assert_int_equal(store_ledger_each(f->st, NULL, 0, collect, &c, &cause), 0);
	assert_int_equal(c.n, 6);
	assert_string_equal(c.ev[0].prev_hash, ZERO_HASH);
	for (i = 0; i < c.n; i++) {
		assert_int_equal(c.ev[i].id, (int64_t)i + 1);
		h = consent_event_hash(&c.ev[i]);
		assert_string_equal(c.ev[i].hash, h);
		free(h);
		if (i > 0)
			assert_string_equal(c.ev[i].prev_hash, c.ev[i - 1].hash);
	}
	assert_string_equal(c.ev[1].kind, "age");
	assert_string_equal(c.ev[1].age_answer, "yes");
	assert_null(c.ev[0].age_answer);
	assert_int_equal(c.ev[0].shown_bytes, -1);
	assert_int_equal(c.ev[0].duration_ms, 1500);
	assert_null(c.ev[0].detail);
	assert_string_equal(c.ev[3].terms_sha256, f->v2->sha256);
	collected_release(&c);

	/* newest first, and only the kinds asked for */
	{
		static const char *const kinds[] = { "accept", NULL };

		assert_int_equal(store_ledger_each(f->st, kinds, 1, collect, &c, &cause), 0);
		assert_int_equal(c.n, 2);
		assert_int_equal(c.ev[0].id, 6);
		assert_int_equal(c.ev[1].id, 3);
		collected_release(&c);
	}
}

/* Alter an event behind the store's back: verify names that event. */
static void
test_verify_altered_event(void **state)
{
	struct fixture *f = *state;
	int64_t count = -1, bad = -1;
	char *cause = NULL;

	if (!have_sqlite3)
		skip();
	record(f->st, f->v1, "view");
	record(f->st, f->v1, "accept");
	record(f->st, f->v1, "view");
	store_close(f->st);
	run("sqlite3 '%s' 'DROP TRIGGER consent_events_no_update; "
	    "UPDATE consent_events SET method = \"forged\" WHERE id = 2'",
	    f->db);
	f->st = store_open(f->db, &cause);
	assert_non_null(f->st);
	assert_int_equal(consent_verify(f->st, &count, &bad, &cause), -1);
	assert_int_equal(bad, 2);
	assert_contains(cause, "event 2");
	assert_contains(cause, "altered");
	free(cause);
}

/* Remove an event: the next one no longer follows its predecessor. */
static void
test_verify_removed_event(void **state)
{
	struct fixture *f = *state;
	int64_t count = -1, bad = -1;
	char *cause = NULL;

	if (!have_sqlite3)
		skip();
	record(f->st, f->v1, "view");
	record(f->st, f->v1, "accept");
	record(f->st, f->v1, "withdraw");
	store_close(f->st);
	run("sqlite3 '%s' 'DROP TRIGGER consent_events_no_delete; "
	    "DELETE FROM consent_events WHERE id = 2'",
	    f->db);
	f->st = store_open(f->db, &cause);
	assert_non_null(f->st);
	assert_int_equal(consent_verify(f->st, &count, &bad, &cause), -1);
	assert_int_equal(bad, 3);
	assert_contains(cause, "event 3");
	assert_contains(cause, "broken");
	free(cause);
}

/* Alter an accepted text: verify notices that it no longer hashes to its name. */
static void
test_verify_altered_text(void **state)
{
	struct fixture *f = *state;
	int64_t count = -1, bad = -1;
	char *cause = NULL;

	if (!have_sqlite3)
		skip();
	record(f->st, f->v1, "accept");
	store_close(f->st);
	run("sqlite3 '%s' \"UPDATE terms_versions SET body = body || 'More.'\"", f->db);
	f->st = store_open(f->db, &cause);
	assert_non_null(f->st);
	assert_int_equal(consent_verify(f->st, &count, &bad, &cause), -1);
	assert_int_equal(bad, 1);
	assert_contains(cause, f->v1->short_hash);
	assert_contains(cause, "altered");
	free(cause);
}

/* The ledger refuses UPDATE and DELETE through SQL. */
static void
test_ledger_append_only(void **state)
{
	struct fixture *f = *state;
	char *cause = NULL, *cmd;
	int64_t count, bad;

	if (!have_sqlite3)
		skip();
	record(f->st, f->v1, "accept");
	store_close(f->st);
	cmd = xasprintf("sqlite3 '%s' 'DELETE FROM consent_events' 2>/dev/null", f->db);
	assert_int_not_equal(system(cmd), 0);
	free(cmd);
	cmd = xasprintf("sqlite3 '%s' \"UPDATE consent_events SET kind = 'decline'\" "
			"2>/dev/null",
	    f->db);
	assert_int_not_equal(system(cmd), 0);
	free(cmd);
	f->st = store_open(f->db, &cause);
	assert_non_null(f->st);
	assert_int_equal(consent_verify(f->st, &count, &bad, &cause), 0);
	assert_int_equal(count, 1);
	assert_int_equal(state_of(f->st, f->v1), CONSENT_ACCEPTED);
}

static void
test_event_hash(void **state)
{
	struct consent_event ev = {
		.id = 7,
		.kind = xstrdup("accept"),
		.terms_sha256 = xstrdup(ZERO_HASH),
		.terms_date = xstrdup("March 1, 2025"),
		.method = xstrdup("typed-line"),
		.age_answer = xstrdup("yes"),
		.at = xstrdup("2026-11-27T05:00:00.123Z"),
		.os_user = xstrdup("alice"),
		.client_version = xstrdup("confab 0.1.0"),
		.shown_bytes = 100,
		.total_bytes = 200,
		.duration_ms = 3000,
		.viewer = xstrdup("builtin-pager"),
		.detail = NULL,
		.prev_hash = xstrdup(ZERO_HASH),
		.hash = NULL,
	};
	char *h0 = consent_event_hash(&ev), *h, *saved;
	size_t i;

	assert_int_equal(strlen(h0), 64);
	for (i = 0; i < 64; i++)
		assert_non_null(strchr("0123456789abcdef", h0[i]));
	/* deterministic; id and hash are not part of it */
	h = consent_event_hash(&ev);
	assert_string_equal(h, h0);
	free(h);
	ev.id = 8;
	ev.hash = xstrdup("whatever");
	h = consent_event_hash(&ev);
	assert_string_equal(h, h0);
	free(h);

#define CHANGES_HASH(field, value) \
	do { \
		saved = ev.field; \
		ev.field = (value); \
		h = consent_event_hash(&ev); \
		if (strcmp(h, h0) == 0) \
			fail_msg("changing " #field " kept the hash"); \
		free(h); \
		ev.field = saved; \
	} while (0)
	CHANGES_HASH(kind, (char *)"decline");
	CHANGES_HASH(terms_sha256,
	    (char *)"1000000000000000000000000000000000000000000000000000000000000000");
	CHANGES_HASH(terms_date, (char *)"March 2, 2025");
	CHANGES_HASH(method, (char *)"flag");
	CHANGES_HASH(age_answer, (char *)"no");
	CHANGES_HASH(age_answer, NULL);
	CHANGES_HASH(at, (char *)"2026-11-27T05:00:00.124Z");
	CHANGES_HASH(os_user, (char *)"mallory");
	CHANGES_HASH(client_version, (char *)"confab 0.1.1");
	CHANGES_HASH(viewer, (char *)"summary");
	CHANGES_HASH(detail, (char *)"");
	CHANGES_HASH(detail, (char *)"-");
	CHANGES_HASH(prev_hash, (char *)"ab");
#undef CHANGES_HASH
	ev.shown_bytes = 101;
	h = consent_event_hash(&ev);
	assert_string_not_equal(h, h0);
	free(h);
	ev.shown_bytes = -1;
	h = consent_event_hash(&ev);
	assert_string_not_equal(h, h0);
	free(h);
	ev.shown_bytes = 100;
	ev.total_bytes = 201;
	h = consent_event_hash(&ev);
	assert_string_not_equal(h, h0);
	free(h);
	ev.total_bytes = 200;
	ev.duration_ms = 0;
	h = consent_event_hash(&ev);
	assert_string_not_equal(h, h0);
	free(h);
	ev.duration_ms = 3000;
	/* moving text from one field to the next is a different event */
	free(ev.method);
	free(ev.age_answer);
	ev.method = xstrdup("typed-lineyes");
	ev.age_answer = xstrdup("");
	h = consent_event_hash(&ev);
	assert_string_not_equal(h, h0);
	free(h);

	free(h0);
	consent_event_release(&ev);
	assert_null(ev.kind);
}

/* This program, run again as a second process (see child_append). */
static char *self_path;

/*
 * The other process of test_concurrent_appends: append n "view" events to
 * the store at db. It is a fresh exec of this program, so it shares nothing
 * with the parent (SQLite connections must not cross a fork).
 */
static int
child_append(const char *db, int n)
{
	struct terms *t;
	struct store *st;
	char *cause = NULL;
	int k, r = 0;

	if ((t = terms_parse(S(V1_TEXT), &cause)) == NULL)
		return 2;
	if ((st = store_open(db, &cause)) == NULL) {
		fprintf(stderr, "child: %s\n", cause);
		free(cause);
		terms_free(t);
		return 2;
	}
	for (k = 0; k < n; k++) {
		struct consent_event ev = { .kind = xstrdup("view"),
			.shown_bytes = -1,
			.duration_ms = -1 };

		if (consent_record(st, t, &ev, &cause) != 0) {
			fprintf(stderr, "child: %s\n", cause);
			free(cause);
			cause = NULL;
			r = 1;
		}
		consent_event_release(&ev);
	}
	store_close(st);
	terms_free(t);
	return r;
}

/* Three processes appending at once still make one unbroken chain. */
static void
test_concurrent_appends(void **state)
{
	struct fixture *f = *state;
	int64_t count = -1, bad = -1;
	char *cause = NULL;
	pid_t pids[2];
	int i, k, status;

	for (i = 0; i < 2; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			execl(self_path, self_path, "--child-append", f->db, "20", (char *)NULL);
			_exit(127);
		}
	}
	for (k = 0; k < 10; k++)
		record(f->st, f->v1, "view");
	for (i = 0; i < 2; i++) {
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	assert_int_equal(consent_verify(f->st, &count, &bad, &cause), 0);
	assert_null(cause);
	assert_int_equal(count, 50);
}

/* ---- the store file --------------------------------------------------------- */

static void
test_store_modes(void **state)
{
	struct fixture *f = *state;
	char *dir = xasprintf("%s/data", f->dir);
	struct stat st;

	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(stat(f->db, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	free(dir);
}

/* Write n pseudo-random bytes to path with the given mode. */
static void
write_random(const char *path, size_t n, mode_t mode)
{
	unsigned int x = 2463534242u;
	char *data = xmalloc(n);
	size_t i;
	int fd;

	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		data[i] = (char)(x >> 24);
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
	free(data);
}

/* A file that is not a database: refused, and its bytes left as they were. */
static void
test_store_not_a_database(void **state)
{
	struct fixture *f = *state;
	char *path = xasprintf("%s/random.db", f->dir), *cause = NULL, *before, *after;
	size_t blen, alen;
	struct store *st;

	write_random(path, 8192, 0600);
	before = slurp(path, &blen);
	st = store_open(path, &cause);
	assert_null(st);
	assert_contains(cause, path);
	assert_contains(cause, "not a confab database");
	after = slurp(path, &alen);
	assert_int_equal(alen, blen);
	assert_memory_equal(after, before, blen);
	free(cause);
	free(before);
	free(after);
	free(path);
}

/* A refused file keeps its permissions too: "left untouched". */
static void
test_store_not_a_database_mode(void **state)
{
	struct fixture *f = *state;
	char *path = xasprintf("%s/random-0644.db", f->dir), *cause = NULL;
	struct stat st;

	struct store *s;
	int r;

	write_random(path, 4096, 0644);
	s = store_open(path, &cause);
	r = stat(path, &st);
	store_close(s);
	free(cause);
	free(path);
	assert_null(s);
	assert_int_equal(r, 0);
	assert_int_equal(st.st_mode & 0777, 0644);
}

/* A store from a newer confab (user_version 99): refused and left unchanged. */
static void
test_store_newer_schema(void **state)
{
	struct fixture *f = *state;
	char *cause = NULL, *before, *after;
	size_t blen, alen;
	struct store *st;

	if (!have_sqlite3)
		skip();
	record(f->st, f->v1, "accept");
	store_close(f->st);
	f->st = NULL;
	run("sqlite3 '%s' 'PRAGMA user_version = 99'", f->db);
	before = slurp(f->db, &blen);
	st = store_open(f->db, &cause);
	assert_null(st);
	assert_contains(cause, f->db);
	assert_contains(cause, "newer");
	assert_contains(cause, "99");
	after = slurp(f->db, &alen);
	assert_int_equal(alen, blen);
	assert_memory_equal(after, before, blen);
	free(cause);
	free(before);
	free(after);
}

/* Reopening a store keeps everything and migrates nothing twice. */
static void
test_store_reopen(void **state)
{
	struct fixture *f = *state;
	int64_t count = -1, bad = -1;
	char *cause = NULL, *v;

	record(f->st, f->v1, "accept");
	assert_int_equal(store_meta_set(f->st, "k", "v1", &cause), 0);
	assert_int_equal(store_meta_set(f->st, "k", "v2", &cause), 0);
	store_close(f->st);
	f->st = store_open(f->db, &cause);
	assert_non_null(f->st);
	assert_null(cause);
	assert_int_equal(state_of(f->st, f->v1), CONSENT_ACCEPTED);
	assert_int_equal(consent_verify(f->st, &count, &bad, &cause), 0);
	assert_int_equal(count, 1);
	v = store_meta_get(f->st, "k");
	assert_string_equal(v, "v2");
	free(v);
	assert_null(store_meta_get(f->st, "absent"));
}

/* ---- current Terms ---------------------------------------------------------- */

static void
test_current_load(void **state)
{
	struct fixture *f = *state;
	const char *top = getenv("TOP_SRCDIR");
	struct consent_current cur;
	struct config cfg;
	char *cause = NULL, *path;
	int fd;

	if (top == NULL || *top == '\0')
		fail_msg("TOP_SRCDIR is not set: run this test through 'make check'");
	memset(&cfg, 0, sizeof cfg);
	cfg.pkgdatadir = xasprintf("%s/assets", top);

	/* the bundled text */
	assert_int_equal(consent_current_load(&cfg, f->st, &cur, &cause), 0);
	assert_null(cause);
	assert_string_equal(cur.terms->sha256,
	    "ed9e359b2718b29aabb15d15220532f74b1779c47fd871b4f7f104075c452b21");
	assert_contains(cur.source, "bundled");
	consent_current_release(&cur);

	/* terms_file wins */
	path = xasprintf("%s/terms.md", f->dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_int_equal(write(fd, V2_TEXT, strlen(V2_TEXT)), (ssize_t)strlen(V2_TEXT));
	close(fd);
	cfg.value[CONFIG_TERMS_FILE] = path;
	cfg.origin[CONFIG_TERMS_FILE] = (char *)"--terms-file";
	assert_int_equal(consent_current_load(&cfg, f->st, &cur, &cause), 0);
	assert_string_equal(cur.terms->sha256, f->v2->sha256);
	assert_contains(cur.source, path);
	assert_contains(cur.source, "--terms-file");
	consent_current_release(&cur);

	/* a missing or unusable file is an error */
	unlink(path);
	assert_int_equal(consent_current_load(&cfg, f->st, &cur, &cause), -1);
	assert_contains(cause, path);
	free(cause);
	cause = NULL;
	consent_current_release(&cur);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_int_equal(write(fd, "no date\n", 8), 8);
	close(fd);
	assert_int_equal(consent_current_load(&cfg, f->st, &cur, &cause), -1);
	assert_contains(cause, "Last updated");
	free(cause);
	consent_current_release(&cur);

	free(path);
	free(cfg.pkgdatadir);
}

/* ---- endpoints and the head file ------------------------------------------------ */

/* Keep a copy of the first event a walk sees. */
static int
take_newest(const struct consent_event *ev, void *arg)
{
	consent_event_copy(arg, ev);
	return 1;
}

/*
 * The serialisation of an event without an endpoint is the one of schema 3,
 * byte for byte (old events keep their hashes); with one, a last line.
 */
static void
test_event_hash_endpoint(void **state)
{
	struct consent_event ev = {
		.kind = (char *)"accept",
		.terms_sha256 = (char *)ZERO_HASH,
		.terms_date = (char *)"March 1, 2025",
		.method = (char *)"flag",
		.at = (char *)"2026-11-27T05:00:00.123Z",
		.os_user = (char *)"alice",
		.client_version = (char *)"confab 0.1.0",
		.shown_bytes = -1,
		.total_bytes = 200,
		.duration_ms = 3000,
		.prev_hash = (char *)ZERO_HASH,
	};
	const char *v1 = "confab-ledger-v1\nprev_hash=64:" ZERO_HASH "\nkind=6:accept\n"
			 "terms_sha256=64:" ZERO_HASH
			 "\nterms_date=13:March 1, 2025\nmethod=4:flag\n"
			 "age_answer=-\nat=24:2026-11-27T05:00:00.123Z\nos_user=5:alice\n"
			 "client_version=12:confab 0.1.0\nshown_bytes=-\ntotal_bytes=200\n"
			 "duration_ms=3000\nviewer=-\ndetail=-\n";
	char want[TERMS_HASH_HEX + 1], *with, *h;

	(void)state;
	terms_sha256_hex(v1, strlen(v1), want);
	h = consent_event_hash(&ev);
	assert_string_equal(h, want);
	free(h);
	with = xasprintf("%sendpoint=21:http://127.0.0.1:8/v1\n", v1);
	terms_sha256_hex(with, strlen(with), want);
	ev.endpoint = (char *)"http://127.0.0.1:8/v1";
	h = consent_event_hash(&ev);
	assert_string_equal(h, want);
	free(h);
	free(with);
}

/* Events name the endpoint in effect; a chain of old and new events verifies. */
static void
test_endpoint_recorded(void **state)
{
	struct fixture *f = *state;
	struct consent_event last = { 0 };
	int64_t count = 0, bad = 0;
	char *cause = NULL;

	record(f->st, f->v1, "view");
	store_ledger_set_endpoint(f->st, "http://127.0.0.1:8/v1");
	record(f->st, f->v1, "accept");
	assert_int_equal(store_ledger_each(f->st, NULL, 1, take_newest, &last, &cause), 0);
	assert_string_equal(last.endpoint, "http://127.0.0.1:8/v1");
	consent_event_release(&last);
	assert_int_equal(consent_verify(f->st, &count, &bad, &cause), 0);
	assert_int_equal(count, 2);
	assert_int_equal(state_of(f->st, f->v1), CONSENT_ACCEPTED);
}

/* The loopback question: its answer counts for its endpoint only, and terms = none. */
static void
test_endpoint_rules(void **state)
{
	struct fixture *f = *state;
	struct consent_endpoint ep;
	struct config cfg;
	char *cause = NULL;

	memset(&cfg, 0, sizeof cfg);
	cfg.value[CONFIG_BASE_URL] = (char *)"http://127.0.0.1:8/v1/";
	assert_int_equal(consent_endpoint_get(&cfg, f->st, NULL, &ep, &cause), 0);
	assert_string_equal(ep.url, "http://127.0.0.1:8/v1");
	assert_int_equal(ep.rule, CONSENT_RULE_TERMS);
	assert_true(ep.askable);
	consent_endpoint_release(&ep);

	assert_int_equal(consent_no_terms_record(f->st, f->v1, "http://127.0.0.1:8/v1", true,
			     "unit-test", &cause),
	    0);
	assert_int_equal(consent_endpoint_get(&cfg, f->st, NULL, &ep, &cause), 0);
	assert_int_equal(ep.rule, CONSENT_RULE_ANSWERED);
	assert_false(ep.askable);
	consent_endpoint_release(&ep);
	/* another loopback endpoint is not answered */
	assert_int_equal(consent_endpoint_get(&cfg, f->st, "http://127.0.0.1:9/v1", &ep, &cause),
	    0);
	assert_int_equal(ep.rule, CONSENT_RULE_TERMS);
	assert_true(ep.askable);
	consent_endpoint_release(&ep);
	/* the answer is no consent state of the Terms */
	assert_int_equal(state_of(f->st, f->v1), CONSENT_NONE);
	/* a later no wins */
	assert_int_equal(consent_no_terms_record(f->st, f->v1, "http://127.0.0.1:8/v1", false,
			     "unit-test", &cause),
	    0);
	assert_int_equal(consent_endpoint_get(&cfg, f->st, NULL, &ep, &cause), 0);
	assert_int_equal(ep.rule, CONSENT_RULE_TERMS);
	assert_false(ep.askable);
	consent_endpoint_release(&ep);

	/* a remote endpoint is never asked about; terms = none is explicit */
	cfg.value[CONFIG_BASE_URL] = (char *)"https://dashscope.aliyuncs.com/compatible-mode/v1";
	assert_int_equal(consent_endpoint_get(&cfg, f->st, NULL, &ep, &cause), 0);
	assert_int_equal(ep.rule, CONSENT_RULE_TERMS);
	assert_false(ep.askable);
	consent_endpoint_release(&ep);
	cfg.value[CONFIG_TERMS] = (char *)"none";
	assert_int_equal(consent_endpoint_get(&cfg, f->st, NULL, &ep, &cause), 0);
	assert_int_equal(ep.rule, CONSENT_RULE_NONE);
	consent_endpoint_release(&ep);
	/* ... for the configured endpoint only */
	assert_int_equal(consent_endpoint_get(&cfg, f->st, "http://127.0.0.1:9/v1", &ep, &cause),
	    0);
	assert_int_equal(ep.rule, CONSENT_RULE_TERMS);
	consent_endpoint_release(&ep);
}

/* The head file follows each event; cutting the last events is reported. */
static void
test_head_file(void **state)
{
	struct fixture *f = *state;
	char *cause = NULL, *note = NULL, *path, *text, *hash, *want;
	struct stat sb;
	int64_t id, last;

	record(f->st, f->v1, "view");
	record(f->st, f->v1, "age");
	last = record(f->st, f->v1, "accept");
	path = consent_head_path(f->st);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(consent_head_read(f->st, &id, &hash, &cause), 1);
	assert_int_equal(id, last);
	want = store_ledger_head(f->st, &cause);
	assert_string_equal(hash, want);
	text = slurp(path, NULL);
	free(want);
	want = xasprintf("confab-ledger-head %lld %s\n", (long long)last, hash);
	assert_string_equal(text, want);
	free(text);
	free(want);
	assert_int_equal(consent_verify_head(f->st, NULL, &note, &cause), 0);
	assert_null(note);
	assert_int_equal(consent_verify_head(f->st, hash, &note, &cause), 0);
	free(note);
	note = NULL;

	if (have_sqlite3) {
		store_close(f->st);
		run("sqlite3 '%s' 'DROP TRIGGER consent_events_no_delete; "
		    "DELETE FROM consent_events WHERE id = %lld'",
		    f->db, (long long)last);
		f->st = store_open(f->db, &cause);
		assert_non_null(f->st);
		assert_int_equal(consent_verify_head(f->st, NULL, &note, &cause), -1);
		assert_contains(cause, "cut from the end");
		free(cause);
		cause = NULL;
		assert_int_equal(consent_verify_head(f->st, hash, &note, &cause), -1);
		assert_contains(cause, "no event in the ledger has the hash");
		free(cause);
		cause = NULL;
	}
	unlink(path);
	assert_int_equal(consent_verify_head(f->st, NULL, &note, &cause), -1);
	assert_contains(cause, "is missing, but this ledger has kept one");
	free(cause);
	cause = NULL;
	assert_int_equal(consent_head_repair(f->st, &note, &cause), 0);
	assert_contains(note, "written again");
	free(note);
	note = NULL;
	assert_int_equal(consent_verify_head(f->st, NULL, &note, &cause), 0);
	assert_null(note);

	/* a store from before the head file (not marked): said, not failed */
	unlink(path);
	assert_int_equal(store_exec(f->st, "DELETE FROM meta WHERE key = '" CONSENT_HEAD_META "'",
			     &cause),
	    0);
	assert_int_equal(consent_verify_head(f->st, NULL, &note, &cause), 0);
	assert_contains(note, "missing");
	free(note);
	free(hash);
	free(path);
}

/* Each point of the summary cites a section the shipped Terms have. */
static void
test_summary_cites_sections(void **state)
{
	const char *top = getenv("TOP_SRCDIR");
	char *path, *cause = NULL;
	struct terms *t;
	struct buf b;
	size_t i, j;

	if (top == NULL || *top == '\0')
		fail_msg("TOP_SRCDIR is not set: run this test through 'make check'");
	path = xasprintf("%s/assets/qwen-chat-terms-2025-03-01.md", top);
	buf_init(&b, 0);
	if (buf_read_file(&b, path, &cause) != 0)
		fail_msg("%s", cause);
	t = parse_ok(b.data, b.len);
	assert_true(consent_summary_len >= 7);
	assert_string_equal(consent_summary[0].clause, "I.1");
	for (i = 0; i < consent_summary_len; i++) {
		size_t n = strcspn(consent_summary[i].clause, ".");
		int found = 0;

		assert_true(strlen(consent_summary[i].text) > 0);
		assert_true(consent_summary[i].topic != NULL && *consent_summary[i].topic != '\0');
		for (j = 1; j < t->nsections; j++)
			if (strlen(t->sections[j].numeral) == n &&
			    strncmp(t->sections[j].numeral, consent_summary[i].clause, n) == 0)
				found = 1;
		if (!found)
			fail_msg("summary point %s cites no section", consent_summary[i].clause);
	}
	terms_free(t);
	buf_release(&b);
	free(path);
}

/* The summary points in changed sections: by the section their clause lies in, in order. */
static void
test_changed_points(void **state)
{
	struct fixture *f = *state;
	struct terms *v3;
	struct terms_diff *d = terms_diff(f->v1, f->v2);
	char *p = consent_changed_points(d, f->v1, f->v2);

	assert_string_equal(p, "II.2 usage policy; II.3 non-commercial use");
	free(p);
	terms_diff_free(d);

	/* only the date changed: no point */
	v3 = parse_ok(
	    S("Test Terms of Service\n\nLast updated: March 3, 2025\n\nWelcome.\n\n"
	      "I. First Things\n\nYou must be an adult.\n\nII. Second Things\n\nBe nice.\n"));
	d = terms_diff(f->v1, v3);
	assert_null(consent_changed_points(d, f->v1, v3));
	terms_diff_free(d);

	/* section I removed, and II changed: the points of both, in summary order */
	terms_free(v3);
	v3 = parse_ok(S("Test Terms of Service\n\nLast updated: March 3, 2025\n\nWelcome.\n\n"
			"II. Second Things\n\nBe kind.\n"));
	d = terms_diff(f->v1, v3);
	p = consent_changed_points(d, f->v1, v3);
	assert_string_equal(p,
	    "I.1 minimum age; I.3 account security; II.2 usage policy; "
	    "II.3 non-commercial use");
	free(p);
	terms_diff_free(d);
	terms_free(v3);
}

/* Before an answer is recorded: the same Terms, accepted meanwhile, or another text current. */
static void
test_recheck(void **state)
{
	struct fixture *f = *state;
	enum consent_recheck rc = CONSENT_RECHECK_NEWER;
	struct config cfg;
	char *cause = NULL, *path = xasprintf("%s/terms.md", f->dir);
	int fd;

	memset(&cfg, 0, sizeof cfg);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_int_equal(write(fd, V1_TEXT, strlen(V1_TEXT)), (ssize_t)strlen(V1_TEXT));
	close(fd);
	cfg.value[CONFIG_TERMS_FILE] = path;
	cfg.origin[CONFIG_TERMS_FILE] = (char *)"--terms-file";

	assert_int_equal(consent_recheck(&cfg, f->st, f->v1, &rc, &cause), 0);
	assert_int_equal(rc, CONSENT_RECHECK_SAME);
	record(f->st, f->v1, "decline");
	assert_int_equal(consent_recheck(&cfg, f->st, f->v1, &rc, &cause), 0);
	assert_int_equal(rc, CONSENT_RECHECK_SAME);
	record(f->st, f->v1, "accept");
	assert_int_equal(consent_recheck(&cfg, f->st, f->v1, &rc, &cause), 0);
	assert_int_equal(rc, CONSENT_RECHECK_ACCEPTED);

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_int_equal(write(fd, V2_TEXT, strlen(V2_TEXT)), (ssize_t)strlen(V2_TEXT));
	close(fd);
	assert_int_equal(consent_recheck(&cfg, f->st, f->v1, &rc, &cause), 0);
	assert_int_equal(rc, CONSENT_RECHECK_NEWER);

	unlink(path);
	assert_int_equal(consent_recheck(&cfg, f->st, f->v1, &rc, &cause), -1);
	assert_contains(cause, path);
	free(cause);
	free(path);
}

int
main(int argc, char **argv)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_state_none),
		T(test_state_not_decisive),
		T(test_accept),
		T(test_outdated),
		T(test_outdated_date_only),
		T(test_withdraw),
		T(test_decline),
		T(test_record_failure_leaves_event_releasable),
		T(test_gate_fails_closed),
		T(test_gate_chain),
		T(test_gate_broken_store),
		T(test_gate_missing_accepted_text),
		T(test_verify_intact),
		T(test_verify_altered_event),
		T(test_verify_removed_event),
		T(test_verify_altered_text),
		T(test_ledger_append_only),
		T(test_event_hash),
		T(test_concurrent_appends),
		T(test_store_modes),
		T(test_store_not_a_database),
		T(test_store_not_a_database_mode),
		T(test_store_newer_schema),
		T(test_store_reopen),
		T(test_current_load),
		T(test_summary_cites_sections),
		T(test_changed_points),
		T(test_recheck),
		T(test_event_hash_endpoint),
		T(test_endpoint_recorded),
		T(test_endpoint_rules),
		T(test_head_file),
	};
#undef T
	char *cmd;
	int r;

	if (argc == 4 && strcmp(argv[1], "--child-append") == 0)
		return child_append(argv[2], atoi(argv[3]));
	if ((self_path = realpath(argv[0], NULL)) == NULL) {
		fprintf(stderr, "realpath %s: %s\n", argv[0], strerror(errno));
		return 99;
	}
	if (mkdtemp(tmpdir) == NULL) {
		fprintf(stderr, "mkdtemp: %s\n", strerror(errno));
		return 99;
	}
	have_sqlite3 = system("command -v sqlite3 >/dev/null 2>&1") == 0;
	if (!have_sqlite3)
		fprintf(stderr, "the sqlite3 command is missing: some tests are skipped\n");
	r = cmocka_run_group_tests(tests, NULL, NULL);
	cmd = xasprintf("rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	free(cmd);
	free(self_path);
	return r;
}
