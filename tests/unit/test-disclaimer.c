/* test-disclaimer.c: unit tests for the reliance notices (disclaimer.c) and the shipped rules. */
#include "common.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "buf.h"
#include "disclaimer.h"
#include "disclaimer-internal.h"

/* A string literal as pointer and length. */
#define S(lit) (lit), (sizeof(lit) - 1)

/* The shipped rules, assets/disclaimers.ini, loaded once. */
static struct disclaimer_rules *shipped;

/* assets/disclaimers.ini parsed, or NULL (said on stderr). */
static struct disclaimer_rules *
load_shipped(void)
{
	const char *dir = getenv("CONFAB_DATADIR");
	char *path, *cause = NULL;
	struct disclaimer_rules *r = NULL;
	struct buf b;

	if (dir == NULL) {
		fprintf(stderr, "CONFAB_DATADIR must name the assets directory\n");
		return NULL;
	}
	path = xasprintf("%s/disclaimers.ini", dir);
	buf_init(&b, 0);
	if (buf_read_file(&b, path, &cause) != 0 ||
	    (r = disclaimer_rules_parse(b.data, b.len, &cause)) == NULL) {
		fprintf(stderr, "%s: %s\n", path, cause);
		free(cause);
	}
	buf_release(&b);
	free(path);
	return r;
}

static int
setup_shipped(void **state)
{
	shipped = load_shipped();
	return shipped != NULL ? 0 : -1;
}

static int
teardown_shipped(void **state)
{
	disclaimer_rules_free(shipped);
	return 0;
}

/* The ids picked, comma-separated ("general,medical"), in a static buffer. */
static const char *
ids_end(const struct disclaimer_rules *r, const char *prompt, const char *answer,
    enum disclaimer_end end)
{
	static char out[512];
	const struct disclaimer *d[DISCLAIMER_MAX];
	size_t n, i, o = 0;

	n = disclaimer_pick(r, prompt, prompt != NULL ? strlen(prompt) : 0, answer,
	    answer != NULL ? strlen(answer) : 0, end, d);
	assert_true(n >= 1 && n <= DISCLAIMER_MAX);
	out[0] = '\0';
	for (i = 0; i < n; i++)
		o += (size_t)snprintf(out + o, sizeof out - o, "%s%s", i > 0 ? "," : "", d[i]->id);
	return out;
}

static const char *
ids(const char *prompt, const char *answer)
{
	return ids_end(shipped, prompt, answer, DISCLAIMER_END_COMPLETE);
}

/* prompt alone gets general and the topic; so does the same text as the answer. */
#define FIRES(prompt, topic) \
	do { \
		assert_string_equal(ids((prompt), "Sure."), "general," topic); \
		assert_string_equal(ids("Tell me.", (prompt)), "general," topic); \
	} while (0)

#define QUIET(text) assert_string_equal(ids((text), (text)), "general")

/* Rules from a literal; the test fails when they do not parse. */
static struct disclaimer_rules *
parse_ok(const char *text)
{
	char *cause = NULL;
	struct disclaimer_rules *r = disclaimer_rules_parse(text, strlen(text), &cause);

	if (r == NULL)
		fail_msg("%s", cause);
	return r;
}

/* ---- the shipped rules ------------------------------------------------------------ */

static void
test_general_always(void **state)
{
	const struct disclaimer *d[DISCLAIMER_MAX];

	QUIET("Hello! What is the capital of France?");
	QUIET("");
	assert_string_equal(ids(NULL, NULL), "general");
	assert_int_equal(disclaimer_pick(shipped, S("hi"), S("hello"), DISCLAIMER_END_COMPLETE, d),
	    1);
	assert_string_equal(d[0]->clause, "III.4");
	assert_false(d[0]->strong);
	assert_true(strlen(d[0]->text) > 20 && strlen(d[0]->text) < 120);
}

static void
test_medical(void **state)
{
	const struct disclaimer *d[DISCLAIMER_MAX];

	FIRES("what dose of ibuprofen", "medical");
	FIRES("What DOSE of Ibuprofen?", "medical");
	FIRES("Is 400mg a safe dosage for a child?", "medical");
	FIRES("side effects of this medication", "medical");
	FIRES("I was diagnosed with diabetes last year", "medical");
	FIRES("My doctor said my blood\n   pressure is high", "medical");
	FIRES("should I go to the hospital?", "medical");
	FIRES("Symptoms: fever and a headache.", "medical");
	FIRES("药物剂量是多少", "medical");
	FIRES("请问，布洛芬的副作用有哪些？", "medical");
	FIRES("我怀孕了，可以吃药吗", "medical");
	FIRES("他有高血压", "medical");
	FIRES("服药dose", "medical");
	disclaimer_pick(shipped, S("what dose of ibuprofen"), S(""), DISCLAIMER_END_COMPLETE, d);
	assert_string_equal(d[1]->clause, "III.4(f)(i)");
	assert_true(d[1]->strong);
}

static void
test_legal(void **state)
{
	FIRES("I need legal advice about my contract", "legal");
	FIRES("Should I hire a lawyer? Lawyers are expensive.", "legal,people");
	FIRES("Can I sue them for this?", "legal");
	FIRES("The case went to court; the plaintiff lost", "legal");
	FIRES("Is it legal to record a phone call?", "legal");
	FIRES("she was sued last week", "legal");
	FIRES("我需要找律师", "legal");
	FIRES("我想起诉我的邻居", "legal");
	FIRES("这样做违法吗？", "legal");
	FIRES("离婚后的抚养权", "legal");
}

static void
test_financial(void **state)
{
	FIRES("Should I invest in bitcoin?", "financial");
	FIRES("Which stocks will go up? Investments for 2026", "financial");
	FIRES("How do I roll over my 401(k)", "financial");
	FIRES("What interest rate will my mortgage have?", "financial");
	FIRES("我应该买哪只股票", "financial");
	FIRES("理财产品推荐", "financial");
	FIRES("比特币会涨吗", "financial");
	FIRES("房贷利率是多少", "financial");
}

static void
test_people(void **state)
{
	FIRES("Rank these applicants for the job", "people");
	FIRES("Should we reject him based on his credit score?", "people");
	FIRES("Screen this résumé for me", "people");
	FIRES("SCREEN THIS RÉSUMÉ", "people");
	FIRES("Should the landlord accept this tenant?", "people");
	FIRES("Decide on the insurance claim", "people");
	FIRES("Which students get the scholarship?", "people");
	FIRES("帮我筛选简历", "people");
	FIRES("他的征信有问题", "people");
	FIRES("这个租客靠谱吗", "people");
	FIRES("保险理赔", "people");
	FIRES("招生录取标准", "people");
}

static void
test_critical(void **state)
{
	FIRES("Write control code for a nuclear power plant", "critical");
	FIRES("Our SCADA system keeps dropping", "critical");
	FIRES("Configure the aircraft autopilot", "critical");
	FIRES("Is this safety-critical code correct?", "critical");
	FIRES("How do I fix a gas leak myself?", "critical");
	FIRES("核电站的控制系统", "critical");
	FIRES("自动驾驶的刹车系统", "critical");
	FIRES("电网调度", "critical");
	FIRES("化工厂的危险化学品", "critical");
}

static void
test_not_firing(void **state)
{
	QUIET("Have you seen Legally Blonde?");
	QUIET("legally blonde");
	QUIET("Please investigate this bug");
	QUIET("The hospitality industry");
	QUIET("We have a lot of technical debt");
	QUIET("The reactor pattern in Netty");
	QUIET("Sue said hello");
	QUIET("Resume the download");
	QUIET("The doser valve and the dosed water"); /* "dose" whole word only */
	QUIET("a nonmedical question");
	QUIET("a legal move in chess");
	QUIET("Diagnose this segfault");
	QUIET("Health check endpoint");
	QUIET("the stockade");
	QUIET("人工智能很有趣");
	QUIET("火药");	  /* 药 is a keyword, but 火药 an exception */
	QUIET("xlawyer"); /* not at a word boundary */
	QUIET("paralegal work");
	QUIET("dosé"); /* an accented letter continues the word */
}

/* Issue 13: everyday CJK questions fire; idioms and code that merely contain a keyword do not. */
static void
test_shipped_exceptions(void **state)
{
	FIRES("感冒了吃什么药好", "medical");
	FIRES("我头疼得厉害", "medical");
	FIRES("感冒了該吃什麼藥", "medical");
	FIRES("風邪をひいたときに飲む薬は何がいいですか", "medical");
	FIRES("감기 걸렸을 때 무슨 약을 먹어야 해요?", "medical");
	FIRES("音响发烧友的孩子发烧了", "medical"); /* outside the exception */
	QUIET("保险起见，我还是带把伞吧");
	QUIET("我是个音响发烧友");
	QUIET("下周坐飞机去上海");
	QUIET("帮我写一份基金会的年度总结");
	QUIET("航空券を安く買う方法");
	QUIET("这个bug真让人头疼");
	QUIET("火药是谁发明的");
	QUIET("서울 아파트 추천");		   /* 아파 (hurts) inside 아파트 (flat) */
	QUIET("pytest: test_patients_list fails"); /* '_' joins an identifier */
	QUIET("rename the hospital_id column");
	QUIET("flutter doctor says android license status unknown");
	QUIET("a fever dream of nested callbacks");
	QUIET("write a poem about investing time in friendships");
	FIRES("investing time and money in index funds", "financial");
	FIRES("hospital id card", "medical");
}

static void
test_boundaries(void **state)
{
	FIRES("dose", "medical"); /* the whole text */
	FIRES("(dose)", "medical");
	FIRES("dose.", "medical");
	FIRES("\"doses\"", "medical");
	FIRES("doctor's orders", "medical");
	FIRES("dose-response", "medical");
	FIRES("ibuprofen药物", "medical");
	FIRES("剂量dose", "medical");
	FIRES("\tDOSE\r\n", "medical");
	FIRES("\x1b[1m dose\x1b[m", "medical"); /* escapes are punctuation */
	FIRES("\xff"
	      "dose\xfe",
	    "medical"); /* invalid bytes separate */
	FIRES("dose\xe2\x80\x94"
	      "and",
	    "medical"); /* an em dash separates */
	QUIET("d\xc3\xb6se");
	/* both texts count */
	assert_string_equal(ids("what dose", "Buy stocks."), "general,medical,financial");
	/* every topic at once, in file order */
	assert_string_equal(ids("dose lawyer", "stocks applicants nuclear"),
	    "general,medical,legal,financial,people,critical");
}

static void
test_end_states(void **state)
{
	static const struct {
		enum disclaimer_end end;
		const char *id;
		bool strong;
	} t[] = {
		{ DISCLAIMER_END_LENGTH, "end-length", true },
		{ DISCLAIMER_END_FILTERED, "end-filtered", true },
		{ DISCLAIMER_END_INTERRUPTED, "end-interrupted", false },
		{ DISCLAIMER_END_BROKEN, "end-broken", true },
	};
	const struct disclaimer *d[DISCLAIMER_MAX];
	char want[64];
	size_t i, n;

	assert_string_equal(ids_end(shipped, "hi", "ok", DISCLAIMER_END_COMPLETE), "general");
	for (i = 0; i < nitems(t); i++) {
		snprintf(want, sizeof want, "general,%s", t[i].id);
		assert_string_equal(ids_end(shipped, "hi", "ok", t[i].end), want);
		snprintf(want, sizeof want, "general,medical,%s", t[i].id);
		assert_string_equal(ids_end(shipped, "dose", "", t[i].end), want);
		n = disclaimer_pick(shipped, S("hi"), S(""), t[i].end, d);
		assert_int_equal(n, 2);
		assert_string_equal(d[1]->clause, "III.4(a)(i)");
		assert_int_equal(d[1]->strong, t[i].strong);
	}
	assert_string_equal(ids_end(shipped, "dose lawyer stocks applicants nuclear", "",
				DISCLAIMER_END_LENGTH),
	    "general,medical,legal,financial,people,critical,end-length");
}

/* Each topic cites its clause of III.4(f); all texts are short. */
static void
test_clauses(void **state)
{
	static const struct {
		const char *prompt, *clause;
	} t[] = {
		{ "dose", "III.4(f)(i)" },
		{ "lawyer", "III.4(f)(i)" },
		{ "stocks", "III.4(f)(ii)" },
		{ "applicants", "III.4(f)(iii)" },
		{ "nuclear", "III.4(f)(iv)" },
	};
	const struct disclaimer *d[DISCLAIMER_MAX];
	size_t i;

	for (i = 0; i < nitems(t); i++) {
		assert_int_equal(disclaimer_pick(shipped, t[i].prompt, strlen(t[i].prompt), NULL, 0,
				     DISCLAIMER_END_COMPLETE, d),
		    2);
		assert_string_equal(d[1]->clause, t[i].clause);
		assert_true(d[1]->strong);
		assert_true(strlen(d[1]->text) < 120);
	}
}

/* A keyword at the very end of a 1 MiB prompt and of a 4 MiB answer is found. */
static void
test_big_texts(void **state)
{
	size_t plen = (size_t)1 << 20, alen = (size_t)4 << 20, i;
	char *p = xmalloc(plen + 1), *a = xmalloc(alen + 1);
	const struct disclaimer *d[DISCLAIMER_MAX];

	for (i = 0; i < plen; i++)
		p[i] = "the quick brown fox jumps over a lazy dog. "[i % 43];
	for (i = 0; i < alen; i++)
		a[i] = "Lorem ipsum dolor sit amet, 中文文本 consectetur.\n"[i % 52];
	memcpy(p + plen - 5, " dose", 5);
	assert_int_equal(disclaimer_pick(shipped, p, plen, a, alen, DISCLAIMER_END_COMPLETE, d), 2);
	memcpy(p + plen - 5, "     ", 5);
	memcpy(a + alen - 7, " 核电站", 7);
	assert_int_equal(disclaimer_pick(shipped, p, plen, a, alen, DISCLAIMER_END_COMPLETE, d), 2);
	assert_string_equal(d[1]->id, "critical");
	free(p);
	free(a);
}

/* ---- matching rules from custom files ------------------------------------------------- */

#define GENERAL "[general]\nclause = III.4\ntext = Check it.\n"

static void
test_whole_words_and_stems(void **state)
{
	struct disclaimer_rules *r = parse_ok(
	    GENERAL "[legal]\nclause = c\ntext = t\n"
		    "keywords = legal\n[stem]\nclause = c\ntext = t\nkeywords = legal*\n");

	assert_string_equal(ids_end(r, "legal", "", 0), "general,legal,stem");
	assert_string_equal(ids_end(r, "legally blonde", "", 0), "general,stem");
	assert_string_equal(ids_end(r, "paralegal", "", 0), "general");
	assert_string_equal(ids_end(r, "LEGAL!", "", 0), "general,legal,stem");
	disclaimer_rules_free(r);

	r = parse_ok(GENERAL "[k]\nclause = c\ntext = t\nkeywords = 401(k), blood  pressure, "
			     "x-ray, 药物\n");
	assert_string_equal(ids_end(r, "my 401 k", "", 0), "general,k");
	assert_string_equal(ids_end(r, "my 401-k", "", 0), "general,k");
	assert_string_equal(ids_end(r, "4401(k)", "", 0), "general");
	assert_string_equal(ids_end(r, "Blood\n\nPressure", "", 0), "general,k");
	assert_string_equal(ids_end(r, "an X-Ray", "", 0), "general,k");
	assert_string_equal(ids_end(r, "an xray", "", 0), "general");
	disclaimer_rules_free(r);

	/* a word right after CJK starts after a space; one right before it ends */
	r = parse_ok(GENERAL "[k]\nclause = c\ntext = t\nkeywords = dose, take it\n");
	assert_string_equal(ids_end(r, "服dose", "", 0), "general,k");
	assert_string_equal(ids_end(r, "服dose服", "", 0), "general,k");
	assert_string_equal(ids_end(r, "take服it", "", 0), "general");
	assert_string_equal(ids_end(r, "服overdose", "", 0), "general");
	assert_string_equal(ids_end(r, "服doses", "", 0), "general");
	disclaimer_rules_free(r);

	/* Latin-1, Greek and Cyrillic capitals fold; their letters make words */
	r = parse_ok(GENERAL "[k]\nclause = c\ntext = t\nkeywords = café, φαρμακο, лекарств*\n");
	assert_string_equal(ids_end(r, "CAFÉ!", "", 0), "general,k");
	assert_string_equal(ids_end(r, "cafés", "", 0), "general");
	assert_string_equal(ids_end(r, "ΦΑΡΜΑΚΟ", "", 0), "general,k");
	assert_string_equal(ids_end(r, "ЛЕКАРСТВА", "", 0), "general,k");
	assert_string_equal(ids_end(r, "нелекарственный", "", 0), "general");
	assert_string_equal(ids_end(r, "Лекарство от кашля", "", 0), "general,k");
	assert_string_equal(ids_end(r, "лекарствами", "", 0), "general,k");
	assert_string_equal(ids_end(r, "Лекарство中文", "", 0), "general,k");
	disclaimer_rules_free(r);
}

/* Shared prefixes and suffixes of keywords: the automaton's failure links. */
static void
test_overlapping_keywords(void **state)
{
	struct disclaimer_rules *r = parse_ok(
	    GENERAL "[a]\nclause = c\ntext = t\nkeywords = he, 药物剂量\n"
		    "[b]\nclause = c\ntext = t\nkeywords = she, hers, 剂量\n"
		    "[c]\nclause = c\ntext = t\nkeywords = his, ushers\n"
		    "[d]\nclause = c\ntext = t\nkeywords = blood pressure\n"
		    "[e]\nclause = c\ntext = t\nkeywords = pressure cooker\n");

	assert_string_equal(ids_end(r, "ushers", "", 0), "general,c");
	assert_string_equal(ids_end(r, "she", "", 0), "general,b");
	assert_string_equal(ids_end(r, "he", "", 0), "general,a");
	assert_string_equal(ids_end(r, "his hers", "", 0), "general,b,c");
	assert_string_equal(ids_end(r, "药物剂", "", 0), "general");
	assert_string_equal(ids_end(r, "药物剂量", "", 0), "general,a,b");
	assert_string_equal(ids_end(r, "药剂量", "", 0), "general,b");
	assert_string_equal(ids_end(r, "blood pressure cooker", "", 0), "general,d,e");
	assert_string_equal(ids_end(r, "blood pressur", "", 0), "general");
	assert_string_equal(ids_end(r, "blood pressure", "", 0), "general,d");
	assert_string_equal(ids_end(r, "blood  pressure cooker", "", 0), "general,d,e");
	disclaimer_rules_free(r);
}

/* At most DISCLAIMER_MAX notices; the end notice is never crowded out. */
static void
test_cap(void **state)
{
	struct buf b;
	struct disclaimer_rules *r;
	const struct disclaimer *d[DISCLAIMER_MAX];
	size_t n;
	int i;

	buf_init(&b, 0);
	buf_adds(&b, GENERAL "[end-broken]\nclause = c\ntext = broken\n");
	for (i = 0; i < 12; i++)
		buf_addf(&b, "[t%d]\nclause = c\ntext = t\nkeywords = word\n", i);
	r = parse_ok(b.data);
	n = disclaimer_pick(r, S("word"), NULL, 0, DISCLAIMER_END_BROKEN, d);
	assert_int_equal(n, DISCLAIMER_MAX);
	assert_string_equal(d[0]->id, "general");
	assert_string_equal(d[1]->id, "t0");
	assert_string_equal(d[DISCLAIMER_MAX - 1]->id, "end-broken");
	/* an end the file does not describe adds nothing */
	n = disclaimer_pick(r, S("hi"), NULL, 0, DISCLAIMER_END_LENGTH, d);
	assert_int_equal(n, 1);
	disclaimer_rules_free(r);
	buf_release(&b);
}

static void
test_fallback(void **state)
{
	struct disclaimer_rules *r = disclaimer_rules_fallback();
	const struct disclaimer *a[DISCLAIMER_MAX], *b[DISCLAIMER_MAX];
	enum disclaimer_end e;
	size_t i, n;

	/* the built-in notices say what the shipped ones say */
	for (e = DISCLAIMER_END_COMPLETE; e <= DISCLAIMER_END_BROKEN; e++) {
		n = disclaimer_pick(r, S("hi"), NULL, 0, e, a);
		assert_int_equal(disclaimer_pick(shipped, S("hi"), NULL, 0, e, b), n);
		for (i = 0; i < n; i++) {
			assert_string_equal(a[i]->id, b[i]->id);
			assert_string_equal(a[i]->clause, b[i]->clause);
			assert_string_equal(a[i]->text, b[i]->text);
			assert_int_equal(a[i]->strong, b[i]->strong);
		}
	}

	assert_string_equal(ids_end(r, "what dose of ibuprofen", "", 0), "general");
	assert_string_equal(ids_end(r, "hi", "", DISCLAIMER_END_LENGTH), "general,end-length");
	assert_string_equal(ids_end(r, "hi", "", DISCLAIMER_END_FILTERED), "general,end-filtered");
	assert_string_equal(ids_end(r, "hi", "", DISCLAIMER_END_INTERRUPTED),
	    "general,end-interrupted");
	assert_string_equal(ids_end(r, "hi", "", DISCLAIMER_END_BROKEN), "general,end-broken");
	disclaimer_rules_free(r);
	disclaimer_rules_free(NULL);
}

static void
test_file_syntax(void **state)
{
	struct disclaimer_rules *r;

	/* a BOM, CRLF, comments, blanks, a trailing comma, keywords repeated */
	r = parse_ok(
	    "\xef\xbb\xbf# comment\r\n; another\r\n\r\n  [general]  \r\n"
	    "clause=III.4\r\n  text   =  Check it.  \r\nstrong = no\r\n"
	    "[med]\nclause = c\ntext = t\nstrong = yes\nkeywords = dose,\nkeywords = ,pill ,\n");
	assert_string_equal(ids_end(r, "a pill", "", 0), "general,med");
	assert_string_equal(ids_end(r, "a dose", "", 0), "general,med");
	disclaimer_rules_free(r);
	r = parse_ok(GENERAL);
	assert_string_equal(ids_end(r, "dose", "", 0), "general");
	disclaimer_rules_free(r);
}

static void
test_parse_errors(void **state)
{
	static const struct {
		const char *text, *cause;
	} t[] = {
		{ "", "no [general] section" },
		{ "# only a comment\n", "no [general] section" },
		{ "clause = x\n" GENERAL, "line 1: 'clause' before any [section]" },
		{ GENERAL "colour = red\n", "line 4: unknown key 'colour'" },
		{ GENERAL "strong = maybe\n", "line 4: strong is 'yes' or 'no', not 'maybe'" },
		{ GENERAL "[general]\n", "line 4: section [general] again (first on line 1)" },
		{ GENERAL "text = again\n", "line 4: 'text' given twice in [general]" },
		{ GENERAL "[med]\nclause = c\ntext = t\n", "line 4: [med] has no keywords" },
		{ GENERAL "keywords = dose\n", "line 1: [general] takes no keywords" },
		{ GENERAL "[end-late]\nclause = c\ntext = t\n",
		    "line 4: unknown section [end-late]" },
		{ GENERAL "[end-length]\nclause = c\ntext = t\nkeywords = x\n",
		    "line 4: [end-length] takes no keywords" },
		{ GENERAL "[Medical]\n", "line 4: section '[Medical]': names are lower-case" },
		{ GENERAL "[med\n", "line 4: a section line is '[name]'" },
		{ GENERAL "[]\n", "line 4: a section line is '[name]'" },
		{ GENERAL "just words\n", "line 4: expected '[section]' or 'key = value'" },
		{ "[general]\ntext = t\n", "line 1: [general] has no clause" },
		{ "[general]\nclause = c\n", "line 1: [general] has no text" },
		{ "[general]\nclause = c\ntext =\n", "line 3: 'text' must be one line" },
		{ "[general]\nclause = c\ntext = a\tb\n", "line 3: 'text' must be one line" },
		{ GENERAL "[m]\nclause = c\ntext = t\nkeywords = *dose\n",
		    "line 7: keyword '*dose': '*' goes only at the end" },
		{ GENERAL "[m]\nclause = c\ntext = t\nkeywords = ...\n",
		    "line 7: keyword '...' has no letters" },
		{ GENERAL "[m]\nclause = c\ntext = t\nkeywords = 药物*\n",
		    "line 7: keyword '药物*': '*' must follow a letter or digit" },
		{ GENERAL "[m]\nclause = c\ntext = t\nkeywords = dose.*\n",
		    "line 7: keyword 'dose.*': '*' must follow" },
		{ GENERAL "\n\ntext = caf\xe9\n", "line 6: not valid UTF-8" },
		{ GENERAL "except = 保险起见\n", "line 1: [general] takes no keywords" },
		{ GENERAL "[m]\nclause = c\ntext = t\nexcept = 保险起见\n",
		    "line 4: [m] has exceptions but no keywords" },
		{ GENERAL "[m]\nclause = c\ntext = t\nexcept = *起见\n",
		    "line 7: keyword '*起见': '*' goes only at the end" },
	};
	char *cause;
	size_t i;

	for (i = 0; i < nitems(t); i++) {
		cause = NULL;
		assert_null(disclaimer_rules_parse(t[i].text, strlen(t[i].text), &cause));
		assert_non_null(cause);
		if (strncmp(cause, t[i].cause, strlen(t[i].cause)) != 0)
			fail_msg("case %zu: got '%s', want '%s...'", i, cause, t[i].cause);
		free(cause);
	}
}

static void
test_parse_limits(void **state)
{
	struct buf b;
	char *cause = NULL, *kw;
	int i;

	/* a NUL byte */
	assert_null(disclaimer_rules_parse(S(GENERAL "\n\0[x]\n"), &cause));
	assert_string_equal(cause, "line 5: a NUL byte");
	free(cause);

	/* 33 sections */
	buf_init(&b, 0);
	buf_adds(&b, GENERAL);
	for (i = 0; i < 32; i++)
		buf_addf(&b, "[t%d]\nclause = c\ntext = t\nkeywords = w\n", i);
	assert_null(disclaimer_rules_parse(b.data, b.len, &cause));
	assert_string_equal(cause, "line 128: too many sections (the limit is 32)");
	free(cause);

	/* a keyword too long */
	buf_reset(&b);
	kw = xmalloc(202);
	memset(kw, 'a', 201);
	kw[201] = '\0';
	buf_addf(&b, GENERAL "[m]\nclause = c\ntext = t\nkeywords = %s\n", kw);
	assert_null(disclaimer_rules_parse(b.data, b.len, &cause));
	assert_string_equal(cause, "line 7: a keyword is longer than 200 bytes");
	free(cause);

	/* an exception phrase too long once normalised */
	buf_reset(&b);
	buf_adds(&b, GENERAL "[m]\nclause = c\ntext = t\nkeywords = a\nexcept = ");
	for (i = 0; i < 45; i++)
		buf_adds(&b, "a中");
	buf_addc(&b, '\n');
	assert_null(disclaimer_rules_parse(b.data, b.len, &cause));
	assert_true(strncmp(cause, "line 8: the exception 'a中a中", 27) == 0);
	assert_non_null(strstr(cause, "is longer than 255 bytes normalised"));
	free(cause);

	/* too many keywords for the automaton */
	buf_reset(&b);
	buf_adds(&b, GENERAL "[m]\nclause = c\ntext = t\n");
	for (i = 0; i < 7000; i++)
		buf_addf(&b, "keywords = w%07d\n", i);
	assert_null(disclaimer_rules_parse(b.data, b.len, &cause));
	assert_true(strncmp(cause, "the keywords are too many", 25) == 0);
	free(cause);

	/* a text too long */
	buf_reset(&b);
	buf_adds(&b, "[general]\nclause = c\ntext = ");
	for (i = 0; i < 1001; i++)
		buf_addc(&b, 'x');
	assert_null(disclaimer_rules_parse(b.data, b.len, &cause));
	assert_string_equal(cause,
	    "line 3: 'text' must be one line of 1 to 1000 bytes without "
	    "control characters");
	free(cause);
	free(kw);
	buf_release(&b);
}

/* ---- exceptions ----------------------------------------------------------------------- */

#define EXCEPTS GENERAL "[m]\nclause = c\ntext = t\n"

static void
test_exceptions(void **state)
{
	struct disclaimer_rules *r = parse_ok(
	    EXCEPTS "keywords = 保险, 发烧, loans, loan*, fever\n"
		    "except = 保险起见, 音响发烧友, the loans table, loans table*, fever dream\n"
		    "[n]\nclause = c\ntext = t\nkeywords = table\n");

	/* inside a phrase: no notice; the same keyword outside one: the notice */
	assert_string_equal(ids_end(r, "保险起见，带把伞", "", 0), "general");
	assert_string_equal(ids_end(r, "保险起见，买份保险吧", "", 0), "general,m");
	assert_string_equal(ids_end(r, "买份保险吧，保险起见", "", 0), "general,m");
	assert_string_equal(ids_end(r, "我是音响发烧友", "", 0), "general");
	assert_string_equal(ids_end(r, "音响发烧", "", 0), "general,m");
	assert_string_equal(ids_end(r, "孩子发烧了", "", 0), "general,m");
	/* words: the phrase covers the keyword and its stem, whole words only */
	assert_string_equal(ids_end(r, "SELECT * FROM the loans   table;", "", 0), "general,n");
	assert_string_equal(ids_end(r, "the loans tables", "", 0), "general");
	assert_string_equal(ids_end(r, "loans tablespace", "", 0), "general");
	assert_string_equal(ids_end(r, "the loans, table", "", 0), "general,n");
	assert_string_equal(ids_end(r, "loans tab", "", 0), "general,m");
	assert_string_equal(ids_end(r, "overdue loans from the loans table", "", 0), "general,m,n");
	assert_string_equal(ids_end(r, "a fever dream", "", 0), "general");
	assert_string_equal(ids_end(r, "a fever dreamer", "", 0), "general,m");
	assert_string_equal(ids_end(r, "a fever", "", 0), "general,m");
	/* a phrase covers matches of its own topic only, in its own text */
	assert_string_equal(ids_end(r, "the loans", "table", 0), "general,m,n");
	assert_string_equal(ids_end(r, "fever", "fever dream", 0), "general,m");
	assert_string_equal(ids_end(r, "fever dream", "fever dream", 0), "general");
	/* CJK next to words, many matches in a row */
	assert_string_equal(ids_end(r, "保险起见保险起见保险起见loans tables", "", 0), "general");
	assert_string_equal(ids_end(r, "保险起见保险起见保险起见loans tables保险", "", 0),
	    "general,m");
	disclaimer_rules_free(r);
}

/*
 * The matcher against a slow reference on random texts and rules over a
 * small alphabet, so keywords and phrases overlap in every way: a keyword
 * occurrence counts unless a phrase occurrence of its topic spans it.
 */
static bool
ref_at(const char *t, size_t tlen, size_t at, const char *p, size_t plen)
{
	return at + plen <= tlen && memcmp(t + at, p, plen) == 0;
}

static bool
ref_fires(const char *t, char kw[][12], size_t nkw, char ex[][12], size_t nex)
{
	size_t tlen = strlen(t), i, j, a, b, kl, el;

	for (i = 0; i < nkw; i++) {
		kl = strlen(kw[i]);
		for (a = 0; a + kl <= tlen; a++) {
			bool covered = false;

			if (!ref_at(t, tlen, a, kw[i], kl))
				continue;
			for (j = 0; j < nex && !covered; j++) {
				el = strlen(ex[j]);
				for (b = a + kl >= el ? a + kl - el : 0; b <= a && !covered; b++)
					covered = ref_at(t, tlen, b, ex[j], el);
			}
			if (!covered)
				return true;
		}
	}
	return false;
}

/* A random word of 1 to 3 letters of "ab", with a '*' now and then when star. */
static void
rand_word(char *out, bool star, unsigned int *seed)
{
	size_t n = 1 + (size_t)rand_r(seed) % 3, i;

	for (i = 0; i < n; i++)
		out[i] = (char)('a' + rand_r(seed) % 2);
	if (star && rand_r(seed) % 3 == 0)
		out[n++] = '*';
	out[n] = '\0';
}

/* The normalised form of a keyword: " w " or " w" for "w*"; "w1 w2" for two words. */
static void
ref_norm(char *out, const char *w1, const char *w2)
{
	size_t n;

	if (w2 == NULL)
		snprintf(out, 12, " %s", w1);
	else
		snprintf(out, 12, " %s %s", w1, w2);
	n = strlen(out);
	if (out[n - 1] == '*')
		out[n - 1] = '\0';
	else
		snprintf(out + n, 12 - n, " ");
}

static void
test_exceptions_random(void **state)
{
	char kw[4][12], ex[4][12], w1[8], w2[8], text[64], norm[80];
	unsigned int seed = 20261207;
	size_t nkw, nex, i, j, k, n, o;
	struct buf b;
	struct disclaimer_rules *r;
	bool want;

	buf_init(&b, 0);
	for (k = 0; k < 2000; k++) {
		buf_reset(&b);
		buf_adds(&b, EXCEPTS "keywords = ");
		nkw = 1 + (size_t)rand_r(&seed) % 3;
		nex = 1 + (size_t)rand_r(&seed) % 3;
		for (i = 0; i < nkw; i++) {
			rand_word(w1, true, &seed);
			buf_addf(&b, "%s%s", i > 0 ? ", " : "", w1);
			ref_norm(kw[i], w1, NULL);
		}
		buf_adds(&b, "\nexcept = ");
		for (i = 0; i < nex; i++) {
			rand_word(w1, false, &seed);
			rand_word(w2, true, &seed);
			buf_addf(&b, "%s%s %s", i > 0 ? ", " : "", w1, w2);
			ref_norm(ex[i], w1, w2);
		}
		buf_addc(&b, '\n');
		r = parse_ok(b.data);
		for (j = 0; j < 20; j++) {
			n = (size_t)rand_r(&seed) % 40;
			for (i = 0; i < n; i++)
				text[i] = "ab  ,"[rand_r(&seed) % 5];
			text[n] = '\0';
			/* the reference reads the text as the matcher does: " a b " */
			norm[0] = ' ';
			for (i = 0, o = 1; i < n; i++)
				if (text[i] != ' ' && text[i] != ',')
					norm[o++] = text[i];
				else if (norm[o - 1] != ' ')
					norm[o++] = ' ';
			if (norm[o - 1] != ' ')
				norm[o++] = ' ';
			norm[o] = '\0';
			want = ref_fires(norm, kw, nkw, ex, nex);
			/* twice: the table's entries computed, then kept */
			for (i = 0; i < 2; i++)
				if (strcmp(ids_end(r, text, "", 0),
					want ? "general,m" : "general") != 0)
					fail_msg("rules '%s', text '%s': want %s", b.data, text,
					    want ? "m" : "none");
		}
		disclaimer_rules_free(r);
	}
	buf_release(&b);
}

/*
 * The transition table, filled as it is used, against its definition: from
 * the state of the columns w, on column c, the state of the longest suffix
 * of w c that is a path of the trie (the root for none). Each state's w is
 * rebuilt from the trie; the entries of every third state are checked on
 * all columns when computed, then as kept, and the numbering: the states
 * where something ends are exactly those below hot, the root is hot.
 */
static size_t
ref_path(const struct disclaimer_rules *r, const unsigned char *w, size_t n)
{
	size_t u = r->root, v, i;

	for (i = 0; i < n; i++) {
		for (v = r->child[u]; v != 0 && r->ecol[v] != w[i]; v = r->sib[v])
			;
		if (v == 0)
			return 0;
		u = v;
	}
	return u;
}

static void
test_lazy_table(void **state)
{
	struct disclaimer_rules *r = load_shipped();
	size_t n, u, v, c, k, d, i, want, pass, head = 0, tail = 0, checked = 0;
	uint16_t *parent, *order;
	size_t *depth;
	unsigned char w[1024];

	assert_non_null(r);
	n = r->nstates;
	assert_int_equal(r->root, r->hot);
	for (u = 1; u <= n; u++)
		assert_int_equal(r->mask[u] != 0 || r->evat[u] != 0, u < r->hot);
	parent = xcalloc(n + 1, sizeof *parent);
	order = xcalloc(n + 1, sizeof *order);
	depth = xcalloc(n + 1, sizeof *depth);
	order[tail++] = (uint16_t)r->root;
	while (head < tail) {
		u = order[head++];
		for (v = r->child[u]; v != 0; v = r->sib[v]) {
			parent[v] = (uint16_t)u;
			depth[v] = depth[u] + 1;
			order[tail++] = (uint16_t)v;
		}
	}
	assert_int_equal(tail, n); /* every state is in the trie once */
	for (pass = 0; pass < 2; pass++)
		for (k = 0; k < n; k += 3) {
			u = order[k];
			d = depth[u];
			assert_true(d < sizeof w);
			for (v = u, i = d; v != r->root; v = parent[v])
				w[--i] = r->ecol[v];
			for (c = 1; c < r->ncols; c++) {
				w[d] = (unsigned char)c;
				for (i = 0, want = 0; i <= d && want == 0; i++)
					want = ref_path(r, w + i, d + 1 - i);
				if (want == 0)
					want = r->root;
				if (pass == 0)
					assert_int_equal(disclaimer_next(r, u, c), want);
				else
					assert_int_equal(r->next[u * r->ncols + c], want);
				checked++;
			}
		}
	assert_true(checked > 100000);
	free(depth);
	free(order);
	free(parent);
	disclaimer_rules_free(r);
}

/* ---- JSON ------------------------------------------------------------------------------ */

static void
test_json(void **state)
{
	struct disclaimer_rules *r = parse_ok(
	    "[general]\nclause = III.4\n"
	    "text = Say \"check\" \\ 检查 it.\n"
	    "[medical]\nclause = III.4(f)(i)\ntext = Not advice.\nstrong = yes\nkeywords = dose\n"
	    "[end-length]\nclause = III.4(a)(i)\ntext = Cut.\n");
	const struct disclaimer *d[DISCLAIMER_MAX];
	size_t n = disclaimer_pick(r, S("a dose"), NULL, 0, DISCLAIMER_END_LENGTH, d);
	char *j = disclaimer_json(d, n);

	assert_string_equal(j,
	    "[{\"id\":\"general\",\"clause\":\"III.4\",\"text\":"
	    "\"Say \\\"check\\\" \\\\ 检查 it.\"},"
	    "{\"id\":\"medical\",\"clause\":\"III.4(f)(i)\",\"text\":\"Not advice.\"},"
	    "{\"id\":\"end-length\",\"clause\":\"III.4(a)(i)\",\"text\":\"Cut.\"}]");
	free(j);
	j = disclaimer_json(d, 0);
	assert_string_equal(j, "[]");
	free(j);
	disclaimer_rules_free(r);
}

/* Each notice read back, as "id|clause|text;" ("-" for NULL). */
static void
json_each_add(const char *id, const char *clause, const char *text, void *arg)
{
	buf_addf(arg, "%s|%s|%s;", id != NULL ? id : "-", clause != NULL ? clause : "-", text);
}

static void
check_json_each(const char *json, size_t count, const char *want)
{
	struct buf b;

	buf_init(&b, 0);
	assert_int_equal(disclaimer_json_each(json, json_each_add, &b), count);
	assert_string_equal(b.len > 0 ? b.data : "", want);
	buf_release(&b);
}

static void
test_json_each(void **state)
{
	const struct disclaimer a = { "general", "III.4", "Say \"check\" 检查.", false, NULL };
	const struct disclaimer b = { "end-length", "III.4(a)(i)", "Cut.", false, NULL };
	const struct disclaimer *d[] = { &a, &b };
	char *j = disclaimer_json(d, 2);

	check_json_each(j, 2, "general|III.4|Say \"check\" 检查.;end-length|III.4(a)(i)|Cut.;");
	free(j);
	check_json_each("[\"bare\",{\"text\":\"t\"},{\"id\":\"x\"},3]", 2, "-|-|bare;-|-|t;");
	check_json_each(NULL, 0, "");
	check_json_each("not json", 0, "");
	check_json_each("{\"text\":\"an object\"}", 0, "");
}

/* text.LANG: the text for the language, its language part, else the plain text. */
static void
test_translations(void **state)
{
	static const char rules[] =
	    "[general]\nclause = III.4\ntext = Check it.\n"
	    "text.zh_CN = 请核实。\ntext.fr = Vérifiez.\n"
	    "[pets]\nclause = X\ntext = Pets.\ntext.zh = 宠物。\nkeywords = cat\n"
	    "[end-length]\nclause = III.4(a)(i)\ntext = Cut.\n";
	const struct disclaimer *d[DISCLAIMER_MAX];
	struct disclaimer_rules *r;
	char *cause = NULL, *json;
	size_t n;

	(void)state;
	r = disclaimer_rules_parse(S(rules), &cause);
	assert_non_null(r);
	disclaimer_rules_language(r, "zh_CN");
	n = disclaimer_pick(r, S("a cat"), NULL, 0, DISCLAIMER_END_LENGTH, d);
	assert_int_equal(n, 3);
	assert_string_equal(d[0]->text, "请核实。");
	assert_string_equal(d[0]->plain, "Check it.");
	assert_string_equal(d[1]->text, "宠物。"); /* text.zh serves zh_CN */
	assert_string_equal(d[2]->text, "Cut.");   /* no translation: the plain text */
	/* the record keeps the plain texts, ids and clauses */
	json = disclaimer_json(d, n);
	assert_non_null(strstr(json, "\"text\":\"Check it.\""));
	assert_null(strstr(json, "请核实"));
	free(json);
	assert_string_equal(disclaimer_rules_shown(r, "general", "Check it."), "请核实。");
	assert_string_equal(disclaimer_rules_shown(r, "general", "Other words."), "Other words.");
	assert_string_equal(disclaimer_rules_shown(r, "nosuch", "Check it."), "Check it.");
	assert_string_equal(disclaimer_rules_shown(NULL, "general", "Check it."), "Check it.");
	disclaimer_rules_language(r, "zh_TW");
	assert_string_equal(d[0]->text, "Check it."); /* zh_CN is not zh_TW */
	assert_string_equal(d[1]->text, "宠物。");
	disclaimer_rules_language(r, "fr");
	assert_string_equal(d[0]->text, "Vérifiez.");
	disclaimer_rules_language(r, "en");
	assert_string_equal(d[0]->text, "Check it.");
	assert_string_equal(d[1]->text, "Pets.");
	disclaimer_rules_language(r, NULL);
	assert_string_equal(d[0]->text, "Check it.");
	disclaimer_rules_free(r);

	/* bad keys: the language's characters, twice, a control character */
	r = disclaimer_rules_parse(S("[general]\nclause = A\ntext = B\ntext.zh-CN = C\n"), &cause);
	assert_null(r);
	assert_non_null(strstr(cause, "line 4:"));
	free(cause);
	r = disclaimer_rules_parse(S("[general]\nclause = A\ntext = B\ntext.zh = C\ntext.zh = D\n"),
	    &cause);
	assert_null(r);
	assert_non_null(strstr(cause, "line 5: 'text.zh' given twice in [general]"));
	free(cause);
	r = disclaimer_rules_parse(S("[general]\nclause = A\ntext.zh = C\n"), &cause);
	assert_null(r); /* a translation is no text */
	assert_non_null(strstr(cause, "has no text"));
	free(cause);
}

/* The shipped file and the built-in rules translate every section into zh_CN. */
static void
test_translations_shipped(void **state)
{
	struct disclaimer_rules *fb = disclaimer_rules_fallback();
	const struct disclaimer *d[DISCLAIMER_MAX];
	static const enum disclaimer_end ends[] = { DISCLAIMER_END_LENGTH, DISCLAIMER_END_FILTERED,
		DISCLAIMER_END_INTERRUPTED, DISCLAIMER_END_BROKEN };
	size_t n, i, e;

	(void)state;
	disclaimer_rules_language(shipped, "zh_CN");
	disclaimer_rules_language(fb, "zh_CN");
	for (e = 0; e < nitems(ends); e++) {
		n = disclaimer_pick(shipped, S("dose lawyer stocks applicants nuclear"), NULL, 0,
		    ends[e], d);
		assert_int_equal(n, 7);
		for (i = 0; i < n; i++) {
			assert_string_not_equal(d[i]->text, d[i]->plain);
			assert_true((unsigned char)d[i]->text[0] >= 0x80 ||
			    strncmp(d[i]->text, "AI ", 3) == 0);
		}
		n = disclaimer_pick(fb, NULL, 0, NULL, 0, ends[e], d);
		assert_int_equal(n, 2);
		assert_string_equal(d[0]->text,
		    "AI 的回答可能有误、不完整或脱离上下文；使用前请先核实。");
		assert_string_not_equal(d[1]->text, d[1]->plain);
	}
	disclaimer_rules_language(shipped, "en");
	n = disclaimer_pick(shipped, S("dose"), NULL, 0, DISCLAIMER_END_COMPLETE, d);
	assert_string_equal(d[1]->text, d[1]->plain);
	disclaimer_rules_free(fb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_general_always),
		cmocka_unit_test(test_medical),
		cmocka_unit_test(test_legal),
		cmocka_unit_test(test_financial),
		cmocka_unit_test(test_people),
		cmocka_unit_test(test_critical),
		cmocka_unit_test(test_not_firing),
		cmocka_unit_test(test_shipped_exceptions),
		cmocka_unit_test(test_boundaries),
		cmocka_unit_test(test_end_states),
		cmocka_unit_test(test_clauses),
		cmocka_unit_test(test_big_texts),
		cmocka_unit_test(test_whole_words_and_stems),
		cmocka_unit_test(test_overlapping_keywords),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_fallback),
		cmocka_unit_test(test_file_syntax),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_limits),
		cmocka_unit_test(test_exceptions),
		cmocka_unit_test(test_exceptions_random),
		cmocka_unit_test(test_lazy_table),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_each),
		cmocka_unit_test(test_translations),
		cmocka_unit_test(test_translations_shipped),
	};

	return cmocka_run_group_tests(tests, setup_shipped, teardown_shipped);
}
