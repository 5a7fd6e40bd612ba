/* Bringing an NVMe controller up and down (NVMe 1.4 section 7.6): reset
 * (CC.EN = 0, RDY falls), the admin queue, enable (RDY rises within
 * CAP.TO), Identify of the controller and namespace 1, the number of
 * queues, one I/O queue pair per vector; shutdown with CC.SHN; and the
 * recovery after a timeout or a fatal status. A device that answers with
 * garbage ends in a timeout or a refusal with a log line, never a hang. */
#include "nvme_private.h"
#include "shim/log.h"

#define NVME_POLL_FIRST_NS 1000ull
#define NVME_POLL_MAX_NS 1000000ull
#define NVME_POLL_MAX_ROUNDS 100000u
#define NVME_SHUTDOWN_NS 5000000000ull
#define NVME_PRP_LIST_BYTES (NVME_PAGE / 8u * NVME_PAGE) /* what one PRP list page spans */

/* No device access here: this runs on every operation and every round of
 * a wait, and on a QEMU host a presence check is two socket round trips.
 * A removal the driver is not told of shows up as all-ones (a register
 * read) or as silence, which the wait's watch looks into. */
shim_ret nvme_alive(struct nvme_state *st)
{
	if (!st->started)
		return SHIM_ERR_ABORTED;
	if (st->gone)
		return SHIM_ERR_NO_DEVICE;
	if (st->broken && !st->recovering)
		return SHIM_ERR_DEVICE_ERROR;
	return nvme_power_check(st);
}

shim_ret nvme_check_device(struct nvme_state *st)
{
	shim_ret r = nvme_alive(st);

	if (r == SHIM_OK && !shim_pci_is_present(st->dev))
		st->gone = true;
	if (r == SHIM_OK && !st->gone && nvme_rd32(st, NVME_REG_CSTS) == NVME_ALL_ONES32) {
		st->gone = !shim_pci_is_present(st->dev);
		r = st->gone ? SHIM_ERR_NO_DEVICE : SHIM_ERR_DEVICE_ERROR;
	}
	return st->gone ? SHIM_ERR_NO_DEVICE : r;
}

static uint64_t nvme_ready_timeout(const struct nvme_state *st)
{
	uint32_t to = NVME_CAP_TO(st->cap);

	return (to ? to : 1u) * NVME_TO_UNIT_NS;
}

shim_ret nvme_wait_csts(struct nvme_state *st, uint32_t mask, uint32_t want)
{
	uint64_t deadline = shim_workloop_now_ns(st->wl) + nvme_ready_timeout(st);
	uint64_t step = NVME_POLL_FIRST_NS;

	for (unsigned round = 0; round < NVME_POLL_MAX_ROUNDS; round++) {
		uint32_t csts = nvme_rd32(st, NVME_REG_CSTS);
		shim_ret r;

		if (csts == NVME_ALL_ONES32 && !shim_pci_is_present(st->dev)) {
			st->gone = true;
			return SHIM_ERR_NO_DEVICE;
		}
		if ((csts & mask) == want)
			return SHIM_OK;
		if ((csts & NVME_CSTS_CFS) && want != 0)
			return SHIM_ERR_DEVICE_ERROR;
		if (shim_workloop_now_ns(st->wl) >= deadline)
			break;
		r = shim_workloop_delay_ns(st->wl, step);
		if (r != SHIM_OK)
			return r;
		if (step < NVME_POLL_MAX_NS)
			step *= 2;
	}
	shim_log(SHIM_LOG_ERR, "nvme %s: CSTS 0x%08x: bits 0x%x never read 0x%x within CAP.TO "
		 "(%llu ms)", shim_pci_name(st->dev), nvme_rd32(st, NVME_REG_CSTS), mask, want,
		 (unsigned long long)(nvme_ready_timeout(st) / 1000000u));
	return SHIM_ERR_TIMEOUT;
}

shim_ret nvme_ctrl_disable(struct nvme_state *st)
{
	uint32_t cc = nvme_rd32(st, NVME_REG_CC);

	if (cc == NVME_ALL_ONES32 && !shim_pci_is_present(st->dev)) {
		st->gone = true;
		return SHIM_ERR_NO_DEVICE;
	}
	for (unsigned i = 0; i < NVME_MAX_QUEUES; i++)
		st->q[i].live = false;
	if (cc & NVME_CC_ENABLE)
		nvme_wr32(st, NVME_REG_CC, cc & ~(NVME_CC_ENABLE | NVME_CC_SHN_MASK));
	return nvme_wait_csts(st, NVME_CSTS_RDY, 0);
}

shim_ret nvme_ctrl_shutdown(struct nvme_state *st)
{
	uint32_t cc = nvme_rd32(st, NVME_REG_CC);
	uint64_t deadline = shim_workloop_now_ns(st->wl) + NVME_SHUTDOWN_NS;
	uint64_t step = NVME_POLL_FIRST_NS;

	if (!(cc & NVME_CC_ENABLE) || cc == NVME_ALL_ONES32)
		return SHIM_OK;
	nvme_wr32(st, NVME_REG_CC, (cc & ~NVME_CC_SHN_MASK) | NVME_CC_SHN_NORMAL);
	for (unsigned round = 0; round < NVME_POLL_MAX_ROUNDS; round++) {
		uint32_t csts = nvme_rd32(st, NVME_REG_CSTS);

		if ((csts & NVME_CSTS_SHST_MASK) == NVME_CSTS_SHST_DONE || csts == NVME_ALL_ONES32)
			break;
		if (shim_workloop_now_ns(st->wl) >= deadline) {
			shim_log(SHIM_LOG_WARN, "nvme %s: shutdown not complete in time",
				 shim_pci_name(st->dev));
			break;
		}
		if (shim_workloop_delay_ns(st->wl, step) != SHIM_OK)
			break;
		if (step < NVME_POLL_MAX_NS)
			step *= 2;
	}
	return nvme_ctrl_disable(st);
}

shim_ret nvme_admin(struct nvme_state *st, uint8_t sqe[NVME_SQE_BYTES], void *data,
		    uint32_t len, uint16_t *status, uint32_t *dw0)
{
	struct nvme_queue *q = &st->q[0];
	struct nvme_request *r;
	uint64_t off;
	shim_ret ret = nvme_slot_take(q, &r);

	if (ret != SHIM_OK)
		return ret;
	off = (uint64_t)(r - q->req) * NVME_PAGE;
	if (data) {
		nvme_sqe_put64(sqe, 6, r->data_addr);
		if (q->data_va)
			shim_memset(q->data_va + off, 0, NVME_PAGE);
	}
	nvme_submit(q, r, sqe);
	ret = nvme_wait(q, r);
	if (ret == SHIM_OK && r->status == 0xffff)
		ret = SHIM_ERR_ABORTED;
	if (ret == SHIM_OK && data) {
		if (q->data_va)
			shim_memcpy(data, q->data_va + off, len);
		else
			ret = shim_memdesc_read(q->data_mem, off, data, len);
	}
	if (status)
		*status = r->status;
	if (dw0)
		*dw0 = r->dw0;
	nvme_slot_put(q, r);
	return ret;
}

static shim_ret nvme_admin_ok(struct nvme_state *st, uint8_t sqe[NVME_SQE_BYTES], void *data,
			      uint32_t len, uint32_t *dw0, const char *what)
{
	uint16_t status = 0;
	shim_ret r = nvme_admin(st, sqe, data, len, &status, dw0);

	if (r == SHIM_OK && status != 0) {
		shim_log(SHIM_LOG_ERR, "nvme %s: %s: status 0x%04x", shim_pci_name(st->dev), what,
			 status);
		st->stats.errors++;
		r = SHIM_ERR_DEVICE_ERROR;
	} else if (r != SHIM_OK) {
		shim_log(SHIM_LOG_ERR, "nvme %s: %s: %s", shim_pci_name(st->dev), what,
			 shim_ret_string(r));
	}
	return r;
}

/* Copies a space-padded identify string and trims it. */
static void nvme_id_string(char *dst, const uint8_t *src, size_t n)
{
	size_t len = n;

	shim_memcpy(dst, src, n);
	while (len > 0 && (dst[len - 1] == ' ' || dst[len - 1] == '\0'))
		len--;
	dst[len] = '\0';
}

static uint64_t nvme_get64(const uint8_t *p)
{
	uint64_t v;

	shim_memcpy(&v, p, sizeof(v));
	return shim_le64_to_host(v);
}

static shim_ret nvme_identify_ctrl_ns(struct nvme_state *st)
{
	uint8_t sqe[NVME_SQE_BYTES], id[NVME_ID_BYTES];
	uint32_t max = NVME_PRP_LIST_BYTES, lbads;
	shim_ret r;

	nvme_sqe_init(sqe, NVME_ADM_IDENTIFY, 0);
	nvme_sqe_put32(sqe, 10, NVME_CNS_CTRL);
	r = nvme_admin_ok(st, sqe, id, sizeof(id), NULL, "Identify controller");
	if (r != SHIM_OK)
		return r;
	nvme_id_string(st->info.serial, id + NVME_IDC_SN, 20);
	nvme_id_string(st->info.model, id + NVME_IDC_MN, 40);
	nvme_id_string(st->info.firmware, id + NVME_IDC_FR, 8);
	/* MDTS counts CAP.MPSMIN pages (4 KiB here); 0 means no limit. */
	if (id[NVME_IDC_MDTS] && id[NVME_IDC_MDTS] < 20 &&
	    (NVME_PAGE << id[NVME_IDC_MDTS]) < max)
		max = NVME_PAGE << id[NVME_IDC_MDTS];
	st->info.max_transfer = max;
	nvme_sqe_init(sqe, NVME_ADM_IDENTIFY, 1);
	nvme_sqe_put32(sqe, 10, NVME_CNS_NS);
	r = nvme_admin_ok(st, sqe, id, sizeof(id), NULL, "Identify namespace 1");
	if (r != SHIM_OK)
		return r;
	st->info.blocks = nvme_get64(id + NVME_IDN_NSZE);
	lbads = id[NVME_IDN_LBAF + 4 * (id[NVME_IDN_FLBAS] & 0xfu) + 2];
	if (st->info.blocks == 0 || lbads < 9 || lbads > 12) {
		shim_log(SHIM_LOG_ERR, "nvme %s: namespace 1 unusable (%llu blocks of 2^%u bytes)",
			 shim_pci_name(st->dev), (unsigned long long)st->info.blocks, lbads);
		return SHIM_ERR_UNSUPPORTED;
	}
	st->info.block_size = 1u << lbads;
	return SHIM_OK;
}

/* The number of I/O queues: what the controller grants, at most what we
 * planned (one per vector). */
static shim_ret nvme_set_queue_count(struct nvme_state *st, unsigned want)
{
	uint8_t sqe[NVME_SQE_BYTES];
	uint32_t dw0 = 0, granted;
	shim_ret r;

	nvme_sqe_init(sqe, NVME_ADM_SET_FEATURES, 0);
	nvme_sqe_put32(sqe, 10, NVME_FID_NUM_QUEUES);
	nvme_sqe_put32(sqe, 11, (want - 1u) | (want - 1u) << 16);
	r = nvme_admin_ok(st, sqe, NULL, 0, &dw0, "Set Features (number of queues)");
	if (r != SHIM_OK)
		return r;
	granted = (dw0 & 0xffff) < (dw0 >> 16) ? (dw0 & 0xffff) : (dw0 >> 16);
	granted++;
	st->nq = want < granted ? want : granted;
	return SHIM_OK;
}

static shim_ret nvme_create_io_queue(struct nvme_state *st, struct nvme_queue *q)
{
	uint8_t sqe[NVME_SQE_BYTES];
	uint32_t size = (uint32_t)(q->depth - 1u) << 16 | q->qid;
	shim_ret r;

	nvme_sqe_init(sqe, NVME_ADM_CREATE_CQ, 0);
	nvme_sqe_put64(sqe, 6, q->cq_addr);
	nvme_sqe_put32(sqe, 10, size);
	nvme_sqe_put32(sqe, 11, (uint32_t)q->vector << 16 | NVME_QUEUE_IEN | NVME_QUEUE_PC);
	r = nvme_admin_ok(st, sqe, NULL, 0, NULL, "Create I/O CQ");
	if (r != SHIM_OK)
		return r;
	q->live = true; /* its completions are ours to consume from here */
	nvme_sqe_init(sqe, NVME_ADM_CREATE_SQ, 0);
	nvme_sqe_put64(sqe, 6, q->sq_addr);
	nvme_sqe_put32(sqe, 10, size);
	nvme_sqe_put32(sqe, 11, (uint32_t)q->qid << 16 | NVME_QUEUE_PC);
	return nvme_admin_ok(st, sqe, NULL, 0, NULL, "Create I/O SQ");
}

static shim_ret nvme_check_cap(struct nvme_state *st)
{
	uint64_t cap = shim_mmio_read64(st->bar0, NVME_REG_CAP);

	if (cap == UINT64_MAX) {
		if (!shim_pci_is_present(st->dev)) {
			st->gone = true;
			return SHIM_ERR_NO_DEVICE;
		}
		shim_log(SHIM_LOG_ERR, "nvme %s: CAP reads all-ones: not a controller that answers",
			 shim_pci_name(st->dev));
		return SHIM_ERR_DEVICE_ERROR;
	}
	if (!NVME_CAP_CSS_NVM(cap) || NVME_CAP_MPSMIN(cap) != 0 ||
	    NVME_CAP_MQES(cap) + 1u < NVME_IO_DEPTH) {
		shim_log(SHIM_LOG_ERR, "nvme %s: CAP 0x%016llx: no NVM command set, 4 KiB pages or "
			 "%u-entry queues", shim_pci_name(st->dev), (unsigned long long)cap,
			 NVME_IO_DEPTH);
		return SHIM_ERR_UNSUPPORTED;
	}
	/* The stride places every doorbell: the last one of the queues we may
	 * create must still be inside BAR0, whatever the controller says. */
	if (NVME_REG_DOORBELL + (2ull * NVME_MAX_QUEUES) * (4ull << NVME_CAP_DSTRD(cap)) >
	    shim_mmio_length(st->bar0)) {
		shim_log(SHIM_LOG_ERR, "nvme %s: CAP 0x%016llx: doorbell stride %u puts queue %u's "
			 "doorbells past BAR0 (0x%llx bytes)", shim_pci_name(st->dev),
			 (unsigned long long)cap, 4u << NVME_CAP_DSTRD(cap), NVME_MAX_QUEUES - 1u,
			 (unsigned long long)shim_mmio_length(st->bar0));
		return SHIM_ERR_UNSUPPORTED;
	}
	st->cap = cap;
	st->doorbell_stride = 4u << NVME_CAP_DSTRD(cap);
	return SHIM_OK;
}

shim_ret nvme_ctrl_init(struct nvme_state *st)
{
	struct nvme_queue *aq = &st->q[0];
	unsigned want = st->nq_planned;
	shim_ret r = nvme_check_cap(st);

	if (r == SHIM_OK)
		r = nvme_ctrl_disable(st);
	if (r != SHIM_OK)
		return r;
	for (unsigned i = 0; i < NVME_MAX_QUEUES; i++)
		if (st->q[i].depth)
			nvme_queue_clear(&st->q[i]);
	nvme_wr32(st, NVME_REG_AQA, (uint32_t)(aq->depth - 1u) << 16 | (aq->depth - 1u));
	shim_mmio_write64(st->bar0, NVME_REG_ASQ, aq->sq_addr);
	shim_mmio_write64(st->bar0, NVME_REG_ACQ, aq->cq_addr);
	/* MSI-X is on already (the interrupt sources exist): the controller
	 * takes the admin vector in use now. */
	nvme_wr32(st, NVME_REG_CC, NVME_CC_IOCQES | NVME_CC_IOSQES | NVME_CC_MPS_4K |
				   NVME_CC_CSS_NVM | NVME_CC_ENABLE);
	r = nvme_wait_csts(st, NVME_CSTS_RDY, NVME_CSTS_RDY);
	if (r != SHIM_OK) {
		shim_log(SHIM_LOG_ERR, "nvme %s: enable: %s (CSTS 0x%08x)", shim_pci_name(st->dev),
			 shim_ret_string(r), nvme_rd32(st, NVME_REG_CSTS));
		return r;
	}
	aq->live = true;
	st->nq = 0; /* until the controller says how many */
	r = nvme_identify_ctrl_ns(st);
	if (r == SHIM_OK)
		r = nvme_set_queue_count(st, want);
	for (unsigned i = 1; r == SHIM_OK && i <= st->nq; i++)
		r = nvme_create_io_queue(st, &st->q[i]);
	st->info.io_queues = st->nq;
	st->info.msix = st->msix;
	st->info.vectors = st->vectors;
	return r;
}

void nvme_ctrl_recover(struct nvme_state *st, const char *why)
{
	shim_ret r;

	if (st->recovering || st->gone || !st->started)
		return;
	st->recovering = true;
	st->stats.resets++;
	shim_log(SHIM_LOG_WARN, "nvme %s: %s: resetting the controller (CSTS 0x%08x)",
		 shim_pci_name(st->dev), why, nvme_rd32(st, NVME_REG_CSTS));
	nvme_fail_all(st, SHIM_ERR_ABORTED);
	/* A fatal status may come from bus mastering lost: the driver owns it. */
	shim_pci_set_bus_master(st->dev, true);
	r = nvme_ctrl_init(st);
	st->broken = r != SHIM_OK;
	if (st->broken)
		shim_log(SHIM_LOG_ERR, "nvme %s: controller did not come back: %s",
			 shim_pci_name(st->dev), shim_ret_string(r));
	st->recovering = false;
}
