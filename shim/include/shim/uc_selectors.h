/* Per-selector user-client coverage (platform side, not for drivers): how
 * often each selector of each published user client was reached, refused
 * by the shim's checks, run, and failed by its method. Kept per process
 * from the first publication of a table on, keyed by the client's name, so
 * counts survive the kext being unloaded and loaded again. */
#ifndef SHIM_UC_SELECTORS_H
#define SHIM_UC_SELECTORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHIM_UC_SEL_NAME_LEN 48
/* Clients and selectors per client that are counted one by one; calls to
 * selectors past the table (or past this many) share one row. */
#define SHIM_UC_SEL_CLIENTS 16u
#define SHIM_UC_SEL_SELECTORS 64u
/* The selector of that shared row. */
#define SHIM_UC_SEL_OTHER UINT32_MAX

struct shim_uc_selector_count {
	char client[SHIM_UC_SEL_NAME_LEN]; /* the table's class, else its driver's */
	uint32_t selector;                 /* SHIM_UC_SEL_OTHER: past the table */
	char method[SHIM_UC_SEL_NAME_LEN]; /* "" when the table names none */
	unsigned long reached; /* calls that named this selector on an open connection */
	unsigned long refused; /* refused by the shim: no method, entitlement, shape */
	unsigned long ran;     /* passed the shim's checks and ran the method */
	unsigned long failed;  /* of those, the method returned an error */
};

/* Every selector of every table published since the last reset (counted or
 * not, so the never-reached ones show), then the shared rows that counted
 * something. Copies up to cap rows into out (may be NULL with cap 0);
 * returns how many there are. */
size_t shim_uc_selector_counts(struct shim_uc_selector_count *out, size_t cap);
/* Zeroes every count; the tables seen stay listed. */
void shim_uc_selector_counts_reset(void);
/* Stops (false) or resumes (true) counting, e.g. around a harness's own
 * health probes; returns the previous state. On at start. */
bool shim_uc_selector_counting(bool on);

#endif
