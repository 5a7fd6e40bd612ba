/* Printing for drvbench run: the scenario list and the result table. */
#ifndef DRVBENCH_RUN_REPORT_H
#define DRVBENCH_RUN_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "bench/scenario.h"

/* Hosts, marked unavailable for profile p (NULL: not checked). */
void drvbench_print_hosts(FILE *out, const struct bench_profile *p);
/* Generic scenarios, then the module's (module may be NULL). */
void drvbench_print_scenarios(FILE *out, const struct bench_test_module *module);
void drvbench_print_table_head(FILE *out);
/* One row; with verbose, per-class counts and the kernel log beneath it. */
void drvbench_print_row(FILE *out, const struct bench_report *rep, bool verbose);
/* The row of a scenario cut short by an interrupt: neither passed nor failed. */
void drvbench_print_interrupted_row(FILE *out, const struct bench_report *rep, const char *reason);
void drvbench_print_summary(FILE *out, const char *host, unsigned passed, unsigned failed,
			    unsigned cannot);

#endif
