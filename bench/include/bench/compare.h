/* drvbench compare: what changed between two release labels of the records
 * (bench/records.h): scenarios that broke or were fixed, findings that came
 * or went, cycle rates and scenario times that moved beyond the noise,
 * counters that began to trend, fuzz coverage that dropped. A regression is
 * what a CI job gates on. */
#ifndef BENCH_COMPARE_H
#define BENCH_COMPARE_H

#include <stdio.h>

#include "bench/records.h"

#define BENCH_LABEL_LEN 128
/* A time must move by more than this fraction, as well as beyond the noise. */
#define BENCH_COMPARE_MIN_CHANGE 0.10
/* Beyond the noise: more than this many standard errors of the difference. */
#define BENCH_COMPARE_SIGMAS 3.0
/* Fuzz coverage must move by more than this fraction (and beyond the noise
 * when each label has BENCH_COMPARE_MIN_RUNS campaigns): libFuzzer's
 * features vary by a few percent between campaigns of one seed and run
 * count (943 to 1013 over four campaigns of the sample driver, 3000 runs,
 * seed 1). */
#define BENCH_COMPARE_MIN_COVERAGE_CHANGE 0.05
/* Runs per label from which the noise comes from the spread between runs. */
#define BENCH_COMPARE_MIN_RUNS 3

/* Labels in the order they were last recorded, oldest first; *n on entry
 * is the capacity, on return how many (all of them when more fit). */
shim_ret bench_records_labels(struct bench_records *r, char (*out)[BENCH_LABEL_LEN], size_t *n,
			      char *why, size_t len);

enum bench_change_kind {
	BENCH_CHANGE_BROKE,          /* a scenario went from pass to fail */
	BENCH_CHANGE_FIXED,          /* from fail to pass */
	BENCH_CHANGE_FINDING_NEW,
	BENCH_CHANGE_FINDING_GONE,
	BENCH_CHANGE_SLOWER,         /* a cycle rate or a scenario time, beyond the noise */
	BENCH_CHANGE_FASTER,
	BENCH_CHANGE_TREND_NEW,      /* a counter that began to trend */
	BENCH_CHANGE_TREND_GONE,
	BENCH_CHANGE_COVERAGE_DROP,  /* fuzz coverage features */
	BENCH_CHANGE_COVERAGE_GAIN,
};

struct bench_change {
	enum bench_change_kind kind;
	bool regression;
	char what[192];   /* "scenario rebalance on sim:DEVICE", "cycle start-stop on sim:DEVICE" */
	char detail[320];
	double a, b;      /* the values compared (result: 1 pass, 0 fail) */
};

struct bench_comparison {
	char a[BENCH_LABEL_LEN], b[BENCH_LABEL_LEN];
	char noise_cycles[192], noise_scenarios[192]; /* how each noise was estimated */
	size_t n, cap;
	struct bench_change *changes;
	unsigned regressions;
};

struct bench_compare_opts {
	const char *a, *b;     /* NULL: the last two labels recorded */
	double min_change;     /* 0: BENCH_COMPARE_MIN_CHANGE */
};

/* An unknown label is refused with the known ones listed; fewer than two
 * labels too. */
shim_ret bench_compare(struct bench_records *r, const struct bench_compare_opts *o,
		       struct bench_comparison *out, char *why, size_t len);
void bench_comparison_free(struct bench_comparison *c);
const char *bench_change_kind_name(enum bench_change_kind k); /* "broke", "slower", ... */

/* The comparison as text (one line per change) or one JSON object. False on
 * a write error. */
bool bench_compare_write_text(FILE *out, const struct bench_comparison *c);
bool bench_compare_write_json(FILE *out, const struct bench_comparison *c);

#endif
