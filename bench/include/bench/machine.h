/* A bench machine: boots a host built from a device profile, finds the
 * device through the kext's own personalities, loads the kext, matches and
 * starts it; on shutdown terminates, unloads and destroys everything, then
 * checks that the kernel's counters are back where they were before and the
 * verifier is empty. The bench room is the one place that knows every room. */
#ifndef BENCH_MACHINE_H
#define BENCH_MACHINE_H

#include "bench/host.h"
#include "shim/machine.h"

#define BENCH_MAX_CLASSES 32
#define BENCH_CLASS_NAME_LEN 64

/* A class by name: a kext's classes go away with its image, names stay. */
struct bench_class_count {
	char name[BENCH_CLASS_NAME_LEN];
	long live;
};
/* Counters plus per-class live counts at one moment. */
struct bench_baseline {
	struct shim_counters counters;
	size_t nclasses;
	struct bench_class_count classes[BENCH_MAX_CLASSES];
};

void bench_baseline_take(struct bench_baseline *b);
/* Live instances of the class named name in b (0 when it had none yet). */
long bench_baseline_class_live(const struct bench_baseline *b, const char *name);
/* True when objects, allocations, wired bytes, prepared descriptors and
 * every class's live count equal b's now; else why names what differs. */
bool bench_baseline_matches(const struct bench_baseline *b, char *why, size_t len);
/* Appends to why, separated by "; ", never overflowing. */
void bench_why_append(char *why, size_t len, const char *fmt, ...) SHIM_PRINTF(3, 4);
/* True when the verifier holds no record; else why describes the first. */
bool bench_verifier_empty(char *why, size_t len);

struct bench_tap;

/* Counts of what the shim observed through the host (bench_machine_dma_seen). */
struct bench_tap_counts {
	unsigned long irqs;
	unsigned long dmas;
	uint64_t last_dma_addr, last_dma_len;
	uint64_t register_accesses; /* MMIO and port I/O reads and writes */
};

struct bench_machine {
	/* What scenarios read and may update (e.g. svc after a terminate). */
	shim_machine *machine;
	shim_kext *kext;           /* NULL once unloaded */
	shim_pci_device *dev;      /* the function the kext matches; NULL while absent */
	shim_service *svc;         /* NULL when the driver did not start */
	shim_ret match_ret;
	size_t started;
	const struct bench_host_factory *factory;
	struct bench_options opt;
	/* The bench's own. */
	struct bench_host_parts parts;
	bool parts_live;
	struct bench_tap *tap;     /* NULL with opt.no_tap */
	bool host_refused;         /* boot failed because the host cannot run this */
	bool host_failed;          /* boot failed because the host did not start (QEMU) */
	struct bench_baseline base;      /* before anything was created */
	struct bench_baseline pre_match; /* machine and kext up, no driver yet */
};

/* SHIM_OK: machine up, device found, kext loaded (opt->kext, if any) and
 * match attempted (fx->svc tells whether
 * the driver started). On error nothing is left behind and why says what
 * failed; fx->host_refused tells a host that is unavailable here or cannot
 * build this variant (CANNOT RUN) from a real failure, and fx->host_failed
 * a host that could not be started at all (QEMU did not come up) from a
 * failure further on. */
shim_ret bench_machine_boot(struct bench_machine *fx, const struct bench_host_factory *factory,
			 const struct bench_options *opt, char *why, size_t len);
/* Tears down whatever boot built (tolerates partial state). True when
 * everything came down cleanly and counters and verifier are back to the
 * baseline; otherwise why explains. Clears the verifier either way. */
bool bench_machine_shutdown(struct bench_machine *fx, char *why, size_t len);
/* The device this machine is about: the first function a personality of
 * the kext matches, or without a kext the first with the profile's IDs. */
shim_pci_device *bench_machine_find_device(struct bench_machine *fx);

/* After a failure: when the host no longer answers (QEMU died, or was
 * killed), appends what became of it to why ("the host is gone: QEMU (pid
 * N) killed by signal 9 (SIGKILL) ...") and returns true. A bare
 * "SHIM_ERR_HOST: host failure" says nothing of the cause. */
bool bench_machine_note_host_gone(struct bench_machine *fx, char *why, size_t len);

/* Host observations; false when this host cannot tell. */
bool bench_machine_device_errors(struct bench_machine *fx, unsigned long *count, const char **last);
bool bench_machine_dma_seen(struct bench_machine *fx, struct bench_tap_counts *out);
/* Register accesses (MMIO and port I/O) the machine made so far, as the
 * fuzzers count them: a call the user client must refuse may not change
 * it, so a check the driver core repeats is still tested at the user
 * client. False without the tap (opt.no_tap). */
bool bench_machine_register_accesses(struct bench_machine *fx, uint64_t *count);

#endif
