/* QEMU 7.2's nvme controller as a model (model/nvme.h): identity, the
 * register file, doorbells, submission and completion queue processing,
 * interrupts (MSI-X, else INTx with the INTMS mask), enable, shutdown and
 * reset. Commands themselves are in nvme_cmd.c. As in QEMU, a doorbell
 * only schedules work: commands run in the next step of the machine's
 * loop (a zero-delay timer here, a bottom half there). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/options.h"
#include "nvme_priv.h"

#define NVME_REVISION 0x02
#define NVME_SUBSYS_VENDOR 0x1af4
#define NVME_SUBSYS_ID 0x1100
#define NVME_DEFAULT_IOQPAIRS 64u
#define NVME_DEFAULT_MSIX 65u
#define NVME_DEFAULT_MDTS 7u
#define NVME_MAX_MDTS 12u
#define NVME_INTX_VECTORS 32u     /* QEMU keeps one INTx status bit per vector */

static struct nvme *nvme_of(model_device *dev)
{
	return dev->state;
}

bool nvme_msix_on(const struct nvme *n)
{
	return model_device_msix_enabled(&n->dev);
}

/* ---- interrupts (QEMU's nvme_irq_assert/deassert/check) ---- */

static void nvme_irq_check(struct nvme *n)
{
	uint32_t intms = nvme_reg32(n, NVME_REG_INTMS);

	if (nvme_msix_on(n))
		return;
	model_device_set_irq(&n->dev, (~intms & n->irq_status) != 0);
}

static void nvme_irq_assert(struct nvme *n, struct nvme_cq *cq)
{
	if (!cq->ien)
		return;
	if (nvme_msix_on(n)) {
		model_device_msix_notify(&n->dev, cq->vector);
		return;
	}
	if (cq->vector >= NVME_INTX_VECTORS) {
		/* QEMU 7.2 aborts here (an assertion): report it instead. */
		model_device_error(&n->dev, "nvme: interrupt on vector %u with MSI-X off (QEMU "
				   "asserts vector < 32)", cq->vector);
		return;
	}
	n->irq_status |= 1u << cq->vector;
	nvme_irq_check(n);
}

static void nvme_irq_deassert(struct nvme *n, struct nvme_cq *cq)
{
	if (!cq->ien || nvme_msix_on(n) || cq->vector >= NVME_INTX_VECTORS)
		return;
	if (!n->cq_pending)
		n->irq_status &= ~(1u << cq->vector);
	nvme_irq_check(n);
}

/* ---- queues ---- */

void nvme_init_cq(struct nvme *n, unsigned qid, uint64_t base, uint32_t size, uint16_t vector,
		  bool ien)
{
	struct nvme_cq *cq = &n->cq[qid];

	*cq = (struct nvme_cq){ .valid = true, .ien = ien, .vector = vector, .size = size,
				.phase = 1, .base = base };
	/* Only a vector taken in use while MSI-X is on ever fires (QEMU's rule:
	 * enable MSI-X before the queue exists). */
	if (ien && nvme_msix_on(n)) {
		model_device_msix_use(&n->dev, vector);
		cq->vector_used = true;
	}
}

void nvme_free_cq(struct nvme *n, unsigned qid)
{
	struct nvme_cq *cq = &n->cq[qid];

	if (!cq->valid)
		return;
	if (cq->head != cq->tail && cq->ien && n->cq_pending)
		n->cq_pending--;
	if (cq->vector_used)
		model_device_msix_unuse(&n->dev, cq->vector);
	*cq = (struct nvme_cq){ 0 };
}

void nvme_free_sq(struct nvme *n, unsigned qid)
{
	n->sq[qid] = (struct nvme_sq){ 0 };
}

static bool nvme_cq_full(const struct nvme_cq *cq)
{
	return (cq->tail + 1) % cq->size == cq->head;
}

/* A failed fetch or post: the controller stops (CSTS.CFS, RDY down). */
static void nvme_fatal(struct nvme *n, const char *what, uint64_t addr)
{
	nvme_set_reg32(n, NVME_REG_CSTS, NVME_CSTS_CFS);
	model_device_error(&n->dev, "nvme: controller fatal status: %s at 0x%" PRIx64 " failed",
			   what, addr);
}

static bool nvme_failed(const struct nvme *n)
{
	return nvme_reg32(n, NVME_REG_CSTS) & NVME_CSTS_CFS;
}

static void nvme_decode(const uint8_t *b, struct nvme_cmd *c)
{
	uint32_t dw[16];

	for (unsigned i = 0; i < 16; i++)
		dw[i] = (uint32_t)b[4 * i] | (uint32_t)b[4 * i + 1] << 8 |
			(uint32_t)b[4 * i + 2] << 16 | (uint32_t)b[4 * i + 3] << 24;
	c->opcode = (uint8_t)dw[0];
	c->flags = (uint8_t)(dw[0] >> 8);
	c->cid = (uint16_t)(dw[0] >> 16);
	c->nsid = dw[1];
	c->prp1 = dw[6] | (uint64_t)dw[7] << 32;
	c->prp2 = dw[8] | (uint64_t)dw[9] << 32;
	c->cdw10 = dw[10];
	c->cdw11 = dw[11];
	c->cdw12 = dw[12];
	c->cdw13 = dw[13];
	c->cdw14 = dw[14];
	c->cdw15 = dw[15];
}

static void nvme_put32(uint8_t *p, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Posts one completion; false (and fatal status) if it could not be written. */
static bool nvme_post(struct nvme *n, unsigned sqid, const struct nvme_cmd *c, uint16_t status,
		      uint32_t dw0)
{
	struct nvme_sq *sq = &n->sq[sqid];
	struct nvme_cq *cq = &n->cq[sq->cqid];
	uint64_t addr = cq->base + (uint64_t)cq->tail * NVME_CQE_SIZE;
	uint16_t cid = n->cfg.unknown_cid ? (uint16_t)(c->cid ^ 0x8000u) : c->cid;
	uint8_t phase = n->cfg.phase_stuck ? (uint8_t)!cq->phase : cq->phase;
	uint8_t e[NVME_CQE_SIZE] = { 0 };

	nvme_put32(e, dw0);
	nvme_put32(e + 8, sq->head | (uint32_t)sqid << 16);
	nvme_put32(e + 12, cid | (uint32_t)((status << 1) | phase) << 16);
	if (!model_dma_write(&n->dev, addr, e, sizeof(e))) {
		nvme_fatal(n, "completion entry write", addr);
		return false;
	}
	if (++cq->tail == cq->size) {
		cq->tail = 0;
		cq->phase ^= 1;
	}
	return true;
}

/* Runs the commands of one submission queue while its completion queue
 * has room; true when any completion was posted. */
static bool nvme_process_sq(struct nvme *n, unsigned sqid)
{
	struct nvme_sq *sq = &n->sq[sqid];
	bool posted = false;

	while (sq->valid && sq->head != sq->tail && !nvme_failed(n)) {
		struct nvme_cq *cq = &n->cq[sq->cqid];
		uint8_t b[NVME_SQE_SIZE];
		uint64_t addr = sq->base + (uint64_t)sq->head * NVME_SQE_SIZE;
		struct nvme_cmd c;
		uint32_t dw0 = 0;
		uint16_t status;

		if (!cq->valid || nvme_cq_full(cq))
			break;
		if (!model_dma_read(&n->dev, addr, b, sizeof(b))) {
			nvme_fatal(n, "submission entry read", addr);
			break;
		}
		sq->head = (sq->head + 1) % sq->size;
		nvme_decode(b, &c);
		if (sqid == 0)
			status = nvme_admin_cmd(n, &c, &dw0);
		else
			status = n->cfg.stall_io ? NVME_NO_COMPLETE : nvme_io_cmd(n, &c, &dw0);
		/* A command may have deleted its own queue pair's other half. */
		if (status == NVME_NO_COMPLETE || !sq->valid || !n->cq[sq->cqid].valid)
			continue;
		if (!nvme_post(n, sqid, &c, status, dw0))
			break;
		posted = true;
	}
	return posted;
}

/* The bottom half: every queue with work, then one interrupt per CQ that
 * got entries (a batch gives one message). */
static void nvme_work(void *opaque)
{
	struct nvme *n = opaque;
	bool had[NVME_QUEUES_MAX] = { false }, got[NVME_QUEUES_MAX] = { false };

	if (!NVME_CC_EN(nvme_reg32(n, NVME_REG_CC)) || !(nvme_reg32(n, NVME_REG_CSTS) & NVME_CSTS_RDY))
		return;
	for (unsigned q = 0; q < n->queues; q++)
		had[q] = n->cq[q].valid && n->cq[q].head != n->cq[q].tail;
	for (unsigned q = 0; q < n->queues; q++)
		if (n->sq[q].valid && nvme_process_sq(n, q))
			got[n->sq[q].cqid] = true;
	for (unsigned q = 0; q < n->queues; q++) {
		struct nvme_cq *cq = &n->cq[q];

		if (!got[q] || !cq->valid || cq->head == cq->tail)
			continue;
		if (cq->ien && !had[q])
			n->cq_pending++;
		nvme_irq_assert(n, cq);
	}
}

static void nvme_schedule(struct nvme *n)
{
	model_timer_mod(&n->dev, &n->work, model_clock_ns(&n->dev));
}

/* ---- enable, reset, shutdown ---- */

static void nvme_ctrl_reset(struct nvme *n)
{
	model_timer_del(&n->dev, &n->work);
	for (unsigned q = 0; q < n->queues; q++) {
		nvme_free_sq(n, q);
		nvme_free_cq(n, q);
	}
	n->aers = 0;
	n->qs_created = false;
	n->cq_pending = 0;
	n->irq_status = 0;
	nvme_irq_check(n);
}

/* CC.EN 0 -> 1: QEMU's checks, then the admin queue pair. */
static bool nvme_start(struct nvme *n, uint32_t cc)
{
	uint32_t aqa = nvme_reg32(n, NVME_REG_AQA);
	uint64_t asq = nvme_reg32(n, NVME_REG_ASQ) | (uint64_t)nvme_reg32(n, NVME_REG_ASQ + 4) << 32;
	uint64_t acq = nvme_reg32(n, NVME_REG_ACQ) | (uint64_t)nvme_reg32(n, NVME_REG_ACQ + 4) << 32;
	uint32_t page = 4096u << NVME_CC_MPS(cc);

	if (n->sq[0].valid || n->cq[0].valid)
		return false;
	if (!(NVME_CAP_CSS & (1u << NVME_CC_CSS(cc))) || NVME_CC_MPS(cc) > NVME_CAP_MPSMAX ||
	    NVME_CC_IOCQES(cc) != 4 || NVME_CC_IOSQES(cc) != 6 || (asq & (page - 1)) ||
	    (acq & (page - 1)) || (aqa & 0xfff) == 0 || ((aqa >> 16) & 0xfff) == 0)
		return false;
	n->page_size = page;
	n->sq[0] = (struct nvme_sq){ .valid = true, .cqid = 0, .size = (aqa & 0xfff) + 1,
				     .base = asq };
	nvme_init_cq(n, 0, acq, ((aqa >> 16) & 0xfff) + 1, 0, true);
	return true;
}

static void nvme_write_cc(struct nvme *n, uint32_t data)
{
	uint32_t cc = nvme_reg32(n, NVME_REG_CC), csts = nvme_reg32(n, NVME_REG_CSTS);

	if (NVME_CC_EN(data) && !NVME_CC_EN(cc)) {
		nvme_set_reg32(n, NVME_REG_CC, data);
		if (n->cfg.never_ready)
			return; /* neither ready nor failed: the driver waits out CAP.TO */
		nvme_set_reg32(n, NVME_REG_CSTS, nvme_start(n, data) ? NVME_CSTS_RDY : NVME_CSTS_CFS);
		return;
	}
	if (!NVME_CC_EN(data) && NVME_CC_EN(cc)) {
		nvme_ctrl_reset(n);
		nvme_set_reg32(n, NVME_REG_CC, 0);
		nvme_set_reg32(n, NVME_REG_CSTS, 0);
		nvme_set_reg32(n, NVME_REG_INTMS, 0);
		nvme_set_reg32(n, NVME_REG_INTMC, 0);
		nvme_irq_check(n);
		return;
	}
	/* EN unchanged: stored, applied at the next enable; shutdown is
	 * done during the write. */
	if (NVME_CC_SHN(data) && !NVME_CC_SHN(cc))
		csts |= NVME_CSTS_SHST_DONE;
	else if (!NVME_CC_SHN(data) && NVME_CC_SHN(cc))
		csts &= ~NVME_CSTS_SHST_DONE;
	nvme_set_reg32(n, NVME_REG_CC, data);
	nvme_set_reg32(n, NVME_REG_CSTS, csts);
}

static void nvme_write_reg(struct nvme *n, unsigned off, uint32_t data)
{
	switch (off) {
	case NVME_REG_INTMS:
	case NVME_REG_INTMC: {
		uint32_t m = nvme_reg32(n, NVME_REG_INTMS);

		m = off == NVME_REG_INTMS ? m | data : m & ~data;
		nvme_set_reg32(n, NVME_REG_INTMS, m);
		nvme_set_reg32(n, NVME_REG_INTMC, m);
		nvme_irq_check(n);
		break;
	}
	case NVME_REG_CC:
		nvme_write_cc(n, data);
		break;
	case NVME_REG_AQA:
	case NVME_REG_ASQ:
	case NVME_REG_ASQ + 4:
	case NVME_REG_ACQ:
	case NVME_REG_ACQ + 4:
		nvme_set_reg32(n, off, data);
		break;
	default:
		/* CAP, VS, CSTS, NSSR and reserved offsets ignore writes (QEMU
		 * logs them as guest errors). */
		break;
	}
}

/* ---- doorbells ---- */

static void nvme_doorbell(struct nvme *n, uint64_t off, uint32_t val)
{
	unsigned q = (unsigned)((off - NVME_DOORBELLS) >> 3);
	bool is_cq = (off >> 2) & 1;
	uint16_t v = (uint16_t)val; /* only the low 16 bits count */

	if ((off & 3) || q >= n->queues)
		return;
	if (is_cq) {
		struct nvme_cq *cq = &n->cq[q];
		bool was_full;

		if (!cq->valid || v >= cq->size)
			return;
		was_full = nvme_cq_full(cq);
		cq->head = v;
		if (cq->head == cq->tail) {
			if (cq->ien && n->cq_pending)
				n->cq_pending--;
			nvme_irq_deassert(n, cq);
		}
		if (was_full) /* submissions waiting for room can go on */
			nvme_schedule(n);
		return;
	}
	if (!n->sq[q].valid || v >= n->sq[q].size)
		return;
	n->sq[q].tail = v;
	nvme_schedule(n);
}

/* ---- BAR access ---- */

static uint32_t nvme_read32(struct nvme *n, uint64_t off)
{
	if (off + 4 > NVME_REG_BYTES)
		return 0; /* doorbells and reserved space read 0 */
	if (n->cfg.cap_all_ones && off < NVME_REG_VS)
		return 0xffffffffu;
	return nvme_reg32(n, (unsigned)off);
}

static uint64_t nvme_bar_read(model_device *dev, unsigned bar, uint64_t off, unsigned size)
{
	struct nvme *n = nvme_of(dev);
	uint64_t v;

	if (bar != 0 || off >= NVME_REGION_END)
		return 0;
	/* 8-byte accesses reach the registers as two 4-byte halves (QEMU). */
	if (size == 8)
		return nvme_read32(n, off) | (uint64_t)nvme_read32(n, off + 4) << 32;
	v = nvme_read32(n, off & ~3ull) >> (8 * (off & 3));
	return size >= 4 ? (uint32_t)v : v & ((1u << (8 * size)) - 1);
}

static void nvme_write(struct nvme *n, uint64_t off, uint32_t val)
{
	if (off >= NVME_DOORBELLS)
		nvme_doorbell(n, off, val);
	else if (off < NVME_REG_BYTES)
		nvme_write_reg(n, (unsigned)off, val);
}

static void nvme_bar_write(model_device *dev, unsigned bar, uint64_t off, uint64_t val,
			   unsigned size)
{
	struct nvme *n = nvme_of(dev);

	if (bar != 0 || off >= NVME_REGION_END)
		return;
	if (size == 8) {
		nvme_write(n, off, (uint32_t)val);
		nvme_write(n, off + 4, (uint32_t)(val >> 32));
		return;
	}
	/* A narrower write lands with the value it carries (QEMU widens a
	 * byte to 2 bytes and applies it to the register at that offset). */
	nvme_write(n, off, (uint32_t)(size == 1 ? (val & 0xff) : size == 2 ? (val & 0xffff) : val));
}

static void nvme_reset(model_device *dev)
{
	struct nvme *n = nvme_of(dev);

	nvme_ctrl_reset(n);
	/* AQA, ASQ and ACQ survive a reset (QEMU); the rest goes back. */
	nvme_set_reg32(n, NVME_REG_INTMS, 0);
	nvme_set_reg32(n, NVME_REG_INTMC, 0);
	nvme_set_reg32(n, NVME_REG_CC, 0);
	nvme_set_reg32(n, NVME_REG_CSTS, 0);
	n->feat_temp = 0x157;
	n->feat_arb = 7;
	n->feat_pm = 0;
	n->feat_vwc = 1;
	n->feat_aec = 0;
}

static void nvme_destroy(model_device *dev)
{
	struct nvme *n = nvme_of(dev);

	model_timer_del(dev, &n->work);
	free(n->data);
	free(n);
}

static const struct model_device_ops nvme_ops = {
	.name = "nvme",
	.bar_read = nvme_bar_read,
	.bar_write = nvme_bar_write,
	.reset = nvme_reset,
	.destroy = nvme_destroy,
};

model_device *model_nvme_create(const struct model_nvme_config *cfg)
{
	struct model_nvme_config c = cfg ? *cfg : (struct model_nvme_config){ 0 };
	struct nvme *n;

	if (!c.size)
		c.size = MODEL_NVME_DEFAULT_SIZE;
	if (!c.max_ioqpairs)
		c.max_ioqpairs = NVME_DEFAULT_IOQPAIRS;
	if (!c.msix_qsize)
		c.msix_qsize = NVME_DEFAULT_MSIX;
	if (!c.mdts)
		c.mdts = NVME_DEFAULT_MDTS;
	if (c.size % NVME_LBA_SIZE || c.size > MODEL_NVME_MAX_SIZE ||
	    c.max_ioqpairs > NVME_QUEUES_MAX - 1 || c.msix_qsize > MODEL_MSIX_MAX_VECTORS ||
	    c.mdts > NVME_MAX_MDTS || (c.serial && strlen(c.serial) > 20))
		return NULL;
	n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	/* calloc: the namespace's untouched pages cost nothing. */
	n->data = calloc((size_t)c.size, 1);
	if (!n->data) {
		free(n);
		return NULL;
	}
	snprintf(n->serial, sizeof(n->serial), "%s", c.serial ? c.serial : "drvbench");
	c.serial = NULL; /* the copy above is what lives on */
	n->cfg = c;
	n->queues = c.max_ioqpairs + 1;
	n->nsze = c.size / NVME_LBA_SIZE;
	n->page_size = 4096;
	nvme_set_reg32(n, NVME_REG_CAP, (uint32_t)NVME_CAP_VALUE);
	nvme_set_reg32(n, NVME_REG_CAP + 4, (uint32_t)(NVME_CAP_VALUE >> 32));
	nvme_set_reg32(n, NVME_REG_VS, NVME_VS_VALUE);
	model_device_init(&n->dev, &nvme_ops, n, MODEL_NVME_VENDOR, MODEL_NVME_DEVICE,
			  NVME_REVISION, MODEL_NVME_CLASS);
	model_device_set_subsystem(&n->dev, NVME_SUBSYS_VENDOR, NVME_SUBSYS_ID);
	model_device_set_int_pin(&n->dev, 1);
	model_device_declare_bar(&n->dev, 0, MODEL_BAR_MEM64, MODEL_NVME_BAR0_SIZE);
	if (!c.no_msix)
		model_device_add_msix(&n->dev, c.msix_qsize, 0, NVME_MSIX_TABLE, 0, NVME_MSIX_PBA);
	model_timer_init(&n->work, nvme_work, n);
	nvme_reset(&n->dev);
	return &n->dev;
}

struct nvme_flag {
	const char *name;
	size_t off;
};

static const struct nvme_flag nvme_flags[] = {
	{ "no_msix", offsetof(struct model_nvme_config, no_msix) },
	{ "cap_all_ones", offsetof(struct model_nvme_config, cap_all_ones) },
	{ "never_ready", offsetof(struct model_nvme_config, never_ready) },
	{ "phase_stuck", offsetof(struct model_nvme_config, phase_stuck) },
	{ "unknown_cid", offsetof(struct model_nvme_config, unknown_cid) },
	{ "stall_io", offsetof(struct model_nvme_config, stall_io) },
};

static bool nvme_option_number(const struct model_option *o, uint64_t max, unsigned *out,
			       char *why, size_t len)
{
	uint64_t v;

	if (!model_option_u64(o, max, &v, why, len))
		return false;
	*out = (unsigned)v;
	return true;
}

static bool nvme_option(struct model_nvme_config *c, const struct model_option *o, char *serial,
			char *why, size_t len)
{
	for (size_t i = 0; i < sizeof(nvme_flags) / sizeof(nvme_flags[0]); i++) {
		if (strcmp(o->key, nvme_flags[i].name) != 0)
			continue;
		if (!model_option_is_flag(o, why, len))
			return false;
		*(bool *)((char *)c + nvme_flags[i].off) = true;
		return true;
	}
	if (strcmp(o->key, "serial") == 0) {
		if (!o->has_value || !o->value[0] || strlen(o->value) > 20) {
			snprintf(why, len, "nvme: serial must be 1 to 20 characters");
			return false;
		}
		snprintf(serial, 21, "%s", o->value);
		c->serial = serial;
		return true;
	}
	if (strcmp(o->key, "size") == 0) {
		if (!model_option_u64(o, MODEL_NVME_MAX_SIZE, &c->size, why, len))
			return false;
		if (c->size == 0 || c->size % NVME_LBA_SIZE) {
			snprintf(why, len, "nvme: size must be a non-zero multiple of %u bytes",
				 NVME_LBA_SIZE);
			return false;
		}
		return true;
	}
	if (strcmp(o->key, "max_ioqpairs") == 0)
		return nvme_option_number(o, NVME_QUEUES_MAX - 1, &c->max_ioqpairs, why, len);
	if (strcmp(o->key, "msix_qsize") == 0)
		return nvme_option_number(o, MODEL_MSIX_MAX_VECTORS, &c->msix_qsize, why, len);
	if (strcmp(o->key, "mdts") == 0)
		return nvme_option_number(o, NVME_MAX_MDTS, &c->mdts, why, len);
	snprintf(why, len, "unknown option '%s' (nvme takes %s)", o->key, MODEL_NVME_OPTIONS_HELP);
	return false;
}

model_device *model_nvme_create_from_options(const char *options, char *why, size_t len)
{
	struct model_nvme_config cfg = { 0 };
	struct model_option o;
	char serial[21];
	model_device *dev;
	int rc;

	while ((rc = model_option_next(&options, &o, why, len)) > 0)
		if (!nvme_option(&cfg, &o, serial, why, len))
			return NULL;
	if (rc < 0)
		return NULL;
	dev = model_nvme_create(&cfg);
	if (!dev)
		snprintf(why, len, "out of memory");
	return dev;
}

const struct model_plugin model_nvme_plugin = {
	.abi_version = MODEL_PLUGIN_ABI_VERSION,
	.name = "nvme",
	.summary = "QEMU 7.2's nvme controller: admin and I/O queues, Identify, Read/Write/Flush "
		   "with PRP lists, a memory-backed namespace, MSI-X and INTx",
	.vendor_id = MODEL_NVME_VENDOR,
	.device_id = MODEL_NVME_DEVICE,
	.subsystem_vendor_id = NVME_SUBSYS_VENDOR,
	.subsystem_id = NVME_SUBSYS_ID,
	.class_code = MODEL_NVME_CLASS,
	.options_help = MODEL_NVME_OPTIONS_HELP,
	.create = model_nvme_create_from_options,
};
