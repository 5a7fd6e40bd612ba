/* Shared by the dynamic checks of bench/qualify (dyn_*.c, qualify_dynamic.c):
 * the machine they run on and the steps, each recording its findings. */
#ifndef BENCH_Q_DYN_INTERNAL_H
#define BENCH_Q_DYN_INTERNAL_H

#include "bench/scenario.h"
#include "q_internal.h"

struct bench_q_dyn {
	const struct bench_host_factory *host;
	struct bench_options bopt;  /* profile and kext; hotplug off */
	struct bench_kext *kext;
	char label[64];             /* "host:device" */
};

/* The kernel log: dropped, or every error and warning as a finding of step. */
BENCH_INTERNAL void bench_q_log_drain(void);
BENCH_INTERNAL void bench_q_log_findings(struct bench_q_ctx *c, const char *step);
/* Load, match, start, stop, unload; false when a step failed (every later
 * step repeats this one) or the kext stays loaded (its unload refused). */
BENCH_INTERNAL bool bench_q_dyn_lifecycle(struct bench_q_ctx *c, const struct bench_q_dyn *d);
/* The generic sleep-wake scenario (not checked without a power table);
 * false when it failed. */
BENCH_INTERNAL bool bench_q_dyn_sleep_wake(struct bench_q_ctx *c, const struct bench_q_dyn *d);
/* Surprise removal, then the auto-unload delay on the virtual clock; false
 * when an instance is left (named) and the kext stays loaded. */
BENCH_INTERNAL bool bench_q_dyn_removal(struct bench_q_ctx *c, const struct bench_q_dyn *d,
					uint64_t delay_ns);
/* Every cycle kind but skip (NULL: none), count cycles each, through the
 * bench's cycle runner. */
BENCH_INTERNAL void bench_q_dyn_cycles(struct bench_q_ctx *c, const struct bench_q_dyn *d,
				       unsigned long count, const char *skip);

#endif
