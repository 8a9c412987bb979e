/*
 * xmalloc.h: allocation that never fails at the call site, and fatal().
 *
 * On allocation failure these call fatal(), which runs the registered cleanup
 * (restoring the terminal) before printing and exiting. Every returned pointer
 * is the caller's to free().
 */
#ifndef CONFAB_XMALLOC_H
#define CONFAB_XMALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* xstrdup(s), or NULL for NULL: for optional strings. */
char *xstrdup_or_null(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/*
 * The system failed confab (out of memory, no pipe, libcurl cannot start):
 * print "confab: MESSAGE" to stderr after running the cleanup hook; exit 6
 * (EXIT_SYSTEM), never a code that blames the provider or the user.
 */
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* BUG(): print "BUG: file:line: MESSAGE" after the cleanup hook, then abort(). */
void bug_at(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));

/* Register the function fatal() runs first (e.g. endwin()); NULL clears it. */
void fatal_set_cleanup(void (*fn)(void));

#endif
