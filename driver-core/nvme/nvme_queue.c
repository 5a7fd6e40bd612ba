/* Queue pairs of the NVMe driver: their memory (rings, PRP list pages and a
 * data page per slot, zeroed and mapped for the CPU), submission through
 * the SQ tail doorbell, completions found by their phase tag, interrupt
 * sources (one per queue's MSI-X vector, or one shared line), and the wait
 * that watches the controller while a command is out. */
#include "nvme_private.h"
#include "shim/log.h"

/* Bound on loop iterations in a wait, should the host's clock stand still. */
#define NVME_WAIT_MAX_ROUNDS 200000u

void nvme_sqe_init(uint8_t sqe[NVME_SQE_BYTES], uint8_t opcode, uint32_t nsid)
{
	shim_memset(sqe, 0, NVME_SQE_BYTES);
	sqe[0] = opcode;
	nvme_sqe_put32(sqe, 1, nsid);
}

void nvme_sqe_put32(uint8_t sqe[NVME_SQE_BYTES], unsigned dword, uint32_t v)
{
	uint32_t le = shim_host_to_le32(v);

	shim_memcpy(sqe + 4 * dword, &le, sizeof(le));
}

void nvme_sqe_put64(uint8_t sqe[NVME_SQE_BYTES], unsigned dword, uint64_t v)
{
	uint64_t le = shim_host_to_le64(v);

	shim_memcpy(sqe + 4 * dword, &le, sizeof(le));
}

/* ---- memory ---- */

/* A zeroed, prepared DMA buffer and its bus address and CPU view. */
static shim_ret nvme_buffer(struct nvme_state *st, uint64_t size, shim_memdesc **md,
			    uint64_t *addr, uint8_t **va)
{
	void *p = NULL;
	shim_ret r = shim_dma_buffer_alloc(st->dev, size, NVME_PAGE, UINT64_MAX, md);

	if (r != SHIM_OK)
		return r;
	r = shim_memdesc_prepare(*md);
	if (r == SHIM_OK) {
		r = shim_memdesc_dma_address(*md, 0, size, addr);
		if (r != SHIM_OK)
			(void)shim_memdesc_complete(*md);
	}
	if (r != SHIM_OK) {
		shim_memdesc_release(*md);
		*md = NULL;
		return r;
	}
	/* Without a mapping the driver copies through the descriptor. */
	*va = shim_memdesc_map(*md, &p) == SHIM_OK ? p : NULL;
	return SHIM_OK;
}

static void nvme_buffer_free(shim_memdesc **md)
{
	if (*md == NULL)
		return;
	(void)shim_memdesc_complete(*md);
	shim_memdesc_release(*md);
	*md = NULL;
}

void nvme_queue_clear(struct nvme_queue *q)
{
	static const uint8_t zero[NVME_CQE_BYTES * NVME_IO_DEPTH];

	q->sq_tail = q->cq_head = q->sq_head = 0;
	q->phase = 1;
	q->live = false;
	if (q->cq_va)
		shim_memset(q->cq_va, 0, NVME_CQE_BYTES * q->depth);
	else if (q->cq_mem)
		(void)shim_memdesc_write(q->cq_mem, 0, zero, NVME_CQE_BYTES * q->depth);
}

void nvme_queue_free(struct nvme_state *st, struct nvme_queue *q)
{
	(void)st;
	for (unsigned i = 0; i < q->depth; i++) {
		struct nvme_request *r = &q->req[i];

		if (r->dma_prepared)
			(void)shim_dma_command_complete(r->dma);
		r->dma_prepared = false;
		shim_dma_command_release(r->dma);
		r->dma = NULL;
	}
	nvme_buffer_free(&q->data_mem);
	nvme_buffer_free(&q->prp_mem);
	nvme_buffer_free(&q->cq_mem);
	nvme_buffer_free(&q->sq_mem);
	q->depth = 0;
}

static shim_ret nvme_queue_slots(struct nvme_state *st, struct nvme_queue *q)
{
	const struct shim_dma_spec spec = {
		.address_bits = 64,             /* PRP entries are 64-bit */
		.alignment = 4,                 /* a PRP entry's low two bits are zero */
		.max_transfer = st->info.max_transfer,
	};

	for (unsigned i = 0; i < q->depth; i++) {
		struct nvme_request *r = &q->req[i];

		r->prp_addr = q->prp_addr + (uint64_t)i * NVME_PAGE;
		r->prp_va = q->prp_base_va ? (uint64_t *)(void *)(q->prp_base_va + i * NVME_PAGE)
					   : NULL;
		r->data_addr = q->data_addr + (uint64_t)i * NVME_PAGE;
		if (q->qid != 0) {
			shim_ret ret = shim_dma_command_create(st->dev, &spec, &r->dma);

			if (ret != SHIM_OK)
				return ret;
		}
	}
	return SHIM_OK;
}

shim_ret nvme_queue_alloc(struct nvme_state *st, unsigned qid, uint16_t depth)
{
	struct nvme_queue *q = &st->q[qid];
	shim_ret r;

	shim_memset(q, 0, sizeof(*q));
	q->st = st;
	q->qid = (uint16_t)qid;
	q->depth = depth;
	r = nvme_buffer(st, NVME_PAGE, &q->sq_mem, &q->sq_addr, &q->sq_va);
	if (r == SHIM_OK)
		r = nvme_buffer(st, NVME_PAGE, &q->cq_mem, &q->cq_addr, &q->cq_va);
	if (r == SHIM_OK)
		r = nvme_buffer(st, (uint64_t)depth * NVME_PAGE, &q->prp_mem, &q->prp_addr,
				&q->prp_base_va);
	if (r == SHIM_OK)
		r = nvme_buffer(st, (uint64_t)depth * NVME_PAGE, &q->data_mem, &q->data_addr,
				&q->data_va);
	if (r == SHIM_OK)
		r = nvme_queue_slots(st, q);
	if (r != SHIM_OK) {
		nvme_queue_free(st, q);
		return r;
	}
	nvme_queue_clear(q);
	return SHIM_OK;
}

/* ---- slots ---- */

uint16_t nvme_slot_cid(const struct nvme_queue *q, const struct nvme_request *r)
{
	return (uint16_t)((unsigned)r->gen << 8 | (unsigned)(r - q->req));
}

shim_ret nvme_slot_take(struct nvme_queue *q, struct nvme_request **out)
{
	/* One entry stays free: a full ring has tail + 1 == head. */
	if (q->in_flight + 1 >= q->depth)
		return SHIM_ERR_BUSY;
	for (unsigned i = 0; i < q->depth; i++) {
		struct nvme_request *r = &q->req[i];

		if (r->busy)
			continue;
		r->busy = true;
		r->done = false;
		r->gen++;
		r->status = 0;
		r->dw0 = 0;
		r->done_fn = NULL;
		r->done_ctx = NULL;
		q->in_flight++;
		*out = r;
		return SHIM_OK;
	}
	return SHIM_ERR_BUSY;
}

void nvme_slot_put(struct nvme_queue *q, struct nvme_request *r)
{
	if (!r->busy)
		return;
	if (r->dma_prepared)
		(void)shim_dma_command_complete(r->dma);
	r->dma_prepared = false;
	r->busy = false;
	r->done_fn = NULL;
	if (q->in_flight)
		q->in_flight--;
}

/* ---- submission ---- */

static uint32_t nvme_sq_doorbell(const struct nvme_queue *q)
{
	return NVME_REG_DOORBELL + (2u * q->qid) * q->st->doorbell_stride;
}

static uint32_t nvme_cq_doorbell(const struct nvme_queue *q)
{
	return NVME_REG_DOORBELL + (2u * q->qid + 1u) * q->st->doorbell_stride;
}

void nvme_submit(struct nvme_queue *q, struct nvme_request *r, uint8_t sqe[NVME_SQE_BYTES])
{
	uint16_t cid = shim_host_to_le16(nvme_slot_cid(q, r));
	uint64_t off = (uint64_t)q->sq_tail * NVME_SQE_BYTES;

	shim_memcpy(sqe + 2, &cid, sizeof(cid));
	if (q->sq_va)
		shim_memcpy(q->sq_va + off, sqe, NVME_SQE_BYTES);
	else
		(void)shim_memdesc_write(q->sq_mem, off, sqe, NVME_SQE_BYTES);
	q->sq_tail = (uint16_t)((q->sq_tail + 1u) % q->depth);
	/* The entry is in memory before the controller hears of it. */
	shim_synchronize_io();
	nvme_wr32(q->st, nvme_sq_doorbell(q), q->sq_tail);
	q->st->stats.commands++;
}

/* ---- completions ---- */

static void nvme_log_cqe(struct nvme_state *st, const struct nvme_completion *c)
{
	st->log[(st->log_head + st->log_count) % NVME_LOG_KEEP] = *c;
	if (st->log_count < NVME_LOG_KEEP)
		st->log_count++;
	else
		st->log_head = (st->log_head + 1) % NVME_LOG_KEEP;
}

/* The entry at the head, if its phase tag says it is new. */
static bool nvme_cqe_take(struct nvme_queue *q, struct nvme_completion *c)
{
	uint8_t e[NVME_CQE_BYTES];
	uint16_t w;
	uint32_t dw0;
	uint64_t off = (uint64_t)q->cq_head * NVME_CQE_BYTES;

	if (q->cq_va) {
		/* The status word holds the phase: read it first, then the rest. */
		shim_memcpy(&w, q->cq_va + off + 14, sizeof(w));
		if ((shim_le16_to_host(w) & 1u) != q->phase)
			return false;
		shim_synchronize_io();
		shim_memcpy(e, q->cq_va + off, sizeof(e));
	} else if (shim_memdesc_read(q->cq_mem, off, e, sizeof(e)) != SHIM_OK) {
		return false;
	}
	shim_memcpy(&w, e + 14, sizeof(w));
	w = shim_le16_to_host(w);
	if ((w & 1u) != q->phase)
		return false;
	shim_memcpy(&dw0, e, sizeof(dw0));
	c->dw0 = shim_le32_to_host(dw0);
	c->qid = q->qid;
	c->phase = (uint8_t)(w & 1u);
	c->status = (uint16_t)(w >> 1);
	shim_memcpy(&w, e + 8, sizeof(w));
	c->sqhd = shim_le16_to_host(w);
	shim_memcpy(&w, e + 12, sizeof(w));
	c->cid = shim_le16_to_host(w);
	if (++q->cq_head == q->depth) {
		q->cq_head = 0;
		q->phase ^= 1;
	}
	return true;
}

/* Matches a completion to its slot; unknown IDs are logged and dropped. */
static void nvme_complete(struct nvme_queue *q, const struct nvme_completion *c)
{
	struct nvme_state *st = q->st;
	unsigned slot = c->cid & 0xffu;
	struct nvme_request *r = slot < q->depth ? &q->req[slot] : NULL;

	st->stats.completions++;
	nvme_log_cqe(st, c);
	if (c->sqhd < q->depth)
		q->sq_head = c->sqhd;
	if (!r || !r->busy || r->done || nvme_slot_cid(q, r) != c->cid) {
		st->stats.unknown_cids++;
		shim_log(SHIM_LOG_WARN, "nvme %s: completion for unknown command ID 0x%04x on queue "
			 "%u (status 0x%04x): dropped", shim_pci_name(st->dev), c->cid, q->qid,
			 c->status);
		return;
	}
	r->status = c->status;
	r->dw0 = c->dw0;
	r->cqe = *c;
	r->done = true;
	if (r->done_fn) {
		nvme_done_fn fn = r->done_fn;
		void *ctx = r->done_ctx;

		nvme_slot_put(q, r);
		fn(st, ctx, c->status ? SHIM_ERR_DEVICE_ERROR : SHIM_OK, c->dw0);
	}
}

unsigned nvme_queue_reap(struct nvme_queue *q)
{
	struct nvme_completion c;
	unsigned n = 0;

	if (!q->live || q->st->gone)
		return 0;
	while (n < q->depth && nvme_cqe_take(q, &c)) {
		nvme_complete(q, &c);
		n++;
	}
	if (n)
		nvme_wr32(q->st, nvme_cq_doorbell(q), q->cq_head);
	return n;
}

/* ---- interrupts ---- */

/* Primary interrupt context: a message vector needs no look at the device
 * (it is ours alone); a shared line is ours when a CQ holds a new entry. */
static bool nvme_intr_filter(void *owner, shim_intr_source *src)
{
	struct nvme_queue *q = owner;
	struct nvme_state *st = q->st;

	(void)src;
	if (st->msix || st->gone)
		return !st->gone;
	for (unsigned i = 0; i <= st->nq; i++) {
		struct nvme_queue *x = &st->q[i];
		uint16_t w;

		if (!x->live || !x->cq_va)
			return true; /* cannot look without a mapping: take it */
		shim_memcpy(&w, x->cq_va + (uint64_t)x->cq_head * NVME_CQE_BYTES + 14, sizeof(w));
		if ((shim_le16_to_host(w) & 1u) == x->phase)
			return true;
	}
	return false;
}

static void nvme_intr_action(void *owner, shim_intr_source *src, int count)
{
	struct nvme_queue *q = owner;
	struct nvme_state *st = q->st;

	(void)src;
	(void)count;
	if (!st->started)
		return;
	if (st->msix) {
		st->stats.interrupts[q->qid] += nvme_queue_reap(q);
		shim_workloop_wakeup(st->wl, nvme_queue_event(q));
		return;
	}
	for (unsigned i = 0; i <= st->nq; i++) {
		st->stats.interrupts[i] += nvme_queue_reap(&st->q[i]);
		shim_workloop_wakeup(st->wl, nvme_queue_event(&st->q[i]));
	}
}

/* MSI-X index i + 1 is vector i: queue i's. Without MSI-X one source (MSI
 * if offered, else INTx) serves every queue, which then all use vector 0. */
shim_ret nvme_intr_setup(struct nvme_state *st)
{
	unsigned n = shim_pci_message_interrupt_count(st->dev, NULL);
	shim_ret r;

	for (unsigned i = 0; i <= st->nq_planned; i++) {
		struct nvme_queue *q = &st->q[i];

		q->vector = st->msix ? (uint16_t)i : 0;
		q->intr_index = st->msix ? i + 1u : (n ? 1u : 0u);
		if (i > 0 && !st->msix)
			continue;
		r = shim_intr_source_create(st->wl, st->dev, q->intr_index, nvme_intr_filter,
					    nvme_intr_action, q, &q->intr);
		if (r != SHIM_OK) {
			shim_log(SHIM_LOG_ERR, "nvme %s: interrupt source %u: %s",
				 shim_pci_name(st->dev), q->intr_index, shim_ret_string(r));
			nvme_intr_teardown(st);
			return r;
		}
	}
	return SHIM_OK;
}

void nvme_intr_teardown(struct nvme_state *st)
{
	for (unsigned i = 0; i < NVME_MAX_QUEUES; i++) {
		if (st->q[i].intr) {
			shim_intr_source_disable(st->q[i].intr);
			shim_intr_source_release(st->q[i].intr);
		}
		st->q[i].intr = NULL;
	}
}

/* ---- waiting ---- */

void nvme_fail_all(struct nvme_state *st, shim_ret r)
{
	for (unsigned i = 0; i < NVME_MAX_QUEUES; i++) {
		struct nvme_queue *q = &st->q[i];

		for (unsigned k = 0; k < q->depth; k++) {
			struct nvme_request *x = &q->req[k];

			if (!x->busy || x->done)
				continue;
			x->done = true;
			x->status = 0xffff; /* no completion came */
			if (x->done_fn) {
				nvme_done_fn fn = x->done_fn;
				void *ctx = x->done_ctx;

				nvme_slot_put(q, x);
				fn(st, ctx, r, 0);
			}
		}
		shim_workloop_wakeup(st->wl, nvme_queue_event(q));
	}
}

/* A removed device or a dead host, told from a timeout. */
static shim_ret nvme_wait_gave_up(struct nvme_queue *q, struct nvme_request *r, bool fatal)
{
	struct nvme_state *st = q->st;
	shim_ret c = nvme_check_device(st);

	if (r->done)
		return SHIM_OK;
	if (c != SHIM_OK)
		return c;
	if (st->recovering) /* a command of the recovery itself: it fails, no new recovery */
		return fatal ? SHIM_ERR_DEVICE_ERROR : SHIM_ERR_TIMEOUT;
	if (fatal) {
		st->stats.device_errors++;
		nvme_ctrl_recover(st, "fatal controller status");
		return SHIM_ERR_DEVICE_ERROR;
	}
	st->stats.timeouts++;
	shim_log(SHIM_LOG_ERR, "nvme %s: command 0x%04x on queue %u timed out after %llu ns",
		 shim_pci_name(st->dev), nvme_slot_cid(q, r), q->qid,
		 (unsigned long long)st->timeout_ns);
	nvme_ctrl_recover(st, "command timeout");
	return SHIM_ERR_TIMEOUT;
}

/* t + ns, saturating: a very long period is "never". */
static uint64_t nvme_time_after(uint64_t t, uint64_t ns)
{
	return ns > UINT64_MAX - t ? UINT64_MAX : t + ns;
}

shim_ret nvme_wait(struct nvme_queue *q, struct nvme_request *r)
{
	struct nvme_state *st = q->st;
	uint64_t start = shim_workloop_now_ns(st->wl);
	uint64_t watch = nvme_time_after(start, st->watch_ns);
	uint64_t deadline = nvme_time_after(start, st->timeout_ns);

	for (unsigned round = 0; round < NVME_WAIT_MAX_ROUNDS; round++) {
		uint64_t now, until;
		shim_ret s;

		if (r->done)
			return SHIM_OK;
		s = nvme_alive(st);
		if (s != SHIM_OK)
			return s;
		now = shim_workloop_now_ns(st->wl);
		if (now >= watch) {
			uint32_t csts;

			st->stats.watch_looks++;
			/* A completion whose interrupt never came (masked, lost). */
			(void)nvme_queue_reap(q);
			if (r->done)
				return SHIM_OK;
			/* Silence: a removed device, or a controller that failed. */
			csts = nvme_rd32(st, NVME_REG_CSTS);
			if (csts == NVME_ALL_ONES32 || !shim_pci_is_present(st->dev))
				return nvme_wait_gave_up(q, r, false);
			if (csts & NVME_CSTS_CFS)
				return nvme_wait_gave_up(q, r, true);
			watch = nvme_time_after(now, st->watch_ns);
		}
		if (now >= deadline)
			return nvme_wait_gave_up(q, r, false);
		until = watch < deadline ? watch : deadline;
		s = shim_workloop_sleep(st->wl, nvme_queue_event(q), until - now);
		if (s == SHIM_ERR_HOST)
			return s;
	}
	return nvme_wait_gave_up(q, r, false);
}
