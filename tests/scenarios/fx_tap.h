/* A transparent wrapper around a shim_host that counts what the shim
 * observes through it (interrupts, device DMA), so a scenario can say
 * "the device never DMAed" even though the shim drains the host's queue. */
#ifndef FX_TAP_H
#define FX_TAP_H

#include "shim/host.h"

struct fx_tap;

struct fx_tap_counts {
	unsigned long irqs;
	unsigned long dmas;
	uint64_t last_dma_addr, last_dma_len;
};

/* Wraps inner into *out; destroying *out destroys inner. On failure inner
 * is destroyed too, matching shim_machine_create's ownership rule. */
shim_ret fx_tap_wrap(struct shim_host inner, struct fx_tap **tap, struct shim_host *out);
bool fx_tap_sees_dma(const struct fx_tap *tap);
/* Counts so far, after draining DMA events the shim has not asked for. */
void fx_tap_counts(struct fx_tap *tap, struct fx_tap_counts *out);

#endif
