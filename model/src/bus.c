/* The in-process PCI bus: guest RAM, 32 single-function slots on bus 0,
 * config access, and CPU memory/I/O accesses decoded to RAM, to BARs
 * (against the programmed bases and command bits) or to the MSI window. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "bus_priv.h"
#include "device_priv.h"

#define IO_PORT_LIMIT 0x10000ull

model_bus *model_bus_create(uint64_t ram_size)
{
	return model_bus_create_split(ram_size, 0);
}

static uint8_t *ram_map(uint64_t size)
{
	void *p = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void ram_unmap(uint8_t *p, uint64_t size)
{
	if (p)
		munmap(p, (size_t)size);
}

model_bus *model_bus_create_split(uint64_t ram_size, uint64_t high_size)
{
	model_bus *bus;

	if (ram_size > MODEL_BUS_LOW_RAM_MAX || high_size > SIZE_MAX ||
	    high_size > UINT64_MAX - MODEL_BUS_HIGH_RAM_BASE)
		return NULL;
	bus = calloc(1, sizeof(*bus));
	if (!bus)
		return NULL;
	/* Anonymous pages: those the guest never touches cost nothing, also to
	 * free (a malloc'd block would be written over on free under
	 * MALLOC_PERTURB_, which meson sets for every test: 64 MiB a machine). */
	bus->ram = ram_map(ram_size ? ram_size : 1);
	bus->ram_high = high_size ? ram_map(high_size) : NULL;
	if (!bus->ram || (high_size && !bus->ram_high)) {
		ram_unmap(bus->ram, ram_size ? ram_size : 1);
		ram_unmap(bus->ram_high, high_size);
		free(bus);
		return NULL;
	}
	bus->ram_size = ram_size;
	bus->ram_high_size = high_size;
	for (unsigned i = 0; i < MODEL_BUS_SLOTS; i++)
		bus->slots[i] = (struct model_bus_slot){ .bus = bus, .index = i };
	return bus;
}

void model_bus_destroy(model_bus *bus)
{
	if (!bus)
		return;
	for (unsigned i = 0; i < MODEL_BUS_SLOTS; i++)
		model_device_destroy(model_bus_detach(bus, i));
	ram_unmap(bus->ram, bus->ram_size ? bus->ram_size : 1);
	ram_unmap(bus->ram_high, bus->ram_high_size);
	free(bus);
}

uint64_t model_bus_ram_size(const model_bus *bus)
{
	return bus->ram_size;
}

uint64_t model_bus_ram_high_size(const model_bus *bus)
{
	return bus->ram_high_size;
}

/* Inline on the access path (every MMIO access asks it first). */
static inline uint8_t *ram_ptr(const model_bus *bus, uint64_t addr, uint64_t len)
{
	if (addr <= bus->ram_size && len <= bus->ram_size - addr)
		return bus->ram + addr;
	if (bus->ram_high && addr >= MODEL_BUS_HIGH_RAM_BASE &&
	    addr - MODEL_BUS_HIGH_RAM_BASE <= bus->ram_high_size &&
	    len <= bus->ram_high_size - (addr - MODEL_BUS_HIGH_RAM_BASE))
		return bus->ram_high + (addr - MODEL_BUS_HIGH_RAM_BASE);
	return NULL;
}

uint8_t *model_bus_ram_ptr(const model_bus *bus, uint64_t addr, uint64_t len)
{
	return ram_ptr(bus, addr, len);
}

void *model_bus_ram_map(model_bus *bus, uint64_t addr, uint64_t len)
{
	return model_bus_ram_ptr(bus, addr, len);
}

bool model_bus_attach(model_bus *bus, unsigned slot, model_device *dev)
{
	if (slot >= MODEL_BUS_SLOTS || !dev || bus->slots[slot].dev)
		return false;
	bus->slots[slot].dev = dev;
	model_device_attach_env(dev, (struct model_env){ &model_bus_env_ops, &bus->slots[slot] });
	return true;
}

model_device *model_bus_detach(model_bus *bus, unsigned slot)
{
	model_device *dev;

	if (slot >= MODEL_BUS_SLOTS || !bus->slots[slot].dev)
		return NULL;
	dev = bus->slots[slot].dev;
	/* A removed function stops driving its pin. */
	if (model_intx_effective(dev))
		model_bus_push_irq(bus, false,
				   model_bus_intx_line(slot, dev->config[MODEL_PCI_INT_PIN]), false);
	model_bus_drop_timers(&bus->slots[slot]);
	bus->slots[slot].dev = NULL;
	if (bus->last.dev == dev)
		bus->last.dev = NULL; /* it is about to go away */
	model_device_attach_env(dev, (struct model_env){ NULL, NULL });
	return dev;
}

model_device *model_bus_device(model_bus *bus, unsigned slot)
{
	return slot < MODEL_BUS_SLOTS ? bus->slots[slot].dev : NULL;
}

uint32_t model_bus_intx_line(unsigned slot, uint8_t pin)
{
	return 20u + (slot + pin + 3u) % 4u;
}

static uint32_t ones(unsigned size)
{
	return (size == 1 || size == 2) ? (1u << (8 * size)) - 1 : 0xffffffffu;
}

static model_device *cfg_target(model_bus *bus, unsigned slot, unsigned fn)
{
	return (slot < MODEL_BUS_SLOTS && fn == 0) ? bus->slots[slot].dev : NULL;
}

uint32_t model_bus_cfg_read(model_bus *bus, unsigned slot, unsigned fn, uint16_t off, unsigned size)
{
	model_device *dev = cfg_target(bus, slot, fn);

	return dev ? model_config_read(dev, off, size) : ones(size);
}

void model_bus_cfg_write(model_bus *bus, unsigned slot, unsigned fn, uint16_t off, uint32_t val,
			 unsigned size)
{
	model_device *dev = cfg_target(bus, slot, fn);

	if (dev)
		model_config_write(dev, off, val, size);
}

struct bar_hit {
	model_device *dev;
	unsigned bar;
	uint64_t off;
};

static bool within(uint64_t addr, unsigned size, uint64_t base, uint64_t len)
{
	return addr >= base && addr - base < len && size <= len - (addr - base);
}

static unsigned bar_off(unsigned bar)
{
	return MODEL_PCI_BAR0 + 4u * bar;
}

/* The last decoded BAR, if the access falls in it and the config that
 * decided it is unchanged (a detach forgets it: bus->last.dev is NULL). */
static bool decode_again(model_bus *bus, uint64_t addr, unsigned size, bool io,
			 struct bar_hit *hit)
{
	const struct model_bus_decoded *l = &bus->last;

	if (l->dev == NULL || l->io != io || !within(addr, size, l->base, l->len) ||
	    memcmp(l->dev->config + MODEL_PCI_COMMAND, l->command, sizeof(l->command)) != 0 ||
	    memcmp(l->dev->config + bar_off(l->bar), l->bars, sizeof(l->bars)) != 0)
		return false;
	*hit = (struct bar_hit){ l->dev, l->bar, addr - l->base };
	return true;
}

static void decode_remember(model_bus *bus, model_device *dev, unsigned b, bool io,
			    uint64_t base, uint64_t len)
{
	bus->last = (struct model_bus_decoded){
		.dev = dev, .bar = b, .io = io, .base = base, .len = len,
	};
	/* BAR5's next dword is still config space (CardBus CIS pointer). */
	memcpy(bus->last.command, dev->config + MODEL_PCI_COMMAND, sizeof(bus->last.command));
	memcpy(bus->last.bars, dev->config + bar_off(b), sizeof(bus->last.bars));
}

/* The search over every slot and BAR, apart so the common case (the BAR
 * decoded last, decode below) stays small enough to inline. */
__attribute__((noinline)) static bool decode_search(model_bus *bus, uint64_t addr, unsigned size,
						    bool io, struct bar_hit *hit)
{
	uint16_t need = io ? MODEL_PCI_CMD_IO : MODEL_PCI_CMD_MEMORY;

	for (unsigned s = 0; s < MODEL_BUS_SLOTS; s++) {
		model_device *dev = bus->slots[s].dev;
		if (!dev || !(model_device_command(dev) & need))
			continue;
		for (unsigned b = 0; b < MODEL_BAR_COUNT; b++) {
			enum model_bar_kind k = dev->bars[b].kind;
			uint64_t base = model_device_bar_base(dev, b), len = dev->bars[b].size;
			if (k == MODEL_BAR_NONE || (k == MODEL_BAR_IO) != io || base == 0)
				continue;
			if (io && base + len > IO_PORT_LIMIT)
				continue;
			if (within(addr, size, base, len)) {
				*hit = (struct bar_hit){ dev, b, addr - base };
				decode_remember(bus, dev, b, io, base, len);
				return true;
			}
		}
	}
	return false;
}

/* Find the BAR that wholly contains [addr, addr+size) in the given space. */
static inline bool decode(model_bus *bus, uint64_t addr, unsigned size, bool io,
			  struct bar_hit *hit)
{
	return decode_again(bus, addr, size, io, hit) || decode_search(bus, addr, size, io, hit);
}

static bool valid_size(unsigned size)
{
	return size == 1 || size == 2 || size == 4 || size == 8;
}

uint64_t model_bus_mem_read(model_bus *bus, uint64_t addr, unsigned size)
{
	struct bar_hit hit;
	uint64_t v = 0;

	uint8_t *ram;

	if (!valid_size(size))
		return 0;
	if ((ram = ram_ptr(bus, addr, size)) != NULL) {
		for (unsigned i = 0; i < size; i++)
			v |= (uint64_t)ram[i] << (8 * i);
		return v;
	}
	if (decode(bus, addr, size, false, &hit))
		return model_device_bar_read(hit.dev, hit.bar, hit.off, size);
	return 0;
}

static bool in_msi_window(uint64_t addr, uint64_t len)
{
	return addr >= MODEL_BUS_MSI_WINDOW && addr - MODEL_BUS_MSI_WINDOW < MODEL_BUS_MSI_WINDOW_SIZE &&
	       len <= MODEL_BUS_MSI_WINDOW_SIZE - (addr - MODEL_BUS_MSI_WINDOW);
}

void model_bus_mem_write(model_bus *bus, uint64_t addr, uint64_t val, unsigned size)
{
	struct bar_hit hit;
	uint8_t *ram;

	if (!valid_size(size))
		return;
	if ((ram = ram_ptr(bus, addr, size)) != NULL) {
		for (unsigned i = 0; i < size; i++)
			ram[i] = (uint8_t)(val >> (8 * i));
	} else if (decode(bus, addr, size, false, &hit)) {
		model_device_bar_write(hit.dev, hit.bar, hit.off, val, size);
	} else if (size == 4 && in_msi_window(addr, size)) {
		model_bus_push_irq(bus, true, (uint32_t)val, true);
	}
}

/* An I/O port with nothing behind it floats high, as on x86. */
uint32_t model_bus_io_read(model_bus *bus, uint16_t port, unsigned size)
{
	struct bar_hit hit;

	if (size != 1 && size != 2 && size != 4)
		return 0xffffffffu;
	if (decode(bus, port, size, true, &hit) && hit.dev->ops->bar_read)
		return (uint32_t)hit.dev->ops->bar_read(hit.dev, hit.bar, hit.off, size) & ones(size);
	return ones(size);
}

void model_bus_io_write(model_bus *bus, uint16_t port, uint32_t val, unsigned size)
{
	struct bar_hit hit;

	if (size != 1 && size != 2 && size != 4)
		return;
	if (decode(bus, port, size, true, &hit) && hit.dev->ops->bar_write)
		hit.dev->ops->bar_write(hit.dev, hit.bar, hit.off, val & ones(size), size);
}

bool model_bus_ram_read(model_bus *bus, uint64_t addr, void *buf, size_t len)
{
	uint8_t *ram = model_bus_ram_ptr(bus, addr, len);

	if (!ram)
		return false;
	if (len)
		memcpy(buf, ram, len);
	return true;
}

bool model_bus_ram_write(model_bus *bus, uint64_t addr, const void *buf, size_t len)
{
	uint8_t *ram = model_bus_ram_ptr(bus, addr, len);

	if (!ram)
		return false;
	if (len)
		memcpy(ram, buf, len);
	return true;
}

unsigned long model_bus_device_errors(const model_bus *bus)
{
	return bus->device_errors;
}

const char *model_bus_last_device_error(const model_bus *bus)
{
	return bus->last_error;
}
