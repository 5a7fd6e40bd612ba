/* --record for the commands (record.h): the records file is opened and the
 * run keyed before any work, and ended after it with the shim's
 * per-selector user-client counts; a coverage build adds gcovr's JSON of
 * the kext's objects. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "record.h"

#define RECORD_GCOVR_MAX (64u << 20)

bool drvbench_record_option(struct drvbench_record *rec, int c, const char *arg)
{
	switch (c) {
	case 0x100:
		rec->on = true;
		return true;
	case 0x101:
		rec->on = true;
		rec->path = arg;
		return true;
	case 0x102:
		rec->on = true;
		rec->label = arg;
		return true;
	default:
		return false;
	}
}

bool drvbench_record_ok(const char *cmd, shim_ret ret, const char *why)
{
	if (ret != SHIM_OK)
		fprintf(stderr, "drvbench %s: records: %s\n", cmd, why);
	return ret == SHIM_OK;
}

bool drvbench_record_begin(struct drvbench_record *rec, const char *cmd, const char *command,
			   const struct drvbench_target *t, const char *host)
{
	struct bench_record_key key = { .command = command, .host = host };
	char why[1024] = "";
	const char *slash;

	if (!rec->on)
		return true;
	if (rec->path == NULL)
		rec->path = BENCH_RECORDS_DEFAULT_PATH;
	if (!drvbench_record_ok(cmd, bench_records_open(rec->path, true, &rec->db, why, sizeof(why)),
				why))
		return false;
	key.bundle_id = bench_kext_bundle_id(t->kext);
	key.bundle_version = bench_kext_version(t->kext);
	key.device = t->profile != NULL ? t->profile->name : NULL;
	if (rec->label == NULL) {
		bench_records_default_label(bench_kext_path(t->kext), key.bundle_version,
					    rec->label_buf, sizeof(rec->label_buf));
		rec->label = rec->label_buf;
	}
	key.label = rec->label;
	snprintf(rec->kext_dir, sizeof(rec->kext_dir), "%s", bench_kext_path(t->kext));
	slash = strrchr(rec->kext_dir, '/');
	if (slash != NULL)
		rec->kext_dir[slash - rec->kext_dir] = '\0';
	else
		snprintf(rec->kext_dir, sizeof(rec->kext_dir), ".");
	if (!drvbench_record_ok(cmd, bench_records_begin(rec->db, &key, &rec->run, why, sizeof(why)),
				why)) {
		bench_records_close(rec->db);
		rec->db = NULL;
		return false;
	}
	fprintf(stderr, "drvbench %s: recording into %s as label %s\n", cmd, rec->path, rec->label);
	return true;
}

#ifdef DRVBENCH_COVERAGE
/* gcovr's output for the kext's objects; NULL (said why) when there is none. */
static char *record_gcovr(const struct drvbench_record *rec, const char *cmd, size_t *n)
{
	const char *root = strncmp(rec->kext_dir, DRVBENCH_BUILD_ROOT, strlen(DRVBENCH_BUILD_ROOT)) == 0
				   ? DRVBENCH_SOURCE_ROOT : "/";
	char *buf = malloc(RECORD_GCOVR_MAX);
	int fd[2], status;
	ssize_t got;
	pid_t pid;

	*n = 0;
	if (buf == NULL || pipe(fd) != 0) {
		free(buf);
		return NULL;
	}
	pid = fork();
	if (pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		execlp("gcovr", "gcovr", "--json", "-", "-r", root, "--object-directory",
		       rec->kext_dir, rec->kext_dir, (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	while (pid > 0 && *n + 1 < RECORD_GCOVR_MAX &&
	       (got = read(fd[0], buf + *n, RECORD_GCOVR_MAX - 1 - *n)) > 0)
		*n += (size_t)got;
	close(fd[0]);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0 || *n == 0) {
		fprintf(stderr, "drvbench %s: coverage build, but gcovr gave no JSON for %s "
				"(is gcovr installed?)\n", cmd, rec->kext_dir);
		free(buf);
		return NULL;
	}
	buf[*n] = '\0';
	return buf;
}
#endif

/* What this process's shim counted per user-client selector: the run's
 * calls (a fuzz campaign's come from its fuzzer processes instead). */
static bool record_selectors(struct drvbench_record *rec, const char *cmd)
{
	static struct shim_uc_selector_count rows[SHIM_UC_SEL_CLIENTS * (SHIM_UC_SEL_SELECTORS + 1)];
	const size_t cap = sizeof(rows) / sizeof(rows[0]);
	size_t n = shim_uc_selector_counts(rows, cap);
	char why[1024] = "";

	if (n == 0)
		return true;
	return drvbench_record_ok(cmd, bench_records_add_selectors(rec->db, rec->run, rows,
								   n < cap ? n : cap, why,
								   sizeof(why)), why);
}

bool drvbench_record_end(struct drvbench_record *rec, const char *cmd, const char *state)
{
	char why[1024] = "";
	bool ok;

	if (rec->db == NULL)
		return true;
	ok = record_selectors(rec, cmd);
#ifdef DRVBENCH_COVERAGE
	{
		size_t n = 0;
		char *json = record_gcovr(rec, cmd, &n);

		if (json != NULL)
			ok = drvbench_record_ok(cmd, bench_records_add_coverage(rec->db, rec->run, json, n,
									  why, sizeof(why)), why);
		free(json);
	}
#endif
	ok = drvbench_record_ok(cmd, bench_records_end(rec->db, rec->run, state, why, sizeof(why)),
				why) && ok;
	bench_records_close(rec->db);
	rec->db = NULL;
	return ok;
}
