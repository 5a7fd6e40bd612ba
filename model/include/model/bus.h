/* The in-process PCI bus: guest RAM, up to 32 slots on bus 0, BAR decoding
 * against the programmed bases and the command register, a virtual clock
 * with timers, an interrupt-controller window that turns MSI writes into
 * vector numbers, and INTx lines. This is the machine the sim host drives. */
#ifndef MODEL_BUS_H
#define MODEL_BUS_H

#include "model/device.h"

#define MODEL_BUS_SLOTS 32
/* MSI writes landing here are interrupts, not RAM: data = vector. */
#define MODEL_BUS_MSI_WINDOW 0xfee00000ull
#define MODEL_BUS_MSI_WINDOW_SIZE 0x100000ull

typedef struct model_bus model_bus;

struct model_bus_irq {
	bool msi;       /* true: MSI vector; false: INTx line change */
	uint32_t id;    /* MSI data, or INTx line number */
	bool level;
};

struct model_bus_dma {
	unsigned slot;
	uint64_t addr, len;
	bool to_memory;
};

/* RAM above 4 GiB starts here, as on q35 and pc when RAM does not fit below. */
#define MODEL_BUS_HIGH_RAM_BASE 0x100000000ull

/* ram_size bytes of guest RAM at 0 (it must end below the BAR windows:
 * at most MODEL_BUS_LOW_RAM_MAX). */
#define MODEL_BUS_LOW_RAM_MAX 0xc0000000ull
model_bus *model_bus_create(uint64_t ram_size);
/* The same plus high_size bytes at MODEL_BUS_HIGH_RAM_BASE (0: none), so
 * DMA addresses above 32 bits exist. Both regions are allocated lazily
 * (untouched pages cost nothing). NULL when a size is out of range or on
 * no memory. */
model_bus *model_bus_create_split(uint64_t ram_size, uint64_t high_size);
uint64_t model_bus_ram_high_size(const model_bus *bus);
/* A CPU pointer to guest RAM [addr, addr+len) that stays valid as long as
 * the bus (the sim host's mapping of RAM for drivers), or NULL when the
 * range is not wholly inside one RAM region. Accesses through it are not
 * DMA: the bus observes none of them. */
void *model_bus_ram_map(model_bus *bus, uint64_t addr, uint64_t len);
/* Destroys the attached devices too. */
void model_bus_destroy(model_bus *bus);
uint64_t model_bus_ram_size(const model_bus *bus);

/* Attach takes ownership; detach (surprise removal) returns it without
 * destroying, after which the slot reads all-ones. */
bool model_bus_attach(model_bus *bus, unsigned slot, model_device *dev);
model_device *model_bus_detach(model_bus *bus, unsigned slot);
model_device *model_bus_device(model_bus *bus, unsigned slot);
/* INTx line (IOAPIC input) of a slot, pin 1..4 = INTA..INTD, as QEMU q35 routes
 * root-bus slots: 20 + ((slot + pin - 1) % 4); edu in slot 4 is on 20. */
uint32_t model_bus_intx_line(unsigned slot, uint8_t pin);

uint32_t model_bus_cfg_read(model_bus *bus, unsigned slot, unsigned fn, uint16_t off, unsigned size);
void model_bus_cfg_write(model_bus *bus, unsigned slot, unsigned fn, uint16_t off, uint32_t val,
			 unsigned size);
/* CPU accesses: RAM, decoded BARs (memory decode on), MSI window; else reads 0. */
uint64_t model_bus_mem_read(model_bus *bus, uint64_t addr, unsigned size);
void model_bus_mem_write(model_bus *bus, uint64_t addr, uint64_t val, unsigned size);
uint32_t model_bus_io_read(model_bus *bus, uint16_t port, unsigned size);
void model_bus_io_write(model_bus *bus, uint16_t port, uint32_t val, unsigned size);
/* RAM accesses (either region); false (nothing moved) outside RAM. */
bool model_bus_ram_read(model_bus *bus, uint64_t addr, void *buf, size_t len);
bool model_bus_ram_write(model_bus *bus, uint64_t addr, const void *buf, size_t len);

/* Virtual clock. run_until fires due timers in order and stops at the first
 * fired timer, or at until_ns with nothing due; returns the new time. */
uint64_t model_bus_clock_ns(const model_bus *bus);
uint64_t model_bus_next_deadline(const model_bus *bus); /* UINT64_MAX if none */
uint64_t model_bus_run_until(model_bus *bus, uint64_t until_ns);

/* Observed events, oldest first; false when none. */
bool model_bus_irq_next(model_bus *bus, struct model_bus_irq *ev);
bool model_bus_dma_next(model_bus *bus, struct model_bus_dma *ev);
/* Events lost because a queue was full (queues are bounded rings). */
unsigned long model_bus_irq_dropped(const model_bus *bus);
unsigned long model_bus_dma_dropped(const model_bus *bus);

/* Device errors reported by models (counted; last message kept). */
unsigned long model_bus_device_errors(const model_bus *bus);
const char *model_bus_last_device_error(const model_bus *bus);

#endif
