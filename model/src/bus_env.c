/* What the in-process bus gives its devices (struct model_env): a virtual
 * clock with per-slot timer lists, range-checked DMA into guest RAM, INTx
 * lines and device errors; plus the bounded event queues tests observe. */
#include <inttypes.h>
#include <stdio.h>

#include "bus_priv.h"
#include "device_priv.h"
#include "model/timer_list.h"

/* ---- event queues ------------------------------------------------------ */

/* Returns the index to fill, or -1 when full (the event is counted lost). */
static int ring_push(struct model_bus_ring *r)
{
	if (r->count == MODEL_BUS_QUEUE_LEN) {
		r->dropped++;
		return -1;
	}
	return (int)((r->head + r->count++) % MODEL_BUS_QUEUE_LEN);
}

static int ring_pop(struct model_bus_ring *r)
{
	int i;

	if (!r->count)
		return -1;
	i = (int)r->head;
	r->head = (r->head + 1) % MODEL_BUS_QUEUE_LEN;
	r->count--;
	return i;
}

void model_bus_push_irq(model_bus *bus, bool msi, uint32_t id, bool level)
{
	int i = ring_push(&bus->irq_ring);

	if (i >= 0)
		bus->irqs[i] = (struct model_bus_irq){ .msi = msi, .id = id, .level = level };
}

static void push_dma(model_bus *bus, unsigned slot, uint64_t addr, uint64_t len, bool to_memory)
{
	int i = ring_push(&bus->dma_ring);

	if (i >= 0)
		bus->dmas[i] = (struct model_bus_dma){ slot, addr, len, to_memory };
}

bool model_bus_irq_next(model_bus *bus, struct model_bus_irq *ev)
{
	int i = ring_pop(&bus->irq_ring);

	if (i < 0)
		return false;
	*ev = bus->irqs[i];
	return true;
}

bool model_bus_dma_next(model_bus *bus, struct model_bus_dma *ev)
{
	int i = ring_pop(&bus->dma_ring);

	if (i < 0)
		return false;
	*ev = bus->dmas[i];
	return true;
}

unsigned long model_bus_irq_dropped(const model_bus *bus)
{
	return bus->irq_ring.dropped;
}

unsigned long model_bus_dma_dropped(const model_bus *bus)
{
	return bus->dma_ring.dropped;
}

/* ---- virtual clock and timers ------------------------------------------ */

uint64_t model_bus_clock_ns(const model_bus *bus)
{
	return bus->clock_ns;
}

static void unlink_timer(struct model_bus_slot *s, model_timer *t)
{
	model_timer_list_remove(&s->timers, t);
}

void model_bus_drop_timers(struct model_bus_slot *slot)
{
	while (slot->timers)
		unlink_timer(slot, slot->timers);
}

/* The slot whose earliest timer is due first (lowest slot wins a tie). */
static struct model_bus_slot *earliest(const model_bus *bus)
{
	struct model_bus_slot *best = NULL;

	for (unsigned i = 0; i < MODEL_BUS_SLOTS; i++) {
		struct model_bus_slot *s = (struct model_bus_slot *)&bus->slots[i];
		if (s->timers && (!best || s->timers->expire_ns < best->timers->expire_ns))
			best = s;
	}
	return best;
}

uint64_t model_bus_next_deadline(const model_bus *bus)
{
	struct model_bus_slot *s = earliest(bus);

	return s ? s->timers->expire_ns : UINT64_MAX;
}

uint64_t model_bus_run_until(model_bus *bus, uint64_t until_ns)
{
	struct model_bus_slot *s = earliest(bus);

	if (s && s->timers->expire_ns <= until_ns) {
		model_timer *t = s->timers;
		if (t->expire_ns > bus->clock_ns)
			bus->clock_ns = t->expire_ns;
		unlink_timer(s, t);
		/* One timer per call: the caller looks for interrupts in between. */
		t->cb(t->opaque);
		return bus->clock_ns;
	}
	if (until_ns > bus->clock_ns)
		bus->clock_ns = until_ns;
	return bus->clock_ns;
}

static uint64_t env_clock_ns(void *ctx)
{
	return ((struct model_bus_slot *)ctx)->bus->clock_ns;
}

static void env_timer_del(void *ctx, model_timer *t)
{
	unlink_timer(ctx, t);
}

static void env_timer_mod(void *ctx, model_timer *t, uint64_t expire_ns)
{
	model_timer_list_insert(&((struct model_bus_slot *)ctx)->timers, t, expire_ns);
}

/* ---- DMA, INTx and device errors --------------------------------------- */

static void env_device_error(void *ctx, model_device *dev, const char *msg)
{
	struct model_bus_slot *s = ctx;
	model_bus *bus = s->bus;
	const char *name = dev && dev->ops && dev->ops->name ? dev->ops->name : "device";

	bus->device_errors++;
	snprintf(bus->last_error, sizeof(bus->last_error), "slot %u (%s): %s", s->index, name, msg);
}

static bool dma_in_ram(struct model_bus_slot *s, model_device *dev, uint64_t addr, size_t len,
		       const char *what)
{
	if (model_bus_ram_ptr(s->bus, addr, len))
		return true;
	model_device_error(dev, "DMA %s outside RAM: 0x%" PRIx64 "+0x%zx (RAM 0x%" PRIx64
			   ", above 4 GiB 0x%" PRIx64 ")", what, addr, len, s->bus->ram_size,
			   s->bus->ram_high_size);
	return false;
}

static bool env_dma_read(void *ctx, model_device *dev, uint64_t addr, void *buf, size_t len)
{
	struct model_bus_slot *s = ctx;

	if (!dma_in_ram(s, dev, addr, len, "read"))
		return false;
	model_bus_ram_read(s->bus, addr, buf, len);
	push_dma(s->bus, s->index, addr, len, false);
	return true;
}

/* A 4-byte write into the MSI window is an interrupt message, not DMA. */
static bool env_dma_write(void *ctx, model_device *dev, uint64_t addr, const void *buf, size_t len)
{
	struct model_bus_slot *s = ctx;

	if (len == 4 && addr >= MODEL_BUS_MSI_WINDOW &&
	    addr - MODEL_BUS_MSI_WINDOW <= MODEL_BUS_MSI_WINDOW_SIZE - 4) {
		model_bus_push_irq(s->bus, true, model_le_get(buf, 4), true);
		return true;
	}
	if (!dma_in_ram(s, dev, addr, len, "write"))
		return false;
	model_bus_ram_write(s->bus, addr, buf, len);
	push_dma(s->bus, s->index, addr, len, true);
	return true;
}

static void env_set_intx(void *ctx, model_device *dev, bool level)
{
	struct model_bus_slot *s = ctx;

	model_bus_push_irq(s->bus, false, model_bus_intx_line(s->index, dev->config[MODEL_PCI_INT_PIN]),
			   level);
}

const struct model_env_ops model_bus_env_ops = {
	.clock_ns = env_clock_ns,
	.timer_mod = env_timer_mod,
	.timer_del = env_timer_del,
	.dma_read = env_dma_read,
	.dma_write = env_dma_write,
	.set_intx = env_set_intx,
	.device_error = env_device_error,
};
