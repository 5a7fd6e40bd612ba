/* State shared by edu_driver.c (lifecycle, interrupts) and edu_ops.c
 * (operations). Not part of the driver's public interface. */
#ifndef EDU_PRIVATE_H
#define EDU_PRIVATE_H

#include "edu/edu_driver.h"
#include "edu_regs.h"
#include "shim/driver.h"
#include "shim/memory.h"
#include "shim/object.h"
#include "shim/pci.h"
#include "shim/types.h"
#include "shim/workloop.h"

#define EDU_CLASS_NAME "org_drvbench_driver_edu"
#define EDU_DMA_BUF_SIZE 4096u

/* Per-instance state: a counted object, so a leak shows in the class count.
 * Operations retain it while they run, so a stop that happens while an
 * operation sleeps on the loop (removal) cannot free it under them. */
struct edu_state {
	shim_object obj;
	shim_service *svc;
	shim_pci_device *dev;
	shim_workloop *wl;
	shim_mmio_map *bar0;
	shim_memdesc *dma_buf;
	shim_intr_source *intr;
	bool started;      /* cleared first thing by stop */
	bool gone;         /* the device was removed */
	bool op_active;    /* an operation is in progress (they do not nest) */
	bool buf_prepared; /* dma_buf prepared by an operation in flight */
	bool mem_was_on;   /* memory decode before start, restored by stop */
	uint32_t irq_pending; /* causes acked by the filter, not yet seen by the action */
	uint32_t irq_seen;    /* causes delivered by the action, consumed by waiters */
	/* power (edu_power.c) */
	bool asleep;            /* low-power state: operations are refused */
	bool sleep_acked_later; /* the sleep waits for the operation in flight */
	struct edu_stats stats;
};

/* edu_power.c: the power table, the operations' check (SHIM_OK, or why
 * an operation may not run now) and the hook run when an operation ends. */
extern const struct shim_power_desc edu_power_desc;
shim_ret edu_power_check(struct edu_state *st);
void edu_power_op_done(struct edu_state *st);

/* The started state behind svc, or NULL (not ours, never started, stopped). */
struct edu_state *edu_state_from_service(shim_service *svc);
void edu_state_retain(struct edu_state *st);
void edu_state_release(struct edu_state *st);

/* The waiters' event: interrupt actions, device removal and stop wake it. */
static inline const void *edu_irq_event(const struct edu_state *st)
{
	return &st->irq_seen;
}

static inline uint32_t edu_rd(const struct edu_state *st, uint32_t reg)
{
	return shim_mmio_read32(st->bar0, reg);
}

static inline void edu_wr(const struct edu_state *st, uint32_t reg, uint32_t val)
{
	shim_mmio_write32(st->bar0, reg, val);
}

#endif
