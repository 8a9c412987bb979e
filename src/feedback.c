/* feedback.c: ratings of answers and the Terms IV notice (delivery: feedback-outbox.c). */
#include "common.h"
#include "caps.h"

#include <strings.h>
#include <sys/random.h>

#include "buf.h"
#include "app.h"
#include "consent.h"
#include "feedback.h"
#include "json.h"
#include "store.h"
#include "text.h"

#define FEEDBACK_NOTICE_KIND "feedback-notice"

static const char *const feedback_reasons_up[] = { "accurate", "helpful", "clear", "other", NULL };
static const char *const feedback_reasons_down[] = {
	"inaccurate", "unhelpful", "harmful", "other", NULL /* harmful: harmful or offensive */
};

/* What each reason means, shown beside the word in other languages. */
static const struct {
	const char *name, *gloss;
} feedback_glosses[] = {
	/* TRANSLATORS: what the feedback reason means, shown after the word itself. */
	{ "accurate", N_("reason: accurate") },
	{ "helpful", N_("reason: helpful") },
	{ "clear", N_("reason: clear") },
	{ "other", N_("reason: other") },
	{ "inaccurate", N_("reason: inaccurate") },
	{ "unhelpful", N_("reason: unhelpful") },
	{ "harmful", N_("reason: harmful or offensive") },
};

/*
 * The label of a reason: the word the user types, and in English "harmful or
 * offensive" for harmful; in another language the word and what it means.
 */
const char *
feedback_reason_label(const char *name)
{
	static char label[128];
	size_t i;

	for (i = 0; i < nitems(feedback_glosses); i++) {
		const char *g = feedback_glosses[i].gloss;

		if (strcmp(name, feedback_glosses[i].name) != 0)
			continue;
		if (strcmp(_(g), g) == 0) /* not translated: English */
			return strcmp(name, "harmful") == 0 ? _("harmful or offensive") : name;
		snprintf(label, sizeof label, _("%s (%s)"), name, _(g));
		return label;
	}
	return name;
}

const char *const *
feedback_reasons(int rating)
{
	return rating > 0 ? feedback_reasons_up : feedback_reasons_down;
}

/* Is the setting feedback_include_exchange on? */
static bool
feedback_include_exchange(struct app *app)
{
	return config_bool(&app->cfg, CONFIG_FEEDBACK_INCLUDE_EXCHANGE) == 1;
}

/* ---- the notice ------------------------------------------------------------ */

/* TRANSLATORS: a prompt; the answer to type stays "yes" in every language. */
const char feedback_notice_question_en[] = N_("Type yes to confirm and store your rating; "
					      "anything else cancels it: ");
const char feedback_notice_gist_en[] = N_("feedback is not confidential and the provider may "
					  "keep and use it freely (Terms IV)");

char *
feedback_notice_text(struct app *app)
{
	const char *url = config_get(&app->cfg, CONFIG_FEEDBACK_URL);
	struct buf b;

	buf_init(&b, 0);
	/*
	 * TRANSLATORS: the feedback notice: paragraphs end in a blank line, list
	 * items start with "- "; confab wraps the lines to the terminal.
	 */
	buf_adds(&b, _("Before your first rating: what section IV of the Terms means\n\n"));
	if (url == NULL)
		buf_adds(&b,
		    _("Where it goes: confab keeps your ratings in its store on this "
		      "machine. No feedback_url is set, so nothing is sent anywhere: no rating, "
		      "reason or comment leaves this machine, and the provider never sees them.\n\n"
		      "If you set feedback_url, each rating would be sent there, and a rating that "
		      "reaches the provider, its reasons and any comment are \"User Feedback\" "
		      "under section IV of the Terms. In plain words:\n\n"));
	else if (feedback_include_exchange(app))
		/* TRANSLATORS: %s is the feedback_url. */
		buf_addf(&b,
		    _("Where it goes: confab keeps your ratings in its store on this "
		      "machine and sends each one to %s (feedback_url), together with the prompt "
		      "and the answer (feedback_include_exchange is on). A rating (thumbs up or "
		      "down), its reasons and any comment are \"User Feedback\" under section IV "
		      "of the Terms. In plain words:\n\n"),
		    url);
	else
		/* TRANSLATORS: %s is the feedback_url. */
		buf_addf(&b,
		    _("Where it goes: confab keeps your ratings in its store on this "
		      "machine and sends each one to %s (feedback_url), without the text of your "
		      "prompt or of the answer. A rating (thumbs up or down), its reasons and any "
		      "comment are \"User Feedback\" under section IV of the Terms. In plain "
		      "words:\n\n"),
		    url);
	buf_adds(&b,
	    _("- It is not confidential. The provider may keep it, use it and disclose "
	      "it in any way it chooses, and owes you nothing for it (IV(a), IV(c)).\n"
	      "- The provider owns it: by giving it, you give up your rights in it (IV(a)).\n"
	      "- The provider need not read it, act on it, or give it back (IV(b)).\n\n"
	      "So put nothing private or secret, and nothing about other people, into a "
	      "comment.\n\n"));
	buf_adds(&b,
	    _("You can change or clear a rating later; clearing cannot recall what "
	      "was already sent. You are asked this once; your answer is kept in the consent "
	      "ledger.\n"));
	return buf_detach(&b, NULL);
}

/* Keep the detail of the first event seen (the newest, in a reverse walk). */
static int
feedback_notice_take(const struct consent_event *ev, void *arg)
{
	enum feedback_notice *state = arg;

	*state = ev->detail != NULL && strcmp(ev->detail, "confirmed") == 0 ?
	    FEEDBACK_NOTICE_CONFIRMED :
	    FEEDBACK_NOTICE_DECLINED;
	return 1;
}

int
feedback_notice_state(struct app *app, enum feedback_notice *state, char **cause)
{
	static const char *const kinds[] = { FEEDBACK_NOTICE_KIND, NULL };
	struct store *st;

	*state = FEEDBACK_NOTICE_NONE;
	if ((st = app_store(app, cause)) == NULL)
		return -1;
	return store_ledger_each(st, kinds, 1, feedback_notice_take, state, cause);
}

int
feedback_notice_record(struct app *app, bool confirmed, const char *method, char **cause)
{
	struct consent_current cur;
	struct consent_event ev = {
		.kind = xstrdup(FEEDBACK_NOTICE_KIND),
		.method = xstrdup(method),
		.shown_bytes = -1,
		.duration_ms = -1,
		.viewer = xstrdup("feedback notice (Terms IV)"),
		.detail = xstrdup(confirmed ? "confirmed" : "declined"),
	};
	struct store *st;
	int r = -1;

	if ((st = app_store(app, cause)) != NULL &&
	    consent_current_load(&app->cfg, st, &cur, cause) == 0) {
		r = consent_record(st, cur.terms, &ev, cause);
		consent_current_release(&cur);
	}
	consent_event_release(&ev);
	return r;
}

/* ---- input ----------------------------------------------------------------- */

/* Is name one of the reasons for this rating? */
static bool
feedback_reason_known(int rating, const char *name)
{
	const char *const *r;

	for (r = feedback_reasons(rating); *r != NULL; r++)
		if (strcmp(*r, name) == 0)
			return true;
	return false;
}

/* The known reasons as "a, b or c", for messages (caller frees). */
static char *
feedback_reason_list(int rating)
{
	const char *const *r = feedback_reasons(rating);
	struct buf b;
	size_t i;

	buf_init(&b, 0);
	for (i = 0; r[i] != NULL; i++)
		/* TRANSLATORS: list separators, as in "accurate, helpful, clear or other". */
		buf_addf(&b, "%s%s", i == 0 ? "" : r[i + 1] == NULL ? _(" or ") : _(", "), r[i]);
	return buf_detach(&b, NULL);
}

/* Is name an item of the comma-separated list? */
static bool
feedback_list_has(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p;

	for (p = list; (p = strstr(p, name)) != NULL; p += n)
		if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return true;
	return false;
}

/*
 * Check comma-separated reasons against the list for the rating; returns
 * them lower-cased without duplicates ("a,b"), NULL for none, or NULL with
 * *cause for an unknown one.
 */
static char *
feedback_reasons_parse(int rating, const char *in, char **cause)
{
	char name[FEEDBACK_REASON_MAX], *list;
	const char *p = in, *e;
	struct buf b;
	size_t n, i;

	buf_init(&b, 0);
	while (p != NULL && *p != '\0') {
		p = text_skip_blanks(p);
		e = strchr(p, ',');
		n = e != NULL ? (size_t)(e - p) : strlen(p);
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n >= sizeof name)
			n = sizeof name - 1;
		for (i = 0; i < n; i++)
			name[i] = (char)((p[i] >= 'A' && p[i] <= 'Z') ? p[i] - 'A' + 'a' : p[i]);
		name[n] = '\0';
		p = e != NULL ? e + 1 : NULL;
		if (n == 0)
			continue;
		if (!feedback_reason_known(rating, name)) {
			list = feedback_reason_list(rating);
			/* TRANSLATORS: what was typed, then the known reasons ("a, b or c"). */
			*cause = rating > 0 ?
			    xasprintf(_("'%s' is not a reason for a thumbs up; use "
					"%s (several separated by commas)"),
				name, list) :
			    xasprintf(_("'%s' is not a reason for a thumbs down; "
					"use %s (several separated by commas)"),
				name, list);
			free(list);
			buf_release(&b);
			return NULL;
		}
		if (!feedback_list_has(b.data, name))
			buf_addf(&b, "%s%s", b.len != 0 ? "," : "", name);
	}
	if (b.len == 0) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

char *
feedback_comment_clean(const char *s, size_t len, size_t *dropped, char **cause)
{
	size_t i, start, end, blen;
	char *out, *b;

	*dropped = 0;
	*cause = NULL;
	if (len > FEEDBACK_COMMENT_MAX) {
		*cause = xasprintf(_("the comment is %zu bytes; the limit is %zu bytes (100 KiB)"),
		    len, FEEDBACK_COMMENT_MAX);
		return NULL;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
			(*dropped)++;
		else if (c == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0x9f)
			(*dropped)++;
	}
	b = text_clean_str(s, len, TEXT_DROP, TEXT_CLEAN_TABS, &blen);
	for (start = 0; start < blen && (b[start] == ' ' || b[start] == '\n'); start++)
		;
	for (end = blen; end > start && (b[end - 1] == ' ' || b[end - 1] == '\n'); end--)
		;
	out = end > start ? xstrndup(b + start, end - start) : NULL;
	free(b);
	return out;
}

/* ---- choosing the answer --------------------------------------------------- */

/* Is s a positive decimal number that fits? */
static bool
feedback_parse_id(const char *s, int64_t *id)
{
	char *end;
	long long v;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v <= 0)
		return false;
	*id = (int64_t)v;
	return true;
}

int64_t
feedback_resolve(struct app *app, const char *which, char **cause)
{
	struct store_feedback_answer a;
	struct store *st;
	int64_t id;
	int r;

	if ((st = app_store(app, cause)) == NULL)
		return -1;
	if (which == NULL || strcmp(which, "last") == 0) {
		if ((id = store_feedback_last_answer(st, cause)) == 0)
			*cause = xstrdup(
			    _("there is no answer to rate yet: ask something "
			      "first (confab \"PROMPT\"); answers kept out of the store with "
			      "--no-log cannot be rated"));
		return id > 0 ? id : -1;
	}
	if (!feedback_parse_id(which, &id)) {
		*cause = xasprintf(_("'%s' is not an answer id: give the message_id that 'confab "
				     "--json' prints, or 'last' for the newest answer"),
		    which);
		return -1;
	}
	if ((r = store_feedback_answer_get(st, id, &a, cause)) <= 0) {
		if (r == 0)
			*cause = xasprintf(_("there is no answer %lld in the store; 'confab "
					     "feedback up last' rates the newest answer"),
			    (long long)id);
		return -1;
	}
	if (strcmp(a.role, "assistant") != 0) {
		if (strcmp(a.role, "user") == 0)
			*cause = xasprintf(_("message %lld is a prompt (user), not an answer; only "
					     "answers can be rated"),
			    (long long)id);
		else
			/* TRANSLATORS: the message's id, then its role (system). */
			*cause = xasprintf(_("message %lld is a %s message, not an answer; only "
					     "answers can be rated"),
			    (long long)id, a.role);
		id = -1;
	}
	store_feedback_answer_release(&a);
	return id;
}

/* ---- rating ---------------------------------------------------------------- */

/* A fresh idempotency key: a random UUID (version 4). */
static char *
feedback_new_key(void)
{
	unsigned char r[16];
	size_t got = 0;
	ssize_t n;

	while (got < sizeof r) {
		n = getrandom(r + got, sizeof r - got, 0);
		if (n < 0 && errno != EINTR)
			fatal(_("cannot get random bytes: %s"), strerror(errno));
		if (n > 0)
			got += (size_t)n;
	}
	r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);
	r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
	return xasprintf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	    r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13],
	    r[14], r[15]);
}

struct cJSON *
feedback_reasons_json(const char *reasons)
{
	struct cJSON *arr = json_parse_array(reasons);
	const char *p, *e, *a, *z;
	char *r;

	if (arr != NULL)
		return arr;
	arr = json_array();
	for (p = reasons; p != NULL && *p != '\0'; p = e + (*e == ',')) {
		e = p + strcspn(p, ",");
		for (a = text_skip_blanks(p), z = e; z > a && (z[-1] == ' ' || z[-1] == '\t'); z--)
			;
		if (z > a) {
			r = xstrndup(a, (size_t)(z - a));
			json_push_str(arr, r);
			free(r);
		}
	}
	return arr;
}

/* The JSON body that goes to feedback_url for one rating (caller frees). */
static char *
feedback_payload(struct app *app, const struct store_feedback_answer *a, int rating,
    const char *reasons, const char *comment, const char *now, const char *key)
{
	struct cJSON *o = json_object(), *x;
	char *s;

	json_add_str(o, "idempotency_key", key);
	json_add_str(o, "type", rating != 0 ? "rating" : "rating-cleared");
	json_add_str(o, "rating", rating > 0 ? "up" : rating < 0 ? "down" : "none");
	json_add(o, "reasons", feedback_reasons_json(reasons));
	json_add_str_or_null(o, "comment", comment);
	json_add_str_or_null(o, "model", a->model);
	json_add_str_or_null(o, "response_id", a->response_id);
	json_add_str(o, "rated_at", now);
	json_add_str(o, "client", PACKAGE_NAME " " PACKAGE_VERSION);
	if (feedback_include_exchange(app)) {
		x = json_add_object(o, "exchange");
		json_add_str_or_null(x, "prompt", a->prompt);
		json_add_str_or_null(x, "answer", a->content);
	}
	s = json_print(o, false);
	json_free(o);
	return s;
}

/* Keep the rating of the row seen. */
static int
feedback_get_cb(const struct store_feedback *f, void *arg)
{
	*(int *)arg = f->rating;
	return 1;
}

int
feedback_get(struct app *app, int64_t message_id, int *rating, char **cause)
{
	struct store *st = app_store(app, cause);
	int r = 2;

	if (st == NULL || store_feedback_each(st, message_id, feedback_get_cb, &r, cause) != 0)
		return -1;
	if (r == 2)
		return 0;
	*rating = r;
	return 1;
}

/* Check the input of a rating; 0, or -1 with *cause. */
static int
feedback_check_input(const struct feedback_rating *r, char **reasons, char **comment,
    size_t *dropped, char **cause)
{
	*reasons = *comment = NULL;
	if (r->rating < -1 || r->rating > 1) {
		*cause = xasprintf(_("a rating is up (1), down (-1) or cleared (0), not %d"),
		    r->rating);
		return -1;
	}
	if (r->rating == 0 &&
	    ((r->reasons != NULL && *r->reasons != '\0') ||
		(r->comment != NULL && *r->comment != '\0'))) {
		*cause = xstrdup(_("clearing a rating takes no reason or comment"));
		return -1;
	}
	if (r->reasons != NULL &&
	    (*reasons = feedback_reasons_parse(r->rating, r->reasons, cause)) == NULL &&
	    *cause != NULL)
		return -1;
	if (r->comment != NULL &&
	    (*comment = feedback_comment_clean(r->comment, strlen(r->comment), dropped, cause)) ==
		NULL &&
	    *cause != NULL) {
		free(*reasons);
		*reasons = NULL;
		return -1;
	}
	return 0;
}

/* Has the user confirmed the notice? 0, or -1 with *cause (and *unconfirmed when not). */
static int
feedback_check_notice(struct app *app, bool *unconfirmed, char **cause)
{
	enum feedback_notice ns;

	if (feedback_notice_state(app, &ns, cause) != 0)
		return -1;
	if (ns == FEEDBACK_NOTICE_CONFIRMED)
		return 0;
	/* TRANSLATORS: %s is the notice in one clause. */
	*cause = xasprintf(_("rating needs your confirmation of the feedback notice first: %s; "
			     "nothing was stored"),
	    feedback_notice_gist);
	*unconfirmed = true;
	return -1;
}

/* Save the checked rating of answer a; fills out. 0, or -1 with *cause. */
static int
feedback_save(struct app *app, struct store *st, const struct store_feedback_answer *a, int rating,
    const char *reasons, const char *comment, struct feedback_outcome *out, char **cause)
{
	const char *url = config_get(&app->cfg, CONFIG_FEEDBACK_URL);
	char *now = store_now(), *key = url != NULL ? feedback_new_key() : NULL;
	char *payload = key != NULL ? feedback_payload(app, a, rating, reasons, comment, now, key) :
				      NULL;
	struct store_feedback_put p = {
		.message_id = a->message_id,
		.conversation_id = a->conversation_id,
		.rating = rating,
		.reasons = reasons,
		.comment = comment,
		.model = a->model,
		.now = now,
		.key = key,
		.payload = payload,
		.only_if_sent = rating == 0,
	};
	struct store_feedback_saved saved;
	int r = 0;

	if (store_feedback_put(st, &p, &saved, cause) != 0)
		r = -1;
	else {
		out->existed = saved.existed;
		out->previous = saved.previous;
		out->queued = saved.outbox_id != 0;
		out->changed = true;
	}
	free(payload);
	free(key);
	free(now);
	return r;
}

int
feedback_rate(struct app *app, int64_t message_id, const struct feedback_rating *r,
    struct feedback_outcome *out, char **cause)
{
	struct store_feedback_answer a;
	char *reasons = NULL, *comment = NULL;
	struct store *st;
	int rc, old;

	memset(out, 0, sizeof *out);
	memset(&a, 0, sizeof a);
	out->message_id = message_id;
	*cause = NULL;
	if ((rc = feedback_check_input(r, &reasons, &comment, &out->dropped, cause)) != 0)
		return rc;
	rc = -1;
	if ((st = app_store(app, cause)) == NULL)
		goto out;
	if ((rc = store_feedback_answer_get(st, message_id, &a, cause)) <= 0 ||
	    strcmp(a.role, "assistant") != 0) {
		if (rc >= 0)
			*cause = xasprintf(_("there is no answer %lld to rate"),
			    (long long)message_id);
		rc = -1;
		goto out;
	}
	if (r->rating != 0 && (rc = feedback_check_notice(app, &out->unconfirmed, cause)) != 0)
		goto out;
	if (r->rating == 0 &&
	    ((rc = feedback_get(app, message_id, &old, cause)) <= 0 || old == 0)) {
		out->existed = rc > 0;
		rc = rc < 0 ? -1 : 0;
		goto out;
	}
	rc = feedback_save(app, st, &a, r->rating, reasons, comment, out, cause);
out:
	store_feedback_answer_release(&a);
	free(reasons);
	free(comment);
	return rc;
}
