/*
 * config-write.c: add a [profile NAME] section to the config file, atomically:
 * the old content and a new section go to a temporary file beside it, with the
 * old file's mode, which then replaces it (rename). The old content is kept
 * byte for byte; nothing is lost when anything fails.
 */
#include "common.h"

#include "config.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <libgen.h>
#include <unistd.h>

#include "buf.h"

/* Is there a "[profile name]" line (blanks aside)? */
static bool
config_write_has(const char *text, size_t len, const char *name)
{
	char *want = xasprintf("[profile %s]", name);
	size_t i = 0, e, wl = strlen(want);
	bool found = false;

	while (i < len && !found) {
		for (e = i; e < len && text[e] != '\n'; e++)
			;
		while (i < e && (text[i] == ' ' || text[i] == '\t'))
			i++;
		found = e - i >= wl && strncmp(text + i, want, wl) == 0;
		i = e + 1;
	}
	free(want);
	return found;
}

/* Is line s[0..len) "base_url = url" (or ':'), blanks aside? */
static bool
config_write_is_url(const char *s, size_t len, const char *url)
{
	size_t i = 0, ul = strlen(url);

	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (len - i < 8 || strncmp(s + i, "base_url", 8) != 0)
		return false;
	for (i += 8; i < len && (s[i] == ' ' || s[i] == '\t'); i++)
		;
	if (i == len || (s[i] != '=' && s[i] != ':'))
		return false;
	for (i++; i < len && (s[i] == ' ' || s[i] == '\t'); i++)
		;
	while (len > i && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
		len--;
	return len - i == ul && strncmp(s + i, url, ul) == 0;
}

bool
config_profile_with_url(const char *path, const char *url)
{
	struct buf b;
	struct stat st;
	char *why = NULL;
	size_t i = 0, e;
	bool in_profile = false, found = false;
	int fd;

	if ((fd = buf_open_regular(path, &st, &why)) < 0) {
		free(why);
		return false;
	}
	buf_init(&b, CONFIG_FILE_MAX);
	if (buf_read_fd(&b, fd, path, &why) != 0)
		b.len = 0;
	close(fd);
	free(why);
	while (i < b.len && !found) {
		for (e = i; e < b.len && b.data[e] != '\n'; e++)
			;
		if (b.data[i + strspn(b.data + i, " \t")] == '[')
			in_profile = true;
		else if (in_profile)
			found = config_write_is_url(b.data + i, e - i, url);
		i = e + 1;
	}
	buf_release(&b);
	return found;
}

/* A value that can go on a config line as it is: no controls, no comment. */
static bool
config_write_value_ok(const char *v)
{
	for (; *v != '\0'; v++)
		if ((unsigned char)*v < 0x20 || *v == 0x7f || *v == ';' || *v == '#')
			return false;
	return true;
}

/* Write data to a new temporary file beside path, with mode, then rename it over path. */
static int
config_write_replace(const char *path, const char *data, size_t len, mode_t mode, char **cause)
{
	char *tmp = xasprintf("%s.XXXXXX", path);
	ssize_t w;
	size_t off = 0;
	int fd;

	if ((fd = mkstemp(tmp)) < 0) {
		*cause = xasprintf(_("cannot create a file beside '%s': %s"), path,
		    strerror(errno));
		free(tmp);
		return -1;
	}
	while (off < len && (w = write(fd, data + off, len - off)) > 0)
		off += (size_t)w;
	if (off != len || fchmod(fd, mode & 07777) != 0 || fsync(fd) != 0 || close(fd) != 0 ||
	    rename(tmp, path) != 0) {
		*cause = xasprintf(_("cannot write '%s': %s (it is unchanged)"), path,
		    strerror(errno));
		if (fcntl(fd, F_GETFD) != -1)
			close(fd);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

int
config_profile_save(const char *path, const char *stem, const char *base_url, const char *model,
    char **name, char **cause)
{
	struct buf b;
	struct stat st;
	char *real, *dir, *why = NULL;
	int fd, r, i;

	*name = NULL;
	if (!config_write_value_ok(base_url) || !config_write_value_ok(model)) {
		*cause = xstrdup(_("the endpoint or the model name has characters a config line "
				   "cannot hold"));
		return -1;
	}
	real = realpath(path, NULL); /* a symbolic link stays one: its target is replaced */
	if (real == NULL)
		real = xstrdup(path);
	buf_init(&b, CONFIG_FILE_MAX);
	st.st_mode = 0600;
	if ((fd = buf_open_regular(real, &st, &why)) >= 0) {
		r = buf_read_fd(&b, fd, real, &why);
		close(fd);
	} else
		r = errno == ENOENT ? 0 : -1;
	if (r != 0) {
		*cause = xasprintf(_("cannot read config: %s"),
		    why != NULL ? why : strerror(errno));
		goto out;
	}
	dir = xstrdup(real);
	r = config_mkdir(dirname(dir), cause);
	free(dir);
	if (r != 0)
		goto out;
	*name = xstrdup(stem);
	for (i = 2; config_write_has(b.data, b.len, *name); i++) {
		free(*name);
		*name = xasprintf("%s-%d", stem, i);
	}
	if (b.len > 0 && b.data[b.len - 1] != '\n')
		buf_addc(&b, '\n');
	buf_addf(&b, "%s[profile %s]\nbase_url = %s\nmodel = %s\n", b.len > 0 ? "\n" : "", *name,
	    base_url, model);
	if ((r = config_write_replace(real, b.data, b.len, st.st_mode, cause)) != 0) {
		free(*name);
		*name = NULL;
	}
out:
	free(why);
	free(real);
	buf_release(&b);
	return r;
}
