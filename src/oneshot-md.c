/* oneshot-md.c: one-shot mode's answer on a terminal, as rendered Markdown (oneshot-md.h). */
#include "common.h"

#include "oneshot-md.h"

#include "buf.h"
#include "highlight.h"
#include "markdown.h"

struct oneshot_md {
	FILE *out;
	int width;
	bool color;
	struct buf src; /* the answer so far */
	size_t done;	/* src[0..done) is written */
	bool wrote;	/* some line is written: the next render starts with a blank */
	size_t printed; /* lines of the code block at done already written */
};

struct oneshot_md *
oneshot_md_new(FILE *out, int width, bool color)
{
	struct oneshot_md *m = xcalloc(1, sizeof *m);

	m->out = out;
	m->width = width < 10 ? 10 : width;
	m->color = color;
	buf_init(&m->src, 0);
	return m;
}

void
oneshot_md_free(struct oneshot_md *m)
{
	if (m == NULL)
		return;
	buf_release(&m->src);
	free(m);
}

void
oneshot_md_sgr(unsigned int style, char *buf, size_t len)
{
	unsigned int c = MD_COLOR(style);
	size_t at = 0;

#define SGR_ADD(s) \
	do { \
		at += (size_t)snprintf(buf + at, at < len ? len - at : 0, "%s%s", \
		    at > 0 ? ";" : "", s); \
	} while (0)
	if (len > 0)
		buf[0] = '\0';
	if (style & (MD_BOLD | MD_HEADING))
		SGR_ADD("1");
	if (style & (MD_DIM | MD_QUOTE))
		SGR_ADD("2");
	if (style & MD_ITALIC)
		SGR_ADD("3");
	if (style & (MD_LINK | MD_HEADING))
		SGR_ADD("4");
	if (style & MD_STRIKE)
		SGR_ADD("9");
	if (style & MD_CONTROL)
		SGR_ADD("7");
	else if (c >= 1 && c <= 16) {
		char n[8];

		snprintf(n, sizeof n, "%d", (HL_BRIGHT(c) ? 90 : 30) + (int)HL_BASE(c));
		SGR_ADD(n);
	} else if (c == 0 && (style & (MD_CODE | MD_CODEBLOCK)))
		SGR_ADD("36"); /* code without a syntax: the UI's code colour */
#undef SGR_ADD
}

/* One display line: each span in its style, then the line's end. */
static void
oneshot_md_line(struct oneshot_md *m, const struct md_line *line)
{
	char sgr[64];
	size_t i;

	for (i = 0; i < line->nspans; i++) {
		sgr[0] = '\0';
		if (m->color)
			oneshot_md_sgr(line->spans[i].style, sgr, sizeof sgr);
		if (sgr[0] != '\0')
			fprintf(m->out, "\033[%sm", sgr);
		fwrite(line->spans[i].text, 1, line->spans[i].len, m->out);
		if (sgr[0] != '\0')
			fputs("\033[m", m->out);
	}
	fputc('\n', m->out);
}

/* Render src[done..end) and write the lines not written yet; finished: done moves to end. */
static void
oneshot_md_write(struct oneshot_md *m, size_t end, bool finished)
{
	struct md_doc doc = { 0 };
	size_t i;

	if (end <= m->done)
		return;
	markdown_render(m->src.data + m->done, end - m->done, m->width, &doc);
	if (doc.nlines > m->printed && m->printed == 0 && m->wrote)
		fputc('\n', m->out); /* what a render into a doc with lines starts with */
	for (i = m->printed; i < doc.nlines; i++)
		oneshot_md_line(m, &doc.lines[i]);
	m->wrote = m->wrote || doc.nlines > 0;
	m->printed = finished ? 0 : doc.nlines > m->printed ? doc.nlines : m->printed;
	if (finished)
		m->done = end;
	markdown_doc_release(&doc);
}

/*
 * A fenced code block under way at done: its complete lines will not change
 * (code is neither re-wrapped nor re-read), so they go out line by line.
 */
static void
oneshot_md_code(struct oneshot_md *m)
{
	const char *s = m->src.data + m->done, *nl;
	size_t len = m->src.len - m->done;

	if (len < 3 || (strncmp(s, "```", 3) != 0 && strncmp(s, "~~~", 3) != 0))
		return;
	if ((nl = memchr(s, '\n', len)) == NULL)
		return;
	if (s[0] == '`' &&
	    memchr(s + strspn(s, "`"), '`', (size_t)(nl - s) - strspn(s, "`")) != NULL)
		return; /* ```a``` is inline code in a paragraph, no fence */
	if ((nl = memrchr(s, '\n', len)) != NULL)
		oneshot_md_write(m, m->done + (size_t)(nl - s) + 1, false);
}

void
oneshot_md_add(struct oneshot_md *m, const char *text, size_t len)
{
	buf_add(&m->src, text, len);
	oneshot_md_write(m, markdown_stable(m->src.data, m->src.len), true);
	oneshot_md_code(m);
}

bool
oneshot_md_finish(struct oneshot_md *m)
{
	oneshot_md_write(m, m->src.len, true);
	return m->wrote;
}
