/* test-attach.c: unit tests for attachments (attach.c) and their content parts (api.c). */
#include "common.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "api.h"
#include "attach.h"
#include "buf.h"

static char dir[] = "/tmp/confab-test-attach.XXXXXX";

/* A file in the test directory holding data[0..len); its path (static). */
static const char *
put(const char *name, const void *data, size_t len)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
	return path;
}

static void
test_base64(void **state)
{
	/* RFC 4648, section 10 */
	static const char *const in[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *const out[] = { "", "Zg==", "Zm8=", "Zm9v",
		"Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
	struct buf b;
	size_t i;

	for (i = 0; i < nitems(in); i++) {
		buf_init(&b, 0);
		assert_int_equal(attach_base64(in[i], strlen(in[i]), &b), 0);
		assert_string_equal(b.len > 0 ? b.data : "", out[i]);
		buf_release(&b);
	}
}

static void
test_image_by_bytes(void **state)
{
	struct attach a;
	char *cause = NULL;

	assert_int_equal(attach_read(&a, put("x.txt", "\x89PNG\r\n\x1a\n\x01", 9), &cause), 0);
	assert_true(a.image);
	assert_string_equal(a.mime, "image/png");
	assert_string_equal(a.url, "data:image/png;base64,iVBORw0KGgoB");
	assert_int_equal(a.size, 9);
	attach_release(&a);
	assert_int_equal(attach_read(&a, put("y.png", "RIFF\0\0\0\0WEBPVP8 ", 16), &cause), 0);
	assert_string_equal(a.mime, "image/webp");
	attach_release(&a);
	/* RIFF without WEBP is not an image; its NUL bytes make it binary */
	assert_int_equal(attach_read(&a, put("z.wav", "RIFF\0\0\0\0WAVEfmt ", 16), &cause), -1);
	assert_non_null(strstr(cause, "binary"));
	free(cause);
}

static void
test_text_fence(void **state)
{
	struct attach_set set = { 0 };
	char *cause = NULL, *full;

	assert_int_equal(attach_set_add(&set, put("a.md", "x ```` y", 8), &cause), 0);
	full = attach_compose(&set, "look");
	assert_non_null(strstr(full, "look\n\nFile "));
	assert_non_null(strstr(full, "a.md (8 bytes):\n`````\nx ```` y\n`````"));
	free(full);
	attach_set_clear(&set);
}

static void
test_not_regular(void **state)
{
	struct attach a;
	char *cause = NULL, path[256];

	snprintf(path, sizeof path, "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(attach_read(&a, path, &cause), -1); /* and does not block */
	assert_non_null(strstr(cause, "not a regular file"));
	free(cause);
	assert_int_equal(attach_read(&a, dir, &cause), -1);
	free(cause);
	unlink(path);
}

static void
test_repaired(void **state)
{
	struct attach a;
	char *cause = NULL;

	assert_int_equal(attach_read(&a, put("l1.txt", "caf\xe9", 4), &cause), 0);
	assert_false(a.image);
	assert_int_equal(a.repaired, 1);
	assert_string_equal(a.text, "caf\xef\xbf\xbd");
	attach_release(&a);
}

static void
test_request_parts(void **state)
{
	struct api_message msgs[2];
	const char *images[] = { "data:image/png;base64,AAAA" };
	struct api_request r;
	char *json;
	cJSON *root, *m;

	memset(&r, 0, sizeof r);
	memset(msgs, 0, sizeof msgs);
	msgs[0].role = API_USER;
	msgs[0].content = "earlier";
	msgs[1].role = API_USER;
	msgs[1].content = "what is this";
	r.messages = msgs;
	r.nmessages = 2;
	r.temperature = -1;
	r.enable_thinking = -1;
	r.images = images;
	r.nimages = 1;
	json = api_request_json(&r);
	assert_non_null(root = cJSON_Parse(json));
	m = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "messages"), 0);
	assert_true(cJSON_IsString(cJSON_GetObjectItem(m, "content")));
	m = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "messages"), 1);
	m = cJSON_GetObjectItem(m, "content");
	assert_int_equal(cJSON_GetArraySize(m), 2);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(m, 0), "type")->valuestring,
	    "text");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(m, 0), "text")->valuestring,
	    "what is this");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(m, 1), "type")->valuestring,
	    "image_url");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetArrayItem(m, 1),
						    "image_url"),
				"url")
				->valuestring,
	    images[0]);
	cJSON_Delete(root);
	free(json);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_image_by_bytes),
		cmocka_unit_test(test_text_fence),
		cmocka_unit_test(test_not_regular),
		cmocka_unit_test(test_repaired),
		cmocka_unit_test(test_request_parts),
	};
	static const char *const names[] = { "x.txt", "y.png", "z.wav", "a.md", "l1.txt" };
	char path[256];
	size_t i;
	int r;

	if (mkdtemp(dir) == NULL)
		return 1;
	r = cmocka_run_group_tests(tests, NULL, NULL);
	for (i = 0; i < nitems(names); i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
	return r;
}
