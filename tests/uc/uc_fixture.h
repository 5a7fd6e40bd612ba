/* Fixture for user-client tests: a sim machine booted once per group
 * (bench_machine) with a bare test kext linked into the program (its
 * manifest is UcTestDriver.plist) whose driver does nothing but exist, so
 * the framework is tested apart from any real driver; and per-test checks
 * that every user-client, allocation and object counter is back and the
 * verifier is empty. The device is the built-in edu profile's, used only
 * for its identity. */
#ifndef UC_FIXTURE_H
#define UC_FIXTURE_H

#include <stdbool.h>

#include "bench/machine.h"
#include "shim/uc_client.h"

struct bench_kext;

struct uc_fixture {
	struct bench_kext *kext;
	struct bench_machine fx;
	struct shim_uc_counters uc_start;
	struct bench_baseline base;
};

/* Boots the bare test kext. Returns 0 or -1 (cmocka group setup). */
int uc_fixture_boot(void **state);
int uc_fixture_shutdown(void **state);
/* Per test: snapshot; check everything came back. */
int uc_fixture_test_setup(void **state);
int uc_fixture_test_teardown(void **state);
/* Lets virtual time pass so queued work-loop events (completions) run. */
void uc_fixture_run_loop(struct uc_fixture *f, uint64_t ns);

#endif
