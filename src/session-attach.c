/* session-attach.c: the files waiting for the next prompt (-f and /attach). */
#include "common.h"

#include "attach.h"
#include "buf.h"
#include "session.h"
#include "session-internal.h"

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
