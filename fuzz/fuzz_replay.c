/* Replay driver: runs files (or every file in directories) through a
 * target's LLVMFuzzerTestOneInput, so corpora and crash files reproduce in
 * any build, gcc included, without libFuzzer. Takes the target's own
 * options first (LLVMFuzzerInitialize removes them, e.g. -kext=PATH) and
 * ignores any other argument starting with '-' (libFuzzer's, so a crash's
 * command line works unchanged). Exit 0 when all ran. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_die.h"

#define REPLAY_MAX_INPUT (1u << 20)

static int replay_file(const char *path, unsigned *count)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	size_t n;

	if (f == NULL) {
		perror(path);
		return -1;
	}
	buf = malloc(REPLAY_MAX_INPUT);
	if (buf == NULL) {
		fclose(f);
		return -1;
	}
	n = fread(buf, 1, REPLAY_MAX_INPUT, f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	(*count)++;
	return 0;
}

static int replay_path(const char *path, unsigned *count)
{
	struct stat st;
	struct dirent **names;
	int n, rc = 0;

	if (stat(path, &st) != 0) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return replay_file(path, count);
	n = scandir(path, &names, NULL, alphasort); /* sorted: runs are repeatable */
	if (n < 0) {
		perror(path);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char full[4096];

		if (names[i]->d_name[0] != '.' &&
		    (size_t)snprintf(full, sizeof(full), "%s/%s", path, names[i]->d_name) < sizeof(full) &&
		    replay_path(full, count) != 0)
			rc = -1;
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	unsigned count = 0;
	int rc = 0;

	LLVMFuzzerInitialize(&argc, &argv);
	if (argc < 2) {
		fprintf(stderr, "usage: %s [TARGET OPTIONS] FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++)
		if (argv[i][0] != '-' && replay_path(argv[i], &count) != 0)
			rc = 1;
	printf("replayed %u input(s)\n", count);
	if (count == 0) { /* an empty or wrong path must not pass as a replay */
		fprintf(stderr, "%s: no input found to replay\n", argv[0]);
		return 1;
	}
	return rc;
}
