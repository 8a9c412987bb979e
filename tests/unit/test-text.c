/* test-text.c: unit tests for the UTF-8 and wrapping helpers (text.c). */
#include "common.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <locale.h>

#include "text.h"

/* A string literal as pointer and length, so that it may hold NUL bytes. */
#define S(lit) (lit), (sizeof(lit) - 1)

/* Decode the sequence at lit: check its length and, when valid, its code point. */
#define SEQ(lit, want_n, want_cp) \
	do { \
		unsigned int cp_ = 0xdeadbeef; \
		assert_int_equal(text_utf8_seq(S(lit), &cp_), (want_n)); \
		if ((want_n) != 0) \
			assert_int_equal(cp_, (want_cp)); \
	} while (0)

static void
test_seq_ascii(void **state)
{
	SEQ("A", 1, 0x41);
	SEQ("\x7f", 1, 0x7f);
	SEQ("ab", 1, 0x61);
	/* a NUL byte is a valid one-byte sequence when it is inside len */
	SEQ("\0", 1, 0);
	/* nothing available: no sequence */
	assert_int_equal(text_utf8_seq("A", 0, NULL), 0);
	/* cp may be NULL */
	assert_int_equal(text_utf8_seq(S("\xc3\xa9"), NULL), 2);
}

static void
test_seq_multibyte(void **state)
{
	SEQ("\xc2\x80", 2, 0x80);	/* smallest 2-byte */
	SEQ("\xc3\xa9", 2, 0xe9);	/* é */
	SEQ("\xdf\xbf", 2, 0x7ff);	/* largest 2-byte */
	SEQ("\xe0\xa0\x80", 3, 0x800);	/* smallest 3-byte */
	SEQ("\xe4\xb8\xad", 3, 0x4e2d); /* 中 */
	SEQ("\xed\x9f\xbf", 3, 0xd7ff); /* just below the surrogates */
	SEQ("\xee\x80\x80", 3, 0xe000); /* just above them */
	SEQ("\xef\xbf\xbf", 3, 0xffff);
	SEQ("\xf0\x90\x80\x80", 4, 0x10000);  /* smallest 4-byte */
	SEQ("\xf0\x9f\x98\x80", 4, 0x1f600);  /* 😀 */
	SEQ("\xf4\x8f\xbf\xbf", 4, 0x10ffff); /* largest code point */
	/* only the first sequence is measured */
	SEQ("\xc3\xa9z", 2, 0xe9);
}

static void
test_seq_invalid(void **state)
{
	SEQ("\x80", 0, 0); /* lone continuation byte */
	SEQ("\xbf", 0, 0);
	SEQ("\xc0\x80", 0, 0);	       /* overlong NUL */
	SEQ("\xc1\xbf", 0, 0);	       /* overlong 0x7f */
	SEQ("\xe0\x80\x80", 0, 0);     /* overlong 3-byte */
	SEQ("\xe0\x9f\xbf", 0, 0);     /* overlong 0x7ff */
	SEQ("\xf0\x80\x80\x80", 0, 0); /* overlong 4-byte */
	SEQ("\xf0\x8f\xbf\xbf", 0, 0); /* overlong 0xffff */
	SEQ("\xed\xa0\x80", 0, 0);     /* U+D800, a surrogate */
	SEQ("\xed\xbf\xbf", 0, 0);     /* U+DFFF */
	SEQ("\xf4\x90\x80\x80", 0, 0); /* U+110000 */
	SEQ("\xf5\x80\x80\x80", 0, 0);
	SEQ("\xf8\x88\x80\x80\x80", 0, 0); /* 5-byte form */
	SEQ("\xfe", 0, 0);
	SEQ("\xff", 0, 0);
	SEQ("\xc3\x41", 0, 0); /* continuation is not 10xxxxxx */
	SEQ("\xe4\xb8\x41", 0, 0);
	SEQ("\xe4\xc3\xa9", 0, 0);
}

/* A sequence cut short by len is not valid, even if the bytes go on in memory. */
static void
test_seq_truncated(void **state)
{
	static const char zhong[] = "\xe4\xb8\xad";
	static const char emoji[] = "\xf0\x9f\x98\x80";

	assert_int_equal(text_utf8_seq(S("\xc3"), NULL), 0);
	assert_int_equal(text_utf8_seq(zhong, 1, NULL), 0);
	assert_int_equal(text_utf8_seq(zhong, 2, NULL), 0);
	assert_int_equal(text_utf8_seq(zhong, 3, NULL), 3);
	assert_int_equal(text_utf8_seq(emoji, 3, NULL), 0);
	assert_int_equal(text_utf8_seq(emoji, 4, NULL), 4);
}

static void
test_valid(void **state)
{
	size_t bad = 12345;

	assert_true(text_utf8_valid(S(""), &bad));
	assert_true(text_utf8_valid(S("plain ASCII"), &bad));
	assert_true(
	    text_utf8_valid(S("caf\xc3\xa9 \xe4\xb8\xad\xe6\x96\x87 \xf0\x9f\x98\x80"), &bad));
	assert_true(text_utf8_valid(S("a\0b"), &bad));
	/* bad is only written on failure */
	assert_int_equal(bad, 12345);
	assert_true(text_utf8_valid(S("x"), NULL));
	assert_false(text_utf8_valid(S("\xff"), NULL));
}

/* The offset of the first bad byte, for each kind of bad sequence. */
static void
test_valid_bad_offset(void **state)
{
	size_t bad;

	bad = 999;
	assert_false(text_utf8_valid(S("\x80"), &bad));
	assert_int_equal(bad, 0);
	bad = 999;
	assert_false(text_utf8_valid(S("abc\xc0\x80"), &bad));
	assert_int_equal(bad, 3);
	bad = 999;
	assert_false(text_utf8_valid(S("\xc3\xa9\xe0\x80\x80"), &bad));
	assert_int_equal(bad, 2);
	bad = 999;
	assert_false(text_utf8_valid(S("ok \xed\xa0\x80"), &bad));
	assert_int_equal(bad, 3);
	bad = 999;
	assert_false(text_utf8_valid(S("\xe4\xb8\xad\xf4\x90\x80\x80"), &bad));
	assert_int_equal(bad, 3);
	/* truncated at the end of the input */
	bad = 999;
	assert_false(text_utf8_valid(S("abcd\xe4\xb8"), &bad));
	assert_int_equal(bad, 4);
	bad = 999;
	assert_false(text_utf8_valid(S("\xf0\x9f\x98"), &bad));
	assert_int_equal(bad, 0);
	/* a valid sequence, then a stray continuation byte */
	bad = 999;
	assert_false(text_utf8_valid(S("\xc3\xa9\xa9x"), &bad));
	assert_int_equal(bad, 2);
	/* the first of several problems */
	bad = 999;
	assert_false(text_utf8_valid(S("a\xffz\xff"), &bad));
	assert_int_equal(bad, 1);
}

static void
test_width(void **state)
{
	assert_int_equal(text_width(S("")), 0);
	assert_int_equal(text_width(S("hello")), 5);
	assert_int_equal(text_width(S("caf\xc3\xa9")), 4);
	/* CJK: two columns each */
	assert_int_equal(text_width(S("\xe4\xb8\xad\xe6\x96\x87")), 4);
	assert_int_equal(text_width(S("a\xe4\xb8\xad"
				      "b")),
	    4);
	/* fullwidth and Hangul */
	assert_int_equal(text_width(S("\xef\xbc\xa1")), 2); /* U+FF21 */
	assert_int_equal(text_width(S("\xea\xb0\x80")), 2); /* U+AC00 */
	/* combining marks take no column: e + U+0301 */
	assert_int_equal(text_width(S("e\xcc\x81")), 1);
	assert_int_equal(text_width(S("e\xcc\x81\xcc\xa3x")), 2);
	/* invalid bytes count one each */
	assert_int_equal(text_width(S("a\xff\xfe"
				      "b")),
	    4);
	assert_int_equal(text_width(S("\xe4\xb8")), 2);
	/* only len bytes are measured */
	assert_int_equal(text_width("abcdef", 3), 3);
}

static void
test_cp_width(void **state)
{
	assert_int_equal(text_cp_width('a'), 1);
	assert_int_equal(text_cp_width(0x1b), 0); /* ESC */
	assert_int_equal(text_cp_width(0x7f), 0); /* DEL */
	assert_int_equal(text_cp_width(0x9b), 0); /* C1 CSI */
	assert_int_equal(text_cp_width(0x4e2d), 2);
	assert_int_equal(text_cp_width(0x0301), 0);
	assert_int_equal(text_cp_width(0xe9), 1);
}

static void
test_prefix_blanks(void **state)
{
	assert_true(text_has_prefix_ci("Last Updated: x", "last updated"));
	assert_true(text_has_prefix_ci("abc", ""));
	assert_false(text_has_prefix_ci("Last", "last updated"));
	assert_false(text_has_prefix_ci("xLast updated", "last updated"));
	assert_string_equal(text_skip_blanks(" \t x "), "x ");
	assert_string_equal(text_skip_blanks("x"), "x");
	assert_string_equal(text_skip_blanks(" \n"), "\n");
}

/* ---- wrapping -------------------------------------------------------- */

/* Wrap s and compare the spans' text with the NULL-terminated list want. */
static void
check_wrap(const char *s, int width, const char *const *want)
{
	struct text_span *spans = NULL;
	size_t n = text_wrap(s, strlen(s), width, &spans), i, nwant;
	char msg[512] = "";

	for (nwant = 0; want[nwant] != NULL; nwant++)
		;
	for (i = 0; i < n && i < nwant && msg[0] == '\0'; i++) {
		if (spans[i].off + spans[i].len > strlen(s))
			snprintf(msg, sizeof msg, "wrap of \"%s\" at %d: line %zu is out of bounds",
			    s, width, i);
		else if (spans[i].len != strlen(want[i]) ||
		    memcmp(s + spans[i].off, want[i], spans[i].len) != 0)
			snprintf(msg, sizeof msg,
			    "wrap of \"%s\" at %d: line %zu is \"%.*s\", "
			    "want \"%s\"",
			    s, width, i, (int)spans[i].len, s + spans[i].off, want[i]);
	}
	if (msg[0] == '\0' && n != nwant)
		snprintf(msg, sizeof msg, "wrap of \"%s\" at %d: %zu lines, want %zu", s, width, n,
		    nwant);
	free(spans);
	if (msg[0] != '\0')
		fail_msg("%s", msg);
}

/* Each span: inside s, starts and ends on a character boundary, at most width columns. */
static void
check_wrap_invariants(const char *s, int width, size_t *nlines)
{
	struct text_span *spans = NULL;
	size_t len = strlen(s), n = text_wrap(s, len, width, &spans), i, k;

	assert_true(n >= 1);
	for (i = 0; i < n; i++) {
		const char *p = s + spans[i].off;

		assert_true(spans[i].off + spans[i].len <= len);
		/* the span is whole characters: valid UTF-8 on its own */
		assert_true(text_utf8_valid(p, spans[i].len, NULL));
		if (spans[i].off < len)
			assert_int_not_equal((unsigned char)p[0] & 0xc0, 0x80);
		assert_true(text_width(p, spans[i].len) <= width);
		for (k = 0; k < spans[i].len; k++)
			assert_int_not_equal(p[k], '\n');
		if (i > 0)
			assert_true(spans[i].off >= spans[i - 1].off + spans[i - 1].len);
	}
	*nlines = n;
	free(spans);
}

static void
test_wrap_blanks(void **state)
{
	check_wrap("the quick brown fox jumps", 10,
	    (const char *const[]){ "the quick", "brown fox", "jumps", NULL });
	check_wrap("the quick brown fox jumps", 100,
	    (const char *const[]){ "the quick brown fox jumps", NULL });
	/* a word that would straddle the width moves to the next line whole */
	check_wrap("aaa bbb ccc", 5, (const char *const[]){ "aaa", "bbb", "ccc", NULL });
	check_wrap("Before you access our services", 12,
	    (const char *const[]){ "Before you", "access our", "services", NULL });
	/* a word that ends exactly at the width */
	check_wrap("abcd efgh", 4, (const char *const[]){ "abcd", "efgh", NULL });
	/* several blanks at a break are left out */
	check_wrap("aa    bbbbbb", 6, (const char *const[]){ "aa", "bbbbbb", NULL });
}

/* A word longer than the width is broken between characters. */
static void
test_wrap_long_word(void **state)
{
	check_wrap("abcdefghij", 4, (const char *const[]){ "abcd", "efgh", "ij", NULL });
	check_wrap("a verylongword", 5, (const char *const[]){ "a", "veryl", "ongwo", "rd", NULL });
	check_wrap("xyz", 1, (const char *const[]){ "x", "y", "z", NULL });
}

/* Breaking a long word of multi-byte letters never splits a sequence. */
static void
test_wrap_long_word_utf8(void **state)
{
	/* "éééééé": 6 columns, 12 bytes */
	check_wrap("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 4,
	    (const char *const[]){ "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", "\xc3\xa9\xc3\xa9", NULL });
	/* a base letter keeps its combining mark */
	check_wrap("abce\xcc\x81"
		   "fg",
	    4, (const char *const[]){ "abce\xcc\x81", "fg", NULL });
}

/* CJK text has no blanks: it wraps by width, two columns a character. */
static void
test_wrap_cjk(void **state)
{
	/* 中文字符测试 */
	static const char cjk[] = "\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97\xe7\xac\xa6\xe6\xb5\x8b"
				  "\xe8\xaf\x95";
	size_t n;

	check_wrap(cjk, 4,
	    (const char *const[]){ "\xe4\xb8\xad\xe6\x96\x87", "\xe5\xad\x97\xe7\xac\xa6",
		"\xe6\xb5\x8b\xe8\xaf\x95", NULL });
	/* an odd width leaves the last column empty rather than split a character */
	check_wrap(cjk, 5,
	    (const char *const[]){ "\xe4\xb8\xad\xe6\x96\x87", "\xe5\xad\x97\xe7\xac\xa6",
		"\xe6\xb5\x8b\xe8\xaf\x95", NULL });
	check_wrap_invariants(cjk, 3, &n);
	assert_int_equal(n, 6);
	check_wrap_invariants(cjk, 7, &n);
	assert_int_equal(n, 2);
}

static void
test_wrap_lf(void **state)
{
	check_wrap("a\nb", 80, (const char *const[]){ "a", "b", NULL });
	check_wrap("a\n\nb", 80, (const char *const[]){ "a", "", "b", NULL });
	check_wrap("\nx", 80, (const char *const[]){ "", "x", NULL });
	check_wrap("ab cd\nef", 3, (const char *const[]){ "ab", "cd", "ef", NULL });
	/* a line that exactly fills the width, then an LF: no empty line between */
	check_wrap("abcd\nef", 4, (const char *const[]){ "abcd", "ef", NULL });
}

/* Leading blanks after an LF are indentation and stay in the span. */
static void
test_wrap_indent(void **state)
{
	check_wrap("list:\n  - item one\n  - item two", 40,
	    (const char *const[]){ "list:", "  - item one", "  - item two", NULL });
	check_wrap("  indented text here", 11,
	    (const char *const[]){ "  indented", "text here", NULL });
	check_wrap("x\n    four", 20, (const char *const[]){ "x", "    four", NULL });
}

/*
 * Indentation followed by a word longer than the rest of the line: the word
 * is broken between characters; the blanks alone never make an empty line.
 */
static void
test_wrap_indent_long_word(void **state)
{
	check_wrap("    abcdefghij", 6, (const char *const[]){ "    ab", "cdefgh", "ij", NULL });
	check_wrap("x\n  abcdefgh", 4, (const char *const[]){ "x", "  ab", "cdef", "gh", NULL });
}

static void
test_wrap_empty(void **state)
{
	struct text_span *spans = NULL;
	size_t n;

	n = text_wrap("", 0, 10, &spans);
	assert_int_equal(n, 1);
	assert_non_null(spans);
	assert_int_equal(spans[0].off, 0);
	assert_int_equal(spans[0].len, 0);
	free(spans);
}

/* Longer mixed text: every line fits, whole characters, no LF inside. */
static void
test_wrap_invariants(void **state)
{
	static const char text[] =
	    "Thank you for using Qwen Chat! \xe6\x84\x9f\xe8\xb0\xa2\xe6\x82\xa8\xe4\xbd\xbf"
	    "\xe7\x94\xa8\xe9\x80\x9a\xe4\xb9\x89\xe5\x8d\x83\xe9\x97\xae\xe3\x80\x82 Before "
	    "you access our services, please read these terms of service.\n"
	    "  - (a) caf\xc3\xa9 na\xc3\xafve r\xc3\xa9sum\xc3\xa9 \xf0\x9f\x98\x80\xf0\x9f\x98\x80 "
	    "supercalifragilisticexpialidocious\n\nend";
	int width;
	size_t n;

	for (width = 2; width <= 40; width++) {
		check_wrap_invariants(text, width, &n);
		assert_true(n >= 4);
	}
}

/* Width of the UTF-8 string and the bytes of its first cluster. */
static void
check_cluster(const char *s, size_t bytes, int width)
{
	unsigned int cp;
	int w;

	assert_int_equal(text_cluster(s, strlen(s), &w, &cp), bytes);
	assert_int_equal(w, width);
}

static void
test_clusters(void **state)
{
	/* ZWJ sequences are one cluster, as wide as their first emoji */
	check_cluster("👩‍💻x", strlen("👩‍💻"), 2);
	check_cluster("👨‍👩‍👧‍👦", strlen("👨‍👩‍👧‍👦"), 2);
	check_cluster("🏳️‍🌈", strlen("🏳️‍🌈"), 1);
	/* a flag: two regional indicators, 2 columns; a third starts a new one */
	check_cluster("🇨🇳🇯", 8, 2);
	/* Thai vowel and tone marks, combining accents, jamo, VS16 go with their base */
	check_cluster("ที่นี่", strlen("ที่"), 1);
	check_cluster("e\xcc\x81x", 3, 1);
	check_cluster("\xe1\x84\x80\xe1\x85\xa1\xe1\x86\xa8", 9, 2);
	check_cluster("❤️", strlen("❤️"), 1);
	/* an emoji modifier is a cell of its own (tmux 3.3, ncurses) */
	check_cluster("👍🏽", 8, 4);
	/* controls, LF and invalid bytes are clusters of one byte */
	check_cluster("\n\xcc\x81", 1, 0);
	check_cluster("\xff\xcc\x81", 1, 1);
	check_cluster("中文", 3, 2);
	assert_int_equal(text_width("👩‍💻|👨‍👩‍👧‍👦|🇨🇳",
			     strlen("👩‍💻|👨‍👩‍👧‍👦|🇨🇳")),
	    8);
	assert_int_equal(text_width("ที่นี่", strlen("ที่นี่")), 2);
}

static void
test_widths_no_locale(void **state)
{
	/* widths come from utf8proc: the C locale gives the same */
	setlocale(LC_CTYPE, "C");
	assert_int_equal(text_width("中文１", strlen("中文１")), 6);
	assert_int_equal(text_width("e\xcc\x81", 3), 1);
	assert_int_equal(text_cp_width(0x200d), 0);
	setlocale(LC_CTYPE, "C.UTF-8");
}

static void
test_wrap_clusters(void **state)
{
	const char fam[] = "👨‍👩‍👧‍👦";
	char s[256];
	struct text_span *sp;
	size_t n, i;

	/* five families in 10 columns, then one: never split inside a sequence */
	snprintf(s, sizeof s, "%s%s%s%s%s%s", fam, fam, fam, fam, fam, fam);
	n = text_wrap(s, strlen(s), 10, &sp);
	assert_int_equal(n, 2);
	assert_int_equal(sp[0].len, 5 * strlen(fam));
	assert_int_equal(sp[1].len, strlen(fam));
	free(sp);
	/* a flag at the edge moves whole; a combining mark stays on its base */
	snprintf(s, sizeof s, "aaaaaaaaa🇨🇳");
	n = text_wrap(s, strlen(s), 10, &sp);
	assert_int_equal(n, 2);
	assert_int_equal(sp[1].len, 8);
	free(sp);
	n = text_wrap("aaaaaaaaae\xcc\x81x", 13, 10, &sp);
	assert_int_equal(n, 2);
	assert_int_equal(sp[0].len, 12);
	free(sp);
	/* CJK wraps between characters, never before "，" */
	snprintf(s, sizeof s, "我们的中文，句子");
	n = text_wrap(s, strlen(s), 10, &sp);
	for (i = 0; i < n; i++)
		assert_true(strncmp(s + sp[i].off, "，", 3) != 0);
	assert_int_equal(n, 2);
	assert_int_equal(sp[0].len, 12); /* 我们的中: "文，" go together */
	free(sp);
}

static void
test_words_digits_blanks(void **state)
{
	size_t cjk, n;

	assert_int_equal(text_words("one two  three", 14, &cjk), 3);
	assert_int_equal(cjk, 0);
	/* Chinese counts characters, not its punctuation */
	assert_int_equal(text_words("我们先想一想，再回答。", strlen("我们先想一想，再回答。"),
			     &cjk),
	    9);
	assert_int_equal(cjk, 9);
	assert_int_equal(text_digit("１", 3, &n), 1);
	assert_int_equal(n, 3);
	assert_int_equal(text_digit("3", 1, &n), 3);
	assert_int_equal(text_digit("a", 1, &n), -1);
	assert_true(text_blank_only("\xe3\x80\x80\xe3\x80\x80", 6));
	assert_true(text_blank_only(" \t\n", 3));
	assert_false(text_blank_only("\xe3\x80\x80x", 4));
	assert_true(text_fullwidth_slash("\xef\xbc\x8fhelp"));
	assert_false(text_fullwidth_slash("\xef\xbc\x8f"));
	assert_false(text_fullwidth_slash("/help"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seq_ascii),
		cmocka_unit_test(test_seq_multibyte),
		cmocka_unit_test(test_seq_invalid),
		cmocka_unit_test(test_seq_truncated),
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_valid_bad_offset),
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_cp_width),
		cmocka_unit_test(test_prefix_blanks),
		cmocka_unit_test(test_wrap_blanks),
		cmocka_unit_test(test_wrap_long_word),
		cmocka_unit_test(test_wrap_long_word_utf8),
		cmocka_unit_test(test_wrap_cjk),
		cmocka_unit_test(test_wrap_lf),
		cmocka_unit_test(test_wrap_indent),
		cmocka_unit_test(test_wrap_indent_long_word),
		cmocka_unit_test(test_wrap_empty),
		cmocka_unit_test(test_wrap_invariants),
		cmocka_unit_test(test_clusters),
		cmocka_unit_test(test_widths_no_locale),
		cmocka_unit_test(test_wrap_clusters),
		cmocka_unit_test(test_words_digits_blanks),
	};

	if (setlocale(LC_ALL, "C.UTF-8") == NULL) {
		fprintf(stderr, "the C.UTF-8 locale is not available\n");
		return 99;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
