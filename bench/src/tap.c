/* Forwarding host ops: every call goes to the inner host unchanged; irq_next
 * and dma_next are also counted, and so are register accesses. */
#include <stdlib.h>

#include "host_forward.h"
#include "tap.h"

#if SHIM_HOST_VERSION != 3
#error "bench tap implements shim/host.h version 3"
#endif

struct bench_tap {
	struct bench_host_forward fw; /* first: the forwarders see it as theirs */
	struct bench_tap_counts counts;
};

static shim_ret tap_irq_next(void *ctx, struct shim_host_irq *ev)
{
	struct bench_tap *tap = ctx;
	shim_ret r = tap->fw.inner.ops->irq_next(tap->fw.inner.ctx, ev);

	if (r == SHIM_OK)
		tap->counts.irqs++;
	return r;
}

static shim_ret tap_dma_next(void *ctx, struct shim_host_dma *ev)
{
	struct bench_tap *tap = ctx;
	shim_ret r = tap->fw.inner.ops->dma_next(tap->fw.inner.ctx, ev);

	if (r == SHIM_OK) {
		tap->counts.dmas++;
		tap->counts.last_dma_addr = ev->addr;
		tap->counts.last_dma_len = ev->len;
	}
	return r;
}

static shim_ret tap_mem_read(void *ctx, uint64_t addr, unsigned size, uint64_t *val)
{
	struct bench_tap *tap = ctx;

	tap->counts.register_accesses++;
	return tap->fw.inner.ops->mem_read(tap->fw.inner.ctx, addr, size, val);
}

static shim_ret tap_mem_write(void *ctx, uint64_t addr, unsigned size, uint64_t val)
{
	struct bench_tap *tap = ctx;

	tap->counts.register_accesses++;
	return tap->fw.inner.ops->mem_write(tap->fw.inner.ctx, addr, size, val);
}

static shim_ret tap_io_read(void *ctx, uint16_t port, unsigned size, uint32_t *val)
{
	struct bench_tap *tap = ctx;

	tap->counts.register_accesses++;
	return tap->fw.inner.ops->io_read(tap->fw.inner.ctx, port, size, val);
}

static shim_ret tap_io_write(void *ctx, uint16_t port, unsigned size, uint32_t val)
{
	struct bench_tap *tap = ctx;

	tap->counts.register_accesses++;
	return tap->fw.inner.ops->io_write(tap->fw.inner.ctx, port, size, val);
}

static void tap_destroy(void *ctx)
{
	struct bench_tap *tap = ctx;

	tap->fw.inner.ops->destroy(tap->fw.inner.ctx);
	free(tap);
}

shim_ret bench_tap_wrap(struct shim_host inner, struct bench_tap **tap, struct shim_host *out)
{
	struct bench_tap *t = calloc(1, sizeof(*t));

	if (t == NULL) {
		inner.ops->destroy(inner.ctx);
		return SHIM_ERR_NO_MEMORY;
	}
	bench_host_forward_init(&t->fw, inner);
	t->fw.ops.irq_next = tap_irq_next;
	t->fw.ops.mem_read = tap_mem_read;
	t->fw.ops.mem_write = tap_mem_write;
	t->fw.ops.io_read = tap_io_read;
	t->fw.ops.io_write = tap_io_write;
	if (inner.ops->dma_next != NULL)
		t->fw.ops.dma_next = tap_dma_next;
	t->fw.ops.destroy = tap_destroy;
	out->ops = &t->fw.ops;
	out->ctx = t;
	*tap = t;
	return SHIM_OK;
}

bool bench_tap_sees_dma(const struct bench_tap *tap)
{
	return tap->fw.inner.ops->dma_next != NULL;
}

void bench_tap_counts(struct bench_tap *tap, struct bench_tap_counts *out)
{
	struct shim_host_dma ev;

	/* Bounded: a broken host that never runs dry must not hang a test. */
	for (unsigned i = 0; i < 100000u && bench_tap_sees_dma(tap); i++)
		if (tap_dma_next(tap, &ev) != SHIM_OK)
			break;
	*out = tap->counts;
}
