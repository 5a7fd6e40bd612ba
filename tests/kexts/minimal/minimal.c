/* A minimal kext, the bench's own test fixture: a driver for the edu
 * device (the built-in profile) that uses what the generic scenarios
 * exercise and nothing more: BAR0 mapped, an MSI interrupt source (INTx if
 * the device has no MSI), a two-state power table, and a user client with
 * one synchronous and one asynchronous method. It knows only that the
 * register at BAR0+0 never reads all-ones while the device is there. */
#include "shim/alloc.h"
#include "shim/driver.h"
#include "shim/log.h"
#include "shim/pci.h"
#include "shim/power.h"
#include "shim/userclient.h"
#include "shim/workloop.h"

#define MINIMAL_CLASS "org_drvbench_test_minimal"
#define MINIMAL_ALL_ONES 0xffffffffu
#define MINIMAL_MAX_INTR_INDEX 8u

struct minimal {
	shim_object obj;
	shim_pci_device *dev;
	shim_mmio_map *bar0;
	shim_intr_source *intr;
	uint32_t pings;
	bool asleep; /* powered off: registers are off limits */
};

static shim_class minimal_class = SHIM_CLASS_INIT(MINIMAL_CLASS);

static void minimal_free(shim_object *obj)
{
	shim_free(obj, sizeof(struct minimal));
}

static bool minimal_filter(void *owner, shim_intr_source *src)
{
	(void)owner;
	(void)src;
	return false; /* this device never interrupts for the minimal driver */
}

static void minimal_action(void *owner, shim_intr_source *src, int count)
{
	(void)owner;
	(void)src;
	(void)count;
}

static unsigned minimal_pick_interrupt(shim_pci_device *dev)
{
	for (unsigned i = 1; i <= MINIMAL_MAX_INTR_INDEX; i++)
		if (shim_pci_interrupt_type(dev, i) == SHIM_INTR_MSI)
			return i;
	return 0;
}

/* ---- user client: ping (sync) and ping_async ---- */

static struct minimal *minimal_from_uc(shim_uc *uc)
{
	return shim_service_private(shim_uc_service(uc));
}

static shim_ret minimal_ping(shim_uc *uc, struct shim_uc_args *args)
{
	struct minimal *m = minimal_from_uc(uc);
	uint32_t reg;

	if (m == NULL || m->asleep)
		return SHIM_ERR_NOT_READY;
	reg = shim_mmio_read32(m->bar0, 0);
	if (reg == MINIMAL_ALL_ONES)
		return SHIM_ERR_NO_DEVICE;
	args->scalar_out[0] = ++m->pings;
	args->scalar_out_written = 1;
	return SHIM_OK;
}

static shim_ret minimal_ping_async(shim_uc *uc, struct shim_uc_args *args)
{
	uint64_t v[1];
	shim_ret r = minimal_ping(uc, args);

	if (r != SHIM_OK || args->async == NULL)
		return r;
	v[0] = args->scalar_out[0];
	return shim_uc_async_complete(args->async, SHIM_OK, v, 1);
}

/* Waits on the work loop as a driver waiting for its device would, so a
 * call can be in flight (bounded: 1 ms of virtual time). */
static shim_ret minimal_wait(shim_uc *uc, struct shim_uc_args *args)
{
	struct minimal *m = minimal_from_uc(uc);
	shim_ret r;

	(void)args;
	if (m == NULL)
		return SHIM_ERR_NOT_READY;
	r = shim_workloop_sleep(shim_service_workloop(shim_uc_service(uc)), m, 1000000);
	return r == SHIM_ERR_TIMEOUT ? SHIM_OK : r;
}

static const struct shim_uc_method minimal_methods[] = {
	{ .name = "ping", .fn = minimal_ping, .scalar_out_count = 1 },
	{ .name = "wait", .fn = minimal_wait },
	{ .name = "ping_async", .fn = minimal_ping_async, .scalar_out_count = 1,
	  .async_allowed = true },
};

static const struct shim_uc_desc minimal_uc = {
	.methods = minimal_methods,
	.method_count = sizeof(minimal_methods) / sizeof(minimal_methods[0]),
};

/* ---- power: off and on; nothing to save beyond config space ---- */

static const struct shim_power_state minimal_states[] = {
	{ "off", 0 },
	{ "on", SHIM_POWER_ON },
};

static uint32_t minimal_set_power(shim_service *svc, unsigned state)
{
	struct minimal *m = shim_service_private(svc);

	if (m != NULL)
		m->asleep = state == 0;
	if (m != NULL && m->intr != NULL) {
		if (state == 0)
			shim_intr_source_disable(m->intr);
		else
			shim_intr_source_enable(m->intr);
	}
	return SHIM_POWER_ACK_NOW;
}

static const struct shim_power_desc minimal_power = {
	.states = minimal_states,
	.state_count = 2,
	.set_power_state = minimal_set_power,
};

/* ---- life ---- */

static shim_ret minimal_start(shim_service *svc, shim_pci_device *dev)
{
	struct minimal *m = shim_zalloc(sizeof(*m));
	shim_ret r;

	if (m == NULL)
		return SHIM_ERR_NO_MEMORY;
	shim_object_init(&m->obj, &minimal_class, minimal_free);
	m->dev = dev;
	r = shim_pci_map_bar(dev, 0, &m->bar0);
	if (r != SHIM_OK)
		goto fail_state;
	shim_pci_set_memory_enable(dev, true);
	if (shim_mmio_read32(m->bar0, 0) == MINIMAL_ALL_ONES) {
		r = SHIM_ERR_NO_DEVICE;
		goto fail_map;
	}
	r = shim_intr_source_create(shim_service_workloop(svc), dev, minimal_pick_interrupt(dev),
				    minimal_filter, minimal_action, m, &m->intr);
	if (r != SHIM_OK)
		goto fail_map;
	shim_intr_source_enable(m->intr);
	shim_service_set_private(svc, m);
	r = shim_service_set_userclient(svc, &minimal_uc, m);
	if (r != SHIM_OK)
		goto fail_intr;
	return SHIM_OK;

fail_intr:
	shim_service_set_private(svc, NULL);
	shim_intr_source_disable(m->intr);
	shim_intr_source_release(m->intr);
fail_map:
	shim_pci_set_memory_enable(dev, false);
	shim_mmio_unmap(m->bar0);
fail_state:
	shim_object_release(&m->obj);
	shim_log(SHIM_LOG_ERR, "minimal %s: start failed: %s", shim_pci_name(dev),
		 shim_ret_string(r));
	return r;
}

static void minimal_stop(shim_service *svc)
{
	struct minimal *m = shim_service_private(svc);

	if (m == NULL)
		return;
	shim_service_set_userclient(svc, NULL, NULL);
	shim_intr_source_disable(m->intr);
	shim_intr_source_release(m->intr);
	shim_pci_set_memory_enable(m->dev, false);
	shim_mmio_unmap(m->bar0);
	shim_service_set_private(svc, NULL);
	shim_object_release(&m->obj);
}

static const struct shim_driver minimal_driver = {
	.class_name = MINIMAL_CLASS,
	.start = minimal_start,
	.stop = minimal_stop,
	.power = &minimal_power,
};

static const struct shim_driver *const minimal_drivers[] = { &minimal_driver };
static shim_class *const minimal_classes[] = { &minimal_class };

static const struct shim_kext_desc minimal_kext = {
	.drivers = minimal_drivers,
	.driver_count = 1,
	.classes = minimal_classes,
	.class_count = 1,
};

SHIM_KEXT_DECLARE(minimal_kext);
