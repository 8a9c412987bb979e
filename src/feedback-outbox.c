/* feedback-outbox.c: delivery of ratings through the store's outbox: 'feedback sync' and the background pump. */
#include "common.h"
#include "caps.h"

#include <fcntl.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "backoff.h"
#include "app.h"
#include "feedback.h"
#include "http.h"
#include "loop.h"
#include "store.h"

#define FEEDBACK_LOCK_FILE "feedback.lock"

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
		if (errno == ELOOP) /* O_NOFOLLOW: never a file elsewhere */
			*cause = xasprintf(_("'%s' is a symbolic link; confab never follows one "
					     "there: remove it"),
			    path);
		else
			*cause = xasprintf(_("cannot open '%s': %s"), path, strerror(errno));
		free(path);
		return -1;
	}
	free(path);
	while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			*cause = xasprintf(_("cannot lock the feedback outbox: %s"),
			    strerror(errno));
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
	/* TRANSLATORS: %s: why the Terms do not allow it now. */
	*cause = xasprintf(_("ratings are sent only under accepted Terms, so they wait in the "
			     "outbox: %s"),
	    why);
	free(why);
	return -1;
}

/* Should a failed attempt be tried again at once (within a sync run)? */
static bool
feedback_retryable(int posted, long status)
{
	return posted != 0 || status == 408 || status == 429 || status >= 500;
}

/*
 * What a response that is not 2xx means (caller frees): en, for last_error
 * (the store keeps English); else in the language of the screens.
 */
static char *
feedback_status_error(const char *url, long status, bool en)
{
	/* TRANSLATORS: the feedback_url, then the HTTP status. */
	return xasprintf(en ? "%s answered HTTP %ld" : _("%s answered HTTP %ld"), url, status);
}

/* Why a post failed, from its result (caller frees): en, as the store keeps it. */
static char *
feedback_post_error(const char *url, const struct http_result *res, bool en)
{
	const char *e = en ? res->error_en : res->error;

	if (en)
		return xasprintf("cannot post to %s: %s", url, e != NULL ? e : "no response");
	return xasprintf(_("cannot post to %s: %s"), url, e != NULL ? e : _("no response"));
}

/* Try one item up to o->tries times; 1 delivered, 0 failed, -1 store error. */
static int
feedback_deliver(struct store *st, const char *url, const struct store_outbox_item *it,
    const struct feedback_sync_opts *o, struct feedback_sync_report *rep, char **cause)
{
	char *hkey = xasprintf("Idempotency-Key: %s", it->key), *err = NULL, *err_en = NULL;
	const char *hdrs[] = { "Content-Type: application/json", "Accept: application/json", hkey,
		NULL };
	struct http_result res;
	int try, posted, r = -1;
	long status;

	for (try = 1;; try++) {
		if (store_feedback_outbox_attempt(st, it->id,
			backoff_next(&backoff_outbox, it->attempts + try), cause) != 0)
			break;
		posted = http_post(url, it->payload, strlen(it->payload), hdrs, o->timeout_s, &res,
		    &err);
		status = res.status;
		if (posted == 0 && status >= 200 && status < 300) {
			http_result_release(&res);
			r = store_feedback_outbox_delivered(st, it->id, cause) == 0 ? 1 : -1;
			break;
		}
		if (posted == 0) {
			err = feedback_status_error(url, status, false);
			err_en = feedback_status_error(url, status, true);
		} else
			err_en = feedback_post_error(url, &res, true);
		http_result_release(&res);
		if (try >= o->tries || !feedback_retryable(posted, status)) {
			r = store_feedback_outbox_failed(st, it->id, err_en,
				backoff_next(&backoff_outbox, it->attempts + try), cause) == 0 ?
			    0 :
			    -1;
			free(rep->last_error);
			free(rep->shown_error);
			rep->last_error = err_en;
			rep->shown_error = err;
			err = err_en = NULL;
			break;
		}
		free(err);
		free(err_en);
		err = err_en = NULL;
		feedback_sleep_ms(FEEDBACK_RUN_BACKOFF_MS << (try - 1));
	}
	free(err);
	free(err_en);
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

	while ((r = store_feedback_outbox_next(st, after, !o->all, feedback_id, &it, cause)) == 1) {
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
feedback_sync(struct app *app, const struct feedback_sync_opts *o, struct feedback_sync_report *rep,
    char **cause)
{
	const char *url = config_get(&app->cfg, CONFIG_FEEDBACK_URL);
	int64_t feedback_id = 0, due;
	struct store *st;
	int fd, r;

	memset(rep, 0, sizeof *rep);
	if ((st = app_store(app, cause)) == NULL ||
	    store_feedback_outbox_count(st, &rep->pending, &due, cause) != 0)
		return -1;
	if (url == NULL && rep->pending > 0) {
		/* TRANSLATORS: how many ratings, then the config file's path. */
		*cause =
		    xasprintf(P_("%lld rating waits for delivery, but no feedback_url is set; "
				 "set it in '%s' or with CONFAB_FEEDBACK_URL",
				  "%lld ratings wait for delivery, but no feedback_url is set; "
				  "set it in '%s' or with CONFAB_FEEDBACK_URL",
				  rep->pending),
			(long long)rep->pending, app->cfg.config_path);
		return -1;
	}
	if (url == NULL || rep->pending == 0)
		return 0;
	if (feedback_consent_ok(app, cause) != 0) {
		rep->refused = true;
		return -1;
	}
	if (o->message_id > 0 &&
	    store_feedback_each(st, o->message_id, feedback_row_cb, &feedback_id, cause) != 0)
		return -1;
	if ((fd = feedback_lock(app, o->lock_wait_ms, cause)) == -1)
		return -1;
	if (fd == -2) {
		rep->busy = true;
		return 0;
	}
	r = feedback_sync_items(st, url, o, feedback_id, rep, cause);
	close(fd);
	if (r != 0 || store_feedback_outbox_count(st, &rep->pending, &due, cause) != 0)
		return -1;
	return 0;
}

void
feedback_sync_report_release(struct feedback_sync_report *rep)
{
	free(rep->last_error);
	free(rep->shown_error);
	memset(rep, 0, sizeof *rep);
}

/* ---- the background pump ------------------------------------------------------ */

/* ---- the background pump ------------------------------------------------------ */

/* One per struct app while an interactive mode runs (app->pump). */
struct feedback_pump {
	struct app *app;
	struct loop *loop;
	int timer;		 /* -1: none */
	struct http_transfer *t; /* the transfer in flight, or NULL */
	int64_t item;		 /* its outbox item */
	int64_t attempts;	 /* the item's attempts, this one included */
	int lock;		 /* the delivery lock while in flight, or -1 */
};

static void feedback_pump_tick(void *arg);

/* Let go of the delivery lock. */
static void
feedback_pump_unlock(struct feedback_pump *p)
{
	if (p->lock >= 0)
		close(p->lock);
	p->lock = -1;
}

/* A background delivery ended: mark the item, let go of the lock, go on. */
static void
feedback_pump_done(const struct http_result *res, void *arg)
{
	struct feedback_pump *p = arg;
	struct store *st = p->app->store;
	const char *url = config_get(&p->app->cfg, CONFIG_FEEDBACK_URL);
	char *cause = NULL, *err;
	bool ok = res->outcome == HTTP_OK;

	p->t = NULL;
	if (st != NULL && ok)
		store_feedback_outbox_delivered(st, p->item, &cause);
	else if (st != NULL && res->outcome != HTTP_CANCELLED) {
		err = res->outcome == HTTP_STATUS ? feedback_status_error(url, res->status, true) :
						    feedback_post_error(url, res, true);
		store_feedback_outbox_failed(st, p->item, err,
		    backoff_next(&backoff_outbox, p->attempts), &cause);
		free(err);
	}
	free(cause);
	feedback_pump_unlock(p);
	if (ok)
		feedback_pump_tick(p);
}

/* Start the next due item's delivery, unless one is in flight. */
static void
feedback_pump_send(struct feedback_pump *p, struct store *st, const char *url,
    const struct store_outbox_item *it)
{
	char *hkey = xasprintf("Idempotency-Key: %s", it->key), *cause = NULL;
	const char *hdrs[] = { "Content-Type: application/json", "Accept: application/json", hkey,
		NULL };
	struct http_request req = {
		.url = url,
		.body = it->payload,
		.body_len = strlen(it->payload),
		.headers = hdrs,
		.connect_timeout_s = 5,
		.total_timeout_s = FEEDBACK_PUMP_TIMEOUT_S,
		.max_body = (size_t)64 << 10,
		.on_done = feedback_pump_done,
		.arg = p,
	};

	p->item = it->id;
	p->attempts = it->attempts + 1;
	if (store_feedback_outbox_attempt(st, it->id,
		backoff_next(&backoff_outbox, it->attempts + 1), &cause) == 0)
		p->t = http_start(loop_http(p->loop), &req);
	free(cause);
	free(hkey);
}

/* Timer: look for a due item and start it; never waits for anything. */
static void
feedback_pump_tick(void *arg)
{
	struct feedback_pump *p = arg;
	const char *url = config_get(&p->app->cfg, CONFIG_FEEDBACK_URL);
	struct store_outbox_item it;
	int64_t pending, due;
	struct store *st;
	char *cause = NULL;

	if (url == NULL || p->t != NULL)
		return;
	if ((st = app_store(p->app, &cause)) == NULL ||
	    store_feedback_outbox_count(st, &pending, &due, &cause) != 0 || due == 0 ||
	    feedback_consent_ok(p->app, &cause) != 0 ||
	    (p->lock = feedback_lock(p->app, 0, &cause)) < 0) {
		p->lock = -1;
		free(cause);
		return;
	}
	if (store_feedback_outbox_next(st, 0, true, 0, &it, &cause) == 1)
		feedback_pump_send(p, st, url, &it);
	store_outbox_item_release(&it);
	free(cause);
	if (p->t == NULL)
		feedback_pump_unlock(p);
}

void
feedback_outbox_start(struct app *app, struct loop *loop)
{
	struct feedback_pump *p = app->pump;

	if (config_get(&app->cfg, CONFIG_FEEDBACK_URL) == NULL)
		return;
	if (p != NULL && p->loop != loop)
		BUG("feedback_outbox_start: the pump already runs on another loop");
	if (p == NULL) {
		p = app->pump = xcalloc(1, sizeof *p);
		p->app = app;
		p->loop = loop;
		p->lock = -1;
		p->timer = loop_add_timer(loop, FEEDBACK_PUMP_TICK_MS, feedback_pump_tick, p);
	}
	feedback_pump_tick(p);
}

void
feedback_outbox_stop(struct app *app)
{
	struct feedback_pump *p = app->pump;

	if (p == NULL)
		return;
	loop_remove_timer(p->loop, p->timer);
	if (p->t != NULL)
		http_abandon(p->t);
	feedback_pump_unlock(p);
	free(p);
	app->pump = NULL;
}
