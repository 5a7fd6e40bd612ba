/* Internals of the report writer (report*.c): JSON pieces written straight
 * to the page, and the sections each file contributes. */
#ifndef BENCH_REPORT_PRIV_H
#define BENCH_REPORT_PRIV_H

#include "bench/report.h"
#include "json_out.h"
#include "records_priv.h"

/* A number, or null when it is not finite. */
BENCH_INTERNAL void bench_report_json_number(FILE *out, double v);

/* The rows of a prepared statement as arrays of strings and numbers;
 * finalizes it. */
BENCH_INTERNAL shim_ret bench_report_rows(struct bench_records *r, FILE *out, sqlite3_stmt *st,
					  char *why, size_t len);

/* "trends": [...] (report_trends.c) */
BENCH_INTERNAL shim_ret bench_report_trends(struct bench_records *r, FILE *out,
					    char (*labels)[128], size_t nlabels, char *why,
					    size_t len);
/* "cycles": [...] (report_cycles.c) */
BENCH_INTERNAL shim_ret bench_report_cycles(struct bench_records *r, FILE *out,
					    char (*labels)[128], size_t nlabels,
					    const struct bench_report_opts *o, char *why,
					    size_t len);
/* ,"fuzz": [...], "selectors": {...} (report_fuzz.c) */
BENCH_INTERNAL shim_ret bench_report_fuzz(struct bench_records *r, FILE *out,
					  char (*labels)[128], size_t nlabels,
					  const struct bench_report_opts *o, char *why, size_t len);

#endif
