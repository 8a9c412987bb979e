/* sse.c: incremental event-stream parser (WHATWG "Parsing an event stream"). */
#include "common.h"
#include "caps.h"

#include "sse.h"
#include "text.h"

#include <limits.h>

static const char sse_bom[] = "\xef\xbb\xbf";

struct sse_parser {
	sse_event_fn fn;
	void *arg;
	size_t max; /* cap on one line and on the data */

	struct buf line; /* partial line carried between feeds */
	struct buf data; /* data buffer, decoded */
	struct buf type; /* event type buffer, decoded */
	struct buf id;	 /* last event id buffer, decoded */
	long retry;	 /* -1 until a retry field sets it */

	int status;	 /* non-zero once stopped */
	bool pending_cr; /* last feed ended in CR: skip one LF */
	bool first;	 /* no line seen yet: check for a BOM */
};

struct sse_parser *
sse_new(size_t max_line, sse_event_fn fn, void *arg)
{
	struct sse_parser *p;

	p = xcalloc(1, sizeof *p);
	p->fn = fn;
	p->arg = arg;
	p->max = max_line == 0 ? SSE_DEFAULT_MAX : max_line;
	buf_init(&p->line, p->max);
	buf_init(&p->data, p->max);
	buf_init(&p->type, SIZE_MAX); /* bounded by 3 x the line cap */
	buf_init(&p->id, SIZE_MAX);
	p->retry = -1;
	p->first = true;
	return p;
}

void
sse_free(struct sse_parser *p)
{
	if (p == NULL)
		return;
	buf_release(&p->line);
	buf_release(&p->data);
	buf_release(&p->type);
	buf_release(&p->id);
	free(p);
}

long
sse_retry_ms(const struct sse_parser *p)
{
	return p->retry;
}

/*
 * Split a line into field name and value. Return false for a comment. The
 * value loses one leading space; without a colon it is empty.
 */
static bool
sse_split(const char *line, size_t len, const char **name, size_t *namelen, const char **value,
    size_t *valuelen)
{
	const char *colon;

	if (len != 0 && line[0] == ':')
		return false;
	*name = line;
	colon = memchr(line, ':', len);
	if (colon == NULL) {
		*namelen = len;
		*value = "";
		*valuelen = 0;
		return true;
	}
	*namelen = colon - line;
	*value = colon + 1;
	*valuelen = len - *namelen - 1;
	if (*valuelen != 0 && **value == ' ') {
		(*value)++;
		(*valuelen)--;
	}
	return true;
}

/* Does the field name (not NUL-terminated) equal s? */
static bool
sse_is(const char *name, size_t namelen, const char *s)
{
	return namelen == strlen(s) && memcmp(name, s, namelen) == 0;
}

/* Drop one BOM from the very first line of the stream. */
static void
sse_skip_bom(struct sse_parser *p, const char **line, size_t *len)
{
	if (!p->first)
		return;
	p->first = false;
	if (*len >= 3 && memcmp(*line, sse_bom, 3) == 0) {
		*line += 3;
		*len -= 3;
	}
}

/* Set the reconnection time when the value is all ASCII digits. */
static void
sse_set_retry(struct sse_parser *p, const char *value, size_t len)
{
	long n = 0;
	size_t i;
	int d;

	if (len == 0)
		return;
	for (i = 0; i < len; i++) {
		if (value[i] < '0' || value[i] > '9')
			return;
	}
	for (i = 0; i < len; i++) {
		d = value[i] - '0';
		if (n > (LONG_MAX - d) / 10)
			n = LONG_MAX;
		else
			n = n * 10 + d;
	}
	p->retry = n;
}

/* Store an error message and stop the parser. */
static int
sse_error(struct sse_parser *p, char **cause, bool line)
{
	if (cause != NULL)
		*cause = line ?
		    xasprintf(_("event-stream line longer than %zu bytes"), p->max) :
		    xasprintf(_("event-stream event data longer than %zu bytes"), p->max);
	p->status = -1;
	return -1;
}

/* Fire the pending event, if any, and start a new one. */
static int
sse_dispatch(struct sse_parser *p)
{
	struct sse_event ev;
	int rv;

	if (p->data.len == 0) {
		buf_reset(&p->type);
		return 0;
	}
	if (p->data.data[p->data.len - 1] == '\n')
		p->data.data[--p->data.len] = '\0';

	ev.type = p->type.len != 0 ? p->type.data : "message";
	ev.data = p->data.data;
	ev.data_len = p->data.len;
	ev.last_id = p->id.data;
	rv = p->fn(&ev, p->arg);

	buf_reset(&p->data);
	buf_reset(&p->type);
	return rv;
}

/* Process one complete line, without its line end. */
static int
sse_line(struct sse_parser *p, const char *line, size_t len, char **cause)
{
	const char *name, *value;
	size_t namelen, valuelen;

	sse_skip_bom(p, &line, &len);
	if (len == 0)
		return sse_dispatch(p);
	if (!sse_split(line, len, &name, &namelen, &value, &valuelen))
		return 0;

	if (sse_is(name, namelen, "data")) {
		if (text_utf8_repair(value, valuelen, &p->data, NULL) != 0 ||
		    buf_addc(&p->data, '\n') != 0)
			return sse_error(p, cause, false);
	} else if (sse_is(name, namelen, "event")) {
		buf_reset(&p->type);
		(void)text_utf8_repair(value, valuelen, &p->type, NULL);
	} else if (sse_is(name, namelen, "id")) {
		if (memchr(value, '\0', valuelen) == NULL) {
			buf_reset(&p->id);
			(void)text_utf8_repair(value, valuelen, &p->id, NULL);
		}
	} else if (sse_is(name, namelen, "retry"))
		sse_set_retry(p, value, valuelen);
	return 0;
}

/*
 * Next c in [s, end), or end when there is none. The answer is cached and
 * searched again only once s has passed it, so a feed is scanned once.
 */
static const char *
sse_next(const char *s, const char *end, int c, const char **cache)
{
	const char *found;

	if (*cache == NULL || *cache < s) {
		found = memchr(s, c, end - s);
		*cache = found != NULL ? found : end;
	}
	return *cache;
}

int
sse_feed(struct sse_parser *p, const char *data, size_t len, char **cause)
{
	const char *s, *end, *eol, *cr, *lf;
	const char *cr_cache = NULL, *lf_cache = NULL;
	int rv;

	if (p->status != 0) {
		if (p->status == -1 && cause != NULL)
			*cause = xstrdup("event-stream fed after an error");
		return p->status;
	}
	if (len == 0)
		return 0;
	s = data;
	end = data + len;
	if (p->pending_cr) {
		p->pending_cr = false;
		if (*s == '\n')
			s++;
	}

	while (s < end) {
		lf = sse_next(s, end, '\n', &lf_cache);
		cr = sse_next(s, end, '\r', &cr_cache);
		eol = cr < lf ? cr : lf;
		if (eol == end) {
			if (buf_add(&p->line, s, end - s) != 0)
				return sse_error(p, cause, true);
			break;
		}

		if (p->line.len != 0) {
			if (buf_add(&p->line, s, eol - s) != 0)
				return sse_error(p, cause, true);
			rv = sse_line(p, p->line.data, p->line.len, cause);
			buf_reset(&p->line);
		} else if ((size_t)(eol - s) > p->max)
			return sse_error(p, cause, true);
		else
			rv = sse_line(p, s, eol - s, cause);
		if (rv != 0) {
			p->status = rv;
			return rv;
		}

		s = eol + 1;
		if (*eol == '\r') {
			if (s == end)
				p->pending_cr = true;
			else if (*s == '\n')
				s++;
		}
	}
	return 0;
}

/*
 * Append to leftover what the undispatched block would carry if the stream
 * ended with a line end and a blank line. Return -1 if it does not fit.
 */
static int
sse_leftover(struct sse_parser *p, struct buf *leftover)
{
	const char *line = p->line.data, *name, *value;
	size_t len = p->line.len, namelen, valuelen;

	if (buf_add(leftover, p->data.data, p->data.len) != 0)
		return -1;
	sse_skip_bom(p, &line, &len);
	if (len != 0 && sse_split(line, len, &name, &namelen, &value, &valuelen) &&
	    sse_is(name, namelen, "data")) {
		if (text_utf8_repair(value, valuelen, leftover, NULL) != 0 ||
		    buf_addc(leftover, '\n') != 0)
			return -1;
	}
	if (leftover->len != 0 && leftover->data[leftover->len - 1] == '\n')
		leftover->data[--leftover->len] = '\0';
	return 0;
}

void
sse_finish(struct sse_parser *p, struct buf *leftover)
{
	if (leftover != NULL) {
		buf_reset(leftover);
		if (p->status == 0 && sse_leftover(p, leftover) != 0)
			buf_reset(leftover);
	}

	/* Ready for a new stream; the last event id and retry stay. */
	buf_reset(&p->line);
	buf_reset(&p->data);
	buf_reset(&p->type);
	p->status = 0;
	p->pending_cr = false;
	p->first = true;
}
