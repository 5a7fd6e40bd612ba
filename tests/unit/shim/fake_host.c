/* The fake host and the machine fixture declared in fake_host.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_host.h"
#include "internal.h"
#include "shim/log.h"
#include "shim/verifier.h"

#if SHIM_HOST_VERSION != 3
#error "the fake host implements shim/host.h version 3"
#endif

#define FAKE_RAM_SIZE (65ull << 20)
#define FAKE_BAR_REG(i) (0x10u + 4u * (i))

static struct fake_dev *fake_find(struct fake_host *fh, uint16_t bdf)
{
	for (size_t i = 0; i < fh->dev_count; i++)
		if (fh->dev[i].present && fh->dev[i].bdf == bdf)
			return &fh->dev[i];
	return NULL;
}

uint32_t fake_cfg32(const struct fake_dev *d, unsigned off)
{
	uint32_t v;

	memcpy(&v, &d->cfg[off], 4);
	return v;
}

uint16_t fake_cfg16(const struct fake_dev *d, unsigned off)
{
	uint16_t v;

	memcpy(&v, &d->cfg[off], 2);
	return v;
}

static void fake_put(struct fake_dev *d, unsigned off, unsigned size, uint32_t v)
{
	memcpy(&d->cfg[off], &v, size);
}

static shim_ret fake_cfg_read(void *ctx, uint16_t bdf, uint16_t off, unsigned size,
			      uint32_t *val)
{
	struct fake_dev *d = fake_find(ctx, bdf);

	if (off + size > 256 || (size != 1 && size != 2 && size != 4))
		return SHIM_ERR_BAD_ARGUMENT;
	*val = size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
	if (d) {
		*val = 0;
		memcpy(val, &d->cfg[off], size);
		d->cfg_reads++;
	}
	return SHIM_OK;
}

static shim_ret fake_cfg_write(void *ctx, uint16_t bdf, uint16_t off, unsigned size,
			       uint32_t val)
{
	struct fake_dev *d = fake_find(ctx, bdf);

	if (off + size > 256)
		return SHIM_ERR_BAD_ARGUMENT;
	if (!d)
		return SHIM_OK;
	if (off >= 0x10 && off < 0x28) {
		unsigned i = (off - 0x10u) / 4;
		uint32_t old = fake_cfg32(d, FAKE_BAR_REG(i));

		if (size != 4)
			return SHIM_OK;
		fake_put(d, off, 4, (val & d->bar_wmask[i]) | (old & ~d->bar_wmask[i]));
		return SHIM_OK;
	}
	for (unsigned b = 0; b < size; b++) {
		uint8_t m = d->wmask[off + b];
		uint8_t v = (uint8_t)(val >> (8 * b));

		d->cfg[off + b] = (uint8_t)((v & m) | (d->cfg[off + b] & ~m));
	}
	return SHIM_OK;
}

/* The device whose enabled BAR0 decodes addr, or NULL. */
static struct fake_dev *fake_decode(struct fake_host *fh, uint64_t addr, unsigned size)
{
	for (size_t i = 0; i < fh->dev_count; i++) {
		struct fake_dev *d = &fh->dev[i];
		uint64_t base = fake_cfg32(d, 0x10) & ~0xfull;

		if (d->present && (fake_cfg16(d, 0x04) & 0x2) && d->bar_wmask[0] && addr >= base &&
		    addr + size <= base + FAKE_MMIO_REGS)
			return d;
	}
	return NULL;
}

static shim_ret fake_mem_read(void *ctx, uint64_t addr, unsigned size, uint64_t *val)
{
	struct fake_host *fh = ctx;
	struct fake_dev *d = fake_decode(fh, addr, size);

	fh->mem_reads++;
	*val = 0;
	if (d) {
		memcpy(val, &d->regs[addr - (fake_cfg32(d, 0x10) & ~0xfull)], size);
		return SHIM_OK;
	}
	if (addr + size <= fh->ram_size) {
		memcpy(val, &fh->ram[addr], size);
		return SHIM_OK;
	}
	*val = size == 8 ? UINT64_MAX : (1ull << (8 * size)) - 1;
	return SHIM_OK;
}

static shim_ret fake_mem_write(void *ctx, uint64_t addr, unsigned size, uint64_t val)
{
	struct fake_host *fh = ctx;
	struct fake_dev *d = fake_decode(fh, addr, size);

	fh->mem_writes++;
	if (d)
		memcpy(&d->regs[addr - (fake_cfg32(d, 0x10) & ~0xfull)], &val, size);
	else if (addr + size <= fh->ram_size)
		memcpy(&fh->ram[addr], &val, size);
	return SHIM_OK;
}

static shim_ret fake_io_read(void *ctx, uint16_t port, unsigned size, uint32_t *val)
{
	(void)ctx;
	(void)port;
	*val = size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
	return SHIM_OK;
}

static shim_ret fake_io_write(void *ctx, uint16_t port, unsigned size, uint32_t val)
{
	(void)ctx;
	(void)port;
	(void)size;
	(void)val;
	return SHIM_OK;
}

static shim_ret fake_ram_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct fake_host *fh = ctx;

	if (addr > fh->ram_size || len > fh->ram_size - addr)
		return SHIM_ERR_BAD_ARGUMENT;
	memcpy(buf, &fh->ram[addr], len);
	return SHIM_OK;
}

static shim_ret fake_ram_write(void *ctx, uint64_t addr, const void *buf, size_t len)
{
	struct fake_host *fh = ctx;

	if (addr > fh->ram_size || len > fh->ram_size - addr)
		return SHIM_ERR_BAD_ARGUMENT;
	memcpy(&fh->ram[addr], buf, len);
	return SHIM_OK;
}

static uint64_t fake_clock_ns(void *ctx)
{
	return ((struct fake_host *)ctx)->now;
}

static shim_ret fake_clock_run(void *ctx, uint64_t until_ns)
{
	struct fake_host *fh = ctx;
	uint64_t first = UINT64_MAX;
	size_t keep = 0;

	fh->clock_runs++;
	if (fh->fail_clock_run)
		return SHIM_ERR_HOST;
	if (fh->clock_stuck)
		return SHIM_OK;
	for (size_t i = 0; i < fh->sched_count; i++)
		if (fh->sched[i].at < first)
			first = fh->sched[i].at;
	if (first <= until_ns) {
		if (first > fh->now)
			fh->now = first;
	} else if (until_ns > fh->now) {
		fh->now = until_ns;
	}
	for (size_t i = 0; i < fh->sched_count; i++) {
		if (fh->sched[i].at <= fh->now)
			fake_host_queue_irq(fh, fh->sched[i].ev.kind, fh->sched[i].ev.id,
					    fh->sched[i].ev.level);
		else
			fh->sched[keep++] = fh->sched[i];
	}
	fh->sched_count = keep;
	return SHIM_OK;
}

static shim_ret fake_msi_route(void *ctx, uint32_t vector, uint64_t *addr, uint32_t *data)
{
	(void)ctx;
	*addr = FAKE_MSI_ADDR;
	*data = vector;
	return SHIM_OK;
}

static shim_ret fake_intx_route(void *ctx, uint16_t bdf, uint8_t pin, uint32_t *line)
{
	(void)ctx;
	if (pin < 1 || pin > 4)
		return SHIM_ERR_BAD_ARGUMENT;
	*line = FAKE_INTX_LINE_BASE + ((bdf >> 3) & 0x1f);
	return SHIM_OK;
}

static shim_ret fake_irq_next(void *ctx, struct shim_host_irq *ev)
{
	struct fake_host *fh = ctx;

	if (fh->irq_count == 0)
		return SHIM_ERR_NOT_FOUND;
	*ev = fh->irq[fh->irq_head];
	fh->irq_head = (fh->irq_head + 1) % FAKE_QUEUE;
	fh->irq_count--;
	return SHIM_OK;
}

static shim_ret fake_dma_next(void *ctx, struct shim_host_dma *ev)
{
	struct fake_host *fh = ctx;

	if (fh->dma_count == 0)
		return SHIM_ERR_NOT_FOUND;
	*ev = fh->dma[fh->dma_head];
	fh->dma_head = (fh->dma_head + 1) % FAKE_QUEUE;
	fh->dma_count--;
	return SHIM_OK;
}

static void fake_layout(void *ctx, struct shim_host_layout *out)
{
	*out = ((struct fake_host *)ctx)->layout;
}

static const char *fake_last_error(void *ctx)
{
	(void)ctx;
	return "fake host failure";
}

static void fake_destroy(void *ctx)
{
	struct fake_host *fh = ctx;

	if (fh->destroyed)
		*fh->destroyed = true;
	free(fh->ram);
	free(fh);
}

static shim_ret fake_clock_skip(void *ctx, uint64_t ns)
{
	struct fake_host *fh = ctx;

	fh->clock_skips++;
	fh->now += ns;
	return SHIM_OK;
}

static const struct shim_host_ops fake_ops = {
	.version = SHIM_HOST_VERSION,
	.name = "fake",
	.cfg_read = fake_cfg_read,
	.cfg_write = fake_cfg_write,
	.mem_read = fake_mem_read,
	.mem_write = fake_mem_write,
	.io_read = fake_io_read,
	.io_write = fake_io_write,
	.ram_read = fake_ram_read,
	.ram_write = fake_ram_write,
	.clock_ns = fake_clock_ns,
	.clock_run = fake_clock_run,
	.msi_route = fake_msi_route,
	.intx_route = fake_intx_route,
	.irq_next = fake_irq_next,
	.dma_next = fake_dma_next,
	.layout = fake_layout,
	.last_error = fake_last_error,
	.destroy = fake_destroy,
};

struct fake_host *fake_host_new(void)
{
	struct fake_host *fh = calloc(1, sizeof(*fh));

	assert_non_null(fh);
	fh->ram_size = FAKE_RAM_SIZE;
	fh->ram = calloc(1, FAKE_RAM_SIZE);
	assert_non_null(fh->ram);
	fh->layout = (struct shim_host_layout){
		.dma_base = 1ull << 20, .dma_size = FAKE_RAM_SIZE - (1ull << 20),
		.mmio32_base = 0xe0000000ull, .mmio32_size = 0x10000000ull,
		.mmio64_base = 512ull << 30, .mmio64_size = 4ull << 30,
		.io_base = 0xc000, .io_size = 0x4000, .max_bus = 0,
	};
	return fh;
}

struct shim_host fake_host_handle(struct fake_host *fh)
{
	static struct shim_host_ops skip_ops;

	if (!fh->offer_skip)
		return (struct shim_host){ .ops = &fake_ops, .ctx = fh };
	skip_ops = fake_ops;
	skip_ops.clock_skip = fake_clock_skip;
	return (struct shim_host){ .ops = &skip_ops, .ctx = fh };
}

struct fake_dev *fake_dev_add(struct fake_host *fh, uint16_t bdf, uint16_t vendor,
			      uint16_t device)
{
	struct fake_dev *d;

	assert_true(fh->dev_count < FAKE_MAX_DEVS);
	d = &fh->dev[fh->dev_count++];
	d->present = true;
	d->bdf = bdf;
	fake_put(d, 0x00, 2, vendor);
	fake_put(d, 0x02, 2, device);
	d->wmask[0x04] = 0xff;      /* command low byte */
	d->wmask[0x05] = 0x07;      /* command: INTx disable and friends */
	d->wmask[0x3c] = 0xff;      /* interrupt line */
	return d;
}

void fake_dev_bar(struct fake_dev *d, unsigned i, uint64_t size, int kind)
{
	if (kind == 1) {
		d->bar_wmask[i] = (uint32_t)~(size - 1) & 0xfffffffcu;
		fake_put(d, FAKE_BAR_REG(i), 4, 0x1);
	} else if (kind == 2) {
		uint64_t m = ~(size - 1) & ~0xfull;

		d->bar_wmask[i] = (uint32_t)m;
		d->bar_wmask[i + 1] = (uint32_t)(m >> 32);
		fake_put(d, FAKE_BAR_REG(i), 4, 0x4);
	} else {
		d->bar_wmask[i] = (uint32_t)~(size - 1) & 0xfffffff0u;
	}
}

void fake_dev_msi(struct fake_dev *d, unsigned mmc_log2, bool is64)
{
	unsigned c = FAKE_MSI_CAP;

	fake_put(d, 0x06, 2, fake_cfg16(d, 0x06) | 0x10);
	d->cfg[0x34] = (uint8_t)c;
	d->cfg[c] = 0x05;
	d->cfg[c + 1] = 0;
	fake_put(d, c + 2, 2, (mmc_log2 << 1) | (is64 ? 0x80u : 0u));
	d->wmask[c + 2] = 0x71; /* enable, multiple message enable */
	memset(&d->wmask[c + 4], 0xff, is64 ? 10 : 6);
	d->wmask[c + 4] = 0xfc;
}

void fake_dev_pin(struct fake_dev *d, uint8_t pin)
{
	d->cfg[0x3d] = pin;
}

bool fake_dev_fire_msi(struct fake_host *fh, struct fake_dev *d, unsigned k)
{
	unsigned c = FAKE_MSI_CAP;
	uint16_t ctrl = fake_cfg16(d, c + 2);
	uint32_t data = fake_cfg16(d, c + ((ctrl & 0x80) ? 12 : 8));

	if (!(ctrl & 1) || fake_cfg32(d, c + 4) != (uint32_t)FAKE_MSI_ADDR)
		return false;
	fake_host_queue_irq(fh, SHIM_HOST_IRQ_MSI, data | k, true);
	return true;
}

void fake_host_queue_irq(struct fake_host *fh, enum shim_host_irq_kind kind, uint32_t id,
			 bool level)
{
	assert_true(fh->irq_count < FAKE_QUEUE);
	fh->irq[(fh->irq_head + fh->irq_count++) % FAKE_QUEUE] =
		(struct shim_host_irq){ .kind = kind, .id = id, .level = level };
}

void fake_host_schedule_irq(struct fake_host *fh, uint64_t at, enum shim_host_irq_kind kind,
			    uint32_t id, bool level)
{
	assert_true(fh->sched_count < FAKE_QUEUE);
	fh->sched[fh->sched_count].at = at;
	fh->sched[fh->sched_count].ev = (struct shim_host_irq){ kind, id, level };
	fh->sched_count++;
}

void fake_host_queue_dma(struct fake_host *fh, uint16_t bdf, uint64_t addr, uint64_t len,
			 bool to_memory)
{
	assert_true(fh->dma_count < FAKE_QUEUE);
	fh->dma[(fh->dma_head + fh->dma_count++) % FAKE_QUEUE] =
		(struct shim_host_dma){ .bdf = bdf, .addr = addr, .len = len,
					.to_memory = to_memory };
}

int plat_setup(void **state)
{
	struct plat_fixture *f = calloc(1, sizeof(*f));
	char buf[8];

	if (!f)
		return -1;
	shim_verifier_set_fatal(false);
	shim_verifier_clear();
	shim_alloc_fail_nth(0);
	shim_context_enter(SHIM_CTX_THREAD);
	while (shim_log_pop(buf, sizeof(buf), NULL))
		;
	shim_counters_snapshot(&f->start);
	f->fh = fake_host_new();
	*state = f;
	return 0;
}

void plat_machine(struct plat_fixture *f)
{
	shim_ret r = shim_machine_create(fake_host_handle(f->fh), &f->m);

	assert_int_equal(SHIM_OK, r);
	assert_non_null(f->m);
}

int plat_teardown(void **state)
{
	struct plat_fixture *f = *state;
	struct shim_counters end;
	char buf[8];

	if (f->m)
		shim_machine_destroy(f->m);
	else if (f->fh)
		fake_destroy(f->fh);
	shim_context_enter(SHIM_CTX_THREAD);
	while (shim_log_pop(buf, sizeof(buf), NULL))
		;
	shim_counters_snapshot(&end);
	assert_int_equal(f->start.alloc_count, end.alloc_count);
	assert_int_equal(f->start.alloc_bytes, end.alloc_bytes);
	assert_int_equal(f->start.objects_live, end.objects_live);
	assert_int_equal(f->start.wired_bytes, end.wired_bytes);
	assert_int_equal(f->start.prepared, end.prepared);
	assert_int_equal(0, shim_verifier_count());
	free(f);
	return 0;
}

size_t plat_take_violations(enum shim_violation_kind kind)
{
	size_t n = 0, total = shim_verifier_count();

	for (size_t i = 0; i < total && i < SHIM_VERIFIER_KEEP; i++) {
		const struct shim_violation *v = shim_verifier_get(i);

		assert_non_null(v);
		assert_int_equal(kind, v->kind);
		n++;
	}
	shim_verifier_clear();
	return n;
}
