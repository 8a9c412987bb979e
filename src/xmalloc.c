/* xmalloc.c: allocation helpers that exit cleanly, fatal() and BUG(). */
#include "common.h"

#include <unistd.h>

static void (*fatal_cleanup)(void);

void
fatal_set_cleanup(void (*fn)(void))
{
	fatal_cleanup = fn;
}

/* Run the cleanup hook once (a failing cleanup must not recurse). */
static void
fatal_run_cleanup(void)
{
	void (*fn)(void) = fatal_cleanup;

	fatal_cleanup = NULL;
	if (fn != NULL)
		fn();
	fflush(stdout);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	fatal_run_cleanup();
	fputs("confab: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	_exit(EXIT_SYSTEM);
}

void
bug_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fatal_run_cleanup();
	fprintf(stderr, "BUG: %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nconfab: %s\n", _("this is a bug in confab; please report it"));
	abort();
}

void *
xmalloc(size_t size)
{
	void *p = malloc(size == 0 ? 1 : size);

	if (p == NULL)
		fatal(_("out of memory allocating %zu bytes"), size);
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb == 0 ? 1 : nmemb, size == 0 ? 1 : size);

	if (p == NULL)
		fatal(_("out of memory allocating %zu x %zu bytes"), nmemb, size);
	return p;
}

void *
xreallocarray(void *ptr, size_t nmemb, size_t size)
{
	void *p;

	if (size != 0 && nmemb > SIZE_MAX / size)
		fatal(_("allocation of %zu x %zu bytes overflows"), nmemb, size);
	p = realloc(ptr, nmemb * size == 0 ? 1 : nmemb * size);
	if (p == NULL)
		fatal(_("out of memory allocating %zu x %zu bytes"), nmemb, size);
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrdup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

char *
xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = xmalloc(len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	char *p;

	if (vasprintf(&p, fmt, ap) < 0)
		fatal(_("out of memory formatting a string"));
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}
