/* drvbench fuzz --record: a campaign kept in the records database
 * (bench/records.h). The file is opened before any fuzzing, so a bad
 * --records path is refused at once; the run is keyed by the bundle's
 * identity read from its Info.plist (the kext is never mapped by the front
 * end); the coverage curve and the fuzzer's per-selector lines gathered
 * while the jobs run are stored with the campaign's totals at the end. */
#ifndef DRVBENCH_FUZZ_RECORD_H
#define DRVBENCH_FUZZ_RECORD_H

#include "fuzz_status.h"
#include "record.h"

struct drvbench_fuzz_record {
	struct drvbench_record rec; /* rec.on: --record, --records or --label given */
	struct drvbench_fuzz_curve curve;
	struct shim_uc_selector_count *sel; /* every job's lines, added up when stored */
	size_t nsel, cap;
};

/* Opens the records file when rec.on; false (the reason printed) when it
 * cannot be used. */
bool drvbench_fuzz_record_open(struct drvbench_fuzz_record *fr);
/* Begins the campaign's run ("fuzz" on sim:device) once the fuzzer accepted
 * the kext; false (printed) when the records refuse it. */
bool drvbench_fuzz_record_begin(struct drvbench_fuzz_record *fr, const char *kext,
				const char *device);
/* Keeps a -print_selectors=1 line; other lines are ignored. */
void drvbench_fuzz_record_line(struct drvbench_fuzz_record *fr, const char *line);
/* Stores the campaign (f's points: the curve), its selectors, and ends the
 * run with state; closes the file. False (printed) on a write error. */
bool drvbench_fuzz_record_end(struct drvbench_fuzz_record *fr, struct bench_record_fuzz *f,
			      const char *state);
/* Closes the file without a campaign (nothing was fuzzed). */
void drvbench_fuzz_record_close(struct drvbench_fuzz_record *fr);

#endif
