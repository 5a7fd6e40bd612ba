/* QEMU 7.2's edu device as a model: identity, factorial engine, interrupt
 * raise/ack, and the DMA engine with its 4 KiB buffer (facts from
 * docs/qemu-edu.md). Where QEMU aborts on a bad DMA range, this
 * model reports a device error and skips the transfer. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/edu.h"
#include "model/options.h"

#define EDU_REVISION 0x10
#define EDU_CLASS 0x00ff00u /* "other" class 0x00ff: dword 0x08 = 0x00ff0010 */
#define EDU_SUBSYS_VENDOR 0x1af4
#define EDU_SUBSYS_ID 0x1100
#define EDU_ID_DEFAULT 0x010000edu
#define EDU_DMA_MASK_DEFAULT 0x0fffffffull

/* BAR0 registers. */
#define EDU_REG_ID 0x00
#define EDU_REG_LIVENESS 0x04
#define EDU_REG_FACT 0x08
#define EDU_REG_STATUS 0x20
#define EDU_REG_IRQ_STATUS 0x24
#define EDU_REG_IRQ_RAISE 0x60
#define EDU_REG_IRQ_ACK 0x64
#define EDU_REG_DMA_SRC 0x80
#define EDU_REG_DMA_DST 0x88
#define EDU_REG_DMA_CNT 0x90
#define EDU_REG_DMA_CMD 0x98
#define EDU_WIDE_REGS 0x80 /* from here on 8-byte accesses are valid */

#define EDU_STATUS_COMPUTING 0x01u
#define EDU_STATUS_IRQFACT 0x80u
#define EDU_IRQ_FACT 0x001u
#define EDU_IRQ_DMA 0x100u
#define EDU_DMA_RUN 0x1u
#define EDU_DMA_TO_RAM 0x2u /* direction: buffer -> RAM */
#define EDU_DMA_IRQ 0x4u

#define EDU_BUF_START 0x40000ull
#define EDU_BUF_SIZE 0x1000ull

struct edu {
	model_device dev;
	uint64_t dma_mask;
	uint32_t id;
	uint32_t liveness; /* stored inverted: reads give NOT of the last write */
	uint32_t fact;
	uint32_t status;
	uint32_t irq_status;
	uint64_t dma_src, dma_dst, dma_cnt, dma_cmd;
	model_timer fact_timer, dma_timer;
	uint8_t buf[EDU_BUF_SIZE];
};

static struct edu *edu_of(model_device *dev)
{
	return dev->state;
}

static void edu_raise_irq(struct edu *e, uint32_t cause)
{
	e->irq_status |= cause;
	if (!e->irq_status)
		return;
	if (model_device_msi_enabled(&e->dev))
		model_device_msi_notify(&e->dev, 0);
	else
		model_device_set_irq(&e->dev, true);
}

static void edu_ack_irq(struct edu *e, uint32_t cause)
{
	e->irq_status &= ~cause;
	if (!e->irq_status && !model_device_msi_enabled(&e->dev))
		model_device_set_irq(&e->dev, false);
}

static void edu_fact_done(void *opaque)
{
	struct edu *e = opaque;
	uint32_t n = e->fact, r = 1;

	for (uint32_t i = 2; i <= n; i++)
		r *= i; /* 32-bit wrap, as the real device */
	e->fact = r;
	e->status &= ~EDU_STATUS_COMPUTING;
	if (e->status & EDU_STATUS_IRQFACT)
		edu_raise_irq(e, EDU_IRQ_FACT);
}

/* QEMU 7.2 rule: start inside the buffer, count > 0, end strictly below
 * the buffer's end (so the buffer's last byte is never usable). */
static bool edu_buf_range_ok(uint64_t start, uint64_t cnt)
{
	uint64_t end = start + cnt;

	return start >= EDU_BUF_START && start < EDU_BUF_START + EDU_BUF_SIZE && cnt > 0 &&
	       end > start && end < EDU_BUF_START + EDU_BUF_SIZE;
}

static uint64_t edu_clamp(struct edu *e, uint64_t addr)
{
	uint64_t res = addr & e->dma_mask;

	if (res != addr)
		model_device_error(&e->dev, "edu: clamping DMA 0x%016" PRIx64 " to 0x%016" PRIx64, addr,
				   res);
	return res;
}

static void edu_dma_done(void *opaque)
{
	struct edu *e = opaque;
	bool to_ram = e->dma_cmd & EDU_DMA_TO_RAM;
	uint64_t bufaddr = to_ram ? e->dma_src : e->dma_dst;
	uint64_t ramaddr = to_ram ? e->dma_dst : e->dma_src;

	if (!(e->dma_cmd & EDU_DMA_RUN))
		return;
	e->dma_cmd &= ~(uint64_t)EDU_DMA_RUN;
	if (!edu_buf_range_ok(bufaddr, e->dma_cnt)) {
		/* QEMU 7.2 aborts here; no transfer and no completion interrupt. */
		model_device_error(&e->dev,
				   "edu: DMA range 0x%" PRIx64 "+0x%" PRIx64
				   " out of bounds (0x40000-0x40fff)",
				   bufaddr, e->dma_cnt);
		return;
	}
	ramaddr = edu_clamp(e, ramaddr);
	/* A failed transfer (bus master off, outside RAM) moves nothing. */
	if (to_ram)
		model_dma_write(&e->dev, ramaddr, e->buf + (bufaddr - EDU_BUF_START), e->dma_cnt);
	else
		model_dma_read(&e->dev, ramaddr, e->buf + (bufaddr - EDU_BUF_START), e->dma_cnt);
	if (e->dma_cmd & EDU_DMA_IRQ)
		edu_raise_irq(e, EDU_IRQ_DMA);
}

static uint64_t *edu_dma_reg(struct edu *e, uint64_t off)
{
	switch (off) {
	case EDU_REG_DMA_SRC:
		return &e->dma_src;
	case EDU_REG_DMA_DST:
		return &e->dma_dst;
	case EDU_REG_DMA_CNT:
		return &e->dma_cnt;
	case EDU_REG_DMA_CMD:
		return &e->dma_cmd;
	default:
		return NULL;
	}
}

/* Accesses QEMU's memory core refuses before the device sees them:
 * sizes other than 4/8 and misaligned ones (they read as 0). */
static bool edu_access_valid(uint64_t off, unsigned size)
{
	return (size == 4 || size == 8) && !(off & (size - 1)) && off < MODEL_EDU_BAR0_SIZE;
}

static uint64_t edu_read(model_device *dev, unsigned bar, uint64_t off, unsigned size)
{
	struct edu *e = edu_of(dev);
	uint64_t *reg;

	if (bar != 0 || !edu_access_valid(off, size))
		return 0;
	if (off < EDU_WIDE_REGS && size != 4)
		return UINT64_MAX;
	switch (off) {
	case EDU_REG_ID:
		return e->id;
	case EDU_REG_LIVENESS:
		return e->liveness;
	case EDU_REG_FACT:
		return e->fact;
	case EDU_REG_STATUS:
		return e->status;
	case EDU_REG_IRQ_STATUS:
		return e->irq_status;
	default:
		break;
	}
	reg = edu_dma_reg(e, off);
	if (!reg)
		return size == 4 ? 0xffffffffull : UINT64_MAX;
	return size == 4 ? (uint32_t)*reg : *reg;
}

static void edu_write_dma(struct edu *e, uint64_t off, uint64_t val)
{
	uint64_t *reg = edu_dma_reg(e, off);

	/* The register set is frozen while a transfer is pending. */
	if (!reg || (e->dma_cmd & EDU_DMA_RUN))
		return;
	if (off == EDU_REG_DMA_CMD && !(val & EDU_DMA_RUN))
		return;
	*reg = val;
	if (off == EDU_REG_DMA_CMD)
		model_timer_mod(&e->dev, &e->dma_timer, model_clock_ns(&e->dev) + MODEL_EDU_DMA_DELAY_NS);
}

static void edu_write(model_device *dev, unsigned bar, uint64_t off, uint64_t val, unsigned size)
{
	struct edu *e = edu_of(dev);

	if (bar != 0 || !edu_access_valid(off, size) || (off < EDU_WIDE_REGS && size != 4))
		return;
	if (size == 4)
		val = (uint32_t)val; /* a 4-byte write sets the whole register */
	switch (off) {
	case EDU_REG_LIVENESS:
		e->liveness = ~(uint32_t)val;
		break;
	case EDU_REG_FACT:
		if (e->status & EDU_STATUS_COMPUTING)
			break;
		e->fact = (uint32_t)val;
		e->status |= EDU_STATUS_COMPUTING;
		model_timer_mod(dev, &e->fact_timer, model_clock_ns(dev) + MODEL_EDU_FACT_DELAY_NS);
		break;
	case EDU_REG_STATUS:
		if (val & EDU_STATUS_IRQFACT)
			e->status |= EDU_STATUS_IRQFACT;
		else
			e->status &= ~EDU_STATUS_IRQFACT;
		break;
	case EDU_REG_IRQ_RAISE:
		edu_raise_irq(e, (uint32_t)val);
		break;
	case EDU_REG_IRQ_ACK:
		edu_ack_irq(e, (uint32_t)val);
		break;
	default:
		edu_write_dma(e, off, val);
		break;
	}
}

static void edu_reset(model_device *dev)
{
	struct edu *e = edu_of(dev);

	model_timer_del(dev, &e->fact_timer);
	model_timer_del(dev, &e->dma_timer);
	e->liveness = 0;
	e->fact = 0;
	e->status = 0;
	e->irq_status = 0;
	e->dma_src = e->dma_dst = e->dma_cnt = e->dma_cmd = 0;
	memset(e->buf, 0, sizeof(e->buf));
}

static void edu_destroy(model_device *dev)
{
	struct edu *e = edu_of(dev);

	model_timer_del(dev, &e->fact_timer);
	model_timer_del(dev, &e->dma_timer);
	free(e);
}

static const struct model_device_ops edu_ops = {
	.name = "edu",
	.bar_read = edu_read,
	.bar_write = edu_write,
	.reset = edu_reset,
	.destroy = edu_destroy,
};

model_device *model_edu_create(const struct model_edu_config *cfg)
{
	struct edu *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	model_device_init(&e->dev, &edu_ops, e, MODEL_EDU_VENDOR, MODEL_EDU_DEVICE, EDU_REVISION,
			  EDU_CLASS);
	model_device_set_subsystem(&e->dev, EDU_SUBSYS_VENDOR, EDU_SUBSYS_ID);
	model_device_set_int_pin(&e->dev, 1);
	model_device_declare_bar(&e->dev, 0, MODEL_BAR_MEM32, MODEL_EDU_BAR0_SIZE);
	if (!cfg || !cfg->no_msi)
		model_device_add_msi(&e->dev, 1, true, false);
	e->dma_mask = cfg && cfg->dma_mask ? cfg->dma_mask : EDU_DMA_MASK_DEFAULT;
	e->id = cfg && cfg->id_value ? cfg->id_value : EDU_ID_DEFAULT;
	model_timer_init(&e->fact_timer, edu_fact_done, e);
	model_timer_init(&e->dma_timer, edu_dma_done, e);
	return &e->dev;
}

model_device *model_edu_create_from_options(const char *options, char *why, size_t len)
{
	struct model_edu_config cfg = { 0 };
	struct model_option o;
	model_device *dev;
	uint64_t v;
	int rc;

	while ((rc = model_option_next(&options, &o, why, len)) > 0) {
		if (strcmp(o.key, "no_msi") == 0) {
			if (!model_option_is_flag(&o, why, len))
				return NULL;
			cfg.no_msi = true;
		} else if (strcmp(o.key, "dma_mask") == 0) {
			if (!model_option_u64(&o, UINT64_MAX, &cfg.dma_mask, why, len))
				return NULL;
		} else if (strcmp(o.key, "id") == 0) {
			if (!model_option_u64(&o, UINT32_MAX, &v, why, len))
				return NULL;
			cfg.id_value = (uint32_t)v;
		} else {
			snprintf(why, len, "unknown option '%s' (edu takes %s)", o.key,
				 MODEL_EDU_OPTIONS_HELP);
			return NULL;
		}
	}
	if (rc < 0)
		return NULL;
	dev = model_edu_create(&cfg);
	if (!dev)
		snprintf(why, len, "out of memory");
	return dev;
}

const struct model_plugin model_edu_plugin = {
	.abi_version = MODEL_PLUGIN_ABI_VERSION,
	.name = "edu",
	.summary = "QEMU 7.2's edu device: factorial, interrupt raise/ack, DMA engine, MSI",
	.vendor_id = MODEL_EDU_VENDOR,
	.device_id = MODEL_EDU_DEVICE,
	.subsystem_vendor_id = EDU_SUBSYS_VENDOR,
	.subsystem_id = EDU_SUBSYS_ID,
	.class_code = EDU_CLASS,
	.options_help = MODEL_EDU_OPTIONS_HELP,
	.create = model_edu_create_from_options,
};
