/* The small helpers the conformance cases share: they play edu's driver
 * through the shim API (register map: edu_qos_regs.h). */
#ifndef CONF_EDU_H
#define CONF_EDU_H

#include "conf.h"
#include "edu_qos_regs.h"

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
