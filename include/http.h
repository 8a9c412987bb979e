/*
 * http.h: HTTP through libcurl's multi interface (the only file that
 * calls curl, through curl-load.h: libcurl is loaded by the first transfer). TLS verification on (against ca_file when set), no
 * redirects. Proxies: the one http_configure() names, else those of the
 * usual environment variables, except for loopback URLs, which a proxy from
 * the environment never sees.
 *
 * A struct http drives any number of transfers together. The event loop
 * waits in http_poll(), which also watches the loop's own descriptors, and
 * the transfers' callbacks run from inside http_poll(). Retries happen
 * before the first byte of a successful response only: on connection errors,
 * time-outs, 408, 409, 429 and 5xx (not on a 429 insufficient_quota, nor on
 * an error no retry can mend: an untrusted certificate, a bad CA file), with
 * exponential backoff and jitter, or Retry-After / retry-after-ms when the
 * server says so (up to 60 s); x-should-retry: true|false overrides.
 */
#ifndef CONFAB_HTTP_H
#define CONFAB_HTTP_H

#include <poll.h>
#include <stdbool.h>

#include "buf.h"

struct http;
struct http_transfer;

enum http_outcome {
	HTTP_OK,	/* a 2xx response arrived whole */
	HTTP_STATUS,	/* the server answered with another status (after any retries) */
	HTTP_NETWORK,	/* no usable response: cannot resolve or connect, TLS, connection cut;
			   error names the proxy when one was used, and says how to fix a
			   certificate the server cannot be verified with (ca_file) */
	HTTP_STALLED,	/* no bytes for stall_timeout_s seconds */
	HTTP_CANCELLED, /* http_cancel(), or on_data asked to stop */
	HTTP_TOO_BIG,	/* a buffered body passed max_body */
};

struct http_result {
	enum http_outcome outcome;
	long status;	    /* the last HTTP status, 0 when none */
	char *error;	    /* what went wrong for NETWORK and STALLED, else NULL */
	char *error_en;	    /* the same untranslated, for records (the store, --json) */
	struct buf body;    /* buffered body: non-2xx, or 2xx when not streamed */
	char *content_type; /* of the last response, or NULL */
	char *etag;
	char *last_modified;
	char *location;	    /* of a redirect (never followed), or NULL */
	int attempts;	    /* requests made, retries included */
	bool streamed;	    /* some of a 2xx body went to on_data */
	long first_byte_ms; /* from the first request to the first 2xx body byte; -1 */
};

struct http_request {
	const char *url;
	const char *body; /* POST body, or NULL for GET */
	size_t body_len;
	const char *const *headers; /* NULL-terminated "Name: value" lines, or NULL */
	long connect_timeout_s;	    /* 0: 10 s */
	long stall_timeout_s;	    /* no bytes for this long ends the transfer; 0: off */
	long total_timeout_s;	    /* 0: none */
	int max_retries;
	size_t max_body; /* cap on a buffered body; 0: 4 MiB */
	/*
	 * Called once when a 2xx response's headers are complete. Return true to
	 * receive the body through on_data as it arrives, false to have it
	 * buffered in the result. NULL: buffer.
	 */
	bool (*on_headers)(long status, const char *content_type, void *arg);
	/*
	 * Streamed body bytes. Return HTTP_DATA_MORE to go on, HTTP_DATA_STOP to
	 * stop (HTTP_CANCELLED), or HTTP_DATA_RETRY to stop this attempt and make
	 * another like a failed one (backoff, on_retry) while retries are left,
	 * else stop. on_retry is where the receiver forgets what the attempt sent.
	 */
	int (*on_data)(const char *data, size_t len, void *arg);
	/*
	 * May a non-2xx answer be retried (the body as it arrived)? Returns
	 * HTTP_RETRY_NO, HTTP_RETRY_YES (within max_retries), or HTTP_RETRY_WAIT:
	 * the server is still starting (a model loading), so retries go on past
	 * max_retries until patience_s seconds after the first attempt. It may
	 * put a better reason for on_retry in why. NULL: 408, 409, 429 and 5xx
	 * are retried. Not asked when x-should-retry decided it.
	 */
	int (*retry_status)(long status, const char *body, size_t len, char *why, size_t wlen,
	    void *arg);
	long patience_s;
	/* Before a retry: the attempt that failed (1-based), the wait and why. May be NULL. */
	void (*on_retry)(int attempt, long wait_ms, const char *why, void *arg);
	/* Exactly once, at the end; the result is valid only during the call. */
	void (*on_done)(const struct http_result *res, void *arg);
	void *arg;
};

/* What on_data returns. */
enum { HTTP_DATA_MORE, HTTP_DATA_STOP, HTTP_DATA_RETRY };

/* What retry_status returns. */
enum { HTTP_RETRY_NO, HTTP_RETRY_YES, HTTP_RETRY_WAIT };

/* Process-wide set-up and tear-down (curl_global_*). */
void http_global_init(void);
void http_global_cleanup(void);

/* Settings for every transfer of the process. */
struct http_options {
	const char *ca_file;   /* PEM CA certificates to verify with; NULL: the system's */
	const char *ca_origin; /* where ca_file came from ("FILE:LINE", "SSL_CERT_FILE") */
	const char *proxy;     /* a proxy for every URL, loopback too ("none": no proxy);
				   NULL: the environment's, never for loopback URLs */
	const char *proxy_origin;
};

/* Use these settings (copied) for the transfers started from now on. */
void http_configure(const struct http_options *o);

struct http *http_new(void);
void http_free(struct http *h); /* cancels what is still running, without callbacks */

/*
 * Start a transfer. The request struct and the strings it points to are
 * copied. Returns the transfer, valid until its on_done has run.
 */
struct http_transfer *http_start(struct http *h, const struct http_request *req);

/* Stop a transfer; its on_done runs with HTTP_CANCELLED from the next http_poll(). */
void http_cancel(struct http_transfer *t);

/* Stop a transfer whose owner is going away: as http_cancel(), but on_done never runs. */
void http_abandon(struct http_transfer *t);

/* Transfers running or waiting to retry. */
int http_pending(const struct http *h);

/*
 * Wait up to timeout_ms (-1: until something happens) for network activity,
 * a retry falling due, or an event on one of fds (revents are filled in),
 * then drive the transfers. Returns 0, or -1 if the wait failed.
 */
int http_poll(struct http *h, struct pollfd *fds, unsigned int nfds, int timeout_ms);

/* Wake a http_poll() waiting in another thread or a signal handler. */
void http_wakeup(struct http *h);

/* ---- simple blocking use --------------------------------------------------- */

struct http_get_opts {
	const char *if_none_match; /* conditional GET validators, or NULL */
	const char *if_modified_since;
	const char *const *headers; /* more headers, or NULL */
	long timeout_s;		    /* whole request */
	size_t max_body;	    /* cap on the body in bytes */
};

/*
 * GET url and wait for the whole answer. Returns 0 when a response arrived
 * (any status, see res->status), or -1 with *cause set when none did. res
 * must be released with http_result_release() either way.
 */
int http_get(const char *url, const struct http_get_opts *opts, struct http_result *res,
    char **cause);
void http_result_release(struct http_result *res);

/*
 * POST body[0..len) to url (headers: NULL-terminated "Name: value" lines, or
 * NULL) and wait for the whole answer, at most timeout_s seconds. One attempt:
 * the caller decides about retries. Returns 0 when a response arrived (any
 * status, see res->status), or -1 with *cause set when none did. res must be
 * released with http_result_release() either way.
 */
int http_post(const char *url, const char *body, size_t len, const char *const *headers,
    long timeout_s, struct http_result *res, char **cause);

#endif
