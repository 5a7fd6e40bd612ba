/* A model of QEMU 7.2's nvme controller with one memory-backed namespace:
 * admin queue, Identify (controller, namespace, active list, descriptors),
 * Set/Get Features, I/O queue creation and deletion, Read, Write and Flush
 * through PRP1, PRP2 and PRP lists, MSI-X and INTx, and the status codes
 * QEMU gives for bad opcodes, queues, LBAs and PRPs (docs/qemu-nvme.md).
 * Where QEMU asserts (a vector of 32 or more left on a CQ once MSI-X is
 * off) the model reports a device error instead. Hostile variants return
 * garbage for drivers to survive. */
#ifndef MODEL_NVME_H
#define MODEL_NVME_H

#include "model/device.h"
#include "model/plugin.h"

#define MODEL_NVME_VENDOR 0x1b36    /* Red Hat, as QEMU's nvme */
#define MODEL_NVME_DEVICE 0x0010
#define MODEL_NVME_CLASS 0x010802u  /* mass storage, NVM, NVMe */
#define MODEL_NVME_BAR0_SIZE 0x4000u
#define MODEL_NVME_DEFAULT_SIZE (4u << 20) /* namespace bytes: the bench's disk image */
#define MODEL_NVME_MAX_SIZE (1ull << 30)

struct model_nvme_config {
	const char *serial;        /* NULL: "drvbench" (QEMU requires one; Identify shows it) */
	uint64_t size;             /* namespace bytes, a multiple of 512; 0: the default */
	unsigned max_ioqpairs;     /* 0: 64, as QEMU */
	unsigned msix_qsize;       /* 0: 65, as QEMU */
	unsigned mdts;             /* 0: 7, as QEMU (2^7 pages per command) */
	bool no_msix;              /* no MSI-X capability: INTx only */
	/* Hostile variants (none is QEMU's): */
	bool cap_all_ones;         /* CAP reads all-ones */
	bool never_ready;          /* CSTS.RDY never comes up */
	bool phase_stuck;          /* completions carry the stale phase tag */
	bool unknown_cid;          /* completions name a command ID never submitted */
	bool stall_io;             /* I/O commands are fetched and never completed */
};

model_device *model_nvme_create(const struct model_nvme_config *cfg);

#define MODEL_NVME_OPTIONS_HELP \
	"[,serial=S][,size=N][,max_ioqpairs=N][,msix_qsize=N][,mdts=N][,no_msix]" \
	"[,cap_all_ones][,never_ready][,phase_stuck][,unknown_cid][,stall_io]"
model_device *model_nvme_create_from_options(const char *options, char *why, size_t len);
extern const struct model_plugin model_nvme_plugin;

#endif
