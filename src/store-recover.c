/* store-recover.c: answers left streaming by a confab that no longer runs. */
#include "common.h"

#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <unistd.h>

#include "store.h"
#include "store-internal.h"

#define STORE_RECOVER_WAIT_MS 2000 /* never long: the next start tries again */
#define STORE_FIELD_MAX 256

/* The first line of a small file, or "-". */
static void
store_first_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");

	if (f == NULL || fgets(buf, (int)size, f) == NULL || buf[0] == '\n' || buf[0] == '\0')
		snprintf(buf, size, "-");
	buf[strcspn(buf, "\n ")] = '\0';
	if (f != NULL)
		fclose(f);
}

/* A process's start time in clock ticks since boot (field 22 of /proc/PID/stat), or "-". */
static void
store_start_time(long pid, char *buf, size_t size)
{
	char path[64], stat[1024], *p;
	unsigned long long start;
	FILE *f;
	size_t n;
	int field;

	snprintf(buf, size, "-");
	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	if ((f = fopen(path, "r")) == NULL)
		return;
	n = fread(stat, 1, sizeof stat - 1, f);
	fclose(f);
	stat[n] = '\0';
	p = strrchr(stat, ')'); /* the command name (field 2) may hold spaces */
	for (field = 2; field < 22 && p != NULL; field++)
		p = strchr(p + 1, ' ');
	if (p != NULL && sscanf(p + 1, "%llu", &start) == 1)
		snprintf(buf, size, "%llu", start);
}

char *
store_writer_self(void)
{
	char host[STORE_FIELD_MAX], boot[STORE_FIELD_MAX], start[STORE_FIELD_MAX];

	if (gethostname(host, sizeof host) != 0 || host[0] == '\0')
		snprintf(host, sizeof host, "-");
	host[sizeof host - 1] = '\0';
	host[strcspn(host, " ")] = '\0';
	store_first_line("/proc/sys/kernel/random/boot_id", boot, sizeof boot);
	store_start_time((long)getpid(), start, sizeof start);
	return xasprintf("%s %ld %s %s", host, (long)getpid(), boot, start);
}

struct store_writer {
	char host[STORE_FIELD_MAX];
	long pid;
	char boot[STORE_FIELD_MAX];
	char start[STORE_FIELD_MAX];
};

static int
store_writer_parse(const char *s, struct store_writer *w)
{
	return sscanf(s, "%255s %ld %255s %255s", w->host, &w->pid, w->boot, w->start) == 4 &&
		w->pid > 0 ?
	    0 :
	    -1;
}

/*
 * Whether the writer a row names is known to be gone: same host, and
 * another boot, or no such process, or a process of that id started at
 * another time (the id reused). Anything unsure counts as alive.
 */
static bool
store_writer_dead(const char *row, const char *self)
{
	struct store_writer w, me;
	char start[STORE_FIELD_MAX];

	if (store_writer_parse(row, &w) != 0 || store_writer_parse(self, &me) != 0)
		return false;
	if (strcmp(w.host, me.host) != 0)
		return false; /* another machine sharing the store: cannot tell */
	if (strcmp(w.boot, "-") != 0 && strcmp(me.boot, "-") != 0)
		if (strcmp(w.boot, me.boot) != 0)
			return true;
	if (kill((pid_t)w.pid, 0) != 0 && errno == ESRCH)
		return true;
	store_start_time(w.pid, start, sizeof start);
	return strcmp(w.start, "-") != 0 && strcmp(start, "-") != 0 && strcmp(w.start, start) != 0;
}

/* The rows left streaming whose writer is gone (*n of them; caller frees). */
static int64_t *
store_recover_find(struct store *st, size_t *n)
{
	sqlite3_stmt *s = NULL;
	int64_t *ids = NULL;
	const char *w;
	bool dead;

	*n = 0;
	/* A row from before writers were recorded: gone once a day old. */
	if (sqlite3_prepare_v2(st->db,
		"SELECT id, writer, created < strftime('%Y-%m-%dT%H:%M:%fZ', "
		"'now', '-1 day') FROM messages WHERE status = 'streaming'",
		-1, &s, NULL) != SQLITE_OK)
		return NULL;
	while (sqlite3_step(s) == SQLITE_ROW) {
		w = (const char *)sqlite3_column_text(s, 1);
		dead = w != NULL ? store_writer_dead(w, st->writer) : sqlite3_column_int(s, 2) != 0;
		if (dead) {
			ids = xreallocarray(ids, *n + 1, sizeof *ids);
			ids[(*n)++] = sqlite3_column_int64(s, 0);
		}
	}
	sqlite3_finalize(s);
	return ids;
}

void
store_recover(struct store *st)
{
	sqlite3_stmt *u = NULL;
	size_t n, i;
	int64_t *ids = store_recover_find(st, &n);
	int ok;

	if (n == 0) {
		free(ids);
		return;
	}
	sqlite3_busy_timeout(st->db, STORE_RECOVER_WAIT_MS);
	ok = sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;
	if (ok &&
	    sqlite3_prepare_v2(st->db,
		"UPDATE messages AS m SET content = " STORE_CONTENT ", "
		"reasoning = " STORE_REASONING ", status = 'interrupted', "
		"error = coalesce(error, 'confab ended before the answer was complete') "
		"WHERE id = ? AND status = 'streaming'",
		-1, &u, NULL) != SQLITE_OK)
		ok = false;
	for (i = 0; ok && i < n; i++) {
		sqlite3_bind_int64(u, 1, ids[i]);
		ok = sqlite3_step(u) == SQLITE_DONE;
		sqlite3_reset(u);
	}
	sqlite3_finalize(u);
	if (ok && sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		ok = false;
	if (!ok)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_busy_timeout(st->db, STORE_BUSY_MS);
	free(ids);
}
