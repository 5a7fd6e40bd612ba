/* Where a fault sweep's findings point: the allocation sites live at one
 * moment (to name what a failing call leaked) and the site of the failed
 * call itself (file:line). Shared by the start sweep (generic_faults.c)
 * and the sweep over scenarios and methods (faults.c). */
#ifndef BENCH_FAULT_SITES_H
#define BENCH_FAULT_SITES_H

#include "bench/scenario.h"
#include "internal.h"

#define BENCH_FAULT_MAX_SITES 256

struct bench_sites {
	size_t n;
	struct shim_alloc_site s[BENCH_FAULT_MAX_SITES];
};

BENCH_INTERNAL void bench_sites_take(struct bench_sites *s);
/* Appends to why the sites live now that were not live in before (a multiset). */
BENCH_INTERNAL void bench_sites_new(const struct bench_sites *before, char *why, size_t len);
/* Where the failed call was made: the site it carries (file:line), else the
 * line the kext's debug information gives its return address (addr2line),
 * else function+offset. */
BENCH_INTERNAL void bench_fault_site(const struct shim_fault_stats *st, char *buf, size_t len);

#endif
