/* The PCI device object: identity, config-space access through the host,
 * decode/bus-master enables and surprise-removal detection. */
#include <stdio.h>

#include "machine_internal.h"
#include "shim/alloc.h"

static shim_class shim_pci_device_class = SHIM_CLASS_INIT("ShimPCIDevice");

/* Extended (PCIe) config space is 4 KiB; accesses must be naturally aligned. */
#define SHIM_PCI_CFG_SIZE 4096u

static void shim_pci_device_free(shim_object *obj)
{
	shim_pci_device *dev = (shim_pci_device *)obj;
	shim_machine *m = dev->m;

	shim_free(dev, sizeof(*dev));
	shim_object_release(&m->obj);
}

shim_ret shim_pci_device_create(shim_machine *m, uint16_t bdf, shim_pci_device **out)
{
	shim_pci_device *dev = shim_zalloc(sizeof(*dev));

	if (!dev)
		return SHIM_ERR_NO_MEMORY;
	shim_object_init(&dev->obj, &shim_pci_device_class, shim_pci_device_free);
	shim_object_retain(&m->obj);
	dev->m = m;
	dev->bdf = bdf;
	snprintf(dev->name, sizeof(dev->name), "%02x:%02x.%x", (unsigned)(bdf >> 8),
		 (unsigned)((bdf >> 3) & 0x1f), (unsigned)(bdf & 7));
	*out = dev;
	return SHIM_OK;
}

void shim_pci_device_release(shim_pci_device *dev)
{
	if (dev)
		shim_object_release(&dev->obj);
}

uint16_t shim_pci_vendor_id(const shim_pci_device *dev)
{
	return dev ? dev->vendor : 0xffff;
}

uint16_t shim_pci_device_id(const shim_pci_device *dev)
{
	return dev ? dev->device : 0xffff;
}

uint32_t shim_pci_class_code(const shim_pci_device *dev)
{
	return dev ? dev->class_code : 0xffffffu;
}

const char *shim_pci_name(const shim_pci_device *dev)
{
	return dev ? dev->name : "(null)";
}

static bool shim_pci_cfg_ok(shim_pci_device *dev, uint16_t off, unsigned size,
			    const char *what)
{
	if (!dev) {
		SHIM_VERIFY_FAIL(SHIM_V_BAD_STATE, "%s on a NULL device", what);
		return false;
	}
	if ((unsigned)off + size > SHIM_PCI_CFG_SIZE || off % size != 0) {
		SHIM_VERIFY_FAIL(SHIM_V_BAD_STATE, "%s %s: bad config offset 0x%x (size %u)",
				 what, dev->name, (unsigned)off, size);
		return false;
	}
	return true;
}

static uint32_t shim_pci_cfg_read(shim_pci_device *dev, uint16_t off, unsigned size)
{
	uint32_t all_ones = size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
	uint32_t val = 0;

	if (!shim_pci_cfg_ok(dev, off, size, "config read") || dev->gone)
		return all_ones;
	if (shim_hostcall_cfg_read(dev->m, dev->bdf, off, size, &val) != SHIM_OK)
		return all_ones;
	val &= all_ones;
	/* A vendor ID of all-ones is what a removed function answers. */
	if (off == SHIM_PCI_VENDOR && size >= 2 && (val & 0xffff) == 0xffff)
		dev->gone = true;
	return val;
}

static void shim_pci_cfg_write(shim_pci_device *dev, uint16_t off, unsigned size, uint32_t val)
{
	if (!shim_pci_cfg_ok(dev, off, size, "config write") || dev->gone)
		return;
	(void)shim_hostcall_cfg_write(dev->m, dev->bdf, off, size, val);
}

uint8_t shim_pci_cfg_read8(shim_pci_device *dev, uint16_t off)
{
	return (uint8_t)shim_pci_cfg_read(dev, off, 1);
}

uint16_t shim_pci_cfg_read16(shim_pci_device *dev, uint16_t off)
{
	return (uint16_t)shim_pci_cfg_read(dev, off, 2);
}

uint32_t shim_pci_cfg_read32(shim_pci_device *dev, uint16_t off)
{
	return shim_pci_cfg_read(dev, off, 4);
}

void shim_pci_cfg_write8(shim_pci_device *dev, uint16_t off, uint8_t val)
{
	shim_pci_cfg_write(dev, off, 1, val);
}

void shim_pci_cfg_write16(shim_pci_device *dev, uint16_t off, uint16_t val)
{
	shim_pci_cfg_write(dev, off, 2, val);
}

void shim_pci_cfg_write32(shim_pci_device *dev, uint16_t off, uint32_t val)
{
	shim_pci_cfg_write(dev, off, 4, val);
}

uint8_t shim_pci_find_capability(shim_pci_device *dev, uint8_t cap_id)
{
	uint8_t ptr;

	if (!dev || dev->gone)
		return 0;
	if (!(shim_pci_cfg_read16(dev, SHIM_PCI_STATUS) & SHIM_PCI_STATUS_CAPS))
		return 0;
	ptr = shim_pci_cfg_read8(dev, SHIM_PCI_CAP_PTR) & 0xfc;
	for (int i = 0; i < SHIM_PCI_CAP_WALK_MAX && ptr >= 0x40 && !dev->gone; i++) {
		if (shim_pci_cfg_read8(dev, ptr) == cap_id)
			return ptr;
		ptr = shim_pci_cfg_read8(dev, (uint16_t)(ptr + 1)) & 0xfc;
	}
	return 0;
}

static bool shim_pci_set_command_bit(shim_pci_device *dev, uint16_t bit, bool on)
{
	uint16_t cmd;
	bool was;

	if (!dev || dev->gone)
		return false;
	cmd = shim_pci_cfg_read16(dev, SHIM_PCI_COMMAND);
	if (dev->gone)
		return false;
	was = (cmd & bit) != 0;
	if (was != on)
		shim_pci_cfg_write16(dev, SHIM_PCI_COMMAND,
				     (uint16_t)(on ? (cmd | bit) : (cmd & ~bit)));
	return was;
}

bool shim_pci_set_memory_enable(shim_pci_device *dev, bool on)
{
	return shim_pci_set_command_bit(dev, SHIM_PCI_CMD_MEMORY, on);
}

bool shim_pci_set_io_enable(shim_pci_device *dev, bool on)
{
	return shim_pci_set_command_bit(dev, SHIM_PCI_CMD_IO, on);
}

bool shim_pci_set_bus_master(shim_pci_device *dev, bool on)
{
	return shim_pci_set_command_bit(dev, SHIM_PCI_CMD_MASTER, on);
}

bool shim_pci_check_present(shim_pci_device *dev)
{
	if (!dev || dev->gone)
		return false;
	(void)shim_pci_cfg_read16(dev, SHIM_PCI_VENDOR);
	return !dev->gone;
}

bool shim_pci_is_present(const shim_pci_device *dev)
{
	/* The handle is const for the caller; the gone flag is the shim's own
	 * bookkeeping, updated by the probe read. */
	return shim_pci_check_present((shim_pci_device *)(uintptr_t)dev);
}

unsigned shim_pci_message_interrupt_count(shim_pci_device *dev, enum shim_intr_type *kind)
{
	enum shim_intr_type k = SHIM_INTR_NONE;
	unsigned n = 0;

	if (dev && dev->msix_cap) {
		k = SHIM_INTR_MSIX;
		n = dev->msix_size < SHIM_MSIX_MAX_VECTORS ? dev->msix_size : SHIM_MSIX_MAX_VECTORS;
	} else if (dev && dev->msi_cap) {
		k = SHIM_INTR_MSI;
		n = 1u << ((dev->msi_ctrl >> SHIM_MSI_CTRL_MMC_SHIFT) & 7);
		if (n > SHIM_MSI_MAX_VECTORS)
			n = SHIM_MSI_MAX_VECTORS;
	}
	if (kind)
		*kind = k;
	return n;
}

enum shim_intr_type shim_pci_interrupt_type(shim_pci_device *dev, unsigned index)
{
	enum shim_intr_type kind;

	if (!dev)
		return SHIM_INTR_NONE;
	if (index == 0)
		return dev->intr_pin ? SHIM_INTR_LEGACY : SHIM_INTR_NONE;
	return index <= shim_pci_message_interrupt_count(dev, &kind) ? kind : SHIM_INTR_NONE;
}

shim_ret shim_pci_bar_info(shim_pci_device *dev, unsigned bar, struct shim_pci_bar_info *out)
{
	const struct shim_bar *b;

	if (!dev || !out || bar >= SHIM_PCI_BAR_COUNT)
		return SHIM_ERR_BAD_ARGUMENT;
	*out = (struct shim_pci_bar_info){ SHIM_BAR_TYPE_NONE, false, 0 };
	b = &dev->bar[bar];
	if (b->kind == SHIM_BAR_NONE || !b->assigned)
		return SHIM_ERR_NOT_FOUND;
	out->type = b->kind == SHIM_BAR_MEM32 ? SHIM_BAR_TYPE_MEM32 :
		    b->kind == SHIM_BAR_MEM64 ? SHIM_BAR_TYPE_MEM64 : SHIM_BAR_TYPE_IO;
	out->prefetchable = b->prefetchable;
	out->size = b->size;
	return SHIM_OK;
}
