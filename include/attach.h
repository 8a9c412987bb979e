/*
 * attach.h: files attached to a prompt (-f FILE, /attach FILE). Pure: reads,
 * classifies and encodes a file; no curses, readline or curl.
 *
 * A file is an image when its first bytes say PNG, JPEG or WebP (the name does
 * not matter); it is then sent as a data URL in a content part. Anything else
 * is text: refused when it holds a NUL byte (binary), its invalid UTF-8
 * repaired (each bad sequence becomes U+FFFD, counted in repaired). Only
 * regular files are read: a FIFO, a directory or a device is refused without
 * blocking.
 */
#ifndef CONFAB_ATTACH_H
#define CONFAB_ATTACH_H

#include "caps.h"

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

struct attach {
	char *name;	  /* the path as given, control characters as '?' */
	const char *mime; /* "text/plain", "image/png", "image/jpeg", "image/webp" */
	bool image;
	size_t size;	 /* the file's bytes */
	size_t repaired; /* text: invalid UTF-8 sequences replaced by U+FFFD */
	char *text;	 /* text: the contents, valid UTF-8 without NUL */
	char *url;	 /* image: "data:image/png;base64,..." */
	char sha256[65]; /* image: hex SHA-256 of the file */
};

/* The files waiting for the next prompt. */
struct attach_set {
	struct attach *v;
	size_t n;
	size_t total; /* bytes of all files */
};

/* Read and classify path; 0, or -1 with *cause (what is wrong and what to do). */
int attach_read(struct attach *a, const char *path, char **cause);
void attach_release(struct attach *a);

/* Read path and add it to set, within the limits; 0, or -1 with *cause. */
int attach_set_add(struct attach_set *set, const char *path, char **cause);
void attach_set_clear(struct attach_set *set); /* empty again; reusable */

/* "notes.txt (123 bytes, text)" (allocated). */
char *attach_describe(const struct attach *a);

/*
 * The prompt as sent and stored: prompt, then each text file fenced under its
 * name, then one line for each image (a placeholder that stays in the text):
 *
 *   File notes.txt (123 bytes):
 *   ```
 *   ...
 *   ```
 *   [image cat.png: image/png, 4567 bytes, sha256 HEX]
 *
 * The fence is longer than any run of backticks in the file. Allocated.
 */
char *attach_compose(const struct attach_set *set, const char *prompt);

/* The data URLs of the images, in order (borrowed from set; the array is allocated). */
const char **attach_urls(const struct attach_set *set, size_t *n);

/* Standard base64 of data[0..len), appended to out; -1 when out is full. */
int attach_base64(const void *data, size_t len, struct buf *out);

#endif
