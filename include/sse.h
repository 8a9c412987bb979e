/*
 * sse.h: incremental parser for the event-stream format (WHATWG HTML,
 * "Parsing an event stream"). Pure: no I/O.
 *
 * Bytes are fed in pieces of any size, split anywhere (inside a CRLF, inside
 * a UTF-8 character). Lines end in LF, CR or CRLF; a CR at the end of one
 * feed and an LF at the start of the next are one line end. One UTF-8 BOM at
 * the very start of the stream is dropped. Lines starting with ':' are
 * comments. "field:value" drops one leading space of the value (not a tab); a
 * line without a colon is a field with an empty value. "data" appends value +
 * LF to the data buffer, "event" sets the type, "id" sets the last event id
 * unless the value holds NUL, "retry" sets the reconnection delay when all
 * ASCII digits (a value past LONG_MAX counts as LONG_MAX); other fields are
 * ignored. An empty line dispatches: nothing fires when the data buffer is
 * empty (a block of only event, id or retry fields); otherwise one trailing
 * LF is removed and the callback fires. So "data:" alone does fire, with
 * empty data. An event fires as soon as its blank line's CR is seen, without
 * waiting for a possible LF. The last event id is kept across events, and
 * the event type is reset after every blank line. Invalid UTF-8 in a field
 * value is replaced by U+FFFD (EF BF BD), one per maximal invalid subpart as
 * the WHATWG decoder does; NUL bytes are kept (use data_len).
 *
 * Linear in the input; memory stays within a small multiple of the cap below.
 */
#ifndef CONFAB_SSE_H
#define CONFAB_SSE_H

#include <stddef.h>

#include "buf.h"

struct sse_event {
	const char *type; /* "message" unless an event field set it; a C
				   string, so a NUL in the value cuts it */
	const char *data; /* NUL-terminated, may contain NUL: use data_len */
	size_t data_len;
	const char *last_id; /* last event id so far ("" when none); never
				   holds NUL */
};

/*
 * Called once per dispatched event. The event and its strings are valid
 * only during the call. Return 0 to go on; any other value stops the parser:
 * sse_feed() returns that value at once and the rest of the input is ignored.
 * Stop with a positive value: -1 from sse_feed() means a cap error with
 * *cause set, and a callback's -1 would come back without a cause.
 */
typedef int (*sse_event_fn)(const struct sse_event *ev, void *arg);

struct sse_parser;

/*
 * New parser. max_line caps both one line (without its line end) and one
 * event's data buffer (after U+FFFD replacement, counting one LF per data
 * line), in bytes (0 means 1 MiB). The callback and arg are borrowed.
 */
struct sse_parser *sse_new(size_t max_line, sse_event_fn fn, void *arg);
void sse_free(struct sse_parser *p); /* NULL-safe */

/*
 * Feed len bytes (len may be 0). Returns 0; the callback's non-zero value
 * when it stopped the parser; or -1 when a line or an event's data exceeds
 * the cap, with *cause set to an allocated message (the caller's to free)
 * such as "event-stream line longer than 1048576 bytes" or "event-stream
 * event data longer than 1048576 bytes"; cause may be NULL. After a non-zero
 * return the parser must not be fed again; if it is, it ignores the input
 * and returns the same value (with a new *cause for -1).
 */
int sse_feed(struct sse_parser *p, const char *data, size_t len, char **cause);

/*
 * End of stream. Nothing fires: per the standard, an unterminated last line
 * and an undispatched block are discarded. So that a caller can accept a peer
 * that ends with "data: [DONE]" and no blank line (seen from llama.cpp),
 * leftover (when not NULL) is reset and filled with the data the undispatched
 * block would have carried had the stream ended with a line end and a blank
 * line (without the trailing LF); it stays empty when there was none, when
 * it would pass leftover's own cap, and after the parser was stopped. An
 * unterminated id or retry line has no effect.
 *
 * Afterwards the parser is ready for a new stream (a reconnection): the
 * partial line, the pending block and any stop are dropped and a BOM is
 * looked for again, while the last event id and the retry value are kept.
 */
void sse_finish(struct sse_parser *p, struct buf *leftover);

/* The "retry" value last set by the stream, or -1 when none. */
long sse_retry_ms(const struct sse_parser *p);

#endif
