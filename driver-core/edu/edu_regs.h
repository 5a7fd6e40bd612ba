/* Register map of QEMU 7.2's edu device (BAR0), per docs/qemu-edu.md, 'Registers'.
 * Offsets below 0x80 take 4-byte accesses only; the driver uses 4-byte
 * accesses everywhere, which also suits the 64-bit DMA registers because a
 * 4-byte write there sets the whole register (addresses fit in 28 bits). */
#ifndef EDU_REGS_H
#define EDU_REGS_H

#define EDU_REG_ID 0x00u
#define EDU_REG_LIVENESS 0x04u   /* reads back ~(last value written) */
#define EDU_REG_FACTORIAL 0x08u  /* write N to start, read N! when done */
#define EDU_REG_STATUS 0x20u
#define EDU_REG_IRQ_STATUS 0x24u /* OR of the raised causes */
#define EDU_REG_IRQ_RAISE 0x60u
#define EDU_REG_IRQ_ACK 0x64u
#define EDU_REG_DMA_SRC 0x80u
#define EDU_REG_DMA_DST 0x88u
#define EDU_REG_DMA_COUNT 0x90u
#define EDU_REG_DMA_CMD 0x98u

/* ID register: major version in the top byte, 0xed in the low byte. */
#define EDU_ID_MAJOR_SHIFT 24
#define EDU_ID_MAJOR_MASK 0xffu
#define EDU_ID_MAJOR 0x01u
#define EDU_ID_MAGIC_MASK 0xffu
#define EDU_ID_MAGIC 0xedu

#define EDU_STATUS_COMPUTING 0x01u /* read-only: factorial running */
#define EDU_STATUS_IRQ_FACT 0x80u  /* raise EDU_IRQ_FACTORIAL when done */

#define EDU_IRQ_FACTORIAL 0x001u
#define EDU_IRQ_DMA 0x100u

#define EDU_DMA_CMD_RUN 0x1u      /* write 1 to start; reads 1 while running */
#define EDU_DMA_CMD_DIR_SHIFT 1   /* 0: RAM -> device buffer, 1: buffer -> RAM */
#define EDU_DMA_CMD_IRQ 0x4u      /* raise EDU_IRQ_DMA when done */

/* A removed device (or a dead proxy) reads all-ones. */
#define EDU_ALL_ONES 0xffffffffu

#endif
