/* test-highlight.c: unit tests for syntax highlighting with nano's syntax files (highlight.c). */
#include "common.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <locale.h>
#include <time.h>
#include <unistd.h>

#include "highlight.h"
#include "markdown.h"

#define NANO_DIR "/usr/share/nano"
#define S_(lit) (lit), (sizeof(lit) - 1)

static char tmpdir[] = "/tmp/test-highlight.XXXXXX";

/* Write dir/name with text. */
static void
put_file(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(path);
}

static void
use_dir(const char *dir)
{
	hl_reset();
	setenv("CONFAB_SYNTAX_DIR", dir, 1);
}

/*
 * The colour of the first byte of needle in code (lines split at LF, the
 * state carried across them), 0 when plain; -1 when needle is missing.
 */
static int
color_at(const char *lang, const char *code, const char *needle)
{
	const struct hl_syntax *syn = hl_syntax(lang, strlen(lang));
	const char *at = strstr(code, needle), *ls = code, *lf;
	struct hl_span sp[256];
	unsigned int state = 0;
	size_t n, i, le;

	if (at == NULL)
		return -1;
	for (;;) {
		lf = strchr(ls, '\n');
		le = lf != NULL ? (size_t)(lf - ls) : strlen(ls);
		n = hl_line(syn, ls, le, &state, sp, nitems(sp));
		if (at >= ls && at <= ls + le) {
			for (i = 0; i < n; i++) {
				if ((size_t)(at - ls) >= sp[i].off &&
				    (size_t)(at - ls) < sp[i].off + sp[i].len)
					return sp[i].color;
			}
			return 0;
		}
		if (lf == NULL)
			return -1;
		ls = lf + 1;
	}
}

/* In a language: needle is coloured, plain is not. */
#define COLORED(lang, code, needle) \
	do { \
		int c_ = color_at(lang, code, needle); \
		if (c_ <= 0) \
			fail_msg("%s: \"%s\" in \"%s\": colour %d", lang, needle, code, c_); \
	} while (0)
#define PLAIN(lang, code, needle) assert_int_equal(color_at(lang, code, needle), 0)

/* Each listed language: a keyword, a string and a comment, from nano's own files. */
static void
test_languages(void **state)
{
	(void)state;
	if (access(NANO_DIR "/c.nanorc", R_OK) != 0)
		skip();
	use_dir(NANO_DIR);
	COLORED("c", "int main(void) { return puts(\"hi\"); } // done", "int");
	COLORED("c", "int main(void) { return puts(\"hi\"); } // done", "return");
	COLORED("c", "int main(void) { return puts(\"hi\"); } // done", "\"hi\"");
	COLORED("c", "int main(void) { return puts(\"hi\"); } // done", "// done");
	PLAIN("c", "int main(void) { return puts(\"hi\"); } // done", "puts");
	COLORED("c++", "class Foo : public Bar { std::string s = \"x\"; };", "class");
	COLORED("cpp", "template <typename T> T f(); /* note */", "template");
	COLORED("cpp", "template <typename T> T f(); /* note */", "/* note");
	COLORED("python", "def f(x):\n    return 'a'  # note", "return");
	COLORED("python", "def f(x):\n    return 'a'  # note", "'a'");
	COLORED("py", "def f(x):\n    return 'a'  # note", "# note");
	COLORED("javascript", "const s = 'x'; // note", "const");
	COLORED("js", "const s = 'x'; // note", "'x'");
	COLORED("js", "const s = 'x'; // note", "// note");
	COLORED("typescript", "let n: number = f(\"a\"); // note", "let");
	COLORED("ts", "let n: number = f(\"a\"); // note", "\"a\"");
	COLORED("ts", "let n: number = f(\"a\"); // note", "// note");
	COLORED("go", "func main() { fmt.Println(\"hi\") } // note", "func");
	COLORED("go", "func main() { fmt.Println(\"hi\") } // note", "\"hi\"");
	COLORED("golang", "func main() { fmt.Println(\"hi\") } // note", "// note");
	COLORED("rust", "fn main() { let s = \"x\"; } // note", "let");
	COLORED("rust", "fn main() { let s = \"x\"; } // note", "\"x\"");
	COLORED("rs", "fn main() { let s = \"x\"; } // note", "// note");
	COLORED("java", "public class A { String s = \"x\"; } // note", "class");
	COLORED("java", "public class A { String s = \"x\"; } // note", "\"x\"");
	COLORED("java", "public class A { String s = \"x\"; } // note", "// note");
	COLORED("sh", "if true; then echo \"hi\"; fi # note", "then");
	COLORED("bash", "if true; then echo \"hi\"; fi # note", "\"hi\"");
	COLORED("shell", "if true; then echo \"hi\"; fi # note", "# note");
	COLORED("sql", "select name from t where x = 'a'; -- note", "select");
	COLORED("sql", "SELECT name FROM t WHERE x = 'a'; -- note", "'a'");
	COLORED("sql", "SELECT name FROM t WHERE x = 'a'; -- note", "-- note");
	COLORED("json", "{\"key\": \"value\", \"n\": true}", "true");
	COLORED("json", "{\"key\": \"value\", \"n\": true}", "\"value\"");
	COLORED("yaml", "key: 'value' # note", "key");
	COLORED("yml", "key: 'value' # note", "'value'");
	COLORED("yaml", "key: 'value' # note", "# note");
	COLORED("html", "<p class=\"x\">hi</p> <!-- note -->", "<p");
	COLORED("html", "<p class=\"x\">hi</p> <!-- note -->", "\"x\"");
	COLORED("html", "<p class=\"x\">hi</p> <!-- note -->", "<!-- note");
	COLORED("css", "body { color: red; } /* note */", "color");
	COLORED("css", "body { color: red; } /* note */", "/* note");
	COLORED("diff", "@@ -1 +1 @@\n-old\n+new", "@@");
	COLORED("diff", "@@ -1 +1 @@\n-old\n+new", "-old");
	COLORED("patch", "@@ -1 +1 @@\n-old\n+new", "+new");
	COLORED("markdown", "# Title\nsome `code` here", "# Title");
	COLORED("md", "# Title\nsome `code` here", "`code`");
	/* a multi-line comment carries over */
	COLORED("c", "x = 1; /* one\ntwo\nthree */ y = 2;", "two");
	PLAIN("c", "x = 1; /* one\ntwo\nthree */ y = 2;", "y = 2");
	COLORED("python", "s = '''\ninside\n'''", "inside");
}

/* Unknown or hostile language names stay plain. */
static void
test_unknown(void **state)
{
	(void)state;
	use_dir(NANO_DIR);
	assert_null(hl_syntax(S_("nosuchlanguage")));
	assert_null(hl_syntax(S_("")));
	assert_null(hl_syntax(S_("   ")));
	assert_null(hl_syntax(S_("../../etc/passwd")));
	assert_null(hl_syntax(S_("c/../c")));
	assert_null(hl_syntax(S_("averyveryveryveryverylonglanguagename")));
	PLAIN("nosuchlanguage", "int x; // note", "int");
}

/* The colour of the span of line k holding text, -1 when there is none. */
static int
md_color(const struct md_doc *doc, size_t k, const char *text)
{
	size_t i;

	for (i = 0; k < doc->nlines && i < doc->lines[k].nspans; i++) {
		if (strcmp(doc->lines[k].spans[i].text, text) == 0)
			return (int)MD_COLOR(doc->lines[k].spans[i].style);
	}
	return -1;
}

/* Rendered Markdown: code of a known language carries colours, other code none. */
static void
test_markdown(void **state)
{
	static const char src[] = "```c\nreturn 0; // note\n```\n\n```nosuch\nreturn 0;\n```\n";
	struct md_doc doc = { 0 };

	(void)state;
	if (access(NANO_DIR "/c.nanorc", R_OK) != 0)
		skip();
	use_dir(NANO_DIR);
	markdown_render(S_(src), 40, &doc);
	assert_true(doc.nlines >= 5);
	assert_int_equal(md_color(&doc, 1, "return"), 1 + 5);
	assert_int_equal(md_color(&doc, 1, "// note"), 1 + 4 + 8);
	assert_int_equal(md_color(&doc, 1, " 0; "), MD_COLOR_PLAIN);
	assert_int_equal(md_color(&doc, 4, "  return 0;"), 0);
	markdown_doc_release(&doc);
	/* cut into pieces at a narrow width, the colours follow the pieces */
	markdown_render(S_("```c\nreturn 0; // a long comment here\n```\n"), 12, &doc);
	assert_int_equal(md_color(&doc, 3, "comment he"), 1 + 4 + 8);
	markdown_doc_release(&doc);
}

static int
setup_tmp(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(tmpdir));
	use_dir(tmpdir);
	return 0;
}

static int
teardown_tmp(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);

	(void)state;
	hl_reset();
	assert_int_equal(system(cmd), 0);
	free(cmd);
	return 0;
}

/* The syntax file format: colours, backgrounds, icolor, quotes, start/end. */
static void
test_format(void **state)
{
	(void)state;
	use_dir(tmpdir);
	put_file("toy.nanorc",
	    "syntax toy \"\\.toy$\"\n"
	    "# a comment line\n"
	    "color red \"\\<kw\\>\"\n"
	    "color brightblue,yellow \"\\<bb\\>\"\n"
	    "color ,green \"\\<bg\\>\"\n"
	    "icolor lightgreen \"\\<ic\\>\"\n"
	    "color bold,#0a4 \"\\<rgb\\>\"\n"
	    "color lime \"\\<lm\\>\"\n"
	    "color nosuchcolour \"\\<bad\\>\"\n"
	    "color cyan \"\"[^\"]*\"\" \"\\<two\\>\"\n"
	    "color magenta \"(\"\n"
	    "color yellow start=\"<<\" end=\">>\"\n"
	    "color normal \"\\<kwx\\>\"\n");
	assert_int_equal(color_at("toy", "a kw b", "kw"), 1 + 1);
	assert_int_equal(color_at("toy", "akw b", "kw"), 0);
	assert_int_equal(color_at("toy", "a bb b", "bb"), 1 + 4 + 8);
	assert_int_equal(color_at("toy", "a bg b", "bg"), 0);
	assert_int_equal(color_at("toy", "a IC b", "IC"), 1 + 2 + 8);
	assert_int_equal(color_at("toy", "a rgb b", "rgb"), 1 + 2);
	assert_int_equal(color_at("toy", "a lm b", "lm"), 1 + 2 + 8);
	assert_int_equal(color_at("toy", "a bad b", "bad"), 0);
	assert_int_equal(color_at("toy", "a \"q\" two", "\"q\""), 1 + 6);
	assert_int_equal(color_at("toy", "a \"q\" two", "two"), 1 + 6);
	assert_int_equal(color_at("toy", "a << x\ny\nz >> kw", "y"), 1 + 3);
	assert_int_equal(color_at("toy", "a << x\ny\nz >> kw", "kw"), 1 + 1);
	assert_int_equal(color_at("toy", "a << x >> kw", "kw"), 1 + 1);
	/* a word boundary is judged on the whole line, not where a search resumes */
	assert_int_equal(color_at("toy", "a kwx b", "kwx"), 0);
	assert_int_equal(color_at("toy", "kw kwkw", "kwkw"), 0);
}

/* Model output is untrusted: long lines stay plain, matches per line are capped, time is bounded. */
static void
test_bounded(void **state)
{
	struct hl_span sp[4096];
	unsigned int st = 0;
	char *line;
	size_t n;
	clock_t t0;
	int i;

	(void)state;
	use_dir(tmpdir);
	put_file("dots.nanorc", "color red \".\"\ncolor green \"x*\"\ncolor blue \"(a|aa)*b\"\n");
	line = xmalloc(HL_LINE_MAX + 2);
	memset(line, 'a', HL_LINE_MAX + 1);
	line[HL_LINE_MAX + 1] = '\0';
	assert_int_equal(hl_line(hl_syntax(S_("dots")), line, HL_LINE_MAX + 1, &st, sp, nitems(sp)),
	    0);
	/* one match per byte: the cap leaves the end of the line plain */
	memset(line, 'z', HL_LINE_MAX);
	n = hl_line(hl_syntax(S_("dots")), line, HL_LINE_MAX, &st, sp, nitems(sp));
	assert_true(n >= 1);
	assert_true(sp[n - 1].off + sp[n - 1].len < HL_LINE_MAX);
	/* spans are capped by the room given */
	memcpy(line, "zazazaza", 8);
	assert_true(hl_line(hl_syntax(S_("dots")), line, 8, &st, sp, 2) <= 2);
	/* a hundred long pathological lines highlight in well under a second */
	memset(line, 'a', HL_LINE_MAX);
	t0 = clock();
	for (i = 0; i < 100; i++)
		(void)hl_line(hl_syntax(S_("dots")), line, HL_LINE_MAX, &st, sp, nitems(sp));
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 1.0);
	free(line);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_languages),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_markdown),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_bounded),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return cmocka_run_group_tests(tests, setup_tmp, teardown_tmp);
}
