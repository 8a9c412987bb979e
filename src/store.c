/* store.c: SQLite store: open, close, transactions, Terms and metadata, shared helpers. */
#include "common.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "consent.h"
#include "store.h"
#include "store-internal.h"

/* Whether the file at path is within a page of the file size limit. */
static bool
store_at_limit(const char *path, rlim_t limit)
{
	struct stat sb;

	/* A write fails past the limit; SQLite writes a page (up to 64 KiB, plus a WAL header). */
	return stat(path, &sb) == 0 && (uintmax_t)sb.st_size + 65536 + 24 > (uintmax_t)limit;
}

/*
 * Whether the store's files reached the file size limit, or its disk is full.
 * SQLite reports a failed write's errno from the global errno once the
 * statement has ended, which calls in between may have changed (0 after a
 * cache spill's write failed), so the limits themselves are looked at.
 */
static bool
store_out_of_room(const struct store *st)
{
	struct rlimit rl;
	struct statvfs vfs;
	bool full = false;
	char *wal;

	if (getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
		wal = xasprintf("%s-wal", st->path);
		full = store_at_limit(st->path, rl.rlim_cur) || store_at_limit(wal, rl.rlim_cur);
		free(wal);
	}
	if (!full && statvfs(st->path, &vfs) == 0)
		full = (uintmax_t)vfs.f_bavail * vfs.f_frsize < 65536 + 24;
	return full;
}

/* What to do about a failure, by its primary result code, or NULL. */
static const char *
store_hint(const struct store *st)
{
	int code = sqlite3_extended_errcode(st->db), err = sqlite3_system_errno(st->db);

	if ((code & 0xff) == SQLITE_IOERR &&
	    (err == ENOSPC || err == EFBIG || err == EDQUOT || store_out_of_room(st)))
		code = SQLITE_FULL;
	switch (code & 0xff) {
	case SQLITE_FULL:
		return _("the disk or a file size limit is full: free some space");
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return _("other confab processes held the store for over a minute: try again");
	case SQLITE_READONLY:
	case SQLITE_PERM:
		return _("the store is read-only: make it and its directory writable");
	case SQLITE_IOERR:
		return _("an I/O error: check the disk and its free space");
	}
	return NULL;
}

/* Format a SQLite failure as a cause. */
int
store_fail(struct store *st, const char *what, char **cause)
{
	const char *hint = store_hint(st);

	if (hint != NULL)
		/* TRANSLATORS: store PATH: what it was doing: SQLite's message (what to do). */
		*cause = xasprintf(_("store '%s': %s: %s (%s)"), st->path, what,
		    sqlite3_errmsg(st->db), hint);
	else
		/* TRANSLATORS: store PATH: what it was doing: SQLite's message. */
		*cause = xasprintf(_("store '%s': %s: %s"), st->path, what, sqlite3_errmsg(st->db));
	return -1;
}

int
store_exec(struct store *st, const char *sql, char **cause)
{
	char *err = NULL;
	const char *hint;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		hint = store_hint(st);
		if (hint != NULL)
			/* TRANSLATORS: store PATH: SQLite's message (what to do). */
			*cause = xasprintf(_("store '%s': %s (%s)"), st->path,
			    err != NULL ? err : "error", hint);
		else
			/* TRANSLATORS: store PATH: SQLite's message. */
			*cause = xasprintf(_("store '%s': %s"), st->path,
			    err != NULL ? err : "error");
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

sqlite3_stmt *
store_prepare(struct store *st, const char *sql, char **cause)
{
	sqlite3_stmt *s = NULL;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		/* TRANSLATORS: what the store was doing when SQLite failed. */
		store_fail(st, _("prepare"), cause);
		return NULL;
	}
	return s;
}

static int
store_read_only(const char *path, const char *why, char **cause)
{
	/* TRANSLATORS: %2$s says why (a system error message). */
	*cause = xasprintf(_("store '%s' is read-only (%s); nothing was changed: make the file "
			     "and its directory writable (chmod u+w), or point XDG_DATA_HOME "
			     "elsewhere"),
	    path, why);
	return -1;
}

/*
 * Refuse early, before anything writes to it, a file that is not a confab
 * store: not a database, another program's database (tables, but none of
 * confab's first ones), or one from a newer confab.
 */
static int
store_check_version(struct store *st, char **cause)
{
	sqlite3_stmt *s = NULL;
	int version, code, ok;

	/* One statement: one snapshot, even while another confab creates the schema. */
	if (sqlite3_prepare_v2(st->db,
		"SELECT user_version, (SELECT count(*) FROM "
		"sqlite_master), (SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
		"name IN ('consent_events', 'terms_versions', 'meta')) FROM pragma_user_version",
		-1, &s, NULL) != SQLITE_OK ||
	    sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_finalize(s);
		code = sqlite3_extended_errcode(st->db) & 0xff;
		if (code == SQLITE_READONLY || code == SQLITE_CANTOPEN || code == SQLITE_PERM)
			return store_read_only(st->path, sqlite3_errmsg(st->db), cause);
		/* TRANSLATORS: %2$s is SQLite's message. */
		*cause = xasprintf(_("store '%s' is not a confab database (%s); it was left as "
				     "it is: move it aside to start a new one"),
		    st->path, sqlite3_errmsg(st->db));
		return -1;
	}
	version = sqlite3_column_int(s, 0);
	/* Empty; or versioned, with some of confab's first tables (damaged, but confab's). */
	ok = version == 0 ? sqlite3_column_int(s, 1) == 0 : sqlite3_column_int(s, 2) > 0;
	sqlite3_finalize(s);
	if (version > STORE_SCHEMA_VERSION)
		return store_newer(st, version, cause);
	if (!ok) {
		*cause = xasprintf(
		    _("store '%s' is another program's database, not confab's; it was "
		      "left as it is: move it aside (or point XDG_DATA_HOME elsewhere) to start a "
		      "new one"),
		    st->path);
		return -1;
	}
	return 0;
}

/*
 * What is at the store's path, before SQLite opens it: nothing, or a
 * regular file that can be written, in a directory that can be written
 * (for the WAL files). A symbolic link is never followed.
 */
static int
store_check_path(const char *path, const char *dir, char **cause)
{
	struct stat sb;

	if (lstat(path, &sb) != 0) {
		if (errno != ENOENT)
			goto fail;
		if (access(dir, W_OK | X_OK) == 0)
			return 0;
		*cause =
		    xasprintf(_("cannot create store '%s': its directory is read-only; make "
				"it writable (chmod u+w '%s'), or point XDG_DATA_HOME elsewhere"),
			path, dir);
		return -1;
	}
	if (S_ISLNK(sb.st_mode)) {
		*cause = xasprintf(
		    _("store '%s' is a symbolic link, which confab never follows; it "
		      "was left as it is: put the store itself there, or point XDG_DATA_HOME at the "
		      "directory it is in"),
		    path);
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		*cause =
		    xasprintf(_("store '%s' is not a regular file; it was left as it is: move it "
				"aside to start a new one"),
			path);
		return -1;
	}
	if (access(path, R_OK | W_OK) != 0)
		return store_read_only(path, strerror(errno), cause);
	if (access(dir, W_OK | X_OK) != 0)
		return store_read_only(path, _("its directory cannot be written"), cause);
	return 0;
fail:
	*cause = xasprintf(_("cannot open store '%s': %s"), path, strerror(errno));
	return -1;
}

struct store *
store_open(const char *path, char **cause)
{
	struct store *st = xcalloc(1, sizeof *st);
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	mode_t old;
	int r;

	st->path = xstrdup(path);
	if (slash != NULL && slash != dir) {
		*slash = '\0';
		if (config_mkdir(dir, cause) != 0)
			goto fail;
	}
	if (store_check_path(path, slash != NULL && slash != dir ? dir : ".", cause) != 0)
		goto fail;
	old = umask(077);
	r = sqlite3_open_v2(path, &st->db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW, NULL);
	umask(old);
	if (r != SQLITE_OK) {
		*cause = xasprintf(_("cannot open store '%s': %s"), path,
		    st->db != NULL ? sqlite3_errmsg(st->db) : sqlite3_errstr(r));
		goto fail;
	}
	sqlite3_busy_timeout(st->db, STORE_BUSY_MS);
	sqlite3_extended_result_codes(st->db, 1);
	if (store_check_version(st, cause) != 0)
		goto fail;
	if (store_exec(st,
		"PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; "
		"PRAGMA synchronous = NORMAL;",
		cause) != 0)
		goto fail;
	if (store_migrate(st, cause) != 0)
		goto fail;
	/* Only a store that opened: a refused file keeps its mode. */
	chmod(path, 0600);
	if (slash != NULL && slash != dir)
		chmod(dir, 0700);
	free(dir);
	st->writer = store_writer_self();
	store_recover(st);
	return st;
fail:
	free(dir);
	store_close(st);
	return NULL;
}

const char *
store_path(const struct store *st)
{
	return st->path;
}

void
store_ledger_set_endpoint(struct store *st, const char *url)
{
	free(st->endpoint);
	st->endpoint = xstrdup_or_null(url);
}

const char *
store_ledger_endpoint(const struct store *st)
{
	return st->endpoint;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	sqlite3_close(st->db);
	free(st->path);
	free(st->writer);
	free(st->endpoint);
	free(st);
}

/*
 * Durability: chat rows commit with synchronous=NORMAL (in WAL mode a crash
 * of confab loses no commit; a power loss may lose the last commits since
 * the WAL was last synced, never the store's consistency), and every
 * explicit transaction (the consent ledger, migrations, feedback, deletes)
 * with synchronous=FULL, which syncs the WAL at its commit.
 */
int
store_begin(struct store *st, char **cause)
{
	return store_exec(st, "PRAGMA synchronous = FULL; BEGIN IMMEDIATE", cause);
}

int
store_commit(struct store *st, char **cause)
{
	int r = store_exec(st, "COMMIT", cause);

	if (r == 0)
		sqlite3_exec(st->db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
	return r;
}

void
store_rollback(struct store *st)
{
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_exec(st->db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
}

char *
store_now(void)
{
	struct timespec ts;
	struct tm tm;
	char s[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%S", &tm);
	return xasprintf("%s.%03ldZ", s, ts.tv_nsec / 1000000);
}

int
store_terms_put(struct store *st, const char *sha256, const char *date_label, const char *text,
    size_t len, const char *source, char **cause)
{
	sqlite3_stmt *s = store_prepare(st,
	    "INSERT OR IGNORE INTO terms_versions "
	    "(sha256, date_label, body, source, first_seen) VALUES (?, ?, ?, ?, ?)",
	    cause);
	char *now = store_now();
	int r = 0;

	if (s == NULL) {
		free(now);
		return -1;
	}
	sqlite3_bind_text(s, 1, sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, date_label, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, text, (int)len, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, source, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, now, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		r = store_fail(st, _("saving a Terms version"), cause);
	sqlite3_finalize(s);
	free(now);
	return r;
}

char *
store_terms_get(struct store *st, const char *sha256, size_t *len, char **cause)
{
	sqlite3_stmt *s = store_prepare(st, "SELECT body FROM terms_versions WHERE sha256 = ?",
	    cause);
	char *body = NULL;
	int rc;

	if (s == NULL)
		return NULL;
	sqlite3_bind_text(s, 1, sha256, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*len = (size_t)sqlite3_column_bytes(s, 0);
		body = xstrndup((const char *)sqlite3_column_text(s, 0), *len);
	} else if (rc != SQLITE_DONE)
		store_fail(st, _("reading a Terms version"), cause);
	sqlite3_finalize(s);
	return body;
}

char *
store_meta_get(struct store *st, const char *key)
{
	char *cause = NULL, *v = NULL;
	sqlite3_stmt *s = store_prepare(st, "SELECT value FROM meta WHERE key = ?", &cause);

	free(cause);
	if (s == NULL)
		return NULL;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = xstrdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return v;
}

int
store_meta_set(struct store *st, const char *key, const char *value, char **cause)
{
	sqlite3_stmt *s = store_prepare(st,
	    "INSERT INTO meta (key, value) VALUES (?, ?) "
	    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
	    cause);
	int r = 0;

	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		r = store_fail(st, _("saving metadata"), cause);
	sqlite3_finalize(s);
	return r;
}

void
store_bind_opt(sqlite3_stmt *s, int i, const char *v)
{
	if (v != NULL)
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

void
store_bind_int_opt(sqlite3_stmt *s, int i, int64_t v)
{
	if (v >= 0)
		sqlite3_bind_int64(s, i, v);
	else
		sqlite3_bind_null(s, i);
}

char *
store_col_text(sqlite3_stmt *s, int i)
{
	const unsigned char *v = sqlite3_column_text(s, i);

	return v != NULL ? (char *)v : NULL;
}

int64_t
store_col_int_opt(sqlite3_stmt *s, int i)
{
	return sqlite3_column_type(s, i) == SQLITE_NULL ? -1 : sqlite3_column_int64(s, i);
}
