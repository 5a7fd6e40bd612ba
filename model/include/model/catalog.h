/* The model catalogue: the one place that turns a model spec into a
 * device, for every host (the sim host, the proxy host's remote,
 * drvbench-model-serve). A spec is either
 *   NAME[,OPTIONS]       a built-in model, e.g. "edu" or "edu,no_msi,id=0x020000ed"
 *   PATH[,OPTIONS]       a model plugin (model/plugin.h), e.g. "./libmydev.so,fast";
 *                        anything holding a '/' is a path, which ends at the first
 *                        ',' (so a plugin's path holds no comma; its options may
 *                        hold '/', e.g. "./libdisk.so,image=/tmp/d.img").
 * OPTIONS is "key=value,flag,..." (model/options.h), checked by the model.
 * Refusals come with a readable reason that names the model or the file.
 * Plugins stay loaded once loaded (cached by resolved path), so the info
 * strings below live as long as the process. Not thread-safe. */
#ifndef MODEL_CATALOG_H
#define MODEL_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/device.h"
#include "model/plugin.h"

struct model_catalog_info {
	const char *name;         /* the model's own name ("edu", a plugin's .name) */
	const char *summary;      /* "" when the model gives none */
	const char *options_help; /* "" when the model takes no options */
	const char *plugin_path;  /* the plugin's resolved path; NULL for a built-in */
	uint16_t vendor_id, device_id;
	uint16_t subsystem_vendor_id, subsystem_id; /* 0, 0 when not declared */
	uint32_t class_code;      /* 24 bits: class, subclass, prog-if */
};

/* A fresh device for spec, owned by the caller (model_device_destroy);
 * NULL with the reason in why: unknown built-in, plugin file missing, not
 * loadable, without the drvbench_model_plugin symbol, of another ABI
 * version, bad options, or a device whose identity is not the declared one. */
model_device *model_catalog_create(const char *spec, char *why, size_t len);

/* The identity of spec's model without building a device (for device
 * profiles and matching); loads a plugin if needed. Options are not
 * checked here: create() checks them. False with the reason in why. */
bool model_catalog_describe(const char *spec, struct model_catalog_info *out, char *why,
			    size_t len);

/* The built-in models with their options, for help texts, e.g.
 * "edu[,dma_mask=N][,id=N][,no_msi]" (one entry per model, ", " between). */
const char *model_catalog_builtin_names(void);
/* Built-in model i (0, 1, ...), or NULL past the last: for listings. */
const struct model_plugin *model_catalog_builtin(unsigned i);

#endif
