/* curl-load.c: libcurl through dlopen(), on the first request (see curl-load.h). */
#include "common.h"

#include <dlfcn.h>

#include "curl-load.h"

struct curl_fns curl_fn;

static void *curl_handle;

/* Each member of curl_fn and the symbol it comes from, in the struct's order. */
static const struct {
	const char *name;
	size_t offset;
} curl_syms[] = {
#define CURL_SYM(member) \
	{ \
		"curl_" #member, offsetof(struct curl_fns, member) \
	}
	CURL_SYM(global_init),
	CURL_SYM(global_cleanup),
	CURL_SYM(easy_init),
	CURL_SYM(easy_cleanup),
	CURL_SYM(easy_setopt),
	CURL_SYM(easy_getinfo),
	CURL_SYM(easy_strerror),
	CURL_SYM(multi_init),
	CURL_SYM(multi_cleanup),
	CURL_SYM(multi_add_handle),
	CURL_SYM(multi_remove_handle),
	CURL_SYM(multi_perform),
	CURL_SYM(multi_poll),
	CURL_SYM(multi_wakeup),
	CURL_SYM(multi_info_read),
	CURL_SYM(slist_append),
	CURL_SYM(slist_free_all),
	CURL_SYM(getdate),
#undef CURL_SYM
};

void
curl_load(void)
{
	void *h, *sym;
	const char *err;
	size_t i;

	if (curl_handle != NULL)
		return;
	if ((h = dlopen(CURL_LOAD_SONAME, RTLD_LAZY | RTLD_LOCAL)) == NULL) {
		err = dlerror();
		fatal(_("cannot load %s, the HTTP library confab needs (%s); install libcurl4 "
			"(e.g. apt-get install libcurl4)"),
		    CURL_LOAD_SONAME, err != NULL ? err : _("not found"));
	}
	for (i = 0; i < nitems(curl_syms); i++) {
		(void)dlerror();
		if ((sym = dlsym(h, curl_syms[i].name)) == NULL)
			fatal(
			    _("%s has no %s: confab needs libcurl 7.68 or later; install libcurl4 "
			      "(e.g. apt-get install libcurl4)"),
			    CURL_LOAD_SONAME, curl_syms[i].name);
		/* POSIX: a function pointer and void * have the same representation. */
		memcpy((char *)&curl_fn + curl_syms[i].offset, &sym, sizeof sym);
	}
	if (curl_fn.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		fatal("%s", _("cannot initialise libcurl"));
	curl_handle = h;
}

bool
curl_loaded(void)
{
	return curl_handle != NULL;
}

void
curl_unload(void)
{
	if (curl_handle == NULL)
		return;
	curl_fn.global_cleanup();
	/* Not dlclose()d: OpenSSL's exit handlers may still point into it. */
	curl_handle = NULL;
}
