/* What a driver provides (callbacks + manifest) and the service object it
 * is given. Lifecycle: probe (may decline) -> start (acquire everything;
 * on failure release it all: stop is never called after a failed start)
 * -> running -> stop (release what start acquired) -> free. */
#ifndef SHIM_DRIVER_H
#define SHIM_DRIVER_H

#include "shim/object.h"
#include "shim/pci.h"
#include "shim/types.h"
#include "shim/workloop.h"

typedef struct shim_service shim_service;
struct shim_power_desc;

struct shim_driver {
	const char *class_name; /* IOClass in the personality that selects it */
	/* Return true to accept; *score may be raised above the personality's. */
	bool (*probe)(shim_pci_device *dev, int *score);
	shim_ret (*start)(shim_service *svc, shim_pci_device *dev);
	void (*stop)(shim_service *svc);
	/* Device removed under the driver: fail outstanding work; stop follows. */
	void (*device_gone)(shim_service *svc);
	/* Optional (NULL): power-state table and set_power_state (shim/power.h). */
	const struct shim_power_desc *power;
};

/* A kext: its manifest and the drivers and classes it defines. */
struct shim_kext_desc {
	const char *info_plist;     /* XML Info.plist text */
	size_t info_plist_len;
	const struct shim_driver *const *drivers;
	size_t driver_count;
	shim_class *const *classes; /* unload is refused while any is live */
	size_t class_count;
};

void shim_service_set_private(shim_service *svc, void *priv);
void *shim_service_private(const shim_service *svc);
shim_workloop *shim_service_workloop(shim_service *svc);
shim_pci_device *shim_service_provider(shim_service *svc);

#endif
