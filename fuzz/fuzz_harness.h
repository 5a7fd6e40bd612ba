/* What every kext fuzz target shares: one machine per process, booted at
 * init on the sim host with the kext given (fuzz_config.h) and its device
 * profile, the driver started and the kext loaded for the life of the
 * process; the user clients it publishes with their dispatch tables, the
 * oracles bound to them (the test module's, else the generic model only),
 * the entitlement strings they name; the machine-level operations an input
 * may make (sleep and wake, surprise removal and re-plug, device reset, a
 * failing shim call); and the end of every input: the machine brought back
 * to its post-boot shape when the input disturbed it, every counter back
 * at its baseline, the verifier empty, no device error, and a health probe
 * (each selector that answered on the fresh machine still answers). A
 * failed check aborts with the reason: the fuzzer's crash. Nothing here
 * knows a particular driver or device. */
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

/* The oracles (-oracles= switches them, for benchmarks and triage). */
enum fuzz_oracle_bit {
	FUZZ_OR_MODEL = 1u << 0,    /* refusals: the shim's checks, then the contract's */
	FUZZ_OR_DEVICE = 1u << 1,   /* a refused call touched no register */
	FUZZ_OR_HANDLES = 1u << 2,  /* the handle book */
	FUZZ_OR_SCAN = 1u << 3,     /* uninitialised bytes and addresses in outputs */
	FUZZ_OR_WEDGE = 1u << 4,    /* no timeout on a conforming call to a ready device */
	FUZZ_OR_PROBE = 1u << 5,    /* the health probe after every input */
	FUZZ_OR_BASELINE = 1u << 6, /* counters, verifier, device errors after every input */
	FUZZ_OR_ALL = (1u << 7) - 1,
};
#define FUZZ_ORACLE_COUNT 7
/* "model", "device", ... for bit 1 << i; NULL past the end. */
const char *fuzz_oracle_name(unsigned i);
/* Parses "all", "none" or a comma list of names (a leading '-' removes one
 * from all); false on an unknown name. */
bool fuzz_oracles_parse(const char *spec, unsigned *mask);

struct fuzz_world {
	size_t nservices;
	shim_service *svc[FUZZ_MAX_SERVICES]; /* NULL while the driver is not running */
	const struct shim_uc_desc *desc[FUZZ_MAX_SERVICES];
	size_t nents;
	const char *ents[FUZZ_MAX_ENTS]; /* every entitlement the tables and contracts name */
	const char *image;               /* the kext's mapped binary (file path) */
	unsigned oracles;                /* enum fuzz_oracle_bit */
	/* Bumped whenever the driver stopped (removal, reset, restart): every
	 * connection of the clients was closed by it. */
	unsigned generation;
	bool hostile; /* the device side is fuzzed: its timeouts are no driver's fault */
	enum shim_uc_abi client_abi;     /* of every task the targets make (-client_abi=) */
};

/* Boots the machine once (later calls return the same world). When the
 * kext, module or profile is refused or the driver does not start, prints
 * "fuzz_kext: <reason>" and exits 1: a configuration error, not a find. */
struct fuzz_world *fuzz_world_boot(const struct fuzz_config *cfg);
/* Prints, on out, one line per published user client: its selectors, the
 * oracle bound to it and where its access rules come from. */
void fuzz_world_describe(const struct fuzz_world *w, FILE *out);
/* Runs the work loop for ns of virtual time. */
void fuzz_run_loop(uint64_t ns);
/* The driver is entered anew (a call, an open, a machine op): a hostile
 * device's hang budgets count from here (each entry must end in time). */
void fuzz_driver_entry(void);
/* Register accesses (MMIO and port I/O) the machine made so far: a call
 * the user client must refuse has to leave this unchanged. */
uint64_t fuzz_device_accesses(void);

/* Machine-level operations an input may make (each marks the input as
 * disturbing: the machine is restored after it). False when it could not
 * be done now (nothing happened). */
enum fuzz_sleep_kind { FUZZ_SLEEP_WAIT, FUZZ_SLEEP_REQUEST, FUZZ_SLEEP_LATE_ACK };
bool fuzz_machine_sleep(enum fuzz_sleep_kind kind);
bool fuzz_machine_wake(void);
/* told: the rescan tells the driver (it stops); else it finds out itself. */
bool fuzz_machine_remove(bool told);
bool fuzz_machine_replug(void);
bool fuzz_machine_reset(void);
/* From now until the input ends, the nth call of kinds (enum
 * shim_fault_kind) the kext makes fails. */
void fuzz_machine_fail_call(long nth, unsigned kinds);
/* Calls the kext made that a fault failed, so far (0 or 1 per input). */
unsigned fuzz_machine_failed_calls(void);
/* Present, awake, not hostile, its driver running, no call failed by a
 * fault in this input: a conforming call must not time out. */
bool fuzz_device_ready(void);

/* The device side (fuzz_config.hostile: -target=device|both): the sim
 * host's device is wrapped in a hostile one (model/hostile.h) from boot,
 * honest between inputs. start: the driver stopped, the device reset, the
 * program prog loaded, the driver started on the hostile device (true when
 * it started: failing to is a fine answer to a broken device). stop: the
 * driver stopped while the device is still hostile, then the device
 * honest again. A limit of the engine (a busy poll, an unbounded wait)
 * aborts as '[hang: CLASS]' at the driver's access. */
bool fuzz_hostile_start(const char *target, const uint8_t *prog, size_t len);
void fuzz_hostile_stop(void);
struct model_hostile;
const struct model_hostile *fuzz_hostile(void);

/* End of an input: restore the machine if the input disturbed it, then
 * abort naming what is not back to the post-boot baseline, or the
 * selector the health probe finds wedged. */
void fuzz_end_input(const char *target);

#endif
