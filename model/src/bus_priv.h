/* Internals of the in-process bus shared by bus.c (topology, decoding, RAM)
 * and bus_env.c (the env it gives devices: clock, timers, DMA, events). */
#ifndef MODEL_BUS_PRIV_H
#define MODEL_BUS_PRIV_H

#include "model/bus.h"
#include "model_internal.h"

#define MODEL_BUS_QUEUE_LEN 256
#define MODEL_BUS_ERROR_MAX 256

/* One per slot: the env ctx of the device there, and its timer list, so a
 * surprise removal can drop exactly that device's timers. */
struct model_bus_slot {
	model_bus *bus;
	model_device *dev;
	model_timer *timers; /* sorted by deadline, FIFO among equals */
	unsigned index;
};

/* Bounded FIFO bookkeeping; the element arrays live beside it. */
struct model_bus_ring {
	unsigned head, count;
	unsigned long dropped;
};

/* The BAR the last access decoded to (dev NULL: none yet): most accesses
 * go to the same one. It still decodes there while the device's command
 * word and the BAR's config bytes (with the next dword: the high half of a
 * 64-bit BAR) are what they were (a config write or a reset changes them):
 * two small compares where the full decode walks every slot and BAR. */
struct model_bus_decoded {
	model_device *dev;
	unsigned bar;
	bool io;
	uint64_t base, len;
	uint8_t command[2], bars[8];      /* config bytes as they were at the decode */
};

struct model_bus {
	uint8_t *ram;        /* guest RAM below 4 GiB, at 0 */
	struct model_bus_decoded last;
	uint64_t ram_size;
	uint8_t *ram_high;   /* guest RAM above 4 GiB, at MODEL_BUS_HIGH_RAM_BASE (NULL: none) */
	uint64_t ram_high_size;
	uint64_t clock_ns;
	struct model_bus_slot slots[MODEL_BUS_SLOTS];
	struct model_bus_irq irqs[MODEL_BUS_QUEUE_LEN];
	struct model_bus_dma dmas[MODEL_BUS_QUEUE_LEN];
	struct model_bus_ring irq_ring, dma_ring;
	unsigned long device_errors;
	char last_error[MODEL_BUS_ERROR_MAX];
};

extern MODEL_INTERNAL const struct model_env_ops model_bus_env_ops;

/* Host pointer to guest RAM [addr, addr+len), or NULL unless the whole
 * range lies in one of the two RAM regions. */
MODEL_INTERNAL uint8_t *model_bus_ram_ptr(const model_bus *bus, uint64_t addr, uint64_t len);
MODEL_INTERNAL void model_bus_push_irq(model_bus *bus, bool msi, uint32_t id, bool level);
/* Unarm and unlink every timer of the slot. */
MODEL_INTERNAL void model_bus_drop_timers(struct model_bus_slot *slot);

#endif
