/* What every user-client fuzz target shares: one machine per process (sim
 * bus + edu model + edu kext, driver started), the user clients it
 * publishes, the entitlement strings they name, and the end-of-input check
 * that every counter is back to its baseline and the verifier is empty
 * (else abort() with the reason, which is the fuzzer's crash). */
#ifndef FUZZ_HARNESS_H
#define FUZZ_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "shim/uc_client.h"

#define FUZZ_MAX_SERVICES 4
#define FUZZ_MAX_ENTS 8

struct fuzz_world {
	size_t nservices;
	shim_service *svc[FUZZ_MAX_SERVICES];
	const struct shim_uc_desc *desc[FUZZ_MAX_SERVICES];
	size_t nents;
	const char *ents[FUZZ_MAX_ENTS]; /* every entitlement the tables name */
};

/* Boots the machine once; aborts if it cannot (a harness bug, not a find). */
struct fuzz_world *fuzz_world_get(void);
/* Runs the work loop for ns of virtual time. */
void fuzz_run_loop(uint64_t ns);
/* Register accesses (MMIO and port I/O) the machine made so far: a call
 * the user client must refuse has to leave this unchanged. */
uint64_t fuzz_device_accesses(void);
/* Aborts naming what is not back to the post-boot baseline. */
void fuzz_check_baseline(const char *target);
/* Prints "fuzz: <target>: <msg>" and aborts. */
void fuzz_die(const char *target, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
