/* The verifier: every misuse of a shim API is recorded with the caller's
 * file:line. Tests and fuzzers fail on any record; the shim itself carries
 * on with a safe result so a misbehaving driver cannot crash the bench. */
#ifndef SHIM_VERIFIER_H
#define SHIM_VERIFIER_H

#include "shim/types.h"

enum shim_violation_kind {
	SHIM_V_PREPARE_UNBALANCED,  /* complete without prepare, or prepared at release */
	SHIM_V_REFCOUNT_UNDERFLOW,  /* release of an object with no references */
	SHIM_V_DMA_UNPREPARED,      /* DMA address taken / DMA done on unprepared memory */
	SHIM_V_DMA_OUT_OF_RANGE,    /* device DMA outside every prepared range */
	SHIM_V_BLOCKING_IN_FILTER,  /* allocate, log, sleep or lock in primary interrupt context */
	SHIM_V_LOCK_MISUSE,         /* recursive lock, unlock not held, free while held */
	SHIM_V_LEAK_AT_UNLOAD,      /* live instances or allocations left at unload/stop */
	SHIM_V_FREE_MISMATCH,       /* free of a foreign pointer or with the wrong size */
	SHIM_V_MMIO_OUT_OF_RANGE,   /* access outside a mapped BAR or misaligned */
	SHIM_V_BAD_STATE,           /* API called in a state where it is not allowed */
	SHIM_V_COUNT_
};

struct shim_violation {
	enum shim_violation_kind kind;
	const char *file;  /* points into site[]: a kext's image may be unloaded */
	int line;
	char message[192];
	char site[96];
};

void shim_verifier_record_(enum shim_violation_kind kind, const char *file, int line,
			   const char *fmt, ...) SHIM_PRINTF(4, 5);
#define SHIM_VERIFY_FAIL(kind, ...) shim_verifier_record_((kind), __FILE__, __LINE__, __VA_ARGS__)

const char *shim_violation_kind_string(enum shim_violation_kind kind);

#endif
