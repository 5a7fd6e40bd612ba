/* BAR mappings and the MMIO / port accessors behind them. Every access is
 * bounds- and alignment-checked; failures read all-ones like a master abort. */
#include "machine_internal.h"
#include "shim/alloc.h"

static shim_class shim_mmio_map_class = SHIM_CLASS_INIT("ShimMMIOMap");

static void shim_mmio_map_free(shim_object *obj)
{
	shim_mmio_map *map = (shim_mmio_map *)obj;
	shim_pci_device *dev = map->dev;

	shim_free(map, sizeof(*map));
	shim_pci_device_release(dev);
}

shim_ret shim_pci_map_bar_(shim_pci_device *dev, unsigned bar, shim_mmio_map **out,
			   const char *file, int line)
{
	shim_mmio_map *map;

	if (out != NULL && SHIM_FAULT(SHIM_FAULT_BAR_MAP, file, line)) {
		*out = NULL;
		return SHIM_ERR_NO_RESOURCES;
	}
	if (!dev || !out || bar >= SHIM_PCI_BAR_COUNT) {
		shim_verifier_record_(SHIM_V_BAD_STATE, file, line, "map of BAR %u: bad argument",
				      bar);
		return SHIM_ERR_BAD_ARGUMENT;
	}
	*out = NULL;
	if (dev->gone)
		return SHIM_ERR_NO_DEVICE;
	if (!dev->bar[bar].assigned)
		return SHIM_ERR_NOT_FOUND;
	map = shim_zalloc(sizeof(*map));
	if (!map)
		return SHIM_ERR_NO_MEMORY;
	shim_object_init(&map->obj, &shim_mmio_map_class, shim_mmio_map_free);
	shim_object_retain(&dev->obj);
	map->dev = dev;
	map->bar = bar;
	map->is_io = dev->bar[bar].kind == SHIM_BAR_IO;
	map->base = dev->bar[bar].base;
	map->length = dev->bar[bar].size;
	*out = map;
	return SHIM_OK;
}

void shim_mmio_unmap_(shim_mmio_map *map, const char *file, int line)
{
	if (!map)
		return;
	shim_object_release_(&map->obj, file, line);
}

uint64_t shim_mmio_length(const shim_mmio_map *map)
{
	return map ? map->length : 0;
}

static uint64_t shim_mmio_all_ones(unsigned size)
{
	return size == 8 ? UINT64_MAX : ((uint64_t)1 << (size * 8)) - 1;
}

/* Why an access is refused, recorded: apart from the check below, so that
 * check (every access makes it) stays small enough to inline. */
__attribute__((noinline)) static bool shim_mmio_access_refused(shim_mmio_map *map, uint64_t off,
							       unsigned size, const char *what)
{
	const char *asleep;

	if (!map) {
		SHIM_VERIFY_FAIL(SHIM_V_MMIO_OUT_OF_RANGE, "%s%u on a NULL map", what, size * 8);
		return false;
	}
	if (map->dev->told_gone) {
		SHIM_VERIFY_FAIL(SHIM_V_BAD_STATE,
				 "%s%u at BAR%u+0x%llx of %s after the driver was told the device is "
				 "gone: a removed device's registers are not to be touched",
				 what, size * 8, map->bar, (unsigned long long)off, map->dev->name);
		return false;
	}
	if (map->dev->pm != NULL && (asleep = shim_power_registers_off(map->dev)) != NULL) {
		SHIM_VERIFY_FAIL(SHIM_V_BAD_STATE,
				 "%s%u at BAR%u+0x%llx of %s in power state '%s', which the driver "
				 "acknowledged: a sleeping device's registers are not to be touched",
				 what, size * 8, map->bar, (unsigned long long)off, map->dev->name,
				 asleep);
		return false;
	}
	if (map->base != map->dev->bar[map->bar].base && !map->dev->gone) {
		SHIM_VERIFY_FAIL(SHIM_V_MMIO_OUT_OF_RANGE,
				 "%s%u through a stale mapping of BAR%u of %s: the BAR moved from "
				 "0x%llx to 0x%llx since it was mapped (kept across a stop?)",
				 what, size * 8, map->bar, map->dev->name,
				 (unsigned long long)map->base,
				 (unsigned long long)map->dev->bar[map->bar].base);
		return false;
	}
	if (off > map->length || size > map->length - off || (off & (size - 1)) != 0) {
		SHIM_VERIFY_FAIL(SHIM_V_MMIO_OUT_OF_RANGE,
				 "%s%u at 0x%llx outside or misaligned in BAR%u of %s (length 0x%llx)",
				 what, size * 8, (unsigned long long)off, map->bar,
				 map->dev->name, (unsigned long long)map->length);
		return false;
	}
	return !map->dev->gone;
}

static inline bool shim_mmio_access_ok(shim_mmio_map *map, uint64_t off, unsigned size,
				       const char *what)
{
	if (map != NULL && !map->dev->told_gone &&
	    (map->dev->pm == NULL || shim_power_registers_off(map->dev) == NULL) &&
	    map->base == map->dev->bar[map->bar].base && off <= map->length &&
	    size <= map->length - off && (off & (size - 1)) == 0)
		return !map->dev->gone;
	return shim_mmio_access_refused(map, off, size, what);
}

/* Inlined into each width's entry point, so the size is a constant there
 * (the mask, the alignment test): the path every register read takes. */
static inline __attribute__((always_inline)) uint64_t shim_mmio_read(shim_mmio_map *map,
								     uint64_t off, unsigned size)
{
	uint64_t ones = shim_mmio_all_ones(size);
	uint64_t val = 0;
	uint32_t val32 = 0;
	shim_ret r;

	if (!shim_mmio_access_ok(map, off, size, "read"))
		return ones;
	if (map->is_io) {
		if (size == 8)
			return ones; /* ports are at most 32 bits wide */
		r = shim_hostcall_io_read(map->dev->m, (uint16_t)(map->base + off), size, &val32);
		val = val32;
	} else {
		r = shim_hostcall_mem_read(map->dev->m, map->base + off, size, &val);
	}
	if (r != SHIM_OK)
		return ones;
	val &= ones;
	/* All-ones is also what a removed device answers: find out which. */
	if (val == ones)
		(void)shim_pci_check_present(map->dev);
	return val;
}

static inline __attribute__((always_inline)) void shim_mmio_write(shim_mmio_map *map, uint64_t off,
								  unsigned size, uint64_t val)
{
	if (!shim_mmio_access_ok(map, off, size, "write"))
		return;
	if (map->is_io) {
		if (size < 8)
			(void)shim_hostcall_io_write(map->dev->m, (uint16_t)(map->base + off), size,
						     (uint32_t)val);
		return;
	}
	(void)shim_hostcall_mem_write(map->dev->m, map->base + off, size, val);
}

uint8_t shim_mmio_read8(shim_mmio_map *map, uint64_t off)
{
	return (uint8_t)shim_mmio_read(map, off, 1);
}

uint16_t shim_mmio_read16(shim_mmio_map *map, uint64_t off)
{
	return (uint16_t)shim_mmio_read(map, off, 2);
}

uint32_t shim_mmio_read32(shim_mmio_map *map, uint64_t off)
{
	return (uint32_t)shim_mmio_read(map, off, 4);
}

uint64_t shim_mmio_read64(shim_mmio_map *map, uint64_t off)
{
	return shim_mmio_read(map, off, 8);
}

void shim_mmio_write8(shim_mmio_map *map, uint64_t off, uint8_t val)
{
	shim_mmio_write(map, off, 1, val);
}

void shim_mmio_write16(shim_mmio_map *map, uint64_t off, uint16_t val)
{
	shim_mmio_write(map, off, 2, val);
}

void shim_mmio_write32(shim_mmio_map *map, uint64_t off, uint32_t val)
{
	shim_mmio_write(map, off, 4, val);
}

void shim_mmio_write64(shim_mmio_map *map, uint64_t off, uint64_t val)
{
	shim_mmio_write(map, off, 8, val);
}
