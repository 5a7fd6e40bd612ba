/* The device side of a model PCI function: interrupt delivery (MSI through
 * a bus-master write, INTx level with the status bit), timers and DMA through
 * the host's env, device errors, reset and destruction. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "device_priv.h"

#define ERROR_MSG_MAX 200

void model_device_attach_env(model_device *dev, struct model_env env)
{
	dev->env = env;
}

bool model_intx_effective(const model_device *dev)
{
	uint16_t status = (uint16_t)model_cfg_get(dev, MODEL_PCI_STATUS, 2);

	return (status & MODEL_PCI_STATUS_INTX) && !model_device_msi_enabled(dev) &&
	       !model_device_msix_enabled(dev) &&
	       !(model_device_command(dev) & MODEL_PCI_CMD_INTX_DISABLE);
}

void model_intx_sync(model_device *dev, bool before)
{
	bool after = model_intx_effective(dev);

	if (after != before && dev->env.ops && dev->env.ops->set_intx)
		dev->env.ops->set_intx(dev->env.ctx, dev, after);
}

void model_device_set_irq(model_device *dev, bool level)
{
	bool before = model_intx_effective(dev);
	uint16_t status = (uint16_t)model_cfg_get(dev, MODEL_PCI_STATUS, 2);

	if (level)
		status |= MODEL_PCI_STATUS_INTX;
	else
		status &= (uint16_t)~MODEL_PCI_STATUS_INTX;
	model_le_put(dev->config + MODEL_PCI_STATUS, status, 2);
	model_intx_sync(dev, before);
}

static uint64_t msi_address(const model_device *dev)
{
	uint64_t addr = model_cfg_get(dev, dev->msi_cap + 4u, 4);

	if (model_msi_flags(dev) & MODEL_MSI_FLAGS_64BIT)
		addr |= (uint64_t)model_cfg_get(dev, dev->msi_cap + 8u, 4) << 32;
	return addr;
}

static void msi_send(model_device *dev, unsigned vector)
{
	uint16_t flags = model_msi_flags(dev);
	uint32_t enabled = 1u << ((flags & MODEL_MSI_FLAGS_QSIZE) >> 4);
	uint32_t data = model_cfg_get(dev, model_msi_data_off(dev), 2);
	uint8_t msg[4];

	/* Multiple-message enable hands the low data bits to the vector. */
	data = (data & ~(enabled - 1)) | (vector & (enabled - 1));
	model_le_put(msg, data, 4);
	model_dma_write(dev, msi_address(dev), msg, sizeof(msg));
}

void model_device_msi_notify(model_device *dev, unsigned vector)
{
	uint16_t flags = model_msi_flags(dev);
	unsigned capable = 1u << ((flags & MODEL_MSI_FLAGS_QMASK) >> 1);

	if (!(flags & MODEL_MSI_FLAGS_ENABLE) || vector >= capable)
		return;
	if (flags & MODEL_MSI_FLAGS_MASKBIT) {
		unsigned moff = model_msi_mask_off(dev), poff = model_msi_pending_off(dev);
		if (model_cfg_get(dev, moff, 4) & (1u << vector)) {
			uint32_t pending = model_cfg_get(dev, poff, 4) | (1u << vector);
			model_le_put(dev->config + poff, pending, 4);
			return;
		}
	}
	msi_send(dev, vector);
}

void model_msi_flush_pending(model_device *dev)
{
	unsigned moff = model_msi_mask_off(dev), poff = model_msi_pending_off(dev);
	uint32_t ready = model_cfg_get(dev, poff, 4) & ~model_cfg_get(dev, moff, 4);

	if (!ready || !model_device_msi_enabled(dev))
		return;
	model_le_put(dev->config + poff, model_cfg_get(dev, poff, 4) & ~ready, 4);
	for (unsigned v = 0; v < 32; v++)
		if (ready & (1u << v))
			msi_send(dev, v);
}

void model_timer_init(model_timer *t, void (*cb)(void *), void *opaque)
{
	memset(t, 0, sizeof(*t));
	t->cb = cb;
	t->opaque = opaque;
}

void model_timer_mod(model_device *dev, model_timer *t, uint64_t expire_ns)
{
	if (dev->env.ops && dev->env.ops->timer_mod)
		dev->env.ops->timer_mod(dev->env.ctx, t, expire_ns);
}

void model_timer_del(model_device *dev, model_timer *t)
{
	if (dev->env.ops && dev->env.ops->timer_del)
		dev->env.ops->timer_del(dev->env.ctx, t);
	else
		t->armed = false;
}

uint64_t model_clock_ns(model_device *dev)
{
	if (dev->env.ops && dev->env.ops->clock_ns)
		return dev->env.ops->clock_ns(dev->env.ctx);
	return 0;
}

static bool bus_master(const model_device *dev)
{
	return (model_device_command(dev) & MODEL_PCI_CMD_MASTER) != 0;
}

bool model_dma_read(model_device *dev, uint64_t addr, void *buf, size_t len)
{
	if (!bus_master(dev) || !dev->env.ops || !dev->env.ops->dma_read)
		return false;
	return dev->env.ops->dma_read(dev->env.ctx, dev, addr, buf, len);
}

bool model_dma_write(model_device *dev, uint64_t addr, const void *buf, size_t len)
{
	if (!bus_master(dev) || !dev->env.ops || !dev->env.ops->dma_write)
		return false;
	return dev->env.ops->dma_write(dev->env.ctx, dev, addr, buf, len);
}

void model_device_error(model_device *dev, const char *fmt, ...)
{
	char msg[ERROR_MSG_MAX];
	va_list ap;

	if (!dev->env.ops || !dev->env.ops->device_error)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	dev->env.ops->device_error(dev->env.ctx, dev, msg);
}

void model_device_reset(model_device *dev)
{
	bool before = model_intx_effective(dev);

	memcpy(dev->config, dev->reset_config, sizeof(dev->config));
	if (dev->msix.cap)
		model_msix_reset(dev);
	model_intx_sync(dev, before);
	if (dev->ops && dev->ops->reset)
		dev->ops->reset(dev);
}

void model_device_destroy(model_device *dev)
{
	if (dev && dev->ops && dev->ops->destroy)
		dev->ops->destroy(dev);
}
