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
/* Counts memory accesses inside [lo[i], hi[i]) from now on (n 0: none). */
BENCH_INTERNAL void bench_tap_watch(struct bench_tap *tap, const uint64_t *lo, const uint64_t *hi,
				    size_t n);
/* Counts again from zero, same windows. */
BENCH_INTERNAL void bench_tap_watch_restart(struct bench_tap *tap);
/* Accesses seen in the watched windows since bench_tap_watch, and the first. */
BENCH_INTERNAL unsigned long bench_tap_watched(const struct bench_tap *tap, uint64_t *first_addr,
					       bool *first_write);
BENCH_INTERNAL bool bench_tap_sees_dma(const struct bench_tap *tap);
/* Counts so far, after draining DMA events the shim has not asked for. */
BENCH_INTERNAL void bench_tap_counts(struct bench_tap *tap, struct bench_tap_counts *out);

#endif
