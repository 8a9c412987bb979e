/* session-attach.c: the files waiting for the next prompt (-f and /attach). */
#include "common.h"

#include <dirent.h>
#include <sys/stat.h>

#include "attach.h"
#include "buf.h"
#include "session.h"
#include "session-internal.h"
#include "slash.h"

int
session_attach(struct session *s, const char *path, char **cause)
{
	const struct attach *a;
	char *d;

	if (attach_set_add(&s->att, path, cause) != 0)
		return -1;
	a = &s->att.v[s->att.n - 1];
	d = attach_describe(a);
	if (a->repaired > 0)
		/* TRANSLATORS: %s describes the file ("name (12 bytes, text)"). */
		session_sayf(s, false,
		    P_("attached %s (warning: %zu invalid UTF-8 sequence replaced by U+FFFD)",
			"attached %s (warning: %zu invalid UTF-8 sequences replaced by U+FFFD)",
			(unsigned long)a->repaired),
		    d, a->repaired);
	else
		/* TRANSLATORS: %s describes the file ("name (12 bytes, text)"). */
		session_sayf(s, false, _("attached %s"), d);
	free(d);
	return 0;
}

/* The files of -f, in order; EXIT_USAGE with *cause at the first that fails. */
int
session_attach_args(struct session *s, char **cause)
{
	size_t i;

	for (i = 0; i < s->app->nattach; i++)
		if (session_attach(s, s->app->attach[i], cause) != 0)
			return EXIT_USAGE;
	return 0;
}

/* /attach: list the files waiting for the next prompt. */
void
session_attach_list(struct session *s)
{
	struct buf b;
	char *d;
	size_t i;

	if (s->att.n == 0) {
		session_say(s, _("no files are attached; /attach FILE adds one to the next prompt"),
		    false);
		return;
	}
	buf_init(&b, 0);
	buf_addf(&b, _("attached to the next prompt (%zu bytes; /attach clear drops them):"),
	    s->att.total);
	for (i = 0; i < s->att.n; i++) {
		d = attach_describe(&s->att.v[i]);
		buf_addf(&b, "\n  %s", d);
		free(d);
	}
	session_say(s, b.data, false);
	buf_release(&b);
}

/* The path typed after /attach: trailing blanks go, a leading ~/ is $HOME. Allocated. */
char *
session_attach_path(const char *what)
{
	const char *home = getenv("HOME");
	size_t len = strlen(what);

	while (len > 0 && (what[len - 1] == ' ' || what[len - 1] == '\t'))
		len--;
	if (strncmp(what, "~/", 2) == 0 && home != NULL && *home != '\0')
		return xasprintf("%s/%.*s", home, (int)(len - 2), what + 2);
	return xstrndup(what, len);
}

static int
session_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Tab after /attach: the paths that complete typed (as typed, ~/ kept), a
 * directory with a slash after it; dot files only when typed asks for them.
 * As slash_matches() gives them, or NULL.
 */
char **
session_attach_complete(const char *typed)
{
	const char *slash = strrchr(typed, '/'), *base = slash != NULL ? slash + 1 : typed;
	size_t dlen = (size_t)(base - typed), blen = strlen(base), n = 0, i;
	char *dir = dlen > 0 ? xstrndup(typed, dlen) : xstrdup("./"), *real, *full, **names = NULL;
	char **out;
	struct dirent *e;
	struct stat st;
	DIR *d;

	real = session_attach_path(dir);
	if ((d = opendir(real)) == NULL) {
		free(real);
		free(dir);
		return NULL;
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    (e->d_name[0] == '.' && base[0] != '.') || strncmp(e->d_name, base, blen) != 0)
			continue;
		full = xasprintf("%s%s", real, e->d_name);
		names = xreallocarray(names, n + 1, sizeof *names);
		names[n++] = xasprintf("%.*s%s%s", (int)dlen, typed, e->d_name,
		    stat(full, &st) == 0 && S_ISDIR(st.st_mode) ? "/" : "");
		free(full);
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof *names, session_name_cmp);
	out = slash_matches((const char *const *)names, n, typed);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(real);
	free(dir);
	return out;
}
