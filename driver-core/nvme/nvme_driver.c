/* Lifecycle of the NVMe driver: match (by class code, any vendor), start
 * (BAR, queues' memory, one interrupt per queue's MSI-X vector, then the
 * controller; unwound in reverse on failure), stop (controller disabled
 * before its memory goes), removal (outstanding work fails at once), and
 * the kext descriptor its kmod_info entry symbol names. */
#include "nvme_private.h"
#include "shim/alloc.h"
#include "shim/log.h"

#define NVME_BAR0_MIN 0x2000u /* registers and doorbells of the admin and a few I/O queues */

static shim_class nvme_class = SHIM_CLASS_INIT(NVME_DRIVER_CLASS);

static void nvme_state_free(shim_object *obj)
{
	/* obj is the first member of struct nvme_state. */
	shim_free(obj, sizeof(struct nvme_state));
}

struct nvme_state *nvme_state_from_service(shim_service *svc)
{
	struct nvme_state *st;

	if (!svc)
		return NULL;
	st = shim_service_private(svc);
	if (!st || st->obj.cls != &nvme_class || !st->started)
		return NULL;
	return st;
}

void nvme_state_retain(struct nvme_state *st)
{
	shim_object_retain(&st->obj);
}

void nvme_state_release(struct nvme_state *st)
{
	shim_object_release(&st->obj);
}

static bool nvme_probe(shim_pci_device *dev, int *score)
{
	(void)score;
	return shim_pci_class_code(dev) == NVME_CLASS_CODE;
}

static void nvme_release_queues(struct nvme_state *st)
{
	for (unsigned i = 0; i < NVME_MAX_QUEUES; i++)
		if (st->q[i].depth)
			nvme_queue_free(st, &st->q[i]);
}

/* Memory for the admin queue and one I/O queue pair per vector (at most
 * NVME_MAX_IO_QUEUES; one pair sharing the line without MSI-X). */
static shim_ret nvme_alloc_queues(struct nvme_state *st)
{
	enum shim_intr_type kind;
	unsigned n = shim_pci_message_interrupt_count(st->dev, &kind);
	shim_ret r;

	st->msix = kind == SHIM_INTR_MSIX && n >= 2;
	st->vectors = kind == SHIM_INTR_MSIX ? n : 0;
	st->nq_planned = st->msix ? (n - 1u < NVME_MAX_IO_QUEUES ? n - 1u : NVME_MAX_IO_QUEUES) : 1u;
	/* Until Identify says otherwise, transfers stop at one PRP list. */
	st->info.max_transfer = NVME_PAGE / 8u * NVME_PAGE;
	r = nvme_queue_alloc(st, 0, NVME_ADMIN_DEPTH);
	for (unsigned i = 1; r == SHIM_OK && i <= st->nq_planned; i++)
		r = nvme_queue_alloc(st, i, NVME_IO_DEPTH);
	if (r != SHIM_OK) {
		shim_log(SHIM_LOG_ERR, "nvme %s: queue memory: %s", shim_pci_name(st->dev),
			 shim_ret_string(r));
		nvme_release_queues(st);
	}
	return r;
}

static shim_ret nvme_map(struct nvme_state *st)
{
	struct shim_pci_bar_info bar;
	shim_ret r = shim_pci_bar_info(st->dev, 0, &bar);

	if (r != SHIM_OK || (bar.type != SHIM_BAR_TYPE_MEM64 && bar.type != SHIM_BAR_TYPE_MEM32) ||
	    bar.size < NVME_BAR0_MIN) {
		shim_log(SHIM_LOG_ERR, "nvme %s: BAR0 is not a memory BAR of at least 8 KiB",
			 shim_pci_name(st->dev));
		return r != SHIM_OK ? r : SHIM_ERR_UNSUPPORTED;
	}
	r = shim_pci_map_bar(st->dev, 0, &st->bar0);
	if (r != SHIM_OK)
		shim_log(SHIM_LOG_ERR, "nvme %s: cannot map BAR0: %s", shim_pci_name(st->dev),
			 shim_ret_string(r));
	return r;
}

static shim_ret nvme_start(shim_service *svc, shim_pci_device *dev)
{
	struct nvme_state *st;
	shim_ret r;

	if (!shim_pci_is_present(dev))
		return SHIM_ERR_NO_DEVICE;
	st = shim_zalloc(sizeof(*st));
	if (!st) {
		shim_log(SHIM_LOG_ERR, "nvme %s: no memory for instance state", shim_pci_name(dev));
		return SHIM_ERR_NO_MEMORY;
	}
	shim_object_init(&st->obj, &nvme_class, nvme_state_free);
	st->svc = svc;
	st->dev = dev;
	st->wl = shim_service_workloop(svc);
	st->timeout_ns = NVME_DEFAULT_TIMEOUT_NS;
	st->watch_ns = NVME_WATCH_NS;
	r = nvme_map(st);
	if (r != SHIM_OK)
		goto fail_release_state;
	st->mem_was_on = shim_pci_set_memory_enable(dev, true);
	shim_pci_set_bus_master(dev, true);
	r = nvme_alloc_queues(st);
	if (r != SHIM_OK)
		goto fail_disable;
	/* MSI-X before the controller is enabled: it takes a vector in use
	 * only when a queue is created with MSI-X already on. */
	r = nvme_intr_setup(st);
	if (r != SHIM_OK)
		goto fail_queues;
	st->started = true;
	shim_service_set_private(svc, st);
	for (unsigned i = 0; i <= st->nq_planned; i++)
		shim_intr_source_enable(st->q[i].intr);
	r = nvme_ctrl_init(st);
	if (r != SHIM_OK)
		goto fail_controller;
	if (nvme_userclient_start(svc) != SHIM_OK) /* the driver works without one */
		shim_log(SHIM_LOG_WARN, "nvme %s: user client not published", shim_pci_name(dev));
	shim_log(SHIM_LOG_INFO, "nvme %s: %s %s, %llu blocks of %u bytes, %u I/O queue(s), %s",
		 shim_pci_name(dev), st->info.model, st->info.serial,
		 (unsigned long long)st->info.blocks, st->info.block_size, st->nq,
		 st->msix ? "one MSI-X vector each" : "one shared interrupt");
	return SHIM_OK;

fail_controller:
	shim_log(SHIM_LOG_ERR, "nvme %s: controller did not come up: %s", shim_pci_name(dev),
		 shim_ret_string(r));
	if (!st->gone)
		(void)nvme_ctrl_disable(st);
	st->started = false;
	shim_service_set_private(svc, NULL);
	nvme_intr_teardown(st);
fail_queues:
	nvme_release_queues(st);
fail_disable:
	shim_pci_set_bus_master(dev, false);
	shim_pci_set_memory_enable(dev, st->mem_was_on);
	shim_mmio_unmap(st->bar0);
fail_release_state:
	shim_object_release(&st->obj);
	return r;
}

static void nvme_stop(shim_service *svc)
{
	struct nvme_state *st = nvme_state_from_service(svc);

	if (!st)
		return;
	nvme_userclient_stop(svc); /* connections end before what they use goes */
	/* The controller stops using the queues' memory before it is freed;
	 * a removed one is not touched. */
	if (!st->gone && shim_pci_is_present(st->dev))
		(void)nvme_ctrl_disable(st);
	nvme_fail_all(st, SHIM_ERR_ABORTED);
	st->started = false; /* an operation woken below sees it and touches nothing */
	nvme_intr_teardown(st);
	if (!st->gone)
		shim_pci_set_bus_master(st->dev, false);
	nvme_release_queues(st);
	if (!st->gone)
		shim_pci_set_memory_enable(st->dev, st->mem_was_on);
	shim_mmio_unmap(st->bar0);
	st->bar0 = NULL;
	shim_service_set_private(svc, NULL);
	for (unsigned i = 0; i < NVME_MAX_QUEUES; i++)
		shim_workloop_wakeup(st->wl, nvme_queue_event(&st->q[i]));
	shim_log(SHIM_LOG_INFO, "nvme %s: stopped (%llu commands, %llu timeouts, %llu resets)",
		 shim_pci_name(st->dev), (unsigned long long)st->stats.commands,
		 (unsigned long long)st->stats.timeouts, (unsigned long long)st->stats.resets);
	shim_object_release(&st->obj);
}

/* Removal: nothing may touch the device from here on; everything waiting
 * or queued fails with SHIM_ERR_NO_DEVICE. */
static void nvme_device_gone(shim_service *svc)
{
	struct nvme_state *st = nvme_state_from_service(svc);

	if (!st)
		return;
	st->gone = true;
	nvme_fail_all(st, SHIM_ERR_NO_DEVICE);
	shim_log(SHIM_LOG_WARN, "nvme %s: device removed", shim_pci_name(st->dev));
}

static const struct shim_driver nvme_driver = {
	.class_name = NVME_DRIVER_CLASS,
	.probe = nvme_probe,
	.start = nvme_start,
	.stop = nvme_stop,
	.device_gone = nvme_device_gone,
	.power = &nvme_power_desc,
};

static const struct shim_driver *const nvme_drivers[] = { &nvme_driver };
static shim_class *const nvme_classes[] = { &nvme_class };

/* The manifest is the bundle's Contents/Info.plist; kmod_info leads the
 * loader here. */
static const struct shim_kext_desc nvme_kext = {
	.drivers = nvme_drivers,
	.driver_count = sizeof(nvme_drivers) / sizeof(nvme_drivers[0]),
	.classes = nvme_classes,
	.class_count = sizeof(nvme_classes) / sizeof(nvme_classes[0]),
};

SHIM_KEXT_DECLARE(nvme_kext);
