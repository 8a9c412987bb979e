/* disclaimer.c: which notices an exchange gets: normalising, the automaton, the scan, JSON. */
#include "common.h"
#include "caps.h"

#include <cjson/cJSON.h>

#include "buf.h"
#include "disclaimer.h"
#include "disclaimer-internal.h"
#include "text.h"

/* ---- normalising text ------------------------------------------------------ */

/*
 * ASCII: lower-case letters, digits and '_' stand for themselves; the rest is
 * a space (0).
 */
/* clang-format off */
static const unsigned char disclaimer_ascii[128] = {
	['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4', ['5'] = '5',
	['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9',
	['_'] = '_',	/* identifiers are one word: test_patients_list */
	['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd', ['e'] = 'e', ['f'] = 'f',
	['g'] = 'g', ['h'] = 'h', ['i'] = 'i', ['j'] = 'j', ['k'] = 'k', ['l'] = 'l',
	['m'] = 'm', ['n'] = 'n', ['o'] = 'o', ['p'] = 'p', ['q'] = 'q', ['r'] = 'r',
	['s'] = 's', ['t'] = 't', ['u'] = 'u', ['v'] = 'v', ['w'] = 'w', ['x'] = 'x',
	['y'] = 'y', ['z'] = 'z',
	['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e', ['F'] = 'f',
	['G'] = 'g', ['H'] = 'h', ['I'] = 'i', ['J'] = 'j', ['K'] = 'k', ['L'] = 'l',
	['M'] = 'm', ['N'] = 'n', ['O'] = 'o', ['P'] = 'p', ['Q'] = 'q', ['R'] = 'r',
	['S'] = 's', ['T'] = 't', ['U'] = 'u', ['V'] = 'v', ['W'] = 'w', ['X'] = 'x',
	['Y'] = 'y', ['Z'] = 'z',
};
/* clang-format on */

/*
 * The class of a non-ASCII code point. Latin, Greek, Cyrillic, Armenian,
 * Hebrew and Arabic letters (and combining marks) make words; Unicode
 * punctuation, spaces and symbol blocks separate; everything else (CJK,
 * kana, Hangul, Thai...) matches as substrings.
 */
static int
disclaimer_cp_class(unsigned int cp)
{
	if (cp < 0xc0 || cp == 0xd7 || cp == 0xf7 || cp == 0xfffd)
		return DN_SPACE;
	if (cp <= 0x6ff || (cp >= 0x1e00 && cp <= 0x1fff))
		return DN_WORD;
	if ((cp >= 0x2000 && cp <= 0x2bff) || (cp >= 0x3000 && cp <= 0x303f) ||
	    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff01 && cp <= 0xff0f) ||
	    (cp >= 0xff1a && cp <= 0xff20) || (cp >= 0xff3b && cp <= 0xff40) ||
	    (cp >= 0xff5b && cp <= 0xff65) || (cp >= 0x1f000 && cp <= 0x1faff))
		return DN_SPACE;
	return DN_OTHER;
}

/* Lower-case the capitals of Latin-1, Greek and Cyrillic. */
static unsigned int
disclaimer_cp_fold(unsigned int cp)
{
	if ((cp >= 0xc0 && cp <= 0xde) || (cp >= 0x391 && cp <= 0x3ab) ||
	    (cp >= 0x410 && cp <= 0x42f))
		return cp + 0x20;
	if (cp >= 0x400 && cp <= 0x40f)
		return cp + 0x50;
	return cp;
}

static size_t
disclaimer_utf8_put(unsigned int cp, unsigned char *out)
{
	if (cp < 0x800) {
		out[0] = (unsigned char)(0xc0 | cp >> 6);
		out[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (unsigned char)(0xe0 | cp >> 12);
		out[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (unsigned char)(0xf0 | cp >> 18);
	out[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * Normalise the character at s[*i] and advance past it: the bytes it becomes
 * go to out (at most 5), and the count is returned. Letters and digits are
 * lower-cased, any run of separators becomes one space, and a space also
 * goes between a word and a CJK character, so "药物dose" reads "药物 dose".
 * *prev is the class of the character before.
 */
static inline size_t
disclaimer_norm(const unsigned char *s, size_t len, size_t *i, int *prev, unsigned char *out)
{
	unsigned int cp = s[*i];
	size_t n = 1, o = 0;
	int cls;

	if (cp < 0x80) {
		cp = disclaimer_ascii[cp];
		cls = cp != 0 ? DN_WORD : DN_SPACE;
	} else if (cp >= 0xc2 && cp <= 0xdf && len - *i >= 2 && (s[*i + 1] & 0xc0) == 0x80) {
		cp = (cp & 0x1f) << 6 | (s[*i + 1] & 0x3f); /* two bytes, inline: Latin, Cyrillic */
		n = 2;
		cls = disclaimer_cp_class(cp);
	} else if ((n = text_utf8_seq((const char *)s + *i, len - *i, &cp)) == 0) {
		n = 1;
		cls = DN_SPACE;
	} else
		cls = disclaimer_cp_class(cp);
	if (cls == DN_SPACE) {
		if (*prev != DN_SPACE)
			out[o++] = ' ';
	} else {
		if (*prev != DN_SPACE && *prev != cls)
			out[o++] = ' ';
		if (cp < 0x80)
			out[o++] = (unsigned char)cp;
		else if (cls == DN_WORD)
			o += disclaimer_utf8_put(disclaimer_cp_fold(cp), out + o);
		else {
			memcpy(out + o, s + *i, n);
			o += n;
		}
	}
	*i += n;
	*prev = cls;
	return o;
}

/*
 * A keyword as the automaton looks for it: normalised, with a space before
 * it when it starts with a word character and after it when it ends with
 * one (unless it ends in '*'), so words match whole. NULL with *cause set
 * when it has nothing to match.
 */
char *
disclaimer_keyword(const char *kw, size_t len, size_t *outlen, char **cause)
{
	const unsigned char *s = (const unsigned char *)kw;
	bool prefix = len > 0 && kw[len - 1] == '*';
	int prev = DN_SPACE, first = DN_SPACE;
	unsigned char out[8], b[DISCLAIMER_KEYWORD_MAX * 5 + 2]; /* 5 bytes a byte at most */
	size_t i = 0, n, o = 0;

	if (prefix)
		len--;
	if (memchr(kw, '*', len) != NULL) {
		*cause = xasprintf(_("keyword '%.*s%s': '*' goes only at the end"), (int)len, kw,
		    prefix ? "*" : "");
		return NULL;
	}
	b[o++] = ' ';
	while (i < len) {
		n = disclaimer_norm(s, len, &i, &prev, out);
		if (first == DN_SPACE)
			first = prev;
		if (n > 0 && (o > 1 || out[0] != ' ')) {
			memcpy(b + o, out, n);
			o += n;
		}
	}
	if (o > 1 && b[o - 1] == ' ')
		o--;
	if (first == DN_SPACE || (prefix && prev != DN_WORD)) {
		*cause = xasprintf(first == DN_SPACE ?
			_("keyword '%.*s%s' has no letters") :
			_("keyword '%.*s%s': '*' must follow a letter or digit of a word"),
		    (int)len, kw, prefix ? "*" : "");
		return NULL;
	}
	if (prev == DN_WORD && !prefix)
		b[o++] = ' ';
	*outlen = o - (first != DN_WORD);
	return xstrndup((const char *)b + (first != DN_WORD), *outlen);
}

/* ---- the automaton ------------------------------------------------------------ */

/* The column of each ASCII byte as it reads normalised (see struct disclaimer_rules). */
static void
disclaimer_columns(struct disclaimer_rules *r)
{
	size_t c;

	for (c = 0; c < 128; c++) {
		r->acol[c] = r->col[disclaimer_ascii[c] != 0 ? disclaimer_ascii[c] : ' '];
		r->wcol[c] = disclaimer_ascii[c] != 0 ? r->acol[c] : 0;
		r->stay[c] = r->wcol[c] != 0 && r->next[r->root * r->ncols + r->wcol[c]] == r->root;
	}
}

/*
 * The events of state u: those of its failure state f, with the keywords
 * and exception phrases of topics with exceptions that end exactly in u
 * (the patterns first[u] - 1, then along nextpat[]). evat[] as in row[1].
 */
static void
disclaimer_events_of(struct disclaimer_rules *r, const struct disclaimer_pattern *pat,
    const uint32_t *first, const uint32_t *nextpat, uint32_t *evat, size_t u, size_t f)
{
	uint16_t kw[DISCLAIMER_NOTICES_MAX] = { 0 }, ex[DISCLAIMER_NOTICES_MAX] = { 0 };
	const struct disclaimer_event *e;
	const struct disclaimer_pattern *p;
	uint32_t i, own = 0;
	size_t t;

	for (i = first[u]; i != 0; i = nextpat[i - 1]) {
		p = &pat[i - 1];
		if ((r->excepts >> p->notice & 1) == 0)
			continue;
		own |= (uint32_t)1 << p->notice;
		if (p->except && p->len > ex[p->notice])
			ex[p->notice] = (uint16_t)p->len;
		if (!p->except && p->len > kw[p->notice])
			kw[p->notice] = (uint16_t)p->len;
	}
	evat[u] = evat[f];
	if (own == 0)
		return;
	for (e = evat[f] != 0 ? &r->ev[evat[f] - 1] : NULL;
	     e != NULL && e->topic != DISCLAIMER_EV_END; e++) {
		kw[e->topic] = kw[e->topic] > e->kw ? kw[e->topic] : e->kw;
		ex[e->topic] = ex[e->topic] > e->ex ? ex[e->topic] : e->ex;
		own |= (uint32_t)1 << e->topic;
	}
	evat[u] = (uint32_t)r->nev + 1;
	for (t = 0; t <= DISCLAIMER_NOTICES_MAX; t++) {
		if (t < DISCLAIMER_NOTICES_MAX && (own >> t & 1) == 0)
			continue;
		if (r->nev == r->evcap) { /* doubling: thousands of states have events */
			r->evcap = r->evcap != 0 ? r->evcap * 2 : 64;
			r->ev = xreallocarray(r->ev, r->evcap, sizeof *r->ev);
		}
		r->ev[r->nev].topic = t < DISCLAIMER_NOTICES_MAX ? (uint8_t)t : DISCLAIMER_EV_END;
		r->ev[r->nev].kw = t < DISCLAIMER_NOTICES_MAX ? kw[t] : 0;
		r->ev[r->nev++].ex = t < DISCLAIMER_NOTICES_MAX ? ex[t] : 0;
	}
}

/*
 * The trie of the patterns, as child lists: child[u] is 1 + u's first child
 * (0 for none), sib[v] 1 + v's next sibling, ecol[v] the column of the edge
 * into v; the patterns ending in each state start at first[u] - 1 and go on
 * along nextpat[]; n states in all.
 */
struct disclaimer_trie {
	uint16_t rootkid[256]; /* the root's children by column, 1 + state (0: none) */
	uint16_t *child, *sib;
	unsigned char *ecol;
	uint32_t *mask, *first, *nextpat;
	size_t n;
};

static void
disclaimer_trie(struct disclaimer_trie *t, const struct disclaimer_rules *r,
    const struct disclaimer_pattern *pat, size_t npat, size_t max)
{
	size_t i, j;
	uint16_t u, v;
	unsigned char c;

	memset(t->rootkid, 0, sizeof t->rootkid);
	t->child = xcalloc(max, sizeof *t->child);
	t->sib = xcalloc(max, sizeof *t->sib);
	t->ecol = xcalloc(max, sizeof *t->ecol);
	t->mask = xcalloc(max, sizeof *t->mask);
	t->first = xcalloc(max, sizeof *t->first);
	t->nextpat = xcalloc(npat + 1, sizeof *t->nextpat);
	t->n = 1;
	for (i = 0; i < npat; i++) {
		u = 0;
		for (j = 0; j < pat[i].len; j++) {
			c = r->col[(unsigned char)pat[i].s[j]];
			if (u == 0)
				v = t->rootkid[c];
			else
				for (v = t->child[u]; v != 0 && t->ecol[v - 1] != c;
				     v = t->sib[v - 1])
					;
			if (v == 0) {
				v = (uint16_t)++t->n;
				t->ecol[v - 1] = c;
				t->sib[v - 1] = t->child[u];
				t->child[u] = v;
				if (u == 0)
					t->rootkid[c] = v;
			}
			u = (uint16_t)(v - 1);
		}
		if ((r->excepts >> pat[i].notice & 1) == 0)
			t->mask[u] |= (uint32_t)1 << pat[i].notice;
		t->nextpat[i] = t->first[u];
		t->first[u] = (uint32_t)i + 1;
	}
}

static void
disclaimer_trie_free(struct disclaimer_trie *t)
{
	free(t->child);
	free(t->sib);
	free(t->ecol);
	free(t->mask);
	free(t->first);
	free(t->nextpat);
}

/* The child of trie state u on column c, or 0 for none (the root is no child). */
static uint16_t
disclaimer_edge(const struct disclaimer_trie *t, uint16_t u, unsigned char c)
{
	uint16_t v;

	if (u == 0)
		v = t->rootkid[c];
	else
		for (v = t->child[u]; v != 0 && t->ecol[v - 1] != c; v = t->sib[v - 1])
			;
	return v != 0 ? (uint16_t)(v - 1) : 0;
}

/*
 * The failure links (fail[]) and a breadth-first order of the states
 * (order[], without the root), with each state's mask and events.
 */
static void
disclaimer_links(struct disclaimer_rules *r, struct disclaimer_trie *t,
    const struct disclaimer_pattern *pat, uint16_t *fail, uint16_t *order, uint32_t *evat)
{
	size_t head = 0, tail = 0;
	uint16_t u, v, f, w;

	for (v = t->child[0]; v != 0; v = t->sib[v - 1])
		order[tail++] = (uint16_t)(v - 1);
	while (head < tail) {
		u = order[head++];
		t->mask[u] |= t->mask[fail[u]];
		disclaimer_events_of(r, pat, t->first, t->nextpat, evat, u, fail[u]);
		for (v = t->child[u]; v != 0; v = t->sib[v - 1]) {
			for (f = fail[u];
			     (w = disclaimer_edge(t, f, t->ecol[v - 1])) == 0 && f != 0;
			     f = fail[f])
				;
			fail[v - 1] = w;
			order[tail++] = (uint16_t)(v - 1);
		}
	}
}

/*
 * The next state from state u on column c, computed and kept in the table:
 * the trie's edge, or (none) the next state of u's failure state, or the
 * root from the root. Out of line: each entry is computed once.
 */
__attribute__((noinline)) size_t
disclaimer_next(const struct disclaimer_rules *r, size_t u, size_t c)
{
	size_t v, f;

	for (v = r->child[u]; v != 0 && r->ecol[v] != c; v = r->sib[v])
		;
	if (v == 0 && u == r->root)
		v = u;
	else if (v == 0) {
		f = r->fail[u];
		if ((v = r->next[f * r->ncols + c]) == 0)
			v = disclaimer_next(r, f, c);
	}
	r->next[u * r->ncols + c] = (uint16_t)v;
	return v;
}

/*
 * Build the automaton from the keywords and the exception phrases: the trie
 * and its failure links, then the states renumbered (those where something
 * ends first, then the root and the rest), kept by their new numbers. Only
 * the root's row is computed now; the others as the scans reach them.
 */
int
disclaimer_build(struct disclaimer_rules *r, const struct disclaimer_pattern *pat, size_t npat,
    size_t bytes, char **cause)
{
	struct disclaimer_trie t;
	size_t i, j, c, ncols = 2, max = bytes + 1, hot = 1, cold;
	uint16_t *fail, *order, *perm;
	uint32_t *evat;

	if (max > DISCLAIMER_NODES_MAX) {
		*cause =
		    xasprintf(_("the keywords are too many (%zu bytes normalised; the limit is "
				"%d)"),
			bytes, DISCLAIMER_NODES_MAX - 1);
		return -1;
	}
	for (i = 0; i < npat; i++)
		for (j = 0; j < pat[i].len; j++)
			if (r->col[(unsigned char)pat[i].s[j]] == 0)
				r->col[(unsigned char)pat[i].s[j]] = (unsigned char)ncols++;
	for (c = 0; c < 256; c++)
		if (r->col[c] == 0)
			r->col[c] = 1;
	disclaimer_trie(&t, r, pat, npat, max);
	r->nstates = t.n;
	r->ncols = ncols;
	fail = xcalloc(t.n, sizeof *fail);
	order = xcalloc(t.n, sizeof *order);
	evat = xcalloc(t.n, sizeof *evat);
	disclaimer_links(r, &t, pat, fail, order, evat);

	perm = xcalloc(t.n, sizeof *perm);
	for (i = 0; i < t.n; i++)
		hot += t.mask[i] != 0 || evat[i] != 0;
	r->hot = (uint32_t)hot;
	r->root = (uint32_t)hot; /* the trie's root (0) is the first state where nothing ends */
	r->mask = xcalloc(t.n + 1, sizeof *r->mask);
	r->evat = xcalloc(t.n + 1, sizeof *r->evat);
	for (i = 0, hot = 1, cold = r->hot; i < t.n; i++) {
		perm[i] = (uint16_t)(t.mask[i] != 0 || evat[i] != 0 ? hot++ : cold++);
		r->mask[perm[i]] = t.mask[i];
		r->evat[perm[i]] = evat[i];
	}
	r->child = xcalloc(t.n + 1, sizeof *r->child);
	r->sib = xcalloc(t.n + 1, sizeof *r->sib);
	r->fail = xcalloc(t.n + 1, sizeof *r->fail);
	r->ecol = xcalloc(t.n + 1, sizeof *r->ecol);
	for (i = 0; i < t.n; i++) {
		r->child[perm[i]] = t.child[i] != 0 ? perm[t.child[i] - 1] : 0;
		r->sib[perm[i]] = t.sib[i] != 0 ? perm[t.sib[i] - 1] : 0;
		r->fail[perm[i]] = perm[fail[i]];
		r->ecol[perm[i]] = t.ecol[i];
	}
	/* Zero pages from the system: the rows never reached are never touched. */
	r->next = xcalloc((t.n + 1) * ncols, sizeof *r->next);
	for (c = 1; c < ncols; c++)
		disclaimer_next(r, r->root, c);
	disclaimer_columns(r);
	free(perm);
	free(evat);
	free(order);
	free(fail);
	disclaimer_trie_free(&t);
	return 0;
}

/* The waiting matches of a topic that no phrase can cover any more count. */
static uint32_t
disclaimer_expire(const struct disclaimer_rules *r, struct disclaimer_pending *q, int topic,
    size_t pos, uint32_t found)
{
	while (q->n > 0 && pos - q->start[q->head] > r->exmax[topic]) {
		found |= (uint32_t)1 << topic;
		q->head = (q->head + 1) % DISCLAIMER_RING;
		q->n--;
	}
	return found;
}

/* Drop the waiting matches that start at or after start (from the back: they increase). */
static void
disclaimer_drop(struct disclaimer_pending *q, size_t start)
{
	while (q->n > 0 && q->start[(q->head + q->n - 1) % DISCLAIMER_RING] >= start)
		q->n--;
}

/*
 * A state where keywords or exception phrases of topics with exceptions end,
 * pos bytes into the normalised text: a keyword match counts only when no
 * exception phrase of its topic covers it, and a phrase that covers it
 * starts before it and ends within the topic's longest phrase of its start.
 * So a match waits in pend[] until it is that far behind (then it counts) or
 * a phrase covers it. A match that starts no later than a waiting one makes
 * that one moot (whatever covers the new one covers it), so the starts
 * waiting are increasing, and a phrase removes those it covers from the back.
 */
static uint32_t
disclaimer_events(const struct disclaimer_rules *r, uint32_t at, size_t pos,
    struct disclaimer_pending *pend, uint32_t found)
{
	const struct disclaimer_event *e;
	struct disclaimer_pending *q;

	for (e = &r->ev[at - 1]; e->topic != DISCLAIMER_EV_END; e++) {
		if (found >> e->topic & 1)
			continue;
		q = &pend[e->topic];
		found = disclaimer_expire(r, q, e->topic, pos, found);
		if (e->kw != 0) {
			disclaimer_drop(q, pos - e->kw);
			q->start[(q->head + q->n++) % DISCLAIMER_RING] = pos - e->kw;
		}
		if (e->ex != 0)
			disclaimer_drop(q, pos - e->ex);
		found = disclaimer_expire(r, q, e->topic, pos, found);
	}
	return found;
}

/*
 * One step of the automaton on a column, the entry computed the first time
 * (0: see struct disclaimer_rules): most states end nothing (they are
 * numbered from hot on), so a step is a load and a comparison or two. Jumps
 * to done once every topic is found.
 */
#define DISCLAIMER_STEP(column) \
	do { \
		size_t c_ = (column), t_ = next[st * ncols + c_]; \
		if (t_ < hot && t_ == 0) \
			t_ = disclaimer_next(r, st, c_); \
		st = t_; \
		pos++; \
		DISCLAIMER_HOT(); \
	} while (0)
#define DISCLAIMER_HOT() \
	do { \
		if (st < hot) { \
			found |= r->mask[st]; \
			if (r->evat[st] != 0) \
				found = disclaimer_events(r, r->evat[st], pos, pend, found); \
			if ((found & all) == all) \
				goto done; \
		} \
	} while (0)

/*
 * Steps on ASCII text from *pp on, as disclaimer_norm() reads it: letters and
 * digits by their columns, a run of the other bytes as one space. At the
 * root after a letter, the letters and digits that keep it there are skipped
 * (most of the text: no keyword starts inside a word). Stops before a byte
 * of 0x80 or more, at end, or before a step to a state where something ends
 * or not computed yet, which is left to the caller: its entry in next[] goes
 * to *step (0: none; *st is then not updated), its byte already read. The count of steps taken
 * (normalised bytes) is returned, *st and *prev as they are then. Its own
 * function without calls, so that its variables stay in registers.
 */
static size_t
disclaimer_ascii_run(const struct disclaimer_rules *r, const unsigned char **pp,
    const unsigned char *end, size_t *st, int *prev, size_t *step)
{
	const unsigned char *p = *pp, *wcol = r->wcol, *stay = r->stay;
	const uint16_t *next = r->next;
	const size_t ncols = r->ncols, hot = r->hot, sp = r->col[' '];
	size_t u = *st, e, n = 0, a;
	int pv = *prev;

	*step = 0;
	while (p < end && *p < 0x80) {
		if ((a = wcol[*p]) != 0 && pv != DN_OTHER) { /* a letter or digit of a word */
			p++;
			pv = DN_WORD;
			e = u * ncols + a; /* u is not kept: the caller finds it from e */
			if ((u = next[e]) < hot) {
				*step = e;
				break;
			}
			n++;
			if (u == hot) { /* the root (the first state from hot on) */
				for (; p < end && stay[*p]; p++)
					n++;
			}
			continue;
		}
		if (a == 0) { /* a run of other bytes, one space */
			p++;
			if (pv == DN_SPACE)
				continue;
		} /* else a space between CJK and this letter */
		pv = DN_SPACE;
		e = u * ncols + sp;
		if ((u = next[e]) < hot) {
			*step = e;
			break;
		}
		n++;
	}
	*pp = p;
	if (*step == 0)
		*st = u;
	*prev = pv;
	return n;
}

/*
 * The topics found in text[0..len), added to found; stops early once all are
 * found. The same as feeding disclaimer_norm()'s output to the automaton,
 * with runs of ASCII and three-byte characters, the common cases, done
 * inline. pend[] has a ring for each topic, empty, and is left so.
 */
static uint32_t
disclaimer_scan(const struct disclaimer_rules *r, const char *text, size_t len, uint32_t found,
    struct disclaimer_pending *pend)
{
	const unsigned char *s = (const unsigned char *)text, *col = r->col, *p;
	const uint16_t *next = r->next;
	const size_t ncols = r->ncols, hot = r->hot;
	const uint32_t all = r->topics, sp = col[' '];
	unsigned char out[8], c;
	size_t i = 0, j, k, n, pos = 0, t;
	size_t st = r->root;
	unsigned int cp;
	int prev = DN_SPACE, pr;

	if ((found & all) == all)
		goto done;
	DISCLAIMER_STEP(sp); /* the text starts after a space */
	while (i < len) {
		c = s[i];
		if (c < 0x80) { /* ASCII */
			p = s + i;
			pos += disclaimer_ascii_run(r, &p, s + len, &st, &prev, &t);
			i = (size_t)(p - s);
			if (t != 0) { /* the step it left: from the state t / ncols */
				st = t / ncols;
				DISCLAIMER_STEP(t % ncols);
			}
			continue;
		}
		/* a CJK character: its bytes as they are */
		if (c >= 0xe1 && c <= 0xec && len - i >= 3 && (s[i + 1] & 0xc0) == 0x80 &&
		    (s[i + 2] & 0xc0) == 0x80) {
			cp = (unsigned int)(c & 0x0f) << 12 | (unsigned int)(s[i + 1] & 0x3f) << 6 |
			    (s[i + 2] & 0x3f);
			if (disclaimer_cp_class(cp) == DN_OTHER) {
				if (prev == DN_WORD)
					DISCLAIMER_STEP(sp);
				DISCLAIMER_STEP(col[c]);
				DISCLAIMER_STEP(col[s[i + 1]]);
				DISCLAIMER_STEP(col[s[i + 2]]);
				prev = DN_OTHER;
				i += 3;
				continue;
			}
		}
		j = i; /* copies: i and prev stay in registers */
		pr = prev;
		n = disclaimer_norm(s, len, &j, &pr, out);
		i = j;
		prev = pr;
		for (k = 0; k < n; k++)
			DISCLAIMER_STEP(col[out[k]]);
	}
	if (prev != DN_SPACE) /* and ends before one */
		DISCLAIMER_STEP(sp);
done:
	for (t = 0; r->excepts != 0 && t < r->n; t++) {
		if (pend[t].n > 0) /* no phrase can cover them now */
			found |= (uint32_t)1 << t;
		pend[t].n = pend[t].head = 0;
	}
	return found;
}

/* ---- choosing and writing notices -------------------------------------------- */

size_t
disclaimer_pick(const struct disclaimer_rules *r, const char *prompt, size_t prompt_len,
    const char *answer, size_t answer_len, enum disclaimer_end end,
    const struct disclaimer *out[DISCLAIMER_MAX])
{
	struct disclaimer_pending *pend = NULL;
	uint32_t found = 0;
	size_t i, n = 0;

	out[n++] = &r->notice[r->general];
	if (r->excepts != 0)
		pend = xcalloc(r->n, sizeof *pend);
	if (r->topics != 0) {
		found = disclaimer_scan(r, prompt, prompt_len, found, pend);
		found = disclaimer_scan(r, answer, answer_len, found, pend);
	}
	free(pend);
	for (i = 0; i < r->n && n < DISCLAIMER_MAX - 1; i++)
		if ((found & r->topics) >> i & 1)
			out[n++] = &r->notice[i];
	if ((size_t)end < DISCLAIMER_NENDS && r->end[end] >= 0)
		out[n++] = &r->notice[r->end[end]];
	return n;
}

cJSON *
disclaimer_json_value(const struct disclaimer *const *d, size_t n)
{
	cJSON *a = cJSON_CreateArray(), *o;
	size_t i;

	if (a == NULL)
		fatal("%s", _("out of memory"));
	for (i = 0; i < n; i++) {
		if ((o = cJSON_CreateObject()) == NULL ||
		    cJSON_AddStringToObject(o, "id", d[i]->id) == NULL ||
		    cJSON_AddStringToObject(o, "clause", d[i]->clause) == NULL ||
		    cJSON_AddStringToObject(o, "text",
			d[i]->plain != NULL ? d[i]->plain : d[i]->text) == NULL)
			fatal("%s", _("out of memory"));
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

char *
disclaimer_json(const struct disclaimer *const *d, size_t n)
{
	cJSON *a = disclaimer_json_value(d, n);
	char *s = cJSON_PrintUnformatted(a);

	cJSON_Delete(a);
	if (s == NULL)
		fatal("%s", _("out of memory"));
	return s;
}

cJSON *
disclaimer_json_stored(const char *json)
{
	cJSON *v;

	if (json == NULL)
		v = cJSON_CreateArray();
	else if ((v = cJSON_Parse(json)) == NULL)
		v = cJSON_CreateString(json);
	if (v == NULL)
		fatal("%s", _("out of memory"));
	return v;
}

size_t
disclaimer_json_each(const char *json, disclaimer_each_fn fn, void *arg)
{
	cJSON *arr = json != NULL ? cJSON_Parse(json) : NULL, *d, *t;
	size_t n = 0;

	if (!cJSON_IsArray(arr)) {
		cJSON_Delete(arr);
		return 0;
	}
	cJSON_ArrayForEach (d, arr) {
		t = cJSON_IsString(d) ? d : cJSON_GetObjectItemCaseSensitive(d, "text");
		if (!cJSON_IsString(t))
			continue;
		fn(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(d, "id")),
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(d, "clause")),
		    t->valuestring, arg);
		n++;
	}
	cJSON_Delete(arr);
	return n;
}
