/* test-terms.c: unit tests for canonical Terms text, hash, sections and diff (terms.c). */
#include "common.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "buf.h"
#include "terms.h"

/* A string literal as pointer and length, so that it may hold NUL bytes. */
#define S(lit) (lit), (sizeof(lit) - 1)

#define SHIPPED "assets/qwen-chat-terms-2025-03-01.md"

/*
 * SHA-256 of the canonical form of the shipped file, computed outside confab:
 *
 *   python3 -c 'import hashlib,sys
 *   t = open(sys.argv[1], "rb").read().decode("utf-8")
 *   t = t[1:] if t.startswith("\ufeff") else t
 *   t = t.replace("\r\n", "\n").replace("\r", "\n")
 *   l = [x.rstrip(" \t") for x in t.split("\n")]
 *   while l and not l[0]: l.pop(0)
 *   while l and not l[-1]: l.pop()
 *   c = ("\n".join(l) + "\n").encode()
 *   print(len(c), hashlib.sha256(c).hexdigest())' assets/qwen-chat-terms-2025-03-01.md
 *
 * The file starts with two blank lines and has no LF at its end, so the
 * canonical text is 39059 - 2 + 1 bytes.
 */
#define SHIPPED_SHA256 "ed9e359b2718b29aabb15d15220532f74b1779c47fd871b4f7f104075c452b21"
#define SHIPPED_CANONICAL_LEN 39058
#define SHIPPED_RAW_LEN 39059

static const char *const shipped_headings[] = {
	"",
	"I. Account Registration and Security",
	"II. Use of Our Services",
	"III. User Content",
	"IV. User Feedback",
	"V. Intellectual Property Rights",
	"VI. Personal Data Protection",
	"VII. Disclaimer of warranties",
	"VIII. Liability",
	"VIII. Liability",
	"IX. Force Majeure",
	"X. Notice and Procedure for Making Claims of Copyright Infringement",
	"XI. General",
	"XII. Governing Law and Dispute Resolution",
	"XIII. How to Contact Us",
};

static const char *const shipped_numerals[] = {
	"",
	"I",
	"II",
	"III",
	"IV",
	"V",
	"VI",
	"VII",
	"VIII",
	"VIII",
	"IX",
	"X",
	"XI",
	"XII",
	"XIII",
};

/* The shipped file, bytes as on disk. */
static struct buf shipped;

static int
load_shipped(void **state)
{
	const char *top = getenv("TOP_SRCDIR");
	char *path, *cause = NULL;
	int r;

	if (top == NULL || *top == '\0') {
		fprintf(stderr, "TOP_SRCDIR is not set: run this test through 'make check'\n");
		return -1;
	}
	path = xasprintf("%s/%s", top, SHIPPED);
	buf_init(&shipped, 0);
	r = buf_read_file(&shipped, path, &cause);
	if (r != 0) {
		fprintf(stderr, "cannot read the shipped Terms: %s\n", cause);
		free(cause);
	}
	free(path);
	return r;
}

static int
free_shipped(void **state)
{
	buf_release(&shipped);
	return 0;
}

/* text with its only occurrence of from replaced by to (caller frees). */
static char *
replace_once(const char *text, const char *from, const char *to)
{
	const char *p = strstr(text, from);
	struct buf b;

	if (p == NULL)
		fail_msg("\"%s\" is not in the text", from);
	if (strstr(p + 1, from) != NULL)
		fail_msg("\"%s\" is in the text more than once", from);
	buf_init(&b, 0);
	buf_add(&b, text, (size_t)(p - text));
	buf_adds(&b, to);
	buf_adds(&b, p + strlen(from));
	return buf_detach(&b, NULL);
}

static struct terms *
parse_ok(const char *s, size_t len)
{
	char *cause = NULL;
	struct terms *t = terms_parse(s, len, &cause);

	if (t == NULL)
		fail_msg("terms_parse failed: %s", cause);
	assert_null(cause);
	return t;
}

static struct terms *
parse_shipped(void)
{
	return parse_ok(shipped.data, shipped.len);
}

/* Canonicalise lit and compare with want. */
static void
check_canon(const char *in, size_t inlen, const char *want)
{
	size_t len = 12345;
	char *cause = NULL, *out = terms_canonicalize(in, inlen, &len, &cause);

	if (out == NULL)
		fail_msg("terms_canonicalize failed: %s", cause);
	assert_null(cause);
	assert_int_equal(len, strlen(want));
	assert_string_equal(out, want);
	free(out);
}

/* ---- canonical form ----------------------------------------------------- */

static void
test_canon_bom(void **state)
{
	check_canon(S("\xef\xbb\xbf"
		      "abc\n"),
	    "abc\n");
	check_canon(S("\xef\xbb\xbf"
		      "\r\n\r\nTitle\r\n"),
	    "Title\n");
	/* only a leading BOM goes: U+FEFF elsewhere is text */
	check_canon(S("a\xef\xbb\xbf\n"), "a\xef\xbb\xbf\n");
}

static void
test_canon_line_ends(void **state)
{
	check_canon(S("a\r\nb\r\n"), "a\nb\n");
	check_canon(S("a\rb\r"), "a\nb\n");
	check_canon(S("a\rb\nc\r\nd"), "a\nb\nc\nd\n");
	/* CR CR LF is a lone CR, then a CRLF: two line ends */
	check_canon(S("a\r\r\nb"), "a\n\nb\n");
	/* LF CR is two line ends too */
	check_canon(S("a\n\rb"), "a\n\nb\n");
}

static void
test_canon_trailing_blanks(void **state)
{
	check_canon(S("a \t \nb\t\n"), "a\nb\n");
	check_canon(S("a  \r\nb \r"), "a\nb\n");
	/* leading blanks and inner blanks stay */
	check_canon(S("  a  b \n\tc\n"), "  a  b\n\tc\n");
	/* a line of blanks inside the text becomes an empty line */
	check_canon(S("a\n \t \nb\n"), "a\n\nb\n");
}

static void
test_canon_blank_lines(void **state)
{
	check_canon(S("\n\n  \n\tx\n\n \n\t\n"), "\tx\n");
	check_canon(S("a\n\n\nb"), "a\n\n\nb\n");
	check_canon(S("\r\n\r\na\r\n\r\n"), "a\n");
}

static void
test_canon_final_lf(void **state)
{
	check_canon(S("a"), "a\n");
	check_canon(S("a\n"), "a\n");
	check_canon(S("a\n\n\n"), "a\n");
	check_canon(S(""), "");
	check_canon(S("\n \n\t\r\n"), "");
	check_canon(S("\xef\xbb\xbf"), "");
}

static void
test_canon_nul(void **state)
{
	size_t len;
	char *cause = NULL;

	assert_null(terms_canonicalize(S("ab\0c\n"), &len, &cause));
	assert_non_null(cause);
	assert_non_null(strstr(cause, "NUL"));
	assert_non_null(strstr(cause, "offset 2"));
	free(cause);
}

static void
test_canon_invalid_utf8(void **state)
{
	size_t len;
	char *cause = NULL;

	assert_null(terms_canonicalize(S("abc\xff\n"), &len, &cause));
	assert_non_null(cause);
	assert_non_null(strstr(cause, "UTF-8"));
	assert_non_null(strstr(cause, "offset 3"));
	free(cause);
	cause = NULL;
	/* the offset counts the BOM: it is in the bytes given */
	assert_null(terms_canonicalize(S("\xef\xbb\xbfok\n\xc0\x80"), &len, &cause));
	assert_non_null(cause);
	assert_non_null(strstr(cause, "offset 6"));
	free(cause);
	cause = NULL;
	assert_null(terms_canonicalize(S("x\xed\xa0\x80"), &len, &cause));
	assert_non_null(strstr(cause, "offset 1"));
	free(cause);
}

/* Known SHA-256 vectors (FIPS 180-2), so the hash is not just self-consistent. */
static void
test_sha256_vectors(void **state)
{
	char hex[TERMS_HASH_HEX + 1];

	terms_sha256_hex("", 0, hex);
	assert_string_equal(hex,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	terms_sha256_hex(S("abc"), hex);
	assert_string_equal(hex,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	terms_sha256_hex(S("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"), hex);
	assert_string_equal(hex,
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

/* ---- the shipped text ------------------------------------------------ */

static void
test_shipped_basics(void **state)
{
	struct terms *t = parse_shipped();

	assert_int_equal(shipped.len, SHIPPED_RAW_LEN);
	assert_string_equal(t->title, "Qwen Chat Terms of Service");
	assert_string_equal(t->date_label, "March 1, 2025");
	assert_int_equal(t->len, SHIPPED_CANONICAL_LEN);
	assert_int_equal(strlen(t->text), t->len);
	/* canonical = the file without its two leading LFs, plus a final LF */
	assert_memory_equal(t->text, shipped.data + 2, SHIPPED_RAW_LEN - 2);
	assert_int_equal(t->text[t->len - 1], '\n');
	assert_int_not_equal(t->text[t->len - 2], '\n');
	terms_free(t);
}

static void
test_shipped_hash(void **state)
{
	struct terms *t = parse_shipped();
	char hex[TERMS_HASH_HEX + 1];

	assert_string_equal(t->sha256, SHIPPED_SHA256);
	assert_string_equal(t->short_hash, "ed9e359b2718");
	assert_int_equal(strlen(t->short_hash), TERMS_SHORT_HEX);
	/* the hash is of the canonical text, not of the file */
	terms_sha256_hex(t->text, t->len, hex);
	assert_string_equal(hex, SHIPPED_SHA256);
	terms_sha256_hex(shipped.data, shipped.len, hex);
	assert_string_not_equal(hex, SHIPPED_SHA256);
	terms_free(t);
}

static void
test_shipped_sections(void **state)
{
	struct terms *t = parse_shipped();
	size_t i;

	assert_int_equal(t->nsections, 15);
	assert_int_equal(nitems(shipped_headings), 15);
	for (i = 0; i < t->nsections; i++) {
		assert_string_equal(t->sections[i].heading, shipped_headings[i]);
		assert_string_equal(t->sections[i].numeral, shipped_numerals[i]);
		/* sections tile the text */
		assert_true(t->sections[i].start < t->sections[i].end);
		if (i > 0) {
			size_t hl = strlen(shipped_headings[i]);

			assert_int_equal(t->sections[i].start, t->sections[i - 1].end);
			assert_memory_equal(t->text + t->sections[i].start, shipped_headings[i],
			    hl);
			assert_int_equal(t->text[t->sections[i].start + hl], '\n');
			assert_int_equal(t->text[t->sections[i].start - 1], '\n');
			assert_string_equal(terms_section_name(t, i), shipped_headings[i]);
		}
	}
	assert_int_equal(t->sections[0].start, 0);
	assert_int_equal(t->sections[t->nsections - 1].end, t->len);
	assert_string_equal(terms_section_name(t, 0), "Preamble");
	/* the preamble holds the title and the date */
	assert_memory_equal(t->text, "Qwen Chat Terms of Service\n\nLast updated: March 1, 2025\n",
	    strlen("Qwen Chat Terms of Service\n\nLast updated: March 1, 2025\n"));
	terms_free(t);
}

/* The two "VIII. Liability" sections are distinct: other places, other text. */
static void
test_shipped_two_liability(void **state)
{
	struct terms *t = parse_shipped();
	const struct terms_section *a = &t->sections[8], *b = &t->sections[9];
	size_t alen = a->end - a->start, blen = b->end - b->start;

	assert_string_equal(a->heading, "VIII. Liability");
	assert_string_equal(b->heading, "VIII. Liability");
	assert_int_not_equal(a->start, b->start);
	assert_true(a->end <= b->start);
	assert_false(alen == blen && memcmp(t->text + a->start, t->text + b->start, alen) == 0);
	assert_non_null(memmem(t->text + a->start, alen, "OUR SERVICES ARE PROVIDED \"AS IS.\"",
	    strlen("OUR SERVICES ARE PROVIDED \"AS IS.\"")));
	assert_null(memmem(t->text + a->start, alen, "INDEMNIFY", 9));
	assert_non_null(memmem(t->text + b->start, blen, "INDEMNIFY", 9));
	terms_free(t);
}

/* CRLF line ends, a BOM, trailing blanks and extra blank lines: same version. */
static void
test_shipped_crlf_bom(void **state)
{
	struct terms *t = parse_shipped(), *u;
	struct buf b;
	size_t i;

	buf_init(&b, 0);
	buf_adds(&b, "\xef\xbb\xbf\r\n");
	for (i = 0; i < shipped.len; i++) {
		if (shipped.data[i] == '\n')
			buf_adds(&b, i % 3 == 0 ? " \t\r\n" : "\r\n");
		else
			buf_addc(&b, shipped.data[i]);
	}
	buf_adds(&b, "\r\n\r\n   \r\n");
	assert_int_not_equal(b.len, shipped.len);
	u = parse_ok(b.data, b.len);
	assert_string_equal(u->sha256, t->sha256);
	assert_string_equal(u->sha256, SHIPPED_SHA256);
	assert_int_equal(u->len, t->len);
	assert_memory_equal(u->text, t->text, t->len);
	assert_int_equal(u->nsections, 15);
	terms_free(u);
	buf_release(&b);
	terms_free(t);
}

/* A one-character change anywhere is a new version. */
static void
test_shipped_changed_is_new_version(void **state)
{
	struct terms *t = parse_shipped(), *u;
	char *s = replace_once(shipped.data, "Force Majeure", "Force majeure");

	u = parse_ok(s, strlen(s));
	assert_string_not_equal(u->sha256, t->sha256);
	assert_string_equal(u->date_label, t->date_label);
	terms_free(u);
	free(s);
	terms_free(t);
}

static void
test_parse_errors(void **state)
{
	char *cause = NULL;

	assert_null(terms_parse(S("Some Terms\n\nNo date here.\n\nI. One\n\nText.\n"), &cause));
	assert_non_null(cause);
	assert_non_null(strstr(cause, "Last updated"));
	free(cause);
	cause = NULL;

	assert_null(terms_parse(S(""), &cause));
	assert_non_null(cause);
	assert_non_null(strstr(cause, "empty"));
	free(cause);
	cause = NULL;

	assert_null(terms_parse(S("\r\n \n\t\n"), &cause));
	assert_non_null(strstr(cause, "empty"));
	free(cause);
	cause = NULL;

	assert_null(terms_parse(S("Title\nLast updated: today\n\xc3("), &cause));
	assert_non_null(cause);
	assert_non_null(strstr(cause, "offset 26"));
	free(cause);
	cause = NULL;

	assert_null(terms_parse(S("Title\nLast updated: today\n\0"), &cause));
	assert_non_null(strstr(cause, "NUL"));
	free(cause);
}

/* A small text: markdown headings count, look-alikes do not. */
static void
test_parse_small(void **state)
{
	static const char text[] = "  \n# My Terms\n"
				   "LAST UPDATED:   June 2, 2024  \n"
				   "\n"
				   "Intro line. I. is not a heading here.\n"
				   "I.5 is not a heading\n"
				   "Item. not a heading\n"
				   "I.  two spaces: not a heading\n"
				   "## I. First Part\n"
				   "Body one.\n"
				   "II. Second Part\n"
				   "IV.x not a heading\n"
				   "III. Third\n";
	struct terms *t = parse_ok(S(text));

	assert_string_equal(t->title, "# My Terms");
	assert_string_equal(t->date_label, "June 2, 2024");
	assert_int_equal(t->nsections, 4);
	assert_string_equal(t->sections[0].heading, "");
	assert_string_equal(t->sections[1].heading, "## I. First Part");
	assert_string_equal(t->sections[1].numeral, "I");
	assert_string_equal(t->sections[2].heading, "II. Second Part");
	assert_string_equal(t->sections[2].numeral, "II");
	assert_string_equal(t->sections[3].heading, "III. Third");
	assert_string_equal(t->sections[3].numeral, "III");
	assert_int_equal(t->sections[3].end, t->len);
	terms_free(t);
}

static void
test_hash_matches(void **state)
{
	struct terms *t = parse_shipped();

	assert_int_equal(terms_hash_matches(t, SHIPPED_SHA256), 1);
	assert_int_equal(terms_hash_matches(t, "ed9e359b2718"), 1);
	assert_int_equal(terms_hash_matches(t,
			     "ED9E359B2718B29AABB15D15220532F74B1779C47FD871B4F7F104075C452B21"),
	    1);
	assert_int_equal(terms_hash_matches(t, "ED9E359B2718"), 1);
	assert_int_equal(terms_hash_matches(t, "Ed9E359b2718"), 1);
	/* wrong lengths */
	assert_int_equal(terms_hash_matches(t, ""), 0);
	assert_int_equal(terms_hash_matches(t, "ed9e359b271"), 0);
	assert_int_equal(terms_hash_matches(t, "ed9e359b2718b"), 0);
	assert_int_equal(terms_hash_matches(t, "ed9e"), 0);
	assert_int_equal(terms_hash_matches(t,
			     "ed9e359b2718b29aabb15d15220532f74b1779c47fd871b4f7f104075c452b2"),
	    0);
	assert_int_equal(terms_hash_matches(t,
			     "ed9e359b2718b29aabb15d15220532f74b1779c47fd871b4f7f104075c452b210"),
	    0);
	/* wrong digits */
	assert_int_equal(terms_hash_matches(t, "ed9e359b2719"), 0);
	assert_int_equal(terms_hash_matches(t, "fd9e359b2718"), 0);
	assert_int_equal(terms_hash_matches(t,
			     "ed9e359b2718b29aabb15d15220532f74b1779c47fd871b4f7f104075c452b22"),
	    0);
	assert_int_equal(terms_hash_matches(t,
			     "ed9e359b2718b29aabb15d15220532f74b1779c47fd871b4f7f104075c452b2g"),
	    0);
	terms_free(t);
}

static void
test_privacy_url(void **state)
{
	struct terms *t = parse_shipped(), *u;
	char *url = terms_privacy_url(t);

	assert_non_null(url);
	assert_string_equal(url, "https://chat.qwen.ai/legal-agreement/privacy-policy");
	free(url);
	terms_free(t);

	u = parse_ok(S("T\nLast updated: x\nSee <https://example.com/terms> and [Privacy](#).\n"));
	assert_null(terms_privacy_url(u));
	terms_free(u);
}

static void
test_change_name(void **state)
{
	assert_string_equal(terms_change_name(TERMS_SAME), "unchanged");
	assert_string_equal(terms_change_name(TERMS_ADDED), "added");
	assert_string_equal(terms_change_name(TERMS_REMOVED), "removed");
	assert_string_equal(terms_change_name(TERMS_CHANGED), "changed");
}

/* ---- diff ----------------------------------------------------------------- */

/* Parse the shipped text with one replacement made. */
static struct terms *
parse_edited(const char *from, const char *to)
{
	char *s = replace_once(shipped.data, from, to);
	struct terms *t = parse_ok(s, strlen(s));

	free(s);
	return t;
}

/* Check that every section of d but the listed ones is SAME and paired i <-> i + shift. */
static void
check_rest_same(const struct terms_diff *d, size_t skip_from, size_t skip_n)
{
	size_t i;

	for (i = 0; i < d->nsections; i++) {
		if (i >= skip_from && i < skip_from + skip_n)
			continue;
		if (d->sections[i].kind != TERMS_SAME)
			fail_msg("diff section %zu is %s, want unchanged", i,
			    terms_change_name(d->sections[i].kind));
		assert_int_equal(d->sections[i].nlines, 0);
		assert_null(d->sections[i].lines);
	}
}

static void
test_diff_identical(void **state)
{
	struct terms *a = parse_shipped(), *b = parse_shipped();
	struct terms_diff *d = terms_diff(a, b);
	size_t i;

	assert_int_equal(d->nchanged, 0);
	assert_int_equal(d->date_changed, 0);
	assert_int_equal(d->nsections, 15);
	for (i = 0; i < d->nsections; i++) {
		assert_int_equal(d->sections[i].kind, TERMS_SAME);
		assert_int_equal(d->sections[i].old_index, i);
		assert_int_equal(d->sections[i].new_index, i);
	}
	check_rest_same(d, 0, 0);
	terms_diff_free(d);
	terms_diff_free(NULL);
	terms_free(a);
	terms_free(b);
	terms_free(NULL);
}

/* Only the "Last updated" date changed: a new version, but no section changed. */
static void
test_diff_date_only(void **state)
{
	struct terms *a = parse_shipped();
	struct terms *b = parse_edited("Last updated: March 1, 2025", "Last updated: June 9, 2025");
	struct terms_diff *d = terms_diff(a, b);

	assert_string_equal(b->date_label, "June 9, 2025");
	assert_string_not_equal(a->sha256, b->sha256);
	assert_int_equal(d->nchanged, 0);
	assert_int_equal(d->date_changed, 1);
	assert_int_equal(d->nsections, 15);
	check_rest_same(d, 0, 0);
	terms_diff_free(d);
	terms_free(a);
	terms_free(b);
}

#define III_OLD \
	"You are responsible for all Prompts you submit to our Services. By submitting " \
	"Prompts to our Services, you represent and warrant that:"
#define III_NEW \
	"You are solely responsible for all Prompts you submit to our Services. By " \
	"submitting Prompts to our Services, you represent and warrant that:"

/* One paragraph of III changed: one CHANGED section with that paragraph as - and +. */
static void
test_diff_changed_paragraph(void **state)
{
	struct terms *a = parse_shipped(), *b = parse_edited(III_OLD, III_NEW);
	struct terms_diff *d = terms_diff(a, b);
	const struct terms_section_diff *sd;
	size_t i, nminus = 0, nplus = 0, nlf = 0, minus_at = 0, plus_at = 0;

	assert_int_equal(d->nchanged, 1);
	assert_int_equal(d->date_changed, 0);
	assert_int_equal(d->nsections, 15);
	sd = &d->sections[3];
	assert_int_equal(sd->kind, TERMS_CHANGED);
	assert_int_equal(sd->old_index, 3);
	assert_int_equal(sd->new_index, 3);
	assert_string_equal(terms_section_name(a, sd->old_index), "III. User Content");
	assert_string_equal(terms_section_name(b, sd->new_index), "III. User Content");
	check_rest_same(d, 3, 1);

	/*
	 * The whole section, line by line: every old line once, plus the new
	 * one; the blank lines that separate it from the next section do not count.
	 */
	for (i = a->sections[3].start; i < a->sections[3].end; i++)
		nlf += a->text[i] == '\n';
	for (i = a->sections[3].end; i >= 2 && a->text[i - 1] == '\n' && a->text[i - 2] == '\n';
	     i--)
		nlf--;
	assert_int_equal(sd->nlines, nlf + 1);
	for (i = 0; i < sd->nlines; i++) {
		const struct terms_diff_line *l = &sd->lines[i];

		assert_null(memchr(l->text, '\n', l->len));
		if (l->op == '-') {
			nminus++;
			minus_at = i;
			assert_int_equal(l->len, strlen(III_OLD));
			assert_memory_equal(l->text, III_OLD, l->len);
			assert_true(l->text >= a->text && l->text < a->text + a->len);
		} else if (l->op == '+') {
			nplus++;
			plus_at = i;
			assert_int_equal(l->len, strlen(III_NEW));
			assert_memory_equal(l->text, III_NEW, l->len);
			assert_true(l->text >= b->text && l->text < b->text + b->len);
		} else
			assert_int_equal(l->op, ' ');
	}
	assert_int_equal(nminus, 1);
	assert_int_equal(nplus, 1);
	assert_int_equal(plus_at, minus_at + 1);
	/* the first line is the heading, unchanged */
	assert_int_equal(sd->lines[0].op, ' ');
	assert_int_equal(sd->lines[0].len, strlen("III. User Content"));
	assert_memory_equal(sd->lines[0].text, "III. User Content", sd->lines[0].len);
	terms_diff_free(d);
	terms_free(a);
	terms_free(b);
}

/* Section IX removed: it shows as REMOVED and the rest pairs up. */
static void
test_diff_removed(void **state)
{
	struct terms *a = parse_shipped(), *b;
	const char *from = strstr(shipped.data, "\nIX. Force Majeure\n");
	const char *to = strstr(shipped.data, "\nX. Notice and Procedure");
	struct terms_diff *d;
	struct buf s;
	size_t i;

	assert_non_null(from);
	assert_non_null(to);
	buf_init(&s, 0);
	buf_add(&s, shipped.data, (size_t)(from - shipped.data));
	buf_adds(&s, to);
	b = parse_ok(s.data, s.len);
	assert_int_equal(b->nsections, 14);
	d = terms_diff(a, b);
	assert_int_equal(d->nchanged, 1);
	assert_int_equal(d->nsections, 15);
	assert_int_equal(d->sections[10].kind, TERMS_REMOVED);
	assert_int_equal(d->sections[10].old_index, 10);
	assert_int_equal(d->sections[10].nlines, 0);
	check_rest_same(d, 10, 1);
	for (i = 11; i < 15; i++) {
		assert_int_equal(d->sections[i].old_index, i);
		assert_int_equal(d->sections[i].new_index, i - 1);
	}
	terms_diff_free(d);
	terms_free(b);
	buf_release(&s);
	terms_free(a);
}

/* Append tail (a section XIV) to the shipped text and diff. */
static void
check_diff_added(const char *tail)
{
	struct terms *a = parse_shipped(), *b;
	struct terms_diff *d;
	struct buf s;
	char report[4096] = "";
	size_t i, nchanged, nsections, rest_same = 1;
	int last_added = 0, last_ok = 0, xiii_paired = 0;

	buf_init(&s, 0);
	buf_add(&s, shipped.data, shipped.len);
	buf_adds(&s, tail);
	b = parse_ok(s.data, s.len);
	buf_release(&s);
	assert_int_equal(b->nsections, 16);
	d = terms_diff(a, b);
	/* gather, free, then assert: a failure here must not look like a leak */
	nchanged = d->nchanged;
	nsections = d->nsections;
	if (nsections == 16) {
		last_added = d->sections[15].kind == TERMS_ADDED && d->sections[15].nlines == 0;
		last_ok = d->sections[15].new_index == 15 &&
		    strcmp(terms_section_name(b, 15), "XIV. Artificial Intelligence Act") == 0;
		xiii_paired = d->sections[14].old_index == 14 && d->sections[14].new_index == 14;
		for (i = 0; i < 15; i++)
			if (d->sections[i].kind != TERMS_SAME) {
				rest_same = 0;
				snprintf(report + strlen(report), sizeof report - strlen(report),
				    "section %zu (%s) is %s; ", i, terms_section_name(a, i),
				    terms_change_name(d->sections[i].kind));
			}
	}
	terms_diff_free(d);
	terms_free(b);
	terms_free(a);
	if (!rest_same)
		fail_msg("%s", report);
	assert_int_equal(nchanged, 1);
	assert_int_equal(nsections, 16);
	assert_true(last_added);
	assert_true(last_ok);
	assert_true(xiii_paired);
}

/*
 * A new section XIV at the end shows as ADDED, and XIII stays unchanged: the
 * blank line that separates it from XIV is layout, not a change to XIII.
 */
static void
test_diff_added(void **state)
{
	check_diff_added("\n\nXIV. Artificial Intelligence Act\n\nA new section.\n");
}

/* The same without a blank line before the new heading. */
static void
test_diff_added_no_blank(void **state)
{
	check_diff_added("\nXIV. Artificial Intelligence Act\n\nA new section.\n");
}

/* A change in the second "VIII. Liability" is attributed to it, not the first. */
static void
test_diff_second_liability(void **state)
{
	struct terms *a = parse_shipped();
	struct terms *b = parse_edited(" - 1.4 YOUR STATEMENTS OR CONDUCT; OR",
	    " - 1.4 YOUR STATEMENTS, POSTS OR CONDUCT; OR");
	struct terms_diff *d = terms_diff(a, b);
	const struct terms_section_diff *sd = &d->sections[9];
	size_t i, nminus = 0, nplus = 0;

	assert_int_equal(d->nchanged, 1);
	assert_int_equal(d->nsections, 15);
	assert_int_equal(d->sections[8].kind, TERMS_SAME);
	assert_int_equal(d->sections[8].new_index, 8);
	assert_int_equal(sd->kind, TERMS_CHANGED);
	assert_int_equal(sd->old_index, 9);
	assert_int_equal(sd->new_index, 9);
	assert_int_equal(b->sections[sd->new_index].start, b->sections[9].start);
	assert_int_not_equal(b->sections[sd->new_index].start, b->sections[8].start);
	check_rest_same(d, 9, 1);
	for (i = 0; i < sd->nlines; i++) {
		if (sd->lines[i].op == '-') {
			nminus++;
			assert_int_equal(sd->lines[i].len,
			    strlen(" - 1.4 YOUR STATEMENTS OR CONDUCT; OR"));
			assert_memory_equal(sd->lines[i].text,
			    " - 1.4 YOUR STATEMENTS OR CONDUCT; OR", sd->lines[i].len);
		} else if (sd->lines[i].op == '+') {
			nplus++;
			assert_memory_equal(sd->lines[i].text,
			    " - 1.4 YOUR STATEMENTS, POSTS OR CONDUCT; OR", sd->lines[i].len);
		}
	}
	assert_int_equal(nminus, 1);
	assert_int_equal(nplus, 1);
	terms_diff_free(d);
	terms_free(a);
	terms_free(b);
}

/* The same, the other way round: a change in the first pairs with the first. */
static void
test_diff_first_liability(void **state)
{
	struct terms *a = parse_shipped();
	struct terms *b = parse_edited("OUR SERVICES ARE PROVIDED \"AS IS.\"",
	    "OUR SERVICES ARE PROVIDED \"AS IS\" AND \"AS AVAILABLE.\"");
	struct terms_diff *d = terms_diff(a, b);

	assert_int_equal(d->nchanged, 1);
	assert_int_equal(d->sections[8].kind, TERMS_CHANGED);
	assert_int_equal(d->sections[8].old_index, 8);
	assert_int_equal(d->sections[8].new_index, 8);
	check_rest_same(d, 8, 1);
	terms_diff_free(d);
	terms_free(a);
	terms_free(b);
}

/* A renamed heading is a section removed and another added. */
static void
test_diff_renamed(void **state)
{
	struct terms *a = parse_shipped();
	struct terms *b = parse_edited("\nIX. Force Majeure\n",
	    "\nIX. Events Beyond Our Control\n");
	struct terms_diff *d = terms_diff(a, b);
	size_t i, removed = 0, added = 0;

	assert_int_equal(d->nchanged, 2);
	assert_int_equal(d->nsections, 16);
	for (i = 0; i < d->nsections; i++) {
		const struct terms_section_diff *sd = &d->sections[i];

		if (sd->kind == TERMS_REMOVED) {
			removed++;
			assert_int_equal(sd->old_index, 10);
			assert_string_equal(terms_section_name(a, sd->old_index),
			    "IX. Force Majeure");
		} else if (sd->kind == TERMS_ADDED) {
			added++;
			assert_int_equal(sd->new_index, 10);
			assert_string_equal(terms_section_name(b, sd->new_index),
			    "IX. Events Beyond Our Control");
		} else
			assert_int_equal(sd->kind, TERMS_SAME);
	}
	assert_int_equal(removed, 1);
	assert_int_equal(added, 1);
	/* in reading order: both sit between VIII and X */
	assert_int_not_equal(d->sections[10].kind, TERMS_SAME);
	assert_int_not_equal(d->sections[11].kind, TERMS_SAME);
	assert_int_equal(d->sections[12].kind, TERMS_SAME);
	assert_int_equal(d->sections[12].old_index, 11);
	assert_int_equal(d->sections[12].new_index, 11);
	terms_diff_free(d);
	terms_free(a);
	terms_free(b);
}

/* ---- terms_line_change ------------------------------------------------ */

/* The words that changed between a and b, as terms_line_change sees them. */
static void
check_line_change(const char *a, const char *b, const char *want_a, const char *want_b)
{
	size_t alen = strlen(a), blen = strlen(b), pre = 999, suf = 999;

	terms_line_change(a, alen, b, blen, &pre, &suf);
	if (pre + suf > alen || pre + suf > blen)
		fail_msg("\"%s\" -> \"%s\": prefix %zu and suffix %zu overlap", a, b, pre, suf);
	if (alen - suf - pre != strlen(want_a) || memcmp(a + pre, want_a, strlen(want_a)) != 0 ||
	    blen - suf - pre != strlen(want_b) || memcmp(b + pre, want_b, strlen(want_b)) != 0)
		fail_msg("\"%s\" -> \"%s\": changed \"%.*s\" -> \"%.*s\", want \"%s\" -> \"%s\"", a,
		    b, (int)(alen - suf - pre), a + pre, (int)(blen - suf - pre), b + pre, want_a,
		    want_b);
}

static void
test_line_change(void **state)
{
	size_t pre = 999, suf = 999;

	terms_line_change(S("you must not depend"), S("you must never depend"), &pre, &suf);
	assert_int_equal(pre, strlen("you must "));
	assert_int_equal(suf, strlen(" depend"));
	check_line_change("you must not depend", "you must never depend", "not", "never");
	check_line_change("cats are nice", "dogs are nice", "cats", "dogs");
	check_line_change("we may update these", "we may change these", "update", "change");
	check_line_change("we may update", "we may change", "update", "change");
	check_line_change("a b c", "a x c", "b", "x");
	check_line_change("same line", "same line", "", "");
	check_line_change("one", "two", "one", "two");
}

/* A common prefix that stops mid-word goes back to the start of that word. */
static void
test_line_change_word_start(void **state)
{
	check_line_change("the cat sat", "the cats sat", "cat", "cats");
	check_line_change("to comply with", "to complete with", "comply", "complete");
	check_line_change("sole discretion", "sole direction", "discretion", "direction");
}

/* One line a prefix of the other: the changed word is the whole last word. */
static void
test_line_change_at_end(void **state)
{
	check_line_change("the cat", "the cats", "cat", "cats");
	check_line_change("the cats", "the cat", "cats", "cat");
}

/* A common suffix that starts mid-word goes forward to the end of that word. */
static void
test_line_change_suffix_word(void **state)
{
	check_line_change("the ample", "the example", "ample", "example");
	check_line_change("x bc", "x xbc", "bc", "xbc");
}

/* ---- bounds, the shown text, and the diff against a brute-force LCS --------- */

/* A text of n sections "I. Part k", each with one line of body. */
static char *
sections_text(size_t n)
{
	struct buf b;
	size_t i;

	buf_init(&b, 0);
	buf_adds(&b, "Terms\n\nLast updated: today\n\n");
	for (i = 0; i < n; i++)
		buf_addf(&b, "I. Part %zu\n\nText %zu.\n\n", i, i);
	return buf_detach(&b, NULL);
}

static void
test_parse_bounds(void **state)
{
	char *cause = NULL, *s, *big;
	struct terms *t;
	struct buf b;

	(void)state;
	s = sections_text(TERMS_MAX_SECTIONS);
	t = parse_ok(s, strlen(s));
	assert_int_equal(t->nsections, TERMS_MAX_SECTIONS + 1);
	terms_free(t);
	free(s);

	s = sections_text(TERMS_MAX_SECTIONS + 1);
	assert_null(terms_parse(s, strlen(s), &cause));
	assert_non_null(strstr(cause, "more than 500 sections"));
	free(cause);
	cause = NULL;
	free(s);

	buf_init(&b, 0);
	buf_adds(&b, "Terms\nLast updated: today\n\nI. One\n");
	big = xmalloc(TERMS_MAX_LINE + 2);
	memset(big, 'x', TERMS_MAX_LINE + 1);
	big[TERMS_MAX_LINE + 1] = '\0';
	buf_add(&b, big, TERMS_MAX_LINE);
	buf_adds(&b, "  \n"); /* blanks at the end of a line do not count */
	t = parse_ok(b.data, b.len);
	terms_free(t);
	buf_adds(&b, big);
	buf_adds(&b, "\r\n");
	assert_null(terms_parse(b.data, b.len, &cause));
	assert_non_null(strstr(cause, "line 6 is 16385 bytes long"));
	free(cause);
	cause = NULL;
	buf_release(&b);
	free(big);

	big = xmalloc(TERMS_MAX_BYTES + 1);
	memset(big, 'a', TERMS_MAX_BYTES + 1);
	for (size_t i = 80; i < TERMS_MAX_BYTES + 1; i += 81)
		big[i] = '\n';
	assert_null(terms_parse(big, TERMS_MAX_BYTES + 1, &cause));
	assert_non_null(strstr(cause, "more than a Terms text can be"));
	free(cause);
	free(big);
}

/* Controls in the text are shown visibly; the canonical bytes are hashed. */
static void
test_parse_shown(void **state)
{
	static const char raw[] = "\x1b]0;t\x07Title\nLast updated: today\x1b[31m\n\n"
				  "I. One\xc2\x9b\x32J\n\nText \x1b]52;c;eA==\x07 here.\n";
	char hex[TERMS_HASH_HEX + 1];
	struct terms *t = parse_ok(S(raw));

	(void)state;
	assert_string_equal(t->canon, raw);
	terms_sha256_hex(raw, sizeof raw - 1, hex);
	assert_string_equal(t->sha256, hex);
	assert_null(memchr(t->text, '\x1b', t->len));
	assert_null(memchr(t->text, '\x07', t->len));
	assert_string_equal(t->title, "^[]0;t^GTitle");
	assert_string_equal(t->date_label, "today^[[31m");
	assert_int_equal(t->nsections, 2);
	assert_string_equal(t->sections[1].heading, "I. One<U+009B>2J");
	assert_non_null(strstr(t->text, "Text ^[]52;c;eA==^G here."));
	assert_int_equal(t->sections[1].end, t->len);
	terms_free(t);

	/* An ordinary text is shown as it is, without a copy. */
	t = parse_ok(S("Title\nLast updated: today\n"));
	assert_ptr_equal(t->text, t->canon);
	terms_free(t);
}

/* Length of a longest common subsequence of a[0..n) and b[0..m), the slow way. */
static size_t
brute_lcs(const int *a, size_t n, const int *b, size_t m)
{
	size_t *t = xcalloc((n + 1) * (m + 1), sizeof *t), i, j, r;

	for (i = n; i-- > 0;)
		for (j = m; j-- > 0;)
			if (a[i] == b[j])
				t[i * (m + 1) + j] = t[(i + 1) * (m + 1) + j + 1] + 1;
			else
				t[i * (m + 1) + j] = t[(i + 1) * (m + 1) + j] >
					t[i * (m + 1) + j + 1] ?
				    t[(i + 1) * (m + 1) + j] :
				    t[i * (m + 1) + j + 1];
	r = t[0];
	free(t);
	return r;
}

/* A text whose sections have the headings "I. A" .. "I. D" given by h[0..n). */
static char *
headings_text(const int *h, size_t n, const char *body)
{
	struct buf b;
	size_t i;

	buf_init(&b, 0);
	buf_adds(&b, "Terms\n\nLast updated: today\n\n");
	for (i = 0; i < n; i++)
		buf_addf(&b, "I. %c\n\n%s\n\n", 'A' + h[i], body);
	return buf_detach(&b, NULL);
}

static unsigned int rng = 12345;

static int
rnd(int n)
{
	rng = rng * 1103515245 + 12345;
	return (int)((rng >> 16) % (unsigned int)n);
}

/* Sections pair along a longest common subsequence of headings, in order. */
static void
test_diff_sections_lcs(void **state)
{
	int a[16], b[16];
	size_t n, m, i, k, paired, oi, ni;
	int round;

	(void)state;
	for (round = 0; round < 300; round++) {
		n = (size_t)rnd(16);
		m = (size_t)rnd(16);
		for (i = 0; i < n; i++)
			a[i] = rnd(4);
		for (i = 0; i < m; i++)
			b[i] = rnd(4);
		char *sa = headings_text(a, n, "Same."), *sb = headings_text(b, m, "Same.");
		struct terms *ta = parse_ok(sa, strlen(sa)), *tb = parse_ok(sb, strlen(sb));
		struct terms_diff *d = terms_diff(ta, tb);

		paired = 0;
		oi = ni = 0;
		for (k = 0; k < d->nsections; k++) {
			const struct terms_section_diff *sd = &d->sections[k];

			if (sd->kind != TERMS_ADDED)
				assert_int_equal(sd->old_index, oi++);
			if (sd->kind != TERMS_REMOVED)
				assert_int_equal(sd->new_index, ni++);
			if (sd->kind == TERMS_SAME || sd->kind == TERMS_CHANGED) {
				paired++;
				assert_string_equal(ta->sections[sd->old_index].heading,
				    tb->sections[sd->new_index].heading);
			}
		}
		assert_int_equal(oi, n + 1); /* the preamble too */
		assert_int_equal(ni, m + 1);
		assert_int_equal(paired, brute_lcs(a, n, b, m) + 1);
		terms_diff_free(d);
		terms_free(ta);
		terms_free(tb);
		free(sa);
		free(sb);
	}
}

/* The lines of a changed section: the same as the old and new, a longest pairing. */
static void
test_diff_lines_lcs(void **state)
{
	int a[40], b[40], h = 0;
	size_t n, m, i, k, same, oi, ni;
	int round;

	(void)state;
	for (round = 0; round < 300; round++) {
		struct buf ba, bb;

		n = 1 + (size_t)rnd(39);
		m = 1 + (size_t)rnd(39);
		buf_init(&ba, 0);
		buf_init(&bb, 0);
		for (i = 0; i < n; i++) {
			a[i] = rnd(5);
			buf_addf(&ba, "%sline %d", i != 0 ? "\n" : "", a[i]);
		}
		for (i = 0; i < m; i++) {
			b[i] = rnd(5);
			buf_addf(&bb, "%sline %d", i != 0 ? "\n" : "", b[i]);
		}
		buf_adds(&bb, "\nline 9"); /* never the same as the old */
		b[m++] = 9;
		char *sa = headings_text(&h, 1, ba.data), *sb = headings_text(&h, 1, bb.data);
		struct terms *ta = parse_ok(sa, strlen(sa)), *tb = parse_ok(sb, strlen(sb));
		struct terms_diff *d = terms_diff(ta, tb);
		const struct terms_section_diff *sd = &d->sections[1];

		assert_int_equal(d->nsections, 2);
		assert_int_equal(sd->kind, TERMS_CHANGED);
		/* the heading and the blank line after it are the same: two lines */
		same = oi = ni = 0;
		for (k = 0; k < sd->nlines; k++) {
			const struct terms_diff_line *l = &sd->lines[k];
			int v = l->len > 5 && memcmp(l->text, "line ", 5) == 0 ? atoi(l->text + 5) :
										 -1;

			if (k < 2) {
				assert_int_equal(l->op, ' ');
				continue;
			}
			if (l->op != '+')
				assert_int_equal(v, a[oi++]);
			if (l->op != '-')
				assert_int_equal(v, b[ni++]);
			same += l->op == ' ';
		}
		assert_int_equal(oi, n);
		assert_int_equal(ni, m);
		assert_int_equal(same, brute_lcs(a, n, b, m));
		terms_diff_free(d);
		terms_free(ta);
		terms_free(tb);
		free(sa);
		free(sb);
		buf_release(&ba);
		buf_release(&bb);
	}
}

/* The largest diff the bounds allow stays quick. */
static void
test_diff_at_the_bounds(void **state)
{
	char *a = sections_text(TERMS_MAX_SECTIONS), *b = sections_text(TERMS_MAX_SECTIONS);
	struct terms *ta, *tb;
	struct terms_diff *d;

	(void)state;
	b[strlen(b) - 3] = 'X'; /* the last section changes */
	ta = parse_ok(a, strlen(a));
	tb = parse_ok(b, strlen(b));
	d = terms_diff(ta, tb);
	assert_int_equal(d->nsections, TERMS_MAX_SECTIONS + 1);
	assert_int_equal(d->nchanged, 1);
	assert_int_equal(d->sections[TERMS_MAX_SECTIONS].kind, TERMS_CHANGED);
	terms_diff_free(d);
	terms_free(ta);
	terms_free(tb);
	free(a);
	free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canon_bom),
		cmocka_unit_test(test_canon_line_ends),
		cmocka_unit_test(test_canon_trailing_blanks),
		cmocka_unit_test(test_canon_blank_lines),
		cmocka_unit_test(test_canon_final_lf),
		cmocka_unit_test(test_canon_nul),
		cmocka_unit_test(test_canon_invalid_utf8),
		cmocka_unit_test(test_sha256_vectors),
		cmocka_unit_test(test_shipped_basics),
		cmocka_unit_test(test_shipped_hash),
		cmocka_unit_test(test_shipped_sections),
		cmocka_unit_test(test_shipped_two_liability),
		cmocka_unit_test(test_shipped_crlf_bom),
		cmocka_unit_test(test_shipped_changed_is_new_version),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_small),
		cmocka_unit_test(test_hash_matches),
		cmocka_unit_test(test_privacy_url),
		cmocka_unit_test(test_change_name),
		cmocka_unit_test(test_diff_identical),
		cmocka_unit_test(test_diff_date_only),
		cmocka_unit_test(test_diff_changed_paragraph),
		cmocka_unit_test(test_diff_removed),
		cmocka_unit_test(test_diff_added),
		cmocka_unit_test(test_diff_added_no_blank),
		cmocka_unit_test(test_diff_second_liability),
		cmocka_unit_test(test_diff_first_liability),
		cmocka_unit_test(test_diff_renamed),
		cmocka_unit_test(test_line_change),
		cmocka_unit_test(test_line_change_word_start),
		cmocka_unit_test(test_line_change_at_end),
		cmocka_unit_test(test_line_change_suffix_word),
		cmocka_unit_test(test_parse_bounds),
		cmocka_unit_test(test_parse_shown),
		cmocka_unit_test(test_diff_sections_lcs),
		cmocka_unit_test(test_diff_lines_lcs),
		cmocka_unit_test(test_diff_at_the_bounds),
	};

	if (getenv("TOP_SRCDIR") == NULL || *getenv("TOP_SRCDIR") == '\0') {
		printf("Bail out! TOP_SRCDIR is not set: run this test through 'make check'\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, load_shipped, free_shipped);
}
