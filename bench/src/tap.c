/* Forwarding host ops: every call goes to the inner host unchanged; irq_next
 * and dma_next are also counted, and so are memory accesses inside watched
 * windows (a device's BARs), with the first one kept. */
#include <stdlib.h>

#include "host_forward.h"
#include "tap.h"

#if SHIM_HOST_VERSION != 1
#error "bench tap implements shim/host.h version 1"
#endif

#define BENCH_TAP_WATCH 6

struct bench_tap {
	struct bench_host_forward fw; /* first: the forwarders see it as theirs */
	struct bench_tap_counts counts;
	uint64_t watch_lo[BENCH_TAP_WATCH], watch_hi[BENCH_TAP_WATCH];
	size_t nwatch;
	unsigned long watched;        /* accesses inside a watched window */
	uint64_t first_addr;
	bool first_write;
};

static void tap_watch_hit(struct bench_tap *tap, uint64_t addr, bool write)
{
	for (size_t i = 0; i < tap->nwatch; i++) {
		if (addr >= tap->watch_lo[i] && addr < tap->watch_hi[i]) {
			if (tap->watched++ == 0) {
				tap->first_addr = addr;
				tap->first_write = write;
			}
			return;
		}
	}
}

static shim_ret tap_mem_read(void *ctx, uint64_t addr, unsigned size, uint64_t *val)
{
	struct bench_tap *tap = ctx;

	tap_watch_hit(tap, addr, false);
	return tap->fw.inner.ops->mem_read(tap->fw.inner.ctx, addr, size, val);
}

static shim_ret tap_mem_write(void *ctx, uint64_t addr, unsigned size, uint64_t val)
{
	struct bench_tap *tap = ctx;

	tap_watch_hit(tap, addr, true);
	return tap->fw.inner.ops->mem_write(tap->fw.inner.ctx, addr, size, val);
}

void bench_tap_watch(struct bench_tap *tap, const uint64_t *lo, const uint64_t *hi, size_t n)
{
	tap->nwatch = n < BENCH_TAP_WATCH ? n : BENCH_TAP_WATCH;
	for (size_t i = 0; i < tap->nwatch; i++) {
		tap->watch_lo[i] = lo[i];
		tap->watch_hi[i] = hi[i];
	}
	tap->watched = 0;
}

void bench_tap_watch_restart(struct bench_tap *tap)
{
	tap->watched = 0;
}

unsigned long bench_tap_watched(const struct bench_tap *tap, uint64_t *first_addr,
				bool *first_write)
{
	*first_addr = tap->first_addr;
	*first_write = tap->first_write;
	return tap->watched;
}

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
