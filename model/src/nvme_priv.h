/* The nvme model's state, shared by nvme.c (registers, doorbells, queues,
 * interrupts) and nvme_cmd.c (commands, PRPs, Identify data). The constants
 * are the NVMe 1.4 specification's and QEMU 7.2's values. */
#ifndef MODEL_NVME_PRIV_H
#define MODEL_NVME_PRIV_H

#include "model/nvme.h"
#include "model_internal.h"

/* Registers (NVMe 1.4 section 3.1). */
#define NVME_REG_CAP 0x00
#define NVME_REG_VS 0x08
#define NVME_REG_INTMS 0x0c
#define NVME_REG_INTMC 0x10
#define NVME_REG_CC 0x14
#define NVME_REG_CSTS 0x1c
#define NVME_REG_NSSR 0x20
#define NVME_REG_AQA 0x24
#define NVME_REG_ASQ 0x28
#define NVME_REG_ACQ 0x30
#define NVME_REG_BYTES 0x40       /* registers kept; reads beyond are 0 */
#define NVME_DOORBELLS 0x1000
#define NVME_REGION_END 0x2000    /* registers and doorbells; MSI-X above */
#define NVME_MSIX_TABLE 0x2000
#define NVME_MSIX_PBA 0x3000

#define NVME_CAP_VALUE 0x004018200f0107ffull /* MQES 0x7ff, CQR, TO 15, CSS 0xc1, MPSMAX 4 */
#define NVME_CAP_MQES 0x7ffu
#define NVME_CAP_CSS 0xc1u
#define NVME_CAP_MPSMAX 4u
#define NVME_VS_VALUE 0x00010400u

#define NVME_CC_EN(cc) ((cc) & 1u)
#define NVME_CC_CSS(cc) (((cc) >> 4) & 7u)
#define NVME_CC_MPS(cc) (((cc) >> 7) & 0xfu)
#define NVME_CC_SHN(cc) (((cc) >> 14) & 3u)
#define NVME_CC_IOSQES(cc) (((cc) >> 16) & 0xfu)
#define NVME_CC_IOCQES(cc) (((cc) >> 20) & 0xfu)
#define NVME_CSTS_RDY 0x1u
#define NVME_CSTS_CFS 0x2u
#define NVME_CSTS_SHST_DONE 0x8u

/* Status codes as the 15-bit status field (SCT << 8 | SC), DNR at 0x4000. */
#define NVME_SC_SUCCESS 0x0000
#define NVME_SC_INVALID_OPCODE 0x0001
#define NVME_SC_INVALID_FIELD 0x0002
#define NVME_SC_DATA_TRANSFER 0x0004
#define NVME_SC_INVALID_PRP_OFFSET 0x0013
#define NVME_SC_INVALID_NSID 0x000b
#define NVME_SC_CMD_SEQ_ERROR 0x000c
#define NVME_SC_SGL_DESCRIPTORS 0x000f
#define NVME_SC_LBA_RANGE 0x0080
#define NVME_SC_INVALID_CQ 0x0100
#define NVME_SC_INVALID_QID 0x0101
#define NVME_SC_INVALID_QSIZE 0x0102
#define NVME_SC_AER_LIMIT 0x0105
#define NVME_SC_INVALID_VECTOR 0x0108
#define NVME_SC_INVALID_QDELETE 0x010c
#define NVME_SC_FID_NOT_SAVEABLE 0x010d
#define NVME_SC_FEAT_NOT_CHANGEABLE 0x010e
#define NVME_DNR 0x4000
#define NVME_NO_COMPLETE 0xffff   /* held (an AER): no completion now */

#define NVME_SQE_SIZE 64
#define NVME_CQE_SIZE 16
#define NVME_LBA_SIZE 512u
#define NVME_LBA_BITS 9
#define NVME_ID_SIZE 4096u
#define NVME_NN 256u              /* namespaces a controller can name */
#define NVME_NSID_ALL 0xffffffffu
#define NVME_MAX_AERS 4u          /* AERL 3, zero-based */
#define NVME_QUEUES_MAX 65        /* admin + QEMU's default 64 I/O pairs */

struct nvme_sq {
	bool valid;
	uint16_t cqid;
	uint32_t size;            /* entries */
	uint32_t head, tail;
	uint64_t base;
};

struct nvme_cq {
	bool valid;
	bool ien;                 /* interrupts enabled */
	bool vector_used;         /* the MSI-X vector was taken in use at creation */
	uint16_t vector;
	uint32_t size, head, tail;
	uint8_t phase;
	uint64_t base;
};

/* One submission entry, decoded (little-endian on the wire). */
struct nvme_cmd {
	uint8_t opcode, flags;
	uint16_t cid;
	uint32_t nsid;
	uint64_t prp1, prp2;
	uint32_t cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
};

struct nvme {
	model_device dev;
	struct model_nvme_config cfg;
	char serial[21];
	uint8_t reg[NVME_REG_BYTES];  /* CAP..ACQ as the BAR shows them */
	uint32_t irq_status;          /* INTx: one bit per vector, as QEMU keeps it */
	unsigned cq_pending;          /* interrupt-enabled CQs holding entries */
	unsigned queues;              /* 1 + max_ioqpairs */
	unsigned aers;                /* Asynchronous Event Requests held */
	bool qs_created;              /* an I/O queue was created since the last reset */
	uint32_t page_size;
	struct nvme_sq sq[NVME_QUEUES_MAX];
	struct nvme_cq cq[NVME_QUEUES_MAX];
	uint32_t feat_temp, feat_arb, feat_pm, feat_vwc, feat_aec; /* settable features */
	uint64_t nsze;                /* blocks */
	uint8_t *data;                /* the namespace's bytes */
	model_timer work;             /* QEMU's bottom half: commands run after the doorbell */
};

static inline uint32_t nvme_reg32(const struct nvme *n, unsigned off)
{
	const uint8_t *p = n->reg + off;

	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void nvme_set_reg32(struct nvme *n, unsigned off, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		n->reg[off + i] = (uint8_t)(v >> (8 * i));
}

/* nvme_cmd.c: one command from queue sqid; the status field, or
 * NVME_NO_COMPLETE; *dw0 the result dword. */
MODEL_INTERNAL uint16_t nvme_admin_cmd(struct nvme *n, const struct nvme_cmd *c, uint32_t *dw0);
MODEL_INTERNAL uint16_t nvme_io_cmd(struct nvme *n, const struct nvme_cmd *c, uint32_t *dw0);
/* nvme.c: queue bookkeeping used by the admin commands. */
MODEL_INTERNAL void nvme_free_sq(struct nvme *n, unsigned qid);
MODEL_INTERNAL void nvme_free_cq(struct nvme *n, unsigned qid);
MODEL_INTERNAL void nvme_init_cq(struct nvme *n, unsigned qid, uint64_t base, uint32_t size,
				 uint16_t vector, bool ien);
MODEL_INTERNAL bool nvme_msix_on(const struct nvme *n);

#endif
