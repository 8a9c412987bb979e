/* models.c: the endpoint's model list, fetched through the event loop and kept. */
#include "common.h"

#include "models.h"

#include "api.h"
#include "config.h"
#include "http.h"
#include "loop.h"

/* One GET: outlives a cancel (its on_done still runs), so it owns itself. */
struct models_fetch {
	struct models *m; /* NULL once cancelled */
	struct http_transfer *t;
};

struct models {
	struct loop *loop;
	char *base; /* the endpoint the list (or the fetch) is of */
	char **ids;
	size_t n;
	bool have;		/* ids is base's list */
	struct models_fetch *f; /* the fetch under way, or NULL */
	models_done_fn done;
	void *arg;
};

struct models *
models_new(struct loop *loop)
{
	struct models *m = xcalloc(1, sizeof *m);

	m->loop = loop;
	return m;
}

void
models_forget(struct models *m)
{
	if (m->f != NULL) {
		m->f->m = NULL; /* its on_done frees it and does nothing else */
		http_cancel(m->f->t);
		m->f = NULL;
	}
	m->done = NULL;
	api_models_free(m->ids, m->n);
	m->ids = NULL;
	m->n = 0;
	m->have = false;
	free(m->base);
	m->base = NULL;
}

void
models_free(struct models *m)
{
	if (m == NULL)
		return;
	models_forget(m);
	free(m);
}

/* What went wrong with the answer, allocated. */
static char *
models_error(const struct models *m, const struct http_result *res)
{
	char *url = config_url_public(m->base), *e;
	struct api_error ae;

	if (res->outcome != HTTP_STATUS)
		/* TRANSLATORS: %1$s is an endpoint's URL, %2$s what went wrong. */
		e = xasprintf(_("listing the models of %s failed: %s"), url,
		    res->error != NULL ? res->error : _("no answer"));
	else if (api_error_parse(res->body.data, res->body.len, &ae) == 0) {
		/* TRANSLATORS: a URL, an HTTP status and the server's message. */
		e = xasprintf(_("listing the models of %s failed (HTTP %ld): %s"), url, res->status,
		    ae.message);
		api_error_release(&ae);
	} else
		e = xasprintf(_("listing the models of %s failed (HTTP %ld)"), url, res->status);
	free(url);
	return e;
}

static void
models_on_done(const struct http_result *res, void *arg)
{
	struct models_fetch *f = arg;
	struct models *m = f->m;
	models_done_fn done;
	char *error = NULL, *cause = NULL;

	free(f);
	if (m == NULL)
		return;
	done = m->done;
	m->f = NULL;
	m->done = NULL;
	if (res->outcome != HTTP_OK)
		error = models_error(m, res);
	else if (api_models_parse(res->body.data, res->body.len, &m->ids, &m->n, &cause) != 0) {
		/* TRANSLATORS: %1$s is a URL, %2$s what is wrong with the list. */
		error = xasprintf(_("the model list from %s cannot be read: %s"), m->base, cause);
		free(cause);
	} else
		m->have = true;
	if (done != NULL)
		done(error, m->arg);
	free(error);
}

void
models_fetch(struct models *m, const char *base, const char *auth, long timeout_s,
    models_done_fn done, void *arg)
{
	const char *hdrs[2] = { auth, NULL };
	struct http_request req = { 0 };
	char *url;

	if (m->base != NULL && strcmp(m->base, base) == 0 && (m->have || m->f != NULL)) {
		if (m->have) {
			if (done != NULL)
				done(NULL, arg);
			return;
		}
		m->done = done;
		m->arg = arg;
		return;
	}
	models_forget(m);
	m->base = xstrdup(base);
	m->done = done;
	m->arg = arg;
	url = config_url(base, "models");
	req.url = url;
	req.headers = hdrs;
	req.total_timeout_s = timeout_s;
	req.max_retries = 1;
	req.max_body = (size_t)4 << 20;
	req.on_done = models_on_done;
	m->f = xcalloc(1, sizeof *m->f);
	m->f->m = m;
	req.arg = m->f;
	m->f->t = http_start(loop_http(m->loop), &req);
	free(url);
}

char **
models_list(const struct models *m, const char *base, size_t *n)
{
	*n = 0;
	if (!m->have || m->base == NULL || strcmp(m->base, base) != 0)
		return NULL;
	*n = m->n;
	return m->ids;
}

bool
models_fetching(const struct models *m, const char *base)
{
	return m->f != NULL && m->base != NULL && strcmp(m->base, base) == 0;
}
