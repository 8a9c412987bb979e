/*
 * line-style.c: the light Markdown of a streaming answer in line mode (bold,
 * headings, code fences), with the lines of a fenced block highlighted
 * (highlight.h) once each line is whole.
 */
#include "common.h"

#include "buf.h"
#include "highlight.h"
#include "line-internal.h"

static void line_md_char(struct line *l, char c);

/* The style the Markdown state asks for. */
static int
line_md_style(const struct line_md *m)
{
	if (m->fence || m->fence_line)
		return LINE_DIM;
	return m->heading || m->bold ? LINE_BOLD : LINE_PLAIN;
}

/* Write one byte of answer text in the style of the moment. */
static void
line_md_put(struct line *l, char c)
{
	int style = line_md_style(&l->md);

	if (style != l->md.cur) {
		line_style(l, style);
		l->md.cur = style;
	}
	line_add(l, &c, 1);
}

/* Code text s[0..len) in a colour of highlight.h (0: plain); the style is sent again after. */
static void
line_md_colored(struct line *l, const char *s, size_t len, int color)
{
	if (len == 0)
		return;
	if (color == 0)
		buf_adds(&l->out, line_sgr[LINE_PLAIN]);
	else
		buf_addf(&l->out, "\033[0;%dm", (HL_BRIGHT(color) ? 90 : 30) + HL_BASE(color));
	l->md.cur = -1;
	line_add(l, s, len);
}

/* The code line held back, highlighted. */
static void
line_md_code_flush(struct line *l)
{
	struct line_md *m = &l->md;
	struct hl_span sp[128];
	size_t n, i, at = 0;

	n = hl_line(m->syn, m->held, m->nheld, &m->hls, sp, nitems(sp));
	for (i = 0; i < n; i++) {
		line_md_colored(l, m->held + at, sp[i].off - at, 0);
		line_md_colored(l, m->held + sp[i].off, sp[i].len, sp[i].color);
		at = sp[i].off + sp[i].len;
	}
	line_md_colored(l, m->held + at, m->nheld - at, 0);
	m->nheld = 0;
}

/* A byte of code in a block with a syntax: held back until its line ends, within bounds. */
static void
line_md_code(struct line *l, char c)
{
	struct line_md *m = &l->md;

	if (++m->hlbytes > HL_BLOCK_MAX || m->nheld == sizeof m->held) {
		line_md_code_flush(l);
		m->codeplain = true;
	}
	if (m->codeplain || m->hlbytes > HL_BLOCK_MAX)
		line_md_put(l, c);
	else
		m->held[m->nheld++] = c;
}

/* A line of a fence ends: after the opening one, the block's syntax; after any code line, its colours. */
static void
line_md_line_end(struct line *l)
{
	struct line_md *m = &l->md;
	size_t i;

	if (m->nheld > 0)
		line_md_code_flush(l);
	m->codeplain = false;
	if (m->fence_line && m->fence) {
		for (i = 0; i < m->nlang && (m->lang[i] == '`' || m->lang[i] == '~'); i++)
			;
		m->syn = hl_syntax(m->lang + i, m->nlang - i);
		m->hls = 0;
		m->hlbytes = 0;
	} else if (m->fence_line)
		m->syn = NULL;
	m->nlang = 0;
}

/* The start of a line turned out to be ordinary text: write it as such. */
static void
line_md_lead_plain(struct line *l)
{
	struct line_md *m = &l->md;
	char lead[sizeof m->lead];
	size_t n = m->nlead, i;

	memcpy(lead, m->lead, n);
	m->nlead = 0;
	m->bol = false;
	for (i = 0; i < n; i++)
		line_md_char(l, lead[i]);
}

/* At the start of a line: a heading ("## "), a code fence ("```"), or text? True when c was taken. */
static bool
line_md_lead(struct line *l, char c)
{
	struct line_md *m = &l->md;
	char first = m->nlead > 0 ? m->lead[0] : c;

	if (first == '#' && !m->fence) {
		if (c == '#' && m->nlead < 6) {
			m->lead[m->nlead++] = c;
			return true;
		}
		if (c == ' ' && m->nlead > 0) { /* the hashes go: the line shows bold */
			m->nlead = 0;
			m->bol = false;
			m->heading = true;
			return true;
		}
	} else if ((first == '`' || first == '~') && c == first) {
		m->lead[m->nlead++] = c;
		if (m->nlead == 3) {
			m->fence_line = true;
			m->fence = !m->fence;
			line_md_lead_plain(l);
		}
		return true;
	}
	line_md_lead_plain(l);
	return false;
}

static void
line_md_char(struct line *l, char c)
{
	struct line_md *m = &l->md;

	if (m->bol && line_md_lead(l, c))
		return;
	if (c == '\n') {
		if (m->star)
			line_md_put(l, '*');
		line_md_line_end(l);
		m->star = m->heading = m->fence_line = m->code = m->bold = false;
		line_md_put(l, '\n');
		m->bol = true;
		return;
	}
	if (m->fence_line && m->fence && m->nlang < sizeof m->lang)
		m->lang[m->nlang++] = c;
	if (m->fence && !m->fence_line && m->syn != NULL) {
		line_md_code(l, c);
		return;
	}
	if (m->fence || m->fence_line) {
		line_md_put(l, c);
		return;
	}
	if (c == '*' && !m->code) {
		if (m->star)
			m->bold = !m->bold;
		m->star = !m->star;
		return;
	}
	if (m->star) {
		m->star = false;
		line_md_put(l, '*');
	}
	if (c == '`')
		m->code = !m->code;
	line_md_put(l, c);
}

/* The answer ended: write what was held back, and plain style again. */
void
line_md_end(struct line *l)
{
	struct line_md *m = &l->md;

	if (m->bol && m->nlead > 0)
		line_md_lead_plain(l);
	if (m->nheld > 0)
		line_md_code_flush(l);
	if (m->star)
		line_md_put(l, '*');
	if (m->cur != LINE_PLAIN)
		line_style(l, LINE_PLAIN);
	memset(m, 0, sizeof *m);
	m->bol = true;
}

/* Sanitised answer text: styled with colour, as it is without. */
void
line_answer_text(struct line *l, const char *s, size_t len)
{
	size_t i;

	if (!l->color) {
		line_add(l, s, len);
		return;
	}
	for (i = 0; i < len; i++)
		line_md_char(l, s[i]);
}
