/* drvbench report: one self-contained HTML page from the records
 * (bench/records.h) that opens from disk with no network: per-counter trend
 * plots of cycle runs with the fitted slope, release-over-release trends,
 * the latest scenario table and findings, and coverage from a coverage
 * build. Long series are decimated to min/max per pixel column, so every
 * spike survives. Plots are drawn by uPlot, embedded with its licence. */
#ifndef BENCH_REPORT_H
#define BENCH_REPORT_H

#include <stdio.h>

#include "bench/records.h"

/* Pixel columns a cycle plot is decimated to (two points each). */
#define BENCH_REPORT_COLUMNS 1200u
/* Labels whose cycle runs are drawn, newest first. */
#define BENCH_REPORT_LABELS 3u

struct bench_report_opts {
	unsigned columns; /* 0: BENCH_REPORT_COLUMNS */
	unsigned labels;  /* 0: BENCH_REPORT_LABELS */
};

/* An empty records file gives a page that says so. False only on a records
 * error (why) or a write error. */
shim_ret bench_report_write(struct bench_records *r, FILE *out,
			    const struct bench_report_opts *o, char *why, size_t len);

/* Min/max per column: n points of nseries series over ascending x become at
 * most 2 * columns points, each column's minimum and maximum of every
 * series kept in the order they occurred. Series up to 2 * columns long are
 * copied. xo and each yo[s] hold 2 * columns. Returns the points written. */
size_t bench_report_decimate(size_t n, const double *x, size_t nseries, const double *const *y,
			     size_t columns, double *xo, double *const *yo);

#endif
