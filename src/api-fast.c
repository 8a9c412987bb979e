/*
 * api-fast.c: reading an ordinary stream chunk in one pass, without building
 * a tree (see api_chunk_fast in api.h).
 *
 * Nearly every chunk of a stream has one shape: a flat object with id,
 * model, usage and one choice whose delta holds a piece of text. cJSON builds
 * a tree of a dozen allocated items for it, which was most of confab's CPU
 * on a long answer. This reader walks the bytes once, keeps where the members
 * it needs are, and copies out only their texts.
 *
 * It must give exactly what the full parser (api_chunk_parse_tree, cJSON)
 * gives, or decline; fuzz/fuzz-api-fast.c checks that for any input. So it
 * accepts only strict JSON (a subset of what cJSON accepts) and declines
 * whatever needs a judgement the full parser makes: a lone surrogate escape
 * (cuts and U+FFFD), a raw control byte in a string (cJSON keeps it, and
 * stops a text at a NUL), an escape in a key, a member it reads given twice
 * (cJSON takes the first), several choices, tool calls, a delta that is not
 * an object, a number it cannot read exactly where it reads one, the
 * top-level {"message": ...} error form, and nesting deeper than
 * FAST_DEPTH_MAX. Members it does not read are checked and skipped.
 */
#include "common.h"

#include "api.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Deepest nesting of a skipped value (cJSON allows 1000). */
#define FAST_DEPTH_MAX 32

/* Longest number read or skipped (cJSON reads at most 63 bytes of one). */
#define FAST_NUMBER_MAX 32

/* Most digits of a count or a code: exact as a double and as a long. */
#define FAST_DIGITS_MAX 15

/* What a value was. */
enum fast_kind {
	FAST_ABSENT = 0,
	FAST_NULL,
	FAST_FALSE,
	FAST_TRUE,
	FAST_NUMBER,
	FAST_STRING,
	FAST_OBJECT,
	FAST_ARRAY,
};

/* A value read: its kind and, for a string or a number, its raw bytes. */
struct fast_value {
	enum fast_kind kind;
	const char *s; /* a string's bytes between the quotes, or a number */
	size_t len;
	bool escaped; /* a string with a backslash in it */
};

/* The reader: the bytes left, and whether it gave up. */
struct fast {
	const char *p;
	const char *end;
	bool declined;
};

/* The members of a chunk that api_delta_from() reads. */
struct fast_chunk {
	struct fast_value id, model, error, finish_reason;
	struct fast_value content, reasoning_content, reasoning, refusal;
	struct fast_value err_message, err_code, err_type;
	bool has_usage;
	struct api_usage usage;
};

/* Longest chunk kept as the pattern of the next (see fast_memo). */
#define FAST_MEMO_MAX 4096

/*
 * The last chunk read whole, kept with what was read from it (its values
 * point into data): most chunks of a stream differ from the one before only
 * in the content string, so a chunk with the same bytes before and after
 * that string reads the same but for it. The reader is deterministic, so
 * this gives exactly what reading the chunk whole gives: the bytes before
 * leave it in the same state, and the string must end exactly where the
 * same bytes after begin. pre is the offset of the content's text, post the
 * bytes from its closing quote to the end; len 0 for none.
 */
static struct {
	char data[FAST_MEMO_MAX];
	size_t len, pre, post;
	struct fast_chunk c;
} fast_memo;

static bool fast_skip(struct fast *f, int depth);

/* Give up on this chunk: always false, for "return fast_decline(f);". */
static bool
fast_decline(struct fast *f)
{
	f->declined = true;
	return false;
}

static inline void
fast_ws(struct fast *f)
{
	while (f->p < f->end && (unsigned char)*f->p <= ' ' &&
	    (*f->p == ' ' || *f->p == '\t' || *f->p == '\n' || *f->p == '\r'))
		f->p++;
}

/* Is the next byte (after whitespace) c? Takes it if so. */
static inline bool
fast_take(struct fast *f, char c)
{
	if (f->p < f->end && (unsigned char)*f->p <= ' ') /* seldom: compact JSON has none */
		fast_ws(f);
	if (f->p < f->end && *f->p == c) {
		f->p++;
		return true;
	}
	return false;
}

/* The value of four hex digits at s (s has 4 bytes), or -1. */
static long
fast_hex4(const char *s)
{
	long v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		v <<= 4;
		if (s[i] >= '0' && s[i] <= '9')
			v |= s[i] - '0';
		else if (s[i] >= 'a' && s[i] <= 'f')
			v |= s[i] - 'a' + 10;
		else if (s[i] >= 'A' && s[i] <= 'F')
			v |= s[i] - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/*
 * Check the escape at p (a backslash, before end): its length, or 0 for one
 * the reader does not take (broken, or a lone surrogate).
 */
static size_t
fast_escape_len(const char *p, const char *end)
{
	long u, low;

	if (end - p < 2)
		return 0;
	switch (p[1]) {
	case '"':
	case '\\':
	case '/':
	case 'b':
	case 'f':
	case 'n':
	case 'r':
	case 't':
		return 2;
	}
	if (p[1] != 'u' || end - p < 6 || (u = fast_hex4(p + 2)) < 0)
		return 0;
	if (u >= 0xdc00 && u <= 0xdfff)
		return 0;
	if (u < 0xd800 || u > 0xdbff)
		return 6;
	if (end - p < 12 || p[6] != '\\' || p[7] != 'u' || (low = fast_hex4(p + 8)) < 0 ||
	    low < 0xdc00 || low > 0xdfff)
		return 0;
	return 12;
}

#define FAST_ONES 0x0101010101010101ULL
#define FAST_HIGHS 0x8080808080808080ULL

/*
 * The bytes of w that are a '"', a '\\' or below 0x20, each as its high bit
 * (the bit tricks "haszero" and "hasless" of "Bit Twiddling Hacks"): 0 for
 * none. Bits above the first one found may be wrong (a borrow carries up);
 * the first one is right.
 */
static uint64_t
fast_special8(uint64_t w)
{
	uint64_t quote = w ^ (FAST_ONES * '"'), bslash = w ^ (FAST_ONES * '\\');

	return (((quote - FAST_ONES) & ~quote) | ((bslash - FAST_ONES) & ~bslash) |
		   ((w - FAST_ONES * 0x20) & ~w)) &
	    FAST_HIGHS;
}

/* The offset of the first byte marked in m (not 0), eight bytes as loaded. */
static size_t
fast_first8(uint64_t m)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return (size_t)__builtin_clzll(m) / 8;
#else
	return (size_t)__builtin_ctzll(m) / 8;
#endif
}

/* The first '"', '\\' or control byte from p on, or end. */
static inline const char *
fast_plain(const char *p, const char *end)
{
	uint64_t w, m;
#ifdef __SSE2__
	const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
	const __m128i ctl = _mm_set1_epi8(0x1f);
	__m128i x;
	int bits;

	while (end - p >= 16) { /* sixteen bytes at a time: 8 instructions */
		x = _mm_loadu_si128((const __m128i *)(const void *)p);
		bits = _mm_movemask_epi8(
		    _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, bslash)),
			_mm_cmpeq_epi8(_mm_min_epu8(x, ctl), x)));
		if (bits != 0)
			return p + __builtin_ctz((unsigned int)bits);
		p += 16;
	}
#endif

	while (end - p >= 8) { /* eight bytes at a time */
		memcpy(&w, p, 8);
		if ((m = fast_special8(w)) != 0)
			return p + fast_first8(m);
		p += 8;
	}
	while (p < end && *p != '"' && *p != '\\' && (unsigned char)*p >= 0x20)
		p++;
	return p;
}

/* A string at f->p (its opening quote): into v. */
static inline bool
fast_string(struct fast *f, struct fast_value *v)
{
	const char *p = f->p + 1;
	size_t n;

	v->kind = FAST_STRING;
	v->escaped = false;
	v->s = p;
	for (;;) {
		p = fast_plain(p, f->end);
		if (p == f->end || (unsigned char)*p < 0x20)
			return fast_decline(f);
		if (*p == '"')
			break;
		if ((n = fast_escape_len(p, f->end)) == 0)
			return fast_decline(f);
		v->escaped = true;
		p += n;
	}
	v->len = (size_t)(p - v->s);
	f->p = p + 1;
	return true;
}

static bool
fast_digits(const char **p, const char *end)
{
	const char *start = *p;

	while (*p < end && **p >= '0' && **p <= '9')
		(*p)++;
	return *p > start;
}

/* A number at f->p in the strict JSON grammar: into v. */
static bool
fast_number(struct fast *f, struct fast_value *v)
{
	const char *p = f->p;

	v->kind = FAST_NUMBER;
	v->s = p;
	if (p < f->end && *p == '-')
		p++;
	if (p < f->end && *p == '0')
		p++;
	else if (!fast_digits(&p, f->end))
		return fast_decline(f);
	if (p < f->end && *p == '.') {
		p++;
		if (!fast_digits(&p, f->end))
			return fast_decline(f);
	}
	if (p < f->end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < f->end && (*p == '+' || *p == '-'))
			p++;
		if (!fast_digits(&p, f->end))
			return fast_decline(f);
	}
	v->len = (size_t)(p - v->s);
	if (v->len > FAST_NUMBER_MAX)
		return fast_decline(f);
	f->p = p;
	return true;
}

/* The literal word at f->p, as kind. */
static bool
fast_word(struct fast *f, const char *word, enum fast_kind kind, struct fast_value *v)
{
	size_t n = strlen(word);

	if ((size_t)(f->end - f->p) < n || memcmp(f->p, word, n) != 0)
		return fast_decline(f);
	f->p += n;
	v->kind = kind;
	return true;
}

/*
 * The next value: a scalar is read into v; an object or an array is only
 * started (its opening bracket taken) for the caller to read or skip.
 */
static inline bool
fast_value(struct fast *f, struct fast_value *v)
{
	memset(v, 0, sizeof *v);
	if (f->p < f->end && (unsigned char)*f->p <= ' ')
		fast_ws(f);
	if (f->p >= f->end)
		return fast_decline(f);
	switch (*f->p) {
	case '"':
		return fast_string(f, v);
	case '{':
		f->p++;
		v->kind = FAST_OBJECT;
		return true;
	case '[':
		f->p++;
		v->kind = FAST_ARRAY;
		return true;
	case 'n':
		return fast_word(f, "null", FAST_NULL, v);
	case 't':
		return fast_word(f, "true", FAST_TRUE, v);
	case 'f':
		return fast_word(f, "false", FAST_FALSE, v);
	}
	if (*f->p == '-' || (*f->p >= '0' && *f->p <= '9'))
		return fast_number(f, v);
	return fast_decline(f);
}

/*
 * The next member of an object whose '{' is taken: true with its key in key
 * (raw, without escapes) and f at its value, false at the closing brace or
 * when the reader gave up. first says whether no member came yet.
 */
static inline bool
fast_member(struct fast *f, bool *first, struct fast_value *key)
{
	if (*first) {
		*first = false;
		if (fast_take(f, '}'))
			return false;
	} else if (!fast_take(f, ',')) {
		if (!fast_take(f, '}'))
			fast_decline(f);
		return false;
	}
	fast_ws(f);
	if (f->p >= f->end || *f->p != '"' || !fast_string(f, key))
		return fast_decline(f);
	if (key->escaped || !fast_take(f, ':'))
		return fast_decline(f);
	return true;
}

/* Is the raw key k the name s? */
static inline bool
fast_is(const struct fast_value *k, const char *s)
{
	return strlen(s) == k->len && memcmp(k->s, s, k->len) == 0;
}

/* Skip the rest of an object or array whose opening bracket is taken. */
static bool
fast_skip_rest(struct fast *f, enum fast_kind kind, int depth)
{
	struct fast_value key;
	bool first = true;

	if (depth > FAST_DEPTH_MAX)
		return fast_decline(f);
	if (kind == FAST_OBJECT) {
		while (fast_member(f, &first, &key)) {
			if (!fast_skip(f, depth + 1))
				return false;
		}
		return !f->declined;
	}
	if (fast_take(f, ']'))
		return true;
	do {
		if (!fast_skip(f, depth + 1))
			return false;
	} while (fast_take(f, ','));
	if (!fast_take(f, ']'))
		return fast_decline(f);
	return true;
}

/* Skip one value, checking it. */
static bool
fast_skip(struct fast *f, int depth)
{
	struct fast_value v;

	if (!fast_value(f, &v))
		return false;
	if (v.kind == FAST_OBJECT || v.kind == FAST_ARRAY)
		return fast_skip_rest(f, v.kind, depth);
	return true;
}

/*
 * Read the value of a member the chunk uses into *slot: a member given twice
 * is declined (cJSON takes the first one; this reader keeps it simple). An
 * object or array is skipped (only its kind is kept).
 */
static bool
fast_slot(struct fast *f, struct fast_value *slot, int depth)
{
	if (slot->kind != FAST_ABSENT)
		return fast_decline(f);
	if (!fast_value(f, slot))
		return false;
	if (slot->kind == FAST_OBJECT || slot->kind == FAST_ARRAY)
		return fast_skip_rest(f, slot->kind, depth);
	return true;
}

/* A count from a number of at most FAST_DIGITS_MAX plain digits; -1 for a non-number. */
static bool
fast_count(struct fast *f, long *count, int depth)
{
	struct fast_value v = { 0 };
	size_t i;

	if (!fast_slot(f, &v, depth))
		return false;
	*count = -1;
	if (v.kind != FAST_NUMBER)
		return true;
	if (v.len > FAST_DIGITS_MAX)
		return fast_decline(f);
	*count = 0;
	for (i = 0; i < v.len; i++) {
		if (v.s[i] < '0' || v.s[i] > '9')
			return fast_decline(f);
		*count = *count * 10 + (v.s[i] - '0');
	}
	return true;
}

/* Which members of an object came, for members given twice. */
static bool
fast_once(struct fast *f, unsigned int *seen, unsigned int bit)
{
	if (*seen & bit)
		return fast_decline(f);
	*seen |= bit;
	return true;
}

/* completion_tokens_details, its '{' taken. */
static bool
fast_details(struct fast *f, struct api_usage *u, int depth)
{
	struct fast_value key;
	bool first = true, seen = false;

	while (fast_member(f, &first, &key)) {
		if (fast_is(&key, "reasoning_tokens")) {
			if (seen)
				return fast_decline(f);
			seen = true;
			if (!fast_count(f, &u->reasoning_tokens, depth + 1))
				return false;
		} else if (!fast_skip(f, depth + 1))
			return false;
	}
	return !f->declined;
}

/* A usage object, its '{' taken. */
static bool
fast_usage(struct fast *f, struct api_usage *u, int depth)
{
	struct fast_value key, v;
	unsigned int seen = 0;
	bool first = true, ok;

	while (fast_member(f, &first, &key)) {
		if (fast_is(&key, "prompt_tokens"))
			ok = fast_once(f, &seen, 1) && fast_count(f, &u->prompt_tokens, depth + 1);
		else if (fast_is(&key, "completion_tokens"))
			ok = fast_once(f, &seen, 2) &&
			    fast_count(f, &u->completion_tokens, depth + 1);
		else if (fast_is(&key, "total_tokens"))
			ok = fast_once(f, &seen, 4) && fast_count(f, &u->total_tokens, depth + 1);
		else if (fast_is(&key, "completion_tokens_details")) {
			ok = fast_once(f, &seen, 8) && fast_value(f, &v);
			if (ok && v.kind == FAST_OBJECT)
				ok = fast_details(f, u, depth + 1);
			else if (ok && v.kind == FAST_ARRAY)
				ok = fast_skip_rest(f, v.kind, depth + 1);
		} else
			ok = fast_skip(f, depth + 1);
		if (!ok)
			return false;
	}
	return !f->declined;
}

/* A delta object, its '{' taken. */
static bool
fast_delta(struct fast *f, struct fast_chunk *c, int depth)
{
	struct fast_value key, v;
	bool first = true, ok;

	while (fast_member(f, &first, &key)) {
		if (fast_is(&key, "content"))
			ok = fast_slot(f, &c->content, depth + 1);
		else if (fast_is(&key, "reasoning_content"))
			ok = fast_slot(f, &c->reasoning_content, depth + 1);
		else if (fast_is(&key, "reasoning"))
			ok = fast_slot(f, &c->reasoning, depth + 1);
		else if (fast_is(&key, "refusal"))
			ok = fast_slot(f, &c->refusal, depth + 1);
		else if (fast_is(&key, "tool_calls") || fast_is(&key, "function_call")) {
			/* only an empty tool_calls or one that is no array is taken */
			ok = fast_value(f, &v);
			if (ok && v.kind == FAST_ARRAY && fast_is(&key, "tool_calls"))
				ok = fast_take(f, ']') || fast_decline(f);
			else if (ok && v.kind == FAST_OBJECT && fast_is(&key, "function_call"))
				ok = fast_decline(f);
			else if (ok && (v.kind == FAST_OBJECT || v.kind == FAST_ARRAY))
				ok = fast_skip_rest(f, v.kind, depth + 1);
		} else
			ok = fast_skip(f, depth + 1);
		if (!ok)
			return false;
	}
	return !f->declined;
}

/* choices[0], its '{' taken: a delta object is required. */
static bool
fast_choice(struct fast *f, struct fast_chunk *c, int depth)
{
	struct fast_value key, v;
	bool first = true, delta = false, ok;

	while (fast_member(f, &first, &key)) {
		if (fast_is(&key, "delta")) {
			ok = !delta && fast_value(f, &v) && v.kind == FAST_OBJECT;
			ok = ok && fast_delta(f, c, depth + 1);
			delta = true;
		} else if (fast_is(&key, "finish_reason"))
			ok = fast_slot(f, &c->finish_reason, depth + 1);
		else
			ok = fast_skip(f, depth + 1);
		if (!ok)
			return fast_decline(f);
	}
	if (!delta)
		return fast_decline(f);
	return !f->declined;
}

/* The choices array, its '[' taken: empty, or one object. */
static bool
fast_choices(struct fast *f, struct fast_chunk *c, int depth)
{
	if (fast_take(f, ']'))
		return true;
	if (!fast_take(f, '{') || !fast_choice(f, c, depth + 1))
		return fast_decline(f);
	if (!fast_take(f, ']'))
		return fast_decline(f); /* several choices, or not an array */
	return true;
}

/* An error object, its '{' taken. */
static bool
fast_error(struct fast *f, struct fast_chunk *c, int depth)
{
	struct fast_value key;
	bool first = true, ok;

	while (fast_member(f, &first, &key)) {
		if (fast_is(&key, "message"))
			ok = fast_slot(f, &c->err_message, depth + 1);
		else if (fast_is(&key, "code"))
			ok = fast_slot(f, &c->err_code, depth + 1);
		else if (fast_is(&key, "type"))
			ok = fast_slot(f, &c->err_type, depth + 1);
		else
			ok = fast_skip(f, depth + 1);
		if (!ok)
			return false;
	}
	return !f->declined;
}

/* One member of the chunk's top level, its key read. */
static bool
fast_top_member(struct fast *f, const struct fast_value *key, struct fast_chunk *c,
    unsigned int *seen)
{
	struct fast_value v;

	if (fast_is(key, "id"))
		return fast_slot(f, &c->id, 1);
	if (fast_is(key, "model"))
		return fast_slot(f, &c->model, 1);
	if (fast_is(key, "choices")) {
		if (!fast_once(f, seen, 1) || !fast_value(f, &v))
			return false;
		if (v.kind == FAST_ARRAY)
			return fast_choices(f, c, 1);
		if (v.kind == FAST_NULL)
			return true;
		return fast_decline(f);
	}
	if (fast_is(key, "usage")) {
		if (!fast_once(f, seen, 2) || !fast_value(f, &v))
			return false;
		if (v.kind == FAST_OBJECT) {
			c->has_usage = true;
			return fast_usage(f, &c->usage, 1);
		}
		return v.kind != FAST_ARRAY || fast_skip_rest(f, v.kind, 1);
	}
	if (fast_is(key, "error")) {
		if (!fast_once(f, seen, 4) || !fast_value(f, &v))
			return false;
		c->error = v;
		if (v.kind == FAST_OBJECT)
			return fast_error(f, c, 1);
		return v.kind != FAST_ARRAY || fast_skip_rest(f, v.kind, 1);
	}
	if (fast_is(key, "message")) { /* the top-level error form: the full parser's */
		if (!fast_value(f, &v) || v.kind == FAST_STRING)
			return fast_decline(f);
		return v.kind != FAST_OBJECT && v.kind != FAST_ARRAY ? true :
								       fast_skip_rest(f, v.kind, 1);
	}
	return fast_skip(f, 1);
}

/* Read the whole chunk into c. */
static bool
fast_read(struct fast *f, struct fast_chunk *c)
{
	struct fast_value key;
	unsigned int seen = 0;
	bool first = true;

	if (!fast_take(f, '{'))
		return fast_decline(f);
	while (fast_member(f, &first, &key)) {
		if (!fast_top_member(f, &key, c, &seen))
			return fast_decline(f);
	}
	if (f->declined)
		return false;
	fast_ws(f);
	return f->p == f->end || fast_decline(f);
}

/* Decode the escapes of s[0..len) into out (at least len bytes): the length. */
static size_t
fast_unescape(const char *s, size_t len, char *out)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *end = s + len, *q;
	char *o = out;
	long u;

	while (s < end) {
		if ((q = memchr(s, '\\', (size_t)(end - s))) == NULL)
			q = end;
		memcpy(o, s, (size_t)(q - s));
		o += q - s;
		if ((s = q) == end)
			break;
		if (s[1] != 'u') {
			*o++ = to[strchr(from, s[1]) - from];
			s += 2;
			continue;
		}
		u = fast_hex4(s + 2);
		s += 6;
		if (u >= 0xd800 && u <= 0xdbff) { /* a pair, checked when read */
			u = 0x10000 + ((u - 0xd800) << 10) + (fast_hex4(s + 2) - 0xdc00);
			s += 6;
		}
		if (u == 0) /* as api_surrogates() rewrites it for cJSON */
			u = 0xfffd;
		if (u < 0x80)
			*o++ = (char)u;
		else if (u < 0x800) {
			*o++ = (char)(0xc0 | u >> 6);
			*o++ = (char)(0x80 | (u & 0x3f));
		} else if (u < 0x10000) {
			*o++ = (char)(0xe0 | u >> 12);
			*o++ = (char)(0x80 | (u >> 6 & 0x3f));
			*o++ = (char)(0x80 | (u & 0x3f));
		} else {
			*o++ = (char)(0xf0 | u >> 18);
			*o++ = (char)(0x80 | (u >> 12 & 0x3f));
			*o++ = (char)(0x80 | (u >> 6 & 0x3f));
			*o++ = (char)(0x80 | (u & 0x3f));
		}
	}
	return (size_t)(o - out);
}

/* A string value's text (allocated), or NULL: not a string, or "". */
static char *
fast_text(const struct fast_value *v)
{
	char *out;
	size_t n;

	if (v->kind != FAST_STRING || v->len == 0)
		return NULL;
	if (!v->escaped)
		return xstrndup(v->s, v->len);
	out = xmalloc(v->len + 1); /* decoding never lengthens */
	n = fast_unescape(v->s, v->len, out);
	out[n] = '\0';
	return out;
}

/*
 * The id and the model come in every chunk: they are decoded into these
 * buffers and lent (valid until the next chunk) rather than allocated and
 * freed each time. Longer ones are allocated.
 */
#define FAST_NAME_MAX 255
static char fast_names[2][FAST_NAME_MAX + 1];

/* A string value's text in buf (at most FAST_NAME_MAX bytes), or NULL. */
static char *
fast_lend(const struct fast_value *v, char *buf)
{
	size_t n = v->len;

	if (v->kind != FAST_STRING || v->len == 0)
		return NULL;
	if (v->escaped)
		n = fast_unescape(v->s, v->len, buf); /* decoding never lengthens */
	else
		memcpy(buf, v->s, n);
	buf[n] = '\0';
	return buf;
}

/* Fill d's id and model: lent when they fit fast_names, else allocated. */
static void
fast_names_fill(const struct fast_chunk *c, struct api_delta *d)
{
	if (c->id.len > FAST_NAME_MAX || c->model.len > FAST_NAME_MAX) {
		d->id = fast_text(&c->id);
		d->model = fast_text(&c->model);
		return;
	}
	d->id = fast_lend(&c->id, fast_names[0]);
	d->model = fast_lend(&c->model, fast_names[1]);
	d->names_lent = true;
}

/* An error code: a string's text, a number of plain digits as they are. */
static bool
fast_code(const struct fast_value *v, char **code)
{
	size_t i;

	*code = NULL;
	if (v->kind == FAST_STRING)
		*code = fast_text(v);
	else if (v->kind == FAST_NUMBER) {
		if (v->len > FAST_DIGITS_MAX || (v->s[0] == '0' && v->len > 1))
			return false;
		for (i = 0; i < v->len; i++)
			if (v->s[i] < '0' || v->s[i] > '9')
				return false;
		*code = xstrndup(v->s, v->len);
	}
	return true;
}

/* Fill e as api_error_from() does, from an "error" that is not null or false. */
static bool
fast_error_fill(const struct fast_chunk *c, struct api_error *e)
{
	if (c->error.kind == FAST_STRING)
		e->message = fast_text(&c->error);
	else if (c->error.kind == FAST_OBJECT) {
		if (!fast_code(&c->err_code, &e->code))
			return false;
		e->message = fast_text(&c->err_message);
		e->type = fast_text(&c->err_type);
	}
	if (e->message == NULL) {
		if (e->type != NULL)
			e->message = xstrdup(e->type);
		else if (e->code != NULL)
			e->message = xstrdup(e->code);
		else
			e->message = xstrdup("unknown error");
	}
	return true;
}

/* Fill d from what was read, as api_delta_from() does. */
static bool
fast_fill(const struct fast_chunk *c, struct api_delta *d)
{
	fast_names_fill(c, d);
	if (c->error.kind != FAST_ABSENT && c->error.kind != FAST_NULL &&
	    c->error.kind != FAST_FALSE) {
		d->has_error = true;
		return fast_error_fill(c, &d->error);
	}
	d->content = fast_text(&c->content);
	d->reasoning = fast_text(&c->reasoning_content);
	if (d->reasoning == NULL)
		d->reasoning = fast_text(&c->reasoning);
	d->refusal = fast_text(&c->refusal);
	d->finish_reason = fast_text(&c->finish_reason);
	d->tool_calls = d->finish_reason != NULL &&
	    (strcmp(d->finish_reason, "tool_calls") == 0 ||
		strcmp(d->finish_reason, "function_call") == 0);
	if (c->has_usage) {
		d->has_usage = true;
		d->usage = c->usage;
	}
	return true;
}

/* A value read from old (its bytes there), as the same value in new. */
static void
fast_rebase(struct fast_value *v, const char *old, const char *new)
{
	if (v->s != NULL)
		v->s = new + (v->s - old);
}

/* Keep the chunk data[0..len), read whole into c, as the pattern of the next. */
static void
fast_memo_keep(const char *data, size_t len, const struct fast_chunk *c)
{
	struct fast_chunk *m = &fast_memo.c;
	struct fast_value *all[] = { &m->id, &m->model, &m->error, &m->finish_reason, &m->content,
		&m->reasoning_content, &m->reasoning, &m->refusal, &m->err_message, &m->err_code,
		&m->err_type };
	size_t i;

	fast_memo.len = 0;
	if (len > FAST_MEMO_MAX || c->content.kind != FAST_STRING)
		return;
	memcpy(fast_memo.data, data, len);
	*m = *c;
	for (i = 0; i < nitems(all); i++)
		fast_rebase(all[i], data, fast_memo.data);
	fast_memo.pre = (size_t)(c->content.s - data);
	fast_memo.post = len - fast_memo.pre - c->content.len;
	fast_memo.len = len;
}

/* Read data[0..len) as the kept chunk with another content string, if it is one. */
static bool
fast_memo_read(const char *data, size_t len, struct fast_chunk *c)
{
	size_t pre = fast_memo.pre, post = fast_memo.post;
	struct fast f;

	if (fast_memo.len == 0 || len < pre + post || memcmp(data, fast_memo.data, pre) != 0 ||
	    memcmp(data + len - post, fast_memo.data + fast_memo.len - post, post) != 0)
		return false;
	*c = fast_memo.c;
	f.p = data + pre - 1; /* the opening quote, as in the kept chunk */
	f.end = data + len;
	f.declined = false;
	return fast_string(&f, &c->content) && f.p == data + len - post + 1;
}

bool
api_chunk_fast(const char *data, size_t len, struct api_delta *d)
{
	struct fast f;
	struct fast_chunk c;

	api_delta_init(d);
	if (data == NULL)
		return false;
	if (!fast_memo_read(data, len, &c)) {
		memset(&c, 0, sizeof c);
		c.usage.prompt_tokens = c.usage.completion_tokens = c.usage.total_tokens = -1;
		c.usage.reasoning_tokens = -1;
		f.p = data;
		f.end = data + len;
		f.declined = false;
		if (!fast_read(&f, &c)) {
			fast_memo.len = 0;
			return false;
		}
		fast_memo_keep(data, len, &c);
	}
	if (!fast_fill(&c, d)) {
		api_delta_release(d);
		return false;
	}
	return true;
}
