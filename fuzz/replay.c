/*
 * replay.c: run a fuzz target without libFuzzer, over files and directories
 * of inputs (a committed corpus), with the normal compiler: 'make check'
 * builds one replay-NAME per target and tests/cli/fuzz.sh runs them, so the
 * corpora are replayed in every build, under the sanitizers in the ASan one.
 * Prints how many inputs it replayed; a broken check aborts.
 */
#include "common.h"

#include <dirent.h>

#include "buf.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
replay_file(const char *path)
{
	struct buf b;
	char *cause = NULL;
	int r;

	buf_init(&b, 16 << 20);
	if ((r = buf_read_file(&b, path, &cause)) != 0) {
		fprintf(stderr, "replay: %s\n", cause);
		free(cause);
	} else
		LLVMFuzzerTestOneInput((const uint8_t *)b.data, b.len);
	buf_release(&b);
	return r;
}

int
main(int argc, char **argv)
{
	struct dirent *e;
	size_t count = 0;
	DIR *d;
	int i;

	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		if ((d = opendir(argv[i])) == NULL) {
			if (replay_file(argv[i]) != 0)
				return 1;
			count++;
			continue;
		}
		while ((e = readdir(d)) != NULL) {
			char *path;

			if (e->d_name[0] == '.')
				continue;
			path = xasprintf("%s/%s", argv[i], e->d_name);
			if (replay_file(path) != 0)
				return 1;
			free(path);
			count++;
		}
		closedir(d);
	}
	printf("replayed %zu inputs\n", count);
	return count > 0 ? 0 : 1;
}
