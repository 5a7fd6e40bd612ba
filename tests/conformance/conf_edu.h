/* edu's registers (docs/qemu-edu.md, 'Registers') and the small helpers the
 * conformance cases share: they play the driver through the shim API. */
#ifndef CONF_EDU_H
#define CONF_EDU_H

#include "conf.h"

enum {
	CONF_ID = 0x00, CONF_LIVENESS = 0x04, CONF_FACT = 0x08, CONF_STATUS = 0x20,
	CONF_IRQ_STATUS = 0x24, CONF_IRQ_RAISE = 0x60, CONF_IRQ_ACK = 0x64,
	CONF_DMA_SRC = 0x80, CONF_DMA_DST = 0x88, CONF_DMA_CNT = 0x90, CONF_DMA_CMD = 0x98,
};
#define CONF_EDU_ID 0x010000edu
#define CONF_DMA_BUF 0x40000u
#define CONF_DMA_RUN 0x1u
#define CONF_DMA_TO_RAM 0x2u
#define CONF_STATUS_COMPUTING 0x01u
#define CONF_STATUS_IRQ_FACT 0x80u

uint32_t conf_rd(struct conf_machine *cm, uint32_t off);
void conf_wr(struct conf_machine *cm, uint32_t off, uint32_t val);
/* Runs the loop (and virtual clock) until (reg & mask) == 0; reads are
 * recorded as polls. False after a bound (virtual and real time). */
bool conf_wait_clear(struct conf_machine *cm, uint32_t off, uint32_t mask);
/* One DMA: programs edu and waits for RUN to clear. */
bool conf_dma(struct conf_machine *cm, uint64_t src, uint64_t dst, uint32_t count, uint32_t cmd,
	      char *why, size_t len);

/* Cases in conf_cases_io.c (interrupts and DMA). */
bool conf_case_intx(struct conf_machine *cm, char *why, size_t len);
bool conf_case_msi(struct conf_machine *cm, char *why, size_t len);
bool conf_case_dma_edges(struct conf_machine *cm, char *why, size_t len);
bool conf_case_mask_boundary(struct conf_machine *cm, char *why, size_t len);

#endif
