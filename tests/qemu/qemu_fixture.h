/* Test-side helpers for the qemu host tier: start a QEMU with edu at
 * 00:04.0, program it as firmware would, and wait on it with bounds. */
#ifndef FX_QEMU_FIXTURE_H
#define FX_QEMU_FIXTURE_H

#include "shim/host_qemu.h"

#define FX_EDU_BDF SHIM_BDF(0, 4, 0)
#define FX_EDU_BAR0 0xfe000000u

/* edu registers (docs/qemu-edu.md, 'Registers') */
enum {
	FX_EDU_ID = 0x00, FX_EDU_LIVENESS = 0x04, FX_EDU_FACT = 0x08, FX_EDU_STATUS = 0x20,
	FX_EDU_IRQ_STATUS = 0x24, FX_EDU_IRQ_RAISE = 0x60, FX_EDU_IRQ_ACK = 0x64,
	FX_EDU_DMA_SRC = 0x80, FX_EDU_DMA_DST = 0x88, FX_EDU_DMA_CNT = 0x90, FX_EDU_DMA_CMD = 0x98,
};
#define FX_EDU_DMA_BUF 0x40000u
#define FX_EDU_DMA_START 0x1u
#define FX_EDU_DMA_TO_RAM 0x2u
#define FX_EDU_DMA_IRQ 0x4u
#define FX_EDU_MSI_CAP 0x40u

/* Starts QEMU (machine "q35" or "pc") with edu at 00:04.0; a cmocka failure on error. */
void fx_qemu_start(struct shim_host *h, const char *machine);
/* Destroys the host if it was started; safe to call twice. */
void fx_qemu_stop(struct shim_host *h);

uint32_t fx_cfg_read32(struct shim_host *h, uint16_t bdf, uint16_t off);
void fx_cfg_write32(struct shim_host *h, uint16_t bdf, uint16_t off, uint32_t val);
/* BAR0 = FX_EDU_BAR0, command = memory | bus master. */
void fx_edu_map(struct shim_host *h);
uint32_t fx_edu_read(struct shim_host *h, uint32_t off);
void fx_edu_write(struct shim_host *h, uint32_t off, uint64_t val, unsigned size);
/* Runs the clock until (edu register & mask) == 0; false after ~3 s real time. */
bool fx_edu_wait_clear(struct shim_host *h, uint32_t off, uint32_t mask);
/* Runs the clock until irq_next reports an event; false after ~3 s real time. */
bool fx_wait_irq(struct shim_host *h, struct shim_host_irq *ev);

#endif
