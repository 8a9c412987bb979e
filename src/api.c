/* api.c: the OpenAI-compatible chat-completions wire format (see api.h). */
#include "common.h"
#include "caps.h"

#include "api.h"

#include <ctype.h>
#include <limits.h>
#include <math.h> /* isfinite() only: no libm */

#include <cjson/cJSON.h>

#include "buf.h"
#include "json.h"
#include "text.h"

/* Longest excerpt of untrusted data quoted in an error message, in bytes. */

static const char *
api_role_name(enum api_role role)
{
	switch (role) {
	case API_SYSTEM:
		return "system";
	case API_USER:
		return "user";
	case API_ASSISTANT:
		return "assistant";
	}
	BUG("unknown api_role %d", (int)role);
	return "user";
}

/* A message with images: its text, then each image, as content parts. */
static void
api_content_parts(cJSON *msg, const char *text, const char *const *images, size_t n)
{
	cJSON *parts, *part, *url;
	size_t i;

	parts = json_oom(cJSON_AddArrayToObject(msg, "content"));
	part = json_oom(cJSON_CreateObject());
	cJSON_AddItemToArray(parts, part);
	json_oom(cJSON_AddStringToObject(part, "type", "text"));
	json_oom(cJSON_AddStringToObject(part, "text", text != NULL ? text : ""));
	for (i = 0; i < n; i++) {
		part = json_oom(cJSON_CreateObject());
		cJSON_AddItemToArray(parts, part);
		json_oom(cJSON_AddStringToObject(part, "type", "image_url"));
		url = json_oom(cJSON_AddObjectToObject(part, "image_url"));
		json_oom(cJSON_AddStringToObject(url, "url", images[i]));
	}
}

/*
 * s as it can be sent: invalid UTF-8 (a tampered store, a config's system
 * prompt) is repaired to U+FFFD rather than sent as it is. Returns s itself,
 * or tmp's data when something was repaired.
 */
static const char *
api_valid_text(const char *s, struct buf *tmp)
{
	size_t len, bad = 0;

	if (s == NULL)
		return "";
	len = strlen(s);
	buf_reset(tmp);
	tmp->max = len * 3 + 1; /* a U+FFFD (3 bytes) per byte at most */
	if (text_utf8_repair(s, len, tmp, &bad) != 0)
		BUG("repairing into a buffer sized for the worst case failed");
	if (bad == 0)
		return s;
	return tmp->data;
}

char *
api_request_json(const struct api_request *req)
{
	const struct api_message *m;
	cJSON *root, *msgs, *msg, *opts;
	char *s, *out;
	struct buf tmp;
	size_t i;

	buf_init(&tmp, 0);
	root = json_oom(cJSON_CreateObject());
	if (req->model != NULL)
		json_oom(cJSON_AddStringToObject(root, "model", req->model));
	msgs = json_oom(cJSON_AddArrayToObject(root, "messages"));
	for (i = 0; i < req->nmessages; i++) {
		m = &req->messages[i];
		msg = json_oom(cJSON_CreateObject());
		cJSON_AddItemToArray(msgs, msg);
		json_oom(cJSON_AddStringToObject(msg, "role", api_role_name(m->role)));
		if (i + 1 == req->nmessages && req->nimages > 0)
			api_content_parts(msg, api_valid_text(m->content, &tmp), req->images,
			    req->nimages);
		else
			json_oom(cJSON_AddStringToObject(msg, "content",
			    api_valid_text(m->content, &tmp)));
	}
	buf_release(&tmp);
	json_oom(cJSON_AddBoolToObject(root, "stream", req->stream));
	if (req->stream && !req->omit_usage) {
		opts = json_oom(cJSON_AddObjectToObject(root, "stream_options"));
		json_oom(cJSON_AddTrueToObject(opts, "include_usage"));
	}
	if (req->temperature >= 0 && isfinite(req->temperature))
		json_oom(cJSON_AddNumberToObject(root, "temperature", req->temperature));
	if (req->max_tokens > 0) {
		/* Raw, so that a long prints exactly rather than as a double. */
		s = xasprintf("%ld", req->max_tokens);
		json_oom(cJSON_AddRawToObject(root, "max_tokens", s));
		free(s);
	}
	if (req->enable_thinking >= 0)
		json_oom(cJSON_AddBoolToObject(root, "enable_thinking", req->enable_thinking != 0));

	s = json_oom(cJSON_PrintUnformatted(root));
	out = xstrdup(s); /* the caller frees with free(), whatever cJSON's hooks */
	cJSON_free(s);
	cJSON_Delete(root);
	return out;
}

char *
api_excerpt_n(const char *data, size_t len, size_t max)
{
	struct buf b;
	size_t i = 0, n, limit;
	unsigned int cp;

	/* Replacing never lengthens, so a short input always fits whole. */
	limit = len <= max ? max : max - 3;
	buf_init(&b, 0);
	while (i < len) {
		n = text_utf8_seq(data + i, len - i, &cp);
		if (n == 0 || text_cp_hidden(cp)) {
			if (b.len + 1 > limit)
				break;
			buf_addc(&b, '?');
			i += n == 0 ? 1 : n;
		} else {
			if (b.len + n > limit)
				break;
			buf_add(&b, data + i, n);
			i += n;
		}
	}
	if (i < len)
		buf_adds(&b, "...");
	return buf_detach(&b, NULL);
}

/* An excerpt of API_EXCERPT_MAX bytes at most. */
static char *
api_excerpt(const char *data, size_t len)
{
	return api_excerpt_n(data, len, API_EXCERPT_MAX);
}

/* Set *cause (when cause is not NULL) to "malformed JSON in WHAT...". */
static void
api_malformed(char **cause, const char *what, const char *why, const char *data, size_t len)
{
	char *excerpt;

	if (cause == NULL)
		return;
	excerpt = api_excerpt(data, len);
	/*
	 * TRANSLATORS: where (the event stream, the response, the error body, the
	 * model list), what is wrong (syntax error near byte 5), the data's start.
	 */
	*cause = xasprintf(_("malformed JSON in %s: %s: '%s'"), _(what), why, excerpt);
	free(excerpt);
}

/* ---- lone surrogate escapes ------------------------------------------------- */

/*
 * The JSON grammar allows any \uXXXX escape, lone UTF-16 surrogates
 * included, and a gateway that slices JavaScript strings sends them: the high
 * half of a pair at the end of one chunk's content, the low half at the start
 * of the next. cJSON rejects a lone surrogate and with it the whole text, so
 * each one is rewritten in a copy first (api_surrogates), keeping the length so
 * that error offsets stay true: into "\uFFFD", or, for a high half that ends a
 * string and a low half that begins one, into a mark. A mark is 0xFF 0xFF and
 * the escape's four hex digits in place of the backslash and the 'u'. 0xFF
 * never occurs in UTF-8, so cJSON copies a mark into the string as it is and
 * nothing else looks like one; a text that holds raw 0xFF bytes gets no marks.
 * After parsing, the texts of a chunk take their marks off as cuts
 * (api_text_cut) and every other string turns them into U+FFFD (api_unmark).
 *
 * A \u0000 escape is rewritten into "\uFFFD" the same way: cJSON would end
 * the decoded C string at the NUL and lose the rest of the text after it.
 */
#define API_MARK_LEN 6

static const char api_fffd[] = "\xef\xbf\xbd";
#define API_FFFD_LEN (sizeof api_fffd - 1)

/* The value of a hex digit, or -1. */
static int
api_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Four hex digits at s (s has at least 4 bytes) as a number; false if they are not. */
static bool
api_hex4(const char *s, unsigned int *v)
{
	int i, x;

	*v = 0;
	for (i = 0; i < 4; i++) {
		if ((x = api_hexval(s[i])) < 0)
			return false;
		*v = *v << 4 | (unsigned int)x;
	}
	return true;
}

static bool
api_is_high(unsigned int u)
{
	return u >= 0xd800 && u <= 0xdbff;
}

static bool
api_is_low(unsigned int u)
{
	return u >= 0xdc00 && u <= 0xdfff;
}

/*
 * Might s hold a surrogate escape or a \u0000? A quick test that may say yes
 * wrongly ("\\ud800").
 */
static bool
api_maybe_surrogate(const char *s, size_t len)
{
	const char *p = s, *end = s + len, *q;

	while ((q = memchr(p, '\\', (size_t)(end - p))) != NULL) {
		if (end - q >= 6 && q[1] == 'u' &&
		    (((q[2] == 'd' || q[2] == 'D') && api_hexval(q[3]) >= 8) ||
			memcmp(q + 2, "0000", 4) == 0))
			return true;
		p = q + 1;
	}
	return false;
}

/* Is data[i..) a \uXXXX escape of a low surrogate? */
static bool
api_low_escape_at(const char *data, size_t len, size_t i)
{
	unsigned int v;

	return len - i >= 6 && data[i] == '\\' && data[i + 1] == 'u' &&
	    api_hex4(data + i + 2, &v) && api_is_low(v);
}

/*
 * A copy of data[0..len) with every lone surrogate escape and every \u0000
 * in a string rewritten (see above), or NULL when there is none. *marked says whether a
 * mark went in. Escaped backslashes are followed, so "\\ud83d" is text.
 */
static char *
api_surrogates(const char *data, size_t len, bool *marked)
{
	char *out = NULL;
	bool in = false, marks;
	size_t i, start = 0;
	unsigned int u;

	*marked = false;
	if (!api_maybe_surrogate(data, len))
		return NULL;
	marks = memchr(data, 0xff, len) == NULL;
	for (i = 0; i < len; i++) {
		if (!in) {
			if (data[i] == '"') {
				in = true;
				start = i + 1;
			}
			continue;
		}
		if (data[i] == '"')
			in = false;
		if (data[i] != '\\')
			continue;
		if (len - i < 6 || data[i + 1] != 'u' || !api_hex4(data + i + 2, &u)) {
			i++; /* another escape (or a broken one, cJSON's to reject) */
			continue;
		}
		if (api_is_high(u) && api_low_escape_at(data, len, i + 6)) {
			i += 11; /* a whole pair, which cJSON decodes */
			continue;
		}
		if (u == 0 || api_is_high(u) || api_is_low(u)) {
			if (out == NULL)
				out = memcpy(xmalloc(len), data, len);
			if (marks &&
			    ((api_is_high(u) && i + 6 < len && data[i + 6] == '"') ||
				(api_is_low(u) && i == start))) {
				out[i] = out[i + 1] = (char)0xff;
				*marked = true;
			} else
				memcpy(out + i + 2, "FFFD", 4);
		}
		i += 5;
	}
	return out;
}

/* The surrogate half the mark at s holds (s has API_MARK_LEN bytes), or 0. */
static unsigned int
api_mark_at(const char *s)
{
	unsigned int u;

	if ((unsigned char)s[0] != 0xff || (unsigned char)s[1] != 0xff || !api_hex4(s + 2, &u))
		return 0;
	return u;
}

/*
 * The marks at the ends of s[0..*len): a high half last, a low half first
 * (marks are made nowhere else). Sets cut, and *off and *len to the text
 * between them.
 */
static void
api_marks(const char *s, size_t *off, size_t *len, struct api_cut *cut)
{
	unsigned int u;

	cut->high = cut->low = 0;
	*off = 0;
	if (*len >= API_MARK_LEN && api_is_high(u = api_mark_at(s + *len - API_MARK_LEN))) {
		cut->high = (uint16_t)u;
		*len -= API_MARK_LEN;
	}
	if (*len >= API_MARK_LEN && api_is_low(u = api_mark_at(s))) {
		cut->low = (uint16_t)u;
		*off = API_MARK_LEN;
		*len -= API_MARK_LEN;
	}
}

/* Turn the marks of a decoded string into U+FFFD, in place (a mark is longer). */
static void
api_unmark_string(char *s)
{
	struct api_cut cut;
	size_t off, len = strlen(s);
	char *p = s;

	api_marks(s, &off, &len, &cut);
	if (cut.low != 0) {
		memcpy(p, api_fffd, API_FFFD_LEN);
		p += API_FFFD_LEN;
	}
	memmove(p, s + off, len);
	p += len;
	if (cut.high != 0) {
		memcpy(p, api_fffd, API_FFFD_LEN);
		p += API_FFFD_LEN;
	}
	*p = '\0';
}

/* The texts whose marks are cuts, not U+FFFD (see struct api_body). */
#define API_KEEP 3

/* Turn the marks in item, its siblings and everything below into U+FFFD, but in keep. */
static void
api_unmark(cJSON *item, const cJSON *const keep[API_KEEP])
{
	size_t i;

	for (; item != NULL; item = item->next) {
		if (item->string != NULL && !(item->type & cJSON_StringIsConst))
			api_unmark_string(item->string);
		if (cJSON_IsString(item) && item->valuestring != NULL) {
			for (i = 0; i < API_KEEP && (keep == NULL || keep[i] != item); i++)
				/* nothing */;
			if (i == API_KEEP)
				api_unmark_string(item->valuestring);
		}
		if (item->child != NULL)
			api_unmark(item->child, keep);
	}
}

/*
 * Parse data[0..len) as exactly one JSON object (whitespace around it is
 * allowed, anything else after it is not). NULL with *cause set otherwise.
 * Lone surrogate escapes are U+FFFD, except that with marked not NULL a half
 * at either end of a string is left as a mark for the caller to take off
 * (api_text_cut) or undo (api_unmark); *marked says whether there are any.
 */
static cJSON *
api_parse_object(const char *data, size_t len, const char *what, char **cause, bool *marked)
{
	cJSON *root;
	const char *end = NULL, *src;
	char *why, *copy;
	size_t at;
	bool m = false;

	if (marked != NULL)
		*marked = false;
	if (data == NULL)
		len = 0;
	copy = len == 0 ? NULL : api_surrogates(data, len, &m);
	src = copy != NULL ? copy : data;
	root = len == 0 ? NULL : cJSON_ParseWithLengthOpts(src, len, &end, 0);
	if (root == NULL) {
		if (len == 0) {
			api_malformed(cause, what, _("no data"), "", 0);
			return NULL;
		}
		at = end != NULL && end >= src && end <= src + len ? (size_t)(end - src) : 0;
		free(copy);
		why = xasprintf(_("syntax error near byte %zu"), at);
		api_malformed(cause, what, why, data, len);
		free(why);
		return NULL;
	}
	at = (size_t)(end - src);
	free(copy);
	while (at < len &&
	    (data[at] == ' ' || data[at] == '\t' || data[at] == '\n' || data[at] == '\r'))
		at++;
	if (at != len) {
		why = xasprintf(_("unexpected data after the value at byte %zu"), at);
		api_malformed(cause, what, why, data, len);
		free(why);
		cJSON_Delete(root);
		return NULL;
	}
	if (!cJSON_IsObject(root)) {
		api_malformed(cause, what, _("expected an object"), data, len);
		cJSON_Delete(root);
		return NULL;
	}
	if (marked != NULL)
		*marked = m;
	else if (m)
		api_unmark(root, NULL);
	return root;
}

static const cJSON *
api_get(const cJSON *obj, const char *key)
{
	if (!cJSON_IsObject(obj))
		return NULL;
	return cJSON_GetObjectItemCaseSensitive(obj, key);
}

/* A copy of a non-empty JSON string, or NULL (absent, null, "" or not a string). */
static char *
api_text(const cJSON *v)
{
	if (!cJSON_IsString(v) || v->valuestring == NULL || *v->valuestring == '\0')
		return NULL;
	return xstrdup(v->valuestring);
}

/*
 * Like api_text(), for a text whose marks (in a text that has them) are cut
 * off into cut; NULL when nothing is left between them.
 */
static char *
api_text_cut(const cJSON *v, bool marked, struct api_cut *cut)
{
	size_t off = 0, len;

	cut->high = cut->low = 0;
	if (!cJSON_IsString(v) || v->valuestring == NULL)
		return NULL;
	len = strlen(v->valuestring);
	if (marked)
		api_marks(v->valuestring, &off, &len, cut);
	return len == 0 ? NULL : xstrndup(v->valuestring + off, len);
}

/* An error code as a string: strings as they are, numbers printed; else NULL. */
static char *
api_code(const cJSON *v)
{
	double d;
	long long ll;

	if (cJSON_IsString(v))
		return api_text(v);
	if (!cJSON_IsNumber(v))
		return NULL;
	d = v->valuedouble;
	if (d > -1e15 && d < 1e15) {
		ll = (long long)d;
		if ((double)ll == d)
			return xasprintf("%lld", ll);
	}
	return xasprintf("%g", d);
}

/* A token count: a non-negative number that fits in a long, else -1. */
static long
api_count(const cJSON *v)
{
	double d;

	if (!cJSON_IsNumber(v))
		return -1;
	d = v->valuedouble;
	if (!(d >= 0 && d < (double)LONG_MAX))
		return -1;
	return (long)d;
}

/*
 * Fill e when root is an error: an "error" member that is not null or false
 * (an object with message, code and type, or a bare string), or the top-level
 * form {"message": "...", "code": ...} of DashScope's native API and vLLM,
 * recognised by a string "message" and no "choices". False otherwise.
 */
static bool
api_error_from(const cJSON *root, struct api_error *e)
{
	const cJSON *err, *src;

	memset(e, 0, sizeof *e);
	err = api_get(root, "error");
	if (err != NULL && !cJSON_IsNull(err) && !cJSON_IsFalse(err)) {
		if (cJSON_IsString(err)) {
			e->message = api_text(err);
			src = NULL;
		} else
			src = err;
	} else if (cJSON_IsString(api_get(root, "message")) && api_get(root, "choices") == NULL)
		src = root;
	else
		return false;

	if (src != NULL) {
		e->message = api_text(api_get(src, "message"));
		e->code = api_code(api_get(src, "code"));
		e->type = api_text(api_get(src, "type"));
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

/* Fill the usage counts from a usage object; false when usage is not one. */
static bool
api_usage_from(const cJSON *usage, struct api_usage *u)
{
	const cJSON *details;

	if (!cJSON_IsObject(usage))
		return false;
	u->prompt_tokens = api_count(api_get(usage, "prompt_tokens"));
	u->completion_tokens = api_count(api_get(usage, "completion_tokens"));
	u->total_tokens = api_count(api_get(usage, "total_tokens"));
	details = api_get(usage, "completion_tokens_details");
	u->reasoning_tokens = api_count(api_get(details, "reasoning_tokens"));
	return true;
}

/* The members of a chunk or a response that hold its texts. */
struct api_body {
	const cJSON *choice;  /* choices[0] when it is an object, else NULL */
	const cJSON *body;    /* its delta or message */
	const cJSON *content; /* these NULL when absent */
	const cJSON *reasoning;
	const cJSON *refusal;
};

/* Is v a string with something in it? */
static bool
api_filled(const cJSON *v)
{
	return cJSON_IsString(v) && v->valuestring != NULL && *v->valuestring != '\0';
}

/*
 * Find the texts of root. key names the member of choices[0] holding them
 * ("delta" or "message"); the other is tried when it is missing. Reasoning
 * is reasoning_content (DashScope, vLLM, DeepSeek) when it has text, else
 * reasoning (Ollama, newer vLLM, which may send both with the same text).
 */
static void
api_body_find(const cJSON *root, const char *key, const char *other, struct api_body *b)
{
	const cJSON *choices;

	memset(b, 0, sizeof *b);
	choices = api_get(root, "choices");
	if (!cJSON_IsArray(choices) || !cJSON_IsObject(choices->child))
		return;
	b->choice = choices->child;
	b->body = api_get(b->choice, key);
	if (!cJSON_IsObject(b->body))
		b->body = api_get(b->choice, other);
	b->content = api_get(b->body, "content");
	b->reasoning = api_get(b->body, "reasoning_content");
	if (!api_filled(b->reasoning))
		b->reasoning = api_get(b->body, "reasoning");
	b->refusal = api_get(b->body, "refusal");
}

/*
 * Did the model ask to call a tool? A non-empty tool_calls array (OpenAI
 * streams its fragments, one per chunk, with no content), the deprecated
 * function_call object, or the finish_reason that says so (a stream's last
 * chunk has an empty delta).
 */
static bool
api_tool_calls(const cJSON *body, const char *finish_reason)
{
	const cJSON *calls = api_get(body, "tool_calls");

	if (cJSON_IsArray(calls) && calls->child != NULL)
		return true;
	if (cJSON_IsObject(api_get(body, "function_call")))
		return true;
	return finish_reason != NULL &&
	    (strcmp(finish_reason, "tool_calls") == 0 ||
		strcmp(finish_reason, "function_call") == 0);
}

/*
 * Fill d from a parsed chunk or response (see api_body_find for key and
 * other). With marked, the texts keep their marks as cuts and every other
 * string has them as U+FFFD.
 */
static void
api_delta_from(cJSON *root, struct api_delta *d, const char *key, const char *other, bool marked)
{
	struct api_body b;

	api_body_find(root, key, other, &b);
	if (marked) {
		const cJSON *const keep[API_KEEP] = { b.content, b.reasoning, b.refusal };

		api_unmark(root, keep);
	}
	d->id = api_text(api_get(root, "id"));
	d->model = api_text(api_get(root, "model"));
	if (api_error_from(root, &d->error)) {
		d->has_error = true;
		return;
	}
	if (b.choice != NULL) {
		d->content = api_text_cut(b.content, marked, &d->content_cut);
		d->reasoning = api_text_cut(b.reasoning, marked, &d->reasoning_cut);
		d->refusal = api_text_cut(b.refusal, marked, &d->refusal_cut);
		d->finish_reason = api_text(api_get(b.choice, "finish_reason"));
		d->tool_calls = api_tool_calls(b.body, d->finish_reason);
	}
	d->has_usage = api_usage_from(api_get(root, "usage"), &d->usage);
}

int
api_chunk_parse(const char *data, size_t len, struct api_delta *d, char **cause)
{
	if (api_chunk_fast(data, len, d))
		return 0;
	return api_chunk_parse_tree(data, len, d, cause);
}

int
api_chunk_parse_tree(const char *data, size_t len, struct api_delta *d, char **cause)
{
	cJSON *root;
	bool marked;

	api_delta_init(d);
	if ((root = api_parse_object(data, len, N_("the event stream"), cause, &marked)) == NULL)
		return -1;
	api_delta_from(root, d, "delta", "message", marked);
	cJSON_Delete(root);
	return 0;
}

/* Put U+FFFD after *text (which may be NULL). */
static void
api_text_fffd(char **text)
{
	char *t = xasprintf("%s%s", *text != NULL ? *text : "", api_fffd);

	free(*text);
	*text = t;
}

int
api_response_parse(const char *data, size_t len, struct api_delta *d, char **cause)
{
	struct api_carry c;
	cJSON *root;
	bool marked;

	api_delta_init(d);
	if ((root = api_parse_object(data, len, N_("the response"), cause, &marked)) == NULL)
		return -1;
	api_delta_from(root, d, "message", "delta", marked);
	cJSON_Delete(root);
	/* A whole text: nothing comes to pair a half at either end with. */
	api_carry_init(&c);
	api_carry_join(&c, d);
	if (c.content != 0)
		api_text_fffd(&d->content);
	if (c.reasoning != 0)
		api_text_fffd(&d->reasoning);
	if (c.refusal != 0)
		api_text_fffd(&d->refusal);
	return 0;
}

/* ---- joining surrogate halves across chunks ------------------------------------ */

void
api_carry_init(struct api_carry *c)
{
	memset(c, 0, sizeof *c);
}

/* The 4-byte UTF-8 form of the character a high and a low half make. */
static void
api_pair_utf8(unsigned int high, unsigned int low, char out[4])
{
	unsigned int cp = 0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00);

	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
}

/* Apply one field's pending half to its text and cut (see api_carry_join). */
static void
api_join(uint16_t *pending, char **text, struct api_cut *cut)
{
	char front[2 * API_FFFD_LEN];
	size_t n = 0;
	char *t;

	if (*text == NULL && cut->high == 0 && cut->low == 0)
		return; /* not in this chunk: a pending half waits */
	if (*pending != 0 && cut->low != 0) {
		api_pair_utf8(*pending, cut->low, front);
		n = 4;
	} else {
		if (*pending != 0) {
			memcpy(front + n, api_fffd, API_FFFD_LEN);
			n += API_FFFD_LEN;
		}
		if (cut->low != 0) {
			memcpy(front + n, api_fffd, API_FFFD_LEN);
			n += API_FFFD_LEN;
		}
	}
	if (n != 0) {
		t = xasprintf("%.*s%s", (int)n, front, *text != NULL ? *text : "");
		free(*text);
		*text = t;
	}
	*pending = cut->high;
	cut->high = cut->low = 0;
}

void
api_carry_join(struct api_carry *c, struct api_delta *d)
{
	api_join(&c->content, &d->content, &d->content_cut);
	api_join(&c->reasoning, &d->reasoning, &d->reasoning_cut);
	api_join(&c->refusal, &d->refusal, &d->refusal_cut);
}

bool
api_carry_finish(struct api_carry *c, struct api_delta *d)
{
	api_delta_init(d);
	if (c->content != 0)
		d->content = xstrdup(api_fffd);
	if (c->reasoning != 0)
		d->reasoning = xstrdup(api_fffd);
	if (c->refusal != 0)
		d->refusal = xstrdup(api_fffd);
	api_carry_init(c);
	return d->content != NULL || d->reasoning != NULL || d->refusal != NULL;
}

int
api_error_parse(const char *body, size_t len, struct api_error *e)
{
	cJSON *root;
	bool found;

	memset(e, 0, sizeof *e);
	if ((root = api_parse_object(body, len, N_("the error body"), NULL, NULL)) == NULL)
		return -1;
	found = api_error_from(root, e);
	cJSON_Delete(root);
	return found ? 0 : -1;
}

int
api_models_parse(const char *data, size_t len, char ***ids, size_t *n, char **cause)
{
	cJSON *root;
	const cJSON *list, *item;
	char *id, *excerpt;
	size_t count = 0;

	*ids = NULL;
	*n = 0;
	if ((root = api_parse_object(data, len, N_("the model list"), cause, NULL)) == NULL)
		return -1;
	list = api_get(root, "data");
	if (cJSON_IsNull(list)) { /* Ollama with no model pulled */
		cJSON_Delete(root);
		return 0;
	}
	if (!cJSON_IsArray(list)) {
		if (cause != NULL) {
			excerpt = api_excerpt(data, len);
			*cause = xasprintf(_("the model list has no 'data' array: '%s'"), excerpt);
			free(excerpt);
		}
		cJSON_Delete(root);
		return -1;
	}
	cJSON_ArrayForEach (item, list)
		count++;
	if (count != 0)
		*ids = xreallocarray(NULL, count, sizeof **ids);
	cJSON_ArrayForEach (item, list) {
		if ((id = api_text(api_get(item, "id"))) != NULL)
			(*ids)[(*n)++] = id;
	}
	if (*n == 0) {
		free(*ids);
		*ids = NULL;
	}
	cJSON_Delete(root);
	return 0;
}

void
api_models_free(char **ids, size_t n)
{
	size_t i;

	if (ids == NULL)
		return;
	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}
