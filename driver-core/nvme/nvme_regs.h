/* NVMe 1.4 register map, command set and status codes the driver uses
 * (section numbers of the specification in the comments). */
#ifndef NVME_REGS_H
#define NVME_REGS_H

/* Controller registers (3.1). */
#define NVME_REG_CAP 0x00
#define NVME_REG_VS 0x08
#define NVME_REG_INTMS 0x0c
#define NVME_REG_INTMC 0x10
#define NVME_REG_CC 0x14
#define NVME_REG_CSTS 0x1c
#define NVME_REG_AQA 0x24
#define NVME_REG_ASQ 0x28
#define NVME_REG_ACQ 0x30
#define NVME_REG_DOORBELL 0x1000

#define NVME_CAP_MQES(c) ((uint32_t)((c) & 0xffff))
#define NVME_CAP_TO(c) ((uint32_t)(((c) >> 24) & 0xff))         /* 500 ms units */
#define NVME_CAP_DSTRD(c) ((uint32_t)(((c) >> 32) & 0xf))
#define NVME_CAP_CSS_NVM(c) ((((c) >> 37) & 1) != 0)
#define NVME_CAP_MPSMIN(c) ((uint32_t)(((c) >> 48) & 0xf))
#define NVME_TO_UNIT_NS 500000000ull

#define NVME_CC_ENABLE 0x1u
#define NVME_CC_CSS_NVM 0x0u
#define NVME_CC_MPS_4K 0x0u
#define NVME_CC_IOSQES (6u << 16)   /* 64-byte entries */
#define NVME_CC_IOCQES (4u << 20)   /* 16-byte entries */
#define NVME_CC_SHN_NORMAL (1u << 14)
#define NVME_CC_SHN_MASK (3u << 14)

#define NVME_CSTS_RDY 0x1u
#define NVME_CSTS_CFS 0x2u
#define NVME_CSTS_SHST_MASK 0xcu
#define NVME_CSTS_SHST_DONE 0x8u

/* Entries (4.2, 4.6). */
#define NVME_SQE_BYTES 64u
#define NVME_CQE_BYTES 16u

/* Admin commands (5). */
#define NVME_ADM_DELETE_SQ 0x00
#define NVME_ADM_CREATE_SQ 0x01
#define NVME_ADM_DELETE_CQ 0x04
#define NVME_ADM_CREATE_CQ 0x05
#define NVME_ADM_IDENTIFY 0x06
#define NVME_ADM_SET_FEATURES 0x09
#define NVME_FID_NUM_QUEUES 0x07
#define NVME_CNS_NS 0x00
#define NVME_CNS_CTRL 0x01
#define NVME_QUEUE_PC 0x1u          /* physically contiguous */
#define NVME_QUEUE_IEN 0x2u         /* interrupts enabled */

/* NVM commands (6). */
#define NVME_IO_FLUSH 0x00
#define NVME_IO_WRITE 0x01
#define NVME_IO_READ 0x02

/* Identify data fields (5.15). */
#define NVME_IDC_SN 4
#define NVME_IDC_MN 24
#define NVME_IDC_FR 64
#define NVME_IDC_MDTS 77
#define NVME_IDN_NSZE 0
#define NVME_IDN_FLBAS 26
#define NVME_IDN_LBAF 128

/* Status field (4.6.1.2): SCT << 8 | SC, DNR at bit 14. */
#define NVME_STATUS_DNR 0x4000u
#define NVME_STATUS_CODE 0x07ffu /* SCT and SC */
/* Generic command statuses that say the command itself was malformed. */
#define NVME_SC_INVALID_OPCODE 0x01u
#define NVME_SC_INVALID_FIELD 0x02u
#define NVME_SC_INVALID_NS 0x0bu

#endif
