/*
 * markdown-stable.c: how much of a growing Markdown source is made of
 * finished blocks (markdown_stable), so that a streaming renderer keeps their
 * lines and re-renders only the tail. It follows the block structure the way
 * md4c nests it, without parsing inline content.
 */
#include "common.h"

#include "markdown.h"

/*
 * What markdown_stable follows of the block structure, as md4c nests it: the
 * open list items and whether a fenced code block is open at the top, inside
 * items or inside a block quote. Other blocks end at a blank line.
 */
#define MD_SCAN_DEPTH 64

struct md_scan {
	size_t items[MD_SCAN_DEPTH]; /* content columns of the open list items */
	size_t nitems;
	bool fence;    /* a fenced code block is open ... */
	size_t fdepth; /* ... inside that many items ... */
	bool fquote;   /* ... and inside a block quote */
	char fch;
	size_t flen;
	bool para;  /* a paragraph is open: a lazy line may continue it */
	bool empty; /* the innermost item has nothing yet: a blank line ends it */
	bool blank; /* the last line was blank */
	bool lost;  /* nested too deep to follow */
};

/* Offset of the first non-blank of s[0..n) that starts at column *col, which gets its column. */
static size_t
md_blanks(const char *s, size_t n, size_t *col)
{
	size_t i;

	for (i = 0; i < n && (s[i] == ' ' || s[i] == '\t'); i++)
		*col = s[i] == '\t' ? (*col + 4) / 4 * 4 : *col + 1;
	return i;
}

/* Offset of the first non-blank of line s[0..n); *col gets its column (TABs to multiples of 4). */
static size_t
md_indent(const char *s, size_t n, size_t *col)
{
	*col = 0;
	return md_blanks(s, n, col);
}

/* True when s[0..n) has only blanks. */
static bool
md_blank(const char *s, size_t n)
{
	size_t col;

	return md_indent(s, n, &col) == n;
}

/* Length of the fence run at s ("```", "~~~~"), 0 if none; *ch gets its character. */
static size_t
md_fence(const char *s, size_t n, char *ch)
{
	size_t k;

	if (n == 0 || (s[0] != '`' && s[0] != '~'))
		return 0;
	for (k = 0; k < n && s[k] == s[0]; k++)
		/* nothing */;
	if (k < 3)
		return 0;
	*ch = s[0];
	return k;
}

/* True when s[0..n) (from its first non-blank) opens a fence. */
static bool
md_fence_opens(const char *s, size_t n, char *ch, size_t *len)
{
	size_t k = md_fence(s, n, ch);

	if (k == 0 || (*ch == '`' && memchr(s + k, '`', n - k) != NULL))
		return false;
	*len = k;
	return true;
}

/* True when s[0..n) (from its first non-blank) closes the open fence. */
static bool
md_fence_closes(const struct md_scan *sc, const char *s, size_t n)
{
	size_t k;
	char ch = 0;

	k = md_fence(s, n, &ch);
	return k >= sc->flen && ch == sc->fch && md_blank(s + k, n - k);
}

/* True for a thematic break: three or more '-', '*' or '_' and blanks. */
static bool
md_thematic(const char *s, size_t n)
{
	size_t i, count = 0;

	if (n == 0 || (s[0] != '-' && s[0] != '*' && s[0] != '_'))
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] == s[0])
			count++;
		else if (s[i] != ' ' && s[i] != '\t')
			return false;
	}
	return count >= 3;
}

/* Length of the list marker at s ("-", "12."), 0 if none; *one: it may interrupt a paragraph. */
static size_t
md_marker(const char *s, size_t n, bool *one)
{
	size_t i = 0;

	if (n > 0 && (s[0] == '-' || s[0] == '+' || s[0] == '*'))
		i = 1;
	else {
		while (i < n && i < 10 && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == 0 || i > 9 || i == n || (s[i] != '.' && s[i] != ')'))
			return 0;
		*one = i == 1 && s[0] == '1';
		i++;
	}
	if (i < n && s[i] != ' ' && s[i] != '\t')
		return 0;
	if (s[0] == '-' || s[0] == '+' || s[0] == '*')
		*one = true;
	return i;
}

/* True when s[0..n) (from its first non-blank) starts a block: no lazy line. */
static bool
md_block_start(const char *s, size_t n)
{
	size_t len, k;
	bool one;
	char ch;

	for (k = 0; k < n && k < 7 && s[k] == '#'; k++)
		/* nothing */;
	if (k >= 1 && k <= 6 && (k == n || s[k] == ' ' || s[k] == '\t'))
		return true;
	return s[0] == '>' || md_thematic(s, n) || md_marker(s, n, &one) != 0 ||
	    md_fence_opens(s, n, &ch, &len);
}

/* Offset in s[0..n) past the block quote markers ("> > "); s[0] is '>'. */
static size_t
md_unquote(const char *s, size_t n)
{
	size_t i = 0, k;

	for (;;) {
		for (k = i; k < n && k - i < 3 && s[k] == ' '; k++)
			/* nothing */;
		if (k == n || s[k] != '>')
			return i;
		i = k + 1;
		if (i < n && s[i] == ' ')
			i++;
	}
}

/* True when the quoted content s[0..n) (markers and all) is a fence opener (open) or closer. */
static bool
md_quote_fence(struct md_scan *sc, const char *s, size_t n, bool open)
{
	size_t i = md_unquote(s, n), j, col;

	j = i + md_indent(s + i, n - i, &col);
	if (col > 3)
		return false;
	if (open)
		return md_fence_opens(s + j, n - j, &sc->fch, &sc->flen);
	return md_fence_closes(sc, s + j, n - j);
}

/* A line that starts blocks in the innermost open item (or at the top). */
static void
md_scan_block(struct md_scan *sc, const char *s, size_t n, size_t i, size_t ind)
{
	size_t base = sc->nitems > 0 ? sc->items[sc->nitems - 1] : 0, m, sp, col;
	bool one = false;

	while (ind < base + 4 && !md_thematic(s + i, n - i) &&
	    (m = md_marker(s + i, n - i, &one)) != 0) {
		col = ind + m;
		sp = md_blanks(s + i + m, n - i - m, &col);
		if (sc->para && (!one || i + m + sp == n))
			return; /* it cannot interrupt the paragraph: text */
		if (sc->nitems == MD_SCAN_DEPTH) {
			sc->lost = true;
			return;
		}
		base = i + m + sp == n || col - (ind + m) >= 5 ? ind + m + 1 : col;
		sc->items[sc->nitems++] = base;
		sc->para = false;
		ind = col;
		i += m + sp;
		if (i == n) {
			sc->empty = true;
			return;
		}
	}
	if (sc->para && md_fence_opens(s + i, n - i, &sc->fch, &sc->flen)) {
		/* md4c 0.4.8 lets a fence interrupt a paragraph however indented */
		sc->fquote = false;
		sc->fence = true;
		sc->fdepth = sc->nitems;
		sc->para = false;
		return;
	}
	if (ind >= base + 4)
		return; /* indented code, or the paragraph goes on */
	sc->para = !md_block_start(s + i, n - i);
	if (s[i] == '>') {
		sc->fquote = true;
		sc->fence = md_quote_fence(sc, s + i, n - i, true);
		sc->para = !sc->fence; /* a quote's paragraph may go on lazily */
	} else if (md_fence_opens(s + i, n - i, &sc->fch, &sc->flen)) {
		sc->fquote = false;
		sc->fence = true;
	}
	sc->fdepth = sc->nitems;
}

/*
 * A line while a fence is open inside items or a quote, matching d items.
 * When the line does not go on in the fence's containers, md4c 0.4.8 still
 * takes a line that begins with the fence's character as the fence's end (a
 * paragraph line when more follows). False when the fence and its containers
 * ended and the line begins something new.
 */
static bool
md_scan_fence(struct md_scan *sc, const char *s, size_t n, size_t i, size_t ind, size_t d)
{
	size_t base = d > 0 ? sc->items[d - 1] : 0, k;

	if (d >= sc->fdepth && (!sc->fquote || s[i] == '>')) {
		if (sc->fquote ? md_quote_fence(sc, s + i, n - i, false) :
				 ind - base <= 3 && md_fence_closes(sc, s + i, n - i))
			sc->fence = false;
		return true;
	}
	sc->fence = false;
	if (ind - base > 3 || s[i] != sc->fch)
		return false;
	for (k = i; k < n && s[k] == sc->fch; k++)
		/* nothing */;
	sc->nitems = d;
	sc->para = !md_blank(s + k, n - k);
	return true;
}

/* Follow one complete line s[0..n), without its LF. */
static void
md_scan_line(struct md_scan *sc, const char *s, size_t n)
{
	size_t i, ind, d;

	if (n > 0 && s[n - 1] == '\r')
		n--;
	i = md_indent(s, n, &ind);
	if (sc->fence && sc->fdepth == 0 && !sc->fquote) {
		if (ind <= 3 && md_fence_closes(sc, s + i, n - i))
			sc->fence = false;
		sc->blank = false;
		return;
	}
	if (i == n) {
		sc->blank = true;
		sc->para = false;
		if (sc->fquote)
			sc->fence = false; /* a blank line ends a quote */
		if (sc->empty && sc->nitems > 0)
			sc->nitems--; /* an item begins with one blank line at most */
		sc->empty = false;
		return;
	}
	sc->empty = false;
	for (d = 0; d < sc->nitems && sc->items[d] <= ind; d++)
		/* nothing */;
	if (sc->fence && md_scan_fence(sc, s, n, i, ind, d)) {
		sc->blank = false;
		return;
	}
	if (d < sc->nitems && sc->para && !sc->blank && !md_block_start(s + i, n - i))
		return; /* a lazy continuation line */
	sc->blank = false;
	if (d < sc->nitems) {
		sc->nitems = d;
		sc->para = false;
	}
	md_scan_block(sc, s, n, i, ind);
}

/*
 * True when a line after a blank line surely begins a new top-level block:
 * it is not indented (which may continue a list item or indented code) and
 * is no list item (which may continue a list). complete: it has its LF.
 */
static bool
md_stable_line(const char *s, size_t n, bool complete)
{
	size_t i = 0;

	if (n == 0 || s[0] == ' ' || s[0] == '\t')
		return false;
	if (s[0] == '-' || s[0] == '+' || s[0] == '*')
		i = 1;
	else if (s[0] >= '0' && s[0] <= '9') {
		while (i < n && i < 10 && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == n)
			return complete;
		if (i > 9 || (s[i] != '.' && s[i] != ')'))
			return true;
		i++;
	} else
		return true;
	if (i == n)
		return false;
	return s[i] != ' ' && s[i] != '\t' && s[i] != '\r';
}

size_t
markdown_stable(const char *src, size_t len)
{
	struct md_scan sc;
	const char *p, *lf;
	size_t off = 0, n, stable = 0;

	memset(&sc, 0, sizeof sc);
	while (off < len && !sc.lost) {
		p = src + off;
		lf = memchr(p, '\n', len - off);
		n = lf != NULL ? (size_t)(lf - p) : len - off;
		/* no top fence goes on, and no item's fence closes here */
		if (sc.blank && !(sc.fence && (sc.fdepth == 0 || (n > 0 && p[0] == sc.fch))) &&
		    md_stable_line(p, n, lf != NULL))
			stable = off;
		if (lf == NULL)
			break;
		md_scan_line(&sc, p, n);
		off += n + 1;
	}
	return stable;
}
