/* consent-chain.c: the hash-chained ledger, its head file, and the checks the gate makes of it. */
#include "common.h"
#include "caps.h"

#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "consent.h"
#include "consent-internal.h"
#include "http.h"

/* Append "name=LEN:value\n" (or "name=-\n" for NULL) to the hash input. */
static void
consent_hash_field(struct buf *b, const char *name, const char *v)
{
	if (v == NULL)
		buf_addf(b, "%s=-\n", name);
	else
		buf_addf(b, "%s=%zu:%s\n", name, strlen(v), v);
}

static void
consent_hash_int(struct buf *b, const char *name, int64_t v)
{
	if (v < 0)
		buf_addf(b, "%s=-\n", name);
	else
		buf_addf(b, "%s=%lld\n", name, (long long)v);
}

char *
consent_event_hash(const struct consent_event *ev)
{
	char hex[TERMS_HASH_HEX + 1];
	struct buf b;

	buf_init(&b, 0);
	buf_adds(&b, "confab-ledger-v1\n");
	consent_hash_field(&b, "prev_hash", ev->prev_hash);
	consent_hash_field(&b, "kind", ev->kind);
	consent_hash_field(&b, "terms_sha256", ev->terms_sha256);
	consent_hash_field(&b, "terms_date", ev->terms_date);
	consent_hash_field(&b, "method", ev->method);
	consent_hash_field(&b, "age_answer", ev->age_answer);
	consent_hash_field(&b, "at", ev->at);
	consent_hash_field(&b, "os_user", ev->os_user);
	consent_hash_field(&b, "client_version", ev->client_version);
	consent_hash_int(&b, "shown_bytes", ev->shown_bytes);
	consent_hash_int(&b, "total_bytes", ev->total_bytes);
	consent_hash_int(&b, "duration_ms", ev->duration_ms);
	consent_hash_field(&b, "viewer", ev->viewer);
	consent_hash_field(&b, "detail", ev->detail);
	/* Only when set, so that events from before it existed keep their hashes. */
	if (ev->endpoint != NULL)
		consent_hash_field(&b, "endpoint", ev->endpoint);
	if (ev->typed != NULL)
		consent_hash_field(&b, "typed", ev->typed);
	if (ev->language != NULL)
		consent_hash_field(&b, "language", ev->language);
	terms_sha256_hex(b.data, b.len, hex);
	buf_release(&b);
	return xstrdup(hex);
}

static char *
consent_os_user(void)
{
	struct passwd *pw = getpwuid(geteuid());
	const char *u = getenv("USER");

	if (pw != NULL)
		return xstrdup(pw->pw_name);
	return xasprintf("uid %ld%s%s", (long)geteuid(), u != NULL ? " USER=" : "",
	    u != NULL ? u : "");
}

char *
consent_head_path(struct store *st)
{
	const char *path = store_path(st), *slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(CONSENT_HEAD_FILE);
	return xasprintf("%.*s/%s", (int)(slash - path), path, CONSENT_HEAD_FILE);
}

/* Read a whole small file into an allocated string; NULL with errno set. */
static char *
consent_slurp(const char *path)
{
	struct buf b;
	char *why = NULL;

	buf_init(&b, 4096);
	if (buf_read_file(&b, path, &why) != 0) {
		free(why);
		buf_release(&b);
		return NULL;
	}
	free(why);
	return buf_detach(&b, NULL);
}

/* Replace path with text: a 0600 temporary file beside it, then rename. */
static int
consent_write_atomic(const char *path, const char *text, char **cause)
{
	char *tmp = xasprintf("%s.%ld.tmp", path, (long)getpid());
	size_t len = strlen(text);
	int fd, r = -1;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		*cause = xasprintf(_("cannot write the ledger head '%s': %s"), tmp,
		    strerror(errno));
		goto out;
	}
	if (write(fd, text, len) != (ssize_t)len || fsync(fd) != 0) {
		*cause = xasprintf(_("cannot write the ledger head '%s': %s"), tmp,
		    strerror(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	close(fd);
	if (rename(tmp, path) != 0) {
		*cause = xasprintf(_("cannot replace the ledger head '%s': %s"), path,
		    strerror(errno));
		unlink(tmp);
		goto out;
	}
	r = 0;
out:
	free(tmp);
	return r;
}

int
consent_head_read(struct store *st, int64_t *id, char **hash, char **cause)
{
	char *path = consent_head_path(st), *text = consent_slurp(path), h[TERMS_HASH_HEX + 1];
	long long n;
	int r = 1;

	*id = 0;
	*hash = NULL;
	if (text == NULL) {
		r = errno == ENOENT ? 0 : -1;
		if (r < 0)
			*cause = xasprintf(_("cannot read the ledger head '%s': %s"), path,
			    strerror(errno));
	} else if (sscanf(text, "confab-ledger-head %lld %64[0-9a-f]", &n, h) != 2 ||
	    strlen(h) != TERMS_HASH_HEX || n <= 0) {
		*cause = xasprintf(_("the ledger head '%s' is not readable (expected "
				     "'confab-ledger-head ID HASH')"),
		    path);
		r = -1;
	} else {
		*id = n;
		*hash = xstrdup(h);
	}
	free(text);
	free(path);
	return r;
}

/* Note in the store, once, that its ledger keeps a head file from now on. */
static int
consent_head_mark(struct store *st, char **cause)
{
	char *since = store_meta_get(st, CONSENT_HEAD_META), *now;
	int r = 0;

	if (since == NULL) {
		now = store_now();
		r = store_meta_set(st, CONSENT_HEAD_META, now, cause);
		free(now);
	}
	free(since);
	return r;
}

/*
 * Write the head file from the newest event when it is missing, and mark the
 * store (under the write lock). *wrote: whether a head file was written.
 */
static int
consent_head_write_missing(struct store *st, bool *wrote, char **cause)
{
	struct consent_event newest;
	char *path = consent_head_path(st), *line = NULL;
	int r = -1;

	memset(&newest, 0, sizeof newest);
	*wrote = false;
	if (store_begin(st, cause) != 0)
		goto out;
	if (store_ledger_next(st, INT64_MAX, 0, consent_take_first, &newest, cause) != 0)
		goto fail;
	if (newest.kind != NULL && access(path, F_OK) != 0 && errno == ENOENT) {
		line = xasprintf("confab-ledger-head %lld %s\n", (long long)newest.id, newest.hash);
		if (consent_write_atomic(path, line, cause) != 0)
			goto fail;
		*wrote = true;
	}
	if (consent_head_mark(st, cause) != 0 || store_commit(st, cause) != 0) {
		if (*wrote)
			unlink(path);
		*wrote = false;
		goto fail;
	}
	r = 0;
	goto out;
fail:
	store_rollback(st);
out:
	consent_event_release(&newest);
	free(line);
	free(path);
	return r;
}

int
consent_head_adopt(struct store *st, char **cause)
{
	char *since = store_meta_get(st, CONSENT_HEAD_META);
	bool wrote;

	if (since != NULL) {
		free(since);
		return 0;
	}
	return consent_head_write_missing(st, &wrote, cause);
}

int
consent_head_repair(struct store *st, char **note, char **cause)
{
	char *path = consent_head_path(st);
	bool wrote;
	int r;

	*note = NULL;
	if ((r = consent_head_write_missing(st, &wrote, cause)) == 0 && wrote)
		*note = xasprintf(_("the head file '%s' was written again from the newest event"),
		    path);
	free(path);
	return r;
}

int
consent_record(struct store *st, const struct terms *t, struct consent_event *ev, char **cause)
{
	char *path = consent_head_path(st), *old = NULL, *line = NULL, *why = NULL;
	int r = -1;

	free(ev->terms_sha256);
	free(ev->terms_date);
	free(ev->os_user);
	free(ev->client_version);
	free(ev->at);
	free(ev->prev_hash);
	free(ev->hash);
	ev->at = ev->prev_hash = ev->hash = NULL;
	ev->terms_sha256 = xstrdup(t->sha256);
	ev->terms_date = xstrdup(t->date_label);
	ev->os_user = consent_os_user();
	ev->client_version = xstrdup(PACKAGE_NAME " " PACKAGE_VERSION);
	ev->total_bytes = (int64_t)t->len; /* as shown, like shown_bytes */
	if (ev->endpoint == NULL && store_ledger_endpoint(st) != NULL)
		ev->endpoint = xstrdup(store_ledger_endpoint(st));
	if (ev->language == NULL)
		ev->language = xstrdup(i18n_language());

	if (store_begin(st, cause) != 0)
		goto out;
	ev->at = store_now();
	if ((ev->prev_hash = store_ledger_head(st, cause)) == NULL)
		goto fail;
	ev->hash = consent_event_hash(ev);
	if (store_terms_put(st, t->sha256, t->date_label, t->canon, t->canon_len, "ledger",
		cause) != 0 ||
	    store_ledger_insert(st, ev, cause) != 0)
		goto fail;
	/*
	 * The head outside the database, written while the write lock is held
	 * so that concurrent confabs write it in the order of their events.
	 */
	old = consent_slurp(path);
	line = xasprintf("confab-ledger-head %lld %s\n", (long long)ev->id, ev->hash);
	if (consent_head_mark(st, cause) != 0 || consent_write_atomic(path, line, cause) != 0)
		goto fail;
	if (store_commit(st, cause) != 0) {
		/* The event is not there: put the head back as it was. */
		if (old != NULL)
			consent_write_atomic(path, old, &why);
		else
			unlink(path);
		free(why);
		goto fail;
	}
	r = 0;
	goto out;
fail:
	store_rollback(st);
out:
	free(line);
	free(old);
	free(path);
	return r;
}

struct consent_verify_state {
	struct store *st;
	char *prev;
	int64_t count;
	int64_t bad_id;
	char *cause;
};

/* Check one event against the one before it. */
static int
consent_verify_one(const struct consent_event *ev, void *arg)
{
	struct consent_verify_state *v = arg;
	char *h = consent_event_hash(ev), hex[TERMS_HASH_HEX + 1], *body, *why = NULL;
	size_t len;

	v->count++;
	if (ev->prev_hash == NULL || strcmp(ev->prev_hash, v->prev) != 0)
		/* TRANSLATORS: an event's number, its kind (a ledger value), its time; another number. */
		v->cause =
		    xasprintf(_("event %lld (%s at %s) does not follow event %lld: the "
				"chain is broken (an event was removed, inserted or altered)"),
			(long long)ev->id, ev->kind, ev->at, (long long)ev->id - 1);
	else if (ev->hash == NULL || strcmp(ev->hash, h) != 0)
		/* TRANSLATORS: an event's number, its kind (a ledger value) and its time. */
		v->cause = xasprintf(_("event %lld (%s at %s) was altered: its contents do not "
				       "match its hash"),
		    (long long)ev->id, ev->kind, ev->at);
	else if (strcmp(ev->kind, "accept") == 0) {
		body = store_terms_get(v->st, ev->terms_sha256, &len, &why);
		if (body != NULL)
			terms_sha256_hex(body, len, hex);
		if (body == NULL)
			v->cause =
			    xasprintf(_("event %lld accepted Terms %.12s, whose text is missing "
					"from the store"),
				(long long)ev->id, ev->terms_sha256);
		else if (strcmp(hex, ev->terms_sha256) != 0)
			v->cause = xasprintf(_("event %lld accepted Terms %.12s, but the stored "
					       "text was altered (it hashes to %.12s)"),
			    (long long)ev->id, ev->terms_sha256, hex);
		free(body);
		free(why);
	}
	free(h);
	if (v->cause != NULL) {
		v->bad_id = ev->id;
		return 1;
	}
	free(v->prev);
	v->prev = xstrdup(ev->hash);
	return 0;
}

int
consent_verify(struct store *st, int64_t *count, int64_t *bad_id, char **cause)
{
	struct consent_verify_state v = { .st = st, .prev = xasprintf("%064d", 0) };

	*bad_id = 0;
	if (store_ledger_each(st, NULL, 0, consent_verify_one, &v, cause) != 0) {
		free(v.prev);
		return -1;
	}
	free(v.prev);
	*count = v.count;
	if (v.cause != NULL) {
		*bad_id = v.bad_id;
		*cause = v.cause;
		return -1;
	}
	return 0;
}

/* ---- the head outside the database ---------------------------------------------- */

struct consent_find {
	const char *hash; /* what to look for: a full hash or a prefix */
	int64_t id;	  /* or this id */
	struct consent_event found;
	int64_t last_id;
	char *last_hash;
	int64_t after; /* events after the one found */
};

static int
consent_find_one(const struct consent_event *ev, void *arg)
{
	struct consent_find *f = arg;

	if (f->found.kind != NULL)
		f->after++;
	else if ((f->id > 0 && ev->id == f->id) ||
	    (f->id == 0 && f->hash != NULL && ev->hash != NULL &&
		strncasecmp(ev->hash, f->hash, strlen(f->hash)) == 0))
		consent_event_copy(&f->found, ev);
	f->last_id = ev->id;
	free(f->last_hash);
	f->last_hash = xstrdup_or_null(ev->hash);
	return 0;
}

/* Is s a hash or a prefix of one (12 hex digits at least)? */
static bool
consent_is_hex(const char *s)
{
	size_t n = strspn(s, "0123456789abcdefABCDEF");

	return s[n] == '\0' && n >= TERMS_SHORT_HEX && n <= TERMS_HASH_HEX;
}

int
consent_verify_head(struct store *st, const char *want, char **note, char **cause)
{
	struct consent_find f = { .hash = want };
	char *path = consent_head_path(st), *fhash = NULL, *since;
	int64_t fid = 0;
	int r = -1, have = 0;

	*note = NULL;
	if (want != NULL && !consent_is_hex(want)) {
		*cause = xasprintf(_("'%s' is not a ledger head: give the hash of an event, 12 to "
				     "64 hex digits"),
		    want);
		goto out;
	}
	if (want == NULL) {
		if ((have = consent_head_read(st, &fid, &fhash, cause)) < 0)
			goto out;
		f.id = fid;
	}
	if (store_ledger_each(st, NULL, 0, consent_find_one, &f, cause) != 0)
		goto out;
	if (want != NULL) {
		if (f.found.kind == NULL)
			*cause =
			    xasprintf(_("no event in the ledger has the hash %s: the events up "
					"to that head were cut from the ledger or altered (the "
					"ledger ends at event %lld)"),
				want, (long long)f.last_id);
		else {
			/*
			 * TRANSLATORS: a hash, an event's number, kind (a ledger value)
			 * and time, then how many events came after it.
			 */
			*note = xasprintf(P_("the head %s is event %lld (%s at %s); %lld event "
					     "followed it",
					      "the head %s is event %lld (%s at %s); %lld events "
					      "followed it",
					      (unsigned long)f.after),
			    want, (long long)f.found.id, f.found.kind, f.found.at,
			    (long long)f.after);
			r = 0;
		}
		goto out;
	}
	if (have == 0 && f.last_id > 0 && (since = store_meta_get(st, CONSENT_HEAD_META)) != NULL) {
		/* TRANSLATORS: a file's path, then a date and time. */
		*cause = xasprintf(_("the head file '%s' is missing, but this ledger has kept one "
				     "since %s: events may have been added or removed outside "
				     "confab (if you removed it yourself, 'confab terms verify "
				     "--repair-head' writes it again)"),
		    path, since);
		free(since);
	} else if (have == 0) {
		if (f.last_id > 0)
			*note =
			    xasprintf(_("the head file '%s' is missing, so events cut from "
					"the end cannot be detected (it is written with the next "
					"event, or by 'confab terms verify --repair-head')"),
				path);
		r = 0;
	} else if (f.found.kind == NULL && fid > f.last_id)
		*cause =
		    xasprintf(_("the ledger ends at event %lld, but the head recorded in '%s' is "
				"event %lld (%.12s): events were cut from the end of the ledger"),
			(long long)f.last_id, path, (long long)fid, fhash);
	else if (f.found.kind == NULL)
		*cause = xasprintf(_("event %lld, the head recorded in '%s', is missing from the "
				     "ledger: events were removed"),
		    (long long)fid, path);
	else if (strcasecmp(f.found.hash, fhash) != 0)
		*cause = xasprintf(_("event %lld does not match the head recorded in '%s' (%.12s, "
				     "the ledger has %.12s): the ledger was rewritten"),
		    (long long)fid, path, fhash, f.found.hash);
	else {
		if (f.after > 0)
			*note =
			    xasprintf(P_("the head file '%s' names event %lld, older than the "
					 "ledger's head (event %lld): it was not updated by the "
					 "last %lld event",
					  "the head file '%s' names event %lld, older than the "
					  "ledger's head (event %lld): it was not updated by the "
					  "last %lld events",
					  (unsigned long)f.after),
				path, (long long)fid, (long long)f.last_id, (long long)f.after);
		r = 0;
	}
out:
	consent_event_release(&f.found);
	free(f.last_hash);
	free(fhash);
	free(path);
	return r;
}

/* ---- the events the gate relies on ---------------------------------------------- */

/* Tries while another confab may be writing the head (the pause: caps.h). */
#define CONSENT_CHAIN_TRIES 3

struct consent_chain {
	struct consent_around around; /* read here when not known */
	int64_t head_id;
	char *head_hash;
};

static void
consent_chain_release(struct consent_chain *c)
{
	consent_around_release(&c->around);
	free(c->head_hash);
	memset(c, 0, sizeof *c);
}

/* Read the events around ev. */
static int
consent_chain_read(struct store *st, const struct consent_event *ev, struct consent_around *a,
    char **cause)
{
	if (store_ledger_next(st, ev->id, 0, consent_take_first, &a->prev, cause) != 0 ||
	    store_ledger_next(st, ev->id, 1, consent_take_first, &a->next, cause) != 0)
		return -1;
	if (a->next.kind != NULL &&
	    store_ledger_next(st, INT64_MAX, 0, consent_take_first, &a->newest, cause) != 0)
		return -1;
	a->known = true;
	return 0;
}

/* Does ev hash to its recorded hash? *cause says which event does not. */
static int
consent_chain_hash_ok(const struct consent_event *ev, char **cause)
{
	char *h = consent_event_hash(ev);
	int ok = ev->hash != NULL && strcmp(ev->hash, h) == 0;

	if (!ok)
		*cause = xasprintf(_("event %lld (%s at %s) does not match its hash: it was "
				     "altered or written outside confab"),
		    (long long)ev->id, ev->kind, ev->at);
	free(h);
	return ok;
}

/* Is ev linked to the events beside it? */
static int
consent_chain_links_ok(const struct consent_event *ev, const struct consent_around *c, char **cause)
{
	char zero[TERMS_HASH_HEX + 1];

	snprintf(zero, sizeof zero, "%064d", 0);
	if (ev->prev_hash == NULL ||
	    strcmp(ev->prev_hash, c->prev.kind != NULL ? c->prev.hash : zero) != 0) {
		*cause = xasprintf(_("event %lld (%s at %s) does not follow event %lld: an event "
				     "was inserted, removed or altered"),
		    (long long)ev->id, ev->kind, ev->at, (long long)c->prev.id);
		return 0;
	}
	if (c->next.kind != NULL &&
	    (c->next.prev_hash == NULL || strcmp(c->next.prev_hash, ev->hash) != 0)) {
		*cause = xasprintf(_("event %lld (%s at %s) does not follow event %lld: an event "
				     "was inserted, removed or altered"),
		    (long long)c->next.id, c->next.kind, c->next.at, (long long)ev->id);
		return 0;
	}
	return 1;
}

/*
 * Mark a store that keeps its head file, writing the file first if missing.
 * Best effort (a read-only store stays as it was, and works as before).
 */
static void
consent_head_adopt_quietly(struct store *st)
{
	char *why = NULL;

	consent_head_adopt(st, &why);
	free(why);
}

/*
 * One look at the chain around ev. 0 when sound, -1 with *cause when not, 1
 * with *cause when only the head file disagrees with the newest event (which
 * a confab writing an event at this moment can cause for an instant).
 */
static int
consent_chain_once(struct store *st, const struct consent_event *ev,
    const struct consent_around *known, char **cause)
{
	const struct consent_around *a = known;
	const struct consent_event *newest;
	struct consent_chain c;
	char *since, *path;
	int r = -1, have;

	memset(&c, 0, sizeof c);
	if (!consent_chain_hash_ok(ev, cause))
		goto out;
	if (a == NULL || !a->known) {
		if (consent_chain_read(st, ev, &c.around, cause) != 0)
			goto out;
		a = &c.around;
	}
	if (!consent_chain_links_ok(ev, a, cause))
		goto out;
	if ((have = consent_head_read(st, &c.head_id, &c.head_hash, cause)) < 0)
		goto out;
	newest = a->newest.kind != NULL ? &a->newest : ev;
	if (have == 0 && (since = store_meta_get(st, CONSENT_HEAD_META)) != NULL) {
		path = consent_head_path(st);
		*cause = xasprintf(_("the ledger's head file '%s' is missing, but this ledger has "
				     "kept one since %s: events may have been added or removed "
				     "outside confab. If you removed it yourself, 'confab terms "
				     "verify --repair-head' checks the whole ledger and writes it "
				     "again"),
		    path, since);
		free(path);
		free(since);
		goto out;
	}
	if (have == 0) {
		/* A store from before the head file: write it, once, and keep it from now on. */
		consent_head_adopt_quietly(st);
		r = 0;
		goto out;
	}
	if (newest->id != c.head_id || newest->hash == NULL ||
	    strcasecmp(newest->hash, c.head_hash) != 0) {
		*cause = xasprintf(_("the newest event in the ledger is event %lld (%.12s), but "
				     "the head recorded beside the store is event %lld (%.12s): "
				     "events were added, removed or altered outside confab"),
		    (long long)newest->id, newest->hash != NULL ? newest->hash : "-",
		    (long long)c.head_id, c.head_hash);
		r = 1;
		goto out;
	}
	if (newest != ev && !consent_chain_hash_ok(newest, cause))
		goto out;
	consent_head_adopt_quietly(st); /* a head file written before the mark existed */
	r = 0;
out:
	consent_chain_release(&c);
	return r;
}

int
consent_chain_check(struct store *st, const struct consent_event *ev,
    const struct consent_around *around, char **cause)
{
	struct timespec pause = { 0, CONSENT_CHAIN_PAUSE_MS * 1000000L };
	char *why = NULL;
	int r, try;

	/* Once more, read afresh, while another confab may be writing the head. */
	for (try = 1; (r = consent_chain_once(st, ev, try == 1 ? around : NULL, &why)) > 0 &&
	     try < CONSENT_CHAIN_TRIES;
	     try++) {
		free(why);
		why = NULL;
		nanosleep(&pause, NULL);
	}
	if (r == 0)
		return 0;
	/* TRANSLATORS: %s says what is wrong with the ledger. */
	*cause = xasprintf(_("the consent ledger cannot be trusted: %s; nothing was sent. Run "
			     "'confab terms verify' to check the whole ledger, and 'confab terms' "
			     "to review and accept the Terms again"),
	    why);
	free(why);
	return -1;
}
