/* attach.c: files attached to a prompt: read, classify, encode. */
#include "common.h"

#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "attach.h"
#include "buf.h"
#include "text.h"

/* Image formats, by their first bytes. */
/* clang-format off */
static const struct {
	const char *mime;
	const char *magic;
	size_t len;
	size_t off;		/* where magic is */
} attach_magic[] = {
	{ "image/png", "\x89PNG\r\n\x1a\n", 8, 0 },
	{ "image/jpeg", "\xff\xd8\xff", 3, 0 },
	{ "image/webp", "WEBP", 4, 8 },		/* after "RIFF" and a length */
};
/* clang-format on */

static const char *
attach_image_type(const char *data, size_t len)
{
	size_t i;

	for (i = 0; i < nitems(attach_magic); i++) {
		if (len < attach_magic[i].off + attach_magic[i].len)
			continue;
		if (attach_magic[i].off > 0 && memcmp(data, "RIFF", 4) != 0)
			continue;
		if (memcmp(data + attach_magic[i].off, attach_magic[i].magic,
			attach_magic[i].len) == 0)
			return attach_magic[i].mime;
	}
	return NULL;
}

int
attach_base64(const void *data, size_t len, struct buf *out)
{
	size_t room = 4 * ((len + 2) / 3) + 1, n;
	char *tmp;

	if (len > (size_t)INT32_MAX / 2)
		return -1;
	tmp = xmalloc(room);
	n = (size_t)EVP_EncodeBlock((unsigned char *)tmp, data, (int)len);
	n = buf_add(out, tmp, n) != 0 ? (size_t)-1 : 0;
	free(tmp);
	return n == 0 ? 0 : -1;
}

static void
attach_sha256(const void *data, size_t len, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	if (EVP_Digest(data, len, md, &n, EVP_sha256(), NULL) != 1 || n != 32)
		fatal("%s", _("SHA-256 failed in libcrypto"));
	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* The name as given, safe to show and to put in a prompt. */
static char *
attach_name(const char *path)
{
	char *name = xstrdup(path), *p;

	for (p = name; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return name;
}

/* The refusal of a file of size bytes, over the limit of its kind (image or text); -1. */
static int
attach_too_big(const struct attach *a, bool image, size_t size, char **cause)
{
	if (image)
		/* TRANSLATORS: a file's name, its size and the most allowed, in bytes. */
		*cause = xasprintf(_("cannot attach '%s': the image is %zu bytes, more than the "
				     "%zu allowed (make it smaller)"),
		    a->name, size, ATTACH_IMAGE_MAX);
	else
		/* TRANSLATORS: a file's name, its size and the most allowed, in bytes. */
		*cause = xasprintf(_("cannot attach '%s': the text file is %zu bytes, more than "
				     "the %zu allowed (attach a part of it)"),
		    a->name, size, ATTACH_TEXT_MAX);
	return -1;
}

static int
attach_image(struct attach *a, const char *mime, const struct buf *b, char **cause)
{
	struct buf url;

	if (b->len > ATTACH_IMAGE_MAX)
		return attach_too_big(a, true, b->len, cause);
	buf_init(&url, 0);
	buf_addf(&url, "data:%s;base64,", mime);
	if (attach_base64(b->data, b->len, &url) != 0)
		fatal(_("out of memory encoding '%s'"), a->name);
	a->image = true;
	a->mime = mime;
	a->url = buf_detach(&url, NULL);
	attach_sha256(b->data, b->len, a->sha256);
	return 0;
}

static int
attach_text(struct attach *a, const struct buf *b, char **cause)
{
	struct buf fixed;
	size_t bad;

	if (b->len > ATTACH_TEXT_MAX)
		return attach_too_big(a, false, b->len, cause);
	if (memchr(b->data, '\0', b->len) != NULL) {
		*cause = xasprintf(_("cannot attach '%s': it is a binary file (it holds a NUL "
				     "byte); only text files and PNG, JPEG or WebP images can be "
				     "attached"),
		    a->name);
		return -1;
	}
	a->mime = "text/plain";
	if (text_utf8_valid(b->data, b->len, &bad)) {
		a->text = xstrndup(b->data, b->len);
		return 0;
	}
	buf_init(&fixed, 0);
	(void)text_utf8_repair(b->data, b->len, &fixed, &a->repaired);
	a->text = buf_detach(&fixed, NULL);
	return 0;
}

int
attach_read(struct attach *a, const char *path, char **cause)
{
	struct stat st;
	struct buf b;
	const char *mime;
	char *why = NULL;
	int fd, r;

	memset(a, 0, sizeof *a);
	a->name = attach_name(path);
	if ((fd = buf_open_regular(path, &st, &why)) < 0) {
		/* TRANSLATORS: %s says why the file cannot be read (it names the file). */
		*cause = xasprintf(_("cannot attach: %s"), why);
		free(why);
		attach_release(a);
		return -1;
	}
	if ((size_t)st.st_size > ATTACH_IMAGE_MAX) {
		/* Over both limits: its first bytes say which kind, and so which limit, to quote. */
		char head[16];
		ssize_t n = read(fd, head, sizeof head);

		close(fd);
		mime = n > 0 ? attach_image_type(head, (size_t)n) : NULL;
		attach_too_big(a, mime != NULL, (size_t)st.st_size, cause);
		attach_release(a);
		return -1;
	}
	buf_init(&b, ATTACH_IMAGE_MAX + 1);
	r = buf_read_fd(&b, fd, path, cause);
	close(fd);
	if (r == 0 && b.len > ATTACH_IMAGE_MAX) { /* it grew while read */
		*cause = xasprintf(_("cannot attach '%s': it is larger than %zu bytes (text "
				     "files may have %zu, images %zu)"),
		    a->name, ATTACH_IMAGE_MAX, ATTACH_TEXT_MAX, ATTACH_IMAGE_MAX);
		r = -1;
	}
	if (r == 0) {
		a->size = b.len;
		mime = attach_image_type(b.data, b.len);
		r = mime != NULL ? attach_image(a, mime, &b, cause) : attach_text(a, &b, cause);
	}
	buf_release(&b);
	if (r != 0)
		attach_release(a);
	return r;
}

void
attach_release(struct attach *a)
{
	free(a->name);
	free(a->text);
	free(a->url);
	memset(a, 0, sizeof *a);
}

int
attach_set_add(struct attach_set *set, const char *path, char **cause)
{
	struct attach a;

	if (set->n >= ATTACH_FILES_MAX) {
		*cause = xasprintf(_("cannot attach '%s': %d files are already attached, the most "
				     "one prompt takes"),
		    path, ATTACH_FILES_MAX);
		return -1;
	}
	if (attach_read(&a, path, cause) != 0)
		return -1;
	if (set->total + a.size > ATTACH_TOTAL_MAX) {
		*cause = xasprintf(_("cannot attach '%s': the files attached would be %zu bytes "
				     "together, more than the %zu allowed (/attach clear drops "
				     "them)"),
		    a.name, set->total + a.size, ATTACH_TOTAL_MAX);
		attach_release(&a);
		return -1;
	}
	set->v = xreallocarray(set->v, set->n + 1, sizeof *set->v);
	set->v[set->n++] = a;
	set->total += a.size;
	return 0;
}

void
attach_set_clear(struct attach_set *set)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		attach_release(&set->v[i]);
	free(set->v);
	memset(set, 0, sizeof *set);
}

char *
attach_describe(const struct attach *a)
{
	/* TRANSLATORS: a file's name, its size in bytes, and its type (a MIME type or "text"). */
	return xasprintf(_("%s (%zu bytes, %s)"), a->name, a->size, a->image ? a->mime : _("text"));
}

/* The longest run of backticks in s. */
static size_t
attach_ticks(const char *s)
{
	size_t run = 0, most = 0;

	for (; *s != '\0'; s++) {
		run = *s == '`' ? run + 1 : 0;
		if (run > most)
			most = run;
	}
	return most;
}

static void
attach_fence(struct buf *b, size_t n)
{
	while (n-- > 0)
		buf_addc(b, '`');
}

static void
attach_compose_text(struct buf *b, const struct attach *a)
{
	size_t ticks = attach_ticks(a->text) + 1, len = strlen(a->text);

	if (ticks < 3)
		ticks = 3;
	buf_addf(b, "File %s (%zu bytes):\n", a->name, a->size);
	attach_fence(b, ticks);
	buf_addc(b, '\n');
	buf_add(b, a->text, len);
	if (len > 0 && a->text[len - 1] != '\n')
		buf_addc(b, '\n');
	attach_fence(b, ticks);
}

char *
attach_compose(const struct attach_set *set, const char *prompt)
{
	struct buf b;
	size_t i;

	buf_init(&b, 0);
	buf_adds(&b, prompt);
	for (i = 0; i < set->n; i++) {
		if (b.len > 0)
			buf_adds(&b, "\n\n");
		if (set->v[i].image)
			buf_addf(&b, "[image %s: %s, %zu bytes, sha256 %s]", set->v[i].name,
			    set->v[i].mime, set->v[i].size, set->v[i].sha256);
		else
			attach_compose_text(&b, &set->v[i]);
	}
	return buf_detach(&b, NULL);
}

const char **
attach_urls(const struct attach_set *set, size_t *n)
{
	const char **v = xcalloc(set->n + 1, sizeof *v);
	size_t i;

	*n = 0;
	for (i = 0; i < set->n; i++)
		if (set->v[i].image)
			v[(*n)++] = set->v[i].url;
	return v;
}
