/* Operations of a started NVMe controller (nvme/nvme_driver.h). Each one
 * checks state and arguments before touching the device, holds a reference
 * on the instance while it may sleep on the work loop, spreads I/O over
 * the queue pairs in turn, and turns a DMA command's segments into PRP1,
 * PRP2 or a PRP list. */
#include "nvme_private.h"
#include "shim/log.h"

/* ---- entering and leaving ---- */

shim_ret nvme_op_leave(struct nvme_state *st, shim_ret r)
{
	if (r == SHIM_ERR_DEVICE_ERROR || r == SHIM_ERR_TIMEOUT || r == SHIM_ERR_NO_DEVICE ||
	    r == SHIM_ERR_HOST)
		st->stats.errors++;
	st->busy_ops--;
	nvme_power_op_done(st);
	nvme_state_release(st);
	return r;
}

shim_ret nvme_op_enter(shim_service *svc, struct nvme_state **out)
{
	struct nvme_state *st = nvme_state_from_service(svc);
	shim_ret r;

	if (!st)
		return SHIM_ERR_NOT_READY;
	nvme_state_retain(st);
	st->busy_ops++;
	r = nvme_alive(st);
	if (r != SHIM_OK)
		return nvme_op_leave(st, r);
	*out = st;
	return SHIM_OK;
}

static struct nvme_queue *nvme_pick_queue(struct nvme_state *st)
{
	if (st->nq == 0)
		return NULL;
	st->next_q = st->next_q % st->nq + 1u;
	return &st->q[st->next_q];
}

/* Status of a finished command as a shim_ret. */
static shim_ret nvme_status(struct nvme_state *st, const struct nvme_request *r, shim_ret w)
{
	if (w != SHIM_OK)
		return w;
	if (r->status == 0xffff)
		return SHIM_ERR_ABORTED; /* failed by a reset or a removal */
	if (r->status != 0) {
		st->stats.errors++;
		return SHIM_ERR_DEVICE_ERROR;
	}
	return SHIM_OK;
}

/* ---- PRPs from a DMA command ---- */

static void nvme_prp_list_put(struct nvme_queue *q, struct nvme_request *r, uint32_t i,
			      uint64_t addr)
{
	uint64_t le = shim_host_to_le64(addr);

	if (r->prp_va)
		r->prp_va[i] = le;
	else
		(void)shim_memdesc_write(q->prp_mem, (uint64_t)(r - q->req) * NVME_PAGE + 8ull * i,
					 &le, sizeof(le));
}

/* PRP1 takes the first segment's first page (any dword offset); every
 * further page must start on a page boundary, two pages fit PRP1/PRP2,
 * more go to the slot's PRP list. */
static shim_ret nvme_build_prps(struct nvme_queue *q, struct nvme_request *r, uint64_t *prp1,
				uint64_t *prp2)
{
	struct shim_dma_segment seg[8];
	uint64_t off = 0, second = 0;
	uint32_t entries = 0, n;
	shim_ret ret;

	do {
		n = sizeof(seg) / sizeof(seg[0]);
		ret = shim_dma_command_segments(r->dma, &off, seg, &n);
		if (ret != SHIM_OK)
			return ret;
		for (uint32_t i = 0; i < n; i++) {
			uint64_t a = seg[i].addr, left = seg[i].len;

			while (left > 0) {
				uint64_t in_page = NVME_PAGE - (a % NVME_PAGE), take;

				if (entries > 0 && a % NVME_PAGE != 0)
					return SHIM_ERR_UNSUPPORTED; /* a hole mid-page: no PRP says it */
				take = left < in_page ? left : in_page;
				if (entries == 0)
					*prp1 = a;
				else if (entries == 1)
					second = a;
				if (entries >= 1) {
					if (entries - 1 >= NVME_PAGE / 8u)
						return SHIM_ERR_BAD_ARGUMENT;
					nvme_prp_list_put(q, r, entries - 1, a);
				}
				entries++;
				a += take;
				left -= take;
			}
		}
	} while (n > 0);
	*prp2 = entries == 2 ? second : entries > 2 ? r->prp_addr : 0;
	return SHIM_OK;
}

/* ---- reads and writes ---- */

static shim_ret nvme_check_range(struct nvme_state *st, uint64_t lba, uint32_t nblocks,
				 uint64_t *bytes)
{
	uint64_t end;

	if (nblocks == 0 || shim_add_overflows_u64(lba, nblocks, &end) || end > st->info.blocks)
		return SHIM_ERR_BAD_ARGUMENT;
	*bytes = (uint64_t)nblocks * st->info.block_size;
	return *bytes > st->info.max_transfer ? SHIM_ERR_BAD_ARGUMENT : SHIM_OK;
}

static void nvme_rw_sqe(uint8_t sqe[NVME_SQE_BYTES], bool write, uint64_t lba, uint32_t nblocks,
			uint64_t prp1, uint64_t prp2)
{
	nvme_sqe_init(sqe, write ? NVME_IO_WRITE : NVME_IO_READ, 1);
	nvme_sqe_put64(sqe, 6, prp1);
	nvme_sqe_put64(sqe, 8, prp2);
	nvme_sqe_put64(sqe, 10, lba);
	nvme_sqe_put32(sqe, 12, nblocks - 1u);
}

static shim_ret nvme_rw_md(shim_service *svc, bool write, uint64_t lba, uint32_t nblocks,
			   shim_memdesc *md, uint64_t md_off)
{
	struct nvme_state *st;
	struct nvme_queue *q;
	struct nvme_request *r;
	uint8_t sqe[NVME_SQE_BYTES];
	uint64_t bytes, prp1 = 0, prp2 = 0, end;
	shim_ret ret = nvme_op_enter(svc, &st);

	if (ret != SHIM_OK)
		return ret;
	ret = nvme_check_range(st, lba, nblocks, &bytes);
	if (ret == SHIM_OK && (!md || shim_add_overflows_u64(md_off, bytes, &end) ||
			       end > shim_memdesc_length(md)))
		ret = SHIM_ERR_BAD_ARGUMENT;
	if (ret != SHIM_OK)
		return nvme_op_leave(st, ret);
	q = nvme_pick_queue(st);
	if (!q || (ret = nvme_slot_take(q, &r)) != SHIM_OK)
		return nvme_op_leave(st, q ? ret : SHIM_ERR_NOT_READY);
	ret = shim_dma_command_prepare(r->dma, md, md_off, bytes,
				       write ? SHIM_DMA_TO_DEVICE : SHIM_DMA_FROM_DEVICE);
	if (ret == SHIM_OK) {
		r->dma_prepared = true;
		ret = nvme_build_prps(q, r, &prp1, &prp2);
	}
	if (ret == SHIM_OK) {
		nvme_rw_sqe(sqe, write, lba, nblocks, prp1, prp2);
		nvme_submit(q, r, sqe);
		ret = nvme_status(st, r, nvme_wait(q, r));
	}
	nvme_slot_put(q, r); /* completes the DMA command: a bounced read lands in md */
	return nvme_op_leave(st, ret);
}

shim_ret org_drvbench_driver_nvme_read(shim_service *svc, uint64_t lba, uint32_t nblocks,
				       shim_memdesc *md, uint64_t md_off)
{
	return nvme_rw_md(svc, false, lba, nblocks, md, md_off);
}

shim_ret org_drvbench_driver_nvme_write(shim_service *svc, uint64_t lba, uint32_t nblocks,
					shim_memdesc *md, uint64_t md_off)
{
	return nvme_rw_md(svc, true, lba, nblocks, md, md_off);
}

/* Through the slot's own data page: one page at most. */
static shim_ret nvme_rw_buf(shim_service *svc, bool write, uint64_t lba, uint32_t nblocks,
			    void *buf)
{
	struct nvme_state *st;
	struct nvme_queue *q;
	struct nvme_request *r;
	uint8_t sqe[NVME_SQE_BYTES];
	uint64_t bytes, off;
	shim_ret ret = nvme_op_enter(svc, &st);

	if (ret != SHIM_OK)
		return ret;
	ret = nvme_check_range(st, lba, nblocks, &bytes);
	if (ret == SHIM_OK && (!buf || bytes > NVME_SMALL_MAX))
		ret = SHIM_ERR_BAD_ARGUMENT;
	if (ret != SHIM_OK)
		return nvme_op_leave(st, ret);
	q = nvme_pick_queue(st);
	if (!q || (ret = nvme_slot_take(q, &r)) != SHIM_OK)
		return nvme_op_leave(st, q ? ret : SHIM_ERR_NOT_READY);
	off = (uint64_t)(r - q->req) * NVME_PAGE;
	if (write && q->data_va)
		shim_memcpy(q->data_va + off, buf, (size_t)bytes);
	else if (write)
		ret = shim_memdesc_write(q->data_mem, off, buf, bytes);
	if (ret == SHIM_OK) {
		nvme_rw_sqe(sqe, write, lba, nblocks, r->data_addr, 0);
		nvme_submit(q, r, sqe);
		ret = nvme_status(st, r, nvme_wait(q, r));
	}
	if (ret == SHIM_OK && !write) {
		if (q->data_va)
			shim_memcpy(buf, q->data_va + off, (size_t)bytes);
		else
			ret = shim_memdesc_read(q->data_mem, off, buf, bytes);
	}
	nvme_slot_put(q, r);
	return nvme_op_leave(st, ret);
}

shim_ret org_drvbench_driver_nvme_read_buf(shim_service *svc, uint64_t lba, uint32_t nblocks,
					   void *dst)
{
	return nvme_rw_buf(svc, false, lba, nblocks, dst);
}

shim_ret org_drvbench_driver_nvme_write_buf(shim_service *svc, uint64_t lba, uint32_t nblocks,
					    const void *src)
{
	/* Only read from: the shared path takes a plain pointer. */
	return nvme_rw_buf(svc, true, lba, nblocks, (void *)(uintptr_t)src);
}

shim_ret org_drvbench_driver_nvme_flush(shim_service *svc)
{
	struct nvme_state *st;
	struct nvme_queue *q;
	struct nvme_request *r;
	uint8_t sqe[NVME_SQE_BYTES];
	shim_ret ret = nvme_op_enter(svc, &st);

	if (ret != SHIM_OK)
		return ret;
	q = nvme_pick_queue(st);
	if (!q || (ret = nvme_slot_take(q, &r)) != SHIM_OK)
		return nvme_op_leave(st, q ? ret : SHIM_ERR_NOT_READY);
	nvme_sqe_init(sqe, NVME_IO_FLUSH, 1);
	nvme_submit(q, r, sqe);
	ret = nvme_status(st, r, nvme_wait(q, r));
	nvme_slot_put(q, r);
	return nvme_op_leave(st, ret);
}

shim_ret nvme_flush_async(struct nvme_state *st, nvme_done_fn fn, void *ctx)
{
	struct nvme_queue *q;
	struct nvme_request *r;
	uint8_t sqe[NVME_SQE_BYTES];
	shim_ret ret = nvme_alive(st);

	if (ret != SHIM_OK)
		return ret;
	q = nvme_pick_queue(st);
	if (!q)
		return SHIM_ERR_NOT_READY;
	if ((ret = nvme_slot_take(q, &r)) != SHIM_OK)
		return ret == SHIM_ERR_BUSY ? SHIM_ERR_NO_RESOURCES : ret;
	r->done_fn = fn;
	r->done_ctx = ctx;
	nvme_sqe_init(sqe, NVME_IO_FLUSH, 1);
	nvme_submit(q, r, sqe);
	return SHIM_OK;
}

/* ---- admin operations ---- */

/* The controller refused the command as malformed (a client's CNS or NSID
 * it does not know): the caller's mistake, not a failing device. */
static bool nvme_refused(uint16_t status)
{
	uint16_t code = status & NVME_STATUS_CODE;

	return code == NVME_SC_INVALID_OPCODE || code == NVME_SC_INVALID_FIELD ||
	       code == NVME_SC_INVALID_NS;
}

shim_ret org_drvbench_driver_nvme_identify(shim_service *svc, uint8_t cns, uint32_t nsid,
					   void *out)
{
	struct nvme_state *st;
	uint8_t sqe[NVME_SQE_BYTES];
	uint16_t status = 0;
	shim_ret ret = nvme_op_enter(svc, &st);

	if (ret != SHIM_OK)
		return ret;
	if (!out)
		return nvme_op_leave(st, SHIM_ERR_BAD_ARGUMENT);
	nvme_sqe_init(sqe, NVME_ADM_IDENTIFY, nsid);
	nvme_sqe_put32(sqe, 10, cns);
	ret = nvme_admin(st, sqe, out, NVME_ID_BYTES, &status, NULL);
	if (ret == SHIM_OK && status == 0xffff)
		ret = SHIM_ERR_ABORTED;
	else if (ret == SHIM_OK && status != 0)
		ret = nvme_refused(status) ? SHIM_ERR_BAD_ARGUMENT : SHIM_ERR_DEVICE_ERROR;
	return nvme_op_leave(st, ret);
}

shim_ret org_drvbench_driver_nvme_passthru(shim_service *svc, unsigned queue,
					   const uint8_t sqe_in[64], void *data,
					   struct nvme_completion *cqe)
{
	struct nvme_state *st;
	struct nvme_queue *q;
	struct nvme_request *r;
	uint8_t sqe[NVME_SQE_BYTES];
	uint64_t off;
	shim_ret ret = nvme_op_enter(svc, &st);

	if (ret != SHIM_OK)
		return ret;
	if (!sqe_in || !cqe || queue > st->nq)
		return nvme_op_leave(st, SHIM_ERR_BAD_ARGUMENT);
	q = &st->q[queue];
	if ((ret = nvme_slot_take(q, &r)) != SHIM_OK)
		return nvme_op_leave(st, ret);
	shim_memcpy(sqe, sqe_in, sizeof(sqe));
	off = (uint64_t)(r - q->req) * NVME_PAGE;
	if (data) {
		nvme_sqe_put64(sqe, 6, r->data_addr);
		nvme_sqe_put64(sqe, 8, 0);
		if (q->data_va)
			shim_memcpy(q->data_va + off, data, NVME_PAGE);
		else
			ret = shim_memdesc_write(q->data_mem, off, data, NVME_PAGE);
	}
	if (ret == SHIM_OK) {
		nvme_submit(q, r, sqe);
		ret = nvme_wait(q, r);
	}
	if (ret == SHIM_OK && r->status == 0xffff)
		ret = SHIM_ERR_ABORTED;
	if (ret == SHIM_OK) {
		*cqe = r->cqe;
		if (data && q->data_va)
			shim_memcpy(data, q->data_va + off, NVME_PAGE);
		else if (data)
			ret = shim_memdesc_read(q->data_mem, off, data, NVME_PAGE);
	}
	nvme_slot_put(q, r);
	return nvme_op_leave(st, ret);
}

/* ---- information and tuning (no device access) ---- */

shim_ret org_drvbench_driver_nvme_get_info(shim_service *svc, struct nvme_info *out)
{
	struct nvme_state *st = nvme_state_from_service(svc);

	if (!st || !out)
		return st ? SHIM_ERR_BAD_ARGUMENT : SHIM_ERR_NOT_READY;
	*out = st->info;
	return SHIM_OK;
}

shim_ret org_drvbench_driver_nvme_get_stats(shim_service *svc, struct nvme_stats *out)
{
	struct nvme_state *st = nvme_state_from_service(svc);

	if (!st || !out)
		return st ? SHIM_ERR_BAD_ARGUMENT : SHIM_ERR_NOT_READY;
	*out = st->stats;
	return SHIM_OK;
}

size_t org_drvbench_driver_nvme_completion_log(shim_service *svc, struct nvme_completion *out,
					       size_t max)
{
	struct nvme_state *st = nvme_state_from_service(svc);
	size_t n = 0;

	if (!st || !out)
		return 0;
	while (n < max && st->log_count > 0) {
		out[n++] = st->log[st->log_head];
		st->log_head = (st->log_head + 1) % NVME_LOG_KEEP;
		st->log_count--;
	}
	return n;
}

shim_ret org_drvbench_driver_nvme_set_timeout(shim_service *svc, uint64_t ns)
{
	struct nvme_state *st = nvme_state_from_service(svc);

	if (!st)
		return SHIM_ERR_NOT_READY;
	st->timeout_ns = ns ? ns : NVME_DEFAULT_TIMEOUT_NS;
	return SHIM_OK;
}

shim_ret org_drvbench_driver_nvme_set_watch(shim_service *svc, uint64_t ns)
{
	struct nvme_state *st = nvme_state_from_service(svc);

	if (!st)
		return SHIM_ERR_NOT_READY;
	st->watch_ns = ns ? ns : NVME_WATCH_NS;
	return SHIM_OK;
}

shim_ret org_drvbench_driver_nvme_set_queue_interrupt(shim_service *svc, unsigned queue,
						      bool enabled)
{
	struct nvme_state *st = nvme_state_from_service(svc);

	if (!st)
		return SHIM_ERR_NOT_READY;
	if (queue > st->nq || !st->q[queue].intr)
		return SHIM_ERR_BAD_ARGUMENT;
	if (enabled)
		shim_intr_source_enable(st->q[queue].intr);
	else
		shim_intr_source_disable(st->q[queue].intr);
	return SHIM_OK;
}
