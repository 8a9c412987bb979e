/*
 * curl-load.h: libcurl, loaded with dlopen() when the first request is made.
 *
 * Linking libcurl pulls some thirty libraries (OpenSSL, GnuTLS, Kerberos,
 * LDAP, SSH, ...) into every start of confab, three quarters of the dynamic
 * loader's work for `confab --version`. Only http.c calls libcurl, and only
 * through this table; <curl/curl.h> still gives the types and constants.
 */
#ifndef CONFAB_CURL_LOAD_H
#define CONFAB_CURL_LOAD_H

#include <curl/curl.h>
#include <stdbool.h>

/* The soname loaded: the ABI of libcurl 7.16 and later (Debian: libcurl4). */
#define CURL_LOAD_SONAME "libcurl.so.4"

struct curl_fns {
	CURLcode (*global_init)(long flags);
	void (*global_cleanup)(void);
	CURL *(*easy_init)(void);
	void (*easy_cleanup)(CURL *curl);
	CURLcode (*easy_setopt)(CURL *curl, CURLoption option, ...);
	CURLcode (*easy_getinfo)(CURL *curl, CURLINFO info, ...);
	const char *(*easy_strerror)(CURLcode code);
	CURLM *(*multi_init)(void);
	CURLMcode (*multi_cleanup)(CURLM *multi);
	CURLMcode (*multi_add_handle)(CURLM *multi, CURL *curl);
	CURLMcode (*multi_remove_handle)(CURLM *multi, CURL *curl);
	CURLMcode (*multi_perform)(CURLM *multi, int *running);
	CURLMcode (*multi_poll)(CURLM *multi, struct curl_waitfd fds[], unsigned int nfds,
	    int timeout_ms, int *numfds);
	CURLMcode (*multi_wakeup)(CURLM *multi);
	CURLMsg *(*multi_info_read)(CURLM *multi, int *left);
	struct curl_slist *(*slist_append)(struct curl_slist *list, const char *s);
	void (*slist_free_all)(struct curl_slist *list);
	time_t (*getdate)(const char *p, const time_t *unused);
};

/* The functions; valid once curl_load() has returned. */
extern struct curl_fns curl_fn;

/*
 * Load libcurl and run curl_global_init() once. If the library cannot be
 * loaded (or lacks a function), say which and how to install it, and exit
 * EXIT_SYSTEM (fatal()).
 */
void curl_load(void);

/* Whether curl_load() has run: curl_unload() then runs curl_global_cleanup(). */
bool curl_loaded(void);
void curl_unload(void);

#endif
