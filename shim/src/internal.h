/* Shared between shim/src files only (not a public header): each call
 * carries SHIM_INTERNAL, so it is never mistaken for the public API. */
#ifndef SHIM_INTERNAL_H
#define SHIM_INTERNAL_H

#include "internal_mark.h"
#include "shim/machine.h"
#include "shim/types.h"
#include "shim/verifier.h"

/* Execution context of the (single) calling thread, as a kernel knows it:
 * APIs that may block refuse to run in filter (primary interrupt) context. */
enum shim_context { SHIM_CTX_THREAD = 0, SHIM_CTX_GATED, SHIM_CTX_FILTER };
SHIM_INTERNAL enum shim_context shim_context_current(void);
/* Returns the previous context, to be passed to shim_context_leave. */
SHIM_INTERNAL enum shim_context shim_context_enter(enum shim_context ctx);
SHIM_INTERNAL void shim_context_leave(enum shim_context prev);
/* Records SHIM_V_BLOCKING_IN_FILTER naming `what` and returns false when
 * called in filter context; true otherwise. */
SHIM_INTERNAL bool shim_context_may_block_(const char *what, const char *file, int line);

/* Counters kept by other files, reported by shim_counters_snapshot. */
SHIM_INTERNAL void shim_counters_wired_add(int64_t delta_bytes);
SHIM_INTERNAL void shim_counters_prepared_add(long delta);
SHIM_INTERNAL long shim_classes_live_total(void);
SHIM_INTERNAL void shim_alloc_totals(long *count, uint64_t *bytes, uint64_t *high_water);
SHIM_INTERNAL long shim_log_dropped_total(void);

/* fault.c: true when this call (kind, made from caller) must fail. */
SHIM_INTERNAL bool shim_fault_take(unsigned kind, const void *caller, const char *file, int line);
#define SHIM_FAULT(kind, file, line) shim_fault_take((kind), __builtin_return_address(0), (file), (line))

/* plist_parse.c: formats a refusal into why (may be NULL); returns
 * SHIM_ERR_BAD_ARGUMENT. plist_bin.c: the scan of a binary property list. */
SHIM_INTERNAL shim_ret shim_plist_refuse(char *why, size_t len, const char *fmt, ...)
	SHIM_PRINTF(3, 4);
SHIM_INTERNAL shim_ret shim_plist_scan_bin(const uint8_t *b, size_t n, char *why, size_t len);

#endif
