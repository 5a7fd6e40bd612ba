/* The edu device's test-side driver library, in the manner of QEMU's libqos:
 * small helpers over struct shim_host (config space, BAR0 placement, MMIO,
 * waiting on the host's clock, MSI and DMA programming), so a test reads as
 * what it does to the device. The plain helpers fail the cmocka test with
 * the host's reason when an access fails; the edu_qos_try_* ones return
 * the status for tests that expect a failure (a killed QEMU, a dead remote).
 * Register map: edu_qos_regs.h. */
#ifndef EDU_QOS_H
#define EDU_QOS_H

#include <stdbool.h>
#include <stdint.h>

#include "edu_qos_regs.h"
#include "shim/host.h"
#include "shim/machine.h"

/* Where the tests put BAR0 when they play the firmware: the base of the
 * 32-bit window of both the sim and the qemu host. */
#define EDU_QOS_BAR0_ADDR 0xfe000000ull
#define EDU_QOS_BDF SHIM_BDF(0, EDU_QOS_SLOT, 0)

/* Waiting: the host clock runs in steps of EDU_QOS_STEP_NS, at most
 * EDU_QOS_WAIT_ROUNDS of them (a qemu host's clock_run returns within a
 * couple of milliseconds of real time, so a wait is bounded either way). */
#define EDU_QOS_STEP_NS 200000000ull
#define EDU_QOS_WAIT_ROUNDS 1500

struct edu_qos {
	struct shim_host host; /* a copy; whoever created the host owns it */
	uint16_t bdf;
	uint64_t bar0;         /* guest-physical address of BAR0; 0 until placed or found */
};

/* The edu function at bdf on host h. */
void edu_qos_init(struct edu_qos *e, const struct shim_host *h, uint16_t bdf);
/* Plays the firmware: BAR0 at addr, memory space and bus master on. */
void edu_qos_map(struct edu_qos *e, uint64_t addr);
/* BAR0 where someone else (the shim's firmware) put it, read from config space. */
void edu_qos_find_bar0(struct edu_qos *e);

/* The function with edu's IDs among those the shim's firmware enumerated, or NULL. */
shim_pci_device *edu_qos_find_function(shim_machine *m);

/* ---- config space and MMIO (size 1, 2, 4; MMIO also 8) ---- */
uint32_t edu_qos_cfg_read(struct edu_qos *e, uint16_t off, unsigned size);
void edu_qos_cfg_write(struct edu_qos *e, uint16_t off, unsigned size, uint32_t val);
uint32_t edu_qos_read(struct edu_qos *e, uint32_t off);               /* 4 bytes */
void edu_qos_write(struct edu_qos *e, uint32_t off, uint32_t val);    /* 4 bytes */
uint64_t edu_qos_read64(struct edu_qos *e, uint32_t off);
void edu_qos_write64(struct edu_qos *e, uint32_t off, uint64_t val);
shim_ret edu_qos_try_read(struct edu_qos *e, uint32_t off, unsigned size, uint64_t *val);
shim_ret edu_qos_try_cfg_read(struct edu_qos *e, uint16_t off, unsigned size, uint32_t *val);

/* ---- the host's clock ---- */

/* Lets the host's clock run for ns of virtual time (one clock_run). */
shim_ret edu_qos_try_run(struct edu_qos *e, uint64_t ns);
/* Runs the clock until (register & mask) == 0; false when it never was. */
bool edu_qos_wait_clear(struct edu_qos *e, uint32_t off, uint32_t mask);
/* Runs the clock until the host reports an interrupt (*ev); false when none came. */
bool edu_qos_wait_irq(struct edu_qos *e, struct shim_host_irq *ev);

/* ---- interrupts ---- */

/* MSI on, its message routed by the host to `vector`. */
void edu_qos_msi_enable(struct edu_qos *e, uint32_t vector);
void edu_qos_msi_disable(struct edu_qos *e);

/* ---- DMA ---- */

/* Programs source, destination, count and command (8-byte writes: the
 * registers are 64 bits wide; a proxy splits them); does not wait. */
void edu_qos_dma_start(struct edu_qos *e, uint64_t src, uint64_t dst, uint64_t count,
		       uint32_t cmd);
/* edu_qos_dma_start, then waits for the transfer to end; false when it never did. */
bool edu_qos_dma(struct edu_qos *e, uint64_t src, uint64_t dst, uint64_t count, uint32_t cmd);

#endif
