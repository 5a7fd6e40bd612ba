/* The benchmarks' figures, printed as before and, with --record, also kept
 * in the records database (a run of command "bench"), so that a release's
 * figures stay next to its scenarios and cycles. */
#ifndef DRVBENCH_BENCH_FIGURES_H
#define DRVBENCH_BENCH_FIGURES_H

#include <stdbool.h>

#include "bench/kext.h"
#include "bench/records.h"

struct bench_figures {
	bool on;
	const char *path;  /* --records */
	const char *label; /* --label */
	struct bench_records *db;
	bench_record_id run;
	char label_buf[128];
	bool failed;       /* a figure could not be written (said once) */
};

/* Takes --record, --records PATH and --label L out of argv wherever they
 * are, leaving the benchmark's own arguments in order. False (printed) on
 * a malformed option. */
bool bench_figures_options(struct bench_figures *f, int *argc, char **argv);
/* Opens the file and keys the run by the benchmark's name, the kext (when
 * there is one; else drvbench itself) and the device. False (printed) when
 * the file cannot be used; nothing happens without --record. */
bool bench_figures_begin(struct bench_figures *f, const char *benchmark, struct bench_kext *kext,
			 const char *device);
/* One figure, e.g. ("start_stop_cycles_per_s", 5200, "1/s"). */
void bench_figure(struct bench_figures *f, const char *name, double value, const char *unit);
/* Ends the run; false (printed) if any figure or the end failed. */
bool bench_figures_end(struct bench_figures *f);

/* The usage line's part for the three options. */
#define BENCH_FIGURES_USAGE "[--record] [--records PATH] [--label L]"

#endif
