/* Test-side helpers for the qemu host tier (see qemu_fixture.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "qemu_fixture.h"

#define FX_WAIT_ROUNDS 1500  /* clock_run returns within ~2 ms real time */
#define FX_RUN_STEP_NS 200000000ull

void fx_qemu_start(struct shim_host *h, const char *machine)
{
	static const char *const devices[] = { "edu,id=edu0,addr=4", NULL };
	struct shim_qemu_options o = { .machine = machine, .device_args = devices };
	char err[1024];
	shim_ret r = shim_qemu_host_create(&o, h, err, sizeof(err));

	if (r != SHIM_OK)
		fail_msg("qemu host create: %s (status %d)", err, (int)r);
}

void fx_qemu_stop(struct shim_host *h)
{
	if (h->ops)
		h->ops->destroy(h->ctx);
	h->ops = NULL;
	h->ctx = NULL;
}

uint32_t fx_cfg_read32(struct shim_host *h, uint16_t bdf, uint16_t off)
{
	uint32_t v = 0;

	assert_int_equal(SHIM_OK, h->ops->cfg_read(h->ctx, bdf, off, 4, &v));
	return v;
}

void fx_cfg_write32(struct shim_host *h, uint16_t bdf, uint16_t off, uint32_t val)
{
	assert_int_equal(SHIM_OK, h->ops->cfg_write(h->ctx, bdf, off, 4, val));
}

void fx_edu_map(struct shim_host *h)
{
	fx_cfg_write32(h, FX_EDU_BDF, 0x10, FX_EDU_BAR0);
	assert_int_equal(SHIM_OK, h->ops->cfg_write(h->ctx, FX_EDU_BDF, 0x04, 2, 0x0006));
}

uint32_t fx_edu_read(struct shim_host *h, uint32_t off)
{
	uint64_t v = 0;

	assert_int_equal(SHIM_OK, h->ops->mem_read(h->ctx, FX_EDU_BAR0 + off, 4, &v));
	return (uint32_t)v;
}

void fx_edu_write(struct shim_host *h, uint32_t off, uint64_t val, unsigned size)
{
	assert_int_equal(SHIM_OK, h->ops->mem_write(h->ctx, FX_EDU_BAR0 + off, size, val));
}

bool fx_edu_wait_clear(struct shim_host *h, uint32_t off, uint32_t mask)
{
	for (int i = 0; i < FX_WAIT_ROUNDS; i++) {
		if ((fx_edu_read(h, off) & mask) == 0)
			return true;
		uint64_t now = h->ops->clock_ns(h->ctx);
		assert_int_equal(SHIM_OK, h->ops->clock_run(h->ctx, now + FX_RUN_STEP_NS));
	}
	return false;
}

bool fx_wait_irq(struct shim_host *h, struct shim_host_irq *ev)
{
	for (int i = 0; i < FX_WAIT_ROUNDS; i++) {
		shim_ret r = h->ops->irq_next(h->ctx, ev);

		if (r == SHIM_OK)
			return true;
		assert_int_equal(SHIM_ERR_NOT_FOUND, r);
		uint64_t now = h->ops->clock_ns(h->ctx);
		assert_int_equal(SHIM_OK, h->ops->clock_run(h->ctx, now + FX_RUN_STEP_NS));
	}
	return false;
}
