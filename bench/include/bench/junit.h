/* JUnit XML for CI systems: one test case per scenario or cycle kind, with
 * the reason in the failure message; CANNOT RUN is a skipped case with its
 * reason. Cases are collected as they finish and written once, grouped in
 * one test suite per host. The output validates against the common JUnit
 * schema (tests/junit/). */
#ifndef BENCH_JUNIT_H
#define BENCH_JUNIT_H

#include <stdio.h>

#include "bench/cycle.h"
#include "bench/scenario.h"

struct bench_junit;

/* name: the <testsuites> name, e.g. "drvbench run com.example.Foo 1.2". */
struct bench_junit *bench_junit_new(const char *name);
void bench_junit_free(struct bench_junit *j);

/* One case in suite `suite`; message is the reason (may be NULL). False on
 * allocation failure. */
bool bench_junit_add(struct bench_junit *j, const char *suite, const char *classname,
		     const char *name, double seconds, enum bench_result result,
		     const char *message);
/* A scenario's row (suite: its host; class: drvbench.run). */
bool bench_junit_add_report(struct bench_junit *j, const struct bench_report *rep);
/* A cycle kind's verdict (suite: its host; class: drvbench.cycle). */
bool bench_junit_add_cycle(struct bench_junit *j, const struct bench_cycle_result *res);

/* The whole document; false on a write error. */
bool bench_junit_write(const struct bench_junit *j, FILE *out);

#endif
