/* test-sse.c: unit tests for the event-stream parser (sse.c). */
#include "common.h"

#include "sse.h"

#include <limits.h>
#include <setjmp.h>

#include <cmocka.h>

/* A string literal as pointer and length, so that it may hold NUL bytes. */
#define S(lit) (lit), (sizeof(lit) - 1)

#define FFFD "\xef\xbf\xbd"
#define BOM "\xef\xbb\xbf"

/* One event as the callback saw it, copied. */
struct rec_event {
	char *type;
	char *id;
	char *data;
	size_t len;
};

/* Everything a parser reported: events, and a transcript of all of it. */
struct rec {
	struct rec_event *ev;
	size_t n;
	size_t stop_at; /* stop on this event (from 1) */
	int stop_rv;
	struct buf log;
};

static void
rec_init(struct rec *r)
{
	memset(r, 0, sizeof *r);
	buf_init(&r->log, 0);
}

static void
rec_free(struct rec *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->ev[i].type);
		free(r->ev[i].id);
		free(r->ev[i].data);
	}
	free(r->ev);
	buf_release(&r->log);
}

/* The callback: copy the event, log it, and stop when asked to. */
static int
rec_cb(const struct sse_event *e, void *arg)
{
	struct rec *r = arg;
	struct rec_event *v;

	assert_non_null(e->type);
	assert_non_null(e->data);
	assert_non_null(e->last_id);
	assert_int_equal(e->data[e->data_len], '\0');

	r->ev = xreallocarray(r->ev, r->n + 1, sizeof *r->ev);
	v = &r->ev[r->n++];
	v->type = xstrdup(e->type);
	v->id = xstrdup(e->last_id);
	v->data = xmalloc(e->data_len + 1);
	memcpy(v->data, e->data, e->data_len + 1);
	v->len = e->data_len;

	buf_addf(&r->log, "event type=[%s] id=[%s] len=%zu data=[", e->type, e->last_id,
	    e->data_len);
	buf_add(&r->log, e->data, e->data_len);
	buf_adds(&r->log, "]\n");

	if (r->stop_at != 0 && r->n == r->stop_at)
		return r->stop_rv;
	return 0;
}

/* Check event i of r: type, last id and exact data bytes. */
static void
check_event(const struct rec *r, size_t i, const char *type, const char *id, const char *data,
    size_t len)
{
	assert_true(i < r->n);
	assert_string_equal(r->ev[i].type, type);
	assert_string_equal(r->ev[i].id, id);
	assert_int_equal(r->ev[i].len, len);
	assert_memory_equal(r->ev[i].data, data, len);
}

/* Feed bytes that must be accepted. */
static void
feed_ok(struct sse_parser *p, const char *s, size_t len)
{
	char *cause = NULL;

	assert_int_equal(sse_feed(p, s, len, &cause), 0);
	assert_null(cause);
}

/* Feed a whole stream in one piece, then finish; return the feed result. */
static int
run(struct rec *r, size_t max, const char *s, size_t len, struct buf *left)
{
	struct sse_parser *p;
	char *cause = NULL;
	int rv;

	p = sse_new(max, rec_cb, r);
	rv = sse_feed(p, s, len, &cause);
	if (rv == -1) {
		assert_non_null(cause);
		free(cause);
	} else
		assert_null(cause);
	sse_finish(p, left);
	sse_free(p);
	return rv;
}

/*
 * Feed s in pieces ending at the given cut positions (and at len), stop at
 * the first non-zero result, finish, and log the outcome in r->log.
 */
static void
run_cuts(struct rec *r, size_t max, const char *s, size_t len, const size_t *cuts, size_t ncuts)
{
	struct sse_parser *p;
	struct buf left;
	char *cause = NULL;
	size_t i, at = 0, to;
	int rv = 0;

	buf_init(&left, 0);
	p = sse_new(max, rec_cb, r);
	for (i = 0; i <= ncuts && rv == 0; i++) {
		to = i < ncuts ? cuts[i] : len;
		rv = sse_feed(p, s + at, to - at, &cause);
		at = to;
	}
	buf_addf(&r->log, "rv=%d cause=[%s] retry=%ld\n", rv, cause != NULL ? cause : "",
	    sse_retry_ms(p));
	free(cause);
	sse_finish(p, &left);
	buf_adds(&r->log, "leftover=[");
	buf_add(&r->log, left.data, left.len);
	buf_adds(&r->log, "]\n");
	buf_release(&left);
	sse_free(p);
}

static void
test_lf(void **state)
{
	struct rec r;

	(void)state;
	rec_init(&r);
	assert_int_equal(run(&r, 0, S("data: a\n\ndata: b\n\n"), NULL), 0);
	assert_int_equal(r.n, 2);
	check_event(&r, 0, "message", "", S("a"));
	check_event(&r, 1, "message", "", S("b"));
	rec_free(&r);
}

static void
test_cr(void **state)
{
	struct rec r;

	(void)state;
	rec_init(&r);
	assert_int_equal(run(&r, 0, S("data: a\r\rdata: b\rdata: c\r\r"), NULL), 0);
	assert_int_equal(r.n, 2);
	check_event(&r, 0, "message", "", S("a"));
	check_event(&r, 1, "message", "", S("b\nc"));
	rec_free(&r);
}

static void
test_crlf(void **state)
{
	struct rec r;

	(void)state;
	rec_init(&r);
	assert_int_equal(run(&r, 0, S("data: a\r\n\r\ndata: b\r\n\r\n"), NULL), 0);
	assert_int_equal(r.n, 2);
	check_event(&r, 0, "message", "", S("a"));
	check_event(&r, 1, "message", "", S("b"));
	rec_free(&r);
}

/* LF then CR is two line ends, not one; CRLF is one. */
static void
test_mixed_line_ends(void **state)
{
	struct rec r;

	(void)state;
	rec_init(&r);
	assert_int_equal(run(&r, 0, S("data: a\n\rdata: b\r\ndata: c\n\r\n"), NULL), 0);
	assert_int_equal(r.n, 2);
	check_event(&r, 0, "message", "", S("a"));
	check_event(&r, 1, "message", "", S("b\nc"));
	rec_free(&r);
}

static void
test_crlf_split(void **state)
{
	struct rec r;
	struct sse_parser *p;

	(void)state;
	rec_init(&r);
	p = sse_new(0, rec_cb, &r);
	feed_ok(p, S("data: a\r"));
	feed_ok(p, S("\ndata: b\r"));
	feed_ok(p, S("")); /* an empty feed keeps the CR pending */
	feed_ok(p, S("\n"));
	assert_int_equal(r.n, 0); /* the LF was not an empty line */
	feed_ok(p, S("\r"));
	assert_int_equal(r.n, 1); /* the CR alone dispatches */
	feed_ok(p, S("\n"));	  /* and this LF belongs to it */
	assert_int_equal(r.n, 1);
	check_event(&r, 0, "message", "", S("a\nb"));

	feed_ok(p, S("data: c\r"));
	feed_ok(p, S("\r")); /* CR then CR: an empty line */
	assert_int_equal(r.n, 2);
	check_event(&r, 1, "message", "", S("c"));
	sse_free(p);
	rec_free(&r);
}

/* A CR dispatches at once: the parser does not wait for a possible LF. */
static void
test_cr_fires_at_once(void **state)
{
	struct rec r;
	struct sse_parser *p;

	(void)state;
	rec_init(&r);
	p = sse_new(0, rec_cb, &r);
	feed_ok(p, S("data: now\r\r"));
	assert_int_equal(r.n, 1);
	check_event(&r, 0, "message", "", S("now"));
	sse_free(p);
	rec_free(&r);
}

/* Streams that the split tests feed cut everywhere. */
static const struct split_case {
	const char *s;
	size_t len;
	size_t max;
	size_t stop_at;
} split_cases[] = {
	{ S("data: a\r\ndata: b\rdata: c\n\r\n: ping\r\r"
	    "event: e\rid: 1\r\ndata:x\r\r\nretry: 250\r\n"
	    "data:  two spaces\n\ndata:\ttab\r\n\r\n"),
	    0, 0 },
	{ S(BOM "data: bom\r\n\r\n" BOM "data: second\n\n"
		"data: " BOM "kept\n\n"),
	    0, 0 },
	{ S(BOM "\r\ndata: x\r\n\r\n"), 0, 0 },
	{ S("\xef\xbb"), 0, 0 },
	{ S("data: h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80\n\n"
	    "data: \xf0\x9f\x98"
	    "x\xff\xc3\r\n\r\n"
	    "event: \xe2\x82\rid: \xed\xa0\x80\rdata: \xf4\x90\x80\x80\r\r"),
	    0, 0 },
	{ S("data: a\0b\nid: x\0y\nid: 9\nretry: 12\n\ndata\n\n"
	    "data: \0\xff\0\n\ndata: tail"),
	    0, 0 },
	{ S("data: one\n\ndata: two\n\ndata: three\n\n"), 0, 2 },
	{ S("data: short\n\ndata: 0123456789abcdef\n\ndata: after\n\n"), 16, 0 },
	{ S("data: 0123456789\n\ndata: 0123456789\ndata: 0123456789\n\n"), 16, 0 },
	{ S("data: 0123456789\n\ndata: 01234567\r"), 16, 0 },
	{ S("data: 0123456789\n\ndata: 012345678"), 16, 0 },
	{ S("data: \xff\xff\xff\xff\xff\n\ndata: \xff\xff\xff\xff\xff\xff\n\n"), 16, 0 },
	{ S("data: {\"x\":1}\n\ndata: [DONE]"), 0, 0 },
	{ S("data: {\"x\":1}\r\n\r\ndata: [DONE]\r\n"), 0, 0 },
	{ S("id: 5\r\nretry: 1000\r\ndata: a\r\ndata: b\r\nretry: 9"), 0, 0 },
};

/* The transcript of c fed in one piece. */
static void
split_reference(const struct split_case *c, struct buf *out)
{
	struct rec r;

	rec_init(&r);
	r.stop_at = c->stop_at;
	r.stop_rv = 42;
	run_cuts(&r, c->max, c->s, c->len, NULL, 0);
	buf_reset(out);
	buf_add(out, r.log.data, r.log.len);
	rec_free(&r);
}

/* Run c with the given cuts and compare with the reference transcript. */
static void
split_check(const struct split_case *c, const struct buf *want, const size_t *cuts, size_t ncuts)
{
	struct rec r;
	size_t i;

	rec_init(&r);
	r.stop_at = c->stop_at;
	r.stop_rv = 42;
	run_cuts(&r, c->max, c->s, c->len, cuts, ncuts);
	if (r.log.len != want->len || memcmp(r.log.data, want->data, want->len) != 0) {
		print_message("# case %zu, cuts:", (size_t)(c - split_cases));
		for (i = 0; i < ncuts; i++)
			print_message(" %zu", cuts[i]);
		print_message("\n");
		assert_string_equal(r.log.data, want->data);
		fail();
	}
	rec_free(&r);
}

/* Every cut position, and every pair of cuts, gives the same transcript. */
static void
test_split_everywhere(void **state)
{
	const struct split_case *c;
	struct buf want;
	size_t cuts[2];

	(void)state;
	buf_init(&want, 0);
	for (c = split_cases; c < split_cases + nitems(split_cases); c++) {
		split_reference(c, &want);
		for (cuts[0] = 0; cuts[0] <= c->len; cuts[0]++) {
			split_check(c, &want, cuts, 1);
			for (cuts[1] = cuts[0]; cuts[1] <= c->len; cuts[1]++)
				split_check(c, &want, cuts, 2);
		}
	}
	buf_release(&want);
}

/* Byte by byte gives the same transcript. */
static void
test_byte_by_byte(void **state)
{
	const struct split_case *c;
	struct buf want;
	size_t *cuts, i;

	(void)state;
	buf_init(&want, 0);
	for (c = split_cases; c < split_cases + nitems(split_cases); c++) {
		split_reference(c, &want);
		cuts = xcalloc(c->len + 1, sizeof *cuts);
		for (i = 0; i < c->len; i++)
			cuts[i] = i + 1;
		split_check(c, &want, cuts, c->len);
		free(cuts);
	}
	buf_release(&want);
}

/* The split tests must notice a difference: check the transcripts' content. */
static void
test_split_reference(void **state)
{
	struct buf want;

	(void)state;
	buf_init(&want, 0);
	split_reference(&split_cases[6], &want);
	assert_string_equal(want.data,
	    "event type=[message] id=[] len=3 data=[one]\n"
	    "event type=[message] id=[] len=3 data=[two]\n"
	    "rv=42 cause=[] retry=-1\n"
	    "leftover=[]\n");
	split_reference(&split_cases[7], &want);
	assert_string_equal(want.data,
	    "event type=[message] id=[] len=5 data=[short]\n"
	    "rv=-1 cause=[event-stream line longer than 16 bytes] retry=-1\n"
	    "leftover=[]\n");
	split_reference(&split_cases[14], &want);
	assert_string_equal(want.data,
	    "rv=0 cause=[] retry=1000\n"
	    "leftover=[a\nb]\n");
	buf_release(&want);
}

static void
test_comments(void **state)
{
	struct rec r;

	(void)state;
	rec_init(&r);
	assert_int_equal(run(&r, 0,
			     S(": keep-alive\n\n:\n\n: ping\r\n\r\n"
			       "data: a\n: in the middle\ndata: b\n:data: c\n\n"),
			     NULL),
	    0);
	assert_int_equal(r.n, 1);
	check_event(&r, 0, "message", "", S("a\nb"));
	rec_free(&r);
}

static void
test_multiline_data(void **state)
{
	struct rec r;

	(void)state;
	rec_init(&r);
	assert_int_equal(run(&r, 0, S("data: a\ndata:\ndata: b\ndata: \n\n"), NULL), 0);
	assert_int_equal(r.n, 1);
	check_event(&r, 0, "message", "", S("a\n\nb\n"));
	rec_free(&r);
}

static void
test_bom_start(void **state)
{
	struct rec r;
	struct sse_parser *p;

	(void)state;
	rec_init(&r);
	assert_int_equal(run(&r, 0, S(BOM "data: x\n\n"), NULL), 0);
	assert_int_equal(r.n, 1);
	check_event(&r, 0, "message", "", S("x"));
	rec_free(&r);

	/* Split inside the BOM. */
	rec_init(&r);
	p = sse_new(0, rec_cb, &r);
	feed_ok(p, S("\xef"));
	feed_ok(p, S("\xbb"));
	feed_ok(p,
	    S("\xbf"
	      "da"));
	feed_ok(p, S("ta: y\n\n"));
	assert_int_equal(r.n, 1);
	check_event(&r, 0, "message", "", S("y"));
	sse_free(p);
	rec_free(&r);

	/* A BOM and then at once a blank line. */
	rec_init(&r);
	assert_int_equal(run(&r, 0, S(BOM "\ndata: z\n\n"), NULL), 0);
	assert_int_equal(r.n, 1);
	check_event(&r, 0, "message", "", S("z"));
	rec_free(&r);
}

static void
test_bom_elsewhere(void **state)
{
	struct rec r;

	(void)state;
	/* Only one BOM goes: the second makes the field name unknown. */
	rec_init(&r);
	assert_int_equal(run(&r, 0, S(BOM BOM "data: x\n\ndata: y\n\n"), NULL), 0);
	assert_int_equal(r.n, 1);
	check_event(&r, 0, "message", "", S("y"));
	rec_free(&r);

	/* A BOM at the start of a later line is an ordinary character. */
	rec_init(&r);
	assert_int_equal(run(&r, 0, S("data: a\n\n" BOM "data: b\n\n"), NULL), 0);
	assert_int_equal(r.n, 1);
	check_event(&r, 0, "message", "", S("a"));
	rec_free(&r);

	/* A BOM inside a value is kept. */
	rec_init(&r);
	assert_int_equal(run(&r, 0, S("data: " BOM "x\n\n"), NULL), 0);
	assert_int_equal(r.n, 1);
	check_event(&r, 0, "message", "", S(BOM "x"));
	rec_free(&r);
}

static void
test_colon_space(void **state)
{
	struct rec r;

	(void)state;
	rec_init(&r);
	assert_int_equal(run(&r, 0,
			     S("data:x\n\ndata:  x\n\ndata: x \n\n"
			       "data:x:y: z\n\n"),
			     NULL),
	    0);
	assert_int_equal(r.n, 4);
	check_event(&r, 0, "message", "", S("x"));
	check_event(&r, 1, "message", "", S(" x"));
	check_event(&r, 2, "message", "", S("x "));
	check_event(&r, 3, "message", "", S("x:y: z"));
	rec_free(&r);
}

static void
test_tab_kept(void **state)
{
	struct rec r;

	(void)state;
	rec_init(&r);
	assert_int_equal(run(&r, 0, S("data:\tx\n\ndata: \tx\n\n"), NULL), 0);
	assert_int_equal(r.n, 2);
	check_event(&r, 0, "message", "", S("\tx"));
	check_event(&r, 1, "message", "", S("\tx"));
	rec_free(&r);
}

/* A line without a colon is the field with an empty value. */
static void
test_no_colon(void **state)
{
	struct rec r;

	(void)state;
	rec_init(&r);
	assert_int_equal(run(&r, 0,
			     S("data\n\ndata\ndata\n\n"
			       "event: t\nid: 3\ndata: x\n\nevent\nid\ndata: y\n\n"),
			     NULL),
	    0);
	assert_int_equal(r.n, 4);
	check_event(&r, 0, "message", "", S(""));
	check_event(&r, 1, "message", "", S("\n"));
	check_event(&r, 2, "t", "3", S("x"));
	check_event(&r, 3, "message", "", S("y"));
	rec_free(&r);
}

/* Unknown fields and the wrong case are ignored (llama.cpp's "error:"). */
static void
test_unknown_fields(void **state)
{
	struct rec r;

	(void)state;
	rec_init(&r);
	assert_int_equal(run(&r, 0,
			     S("error: {\"message\":\"boom\"}\n\n"
			       "Data: a\nDATA: b\ndata : c\n data: d\nfoo\nevents: e\n\n"
			       "data: ok\n\n"),
			     NULL),
	    0);
	assert_int_equal(r.n, 1);
	check_event(&r, 0, "message", "", S("ok"));
	assert_int_equal(run(&r, 0, S("retries: 5\nretry : 5\ndata\t: x\n\n"), NULL), 0);
	assert_int_equal(r.n, 1);
	rec_free(&r);
}

static void
test_event_type(void **state)
{
	struct rec r;

	(void)state;
	rec_init(&r);
	assert_int_equal(run(&r, 0,
			     S("event: delta\ndata: a\n\n"
			       "data: b\n\n"
			       "event: ping\n\n" /* no data: the type is still reset */
			       "data: c\n\n"
			       "event: x\nevent: y\ndata: d\n\n"
			       "event:\ndata: e\n\n"),
			     NULL),
	    0);
	assert_int_equal(r.n, 5);
	check_event(&r, 0, "delta", "", S("a"));
	check_event(&r, 1, "message", "", S("b"));
	check_event(&r, 2, "message", "", S("c"));
	check_event(&r, 3, "y", "", S("d"));
	check_event(&r, 4, "message", "", S("e"));
	rec_free(&r);
}

/* The last event id persists across events until set again. */
static void
test_id(void **state)
{
	struct rec r;

	(void)state;
	rec_init(&r);
	assert_int_equal(run(&r, 0,
			     S("id: 7\ndata: a\n\n"
			       "data: b\n\n"
			       "id: 8\n\n" /* set by a block that never fires */
			       "data: c\n\n"
			       "id:\ndata: d\n\n"
			       "data: e\nid: 10\n\n"),
			     NULL),
	    0);
	assert_int_equal(r.n, 5);
	check_event(&r, 0, "message", "7", S("a"));
	check_event(&r, 1, "message", "7", S("b"));
	check_event(&r, 2, "message", "8", S("c"));
	check_event(&r, 3, "message", "", S("d"));
	check_event(&r, 4, "message", "10", S("e"));
	rec_free(&r);
}

static void
test_id_nul(void **state)
{
	struct rec r;

	(void)state;
	rec_init(&r);
	assert_int_equal(run(&r, 0,
			     S("id: 1\ndata: a\n\n"
			       "id: 2\0x\ndata: b\n\n"
			       "id: \0\ndata: c\n\n"),
			     NULL),
	    0);
	assert_int_equal(r.n, 3);
	check_event(&r, 0, "message", "1", S("a"));
	check_event(&r, 1, "message", "1", S("b"));
	check_event(&r, 2, "message", "1", S("c"));
	rec_free(&r);
}

/* Feed one retry line to a fresh parser; return sse_retry_ms(). */
static long
retry_of(const char *s, size_t len)
{
	struct sse_parser *p;
	struct rec r;
	long v;

	rec_init(&r);
	p = sse_new(0, rec_cb, &r);
	feed_ok(p, s, len);
	v = sse_retry_ms(p);
	sse_free(p);
	assert_int_equal(r.n, 0);
	rec_free(&r);
	return v;
}

static void
test_retry(void **state)
{
	struct sse_parser *p;
	struct rec r;

	(void)state;
	assert_int_equal(retry_of(S("")), -1);
	assert_int_equal(retry_of(S("retry: 3000\n")), 3000);
	assert_int_equal(retry_of(S("retry:5\n")), 5);
	assert_int_equal(retry_of(S("retry: 0\n")), 0);
	assert_int_equal(retry_of(S("retry: 007\n")), 7);
	assert_int_equal(retry_of(S("retry: 3000ms\n")), -1);
	assert_int_equal(retry_of(S("retry: -1\n")), -1);
	assert_int_equal(retry_of(S("retry: +1\n")), -1);
	assert_int_equal(retry_of(S("retry: 1.5\n")), -1);
	assert_int_equal(retry_of(S("retry: 1 \n")), -1);
	assert_int_equal(retry_of(S("retry:  5\n")), -1);
	assert_int_equal(retry_of(S("retry:\t5\n")), -1);
	assert_int_equal(retry_of(S("retry: \n")), -1);
	assert_int_equal(retry_of(S("retry\n")), -1);
	assert_int_equal(retry_of(S("retry: \xd9\xa3\n")), -1); /* Arabic 3 */
	assert_true(retry_of(S("retry: 99999999999999999999999999\n")) == LONG_MAX);
	assert_int_equal(retry_of(S("retry: 10\nretry: x\n")), 10);
	assert_int_equal(retry_of(S("retry: 10\nretry: 20\n")), 20);
	assert_int_equal(retry_of(S("retry: 10")), -1); /* line not ended */

	/* Retry takes effect at once, not at dispatch, and survives it. */
	rec_init(&r);
	p = sse_new(0, rec_cb, &r);
	feed_ok(p, S("data: a\nretry: 42\n"));
	assert_int_equal(sse_retry_ms(p), 42);
	feed_ok(p, S("\n"));
	assert_int_equal(r.n, 1);
	assert_int_equal(sse_retry_ms(p), 42);
	sse_free(p);
	rec_free(&r);
}

/* A block without data fires nothing. */
static void
test_empty_data_no_fire(void **state)
{
	struct rec r;

	(void)state;
	rec_init(&r);
	assert_int_equal(run(&r, 0,
			     S("\n\n\r\n\r\r"
			       "event: x\n\nid: 3\n\nretry: 10\n\nfoo: bar\n\n: c\n\n"
			       "event: x\nid: 4\nretry: 5\n\n"),
			     NULL),
	    0);
	assert_int_equal(r.n, 0);
	rec_free(&r);
}

/* But a data field with an empty value does fire, with empty data. */
static void
test_empty_value_fires(void **state)
{
	struct rec r;

	(void)state;
	rec_init(&r);
	assert_int_equal(run(&r, 0, S("data:\n\ndata: \n\n"), NULL), 0);
	assert_int_equal(r.n, 2);
	check_event(&r, 0, "message", "", S(""));
	check_event(&r, 1, "message", "", S(""));
	rec_free(&r);
}

static void
test_unterminated(void **state)
{
	struct sse_parser *p;
	struct rec r;
	struct buf left;

	(void)state;
	buf_init(&left, 0);
	rec_init(&r);

	/* A dispatched event, then a block whose blank line never came. */
	assert_int_equal(run(&r, 0, S("data: a\n\ndata: b\n"), &left), 0);
	assert_int_equal(r.n, 1);
	check_event(&r, 0, "message", "", S("a"));
	assert_int_equal(left.len, 1);
	assert_string_equal(left.data, "b");

	/* The last line has no line end either. */
	buf_adds(&left, "junk");
	assert_int_equal(run(&r, 0, S("data: b\ndata: c"), &left), 0);
	assert_int_equal(r.n, 1);
	assert_string_equal(left.data, "b\nc");
	assert_int_equal(left.len, 3);

	/* The last line is not data: it is discarded. */
	assert_int_equal(run(&r, 0, S("data: b\ndata: c\nevent: x"), &left), 0);
	assert_string_equal(left.data, "b\nc");
	assert_int_equal(run(&r, 0, S("data: b\r\n: comment"), &left), 0);
	assert_string_equal(left.data, "b");

	/* Nothing pending: the leftover is emptied. */
	buf_adds(&left, "junk");
	assert_int_equal(run(&r, 0, S("data: z\n\n"), &left), 0);
	assert_int_equal(left.len, 0);
	assert_string_equal(left.data, "");
	assert_int_equal(run(&r, 0, S("event: x\nid: 1\n"), &left), 0);
	assert_int_equal(left.len, 0);
	assert_int_equal(r.n, 2);

	/* A partial id or retry line at the end does not take effect. */
	p = sse_new(0, rec_cb, &r);
	feed_ok(p,
	    S("id: 1\nretry: 5\ndata: q\n\nid: 2\ndata: w\n"
	      "retry: 6"));
	sse_finish(p, &left);
	assert_string_equal(left.data, "w");
	assert_int_equal(sse_retry_ms(p), 5);
	assert_int_equal(r.n, 3);
	check_event(&r, 2, "message", "1", S("q"));

	/* After finish the parser takes a new stream; the last id stays. */
	feed_ok(p, S(BOM "data: new\n\nid: 3"));
	assert_int_equal(r.n, 4);
	check_event(&r, 3, "message", "2", S("new"));
	sse_finish(p, NULL);
	feed_ok(p, S("data: again\n\n"));
	assert_int_equal(r.n, 5);
	check_event(&r, 4, "message", "2", S("again"));
	sse_free(p);

	/* A leftover that does not fit its cap is left empty. */
	buf_release(&left);
	buf_init(&left, 4);
	assert_int_equal(run(&r, 0, S("data: 12345\ndata: ab"), &left), 0);
	assert_int_equal(left.len, 0);
	assert_int_equal(run(&r, 0, S("data: 1234\ndata: [DONE]"), &left), 0);
	assert_int_equal(left.len, 0);
	assert_int_equal(run(&r, 0, S("data: 12\ndata: [DONE]"), &left), 0);
	assert_int_equal(left.len, 0);
	assert_int_equal(run(&r, 0, S("data: 1\ndata: 2"), &left), 0);
	assert_string_equal(left.data, "1\n2");

	buf_release(&left);
	rec_free(&r);
}

/* "data: [DONE]" without its blank line (llama.cpp) shows in leftover. */
static void
test_done_without_blank(void **state)
{
	static const char *ends[] = {
		"data: [DONE]",
		"data: [DONE]\n",
		"data: [DONE]\r\n",
		"data: [DONE]\r",
		"data:[DONE]",
		(BOM "data: [DONE]"),
	};
	struct rec r;
	struct buf left, s;
	size_t i;

	(void)state;
	buf_init(&left, 0);
	buf_init(&s, 0);
	for (i = 0; i < nitems(ends); i++) {
		rec_init(&r);
		buf_reset(&s);
		if (i != nitems(ends) - 1)
			buf_adds(&s,
			    "data: {\"choices\":[{\"finish_reason\":"
			    "\"stop\"}]}\n\n");
		buf_adds(&s, ends[i]);
		assert_int_equal(run(&r, 0, s.data, s.len, &left), 0);
		assert_string_equal(left.data, "[DONE]");
		assert_int_equal(r.n, i != nitems(ends) - 1 ? 1 : 0);
		rec_free(&r);
	}
	buf_release(&s);
	buf_release(&left);
}

static void
test_utf8_split(void **state)
{
	static const char s[] = "data: h\xc3\xa9llo \xe2\x82\xac "
				"\xf0\x9f\x98\x80 \xe4\xbd\xa0\xe5\xa5\xbd\n\n";
	static const char want[] = "h\xc3\xa9llo \xe2\x82\xac "
				   "\xf0\x9f\x98\x80 \xe4\xbd\xa0\xe5\xa5\xbd";
	struct sse_parser *p;
	struct rec r;
	size_t i;

	(void)state;
	/* Cut inside each multi-byte character in turn. */
	for (i = 1; i < sizeof s - 1; i++) {
		rec_init(&r);
		p = sse_new(0, rec_cb, &r);
		feed_ok(p, s, i);
		feed_ok(p, s + i, sizeof s - 1 - i);
		assert_int_equal(r.n, 1);
		check_event(&r, 0, "message", "", want, sizeof want - 1);
		sse_free(p);
		rec_free(&r);
	}
}

/* One invalid sequence and what the WHATWG decoder makes of it. */
static const struct utf8_case {
	const char *in;
	const char *out;
} utf8_cases[] = {
	{ "\xff", FFFD },
	{ "\x80", FFFD },
	{ "a\xc3(", "a" FFFD "(" },
	{ "\xe2\x82", FFFD }, /* truncated at line end */
	{ "\xe2\x82"
	  "x",
	    FFFD "x" },
	{ "\xf0\x9f\x98"
	  "x",
	    FFFD "x" },
	{ "\xc0\xaf", FFFD FFFD },	    /* overlong */
	{ "\xe0\x80\xaf", FFFD FFFD FFFD }, /* overlong */
	{ "\xf0\x80\x80\x80", FFFD FFFD FFFD FFFD },
	{ "\xed\xa0\x80", FFFD FFFD FFFD },	     /* surrogate */
	{ "\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD }, /* past U+10FFFF */
	{ "\xf5\x80", FFFD FFFD },
	{ "\xfe\xff", FFFD FFFD },
	{ "\xc3\xa9\xff\xc3\xa9", "\xc3\xa9" FFFD "\xc3\xa9" },
	{ "\xed\x9f\xbf\xee\x80\x80", "\xed\x9f\xbf\xee\x80\x80" },
	{ "\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf" },
	{ "\xe0\xa0\x80", "\xe0\xa0\x80" },
	{ "\xf0\x90\x80\x80", "\xf0\x90\x80\x80" },
};

static void
test_invalid_utf8(void **state)
{
	struct rec r;
	struct buf s;
	size_t i;

	(void)state;
	buf_init(&s, 0);
	for (i = 0; i < nitems(utf8_cases); i++) {
		rec_init(&r);
		buf_reset(&s);
		buf_addf(&s, "event: %s\nid: %s\ndata: %s\n\n", utf8_cases[i].in, utf8_cases[i].in,
		    utf8_cases[i].in);
		assert_int_equal(run(&r, 0, s.data, s.len, NULL), 0);
		assert_int_equal(r.n, 1);
		check_event(&r, 0, utf8_cases[i].out, utf8_cases[i].out, utf8_cases[i].out,
		    strlen(utf8_cases[i].out));
		rec_free(&r);
	}
	buf_release(&s);

	/* In the leftover too. */
	buf_init(&s, 0);
	rec_init(&r);
	assert_int_equal(run(&r, 0,
			     S("data: \xff"
			       "a\xe2\x82"),
			     &s),
	    0);
	assert_string_equal(s.data, FFFD "a" FFFD);
	rec_free(&r);
	buf_release(&s);
}

/* Nothing but CR and LF ends a line: not U+2028, U+0085, FF or VT. */
static void
test_other_line_ends(void **state)
{
	struct rec r;

	(void)state;
	rec_init(&r);
	assert_int_equal(run(&r, 0,
			     S("data: a\xe2\x80\xa8"
			       "b\xc2\x85"
			       "c\x0c"
			       "d\x0b"
			       "e\xe2\x80\xa9"
			       "f\x85g\n\n"),
			     NULL),
	    0);
	assert_int_equal(r.n, 1);
	check_event(&r, 0, "message", "",
	    S("a\xe2\x80\xa8"
	      "b\xc2\x85"
	      "c\x0c"
	      "d\x0b"
	      "e\xe2\x80\xa9"
	      "f" FFFD "g"));
	rec_free(&r);
}

static void
test_nul_in_data(void **state)
{
	struct rec r;

	(void)state;
	rec_init(&r);
	assert_int_equal(run(&r, 0,
			     S("data: a\0b\ndata: \0\n\n"
			       "event: t\0u\ndata: x\n\n"
			       "data: \0\xff\0\xc3\xa9\0\n\n"),
			     NULL),
	    0);
	assert_int_equal(r.n, 3);
	check_event(&r, 0, "message", "", S("a\0b\n\0"));
	assert_int_equal(r.ev[0].len, 5);
	assert_string_equal(r.ev[1].type, "t"); /* a NUL cuts the C string */
	check_event(&r, 1, "t", "", S("x"));
	check_event(&r, 2, "message", "", S("\0" FFFD "\0\xc3\xa9\0"));
	rec_free(&r);
}

static void
test_line_cap(void **state)
{
	struct sse_parser *p;
	struct rec r;
	char *cause = NULL;

	(void)state;
	/* A line of exactly the cap is accepted. */
	rec_init(&r);
	assert_int_equal(run(&r, 16, S("data: 0123456789\n\n"), NULL), 0);
	assert_int_equal(r.n, 1);
	check_event(&r, 0, "message", "", S("0123456789"));
	rec_free(&r);

	/* One more byte is not; events before it still fire. */
	rec_init(&r);
	p = sse_new(16, rec_cb, &r);
	assert_int_equal(sse_feed(p, S("data: ok\n\ndata: 01234567890\n\n"), &cause), -1);
	assert_string_equal(cause, "event-stream line longer than 16 bytes");
	free(cause);
	assert_int_equal(r.n, 1);
	check_event(&r, 0, "message", "", S("ok"));

	/* Fed again after the error: still -1, with a message. */
	cause = NULL;
	assert_int_equal(sse_feed(p, S("data: x\n\n"), &cause), -1);
	assert_non_null(cause);
	free(cause);
	assert_int_equal(r.n, 1);
	sse_free(p);
	rec_free(&r);

	/* A partial line is caught before its line end comes. */
	rec_init(&r);
	p = sse_new(16, rec_cb, &r);
	feed_ok(p, S("data: 01234"));
	feed_ok(p, S("56789"));
	assert_int_equal(sse_feed(p, S("0"), &cause), -1);
	assert_string_equal(cause, "event-stream line longer than 16 bytes");
	free(cause);
	sse_free(p);
	rec_free(&r);

	/* Comments count too. */
	rec_init(&r);
	p = sse_new(16, rec_cb, &r);
	assert_int_equal(sse_feed(p, S(": a long keep-alive comment\n"), &cause), -1);
	assert_string_equal(cause, "event-stream line longer than 16 bytes");
	free(cause);
	sse_free(p);
	rec_free(&r);
}

static void
test_data_cap(void **state)
{
	struct sse_parser *p;
	struct rec r;
	char *cause = NULL;

	(void)state;
	/* Two lines within the cap whose data together passes it. */
	rec_init(&r);
	p = sse_new(16, rec_cb, &r);
	feed_ok(p, S("data: 01234567\n"));
	assert_int_equal(sse_feed(p, S("data: 01234567\n\n"), &cause), -1);
	assert_string_equal(cause, "event-stream event data longer than 16 bytes");
	free(cause);
	assert_int_equal(r.n, 0);
	sse_free(p);
	rec_free(&r);

	/* Exactly the cap, counting the LFs: accepted. */
	rec_init(&r);
	assert_int_equal(run(&r, 16, S("data: 0123456\ndata: 0123456\n\n"), NULL), 0);
	check_event(&r, 0, "message", "", S("0123456\n0123456"));
	rec_free(&r);

	/* Invalid bytes that grow to U+FFFD count as such. */
	rec_init(&r);
	assert_int_equal(run(&r, 16, S("data: \xff\xff\xff\xff\xff\n\n"), NULL), 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(run(&r, 16, S("data: \xff\xff\xff\xff\xff\xff\n\n"), NULL), -1);
	assert_int_equal(r.n, 1);
	rec_free(&r);
}

/* The default cap is 1 MiB. */
static void
test_default_cap(void **state)
{
	struct sse_parser *p;
	struct rec r;
	struct buf s;
	char *cause = NULL;
	size_t mib = (size_t)1 << 20;

	(void)state;
	buf_init(&s, 0);
	buf_adds(&s, "data: ");
	while (s.len < mib)
		buf_addc(&s, 'x');
	/* A line of exactly 1 MiB; then data that passes 1 MiB. */
	rec_init(&r);
	p = sse_new(0, rec_cb, &r);
	feed_ok(p, s.data, s.len);
	feed_ok(p, S("\r"));
	feed_ok(p, S("\ndata: 012\n")); /* mib - 6 + 1 + 3 + 1 bytes */
	assert_int_equal(sse_feed(p, S("data: 0\n"), &cause), -1);
	assert_string_equal(cause, "event-stream event data longer than 1048576 bytes");
	free(cause);
	assert_int_equal(r.n, 0);
	sse_free(p);
	rec_free(&r);

	rec_init(&r);
	p = sse_new(0, rec_cb, &r);
	feed_ok(p, s.data, s.len);
	feed_ok(p, S("\n\n"));
	assert_int_equal(r.n, 1);
	assert_int_equal(r.ev[0].len, mib - 6);
	buf_addc(&s, 'x');
	assert_int_equal(sse_feed(p, s.data, s.len, &cause), -1);
	assert_string_equal(cause, "event-stream line longer than 1048576 bytes");
	free(cause);
	sse_free(p);
	rec_free(&r);
	buf_release(&s);
}

static void
test_stop(void **state)
{
	struct sse_parser *p;
	struct rec r;
	struct buf left;
	char *cause = NULL;

	(void)state;
	buf_init(&left, 0);
	rec_init(&r);
	r.stop_at = 2;
	r.stop_rv = 7;
	p = sse_new(0, rec_cb, &r);
	assert_int_equal(sse_feed(p,
			     S("data: a\n\ndata: b\n\ndata: c\n\n"
			       "data: d\n"),
			     &cause),
	    7);
	assert_null(cause);
	assert_int_equal(r.n, 2);
	check_event(&r, 1, "message", "", S("b"));

	/* The parser stays stopped. */
	assert_int_equal(sse_feed(p, S("data: e\n\n"), &cause), 7);
	assert_null(cause);
	assert_int_equal(r.n, 2);

	/* And the rest of the input was ignored: nothing left over. */
	buf_adds(&left, "junk");
	sse_finish(p, &left);
	assert_int_equal(left.len, 0);
	sse_free(p);
	rec_free(&r);
	buf_release(&left);

	/* A negative value goes through as well. */
	rec_init(&r);
	r.stop_at = 1;
	r.stop_rv = -2;
	assert_int_equal(run(&r, 0, S("data: a\r\rdata: b\r\r"), NULL), -2);
	assert_int_equal(r.n, 1);
	rec_free(&r);
}

/* DashScope compatible mode (/compatible-mode/v1/chat/completions). */
static const char dashscope_compat[] =
    "data: {\"id\":\"chatcmpl-8c3e1f2a-7a5b-9d1e-b1a0-3f7d2c6e9a41\","
    "\"choices\":[{\"delta\":{\"content\":\"\",\"role\":\"assistant\"},"
    "\"index\":0,\"logprobs\":null,\"finish_reason\":null}],"
    "\"object\":\"chat.completion.chunk\",\"usage\":null,"
    "\"created\":1735689600,\"system_fingerprint\":null,"
    "\"model\":\"qwen-plus\"}\n\n"
    "data: {\"id\":\"chatcmpl-8c3e1f2a-7a5b-9d1e-b1a0-3f7d2c6e9a41\","
    "\"choices\":[{\"finish_reason\":null,\"delta\":{\"content\":"
    "\"\xe4\xbd\xa0\xe5\xa5\xbd\"},\"index\":0,\"logprobs\":null}],"
    "\"object\":\"chat.completion.chunk\",\"usage\":null,"
    "\"created\":1735689600,\"system_fingerprint\":null,"
    "\"model\":\"qwen-plus\"}\n\n"
    "data: {\"id\":\"chatcmpl-8c3e1f2a-7a5b-9d1e-b1a0-3f7d2c6e9a41\","
    "\"choices\":[{\"delta\":{\"content\":\"\xef\xbc\x81\xe6\x9c\x89"
    "\xe4\xbb\x80\xe4\xb9\x88\xe5\x8f\xaf\xe4\xbb\xa5\xe5\xb8\xae\xe4"
    "\xbd\xa0\xe7\x9a\x84\xef\xbc\x9f\"},\"finish_reason\":null,"
    "\"index\":0,\"logprobs\":null}],\"object\":\"chat.completion.chunk\","
    "\"usage\":null,\"created\":1735689600,\"system_fingerprint\":null,"
    "\"model\":\"qwen-plus\"}\n\n"
    "data: {\"id\":\"chatcmpl-8c3e1f2a-7a5b-9d1e-b1a0-3f7d2c6e9a41\","
    "\"choices\":[{\"finish_reason\":\"stop\",\"delta\":{\"content\":\"\"},"
    "\"index\":0,\"logprobs\":null}],\"object\":\"chat.completion.chunk\","
    "\"usage\":null,\"created\":1735689600,\"system_fingerprint\":null,"
    "\"model\":\"qwen-plus\"}\n\n"
    "data: {\"id\":\"chatcmpl-8c3e1f2a-7a5b-9d1e-b1a0-3f7d2c6e9a41\","
    "\"choices\":[],\"object\":\"chat.completion.chunk\",\"usage\":"
    "{\"prompt_tokens\":22,\"completion_tokens\":9,\"total_tokens\":31},"
    "\"created\":1735689600,\"system_fingerprint\":null,"
    "\"model\":\"qwen-plus\"}\n\n"
    "data: [DONE]\n\n";

/* Feed s in pieces of sizes cycling through sizes[]. */
static void
feed_pieces(struct sse_parser *p, const char *s, size_t len, const size_t *sizes, size_t nsizes)
{
	size_t at = 0, n, i = 0;

	while (at < len) {
		n = sizes[i++ % nsizes];
		if (n > len - at)
			n = len - at;
		feed_ok(p, s + at, n);
		at += n;
	}
}

/* The JSON of line k (from 0) of a stream of "data: " lines. */
static void
nth_data_line(const char *s, size_t k, struct buf *out)
{
	const char *line, *end;

	line = s;
	for (; k != 0; k--)
		line = strstr(line, "\n\n") + 2;
	assert_memory_equal(line, "data: ", 6);
	line += 6;
	end = strchr(line, '\n');
	buf_reset(out);
	buf_add(out, line, end - line);
}

static void
test_dashscope_compat(void **state)
{
	static const size_t sizes[] = { 1, 7, 64, 3, 16384, 2, 500 };
	struct sse_parser *p;
	struct rec r;
	struct buf want, left;
	size_t i, chunk;

	(void)state;
	buf_init(&want, 0);
	buf_init(&left, 0);
	for (chunk = 0; chunk < nitems(sizes) + 1; chunk++) {
		rec_init(&r);
		p = sse_new(0, rec_cb, &r);
		if (chunk < nitems(sizes))
			feed_pieces(p, S(dashscope_compat), &sizes[chunk], 1);
		else
			feed_pieces(p, S(dashscope_compat), sizes, nitems(sizes));
		sse_finish(p, &left);
		sse_free(p);

		assert_int_equal(r.n, 6);
		for (i = 0; i < r.n; i++) {
			nth_data_line(dashscope_compat, i, &want);
			check_event(&r, i, "message", "", want.data, want.len);
		}
		assert_non_null(strstr(r.ev[1].data, "\"content\":\"\xe4\xbd\xa0\xe5\xa5\xbd\"}"));
		check_event(&r, 5, "message", "", S("[DONE]"));
		assert_int_equal(left.len, 0);
		rec_free(&r);
	}
	buf_release(&left);
	buf_release(&want);
}

/* DashScope native protocol (X-DashScope-SSE: enable), Qwen3 thinking. */
static const char dashscope_native[] =
    "id:1\n"
    "event:result\n"
    ":HTTP_STATUS/200\n"
    "data:{\"output\":{\"choices\":[{\"message\":{\"content\":\"\","
    "\"reasoning_content\":\"\xe5\xa5\xbd\",\"role\":\"assistant\"},"
    "\"finish_reason\":\"null\"}]},\"usage\":{\"total_tokens\":12,"
    "\"output_tokens\":1,\"input_tokens\":11},"
    "\"request_id\":\"5e1d6c2a-3b7f-9a8e-a1c4-0d2f6b8e4c71\"}\n"
    "\n"
    "id:2\n"
    "event:result\n"
    ":HTTP_STATUS/200\n"
    "data:{\"output\":{\"choices\":[{\"message\":{\"content\":"
    "\"\xe4\xbd\xa0\xe5\xa5\xbd\xef\xbc\x81\",\"reasoning_content\":\"\","
    "\"role\":\"assistant\"},\"finish_reason\":\"null\"}]},"
    "\"usage\":{\"total_tokens\":15,\"output_tokens\":4,"
    "\"input_tokens\":11},"
    "\"request_id\":\"5e1d6c2a-3b7f-9a8e-a1c4-0d2f6b8e4c71\"}\n"
    "\n"
    "id:3\n"
    "event:result\n"
    ":HTTP_STATUS/200\n"
    "data:{\"output\":{\"choices\":[{\"message\":{\"content\":\"\","
    "\"reasoning_content\":\"\",\"role\":\"assistant\"},"
    "\"finish_reason\":\"stop\"}]},\"usage\":{\"total_tokens\":15,"
    "\"output_tokens\":4,\"input_tokens\":11},"
    "\"request_id\":\"5e1d6c2a-3b7f-9a8e-a1c4-0d2f6b8e4c71\"}\n"
    "\n";

static void
test_dashscope_native(void **state)
{
	static const size_t sizes[] = { 5, 1, 13, 2, 333 };
	static const char prefix[] = "{\"output\":{\"choices\":"
				     "[{\"message\":{\"content\":"
				     "\"\xe4\xbd\xa0\xe5\xa5\xbd\xef\xbc\x81\",";
	struct sse_parser *p;
	struct rec r;
	struct buf left;

	(void)state;
	buf_init(&left, 0);
	rec_init(&r);
	p = sse_new(0, rec_cb, &r);
	feed_pieces(p, S(dashscope_native), sizes, nitems(sizes));
	sse_finish(p, &left);
	sse_free(p);
	assert_int_equal(r.n, 3);
	assert_string_equal(r.ev[0].type, "result");
	assert_string_equal(r.ev[0].id, "1");
	assert_string_equal(r.ev[1].id, "2");
	assert_string_equal(r.ev[2].type, "result");
	assert_string_equal(r.ev[2].id, "3");
	assert_memory_equal(r.ev[1].data, prefix, sizeof prefix - 1);
	assert_int_equal(r.ev[2].data[r.ev[2].len - 1], '}');
	assert_null(strchr(r.ev[2].data, '\n'));
	assert_non_null(strstr(r.ev[2].data, "\"finish_reason\":\"stop\""));
	assert_int_equal(left.len, 0);
	rec_free(&r);
	buf_release(&left);
}

/* Count and size events without copying them. */
struct tally {
	size_t n;
	size_t bytes;
	bool bad;
};

static int
tally_cb(const struct sse_event *e, void *arg)
{
	struct tally *t = arg;

	if (e->data_len != 64 || e->data[0] != '{' || e->data[63] != '}')
		t->bad = true;
	t->n++;
	t->bytes += e->data_len;
	return 0;
}

/* 16 MiB in 16 KiB pieces, and a 1 MiB line byte by byte, in linear time. */
static void
test_big_stream(void **state)
{
	struct sse_parser *p;
	struct tally t = { 0, 0, false };
	struct buf s;
	size_t i, at, n, events = 0;
	char line[128];

	(void)state;
	buf_init(&s, 0);
	while (s.len < ((size_t)16 << 20)) {
		snprintf(line, sizeof line,
		    "data: {\"n\":%010zu,"
		    "\"pad\":\"%039d\"}\r\n\r\n",
		    events++, 0);
		buf_adds(&s, line);
	}
	p = sse_new(0, tally_cb, &t);
	for (at = 0; at < s.len; at += n) {
		n = s.len - at < 16384 ? s.len - at : 16384;
		feed_ok(p, s.data + at, n);
	}
	sse_finish(p, NULL);
	sse_free(p);
	assert_false(t.bad);
	assert_int_equal(t.n, events);
	assert_int_equal(t.bytes, events * 64);

	buf_reset(&s);
	buf_adds(&s, "data: ");
	while (s.len < ((size_t)1 << 20))
		buf_addc(&s, 'y');
	t.n = 0;
	p = sse_new(0, tally_cb, &t);
	for (i = 0; i < s.len; i++)
		feed_ok(p, s.data + i, 1);
	feed_ok(p, S("\r"));
	assert_int_equal(t.n, 0);
	feed_ok(p, S("\r"));
	assert_int_equal(t.n, 1);
	assert_int_equal(t.bytes, events * 64 + s.len - 6);
	sse_free(p);
	buf_release(&s);
}

static void
test_free_null(void **state)
{
	(void)state;
	sse_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lf),
		cmocka_unit_test(test_cr),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_mixed_line_ends),
		cmocka_unit_test(test_crlf_split),
		cmocka_unit_test(test_cr_fires_at_once),
		cmocka_unit_test(test_split_reference),
		cmocka_unit_test(test_split_everywhere),
		cmocka_unit_test(test_byte_by_byte),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_multiline_data),
		cmocka_unit_test(test_bom_start),
		cmocka_unit_test(test_bom_elsewhere),
		cmocka_unit_test(test_colon_space),
		cmocka_unit_test(test_tab_kept),
		cmocka_unit_test(test_no_colon),
		cmocka_unit_test(test_unknown_fields),
		cmocka_unit_test(test_event_type),
		cmocka_unit_test(test_id),
		cmocka_unit_test(test_id_nul),
		cmocka_unit_test(test_retry),
		cmocka_unit_test(test_empty_data_no_fire),
		cmocka_unit_test(test_empty_value_fires),
		cmocka_unit_test(test_unterminated),
		cmocka_unit_test(test_done_without_blank),
		cmocka_unit_test(test_utf8_split),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_other_line_ends),
		cmocka_unit_test(test_nul_in_data),
		cmocka_unit_test(test_line_cap),
		cmocka_unit_test(test_data_cap),
		cmocka_unit_test(test_default_cap),
		cmocka_unit_test(test_stop),
		cmocka_unit_test(test_dashscope_compat),
		cmocka_unit_test(test_dashscope_native),
		cmocka_unit_test(test_big_stream),
		cmocka_unit_test(test_free_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
