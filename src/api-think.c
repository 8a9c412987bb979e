/* api-think.c: inline <think> reasoning split from content, as it streams (see api.h). */
#include "common.h"

#include "api.h"

#include "buf.h"

/* Where the splitter is: see struct api_think. */
enum {
	API_THINK_LEAD,	 /* at the start: holding whitespace and part of <think> */
	API_THINK_IN,	 /* in the block: holding part of </think> */
	API_THINK_AFTER, /* after </think>: dropping whitespace */
	API_THINK_BODY,	 /* the answer, or content without a block: passing on */
};

static const char api_think_open[] = "<think>";
static const char api_think_close[] = "</think>";
#define API_THINK_OPEN_LEN (sizeof api_think_open - 1)
#define API_THINK_CLOSE_LEN (sizeof api_think_close - 1)

/* Is c whitespace that may come before <think> or after </think>? */
static bool
api_think_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void
api_think_init(struct api_think *t)
{
	memset(t, 0, sizeof *t);
	t->state = API_THINK_LEAD;
}

/* Not a block after all: pass on what was held back as content. */
static void
api_think_unhold(struct api_think *t, struct buf *content)
{
	buf_add(content, t->space, t->nspace);
	buf_add(content, api_think_open, t->ntag);
	t->nspace = t->ntag = 0;
	t->state = API_THINK_BODY;
}

/* At the start: hold whitespace and <think>. Returns the bytes used. */
static size_t
api_think_lead(struct api_think *t, const char *s, size_t len, struct buf *content)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (t->ntag == 0 && api_think_space(s[i]) && t->nspace < API_THINK_SPACE_MAX)
			t->space[t->nspace++] = s[i];
		else if (s[i] == api_think_open[t->ntag]) {
			if (++t->ntag == API_THINK_OPEN_LEN) {
				t->nspace = t->ntag = 0;
				t->state = API_THINK_IN;
				return i + 1;
			}
		} else {
			api_think_unhold(t, content);
			return i; /* s[i] is the body's */
		}
	}
	return len;
}

/* In the block: reasoning up to </think>. Returns the bytes used. */
static size_t
api_think_in(struct api_think *t, const char *s, size_t len, struct buf *reasoning)
{
	const char *lt;
	size_t i = 0, n;

	while (i < len) {
		if (s[i] == api_think_close[t->ntag]) {
			i++;
			if (++t->ntag == API_THINK_CLOSE_LEN) {
				t->ntag = 0;
				t->state = API_THINK_AFTER;
				return i;
			}
		} else if (t->ntag != 0) {
			/* "</think>" has one '<': what was matched is reasoning. */
			buf_add(reasoning, api_think_close, t->ntag);
			t->ntag = 0;
		} else {
			/* s[i] is not '<': pass on everything before the next one. */
			lt = memchr(s + i, '<', len - i);
			n = lt != NULL ? (size_t)(lt - (s + i)) : len - i;
			buf_add(reasoning, s + i, n);
			i += n;
		}
	}
	return len;
}

/* After </think>: drop whitespace. Returns the bytes used. */
static size_t
api_think_after(struct api_think *t, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len && api_think_space(s[i]); i++)
		/* nothing */;
	if (i < len)
		t->state = API_THINK_BODY;
	return i;
}

void
api_think_feed(struct api_think *t, const char *s, size_t len, struct buf *content,
    struct buf *reasoning)
{
	size_t n;

	while (len > 0) {
		switch (t->state) {
		case API_THINK_LEAD:
			n = api_think_lead(t, s, len, content);
			break;
		case API_THINK_IN:
			n = api_think_in(t, s, len, reasoning);
			break;
		case API_THINK_AFTER:
			n = api_think_after(t, s, len);
			break;
		default:
			buf_add(content, s, len);
			n = len;
			break;
		}
		s += n;
		len -= n;
	}
}

void
api_think_finish(struct api_think *t, struct buf *content, struct buf *reasoning)
{
	if (t->state == API_THINK_LEAD)
		api_think_unhold(t, content);
	else if (t->state == API_THINK_IN)
		buf_add(reasoning, api_think_close, t->ntag);
	api_think_init(t);
}

/* The offset of the first "</think>" in s[0..len), or len when there is none. */
static size_t
api_think_find_close(const char *s, size_t len)
{
	const char *lt;
	size_t i = 0;

	while (i < len && (lt = memchr(s + i, '<', len - i)) != NULL) {
		i = (size_t)(lt - s);
		if (len - i >= API_THINK_CLOSE_LEN &&
		    memcmp(s + i, api_think_close, API_THINK_CLOSE_LEN) == 0)
			return i;
		i++;
	}
	return len;
}

size_t
api_think_skip(const char *s, size_t len, size_t *roff, size_t *rlen)
{
	size_t i = 0, start, end;

	if (roff != NULL)
		*roff = 0;
	if (rlen != NULL)
		*rlen = 0;
	while (i < len && i < API_THINK_SPACE_MAX && api_think_space(s[i]))
		i++;
	if (len - i < API_THINK_OPEN_LEN || memcmp(s + i, api_think_open, API_THINK_OPEN_LEN) != 0)
		return 0;
	start = i + API_THINK_OPEN_LEN;
	end = start + api_think_find_close(s + start, len - start);
	if (roff != NULL)
		*roff = start;
	if (rlen != NULL)
		*rlen = end - start;
	if (end == len)
		return len;
	for (i = end + API_THINK_CLOSE_LEN; i < len && api_think_space(s[i]); i++)
		/* nothing */;
	return i;
}
