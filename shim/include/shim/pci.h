/* The PCI device a driver is matched to (IOPCIDevice's role). */
#ifndef SHIM_PCI_H
#define SHIM_PCI_H

#include "shim/types.h"

typedef struct shim_pci_device shim_pci_device;
typedef struct shim_mmio_map shim_mmio_map;

uint16_t shim_pci_vendor_id(const shim_pci_device *dev);
uint16_t shim_pci_device_id(const shim_pci_device *dev);
/* 24-bit class code (class << 16 | subclass << 8 | programming interface). */
uint32_t shim_pci_class_code(const shim_pci_device *dev);
/* "bb:dd.f" for logs; storage owned by dev. */
const char *shim_pci_name(const shim_pci_device *dev);

/* Config space. A device that has gone away reads all-ones and drops writes. */
uint8_t shim_pci_cfg_read8(shim_pci_device *dev, uint16_t off);
uint16_t shim_pci_cfg_read16(shim_pci_device *dev, uint16_t off);
uint32_t shim_pci_cfg_read32(shim_pci_device *dev, uint16_t off);
void shim_pci_cfg_write8(shim_pci_device *dev, uint16_t off, uint8_t val);
void shim_pci_cfg_write16(shim_pci_device *dev, uint16_t off, uint16_t val);
void shim_pci_cfg_write32(shim_pci_device *dev, uint16_t off, uint32_t val);
/* Offset of the first capability with this ID, 0 if none. */
uint8_t shim_pci_find_capability(shim_pci_device *dev, uint8_t cap_id);

/* Enables return the previous state, as IOPCIDevice's do. */
bool shim_pci_set_memory_enable(shim_pci_device *dev, bool on);
bool shim_pci_set_io_enable(shim_pci_device *dev, bool on);
bool shim_pci_set_bus_master(shim_pci_device *dev, bool on);
/* False once the device has been removed (surprise removal). */
bool shim_pci_is_present(const shim_pci_device *dev);

/* What BAR `bar` (0..5) decodes, before mapping it: its kind and size as
 * the firmware sized it. SHIM_ERR_NOT_FOUND for a BAR that is not
 * implemented (the upper half of a 64-bit BAR included) or got no address. */
enum shim_bar_type { SHIM_BAR_TYPE_NONE = 0, SHIM_BAR_TYPE_MEM32, SHIM_BAR_TYPE_MEM64,
		     SHIM_BAR_TYPE_IO };
struct shim_pci_bar_info {
	enum shim_bar_type type;
	bool prefetchable;
	uint64_t size;      /* bytes */
};
shim_ret shim_pci_bar_info(shim_pci_device *dev, unsigned bar, struct shim_pci_bar_info *out);

/* BAR mapping by index (0..5). The map is a counted object: unmap it. */
shim_ret shim_pci_map_bar_(shim_pci_device *dev, unsigned bar, shim_mmio_map **out,
			   const char *file, int line);
void shim_mmio_unmap_(shim_mmio_map *map, const char *file, int line);
#define shim_pci_map_bar(d, b, o) shim_pci_map_bar_((d), (b), (o), __FILE__, __LINE__)
#define shim_mmio_unmap(m) shim_mmio_unmap_((m), __FILE__, __LINE__)
uint64_t shim_mmio_length(const shim_mmio_map *map);

/* MMIO accessors. An access outside the map or misaligned is a verifier
 * record and reads all-ones; a removed device reads all-ones. */
uint8_t shim_mmio_read8(shim_mmio_map *map, uint64_t off);
uint16_t shim_mmio_read16(shim_mmio_map *map, uint64_t off);
uint32_t shim_mmio_read32(shim_mmio_map *map, uint64_t off);
uint64_t shim_mmio_read64(shim_mmio_map *map, uint64_t off);
void shim_mmio_write8(shim_mmio_map *map, uint64_t off, uint8_t val);
void shim_mmio_write16(shim_mmio_map *map, uint64_t off, uint16_t val);
void shim_mmio_write32(shim_mmio_map *map, uint64_t off, uint32_t val);
void shim_mmio_write64(shim_mmio_map *map, uint64_t off, uint64_t val);

/* Interrupt indexes, as IOPCIFamily numbers them: 0 is legacy INTx (if the
 * device has a pin); 1 and up are message vectors, MSI-X table entries
 * 0, 1, ... when the device has an MSI-X capability (preferred, as the
 * family does), else MSI vectors. Registering a message index turns INTx
 * off on the device. MSI-X vectors are masked in the device's table while
 * their source is disabled: one raised meanwhile stays pending there and
 * arrives on enable. */
enum shim_intr_type { SHIM_INTR_NONE = 0, SHIM_INTR_LEGACY = 1, SHIM_INTR_MSI = 2,
		      SHIM_INTR_MSIX = 3 };
enum shim_intr_type shim_pci_interrupt_type(shim_pci_device *dev, unsigned index);
/* How many message indexes (1..n) the device offers, and their kind
 * (SHIM_INTR_MSIX or SHIM_INTR_MSI; SHIM_INTR_NONE and 0 without either).
 * kind may be NULL. */
unsigned shim_pci_message_interrupt_count(shim_pci_device *dev, enum shim_intr_type *kind);

#endif
