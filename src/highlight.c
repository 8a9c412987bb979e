/* highlight.c: syntax highlighting of code lines with nano's syntax files. */
#include "common.h"

#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>

#include "highlight.h"
#include "xmalloc.h"

#ifndef HL_SYNTAX_DIR
#define HL_SYNTAX_DIR "/usr/share/nano"
#endif

#define HL_RULES_MAX 160  /* regexes kept from one file */
#define HL_MULTI_MAX 32	  /* start/end rules: one bit each in the state */
#define HL_FILE_LINE 4096 /* longer lines of a syntax file are skipped */
#define HL_CACHE_MAX 64	  /* languages remembered, loaded or not */
#define HL_NAME_MAX 32

struct hl_rule {
	regex_t start;
	regex_t end;
	bool multi; /* start="..." end="..." */
	int color;
};

struct hl_syntax {
	struct hl_rule *rules;
	size_t nrules;
	size_t nmulti;
};

static struct {
	char name[HL_NAME_MAX];
	struct hl_syntax *syn; /* NULL: no such file, plain */
} hl_cache[HL_CACHE_MAX];
static size_t hl_ncache;

/* ---- colours -------------------------------------------------------------- */

/* nano's named colours beyond the basic eight, as the nearest basic one. */
/* clang-format off */
static const struct {
	const char *name;
	int color;
} hl_extra[] = {
	{ "normal", 0 }, { "grey", 9 }, { "gray", 9 }, { "pink", 14 }, { "purple", 6 },
	{ "mauve", 6 }, { "lagoon", 7 }, { "mint", 11 }, { "lime", 11 }, { "peach", 12 },
	{ "orange", 4 }, { "latte", 4 }, { "rosy", 10 }, { "beet", 2 }, { "plum", 6 },
	{ "sea", 7 }, { "sky", 15 }, { "slate", 5 }, { "teal", 7 }, { "sage", 3 },
	{ "brown", 4 }, { "ocher", 4 }, { "sand", 12 }, { "tawny", 4 }, { "brick", 2 },
	{ "crimson", 2 },
};
/* clang-format on */

static const char *const hl_basic[] = {
	"black",
	"red",
	"green",
	"yellow",
	"blue",
	"magenta",
	"cyan",
	"white",
};

/* A hex digit's value, -1 if none. */
static int
hl_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* "#rgb" as the nearest basic colour: components at least half the strongest count. */
static int
hl_color_rgb(const char *s, size_t n)
{
	int v[3], max = 0, c = 0, i;

	if (n != 4)
		return -1;
	for (i = 0; i < 3; i++) {
		if ((v[i] = hl_hex(s[1 + i])) < 0)
			return -1;
		if (v[i] > max)
			max = v[i];
	}
	for (i = 0; i < 3; i++) {
		if (v[i] >= 4 && v[i] * 2 >= max)
			c |= 1 << i;
	}
	return 1 + c + (max >= 12 ? 8 : 0);
}

/* A colour name of a syntax file as a colour; -1 when unknown. */
static int
hl_color_name(const char *s, size_t n)
{
	int bright = 0;
	size_t i;

	if (n > 0 && s[0] == '#')
		return hl_color_rgb(s, n);
	if (n > 6 && (strncmp(s, "bright", 6) == 0)) {
		bright = 8;
		s += 6;
		n -= 6;
	} else if (n > 5 && strncmp(s, "light", 5) == 0) {
		bright = 8;
		s += 5;
		n -= 5;
	}
	for (i = 0; i < nitems(hl_basic); i++) {
		if (strlen(hl_basic[i]) == n && strncmp(s, hl_basic[i], n) == 0)
			return 1 + (int)i + bright;
	}
	for (i = 0; i < nitems(hl_extra) && bright == 0; i++) {
		if (strlen(hl_extra[i].name) == n && strncmp(s, hl_extra[i].name, n) == 0)
			return hl_extra[i].color;
	}
	return -1;
}

/* "[bold,][italic,]fg[,bg]": the foreground; -1 when there is none (background only). */
static int
hl_color_spec(const char *s, size_t n)
{
	const char *comma;
	size_t k;

	for (;;) {
		comma = memchr(s, ',', n);
		k = comma != NULL ? (size_t)(comma - s) : n;
		if (comma == NULL ||
		    ((k != 4 || strncmp(s, "bold", 4) != 0) &&
			(k != 6 || strncmp(s, "italic", 6) != 0)))
			return k == 0 ? -1 : hl_color_name(s, k);
		s += k + 1;
		n -= k + 1;
	}
}

/* ---- syntax files ------------------------------------------------------------ */

/* A quoted regex at *pp: it ends at a quote followed by a blank or the end (as nano reads it). */
static char *
hl_quoted(char **pp)
{
	char *p = *pp, *s;

	if (*p != '"')
		return NULL;
	s = ++p;
	for (; *p != '\0'; p++) {
		if (*p == '"' && (p[1] == '\0' || isblank((unsigned char)p[1]))) {
			*p = '\0';
			*pp = p + 1;
			return s;
		}
	}
	return NULL;
}

static void
hl_skip_blanks(char **pp)
{
	while (isblank((unsigned char)**pp))
		(*pp)++;
}

/* Add one rule; a regex that does not compile is left out. */
static void
hl_rule_add(struct hl_syntax *syn, int color, int flags, const char *start, const char *end)
{
	struct hl_rule *r;

	if (syn->nrules >= HL_RULES_MAX || (end != NULL && syn->nmulti >= HL_MULTI_MAX))
		return;
	r = &syn->rules[syn->nrules];
	memset(r, 0, sizeof *r);
	if (regcomp(&r->start, start, flags) != 0) {
		regfree(&r->start);
		return;
	}
	if (end != NULL && regcomp(&r->end, end, flags) != 0) {
		regfree(&r->start);
		regfree(&r->end);
		return;
	}
	r->multi = end != NULL;
	r->color = color;
	syn->nrules++;
	if (r->multi)
		syn->nmulti++;
}

/* A "color" or "icolor" line: a colour, then "regex" items or start="..." end="...". */
static void
hl_parse_color(struct hl_syntax *syn, char *p, int flags)
{
	char *spec = p, *start, *end;
	int color;

	while (*p != '\0' && !isblank((unsigned char)*p))
		p++;
	if ((color = hl_color_spec(spec, (size_t)(p - spec))) < 0)
		return;
	for (;;) {
		hl_skip_blanks(&p);
		if (strncmp(p, "start=", 6) == 0) {
			p += 6;
			if ((start = hl_quoted(&p)) == NULL)
				return;
			hl_skip_blanks(&p);
			if (strncmp(p, "end=", 4) != 0)
				return;
			p += 4;
			if ((end = hl_quoted(&p)) == NULL)
				return;
			hl_rule_add(syn, color, flags, start, end);
		} else if ((start = hl_quoted(&p)) != NULL)
			hl_rule_add(syn, color, flags, start, NULL);
		else
			return;
	}
}

static void
hl_parse_line(struct hl_syntax *syn, char *p)
{
	hl_skip_blanks(&p);
	if (strncmp(p, "color", 5) == 0 && isblank((unsigned char)p[5])) {
		p += 5;
		hl_skip_blanks(&p);
		hl_parse_color(syn, p, REG_EXTENDED);
	} else if (strncmp(p, "icolor", 6) == 0 && isblank((unsigned char)p[6])) {
		p += 6;
		hl_skip_blanks(&p);
		hl_parse_color(syn, p, REG_EXTENDED | REG_ICASE);
	}
}

/* Load dir/name.nanorc; NULL when it cannot be read or has no rules. */
static struct hl_syntax *
hl_load(const char *name)
{
	const char *dir = getenv("CONFAB_SYNTAX_DIR");
	struct hl_syntax *syn;
	char line[HL_FILE_LINE], *path;
	bool whole = true;
	size_t n;
	FILE *f;

	if (dir == NULL || *dir == '\0')
		dir = HL_SYNTAX_DIR;
	path = xasprintf("%s/%s.nanorc", dir, name);
	f = fopen(path, "r");
	free(path);
	if (f == NULL)
		return NULL;
	syn = xcalloc(1, sizeof *syn);
	syn->rules = xreallocarray(NULL, HL_RULES_MAX, sizeof *syn->rules);
	while (fgets(line, sizeof line, f) != NULL) {
		n = strlen(line);
		if (n > 0 && line[n - 1] == '\n') {
			line[--n] = '\0';
			if (whole)
				hl_parse_line(syn, line);
			whole = true;
		} else if (feof(f) && whole)
			hl_parse_line(syn, line);
		else
			whole = false;
	}
	fclose(f);
	if (syn->nrules == 0) {
		free(syn->rules);
		free(syn);
		return NULL;
	}
	return syn;
}

static void
hl_free(struct hl_syntax *syn)
{
	size_t i;

	if (syn == NULL)
		return;
	for (i = 0; i < syn->nrules; i++) {
		regfree(&syn->rules[i].start);
		if (syn->rules[i].multi)
			regfree(&syn->rules[i].end);
	}
	free(syn->rules);
	free(syn);
}

void
hl_reset(void)
{
	size_t i;

	for (i = 0; i < hl_ncache; i++)
		hl_free(hl_cache[i].syn);
	hl_ncache = 0;
}

/* ---- languages ----------------------------------------------------------------- */

/* Names of code fences for nano's files, where they differ. */
/* clang-format off */
static const struct {
	const char *lang;
	const char *file;
} hl_alias[] = {
	{ "h", "c" }, { "c++", "c" }, { "cpp", "c" }, { "cxx", "c" }, { "cc", "c" },
	{ "hpp", "c" }, { "hxx", "c" }, { "h++", "c" }, { "cuda", "c" },
	{ "py", "python" }, { "python3", "python" }, { "py3", "python" },
	{ "js", "javascript" }, { "jsx", "javascript" }, { "mjs", "javascript" },
	{ "cjs", "javascript" }, { "node", "javascript" }, { "ts", "javascript" },
	{ "tsx", "javascript" }, { "typescript", "javascript" },
	{ "golang", "go" }, { "rs", "rust" },
	{ "bash", "sh" }, { "shell", "sh" }, { "zsh", "sh" }, { "ksh", "sh" },
	{ "dash", "sh" }, { "console", "sh" }, { "shellsession", "sh" },
	{ "postgresql", "sql" }, { "postgres", "sql" }, { "psql", "sql" },
	{ "mysql", "sql" }, { "sqlite", "sql" }, { "plsql", "sql" },
	{ "jsonc", "json" }, { "json5", "json" }, { "yml", "yaml" },
	{ "htm", "html" }, { "xhtml", "html" }, { "svg", "xml" },
	{ "diff", "patch" }, { "udiff", "patch" }, { "md", "markdown" },
	{ "rb", "ruby" }, { "pl", "perl" }, { "make", "makefile" }, { "mk", "makefile" },
	{ "latex", "tex" }, { "objective-c", "objc" }, { "hs", "haskell" },
	{ "elisp", "elisp" }, { "emacs-lisp", "elisp" }, { "scheme", "guile" },
};
/* clang-format on */

/* The language of an info string, lowercase, in name; false when it is none. */
static bool
hl_lang(const char *info, size_t len, char *name)
{
	size_t i = 0, n = 0;

	while (i < len && isblank((unsigned char)info[i]))
		i++;
	if (i < len && (info[i] == '.' || info[i] == '{'))
		i++;
	for (; i < len && !isspace((unsigned char)info[i]) && strchr("{,}", info[i]) == NULL; i++) {
		if (n + 1 >= HL_NAME_MAX)
			return false;
		name[n++] = (char)tolower((unsigned char)info[i]);
	}
	name[n] = '\0';
	return n > 0;
}

/* The file (without .nanorc) for a language; NULL when there is none to try. */
static const char *
hl_file(const char *lang)
{
	size_t i;

	for (i = 0; i < nitems(hl_alias); i++) {
		if (strcmp(lang, hl_alias[i].lang) == 0)
			return hl_alias[i].file;
	}
	for (i = 0; lang[i] != '\0'; i++) {
		if (!islower((unsigned char)lang[i]) && !isdigit((unsigned char)lang[i]))
			return NULL;
	}
	return lang;
}

const struct hl_syntax *
hl_syntax(const char *info, size_t len)
{
	char lang[HL_NAME_MAX];
	const char *file;
	size_t i;

	if (!hl_lang(info, len, lang) || (file = hl_file(lang)) == NULL)
		return NULL;
	for (i = 0; i < hl_ncache; i++) {
		if (strcmp(hl_cache[i].name, file) == 0)
			return hl_cache[i].syn;
	}
	if (hl_ncache == HL_CACHE_MAX)
		return NULL;
	snprintf(hl_cache[hl_ncache].name, HL_NAME_MAX, "%s", file);
	hl_cache[hl_ncache].syn = hl_load(file);
	return hl_cache[hl_ncache++].syn;
}

/* ---- painting -------------------------------------------------------------------- */

/* The first match of re in s[from..len) (context before from included); false if none. */
static bool
hl_find(const regex_t *re, const char *s, size_t from, size_t len, size_t *a, size_t *b)
{
	regmatch_t m;

	m.rm_so = (regoff_t)from;
	m.rm_eo = (regoff_t)len;
	if (regexec(re, s, 1, &m, REG_STARTEND) != 0 || m.rm_so < 0 || (size_t)m.rm_eo > len ||
	    m.rm_eo < m.rm_so)
		return false;
	*a = (size_t)m.rm_so;
	*b = (size_t)m.rm_eo;
	return true;
}

static void
hl_fill(unsigned char *col, size_t a, size_t b, int color)
{
	memset(col + a, color, b - a);
}

/* Every match of a one-line rule, left to right. */
static void
hl_paint_single(const struct hl_rule *r, const char *s, size_t len, unsigned char *col,
    size_t *budget)
{
	size_t i = 0, a, b;

	while (i <= len && *budget > 0 && hl_find(&r->start, s, i, len, &a, &b)) {
		hl_fill(col, a, b, r->color);
		(*budget)--;
		i = b > a ? b : a + 1;
	}
}

/* A start/end rule: open since an earlier line when bit is in *state; sets it when left open. */
static void
hl_paint_multi(const struct hl_rule *r, unsigned int bit, const char *s, size_t len,
    unsigned char *col, unsigned int *state, size_t *budget)
{
	size_t i = 0, a, b, e, f;

	if (*state & bit) {
		if (!hl_find(&r->end, s, 0, len, &e, &f)) {
			hl_fill(col, 0, len, r->color);
			return;
		}
		hl_fill(col, 0, f, r->color);
		*state &= ~bit;
		i = f;
		(*budget)--;
	}
	while (i<len && * budget> 0 && hl_find(&r->start, s, i, len, &a, &b)) {
		(*budget)--;
		if (!hl_find(&r->end, s, b, len, &e, &f)) {
			hl_fill(col, a, len, r->color);
			*state |= bit;
			return;
		}
		hl_fill(col, a, f, r->color);
		i = f > a ? f : a + 1;
	}
}

/* Runs of one colour, none splitting a UTF-8 character. */
static size_t
hl_spans(unsigned char *col, const char *s, size_t len, struct hl_span *spans, size_t max)
{
	size_t i, a, n = 0;

	for (i = 1; i < len; i++) {
		if (((unsigned char)s[i] & 0xc0) == 0x80)
			col[i] = col[i - 1];
	}
	for (i = 0; i < len && n < max;) {
		for (a = i; i < len && col[i] == col[a]; i++)
			;
		if (col[a] != 0) {
			spans[n].off = a;
			spans[n].len = i - a;
			spans[n++].color = col[a];
		}
	}
	return n;
}

size_t
hl_line(const struct hl_syntax *syn, const char *s, size_t len, unsigned int *state,
    struct hl_span *spans, size_t max)
{
	unsigned char col[HL_LINE_MAX];
	size_t budget = HL_MATCH_MAX, i, k = 0;
	const struct hl_rule *r;

	if (syn == NULL || len > HL_LINE_MAX || memchr(s, '\0', len) != NULL)
		return 0;
	memset(col, 0, len);
	for (i = 0; i < syn->nrules; i++) {
		r = &syn->rules[i];
		if (r->multi)
			hl_paint_multi(r, 1u << k++, s, len, col, state, &budget);
		else
			hl_paint_single(r, s, len, col, &budget);
	}
	return hl_spans(col, s, len, spans, max);
}
