/*
 * fuzz-sanitize.c: libFuzzer target for the streaming sanitiser (text.c).
 *
 * The first byte picks a split position; the rest is the text. For both
 * modes the text sanitised whole must equal the text fed in two pieces, and
 * the output must be safe for a terminal: valid UTF-8 with no C0 control but
 * LF and TAB, no DEL, no C1 control (U+0080..U+009F), no bidi control or tag
 * character. text_utf8_repair must give valid UTF-8 and leave valid input alone.
 *
 * Build and run (see fuzz/README.md): in a configured build directory,
 *
 *   make fuzz
 *   cp -r $SRC/fuzz/corpus/sanitize /tmp/fuzz-sanitize-corpus
 *   fuzz/fuzz-sanitize -max_total_time=60 -max_len=4096 /tmp/fuzz-sanitize-corpus
 *
 * Result of the last 60 s run (clang-14, one process on a busy 2-core machine,
 * three hand-written seeds with ESC/OSC/C1/bidi/tag bytes, plus a dictionary
 * of the same tokens via -dict): no crash, no leak, no sanitizer report;
 * 382,831 runs (about 6,300 exec/s), cov 243, ft 1363, corpus 491 inputs / 24 KB.
 */
#include "common.h"

#include "buf.h"
#include "text.h"

/* True when out[0..len) may go to a terminal as it is. */
static bool
terminal_safe(const char *out, size_t len)
{
	size_t i = 0, n;
	unsigned int cp;

	while (i < len) {
		n = text_utf8_seq(out + i, len - i, &cp);
		if (n == 0 || (cp < 0x20 && cp != '\n' && cp != '\t') ||
		    (cp >= 0x7f && cp <= 0x9f) || cp == 0x061c || cp == 0x200e || cp == 0x200f ||
		    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
		    (cp >= 0xe0000 && cp <= 0xe007f))
			return false;
		i += n;
	}
	return true;
}

/* Sanitise in[0..len), cut at split, into out. */
static void
sanitize(enum text_mode mode, const char *in, size_t len, size_t split, struct buf *out)
{
	struct text_sanitizer s;

	text_sanitizer_init(&s, mode);
	text_sanitize(&s, in, split, out);
	text_sanitize(&s, in + split, len - split, out);
	text_sanitize_finish(&s, out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf whole, split, repaired;
	const char *in = (const char *)data + 1;
	size_t len, cut, bad;
	enum text_mode mode;

	if (size == 0)
		return 0;
	len = size - 1;
	cut = data[0] % (len + 1);
	buf_init(&whole, 0);
	buf_init(&split, 0);
	buf_init(&repaired, 0);
	for (mode = TEXT_DROP; mode <= TEXT_VISIBLE; mode++) {
		buf_reset(&whole);
		buf_reset(&split);
		sanitize(mode, in, len, len, &whole);
		sanitize(mode, in, len, cut, &split);
		if (whole.len != split.len || memcmp(whole.data, split.data, whole.len) != 0)
			abort();
		if (!terminal_safe(whole.data, whole.len))
			abort();
		if (mode == TEXT_DROP && whole.len > len * 3)
			abort(); /* at worst every byte becomes U+FFFD */
	}
	if (text_utf8_repair(in, len, &repaired, &bad) != 0)
		abort();
	if (!text_utf8_valid(repaired.data, repaired.len, NULL))
		abort();
	if (bad == 0 && (repaired.len != len || memcmp(repaired.data, in, len) != 0))
		abort();
	if ((bad == 0) != text_utf8_valid(in, len, NULL))
		abort();
	buf_release(&whole);
	buf_release(&split);
	buf_release(&repaired);
	return 0;
}
