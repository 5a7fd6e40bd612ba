/* A transparent wrapper around a shim_host that counts what the shim
 * observes through it (interrupts, device DMA), so a scenario can say
 * "the device never DMAed" even though the shim drains the host's queue. */
#ifndef BENCH_TAP_H
#define BENCH_TAP_H

#include "bench/machine.h"
#include "internal.h"
#include "shim/host.h"

/* Wraps inner into *out; destroying *out destroys inner. On failure inner
 * is destroyed too, matching shim_machine_create's ownership rule. */
BENCH_INTERNAL shim_ret bench_tap_wrap(struct shim_host inner, struct bench_tap **tap, struct shim_host *out);
BENCH_INTERNAL bool bench_tap_sees_dma(const struct bench_tap *tap);
/* Counts so far, after draining DMA events the shim has not asked for. */
BENCH_INTERNAL void bench_tap_counts(struct bench_tap *tap, struct bench_tap_counts *out);

#endif
