/* A trace recorder as a host wrapper: what the shim asks of one PCI
 * function, as text lines a differential test can compare across hosts.
 * Recorded: config accesses of that function and MMIO inside its window
 * (with values), guest-RAM reads/writes (address, length and a hash of the
 * bytes, so DMA effects are compared by content), interrupts delivered
 * (kind and count, not timing) and notes from the scenario. Not recorded:
 * the clock, routing questions and other functions. Consecutive identical
 * lines collapse into one with a count (" xN"), so polls stay short. */
#ifndef FX_TRACE_H
#define FX_TRACE_H

#include <stdbool.h>
#include <stddef.h>

#include "shim/host.h"
#include "shim/types.h"

#define FX_TRACE_TEXT 96

struct fx_trace;

struct fx_trace_line {
	char text[FX_TRACE_TEXT];
	unsigned long count; /* consecutive repeats, >= 1 */
};

/* bdf: the function whose config space is recorded. NULL on no memory. */
struct fx_trace *fx_trace_create(uint16_t bdf);
/* Only after the wrapper is gone (the machine destroyed). */
void fx_trace_destroy(struct fx_trace *t);

/* Wraps inner into *out, recording into t; destroying *out destroys inner
 * but not t. On failure inner is destroyed too (shim_machine_create's rule). */
shim_ret fx_trace_wrap(struct fx_trace *t, struct shim_host inner, struct shim_host *out);

/* MMIO in [base, base + size) is written "bar0+off"; other addresses raw. */
void fx_trace_window(struct fx_trace *t, uint64_t base, uint64_t size);
/* While on, recorded reads are prefixed "poll " (waiting is timing). */
void fx_trace_polling(struct fx_trace *t, bool on);
/* Ends the interrupt tally so far (as "irq ..." lines) and adds "# text". */
void fx_trace_note(struct fx_trace *t, const char *fmt, ...) SHIM_PRINTF(2, 3);
/* Drops every line (and the tally): the next section starts empty. */
void fx_trace_clear(struct fx_trace *t);
/* Lines so far, the pending interrupt tally included. */
size_t fx_trace_lines(struct fx_trace *t, const struct fx_trace_line **out);
/* False once a line could not be stored (out of memory): the trace is partial. */
bool fx_trace_complete(const struct fx_trace *t);

#endif
