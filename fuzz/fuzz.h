/* fuzz.h: what the fuzz targets share. */
#ifndef CONFAB_FUZZ_H
#define CONFAB_FUZZ_H

#include <stdio.h>
#include <stdlib.h>

/* A broken promise: say which, then crash so that the fuzzer keeps the input. */
#define FUZZ_ASSERT(c) do {						\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,	\
		    __LINE__, #c);					\
		abort();						\
	}								\
} while (0)

#endif
