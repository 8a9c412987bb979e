/*
 * store-internal.h: what the store-*.c files share. Only they include
 * sqlite3.h: store.c (open, migrations, ledger, conversations), and one file
 * per later area (store-feedback.c, store-log.c) with its typed queries.
 */
#ifndef CONFAB_STORE_INTERNAL_H
#define CONFAB_STORE_INTERNAL_H

#include <sqlite3.h>
#include <stdint.h>

struct store {
	sqlite3 *db;
	char *path;
	char *endpoint;		/* what new consent events apply to, or NULL */
};

/* Set *cause to "store 'PATH': WHAT: sqlite message"; returns -1. */
int store_fail(struct store *st, const char *what, char **cause);
int store_exec(struct store *st, const char *sql, char **cause);
sqlite3_stmt *store_prepare(struct store *st, const char *sql, char **cause);
/* Bind text, or NULL when v is NULL; an integer, or NULL when v < 0. */
void store_bind_opt(sqlite3_stmt *s, int i, const char *v);
void store_bind_int_opt(sqlite3_stmt *s, int i, int64_t v);
/* Column text (borrowed until the next step), or NULL; an integer, or -1 for NULL. */
char *store_col_text(sqlite3_stmt *s, int i);
int64_t store_col_int_opt(sqlite3_stmt *s, int i);

#endif
