/* disclaimer-rules.c: the disclaimer rules file: parsing, checking, the built-in fallback. */
#include "common.h"
#include "caps.h"

#include "buf.h"
#include "disclaimer.h"
#include "disclaimer-internal.h"
#include "text.h"

/*
 * The built-in rules, used when the rules file is missing or broken: the
 * general notice and how an answer ended, no topics (their keywords are
 * data, and a broken file has none to offer); the same texts and
 * translations as assets/disclaimers.ini.
 */
#define DISCLAIMER_FALLBACK \
	"[general]\n" \
	"clause = III.4\n" \
	"text = AI answers can be wrong, incomplete or out of context; check before you rely " \
	"on them.\n" \
	"text.zh_CN = AI 的回答可能有误、不完整或脱离上下文；使用前请先核实。\n" \
	"[end-length]\n" \
	"clause = III.4(a)(i)\n" \
	"text = The answer stopped at the length limit: it is incomplete.\n" \
	"text.zh_CN = 回答因达到长度上限而停止：内容不完整。\n" \
	"strong = yes\n" \
	"[end-filtered]\n" \
	"clause = III.4(a)(i)\n" \
	"text = The provider's filter blocked or cut this answer: it may be incomplete or " \
	"missing.\n" \
	"text.zh_CN = 服务商的内容过滤器拦截或截断了这个回答：内容可能不完整或缺失。\n" \
	"strong = yes\n" \
	"[end-interrupted]\n" \
	"clause = III.4(a)(i)\n" \
	"text = You stopped this answer: it is incomplete.\n" \
	"text.zh_CN = 你停止了这个回答：内容不完整。\n" \
	"[end-broken]\n" \
	"clause = III.4(a)(i)\n" \
	"text = The connection or the stream broke before the answer was complete: it is " \
	"incomplete.\n" \
	"text.zh_CN = 回答完成之前连接或数据流中断了：内容不完整。\n" \
	"strong = yes\n"

/* ---- the rules file ------------------------------------------------------------ */

/* Is s[0..len) an acceptable value for a clause or text: no controls, not too long? */
static bool
disclaimer_printable(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > DISCLAIMER_TEXT_MAX)
		return false;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

/* A "[name]" line. */
static int
disclaimer_parse_section(struct disclaimer_parse *ps, const char *s, size_t len, int line,
    char **cause)
{
	struct disclaimer_rules *r = ps->r;
	size_t i;

	if (len < 3 || s[len - 1] != ']') {
		*cause = xasprintf(_("line %d: a section line is '[name]'"), line);
		return -1;
	}
	s++;
	len -= 2;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
			s[i] == '_')) {
			*cause =
			    xasprintf(_("line %d: section '[%.*s]': names are lower-case letters, "
					"digits, '-' and '_'"),
				line, (int)len, s);
			return -1;
		}
	for (i = 0; i < r->n; i++)
		if (strlen(r->notice[i].id) == len && memcmp(r->notice[i].id, s, len) == 0) {
			*cause = xasprintf(_("line %d: section [%.*s] again (first on line %d)"),
			    line, (int)len, s, ps->line[i]);
			return -1;
		}
	if (r->n == DISCLAIMER_NOTICES_MAX) {
		*cause = xasprintf(_("line %d: too many sections (the limit is %d)"), line,
		    DISCLAIMER_NOTICES_MAX);
		return -1;
	}
	ps->cur = (int)r->n;
	ps->line[r->n] = line;
	r->notice[r->n++].id = xstrndup(s, len);
	return 0;
}

/* One comma-separated list of keywords or of exception phrases. */
static int
disclaimer_parse_keywords(struct disclaimer_parse *ps, const char *s, size_t len, int line,
    bool except, char **cause)
{
	struct disclaimer_pattern *p;
	const char *end = s + len, *comma;
	size_t n;
	char *why = NULL;

	while (s < end) {
		comma = memchr(s, ',', (size_t)(end - s));
		if (comma == NULL)
			comma = end;
		n = (size_t)(comma - s);
		while (n > 0 && (*s == ' ' || *s == '\t')) {
			s++;
			n--;
		}
		while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		if (n > DISCLAIMER_KEYWORD_MAX) {
			*cause = xasprintf(_("line %d: a keyword is longer than %d bytes"), line,
			    DISCLAIMER_KEYWORD_MAX);
			return -1;
		}
		if (n > 0) {
			if (ps->npat == ps->patcap) { /* doubling: files have thousands */
				ps->patcap = ps->patcap != 0 ? ps->patcap * 2 : 64;
				ps->pat = xreallocarray(ps->pat, ps->patcap, sizeof *ps->pat);
			}
			p = &ps->pat[ps->npat];
			if ((p->s = disclaimer_keyword(s, n, &p->len, &why)) == NULL) {
				/* TRANSLATORS: %s is what is wrong with a keyword. */
				*cause = xasprintf(_("line %d: %s"), line, why);
				free(why);
				return -1;
			}
			p->notice = ps->cur;
			p->except = except;
			ps->npat++;
			ps->patbytes += p->len;
			if (except && p->len > DISCLAIMER_EXCEPT_MAX) {
				*cause = xasprintf(_("line %d: the exception '%.*s' is longer "
						     "than %d bytes normalised"),
				    line, (int)n, s, DISCLAIMER_EXCEPT_MAX);
				return -1;
			}
			if (except) {
				ps->r->excepts |= (uint32_t)1 << ps->cur;
				if (p->len > ps->r->exmax[ps->cur])
					ps->r->exmax[ps->cur] = (uint16_t)p->len;
			} else
				ps->r->topics |= (uint32_t)1 << ps->cur;
		}
		s = comma + 1;
	}
	return 0;
}

/*
 * A "text.LANG = value" line: the text in language LANG (letters, digits
 * and '_', as in zh_CN), once per section and language.
 */
static int
disclaimer_parse_tr(struct disclaimer_parse *ps, const char *s, size_t klen, const char *v,
    size_t vlen, int line, char **cause)
{
	struct disclaimer_rules *r = ps->r;
	const char *lang = s + 5;
	size_t llen = klen - 5, i;

	for (i = 0; i < llen; i++)
		if (!((lang[i] >= 'a' && lang[i] <= 'z') || (lang[i] >= 'A' && lang[i] <= 'Z') ||
			(lang[i] >= '0' && lang[i] <= '9') || lang[i] == '_'))
			break;
	if (i < llen || llen > DISCLAIMER_LANG_MAX) {
		*cause = xasprintf(_("line %d: '%.*s': a language is letters, digits and '_', "
				     "as in text.zh_CN"),
		    line, (int)klen, s);
		return -1;
	}
	for (i = 0; i < r->ntr; i++)
		if (r->tr[i].notice == ps->cur && strlen(r->tr[i].lang) == llen &&
		    memcmp(r->tr[i].lang, lang, llen) == 0) {
			*cause = xasprintf(_("line %d: '%.*s' given twice in [%s]"), line,
			    (int)klen, s, r->notice[ps->cur].id);
			return -1;
		}
	if (!disclaimer_printable(v, vlen)) {
		*cause = xasprintf(_("line %d: '%.*s' must be one line of 1 to %d bytes without "
				     "control characters"),
		    line, (int)klen, s, DISCLAIMER_TEXT_MAX);
		return -1;
	}
	r->tr = xreallocarray(r->tr, r->ntr + 1, sizeof *r->tr);
	r->tr[r->ntr].notice = ps->cur;
	r->tr[r->ntr].lang = xstrndup(lang, llen);
	r->tr[r->ntr++].text = xstrndup(v, vlen);
	return 0;
}

/* A "key = value" line. */
static int
disclaimer_parse_key(struct disclaimer_parse *ps, const char *s, size_t len, int line, char **cause)
{
	struct disclaimer *d;
	const char *eq = memchr(s, '=', len), *v;
	const char **slot = NULL;
	size_t klen, vlen;

	if (eq == NULL) {
		*cause = xasprintf(_("line %d: expected '[section]' or 'key = value'"), line);
		return -1;
	}
	for (klen = (size_t)(eq - s); klen > 0 && (s[klen - 1] == ' ' || s[klen - 1] == '\t');)
		klen--;
	for (v = eq + 1; v < s + len && (*v == ' ' || *v == '\t');)
		v++;
	vlen = len - (size_t)(v - s);
	if (ps->cur < 0) {
		*cause = xasprintf(_("line %d: '%.*s' before any [section]"), line, (int)klen, s);
		return -1;
	}
	d = &ps->r->notice[ps->cur];
	if (klen == 8 && memcmp(s, "keywords", 8) == 0)
		return disclaimer_parse_keywords(ps, v, vlen, line, false, cause);
	if (klen == 6 && memcmp(s, "except", 6) == 0)
		return disclaimer_parse_keywords(ps, v, vlen, line, true, cause);
	if (klen == 6 && memcmp(s, "strong", 6) == 0) {
		if (vlen == 3 && memcmp(v, "yes", 3) == 0)
			d->strong = true;
		else if (vlen == 2 && memcmp(v, "no", 2) == 0)
			d->strong = false;
		else {
			*cause = xasprintf(_("line %d: strong is 'yes' or 'no', not '%.*s'"), line,
			    (int)vlen, v);
			return -1;
		}
		return 0;
	}
	if (klen == 6 && memcmp(s, "clause", 6) == 0)
		slot = &d->clause;
	else if (klen == 4 && memcmp(s, "text", 4) == 0)
		slot = &d->plain;
	else if (klen > 5 && memcmp(s, "text.", 5) == 0)
		return disclaimer_parse_tr(ps, s, klen, v, vlen, line, cause);
	if (slot == NULL) {
		*cause = xasprintf(_("line %d: unknown key '%.*s' (keys are clause, text, "
				     "text.LANG, strong, keywords and except)"),
		    line, (int)klen, s);
		return -1;
	}
	if (*slot != NULL) {
		*cause = xasprintf(_("line %d: '%.*s' given twice in [%s]"), line, (int)klen, s,
		    d->id);
		return -1;
	}
	if (!disclaimer_printable(v, vlen)) {
		*cause = xasprintf(_("line %d: '%.*s' must be one line of 1 to %d bytes without "
				     "control characters"),
		    line, (int)klen, s, DISCLAIMER_TEXT_MAX);
		return -1;
	}
	*slot = xstrndup(v, vlen);
	return 0;
}

/* After the last line: every section complete, [general] present, ends known. */
static int
disclaimer_parse_check(struct disclaimer_parse *ps, char **cause)
{
	struct disclaimer_rules *r = ps->r;
	const struct disclaimer *d;
	bool topic, general, end, except;
	size_t i, e;

	r->general = -1;
	for (e = 0; e < DISCLAIMER_NENDS; e++)
		r->end[e] = -1;
	for (i = 0; i < r->n; i++) {
		d = &r->notice[i];
		topic = (r->topics >> i & 1) != 0;
		except = (r->excepts >> i & 1) != 0;
		general = strcmp(d->id, "general") == 0;
		end = strncmp(d->id, "end-", 4) == 0;
		for (e = 1; end && e < DISCLAIMER_NENDS; e++)
			if (strcmp(d->id, disclaimer_end_ids[e]) == 0)
				break;
		if (end && e == DISCLAIMER_NENDS) {
			*cause = xasprintf(
			    _("line %d: unknown section [%s] (the end notices are "
			      "end-length, end-filtered, end-interrupted and end-broken)"),
			    ps->line[i], d->id);
			return -1;
		}
		if (end)
			r->end[e] = (int)i;
		if (general)
			r->general = (int)i;
		if (d->clause == NULL || d->plain == NULL) {
			/* TRANSLATORS: the last %s is a key of the rules file: clause or text. */
			*cause = xasprintf(_("line %d: [%s] has no %s"), ps->line[i], d->id,
			    d->clause == NULL ? "clause" : "text");
			return -1;
		}
		if ((topic || except) && (general || end)) {
			*cause = xasprintf(_("line %d: [%s] takes no keywords"), ps->line[i],
			    d->id);
			return -1;
		}
		if (except && !topic) {
			*cause = xasprintf(_("line %d: [%s] has exceptions but no keywords"),
			    ps->line[i], d->id);
			return -1;
		}
		if (!topic && !general && !end) {
			*cause = xasprintf(_("line %d: [%s] has no keywords"), ps->line[i], d->id);
			return -1;
		}
	}
	if (r->general < 0) {
		*cause = xstrdup(_("no [general] section: every answer needs the general notice"));
		return -1;
	}
	return 0;
}

/* One line, without its end; comments and blank lines are skipped. */
static int
disclaimer_parse_line(struct disclaimer_parse *ps, const char *s, size_t len, int line,
    char **cause)
{
	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
		len--;
	if (len == 0 || *s == '#' || *s == ';')
		return 0;
	if (*s == '[')
		return disclaimer_parse_section(ps, s, len, line, cause);
	return disclaimer_parse_key(ps, s, len, line, cause);
}

/* The text is UTF-8 without NUL bytes; otherwise say on which line it is not. */
static int
disclaimer_parse_bytes(const char *text, size_t len, char **cause)
{
	const char *nul = memchr(text, '\0', len), *what = _("not valid UTF-8");
	size_t bad, i;
	int line = 1;

	if (text_utf8_valid(text, len, &bad)) {
		if (nul == NULL)
			return 0;
		bad = (size_t)(nul - text);
		what = _("a NUL byte");
	}
	for (i = 0; i < bad; i++)
		line += text[i] == '\n';
	*cause = xasprintf(_("line %d: %s"), line, what);
	return -1;
}

struct disclaimer_rules *
disclaimer_rules_parse(const char *text, size_t len, char **cause)
{
	struct disclaimer_parse ps = { .cur = -1 };
	const char *p = text, *end = text + len, *nl;
	int line = 1, r;
	size_t i;

	ps.r = xcalloc(1, sizeof *ps.r);
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	r = disclaimer_parse_bytes(text, len, cause);
	for (; r == 0 && p < end; p = nl + 1, line++) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		r = disclaimer_parse_line(&ps, p, (size_t)(nl - p), line, cause);
	}
	if (r == 0)
		r = disclaimer_parse_check(&ps, cause);
	if (r == 0)
		r = disclaimer_build(ps.r, ps.pat, ps.npat, ps.patbytes, cause);
	for (i = 0; i < ps.npat; i++)
		free(ps.pat[i].s);
	free(ps.pat);
	if (r != 0) {
		disclaimer_rules_free(ps.r);
		return NULL;
	}
	disclaimer_rules_language(ps.r, i18n_language());
	return ps.r;
}

void
disclaimer_rules_language(struct disclaimer_rules *r, const char *lang)
{
	size_t i, k, base = lang != NULL ? strcspn(lang, "_.@") : 0;
	const struct disclaimer_tr *t;
	const char *exact, *part;

	for (i = 0; i < r->n; i++) {
		exact = part = NULL;
		for (k = 0; lang != NULL && k < r->ntr; k++) {
			t = &r->tr[k];
			if (t->notice != (int)i)
				continue;
			if (strcmp(t->lang, lang) == 0)
				exact = t->text;
			else if (strlen(t->lang) == base && strncmp(t->lang, lang, base) == 0)
				part = t->text;
		}
		r->notice[i].text = exact != NULL ? exact :
		    part != NULL		  ? part :
						    r->notice[i].plain;
	}
}

const char *
disclaimer_rules_shown(const struct disclaimer_rules *r, const char *id, const char *text)
{
	size_t i;

	for (i = 0; r != NULL && id != NULL && i < r->n; i++)
		if (strcmp(r->notice[i].id, id) == 0)
			return strcmp(r->notice[i].plain, text) == 0 ? r->notice[i].text : text;
	return text;
}

struct disclaimer_rules *
disclaimer_rules_fallback(void)
{
	char *cause = NULL;
	struct disclaimer_rules *r;

	r = disclaimer_rules_parse(DISCLAIMER_FALLBACK, strlen(DISCLAIMER_FALLBACK), &cause);
	if (r == NULL)
		fatal(_("the built-in disclaimer rules are broken: %s"), cause);
	return r;
}

void
disclaimer_rules_free(struct disclaimer_rules *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++) {
		free((char *)r->notice[i].id);
		free((char *)r->notice[i].clause);
		free((char *)r->notice[i].plain);
	}
	for (i = 0; i < r->ntr; i++) {
		free(r->tr[i].lang);
		free(r->tr[i].text);
	}
	free(r->tr);
	free(r->next);
	free(r->mask);
	free(r->evat);
	free(r->ev);
	free(r->child);
	free(r->sib);
	free(r->fail);
	free(r->ecol);
	free(r);
}
