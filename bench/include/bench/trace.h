/* A trace recorder as a host wrapper: what the shim asks of one PCI
 * function, as text lines a differential test can compare across hosts.
 * Recorded: config accesses of that function and MMIO inside its window
 * (with values), guest-RAM reads/writes (address, length and a hash of the
 * bytes, so DMA effects are compared by content), interrupts delivered
 * (kind and count, not timing) and notes from the scenario. Not recorded:
 * the clock, routing questions and other functions. Consecutive identical
 * lines collapse into one with a count (" xN"), so polls stay short. */
#ifndef BENCH_TRACE_H
#define BENCH_TRACE_H

#include <stdbool.h>
#include <stddef.h>

#include "shim/host.h"
#include "shim/types.h"

#define BENCH_TRACE_TEXT 96

struct bench_trace;

struct bench_trace_line {
	char text[BENCH_TRACE_TEXT];
	unsigned long count; /* consecutive repeats, >= 1 */
};

/* bdf: the function whose config space is recorded. NULL on no memory. */
struct bench_trace *bench_trace_create(uint16_t bdf);
/* Only after the wrapper is gone (the machine destroyed). */
void bench_trace_destroy(struct bench_trace *t);

/* Wraps inner into *out, recording into t; destroying *out destroys inner
 * but not t. On failure inner is destroyed too (shim_machine_create's rule). */
shim_ret bench_trace_wrap(struct bench_trace *t, struct shim_host inner, struct shim_host *out);

/* MMIO in [base, base + size) is written "bar0+off"; other addresses raw. */
void bench_trace_window(struct bench_trace *t, uint64_t base, uint64_t size);
/* While on, recorded reads are prefixed "poll " (waiting is timing). */
void bench_trace_polling(struct bench_trace *t, bool on);
/* Ends the interrupt tally so far (as "irq ..." lines) and adds "# text". */
void bench_trace_note(struct bench_trace *t, const char *fmt, ...) SHIM_PRINTF(2, 3);
/* Drops every line (and the tally): the next section starts empty. */
void bench_trace_clear(struct bench_trace *t);
/* Lines so far, the pending interrupt tally included. */
size_t bench_trace_lines(struct bench_trace *t, const struct bench_trace_line **out);
/* False once a line could not be stored (out of memory): the trace is partial. */
bool bench_trace_complete(const struct bench_trace *t);

#endif
