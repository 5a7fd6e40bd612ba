/* Pass-through host ops for fixture wrappers (bench_tap, bench_trace). A wrapper's
 * context starts with struct bench_host_forward; it copies the ops from
 * bench_host_forward_init and overrides only the calls it watches. */
#ifndef BENCH_HOST_FORWARD_H
#define BENCH_HOST_FORWARD_H

#include "internal.h"
#include "shim/host.h"

struct bench_host_forward {
	struct shim_host inner;      /* first member: the forwarders cast ctx to this */
	struct shim_host_ops ops;    /* per wrapper: carries the inner host's name */
};

/* Fills fw: every op forwards to inner; optional ops stay NULL where inner's
 * are. destroy forwards too (override it to free the wrapper). */
BENCH_INTERNAL void bench_host_forward_init(struct bench_host_forward *fw, struct shim_host inner);

#endif
