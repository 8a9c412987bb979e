/* terms.c: canonical Terms text, its SHA-256 identity, sections and section diff. */
#include "common.h"
#include "caps.h"

#include <strings.h>

#include <openssl/evp.h>

#include "buf.h"
#include "terms.h"
#include "text.h"

/* Above this many line pairs, a changed section's diff is shown whole. */

/* The 1-based number of the line starting at offset off. */
static size_t
terms_line_number(const char *s, size_t off)
{
	size_t n = 1, i;

	for (i = 0; i < off; i++)
		if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == off || s[i + 1] != '\n')))
			n++;
	return n;
}

char *
terms_canonicalize(const char *bytes, size_t len, size_t *out_len, char **cause)
{
	struct buf out;
	size_t bad, i, line, blank_tail = 0;

	if (len > TERMS_MAX_BYTES) {
		*cause = xasprintf(_("the text is %zu bytes, more than a Terms text can be (at "
				     "most %zu)"),
		    len, TERMS_MAX_BYTES);
		return NULL;
	}
	if (memchr(bytes, '\0', len) != NULL) {
		*cause = xasprintf(_("the text holds a NUL byte at offset %zu"),
		    (size_t)((const char *)memchr(bytes, '\0', len) - bytes));
		return NULL;
	}
	if (!text_utf8_valid(bytes, len, &bad)) {
		*cause = xasprintf(_("the text is not valid UTF-8 (bad byte at offset %zu)"), bad);
		return NULL;
	}
	if (len >= 3 && memcmp(bytes, "\xef\xbb\xbf", 3) == 0) {
		bytes += 3;
		len -= 3;
	}

	buf_init(&out, 0);
	for (i = 0; i < len; i = line) {
		size_t end = i, trim;

		while (end < len && bytes[end] != '\n' && bytes[end] != '\r')
			end++;
		line = end;
		if (line < len && bytes[line] == '\r' && line + 1 < len && bytes[line + 1] == '\n')
			line += 2;
		else if (line < len)
			line++;
		for (trim = end; trim > i && (bytes[trim - 1] == ' ' || bytes[trim - 1] == '\t');
		     trim--)
			;
		if (trim - i > TERMS_MAX_LINE) {
			*cause = xasprintf(_("line %zu is %zu bytes long, more than a Terms text's "
					     "line can be (at most %zu)"),
			    terms_line_number(bytes, i), trim - i, (size_t)TERMS_MAX_LINE);
			buf_release(&out);
			return NULL;
		}
		if (trim == i) {
			if (out.len != 0) /* blank lines at the start are dropped */
				blank_tail++;
			continue;
		}
		for (; blank_tail > 0; blank_tail--)
			buf_addc(&out, '\n');
		buf_add(&out, bytes + i, trim - i);
		buf_addc(&out, '\n');
	}
	return buf_detach(&out, out_len);
}

void
terms_sha256_hex(const void *data, size_t len, char out[TERMS_HASH_HEX + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	if (EVP_Digest(data, len, md, &n, EVP_sha256(), NULL) != 1 || n != 32)
		fatal("%s", _("SHA-256 failed in libcrypto"));
	for (i = 0; i < n; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 0xf];
	}
	out[2 * n] = '\0';
}

/*
 * If the line at s (length len) is a top-level heading, return the length of
 * its numeral and set *skip to where the numeral starts ("## " may come first).
 */
static size_t
terms_heading_numeral(const char *s, size_t len, size_t *skip)
{
	size_t i = 0, n;

	while (i < len && s[i] == '#')
		i++;
	if (i > 0) {
		if (i >= len || s[i] != ' ')
			return 0;
		while (i < len && s[i] == ' ')
			i++;
	}
	for (n = 0; i + n < len && strchr("IVXLCDM", s[i + n]) != NULL && s[i + n] != '\0'; n++)
		;
	if (n == 0 || i + n + 2 >= len || s[i + n] != '.' || s[i + n + 1] != ' ')
		return 0;
	if (s[i + n + 2] == ' ' || s[i + n + 2] == '\t')
		return 0;
	*skip = i;
	return n;
}

/* Is this line the "Last updated" line? */
static int
terms_is_date_line(const char *s, size_t len)
{
	static const char prefix[] = "last updated";

	return len >= sizeof prefix - 1 && text_has_prefix_ci(s, prefix);
}

/* Add a section starting at offset start; heading is the line there, or "". */
static void
terms_add_section(struct terms *t, size_t start, const char *heading, size_t hlen,
    size_t numeral_skip, size_t numeral_len)
{
	struct terms_section *s;

	t->sections = xreallocarray(t->sections, t->nsections + 1, sizeof *t->sections);
	s = &t->sections[t->nsections++];
	s->heading = xstrndup(heading, hlen);
	s->numeral = xstrndup(heading + numeral_skip, numeral_len);
	s->start = start;
	s->end = t->len;
	if (t->nsections > 1)
		t->sections[t->nsections - 2].end = start;
}

/* Split the text into lines once: title, date label, sections. */
static int
terms_scan(struct terms *t, char **cause)
{
	size_t i, next;

	terms_add_section(t, 0, "", 0, 0, 0);
	for (i = 0; i < t->len; i = next) {
		const char *s = t->text + i;
		const char *nl = memchr(s, '\n', t->len - i);
		size_t len = nl != NULL ? (size_t)(nl - s) : t->len - i;
		size_t skip, n;

		next = i + len + 1;
		if (t->title == NULL && len > 0)
			t->title = xstrndup(s, len);
		if (t->date_label == NULL && terms_is_date_line(s, len)) {
			const char *v = s + strlen("last updated");

			if (*v == ':')
				v++;
			v = text_skip_blanks(v);
			if (v < s + len)
				t->date_label = xstrndup(v, (size_t)(s + len - v));
		}
		if ((n = terms_heading_numeral(s, len, &skip)) == 0)
			continue;
		if (t->nsections > TERMS_MAX_SECTIONS) {
			*cause = xasprintf(_("the text has more than %d sections (headings such "
					     "as \"II. Title\"), more than a Terms text can have"),
			    TERMS_MAX_SECTIONS);
			return -1;
		}
		terms_add_section(t, i, s, len, skip, n);
	}
	return 0;
}

/* The text as it may be shown: controls and escape sequences made visible. */
static void
terms_make_view(struct terms *t)
{
	if (text_is_safe(t->canon, t->canon_len)) {
		t->text = t->canon;
		t->len = t->canon_len;
		return;
	}
	t->text = text_clean_str(t->canon, t->canon_len, TEXT_VISIBLE, 0, &t->len);
}

struct terms *
terms_parse(const char *bytes, size_t len, char **cause)
{
	struct terms *t = xcalloc(1, sizeof *t);

	t->canon = terms_canonicalize(bytes, len, &t->canon_len, cause);
	if (t->canon == NULL)
		goto fail;
	if (t->canon_len == 0) {
		*cause = xstrdup(_("the text is empty"));
		goto fail;
	}
	terms_sha256_hex(t->canon, t->canon_len, t->sha256);
	memcpy(t->short_hash, t->sha256, TERMS_SHORT_HEX);
	t->short_hash[TERMS_SHORT_HEX] = '\0';
	terms_make_view(t);
	if (terms_scan(t, cause) != 0)
		goto fail;
	if (t->date_label == NULL) {
		*cause = xstrdup(_("the text has no \"Last updated:\" line"));
		goto fail;
	}
	return t;
fail:
	terms_free(t);
	return NULL;
}

void
terms_free(struct terms *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nsections; i++) {
		free(t->sections[i].heading);
		free(t->sections[i].numeral);
	}
	free(t->sections);
	free(t->title);
	free(t->date_label);
	if (t->text != t->canon)
		free(t->text);
	free(t->canon);
	free(t);
}

const char *
terms_section_name(const struct terms *t, size_t i)
{
	/* TRANSLATORS: the untitled start of a Terms text, before its first section. */
	return t->sections[i].heading[0] == '\0' ? N_("Preamble") : t->sections[i].heading;
}

const char *
terms_section_shown(const struct terms *t, size_t i)
{
	return t->sections[i].heading[0] == '\0' ? _("Preamble") : t->sections[i].heading;
}

const char *
terms_change_shown(enum terms_change kind)
{
	return _(terms_change_name(kind));
}

char *
terms_privacy_url(const struct terms *t)
{
	const char *p = t->text, *end;

	while ((p = strstr(p, "<http")) != NULL) {
		end = strchr(p, '>');
		if (end == NULL)
			break;
		if (memmem(p, (size_t)(end - p), "privacy", 7) != NULL)
			return xstrndup(p + 1, (size_t)(end - p - 1));
		p = end;
	}
	return NULL;
}

int
terms_hash_matches(const struct terms *t, const char *hex)
{
	size_t n = strlen(hex);

	if (n != TERMS_HASH_HEX && n != TERMS_SHORT_HEX)
		return 0;
	return strncasecmp(t->sha256, hex, n) == 0;
}

const char *
terms_change_name(enum terms_change kind)
{
	switch (kind) {
	/* TRANSLATORS: how a section of the Terms changed (shown after its heading). */
	case TERMS_SAME:
		return N_("unchanged");
	case TERMS_ADDED:
		return N_("added");
	case TERMS_REMOVED:
		return N_("removed");
	case TERMS_CHANGED:
		return N_("changed");
	}
	return "?";
}

/* Is position x of s (length len) at a word boundary? */
static int
terms_word_boundary(const char *s, size_t len, size_t x)
{
	return x == 0 || x == len || s[x - 1] == ' ' || s[x] == ' ';
}

void
terms_line_change(const char *a, size_t alen, const char *b, size_t blen, size_t *pre, size_t *suf)
{
	size_t p = 0, q = 0, max = alen < blen ? alen : blen;

	while (p < max && a[p] == b[p])
		p++;
	while (p > 0 && !(terms_word_boundary(a, alen, p) && terms_word_boundary(b, blen, p)))
		p--;
	while (q < max - p && a[alen - 1 - q] == b[blen - 1 - q])
		q++;
	while (q > 0 &&
	    !(terms_word_boundary(a, alen, alen - q) && terms_word_boundary(b, blen, blen - q)))
		q--;
	*pre = p;
	*suf = q;
}

/* ---- diff ---------------------------------------------------------------- */

struct terms_lines {
	const char **s;
	size_t *len;
	size_t n;
};

/* Split section i of t into lines (borrowed pointers). */
static void
terms_lines_of(const struct terms *t, size_t i, struct terms_lines *l)
{
	size_t off = t->sections[i].start, end = t->sections[i].end;

	l->s = NULL;
	l->len = NULL;
	l->n = 0;
	while (off < end) {
		const char *nl = memchr(t->text + off, '\n', end - off);
		size_t len = nl != NULL ? (size_t)(nl - (t->text + off)) : end - off;

		l->s = xreallocarray(l->s, l->n + 1, sizeof *l->s);
		l->len = xreallocarray(l->len, l->n + 1, sizeof *l->len);
		l->s[l->n] = t->text + off;
		l->len[l->n] = len;
		l->n++;
		off += len + 1;
	}
	while (l->n > 0 && l->len[l->n - 1] == 0) /* blank lines between sections */
		l->n--;
}

static void
terms_lines_release(struct terms_lines *l)
{
	free(l->s);
	free(l->len);
}

static int
terms_line_eq(const struct terms_lines *a, size_t i, const struct terms_lines *b, size_t j)
{
	return a->len[i] == b->len[j] && memcmp(a->s[i], b->s[j], a->len[i]) == 0;
}

/* Equal apart from the "Last updated" line? */
static int
terms_lines_same(const struct terms_lines *a, const struct terms_lines *b)
{
	size_t i = 0, j = 0;

	for (;;) {
		while (i < a->n && terms_is_date_line(a->s[i], a->len[i]))
			i++;
		while (j < b->n && terms_is_date_line(b->s[j], b->len[j]))
			j++;
		if (i == a->n || j == b->n)
			return i == a->n && j == b->n;
		if (!terms_line_eq(a, i, b, j))
			return 0;
		i++;
		j++;
	}
}

static void
terms_diff_push_line(struct terms_section_diff *sd, char op, const char *s, size_t len)
{
	sd->lines = xreallocarray(sd->lines, sd->nlines + 1, sizeof *sd->lines);
	sd->lines[sd->nlines].op = op;
	sd->lines[sd->nlines].text = s;
	sd->lines[sd->nlines].len = len;
	sd->nlines++;
}

/*
 * An alignment of a[0..n) and b[0..m): the pairs of a longest common
 * subsequence, found by Hirschberg's method in O(n * m) time and O(n + m)
 * memory. Common prefixes and suffixes are paired first, so the usual case
 * of a few changes costs little more than a comparison of the two.
 */
struct terms_align {
	int (*eq)(const void *, size_t, const void *, size_t);
	const void *a, *b;
	size_t *ai, *bi; /* the pairs, in order */
	size_t n;
};

static void
terms_align_push(struct terms_align *al, size_t i, size_t j)
{
	al->ai = xreallocarray(al->ai, al->n + 1, sizeof *al->ai);
	al->bi = xreallocarray(al->bi, al->n + 1, sizeof *al->bi);
	al->ai[al->n] = i;
	al->bi[al->n] = j;
	al->n++;
}

/* row[k]: LCS length of a[a0..a1) and b[b0..b0 + k), k = 0..b1 - b0. */
static void
terms_align_forward(const struct terms_align *al, size_t a0, size_t a1, size_t b0, size_t b1,
    size_t *row)
{
	size_t i, k, m = b1 - b0, diag, up;

	memset(row, 0, (m + 1) * sizeof *row);
	for (i = a0; i < a1; i++)
		for (diag = 0, k = 1; k <= m; k++) {
			up = row[k];
			if (al->eq(al->a, i, al->b, b0 + k - 1))
				row[k] = diag + 1;
			else if (row[k - 1] > row[k])
				row[k] = row[k - 1];
			diag = up;
		}
}

/* row[k]: LCS length of a[a0..a1) and b[b0 + k..b1), k = 0..b1 - b0. */
static void
terms_align_backward(const struct terms_align *al, size_t a0, size_t a1, size_t b0, size_t b1,
    size_t *row)
{
	size_t i, k, m = b1 - b0, diag, down;

	memset(row, 0, (m + 1) * sizeof *row);
	for (i = a1; i-- > a0;)
		for (diag = 0, k = m; k-- > 0;) {
			down = row[k];
			if (al->eq(al->a, i, al->b, b0 + k))
				row[k] = diag + 1;
			else if (row[k + 1] > row[k])
				row[k] = row[k + 1];
			diag = down;
		}
}

/* Where b[b0..b1) splits so that a[a0..mid) and a[mid..a1) keep a longest pairing. */
static size_t
terms_align_split(const struct terms_align *al, size_t a0, size_t mid, size_t a1, size_t b0,
    size_t b1)
{
	size_t m = b1 - b0, k, best = 0;
	size_t *fw = xreallocarray(NULL, m + 1, sizeof *fw);
	size_t *bw = xreallocarray(NULL, m + 1, sizeof *bw);

	terms_align_forward(al, a0, mid, b0, b1, fw);
	terms_align_backward(al, mid, a1, b0, b1, bw);
	for (k = 1; k <= m; k++)
		if (fw[k] + bw[k] > fw[best] + bw[best])
			best = k;
	free(fw);
	free(bw);
	return best;
}

static void
terms_align_range(struct terms_align *al, size_t a0, size_t a1, size_t b0, size_t b1)
{
	size_t same = 0, mid, k, j;

	while (a0 < a1 && b0 < b1 && al->eq(al->a, a0, al->b, b0))
		terms_align_push(al, a0++, b0++);
	while (
	    a1 - same > a0 && b1 - same > b0 && al->eq(al->a, a1 - same - 1, al->b, b1 - same - 1))
		same++;
	a1 -= same;
	b1 -= same;
	if (a1 - a0 == 1) {
		for (j = b0; j < b1 && !al->eq(al->a, a0, al->b, j); j++)
			;
		if (j < b1)
			terms_align_push(al, a0, j);
	} else if (a0 < a1 && b0 < b1) {
		mid = a0 + (a1 - a0) / 2;
		k = terms_align_split(al, a0, mid, a1, b0, b1);
		terms_align_range(al, a0, mid, b0, b0 + k);
		terms_align_range(al, mid, a1, b0 + k, b1);
	}
	for (k = 0; k < same; k++)
		terms_align_push(al, a1 + k, b1 + k);
}

static void
terms_align(struct terms_align *al, size_t n, size_t m)
{
	al->ai = al->bi = NULL;
	al->n = 0;
	terms_align_range(al, 0, n, 0, m);
}

static void
terms_align_release(struct terms_align *al)
{
	free(al->ai);
	free(al->bi);
}

static int
terms_line_eq_cb(const void *a, size_t i, const void *b, size_t j)
{
	return terms_line_eq(a, i, b, j);
}

/* Fill sd->lines with a line diff of two sections. */
static void
terms_diff_lines(struct terms_section_diff *sd, const struct terms_lines *a,
    const struct terms_lines *b)
{
	struct terms_align al = { .eq = terms_line_eq_cb, .a = a, .b = b };
	size_t i = 0, j = 0, k, ai, bj;

	if (a->n * b->n > TERMS_DIFF_MAX_CELLS)
		al.n = 0; /* shown whole: all removed, then all added */
	else
		terms_align(&al, a->n, b->n);
	for (k = 0; k <= al.n; k++) {
		ai = k < al.n ? al.ai[k] : a->n;
		bj = k < al.n ? al.bi[k] : b->n;
		for (; i < ai; i++)
			terms_diff_push_line(sd, '-', a->s[i], a->len[i]);
		for (; j < bj; j++)
			terms_diff_push_line(sd, '+', b->s[j], b->len[j]);
		if (k < al.n) {
			terms_diff_push_line(sd, ' ', b->s[j], b->len[j]);
			i++;
			j++;
		}
	}
	terms_align_release(&al);
}

static int
terms_heading_eq_cb(const void *a, size_t i, const void *b, size_t j)
{
	const struct terms *ta = a, *tb = b;

	return strcmp(ta->sections[i].heading, tb->sections[j].heading) == 0;
}

static struct terms_section_diff *
terms_diff_push(struct terms_diff *d, enum terms_change kind, size_t oi, size_t ni)
{
	struct terms_section_diff *sd;

	d->sections = xreallocarray(d->sections, d->nsections + 1, sizeof *d->sections);
	sd = &d->sections[d->nsections++];
	memset(sd, 0, sizeof *sd);
	sd->kind = kind;
	sd->old_index = oi;
	sd->new_index = ni;
	if (kind != TERMS_SAME)
		d->nchanged++;
	return sd;
}

/* Compare a pair of aligned sections and record the result. */
static void
terms_diff_pair(struct terms_diff *d, const struct terms *a, size_t i, const struct terms *b,
    size_t j)
{
	struct terms_lines la, lb;

	terms_lines_of(a, i, &la);
	terms_lines_of(b, j, &lb);
	if (terms_lines_same(&la, &lb))
		terms_diff_push(d, TERMS_SAME, i, j);
	else
		terms_diff_lines(terms_diff_push(d, TERMS_CHANGED, i, j), &la, &lb);
	terms_lines_release(&la);
	terms_lines_release(&lb);
}

struct terms_diff *
terms_diff(const struct terms *a, const struct terms *b)
{
	struct terms_diff *d = xcalloc(1, sizeof *d);
	struct terms_align al = { .eq = terms_heading_eq_cb, .a = a, .b = b };
	size_t i = 0, j = 0, k, ai, bj;

	terms_align(&al, a->nsections, b->nsections);
	for (k = 0; k <= al.n; k++) {
		ai = k < al.n ? al.ai[k] : a->nsections;
		bj = k < al.n ? al.bi[k] : b->nsections;
		for (; i < ai; i++)
			terms_diff_push(d, TERMS_REMOVED, i, 0);
		for (; j < bj; j++)
			terms_diff_push(d, TERMS_ADDED, 0, j);
		if (k < al.n) {
			terms_diff_pair(d, a, i, b, j);
			i++;
			j++;
		}
	}
	terms_align_release(&al);
	d->date_changed = strcmp(a->date_label, b->date_label) != 0;
	return d;
}

bool *
terms_diff_shown(const struct terms_section_diff *sd)
{
	const struct terms_diff_line *l = sd->lines;
	bool *show = xcalloc(sd->nlines + 1, sizeof *show);
	size_t i, j;

	for (i = 0; i < sd->nlines; i++) {
		if (l[i].op == ' ')
			continue;
		show[i] = true;
		for (j = i; j-- > 0 && l[j].op == ' ';)
			if (l[j].len > 0) {
				show[j] = true;
				break;
			}
		for (j = i + 1; j < sd->nlines && l[j].op == ' '; j++)
			if (l[j].len > 0) {
				show[j] = true;
				break;
			}
	}
	return show;
}

void
terms_diff_free(struct terms_diff *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->nsections; i++)
		free(d->sections[i].lines);
	free(d->sections);
	free(d);
}
