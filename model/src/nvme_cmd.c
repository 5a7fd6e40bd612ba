/* The nvme model's commands: admin (queue creation and deletion, Identify,
 * Features, Abort, Asynchronous Event Request) and I/O (Read, Write,
 * Flush), data moved through PRP1/PRP2 and PRP lists, with QEMU 7.2's
 * checks in QEMU's order so that a bad command gets the status QEMU gives.
 * Identify data is QEMU's, byte for byte, for a namespace of this size. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nvme_priv.h"

#define ADM_DELETE_SQ 0x00
#define ADM_CREATE_SQ 0x01
#define ADM_DELETE_CQ 0x04
#define ADM_CREATE_CQ 0x05
#define ADM_IDENTIFY 0x06
#define ADM_ABORT 0x08
#define ADM_SET_FEATURES 0x09
#define ADM_GET_FEATURES 0x0a
#define ADM_AER 0x0c
#define IO_FLUSH 0x00
#define IO_WRITE 0x01
#define IO_READ 0x02

#define CNS_NS 0x00
#define CNS_CTRL 0x01
#define CNS_ACTIVE_LIST 0x02
#define CNS_DESC_LIST 0x03

#define FID_ARBITRATION 0x01
#define FID_POWER_MGMT 0x02
#define FID_TEMP_THRESHOLD 0x04
#define FID_ERROR_RECOVERY 0x05
#define FID_VWC 0x06
#define FID_NUM_QUEUES 0x07
#define FID_IRQ_COALESCING 0x08
#define FID_IRQ_VECTOR_CONFIG 0x09
#define FID_WRITE_ATOMICITY 0x0a
#define FID_ASYNC_EVENT_CONFIG 0x0b
#define FEAT_SAVE 0x80000000u
#define INTVC_NO_COALESCING 0x10000u

#define FLAGS_FUSE(f) ((f) & 3u)
#define FLAGS_PSDT(f) (((f) >> 6) & 3u)
#define QFLAGS_PC 0x1u
#define QFLAGS_IEN 0x2u

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static void put_padded(uint8_t *p, const char *s, size_t n)
{
	size_t l = strlen(s);

	memset(p, ' ', n);
	memcpy(p, s, l < n ? l : n);
}

/* ---- PRPs (QEMU's nvme_map_prp) ---- */

struct nvme_sg {
	uint64_t addr;
	uint32_t len;
};

/* Data pointers into the controller's own BAR fail the transfer. */
static bool nvme_is_iomem(struct nvme *n, uint64_t addr)
{
	uint64_t base = model_device_bar_base(&n->dev, 0);

	return base && addr >= base && addr - base < MODEL_NVME_BAR0_SIZE;
}

static uint16_t nvme_sg_add(struct nvme *n, struct nvme_sg *sg, unsigned *nsg, unsigned max,
			    uint64_t addr, uint32_t len)
{
	if (nvme_is_iomem(n, addr))
		return NVME_SC_DATA_TRANSFER;
	if (*nsg == max)
		return NVME_SC_INVALID_FIELD | NVME_DNR; /* cannot happen within MDTS */
	sg[(*nsg)++] = (struct nvme_sg){ addr, len };
	return NVME_SC_SUCCESS;
}

/* Reads entries of a PRP list; false when the list is not in RAM. */
static bool nvme_read_list(struct nvme *n, uint64_t addr, uint64_t *list, uint32_t nents)
{
	uint8_t b[8];

	for (uint32_t i = 0; i < nents; i++) {
		if (!model_dma_read(&n->dev, addr + 8ull * i, b, sizeof(b)))
			return false;
		list[i] = (uint64_t)b[0] | (uint64_t)b[1] << 8 | (uint64_t)b[2] << 16 |
			  (uint64_t)b[3] << 24 | (uint64_t)b[4] << 32 | (uint64_t)b[5] << 40 |
			  (uint64_t)b[6] << 48 | (uint64_t)b[7] << 56;
	}
	return true;
}

static uint16_t nvme_map_prp(struct nvme *n, uint64_t prp1, uint64_t prp2, uint32_t len,
			     struct nvme_sg *sg, unsigned *nsg, unsigned max)
{
	uint32_t page = n->page_size, ents = page / 8u;
	uint32_t trans = page - (uint32_t)(prp1 % page);
	uint64_t *list;
	uint32_t nents, i = 0;
	uint16_t st;

	*nsg = 0;
	trans = trans < len ? trans : len;
	if ((st = nvme_sg_add(n, sg, nsg, max, prp1, trans)) != NVME_SC_SUCCESS)
		return st;
	len -= trans;
	if (!len)
		return NVME_SC_SUCCESS;
	if (len <= page) {
		if (prp2 & (page - 1))
			return NVME_SC_INVALID_PRP_OFFSET | NVME_DNR;
		return nvme_sg_add(n, sg, nsg, max, prp2, len);
	}
	list = malloc(ents * sizeof(*list));
	if (!list)
		return NVME_SC_DATA_TRANSFER;
	nents = (len + page - 1) / page;
	nents = nents < ents ? nents : ents;
	if (!nvme_read_list(n, prp2, list, nents)) {
		free(list);
		return NVME_SC_DATA_TRANSFER;
	}
	while (len) {
		uint64_t ent = list[i];

		if (i == ents - 1 && len > page) {
			/* The last entry of a full list points at the next list. */
			if (ent & (page - 1)) {
				free(list);
				return NVME_SC_INVALID_PRP_OFFSET | NVME_DNR;
			}
			i = 0;
			nents = (len + page - 1) / page;
			nents = nents < ents ? nents : ents;
			if (!nvme_read_list(n, ent, list, nents)) {
				free(list);
				return NVME_SC_DATA_TRANSFER;
			}
			ent = list[0];
		}
		if (ent & (page - 1)) {
			free(list);
			return NVME_SC_INVALID_PRP_OFFSET | NVME_DNR;
		}
		trans = len < page ? len : page;
		if ((st = nvme_sg_add(n, sg, nsg, max, ent, trans)) != NVME_SC_SUCCESS) {
			free(list);
			return st;
		}
		len -= trans;
		i++;
	}
	free(list);
	return NVME_SC_SUCCESS;
}

/* Moves len bytes between buf and the pages the command names. Data DMA to
 * or from addresses with nothing behind them succeeds, as on QEMU (a read's
 * data is dropped, a write reads zeros): only the mapping can fail. */
static uint16_t nvme_xfer(struct nvme *n, const struct nvme_cmd *c, uint8_t *buf, uint32_t len,
			  bool to_guest)
{
	unsigned max = len / n->page_size + 2, nsg;
	struct nvme_sg *sg = malloc(max * sizeof(*sg));
	uint16_t st;

	if (!sg)
		return NVME_SC_DATA_TRANSFER;
	if (FLAGS_PSDT(c->flags)) {
		free(sg);
		return NVME_SC_SGL_DESCRIPTORS | NVME_DNR; /* an SGL: this model parses none */
	}
	st = nvme_map_prp(n, c->prp1, c->prp2, len, sg, &nsg, max);
	for (unsigned i = 0; st == NVME_SC_SUCCESS && i < nsg; i++) {
		bool ok = to_guest ? model_dma_write(&n->dev, sg[i].addr, buf, sg[i].len)
				   : model_dma_read(&n->dev, sg[i].addr, buf, sg[i].len);

		if (!ok && !to_guest)
			memset(buf, 0, sg[i].len);
		buf += sg[i].len;
	}
	free(sg);
	return st;
}

/* ---- Identify ---- */

static void nvme_id_ctrl(const struct nvme *n, uint8_t *d)
{
	char nqn[64];

	put16(d + 0, MODEL_NVME_VENDOR);
	put16(d + 2, 0x1af4);                 /* SSVID */
	put_padded(d + 4, n->serial, 20);
	put_padded(d + 24, "QEMU NVMe Ctrl", 40);
	put_padded(d + 64, "7.2.22", 8);      /* FR: the QEMU release this model follows */
	d[72] = 6;                            /* RAB */
	d[73] = 0x00;                         /* IEEE OUI */
	d[74] = 0x54;
	d[75] = 0x52;
	d[77] = (uint8_t)n->cfg.mdts;
	put32(d + 80, NVME_VS_VALUE);         /* VER */
	put32(d + 92, 0x100);                 /* OAES: namespace attribute notices */
	put32(d + 96, 0x8000);                /* CTRATT */
	d[111] = 1;                           /* CNTRLTYPE: I/O controller */
	put16(d + 256, 0x010a);               /* OACS, as QEMU advertises it */
	d[258] = 3;                           /* ACL */
	d[259] = 3;                           /* AERL */
	d[260] = 3;                           /* FRMW */
	d[261] = 7;                           /* LPA */
	put16(d + 266, 0x157);                /* WCTEMP */
	put16(d + 268, 0x175);                /* CCTEMP */
	d[512] = 0x66;                        /* SQES */
	d[513] = 0x44;                        /* CQES */
	put32(d + 516, NVME_NN);
	put16(d + 520, 0x015d);               /* ONCS, as QEMU advertises it */
	d[525] = 7;                           /* VWC */
	put16(d + 534, 3);                    /* OCFS */
	put32(d + 536, 1);                    /* SGLS */
	snprintf(nqn, sizeof(nqn), "nqn.2019-08.org.qemu:%s", n->serial);
	memcpy(d + 768, nqn, strlen(nqn));
	put16(d + 2048, 0x9c4);               /* power state 0: MP */
	put32(d + 2052, 0x10);                /* ENLAT */
	put32(d + 2056, 4);                   /* EXLAT */
}

static void nvme_id_ns(const struct nvme *n, uint8_t *d)
{
	static const uint8_t lbaf[8][2] = { { 0, 9 }, { 8, 9 }, { 16, 9 }, { 64, 9 },
					    { 0, 12 }, { 8, 12 }, { 16, 12 }, { 64, 12 } };

	put64(d + 0, n->nsze);   /* NSZE */
	put64(d + 8, n->nsze);   /* NCAP */
	put64(d + 16, n->nsze);  /* NUSE */
	d[24] = 0x14;            /* NSFEAT */
	d[25] = 7;               /* NLBAF (zero-based) */
	d[27] = 3;               /* MC */
	d[28] = 0x1f;            /* DPC */
	d[33] = 1;               /* DLFEAT */
	put16(d + 68, 7);        /* NPDG */
	put16(d + 70, 7);        /* NPDA */
	for (unsigned i = 0; i < 8; i++) {
		put16(d + 128 + 4 * i, lbaf[i][0]);
		d[128 + 4 * i + 2] = lbaf[i][1];
	}
}

static bool nvme_nsid_valid(uint32_t nsid)
{
	return nsid && (nsid == NVME_NSID_ALL || nsid <= NVME_NN);
}

static uint16_t nvme_identify(struct nvme *n, const struct nvme_cmd *c)
{
	uint8_t *d = calloc(1, NVME_ID_SIZE);
	uint16_t st = NVME_SC_SUCCESS;

	if (!d)
		return NVME_SC_DATA_TRANSFER;
	switch (c->cdw10 & 0xff) {
	case CNS_NS:
		if (!nvme_nsid_valid(c->nsid) || c->nsid == NVME_NSID_ALL)
			st = NVME_SC_INVALID_NSID | NVME_DNR;
		else if (c->nsid == 1)
			nvme_id_ns(n, d); /* another nsid names no namespace: zeros */
		break;
	case CNS_CTRL:
		nvme_id_ctrl(n, d);
		break;
	case CNS_ACTIVE_LIST:
		if (c->nsid >= NVME_NSID_ALL - 1)
			st = NVME_SC_INVALID_NSID | NVME_DNR;
		else if (c->nsid < 1)
			put32(d, 1);
		break;
	case CNS_DESC_LIST:
		if (!nvme_nsid_valid(c->nsid) || c->nsid == NVME_NSID_ALL)
			st = NVME_SC_INVALID_NSID | NVME_DNR;
		else if (c->nsid != 1)
			st = NVME_SC_INVALID_FIELD | NVME_DNR;
		else
			d[0] = 4, d[1] = 1; /* a command set identifier descriptor: NVM */
		break;
	default:
		st = NVME_SC_INVALID_FIELD | NVME_DNR;
		break;
	}
	if (st == NVME_SC_SUCCESS)
		st = nvme_xfer(n, c, d, NVME_ID_SIZE, true);
	free(d);
	return st;
}

/* ---- queues ---- */

static uint16_t nvme_create_cq(struct nvme *n, const struct nvme_cmd *c)
{
	uint16_t qid = (uint16_t)c->cdw10, vector = (uint16_t)(c->cdw11 >> 16);
	uint32_t qsize = (c->cdw10 >> 16) + 1;

	if (!qid || qid >= n->queues || n->cq[qid].valid)
		return NVME_SC_INVALID_QID | NVME_DNR;
	if (qsize < 2 || qsize > NVME_CAP_MQES + 1)
		return NVME_SC_INVALID_QSIZE | NVME_DNR;
	if (c->prp1 & (n->page_size - 1))
		return NVME_SC_INVALID_PRP_OFFSET | NVME_DNR;
	if (!nvme_msix_on(n) && vector)
		return NVME_SC_INVALID_VECTOR | NVME_DNR;
	if (vector >= n->cfg.msix_qsize)
		return NVME_SC_INVALID_VECTOR | NVME_DNR;
	if (!(c->cdw11 & QFLAGS_PC))
		return NVME_SC_INVALID_FIELD | NVME_DNR;
	nvme_init_cq(n, qid, c->prp1, qsize, vector, (c->cdw11 & QFLAGS_IEN) != 0);
	n->qs_created = true;
	return NVME_SC_SUCCESS;
}

static uint16_t nvme_create_sq(struct nvme *n, const struct nvme_cmd *c)
{
	uint16_t qid = (uint16_t)c->cdw10, cqid = (uint16_t)(c->cdw11 >> 16);
	uint32_t qsize = (c->cdw10 >> 16) + 1;

	if (!cqid || cqid >= n->queues || !n->cq[cqid].valid)
		return NVME_SC_INVALID_CQ | NVME_DNR;
	if (!qid || qid >= n->queues || n->sq[qid].valid)
		return NVME_SC_INVALID_QID | NVME_DNR;
	if (qsize < 2 || qsize > NVME_CAP_MQES + 1)
		return NVME_SC_INVALID_QSIZE | NVME_DNR;
	if (c->prp1 & (n->page_size - 1))
		return NVME_SC_INVALID_PRP_OFFSET | NVME_DNR;
	if (!(c->cdw11 & QFLAGS_PC))
		return NVME_SC_INVALID_FIELD | NVME_DNR;
	n->sq[qid] = (struct nvme_sq){ .valid = true, .cqid = cqid, .size = qsize,
				       .base = c->prp1 };
	n->qs_created = true;
	return NVME_SC_SUCCESS;
}

static uint16_t nvme_delete_sq(struct nvme *n, const struct nvme_cmd *c)
{
	uint16_t qid = (uint16_t)c->cdw10;

	if (!qid || qid >= n->queues || !n->sq[qid].valid)
		return NVME_SC_INVALID_QID | NVME_DNR;
	nvme_free_sq(n, qid);
	return NVME_SC_SUCCESS;
}

static uint16_t nvme_delete_cq(struct nvme *n, const struct nvme_cmd *c)
{
	uint16_t qid = (uint16_t)c->cdw10;

	if (!qid || qid >= n->queues || !n->cq[qid].valid)
		return NVME_SC_INVALID_CQ | NVME_DNR; /* QEMU says Invalid CQ here, not Invalid QID */
	for (unsigned q = 1; q < n->queues; q++)
		if (n->sq[q].valid && n->sq[q].cqid == qid)
			return NVME_SC_INVALID_QDELETE; /* without DNR, as QEMU */
	nvme_free_cq(n, qid);
	return NVME_SC_SUCCESS;
}

/* ---- features ---- */

static uint32_t nvme_num_queues(const struct nvme *n)
{
	uint32_t q = n->queues - 2; /* zero-based count of I/O queues */

	return q | q << 16;
}

static uint16_t nvme_set_features(struct nvme *n, const struct nvme_cmd *c, uint32_t *dw0)
{
	uint32_t v = c->cdw11;

	if (c->cdw10 & FEAT_SAVE)
		return NVME_SC_FID_NOT_SAVEABLE | NVME_DNR;
	switch (c->cdw10 & 0xff) {
	case FID_NUM_QUEUES:
		if (n->qs_created)
			return NVME_SC_CMD_SEQ_ERROR | NVME_DNR;
		if ((v & 0xffff) == 0xffff || (v >> 16) == 0xffff)
			return NVME_SC_INVALID_FIELD | NVME_DNR;
		*dw0 = nvme_num_queues(n); /* what it has, whatever was asked */
		return NVME_SC_SUCCESS;
	case FID_IRQ_COALESCING:
	case FID_IRQ_VECTOR_CONFIG:
		return NVME_SC_FEAT_NOT_CHANGEABLE | NVME_DNR;
	case FID_ARBITRATION:
		n->feat_arb = v;
		return NVME_SC_SUCCESS;
	case FID_POWER_MGMT:
		n->feat_pm = v;
		return NVME_SC_SUCCESS;
	case FID_TEMP_THRESHOLD:
		n->feat_temp = v & 0xffff;
		return NVME_SC_SUCCESS;
	case FID_VWC:
		n->feat_vwc = v & 1;
		return NVME_SC_SUCCESS;
	case FID_ASYNC_EVENT_CONFIG:
		n->feat_aec = v;
		return NVME_SC_SUCCESS;
	default:
		return NVME_SC_INVALID_FIELD | NVME_DNR;
	}
}

static uint16_t nvme_get_features(struct nvme *n, const struct nvme_cmd *c, uint32_t *dw0)
{
	uint32_t iv = c->cdw11 & 0xffff;

	switch (c->cdw10 & 0xff) {
	case FID_ARBITRATION:
		*dw0 = n->feat_arb;
		return NVME_SC_SUCCESS;
	case FID_POWER_MGMT:
		*dw0 = n->feat_pm;
		return NVME_SC_SUCCESS;
	case FID_TEMP_THRESHOLD:
		*dw0 = n->feat_temp;
		return NVME_SC_SUCCESS;
	case FID_ERROR_RECOVERY:
		if (!nvme_nsid_valid(c->nsid) || c->nsid == NVME_NSID_ALL)
			return NVME_SC_INVALID_NSID | NVME_DNR;
		*dw0 = 0;
		return NVME_SC_SUCCESS;
	case FID_VWC:
		*dw0 = n->feat_vwc;
		return NVME_SC_SUCCESS;
	case FID_NUM_QUEUES:
		*dw0 = nvme_num_queues(n);
		return NVME_SC_SUCCESS;
	case FID_IRQ_COALESCING:
	case FID_WRITE_ATOMICITY:
		*dw0 = 0;
		return NVME_SC_SUCCESS;
	case FID_IRQ_VECTOR_CONFIG:
		if (iv >= n->queues)
			return NVME_SC_INVALID_FIELD | NVME_DNR;
		*dw0 = iv | (iv == n->cq[0].vector ? INTVC_NO_COALESCING : 0);
		return NVME_SC_SUCCESS;
	case FID_ASYNC_EVENT_CONFIG:
		*dw0 = n->feat_aec;
		return NVME_SC_SUCCESS;
	default:
		return NVME_SC_INVALID_FIELD | NVME_DNR;
	}
}

uint16_t nvme_admin_cmd(struct nvme *n, const struct nvme_cmd *c, uint32_t *dw0)
{
	switch (c->opcode) {
	case ADM_DELETE_SQ:
	case ADM_CREATE_SQ:
	case ADM_DELETE_CQ:
	case ADM_CREATE_CQ:
	case ADM_IDENTIFY:
	case ADM_ABORT:
	case ADM_SET_FEATURES:
	case ADM_GET_FEATURES:
	case ADM_AER:
		break;
	default:
		/* Get Log Page, namespace management, format, ...: QEMU has them,
		 * this model does not (docs/qemu-nvme.md). */
		return NVME_SC_INVALID_OPCODE | NVME_DNR;
	}
	if (FLAGS_PSDT(c->flags))
		return NVME_SC_INVALID_FIELD | NVME_DNR; /* no SGLs for admin commands */
	if (FLAGS_FUSE(c->flags))
		return NVME_SC_INVALID_FIELD;
	switch (c->opcode) {
	case ADM_DELETE_SQ:
		return nvme_delete_sq(n, c);
	case ADM_CREATE_SQ:
		return nvme_create_sq(n, c);
	case ADM_DELETE_CQ:
		return nvme_delete_cq(n, c);
	case ADM_CREATE_CQ:
		return nvme_create_cq(n, c);
	case ADM_IDENTIFY:
		return nvme_identify(n, c);
	case ADM_ABORT:
		*dw0 = 1; /* the command was not aborted */
		return NVME_SC_SUCCESS;
	case ADM_SET_FEATURES:
		return nvme_set_features(n, c, dw0);
	case ADM_GET_FEATURES:
		return nvme_get_features(n, c, dw0);
	default: /* ADM_AER: held until an event, which this model never has */
		if (n->aers >= NVME_MAX_AERS)
			return NVME_SC_AER_LIMIT | NVME_DNR;
		n->aers++;
		return NVME_NO_COMPLETE;
	}
}

/* ---- I/O ---- */

static uint16_t nvme_rw(struct nvme *n, const struct nvme_cmd *c, bool write)
{
	uint64_t slba = c->cdw10 | (uint64_t)c->cdw11 << 32;
	uint32_t nlb = (c->cdw12 & 0xffff) + 1;
	uint32_t len = nlb << NVME_LBA_BITS;

	if (n->cfg.mdts && len > (n->page_size << n->cfg.mdts))
		return NVME_SC_INVALID_FIELD | NVME_DNR;
	if (UINT64_MAX - slba < nlb || slba + nlb > n->nsze)
		return NVME_SC_LBA_RANGE | NVME_DNR;
	return nvme_xfer(n, c, n->data + (slba << NVME_LBA_BITS), len, !write);
}

uint16_t nvme_io_cmd(struct nvme *n, const struct nvme_cmd *c, uint32_t *dw0)
{
	uint16_t st;

	(void)dw0;
	if (!nvme_nsid_valid(c->nsid))
		return NVME_SC_INVALID_NSID | NVME_DNR;
	if (c->opcode == IO_FLUSH && c->nsid == NVME_NSID_ALL)
		return NVME_SC_SUCCESS; /* every namespace: memory needs no flush */
	if (c->nsid != 1)
		return NVME_SC_INVALID_FIELD | NVME_DNR;
	if (c->opcode != IO_FLUSH && c->opcode != IO_WRITE && c->opcode != IO_READ)
		return NVME_SC_INVALID_OPCODE | NVME_DNR;
	if (FLAGS_FUSE(c->flags))
		return NVME_SC_INVALID_FIELD;
	if (c->opcode == IO_FLUSH)
		return NVME_SC_SUCCESS;
	/* Errors on this path carry DNR, as QEMU's read and write paths add it. */
	st = nvme_rw(n, c, c->opcode == IO_WRITE);
	return st == NVME_SC_SUCCESS ? st : (uint16_t)(st | NVME_DNR);
}
