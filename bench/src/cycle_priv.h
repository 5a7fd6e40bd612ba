/* Internals shared by the bench_cycle*.c files; not for tests or tools. */
#ifndef BENCH_CYCLE_PRIV_H
#define BENCH_CYCLE_PRIV_H

#include "internal.h"
#include "bench/cycle.h"

/* Everything one snapshot holds: kernel counters, classes, user clients. */
struct bench_cycle_sample {
	struct bench_baseline base;
	long uc[5]; /* tasks, connections, open connections, handles, asyncs */
};

BENCH_INTERNAL void bench_cycle_sample(struct bench_cycle_sample *out);
BENCH_INTERNAL bool bench_cycle_series_init(struct bench_cycle_series *s, unsigned long cap);
BENCH_INTERNAL void bench_cycle_series_free(struct bench_cycle_series *s);
/* The values of one snapshot (class columns added to s as seen), no offset. */
BENCH_INTERNAL void bench_cycle_sample_row(struct bench_cycle_series *s,
					   const struct bench_cycle_sample *smp, int64_t *row);
BENCH_INTERNAL bool bench_cycle_series_add(struct bench_cycle_series *s, const struct bench_cycle_sample *smp,
			 double cycle_us);

#endif
