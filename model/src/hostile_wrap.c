/* The hostile device's wrapper around one model (model/hostile.h): its BAR
 * callbacks and its env are interposed in place, so config space, BAR
 * decoding and MSI-X stay the model framework's and any model can be
 * wrapped. Register reads and writes, DMA writes and interrupts pass
 * through the engine (hostile.c), which decides what the driver sees. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "device_priv.h"
#include "hostile_priv.h"

struct hostile_dev {
	struct model_device_ops ops; /* dev->ops points here */
	const struct model_device_ops *inner;
	struct model_env inner_env;
	struct model_hostile *h;
	model_device *dev;
	bool injecting; /* our own interrupts pass the env hooks unjudged */
};

static struct hostile_dev *of(model_device *dev)
{
	return (struct hostile_dev *)(void *)((char *)(uintptr_t)dev->ops -
					      offsetof(struct hostile_dev, ops));
}

static uint64_t ones(unsigned size)
{
	return size >= 8 ? UINT64_MAX : (1ull << (8 * size)) - 1;
}

/* ---- interrupts ---- */

static bool msi_message(const model_device *dev, uint64_t addr, size_t len)
{
	if (len != 4)
		return false;
	if (model_device_msi_enabled(dev)) {
		uint16_t flags = model_msi_flags(dev);
		uint64_t a = model_cfg_get(dev, dev->msi_cap + 4u, 4);

		if (flags & MODEL_MSI_FLAGS_64BIT)
			a |= (uint64_t)model_cfg_get(dev, dev->msi_cap + 8u, 4) << 32;
		return a == addr;
	}
	if (model_device_msix_enabled(dev))
		for (unsigned v = 0; v < dev->msix.vectors; v++) {
			const uint8_t *e = dev->msix.table + v * MODEL_MSIX_ENTRY_SIZE;

			if ((model_le_get(e, 4) | (uint64_t)model_le_get(e + 4, 4) << 32) == addr)
				return true;
		}
	return false;
}

static bool intx_usable(const model_device *dev)
{
	return dev->config[MODEL_PCI_INT_PIN] != 0 && !model_device_msi_enabled(dev) &&
	       !model_device_msix_enabled(dev) &&
	       !(model_device_command(dev) & MODEL_PCI_CMD_INTX_DISABLE);
}

/* An interrupt the model did not raise, on vector (modulo what is enabled). */
static void inject(struct hostile_dev *hd, uint32_t vector)
{
	model_device *dev = hd->dev;

	hd->injecting = true;
	if (model_device_msix_enabled(dev) && dev->msix.vectors > 0) {
		unsigned v = vector % dev->msix.vectors;

		model_device_msix_use(dev, v);
		model_device_msix_notify(dev, v);
		model_device_msix_unuse(dev, v);
	} else if (model_device_msi_enabled(dev)) {
		unsigned enabled = 1u << ((model_msi_flags(dev) & MODEL_MSI_FLAGS_QSIZE) >> 4);

		model_device_msi_notify(dev, vector % enabled);
	} else if (intx_usable(dev) && hd->inner_env.ops && hd->inner_env.ops->set_intx) {
		hd->inner_env.ops->set_intx(hd->inner_env.ctx, dev, true);
		if (!model_intx_effective(dev))
			hd->inner_env.ops->set_intx(hd->inner_env.ctx, dev, false);
	}
	hd->injecting = false;
}

static void inject_n(struct hostile_dev *hd, uint32_t vector, unsigned n)
{
	hd->h->st.irqs_spurious += n;
	model_hostile_irq_sent(hd->h);
	for (unsigned i = 0; i < n; i++)
		inject(hd, vector);
}

/* ---- register accesses ---- */

static void apply_late(struct hostile_dev *hd, uint64_t access)
{
	struct model_hostile *h = hd->h;

	for (size_t i = 0; i < MODEL_HOSTILE_MAX_ACTIONS; i++) {
		struct hostile_late *l = &h->late[i];

		if (l->dev != hd->dev || l->due > access || hd->inner_env.ops == NULL)
			continue;
		if (h->poke_fn != NULL)
			h->poke_fn(h->poke_ctx, l->addr, l->bytes, l->size);
		else
			hd->inner_env.ops->dma_write(hd->inner_env.ctx, hd->dev, l->addr, l->bytes,
						     l->size);
		h->st.dma_corrupted++;
		l->dev = NULL;
	}
}

/* Before every register access: what the program does at it. False when
 * the device is gone (the access reaches nothing). */
static bool access(struct hostile_dev *hd, bool read)
{
	struct model_hostile *h = hd->h;
	struct hostile_action *a;
	uint64_t i;

	if (h->gone)
		return false;
	i = model_hostile_count_access(h, model_clock_ns(hd->dev), read);
	if (!h->armed)
		return true;
	apply_late(hd, i);
	while ((a = model_hostile_take(h, MODEL_HOSTILE_SPURIOUS, i)) != NULL)
		inject_n(hd, a->value, a->arg % 64u + 1u);
	if (model_hostile_take(h, MODEL_HOSTILE_REMOVE, i) != NULL) {
		h->gone = true;
		h->st.removed_at = i;
		if (h->gone_fn != NULL)
			h->gone_fn(h->gone_ctx, hd->dev);
		return false;
	}
	return true;
}

static struct hostile_sticky *sticky_find(struct model_hostile *h, model_device *dev,
					  unsigned bar, uint64_t off)
{
	for (size_t i = 0; i < MODEL_HOSTILE_MAX_ACTIONS; i++)
		if (h->sticky[i].dev == dev && h->sticky[i].bar == bar && h->sticky[i].off == off &&
		    h->sticky[i].remaining > 0)
			return &h->sticky[i];
	return NULL;
}

static void sticky_add(struct model_hostile *h, model_device *dev, unsigned bar, uint64_t off,
		       const struct hostile_action *a)
{
	for (size_t i = 0; i < MODEL_HOSTILE_MAX_ACTIONS; i++)
		if (h->sticky[i].remaining == 0) {
			h->sticky[i] = (struct hostile_sticky){ dev, bar, off, a->mode, a->value,
								a->mode >> 3 };
			return;
		}
}

static uint64_t w_bar_read(model_device *dev, unsigned bar, uint64_t off, unsigned size)
{
	struct hostile_dev *hd = of(dev);
	struct model_hostile *h = hd->h;
	struct hostile_sticky *s;
	struct hostile_action *a;
	uint64_t v, n;

	if (!access(hd, true))
		return ones(size);
	v = hd->inner->bar_read != NULL ? hd->inner->bar_read(dev, bar, off, size) : 0;
	n = h->st.reads++;
	if (!h->armed)
		return v;
	if ((s = sticky_find(h, dev, bar, off)) != NULL) {
		v = model_hostile_apply_read(s->op, s->value, v, size);
		h->st.reads_overridden++;
		if (s->remaining != HOSTILE_FOREVER)
			s->remaining--;
	}
	if ((a = model_hostile_take(h, MODEL_HOSTILE_READ, n)) != NULL) {
		v = model_hostile_apply_read(a->mode, a->value, v, size);
		h->st.reads_overridden++;
		if ((a->mode >> 3) != 0 && s == NULL) /* none for this register yet */
			sticky_add(h, dev, bar, off, a);
	}
	return v;
}

static void w_bar_write(model_device *dev, unsigned bar, uint64_t off, uint64_t val,
			unsigned size)
{
	struct hostile_dev *hd = of(dev);
	struct model_hostile *h = hd->h;
	uint64_t n;

	if (!access(hd, false))
		return;
	n = h->st.writes++;
	if (model_hostile_take(h, MODEL_HOSTILE_WRITE, n) != NULL) {
		h->st.writes_dropped++;
		return;
	}
	if (hd->inner->bar_write != NULL)
		hd->inner->bar_write(dev, bar, off, val, size);
}

static void w_reset(model_device *dev)
{
	struct hostile_dev *hd = of(dev);

	if (hd->inner->reset != NULL)
		hd->inner->reset(dev);
}

static void w_destroy(model_device *dev)
{
	struct hostile_dev *hd = of(dev);
	struct model_hostile *h = hd->h;

	for (size_t i = 0; i < MODEL_HOSTILE_MAX_ACTIONS; i++) {
		if (h->sticky[i].dev == dev)
			h->sticky[i].remaining = 0;
		if (h->late[i].dev == dev)
			h->late[i].dev = NULL;
	}
	dev->ops = hd->inner;
	free(hd);
	model_device_destroy(dev);
}

/* ---- the env the model sees ---- */

static uint64_t e_clock(void *ctx)
{
	struct hostile_dev *hd = ctx;

	return hd->inner_env.ops->clock_ns(hd->inner_env.ctx);
}

static void e_timer_mod(void *ctx, model_timer *t, uint64_t expire_ns)
{
	struct hostile_dev *hd = ctx;

	hd->inner_env.ops->timer_mod(hd->inner_env.ctx, t, expire_ns);
}

static void e_timer_del(void *ctx, model_timer *t)
{
	struct hostile_dev *hd = ctx;

	hd->inner_env.ops->timer_del(hd->inner_env.ctx, t);
}

static bool e_dma_read(void *ctx, model_device *dev, uint64_t addr, void *buf, size_t len)
{
	struct hostile_dev *hd = ctx;

	if (hd->h->gone)
		return false;
	return hd->inner_env.ops->dma_read(hd->inner_env.ctx, dev, addr, buf, len);
}

static bool irq_message(struct hostile_dev *hd, model_device *dev, uint64_t addr,
			const void *buf)
{
	struct model_hostile *h = hd->h;
	const struct model_env *in = &hd->inner_env;
	struct hostile_action *a = model_hostile_take(h, MODEL_HOSTILE_IRQ, h->st.irqs++);
	unsigned extra = 0;

	if (a != NULL) {
		switch (a->mode & 3) {
		case 0:
			h->st.irqs_dropped++;
			return true;
		case 1: extra = a->arg % 8u + 1u; break;
		case 2: extra = a->arg % 1024u + 1u; break;
		default:
			h->st.irqs_dropped++;
			inject_n(hd, a->value, 1);
			return true;
		}
	}
	h->st.irqs_extra += extra;
	model_hostile_irq_sent(h);
	for (unsigned i = 0; i < extra; i++)
		in->ops->dma_write(in->ctx, dev, addr, buf, 4);
	return in->ops->dma_write(in->ctx, dev, addr, buf, 4);
}

/* The field of a DMA write the program changes: now, or (late) at a
 * register access to come. */
static void dma_corrupt(struct hostile_dev *hd, const struct hostile_action *a, uint64_t addr,
			const uint8_t *buf, size_t len)
{
	static const unsigned sizes[4] = { 1, 2, 4, 1 };
	struct model_hostile *h = hd->h;
	unsigned size = sizes[a->mode & 3];
	uint8_t bytes[4];
	size_t off;

	if (len < size)
		return;
	off = a->arg % len;
	if (off + size > len)
		off = len - size;
	model_le_put(bytes, a->value, 4);
	if ((a->mode & 3) == 3)
		bytes[0] = (uint8_t)(buf[off] ^ a->value);
	if (a->mode & 4) {
		for (size_t i = 0; i < MODEL_HOSTILE_MAX_ACTIONS; i++)
			if (h->late[i].dev == NULL) {
				h->late[i] = (struct hostile_late){ .dev = hd->dev, .addr = addr + off,
								    .size = size,
								    .due = h->accesses +
									   ((a->mode >> 3) & 15u) };
				memcpy(h->late[i].bytes, bytes, sizeof(bytes));
				return;
			}
		return;
	}
	hd->inner_env.ops->dma_write(hd->inner_env.ctx, hd->dev, addr + off, bytes, size);
	h->st.dma_corrupted++;
}

static bool e_dma_write(void *ctx, model_device *dev, uint64_t addr, const void *buf, size_t len)
{
	struct hostile_dev *hd = ctx;
	struct model_hostile *h = hd->h;
	const struct model_env *in = &hd->inner_env;
	struct hostile_action *a;
	bool ok;

	if (h->gone)
		return false;
	if (hd->injecting || !h->armed)
		return in->ops->dma_write(in->ctx, dev, addr, buf, len);
	if (msi_message(dev, addr, len))
		return irq_message(hd, dev, addr, buf);
	a = model_hostile_take(h, MODEL_HOSTILE_DMA, h->st.dma_writes++);
	ok = in->ops->dma_write(in->ctx, dev, addr, buf, len);
	if (ok && a != NULL)
		dma_corrupt(hd, a, addr, buf, len);
	return ok;
}

static void e_set_intx(void *ctx, model_device *dev, bool level)
{
	struct hostile_dev *hd = ctx;
	struct model_hostile *h = hd->h;
	const struct model_env *in = &hd->inner_env;
	struct hostile_action *a = NULL;
	unsigned extra = 0;

	if (h->gone && level)
		return;
	if (level && !hd->injecting && h->armed &&
	    (a = model_hostile_take(h, MODEL_HOSTILE_IRQ, h->st.irqs++)) != NULL) {
		if ((a->mode & 3) == 0 || (a->mode & 3) == 3) {
			h->st.irqs_dropped++;
			return; /* the line never rises (an INTx has no other vector) */
		}
		extra = (a->mode & 3) == 1 ? a->arg % 8u + 1u : a->arg % 1024u + 1u;
	}
	h->st.irqs_extra += extra;
	if (level)
		model_hostile_irq_sent(h);
	for (unsigned i = 0; i < extra; i++) {
		in->ops->set_intx(in->ctx, dev, true);
		in->ops->set_intx(in->ctx, dev, false);
	}
	in->ops->set_intx(in->ctx, dev, level);
}

static void e_device_error(void *ctx, model_device *dev, const char *msg)
{
	struct hostile_dev *hd = ctx;

	hd->inner_env.ops->device_error(hd->inner_env.ctx, dev, msg);
}

static const struct model_env_ops hostile_env_ops = {
	.clock_ns = e_clock,
	.timer_mod = e_timer_mod,
	.timer_del = e_timer_del,
	.dma_read = e_dma_read,
	.dma_write = e_dma_write,
	.set_intx = e_set_intx,
	.device_error = e_device_error,
};

bool model_hostile_wrap(struct model_hostile *h, model_device *dev)
{
	struct hostile_dev *hd;

	if (h == NULL || dev == NULL || dev->ops == NULL || dev->env.ops == NULL)
		return false;
	hd = calloc(1, sizeof(*hd));
	if (hd == NULL)
		return false;
	hd->inner = dev->ops;
	hd->ops = *dev->ops;
	hd->ops.bar_read = w_bar_read;
	hd->ops.bar_write = w_bar_write;
	hd->ops.reset = w_reset;
	hd->ops.destroy = w_destroy;
	hd->inner_env = dev->env;
	hd->h = h;
	hd->dev = dev;
	h->gone = false;
	dev->ops = &hd->ops;
	dev->env = (struct model_env){ &hostile_env_ops, hd };
	return true;
}
