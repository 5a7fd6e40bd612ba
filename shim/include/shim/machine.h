/* Platform side of the shim: what a test fixture or the command line uses
 * to wire a machine (host + firmware enumeration + work loop), load kexts,
 * match and terminate drivers, and read the kernel's counters. Drivers
 * never include this header. */
#ifndef SHIM_MACHINE_H
#define SHIM_MACHINE_H

#include "shim/driver.h"
#include "shim/host.h"
#include "shim/log.h"
#include "shim/types.h"

typedef struct shim_machine shim_machine;
typedef struct shim_kext shim_kext;

/* Takes ownership of host (destroyed with the machine, also on failure,
 * except a host written for another SHIM_HOST_VERSION: that one is refused
 * with SHIM_ERR_UNSUPPORTED untouched, and the caller keeps it).
 * Enumerates bus 0 through config space, sizes and assigns BARs inside the
 * host's windows, and creates one shim_pci_device per function found. A
 * BAR that fits no window fails the creation with SHIM_ERR_NO_RESOURCES.
 * On failure, shim_machine_last_error(NULL) says why. */
shim_ret shim_machine_create(struct shim_host host, shim_machine **out);
void shim_machine_destroy(shim_machine *m);
const char *shim_machine_host_name(const shim_machine *m);
shim_workloop *shim_machine_workloop(shim_machine *m);
size_t shim_machine_device_count(const shim_machine *m);
shim_pci_device *shim_machine_device(shim_machine *m, size_t i);
/* Host-side detail of the last SHIM_ERR_HOST (e.g. QEMU's exit status and
 * stderr tail); with m NULL, why the last shim_machine_create failed. */
const char *shim_machine_last_error(const shim_machine *m);
/* Whether the host still answers (a config read of 00:00.0): SHIM_OK, or
 * its error (SHIM_ERR_HOST once QEMU is gone), with
 * shim_machine_last_error saying what became of it. */
shim_ret shim_machine_host_ping(shim_machine *m);

/* Parse the manifest (libplist: XML or binary) and check it: a
 * reverse-DNS CFBundleIdentifier, CFBundleVersion, at least one
 * IOKitPersonalities entry with IOClass naming a driver of desc,
 * IOProviderClass = IOPCIDevice and IOPCIMatch and/or IOPCIClassMatch.
 * desc may be NULL: the manifest alone is checked (IOClass names are not)
 * and the kext can be asked what it matches but never starts anything.
 * A refusal returns SHIM_ERR_BAD_ARGUMENT with the reason in why (and in
 * the log); why may be NULL. */
shim_ret shim_kext_load_manifest(const char *plist, size_t len, const struct shim_kext_desc *desc,
				 shim_kext **out, char *why, size_t whylen);
/* The same with the manifest the descriptor carries (desc->info_plist). */
shim_ret shim_kext_load(const struct shim_kext_desc *desc, shim_kext **out);
/* Refused (SHIM_ERR_BUSY, nothing freed) while a service of the kext runs
 * or any of its classes has live instances. */
shim_ret shim_kext_unload(shim_kext *k);
const char *shim_kext_bundle_id(const shim_kext *k);
/* The first class of k with live instances (their count in *live), or NULL:
 * what keeps k from unloading. */
const char *shim_kext_live_class(const shim_kext *k, long *live);
const char *shim_kext_version(const shim_kext *k);
/* True when some personality matches a function with these IDs and 24-bit
 * class code (IOPCIMatch and IOPCIClassMatch, see kext.c). */
bool shim_kext_matches(const shim_kext *k, uint16_t vendor, uint16_t device, uint32_t class_code);

/* Match every unclaimed device of m against k's personalities, probe and
 * start the best; *started counts started services. */
shim_ret shim_machine_match(shim_machine *m, shim_kext *k, size_t *started);
/* The service started on dev, or NULL. */
shim_service *shim_machine_service(shim_machine *m, shim_pci_device *dev);
/* The driver (personality's IOClass) a service runs. */
const struct shim_driver *shim_service_driver(const shim_service *svc);
/* Stop and free the service on dev (provider first marked inactive). */
shim_ret shim_machine_terminate(shim_machine *m, shim_pci_device *dev);

/* Auto-unload: IOKit unloads a kext that has no instances left about a
 * minute after its last service went (e.g. its device was removed); the
 * shim counts the delay on the machine's virtual clock. Default
 * SHIM_UNLOAD_DELAY_DEFAULT_NS; 0 restores it. */
#define SHIM_UNLOAD_DELAY_DEFAULT_NS (60ull * 1000000000ull)
void shim_machine_set_unload_delay(shim_machine *m, uint64_t delay_ns);
uint64_t shim_machine_unload_delay(const shim_machine *m);
/* Runs m's loop (and its timers) on the virtual clock until k has had no
 * running service for the unload delay, then says whether k may go:
 * SHIM_OK when nothing of it is alive (shim_kext_unload will succeed);
 * SHIM_ERR_BUSY when a service of k still runs, or a class of k still has
 * live instances: why names it ("class Foo has 1 live instance(s)") and
 * the kernel log says k cannot auto-unload. SHIM_ERR_HOST if the clock
 * cannot run. The delay is idle time: on a host whose clock counts idle
 * time in real time (qemu) it passes in jumps from timer to timer
 * (shim/host.h clock_skip), not in a minute of real time. */
shim_ret shim_machine_await_unload(shim_machine *m, shim_kext *k, char *why, size_t len);

/* Rebalance: with no driver running on dev, move every BAR of it to a new
 * address in its window and give it new MSI vectors (message address and
 * data change at the next interrupt registration). SHIM_ERR_BUSY while a
 * service runs on it, SHIM_ERR_NO_RESOURCES (last_error says which BAR)
 * when a window has no other room. */
shim_ret shim_machine_rebalance(shim_machine *m, shim_pci_device *dev);

/* Reset, as a platform does before it starts a driver again (error
 * recovery): with no driver running on dev, the host resets the function
 * (registers back to their power-on values) and its config space (BARs,
 * MSI, command) is restored as the firmware left it. SHIM_ERR_BUSY while a
 * service runs on it, SHIM_ERR_NO_DEVICE when it is gone,
 * SHIM_ERR_UNSUPPORTED when the host cannot reset a function. */
shim_ret shim_machine_reset_device(shim_machine *m, shim_pci_device *dev);

/* Re-scan after a hot-plug or a surprise removal, as firmware does on a
 * hot-plug event: a device that no longer answers (vendor ID all-ones) or
 * answers with other IDs is marked gone, its service terminated
 * (device_gone, then stop) and the device forgotten (its handle is invalid
 * afterwards); empty slots are enumerated again and new functions get BARs
 * in free window space. New devices are not matched: call shim_machine_match.
 * added/removed may be NULL. */
shim_ret shim_machine_rescan(shim_machine *m, size_t *added, size_t *removed);

/* The verifier's record book (shim/verifier.h records into it). The
 * platform reads and clears it; a kext cannot, so it cannot hide its own
 * misuse. */
size_t shim_verifier_count(void);
/* The i-th record (oldest first, at most SHIM_VERIFIER_KEEP kept; count keeps counting). */
#define SHIM_VERIFIER_KEEP 64
const struct shim_violation *shim_verifier_get(size_t i);
void shim_verifier_clear(void);
/* Fuzzers/tests: abort() at the first record, after printing it to stderr. */
void shim_verifier_set_fatal(bool fatal);

/* Kernel-wide counters (ioclasscount / ioalloccount / zprint in one). */
struct shim_counters {
	long objects_live;      /* sum of live instances over all classes */
	long alloc_count;       /* outstanding shim_malloc blocks */
	uint64_t alloc_bytes;   /* outstanding shim_malloc bytes */
	uint64_t alloc_high_water;
	uint64_t wired_bytes;   /* outstanding DMA buffers (guest RAM) */
	long prepared;          /* descriptors currently prepared */
	long log_dropped;
	long verifier_records;
};
void shim_counters_snapshot(struct shim_counters *c);
/* Classes that have ever had an instance, for per-class reports. */
size_t shim_class_list(const shim_class **out, size_t max);
/* Unregister a class whose storage is about to go away (its kext's image
 * is unmapped). SHIM_ERR_BUSY while it has live instances. */
shim_ret shim_class_forget(shim_class *cls);
/* Live allocations whose allocation site (file name) lies in [lo, hi),
 * i.e. in an image about to be unmapped; their site names are copied so
 * reports stay readable. Returns how many such blocks are live. */
long shim_alloc_rehome_sites(uintptr_t lo, uintptr_t hi);
/* Where live allocations were made (leak reports): fills at most max,
 * returns how many blocks are live. Order is unspecified. */
struct shim_alloc_site {
	const char *file;
	int line;
	size_t size;
};
size_t shim_alloc_live_sites(struct shim_alloc_site *out, size_t max);
/* True when p points into a live shim allocation (its header included):
 * an address a client must never see. */
bool shim_alloc_contains(uintptr_t p);
/* What fresh memory a driver did not ask to be zeroed holds: shim_malloc
 * blocks are filled with this byte (DMA buffers come zeroed, see
 * shim/memory.h; except under
 * valgrind, which tracks undefined bytes itself), so unwritten bytes that
 * reach a client are recognisable (user-client outputs get SHIM_UC_POISON
 * before the method runs). */
#define SHIM_ALLOC_FILL 0xbeu

/* Fault injection at a driver's call sites: with a plan armed, the nth
 * call (from 1, counted from arming) of an armed kind made from code in
 * [code_lo, code_hi) fails as a kernel's would (allocation: NULL; BAR map,
 * DMA prepare, DMA address (a DMA command's segment), interrupt source:
 * SHIM_ERR_NO_RESOURCES; DMA buffer, timer,
 * user-client publish: SHIM_ERR_NO_MEMORY; work-loop sleep:
 * SHIM_ERR_TIMEOUT). nth 0 only counts. code_hi 0: calls from anywhere. */
enum shim_fault_kind {
	SHIM_FAULT_ALLOC = 1u << 0,
	SHIM_FAULT_BAR_MAP = 1u << 1,
	SHIM_FAULT_DMA_ALLOC = 1u << 2,
	SHIM_FAULT_DMA_PREPARE = 1u << 3,
	SHIM_FAULT_INTR = 1u << 4,
	SHIM_FAULT_TIMER = 1u << 5,
	SHIM_FAULT_WORKLOOP = 1u << 6,
	SHIM_FAULT_UC_PUBLISH = 1u << 7,
	SHIM_FAULT_DMA_COMMAND = 1u << 8,
	SHIM_FAULT_ALL = 0x1ffu,
};
struct shim_fault_plan {
	unsigned kinds;     /* enum shim_fault_kind bits; 0 disarms */
	long nth;
	uintptr_t code_lo, code_hi;
};
struct shim_fault_stats {
	long calls;              /* counted calls since arming */
	unsigned counted_kinds;  /* kinds seen among them */
	bool fired;
	unsigned kind;           /* of the failed call */
	const void *caller;      /* its return address */
	const char *file;        /* its site, when the call carries one (else NULL); a copy */
	int line;
};
void shim_fault_arm(const struct shim_fault_plan *plan);
void shim_fault_disarm(void);
/* The armed plan counts calls from [old_lo, old_hi): from now on it counts
 * them from [lo, hi) instead, its count kept (a kext reloaded elsewhere). */
void shim_fault_move_range(uintptr_t old_lo, uintptr_t old_hi, uintptr_t lo, uintptr_t hi);
void shim_fault_stats(struct shim_fault_stats *out);
/* "allocation", "BAR map", ... for one kind bit. */
const char *shim_fault_kind_string(unsigned kind);

/* Allocation fault injection: the n-th next shim_malloc fails (0 = off). */
void shim_alloc_fail_nth(long n);

/* Log ring reader: pops the oldest message into buf; false when empty. */
bool shim_log_pop(char *buf, size_t len, enum shim_log_level *level);
/* Echo every accepted message to stderr as it is logged (debugging). */
void shim_log_set_echo(bool on);

#endif
