/*
 * disclaimer.h: which reliance notices an exchange gets (Terms III.4).
 * Pure: the rules come as text (assets/disclaimers.ini, or the file named by
 * the config setting disclaimers_file); no I/O here.
 *
 * Every answer gets the general notice; a prompt or answer that touches a
 * high-stakes topic (medical, legal, financial, decisions about people,
 * critical systems: III.4(f)) gets that topic's stronger notice; an answer
 * that was cut off, filtered, interrupted or broken says so.
 */
#ifndef CONFAB_DISCLAIMER_H
#define CONFAB_DISCLAIMER_H

#include <stdbool.h>
#include <stddef.h>

struct cJSON;

struct disclaimer {
	const char *id;	    /* "general", "medical", "end-length", ... */
	const char *clause; /* "III.4", "III.4(f)(i)", ... */
	const char *text;   /* the project's own words, plain and short, in the
			       screens' language: shown to the user */
	bool strong;	    /* high-stakes: shown clearly marked, not quietly */
	const char *plain;  /* the rules' "text" (NULL: the same as text): what
			       --json and the store carry, in every language */
};

/* How an answer ended, as far as the notices care. */
enum disclaimer_end {
	DISCLAIMER_END_COMPLETE,
	DISCLAIMER_END_LENGTH,	    /* finish_reason "length" */
	DISCLAIMER_END_FILTERED,    /* content_filter, data_inspection_failed */
	DISCLAIMER_END_INTERRUPTED, /* the user stopped it */
	DISCLAIMER_END_BROKEN,	    /* the network or the stream broke */
};

struct disclaimer_rules;

/*
 * Parse rules from INI text (the format is described at the top of
 * assets/disclaimers.ini): one section per notice, [general] required, topic
 * sections with keywords, and [end-length], [end-filtered],
 * [end-interrupted], [end-broken] optional. Keys: clause, text (one line
 * each), text.LANG (the text in the language LANG, such as text.zh_CN; one
 * line; optional, one per language), strong = yes|no (default no), keywords (comma-separated; repeatable;
 * a trailing '*' matches words that start so), except (phrases in the same
 * form: a keyword match inside an occurrence of one of its section's
 * phrases does not count; at most 255 bytes each). At most 32 sections and
 * 65534 bytes of normalised keywords and phrases. Returns NULL with *cause
 * set (naming the line) when the text is not valid rules or lacks the
 * general notice. The notices' texts are in the screens' language
 * (i18n_language(); see disclaimer_rules_language()).
 */
struct disclaimer_rules *disclaimer_rules_parse(const char *text, size_t len, char **cause);

/*
 * Show the notices in language lang ("zh_CN", "en"...): each notice's text
 * becomes its text.LANG, else its text.L for the language part of LANG
 * (text.zh for zh_CN), else the plain text (a section without translations,
 * or lang NULL). Their plain texts, ids and clauses stay as they are.
 */
void disclaimer_rules_language(struct disclaimer_rules *r, const char *lang);

/*
 * The text to show for a stored notice (what disclaimer_json() stored): the
 * translation the rules have, in the language they are shown in, when the
 * stored text is the plain text of the rules' notice of that id; else the
 * stored text itself. r and id may be NULL.
 */
const char *disclaimer_rules_shown(const struct disclaimer_rules *r, const char *id,
    const char *text);
void disclaimer_rules_free(struct disclaimer_rules *r); /* NULL-safe */

/*
 * The built-in rules (DISCLAIMER_FALLBACK in disclaimer.c), for when the
 * rules file is missing or broken: the general notice and the end notices,
 * no topics. Never NULL; free with disclaimer_rules_free().
 */
struct disclaimer_rules *disclaimer_rules_fallback(void);

/* At most this many notices for one exchange. */
#define DISCLAIMER_MAX 8

/*
 * The notices for an exchange, in the order to show them: the general one
 * first, then topics (in file order; at most DISCLAIMER_MAX - 2, so the end
 * notice always fits), then how it ended, when the rules describe that end.
 * out[] entries are borrowed from r.
 * Keywords match case-insensitively, on word boundaries for alphabetic
 * scripts ("legally blonde" is not legal advice; '_' joins words), as
 * substrings for CJK; punctuation and runs of blanks count as one space; a
 * match inside an exception phrase of its topic does not count. One pass
 * over each text whatever the number of keywords and phrases (an automaton
 * built by the parser; a match waits at most the length of the topic's
 * longest phrase for one that covers it).
 * A prompt or answer may be NULL when its length is 0.
 */
size_t disclaimer_pick(const struct disclaimer_rules *r, const char *prompt, size_t prompt_len,
    const char *answer, size_t answer_len, enum disclaimer_end end,
    const struct disclaimer *out[DISCLAIMER_MAX]);

/*
 * [{"id":..,"clause":..,"text":..}, ...] (allocated), for the store and
 * --json: the plain texts (not the translations shown), so the record is
 * the same in every language.
 */
char *disclaimer_json(const struct disclaimer *const *d, size_t n);

/* The same as a cJSON array, for a --json object to hold (the caller owns it). */
struct cJSON *disclaimer_json_value(const struct disclaimer *const *d, size_t n);

/*
 * What disclaimer_json() stored, as a value for --json: the array, [] for
 * NULL, the text itself as a string when it is not JSON (the caller owns it).
 */
struct cJSON *disclaimer_json_stored(const char *json);

/*
 * Read back what disclaimer_json() stored: fn(id, clause, text, arg) for each
 * notice with a text (a bare string is a text; id and clause may be NULL).
 * json may be NULL or not JSON (nothing is called). Returns how many.
 */
typedef void (*disclaimer_each_fn)(const char *id, const char *clause, const char *text, void *arg);
size_t disclaimer_json_each(const char *json, disclaimer_each_fn fn, void *arg);

#endif
