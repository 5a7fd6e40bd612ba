/* Config space of a model PCI function: constructor helpers (which fill both
 * the live copy and the reset copy) and the bus-side config accesses with
 * write masks, BAR sizing and the MSI capability (MSI-X: msix.c). */
#include <string.h>

#include "device_priv.h"

#define CFG_CACHE_LINE 0x0c
#define CAP_FIRST 0x40
#define CAP_CHAIN_MAX 48 /* (256 - 64) / 4: bounds a walk of a looping list */
#define BAR_MEM_TYPE_64 0x4u
#define BAR_IO_SPACE 0x1u
#define BAR_MEM_LOW_BITS 0xfu
#define BAR_IO_LOW_BITS 0x3u
#define MSI_ADDR_LO_MASK 0xfffffffcu

static void put(model_device *dev, unsigned off, uint32_t val, unsigned size)
{
	model_le_put(dev->config + off, val, size);
	model_le_put(dev->reset_config + off, val, size);
}

static void put_wmask(model_device *dev, unsigned off, uint32_t mask, unsigned size)
{
	model_le_put(dev->wmask + off, mask, size);
}

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

static unsigned log2_small(unsigned v)
{
	unsigned n = 0;
	while (v > 1) {
		v >>= 1;
		n++;
	}
	return n;
}

void model_device_init(model_device *dev, const struct model_device_ops *ops, void *state,
		       uint16_t vendor, uint16_t device, uint8_t revision, uint32_t class_code)
{
	memset(dev, 0, sizeof(*dev));
	dev->ops = ops;
	dev->state = state;
	put(dev, MODEL_PCI_VENDOR_ID, vendor, 2);
	put(dev, MODEL_PCI_DEVICE_ID, device, 2);
	put(dev, MODEL_PCI_REVISION, revision, 1);
	put(dev, MODEL_PCI_CLASS_PROG, class_code & 0xffffffu, 3);
	put(dev, MODEL_PCI_HEADER_TYPE, 0, 1);
	put_wmask(dev, MODEL_PCI_COMMAND,
		  MODEL_PCI_CMD_IO | MODEL_PCI_CMD_MEMORY | MODEL_PCI_CMD_MASTER |
			  MODEL_PCI_CMD_INTX_DISABLE,
		  2);
	put_wmask(dev, CFG_CACHE_LINE, 0xff, 1);
	put_wmask(dev, MODEL_PCI_INT_LINE, 0xff, 1);
	dev->cap_tail = CAP_FIRST;
}

void model_device_set_subsystem(model_device *dev, uint16_t vendor, uint16_t id)
{
	put(dev, MODEL_PCI_SUBSYS_VENDOR, vendor, 2);
	put(dev, MODEL_PCI_SUBSYS_ID, id, 2);
}

void model_device_set_int_pin(model_device *dev, uint8_t pin)
{
	if (pin <= 4)
		put(dev, MODEL_PCI_INT_PIN, pin, 1);
}

/* The writable bits of a BAR are the address bits above its size, so
 * writing all-ones and reading back yields the size mask plus type bits. */
void model_device_declare_bar(model_device *dev, unsigned bar, enum model_bar_kind kind,
			      uint64_t size)
{
	unsigned off = MODEL_PCI_BAR0 + 4 * bar;
	uint64_t addr_mask = ~(size - 1);

	if (bar >= MODEL_BAR_COUNT || !is_pow2(size))
		return;
	switch (kind) {
	case MODEL_BAR_MEM32:
		if (size < 16 || size > 0x80000000ull)
			return;
		put(dev, off, 0, 4);
		put_wmask(dev, off, (uint32_t)addr_mask & ~BAR_MEM_LOW_BITS, 4);
		break;
	case MODEL_BAR_MEM64:
		if (bar + 1 >= MODEL_BAR_COUNT || size < 16)
			return;
		put(dev, off, BAR_MEM_TYPE_64, 4);
		put(dev, off + 4, 0, 4);
		put_wmask(dev, off, (uint32_t)addr_mask & ~BAR_MEM_LOW_BITS, 4);
		put_wmask(dev, off + 4, (uint32_t)(addr_mask >> 32), 4);
		dev->bars[bar + 1] = (struct model_bar){ MODEL_BAR_NONE, 0 };
		break;
	case MODEL_BAR_IO:
		if (size < 4 || size > 0x100)
			return;
		put(dev, off, BAR_IO_SPACE, 4);
		put_wmask(dev, off, (uint32_t)addr_mask & ~BAR_IO_LOW_BITS, 4);
		break;
	case MODEL_BAR_NONE:
	default:
		return;
	}
	dev->bars[bar] = (struct model_bar){ kind, size };
}

void model_device_put_config(model_device *dev, unsigned off, uint32_t val, unsigned size)
{
	put(dev, off, val, size);
}

void model_device_link_capability(model_device *dev, uint8_t off)
{
	unsigned p = dev->config[MODEL_PCI_CAP_PTR];

	if (!p) {
		put(dev, MODEL_PCI_CAP_PTR, off, 1);
	} else {
		for (int i = 0; i < CAP_CHAIN_MAX && dev->config[p + 1]; i++)
			p = dev->config[p + 1];
		put(dev, p + 1, off, 1);
	}
	put(dev, MODEL_PCI_STATUS,
	    model_cfg_get(dev, MODEL_PCI_STATUS, 2) | MODEL_PCI_STATUS_CAP_LIST, 2);
}

void model_device_add_msi(model_device *dev, unsigned vectors, bool addr64, bool maskable)
{
	unsigned off = dev->cap_tail;
	unsigned size = 0x0a + (addr64 ? 4 : 0) + (maskable ? 0x0a : 0);
	uint16_t flags = (uint16_t)(log2_small(vectors) << 1);

	if (dev->msi_cap || vectors > 32 || !is_pow2(vectors) || off < CAP_FIRST ||
	    off + size > MODEL_CFG_SIZE)
		return;
	if (addr64)
		flags |= MODEL_MSI_FLAGS_64BIT;
	if (maskable)
		flags |= MODEL_MSI_FLAGS_MASKBIT;
	put(dev, off, MODEL_PCI_CAP_ID_MSI, 1);
	put(dev, off + 1, 0, 1);
	put(dev, off + 2, flags, 2);
	dev->msi_cap = (uint8_t)off;
	put_wmask(dev, off + 2, MODEL_MSI_FLAGS_ENABLE | MODEL_MSI_FLAGS_QSIZE, 2);
	put_wmask(dev, off + 4, MSI_ADDR_LO_MASK, 4);
	if (addr64)
		put_wmask(dev, off + 8, 0xffffffffu, 4);
	put_wmask(dev, model_msi_data_off(dev), 0xffff, 2);
	if (maskable)
		put_wmask(dev, model_msi_mask_off(dev),
			  vectors == 32 ? 0xffffffffu : (1u << vectors) - 1, 4);
	model_device_link_capability(dev, (uint8_t)off);
	dev->cap_tail = (uint8_t)((off + size + 3) & ~3u);
}

static bool access_ok(uint16_t off, unsigned size)
{
	return (size == 1 || size == 2 || size == 4) && (unsigned)off + size <= MODEL_CFG_SIZE;
}

static uint32_t all_ones(unsigned size)
{
	return (size == 1 || size == 2) ? (1u << (8 * size)) - 1 : 0xffffffffu;
}

uint32_t model_config_read(model_device *dev, uint16_t off, unsigned size)
{
	if (!access_ok(off, size))
		return all_ones(size);
	return model_cfg_get(dev, off, size);
}

static bool touches(uint16_t off, unsigned size, unsigned reg, unsigned reg_size)
{
	return off < reg + reg_size && reg < (unsigned)off + size;
}

/* Multiple-message enable may not exceed what the function is capable of;
 * a larger value is clamped to the capable count, as QEMU does. */
static void msi_control_written(model_device *dev)
{
	unsigned ctl = dev->msi_cap + 2u;
	uint16_t flags = (uint16_t)model_cfg_get(dev, ctl, 2);
	unsigned cap = (flags & MODEL_MSI_FLAGS_QMASK) >> 1;
	unsigned en = (flags & MODEL_MSI_FLAGS_QSIZE) >> 4;

	if (en > cap) {
		flags = (uint16_t)((flags & ~MODEL_MSI_FLAGS_QSIZE) | (cap << 4));
		model_le_put(dev->config + ctl, flags, 2);
	}
	/* With MSI on the function no longer signals on its pin. */
	if (flags & MODEL_MSI_FLAGS_ENABLE) {
		uint16_t st = (uint16_t)model_cfg_get(dev, MODEL_PCI_STATUS, 2);
		model_le_put(dev->config + MODEL_PCI_STATUS, st & ~MODEL_PCI_STATUS_INTX, 2);
	}
}

void model_config_write(model_device *dev, uint16_t off, uint32_t val, unsigned size)
{
	bool before;

	if (!access_ok(off, size))
		return;
	before = model_intx_effective(dev);
	for (unsigned i = 0; i < size; i++) {
		uint8_t m = dev->wmask[off + i];
		uint8_t b = (uint8_t)(val >> (8 * i));
		dev->config[off + i] = (uint8_t)((dev->config[off + i] & ~m) | (b & m));
	}
	if (dev->msi_cap && touches(off, size, dev->msi_cap + 2u, 2))
		msi_control_written(dev);
	model_intx_sync(dev, before);
	if (dev->msix.cap && touches(off, size, dev->msix.cap + 2u, 2))
		model_msix_control_written(dev);
	if ((model_msi_flags(dev) & MODEL_MSI_FLAGS_MASKBIT) &&
	    touches(off, size, model_msi_mask_off(dev), 4))
		model_msi_flush_pending(dev);
}

uint64_t model_device_bar_base(const model_device *dev, unsigned bar)
{
	unsigned off = MODEL_PCI_BAR0 + 4 * bar;

	if (bar >= MODEL_BAR_COUNT)
		return 0;
	switch (dev->bars[bar].kind) {
	case MODEL_BAR_MEM32:
		return model_cfg_get(dev, off, 4) & ~BAR_MEM_LOW_BITS;
	case MODEL_BAR_MEM64:
		return (model_cfg_get(dev, off, 4) & ~BAR_MEM_LOW_BITS) |
		       (uint64_t)model_cfg_get(dev, off + 4, 4) << 32;
	case MODEL_BAR_IO:
		return model_cfg_get(dev, off, 4) & ~BAR_IO_LOW_BITS;
	case MODEL_BAR_NONE:
	default:
		return 0;
	}
}

uint16_t model_device_command(const model_device *dev)
{
	return (uint16_t)model_cfg_get(dev, MODEL_PCI_COMMAND, 2);
}

bool model_device_msi_enabled(const model_device *dev)
{
	return (model_msi_flags(dev) & MODEL_MSI_FLAGS_ENABLE) != 0;
}
