/* QEMU 7.2's edu device as the tests see it: identity, config-space layout
 * and the BAR0 register map (docs/qemu-edu.md). Plain constants, so tests
 * of the model itself can use them without a host. */
#ifndef EDU_QOS_REGS_H
#define EDU_QOS_REGS_H

/* ---- identity and config space ('Identity', 'MSI', 'BAR0') ---- */
#define EDU_QOS_VENDOR_ID 0x1234u
#define EDU_QOS_DEVICE_ID 0x11e8u
#define EDU_QOS_PCI_ID 0x11e81234u    /* the dword at config 0x00 */
#define EDU_QOS_CLASS_REV 0x00ff0010u /* the dword at config 0x08: class 0x00ff00, rev 0x10 */
#define EDU_QOS_SLOT 4u               /* where the tests (and the built-in profile) put it */
#define EDU_QOS_MSI_CAP 0x40u         /* the only capability */
#define EDU_QOS_MSI_HEADER 0x00800005u /* ID 5, no next, 64-bit address, one vector */
#define EDU_QOS_BAR0_SIZE 0x100000u   /* 32-bit memory, 1 MiB; all-ones probe reads 0xfff00000 */

/* Standard config-space offsets and command bits the tests program. */
#define EDU_QOS_CFG_ID 0x00u
#define EDU_QOS_CFG_COMMAND 0x04u
#define EDU_QOS_CFG_CLASS_REV 0x08u
#define EDU_QOS_CFG_BAR0 0x10u
#define EDU_QOS_CFG_CAP_PTR 0x34u
#define EDU_QOS_CMD_MEMORY 0x0002u
#define EDU_QOS_CMD_MASTER 0x0004u
/* MSI capability fields, from EDU_QOS_MSI_CAP. */
#define EDU_QOS_MSI_CONTROL 0x02u
#define EDU_QOS_MSI_ADDR_LO 0x04u
#define EDU_QOS_MSI_ADDR_HI 0x08u
#define EDU_QOS_MSI_DATA 0x0cu
#define EDU_QOS_MSI_ENABLE 0x0001u

/* ---- BAR0 registers ('Registers') ---- */
enum edu_qos_reg {
	EDU_QOS_ID = 0x00,         /* reads EDU_QOS_ID_VALUE */
	EDU_QOS_LIVENESS = 0x04,   /* reads back ~(last value written) */
	EDU_QOS_FACT = 0x08,       /* write N to start, read N! when done */
	EDU_QOS_STATUS = 0x20,
	EDU_QOS_IRQ_STATUS = 0x24, /* OR of the causes raised and not acknowledged */
	EDU_QOS_IRQ_RAISE = 0x60,
	EDU_QOS_IRQ_ACK = 0x64,
	EDU_QOS_DMA_SRC = 0x80,    /* the four DMA registers are 64 bits wide */
	EDU_QOS_DMA_DST = 0x88,
	EDU_QOS_DMA_CNT = 0x90,
	EDU_QOS_DMA_CMD = 0x98,
};

#define EDU_QOS_ID_VALUE 0x010000edu  /* major version 1, magic 0xed */

#define EDU_QOS_STATUS_COMPUTING 0x01u /* read-only: factorial running */
#define EDU_QOS_STATUS_IRQ_FACT 0x80u  /* raise EDU_QOS_IRQ_FACT when done */

#define EDU_QOS_IRQ_FACT 0x001u        /* interrupt causes */
#define EDU_QOS_IRQ_DMA 0x100u

#define EDU_QOS_DMA_START 0x1u         /* write to start; reads 1 while running */
#define EDU_QOS_DMA_TO_RAM 0x2u        /* direction: buffer -> RAM (else RAM -> buffer) */
#define EDU_QOS_DMA_IRQ 0x4u           /* raise EDU_QOS_IRQ_DMA when done */

/* ---- DMA ('DMA', 'DMA range check', 'DMA mask', 'Timing') ---- */
#define EDU_QOS_DMA_BUF 0x40000u       /* the device's buffer, 0x40000..0x40fff */
#define EDU_QOS_DMA_BUF_SIZE 0x1000u
/* The largest transfer QEMU 7.2 accepts: one touching the last byte aborts it. */
#define EDU_QOS_DMA_MAX_SAFE (EDU_QOS_DMA_BUF_SIZE - 1u)
#define EDU_QOS_DMA_MASK 0x0fffffffull /* default dma_mask: 28 bits */
#define EDU_QOS_DMA_NS 100000000ull    /* each transfer takes 100 ms of virtual time */

#endif
