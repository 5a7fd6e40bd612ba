/* drvbench fuzz --record (fuzz_record.h): the records file, the campaign's
 * key from the bundle's Info.plist, its selector lines, and the store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/qualify.h"
#include "fuzz_record.h"

bool drvbench_fuzz_record_open(struct drvbench_fuzz_record *fr)
{
	char why[1024] = "";

	if (!fr->rec.on)
		return true;
	if (fr->rec.path == NULL)
		fr->rec.path = BENCH_RECORDS_DEFAULT_PATH;
	return drvbench_record_ok("fuzz", bench_records_open(fr->rec.path, true, &fr->rec.db, why,
							      sizeof(why)), why);
}

bool drvbench_fuzz_record_begin(struct drvbench_fuzz_record *fr, const char *kext,
				const char *device)
{
	struct bench_record_key key = { .command = "fuzz", .host = "sim", .device = device };
	char why[1024] = "", id[128], version[64];
	char *slash;

	if (fr->rec.db == NULL)
		return true;
	if (!bench_qualify_bundle_identity(kext, id, sizeof(id), version, sizeof(version), why,
					   sizeof(why))) {
		fprintf(stderr, "drvbench fuzz: records: %s\n", why);
		return false;
	}
	key.bundle_id = id;
	key.bundle_version = version;
	if (fr->rec.label == NULL) {
		bench_records_default_label(kext, version, fr->rec.label_buf,
					    sizeof(fr->rec.label_buf));
		fr->rec.label = fr->rec.label_buf;
	}
	key.label = fr->rec.label;
	/* A coverage build's gcovr reads the kext's objects from beside the bundle. */
	snprintf(fr->rec.kext_dir, sizeof(fr->rec.kext_dir), "%s", kext);
	slash = strrchr(fr->rec.kext_dir, '/');
	if (slash != NULL)
		*slash = '\0';
	else
		snprintf(fr->rec.kext_dir, sizeof(fr->rec.kext_dir), ".");
	if (!drvbench_record_ok("fuzz", bench_records_begin(fr->rec.db, &key, &fr->rec.run, why,
							     sizeof(why)), why))
		return false;
	fprintf(stderr, "drvbench fuzz: recording into %s as label %s\n", fr->rec.path,
		fr->rec.label);
	return true;
}

void drvbench_fuzz_record_line(struct drvbench_fuzz_record *fr, const char *line)
{
	struct shim_uc_selector_count s;

	if (fr->rec.db == NULL || !drvbench_fuzz_selector_parse(line, &s))
		return;
	if (fr->nsel == fr->cap) {
		size_t cap = fr->cap ? fr->cap * 2 : 64;
		struct shim_uc_selector_count *p = realloc(fr->sel, cap * sizeof(*p));

		if (p == NULL)
			return; /* the campaign is still stored, without this row */
		fr->sel = p;
		fr->cap = cap;
	}
	fr->sel[fr->nsel++] = s;
}

bool drvbench_fuzz_record_end(struct drvbench_fuzz_record *fr, struct bench_record_fuzz *f,
			      const char *state)
{
	char why[1024] = "";
	bool ok;

	if (fr->rec.db == NULL)
		return true;
	f->points = fr->curve.p;
	f->npoints = fr->curve.n;
	ok = drvbench_record_ok("fuzz", bench_records_add_fuzz(fr->rec.db, fr->rec.run, f, why,
								 sizeof(why)), why);
	if (ok && fr->nsel > 0)
		ok = drvbench_record_ok("fuzz", bench_records_add_selectors(fr->rec.db, fr->rec.run,
									     fr->sel, fr->nsel, why,
									     sizeof(why)), why);
	free(fr->sel);
	fr->sel = NULL;
	fr->nsel = fr->cap = 0;
	return drvbench_record_end(&fr->rec, "fuzz", state) && ok;
}

void drvbench_fuzz_record_close(struct drvbench_fuzz_record *fr)
{
	if (fr->rec.db != NULL)
		bench_records_close(fr->rec.db);
	fr->rec.db = NULL;
	free(fr->sel);
	fr->sel = NULL;
}
