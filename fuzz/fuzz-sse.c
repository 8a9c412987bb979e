/*
 * fuzz-sse.c: libFuzzer target for the event-stream parser (src/sse.c).
 *
 * The first input byte picks a cut position; the rest is the stream. The
 * stream is fed whole, cut in two at that position, and byte by byte, and
 * the transcripts (events, result, cause, retry, leftover) must be the same;
 * fed whole it must also match a small, slow reference parser written here
 * straight from the WHATWG text (decode everything first, then split lines).
 * Every event must be NUL-terminated at data_len and valid UTF-8. Any
 * mismatch aborts. A second run uses a 32-byte cap and a callback that stops
 * at the third event, so the error and stop paths are cut too.
 *
 * Not part of the build. autoconf.h is generated in the build directory, so
 * pass -I<builddir>; without a configured tree, make a directory holding an
 * autoconf.h that contains just "#define _GNU_SOURCE 1" and pass that. From
 * fuzz/:
 *
 *   clang-14 -g -O1 -fsanitize=fuzzer,address,undefined \
 *       -fno-sanitize-recover=undefined -I<builddir> -I../include \
 *       fuzz-sse.c ../src/sse.c ../src/buf.c ../src/xmalloc.c -o fuzz-sse
 *   ./fuzz-sse -max_total_time=60 corpus
 *
 * Seed the corpus, or it takes long to reach multi-event streams (the
 * first byte is the cut position; run these in bash, whose printf knows
 * \x escapes):
 *
 *   mkdir -p corpus
 *   printf '\x05data: a\r\ndata: b\rdata: c\n\r\n: ping\r\r'\
 *   'event: e\rid: 1\r\ndata:x\r\r\nretry: 250\r\n' > corpus/crlf
 *   printf '\x03\xef\xbb\xbfdata: h\xc3\xa9llo \xe2\x82\n\ndata: [DONE]' \
 *       > corpus/utf8
 *   printf '\x09id: 1\nid: a\x00b\ndata: \x00\xff\n\nevent: x\ndata: '\
 *   '012345678901234567890123456789\n\n' > corpus/ids
 *
 * Checked with clang 14.0.6 on x86_64 against this file as it stands. The
 * exact commands, run from fuzz/ with the stub autoconf.h in /tmp/fuzz-cfg
 * and the three seeds above in /tmp/sse-helper-w/final/corpus:
 *
 *   clang-14 -g -O1 -fsanitize=fuzzer,address,undefined \
 *       -fno-sanitize-recover=undefined -I/tmp/fuzz-cfg -I../include \
 *       fuzz-sse.c ../src/sse.c ../src/buf.c ../src/xmalloc.c \
 *       -o /tmp/sse-helper-w/final/fuzz-sse
 *   cd /tmp/sse-helper-w/final && ./fuzz-sse -max_total_time=60 corpus
 *
 * Result: exit status 0, nothing found.
 *
 *   #4      INITED cov: 235 ft: 347 corp: 3/178b exec/s: 0 rss: 31Mb
 *   #461167 DONE   cov: 299 ft: 1615 corp: 557/68Kb lim: 857 exec/s: 7560
 *   Done 461167 runs in 61 second(s)
 *
 * No crash, mismatch, leak or sanitizer report. A 300 s run with
 * -max_len=16384 did 841828 runs, also clean. To check that the target can
 * fail, it was built against three broken copies of sse.c. Two were caught
 * from an empty corpus: a CR at the end of a feed not carried over ("whole
 * vs byte by byte"), and one U+FFFD per invalid byte instead of one per
 * maximal subpart ("reference vs whole"). The third, the event type not
 * reset after dispatch, survived 60 s from an empty corpus and was caught
 * from the seeded one ("reference vs whole").
 */
#include "common.h"

#include "sse.h"

#include <limits.h>

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FUZZ_MAX_SMALL 32
#define FUZZ_STOP_AT 3

/* What one run of the parser reported, as text. */
struct fuzz_run {
	struct buf log;
	size_t n;
	size_t stop_at; /* stop at this event (from 1) */
};

/* Is s[0..len) valid UTF-8 (NUL allowed)? */
static bool
fuzz_utf8(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, need, j;
	unsigned long cp;

	while (i < len) {
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		if (u[i] >= 0xc2 && u[i] <= 0xdf) {
			need = 1;
			cp = u[i] & 0x1f;
		} else if (u[i] >= 0xe0 && u[i] <= 0xef) {
			need = 2;
			cp = u[i] & 0x0f;
		} else if (u[i] >= 0xf0 && u[i] <= 0xf4) {
			need = 3;
			cp = u[i] & 0x07;
		} else
			return false;
		if (len - i <= need)
			return false;
		for (j = 1; j <= need; j++) {
			if ((u[i + j] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (u[i + j] & 0x3f);
		}
		if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return false;
		i += need + 1;
	}
	return true;
}

/* Append one event to a transcript. */
static void
fuzz_log_event(struct buf *log, const char *type, const char *id, const char *data, size_t len)
{
	buf_addf(log, "event type=[%s] id=[%s] len=%zu data=[", type, id, len);
	buf_add(log, data, len);
	buf_adds(log, "]\n");
}

/* The parser's callback: check the event, log it, maybe stop. */
static int
fuzz_cb(const struct sse_event *ev, void *arg)
{
	struct fuzz_run *r = arg;

	if (ev->data[ev->data_len] != '\0' || !fuzz_utf8(ev->data, ev->data_len) ||
	    !fuzz_utf8(ev->type, strlen(ev->type)) || !fuzz_utf8(ev->last_id, strlen(ev->last_id)))
		abort();
	fuzz_log_event(&r->log, ev->type, ev->last_id, ev->data, ev->data_len);
	r->n++;
	if (r->stop_at != 0 && r->n == r->stop_at)
		return 1;
	return 0;
}

/* Feed s in pieces of at most step bytes (0: whole), cut once at cut. */
static void
fuzz_run(struct fuzz_run *r, size_t max, size_t stop_at, const char *s, size_t len, size_t cut,
    size_t step)
{
	struct sse_parser *p;
	struct buf left;
	char *cause = NULL;
	size_t at = 0, n;
	int rv = 0;

	buf_init(&r->log, SIZE_MAX);
	r->n = 0;
	r->stop_at = stop_at;
	buf_init(&left, 0);
	p = sse_new(max, fuzz_cb, r);
	while (rv == 0 && at < len) {
		n = len - at;
		if (step != 0 && n > step)
			n = step;
		if (at < cut && n > cut - at)
			n = cut - at;
		rv = sse_feed(p, s + at, n, &cause);
		at += n;
	}
	if ((rv == -1) != (cause != NULL))
		abort();
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

/* Print a transcript with its bytes escaped. */
static void
fuzz_dump(const char *what, const struct buf *b)
{
	size_t i;

	fprintf(stderr, "--- %s\n", what);
	for (i = 0; i < b->len; i++) {
		if (b->data[i] == '\n' || (b->data[i] >= ' ' && b->data[i] < 0x7f))
			fputc(b->data[i], stderr);
		else
			fprintf(stderr, "\\x%02x", (unsigned char)b->data[i]);
	}
}

/* Abort unless two transcripts are the same. */
static void
fuzz_same(const char *what, const struct buf *a, const struct buf *b)
{
	if (a->len == b->len && memcmp(a->data, b->data, a->len) == 0)
		return;
	fprintf(stderr, "transcripts differ: %s\n", what);
	fuzz_dump("expected", a);
	fuzz_dump("got", b);
	abort();
}

/* Append code point cp as UTF-8. */
static void
ref_put(struct buf *b, unsigned long cp)
{
	char u[4];

	if (cp < 0x80)
		buf_addc(b, (char)cp);
	else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		buf_add(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		buf_add(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		buf_add(b, u, 4);
	}
}

/* The WHATWG "UTF-8 decode" algorithm, step by step, BOM included. */
static void
ref_decode(const unsigned char *in, size_t len, struct buf *out)
{
	unsigned long cp = 0;
	unsigned int need = 0, seen = 0, lower = 0x80, upper = 0xbf, c;
	size_t i = 0;

	while (i < len) {
		c = in[i];
		if (need == 0) {
			i++;
			if (c <= 0x7f)
				ref_put(out, c);
			else if (c >= 0xc2 && c <= 0xdf) {
				need = 1;
				cp = c & 0x1f;
			} else if (c >= 0xe0 && c <= 0xef) {
				lower = c == 0xe0 ? 0xa0 : 0x80;
				upper = c == 0xed ? 0x9f : 0xbf;
				need = 2;
				cp = c & 0x0f;
			} else if (c >= 0xf0 && c <= 0xf4) {
				lower = c == 0xf0 ? 0x90 : 0x80;
				upper = c == 0xf4 ? 0x8f : 0xbf;
				need = 3;
				cp = c & 0x07;
			} else
				ref_put(out, 0xfffd);
			continue;
		}
		if (c < lower || c > upper) {
			cp = need = seen = 0;
			lower = 0x80;
			upper = 0xbf;
			ref_put(out, 0xfffd);
			continue; /* prepend c back to the stream */
		}
		i++;
		lower = 0x80;
		upper = 0xbf;
		cp = (cp << 6) | (c & 0x3f);
		if (++seen == need) {
			ref_put(out, cp);
			cp = need = seen = 0;
		}
	}
	if (need != 0)
		ref_put(out, 0xfffd);
	if (out->len >= 3 && memcmp(out->data, "\xef\xbb\xbf", 3) == 0)
		buf_consume(out, 3);
}

/* Reference parser state. */
struct ref {
	struct buf data;
	struct buf type;
	struct buf id;
	long retry;
	struct buf *log;
};

/* Process one line the way the standard's prose says. */
static void
ref_line(struct ref *r, const char *line, size_t len, bool last)
{
	const char *colon = memchr(line, ':', len), *v;
	size_t nlen, vlen;
	unsigned long n;

	if (len == 0) {
		if (r->data.len == 0) {
			buf_reset(&r->type);
			return;
		}
		r->data.data[--r->data.len] = '\0';
		fuzz_log_event(r->log, r->type.len ? r->type.data : "message", r->id.data,
		    r->data.data, r->data.len);
		buf_reset(&r->data);
		buf_reset(&r->type);
		return;
	}
	if (line[0] == ':')
		return;
	nlen = colon != NULL ? (size_t)(colon - line) : len;
	v = colon != NULL ? colon + 1 : line + len;
	vlen = len - (size_t)(v - line);
	if (vlen > 0 && v[0] == ' ') {
		v++;
		vlen--;
	}
	if (nlen == 4 && memcmp(line, "data", 4) == 0) {
		buf_add(&r->data, v, vlen);
		buf_addc(&r->data, '\n');
	} else if (last)
		return; /* only data matters for the leftover */
	else if (nlen == 5 && memcmp(line, "event", 5) == 0) {
		buf_reset(&r->type);
		buf_add(&r->type, v, vlen);
	} else if (nlen == 2 && memcmp(line, "id", 2) == 0) {
		if (memchr(v, '\0', vlen) == NULL) {
			buf_reset(&r->id);
			buf_add(&r->id, v, vlen);
		}
	} else if (nlen == 5 && memcmp(line, "retry", 5) == 0 && vlen > 0 &&
	    strspn(v, "0123456789") >= vlen) {
		for (n = 0; vlen > 0; v++, vlen--)
			n = n > (unsigned long)LONG_MAX / 10 ? LONG_MAX :
							       n * 10 + (unsigned long)(*v - '0');
		r->retry = n > LONG_MAX ? LONG_MAX : (long)n;
	}
}

/* The reference transcript of a whole stream, with no cap and no stop. */
static void
ref_run(const unsigned char *in, size_t len, struct buf *log)
{
	struct ref r;
	struct buf s;
	size_t i, start = 0;

	buf_init(&s, SIZE_MAX);
	ref_decode(in, len, &s);
	buf_init(&r.data, SIZE_MAX);
	buf_init(&r.type, SIZE_MAX);
	buf_init(&r.id, SIZE_MAX);
	r.retry = -1;
	r.log = log;
	buf_init(log, SIZE_MAX);

	for (i = 0; i < s.len; i++) {
		if (s.data[i] != '\r' && s.data[i] != '\n')
			continue;
		ref_line(&r, s.data + start, i - start, false);
		if (s.data[i] == '\r' && i + 1 < s.len && s.data[i + 1] == '\n')
			i++;
		start = i + 1;
	}
	buf_addf(log, "rv=0 cause=[] retry=%ld\n", r.retry);
	if (start < s.len)
		ref_line(&r, s.data + start, s.len - start, true);
	if (r.data.len != 0)
		r.data.data[--r.data.len] = '\0';
	buf_adds(log, "leftover=[");
	buf_add(log, r.data.data, r.data.len);
	buf_adds(log, "]\n");

	buf_release(&r.id);
	buf_release(&r.type);
	buf_release(&r.data);
	buf_release(&s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_run whole, other;
	struct buf ref;
	const char *s;
	size_t len, cut, cfg, max, stop_at;

	if (size == 0)
		return 0;
	s = (const char *)data + 1;
	len = size - 1;
	if (len <= 255)
		cut = data[0] % (len + 1);
	else
		cut = (size_t)data[0] * len / 255;

	for (cfg = 0; cfg < 2; cfg++) {
		max = cfg == 0 ? 0 : FUZZ_MAX_SMALL;
		stop_at = cfg == 0 ? 0 : FUZZ_STOP_AT;
		fuzz_run(&whole, max, stop_at, s, len, 0, 0);
		if (cfg == 0) {
			ref_run(data + 1, len, &ref);
			fuzz_same("reference vs whole", &ref, &whole.log);
			buf_release(&ref);
		}

		fuzz_run(&other, max, stop_at, s, len, cut, 0);
		fuzz_same("whole vs cut", &whole.log, &other.log);
		buf_release(&other.log);

		fuzz_run(&other, max, stop_at, s, len, 0, 1);
		fuzz_same("whole vs byte by byte", &whole.log, &other.log);
		buf_release(&other.log);

		buf_release(&whole.log);
	}
	return 0;
}
