/* test-sanitize.c: unit tests for the streaming sanitiser and UTF-8 repair (text.c). */
#include "common.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "buf.h"
#include "text.h"

/*
 * Control characters as octal escapes: an octal escape ends after three
 * digits, so ESC "7" cannot be misread the way "\x1b7" or "\x07b" would.
 */
#define ESC "\033"
#define BEL "\007"
#define ST ESC "\\"
#define FFFD "\xef\xbf\xbd"
#define U_CSI "\xc2\x9b" /* U+009B */
#define U_ST "\xc2\x9c"	 /* U+009C */
#define U_OSC "\xc2\x9d" /* U+009D */

/* Input, TEXT_DROP result and TEXT_VISIBLE result, as literals that may hold NUL bytes. */
#define CHECK(in, drop, vis) \
	check((in), sizeof(in) - 1, (drop), sizeof(drop) - 1, (vis), sizeof(vis) - 1)

/* Inputs up to this long are also fed in every three-piece split. */
#define SPLIT3_MAX 48

/* s[0..len) with non-printable bytes as \xNN, cut after 300 bytes (caller frees). */
static char *
escape(const char *s, size_t len)
{
	struct buf b;
	size_t i;

	buf_init(&b, 0);
	for (i = 0; i < len && i < 300; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			buf_addc(&b, (char)c);
		else
			buf_addf(&b, "\\x%02x", c);
	}
	if (i < len)
		buf_addf(&b, "... (%zu bytes)", len);
	return buf_detach(&b, NULL);
}

/* Feed in[0..len) in pieces ending at cuts[0..ncuts) (ascending) and at len, then finish. */
static void
run(enum text_mode mode, const char *in, size_t len, const size_t *cuts, size_t ncuts,
    struct buf *out)
{
	struct text_sanitizer s;
	size_t prev = 0, end, i;

	buf_reset(out);
	text_sanitizer_init(&s, mode);
	for (i = 0; i <= ncuts; i++) {
		end = i < ncuts ? cuts[i] : len;
		text_sanitize(&s, in + prev, end - prev, out);
		prev = end;
	}
	text_sanitize_finish(&s, out);
}

/* Feed in[0..len) one byte at a time. */
static void
run_bytes(enum text_mode mode, const char *in, size_t len, struct buf *out)
{
	struct text_sanitizer s;
	size_t i;

	buf_reset(out);
	text_sanitizer_init(&s, mode);
	for (i = 0; i < len; i++)
		text_sanitize(&s, in + i, 1, out);
	text_sanitize_finish(&s, out);
}

static const char *
mode_name(enum text_mode mode)
{
	return mode == TEXT_DROP ? "TEXT_DROP" : "TEXT_VISIBLE";
}

/* Fail unless got equals want; how says how the input was fed. */
static void
same(enum text_mode mode, const char *how, const char *in, size_t len, const struct buf *got,
    const char *want, size_t wantlen)
{
	if (got->len == wantlen && memcmp(got->data, want, wantlen) == 0)
		return;
	print_error("%s, input fed %s\n  input: %s\n   want: %s\n    got: %s\n", mode_name(mode),
	    how, escape(in, len), escape(want, wantlen), escape(got->data, got->len));
	fail();
}

/*
 * Fail unless out is safe for a terminal: valid UTF-8 without C0 controls
 * other than LF and TAB, DEL, C1 controls, bidi controls or tag characters.
 */
static void
assert_terminal_safe(const char *out, size_t len)
{
	size_t i = 0, n;
	unsigned int cp;

	while (i < len) {
		n = text_utf8_seq(out + i, len - i, &cp);
		if (n == 0 || (cp < 0x20 && cp != '\n' && cp != '\t') ||
		    (cp >= 0x7f && cp <= 0x9f) || cp == 0x061c || cp == 0x200e || cp == 0x200f ||
		    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
		    (cp >= 0xe0000 && cp <= 0xe007f)) {
			print_error("unsafe output at offset %zu: %s\n", i, escape(out, len));
			fail();
		}
		i += n;
	}
}

/* Check one mode: whole, split in two everywhere, in three (short inputs), byte by byte. */
static void
check_mode(enum text_mode mode, const char *in, size_t len, const char *want, size_t wantlen)
{
	struct buf out;
	size_t cuts[2];
	char how[64];

	buf_init(&out, 0);
	run(mode, in, len, NULL, 0, &out);
	same(mode, "whole", in, len, &out, want, wantlen);
	assert_terminal_safe(out.data, out.len);
	for (cuts[0] = 0; cuts[0] <= len; cuts[0]++) {
		run(mode, in, len, cuts, 1, &out);
		snprintf(how, sizeof how, "split at %zu", cuts[0]);
		same(mode, how, in, len, &out, want, wantlen);
	}
	for (cuts[0] = 1; len <= SPLIT3_MAX && cuts[0] < len; cuts[0]++) {
		for (cuts[1] = cuts[0]; cuts[1] < len; cuts[1]++) {
			run(mode, in, len, cuts, 2, &out);
			snprintf(how, sizeof how, "split at %zu and %zu", cuts[0], cuts[1]);
			same(mode, how, in, len, &out, want, wantlen);
		}
	}
	run_bytes(mode, in, len, &out);
	same(mode, "byte by byte", in, len, &out, want, wantlen);
	buf_release(&out);
}

static void
check(const char *in, size_t len, const char *drop, size_t droplen, const char *vis, size_t vislen)
{
	check_mode(TEXT_DROP, in, len, drop, droplen);
	check_mode(TEXT_VISIBLE, in, len, vis, vislen);
}

/* Text that must pass unchanged in both modes. */
static void
check_unchanged(const char *in)
{
	check(in, strlen(in), in, strlen(in), in, strlen(in));
}

static void
test_plain_text(void **state)
{
	check_unchanged("");
	check_unchanged("Hello, world!\n\tindented ~ `code` {braces} [brackets] \\ back\n");
	check_unchanged("ends without newline");
}

static void
test_cjk_unchanged(void **state)
{
	check_unchanged("日本語のテキスト、中文，한국어\n");
	/* 东 is E4 B8 9C: a 0x9c continuation byte is not a C1 control */
	check_unchanged("东京 丝绸 Ĝ ś");
}

static void
test_emoji_unchanged(void **state)
{
	check_unchanged("👍 👍🏽 👩🏿‍🚀");
	check_unchanged("family: 👨‍👩‍👧‍👦, heart: ❤️, flag: 🇫🇷");
	check_unchanged("e\xcc\x81 = é, Z̤͔ͧ̑, a\xe2\x80\x8d"
			"b");					   /* combining marks, a ZWJ */
	check_unchanged("\xf4\x8f\xbf\xbf \xef\xbf\xbd \xc2\xa0"); /* U+10FFFF, U+FFFD, NBSP */
}

static void
test_osc_title(void **state)
{
	CHECK("a" ESC "]0;pwned" BEL "b", "ab", "a^[]0;pwned^Gb");
	CHECK("a" ESC "]2;pwned" ST "b", "ab", "a^[]2;pwned^[\\b");
	CHECK(ESC "]0;东京" BEL "ok", "ok", "^[]0;东京^Gok");
	CHECK(ESC "]0;t" U_ST "ok", "ok", "^[]0;t<U+009C>ok");
}

static void
test_osc52_clipboard(void **state)
{
	CHECK("x" ESC "]52;c;Y3VybCBldmlsLnNoIHwgc2g=" BEL "y", "xy",
	    "x^[]52;c;Y3VybCBldmlsLnNoIHwgc2g=^Gy");
	CHECK("x" ESC "]52;p;?" ST "y", "xy", "x^[]52;p;?^[\\y");
}

static void
test_osc8_hyperlink(void **state)
{
	CHECK("see " ESC "]8;;https://evil.example/" ST "the docs" ESC "]8;;" ST ".",
	    "see the docs.", "see ^[]8;;https://evil.example/^[\\the docs^[]8;;^[\\.");
	CHECK(ESC "]8;id=1;https://x.example/" BEL "link" ESC "]8;;" BEL, "link",
	    "^[]8;id=1;https://x.example/^Glink^[]8;;^G");
}

static void
test_csi_clear(void **state)
{
	CHECK("before" ESC "[2Jafter" ESC "[H" ESC "[3J", "beforeafter",
	    "before^[[2Jafter^[[H^[[3J");
}

static void
test_sgr_colours(void **state)
{
	CHECK(ESC "[1;31mred" ESC "[0m " ESC "[38;2;255;0;0mrgb" ESC "[m", "red rgb",
	    "^[[1;31mred^[[0m ^[[38;2;255;0;0mrgb^[[m");
	CHECK(ESC "[8mhidden" ESC "[28m", "hidden", "^[[8mhidden^[[28m");
}

static void
test_cursor_movement(void **state)
{
	CHECK("line" ESC "[1A" ESC "[2K" ESC "[10;20Hx" ESC "7" ESC "8" ESC "[?25l" ESC "[6n",
	    "linex", "line^[[1A^[[2K^[[10;20Hx^[7^[8^[[?25l^[[6n");
	CHECK("a" ESC "[ qb", "ab", "a^[[ qb"); /* an intermediate byte */
}

static void
test_cr_overwrite(void **state)
{
	CHECK("safe\rEVIL", "safeEVIL", "safe^MEVIL");
	CHECK("echo hi\r" ESC "[2Krm -rf ~", "echo hirm -rf ~", "echo hi^M^[[2Krm -rf ~");
}

static void
test_backspace(void **state)
{
	CHECK("rm -rf ~\b\b\b\b\b\b\b\bls", "rm -rf ~ls", "rm -rf ~^H^H^H^H^H^H^H^Hls");
}

static void
test_c0_and_del(void **state)
{
	CHECK("a\0b\001c\a\v\f\016\017\030\032\034\037\177d", "abcd",
	    "a^@b^Ac^G^K^L^N^O^X^Z^\\^_^?d");
	CHECK("tab\tnewline\n", "tab\tnewline\n", "tab\tnewline\n");
}

static void
test_raw_c1_bytes(void **state)
{
	char in[3] = { 'a', 0, 'b' }, want[5] = { 'a', '\xef', '\xbf', '\xbd', 'b' };
	int c;

	/* raw 0x9b and 0x9d are invalid UTF-8: replaced, and they start nothing */
	CHECK("a\x9b"
	      "2Jb",
	    "a" FFFD "2Jb", "a" FFFD "2Jb");
	CHECK("a\x9d"
	      "0;t" BEL "b",
	    "a" FFFD "0;tb", "a" FFFD "0;t^Gb");
	for (c = 0x80; c <= 0xff; c++) {
		in[1] = (char)c;
		check(in, sizeof in, want, sizeof want, want, sizeof want);
	}
}

static void
test_utf8_c1(void **state)
{
	char in[4] = { 'a', '\xc2', 0, 'b' }, vis[11];
	int c;

	CHECK("a" U_CSI "2Jb", "ab", "a<U+009B>2Jb");
	CHECK("a" U_CSI "31mb", "ab", "a<U+009B>31mb");
	CHECK("a" U_OSC "0;t" BEL "b", "ab", "a<U+009D>0;t^Gb");
	CHECK("a" U_OSC "52;c;eA==" U_ST "b", "ab", "a<U+009D>52;c;eA==<U+009C>b");
	CHECK("a\xc2\x90"
	      "q" ST "b",
	    "ab", "a<U+0090>q^[\\b"); /* DCS */
	CHECK("a\xc2\x9f"
	      "q" U_ST "b",
	    "ab", "a<U+009F>q<U+009C>b"); /* APC */
	for (c = 0x80; c <= 0x9f; c++) {
		if (c == 0x90 || c == 0x98 || c == 0x9b || c == 0x9d || c == 0x9e || c == 0x9f)
			continue; /* introducers, above */
		in[2] = (char)c;
		snprintf(vis, sizeof vis, "a<U+%04X>b", c);
		check(in, sizeof in, "ab", 2, vis, 10);
	}
}

static void
test_bidi(void **state)
{
	CHECK("abc\xe2\x80\xae"
	      "fed",
	    "abcfed", "abc<U+202E>fed");
	CHECK("x\xe2\x81\xa6"
	      "y\xe2\x81\xa7"
	      "z\xe2\x81\xa8"
	      "w\xe2\x81\xa9"
	      "v",
	    "xyzwv", "x<U+2066>y<U+2067>z<U+2068>w<U+2069>v");
	CHECK("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad"
	      "a",
	    "a", "<U+202A><U+202B><U+202C><U+202D>a");
	CHECK("\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c"
	      "a",
	    "a", "<U+200E><U+200F><U+061C>a");
	check_unchanged("\xe2\x80\xa9\xe2\x81\xa5\xe2\x81\xaa"); /* U+2029, U+2065, U+206A */
}

static void
test_tags(void **state)
{
	CHECK("hi\xf3\xa0\x81\x81!", "hi!", "hi<U+E0041>!");
	CHECK("\xf3\xa0\x80\x80\xf3\xa0\x81\xbf"
	      "a",
	    "a", "<U+E0000><U+E007F>a");
	check_unchanged("\xf3\xa0\x82\x80 \xf3\xa0\x84\x80"); /* U+E0080, U+E0100 */
}

static void
test_crlf(void **state)
{
	CHECK("a\r\nb\r\n", "a\nb\n", "a\nb\n");
	CHECK("\r\n\r\n", "\n\n", "\n\n");
	CHECK("a\r\r\nb", "a\nb", "a^M\nb");
	CHECK("a\r", "a", "a^M");
	CHECK("\r", "", "^M");
	CHECK("a\r\xe2\x80\xae"
	      "b\r",
	    "ab", "a^M<U+202E>b^M");
}

static void
test_two_byte_escapes(void **state)
{
	CHECK("a" ESC "cb", "ab", "a^[cb"); /* RIS */
	CHECK("a" ESC "(0b", "ab", "a^[(0b");
	CHECK("a" ESC "#8b", "ab", "a^[#8b");
	CHECK("a" ESC ESC "[31mb", "ab", "a^[^[[31mb");
	CHECK("a" ESC "\\b", "ab", "a^[\\b"); /* a stray ST */
	CHECK("a" ESC, "a", "a^[");
	CHECK("a" ESC "[1;2", "a", "a^[[1;2");
}

static void
test_strings(void **state)
{
	CHECK("a" ESC "P1$tx" ST "b", "ab", "a^[P1$tx^[\\b");
	CHECK("a" ESC "_Gf=100;AAAA" ST "b", "ab", "a^[_Gf=100;AAAA^[\\b");
	CHECK("a" ESC "^pm" ST "b", "ab", "a^[^pm^[\\b");
	CHECK("a" ESC "Xsos" ST "b", "ab", "a^[Xsos^[\\b");
	CHECK("a" ESC "Px" BEL "y" ST "b", "ab", "a^[Px^Gy^[\\b"); /* BEL ends only OSC */
	CHECK("a" ESC "]0;x\r\ny" BEL "b", "ab", "a^[]0;x\ny^Gb");
	CHECK("a" ESC "]0;" ESC "]0;t" BEL "b", "ab", "a^[]0;^[]0;t^Gb");
}

static void
test_sequence_ends(void **state)
{
	/* an ESC inside a string cuts it short and starts a new sequence */
	CHECK("a" ESC "]0;t" ESC "[31mb", "ab", "a^[]0;t^[[31mb");
	/* CAN and SUB cancel a sequence */
	CHECK("a" ESC "]0;t\030b", "ab", "a^[]0;t^Xb");
	CHECK("a" ESC "[3\032b", "ab", "a^[[3^Zb");
	/* a byte that cannot continue CSI or ESC ends it and is read as text */
	CHECK("a" ESC "[31\nb", "a\nb", "a^[[31\nb");
	CHECK("a" ESC "[é", "aé", "a^[[é");
	CHECK("a" ESC "é", "aé", "a^[é");
	CHECK("a" ESC "\r\nb", "a\nb", "a^[\nb");
	CHECK("a" ESC U_CSI "2Jb", "ab", "a^[<U+009B>2Jb");
	/* 0xc2 not followed by 0x9c inside a string */
	CHECK("a" ESC "]0;\xc2" BEL "b", "ab", "a^[]0;" FFFD "^Gb");
	CHECK("a" ESC "]0;\xc2\xa9" BEL "b", "ab", "a^[]0;©^Gb");
}

static void
test_invalid_utf8(void **state)
{
	CHECK("a\xff"
	      "b",
	    "a" FFFD "b", "a" FFFD "b");
	CHECK("\xe2\x82"
	      "x",
	    FFFD "x", FFFD "x");
	CHECK("\xf0\x9f\x98!", FFFD "!", FFFD "!");
	CHECK("\xc0\xaf", FFFD FFFD, FFFD FFFD);	       /* overlong */
	CHECK("\xe0\x80\xaf", FFFD FFFD FFFD, FFFD FFFD FFFD); /* overlong */
	CHECK("\xed\xa0\x80", FFFD FFFD FFFD, FFFD FFFD FFFD); /* surrogate */
	CHECK("\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD, FFFD FFFD FFFD FFFD);
	CHECK("\xe2\xe2\x80\xae", FFFD, FFFD "<U+202E>");
	CHECK("\xc2" U_CSI "1m", FFFD, FFFD "<U+009B>1m");
}

static void
test_unfinished_utf8(void **state)
{
	CHECK("ok\xe2\x82", "ok" FFFD, "ok" FFFD);
	CHECK("ok\xf0\x9f\x98", "ok" FFFD, "ok" FFFD);
	CHECK("\xc2", FFFD, FFFD);
}

/* Sanitise in[0..len) whole and byte by byte; both must equal want[0..wantlen). */
static void
check_big(enum text_mode mode, const char *in, size_t len, const char *want, size_t wantlen)
{
	struct buf out;
	size_t cuts[1];

	buf_init(&out, 0);
	run(mode, in, len, NULL, 0, &out);
	same(mode, "whole", in, len, &out, want, wantlen);
	run_bytes(mode, in, len, &out);
	same(mode, "byte by byte", in, len, &out, want, wantlen);
	for (cuts[0] = 0; cuts[0] <= len; cuts[0] += 7) {
		run(mode, in, len, cuts, 1, &out);
		same(mode, "split", in, len, &out, want, wantlen);
	}
	buf_release(&out);
}

/* prefix, n copies of c, suffix (caller frees); *len gets the length. */
static char *
make(const char *prefix, char c, size_t n, const char *suffix, size_t *len)
{
	struct buf b;

	buf_init(&b, 0);
	buf_adds(&b, prefix);
	while (n-- > 0)
		buf_addc(&b, c);
	buf_adds(&b, suffix);
	return buf_detach(&b, len);
}

static void
test_runaway_cap(void **state)
{
	char *in, *want;
	size_t len, wantlen;

	/* an unterminated OSC swallows 4096 bytes, ESC ] included; the rest is text */
	in = make(ESC "]", 'A', 10000, "", &len);
	want = make("", 'A', 10000 - 4094, "", &wantlen);
	check_big(TEXT_DROP, in, len, want, wantlen);
	free(want);
	want = make("^[]", 'A', 10000, "", &wantlen);
	check_big(TEXT_VISIBLE, in, len, want, wantlen);
	free(want);
	free(in);

	/* a sequence of exactly 4096 bytes is still dropped whole */
	in = make(ESC "]0;", 'A', 4090, ST "x", &len);
	check_big(TEXT_DROP, in, len, "x", 1);
	free(in);
	/* one more byte and the terminator's second byte arrives as text */
	in = make(ESC "]0;", 'A', 4091, ST "x", &len);
	check_big(TEXT_DROP, in, len, "\\x", 2);
	free(in);

	in = make(ESC "[", '1', 5000, "mX", &len);
	want = make("", '1', 5000 - 4094, "mX", &wantlen);
	check_big(TEXT_DROP, in, len, want, wantlen);
	free(want);
	free(in);

	/* U+009D counts its two bytes */
	in = make(U_OSC, 'A', 5000, "", &len);
	want = make("", 'A', 5000 - 4094, "", &wantlen);
	check_big(TEXT_DROP, in, len, want, wantlen);
	free(want);
	free(in);

	/* after giving up, sequences are recognised again */
	in = make(ESC "P", 'A', 4094, "B" ESC "[2JC", &len);
	check_big(TEXT_DROP, in, len, "BC", 2);
	free(in);
}

static void
test_finish_resets(void **state)
{
	struct text_sanitizer s;
	struct buf out;

	buf_init(&out, 0);
	text_sanitizer_init(&s, TEXT_DROP);
	text_sanitize(&s, ESC "]0;title", 9, &out);
	text_sanitize_finish(&s, &out);
	assert_int_equal(out.len, 0);
	text_sanitize(&s, "abc\xe2", 4, &out);
	text_sanitize_finish(&s, &out);
	assert_string_equal(out.data, "abc" FFFD);
	text_sanitize(&s, "\r", 1, &out);
	text_sanitize_finish(&s, &out);
	text_sanitize(&s, "\n", 1, &out);
	text_sanitize_finish(&s, &out);
	assert_string_equal(out.data, "abc" FFFD "\n");
	buf_release(&out);
}

/* A deterministic mix of text and attacks, about size bytes (caller frees). */
static char *
make_mix(size_t size, size_t *len)
{
	static const char *const parts[] = { "plain words ", "日本語 ", "👩🏿‍🚀 ", "\r\n",
		"\r", ESC "]0;t" BEL, ESC "[31m", U_CSI "2J", "\xe2\x80\xae", "\xff", "\xe2\x82",
		ESC "]8;;u" ST, "\b", "\xf3\xa0\x81\x81", ESC, "\n" };
	struct buf b;
	uint32_t x = 12345;

	buf_init(&b, 0);
	while (b.len < size) {
		x = x * 1103515245 + 12345;
		buf_adds(&b, parts[(x >> 16) % nitems(parts)]);
	}
	return buf_detach(&b, len);
}

static void
test_large_stream(void **state)
{
	struct text_sanitizer s;
	struct buf whole, pieces;
	char *in;
	size_t len, off, n;
	uint32_t x = 99;
	enum text_mode mode;

	in = make_mix((size_t)4 << 20, &len);
	for (mode = TEXT_DROP; mode <= TEXT_VISIBLE; mode++) {
		buf_init(&whole, 0);
		buf_init(&pieces, 0);
		run(mode, in, len, NULL, 0, &whole);
		assert_terminal_safe(whole.data, whole.len);
		text_sanitizer_init(&s, mode);
		for (off = 0; off < len; off += n) {
			x = x * 1103515245 + 12345;
			n = (x >> 16) % 200;
			if (n > len - off)
				n = len - off;
			text_sanitize(&s, in + off, n, &pieces);
		}
		text_sanitize_finish(&s, &pieces);
		assert_int_equal(whole.len, pieces.len);
		assert_memory_equal(whole.data, pieces.data, whole.len);
		buf_release(&whole);
		buf_release(&pieces);
	}
	free(in);
}

/* Repair s[0..len); the result must be want[0..wantlen) and the count bad. */
static void
check_repair(const char *s, size_t len, const char *want, size_t wantlen, size_t bad)
{
	struct buf out;
	size_t n;

	buf_init(&out, 0);
	assert_int_equal(text_utf8_repair(s, len, &out, &n), 0);
	assert_int_equal(n, bad);
	assert_int_equal(out.len, wantlen);
	assert_memory_equal(out.data, want, wantlen);
	assert_true(text_utf8_valid(out.data, out.len, NULL));
	buf_release(&out);
}

#define REPAIR(s, want, bad) check_repair((s), sizeof(s) - 1, (want), sizeof(want) - 1, (bad))

static void
test_utf8_repair(void **state)
{
	REPAIR("", "", 0);
	REPAIR("plain 日本語 👍🏽", "plain 日本語 👍🏽", 0);
	REPAIR("a\xff"
	       "b",
	    "a" FFFD "b", 1);
	REPAIR("\x9b"
	       "2J",
	    FFFD "2J", 1);
	REPAIR("\xed\xa0\x80", FFFD FFFD FFFD, 3);
	REPAIR("\xf0\x9f\x98!", FFFD "!", 1);
	REPAIR("ab\xe2\x82", "ab" FFFD, 1);
	/* repair only repairs: controls and C1 in UTF-8 stay */
	REPAIR(ESC "[2J" U_CSI "\r", ESC "[2J" U_CSI "\r", 0);
	REPAIR("a\0b", "a\0b", 0);
	/* ASCII runs past the eight-byte steps, a bad byte after them */
	REPAIR("0123456789abcdefg\xff", "0123456789abcdefg" FFFD, 1);
}

/* A capped buffer stops the repair on a whole character, and says so. */
static void
test_utf8_repair_cap(void **state)
{
	struct buf out;
	size_t bad = 0;

	buf_init(&out, 4);
	assert_int_equal(text_utf8_repair("ab\xff"
					  "cd",
			     5, &out, &bad),
	    -1);
	assert_int_equal(out.len, 2);
	assert_memory_equal(out.data, "ab", 2);
	buf_release(&out);
	buf_init(&out, 5);
	assert_int_equal(text_utf8_repair("ab\xff", 3, &out, NULL), 0);
	assert_int_equal(out.len, 5);
	buf_release(&out);
}

/* The one list: what never reaches a terminal, and what names and errors hide too. */
static void
test_cp_lists(void **state)
{
	static const unsigned int unsafe[] = { 0x00, 0x1b, 0x7f, 0x85, 0x9b, 0x061c, 0x200e, 0x200f,
		0x202a, 0x202e, 0x2066, 0x2069, 0xe0001, 0xe007f };
	static const unsigned int hidden_only[] = { 0x200b, 0x200c, 0x200d, 0x2028, 0x2029,
		0xfeff };
	static const unsigned int text[] = { 0x20, 'a', 0xa0, 0xe9, 0x200a, 0x2010, 0x2027, 0x202f,
		0x2065, 0x206a, 0xfffd, 0x1f600, 0xe0080 };
	size_t i;

	for (i = 0; i < nitems(unsafe); i++) {
		assert_true(text_cp_unsafe(unsafe[i]));
		assert_true(text_cp_hidden(unsafe[i]));
	}
	for (i = 0; i < nitems(hidden_only); i++) {
		assert_false(text_cp_unsafe(hidden_only[i]));
		assert_true(text_cp_hidden(hidden_only[i]));
	}
	for (i = 0; i < nitems(text); i++) {
		assert_false(text_cp_unsafe(text[i]));
		assert_false(text_cp_hidden(text[i]));
	}
}

/* A whole string at once, as cells and rows want it. */
static void
test_clean_str(void **state)
{
	size_t len;
	char *s;

	s = text_clean_str(ESC "]0;t" BEL "a\tb\r\nc", 12, TEXT_DROP, 0, &len);
	assert_string_equal(s, "a\tb\nc");
	assert_int_equal(len, 5);
	free(s);
	s = text_clean_str("a\tb\nc" ESC, 6, TEXT_VISIBLE, TEXT_CLEAN_ONELINE, NULL);
	assert_string_equal(s, "a b c^[");
	free(s);
	s = text_clean_str("a\tb\nc", 5, TEXT_DROP, TEXT_CLEAN_TABS, NULL);
	assert_string_equal(s, "a b\nc");
	free(s);
	s = text_clean_str(NULL, 0, TEXT_VISIBLE, 0, &len);
	assert_string_equal(s, "");
	assert_int_equal(len, 0);
	free(s);
}

/*
 * The printable ASCII run is read eight bytes at a time (text.c:
 * text_printable8): every byte value at every position of a run, across the
 * word boundaries, passes or stops the run exactly as byte by byte.
 */
static void
test_ascii_words(void **state)
{
	struct text_sanitizer san;
	struct buf out;
	char in[24];
	size_t pos;
	int b;
	bool safe;

	(void)state;
	buf_init(&out, 0);
	for (b = 0; b < 256; b++)
		for (pos = 0; pos < sizeof in; pos++) {
			memset(in, 'a', sizeof in);
			in[pos] = (char)b;
			safe = (b >= 0x20 && b < 0x7f) || b == '\n' || b == '\t';
			assert_int_equal(text_is_safe(in, sizeof in), safe);
			buf_reset(&out);
			text_sanitizer_init(&san, TEXT_DROP);
			text_sanitize(&san, in, sizeof in, &out);
			text_sanitize_finish(&san, &out);
			assert_int_equal(out.len == sizeof in &&
				memcmp(out.data, in, sizeof in) == 0,
			    safe);
		}
	buf_release(&out);
}

/*
 * text_utf8_repair reads ASCII sixteen or eight bytes at a time: a stray
 * byte at every position of a run, across the word boundaries, is replaced
 * there and nowhere else.
 */
static void
test_repair_words(void **state)
{
	struct buf out, want;
	char in[40];
	size_t pos, bad;
	int b;

	(void)state;
	buf_init(&out, 0);
	buf_init(&want, 0);
	for (b = 0x80; b < 256; b++)
		for (pos = 0; pos < sizeof in; pos++) {
			memset(in, 'a', sizeof in);
			in[pos] = (char)b;
			buf_reset(&out);
			buf_reset(&want);
			assert_int_equal(text_utf8_repair(in, sizeof in, &out, &bad), 0);
			assert_int_equal(bad, 1);
			buf_add(&want, in, pos);
			buf_add(&want, "\xef\xbf\xbd", 3);
			buf_add(&want, in + pos + 1, sizeof in - pos - 1);
			assert_int_equal(out.len, want.len);
			assert_memory_equal(out.data, want.data, want.len);
		}
	buf_release(&out);
	buf_release(&want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_text),
		cmocka_unit_test(test_cjk_unchanged),
		cmocka_unit_test(test_emoji_unchanged),
		cmocka_unit_test(test_osc_title),
		cmocka_unit_test(test_osc52_clipboard),
		cmocka_unit_test(test_osc8_hyperlink),
		cmocka_unit_test(test_csi_clear),
		cmocka_unit_test(test_sgr_colours),
		cmocka_unit_test(test_cursor_movement),
		cmocka_unit_test(test_cr_overwrite),
		cmocka_unit_test(test_backspace),
		cmocka_unit_test(test_c0_and_del),
		cmocka_unit_test(test_raw_c1_bytes),
		cmocka_unit_test(test_utf8_c1),
		cmocka_unit_test(test_bidi),
		cmocka_unit_test(test_tags),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_two_byte_escapes),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_sequence_ends),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_unfinished_utf8),
		cmocka_unit_test(test_runaway_cap),
		cmocka_unit_test(test_finish_resets),
		cmocka_unit_test(test_large_stream),
		cmocka_unit_test(test_utf8_repair),
		cmocka_unit_test(test_utf8_repair_cap),
		cmocka_unit_test(test_cp_lists),
		cmocka_unit_test(test_clean_str),
		cmocka_unit_test(test_ascii_words),
		cmocka_unit_test(test_repair_words),
	};

	return cmocka_run_group_tests_name("sanitize", tests, NULL, NULL);
}
