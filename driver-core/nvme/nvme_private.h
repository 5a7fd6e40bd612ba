/* State shared by the NVMe driver's files: nvme_driver.c (lifecycle),
 * nvme_ctrl.c (controller bring-up, reset, shutdown), nvme_queue.c
 * (queues, submission, completions, interrupts), nvme_io.c (operations)
 * and nvme_power.c. Not part of the driver's public interface. */
#ifndef NVME_PRIVATE_H
#define NVME_PRIVATE_H

#include "nvme/nvme_driver.h"
#include "nvme/nvme_userclient.h"
#include "nvme_regs.h"
#include "shim/dma.h"
#include "shim/driver.h"
#include "shim/libkern.h"
#include "shim/memory.h"
#include "shim/object.h"
#include "shim/pci.h"
#include "shim/types.h"
#include "shim/workloop.h"

#define NVME_DRIVER_CLASS "org_drvbench_driver_nvme"
#define NVME_ALL_ONES32 0xffffffffu
/* Waits look at the controller's status this often while nothing arrives,
 * so a fatal status is seen long before a command's timeout (default of
 * org_drvbench_driver_nvme_set_watch). */
#define NVME_WATCH_NS 10000000ull

struct nvme_state;
struct nvme_queue;

/* A completion callback for commands nobody waits on (async requests). */
typedef void (*nvme_done_fn)(struct nvme_state *st, void *ctx, shim_ret r, uint32_t dw0);

/* One command slot of a queue. */
struct nvme_request {
	bool busy, done;
	uint8_t gen;                /* command ID = gen << 8 | slot: stale IDs are caught */
	uint16_t status;            /* status field of its completion (0xffff: none came) */
	uint32_t dw0;
	struct nvme_completion cqe; /* the completion itself */
	shim_dma_command *dma;      /* I/O queues: client memory as segments */
	bool dma_prepared;
	uint64_t prp_addr;          /* bus address of the slot's PRP list page */
	uint64_t *prp_va;           /* its CPU view (NULL: written through the descriptor) */
	uint64_t data_addr;         /* the slot's own data page */
	nvme_done_fn done_fn;       /* set: completion goes there, nobody waits */
	void *done_ctx;
};

struct nvme_queue {
	struct nvme_state *st;
	uint16_t qid, depth;
	uint16_t sq_tail, cq_head, sq_head;
	uint8_t phase;
	shim_memdesc *sq_mem, *cq_mem, *prp_mem, *data_mem;
	uint8_t *sq_va, *cq_va, *prp_base_va, *data_va; /* NULL: no CPU mapping */
	uint64_t sq_addr, cq_addr, prp_addr, data_addr;
	unsigned intr_index;        /* its interrupt source's index */
	uint16_t vector;            /* what Create I/O CQ names */
	shim_intr_source *intr;     /* NULL: served by the admin queue's source (shared) */
	bool live;                  /* created on the controller */
	unsigned in_flight;
	struct nvme_request req[NVME_IO_DEPTH];
};

struct nvme_state {
	shim_object obj;
	shim_service *svc;
	shim_pci_device *dev;
	shim_workloop *wl;
	shim_mmio_map *bar0;
	bool started, gone, broken; /* broken: the controller could not be brought back */
	bool recovering;
	bool mem_was_on;
	bool asleep, sleep_acked_later;
	uint64_t cap;
	uint32_t doorbell_stride;   /* bytes between doorbells */
	uint64_t timeout_ns;
	uint64_t watch_ns;
	bool msix;
	unsigned vectors;
	unsigned nq;                /* I/O queues in use */
	unsigned nq_planned;        /* allocated: one per vector, up to the maximum */
	unsigned next_q;            /* round robin over them */
	struct nvme_queue q[NVME_MAX_QUEUES];
	struct nvme_info info;
	struct nvme_stats stats;
	unsigned busy_ops;          /* operations in progress (power waits for 0) */
	struct nvme_completion log[NVME_LOG_KEEP];
	unsigned log_head, log_count;
};

/* nvme_driver.c */
struct nvme_state *nvme_state_from_service(shim_service *svc);
void nvme_state_retain(struct nvme_state *st);
void nvme_state_release(struct nvme_state *st);

static inline uint32_t nvme_rd32(const struct nvme_state *st, uint32_t reg)
{
	return shim_mmio_read32(st->bar0, reg);
}

static inline void nvme_wr32(const struct nvme_state *st, uint32_t reg, uint32_t val)
{
	shim_mmio_write32(st->bar0, reg, val);
}

/* The waiters' event of a queue: its interrupt action posts it. */
static inline const void *nvme_queue_event(const struct nvme_queue *q)
{
	return &q->in_flight;
}

/* nvme_queue.c */
shim_ret nvme_queue_alloc(struct nvme_state *st, unsigned qid, uint16_t depth);
void nvme_queue_free(struct nvme_state *st, struct nvme_queue *q);
/* Empties a queue for a fresh controller: zeroed CQ, indexes back to 0. */
void nvme_queue_clear(struct nvme_queue *q);
/* The interrupt sources: one per queue with MSI-X, else one for all. */
shim_ret nvme_intr_setup(struct nvme_state *st);
void nvme_intr_teardown(struct nvme_state *st);
/* A free slot (SHIM_ERR_BUSY when the queue is full). */
shim_ret nvme_slot_take(struct nvme_queue *q, struct nvme_request **out);
void nvme_slot_put(struct nvme_queue *q, struct nvme_request *r);
uint16_t nvme_slot_cid(const struct nvme_queue *q, const struct nvme_request *r);
/* Writes the entry (command ID set) and rings the doorbell. */
void nvme_submit(struct nvme_queue *q, struct nvme_request *r, uint8_t sqe[NVME_SQE_BYTES]);
/* Waits for r on the loop, watching the controller; on a timeout or a
 * fatal status the controller is reset and r fails. */
shim_ret nvme_wait(struct nvme_queue *q, struct nvme_request *r);
/* Consumes what the CQ holds (the interrupt action, and waits' own look). */
unsigned nvme_queue_reap(struct nvme_queue *q);
/* Every outstanding command ends with r (reset, removal, stop). */
void nvme_fail_all(struct nvme_state *st, shim_ret r);
void nvme_sqe_init(uint8_t sqe[NVME_SQE_BYTES], uint8_t opcode, uint32_t nsid);
void nvme_sqe_put32(uint8_t sqe[NVME_SQE_BYTES], unsigned dword, uint32_t v);
void nvme_sqe_put64(uint8_t sqe[NVME_SQE_BYTES], unsigned dword, uint64_t v);

/* nvme_ctrl.c */
shim_ret nvme_ctrl_init(struct nvme_state *st);   /* reset, enable, identify, queues */
shim_ret nvme_ctrl_disable(struct nvme_state *st); /* CC.EN = 0, RDY down */
shim_ret nvme_ctrl_shutdown(struct nvme_state *st); /* CC.SHN, then disable */
/* After a timeout or fatal status: everything outstanding fails, the
 * controller is reset and brought up again (broken if it will not). */
void nvme_ctrl_recover(struct nvme_state *st, const char *why);
/* Polls CSTS until (CSTS & mask) == want, up to CAP.TO; SHIM_ERR_TIMEOUT,
 * SHIM_ERR_NO_DEVICE (all-ones), SHIM_ERR_DEVICE_ERROR (fatal status). */
shim_ret nvme_wait_csts(struct nvme_state *st, uint32_t mask, uint32_t want);
/* Admin command with the slot's data page, waited for. */
shim_ret nvme_admin(struct nvme_state *st, uint8_t sqe[NVME_SQE_BYTES], void *data,
		    uint32_t len, uint16_t *status, uint32_t *dw0);
/* Whether work may go on: started, present, awake. No device access. */
shim_ret nvme_alive(struct nvme_state *st);
/* nvme_alive plus a look at CSTS: all-ones is a removed device. */
shim_ret nvme_check_device(struct nvme_state *st);

/* nvme_power.c */
extern const struct shim_power_desc nvme_power_desc;
shim_ret nvme_power_check(struct nvme_state *st);
void nvme_power_op_done(struct nvme_state *st);

/* nvme_io.c: operations enter and leave here (state, device, power). */
shim_ret nvme_op_enter(shim_service *svc, struct nvme_state **out);
shim_ret nvme_op_leave(struct nvme_state *st, shim_ret r);
/* A flush nobody waits for: fn runs at its completion (or failure). */
shim_ret nvme_flush_async(struct nvme_state *st, nvme_done_fn fn, void *ctx);

#endif
