/*
 * buf.h: a growable byte buffer with a hard size cap (after git's strbuf and
 * curl's dynbuf).
 *
 * Invariant: data is always NUL-terminated (data[len] == '\0'), even when
 * empty, so it can be handed to string functions; it may also hold NUL bytes.
 * A buffer embedded in another struct is set up with buf_init() and torn down
 * with buf_release(). Appending past the cap fails with -1 and leaves the
 * buffer unchanged; allocation failure is fatal.
 */
#ifndef CONFAB_BUF_H
#define CONFAB_BUF_H

#include "caps.h"

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;
	size_t len;
	size_t cap; /* allocated bytes */
	size_t max; /* hard cap on len; 0 means BUF_DEFAULT_MAX */
};

void buf_init(struct buf *b, size_t max);
void buf_release(struct buf *b);
void buf_reset(struct buf *b);

/* Append; return 0, or -1 when the result would exceed the cap. */
int buf_add(struct buf *b, const void *data, size_t len);
int buf_adds(struct buf *b, const char *s);
int buf_addc(struct buf *b, char c);
int buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vaddf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* Take the contents (caller frees) and leave the buffer empty. */
char *buf_detach(struct buf *b, size_t *len);

/*
 * Append the whole file at path. Returns 0, or -1 with *cause set (cannot
 * open or read it, or it is larger than the cap).
 */
int buf_read_file(struct buf *b, const char *path, char **cause);

/*
 * The same for a file that must be a regular one (a config, Terms or rules
 * file): a FIFO, device or directory is refused without blocking, however
 * it is named (the file is opened O_NONBLOCK, then checked with fstat).
 */
int buf_read_regular(struct buf *b, const char *path, char **cause);

/*
 * Open path for reading only if it is a regular file, without blocking on a
 * FIFO. Returns the descriptor (close-on-exec, blocking again) with *st
 * filled in, or -1 with *cause set and errno saying why (EINVAL: not a
 * regular file).
 */
struct stat;
int buf_open_regular(const char *path, struct stat *st, char **cause);

/* Append what is left to read from fd; path names it in *cause. */
int buf_read_fd(struct buf *b, int fd, const char *path, char **cause);

/* Remove the first n bytes. */
void buf_consume(struct buf *b, size_t n);

#endif
