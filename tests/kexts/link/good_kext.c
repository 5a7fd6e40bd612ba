/* Fixture: a well-formed kext binary. Uses KPIs of IOPCIFamily, kpi.iokit
 * and kpi.libkern, exports kmod_info and one global of its own, keeps the
 * rest static. Built, never loaded. */
#include "shim/alloc.h"
#include "shim/driver.h"
#include "shim/libkern.h"
#include "shim/log.h"
#include "shim/pci.h"

int good_kext_starts; /* an exported global of its own: collides with nobody */

static shim_ret good_start(shim_service *svc, shim_pci_device *dev)
{
	shim_mmio_map *map;
	char name[32];
	void *buf;

	(void)svc;
	if (shim_pci_map_bar(dev, 0, &map) != SHIM_OK)
		return SHIM_ERR_NO_RESOURCES;
	buf = shim_malloc(sizeof(name));
	if (buf == NULL) {
		shim_mmio_unmap(map);
		return SHIM_ERR_NO_MEMORY;
	}
	shim_memcpy(name, "good", 5);
	shim_log(SHIM_LOG_INFO, "%s started", name);
	shim_free(buf, sizeof(name));
	shim_mmio_unmap(map);
	good_kext_starts++;
	return SHIM_OK;
}

static const struct shim_driver good_driver = { .class_name = "good", .start = good_start };
static const struct shim_driver *const good_drivers[] = { &good_driver };

const struct shim_kext_desc kmod_info = {
	.info_plist = "<plist/>",
	.info_plist_len = 8,
	.drivers = good_drivers,
	.driver_count = 1,
};
