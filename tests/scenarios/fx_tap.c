/* Forwarding host ops: every call goes to the inner host unchanged; irq_next
 * and dma_next are also counted. */
#include <stdlib.h>

#include "fx_tap.h"

struct fx_tap {
	/* Per tap: carries the inner host's name and lacks dma_next when it does. */
	struct shim_host_ops ops;
	struct shim_host inner;
	struct fx_tap_counts counts;
};

#define INNER(ctx) (((struct fx_tap *)(ctx))->inner)

static shim_ret tap_cfg_read(void *ctx, uint16_t bdf, uint16_t off, unsigned size, uint32_t *val)
{
	return INNER(ctx).ops->cfg_read(INNER(ctx).ctx, bdf, off, size, val);
}

static shim_ret tap_cfg_write(void *ctx, uint16_t bdf, uint16_t off, unsigned size, uint32_t val)
{
	return INNER(ctx).ops->cfg_write(INNER(ctx).ctx, bdf, off, size, val);
}

static shim_ret tap_mem_read(void *ctx, uint64_t addr, unsigned size, uint64_t *val)
{
	return INNER(ctx).ops->mem_read(INNER(ctx).ctx, addr, size, val);
}

static shim_ret tap_mem_write(void *ctx, uint64_t addr, unsigned size, uint64_t val)
{
	return INNER(ctx).ops->mem_write(INNER(ctx).ctx, addr, size, val);
}

static shim_ret tap_io_read(void *ctx, uint16_t port, unsigned size, uint32_t *val)
{
	return INNER(ctx).ops->io_read(INNER(ctx).ctx, port, size, val);
}

static shim_ret tap_io_write(void *ctx, uint16_t port, unsigned size, uint32_t val)
{
	return INNER(ctx).ops->io_write(INNER(ctx).ctx, port, size, val);
}

static shim_ret tap_ram_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	return INNER(ctx).ops->ram_read(INNER(ctx).ctx, addr, buf, len);
}

static shim_ret tap_ram_write(void *ctx, uint64_t addr, const void *buf, size_t len)
{
	return INNER(ctx).ops->ram_write(INNER(ctx).ctx, addr, buf, len);
}

static uint64_t tap_clock_ns(void *ctx)
{
	return INNER(ctx).ops->clock_ns(INNER(ctx).ctx);
}

static shim_ret tap_clock_run(void *ctx, uint64_t until_ns)
{
	return INNER(ctx).ops->clock_run(INNER(ctx).ctx, until_ns);
}

static shim_ret tap_msi_route(void *ctx, uint32_t vector, uint64_t *addr, uint32_t *data)
{
	return INNER(ctx).ops->msi_route(INNER(ctx).ctx, vector, addr, data);
}

static shim_ret tap_intx_route(void *ctx, uint16_t bdf, uint8_t pin, uint32_t *line)
{
	return INNER(ctx).ops->intx_route(INNER(ctx).ctx, bdf, pin, line);
}

static shim_ret tap_irq_next(void *ctx, struct shim_host_irq *ev)
{
	struct fx_tap *tap = ctx;
	shim_ret r = tap->inner.ops->irq_next(tap->inner.ctx, ev);

	if (r == SHIM_OK)
		tap->counts.irqs++;
	return r;
}

static shim_ret tap_dma_next(void *ctx, struct shim_host_dma *ev)
{
	struct fx_tap *tap = ctx;
	shim_ret r = tap->inner.ops->dma_next(tap->inner.ctx, ev);

	if (r == SHIM_OK) {
		tap->counts.dmas++;
		tap->counts.last_dma_addr = ev->addr;
		tap->counts.last_dma_len = ev->len;
	}
	return r;
}

static void tap_layout(void *ctx, struct shim_host_layout *out)
{
	INNER(ctx).ops->layout(INNER(ctx).ctx, out);
}

static const char *tap_last_error(void *ctx)
{
	return INNER(ctx).ops->last_error(INNER(ctx).ctx);
}

static shim_ret tap_device_reset(void *ctx, uint16_t bdf)
{
	return INNER(ctx).ops->device_reset(INNER(ctx).ctx, bdf);
}

static void tap_destroy(void *ctx)
{
	struct fx_tap *tap = ctx;

	tap->inner.ops->destroy(tap->inner.ctx);
	free(tap);
}

static const struct shim_host_ops tap_ops = {
	.cfg_read = tap_cfg_read, .cfg_write = tap_cfg_write,
	.mem_read = tap_mem_read, .mem_write = tap_mem_write,
	.io_read = tap_io_read, .io_write = tap_io_write,
	.ram_read = tap_ram_read, .ram_write = tap_ram_write,
	.clock_ns = tap_clock_ns, .clock_run = tap_clock_run,
	.msi_route = tap_msi_route, .intx_route = tap_intx_route,
	.irq_next = tap_irq_next, .dma_next = tap_dma_next,
	.layout = tap_layout, .last_error = tap_last_error, .destroy = tap_destroy,
	.device_reset = tap_device_reset,
};

shim_ret fx_tap_wrap(struct shim_host inner, struct fx_tap **tap, struct shim_host *out)
{
	struct fx_tap *t = calloc(1, sizeof(*t));

	if (t == NULL) {
		inner.ops->destroy(inner.ctx);
		return SHIM_ERR_NO_MEMORY;
	}
	t->inner = inner;
	t->ops = tap_ops;
	t->ops.name = inner.ops->name;
	if (inner.ops->dma_next == NULL)
		t->ops.dma_next = NULL;
	if (inner.ops->device_reset == NULL)
		t->ops.device_reset = NULL;
	out->ops = &t->ops;
	out->ctx = t;
	*tap = t;
	return SHIM_OK;
}

bool fx_tap_sees_dma(const struct fx_tap *tap)
{
	return tap->inner.ops->dma_next != NULL;
}

void fx_tap_counts(struct fx_tap *tap, struct fx_tap_counts *out)
{
	struct shim_host_dma ev;

	/* Bounded: a broken host that never runs dry must not hang a test. */
	for (unsigned i = 0; i < 100000u && fx_tap_sees_dma(tap); i++)
		if (tap_dma_next(tap, &ev) != SHIM_OK)
			break;
	*out = tap->counts;
}
