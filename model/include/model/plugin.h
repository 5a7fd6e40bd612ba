/* The model plugin ABI: a shared object that exports one descriptor under
 * a well-known symbol, so a device model written outside this tree can be
 * hosted by the sim host (in-process) and by drvbench-model-serve (behind
 * QEMU's x-pci-proxy-dev). The built-in models use the same descriptor.
 *
 * A plugin is a shared object linked against libdrvbench-model.so; it
 * builds its device with model/device.h (model_device_init, BARs, MSI, ...)
 * and exports exactly this, e.g.:
 *
 *     #include "model/plugin.h"
 *     static model_device *mydev_create(const char *options, char *why, size_t len);
 *     MODEL_PLUGIN_DEFINE(.name = "mydev", .summary = "my device",
 *                         .vendor_id = 0x1234, .device_id = 0xabcd, .class_code = 0xff0000,
 *                         .options_help = "[,fast][,irq_delay_ns=N]", .create = mydev_create);
 *
 * It is loaded with dlopen(RTLD_NOW | RTLD_LOCAL) and stays loaded for the
 * life of the process (devices are created many times: each scenario, each
 * proxied replug). The spec that names it is "PATH[,OPTIONS]" with a PATH
 * holding a '/' (model/catalog.h). The ABI version covers this struct and
 * the model_device structs of model/device.h that a plugin embeds: both
 * change only with MODEL_PLUGIN_ABI_VERSION, and a plugin built against
 * another version is refused, never run. */
#ifndef MODEL_PLUGIN_H
#define MODEL_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#include "model/device.h"

#define MODEL_PLUGIN_ABI_VERSION 2u /* 2: model_device grew MSI-X state */
/* The one symbol a plugin exports (a const struct model_plugin). */
#define MODEL_PLUGIN_SYMBOL_NAME drvbench_model_plugin
#define MODEL_PLUGIN_STR_(x) #x
#define MODEL_PLUGIN_STR(x) MODEL_PLUGIN_STR_(x)
#define MODEL_PLUGIN_SYMBOL MODEL_PLUGIN_STR(MODEL_PLUGIN_SYMBOL_NAME)

struct model_plugin {
	uint32_t abi_version;          /* MODEL_PLUGIN_ABI_VERSION */
	const char *name;              /* short name for logs and help, e.g. "mydev"; required */
	const char *summary;           /* one line for help texts; may be NULL */
	/* The PCI identity of what create() builds, known without building it
	 * (device profiles and driver matching use it). The catalogue checks
	 * every device create() returns against it and refuses a mismatch. */
	uint16_t vendor_id, device_id;
	uint16_t subsystem_vendor_id, subsystem_id; /* 0, 0: not declared (not checked) */
	uint32_t class_code;           /* 24 bits: class, subclass, prog-if */
	/* What may follow the name in a spec, for help texts, e.g.
	 * "[,fast][,irq_delay_ns=N]"; NULL or "": takes no options. */
	const char *options_help;
	/* Builds a fresh device, owned by the caller (model_device_destroy).
	 * options: "key=value,flag,..." as typed after the plugin's path, or
	 * NULL when none (model/options.h walks it). On bad options or no
	 * memory: NULL, with the reason written to why (len bytes, NUL-ended). */
	model_device *(*create)(const char *options, char *why, size_t len);
};

/* Defines the exported descriptor from designated initializers, with the
 * ABI version filled in; exported even when the plugin is built with
 * -fvisibility=hidden. Use once per plugin, at file scope. */
#define MODEL_PLUGIN_DEFINE(...)                                                          \
	extern __attribute__((visibility("default"))) const struct model_plugin             \
		MODEL_PLUGIN_SYMBOL_NAME;                                                   \
	__attribute__((visibility("default"))) const struct model_plugin                    \
		MODEL_PLUGIN_SYMBOL_NAME = { .abi_version = MODEL_PLUGIN_ABI_VERSION, __VA_ARGS__ }

#endif
