/* Opening and closing drvbench cycle's output files (cycle_files.h). */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cycle_files.h"

/* FILE with "-KIND" before its extension. */
static void cycle_files_suffixed(char *buf, size_t len, const char *file, const char *kind)
{
	const char *slash = strrchr(file, '/');
	const char *dot = strrchr(slash != NULL ? slash : file, '.');

	if (dot == NULL || dot == file || dot[-1] == '/')
		snprintf(buf, len, "%s-%s", file, kind);
	else
		snprintf(buf, len, "%.*s-%s%s", (int)(dot - file), file, kind, dot);
}

static bool cycle_files_fail(struct cycle_files *files, const char *path)
{
	int e = errno;

	fprintf(stderr, "drvbench cycle: cannot create %s: %s\n", path, strerror(e));
	for (size_t i = 0; i < files->n; i++)
		files->file[i].written = false; /* what we made goes again */
	cycle_files_close(files);
	return false;
}

bool cycle_files_open(struct cycle_files *files, const char *path, const char *const *kinds,
		      size_t n)
{
	struct stat st;
	bool exists = stat(path, &st) == 0;
	/* /dev/full, a pipe, /dev/stdout: one stream for every kind, as named */
	bool shared = n == 1 || (exists && !S_ISREG(st.st_mode));

	memset(files, 0, sizeof(*files));
	for (size_t i = 0; i < n && i < CYCLE_FILES_MAX; i++) {
		struct cycle_file *cf = &files->file[i];

		files->n = i + 1;
		if (shared && i > 0) {
			*cf = files->file[0];
			cf->owner = false;
			cf->made = false;
			continue;
		}
		if (shared)
			snprintf(cf->path, sizeof(cf->path), "%s", path);
		else
			cycle_files_suffixed(cf->path, sizeof(cf->path), path, kinds[i]);
		cf->made = stat(cf->path, &st) != 0;
		cf->f = fopen(cf->path, "w");
		if (cf->f == NULL) {
			cf->made = false;
			return cycle_files_fail(files, cf->path);
		}
		cf->owner = true;
	}
	return true;
}

bool cycle_files_close(struct cycle_files *files)
{
	bool ok = true;

	for (size_t i = 0; i < files->n; i++) {
		struct cycle_file *cf = &files->file[i];

		if (cf->owner && cf->f != NULL) {
			bool written = cf->written;

			/* a shared stream counts as written if any kind wrote to it */
			for (size_t j = i + 1; j < files->n; j++)
				written = written || (files->file[j].f == cf->f && files->file[j].written);
			errno = 0;
			if (fclose(cf->f) != 0 && written && cf->error == 0) {
				fprintf(stderr, "drvbench cycle: error writing %s: %s\n", cf->path,
					strerror(errno != 0 ? errno : EIO));
				ok = false;
			}
			if (cf->made && !written)
				unlink(cf->path);
		}
		cf->f = NULL;
	}
	files->n = 0;
	return ok;
}
