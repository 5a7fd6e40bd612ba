#include "host_forward.h"

#if SHIM_HOST_VERSION != 3
#error "bench host_forward implements shim/host.h version 3"
#endif

#define IN(ctx) (((struct bench_host_forward *)(ctx))->inner)

static shim_ret fw_cfg_read(void *ctx, uint16_t bdf, uint16_t off, unsigned size, uint32_t *val)
{
	return IN(ctx).ops->cfg_read(IN(ctx).ctx, bdf, off, size, val);
}

static shim_ret fw_cfg_write(void *ctx, uint16_t bdf, uint16_t off, unsigned size, uint32_t val)
{
	return IN(ctx).ops->cfg_write(IN(ctx).ctx, bdf, off, size, val);
}

static shim_ret fw_mem_read(void *ctx, uint64_t addr, unsigned size, uint64_t *val)
{
	return IN(ctx).ops->mem_read(IN(ctx).ctx, addr, size, val);
}

static shim_ret fw_mem_write(void *ctx, uint64_t addr, unsigned size, uint64_t val)
{
	return IN(ctx).ops->mem_write(IN(ctx).ctx, addr, size, val);
}

static shim_ret fw_io_read(void *ctx, uint16_t port, unsigned size, uint32_t *val)
{
	return IN(ctx).ops->io_read(IN(ctx).ctx, port, size, val);
}

static shim_ret fw_io_write(void *ctx, uint16_t port, unsigned size, uint32_t val)
{
	return IN(ctx).ops->io_write(IN(ctx).ctx, port, size, val);
}

static shim_ret fw_ram_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	return IN(ctx).ops->ram_read(IN(ctx).ctx, addr, buf, len);
}

static shim_ret fw_ram_write(void *ctx, uint64_t addr, const void *buf, size_t len)
{
	return IN(ctx).ops->ram_write(IN(ctx).ctx, addr, buf, len);
}

static uint64_t fw_clock_ns(void *ctx)
{
	return IN(ctx).ops->clock_ns(IN(ctx).ctx);
}

static shim_ret fw_clock_run(void *ctx, uint64_t until_ns)
{
	return IN(ctx).ops->clock_run(IN(ctx).ctx, until_ns);
}

static shim_ret fw_msi_route(void *ctx, uint32_t vector, uint64_t *addr, uint32_t *data)
{
	return IN(ctx).ops->msi_route(IN(ctx).ctx, vector, addr, data);
}

static shim_ret fw_intx_route(void *ctx, uint16_t bdf, uint8_t pin, uint32_t *line)
{
	return IN(ctx).ops->intx_route(IN(ctx).ctx, bdf, pin, line);
}

static shim_ret fw_irq_next(void *ctx, struct shim_host_irq *ev)
{
	return IN(ctx).ops->irq_next(IN(ctx).ctx, ev);
}

static shim_ret fw_dma_next(void *ctx, struct shim_host_dma *ev)
{
	return IN(ctx).ops->dma_next(IN(ctx).ctx, ev);
}

static void fw_layout(void *ctx, struct shim_host_layout *out)
{
	IN(ctx).ops->layout(IN(ctx).ctx, out);
}

static const char *fw_last_error(void *ctx)
{
	return IN(ctx).ops->last_error(IN(ctx).ctx);
}

static shim_ret fw_device_reset(void *ctx, uint16_t bdf)
{
	return IN(ctx).ops->device_reset(IN(ctx).ctx, bdf);
}

static shim_ret fw_ram_map(void *ctx, uint64_t addr, uint64_t len, void **ptr)
{
	return IN(ctx).ops->ram_map(IN(ctx).ctx, addr, len, ptr);
}

static shim_ret fw_clock_skip(void *ctx, uint64_t ns)
{
	return IN(ctx).ops->clock_skip(IN(ctx).ctx, ns);
}

static void fw_destroy(void *ctx)
{
	IN(ctx).ops->destroy(IN(ctx).ctx);
}

static const struct shim_host_ops forward_ops = {
	.version = SHIM_HOST_VERSION,
	.cfg_read = fw_cfg_read, .cfg_write = fw_cfg_write,
	.mem_read = fw_mem_read, .mem_write = fw_mem_write,
	.io_read = fw_io_read, .io_write = fw_io_write,
	.ram_read = fw_ram_read, .ram_write = fw_ram_write,
	.clock_ns = fw_clock_ns, .clock_run = fw_clock_run,
	.msi_route = fw_msi_route, .intx_route = fw_intx_route,
	.irq_next = fw_irq_next, .dma_next = fw_dma_next,
	.layout = fw_layout, .last_error = fw_last_error, .destroy = fw_destroy,
	.device_reset = fw_device_reset,
	.ram_map = fw_ram_map,
	.clock_skip = fw_clock_skip,
};

void bench_host_forward_init(struct bench_host_forward *fw, struct shim_host inner)
{
	fw->inner = inner;
	fw->ops = forward_ops;
	fw->ops.name = inner.ops->name;
	if (inner.ops->dma_next == NULL)
		fw->ops.dma_next = NULL;
	if (inner.ops->device_reset == NULL)
		fw->ops.device_reset = NULL;
	if (inner.ops->ram_map == NULL)
		fw->ops.ram_map = NULL;
	if (inner.ops->clock_skip == NULL)
		fw->ops.clock_skip = NULL;
}
