/* The test fixture: boots a machine on a chosen host with the edu device,
 * loads a kext (edu_kext by default), matches and starts it, and on
 * shutdown terminates, unloads and destroys everything, then checks that
 * the kernel's counters are back where they were before and the verifier
 * is empty. This is the one place that knows every room. */
#ifndef FX_MACHINE_H
#define FX_MACHINE_H

#include "fx_host.h"
#include "fx_tap.h"
#include "shim/machine.h"

#define FX_MAX_CLASSES 32

struct fx_class_count {
	const shim_class *cls;
	long live;
};

/* Counters plus per-class live counts at one moment. */
struct fx_baseline {
	struct shim_counters counters;
	size_t nclasses;
	struct fx_class_count classes[FX_MAX_CLASSES];
};

void fx_baseline_take(struct fx_baseline *b);
/* Live instances of cls in b (0 when the class had none yet). */
long fx_baseline_class_live(const struct fx_baseline *b, const shim_class *cls);
/* True when objects, allocations, wired bytes, prepared descriptors and
 * every class's live count equal b's now; else why names what differs. */
bool fx_baseline_matches(const struct fx_baseline *b, char *why, size_t len);
/* Appends to why, separated by "; ", never overflowing. */
void fx_why_append(char *why, size_t len, const char *fmt, ...) SHIM_PRINTF(3, 4);
/* True when the verifier holds no record; else why describes the first. */
bool fx_verifier_empty(char *why, size_t len);

struct fx_machine {
	const struct fx_host_factory *factory;
	struct fx_options opt;
	struct fx_host_parts parts;
	bool parts_live;
	struct fx_tap *tap;        /* NULL with opt.no_tap */
	shim_machine *machine;
	shim_kext *kext;
	shim_pci_device *dev;      /* the edu function */
	shim_service *svc;         /* NULL when the driver did not start */
	shim_ret match_ret;
	size_t started;
	bool host_refused;         /* boot failed because the host cannot run this */
	struct fx_baseline base;      /* before anything was created */
	struct fx_baseline pre_match; /* machine and kext up, no driver yet */
};

/* SHIM_OK: machine up, kext loaded, match attempted (fx->svc tells whether
 * the driver started). On error nothing is left behind and why says what
 * failed; fx->host_refused tells a host that is unavailable here or cannot
 * build this variant (CANNOT RUN) from a real failure. */
shim_ret fx_machine_boot(struct fx_machine *fx, const struct fx_host_factory *factory,
			 const struct fx_options *opt, char *why, size_t len);
/* Tears down whatever boot built (tolerates partial state). True when
 * everything came down cleanly and counters and verifier are back to the
 * baseline; otherwise why explains. Clears the verifier either way. */
bool fx_machine_shutdown(struct fx_machine *fx, char *why, size_t len);
/* The first edu function (1234:11e8) the firmware found, or NULL. */
shim_pci_device *fx_machine_find_edu(shim_machine *m);

/* Host observations; false when this host cannot tell. */
bool fx_machine_device_errors(struct fx_machine *fx, unsigned long *count, const char **last);
bool fx_machine_dma_seen(struct fx_machine *fx, struct fx_tap_counts *out);

#endif
