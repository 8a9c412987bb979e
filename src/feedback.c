/* feedback.c: ratings, the Terms IV notice, the outbox and its delivery. */
#include "common.h"

#include <cjson/cJSON.h>
#include <fcntl.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cmd.h"
#include "consent.h"
#include "feedback.h"
#include "http.h"
#include "loop.h"
#include "store.h"
#include "text.h"

#define FEEDBACK_NOTICE_KIND "feedback-notice"
#define FEEDBACK_LOCK_FILE "feedback.lock"
#define FEEDBACK_BACKOFF_FIRST_MS 15000L	/* the outbox's first wait after a failure */
#define FEEDBACK_BACKOFF_MAX_MS 3600000L	/* and its longest */
#define FEEDBACK_RUN_BACKOFF_MS 500L		/* between tries within one sync run */
#define FEEDBACK_PUMP_TICK_MS 5000		/* how often the pump looks for due items */
#define FEEDBACK_PUMP_TIMEOUT_S 20L		/* one background POST */
#define FEEDBACK_REASON_MAX 64

static const char *const feedback_reasons_up[] = {
	"accurate", "helpful", "clear", "other", NULL
};
static const char *const feedback_reasons_down[] = {
	"inaccurate", "unhelpful", "harmful", "other", NULL	/* harmful: harmful or offensive */
};

const char *
feedback_reason_label(const char *name)
{
	return strcmp(name, "harmful") == 0 ? "harmful or offensive" : name;
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

const char feedback_notice_question[] = "Type yes to confirm and store your rating; anything "
    "else cancels it: ";
const char feedback_notice_gist[] = "feedback is not confidential and the provider may keep "
    "and use it freely (Terms IV)";

char *
feedback_notice_text(struct app *app)
{
	const char *url = config_get(&app->cfg, CONFIG_FEEDBACK_URL);
	struct buf b;

	buf_init(&b, 0);
	buf_adds(&b, "Before your first rating: what section IV of the Terms means\n\n");
	if (url == NULL)
		buf_adds(&b, "Where it goes: confab keeps your ratings in its store on this "
		    "machine. No feedback_url is set, so nothing is sent anywhere: no rating, "
		    "reason or comment leaves this machine, and the provider never sees them.\n\n"
		    "If you set feedback_url, each rating would be sent there, and a rating that "
		    "reaches the provider, its reasons and any comment are \"User Feedback\" under "
		    "section IV of the Terms. In plain words:\n\n");
	else
		buf_addf(&b, "Where it goes: confab keeps your ratings in its store on this "
		    "machine and sends each one to %s (feedback_url), %s. A rating (thumbs up or "
		    "down), its reasons and any comment are \"User Feedback\" under section IV of "
		    "the Terms. In plain words:\n\n", url,
		    feedback_include_exchange(app) ? "together with the prompt and the answer "
		    "(feedback_include_exchange is on)" : "without the text of your prompt or "
		    "of the answer");
	buf_adds(&b, "- It is not confidential. The provider may keep it, use it and disclose "
	    "it in any way it chooses, and owes you nothing for it (IV(a), IV(c)).\n"
	    "- The provider owns it: by giving it, you give up your rights in it (IV(a)).\n"
	    "- The provider need not read it, act on it, or give it back (IV(b)).\n\n"
	    "So put nothing private or secret, and nothing about other people, into a "
	    "comment.\n\n");
	buf_adds(&b, "You can change or clear a rating later; clearing cannot recall what "
	    "was already sent. You are asked this once; your answer is kept in the consent "
	    "ledger.\n");
	return buf_detach(&b, NULL);
}

/* Keep the detail of the first event seen (the newest, in a reverse walk). */
static int
feedback_notice_take(const struct consent_event *ev, void *arg)
{
	enum feedback_notice *state = arg;

	*state = ev->detail != NULL && strcmp(ev->detail, "confirmed") == 0 ?
	    FEEDBACK_NOTICE_CONFIRMED : FEEDBACK_NOTICE_DECLINED;
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
		buf_addf(&b, "%s%s", i == 0 ? "" : r[i + 1] == NULL ? " or " : ", ", r[i]);
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
			*cause = xasprintf("'%s' is not a reason for a thumbs %s; use %s (several "
			    "separated by commas)", name, rating > 0 ? "up" : "down", list);
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
	struct text_sanitizer ts;
	struct buf b;
	size_t i, start, end;
	char *out;

	*dropped = 0;
	*cause = NULL;
	if (len > FEEDBACK_COMMENT_MAX) {
		*cause = xasprintf("the comment is %zu bytes; the limit is %zu bytes (100 KiB)",
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
	buf_init(&b, 0);
	text_sanitizer_init(&ts, TEXT_DROP);
	text_sanitize(&ts, s, len, &b);
	text_sanitize_finish(&ts, &b);
	for (i = 0; i < b.len; i++)
		if (b.data[i] == '\t')
			b.data[i] = ' ';
	for (start = 0; start < b.len && (b.data[start] == ' ' || b.data[start] == '\n'); start++)
		;
	for (end = b.len; end > start && (b.data[end - 1] == ' ' || b.data[end - 1] == '\n'); end--)
		;
	out = end > start ? xstrndup(b.data + start, end - start) : NULL;
	buf_release(&b);
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
			*cause = xstrdup("there is no answer to rate yet: ask something "
			    "first (confab \"PROMPT\"); answers kept out of the store with "
			    "--no-log cannot be rated");
		return id > 0 ? id : -1;
	}
	if (!feedback_parse_id(which, &id)) {
		*cause = xasprintf("'%s' is not an answer id: give the message_id that 'confab "
		    "--json' prints, or 'last' for the newest answer", which);
		return -1;
	}
	if ((r = store_feedback_answer_get(st, id, &a, cause)) <= 0) {
		if (r == 0)
			*cause = xasprintf("there is no answer %lld in the store; 'confab feedback "
			    "up last' rates the newest answer", (long long)id);
		return -1;
	}
	if (strcmp(a.role, "assistant") != 0) {
		*cause = xasprintf("message %lld is a %s message, not an answer; only answers "
		    "can be rated", (long long)id, strcmp(a.role, "user") == 0 ? "prompt (user)" :
		    a.role);
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
			fatal("cannot get random bytes: %s", strerror(errno));
		if (n > 0)
			got += (size_t)n;
	}
	r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);
	r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
	return xasprintf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	    r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12],
	    r[13], r[14], r[15]);
}

/* Add s (or null) under name. */
static void
feedback_json_str(cJSON *o, const char *name, const char *s)
{
	if (s != NULL)
		cJSON_AddStringToObject(o, name, s);
	else
		cJSON_AddNullToObject(o, name);
}

/* "a,b" as a JSON array. */
static cJSON *
feedback_json_reasons(const char *reasons)
{
	cJSON *arr = cJSON_CreateArray();
	const char *p = reasons, *e;
	char *one;

	while (p != NULL && *p != '\0') {
		e = strchr(p, ',');
		one = e != NULL ? xstrndup(p, (size_t)(e - p)) : xstrdup(p);
		cJSON_AddItemToArray(arr, cJSON_CreateString(one));
		free(one);
		p = e != NULL ? e + 1 : NULL;
	}
	return arr;
}

/* The JSON body that goes to feedback_url for one rating (caller frees). */
static char *
feedback_payload(struct app *app, const struct store_feedback_answer *a, int rating,
    const char *reasons, const char *comment, const char *now, const char *key)
{
	cJSON *o = cJSON_CreateObject(), *x;
	char *s;

	cJSON_AddStringToObject(o, "idempotency_key", key);
	cJSON_AddStringToObject(o, "type", rating != 0 ? "rating" : "rating-cleared");
	cJSON_AddStringToObject(o, "rating", rating > 0 ? "up" : rating < 0 ? "down" : "none");
	cJSON_AddItemToObject(o, "reasons", feedback_json_reasons(reasons));
	feedback_json_str(o, "comment", comment);
	feedback_json_str(o, "model", a->model);
	feedback_json_str(o, "response_id", a->response_id);
	cJSON_AddStringToObject(o, "rated_at", now);
	cJSON_AddStringToObject(o, "client", PACKAGE_NAME " " PACKAGE_VERSION);
	if (feedback_include_exchange(app)) {
		x = cJSON_AddObjectToObject(o, "exchange");
		feedback_json_str(x, "prompt", a->prompt);
		feedback_json_str(x, "answer", a->content);
	}
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (s == NULL)
		fatal("cannot format a feedback payload");
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

/* Check the input of a rating; 0, or EXIT_USAGE with *cause. */
static int
feedback_check_input(const struct feedback_rating *r, char **reasons, char **comment,
    size_t *dropped, char **cause)
{
	*reasons = *comment = NULL;
	if (r->rating < -1 || r->rating > 1) {
		*cause = xasprintf("a rating is up (1), down (-1) or cleared (0), not %d",
		    r->rating);
		return EXIT_USAGE;
	}
	if (r->rating == 0 && ((r->reasons != NULL && *r->reasons != '\0') ||
	    (r->comment != NULL && *r->comment != '\0'))) {
		*cause = xstrdup("clearing a rating takes no reason or comment");
		return EXIT_USAGE;
	}
	if (r->reasons != NULL && (*reasons = feedback_reasons_parse(r->rating, r->reasons,
	    cause)) == NULL && *cause != NULL)
		return EXIT_USAGE;
	if (r->comment != NULL && (*comment = feedback_comment_clean(r->comment,
	    strlen(r->comment), dropped, cause)) == NULL && *cause != NULL) {
		free(*reasons);
		*reasons = NULL;
		return EXIT_USAGE;
	}
	return 0;
}

/* Has the user confirmed the notice? 0, or an exit code with *cause. */
static int
feedback_check_notice(struct app *app, char **cause)
{
	enum feedback_notice ns;

	if (feedback_notice_state(app, &ns, cause) != 0)
		return EXIT_USAGE;
	if (ns == FEEDBACK_NOTICE_CONFIRMED)
		return 0;
	*cause = xasprintf("rating needs your confirmation of the feedback notice first: %s; "
	    "nothing was stored", feedback_notice_gist);
	return EXIT_CONSENT;
}

/* Save the checked rating of answer a; fills out. 0, or EXIT_USAGE with *cause. */
static int
feedback_save(struct app *app, struct store *st, const struct store_feedback_answer *a,
    int rating, const char *reasons, const char *comment, struct feedback_outcome *out,
    char **cause)
{
	const char *url = config_get(&app->cfg, CONFIG_FEEDBACK_URL);
	char *now = store_now(), *key = url != NULL ? feedback_new_key() : NULL;
	char *payload = key != NULL ? feedback_payload(app, a, rating, reasons, comment, now,
	    key) : NULL;
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
		r = EXIT_USAGE;
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
	rc = EXIT_USAGE;
	if ((st = app_store(app, cause)) == NULL)
		goto out;
	if ((rc = store_feedback_answer_get(st, message_id, &a, cause)) <= 0 ||
	    strcmp(a.role, "assistant") != 0) {
		if (rc >= 0)
			*cause = xasprintf("there is no answer %lld to rate",
			    (long long)message_id);
		rc = EXIT_USAGE;
		goto out;
	}
	if (r->rating != 0 && (rc = feedback_check_notice(app, cause)) != 0)
		goto out;
	if (r->rating == 0 && ((rc = feedback_get(app, message_id, &old, cause)) <= 0 ||
	    old == 0)) {
		out->existed = rc > 0;
		rc = rc < 0 ? EXIT_USAGE : 0;
		goto out;
	}
	rc = feedback_save(app, st, &a, r->rating, reasons, comment, out, cause);
out:
	store_feedback_answer_release(&a);
	free(reasons);
	free(comment);
	return rc;
}

/* ---- delivery -------------------------------------------------------------- */

/* How long the outbox waits after an item's attempts-th failure, with jitter. */
static int64_t
feedback_backoff_ms(int64_t attempts)
{
	int64_t ms = FEEDBACK_BACKOFF_FIRST_MS;

	while (--attempts > 0 && ms < FEEDBACK_BACKOFF_MAX_MS)
		ms *= 2;
	if (ms > FEEDBACK_BACKOFF_MAX_MS)
		ms = FEEDBACK_BACKOFF_MAX_MS;
	return ms - (int64_t)((double)(ms / 4) * ((double)rand() / RAND_MAX));
}

static void
feedback_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/*
 * Take the delivery lock, waiting up to wait_ms for another confab to let
 * go. Returns its descriptor (close it to unlock), -2 when still busy, or -1
 * with *cause.
 */
static int
feedback_lock(struct app *app, long wait_ms, char **cause)
{
	char *path = xasprintf("%s/%s", app->cfg.data_dir, FEEDBACK_LOCK_FILE);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	long waited = 0;

	if (fd < 0) {
		if (errno == ELOOP)	/* O_NOFOLLOW: never a file elsewhere */
			*cause = xasprintf("'%s' is a symbolic link; confab never follows one "
			    "there: remove it", path);
		else
			*cause = xasprintf("cannot open '%s': %s", path, strerror(errno));
		free(path);
		return -1;
	}
	free(path);
	while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			*cause = xasprintf("cannot lock the feedback outbox: %s", strerror(errno));
			close(fd);
			return -1;
		}
		if (waited >= wait_ms) {
			close(fd);
			return -2;
		}
		feedback_sleep_ms(50);
		waited += 50;
	}
	return fd;
}

/* May ratings be sent? Only through the gate, under accepted, current Terms. 0, or -1. */
static int
feedback_consent_ok(struct app *app, char **cause)
{
	char *why = NULL;

	if (app_gate(app, &why) == 0)
		return 0;
	*cause = xasprintf("ratings are sent only under accepted Terms, so they wait in the "
	    "outbox: %s", why);
	free(why);
	return -1;
}

/* Should a failed attempt be tried again at once (within a sync run)? */
static bool
feedback_retryable(int posted, long status)
{
	return posted != 0 || status == 408 || status == 429 || status >= 500;
}

/* What a response that is not 2xx means, for last_error (caller frees). */
static char *
feedback_status_error(const char *url, long status)
{
	return xasprintf("%s answered HTTP %ld", url, status);
}

/* Try one item up to o->tries times; 1 delivered, 0 failed, -1 store error. */
static int
feedback_deliver(struct store *st, const char *url, const struct store_outbox_item *it,
    const struct feedback_sync_opts *o, struct feedback_sync_report *rep, char **cause)
{
	char *hkey = xasprintf("Idempotency-Key: %s", it->key), *err = NULL;
	const char *hdrs[] = { "Content-Type: application/json", "Accept: application/json",
		hkey, NULL };
	struct http_result res;
	int try, posted, r = -1;
	long status;

	for (try = 1;; try++) {
		if (store_feedback_outbox_attempt(st, it->id, feedback_backoff_ms(it->attempts +
		    try), cause) != 0)
			break;
		posted = http_post(url, it->payload, strlen(it->payload), hdrs, o->timeout_s, &res,
		    &err);
		status = res.status;
		http_result_release(&res);
		if (posted == 0 && status >= 200 && status < 300) {
			r = store_feedback_outbox_delivered(st, it->id, cause) == 0 ? 1 : -1;
			break;
		}
		if (posted == 0)
			err = feedback_status_error(url, status);
		if (try >= o->tries || !feedback_retryable(posted, status)) {
			r = store_feedback_outbox_failed(st, it->id, err, feedback_backoff_ms(
			    it->attempts + try), cause) == 0 ? 0 : -1;
			free(rep->last_error);
			rep->last_error = err;
			err = NULL;
			break;
		}
		free(err);
		err = NULL;
		feedback_sleep_ms(FEEDBACK_RUN_BACKOFF_MS << (try - 1));
	}
	free(err);
	free(hkey);
	return r;
}

/* The feedback row id of an answer, 0 when it has none. */
static int
feedback_row_cb(const struct store_feedback *f, void *arg)
{
	*(int64_t *)arg = f->id;
	return 1;
}

/* Deliver the items, in order, while holding the lock. 0, or -1 with *cause. */
static int
feedback_sync_items(struct store *st, const char *url, const struct feedback_sync_opts *o,
    int64_t feedback_id, struct feedback_sync_report *rep, char **cause)
{
	struct store_outbox_item it;
	int64_t after = 0;
	int r;

	while ((r = store_feedback_outbox_next(st, after, !o->all, feedback_id, &it,
	    cause)) == 1) {
		after = it.id;
		if (rep->failed > 0)
			rep->skipped++;
		else if ((r = feedback_deliver(st, url, &it, o, rep, cause)) == 1)
			rep->delivered++;
		else if (r == 0)
			rep->failed++;
		store_outbox_item_release(&it);
		if (r < 0)
			return -1;
	}
	return r;
}

int
feedback_sync(struct app *app, const struct feedback_sync_opts *o,
    struct feedback_sync_report *rep, char **cause)
{
	const char *url = config_get(&app->cfg, CONFIG_FEEDBACK_URL);
	int64_t feedback_id = 0, due;
	struct store *st;
	int fd, r;

	memset(rep, 0, sizeof *rep);
	if ((st = app_store(app, cause)) == NULL ||
	    store_feedback_outbox_count(st, &rep->pending, &due, cause) != 0)
		return EXIT_USAGE;
	if (url == NULL && rep->pending > 0) {
		*cause = xasprintf("%lld rating%s wait%s for delivery, but no feedback_url is set; "
		    "set it in '%s' or with CONFAB_FEEDBACK_URL", (long long)rep->pending,
		    rep->pending == 1 ? "" : "s", rep->pending == 1 ? "s" : "",
		    app->cfg.config_path);
		return EXIT_USAGE;
	}
	if (url == NULL || rep->pending == 0)
		return 0;
	if (feedback_consent_ok(app, cause) != 0)
		return EXIT_CONSENT;
	if (o->message_id > 0 &&
	    store_feedback_each(st, o->message_id, feedback_row_cb, &feedback_id, cause) != 0)
		return EXIT_USAGE;
	if ((fd = feedback_lock(app, o->lock_wait_ms, cause)) == -1)
		return EXIT_USAGE;
	if (fd == -2) {
		rep->busy = true;
		return 0;
	}
	r = feedback_sync_items(st, url, o, feedback_id, rep, cause);
	close(fd);
	if (r != 0 || store_feedback_outbox_count(st, &rep->pending, &due, cause) != 0)
		return EXIT_USAGE;
	return 0;
}

void
feedback_sync_report_release(struct feedback_sync_report *rep)
{
	free(rep->last_error);
	memset(rep, 0, sizeof *rep);
}

/* ---- the background pump ------------------------------------------------------ */

static struct {
	struct app *app;
	struct loop *loop;
	int timer;			/* -1: none */
	struct http_transfer *t;	/* the transfer in flight, or NULL */
	int64_t item;			/* its outbox item */
	int64_t attempts;		/* the item's attempts, this one included */
	int lock;			/* the delivery lock while in flight, or -1 */
	uintptr_t gen;			/* changes on stop: late callbacks are ignored */
} feedback_pump = { .timer = -1, .lock = -1 };

static void feedback_pump_tick(void *arg);

/* A background delivery ended: mark the item, let go of the lock, go on. */
static void
feedback_pump_done(const struct http_result *res, void *arg)
{
	struct store *st = feedback_pump.app != NULL ? feedback_pump.app->store : NULL;
	const char *url;
	char *cause = NULL, *err;
	bool ok = res->outcome == HTTP_OK;

	if ((uintptr_t)arg != feedback_pump.gen)
		return;
	feedback_pump.t = NULL;
	url = config_get(&feedback_pump.app->cfg, CONFIG_FEEDBACK_URL);
	if (st != NULL && ok)
		store_feedback_outbox_delivered(st, feedback_pump.item, &cause);
	else if (st != NULL && res->outcome != HTTP_CANCELLED) {
		err = res->outcome == HTTP_STATUS ? feedback_status_error(url, res->status) :
		    xasprintf("cannot post to %s: %s", url, res->error != NULL ? res->error :
		    "no response");
		store_feedback_outbox_failed(st, feedback_pump.item, err,
		    feedback_backoff_ms(feedback_pump.attempts), &cause);
		free(err);
	}
	free(cause);
	if (feedback_pump.lock >= 0)
		close(feedback_pump.lock);
	feedback_pump.lock = -1;
	if (ok)
		feedback_pump_tick(NULL);
}

/* Start the next due item's delivery, unless one is in flight. */
static void
feedback_pump_send(struct store *st, const char *url, const struct store_outbox_item *it)
{
	char *hkey = xasprintf("Idempotency-Key: %s", it->key), *cause = NULL;
	const char *hdrs[] = { "Content-Type: application/json", "Accept: application/json",
		hkey, NULL };
	struct http_request req = {
		.url = url,
		.body = it->payload,
		.body_len = strlen(it->payload),
		.headers = hdrs,
		.connect_timeout_s = 5,
		.total_timeout_s = FEEDBACK_PUMP_TIMEOUT_S,
		.max_body = (size_t)64 << 10,
		.on_done = feedback_pump_done,
		.arg = (void *)feedback_pump.gen,
	};

	feedback_pump.item = it->id;
	feedback_pump.attempts = it->attempts + 1;
	if (store_feedback_outbox_attempt(st, it->id, feedback_backoff_ms(it->attempts + 1),
	    &cause) == 0)
		feedback_pump.t = http_start(loop_http(feedback_pump.loop), &req);
	free(cause);
	free(hkey);
}

/* Timer: look for a due item and start it; never waits for anything. */
static void
feedback_pump_tick(void *arg)
{
	struct app *app = feedback_pump.app;
	const char *url = app != NULL ? config_get(&app->cfg, CONFIG_FEEDBACK_URL) : NULL;
	struct store_outbox_item it;
	int64_t pending, due;
	struct store *st;
	char *cause = NULL;

	(void)arg;
	if (url == NULL || feedback_pump.t != NULL)
		return;
	if ((st = app_store(app, &cause)) == NULL ||
	    store_feedback_outbox_count(st, &pending, &due, &cause) != 0 || due == 0 ||
	    feedback_consent_ok(app, &cause) != 0 ||
	    (feedback_pump.lock = feedback_lock(app, 0, &cause)) < 0) {
		feedback_pump.lock = -1;
		free(cause);
		return;
	}
	if (store_feedback_outbox_next(st, 0, true, 0, &it, &cause) == 1)
		feedback_pump_send(st, url, &it);
	store_outbox_item_release(&it);
	free(cause);
	if (feedback_pump.t == NULL) {
		close(feedback_pump.lock);
		feedback_pump.lock = -1;
	}
}

void
feedback_outbox_start(struct app *app, struct loop *loop)
{
	if (config_get(&app->cfg, CONFIG_FEEDBACK_URL) == NULL)
		return;
	feedback_pump.app = app;
	feedback_pump.loop = loop;
	if (feedback_pump.timer < 0)
		feedback_pump.timer = loop_add_timer(loop, FEEDBACK_PUMP_TICK_MS,
		    feedback_pump_tick, NULL);
	feedback_pump_tick(NULL);
}

void
feedback_outbox_stop(void)
{
	if (feedback_pump.timer >= 0 && feedback_pump.loop != NULL)
		loop_remove_timer(feedback_pump.loop, feedback_pump.timer);
	if (feedback_pump.t != NULL)
		http_cancel(feedback_pump.t);
	if (feedback_pump.lock >= 0)
		close(feedback_pump.lock);
	feedback_pump.gen++;
	feedback_pump.t = NULL;
	feedback_pump.lock = -1;
	feedback_pump.timer = -1;
	feedback_pump.app = NULL;
	feedback_pump.loop = NULL;
}
