/* libFuzzer's output read into numbers for drvbench fuzz: its status lines
 * ("#N <event> cov: C ft: F corp: K/Sb ... exec/s: E"), its final stats,
 * the kext fuzzer's per-selector lines (-print_selectors=1); and a
 * campaign's coverage over time, thinned to a bounded number of points.
 * No process or file here, so all of it is unit-tested without libFuzzer. */
#ifndef DRVBENCH_FUZZ_STATUS_H
#define DRVBENCH_FUZZ_STATUS_H

#include <stdbool.h>

#include "bench/records.h"

/* Points a campaign's curve keeps (halved to every other one when full). */
#define DRVBENCH_FUZZ_POINTS 512u

struct drvbench_fuzz_status {
	unsigned long execs, cov, ft, corp, rate;
};

/* A status line ("#N" then a tab or spaces): fills the fields it names and
 * returns true. Any other line: false, st untouched. */
bool drvbench_fuzz_status_parse(const char *line, struct drvbench_fuzz_status *st);
/* -print_final_stats=1's "stat::number_of_executed_units: N" (execs) and
 * "stat::average_exec_per_sec: E" (rate): true when it was one of them. */
bool drvbench_fuzz_final_stat_parse(const char *line, struct drvbench_fuzz_status *st);
/* "fuzz_kext: selector<TAB>client<TAB>sel|other<TAB>method|-<TAB>reached
 * <TAB>refused<TAB>ran<TAB>failed": true and *out filled; false otherwise. */
bool drvbench_fuzz_selector_parse(const char *line, struct shim_uc_selector_count *out);

struct drvbench_fuzz_curve {
	struct bench_record_fuzz_point p[DRVBENCH_FUZZ_POINTS];
	size_t n;
};
/* Appends the campaign's totals at pt->t_s unless nothing but the time
 * changed since the last point; a full curve first drops every other
 * point (the first stays), so its shape survives a campaign of any length. */
void drvbench_fuzz_curve_add(struct drvbench_fuzz_curve *c,
			     const struct bench_record_fuzz_point *pt);

#endif
