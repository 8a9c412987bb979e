/*
 * terms.h: a Terms of Service text as confab understands it. Pure: no I/O.
 *
 * A version is identified by the SHA-256 of its canonical text: valid UTF-8,
 * a leading BOM removed, CRLF and CR turned into LF, spaces and tabs at line
 * ends removed, blank lines at the start and end removed, exactly one LF at
 * the end. Sections are the top-level numbered headings ("I. ...", "II. ...":
 * a Roman numeral, a dot, a space and a title at the start of a line). Text
 * before the first heading is the preamble, section 0 with an empty heading.
 * Headings can repeat, so a section's identity is its position and heading.
 */
#ifndef CONFAB_TERMS_H
#define CONFAB_TERMS_H

#include "caps.h"

#include <stdbool.h>
#include <stddef.h>

#define TERMS_HASH_HEX 64
#define TERMS_SHORT_HEX 12

/*
 * Bounds on a Terms text, refused beyond them (TERMS_MAX_BYTES, TERMS_MAX_LINE,
 * TERMS_MAX_SECTIONS in caps.h): the shipped one is 39 KB with 14 sections and
 * lines under 1 KB.
 */

struct terms_section {
	char *heading;	   /* "VIII. Liability"; "" for the preamble */
	char *numeral;	   /* "VIII"; "" for the preamble */
	size_t start, end; /* [start, end) of the section in the text */
};

struct terms {
	/*
	 * The text as shown: the canonical text with controls and escape
	 * sequences made visible by text_sanitize (TEXT_VISIBLE), so "ESC ] 0 ;"
	 * shows as "^[]0;". The same bytes as canon for an ordinary text. All
	 * the fields below (title, date, sections, diffs) come from it.
	 */
	char *text;
	size_t len;
	char *canon; /* canonical text, NUL-terminated: hashed and stored */
	size_t canon_len;
	char sha256[TERMS_HASH_HEX + 1];
	char short_hash[TERMS_SHORT_HEX + 1];
	char *title;	  /* first non-blank line */
	char *date_label; /* "March 1, 2025", from the "Last updated:" line */
	struct terms_section *sections;
	size_t nsections; /* always >= 1: the preamble comes first */
};

/*
 * Make the canonical form of bytes[0..len). Returns an allocated
 * NUL-terminated string (its length in *out_len), or NULL with *cause set
 * when the bytes are not UTF-8 or hold a NUL.
 */
char *terms_canonicalize(const char *bytes, size_t len, size_t *out_len, char **cause);

/* Hex SHA-256 of data (out gets 64 digits and a NUL). */
void terms_sha256_hex(const void *data, size_t len, char out[TERMS_HASH_HEX + 1]);

/*
 * Parse a Terms text (any bytes; canonicalised first). Returns a new object,
 * or NULL with *cause set: not UTF-8, empty, no "Last updated" line, or
 * past one of the bounds above.
 */
struct terms *terms_parse(const char *bytes, size_t len, char **cause);
void terms_free(struct terms *t); /* NULL-safe */

/* Display name of section i: its heading, or "Preamble". Borrowed. */
const char *terms_section_name(const struct terms *t, size_t i);

/* The Privacy Policy address named in the text (allocated), or NULL. */
char *terms_privacy_url(const struct terms *t);

/*
 * Does the hex string name this version? Accepts the full 64-digit hash or
 * the 12-digit short form, in either case.
 */
int terms_hash_matches(const struct terms *t, const char *hex);

/* ---- section-level diff ------------------------------------------------ */

enum terms_change {
	TERMS_SAME,
	TERMS_ADDED,
	TERMS_REMOVED,
	TERMS_CHANGED,
};

struct terms_diff_line {
	char op;	  /* ' ' same, '-' only in the old, '+' only in the new */
	const char *text; /* borrowed from the old or the new terms */
	size_t len;	  /* without the LF */
};

struct terms_section_diff {
	enum terms_change kind;
	size_t old_index;	       /* valid unless kind == TERMS_ADDED */
	size_t new_index;	       /* valid unless kind == TERMS_REMOVED */
	struct terms_diff_line *lines; /* the whole section, line by line */
	size_t nlines;		       /* 0 unless kind == TERMS_CHANGED */
};

struct terms_diff {
	struct terms_section_diff *sections; /* in reading order */
	size_t nsections;
	size_t nchanged;  /* sections that are not TERMS_SAME */
	int date_changed; /* the "Last updated" label differs */
};

/*
 * Compare two versions section by section. Sections are paired by an
 * alignment of their headings in order, so a repeated heading pairs by
 * position; a paired section whose lines differ is CHANGED (the "Last
 * updated" line does not count: date_changed says that). Both terms must
 * outlive the diff, which borrows their text.
 */
struct terms_diff *terms_diff(const struct terms *old, const struct terms *new);
void terms_diff_free(struct terms_diff *d); /* NULL-safe */

/*
 * For a line a that became b: the length of their common prefix and common
 * suffix, both ending on a word boundary, so a[pre..alen-suf) and
 * b[pre..blen-suf) are the words that changed.
 */
void terms_line_change(const char *a, size_t alen, const char *b, size_t blen, size_t *pre,
    size_t *suf);

/*
 * Which lines of a changed section are worth showing: every changed line and
 * the nearest non-blank unchanged line before and after each run of changes.
 * Returns an allocated array of sd->nlines flags (caller frees).
 */
bool *terms_diff_shown(const struct terms_section_diff *sd);

/* "added", "removed", "changed" or "unchanged". */
const char *terms_change_name(enum terms_change kind);

/* The same for people: "Preamble" and the change names in the screens' language. */
const char *terms_section_shown(const struct terms *t, size_t i);
const char *terms_change_shown(enum terms_change kind);

#endif
