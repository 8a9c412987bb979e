/* cmd-feedback.c: confab feedback up|down|clear [ID|last], list, export, sync */
#include "common.h"
#include "caps.h"

#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "app.h"
#include "cmd.h"
#include "feedback.h"
#include "json.h"
#include "text.h"
#include "tty.h"

#define FEEDBACK_SYNC_TRIES 3
#define FEEDBACK_COMMENT_COLS 40

static const char *
feedback_cmd_rating_name(int rating)
{
	return rating > 0 ? "up" : rating < 0 ? "down" : "cleared";
}

static void
feedback_cmd_print_json(struct cJSON *o)
{
	char *s = json_print(o, false);

	puts(s);
	free(s);
	json_free(o);
}

/* Print text (paragraphs, "- " items) word-wrapped to width. */
static void
feedback_cmd_print_text(FILE *f, const char *text, int width)
{
	const char *p = text, *e;
	char *line;

	while (*p != '\0') {
		e = strchr(p, '\n');
		line = e != NULL ? xstrndup(p, (size_t)(e - p)) : xstrdup(p);
		if (*line == '\0')
			fputc('\n', f);
		else
			tty_wrap(f, line, width, strncmp(line, "- ", 2) == 0 ? 2 : 0);
		free(line);
		p = e != NULL ? e + 1 : p + strlen(p);
	}
}

/* ---- the notice --------------------------------------------------------------- */

/* Ask on the terminal; EXIT_OK when confirmed (and recorded), EXIT_CONSENT otherwise. */
static int
feedback_cmd_ask(struct app *app, struct tty *tty, const char *text)
{
	char *a, *method, *cause = NULL;
	int rows, cols;
	bool yes;

	tty_size(tty, &rows, &cols);
	fputc('\n', tty->out);
	feedback_cmd_print_text(tty->out, text, cols > 100 ? 100 : cols - 1);
	fputc('\n', tty->out);
	a = tty_ask(tty, feedback_notice_question);
	yes = a != NULL && strcasecmp(a, "yes") == 0;
	method = a == NULL ? xstrdup("end of input (terminal)") :
			     xasprintf("typed '%.40s' (terminal)", a);
	free(a);
	if (feedback_notice_record(app, yes, method, &cause) != 0) {
		app_error(_("your answer could not be recorded, so nothing was stored: %s"), cause);
		free(cause);
		free(method);
		return EXIT_USAGE;
	}
	free(method);
	if (yes)
		return EXIT_OK;
	fprintf(tty->out, "%s",
	    _("Declined and recorded. Nothing was stored; you are asked again the "
	      "next time you rate an answer.\n"));
	return EXIT_CONSENT;
}

/*
 * The first rating: confirm the notice with --yes, or on a terminal, or
 * explain and refuse. EXIT_OK when confirmed, else an exit code.
 */
static int
feedback_cmd_notice(struct app *app)
{
	char *text = feedback_notice_text(app), *cause = NULL;
	struct tty tty;
	int r = EXIT_OK;

	if (app->yes) {
		if (feedback_notice_record(app, true, "flag --yes", &cause) != 0) {
			app_error(_("the confirmation could not be recorded, so nothing was "
				    "stored: %s"),
			    cause);
			r = EXIT_USAGE;
		} else if (!app->quiet)
			/* TRANSLATORS: %s is the notice in one clause. */
			app_note(_("confab: feedback notice confirmed with --yes (recorded "
				   "in the consent ledger): %s\n"),
			    feedback_notice_gist);
	} else if (isatty(STDIN_FILENO) && tty_open(&tty, &cause) == 0) {
		r = feedback_cmd_ask(app, &tty, text);
		tty_close(&tty);
	} else {
		fflush(stdout);
		feedback_cmd_print_text(stderr, text, 78);
		app_error("%s",
		    _("to rate, confirm the notice above: run again with --yes, or on a "
		      "terminal to be asked; nothing was stored"));
		r = EXIT_CONSENT;
	}
	free(cause);
	free(text);
	return r;
}

/* ---- up, down, clear --------------------------------------------------------------- */

/*
 * Try to deliver the new rating at once, briefly; never fails the command.
 * *error: why not, in English for --json (as the store keeps it), else for people.
 */
static void
feedback_cmd_quick(struct app *app, int64_t id, const char **delivery, char **error)
{
	struct feedback_sync_opts o = {
		.message_id = id,
		.all = true,
		.timeout_s = FEEDBACK_QUICK_TIMEOUT_S,
		.tries = 1,
		.lock_wait_ms = FEEDBACK_QUICK_TIMEOUT_S * 1000,
	};
	struct feedback_sync_report rep;
	char *cause = NULL;

	*delivery = "pending";
	if (feedback_sync(app, &o, &rep, &cause) != 0)
		*error = cause;
	else if (rep.delivered > 0)
		*delivery = "delivered";
	else if (rep.busy)
		*error = xstrdup(app->json ? "another confab is delivering feedback right now" :
					     _("another confab is delivering feedback right now"));
	else if (rep.last_error != NULL)
		*error = xstrdup(app->json ? rep.last_error : rep.shown_error);
	feedback_sync_report_release(&rep);
}

/* Say what happened, as text or JSON. */
static void
feedback_cmd_report(struct app *app, int rating, const struct feedback_outcome *out,
    const char *delivery, const char *error)
{
	const char *url = config_get(&app->cfg, CONFIG_FEEDBACK_URL);
	long long id = (long long)out->message_id;
	struct cJSON *o;

	if (app->json) {
		o = json_object();
		json_add_num(o, "message_id", (double)out->message_id);
		json_add_str(o, "rating", feedback_cmd_rating_name(rating));
		if (out->existed)
			json_add_str(o, "previous", feedback_cmd_rating_name(out->previous));
		else
			json_add_null(o, "previous");
		json_add_bool(o, "changed", out->changed);
		json_add_str(o, "delivery", delivery);
		if (error != NULL)
			json_add_str(o, "error", error);
		feedback_cmd_print_json(o);
		return;
	}
	if (app->quiet)
		return;
	if (error != NULL)
		app_error("%s", error);
	if (!out->changed)
		printf(_("Answer %lld has no rating; nothing to clear.\n"), id);
	else if (rating == 0)
		printf(_("Cleared the rating of answer %lld.\n"), id);
	else if (out->existed && out->previous != 0 && out->previous != rating)
		printf(rating > 0 ? _("Changed answer %lld from thumbs down to thumbs up.\n") :
				    _("Changed answer %lld from thumbs up to thumbs down.\n"),
		    id);
	else
		printf(rating > 0 ? _("Rated answer %lld thumbs up.\n") :
				    _("Rated answer %lld thumbs down.\n"),
		    id);
	if (!out->changed || (rating == 0 && !out->queued))
		return;
	if (strcmp(delivery, "delivered") == 0)
		/* TRANSLATORS: %s is the feedback_url. */
		printf(_("Sent to %s.\n"), url);
	else if (strcmp(delivery, "pending") == 0)
		/* TRANSLATORS: %s is the feedback_url. */
		printf(_("Kept, and queued for %s; confab retries later, or now with 'confab "
			 "feedback sync'.\n"),
		    url);
	else
		fputs(_("Kept on this machine only: no feedback_url is set.\n"), stdout);
}

static int
feedback_cmd_rate(struct app *app, int rating, int argc, char **argv)
{
	struct feedback_rating fr = { rating, app->reason, app->comment };
	struct feedback_outcome out;
	const char *delivery = "local";
	char *cause = NULL, *error = NULL;
	int64_t id;
	int r;

	if (argc > 1) {
		app_error(_("'feedback %s' takes one answer id or 'last', not '%s'"), argv[-1],
		    argv[1]);
		return EXIT_USAGE;
	}
	if ((id = feedback_resolve(app, argc > 0 ? argv[0] : NULL, &cause)) < 0) {
		app_error("%s", cause);
		free(cause);
		return EXIT_USAGE;
	}
	r = feedback_rate(app, id, &fr, &out, &cause);
	if (r != 0 && out.unconfirmed) {
		free(cause);
		cause = NULL;
		if ((r = feedback_cmd_notice(app)) != EXIT_OK)
			return r;
		r = feedback_rate(app, id, &fr, &out, &cause);
	}
	if (r != 0) {
		app_error("%s", cause);
		free(cause);
		return out.unconfirmed ? EXIT_CONSENT : EXIT_USAGE;
	}
	if (out.dropped > 0 && !app->quiet)
		app_error(P_("%zu control character was removed from the comment",
			      "%zu control characters were removed from the comment", out.dropped),
		    out.dropped);
	if (out.queued)
		feedback_cmd_quick(app, id, &delivery, &error);
	feedback_cmd_report(app, rating, &out, delivery, error);
	free(error);
	return EXIT_OK;
}

/* ---- list and export ----------------------------------------------------------- */

/* A feedback row as JSON. */
static struct cJSON *
feedback_cmd_json(const struct store_feedback *f)
{
	struct cJSON *o = json_object();

	json_add(o, "reasons", feedback_reasons_json(f->reasons));
#define STR(k, v) json_add_str_or_null(o, k, v)
	json_add_num(o, "message_id", (double)f->message_id);
	json_add_num(o, "conversation_id", (double)f->conversation_id);
	json_add_str(o, "rating", feedback_cmd_rating_name(f->rating));
	STR("comment", f->comment);
	STR("model", f->model);
	STR("created", f->created);
	STR("updated", f->updated);
	STR("delivery", f->delivery);
	STR("delivered_at", f->delivered);
	json_add_num(o, "attempts", (double)f->attempts);
	STR("last_error", f->last_error);
#undef STR
	return o;
}

/* s made safe for a terminal cell: controls visible, newlines as spaces, at most cols wide. */
static char *
feedback_cmd_cell(const char *s, int cols)
{
	struct buf out;
	size_t i = 0, n, len;
	unsigned int cp;
	int w = 0, cw;
	char *b = text_clean_str(s, s != NULL ? strlen(s) : 0, TEXT_VISIBLE, TEXT_CLEAN_ONELINE,
	    &len);

	buf_init(&out, 0);
	while (i < len) {
		n = text_cluster(b + i, len - i, &cw, &cp); /* never half a cluster */
		if (w + cw > cols - 1 && i + n < len) {
			buf_adds(&out, "\xe2\x80\xa6");
			break;
		}
		buf_add(&out, b + i, n);
		w += cw;
		i += n;
	}
	free(b);
	return buf_detach(&out, NULL);
}

/* A heading padded to cols columns (display width), and the space between columns. */
static void
feedback_cmd_pad(const char *s, int cols)
{
	int w = text_width(s, strlen(s));

	printf("%s%*s ", s, w < cols ? cols - w : 0, "");
}

struct feedback_cmd_list {
	struct cJSON *arr; /* --json */
	int n;
};

/* One row of the table, or of the --json array. */
static int
feedback_cmd_list_cb(const struct store_feedback *f, void *arg)
{
	struct feedback_cmd_list *l = arg;
	char *model, *reasons, *comment, when[32];
	const char *rating;

	if (l->arr != NULL) {
		json_push(l->arr, feedback_cmd_json(f));
		return 0;
	}
	if (l->n++ == 0) {
		/* TRANSLATORS: the headings of 'feedback list': each at most its column's width. */
		feedback_cmd_pad(_("answer"), 7);
		feedback_cmd_pad(_("rating"), 7);
		feedback_cmd_pad(_("updated"), 20);
		feedback_cmd_pad(_("delivery"), 9);
		feedback_cmd_pad(_("model"), 16);
		feedback_cmd_pad(_("reasons"), 18);
		printf("%s\n", _("comment"));
	}
	snprintf(when, sizeof when, "%.10s %.5s UTC", f->updated, f->updated + 11);
	model = feedback_cmd_cell(f->model, 16);
	reasons = feedback_cmd_cell(f->reasons, 18);
	comment = feedback_cmd_cell(f->comment, FEEDBACK_COMMENT_COLS);
	/* TRANSLATORS: the rating column of 'feedback list' (at most 7 columns). */
	rating = f->rating > 0 ? _("up") : f->rating < 0 ? _("down") : _("cleared");
	printf("%-7lld %s%*s %-20s %-9s %s%*s %s%*s %s\n", (long long)f->message_id, rating,
	    7 - text_width(rating, strlen(rating)), "", when, f->delivery, model,
	    16 - text_width(model, strlen(model)), "", reasons,
	    18 - text_width(reasons, strlen(reasons)), "", comment);
	free(model);
	free(reasons);
	free(comment);
	return 0;
}

/* Where ratings go, and what waits, after the table. */
static void
feedback_cmd_list_footer(struct app *app)
{
	const char *url = config_get(&app->cfg, CONFIG_FEEDBACK_URL);
	int64_t pending = 0, due = 0;
	char *cause = NULL;

	if (url == NULL) {
		fputs(_("\nRatings stay on this machine: no feedback_url is set.\n"), stdout);
		return;
	}
	if (store_feedback_outbox_count(app->store, &pending, &due, &cause) != 0) {
		free(cause);
		return;
	}
	if (pending > 0)
		/* TRANSLATORS: how many, then the feedback_url. */
		printf(P_("\n%lld rating waits for delivery to %s; 'confab feedback sync' sends "
			  "it now.\n",
			   "\n%lld ratings wait for delivery to %s; 'confab feedback sync' sends "
			   "them now.\n",
			   pending),
		    (long long)pending, url);
	else
		/* TRANSLATORS: %s is the feedback_url. */
		printf(_("\nRatings go to %s; none is waiting.\n"), url);
}

/* confab feedback list [--json] */
static int
feedback_cmd_list(struct app *app)
{
	struct feedback_cmd_list l = { app->json ? json_array() : NULL, 0 };
	char *cause = NULL;
	struct store *st;

	if ((st = app_store(app, &cause)) == NULL ||
	    store_feedback_each(st, 0, feedback_cmd_list_cb, &l, &cause) != 0) {
		json_free(l.arr);
		app_error("%s", cause);
		free(cause);
		return EXIT_USAGE;
	}
	if (l.arr != NULL)
		feedback_cmd_print_json(l.arr);
	else if (l.n == 0)
		fputs(_("No ratings yet. Rate the newest answer with 'confab feedback up' or "
			"'confab feedback down'.\n"),
		    stdout);
	if (l.arr == NULL)
		feedback_cmd_list_footer(app);
	return EXIT_OK;
}

/* One CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF. */
static void
feedback_cmd_csv_field(struct buf *b, const char *s, bool last)
{
	size_t i, len;
	char *clean = text_clean_str(s, s != NULL ? strlen(s) : 0, TEXT_DROP, 0, &len);

	if (strpbrk(clean, ",\"\r\n") == NULL)
		buf_add(b, clean, len);
	else {
		buf_addc(b, '"');
		for (i = 0; i < len; i++) {
			if (clean[i] == '"')
				buf_addc(b, '"');
			buf_addc(b, clean[i]);
		}
		buf_addc(b, '"');
	}
	buf_adds(b, last ? "\r\n" : ",");
	free(clean);
}

/* One row as a JSON line or a CSV record. */
static int
feedback_cmd_export_cb(const struct store_feedback *f, void *arg)
{
	bool csv = *(bool *)arg;
	char num[3][32];
	struct buf b;

	if (!csv) {
		feedback_cmd_print_json(feedback_cmd_json(f));
		return 0;
	}
	snprintf(num[0], sizeof num[0], "%lld", (long long)f->message_id);
	snprintf(num[1], sizeof num[1], "%lld", (long long)f->conversation_id);
	snprintf(num[2], sizeof num[2], "%lld", (long long)f->attempts);
	buf_init(&b, 0);
	feedback_cmd_csv_field(&b, num[0], false);
	feedback_cmd_csv_field(&b, num[1], false);
	feedback_cmd_csv_field(&b, feedback_cmd_rating_name(f->rating), false);
	feedback_cmd_csv_field(&b, f->reasons, false);
	feedback_cmd_csv_field(&b, f->comment, false);
	feedback_cmd_csv_field(&b, f->model, false);
	feedback_cmd_csv_field(&b, f->created, false);
	feedback_cmd_csv_field(&b, f->updated, false);
	feedback_cmd_csv_field(&b, f->delivery, false);
	feedback_cmd_csv_field(&b, f->delivered, false);
	feedback_cmd_csv_field(&b, num[2], false);
	feedback_cmd_csv_field(&b, f->last_error, true);
	fwrite(b.data, 1, b.len, stdout);
	buf_release(&b);
	return 0;
}

/*
 * confab feedback export [--format jsonl|csv [--bom]]: every row, oldest
 * first, exact text. --bom puts a UTF-8 byte-order mark before the CSV, for
 * spreadsheets that take text without one for the local code page.
 */
static int
feedback_cmd_export(struct app *app)
{
	const char *format = app->format != NULL ? app->format : "jsonl";
	char *cause = NULL;
	struct store *st;
	bool csv;

	csv = strcmp(format, "csv") == 0;
	if (app->bom && !csv) {
		app_error(_("--bom is for CSV only; use it with --format csv, not --format %s"),
		    format);
		return EXIT_USAGE;
	}
	if (strcmp(format, "jsonl") != 0 && !csv) {
		app_error(_("unknown export format '%s'; use --format jsonl or --format csv"),
		    format);
		return EXIT_USAGE;
	}
	if ((st = app_store(app, &cause)) == NULL)
		goto fail;
	if (csv && app->bom)
		fputs("\xef\xbb\xbf", stdout);
	if (csv)
		fputs("message_id,conversation_id,rating,reasons,comment,model,created,updated,"
		      "delivery,delivered_at,attempts,last_error\r\n",
		    stdout);
	if (store_feedback_each(st, 0, feedback_cmd_export_cb, &csv, &cause) != 0)
		goto fail;
	return EXIT_OK;
fail:
	app_error("%s", cause);
	free(cause);
	return EXIT_USAGE;
}

/* ---- sync -------------------------------------------------------------------- */

static int
feedback_cmd_sync_json(const struct feedback_sync_report *rep, int r)
{
	struct cJSON *o = json_object();

	json_add_num(o, "delivered", rep->delivered);
	json_add_num(o, "failed", rep->failed);
	json_add_num(o, "skipped", rep->skipped);
	json_add_num(o, "pending", (double)rep->pending);
	json_add_bool(o, "busy", rep->busy);
	if (rep->last_error != NULL)
		json_add_str(o, "last_error", rep->last_error);
	else
		json_add_null(o, "last_error");
	feedback_cmd_print_json(o);
	return r;
}

/* confab feedback sync: deliver now; exit 5 when nothing could be delivered. */
static int
feedback_cmd_sync(struct app *app)
{
	const char *url = config_get(&app->cfg, CONFIG_FEEDBACK_URL);
	long timeout = strtol(config_get(&app->cfg, CONFIG_TIMEOUT), NULL, 10);
	struct feedback_sync_opts o = {
		.all = true,
		.timeout_s = timeout < FEEDBACK_SYNC_TIMEOUT_MAX_S ? timeout :
								     FEEDBACK_SYNC_TIMEOUT_MAX_S,
		.tries = FEEDBACK_SYNC_TRIES,
		.lock_wait_ms = FEEDBACK_SYNC_LOCK_WAIT_MS,
	};
	struct feedback_sync_report rep;
	char *cause = NULL;
	long long p;
	int r;

	if (feedback_sync(app, &o, &rep, &cause) != 0) {
		app_error("%s", cause);
		free(cause);
		r = rep.refused ? EXIT_CONSENT : EXIT_USAGE;
		feedback_sync_report_release(&rep);
		return r;
	}
	r = EXIT_OK;
	p = (long long)rep.pending;
	if (rep.busy || (rep.failed > 0 && rep.delivered == 0))
		r = EXIT_NETWORK;
	if (rep.shown_error != NULL)
		app_error("%s", rep.shown_error);
	if (app->json) {
		r = feedback_cmd_sync_json(&rep, r);
		feedback_sync_report_release(&rep);
		return r;
	}
	if (url == NULL)
		fputs(_("No feedback_url is set: ratings stay on this machine; nothing to "
			"deliver.\n"),
		    stdout);
	else if (rep.busy)
		printf(_("Another confab is delivering feedback right now; %lld pending.\n"), p);
	else if (rep.delivered + rep.failed == 0 && p == 0)
		/* TRANSLATORS: %s is the feedback_url. */
		printf(_("Nothing to deliver: every rating queued for %s has been delivered.\n"),
		    url);
	else {
		if (rep.skipped > 0)
			/* TRANSLATORS: ratings delivered, failed, still pending, not tried. */
			printf(
			    _("Delivered %d, failed %d, still pending %lld (%d not tried after the "
			      "failure).\n"),
			    rep.delivered, rep.failed, p, rep.skipped);
		else
			/* TRANSLATORS: ratings delivered, failed, still pending. */
			printf(_("Delivered %d, failed %d, still pending %lld.\n"), rep.delivered,
			    rep.failed, p);
		if (p > 0)
			fputs(_("Pending ratings are kept and retried, or sent now with 'confab "
				"feedback sync'.\n"),
			    stdout);
	}
	feedback_sync_report_release(&rep);
	return r;
}

/* ---- dispatch ------------------------------------------------------------ */

int
cmd_feedback(struct app *app, int argc, char **argv)
{
	const char *sub = argc > 0 ? argv[0] : NULL;

	if (sub == NULL) {
		app_error("%s",
		    _("'confab feedback' needs a command: up, down, clear, list, export "
		      "or sync; see 'confab --help'"));
		return EXIT_USAGE;
	}
	if (strcmp(sub, "up") == 0 || strcmp(sub, "down") == 0 || strcmp(sub, "clear") == 0)
		return feedback_cmd_rate(app,
		    sub[0] == 'u'     ? 1 :
			sub[0] == 'd' ? -1 :
					0,
		    argc - 1, argv + 1);
	if (strcmp(sub, "list") != 0 && strcmp(sub, "export") != 0 && strcmp(sub, "sync") != 0) {
		app_error(_("unknown command 'feedback %s'; the feedback commands are up, down, "
			    "clear, list, export and sync"),
		    sub);
		return EXIT_USAGE;
	}
	if (argc > 1) {
		app_error(_("'feedback %s' takes no argument '%s'"), sub, argv[1]);
		return EXIT_USAGE;
	}
	if (strcmp(sub, "list") == 0)
		return feedback_cmd_list(app);
	if (strcmp(sub, "export") == 0)
		return feedback_cmd_export(app);
	return feedback_cmd_sync(app);
}
