/* What every kext fuzz target shares: one machine per process, booted at
 * init on the sim host with the kext given (fuzz_config.h) and its device
 * profile, the driver started and the kext loaded for the life of the
 * process; the user clients it publishes with their dispatch tables, the
 * oracles bound to them (the test module's, else the generic model only),
 * the entitlement strings they name; and the end-of-input check that every
 * counter is back to its post-boot baseline, the verifier is empty and the
 * device reported no error (else abort() with the reason: the fuzzer's
 * crash). Nothing here knows a particular driver or device. */
#ifndef FUZZ_HARNESS_H
#define FUZZ_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "fuzz_config.h"
#include "fuzz_die.h"
#include "shim/uc_client.h"

#define FUZZ_MAX_SERVICES 4
#define FUZZ_MAX_ENTS 8

struct fuzz_world {
	size_t nservices;
	shim_service *svc[FUZZ_MAX_SERVICES];
	const struct shim_uc_desc *desc[FUZZ_MAX_SERVICES];
	size_t nents;
	const char *ents[FUZZ_MAX_ENTS]; /* every entitlement the tables name */
	const char *image;               /* the kext's mapped binary (file path) */
	enum shim_uc_abi client_abi;     /* of every task the targets make (-client_abi=) */
};

/* Boots the machine once (later calls return the same world). When the
 * kext, module or profile is refused or the driver does not start, prints
 * "fuzz_kext: <reason>" and exits 1: a configuration error, not a find. */
struct fuzz_world *fuzz_world_boot(const struct fuzz_config *cfg);
/* Prints, on out, one line per published user client: its selectors and
 * the oracle bound to it. */
void fuzz_world_describe(const struct fuzz_world *w, FILE *out);
/* Runs the work loop for ns of virtual time. */
void fuzz_run_loop(uint64_t ns);
/* Register accesses (MMIO and port I/O) the machine made so far: a call
 * the user client must refuse has to leave this unchanged. */
uint64_t fuzz_device_accesses(void);
/* Aborts naming what is not back to the post-boot baseline. */
void fuzz_check_baseline(const char *target);

#endif
