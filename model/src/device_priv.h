/* Model-room internals shared by device.c, config.c and the bus: little-endian
 * config accessors, MSI capability layout and the INTx level rule. */
#ifndef MODEL_DEVICE_PRIV_H
#define MODEL_DEVICE_PRIV_H

#include "model/device.h"
#include "model_internal.h"

static inline uint32_t model_le_get(const uint8_t *p, unsigned size)
{
	uint32_t v = 0;
	for (unsigned i = 0; i < size; i++)
		v |= (uint32_t)p[i] << (8 * i);
	return v;
}

static inline void model_le_put(uint8_t *p, uint32_t v, unsigned size)
{
	for (unsigned i = 0; i < size; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint32_t model_cfg_get(const model_device *dev, unsigned off, unsigned size)
{
	return model_le_get(dev->config + off, size);
}

/* MSI capability layout (PCI 3.0 section 6.8.1): the data register moves
 * by 4 bytes when the address is 64-bit; mask and pending follow it. */
static inline uint16_t model_msi_flags(const model_device *dev)
{
	return dev->msi_cap ? (uint16_t)model_cfg_get(dev, dev->msi_cap + 2u, 2) : 0;
}

static inline unsigned model_msi_data_off(const model_device *dev)
{
	return dev->msi_cap + ((model_msi_flags(dev) & MODEL_MSI_FLAGS_64BIT) ? 0x0cu : 0x08u);
}

static inline unsigned model_msi_mask_off(const model_device *dev)
{
	return model_msi_data_off(dev) + 4u;
}

static inline unsigned model_msi_pending_off(const model_device *dev)
{
	return model_msi_data_off(dev) + 8u;
}

/* config.c: a constructor's write to config space (live and reset copies),
 * and the link of a new capability into the list. */
MODEL_INTERNAL void model_device_put_config(model_device *dev, unsigned off, uint32_t val,
					    unsigned size);
MODEL_INTERNAL void model_device_link_capability(model_device *dev, uint8_t off);
/* msix.c: a config write touched the MSI-X control word; reset of the table. */
MODEL_INTERNAL void model_msix_control_written(model_device *dev);
MODEL_INTERNAL void model_msix_reset(model_device *dev);

/* Level the function drives on its INTx pin: the interrupt status bit,
 * unless MSI or MSI-X is on or the command register disables INTx. */
MODEL_INTERNAL bool model_intx_effective(const model_device *dev);
/* Tell the env about an INTx level change since `before`. */
MODEL_INTERNAL void model_intx_sync(model_device *dev, bool before);
/* Send MSI messages that were pending behind a mask bit now cleared. */
MODEL_INTERNAL void model_msi_flush_pending(model_device *dev);

#endif
