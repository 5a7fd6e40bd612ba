/* Fixture for user-client tests: a machine with the edu device booted once
 * per group (bench_machine), a test kext whose driver does nothing but exist
 * (so the framework is tested apart from edu), and per-test checks that
 * every user-client, allocation and object counter is back and the
 * verifier is empty. */
#ifndef UC_FIXTURE_H
#define UC_FIXTURE_H

#include <stdbool.h>

#include "bench/machine.h"
#include "shim/uc_client.h"

struct uc_fixture {
	struct bench_machine fx;
	struct shim_uc_counters uc_start;
	struct bench_baseline base;
};

/* The bare kext: one driver matching edu's IDs, start/stop do nothing. */
extern const struct shim_kext_desc uc_test_kext;

/* Boot with kext (NULL: edu_kext). Returns 0 or -1 (cmocka group setup). */
int uc_fixture_boot(void **state, const struct shim_kext_desc *kext);
int uc_fixture_shutdown(void **state);
/* Per test: snapshot; check everything came back. */
int uc_fixture_test_setup(void **state);
int uc_fixture_test_teardown(void **state);
/* Lets virtual time pass so queued work-loop events (completions) run. */
void uc_fixture_run_loop(struct uc_fixture *f, uint64_t ns);

#endif
