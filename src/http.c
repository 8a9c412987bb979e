/* http.c: libcurl multi interface: requests, time-outs, no redirects. */
#include "common.h"

#include <ctype.h>
#include <curl/curl.h>
#include <strings.h>

#include "http.h"

void
http_global_init(void)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		fatal("cannot initialise libcurl");
}

void
http_global_cleanup(void)
{
	curl_global_cleanup();
}

static size_t
http_write_cb(char *data, size_t size, size_t n, void *arg)
{
	struct http_response *resp = arg;

	if (buf_add(&resp->body, data, size * n) != 0)
		return 0; /* over the cap: abort the transfer */
	return size * n;
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
	struct http_response *resp = arg;

	http_header_take(data, size * n, "etag", &resp->etag);
	http_header_take(data, size * n, "last-modified", &resp->last_modified);
	http_header_take(data, size * n, "content-type", &resp->content_type);
	return size * n;
}

/* Run one easy handle to completion on a private multi handle. */
static CURLcode
http_run(CURL *easy)
{
	CURLM *multi = curl_multi_init();
	CURLMsg *msg;
	CURLcode result = CURLE_OK;
	int running = 1, left;

	if (multi == NULL)
		fatal("cannot create a libcurl multi handle");
	curl_multi_add_handle(multi, easy);
	while (running) {
		if (curl_multi_perform(multi, &running) != CURLM_OK)
			break;
		if (running && curl_multi_poll(multi, NULL, 0, 1000, NULL) != CURLM_OK)
			break;
	}
	while ((msg = curl_multi_info_read(multi, &left)) != NULL)
		if (msg->msg == CURLMSG_DONE)
			result = msg->data.result;
	curl_multi_remove_handle(multi, easy);
	curl_multi_cleanup(multi);
	return result;
}

int
http_get(const char *url, const struct http_get_opts *opts, struct http_response *resp,
    char **cause)
{
	struct curl_slist *hdrs = NULL;
	char errbuf[CURL_ERROR_SIZE] = "";
	CURL *easy = curl_easy_init();
	CURLcode rc;
	char *h;

	memset(resp, 0, sizeof *resp);
	buf_init(&resp->body, opts->max_body);
	if (easy == NULL)
		fatal("cannot create a libcurl handle");
	if (opts->if_none_match != NULL) {
		h = xasprintf("If-None-Match: %s", opts->if_none_match);
		hdrs = curl_slist_append(hdrs, h);
		free(h);
	}
	if (opts->if_modified_since != NULL) {
		h = xasprintf("If-Modified-Since: %s", opts->if_modified_since);
		hdrs = curl_slist_append(hdrs, h);
		free(h);
	}
	hdrs = curl_slist_append(hdrs, "User-Agent: " PACKAGE_NAME "/" PACKAGE_VERSION);
	curl_easy_setopt(easy, CURLOPT_URL, url);
	curl_easy_setopt(easy, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(easy, CURLOPT_TIMEOUT, opts->timeout_s);
	curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT, opts->timeout_s < 10 ? opts->timeout_s : 10L);
	curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, http_write_cb);
	curl_easy_setopt(easy, CURLOPT_WRITEDATA, resp);
	curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, http_header_cb);
	curl_easy_setopt(easy, CURLOPT_HEADERDATA, resp);
	curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");

	rc = http_run(easy);
	if (rc == CURLE_OK)
		curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &resp->status);
	else if (rc == CURLE_WRITE_ERROR)
		*cause = xasprintf("the response from %s is larger than %zu bytes", url,
		    opts->max_body);
	else
		*cause = xasprintf("cannot fetch %s: %s", url,
		    errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc));
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(easy);
	return rc == CURLE_OK ? 0 : -1;
}

void
http_response_release(struct http_response *resp)
{
	buf_release(&resp->body);
	free(resp->etag);
	free(resp->last_modified);
	free(resp->content_type);
	memset(resp, 0, sizeof *resp);
}
