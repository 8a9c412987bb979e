/* markdown-source.c: the Markdown source made ready for md4c: lone CRs and CJK emphasis marked. */
#include "common.h"

#include <ctype.h>
#include <utf8proc.h>

#include "buf.h"
#include "markdown.h"
#include "markdown-internal.h"
#include "text.h"

/*
 * md4c ends a line at a lone CR; it is passed in as U+FDD0 (a noncharacter,
 * for internal use) and shown as "^M", as a U+FDD0 of the source is.
 */
const char md_crmark[] = "\xef\xb7\x90";
/*
 * U+FDD1 stands between CJK punctuation and a '*' run in the source md4c
 * gets: an ordinary character to md4c, it makes the run both left- and
 * right-flanking, as CommonMark's CJK-friendly emphasis amendment reads it.
 * It never reaches a line.
 */
const char md_cjkmark[] = "\xef\xb7\x91";

/* The code point that ends s[0..i), 0 at the start. */
static unsigned int
md_cp_before(const char *s, size_t i)
{
	size_t j = i;
	unsigned int cp;

	if (i == 0)
		return 0;
	for (j--; j > 0 && ((unsigned char)s[j] & 0xc0) == 0x80; j--)
		/* nothing */;
	return text_utf8_seq(s + j, i - j, &cp) != 0 ? cp : 0xfffd;
}

/* The code point at s[i], 0 at the end. */
static unsigned int
md_cp_at(const char *s, size_t len, size_t i)
{
	unsigned int cp;

	if (i >= len)
		return 0;
	return text_utf8_seq(s + i, len - i, &cp) != 0 ? cp : 0xfffd;
}

/* Unicode punctuation as CommonMark means it (ASCII punctuation, P and S categories). */
static bool
md_punct(unsigned int cp)
{
	utf8proc_category_t c;

	if (cp < 0x80)
		return cp > 0x20 && cp < 0x7f && !isalnum((int)cp);
	c = utf8proc_category((utf8proc_int32_t)cp);
	return (c >= UTF8PROC_CATEGORY_PC && c <= UTF8PROC_CATEGORY_PO) ||
	    (c >= UTF8PROC_CATEGORY_SM && c <= UTF8PROC_CATEGORY_SO);
}

static bool
md_space(unsigned int cp)
{
	return cp == 0 || cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' ||
	    utf8proc_category((utf8proc_int32_t)cp) == UTF8PROC_CATEGORY_ZS;
}

/*
 * CJK-friendly emphasis: a run of '*' between punctuation and text where one
 * side is CJK ("**注意：**正文", "文**「注意」**文") is not flanking by
 * CommonMark's rules, which were made for spaced scripts. A U+FDD1 between
 * the punctuation and the run makes it both left- and right-flanking (as
 * next to a letter), so it opens or closes as Chinese readers expect.
 */
static void
md_cjk_emphasis(const char *s, size_t len, struct buf *out)
{
	size_t i = 0, j;
	unsigned int p, nx;

	while (i < len) {
		if (s[i] != '*') {
			const char *star = memchr(s + i, '*', len - i);

			j = star != NULL ? (size_t)(star - s) : len;
			(void)buf_add(out, s + i, j - i);
			i = j;
			continue;
		}
		for (j = i; j < len && s[j] == '*'; j++)
			/* nothing */;
		p = md_cp_before(s, i);
		nx = md_cp_at(s, len, j);
		if (p != 0 && md_punct(p) && !md_space(nx) && (text_cjk(p) || text_cjk(nx)))
			(void)buf_add(out, md_cjkmark, 3);
		(void)buf_add(out, s + i, j - i);
		if (nx != 0 && md_punct(nx) && !md_space(p) && (text_cjk(p) || text_cjk(nx)))
			(void)buf_add(out, md_cjkmark, 3);
		i = j;
	}
}

/*
 * The source as md4c gets it: a copy with each lone CR made U+FDD0,
 * followed by NUL bytes. md4c 0.4.8 reads past the size it is given: a
 * link destination at the very end takes a ')' after it for its end and
 * emits text out of bounds. Behind the copy that byte is a NUL.
 */
char *
md_source(const char *src, size_t *n)
{
	static const char pad[16];
	const char *p = src, *end = src + *n, *cr;
	struct buf b;

	buf_init(&b, SIZE_MAX / 2);
	while (p < end) {
		cr = memchr(p, '\r', (size_t)(end - p));
		if (cr == NULL)
			cr = end;
		md_cjk_emphasis(p, (size_t)(cr - p), &b);
		if (cr == end)
			break;
		if (cr + 1 < end && cr[1] == '\n')
			(void)buf_addc(&b, '\r');
		else
			(void)buf_add(&b, md_crmark, 3);
		p = cr + 1;
	}
	*n = b.len;
	(void)buf_add(&b, pad, sizeof pad);
	return buf_detach(&b, NULL);
}
