/* Operations of a started edu service (edu/edu_driver.h). Each one checks
 * state, arguments and device presence, holds a reference on the instance
 * while it may sleep on the work loop, and counts its outcome. */
#include "edu_private.h"
#include "shim/libkern.h"
#include "shim/log.h"

/* Polling starts fast (the engines finish in microseconds on the sim) and
 * backs off so a slow host is not flooded with status reads. */
#define EDU_POLL_FIRST_NS 1000ull
#define EDU_POLL_MAX_NS 1000000ull
/* Bound on loop iterations in a wait, should the host's clock stand still. */
#define EDU_WAIT_MAX_ROUNDS 100000u

/* Whether the operation may go on: a stop while we slept (removal) or a
 * removed device ends it. Costs no device access. */
static shim_ret edu_alive(struct edu_state *st)
{
	if (!st->started)
		return SHIM_ERR_ABORTED;
	if (!st->gone && !shim_pci_is_present(st->dev))
		st->gone = true;
	return st->gone ? SHIM_ERR_NO_DEVICE : edu_power_check(st);
}

/* edu_alive plus a look at the device: a removed device (or a dead proxy)
 * reads all-ones even before the bus reports the removal. */
static shim_ret edu_check_device(struct edu_state *st)
{
	shim_ret r = edu_alive(st);

	if (r == SHIM_OK && edu_rd(st, EDU_REG_ID) == EDU_ALL_ONES) {
		st->gone = true;
		r = SHIM_ERR_NO_DEVICE;
	}
	return r;
}

/* Timeouts are reported as such only if the device is still there. */
static shim_ret edu_timed_out(struct edu_state *st)
{
	shim_ret r = edu_check_device(st);

	return r != SHIM_OK ? r : SHIM_ERR_TIMEOUT;
}

static shim_ret edu_op_leave(struct edu_state *st, shim_ret r)
{
	if (r == SHIM_ERR_DEVICE_ERROR || r == SHIM_ERR_TIMEOUT || r == SHIM_ERR_NO_DEVICE ||
	    r == SHIM_ERR_HOST)
		st->stats.errors++;
	st->op_active = false;
	edu_power_op_done(st);
	edu_state_release(st);
	return r;
}

/* Every operation starts here: started, not nested, device present. On
 * success the caller owns a reference and must end with edu_op_leave. */
static shim_ret edu_op_enter(shim_service *svc, struct edu_state **out)
{
	struct edu_state *st = edu_state_from_service(svc);
	shim_ret r;

	if (!st)
		return SHIM_ERR_NOT_READY;
	if (st->op_active)
		return SHIM_ERR_BUSY;
	edu_state_retain(st);
	st->op_active = true;
	r = edu_check_device(st);
	if (r != SHIM_OK)
		return edu_op_leave(st, r);
	*out = st;
	return SHIM_OK;
}

/* Drop stale causes (e.g. from an operation that timed out) before
 * starting one that waits for them. */
static void edu_forget_irq(struct edu_state *st, uint32_t bits)
{
	st->irq_pending &= ~bits;
	st->irq_seen &= ~bits;
}

/* Sleep on the loop until the action has delivered all of `bits`, then
 * consume them. */
static shim_ret edu_wait_irq(struct edu_state *st, uint32_t bits, uint64_t timeout_ns)
{
	uint64_t deadline = shim_workloop_now_ns(st->wl) + timeout_ns;
	unsigned round;

	for (round = 0; round < EDU_WAIT_MAX_ROUNDS; round++) {
		uint64_t now;
		shim_ret r = edu_alive(st);

		if (r != SHIM_OK)
			return r;
		if ((st->irq_seen & bits) == bits) {
			st->irq_seen &= ~bits;
			return SHIM_OK;
		}
		now = shim_workloop_now_ns(st->wl);
		if (now >= deadline)
			break;
		r = shim_workloop_sleep(st->wl, edu_irq_event(st), deadline - now);
		if (r == SHIM_ERR_HOST)
			return r;
		/* SHIM_OK or SHIM_ERR_TIMEOUT: the next round decides. */
	}
	return edu_timed_out(st);
}

/* Poll `reg` until `busy_bit` reads clear. */
static shim_ret edu_poll_clear(struct edu_state *st, uint32_t reg, uint32_t busy_bit,
			       uint64_t timeout_ns)
{
	uint64_t deadline = shim_workloop_now_ns(st->wl) + timeout_ns;
	uint64_t step = EDU_POLL_FIRST_NS;
	unsigned round;

	for (round = 0; round < EDU_WAIT_MAX_ROUNDS; round++) {
		shim_ret r = edu_alive(st);
		uint32_t v;

		if (r != SHIM_OK)
			return r;
		v = edu_rd(st, reg);
		if (v == EDU_ALL_ONES) {
			r = edu_check_device(st);
			if (r != SHIM_OK)
				return r;
		}
		if (!(v & busy_bit))
			return SHIM_OK;
		if (shim_workloop_now_ns(st->wl) >= deadline)
			break;
		r = shim_workloop_delay_ns(st->wl, step);
		if (r != SHIM_OK)
			return r;
		if (step < EDU_POLL_MAX_NS)
			step *= 2;
	}
	return edu_timed_out(st);
}

shim_ret org_drvbench_driver_edu_liveness(shim_service *svc, uint32_t value, uint32_t *readback)
{
	struct edu_state *st;
	shim_ret r = edu_op_enter(svc, &st);

	if (r != SHIM_OK)
		return r;
	if (!readback)
		return edu_op_leave(st, SHIM_ERR_BAD_ARGUMENT);
	edu_wr(st, EDU_REG_LIVENESS, value);
	*readback = edu_rd(st, EDU_REG_LIVENESS);
	if (*readback != ~value) {
		r = edu_check_device(st);
		if (r == SHIM_OK) {
			shim_log(SHIM_LOG_ERR, "edu: liveness 0x%08x read back 0x%08x", value,
				 *readback);
			r = SHIM_ERR_DEVICE_ERROR;
		}
	}
	return edu_op_leave(st, r);
}

shim_ret org_drvbench_driver_edu_read_id(shim_service *svc, uint32_t *id)
{
	struct edu_state *st;
	shim_ret r = edu_op_enter(svc, &st);

	if (r != SHIM_OK)
		return r;
	if (!id)
		return edu_op_leave(st, SHIM_ERR_BAD_ARGUMENT);
	*id = edu_rd(st, EDU_REG_ID);
	return edu_op_leave(st, SHIM_OK);
}

static shim_ret edu_factorial_run(shim_service *svc, uint32_t n, uint32_t *result, bool by_irq)
{
	struct edu_state *st;
	shim_ret r = edu_op_enter(svc, &st);

	if (r != SHIM_OK)
		return r;
	if (!result)
		return edu_op_leave(st, SHIM_ERR_BAD_ARGUMENT);
	/* A write while the engine computes is ignored: let a previous one finish. */
	r = edu_poll_clear(st, EDU_REG_STATUS, EDU_STATUS_COMPUTING, EDU_FACTORIAL_TIMEOUT_NS);
	if (r != SHIM_OK)
		return edu_op_leave(st, r);
	edu_forget_irq(st, EDU_IRQ_FACTORIAL);
	/* Writing the status register also clears bit7 for the polled variant. */
	edu_wr(st, EDU_REG_STATUS, by_irq ? EDU_STATUS_IRQ_FACT : 0);
	edu_wr(st, EDU_REG_FACTORIAL, n);
	if (by_irq)
		r = edu_wait_irq(st, EDU_IRQ_FACTORIAL, EDU_FACTORIAL_TIMEOUT_NS);
	else
		r = edu_poll_clear(st, EDU_REG_STATUS, EDU_STATUS_COMPUTING,
				   EDU_FACTORIAL_TIMEOUT_NS);
	if (r == SHIM_OK) {
		*result = edu_rd(st, EDU_REG_FACTORIAL);
		st->stats.factorials++;
	} else {
		shim_log(SHIM_LOG_ERR, "edu: factorial(%u) %s: %s", n, by_irq ? "irq" : "polled",
			 shim_ret_string(r));
	}
	return edu_op_leave(st, r);
}

shim_ret org_drvbench_driver_edu_factorial(shim_service *svc, uint32_t n, uint32_t *result)
{
	return edu_factorial_run(svc, n, result, true);
}

shim_ret org_drvbench_driver_edu_factorial_polled(shim_service *svc, uint32_t n, uint32_t *result)
{
	return edu_factorial_run(svc, n, result, false);
}

/* Device-side range: non-empty and ending before the buffer's last byte. */
static bool edu_dev_range_ok(uint32_t dev_off, uint32_t len)
{
	return len > 0 && (uint64_t)dev_off + len <= EDU_DMA_MAX_END;
}

/* One transfer between bus address `bus` and the device buffer. The bus
 * range is checked against edu's mask before any register is written: the
 * device would silently clamp the address and hit the wrong memory. */
static shim_ret edu_dma_run(struct edu_state *st, uint64_t bus, uint32_t dev_off, uint32_t len,
			    bool to_device)
{
	uint32_t dev_addr = EDU_DMA_WINDOW + dev_off;
	uint32_t dir = to_device ? 0u : 1u;
	shim_ret r;

	if (bus > EDU_DMA_MASK || (uint64_t)len - 1 > EDU_DMA_MASK - bus)
		return SHIM_ERR_BAD_ARGUMENT;
	/* Registers are ignored while a transfer runs (and changing them then
	 * races the engine), so wait for it first. */
	r = edu_poll_clear(st, EDU_REG_DMA_CMD, EDU_DMA_CMD_RUN, EDU_DMA_TIMEOUT_NS);
	if (r != SHIM_OK)
		return r;
	edu_forget_irq(st, EDU_IRQ_DMA);
	edu_wr(st, EDU_REG_DMA_SRC, to_device ? (uint32_t)bus : dev_addr);
	edu_wr(st, EDU_REG_DMA_DST, to_device ? dev_addr : (uint32_t)bus);
	edu_wr(st, EDU_REG_DMA_COUNT, len);
	edu_wr(st, EDU_REG_DMA_CMD,
	       EDU_DMA_CMD_RUN | (dir << EDU_DMA_CMD_DIR_SHIFT) | EDU_DMA_CMD_IRQ);
	r = edu_wait_irq(st, EDU_IRQ_DMA, EDU_DMA_TIMEOUT_NS);
	if (r != SHIM_OK)
		return r;
	if (edu_rd(st, EDU_REG_DMA_CMD) & EDU_DMA_CMD_RUN) {
		r = edu_check_device(st);
		return r != SHIM_OK ? r : SHIM_ERR_DEVICE_ERROR;
	}
	return SHIM_OK;
}

static void edu_dma_log_failure(uint32_t dev_off, uint32_t len, bool to_device, shim_ret r)
{
	shim_log(SHIM_LOG_ERR, "edu: DMA %s device [0x%x, +%u): %s", to_device ? "to" : "from",
		 dev_off, len, shim_ret_string(r));
}

/* Through the driver's own buffer: src is copied in before a transfer to
 * the device, dst filled after one from it. */
static shim_ret edu_dma_buffered(shim_service *svc, uint32_t dev_off, const void *src, void *dst,
				 uint32_t len, bool to_device)
{
	struct edu_state *st;
	uint64_t bus = 0;
	shim_ret r = edu_op_enter(svc, &st);

	if (r != SHIM_OK)
		return r;
	if ((to_device ? !src : !dst) || !edu_dev_range_ok(dev_off, len))
		return edu_op_leave(st, SHIM_ERR_BAD_ARGUMENT);
	if (to_device)
		r = shim_memdesc_write(st->dma_buf, 0, src, len);
	if (r == SHIM_OK)
		r = shim_memdesc_prepare(st->dma_buf);
	if (r != SHIM_OK)
		return edu_op_leave(st, r);
	st->buf_prepared = true;
	r = shim_memdesc_dma_address(st->dma_buf, 0, len, &bus);
	if (r == SHIM_OK)
		r = edu_dma_run(st, bus, dev_off, len, to_device);
	/* A stop while we slept has already completed and released the buffer. */
	if (st->buf_prepared) {
		shim_ret c = shim_memdesc_complete(st->dma_buf);

		st->buf_prepared = false;
		if (r == SHIM_OK)
			r = c;
	}
	if (r == SHIM_OK && !to_device)
		r = shim_memdesc_read(st->dma_buf, 0, dst, len);
	if (r == SHIM_OK)
		st->stats.dma_transfers++;
	else
		edu_dma_log_failure(dev_off, len, to_device, r);
	return edu_op_leave(st, r);
}

shim_ret org_drvbench_driver_edu_dma_to_device(shim_service *svc, uint32_t dev_off, const void *src,
					       uint32_t len)
{
	return edu_dma_buffered(svc, dev_off, src, NULL, len, true);
}

shim_ret org_drvbench_driver_edu_dma_from_device(shim_service *svc, uint32_t dev_off, void *dst,
						 uint32_t len)
{
	return edu_dma_buffered(svc, dev_off, NULL, dst, len, false);
}

shim_ret org_drvbench_driver_edu_dma_memdesc(shim_service *svc, shim_memdesc *md, uint64_t md_off,
					     uint32_t dev_off, uint32_t len, bool to_device)
{
	struct edu_state *st;
	uint64_t end = 0;
	uint64_t bus = 0;
	shim_ret r = edu_op_enter(svc, &st);

	if (r != SHIM_OK)
		return r;
	if (!md || !edu_dev_range_ok(dev_off, len) || shim_add_overflows_u64(md_off, len, &end) ||
	    end > shim_memdesc_length(md))
		return edu_op_leave(st, SHIM_ERR_BAD_ARGUMENT);
	/* The caller prepares (wires) the memory; asking for its bus address
	 * otherwise would itself be a verifier record. */
	if (!shim_memdesc_is_prepared(md))
		return edu_op_leave(st, SHIM_ERR_NOT_READY);
	r = shim_memdesc_dma_address(md, md_off, len, &bus);
	if (r == SHIM_OK)
		r = edu_dma_run(st, bus, dev_off, len, to_device);
	if (r == SHIM_OK)
		st->stats.dma_transfers++;
	else
		edu_dma_log_failure(dev_off, len, to_device, r);
	return edu_op_leave(st, r);
}

shim_ret org_drvbench_driver_edu_raise_interrupt(shim_service *svc, uint32_t bits)
{
	struct edu_state *st;
	shim_ret r = edu_op_enter(svc, &st);

	if (r != SHIM_OK)
		return r;
	/* Raising nothing fires nothing: the wait could only time out. */
	if (bits == 0)
		return edu_op_leave(st, SHIM_ERR_BAD_ARGUMENT);
	edu_forget_irq(st, bits);
	edu_wr(st, EDU_REG_IRQ_RAISE, bits);
	r = edu_wait_irq(st, bits, EDU_FACTORIAL_TIMEOUT_NS);
	if (r != SHIM_OK)
		shim_log(SHIM_LOG_ERR, "edu: raised 0x%08x, not delivered: %s", bits,
			 shim_ret_string(r));
	return edu_op_leave(st, r);
}

shim_ret org_drvbench_driver_edu_get_stats(shim_service *svc, struct edu_stats *out)
{
	struct edu_state *st;
	shim_ret r = edu_op_enter(svc, &st);

	if (r != SHIM_OK)
		return r;
	if (!out)
		return edu_op_leave(st, SHIM_ERR_BAD_ARGUMENT);
	*out = st->stats;
	return edu_op_leave(st, SHIM_OK);
}
