/* test-buf.c: unit tests for the capped byte buffer (buf.c). */
#include "common.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"

/* A string literal as pointer and length, so that it may hold NUL bytes. */
#define S(lit) (lit), (sizeof(lit) - 1)

static char tmpdir[] = "/tmp/confab-test-buf-XXXXXX";

/* Write len bytes to dir/name; return the path (caller frees). */
static char *
write_file(const char *name, const void *data, size_t len)
{
	char *path = xasprintf("%s/%s", tmpdir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
	return path;
}

static void
test_init_empty(void **state)
{
	struct buf b;

	buf_init(&b, 0);
	assert_non_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.data[0], '\0');
	assert_string_equal(b.data, "");
	/* 0 selects the default cap */
	assert_int_equal(b.max, BUF_DEFAULT_MAX);
	buf_release(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	assert_int_equal(b.max, BUF_DEFAULT_MAX);

	buf_init(&b, 10);
	assert_int_equal(b.max, 10);
	buf_release(&b);
	assert_int_equal(b.max, 10);
}

static void
test_add(void **state)
{
	struct buf b;

	buf_init(&b, 0);
	assert_int_equal(buf_add(&b, "hello", 5), 0);
	assert_int_equal(b.len, 5);
	assert_string_equal(b.data, "hello");
	assert_int_equal(buf_add(&b, S(", world")), 0);
	assert_int_equal(b.len, 12);
	assert_string_equal(b.data, "hello, world");
	/* adding nothing is fine and changes nothing */
	assert_int_equal(buf_add(&b, "", 0), 0);
	assert_int_equal(b.len, 12);
	assert_string_equal(b.data, "hello, world");
	assert_int_equal(b.data[b.len], '\0');
	buf_release(&b);
}

/* Zero-length add on a fresh buffer keeps the empty-string invariant. */
static void
test_add_nothing_to_empty(void **state)
{
	struct buf b;

	buf_init(&b, 0);
	assert_int_equal(buf_add(&b, NULL, 0), 0);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	assert_int_equal(buf_adds(&b, ""), 0);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	buf_release(&b);
}

static void
test_add_holds_nul(void **state)
{
	struct buf b;

	buf_init(&b, 0);
	assert_int_equal(buf_add(&b, S("a\0b")), 0);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.data, "a\0b\0", 4);
	assert_int_equal(buf_addc(&b, '\0'), 0);
	assert_int_equal(b.len, 4);
	assert_memory_equal(b.data, "a\0b\0\0", 5);
	buf_release(&b);
}

static void
test_adds_addc(void **state)
{
	struct buf b;
	int i;

	buf_init(&b, 0);
	assert_int_equal(buf_adds(&b, "ab"), 0);
	assert_int_equal(buf_addc(&b, 'c'), 0);
	assert_string_equal(b.data, "abc");
	assert_int_equal(b.len, 3);
	/* grow well past the first allocation */
	for (i = 0; i < 1000; i++)
		assert_int_equal(buf_addc(&b, (char)('0' + i % 10)), 0);
	assert_int_equal(b.len, 1003);
	assert_int_equal(b.data[3], '0');
	assert_int_equal(b.data[1002], '9');
	assert_int_equal(b.data[1003], '\0');
	assert_true(b.cap > b.len);
	buf_release(&b);
}

static void
test_addf(void **state)
{
	struct buf b;

	buf_init(&b, 0);
	assert_int_equal(buf_addf(&b, "%d-%s", 42, "x"), 0);
	assert_string_equal(b.data, "42-x");
	assert_int_equal(buf_addf(&b, "%s", ""), 0);
	assert_string_equal(b.data, "42-x");
	assert_int_equal(buf_addf(&b, "|%05.1f|%zu", 3.5, (size_t)7), 0);
	assert_string_equal(b.data, "42-x|003.5|7");
	assert_int_equal(b.len, strlen("42-x|003.5|7"));
	buf_release(&b);
}

static void
test_reset(void **state)
{
	struct buf b;

	buf_init(&b, 0);
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	assert_int_equal(buf_adds(&b, "something"), 0);
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.data[0], '\0');
	assert_int_equal(buf_adds(&b, "new"), 0);
	assert_string_equal(b.data, "new");
	assert_int_equal(b.len, 3);
	buf_release(&b);
}

/* An add that would pass the cap fails and leaves contents and length alone. */
static void
test_cap(void **state)
{
	struct buf b;

	buf_init(&b, 8);
	assert_int_equal(buf_adds(&b, "12345"), 0);
	assert_int_equal(buf_adds(&b, "6789"), -1);
	assert_int_equal(b.len, 5);
	assert_string_equal(b.data, "12345");
	assert_int_equal(buf_addf(&b, "%s", "abcd"), -1);
	assert_int_equal(b.len, 5);
	assert_string_equal(b.data, "12345");
	/* exactly up to the cap is allowed */
	assert_int_equal(buf_adds(&b, "678"), 0);
	assert_int_equal(b.len, 8);
	assert_string_equal(b.data, "12345678");
	assert_int_equal(buf_addc(&b, 'x'), -1);
	assert_int_equal(b.len, 8);
	assert_string_equal(b.data, "12345678");
	assert_int_equal(buf_add(&b, "", 0), 0);
	assert_int_equal(b.len, 8);
	buf_release(&b);
}

/* A huge length must not wrap around the cap check. */
static void
test_cap_overflow(void **state)
{
	struct buf b;

	buf_init(&b, 8);
	assert_int_equal(buf_adds(&b, "ab"), 0);
	assert_int_equal(buf_add(&b, "x", SIZE_MAX), -1);
	assert_int_equal(buf_add(&b, "x", SIZE_MAX - 1), -1);
	assert_int_equal(b.len, 2);
	assert_string_equal(b.data, "ab");
	buf_release(&b);
}

/* The first add past the cap on an empty buffer leaves it empty. */
static void
test_cap_from_empty(void **state)
{
	struct buf b;

	buf_init(&b, 3);
	assert_int_equal(buf_adds(&b, "abcd"), -1);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	buf_release(&b);
}

static void
test_detach(void **state)
{
	struct buf b;
	size_t len = 99;
	char *p;

	buf_init(&b, 16);
	assert_int_equal(buf_adds(&b, "payload"), 0);
	p = buf_detach(&b, &len);
	assert_int_equal(len, 7);
	assert_string_equal(p, "payload");
	free(p);
	/* the buffer is empty and usable again, with the same cap */
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	assert_int_equal(b.max, 16);
	assert_int_equal(buf_adds(&b, "again"), 0);
	assert_string_equal(b.data, "again");
	buf_release(&b);
}

/* Detaching an empty buffer still gives a string the caller can free. */
static void
test_detach_empty(void **state)
{
	struct buf b;
	size_t len = 99;
	char *p;

	buf_init(&b, 0);
	p = buf_detach(&b, &len);
	assert_non_null(p);
	assert_int_equal(len, 0);
	assert_string_equal(p, "");
	free(p);
	p = buf_detach(&b, NULL);
	assert_string_equal(p, "");
	free(p);
	buf_release(&b);
}

static void
test_consume(void **state)
{
	struct buf b;

	buf_init(&b, 0);
	assert_int_equal(buf_adds(&b, "abcdef"), 0);
	buf_consume(&b, 2);
	assert_int_equal(b.len, 4);
	assert_string_equal(b.data, "cdef");
	buf_consume(&b, 0);
	assert_int_equal(b.len, 4);
	assert_string_equal(b.data, "cdef");
	buf_consume(&b, 4);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	assert_int_equal(buf_adds(&b, "xy"), 0);
	buf_consume(&b, 100);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	/* consuming from an empty buffer is harmless */
	buf_consume(&b, 1);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	buf_release(&b);

	buf_init(&b, 0);
	buf_consume(&b, 3);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	buf_release(&b);
}

/* A full buffer frees room for more after a consume. */
static void
test_consume_frees_cap(void **state)
{
	struct buf b;

	buf_init(&b, 4);
	assert_int_equal(buf_adds(&b, "abcd"), 0);
	assert_int_equal(buf_addc(&b, 'e'), -1);
	buf_consume(&b, 1);
	assert_int_equal(buf_addc(&b, 'e'), 0);
	assert_int_equal(b.len, 4);
	assert_string_equal(b.data, "bcde");
	buf_release(&b);
}

static void
test_read_file(void **state)
{
	static const char content[] = "line one\nline two\0with a NUL\n";
	char *path = write_file("plain", content, sizeof content - 1);
	char *cause = NULL;
	struct buf b;

	buf_init(&b, 0);
	assert_int_equal(buf_adds(&b, ">"), 0);
	assert_int_equal(buf_read_file(&b, path, &cause), 0);
	assert_null(cause);
	/* the file is appended to what was there */
	assert_int_equal(b.len, 1 + sizeof content - 1);
	assert_int_equal(b.data[0], '>');
	assert_memory_equal(b.data + 1, content, sizeof content - 1);
	assert_int_equal(b.data[b.len], '\0');
	buf_release(&b);
	unlink(path);
	free(path);
}

/* A file bigger than one read() chunk arrives whole. */
static void
test_read_file_large(void **state)
{
	size_t n = 100000, i;
	char *data = xmalloc(n), *path, *cause = NULL;
	struct buf b;

	for (i = 0; i < n; i++)
		data[i] = (char)('a' + i % 26);
	path = write_file("large", data, n);
	buf_init(&b, 0);
	assert_int_equal(buf_read_file(&b, path, &cause), 0);
	assert_null(cause);
	assert_int_equal(b.len, n);
	assert_memory_equal(b.data, data, n);
	assert_int_equal(b.data[n], '\0');
	buf_release(&b);
	unlink(path);
	free(path);
	free(data);
}

static void
test_read_file_empty(void **state)
{
	char *path = write_file("empty", "", 0), *cause = NULL;
	struct buf b;

	buf_init(&b, 0);
	assert_int_equal(buf_read_file(&b, path, &cause), 0);
	assert_null(cause);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	buf_release(&b);
	unlink(path);
	free(path);
}

static void
test_read_file_missing(void **state)
{
	char *path = xasprintf("%s/does-not-exist", tmpdir), *cause = NULL;
	struct buf b;

	buf_init(&b, 0);
	assert_int_equal(buf_read_file(&b, path, &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, path));
	assert_non_null(strstr(cause, strerror(ENOENT)));
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	free(cause);
	buf_release(&b);
	free(path);
}

/* A file one byte over the cap fails; one exactly at the cap is read. */
static void
test_read_file_over_cap(void **state)
{
	char *big = write_file("big", "0123456789A", 11);
	char *fits = write_file("fits", "0123456789", 10);
	char *cause = NULL;
	struct buf b;

	buf_init(&b, 10);
	assert_int_equal(buf_read_file(&b, big, &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, big));
	assert_non_null(strstr(cause, "10"));
	assert_true(b.len <= 10);
	assert_int_equal(b.data[b.len], '\0');
	free(cause);
	cause = NULL;
	buf_release(&b);

	buf_init(&b, 10);
	assert_int_equal(buf_read_file(&b, fits, &cause), 0);
	assert_null(cause);
	assert_int_equal(b.len, 10);
	assert_string_equal(b.data, "0123456789");
	buf_release(&b);

	unlink(big);
	unlink(fits);
	free(big);
	free(fits);
}

/* A directory opens but cannot be read: that is an error naming the path. */
static void
test_read_file_directory(void **state)
{
	char *cause = NULL;
	struct buf b;

	buf_init(&b, 0);
	assert_int_equal(buf_read_file(&b, tmpdir, &cause), -1);
	assert_non_null(cause);
	assert_non_null(strstr(cause, tmpdir));
	free(cause);
	buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_empty),
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_add_nothing_to_empty),
		cmocka_unit_test(test_add_holds_nul),
		cmocka_unit_test(test_adds_addc),
		cmocka_unit_test(test_addf),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_cap_overflow),
		cmocka_unit_test(test_cap_from_empty),
		cmocka_unit_test(test_detach),
		cmocka_unit_test(test_detach_empty),
		cmocka_unit_test(test_consume),
		cmocka_unit_test(test_consume_frees_cap),
		cmocka_unit_test(test_read_file),
		cmocka_unit_test(test_read_file_large),
		cmocka_unit_test(test_read_file_empty),
		cmocka_unit_test(test_read_file_missing),
		cmocka_unit_test(test_read_file_over_cap),
		cmocka_unit_test(test_read_file_directory),
	};
	char *cmd;
	int r;

	if (mkdtemp(tmpdir) == NULL) {
		fprintf(stderr, "mkdtemp: %s\n", strerror(errno));
		return 99;
	}
	r = cmocka_run_group_tests(tests, NULL, NULL);
	/* a failed test may leave its file behind */
	cmd = xasprintf("rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	free(cmd);
	return r;
}
