/* Factorial: a sample driver for QEMU's edu device, written against the
 * drvbench shim alone. The device computes n! and signals completion with
 * an MSI; a user client starts it and either returns at once, the result
 * going back to the client as an async completion delivered from the
 * interrupt action on the work loop, or waits on the work loop for it. Power: off and on. Going off fails the request
 * in flight and silences the device. Coming back on restores the interrupt
 * enable that the device lost with its context. */
#include "factorial.h"
#include "shim/alloc.h"
#include "shim/log.h"
#include "shim/pci.h"
#include "shim/power.h"
#include "shim/userclient.h"
#include "shim/workloop.h"

/* edu's registers (BAR0, 32-bit accesses). */
#define REG_ID 0x00u        /* 0x010000ed: version 1, magic 0xed */
#define REG_LIVENESS 0x04u  /* reads back ~(last value written) */
#define REG_FACTORIAL 0x08u /* write n to start; reads n! once done */
#define REG_STATUS 0x20u
#define REG_IRQ_STATUS 0x24u
#define REG_IRQ_ACK 0x64u
#define STATUS_IRQ_FACT 0x80u /* raise IRQ_FACT when a factorial is done */
#define IRQ_FACT 0x01u
#define ID_MAGIC_MASK 0xffu
#define ID_MAGIC 0xedu
#define ALL_ONES 0xffffffffu /* what a removed device reads */

#define FACT_CLASS "org_drvbench_example_factorial"
#define FACT_MAX_MSI_INDEX 8u
#define FACT_WAIT_NS 1000000000ull /* the engine takes microseconds; a second is a dead one */

struct fact {
	shim_object obj; /* counted: a leaked instance shows in its class */
	shim_pci_device *dev;
	shim_mmio_map *bar0;
	shim_intr_source *intr;
	shim_workloop *wl;
	uint32_t irq_status;  /* causes the filter acknowledged, for the action */
	bool busy;            /* the engine is computing */
	bool asleep;          /* powered off: requests are refused */
	shim_uc *waiter;      /* the connection waiting for the engine, or NULL */
	shim_uc_async *reply; /* its completion, retained until delivered */
	bool waiting;         /* a synchronous call sleeps on the loop for the engine */
	shim_ret wait_status;
	uint32_t wait_result;
};

static shim_class fact_class = SHIM_CLASS_INIT(FACT_CLASS);

static void fact_free(shim_object *obj)
{
	shim_free(obj, sizeof(struct fact)); /* obj is the first member */
}

static uint32_t rd(struct fact *f, uint32_t reg)
{
	return shim_mmio_read32(f->bar0, reg);
}

static void wr(struct fact *f, uint32_t reg, uint32_t val)
{
	shim_mmio_write32(f->bar0, reg, val);
}

/* Hands the result to whoever waits: wakes a synchronous caller, or
 * queues an async client's completion on the work loop and forgets it. */
static void fact_reply(struct fact *f, shim_ret status, uint32_t result)
{
	uint64_t v = result;

	if (f->waiting) {
		f->waiting = false;
		f->wait_status = status;
		f->wait_result = result;
		shim_workloop_wakeup(f->wl, f);
	}
	if (f->reply == NULL)
		return;
	(void)shim_uc_async_complete(f->reply, status, &v, status == SHIM_OK ? 1 : 0);
	shim_uc_async_release(f->reply);
	f->reply = NULL;
	f->waiter = NULL;
}

/* ---- interrupts ---- */

/* Primary interrupt context: acknowledge the device and note why. */
static bool fact_filter(void *owner, shim_intr_source *src)
{
	struct fact *f = owner;
	uint32_t status = rd(f, REG_IRQ_STATUS);

	(void)src;
	if (status == 0 || status == ALL_ONES)
		return false; /* not ours, or the device is gone */
	wr(f, REG_IRQ_ACK, status);
	f->irq_status |= status;
	return true;
}

/* On the work loop: the engine is done; the result goes to whoever waits. */
static void fact_action(void *owner, shim_intr_source *src, int count)
{
	struct fact *f = owner;
	uint32_t status = f->irq_status;

	(void)src;
	(void)count;
	f->irq_status = 0;
	if ((status & IRQ_FACT) == 0)
		return;
	f->busy = false;
	fact_reply(f, SHIM_OK, rd(f, REG_FACTORIAL));
}

/* The first MSI vector (index 1 and up); 0 when the device has none. */
static unsigned fact_msi_index(shim_pci_device *dev)
{
	for (unsigned i = 1; i <= FACT_MAX_MSI_INDEX; i++)
		if (shim_pci_interrupt_type(dev, i) == SHIM_INTR_MSI)
			return i;
	return 0;
}

/* ---- user client ---- */

static shim_ret m_read_id(shim_uc *uc, struct shim_uc_args *a)
{
	struct fact *f = shim_uc_service_context(uc);
	uint32_t id;

	if (f->asleep)
		return SHIM_ERR_NOT_READY;
	id = rd(f, REG_ID);
	if (id == ALL_ONES)
		return SHIM_ERR_NO_DEVICE;
	a->scalar_out[0] = id;
	a->scalar_out_written = 1;
	return SHIM_OK;
}

/* Starts the engine and returns; fact_action completes the call. */
static shim_ret m_compute_async(shim_uc *uc, struct shim_uc_args *a)
{
	struct fact *f = shim_uc_service_context(uc);

	if (a->async == NULL || a->scalar_in[0] > FACTORIAL_MAX_N)
		return SHIM_ERR_BAD_ARGUMENT;
	if (f->asleep)
		return SHIM_ERR_NOT_READY;
	if (f->busy)
		return SHIM_ERR_BUSY;
	f->busy = true;
	f->waiter = uc;
	f->reply = shim_uc_async_retain(a->async);
	wr(f, REG_FACTORIAL, (uint32_t)a->scalar_in[0]);
	return SHIM_OK;
}

/* Starts the engine and waits on the work loop until the interrupt action
 * (or a sleep, a removal, a stop) hands over the result. */
static shim_ret m_compute(shim_uc *uc, struct shim_uc_args *a)
{
	struct fact *f = shim_uc_service_context(uc);
	shim_ret r;

	if (a->scalar_in[0] > FACTORIAL_MAX_N)
		return SHIM_ERR_BAD_ARGUMENT;
	if (f->asleep)
		return SHIM_ERR_NOT_READY;
	if (f->busy)
		return SHIM_ERR_BUSY;
	f->busy = true;
	f->waiting = true;
	shim_object_retain(&f->obj); /* stop may run while this call waits */
	wr(f, REG_FACTORIAL, (uint32_t)a->scalar_in[0]);
	r = shim_workloop_sleep(f->wl, f, FACT_WAIT_NS);
	if (r == SHIM_OK)
		r = f->wait_status;
	if (f->waiting) { /* timed out: the engine's answer is lost */
		f->waiting = false;
		f->busy = false;
	}
	if (r == SHIM_OK) {
		a->scalar_out[0] = f->wait_result;
		a->scalar_out_written = 1;
	}
	shim_object_release(&f->obj);
	return r;
}

/* The client is gone, so nobody can receive its completion. The engine
 * finishes by itself, and the action then finds no one waiting. */
static void uc_close(shim_uc *uc, bool client_died)
{
	struct fact *f = shim_uc_service_context(uc);

	(void)client_died;
	if (f->waiter == uc) {
		shim_uc_async_release(f->reply);
		f->reply = NULL;
		f->waiter = NULL;
	}
}

static const struct shim_uc_method fact_methods[FACTORIAL_SELECTOR_COUNT] = {
	[FACTORIAL_READ_ID] = { .name = "read_id", .fn = m_read_id, .scalar_out_count = 1 },
	[FACTORIAL_COMPUTE_ASYNC] = { .name = "compute_async", .fn = m_compute_async,
				      .scalar_in_count = 1, .async_allowed = true },
	[FACTORIAL_COMPUTE] = { .name = "compute", .fn = m_compute, .scalar_in_count = 1,
				.scalar_out_count = 1 },
};

static const struct shim_uc_desc fact_uc = {
	.methods = fact_methods,
	.method_count = FACTORIAL_SELECTOR_COUNT,
	.close = uc_close,
};

/* ---- power: off loses the device's registers, on gets config space back ---- */

static const struct shim_power_state fact_states[] = {
	{ "off", 0 },
	{ "on", SHIM_POWER_ON },
};

static void fact_quiesce(struct fact *f)
{
	f->asleep = true;
	shim_intr_source_disable(f->intr);
	fact_reply(f, SHIM_ERR_ABORTED, 0); /* the reset loses the computation */
	f->busy = false;
	f->irq_status = 0;
}

static void fact_restore(struct fact *f)
{
	uint32_t id = rd(f, REG_ID);

	if ((id & ID_MAGIC_MASK) != ID_MAGIC) {
		/* Stay asleep: refuse requests rather than drive a stranger. */
		shim_log(SHIM_LOG_ERR, "factorial %s: wake: ID reads 0x%08x", shim_pci_name(f->dev),
			 id);
		return;
	}
	wr(f, REG_IRQ_ACK, ALL_ONES);
	wr(f, REG_STATUS, STATUS_IRQ_FACT);
	f->asleep = false;
	shim_intr_source_enable(f->intr);
}

static uint32_t fact_set_power_state(shim_service *svc, unsigned state)
{
	struct fact *f = shim_service_private(svc);

	if (f != NULL && (fact_states[state].flags & SHIM_POWER_ON) != 0)
		fact_restore(f);
	else if (f != NULL)
		fact_quiesce(f);
	return SHIM_POWER_ACK_NOW;
}

static const struct shim_power_desc fact_power = {
	.states = fact_states,
	.state_count = sizeof(fact_states) / sizeof(fact_states[0]),
	.set_power_state = fact_set_power_state,
};

/* ---- life: start acquires in order and unwinds in reverse; stop undoes start ---- */

static shim_ret fact_start(shim_service *svc, shim_pci_device *dev)
{
	struct fact *f = shim_zalloc(sizeof(*f));
	unsigned msi = fact_msi_index(dev);
	shim_ret r;

	if (f == NULL)
		return SHIM_ERR_NO_MEMORY;
	shim_object_init(&f->obj, &fact_class, fact_free);
	f->dev = dev;
	f->wl = shim_service_workloop(svc);
	r = msi != 0 ? shim_pci_map_bar(dev, 0, &f->bar0) : SHIM_ERR_UNSUPPORTED;
	if (r != SHIM_OK)
		goto fail_state;
	shim_pci_set_memory_enable(dev, true);
	shim_pci_set_bus_master(dev, true); /* an MSI is a memory write by the device */
	if ((rd(f, REG_ID) & ID_MAGIC_MASK) != ID_MAGIC) {
		r = SHIM_ERR_NO_DEVICE;
		goto fail_map;
	}
	r = shim_intr_source_create(shim_service_workloop(svc), dev, msi, fact_filter, fact_action,
				    f, &f->intr);
	if (r != SHIM_OK)
		goto fail_map;
	wr(f, REG_STATUS, STATUS_IRQ_FACT);
	shim_intr_source_enable(f->intr);
	shim_service_set_private(svc, f);
	r = shim_service_set_userclient(svc, &fact_uc, f);
	if (r != SHIM_OK)
		goto fail_intr;
	shim_log(SHIM_LOG_INFO, "factorial %s: started, MSI index %u", shim_pci_name(dev), msi);
	return SHIM_OK;

fail_intr:
	shim_service_set_private(svc, NULL);
	shim_intr_source_disable(f->intr);
	shim_intr_source_release(f->intr);
fail_map:
	shim_pci_set_bus_master(dev, false);
	shim_pci_set_memory_enable(dev, false);
	shim_mmio_unmap(f->bar0);
fail_state:
	shim_log(SHIM_LOG_ERR, "factorial %s: start failed: %s%s", shim_pci_name(dev),
		 shim_ret_string(r), msi == 0 ? " (the device has no MSI)" : "");
	shim_object_release(&f->obj);
	return r;
}

static void fact_stop(shim_service *svc)
{
	struct fact *f = shim_service_private(svc);

	if (f == NULL)
		return;
	shim_service_set_userclient(svc, NULL, NULL); /* closes every connection first */
	fact_reply(f, SHIM_ERR_ABORTED, 0);          /* a caller still waiting gets its answer */
	shim_intr_source_disable(f->intr);
	shim_intr_source_release(f->intr);
	shim_pci_set_bus_master(f->dev, false);
	shim_pci_set_memory_enable(f->dev, false);
	shim_mmio_unmap(f->bar0);
	shim_service_set_private(svc, NULL);
	shim_object_release(&f->obj);
}

/* Removed under us: fail the request in flight; stop follows. */
static void fact_device_gone(shim_service *svc)
{
	struct fact *f = shim_service_private(svc);

	if (f != NULL)
		fact_reply(f, SHIM_ERR_NO_DEVICE, 0);
}

/* A kext's globals stay visible (the kernel's flat namespace): the test
 * module finds this with bench_machine_kext_symbol for its alive check. */
shim_ret org_drvbench_example_factorial_liveness(shim_service *svc, uint32_t v)
{
	struct fact *f = svc != NULL ? shim_service_private(svc) : NULL;

	if (f == NULL || f->asleep)
		return SHIM_ERR_NOT_READY;
	wr(f, REG_LIVENESS, v);
	return rd(f, REG_LIVENESS) == ~v ? SHIM_OK : SHIM_ERR_DEVICE_ERROR;
}

/* ---- the kext: its driver and classes; kmod_info leads the loader here ---- */

static const struct shim_driver fact_driver = {
	.class_name = FACT_CLASS, /* the personality's IOClass */
	.start = fact_start,
	.stop = fact_stop,
	.device_gone = fact_device_gone,
	.power = &fact_power,
};

static const struct shim_driver *const fact_drivers[] = { &fact_driver };
static shim_class *const fact_classes[] = { &fact_class };

static const struct shim_kext_desc fact_kext = {
	.drivers = fact_drivers,
	.driver_count = 1,
	.classes = fact_classes,
	.class_count = 1,
};

SHIM_KEXT_DECLARE(fact_kext);
