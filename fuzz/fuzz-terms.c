/*
 * fuzz-terms.c: libFuzzer target for the Terms parser and diff (terms.c).
 *
 * The input is two Terms texts, the old and the new, split at the first
 * NUL byte (without one, the new is the old with its first line moved to
 * the end). Each is canonicalised and parsed; when both parse they are
 * diffed both ways and each with itself. Checks: a failure has a cause;
 * sections lie within the text, in order, the preamble first; the hash
 * matches the canonical text; a text diffed with itself has no change; a
 * diff's lines are borrowed from the two texts, have a known op, and are
 * whole lines; '-' and ' ' lines rebuild the old section and '+' and ' '
 * the new one (but for blank lines at the end); nchanged counts the sections that are not the same; the
 * word-level change of two lines stays within them.
 *
 * Build with 'make fuzz' (see fuzz/README.md), then:
 *   fuzz/fuzz-terms -max_total_time=60 -max_len=16384 CORPUS_DIR fuzz/corpus/terms
 */
#include "common.h"

#include "fuzz.h"
#include "terms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_terms_check(const struct terms *t)
{
	char hex[TERMS_HASH_HEX + 1];
	size_t i;

	FUZZ_ASSERT(t->nsections >= 1 && t->sections[0].start == 0);
	FUZZ_ASSERT(strlen(t->text) == t->len);
	for (i = 0; i < t->nsections; i++) {
		FUZZ_ASSERT(t->sections[i].start <= t->sections[i].end);
		FUZZ_ASSERT(t->sections[i].end <= t->len);
		FUZZ_ASSERT(i == 0 || t->sections[i].start >= t->sections[i - 1].end);
		FUZZ_ASSERT(terms_section_name(t, i) != NULL);
	}
	terms_sha256_hex(t->canon, t->canon_len, hex);
	FUZZ_ASSERT(strcmp(hex, t->sha256) == 0 && terms_hash_matches(t, hex));
	free(terms_privacy_url(t));
}

/* Is [p, p+len) inside t's text? */
static bool
fuzz_within(const struct terms *t, const char *p, size_t len)
{
	return p >= t->text && p + len <= t->text + t->len;
}

/*
 * Lines of side ('-' old, '+' new) with the same lines rebuild its section,
 * but for the blank lines at its end.
 */
static void
fuzz_rebuild(const struct terms *t, const struct terms_section *s,
    const struct terms_section_diff *sd, char side)
{
	size_t i, at = s->start;

	for (i = 0; i < sd->nlines; i++) {
		const struct terms_diff_line *l = &sd->lines[i];

		if (l->op != ' ' && l->op != side)
			continue;
		FUZZ_ASSERT(at + l->len <= s->end);
		FUZZ_ASSERT(memcmp(t->text + at, l->text, l->len) == 0);
		at += l->len;
		if (at < s->end) {
			FUZZ_ASSERT(t->text[at] == '\n');
			at++;
		}
	}
	while (at < s->end && t->text[at] == '\n') /* blank lines between sections */
		at++;
	FUZZ_ASSERT(at == s->end);
}

static void
fuzz_section_diff(const struct terms *a, const struct terms *b, const struct terms_section_diff *sd)
{
	size_t i, pre, suf;
	bool *shown;

	FUZZ_ASSERT(terms_change_name(sd->kind) != NULL);
	if (sd->kind != TERMS_ADDED)
		FUZZ_ASSERT(sd->old_index < a->nsections);
	if (sd->kind != TERMS_REMOVED)
		FUZZ_ASSERT(sd->new_index < b->nsections);
	if (sd->kind != TERMS_CHANGED) {
		FUZZ_ASSERT(sd->nlines == 0);
		return;
	}
	for (i = 0; i < sd->nlines; i++) {
		const struct terms_diff_line *l = &sd->lines[i];

		FUZZ_ASSERT(l->op == ' ' || l->op == '-' || l->op == '+');
		FUZZ_ASSERT(fuzz_within(l->op == '+' ? b : a, l->text, l->len) ||
		    fuzz_within(l->op == '-' ? a : b, l->text, l->len));
		FUZZ_ASSERT(memchr(l->text, '\n', l->len) == NULL);
		if (i > 0 && sd->lines[i - 1].op == '-' && l->op == '+') {
			const struct terms_diff_line *o = &sd->lines[i - 1];

			terms_line_change(o->text, o->len, l->text, l->len, &pre, &suf);
			FUZZ_ASSERT(pre + suf <= o->len && pre + suf <= l->len);
		}
	}
	fuzz_rebuild(a, &a->sections[sd->old_index], sd, '-');
	fuzz_rebuild(b, &b->sections[sd->new_index], sd, '+');
	shown = terms_diff_shown(sd);
	free(shown);
}

static void
fuzz_diff(const struct terms *a, const struct terms *b)
{
	struct terms_diff *d = terms_diff(a, b);
	size_t i, changed = 0;

	FUZZ_ASSERT(d != NULL);
	for (i = 0; i < d->nsections; i++) {
		changed += d->sections[i].kind != TERMS_SAME;
		fuzz_section_diff(a, b, &d->sections[i]);
	}
	FUZZ_ASSERT(changed == d->nchanged);
	if (a == b)
		FUZZ_ASSERT(d->nchanged == 0 && !d->date_changed);
	terms_diff_free(d);
}

static struct terms *
fuzz_parse(const char *p, size_t len)
{
	char *cause = NULL, *canon;
	struct terms *t;
	size_t clen;

	canon = terms_canonicalize(p, len, &clen, &cause);
	FUZZ_ASSERT((canon == NULL) == (cause != NULL));
	free(canon);
	free(cause);
	cause = NULL;
	t = terms_parse(p, len, &cause);
	FUZZ_ASSERT((t == NULL) == (cause != NULL));
	free(cause);
	if (t != NULL)
		fuzz_terms_check(t);
	return t;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *nul = memchr(s, '\0', size), *nl;
	struct terms *a, *b;
	char *moved = NULL;
	size_t alen = nul != NULL ? (size_t)(nul - s) : size, blen;
	const char *bp;

	if (nul != NULL) {
		bp = nul + 1;
		blen = size - alen - 1;
	} else {
		nl = memchr(s, '\n', size);
		blen = size;
		moved = xmalloc(size + 1);
		if (nl != NULL) {
			size_t first = (size_t)(nl + 1 - s);

			memcpy(moved, s + first, size - first);
			memcpy(moved + size - first, s, first);
		} else
			memcpy(moved, s, size);
		bp = moved;
	}
	a = fuzz_parse(s, alen);
	b = fuzz_parse(bp, blen);
	if (a != NULL) {
		fuzz_diff(a, a);
		if (b != NULL) {
			fuzz_diff(a, b);
			fuzz_diff(b, a);
		}
	}
	terms_free(a);
	terms_free(b);
	free(moved);
	return 0;
}
