/* The sim host: every shim_host_ops call mapped onto an in-process
 * model_bus. The host only borrows the bus; it keeps a one-event lookahead
 * so clock_run can tell that an interrupt is already observable. Guest RAM
 * is the bus's own memory, so the CPU mapping is a pointer into it. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "shim/host_sim.h"

#if SHIM_HOST_VERSION != 3
#error "the sim host implements shim/host.h version 3"
#endif

#define SIM_RAM_DMA_BASE 0x100000ull           /* first 1 MiB stays out of the pool */
#define SIM_MMIO32_BASE 0xfe000000ull
#define SIM_MMIO32_SIZE (MODEL_BUS_MSI_WINDOW - SIM_MMIO32_BASE) /* 0xe00000 */
#define SIM_MMIO64_BASE 0x10000000000ull       /* 1 TiB, far above any RAM size */
#define SIM_MMIO64_SIZE 0x40000000ull
#define SIM_IO_BASE 0xc000u
#define SIM_IO_SIZE 0x4000u
#define SIM_CFG_SPACE 256u                     /* conventional PCI only */

struct sim_host {
	model_bus *bus;
	bool irq_pending;
	bool held_for_irq; /* the last clock_run returned early for irq_ahead */
	struct model_bus_irq irq_ahead;
	char err[160];
};

static shim_ret sim_fail(struct sim_host *h, shim_ret r, const char *what, uint64_t a, uint64_t b)
{
	snprintf(h->err, sizeof(h->err), "sim: %s (0x%" PRIx64 ", %" PRIu64 ")", what, a, b);
	return r;
}

static bool sim_size_ok(unsigned size, unsigned max)
{
	return size == 1 || size == 2 || size == 4 || (size == 8 && max >= 8);
}

static uint32_t sim_ones(unsigned size)
{
	return size >= 4 ? 0xffffffffu : (1u << (size * 8)) - 1u;
}

static shim_ret sim_cfg_check(struct sim_host *h, uint16_t off, unsigned size)
{
	if (!sim_size_ok(size, 4) || off % size != 0 || off + size > SIM_CFG_SPACE)
		return sim_fail(h, SHIM_ERR_BAD_ARGUMENT, "bad config access offset/size", off, size);
	return SHIM_OK;
}

static shim_ret sim_cfg_read(void *ctx, uint16_t bdf, uint16_t off, unsigned size, uint32_t *val)
{
	struct sim_host *h = ctx;
	shim_ret r = sim_cfg_check(h, off, size);

	if (r != SHIM_OK)
		return r;
	if (bdf >> 8 != 0) { /* only bus 0 exists: nothing answers, as on hardware */
		*val = sim_ones(size);
		return SHIM_OK;
	}
	*val = model_bus_cfg_read(h->bus, (bdf >> 3) & 31u, bdf & 7u, off, size);
	return SHIM_OK;
}

static shim_ret sim_cfg_write(void *ctx, uint16_t bdf, uint16_t off, unsigned size, uint32_t val)
{
	struct sim_host *h = ctx;
	shim_ret r = sim_cfg_check(h, off, size);

	if (r != SHIM_OK)
		return r;
	if (bdf >> 8 == 0)
		model_bus_cfg_write(h->bus, (bdf >> 3) & 31u, bdf & 7u, off, val, size);
	return SHIM_OK;
}

static shim_ret sim_mem_read(void *ctx, uint64_t addr, unsigned size, uint64_t *val)
{
	struct sim_host *h = ctx;

	if (!sim_size_ok(size, 8))
		return sim_fail(h, SHIM_ERR_BAD_ARGUMENT, "bad memory access size", addr, size);
	*val = model_bus_mem_read(h->bus, addr, size);
	return SHIM_OK;
}

static shim_ret sim_mem_write(void *ctx, uint64_t addr, unsigned size, uint64_t val)
{
	struct sim_host *h = ctx;

	if (!sim_size_ok(size, 8))
		return sim_fail(h, SHIM_ERR_BAD_ARGUMENT, "bad memory access size", addr, size);
	model_bus_mem_write(h->bus, addr, val, size);
	return SHIM_OK;
}

static shim_ret sim_io_check(struct sim_host *h, uint16_t port, unsigned size)
{
	if (!sim_size_ok(size, 4) || (uint32_t)port + size > 0x10000u)
		return sim_fail(h, SHIM_ERR_BAD_ARGUMENT, "bad I/O access port/size", port, size);
	return SHIM_OK;
}

static shim_ret sim_io_read(void *ctx, uint16_t port, unsigned size, uint32_t *val)
{
	struct sim_host *h = ctx;
	shim_ret r = sim_io_check(h, port, size);

	if (r == SHIM_OK)
		*val = model_bus_io_read(h->bus, port, size);
	return r;
}

static shim_ret sim_io_write(void *ctx, uint16_t port, unsigned size, uint32_t val)
{
	struct sim_host *h = ctx;
	shim_ret r = sim_io_check(h, port, size);

	if (r == SHIM_OK)
		model_bus_io_write(h->bus, port, val, size);
	return r;
}

static shim_ret sim_ram_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct sim_host *h = ctx;

	if (!model_bus_ram_read(h->bus, addr, buf, len))
		return sim_fail(h, SHIM_ERR_BAD_ARGUMENT, "RAM read outside guest RAM", addr, len);
	return SHIM_OK;
}

static shim_ret sim_ram_write(void *ctx, uint64_t addr, const void *buf, size_t len)
{
	struct sim_host *h = ctx;

	if (!model_bus_ram_write(h->bus, addr, buf, len))
		return sim_fail(h, SHIM_ERR_BAD_ARGUMENT, "RAM write outside guest RAM", addr, len);
	return SHIM_OK;
}

static uint64_t sim_clock_ns(void *ctx)
{
	struct sim_host *h = ctx;

	return model_bus_clock_ns(h->bus);
}

/* Virtual time only moves here, so "bounded real time" is one bus call:
 * run to the earlier of until_ns and the next deadline, which fires at
 * most the timers due then. An interrupt already queued ends the run at
 * once so the shim sees it before time moves on, but only once: a caller
 * that does not drain it must not spin with the clock standing still. */
static shim_ret sim_clock_run(void *ctx, uint64_t until_ns)
{
	struct sim_host *h = ctx;
	uint64_t now = model_bus_clock_ns(h->bus);
	uint64_t deadline = model_bus_next_deadline(h->bus);
	uint64_t target = until_ns < deadline ? until_ns : deadline;

	if (!h->irq_pending)
		h->irq_pending = model_bus_irq_next(h->bus, &h->irq_ahead);
	if (h->irq_pending && !h->held_for_irq) {
		h->held_for_irq = true;
		return SHIM_OK;
	}
	model_bus_run_until(h->bus, target > now ? target : now);
	return SHIM_OK;
}

static shim_ret sim_msi_route(void *ctx, uint32_t vector, uint64_t *addr, uint32_t *data)
{
	struct sim_host *h = ctx;

	if (vector > 0xffffu) /* MSI data is 16 bits wide */
		return sim_fail(h, SHIM_ERR_BAD_ARGUMENT, "MSI vector does not fit the data", vector, 16);
	*addr = MODEL_BUS_MSI_WINDOW;
	*data = vector;
	return SHIM_OK;
}

static shim_ret sim_intx_route(void *ctx, uint16_t bdf, uint8_t pin, uint32_t *line)
{
	struct sim_host *h = ctx;

	if (pin < 1 || pin > 4 || bdf >> 8 != 0)
		return sim_fail(h, SHIM_ERR_BAD_ARGUMENT, "no INTx route for bdf/pin", bdf, pin);
	*line = model_bus_intx_line((bdf >> 3) & 31u, pin);
	return SHIM_OK;
}

static shim_ret sim_irq_next(void *ctx, struct shim_host_irq *ev)
{
	struct sim_host *h = ctx;
	struct model_bus_irq irq;

	if (h->irq_pending) {
		irq = h->irq_ahead;
		h->irq_pending = false;
		h->held_for_irq = false;
	} else if (!model_bus_irq_next(h->bus, &irq)) {
		return SHIM_ERR_NOT_FOUND;
	}
	ev->kind = irq.msi ? SHIM_HOST_IRQ_MSI : SHIM_HOST_IRQ_INTX;
	ev->id = irq.id;
	ev->level = irq.msi ? true : irq.level;
	return SHIM_OK;
}

static shim_ret sim_dma_next(void *ctx, struct shim_host_dma *ev)
{
	struct sim_host *h = ctx;
	struct model_bus_dma dma;

	if (!model_bus_dma_next(h->bus, &dma))
		return SHIM_ERR_NOT_FOUND;
	ev->bdf = SHIM_BDF(0, dma.slot, 0);
	ev->addr = dma.addr;
	ev->len = dma.len;
	ev->to_memory = dma.to_memory;
	return SHIM_OK;
}

static shim_ret sim_ram_map(void *ctx, uint64_t addr, uint64_t len, void **ptr)
{
	struct sim_host *h = ctx;

	*ptr = model_bus_ram_map(h->bus, addr, len);
	if (*ptr == NULL)
		return sim_fail(h, SHIM_ERR_UNSUPPORTED, "RAM map outside guest RAM", addr, len);
	return SHIM_OK;
}

static void sim_layout(void *ctx, struct shim_host_layout *out)
{
	struct sim_host *h = ctx;
	uint64_t ram = model_bus_ram_size(h->bus);

	out->dma_base = SIM_RAM_DMA_BASE;
	out->dma_size = ram > SIM_RAM_DMA_BASE ? ram - SIM_RAM_DMA_BASE : 0;
	out->dma_high_base = MODEL_BUS_HIGH_RAM_BASE;
	out->dma_high_size = model_bus_ram_high_size(h->bus);
	out->mmio32_base = SIM_MMIO32_BASE;
	out->mmio32_size = SIM_MMIO32_SIZE;
	out->mmio64_base = SIM_MMIO64_BASE;
	out->mmio64_size = SIM_MMIO64_SIZE;
	out->io_base = SIM_IO_BASE;
	out->io_size = SIM_IO_SIZE;
	out->max_bus = 0;
}

static const char *sim_last_error(void *ctx)
{
	struct sim_host *h = ctx;

	return h->err;
}

static void sim_destroy(void *ctx)
{
	free(ctx); /* the bus belongs to whoever created it */
}

/* A low-power state without context: config space and registers go back
 * to their power-on values, in-flight device work is dropped. */
static shim_ret sim_device_reset(void *ctx, uint16_t bdf)
{
	struct sim_host *h = ctx;
	model_device *dev = bdf >> 8 == 0 && (bdf & 7u) == 0
				    ? model_bus_device(h->bus, (bdf >> 3) & 31u) : NULL;

	if (dev == NULL)
		return sim_fail(h, SHIM_ERR_NO_DEVICE, "device reset: no function at bdf", bdf, 0);
	model_device_reset(dev);
	return SHIM_OK;
}

static const struct shim_host_ops sim_ops = {
	.version = SHIM_HOST_VERSION,
	.name = "sim",
	.cfg_read = sim_cfg_read,
	.cfg_write = sim_cfg_write,
	.mem_read = sim_mem_read,
	.mem_write = sim_mem_write,
	.io_read = sim_io_read,
	.io_write = sim_io_write,
	.ram_read = sim_ram_read,
	.ram_write = sim_ram_write,
	.clock_ns = sim_clock_ns,
	.clock_run = sim_clock_run,
	.msi_route = sim_msi_route,
	.intx_route = sim_intx_route,
	.irq_next = sim_irq_next,
	.dma_next = sim_dma_next,
	.layout = sim_layout,
	.last_error = sim_last_error,
	.destroy = sim_destroy,
	.device_reset = sim_device_reset,
	.ram_map = sim_ram_map,
};

shim_ret shim_sim_host_create(model_bus *bus, struct shim_host *out)
{
	struct sim_host *h;

	if (bus == NULL || out == NULL)
		return SHIM_ERR_BAD_ARGUMENT;
	h = calloc(1, sizeof(*h));
	if (h == NULL)
		return SHIM_ERR_NO_MEMORY;
	h->bus = bus;
	snprintf(h->err, sizeof(h->err), "no error");
	out->ops = &sim_ops;
	out->ctx = h;
	return SHIM_OK;
}
