/*
 * disclaimer-internal.h: what disclaimer.c (normalising, the automaton, the
 * scan, notices JSON) and disclaimer-rules.c (the rules-file parser) share.
 */
#ifndef CONFAB_DISCLAIMER_INTERNAL_H
#define CONFAB_DISCLAIMER_INTERNAL_H

#include "disclaimer.h"

#define DISCLAIMER_NOTICES_MAX 32  /* sections in one file: one bit of a mask each */
#define DISCLAIMER_NODES_MAX 65535 /* automaton states: uint16_t */
#define DISCLAIMER_RING 256	   /* pending matches of a topic: > DISCLAIMER_EXCEPT_MAX */
#define DISCLAIMER_EV_END 0xff	   /* the topic that ends a list of events */
#define DISCLAIMER_LANG_MAX 15	   /* bytes of LANG in a text.LANG key */

/* Character classes of the normalised text. */
enum {
	DN_SPACE, /* blanks, punctuation, symbols, invalid bytes: one space */
	DN_WORD,  /* letters and digits of scripts written with spaces */
	DN_OTHER, /* CJK and other scripts written without spaces: substrings */
};

static const char *const disclaimer_end_ids[] = {
	[DISCLAIMER_END_COMPLETE] = NULL,
	[DISCLAIMER_END_LENGTH] = "end-length",
	[DISCLAIMER_END_FILTERED] = "end-filtered",
	[DISCLAIMER_END_INTERRUPTED] = "end-interrupted",
	[DISCLAIMER_END_BROKEN] = "end-broken",
};
#define DISCLAIMER_NENDS nitems(disclaimer_end_ids)

/* A translation of a notice's text: "text.LANG = ..." in its section. */
struct disclaimer_tr {
	int notice;
	char *lang;
	char *text;
};

/*
 * What ends in a state for a topic with exceptions: the longest keyword of
 * the topic (0 for none) and the longest exception phrase (0 for none) that
 * end there, in bytes of normalised text.
 */
struct disclaimer_event {
	uint8_t topic; /* DISCLAIMER_EV_END after the last of a state's list */
	uint16_t kw;
	uint16_t ex;
};

struct disclaimer_rules {
	struct disclaimer notice[DISCLAIMER_NOTICES_MAX];
	size_t n;
	int general;				/* index into notice[] */
	int end[DISCLAIMER_NENDS];		/* by enum disclaimer_end; -1 for none */
	uint32_t topics;			/* bit i: notice[i] is a topic */
	uint32_t excepts;			/* bit i: topic i has exception phrases */
	uint16_t exmax[DISCLAIMER_NOTICES_MAX]; /* its longest exception phrase */
	struct disclaimer_tr *tr;		/* the translations, in file order */
	size_t ntr;

	/*
	 * Every keyword and exception phrase in one Aho-Corasick automaton over
	 * the normalised text, as a transition table filled as it is used:
	 * next[state * ncols + col[byte]] is the next state, or 0 while not
	 * computed yet (disclaimer_next() computes it from the trie and the
	 * failure links, and keeps it). States are 1 to nstates; state 0 is
	 * that mark, its row unused. Column 0 is unused (so wcol[] can say "not
	 * a word byte" with 0) and column 1 is every byte that occurs in no
	 * keyword. The states where something ends are numbered first, 1 to
	 * hot - 1, then the root and the rest: one comparison (st < hot) finds
	 * both a state to look at and an entry to compute. mask[state] is the
	 * mask of topics without exceptions whose keyword ends in the state,
	 * evat[state] 1 + the index in ev[] of its events (0 for none: see
	 * disclaimer_events()). acol[] is the column of each ASCII byte as it
	 * reads normalised (a letter lower-cased, the rest a space), so ASCII
	 * needs no normalising. The table is written while texts are scanned
	 * (through a const rules pointer: next[] is not part of what the rules
	 * say, only a cache of it); confab scans from one thread.
	 */
	unsigned char col[256];
	unsigned char acol[128];
	unsigned char wcol[256]; /* acol[] of ASCII letters and digits, else 0 */
	unsigned char stay[256]; /* 1: a letter or digit that leads the root to the root */
	uint16_t *next;
	size_t ncols, nstates;
	uint32_t *mask, *evat;
	uint32_t hot, root;
	/* The trie, by state: first child, next sibling (0: none), column into it, failure state. */
	uint16_t *child, *sib, *fail;
	unsigned char *ecol;
	struct disclaimer_event *ev;
	size_t nev, evcap;
};

/* A keyword or an exception phrase, normalised, with the topic it belongs to. */
struct disclaimer_pattern {
	char *s;
	size_t len;
	int notice;
	bool except;
};

/*
 * The keyword matches of a topic with exceptions that an exception phrase
 * may still cover: their starts, increasing, in a ring.
 */
struct disclaimer_pending {
	size_t start[DISCLAIMER_RING];
	unsigned int head, n;
};

struct disclaimer_parse {
	struct disclaimer_rules *r;
	int line[DISCLAIMER_NOTICES_MAX]; /* where each section starts */
	int cur;			  /* the section being read, or -1 */
	struct disclaimer_pattern *pat;
	size_t npat, patcap;
	size_t patbytes;
};

char *disclaimer_keyword(const char *kw, size_t len, size_t *outlen, char **cause);
size_t disclaimer_next(const struct disclaimer_rules *r, size_t u, size_t c);
int disclaimer_build(struct disclaimer_rules *r, const struct disclaimer_pattern *pat, size_t npat,
    size_t bytes, char **cause);

#endif
