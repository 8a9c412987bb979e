/* session-rate.c: rating answers, after the Terms IV notice is confirmed. */
#include "common.h"

#include "feedback.h"
#include "session.h"
#include "session-internal.h"

/* ---- ratings ------------------------------------------------------------------ */

void
session_rating_clear(struct session_rating *r)
{
	free(r->reasons);
	free(r->comment);
	memset(r, 0, sizeof *r);
}

/* The answer a rating names: message_id, or the last answer. 0 (after saying why) when none. */
static int64_t
session_answer(struct session *s, int64_t message_id)
{
	if (message_id > 0)
		return message_id;
	if (s->last_answer > 0)
		return s->last_answer;
	session_status(s,
	    s->last_unlogged ? _("this answer was not stored (--no-log), so it cannot be rated") :
			       _("there is no answer to rate yet"),
	    true);
	return 0;
}

/* Store the rating (the notice is confirmed). */
static void
session_rate_now(struct session *s, int64_t id, int rating, const char *reasons,
    const char *comment)
{
	struct feedback_rating fr = { rating, reasons, comment };
	struct feedback_outcome out;
	char *cause = NULL, *msg;
	const char *what;

	if (feedback_rate(s->app, id, &fr, &out, &cause) != 0) {
		session_status(s, cause, true);
		free(cause);
		return;
	}
	what = rating == 0 ? _("rating cleared") : rating > 0 ? _("rated up") : _("rated down");
	/* TRANSLATORS: %s is what was done (rated up, rated down, rating cleared) */
	msg = xasprintf(out.queued ? _("%s; it will be sent to the feedback collector") :
				     _("%s; kept on this machine"),
	    what);
	session_status(s, msg, false);
	free(msg);
	if (s->v.rated != NULL)
		s->v.rated(s->v.arg, id, rating);
	feedback_outbox_start(s->app, s->loop);
	if (rating < 0 && reasons == NULL && comment == NULL && s->v.why != NULL)
		s->v.why(s->v.arg, id);
}

void
session_rate(struct session *s, int64_t message_id, int rating, const char *reasons,
    const char *comment)
{
	enum feedback_notice notice;
	char *cause = NULL;
	int64_t id = session_answer(s, message_id);

	if (id <= 0)
		return;
	if (feedback_notice_state(s->app, &notice, &cause) != 0) {
		session_status(s, cause, true);
		free(cause);
		return;
	}
	if (notice != FEEDBACK_NOTICE_CONFIRMED) {
		char *text = feedback_notice_text(s->app);

		session_rating_clear(&s->rate);
		s->rate = (struct session_rating){ true, id, rating, xstrdup_or_null(reasons),
			xstrdup_or_null(comment) };
		s->v.notice(s->v.arg, text);
		free(text);
		return;
	}
	session_rate_now(s, id, rating, reasons, comment);
}

void
session_thumb(struct session *s, int64_t message_id, int rating)
{
	int64_t id = session_answer(s, message_id);
	char *cause = NULL;
	int now = 0;

	if (id <= 0)
		return;
	if (feedback_get(s->app, id, &now, &cause) < 0) {
		session_status(s, cause, true);
		free(cause);
		return;
	}
	session_rate(s, id, now == rating ? 0 : rating, NULL, NULL);
}

void
session_notice_answer(struct session *s, bool confirmed, const char *how)
{
	struct session_rating r = s->rate;
	char *cause = NULL;

	memset(&s->rate, 0, sizeof s->rate);
	if (feedback_notice_record(s->app, confirmed, how, &cause) != 0) {
		session_sayf(s, true,
		    _("your answer could not be recorded, so nothing was stored: %s"), cause);
		free(cause);
	} else if (!confirmed)
		session_status(s,
		    _("feedback declined: nothing was stored (asked again next time)"), false);
	else if (r.waiting)
		session_rate_now(s, r.id, r.rating, r.reasons, r.comment);
	session_rating_clear(&r);
}
