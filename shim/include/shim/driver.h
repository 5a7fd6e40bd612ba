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

/* A kext: the drivers and classes it defines. A bundle's manifest is its
 * Contents/Info.plist file; a kext linked into a program may carry it here. */
struct shim_kext_desc {
	const char *info_plist;     /* XML Info.plist text, or NULL in a bundle */
	size_t info_plist_len;
	const struct shim_driver *const *drivers;
	size_t driver_count;
	shim_class *const *classes; /* unload is refused while any is live */
	size_t class_count;
};

/* The entry symbol of a kext bundle (kmod_info's role): the loader finds
 * the descriptor through it and refuses a bundle built for another ABI.
 * Every kext defines it once, with SHIM_KEXT_DECLARE(its_desc). */
#define SHIM_KEXT_ABI_VERSION 2u /* 2: struct shim_uc_method grew 32-bit sizes */
#define SHIM_KMOD_INFO_SYMBOL "kmod_info"
struct shim_kmod_info {
	uint32_t abi_version;                /* SHIM_KEXT_ABI_VERSION */
	const struct shim_kext_desc *desc;
};
/* kmod_info keeps default visibility, so a kext built with hidden
 * visibility (-fvisibility=hidden: it exports only what it names) is still
 * found by the loader. */
#define SHIM_KEXT_DECLARE(desc_)                                                   \
	extern const struct shim_kmod_info kmod_info __attribute__((visibility("default"))); \
	const struct shim_kmod_info kmod_info = { SHIM_KEXT_ABI_VERSION, &(desc_) }

void shim_service_set_private(shim_service *svc, void *priv);
void *shim_service_private(const shim_service *svc);
shim_workloop *shim_service_workloop(shim_service *svc);
shim_pci_device *shim_service_provider(shim_service *svc);

#endif
