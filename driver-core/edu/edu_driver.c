/* Lifecycle of the edu driver: match, start (acquire in order, unwind in
 * reverse on failure), interrupt filter/action, stop, device removal, and
 * the kext descriptor its kmod_info entry symbol names. */
#include "edu_private.h"
#include "edu/edu_userclient.h"
#include "shim/alloc.h"
#include "shim/log.h"


/* Highest interrupt index probed when looking for an MSI vector. */
#define EDU_MAX_INTR_INDEX 32u

static shim_class edu_class = SHIM_CLASS_INIT(EDU_CLASS_NAME);

static void edu_state_free(shim_object *obj)
{
	/* obj is the first member of struct edu_state. */
	shim_free(obj, sizeof(struct edu_state));
}

struct edu_state *edu_state_from_service(shim_service *svc)
{
	struct edu_state *st;

	if (!svc)
		return NULL;
	st = shim_service_private(svc);
	if (!st || st->obj.cls != &edu_class || !st->started)
		return NULL;
	return st;
}

void edu_state_retain(struct edu_state *st)
{
	shim_object_retain(&st->obj);
}

void edu_state_release(struct edu_state *st)
{
	shim_object_release(&st->obj);
}

static bool edu_probe(shim_pci_device *dev, int *score)
{
	(void)score;
	return shim_pci_vendor_id(dev) == EDU_VENDOR_ID && shim_pci_device_id(dev) == EDU_DEVICE_ID;
}

/* Primary interrupt context: only read, acknowledge and record the causes. */
static bool edu_intr_filter(void *owner, shim_intr_source *src)
{
	struct edu_state *st = owner;
	uint32_t status;

	(void)src;
	status = edu_rd(st, EDU_REG_IRQ_STATUS);
	if (status == 0)
		return false; /* not ours */
	/* All-ones is what a removed device reads, but also every cause a
	 * client may raise: only the ID register tells them apart. Left
	 * unacknowledged, raised causes would mask every later interrupt. */
	if (status == EDU_ALL_ONES && edu_rd(st, EDU_REG_ID) == EDU_ALL_ONES)
		return false; /* the device is gone */
	edu_wr(st, EDU_REG_IRQ_ACK, status);
	st->irq_pending |= status;
	st->stats.interrupts++;
	st->stats.last_status = status;
	return true;
}

static void edu_intr_action(void *owner, shim_intr_source *src, int count)
{
	struct edu_state *st = owner;

	(void)src;
	(void)count;
	st->irq_seen |= st->irq_pending;
	st->irq_pending = 0;
	shim_workloop_wakeup(st->wl, edu_irq_event(st));
}

static bool edu_id_is_supported(uint32_t id)
{
	return ((id >> EDU_ID_MAJOR_SHIFT) & EDU_ID_MAJOR_MASK) == EDU_ID_MAJOR &&
	       (id & EDU_ID_MAGIC_MASK) == EDU_ID_MAGIC;
}

/* MSI if the device offers a vector (index >= 1), else legacy INTx (0). */
static shim_ret edu_pick_interrupt(shim_pci_device *dev, unsigned *index, bool *msi)
{
	unsigned i;

	for (i = 1; i <= EDU_MAX_INTR_INDEX; i++) {
		enum shim_intr_type t = shim_pci_interrupt_type(dev, i);

		if (t == SHIM_INTR_MSI) {
			*index = i;
			*msi = true;
			return SHIM_OK;
		}
		if (t == SHIM_INTR_NONE)
			break;
	}
	if (shim_pci_interrupt_type(dev, 0) == SHIM_INTR_LEGACY) {
		*index = 0;
		*msi = false;
		return SHIM_OK;
	}
	return SHIM_ERR_UNSUPPORTED;
}

static shim_ret edu_start(shim_service *svc, shim_pci_device *dev)
{
	struct edu_state *st;
	unsigned intr_index = 0;
	bool msi = false;
	uint32_t id;
	shim_ret r;

	if (!shim_pci_is_present(dev))
		return SHIM_ERR_NO_DEVICE;
	st = shim_zalloc(sizeof(*st));
	if (!st) {
		shim_log(SHIM_LOG_ERR, "edu %s: no memory for instance state", shim_pci_name(dev));
		return SHIM_ERR_NO_MEMORY;
	}
	shim_object_init(&st->obj, &edu_class, edu_state_free);
	st->svc = svc;
	st->dev = dev;
	st->wl = shim_service_workloop(svc);

	r = shim_pci_map_bar(dev, 0, &st->bar0);
	if (r != SHIM_OK) {
		shim_log(SHIM_LOG_ERR, "edu %s: cannot map BAR0: %s", shim_pci_name(dev),
			 shim_ret_string(r));
		goto fail_release_state;
	}
	st->mem_was_on = shim_pci_set_memory_enable(dev, true);

	id = edu_rd(st, EDU_REG_ID);
	if (id == EDU_ALL_ONES) {
		r = SHIM_ERR_NO_DEVICE;
		shim_log(SHIM_LOG_ERR, "edu %s: ID reads all-ones, device gone", shim_pci_name(dev));
		goto fail_restore_memory;
	}
	if (!edu_id_is_supported(id)) {
		r = SHIM_ERR_UNSUPPORTED;
		shim_log(SHIM_LOG_ERR, "edu %s: unsupported ID 0x%08x (need major 1)",
			 shim_pci_name(dev), id);
		goto fail_restore_memory;
	}

	shim_pci_set_bus_master(dev, true);
	r = shim_dma_buffer_alloc(dev, EDU_DMA_BUF_SIZE, 0, EDU_DMA_MASK, &st->dma_buf);
	if (r != SHIM_OK) {
		shim_log(SHIM_LOG_ERR, "edu %s: DMA buffer: %s", shim_pci_name(dev),
			 shim_ret_string(r));
		goto fail_disable_bus_master;
	}

	r = edu_pick_interrupt(dev, &intr_index, &msi);
	if (r != SHIM_OK) {
		shim_log(SHIM_LOG_ERR, "edu %s: no usable interrupt", shim_pci_name(dev));
		goto fail_release_dma_buffer;
	}
	r = shim_intr_source_create(st->wl, dev, intr_index, edu_intr_filter, edu_intr_action, st,
				    &st->intr);
	if (r != SHIM_OK) {
		shim_log(SHIM_LOG_ERR, "edu %s: interrupt source %u: %s", shim_pci_name(dev),
			 intr_index, shim_ret_string(r));
		goto fail_release_dma_buffer;
	}
	st->stats.using_msi = msi;
	st->started = true;
	shim_service_set_private(svc, st);
	shim_intr_source_enable(st->intr);
	if (edu_userclient_start(svc) != SHIM_OK) /* the driver works without one */
		shim_log(SHIM_LOG_WARN, "edu %s: user client not published", shim_pci_name(dev));
	shim_log(SHIM_LOG_INFO, "edu %s: started, ID 0x%08x, %s interrupt (index %u)",
		 shim_pci_name(dev), id, msi ? "MSI" : "INTx", intr_index);
	return SHIM_OK;

fail_release_dma_buffer:
	shim_memdesc_release(st->dma_buf);
fail_disable_bus_master:
	shim_pci_set_bus_master(dev, false);
fail_restore_memory:
	shim_pci_set_memory_enable(dev, st->mem_was_on);
	shim_mmio_unmap(st->bar0);
fail_release_state:
	shim_object_release(&st->obj);
	return r;
}

static void edu_stop(shim_service *svc)
{
	struct edu_state *st = edu_state_from_service(svc);

	if (!st)
		return;
	edu_userclient_stop(svc); /* connections end before what they use goes */
	/* First, so an operation woken below sees it and touches nothing. */
	st->started = false;
	shim_intr_source_disable(st->intr);
	shim_intr_source_release(st->intr);
	st->intr = NULL;
	shim_pci_set_bus_master(st->dev, false);
	if (st->buf_prepared) {
		/* An operation was cut short mid-transfer (removal). */
		(void)shim_memdesc_complete(st->dma_buf);
		st->buf_prepared = false;
	}
	shim_memdesc_release(st->dma_buf);
	st->dma_buf = NULL;
	shim_pci_set_memory_enable(st->dev, st->mem_was_on);
	shim_mmio_unmap(st->bar0);
	st->bar0 = NULL;
	shim_service_set_private(svc, NULL);
	shim_workloop_wakeup(st->wl, edu_irq_event(st));
	shim_log(SHIM_LOG_INFO, "edu %s: stopped (%u interrupts, %u errors)",
		 shim_pci_name(st->dev), st->stats.interrupts, st->stats.errors);
	shim_object_release(&st->obj);
}

static void edu_device_gone(shim_service *svc)
{
	struct edu_state *st = edu_state_from_service(svc);

	if (!st)
		return;
	st->gone = true;
	shim_workloop_wakeup(st->wl, edu_irq_event(st));
	shim_log(SHIM_LOG_WARN, "edu %s: device removed", shim_pci_name(st->dev));
}

static const struct shim_driver edu_driver = {
	.class_name = EDU_CLASS_NAME,
	.probe = edu_probe,
	.start = edu_start,
	.stop = edu_stop,
	.device_gone = edu_device_gone,
	.power = &edu_power_desc,
};

static const struct shim_driver *const edu_drivers[] = { &edu_driver };
static shim_class *const edu_classes[] = { &edu_class };

/* The manifest is the bundle's Contents/Info.plist; kmod_info leads the
 * loader here. */
static const struct shim_kext_desc edu_kext = {
	.drivers = edu_drivers,
	.driver_count = sizeof(edu_drivers) / sizeof(edu_drivers[0]),
	.classes = edu_classes,
	.class_count = sizeof(edu_classes) / sizeof(edu_classes[0]),
};

SHIM_KEXT_DECLARE(edu_kext);
