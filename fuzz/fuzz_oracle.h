/* The fuzzers' reference model of what a user client must refuse. The
 * generic part follows the shim's documented check order (uc_client.h:
 * connection open, selector, entitlement, shapes and async flag) from the
 * dispatch table and the caller's bookkeeping, for any user client; a
 * driver's test module may add each method's own contract
 * (bench/uc_oracle.h), bound here to the table it describes. A call that
 * must be refused must get exactly that refusal and must not touch the
 * device; anything else aborts. */
#ifndef FUZZ_ORACLE_H
#define FUZZ_ORACLE_H

#include <stdio.h>

#include "bench/scenario.h"
#include "bench/uc_oracle.h"

/* The first of the module's oracles that describes d: its selector count
 * (when it gives one) is d's and every selector it names is in d. NULL
 * when none does (or module is NULL): only the generic model runs. The
 * kext's table lives in the bundle, so matching is by names, not pointers. */
const struct bench_uc_oracle *fuzz_oracle_match(const struct bench_test_module *module,
						const struct shim_uc_desc *d);
/* Uses o (may be NULL) for every call on table d from now on. False, with
 * why, when o is malformed (no name, a method without a name or function). */
bool fuzz_oracle_bind(const struct shim_uc_desc *d, const struct bench_uc_oracle *o, char *why,
		      size_t len);
/* The oracle bound to d, or NULL. */
const struct bench_uc_oracle *fuzz_oracle_bound(const struct shim_uc_desc *d);
/* True when d's oracle states who may open and call (access rules); false:
 * the rules come from the dispatch table itself. */
bool fuzz_oracle_access_stated(const struct shim_uc_desc *d);
/* The entitlement opening d needs, and the one selector sel needs (NULL:
 * none), by the contract when it states them, else by the table. */
const char *fuzz_oracle_open_entitlement(const struct shim_uc_desc *d);
const char *fuzz_oracle_method_entitlement(const struct shim_uc_desc *d, uint32_t sel);
/* Prints, on out, each selector where table and contract disagree on who
 * may call it. */
void fuzz_oracle_note_access(const struct shim_uc_desc *d, FILE *out);

/* The refusal an open must get (open_conns: this service's open connections). */
struct bench_uc_expect fuzz_expect_open(const struct shim_uc_desc *d, uint32_t uid,
					const char *const *ents, size_t nents, uint32_t open_conns);
/* The refusal a call must get: the shim's checks, then the method's. */
struct bench_uc_expect fuzz_expect_call(const struct bench_uc_call_model *m);
/* Aborts (naming target, op, selector, expected and actual) when got is
 * not the expected refusal, when a refused call touched the device
 * (device_accesses during it), or when a call the shim must pass got a
 * shim-only refusal. */
void fuzz_oracle_check(const char *target, const char *op, const struct bench_uc_call_model *m,
		       struct bench_uc_expect e, shim_ret got, uint64_t device_accesses);

#endif
