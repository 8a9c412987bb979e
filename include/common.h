/*
 * common.h: included first by every .c file of confab.
 *
 * Brings in the build configuration, the standard headers nearly every module
 * needs, the allocation helpers and the list of banned string functions.
 */
#ifndef CONFAB_COMMON_H
#define CONFAB_COMMON_H

#include "autoconf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"
#include "i18n.h"

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

/*
 * A broken invariant: a bug in confab, never the user's doing. Prints
 * "BUG: file:line: msg" and aborts (a core dump, not an exit code).
 */
#define BUG(...) bug_at(__FILE__, __LINE__, __VA_ARGS__)

/* Exit codes: the command-line contract in DESIGN.md and confab(1). */
enum {
	EXIT_OK = 0,
	EXIT_PROVIDER = 1, /* the provider refused or failed */
	EXIT_USAGE = 2,	   /* usage or configuration error */
	EXIT_CONSENT = 3,  /* Terms never accepted, changed or withdrawn */
	EXIT_AUTH = 4,	   /* 401/403 */
	EXIT_NETWORK = 5,  /* network failure, time-out, truncated answer */
	EXIT_SYSTEM = 6,   /* out of memory or another resource of the system (fatal()) */
	EXIT_INTERRUPTED = 130,
};

#include "banned.h"

#endif
