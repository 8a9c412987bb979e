/*
 * test-labelled.c: the shipped notice rules (assets/disclaimers.ini) against
 * the labelled prompts in tests/notices/labelled.tsv: precision and recall per
 * language and topic, and the targets: recall >= 0.9 and false-positive rate
 * <= 0.05 for English and Chinese, the stated figures for Japanese and Korean;
 * heldout.tsv and unseen.tsv are reported as well.
 * TAP; every prompt that gets a notice it should not, or lacks one it should,
 * is listed as a comment.
 */
#include "common.h"

#include "buf.h"
#include "disclaimer.h"

static const char *const topics[] = { "medical", "legal", "financial", "people", "critical" };
#define NTOPICS nitems(topics)

/*
 * The targets. Recall: of the prompts that should get a topic's notice, the
 * share that do. False-positive rate: of the (prompt, topic) pairs that
 * should not get the notice, the share that do. Japanese and Korean have
 * fewer keywords: their figures are the ones stated in the report.
 */
static const struct lang {
	const char *name;
	double recall, fpr;		/* at least, at most */
} langs[] = {
	{ "en", 0.90, 0.05 },
	{ "zh-Hans", 0.90, 0.05 },
	{ "zh-Hant", 0.90, 0.05 },
	{ "ja", 0.80, 0.05 },
	{ "ko", 0.80, 0.05 },
};
#define NLANGS nitems(langs)

struct count {
	unsigned int tp, fp, fn, tn;
};

/* The figures for one file. */
struct tally {
	struct count counts[NLANGS][NTOPICS];
	unsigned int prompts[NLANGS], wrong[NLANGS], nonefired[NLANGS], nones[NLANGS];
};

static int tap;

static struct disclaimer_rules *
load_rules(void)
{
	const char *dir = getenv("CONFAB_DATADIR");
	struct disclaimer_rules *r = NULL;
	char *path, *cause = NULL;
	struct buf b;

	if (dir == NULL)
		fatal("CONFAB_DATADIR must name the assets directory");
	path = xasprintf("%s/disclaimers.ini", dir);
	buf_init(&b, 0);
	if (buf_read_file(&b, path, &cause) != 0 ||
	    (r = disclaimer_rules_parse(b.data, b.len, &cause)) == NULL)
		fatal("%s: %s", path, cause);
	buf_release(&b);
	free(path);
	return r;
}

static int
find(const char *const *names, size_t n, size_t stride, const char *s, size_t len)
{
	size_t i;
	const char *name;

	for (i = 0; i < n; i++) {
		name = *(const char *const *)((const char *)names + i * stride);
		if (strlen(name) == len && memcmp(name, s, len) == 0)
			return (int)i;
	}
	return -1;
}

/* The topic bits of a label: "none" or "medical,legal"; -1 when it is not one. */
static int
parse_label(const char *s, size_t len)
{
	const char *end = s + len, *comma;
	int bits = 0, t;

	if (len == 4 && memcmp(s, "none", 4) == 0)
		return 0;
	while (s < end) {
		if ((comma = memchr(s, ',', (size_t)(end - s))) == NULL)
			comma = end;
		t = find(topics, NTOPICS, sizeof topics[0], s, (size_t)(comma - s));
		if (t < 0)
			return -1;
		bits |= 1 << t;
		s = comma + 1;
	}
	return bits;
}

/* The topic bits the rules give a prompt. */
static int
picked(const struct disclaimer_rules *r, const char *prompt, size_t len)
{
	const struct disclaimer *d[DISCLAIMER_MAX];
	size_t n, i;
	int bits = 0, t;

	n = disclaimer_pick(r, prompt, len, NULL, 0, DISCLAIMER_END_COMPLETE, d);
	for (i = 0; i < n; i++)
		if ((t = find(topics, NTOPICS, sizeof topics[0], d[i]->id, strlen(d[i]->id))) >= 0)
			bits |= 1 << t;
	return bits;
}

static void
topic_names(int bits, char *out, size_t size)
{
	size_t t, o = 0;

	out[0] = '\0';
	for (t = 0; t < NTOPICS; t++)
		if (bits >> t & 1)
			o += (size_t)snprintf(out + o, size - o, "%s%s", o > 0 ? "," : "", topics[t]);
	if (o == 0)
		snprintf(out, size, "none");
}

/* One "language<TAB>topics<TAB>prompt" line. */
static void
score_line(const struct disclaimer_rules *r, struct tally *ty, const char *file, const char *s,
    size_t len, int line)
{
	const char *tab1 = memchr(s, '\t', len), *tab2;
	char want_s[80], got_s[80];
	int lang, want, got;
	size_t t;

	tab2 = tab1 != NULL ? memchr(tab1 + 1, '\t', len - (size_t)(tab1 + 1 - s)) : NULL;
	if (tab2 == NULL)
		fatal("%s line %d: expected language, topics and prompt", file, line);
	lang = find(&langs[0].name, NLANGS, sizeof langs[0], s, (size_t)(tab1 - s));
	want = parse_label(tab1 + 1, (size_t)(tab2 - tab1 - 1));
	if (lang < 0 || want < 0)
		fatal("%s line %d: unknown language or topic", file, line);
	got = picked(r, tab2 + 1, len - (size_t)(tab2 + 1 - s));
	ty->prompts[lang]++;
	for (t = 0; t < NTOPICS; t++) {
		struct count *c = &ty->counts[lang][t];

		if (want >> t & 1)
			*(got >> t & 1 ? &c->tp : &c->fn) += 1;
		else
			*(got >> t & 1 ? &c->fp : &c->tn) += 1;
	}
	if (want == 0) {
		ty->nones[lang]++;
		ty->nonefired[lang] += got != 0;
	}
	if (got != want) {
		ty->wrong[lang]++;
		topic_names(want, want_s, sizeof want_s);
		topic_names(got, got_s, sizeof got_s);
		printf("# %s:%d %s: want %s, got %s: %.*s\n", file, line, langs[lang].name, want_s,
		    got_s, (int)(len - (size_t)(tab2 + 1 - s)), tab2 + 1);
	}
}

static double
ratio(unsigned int a, unsigned int b)
{
	return b == 0 ? 1.0 : (double)a / b;
}

static void
check(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d - ", ok ? "ok" : "not ok", ++tap);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* The table of figures, and when check, a check of the targets for each language. */
static void
report(const struct tally *ty, bool check_targets)
{
	struct count all;
	size_t l, t;
	double rec, fpr;

	printf("# %-8s %-9s %4s %4s %4s %9s %6s\n", "language", "topic", "tp", "fp", "fn",
	    "precision", "recall");
	for (l = 0; l < NLANGS; l++) {
		memset(&all, 0, sizeof all);
		for (t = 0; t < NTOPICS; t++) {
			const struct count *c = &ty->counts[l][t];

			printf("# %-8s %-9s %4u %4u %4u %9.2f %6.2f\n", langs[l].name, topics[t],
			    c->tp, c->fp, c->fn, ratio(c->tp, c->tp + c->fp),
			    ratio(c->tp, c->tp + c->fn));
			all.tp += c->tp;
			all.fp += c->fp;
			all.fn += c->fn;
			all.tn += c->tn;
		}
		rec = ratio(all.tp, all.tp + all.fn);
		fpr = 1.0 - ratio(all.tn, all.tn + all.fp);
		printf("# %-8s %-9s %4u %4u %4u %9.2f %6.2f  fpr %.3f; %u of %u prompts exact; "
		    "%u of %u 'none' prompts get a topic notice\n", langs[l].name, "all", all.tp,
		    all.fp, all.fn, ratio(all.tp, all.tp + all.fp), rec, fpr,
		    ty->prompts[l] - ty->wrong[l], ty->prompts[l], ty->nonefired[l], ty->nones[l]);
		if (!check_targets)
			continue;
		check(ty->prompts[l] > 0 && rec >= langs[l].recall, "%s: recall %.3f >= %.2f",
		    langs[l].name, rec, langs[l].recall);
		check(ty->prompts[l] > 0 && fpr <= langs[l].fpr,
		    "%s: false-positive rate %.3f <= %.2f", langs[l].name, fpr, langs[l].fpr);
	}
}

/* Score every prompt of tests/notices/<file>. */
static void
score_file(const struct disclaimer_rules *r, struct tally *ty, const char *file)
{
	const char *top = getenv("TOP_SRCDIR"), *p, *end, *nl;
	char *path, *cause = NULL;
	struct buf b;
	int line = 1;

	if (top == NULL)
		fatal("TOP_SRCDIR must name the source tree");
	path = xasprintf("%s/tests/notices/%s", top, file);
	buf_init(&b, 0);
	if (buf_read_file(&b, path, &cause) != 0)
		fatal("%s: %s", path, cause);
	for (p = b.data, end = b.data + b.len; p < end; p = nl + 1, line++) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (nl > p && *p != '#')
			score_line(r, ty, file, p, (size_t)(nl - p), line);
	}
	buf_release(&b);
	free(path);
}

/*
 * labelled.tsv holds the targets. heldout.tsv and unseen.tsv are only
 * reported: prompts written after the rules were tuned on labelled.tsv (and,
 * for heldout.tsv, before a second round of keywords), so how the rules do
 * on prompts they were not fitted to.
 */
int
main(void)
{
	static struct tally labelled, heldout, unseen;
	struct disclaimer_rules *r = load_rules();

	printf("1..%zu\n", 2 * NLANGS);
	score_file(r, &labelled, "labelled.tsv");
	score_file(r, &heldout, "heldout.tsv");
	score_file(r, &unseen, "unseen.tsv");
	printf("# labelled.tsv (the targets)\n");
	report(&labelled, true);
	printf("# heldout.tsv (seen before the second round of keywords; not checked)\n");
	report(&heldout, false);
	printf("# unseen.tsv (written after the last keyword change; not checked)\n");
	report(&unseen, false);
	disclaimer_rules_free(r);
	return 0;
}
