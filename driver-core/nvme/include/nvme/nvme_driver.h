/* The NVMe driver: the operations a started controller offers (the user
 * client builds on these; the driver's test module calls them through the
 * bench's kext symbol lookup). Every call checks state and arguments and
 * fails with a shim_ret; none aborts. Reads and writes of any length up to
 * the controller's transfer limit go through a DMA command, so client
 * memory anywhere in RAM becomes PRP entries (and PRP lists). */
#ifndef NVME_DRIVER_H
#define NVME_DRIVER_H

#include "shim/driver.h"
#include "shim/memory.h"
#include "shim/types.h"

#define NVME_CLASS_CODE 0x010802u    /* what the personality matches: any NVMe controller */
#define NVME_MAX_IO_QUEUES 4u        /* one queue pair per MSI-X vector, up to this many */
#define NVME_IO_DEPTH 16u            /* entries per I/O queue (one fewer in flight) */
#define NVME_ADMIN_DEPTH 8u
#define NVME_MAX_QUEUES (NVME_MAX_IO_QUEUES + 1u)
#define NVME_PAGE 4096u
#define NVME_ID_BYTES 4096u
#define NVME_SMALL_MAX 4096u         /* read_buf / write_buf: one page */
#define NVME_DEFAULT_TIMEOUT_NS 2000000000ull
#define NVME_LOG_KEEP 256u           /* consumed completions kept for completion_log */

struct nvme_info {
	uint64_t blocks;          /* namespace 1's size in logical blocks */
	uint32_t block_size;      /* bytes */
	uint32_t max_transfer;    /* bytes per command (MDTS, capped by the driver) */
	uint32_t io_queues;       /* I/O queue pairs in use */
	bool msix;                /* one MSI-X vector per queue; else one shared interrupt */
	uint32_t vectors;         /* MSI-X vectors the device offers (0 without MSI-X) */
	char serial[21], model[41], firmware[9];
};

struct nvme_stats {
	uint64_t commands, completions;
	uint64_t interrupts[NVME_MAX_QUEUES]; /* completions handled per queue's interrupt */
	uint64_t timeouts, errors, resets, unknown_cids, device_errors;
	uint64_t watch_looks; /* waits that looked at the controller (set_watch) */
};

/* A completion the driver consumed: queue, command ID, SQ head, status
 * field (SCT << 8 | SC, DNR 0x4000), phase tag and result dword. */
struct nvme_completion {
	uint16_t qid, cid, sqhd, status;
	uint8_t phase;
	uint32_t dw0;
};

/* The operations other code may call (the user client, the driver's test
 * module and the conformance test through the bench's symbol lookup): the
 * only globals the kext exports besides kmod_info (it builds with hidden
 * visibility), so each carries the prefix of CFBundleIdentifier
 * org.drvbench.driver.nvme, as every global in the kernel's one flat
 * namespace must. */
#define NVME_EXPORT __attribute__((visibility("default")))

NVME_EXPORT shim_ret org_drvbench_driver_nvme_get_info(shim_service *svc, struct nvme_info *out);
NVME_EXPORT shim_ret org_drvbench_driver_nvme_get_stats(shim_service *svc, struct nvme_stats *out);

/* Identify (CNS cns for nsid) into out (NVME_ID_BYTES). A controller that
 * refuses the command as malformed (invalid opcode, field or namespace) is
 * SHIM_ERR_BAD_ARGUMENT; any other status SHIM_ERR_DEVICE_ERROR. */
NVME_EXPORT shim_ret org_drvbench_driver_nvme_identify(shim_service *svc, uint8_t cns,
						       uint32_t nsid, void *out);
/* nblocks blocks at lba of namespace 1, to or from md at md_off (prepared
 * by the driver's DMA command; any memory, contiguous or not). Refused
 * before any register is touched: zero blocks, past the namespace, above
 * the transfer limit, outside md. */
NVME_EXPORT shim_ret org_drvbench_driver_nvme_read(shim_service *svc, uint64_t lba,
						   uint32_t nblocks, shim_memdesc *md,
						   uint64_t md_off);
NVME_EXPORT shim_ret org_drvbench_driver_nvme_write(shim_service *svc, uint64_t lba,
						    uint32_t nblocks, shim_memdesc *md,
						    uint64_t md_off);
/* The same for at most NVME_SMALL_MAX bytes through the driver's own buffer. */
NVME_EXPORT shim_ret org_drvbench_driver_nvme_read_buf(shim_service *svc, uint64_t lba,
						       uint32_t nblocks, void *dst);
NVME_EXPORT shim_ret org_drvbench_driver_nvme_write_buf(shim_service *svc, uint64_t lba,
							uint32_t nblocks, const void *src);
NVME_EXPORT shim_ret org_drvbench_driver_nvme_flush(shim_service *svc);

/* A raw command (an admin or I/O passthrough, as nvme-cli's): sqe's 64
 * bytes as given, except the command ID the driver sets. With data (one
 * page) PRP1 names the driver's page, filled from data before and copied
 * back after; without, the PRPs are the caller's. queue: 0 admin, 1.. I/O.
 * The completion comes back in *cqe; SHIM_OK even for an error status. */
NVME_EXPORT shim_ret org_drvbench_driver_nvme_passthru(shim_service *svc, unsigned queue,
						       const uint8_t sqe[64], void *data,
						       struct nvme_completion *cqe);

/* Consumed completions since the last call, oldest first (at most max,
 * and at most NVME_LOG_KEEP kept); returns how many were copied. */
NVME_EXPORT size_t org_drvbench_driver_nvme_completion_log(shim_service *svc,
							   struct nvme_completion *out,
							   size_t max);
/* Command timeout (virtual ns; 0: NVME_DEFAULT_TIMEOUT_NS). */
NVME_EXPORT shim_ret org_drvbench_driver_nvme_set_timeout(shim_service *svc, uint64_t ns);
/* How long a wait goes without news before it reaps the queue itself and
 * reads the controller's status (0: 10 ms). The look is timing-dependent
 * (extra register reads, a completion before its interrupt), so a trace
 * meant to be compared between hosts sets a period longer than any wait. */
NVME_EXPORT shim_ret org_drvbench_driver_nvme_set_watch(shim_service *svc, uint64_t ns);
/* Interrupts of one queue off (its vector masked: completions wait) or on. */
NVME_EXPORT shim_ret org_drvbench_driver_nvme_set_queue_interrupt(shim_service *svc,
								  unsigned queue, bool enabled);

#endif
