/* test-markdown.c: unit tests for the Markdown layout (markdown.c). */
#include "common.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <locale.h>

#include "markdown.h"
#include "buf.h"
#include "text.h"

/* A string literal as pointer and length. */
#define S(lit) (lit), (sizeof(lit) - 1)

/* A realistic answer: headings, lists, code with blank lines, a table, a quote. */
static const char answer[] =
    "# Setting up a build\n"
    "\n"
    "Here is how to build **confab** from source. You need a C compiler, "
    "`make` and a few libraries; see [the README](https://example.org/readme) "
    "for details, or www.example.org.\n"
    "\n"
    "## Dependencies\n"
    "\n"
    "1. Install the packages:\n"
    "   ```sh\n"
    "   sudo apt-get install libcurl4-openssl-dev libncursesw5-dev\n"
    "   ```\n"
    "2. Check the versions:\n"
    "   - curl 7.80 or later\n"
    "   - ncurses 6 with *wide character* support, which every current\n"
    "     distribution ships\n"
    "3. Configure.\n"
    "\n"
    "Loose lists have blank lines:\n"
    "\n"
    "- first item\n"
    "\n"
    "- second item, with a second paragraph:\n"
    "\n"
    "  more text for the second item\n"
    "\n"
    "## Code\n"
    "\n"
    "```python\n"
    "import sys\n"
    "\n"
    "\n"
    "def main(argv):\n"
    "    # a long comment line that goes past the width of most terminals for sure\n"
    "    return 0\n"
    "```\n"
    "\n"
    "~~~\n"
    "```\n"
    "not a fence end\n"
    "\n"
    "~~~\n"
    "\n"
    "| Option | Meaning | Default |\n"
    "|:-------|:-------:|--------:|\n"
    "| `-m` | the model to talk to | qwen-plus |\n"
    "| `-w` | wrap width | 80 |\n"
    "\n"
    "> **Note:** the quote goes on for a while so that it has to wrap at\n"
    "> narrow widths.\n"
    ">\n"
    "> A second paragraph in the quote.\n"
    "\n"
    "---\n"
    "\n"
    "中文段落没有空格，应该在字符之间换行，每一行都不能超过宽度。\n"
    "\n"
    "    indented code\n"
    "\n"
    "    more indented code\n"
    "\n"
    "Done &amp; dusted &mdash; enjoy!\n";

/* Render src at width into a fresh doc. */
static struct md_doc
render(const char *src, size_t len, int width)
{
	struct md_doc doc = { NULL, 0 };

	markdown_render(src, len, width, &doc);
	return doc;
}

/* True when s[0..len) is valid UTF-8 without C0 (TAB and LF included), DEL or C1. */
static bool
span_safe(const char *s, size_t len)
{
	size_t i = 0, n;
	unsigned int cp;

	while (i < len) {
		n = text_utf8_seq(s + i, len - i, &cp);
		if (n == 0 || cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			return false;
		i += n;
	}
	return true;
}

/* Check what every line must be: within width, width as counted, spans safe and non-empty. */
static void
check_doc(const struct md_doc *doc, int width)
{
	const struct md_span *sp;
	size_t i, j;
	char *text;

	for (i = 0; i < doc->nlines; i++) {
		text = markdown_line_text(&doc->lines[i]);
		assert_true(doc->lines[i].width <= width);
		assert_int_equal(doc->lines[i].width, text_width(text, strlen(text)));
		for (j = 0; j < doc->lines[i].nspans; j++) {
			sp = &doc->lines[i].spans[j];
			assert_true(sp->len > 0);
			assert_int_equal(strlen(sp->text), sp->len);
			assert_true(span_safe(sp->text, sp->len));
		}
		free(text);
	}
}

/* Compare the doc's lines with want (NULL-terminated). */
static void
expect_lines(const struct md_doc *doc, const char *const *want)
{
	size_t i;
	char *text;

	for (i = 0; want[i] != NULL; i++) {
		assert_true(i < doc->nlines);
		text = markdown_line_text(&doc->lines[i]);
		assert_string_equal(text, want[i]);
		free(text);
	}
	assert_int_equal(doc->nlines, i);
}

/* Render src at width, check the invariants and the lines. */
#define EXPECT(src, width, ...) \
	do { \
		const char *const want_[] = { __VA_ARGS__, NULL }; \
		struct md_doc doc_ = render(S(src), (width)); \
		check_doc(&doc_, (width)); \
		expect_lines(&doc_, want_); \
		markdown_doc_release(&doc_); \
	} while (0)

/* The style of the first span of line n whose text is text; fails when there is none. */
static unsigned int
style_of(const struct md_doc *doc, size_t n, const char *text)
{
	size_t j;

	assert_true(n < doc->nlines);
	for (j = 0; j < doc->lines[n].nspans; j++) {
		if (strcmp(doc->lines[n].spans[j].text, text) == 0)
			return doc->lines[n].spans[j].style;
	}
	fail_msg("no span '%s' in line %zu", text, n);
	return 0;
}

/* True when the two docs have the same lines, texts and styles. */
static bool
docs_equal(const struct md_doc *a, const struct md_doc *b)
{
	size_t i, j;

	if (a->nlines != b->nlines)
		return false;
	for (i = 0; i < a->nlines; i++) {
		if (a->lines[i].nspans != b->lines[i].nspans ||
		    a->lines[i].width != b->lines[i].width)
			return false;
		for (j = 0; j < a->lines[i].nspans; j++) {
			if (a->lines[i].spans[j].style != b->lines[i].spans[j].style ||
			    strcmp(a->lines[i].spans[j].text, b->lines[i].spans[j].text) != 0)
				return false;
		}
	}
	return true;
}

static void
test_empty(void **state)
{
	struct md_doc doc = render("", 0, 40);

	assert_int_equal(doc.nlines, 0);
	assert_null(doc.lines);
	doc = render(S("\n\n   \n\t\n"), 40);
	assert_int_equal(doc.nlines, 0);
	markdown_doc_release(&doc);
	markdown_doc_release(&doc);
}

static void
test_paragraph(void **state)
{
	struct md_doc doc;

	EXPECT("The quick brown fox jumps over the lazy dog.", 20, "The quick brown fox",
	    "jumps over the lazy", "dog.");
	/* soft breaks are spaces, hard breaks break, blocks are parted by one empty line */
	EXPECT("one\ntwo  \nthree\\\nfour\n\n\n\nnext", 40, "one two", "three", "four", "", "next");
	/* a word longer than the line is cut */
	EXPECT("abcdefghijklmnopqrstuvwxyz", 10, "abcdefghij", "klmnopqrst", "uvwxyz");
	/* widths under 10 are 10 */
	doc = render(S("abcdefghijklmnopqrstuvwxyz"), 3);
	check_doc(&doc, 10);
	expect_lines(&doc, (const char *const[]){ "abcdefghij", "klmnopqrst", "uvwxyz", NULL });
	markdown_doc_release(&doc);
	/* CRLF line ends */
	EXPECT("a\r\nb\r\n\r\nc\r\n", 40, "a b", "", "c");
}

static void
test_headings(void **state)
{
	struct md_doc doc;

	EXPECT("# Title\n## Section\n### Sub\ntext", 40, "Title", "═════", "", "Section", "───────",
	    "", "Sub", "", "text");
	doc = render(S("# Big *title*\n"), 40);
	assert_int_equal(style_of(&doc, 0, "Big "), MD_HEADING | MD_BOLD);
	assert_int_equal(style_of(&doc, 0, "title"), MD_HEADING | MD_BOLD | MD_ITALIC);
	assert_int_equal(style_of(&doc, 1, "═════════"), MD_DIM);
	markdown_doc_release(&doc);
	/* a long heading wraps; its rule is as wide as its widest line */
	EXPECT("# A heading that wraps\n", 12, "A heading", "that wraps", "══════════");
}

static void
test_inline_styles(void **state)
{
	struct md_doc doc = render(S("a **b** *c* `d` ~~e~~ ***f***"), 40);

	check_doc(&doc, 40);
	expect_lines(&doc, (const char *const[]){ "a b c d e f", NULL });
	assert_int_equal(style_of(&doc, 0, "a "), 0);
	assert_int_equal(style_of(&doc, 0, "b"), MD_BOLD);
	assert_int_equal(style_of(&doc, 0, "c"), MD_ITALIC);
	assert_int_equal(style_of(&doc, 0, "d"), MD_CODE);
	assert_int_equal(style_of(&doc, 0, "e"), MD_STRIKE);
	assert_int_equal(style_of(&doc, 0, "f"), MD_BOLD | MD_ITALIC);
	markdown_doc_release(&doc);
}

static void
test_styles_across_wrap(void **state)
{
	struct md_doc doc = render(S("x **bold words that wrap over lines** y"), 12);
	size_t i, j;

	check_doc(&doc, 12);
	expect_lines(&doc,
	    (const char *const[]){ "x bold words", "that wrap", "over lines y", NULL });
	assert_int_equal(style_of(&doc, 0, "bold words"), MD_BOLD);
	assert_int_equal(style_of(&doc, 1, "that wrap"), MD_BOLD);
	assert_int_equal(style_of(&doc, 2, "over lines"), MD_BOLD);
	assert_int_equal(style_of(&doc, 2, " y"), 0);
	/* no span carries a blank at a wrap point */
	for (i = 0; i < doc.nlines; i++) {
		for (j = 0; j < doc.lines[i].nspans; j++)
			assert_true(doc.lines[i].spans[j].text[0] != ' ' || j > 0);
	}
	markdown_doc_release(&doc);
}

static void
test_links(void **state)
{
	struct md_doc doc = render(S("see [docs](https://x.org/d) or <https://y.org> or www.z.org"),
	    80);

	check_doc(&doc, 80);
	expect_lines(&doc,
	    (const char *const[]){ "see docs (https://x.org/d) or https://y.org or www.z.org",
		NULL });
	assert_int_equal(style_of(&doc, 0, "docs"), MD_LINK);
	assert_int_equal(style_of(&doc, 0, " (https://x.org/d)"), MD_DIM);
	assert_int_equal(style_of(&doc, 0, "https://y.org"), MD_LINK);
	assert_int_equal(style_of(&doc, 0, "www.z.org"), MD_LINK);
	markdown_doc_release(&doc);

	EXPECT("![a cat](cat.png) and ![](x.png)", 80,
	    "[image: a cat] (cat.png) and [image] (x.png)");
	EXPECT("mail a@b.org", 80, "mail a@b.org");
	/* a URL with a control character shows it visibly */
	doc = render(S("[t](http://a/&#27;)"), 80);
	check_doc(&doc, 80);
	expect_lines(&doc, (const char *const[]){ "t (http://a/^[)", NULL });
	assert_int_equal(style_of(&doc, 0, "^["), MD_DIM | MD_CONTROL);
	markdown_doc_release(&doc);
}

static void
test_entities(void **state)
{
	struct md_doc doc;

	EXPECT("&amp; &lt;b&gt; &quot;q&quot; a&nbsp;b &#65;&#x4E2D;&#X4e2d; &bogus; &#0; &copy;",
	    80,
	    "& <b> \"q\" a\xc2\xa0"
	    "b A中中 &bogus; \xef\xbf\xbd ©");
	/* a decoded control is shown, not passed */
	doc = render(S("x&#27;[2Jy &#x9b;"), 80);
	check_doc(&doc, 80);
	expect_lines(&doc, (const char *const[]){ "x^[[2Jy <U+009B>", NULL });
	assert_int_equal(style_of(&doc, 0, "^["), MD_CONTROL);
	markdown_doc_release(&doc);
	/* raw HTML is literal text */
	EXPECT("<b>bold</b> <script>x</script>\n\n<div>\nblock\n</div>", 80,
	    "<b>bold</b> <script>x</script>", "", "<div> block </div>");
	/* a NBSP does not break */
	EXPECT("aaaa bbbb&nbsp;cccc", 10, "aaaa",
	    "bbbb\xc2\xa0"
	    "cccc");
}

static void
test_bullets(void **state)
{
	struct md_doc doc;

	EXPECT("- one\n- two\n  - nested\n    - deeper\n- three", 40, "• one", "• two",
	    "  • nested", "    • deeper", "• three");
	/* continuation lines hang under the text */
	EXPECT("- a long item that wraps over lines\n  - nested item that wraps too", 16,
	    "• a long item", "  that wraps", "  over lines", "  • nested item", "    that wraps",
	    "    too");
	doc = render(S("- x\n"), 40);
	assert_int_equal(style_of(&doc, 0, "• "), MD_DIM);
	assert_int_equal(style_of(&doc, 0, "x"), 0);
	markdown_doc_release(&doc);
	/* an empty item shows its bullet; a list after a paragraph is parted from it */
	EXPECT("text\n- a\n-\n- b", 40, "text", "", "• a", "•", "• b");
	/* task lists */
	EXPECT("- [x] done\n- [ ] todo", 40, "• [x] done", "• [ ] todo");
	/* code in a tight item is not parted from the text */
	EXPECT("- run:\n  ```\n  make\n  ```\n- done", 40, "• run:", "    make", "• done");
}

static void
test_ordered(void **state)
{
	EXPECT("1. one\n2. two that wraps\n3. three", 14, "1. one", "2. two that", "   wraps",
	    "3. three");
	EXPECT("7) seven\n8) eight\n9) nine\n10) ten", 40, "7) seven", "8) eight", "9) nine",
	    "10) ten");
	EXPECT("1. a\n   1. b\n   2. c\n2. d", 40, "1. a", "   1. b", "   2. c", "2. d");
}

static void
test_loose_list(void **state)
{
	EXPECT("- a\n\n- b\n\n  b2\n- c\n\nafter", 40, "• a", "", "• b", "", "  b2", "", "• c", "",
	    "after");
	/* a tight list nested in a loose one */
	EXPECT("1. a\n\n   - x\n   - y\n2. b", 40, "1. a", "", "   • x", "   • y", "", "2. b");
}

static void
test_quote(void **state)
{
	struct md_doc doc;

	EXPECT("> quoted text that wraps\n>\n> second\n\nafter", 16, "│ quoted text",
	    "│ that wraps", "│", "│ second", "", "after");
	EXPECT("> outer\n> > inner\n\n- > in item", 40, "│ outer", "│", "│ │ inner", "",
	    "• │ in item");
	doc = render(S("> *q*\n"), 40);
	assert_int_equal(style_of(&doc, 0, "│ "), MD_DIM | MD_QUOTE);
	assert_int_equal(style_of(&doc, 0, "q"), MD_QUOTE | MD_ITALIC);
	markdown_doc_release(&doc);
	/* code in a quote */
	EXPECT("> ```\n> x\n> ```", 40, "│   x");
}

static void
test_code_fenced(void **state)
{
	struct md_doc doc =
	    render(S("```python\nif x:\n    print('a long line of code here')\n\n```\n"), 20);
	size_t i;

	check_doc(&doc, 20);
	expect_lines(&doc,
	    (const char *const[]){ "  python", "  if x:", "      print('a long ",
		"  line of code here'", "  )", "  ", NULL });
	assert_int_equal(style_of(&doc, 0, "python"), MD_CODEBLOCK | MD_DIM);
	for (i = 1; i < doc.nlines; i++)
		assert_int_equal(doc.lines[i].spans[0].style, MD_CODEBLOCK);
	assert_int_equal(style_of(&doc, 2, "      print('a long "), MD_CODEBLOCK);
	markdown_doc_release(&doc);

	/* TABs go to multiples of 4 columns; markup is literal; a longer fence closes */
	EXPECT("~~~~\na\tb\n**x** `y`\n~~~\n~~~~~\nafter", 40, "  a   b", "  **x** `y`", "  ~~~",
	    "", "after");
	/* a wide character is not split by a cut */
	EXPECT("```\n中中中中中中\n```", 10, "  中中中中", "  中中");
}

static void
test_code_indented(void **state)
{
	EXPECT("para\n\n    code  with  blanks\n\n    more\n\nafter", 40, "para", "",
	    "  code  with  blanks", "  ", "  more", "", "after");
}

static void
test_code_unterminated(void **state)
{
	struct md_doc doc = render(S("Look:\n\n```c\nint x;\n\n# not a heading"), 40);

	check_doc(&doc, 40);
	expect_lines(&doc,
	    (const char *const[]){ "Look:", "", "  c", "  int x;", "  ", "  # not a heading",
		NULL });
	assert_int_equal(style_of(&doc, 5, "  # not a heading"), MD_CODEBLOCK);
	markdown_doc_release(&doc);
}

static void
test_table(void **state)
{
	struct md_doc doc;

	EXPECT("| a | b | c |\n|:--|:-:|--:|\n| 1 | 22 | 333 |\n| long cell | x | y |", 40,
	    "a         │ b  │   c", "──────────┼────┼────", "1         │ 22 │ 333",
	    "long cell │ x  │   y");
	doc = render(S("| h |\n|---|\n| `c` |\n"), 40);
	assert_int_equal(style_of(&doc, 0, "h"), MD_BOLD);
	assert_int_equal(style_of(&doc, 1, "─"), MD_DIM);
	assert_int_equal(style_of(&doc, 2, "c"), MD_CODE);
	markdown_doc_release(&doc);
	/* too wide: the widest column shrinks and its cells wrap */
	EXPECT("| key | description |\n|---|---|\n| w | the width of the text in columns |", 24,
	    "key │ description", "────┼─────────────────", "w   │ the width of the",
	    "    │ text in columns");
	/* missing cells are empty; extra cells are dropped */
	EXPECT("| a | b |\n|---|---|\n| 1 |\n| 1 | 2 | 3 |", 40, "a │ b", "──┼──", "1 │", "1 │ 2");
}

static void
test_table_narrow(void **state)
{
	const char *src = "| one | two | three | four | five | six |\n"
			  "|---|---|---|---|---|---|\n"
			  "| 1 | 2 | 3 | 4 | 5 | 6 |\n";
	int width;
	struct md_doc doc;

	/* too many columns for the width: each row a paragraph */
	EXPECT("| a | b | c |\n|---|---|---|\n| 1 | 2 | 3 |", 10, "a │ b │ c", "1 │ 2 │ 3");
	for (width = 10; width <= 60; width++) {
		doc = render(src, strlen(src), width);
		check_doc(&doc, width);
		assert_true(doc.nlines >= 2);
		markdown_doc_release(&doc);
	}
}

static void
test_rule(void **state)
{
	struct md_doc doc;

	EXPECT("a\n\n---\n\nb", 12, "a", "", "────────────", "", "b");
	EXPECT("- x\n\n  ***", 12, "• x", "", "  ──────────");
	doc = render(S("***"), 10);
	assert_int_equal(doc.lines[0].spans[0].style, MD_DIM);
	markdown_doc_release(&doc);
}

static void
test_cjk(void **state)
{
	const char src[] = "中文段落没有空格，应该在字符之间换行，而且每一行都不能超过给定的宽度。";
	struct md_doc doc = render(S(src), 21);
	size_t i;

	check_doc(&doc, 21);
	assert_true(doc.nlines >= 4);
	for (i = 0; i + 1 < doc.nlines; i++)
		assert_true(doc.lines[i].width >= 19);
	markdown_doc_release(&doc);
	/* CJK between words wraps between characters too; no line starts with "，" */
	EXPECT("Use Python 来编写脚本，它很简单。", 16, "Use Python 来编", "写脚本，它很简",
	    "单。");
}

static void
test_emoji(void **state)
{
	/* family: man ZWJ woman ZWJ girl, one cluster of 2 columns (6 when summed per code point) */
	const char fam[] =
	    "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7";
	char src[256], five[256];
	struct md_doc doc;
	char *text;

	snprintf(src, sizeof src, "%s%s%s%s%s%s", fam, fam, fam, fam, fam, fam);
	snprintf(five, sizeof five, "%s%s%s%s%s", fam, fam, fam, fam, fam);
	doc = render(src, strlen(src), 10);
	check_doc(&doc, 10);
	assert_int_equal(doc.nlines, 2);
	assert_int_equal(doc.lines[0].width, 10);
	assert_int_equal(doc.lines[1].width, 2);
	text = markdown_line_text(&doc.lines[0]);
	assert_string_equal(text, five);
	free(text);
	text = markdown_line_text(&doc.lines[1]);
	assert_string_equal(text, fam);
	free(text);
	markdown_doc_release(&doc);
	/* a flag (two regional indicators) and a skin tone stay whole */
	EXPECT("aaaaaaaaa\xf0\x9f\x87\xa9\xf0\x9f\x87\xaa", 10, "aaaaaaaaa",
	    "\xf0\x9f\x87\xa9\xf0\x9f\x87\xaa");
	EXPECT("aaaaaaaaa\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd", 10, "aaaaaaaaa",
	    "\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd");
	/* combining marks stay on their character */
	EXPECT("aaaaaaaaae\xcc\x81x", 10, "aaaaaaaaae\xcc\x81", "x");
}

static void
test_control_attack(void **state)
{
	static const char src[] =
	    "Title \x1b]0;pwned\x07 clear \x1b[2J csi \xc2\x9b"
	    "31m cr a\rb bs x\by "
	    "bidi \xe2\x80\xae tag \xf3\xa0\x81\x81 del \x7f raw \x9b nul \0 end\n\n"
	    "```\n\x1b[31mred\x1b[0m\r\n```\n";
	static const char *const controls[] = {
		"^[",
		"^G",
		"<U+009B>",
		"^M",
		"^H",
		"<U+202E>",
		"<U+E0041>",
		"^?",
	};
	struct md_doc doc = render(src, sizeof src - 1, 200);
	size_t i;

	check_doc(&doc, 200);
	expect_lines(&doc,
	    (const char *const[]){
		"Title ^[]0;pwned^G clear ^[[2J csi <U+009B>31m cr a^Mb bs x^Hy bidi <U+202E> "
		"tag <U+E0041> del ^? raw \xef\xbf\xbd nul \xef\xbf\xbd end",
		"", "  ^[[31mred^[[0m", NULL });
	for (i = 0; i < nitems(controls); i++)
		assert_int_equal(style_of(&doc, 0, controls[i]), MD_CONTROL);
	assert_int_equal(style_of(&doc, 0, "]0;pwned"), 0);
	assert_int_equal(style_of(&doc, 2, "^["), MD_CODEBLOCK | MD_CONTROL);
	markdown_doc_release(&doc);

	/* controls inside styled text keep the style */
	doc = render(S("**a\x1b"
		       "b**"),
	    40);
	assert_int_equal(style_of(&doc, 0, "^["), MD_BOLD | MD_CONTROL);
	markdown_doc_release(&doc);
	/* a lone CR at the very end shows too */
	EXPECT("x\r", 40, "x^M");
}

static void
test_widths(void **state)
{
	struct md_doc doc;
	int width;

	for (width = 10; width <= 200; width += (width < 40 ? 1 : 20)) {
		doc = render(answer, sizeof answer - 1, width);
		check_doc(&doc, width);
		assert_true(doc.nlines > 40);
		markdown_doc_release(&doc);
	}
}

/* The answer at width 10 (checked by eye). */
static const char *const narrow[] = {
	"Setting up",
	"a build",
	"══════════",
	"",
	"Here is",
	"how to",
	"build",
	"confab",
	"from",
	"source.",
	"You need a",
	"C",
	"compiler,",
	"make and a",
	"few",
	"libraries;",
	"see the",
	"README",
	"(https://e",
	"xample.org",
	"/readme)",
	"for",
	"details,",
	"or",
	"www.exampl",
	"e.org.",
	"",
	"Dependenci",
	"es",
	"──────────",
	"",
	"1. Install",
	"   the",
	"   package",
	"   s:",
	"     sh",
	"     sudo ",
	"     apt-g",
	"     et in",
	"     stall",
	"      libc",
	"     url4-",
	"     opens",
	"     sl-de",
	"     v lib",
	"     ncurs",
	"     esw5-",
	"     dev",
	"2. Check",
	"   the",
	"   version",
	"   s:",
	"   • curl",
	"     7.80",
	"     or",
	"     later",
	"   • ncurs",
	"     es 6",
	"     with",
	"     wide",
	"     chara",
	"     cter",
	"     suppo",
	"     rt,",
	"     which",
	"     every",
	"     curre",
	"     nt",
	"     distr",
	"     ibuti",
	"     on",
	"     ships",
	"3. Configu",
	"   re.",
	"",
	"Loose",
	"lists have",
	"blank",
	"lines:",
	"",
	"• first",
	"  item",
	"",
	"• second",
	"  item,",
	"  with a",
	"  second",
	"  paragrap",
	"  h:",
	"",
	"  more",
	"  text for",
	"  the",
	"  second",
	"  item",
	"",
	"Code",
	"────",
	"",
	"  python",
	"  import s",
	"  ys",
	"  ",
	"  ",
	"  def main",
	"  (argv):",
	"      # a ",
	"  long com",
	"  ment lin",
	"  e that g",
	"  oes past",
	"   the wid",
	"  th of mo",
	"  st termi",
	"  nals for",
	"   sure",
	"      retu",
	"  rn 0",
	"",
	"  ```",
	"  not a fe",
	"  nce end",
	"  ",
	"",
	"Option │",
	"Meaning │",
	"Default",
	"-m │ the",
	"model to",
	"talk to │",
	"qwen-plus",
	"-w │ wrap",
	"width │ 80",
	"",
	"│ Note:",
	"│ the",
	"│ quote",
	"│ goes on",
	"│ for a",
	"│ while so",
	"│ that it",
	"│ has to",
	"│ wrap at",
	"│ narrow",
	"│ widths.",
	"│",
	"│ A second",
	"│ paragrap",
	"│ h in the",
	"│ quote.",
	"",
	"──────────",
	"",
	"中文段落没",
	"有空格，应",
	"该在字符之",
	"间换行，每",
	"一行都不能",
	"超过宽度。",
	"",
	"  indented",
	"   code",
	"  ",
	"  more ind",
	"  ented co",
	"  de",
	"",
	"Done &",
	"dusted —",
	"enjoy!",
	NULL,
};

/* The answer at width 200 and at 10: exact. */
static void
test_answer_narrow_wide(void **state)
{
	struct md_doc doc = render(answer, sizeof answer - 1, 200);

	check_doc(&doc, 200);
	expect_lines(&doc,
	    (const char *const[]){ "Setting up a build", "══════════════════", "",
		"Here is how to build confab from source. You need a C compiler, make and a few "
		"libraries; see the README (https://example.org/readme) for details, or www.example.org.",
		"", "Dependencies", "────────────", "", "1. Install the packages:", "     sh",
		"     sudo apt-get install libcurl4-openssl-dev libncursesw5-dev",
		"2. Check the versions:", "   • curl 7.80 or later",
		"   • ncurses 6 with wide character support, which every current distribution ships",
		"3. Configure.", "", "Loose lists have blank lines:", "", "• first item", "",
		"• second item, with a second paragraph:", "", "  more text for the second item",
		"", "Code", "────", "", "  python", "  import sys", "  ", "  ", "  def main(argv):",
		"      # a long comment line that goes past the width of most terminals for sure",
		"      return 0", "", "  ```", "  not a fence end", "  ", "",
		"Option │       Meaning        │   Default",
		"───────┼──────────────────────┼──────────",
		"-m     │ the model to talk to │ qwen-plus",
		"-w     │      wrap width      │        80", "",
		"│ Note: the quote goes on for a while so that it has to wrap at narrow widths.",
		"│", "│ A second paragraph in the quote.", "",
		"────────────────────────────────────────────────────────────────────────────────"
		"────────────────────────────────────────────────────────────────────────────────"
		"────────────────────────────────────────",
		"", "中文段落没有空格，应该在字符之间换行，每一行都不能超过宽度。", "",
		"  indented code", "  ", "  more indented code", "", "Done & dusted — enjoy!",
		NULL });
	markdown_doc_release(&doc);

	doc = render(answer, sizeof answer - 1, 10);
	check_doc(&doc, 10);
	expect_lines(&doc, narrow);
	markdown_doc_release(&doc);
}

static void
test_stable_fences(void **state)
{
	/* nothing finished yet */
	assert_int_equal(markdown_stable(S("")), 0);
	assert_int_equal(markdown_stable(S("Hello")), 0);
	assert_int_equal(markdown_stable(S("Hello\n\n")), 0);
	/* a block after the blank line starts: what precedes is finished */
	assert_int_equal(markdown_stable(S("Hello\n\nW")), 7);
	assert_int_equal(markdown_stable(S("a\n\nb\n\nc")), 6);
	assert_int_equal(markdown_stable(S("a\r\n\r\nb")), 5);
	/* blank lines inside a fence do not count, whichever the fence */
	assert_int_equal(markdown_stable(S("a\n\n```\nx\n\ny\n")), 3);
	assert_int_equal(markdown_stable(S("a\n\n```\nx\n\ny\n```\n\nz")), 17);
	assert_int_equal(markdown_stable(S("~~~\n```\n\nx\n~~~\n\nz")), 16);
	/* a closing fence needs the same character and at least the same length */
	assert_int_equal(markdown_stable(S("````\nx\n```\n\ny\n~~~~\n\nz")), 0);
	assert_int_equal(markdown_stable(S("````\nx\n`````\n\ny")), 14);
	/* a fence with text after it does not close; with blanks it does */
	assert_int_equal(markdown_stable(S("```\nx\n``` no\n\ny")), 0);
	assert_int_equal(markdown_stable(S("```\nx\n```  \n\ny")), 13);
	/* a backtick fence's info string has no backtick: that is inline code */
	assert_int_equal(markdown_stable(S("``` a`b\n\nc")), 9);
	/* an indented (up to 3) fence counts; 4 spaces are indented code */
	assert_int_equal(markdown_stable(S("   ```\n\nx")), 0);
	assert_int_equal(markdown_stable(S("    ```\n\nx")), 9);
}

static void
test_stable_lists(void **state)
{
	/* a list item or an indented line after a blank line may continue a list */
	assert_int_equal(markdown_stable(S("- a\n\n- b\n")), 0);
	assert_int_equal(markdown_stable(S("- a\n\n  more\n")), 0);
	assert_int_equal(markdown_stable(S("1. a\n\n2. b\n")), 0);
	assert_int_equal(markdown_stable(S("1. a\n\n2")), 0);
	assert_int_equal(markdown_stable(S("- a\n\n-")), 0);
	/* until the line shows it is no list item */
	assert_int_equal(markdown_stable(S("- a\n\n-x")), 5);
	assert_int_equal(markdown_stable(S("- a\n\n2024 was")), 5);
	assert_int_equal(markdown_stable(S("- a\n\n2024\n")), 5);
	assert_int_equal(markdown_stable(S("- a\n\n---\n")), 5);
	assert_int_equal(markdown_stable(S("- a\n  - b\n\nNext")), 11);
	/* tables and quotes end at a blank line */
	assert_int_equal(markdown_stable(S("| a |\n|---|\n| 1 |\n\n| 2 |")), 19);
	assert_int_equal(markdown_stable(S("> a\n\n> b")), 5);
}

/* Render src[0..stable) and src[stable..len) into one doc: it must equal the whole. */
static void
check_split(const char *src, size_t len, size_t stable, int width)
{
	struct md_doc whole = render(src, len, width), parts = { NULL, 0 };

	markdown_render(src, stable, width, &parts);
	markdown_render(src + stable, len - stable, width, &parts);
	if (!docs_equal(&whole, &parts))
		fail_msg("split at %zu of %zu differs at width %d", stable, len, width);
	markdown_doc_release(&whole);
	markdown_doc_release(&parts);
}

static void
test_stable_split(void **state)
{
	static const int widths[] = { 10, 33, 80, 200 };
	size_t len, stable, last = 0, nsplits = 0;
	size_t i;

	/* as the answer streams in, every stable prefix renders as the whole does */
	for (len = 0; len <= sizeof answer - 1; len++) {
		stable = markdown_stable(answer, len);
		assert_true(stable <= len);
		assert_true(stable >= last);
		assert_true(stable == 0 || answer[stable - 1] == '\n');
		if (stable != last || len == sizeof answer - 1) {
			for (i = 0; i < nitems(widths); i++)
				check_split(answer, len, stable, widths[i]);
			nsplits++;
		}
		last = stable;
	}
	assert_true(nsplits >= 12);
	/* the stable prefix moves past the code, the table and the quote */
	assert_true(last > (size_t)(strstr(answer, "---\n") - answer));
}

static void
test_streaming(void **state)
{
	size_t len, stable;

	/* each prefix, split at its stable point, renders as the prefix does */
	for (len = 0; len <= sizeof answer - 1; len++) {
		stable = markdown_stable(answer, len);
		check_split(answer, len, stable, 41);
	}
}

static void
test_stable_md4c(void **state)
{
	/* md4c 0.4.8 ways that markdown_stable follows */
	static const char *const srcs[] = {
		/* a closing fence outdented out of its list item still closes it */
		("1. Step:\n   ```sh\n   make\n\n   make install\n```\n2. Next\n\nDone.\n\n"
		 "```\ncode\n\nmore\n```\n\nEnd\n"),
		/* a fence interrupts a paragraph however indented */
		"Text\n    ```\ncode\n\nstill code\n```\n\nAfter\n",
		/* a quote's fence closed by an unquoted fence */
		"> ```\n> x\n```\n\ny\n\n```\nz\n\nw\n```\n\nv\n",
		/* an empty item ends at a blank line: the fence after it is at the top */
		"+\n\n   ```sh\n   x\n\ny\n```\n\nz\n",
		/* TABs after list markers */
		"-\tx\n   ```\n   a\n\nb\n```\n\nc\n",
		/* a line with the fence's character outside the item ends the fence */
		"- a\n  ```\n  x\n```sh\ny\n\nz\n",
	};
	size_t i, len;

	for (i = 0; i < nitems(srcs); i++) {
		for (len = 0; len <= strlen(srcs[i]); len++)
			check_split(srcs[i], len, markdown_stable(srcs[i], len), 40);
	}
	assert_int_equal(markdown_stable(srcs[0], strlen(srcs[0])), strlen(srcs[0]) - 4);
	assert_int_equal(markdown_stable(S("1. a\n   ```\n   x\n\n```\n\ny")), 23);
	assert_int_equal(markdown_stable(S("1. a\n   ```\n   x\n\n```")), 0);
}

static void
test_append(void **state)
{
	struct md_doc doc = { NULL, 0 };

	/* a render into a doc with lines begins with the separating empty line */
	markdown_render(S("one"), 40, &doc);
	markdown_render(S(""), 40, &doc);
	markdown_render(S("two"), 40, &doc);
	check_doc(&doc, 40);
	expect_lines(&doc, (const char *const[]){ "one", "", "two", NULL });
	markdown_doc_release(&doc);
}

static void
test_big(void **state)
{
	struct buf b;
	struct md_doc doc;

	buf_init(&b, 0);
	while (b.len < 256 * 1024)
		(void)buf_add(&b, answer, sizeof answer - 1);
	doc = render(b.data, b.len, 80);
	check_doc(&doc, 80);
	assert_true(doc.nlines > 10000);
	markdown_doc_release(&doc);
	buf_release(&b);
}

static void
test_cjk_emphasis(void **state)
{
	struct md_doc doc;

	/* Qwen's "**注意：**正文": bold, no literal asterisks */
	EXPECT("**注意：**正文", 40, "注意：正文");
	doc = render(S("**注意：**正文"), 40);
	assert_true(style_of(&doc, 0, "注意：") & MD_BOLD);
	assert_false(style_of(&doc, 0, "正文") & MD_BOLD);
	markdown_doc_release(&doc);
	EXPECT("文**「注意」**文", 40, "文「注意」文");
	doc = render(S("文**「注意」**文"), 40);
	assert_true(style_of(&doc, 0, "「注意」") & MD_BOLD);
	markdown_doc_release(&doc);
	EXPECT("*强调：*文字", 40, "强调：文字");
	/* ASCII text keeps CommonMark's rules; code keeps its asterisks */
	EXPECT("a**\"b\"**c", 40, "a**\"b\"**c");
	EXPECT("`a**「b`", 40, "a**「b");
	/* a soft line break inside Chinese is no space; next to other text it is */
	EXPECT("第一行\n第二行\nthird\nline", 40, "第一行第二行 third line");
	EXPECT("한국어\n문장", 40, "한국어 문장");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_paragraph),
		cmocka_unit_test(test_headings),
		cmocka_unit_test(test_inline_styles),
		cmocka_unit_test(test_styles_across_wrap),
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_entities),
		cmocka_unit_test(test_bullets),
		cmocka_unit_test(test_ordered),
		cmocka_unit_test(test_loose_list),
		cmocka_unit_test(test_quote),
		cmocka_unit_test(test_code_fenced),
		cmocka_unit_test(test_code_indented),
		cmocka_unit_test(test_code_unterminated),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_table_narrow),
		cmocka_unit_test(test_rule),
		cmocka_unit_test(test_cjk),
		cmocka_unit_test(test_emoji),
		cmocka_unit_test(test_cjk_emphasis),
		cmocka_unit_test(test_control_attack),
		cmocka_unit_test(test_widths),
		cmocka_unit_test(test_answer_narrow_wide),
		cmocka_unit_test(test_stable_fences),
		cmocka_unit_test(test_stable_lists),
		cmocka_unit_test(test_stable_split),
		cmocka_unit_test(test_stable_md4c),
		cmocka_unit_test(test_streaming),
		cmocka_unit_test(test_append),
		cmocka_unit_test(test_big),
	};

	if (setlocale(LC_ALL, "C.UTF-8") == NULL) {
		fprintf(stderr, "the C.UTF-8 locale is not available\n");
		return 99;
	}
	/* code stays uncoloured here: test-highlight.c covers colours */
	setenv("CONFAB_SYNTAX_DIR", "/nonexistent", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
