/* The output files of drvbench cycle (--csv, --json): all opened before
 * the first cycle, so a bad path fails at once rather than after 10,000
 * cycles. With several kinds a regular file gets one file per kind (FILE
 * with -KIND before its extension); a path that is something else (a pipe,
 * /dev/stdout, a device) is opened once and shared, never suffixed. */
#ifndef DRVBENCH_CYCLE_FILES_H
#define DRVBENCH_CYCLE_FILES_H

#include <stdbool.h>
#include <stdio.h>

#define CYCLE_FILES_MAX 8

struct cycle_file {
	char path[4096];
	FILE *f;
	bool owner;      /* closes f (a shared stream has one owner) */
	bool made;       /* created here: removed again if nothing is written */
	bool written;
	int error;       /* errno of the first failed write, 0 if none */
};

struct cycle_files {
	struct cycle_file file[CYCLE_FILES_MAX];
	size_t n;
};

/* Opens `path` for each of the n kinds into files->file[0..n). False with
 * the reason printed (nothing left open or created). */
bool cycle_files_open(struct cycle_files *files, const char *path, const char *const *kinds,
		      size_t n);
/* Closes every file, removing the ones made here and never written; false
 * (reason printed) when a close found a write error. */
bool cycle_files_close(struct cycle_files *files);

#endif
