/*
 * http.h: HTTP through libcurl's multi interface (the only file that
 * includes curl). TLS verification on, no redirects, proxies from the usual
 * environment variables.
 */
#ifndef CONFAB_HTTP_H
#define CONFAB_HTTP_H

#include "buf.h"

struct http_response {
	long status;		/* 0 when no response arrived */
	struct buf body;
	char *etag;		/* ETag header, or NULL */
	char *last_modified;	/* Last-Modified header, or NULL */
	char *content_type;	/* Content-Type header, or NULL */
};

struct http_get_opts {
	const char *if_none_match;	/* conditional GET validators, or NULL */
	const char *if_modified_since;
	long timeout_s;			/* whole request */
	size_t max_body;		/* cap on the body in bytes */
};

/* Process-wide set-up and tear-down (curl_global_*). */
void http_global_init(void);
void http_global_cleanup(void);

/*
 * GET url. Returns 0 when a response arrived (any status, see resp->status),
 * or -1 with *cause set when none did (cannot connect, time-out, TLS error,
 * body over the cap). resp must be released with http_response_release().
 */
int http_get(const char *url, const struct http_get_opts *opts, struct http_response *resp,
    char **cause);
void http_response_release(struct http_response *resp);

#endif
