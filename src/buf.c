/* buf.c: growable, capped, always NUL-terminated byte buffer. */
#include "common.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"

static char buf_empty[1];

void
buf_init(struct buf *b, size_t max)
{
	b->data = buf_empty;
	b->len = 0;
	b->cap = 0;
	b->max = max == 0 ? BUF_DEFAULT_MAX : max;
}

void
buf_release(struct buf *b)
{
	if (b->cap != 0)
		free(b->data);
	buf_init(b, b->max);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	b->data[0] = '\0';
	if (b->cap == 0)
		buf_empty[0] = '\0';
}

/* Make room for n more bytes plus the terminator; -1 if over the cap. */
static int
buf_grow(struct buf *b, size_t n)
{
	size_t want, cap;

	if (n > b->max || b->len > b->max - n)
		return -1;
	want = b->len + n + 1;
	if (want <= b->cap)
		return 0;
	cap = b->cap < 64 ? 64 : b->cap;
	while (cap < want)
		cap = cap > SIZE_MAX / 2 ? want : cap * 2;
	if (b->cap == 0) {
		b->data = xmalloc(cap);
		b->data[0] = '\0';
	} else
		b->data = xreallocarray(b->data, 1, cap);
	b->cap = cap;
	return 0;
}

int
buf_add(struct buf *b, const void *data, size_t len)
{
	if (buf_grow(b, len) != 0)
		return -1;
	if (len != 0)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int
buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int
buf_addc(struct buf *b, char c)
{
	return buf_add(b, &c, 1);
}

int
buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	char *s = xvasprintf(fmt, ap);
	int r = buf_adds(b, s);

	free(s);
	return r;
}

int
buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = buf_vaddf(b, fmt, ap);
	va_end(ap);
	return r;
}

char *
buf_detach(struct buf *b, size_t *len)
{
	char *p;

	if (len != NULL)
		*len = b->len;
	p = b->cap == 0 ? xstrdup("") : b->data;
	buf_init(b, b->max);
	return p;
}

void
buf_consume(struct buf *b, size_t n)
{
	if (n >= b->len) {
		buf_reset(b);
		return;
	}
	memmove(b->data, b->data + n, b->len - n);
	b->len -= n;
	b->data[b->len] = '\0';
}

int
buf_read_fd(struct buf *b, int fd, const char *path, char **cause)
{
	char chunk[16384];
	ssize_t n;

	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*cause = xasprintf(_("cannot read '%s': %s"), path, strerror(errno));
			return -1;
		}
		if (n == 0)
			return 0;
		if (buf_add(b, chunk, (size_t)n) != 0) {
			*cause = xasprintf(_("'%s' is larger than %zu bytes"), path, b->max);
			return -1;
		}
	}
}

int
buf_read_file(struct buf *b, const char *path, char **cause)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), r;

	if (fd < 0) {
		*cause = xasprintf(_("cannot open '%s': %s"), path, strerror(errno));
		return -1;
	}
	r = buf_read_fd(b, fd, path, cause);
	close(fd);
	return r;
}

int
buf_open_regular(const char *path, struct stat *st, char **cause)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), e;

	if (fd < 0) {
		e = errno;
		*cause = xasprintf(_("cannot open '%s': %s"), path, strerror(e));
		errno = e;
		return -1;
	}
	if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
		*cause = xasprintf(_("'%s' is not a regular file (a directory, FIFO or device "
				     "cannot be read as one)"),
		    path);
		close(fd);
		errno = EINVAL;
		return -1;
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0) {
		*cause = xasprintf(_("cannot read '%s': %s"), path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int
buf_read_regular(struct buf *b, const char *path, char **cause)
{
	struct stat st;
	int fd = buf_open_regular(path, &st, cause), r;

	if (fd < 0)
		return -1;
	r = buf_read_fd(b, fd, path, cause);
	close(fd);
	return r;
}
