/* Internals shared by the fx_cycle*.c files; not for tests or tools. */
#ifndef FX_CYCLE_PRIV_H
#define FX_CYCLE_PRIV_H

#include "fx_cycle.h"

/* Everything one snapshot holds: kernel counters, classes, user clients. */
struct fx_cycle_sample {
	struct fx_baseline base;
	long uc[5]; /* tasks, connections, open connections, handles, asyncs */
};

void fx_cycle_sample(struct fx_cycle_sample *out);
bool fx_cycle_series_init(struct fx_cycle_series *s, unsigned long cap);
void fx_cycle_series_free(struct fx_cycle_series *s);
bool fx_cycle_series_add(struct fx_cycle_series *s, const struct fx_cycle_sample *smp,
			 double cycle_us);

#endif
