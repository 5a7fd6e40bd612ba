/* The trace recorder (see bench_trace.h): forwarding host ops that append a
 * line per access worth comparing. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_forward.h"
#include "bench/trace.h"

#if SHIM_HOST_VERSION != 3
#error "bench trace implements shim/host.h version 3"
#endif

#define BENCH_TRACE_MSI_IDS 8

struct bench_trace_tally {
	uint32_t msi_id[BENCH_TRACE_MSI_IDS];
	unsigned long msi_count[BENCH_TRACE_MSI_IDS];
	size_t nmsi;
	unsigned long msi_other, intx_up, intx_down;
};

struct bench_trace {
	struct bench_host_forward fw;  /* first: the forwarders see it as theirs */
	uint16_t bdf;
	uint64_t win_base, win_size;
	bool polling, partial;
	struct bench_trace_tally tally;
	struct bench_trace_line *lines;
	size_t nlines, cap;
};

static void trace_add(struct bench_trace *t, const char *fmt, ...) SHIM_PRINTF(2, 3);
static void trace_add(struct bench_trace *t, const char *fmt, ...)
{
	char text[BENCH_TRACE_TEXT];
	size_t n = 0;
	va_list ap;

	if (t->polling)
		n = (size_t)snprintf(text, sizeof(text), "poll ");
	va_start(ap, fmt);
	vsnprintf(text + n, sizeof(text) - n, fmt, ap);
	va_end(ap);
	if (t->nlines > 0 && strcmp(t->lines[t->nlines - 1].text, text) == 0) {
		t->lines[t->nlines - 1].count++;
		return;
	}
	if (t->nlines == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		struct bench_trace_line *l = realloc(t->lines, cap * sizeof(*l));

		if (l == NULL) {
			t->partial = true;
			return;
		}
		t->lines = l;
		t->cap = cap;
	}
	memcpy(t->lines[t->nlines].text, text, sizeof(text));
	t->lines[t->nlines++].count = 1;
}

static uint32_t trace_hash(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t h = 2166136261u; /* FNV-1a */

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static void trace_mem(struct bench_trace *t, const char *op, uint64_t addr, unsigned size,
		      uint64_t val)
{
	if (addr >= t->win_base && addr - t->win_base < t->win_size)
		trace_add(t, "mmio_%s bar0+0x%03" PRIx64 "/%u = 0x%" PRIx64, op, addr - t->win_base,
			  size, val);
	else
		trace_add(t, "mem_%s 0x%" PRIx64 "/%u = 0x%" PRIx64, op, addr, size, val);
}

/* Interrupts are tallied, not placed in the sequence: when they arrive is timing. */
static void trace_flush_tally(struct bench_trace *t)
{
	struct bench_trace_tally *y = &t->tally;
	bool polling = t->polling;

	t->polling = false;
	for (size_t i = 0; i < y->nmsi; i++)
		trace_add(t, "irq msi vector 0x%" PRIx32 " count %lu", y->msi_id[i], y->msi_count[i]);
	if (y->msi_other)
		trace_add(t, "irq msi other vectors count %lu", y->msi_other);
	if (y->intx_up || y->intx_down)
		trace_add(t, "irq intx raised %lu lowered %lu", y->intx_up, y->intx_down);
	memset(y, 0, sizeof(*y));
	t->polling = polling;
}

static void trace_count_irq(struct bench_trace *t, const struct shim_host_irq *ev)
{
	struct bench_trace_tally *y = &t->tally;

	if (ev->kind == SHIM_HOST_IRQ_INTX) {
		if (ev->level)
			y->intx_up++;
		else
			y->intx_down++;
		return;
	}
	for (size_t i = 0; i < y->nmsi; i++)
		if (y->msi_id[i] == ev->id) {
			y->msi_count[i]++;
			return;
		}
	if (y->nmsi == BENCH_TRACE_MSI_IDS) {
		y->msi_other++;
		return;
	}
	y->msi_id[y->nmsi] = ev->id;
	y->msi_count[y->nmsi++] = 1;
}

#define T(ctx) ((struct bench_trace *)(ctx))
#define INNER(ctx) (T(ctx)->fw.inner)

static shim_ret tr_cfg_read(void *ctx, uint16_t bdf, uint16_t off, unsigned size, uint32_t *val)
{
	shim_ret r = INNER(ctx).ops->cfg_read(INNER(ctx).ctx, bdf, off, size, val);

	if (bdf == T(ctx)->bdf)
		trace_add(T(ctx), "cfg_r 0x%03x/%u = 0x%08" PRIx32 "%s", off, size,
			  r == SHIM_OK ? *val : 0, r == SHIM_OK ? "" : " failed");
	return r;
}

static shim_ret tr_cfg_write(void *ctx, uint16_t bdf, uint16_t off, unsigned size, uint32_t val)
{
	if (bdf == T(ctx)->bdf)
		trace_add(T(ctx), "cfg_w 0x%03x/%u 0x%08" PRIx32, off, size, val);
	return INNER(ctx).ops->cfg_write(INNER(ctx).ctx, bdf, off, size, val);
}

static shim_ret tr_mem_read(void *ctx, uint64_t addr, unsigned size, uint64_t *val)
{
	shim_ret r = INNER(ctx).ops->mem_read(INNER(ctx).ctx, addr, size, val);

	trace_mem(T(ctx), r == SHIM_OK ? "r" : "r_failed", addr, size, r == SHIM_OK ? *val : 0);
	return r;
}

static shim_ret tr_mem_write(void *ctx, uint64_t addr, unsigned size, uint64_t val)
{
	trace_mem(T(ctx), "w", addr, size, val);
	return INNER(ctx).ops->mem_write(INNER(ctx).ctx, addr, size, val);
}

static shim_ret tr_io_read(void *ctx, uint16_t port, unsigned size, uint32_t *val)
{
	shim_ret r = INNER(ctx).ops->io_read(INNER(ctx).ctx, port, size, val);

	trace_add(T(ctx), "io_r 0x%04x/%u = 0x%" PRIx32, port, size, r == SHIM_OK ? *val : 0);
	return r;
}

static shim_ret tr_io_write(void *ctx, uint16_t port, unsigned size, uint32_t val)
{
	trace_add(T(ctx), "io_w 0x%04x/%u 0x%" PRIx32, port, size, val);
	return INNER(ctx).ops->io_write(INNER(ctx).ctx, port, size, val);
}

static shim_ret tr_ram_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	shim_ret r = INNER(ctx).ops->ram_read(INNER(ctx).ctx, addr, buf, len);

	trace_add(T(ctx), "ram_r 0x%" PRIx64 "+%zu hash %08" PRIx32 "%s", addr, len,
		  r == SHIM_OK ? trace_hash(buf, len) : 0, r == SHIM_OK ? "" : " failed");
	return r;
}

static shim_ret tr_ram_write(void *ctx, uint64_t addr, const void *buf, size_t len)
{
	trace_add(T(ctx), "ram_w 0x%" PRIx64 "+%zu hash %08" PRIx32, addr, len,
		  trace_hash(buf, len));
	return INNER(ctx).ops->ram_write(INNER(ctx).ctx, addr, buf, len);
}

static shim_ret tr_irq_next(void *ctx, struct shim_host_irq *ev)
{
	shim_ret r = INNER(ctx).ops->irq_next(INNER(ctx).ctx, ev);

	if (r == SHIM_OK)
		trace_count_irq(T(ctx), ev);
	return r;
}

static shim_ret tr_device_reset(void *ctx, uint16_t bdf)
{
	if (bdf == T(ctx)->bdf)
		trace_add(T(ctx), "device_reset");
	return INNER(ctx).ops->device_reset(INNER(ctx).ctx, bdf);
}

static void tr_destroy(void *ctx)
{
	struct bench_trace *t = ctx;

	t->fw.inner.ops->destroy(t->fw.inner.ctx);
	t->fw.inner.ops = NULL;
}

struct bench_trace *bench_trace_create(uint16_t bdf)
{
	struct bench_trace *t = calloc(1, sizeof(*t));

	if (t != NULL)
		t->bdf = bdf;
	return t;
}

void bench_trace_destroy(struct bench_trace *t)
{
	if (t == NULL)
		return;
	free(t->lines);
	free(t);
}

shim_ret bench_trace_wrap(struct bench_trace *t, struct shim_host inner, struct shim_host *out)
{
	if (t == NULL || t->fw.inner.ops != NULL) { /* one wrapper per trace at a time */
		inner.ops->destroy(inner.ctx);
		return SHIM_ERR_BAD_ARGUMENT;
	}
	bench_host_forward_init(&t->fw, inner);
	t->fw.ops.cfg_read = tr_cfg_read;
	t->fw.ops.cfg_write = tr_cfg_write;
	t->fw.ops.mem_read = tr_mem_read;
	t->fw.ops.mem_write = tr_mem_write;
	t->fw.ops.io_read = tr_io_read;
	t->fw.ops.io_write = tr_io_write;
	t->fw.ops.ram_read = tr_ram_read;
	t->fw.ops.ram_write = tr_ram_write;
	t->fw.ops.irq_next = tr_irq_next;
	if (inner.ops->device_reset != NULL)
		t->fw.ops.device_reset = tr_device_reset;
	t->fw.ops.destroy = tr_destroy;
	out->ops = &t->fw.ops;
	out->ctx = t;
	return SHIM_OK;
}

void bench_trace_window(struct bench_trace *t, uint64_t base, uint64_t size)
{
	t->win_base = base;
	t->win_size = size;
}

void bench_trace_polling(struct bench_trace *t, bool on)
{
	t->polling = on;
}

void bench_trace_note(struct bench_trace *t, const char *fmt, ...)
{
	char text[BENCH_TRACE_TEXT - 2];
	bool polling = t->polling;
	va_list ap;

	trace_flush_tally(t);
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	t->polling = false;
	trace_add(t, "# %s", text);
	t->polling = polling;
}

void bench_trace_clear(struct bench_trace *t)
{
	t->nlines = 0;
	t->partial = false;
	memset(&t->tally, 0, sizeof(t->tally));
}

size_t bench_trace_lines(struct bench_trace *t, const struct bench_trace_line **out)
{
	trace_flush_tally(t);
	*out = t->lines;
	return t->nlines;
}

bool bench_trace_complete(const struct bench_trace *t)
{
	return !t->partial;
}
