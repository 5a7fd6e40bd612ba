/* --record for the benchmark programs (bench_figures.h). */
#include <stdio.h>
#include <string.h>

#include "bench_figures.h"

#ifndef DRVBENCH_VERSION
#define DRVBENCH_VERSION "0"
#endif

bool bench_figures_options(struct bench_figures *f, int *argc, char **argv)
{
	int out = 1;

	for (int i = 1; i < *argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--record") == 0) {
			f->on = true;
		} else if (strcmp(a, "--records") == 0 || strcmp(a, "--label") == 0) {
			if (i + 1 >= *argc) {
				fprintf(stderr, "%s: %s needs a value\n", argv[0], a);
				return false;
			}
			f->on = true;
			*(a[2] == 'r' ? &f->path : &f->label) = argv[++i];
		} else {
			argv[out++] = argv[i];
		}
	}
	*argc = out;
	argv[out] = NULL;
	return true;
}

bool bench_figures_begin(struct bench_figures *f, const char *benchmark, struct bench_kext *kext,
			 const char *device)
{
	struct bench_record_key key = { .command = "bench", .host = benchmark, .device = device };
	char why[1024] = "";

	if (!f->on)
		return true;
	if (bench_records_open(f->path != NULL ? f->path : BENCH_RECORDS_DEFAULT_PATH, true,
			       &f->db, why, sizeof(why)) != SHIM_OK) {
		fprintf(stderr, "%s: records: %s\n", benchmark, why);
		return false;
	}
	key.bundle_id = kext != NULL ? bench_kext_bundle_id(kext) : "drvbench";
	key.bundle_version = kext != NULL ? bench_kext_version(kext) : DRVBENCH_VERSION;
	if (f->label == NULL) {
		bench_records_default_label(kext != NULL ? bench_kext_path(kext) : NULL,
					    key.bundle_version, f->label_buf, sizeof(f->label_buf));
		f->label = f->label_buf;
	}
	key.label = f->label;
	if (bench_records_begin(f->db, &key, &f->run, why, sizeof(why)) != SHIM_OK) {
		fprintf(stderr, "%s: records: %s\n", benchmark, why);
		bench_records_close(f->db);
		f->db = NULL;
		return false;
	}
	fprintf(stderr, "%s: recording figures into %s as label %s\n", benchmark,
		f->path != NULL ? f->path : BENCH_RECORDS_DEFAULT_PATH, f->label);
	return true;
}

void bench_figure(struct bench_figures *f, const char *name, double value, const char *unit)
{
	char why[512] = "";

	if (f->db == NULL || f->failed)
		return;
	if (bench_records_add_figure(f->db, f->run, name, value, unit, why, sizeof(why)) != SHIM_OK) {
		fprintf(stderr, "records: figure %s not kept: %s\n", name, why);
		f->failed = true;
	}
}

bool bench_figures_end(struct bench_figures *f)
{
	char why[512] = "";
	bool ok = !f->failed;

	if (f->db == NULL)
		return ok;
	if (bench_records_end(f->db, f->run, f->failed ? "failed" : "done", why, sizeof(why)) !=
	    SHIM_OK) {
		fprintf(stderr, "records: run not ended: %s\n", why);
		ok = false;
	}
	bench_records_close(f->db);
	f->db = NULL;
	return ok;
}
