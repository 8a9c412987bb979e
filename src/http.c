/* http.c: libcurl multi interface: transfers, retries with backoff, stall time-out, cancel. */
#include "common.h"
#include "caps.h"

#include <ctype.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "backoff.h"
#include "clock.h"
#include "config.h"
#include "curl-load.h"
#include "http.h"

struct http {
	CURLM *multi;
	struct http_transfer *list;
};

/* http_configure()'s settings, for every transfer. */
static struct {
	char *ca_file;
	char *ca_origin;
	char *proxy;
	char *proxy_origin;
} http_opts;

struct http_transfer {
	struct http *h;
	struct http_transfer *next;
	CURL *easy;
	struct curl_slist *hdrs;
	struct http_request req; /* strings point into the copies below */
	char *url;
	char *body;
	char *via_url;	  /* the proxy used, or NULL: direct */
	char *via_origin; /* where it was set: http_proxy, FILE:LINE */
	bool via_setting; /* set by the proxy setting, not the environment */
	struct http_result res;
	char errbuf[CURL_ERROR_SIZE];
	/* per attempt */
	bool decided; /* on_headers has been asked */
	bool streaming;
	bool too_big;
	bool stopped; /* on_data asked to stop */
	bool again;   /* on_data asked for a new attempt (HTTP_DATA_RETRY) */
	char *retry_after;
	char *retry_after_ms;
	char *should_retry;
	/* lifecycle */
	bool in_multi;
	bool cancelled;
	int64_t retry_at; /* monotonic ms when waiting to retry, else 0 */
	int64_t started;  /* monotonic ms of the first attempt */
	char *refused;	  /* why it ends before any request (a bad ca_file), or NULL */
	char *refused_en; /* the same, untranslated */
};

/* libcurl is loaded (and initialised) by the first transfer: see curl-load.h. */
void
http_global_init(void)
{
}

void
http_global_cleanup(void)
{
	http_configure(&(struct http_options){ 0 });
	curl_unload();
}

/* Replace a copied setting. */
static void
http_opt_set(char **dst, const char *value)
{
	free(*dst);
	*dst = xstrdup_or_null(value);
}

void
http_configure(const struct http_options *o)
{
	http_opt_set(&http_opts.ca_file, o->ca_file);
	http_opt_set(&http_opts.ca_origin, o->ca_origin);
	http_opt_set(&http_opts.proxy, o->proxy);
	http_opt_set(&http_opts.proxy_origin, o->proxy_origin);
}

/* No libcurl yet: the multi handle is made by the first transfer (http_multi). */
struct http *
http_new(void)
{
	return xcalloc(1, sizeof(struct http));
}

/* h's multi handle, loading libcurl first if this is the process's first transfer. */
static CURLM *
http_multi(struct http *h)
{
	if (h->multi == NULL) {
		curl_load();
		if ((h->multi = curl_fn.multi_init()) == NULL)
			fatal("%s", _("cannot create a libcurl multi handle"));
	}
	return h->multi;
}

/* Forget the per-attempt state before a new attempt. */
static void
http_attempt_reset(struct http_transfer *t)
{
	buf_reset(&t->res.body);
	free(t->res.content_type);
	free(t->res.etag);
	free(t->res.last_modified);
	free(t->res.location);
	free(t->retry_after);
	free(t->retry_after_ms);
	free(t->should_retry);
	t->res.content_type = t->res.etag = t->res.last_modified = t->res.location = NULL;
	t->retry_after = t->retry_after_ms = t->should_retry = NULL;
	t->res.status = 0;
	t->decided = t->streaming = t->too_big = t->stopped = t->again = false;
	t->res.streamed = false;
	t->errbuf[0] = '\0';
}

static void
http_transfer_free(struct http_transfer *t)
{
	struct http_transfer **pp;

	for (pp = &t->h->list; *pp != NULL; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	if (t->in_multi)
		curl_fn.multi_remove_handle(t->h->multi, t->easy);
	http_attempt_reset(t);
	curl_fn.easy_cleanup(t->easy);
	curl_fn.slist_free_all(t->hdrs);
	buf_release(&t->res.body);
	free(t->res.error);
	free(t->res.error_en);
	free(t->refused);
	free(t->refused_en);
	free(t->via_url);
	free(t->via_origin);
	free(t->url);
	free(t->body);
	free(t);
}

void
http_free(struct http *h)
{
	if (h == NULL)
		return;
	while (h->list != NULL)
		http_transfer_free(h->list);
	if (h->multi != NULL)
		curl_fn.multi_cleanup(h->multi);
	free(h);
}

int
http_pending(const struct http *h)
{
	const struct http_transfer *t;
	int n = 0;

	for (t = h->list; t != NULL; t = t->next)
		n++;
	return n;
}

static bool
http_is_2xx(long status)
{
	return status >= 200 && status < 300;
}

static size_t
http_write_cb(char *data, size_t size, size_t n, void *arg)
{
	struct http_transfer *t = arg;
	size_t len = size * n;

	if (t->cancelled)
		return 0;
	if (t->res.status == 0)
		curl_fn.easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &t->res.status);
	if (http_is_2xx(t->res.status) && !t->decided) {
		t->decided = true;
		t->streaming = t->req.on_headers != NULL &&
		    t->req.on_headers(t->res.status, t->res.content_type, t->req.arg);
	}
	if (http_is_2xx(t->res.status) && t->res.first_byte_ms < 0)
		t->res.first_byte_ms = (long)(clock_ms() - t->started);
	if (t->streaming) {
		t->res.streamed = true;
		switch (t->req.on_data(data, len, t->req.arg)) {
		case HTTP_DATA_MORE:
			break;
		case HTTP_DATA_RETRY:
			t->again = true;
			/* FALLTHROUGH */
		default:
			t->stopped = true;
			return 0;
		}
		return len;
	}
	if (buf_add(&t->res.body, data, len) != 0) {
		t->too_big = true;
		return 0;
	}
	return len;
}

/* Keep the header value if the line is "name: value". */
static void
http_header_take(const char *line, size_t len, const char *name, char **dst)
{
	size_t n = strlen(name);

	if (len <= n + 1 || strncasecmp(line, name, n) != 0 || line[n] != ':')
		return;
	line += n + 1;
	len -= n + 1;
	while (len > 0 && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)line[len - 1]))
		len--;
	free(*dst);
	*dst = xstrndup(line, len);
}

static size_t
http_header_cb(char *data, size_t size, size_t n, void *arg)
{
	struct http_transfer *t = arg;
	size_t len = size * n;

	if (len > 5 && strncmp(data, "HTTP/", 5) == 0) { /* a new response starts */
		free(t->res.content_type);
		t->res.content_type = NULL;
		t->res.status = 0;
		return len;
	}
	http_header_take(data, len, "content-type", &t->res.content_type);
	http_header_take(data, len, "etag", &t->res.etag);
	http_header_take(data, len, "last-modified", &t->res.last_modified);
	http_header_take(data, len, "location", &t->res.location);
	http_header_take(data, len, "retry-after", &t->retry_after);
	http_header_take(data, len, "retry-after-ms", &t->retry_after_ms);
	http_header_take(data, len, "x-should-retry", &t->should_retry);
	return len;
}

/* Does no_proxy (or NO_PROXY) exempt host, as libcurl reads it (names and suffixes)? */
static bool
http_no_proxy(const char *host)
{
	const char *np = getenv("no_proxy"), *tok;
	size_t hlen = strlen(host), n;

	if (np == NULL || *np == '\0')
		np = getenv("NO_PROXY");
	if (np == NULL)
		return false;
	if (strcmp(np, "*") == 0)
		return true;
	if (hlen >= 2 && host[0] == '[' && host[hlen - 1] == ']') { /* no_proxy: no brackets */
		host++;
		hlen -= 2;
	}
	for (tok = np; *tok != '\0'; tok += n) {
		tok += strspn(tok, ", \t");
		n = strcspn(tok, ", \t");
		if (n > 0 && *tok == '.') {
			tok++;
			n--;
		}
		if (n == 0)
			continue;
		if (hlen == n && strncasecmp(host, tok, n) == 0)
			return true;
		if (hlen > n && host[hlen - n - 1] == '.' &&
		    strncasecmp(host + hlen - n, tok, n) == 0)
			return true;
	}
	return false;
}

/* The environment's proxy for url, as libcurl picks it: NULL when none; *name the variable. */
static const char *
http_env_proxy(const char *url, const char **name)
{
	static const char *const https_vars[] = { "https_proxy", "HTTPS_PROXY", "all_proxy",
		"ALL_PROXY" };
	static const char *const http_vars[] = { "http_proxy", "all_proxy", "ALL_PROXY" };
	bool https = strncasecmp(url, "https://", 8) == 0;
	const char *const *vars = https ? https_vars : http_vars;
	size_t n = https ? nitems(https_vars) : nitems(http_vars), i;
	char host[256];
	const char *v;

	if (!config_url_host(url, host, sizeof host) || http_no_proxy(host))
		return NULL;
	for (i = 0; i < n; i++) /* HTTP_PROXY is not read: CGI sets it from a header */
		if ((v = getenv(vars[i])) != NULL && *v != '\0') {
			*name = vars[i];
			return v;
		}
	return NULL;
}

/*
 * "the proxy 'URL' from http_proxy" or "the proxy 'URL' of the proxy setting
 * (FILE:LINE)", without any user name or password that URL holds.
 */
static char *
http_proxy_label(const struct http_transfer *t)
{
	char *shown = config_url_public(t->via_url);
	const char *origin = t->via_origin != NULL ? t->via_origin : _("the configuration");
	/* TRANSLATORS: the first %s is the proxy's URL, the second FILE:LINE of the setting. */
	char *label = t->via_setting ?
	    xasprintf(_("the proxy '%s' of the proxy setting (%s)"), shown, origin) :
	    /* TRANSLATORS: %s: the URL; then the variable, http_proxy. */
	    xasprintf(_("the proxy '%s' from %s"), shown, origin);

	free(shown);
	return label;
}

/*
 * Which proxy: the proxy setting for every URL (no_proxy does not apply to
 * it); else the environment's,
 * except for loopback URLs (a proxy set for the world does not know this
 * machine's servers). Remembers it in t->via for messages.
 */
static void
http_setup_proxy(struct http_transfer *t)
{
	const char *proxy, *name = NULL;

	if (http_opts.proxy != NULL) {
		if (strcmp(http_opts.proxy, "none") == 0) {
			curl_fn.easy_setopt(t->easy, CURLOPT_PROXY, "");
			return;
		}
		curl_fn.easy_setopt(t->easy, CURLOPT_PROXY, http_opts.proxy);
		curl_fn.easy_setopt(t->easy, CURLOPT_NOPROXY, ""); /* whatever no_proxy says */
		t->via_url = xstrdup(http_opts.proxy);
		t->via_origin = xstrdup_or_null(http_opts.proxy_origin);
		t->via_setting = true;
		return;
	}
	if (config_is_loopback(t->url)) {
		/* "": no proxy, whatever the environment says */
		curl_fn.easy_setopt(t->easy, CURLOPT_PROXY, "");
		return;
	}
	if ((proxy = http_env_proxy(t->url, &name)) != NULL) {
		t->via_url = xstrdup(proxy);
		t->via_origin = xstrdup(name);
	}
}

/* Set the options of a new easy handle. */
static void
http_setup(struct http_transfer *t)
{
	const struct http_request *r = &t->req;
	const char *const *hp;

	(void)http_multi(t->h);
	if ((t->easy = curl_fn.easy_init()) == NULL)
		fatal("%s", _("cannot create a libcurl handle"));
	for (hp = r->headers; hp != NULL && *hp != NULL; hp++)
		t->hdrs = curl_fn.slist_append(t->hdrs, *hp);
	t->hdrs = curl_fn.slist_append(t->hdrs, "User-Agent: " PACKAGE_NAME "/" PACKAGE_VERSION);
	t->hdrs = curl_fn.slist_append(t->hdrs, "Expect:");
	curl_fn.easy_setopt(t->easy, CURLOPT_URL, t->url);
	curl_fn.easy_setopt(t->easy, CURLOPT_HTTPHEADER, t->hdrs);
	if (t->body != NULL) {
		curl_fn.easy_setopt(t->easy, CURLOPT_POSTFIELDS, t->body);
		curl_fn.easy_setopt(t->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
	}
	curl_fn.easy_setopt(t->easy, CURLOPT_FOLLOWLOCATION, 0L);
	curl_fn.easy_setopt(t->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_fn.easy_setopt(t->easy, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_fn.easy_setopt(t->easy, CURLOPT_SSL_VERIFYHOST, 2L);
	if (http_opts.ca_file != NULL)
		curl_fn.easy_setopt(t->easy, CURLOPT_CAINFO, http_opts.ca_file);
	http_setup_proxy(t);
	curl_fn.easy_setopt(t->easy, CURLOPT_CONNECTTIMEOUT,
	    r->connect_timeout_s > 0 ? r->connect_timeout_s : 10L);
	if (r->stall_timeout_s > 0) {
		curl_fn.easy_setopt(t->easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
		curl_fn.easy_setopt(t->easy, CURLOPT_LOW_SPEED_TIME, r->stall_timeout_s);
	}
	if (r->total_timeout_s > 0)
		curl_fn.easy_setopt(t->easy, CURLOPT_TIMEOUT, r->total_timeout_s);
	curl_fn.easy_setopt(t->easy, CURLOPT_NOSIGNAL, 1L);
	curl_fn.easy_setopt(t->easy, CURLOPT_ERRORBUFFER, t->errbuf);
	curl_fn.easy_setopt(t->easy, CURLOPT_WRITEFUNCTION, http_write_cb);
	curl_fn.easy_setopt(t->easy, CURLOPT_WRITEDATA, t);
	curl_fn.easy_setopt(t->easy, CURLOPT_HEADERFUNCTION, http_header_cb);
	curl_fn.easy_setopt(t->easy, CURLOPT_HEADERDATA, t);
	curl_fn.easy_setopt(t->easy, CURLOPT_PRIVATE, t);
	curl_fn.easy_setopt(t->easy, CURLOPT_TCP_KEEPALIVE, 1L);
}

static void
http_add(struct http_transfer *t)
{
	t->res.attempts++;
	t->retry_at = 0;
	if (curl_fn.multi_add_handle(t->h->multi, t->easy) != CURLM_OK)
		fatal("%s", _("cannot start a libcurl transfer"));
	t->in_multi = true;
}

/*
 * Why an https URL cannot be fetched with ca_file, or NULL. A FIFO, directory
 * or device there is refused before curl opens it: a FIFO would block it.
 */
static char *
http_ca_refusal(const char *url)
{
	const char *ca = http_opts.ca_file;
	struct stat sb;

	if (ca == NULL || strncasecmp(url, "https://", 8) != 0 || stat(ca, &sb) != 0 ||
	    S_ISREG(sb.st_mode))
		return NULL;
	/* TRANSLATORS: the first %s is a file name, the second where ca_file was set (FILE:LINE). */
	return xasprintf(
	    _("the CA certificates '%s' (ca_file, from %s) are not a regular file "
	      "(a FIFO, directory or device); set ca_file to a file of PEM certificates"),
	    ca, http_opts.ca_origin != NULL ? http_opts.ca_origin : _("the configuration"));
}

struct http_transfer *
http_start(struct http *h, const struct http_request *req)
{
	struct http_transfer *t = xcalloc(1, sizeof *t);

	t->h = h;
	t->req = *req;
	t->url = xstrdup(req->url);
	if (req->body != NULL) {
		t->body = xmalloc(req->body_len + 1);
		memcpy(t->body, req->body, req->body_len);
		t->body[req->body_len] = '\0';
	}
	t->req.url = t->url;
	t->req.body = t->body;
	t->req.headers = NULL;
	buf_init(&t->res.body, req->max_body != 0 ? req->max_body : HTTP_DEFAULT_MAX_BODY);
	t->res.first_byte_ms = -1;
	t->started = clock_ms();
	t->req.headers = req->headers; /* only read by http_setup, now */
	http_setup(t);
	t->req.headers = NULL;
	t->next = h->list;
	h->list = t;
	if ((t->refused = http_ca_refusal(t->url)) != NULL) {
		i18n_english(true);
		t->refused_en = http_ca_refusal(t->url);
		i18n_english(false);
		if (t->refused_en == NULL) /* the file changed in between */
			t->refused_en = xstrdup(t->refused);
		t->retry_at = t->started > 0 ? t->started : 1; /* ends at the next poll */
	} else
		http_add(t);
	return t;
}

void
http_cancel(struct http_transfer *t)
{
	t->cancelled = true;
	curl_fn.multi_wakeup(t->h->multi); /* made by http_start */
}

void
http_abandon(struct http_transfer *t)
{
	t->req.on_done = NULL;
	http_cancel(t);
}

void
http_wakeup(struct http *h)
{
	if (h->multi != NULL) /* else nothing waits in curl_multi_poll() */
		curl_fn.multi_wakeup(h->multi);
}

static char *http_error_text(const struct http_transfer *t, CURLcode rc);

/* What went wrong for an outcome that says (NETWORK, STALLED, TOO_BIG), else NULL. */
static char *
http_failure(const struct http_transfer *t, enum http_outcome outcome, CURLcode rc, bool en)
{
	if (outcome == HTTP_NETWORK && t->refused != NULL)
		return xstrdup(en ? t->refused_en : t->refused);
	switch (outcome) {
	case HTTP_TOO_BIG:
		return xasprintf(_("the response is larger than %zu bytes"), t->res.body.max);
	case HTTP_STALLED:
		return xasprintf(P_("no data from the server for %ld second",
				     "no data from the server for %ld seconds",
				     t->req.stall_timeout_s),
		    t->req.stall_timeout_s);
	case HTTP_NETWORK:
		return http_error_text(t, rc);
	default:
		return NULL;
	}
}

/* The end of a transfer: report and free it. */
static void
http_finish(struct http_transfer *t, enum http_outcome outcome, CURLcode rc)
{
	t->res.outcome = outcome;
	t->res.error = http_failure(t, outcome, rc, false);
	i18n_english(true);
	t->res.error_en = http_failure(t, outcome, rc, true);
	i18n_english(false);
	if (t->in_multi) {
		curl_fn.multi_remove_handle(t->h->multi, t->easy);
		t->in_multi = false;
	}
	if (t->req.on_done != NULL)
		t->req.on_done(&t->res, t->req.arg);
	http_transfer_free(t);
}

/* The wait before retry number n (1-based), from the server's headers or backoff. */
static long
http_retry_wait(const struct http_transfer *t, int n)
{
	long ms;
	time_t when;

	if (t->retry_after_ms != NULL && (ms = strtol(t->retry_after_ms, NULL, 10)) > 0 &&
	    ms <= HTTP_MAX_RETRY_WAIT_MS)
		return ms;
	if (t->retry_after != NULL) {
		char *end;

		ms = strtol(t->retry_after, &end, 10) * 1000;
		if (end == t->retry_after) {
			when = curl_fn.getdate(t->retry_after, NULL);
			ms = when > 0 ? (long)(when - time(NULL)) * 1000 : 0;
		}
		if (ms > 0 && ms <= HTTP_MAX_RETRY_WAIT_MS)
			return ms;
	}
	return (long)backoff_next(&backoff_http, n);
}

/* An error no retry can mend: the TLS certificate, the CA file, the URL itself. */
static bool
http_permanent(CURLcode rc)
{
	switch (rc) {
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
		return true;
	default:
		return false;
	}
}

/* What a failed attempt's rc means, with the way out when there is one and the proxy used. */
static char *
http_error_text(const struct http_transfer *t, CURLcode rc)
{
	const char *e = t->errbuf[0] != '\0' ? t->errbuf : curl_fn.easy_strerror(rc);
	const char *ca = http_opts.ca_file,
		   *from = http_opts.ca_origin != NULL ? http_opts.ca_origin :
							 _("the configuration");
	char *msg, *full, *via;

	if (rc == CURLE_PEER_FAILED_VERIFICATION &&
	    (strstr(e, "subject name") != NULL || strstr(e, "host name") != NULL))
		/* TRANSLATORS: %s is libcurl's error text (English). */
		msg =
		    xasprintf(_("the server's TLS certificate is not for this host name (%s); use "
				"the name it was issued for in base_url"),
			e);
	else if (rc == CURLE_PEER_FAILED_VERIFICATION && ca != NULL)
		msg =
		    /* TRANSLATORS: a file name, where ca_file was set, libcurl's error text. */
		    xasprintf(
			_("cannot verify the server's TLS certificate with the CA "
			  "certificates in '%s' (ca_file, from %s): %s; set ca_file to the PEM "
			  "certificate of the CA that signed it"),
			ca, from, e);
	else if (rc == CURLE_PEER_FAILED_VERIFICATION)
		msg = xasprintf(
		    _("cannot verify the server's TLS certificate (%s); if the server "
		      "uses a self-signed or private-CA certificate, set ca_file to that CA's PEM "
		      "certificate (see 'man confab')"),
		    e);
	else if (rc == CURLE_SSL_CACERT_BADFILE && ca != NULL)
		msg = xasprintf(_("cannot use the CA certificates in '%s' (ca_file, from %s): %s; "
				  "set ca_file to a file of PEM certificates"),
		    ca, from, e);
	else if (rc == CURLE_SSL_CACERT_BADFILE)
		msg = xasprintf(_("cannot load the system's CA certificates (%s); set ca_file to a "
				  "file of PEM certificates"),
		    e);
	else
		msg = xstrdup(e);
	if (t->via_url == NULL)
		return msg;
	via = http_proxy_label(t);
	/* TRANSLATORS: the error, then "the proxy 'URL' from http_proxy" (the proxy used). */
	full = xasprintf(_("%s (through %s)"), msg, via);
	free(via);
	free(msg);
	return full;
}

/*
 * Past max_retries: is this a server that is still starting (HTTP_RETRY_WAIT),
 * and is there patience left?
 */
static bool
http_patient(const struct http_transfer *t, CURLcode rc, char *why, size_t len)
{
	if (rc != CURLE_OK || t->req.retry_status == NULL || t->req.patience_s <= 0 ||
	    clock_ms() - t->started >= (int64_t)t->req.patience_s * 1000)
		return false;
	return t->req.retry_status(t->res.status, t->res.body.data, t->res.body.len, why, len,
		   t->req.arg) == HTTP_RETRY_WAIT;
}

/* May this failed attempt be retried? why gets a short reason. */
static bool
http_retryable(const struct http_transfer *t, CURLcode rc, char *why, size_t len)
{
	long s = t->res.status;

	if (t->again && !t->cancelled && t->res.attempts <= t->req.max_retries) {
		snprintf(why, len, "%s", _("the server sent an error in the stream"));
		return true;
	}
	if (t->res.streamed || t->stopped || t->too_big || t->cancelled)
		return false;
	if (t->res.attempts > t->req.max_retries && !http_patient(t, rc, why, len))
		return false;
	if (t->should_retry != NULL)
		if (strcmp(t->should_retry, "false") == 0)
			return false;
	if (rc != CURLE_OK) {
		char *e;

		if (http_permanent(rc))
			return false;
		e = http_error_text(t, rc);
		snprintf(why, len, "%s", e);
		free(e);
		return true;
	}
	if (t->should_retry != NULL && strcmp(t->should_retry, "true") == 0) {
		snprintf(why, len, "HTTP %ld", s);
		return !http_is_2xx(s);
	}
	snprintf(why, len, "HTTP %ld", s);
	if (t->req.retry_status != NULL)
		return t->req.retry_status(s, t->res.body.data, t->res.body.len, why, len,
			   t->req.arg) != HTTP_RETRY_NO;
	return s == 408 || s == 409 || s == 429 || s >= 500;
}

/* An attempt ended with rc: retry, or finish the transfer. */
static void
http_attempt_done(struct http_transfer *t, CURLcode rc)
{
	char why[CURL_ERROR_SIZE + 512];
	bool retry;
	long wait;

	curl_fn.multi_remove_handle(t->h->multi, t->easy);
	t->in_multi = false;
	if (rc == CURLE_OK && t->res.status == 0)
		curl_fn.easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &t->res.status);
	retry = http_retryable(t, rc, why, sizeof why);
	if (!retry && (t->cancelled || t->stopped)) {
		http_finish(t, HTTP_CANCELLED, CURLE_OK);
		return;
	}
	if (t->too_big) {
		http_finish(t, HTTP_TOO_BIG, rc);
		return;
	}
	if (retry) {
		wait = http_retry_wait(t, t->res.attempts);
		if (t->req.on_retry != NULL)
			t->req.on_retry(t->res.attempts, wait, why, t->req.arg);
		http_attempt_reset(t);
		t->retry_at = clock_ms() + wait;
		return;
	}
	if (rc == CURLE_OPERATION_TIMEDOUT && strncmp(t->errbuf, "Operation too slow", 18) == 0)
		http_finish(t, HTTP_STALLED, rc);
	else if (rc != CURLE_OK)
		http_finish(t, HTTP_NETWORK, rc);
	else
		http_finish(t, http_is_2xx(t->res.status) ? HTTP_OK : HTTP_STATUS, rc);
}

/* Milliseconds until the next retry falls due, or -1 when none waits. */
static long
http_next_retry(const struct http *h, int64_t now)
{
	const struct http_transfer *t;
	long best = -1;

	for (t = h->list; t != NULL; t = t->next)
		if (t->retry_at != 0 && !t->cancelled) {
			long d = t->retry_at > now ? (long)(t->retry_at - now) : 0;

			if (best < 0 || d < best)
				best = d;
		}
	return best;
}

/* Finish cancelled transfers and start retries that fell due. */
static void
http_housekeeping(struct http *h)
{
	struct http_transfer *t, *next;
	int64_t now = clock_ms();

	for (t = h->list; t != NULL; t = next) {
		next = t->next;
		if (t->cancelled)
			http_finish(t, HTTP_CANCELLED, CURLE_OK);
		else if (t->refused != NULL)
			http_finish(t, HTTP_NETWORK, CURLE_OK);
		else if (t->retry_at != 0 && t->retry_at <= now)
			http_add(t);
	}
}

/* http_poll() before the first transfer: libcurl is not loaded, only fds are waited on. */
static int
http_poll_plain(struct pollfd *fds, unsigned int nfds, int timeout_ms)
{
	unsigned int i;

	for (i = 0; i < nfds; i++)
		fds[i].revents = 0;
	if (poll(fds, nfds, timeout_ms) < 0 && errno != EINTR)
		return -1;
	return 0;
}

int
http_poll(struct http *h, struct pollfd *fds, unsigned int nfds, int timeout_ms)
{
	struct curl_waitfd *w;
	long retry = http_next_retry(h, clock_ms());
	struct http_transfer *t;
	CURLMsg *msg;
	unsigned int i;
	int running, left;
	CURLMcode mc;

	if (retry >= 0 && (timeout_ms < 0 || retry < timeout_ms))
		timeout_ms = (int)retry;
	if (timeout_ms < 0)
		timeout_ms = 1000; /* curl_multi_poll needs a bound; loop again */
	if (h->multi == NULL)
		return http_poll_plain(fds, nfds, timeout_ms);
	w = nfds > 0 ? xcalloc(nfds, sizeof *w) : NULL;
	for (i = 0; i < nfds; i++) {
		w[i].fd = fds[i].fd;
		w[i].events = (short)(((fds[i].events & POLLIN) ? CURL_WAIT_POLLIN : 0) |
		    ((fds[i].events & POLLOUT) ? CURL_WAIT_POLLOUT : 0));
		w[i].revents = 0;
	}
	mc = curl_fn.multi_poll(h->multi, w, nfds, timeout_ms, NULL);
	for (i = 0; i < nfds; i++)
		fds[i].revents = (short)(((w[i].revents & CURL_WAIT_POLLIN) ? POLLIN : 0) |
		    ((w[i].revents & CURL_WAIT_POLLOUT) ? POLLOUT : 0));
	free(w);
	if (mc != CURLM_OK && mc != CURLM_UNRECOVERABLE_POLL)
		return -1;
	curl_fn.multi_perform(h->multi, &running);
	while ((msg = curl_fn.multi_info_read(h->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_fn.easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
		http_attempt_done(t, msg->data.result);
	}
	http_housekeeping(h);
	return 0;
}

/* ---- simple blocking use --------------------------------------------------- */

struct http_get_state {
	struct http_result *res;
	bool done;
};

/* Copy the result out of the transfer before it is freed. */
static void
http_get_done(const struct http_result *r, void *arg)
{
	struct http_get_state *g = arg;
	struct http_result *res = g->res;

	res->outcome = r->outcome;
	res->status = r->status;
	res->error = xstrdup_or_null(r->error);
	res->error_en = xstrdup_or_null(r->error_en);
	buf_add(&res->body, r->body.data, r->body.len);
	res->content_type = xstrdup_or_null(r->content_type);
	res->etag = xstrdup_or_null(r->etag);
	res->last_modified = xstrdup_or_null(r->last_modified);
	res->location = xstrdup_or_null(r->location);
	res->attempts = r->attempts;
	g->done = true;
}

int
http_get(const char *url, const struct http_get_opts *opts, struct http_result *res, char **cause)
{
	const char *hdrs[16];
	char *inm = NULL, *ims = NULL;
	struct http_get_state g = { .res = res };
	struct http_request req = {
		.url = url,
		.headers = hdrs,
		.total_timeout_s = opts->timeout_s,
		.connect_timeout_s = opts->timeout_s < 10 ? opts->timeout_s : 10,
		.max_body = opts->max_body,
		.on_done = http_get_done,
		.arg = &g,
	};
	struct http *h = http_new();
	size_t n = 0, j;

	memset(res, 0, sizeof *res);
	buf_init(&res->body, opts->max_body);
	if (opts->if_none_match != NULL)
		hdrs[n++] = inm = xasprintf("If-None-Match: %s", opts->if_none_match);
	if (opts->if_modified_since != NULL)
		hdrs[n++] = ims = xasprintf("If-Modified-Since: %s", opts->if_modified_since);
	for (j = 0; opts->headers != NULL && opts->headers[j] != NULL && n < nitems(hdrs) - 1; j++)
		hdrs[n++] = opts->headers[j];
	hdrs[n] = NULL;
	http_start(h, &req);
	while (!g.done)
		if (http_poll(h, NULL, 0, 1000) != 0)
			break;
	http_free(h);
	free(inm);
	free(ims);
	if (res->outcome == HTTP_OK || res->outcome == HTTP_STATUS)
		return 0;
	/* TRANSLATORS: a URL, then what went wrong. */
	*cause = xasprintf(_("cannot fetch %s: %s"), url,
	    res->error != NULL ? res->error : _("no response"));
	return -1;
}

void
http_result_release(struct http_result *res)
{
	buf_release(&res->body);
	free(res->error);
	free(res->error_en);
	free(res->content_type);
	free(res->etag);
	free(res->last_modified);
	free(res->location);
	memset(res, 0, sizeof *res);
}

/* At most HTTP_POST_MAX_BODY (caps.h) of the response is kept. */
int
http_post(const char *url, const char *body, size_t len, const char *const *headers, long timeout_s,
    struct http_result *res, char **cause)
{
	struct http_get_state g = { .res = res };
	struct http_request req = {
		.url = url,
		.body = body != NULL ? body : "",
		.body_len = body != NULL ? len : 0,
		.headers = headers,
		.total_timeout_s = timeout_s,
		.connect_timeout_s = timeout_s > 0 && timeout_s < 10 ? timeout_s : 10,
		.max_body = HTTP_POST_MAX_BODY,
		.on_done = http_get_done,
		.arg = &g,
	};
	struct http *h = http_new();

	memset(res, 0, sizeof *res);
	buf_init(&res->body, HTTP_POST_MAX_BODY);
	http_start(h, &req);
	while (!g.done)
		if (http_poll(h, NULL, 0, 1000) != 0)
			break;
	http_free(h);
	if (g.done && (res->outcome == HTTP_OK || res->outcome == HTTP_STATUS))
		return 0;
	/* TRANSLATORS: a URL, then what went wrong. */
	*cause = xasprintf(_("cannot post to %s: %s"), url,
	    res->error != NULL ? res->error : _("no response"));
	return -1;
}
