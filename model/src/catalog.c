/* The model catalogue (model/catalog.h): splits a spec into model and
 * options, finds the model among the built-ins or loads it as a plugin,
 * builds it, and checks that what was built has the declared identity. A
 * new built-in model is one line in the table below. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "catalog_priv.h"
#include "model/catalog.h"
#include "model/edu.h"
#include "model/nvme.h"

#define MODEL_WHY_MAX 512

static const struct model_plugin *const catalog_builtins[] = {
	&model_edu_plugin,
	&model_nvme_plugin,
};

#define BUILTIN_COUNT (sizeof(catalog_builtins) / sizeof(catalog_builtins[0]))

/* A spec resolved: the model's descriptor, who to name in reasons, its options. */
struct catalog_hit {
	const struct model_plugin *p;
	const char *path; /* the plugin's canonical path; NULL for a built-in */
	const char *options;
	char who[PATH_MAX]; /* the spec's model part, as written */
};

__attribute__((format(printf, 3, 4))) static void say(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!why || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
}

static bool find(const char *spec, struct catalog_hit *hit, char *why, size_t len)
{
	const char *comma;
	size_t n;

	memset(hit, 0, sizeof(*hit));
	if (!spec || !spec[0] || spec[0] == ',') {
		say(why, len, "no model named (a spec is NAME[,OPTIONS] or PATH.so[,OPTIONS]; built-in: %s)",
		    model_catalog_builtin_names());
		return false;
	}
	comma = strchr(spec, ',');
	n = comma ? (size_t)(comma - spec) : strlen(spec);
	if (n >= sizeof(hit->who)) {
		say(why, len, "model '%.40s...' is longer than %zu characters", spec,
		    sizeof(hit->who) - 1);
		return false;
	}
	memcpy(hit->who, spec, n);
	hit->options = comma && comma[1] ? comma + 1 : NULL;
	if (strchr(hit->who, '/')) {
		hit->p = model_catalog_plugin_load(hit->who, &hit->path, why, len);
		return hit->p != NULL;
	}
	for (size_t i = 0; i < BUILTIN_COUNT; i++) {
		if (strcmp(hit->who, catalog_builtins[i]->name) == 0) {
			hit->p = catalog_builtins[i];
			return true;
		}
	}
	say(why, len,
	    "unknown model '%s' (built-in: %s; a plugin is given by a path holding a '/', "
	    "e.g. ./lib%s.so)",
	    hit->who, model_catalog_builtin_names(), hit->who);
	return false;
}

/* The device must be what the descriptor says it builds: profiles and
 * driver matching rely on the identity describe() gives. */
static bool identity_ok(const struct catalog_hit *hit, model_device *dev, char *why, size_t len)
{
	const struct model_plugin *p = hit->p;
	uint32_t vendor = model_config_read(dev, MODEL_PCI_VENDOR_ID, 2);
	uint32_t device = model_config_read(dev, MODEL_PCI_DEVICE_ID, 2);
	uint32_t class_code = model_config_read(dev, MODEL_PCI_REVISION, 4) >> 8;
	uint32_t sub = model_config_read(dev, MODEL_PCI_SUBSYS_VENDOR, 4);
	bool sub_declared = p->subsystem_vendor_id || p->subsystem_id;

	if (vendor == p->vendor_id && device == p->device_id && class_code == p->class_code &&
	    (!sub_declared || sub == ((uint32_t)p->subsystem_id << 16 | p->subsystem_vendor_id)))
		return true;
	say(why, len,
	    "%s: create() built %04x:%04x class %06x subsystem %04x:%04x, but the descriptor "
	    "declares %04x:%04x class %06x subsystem %04x:%04x",
	    hit->who, vendor, device, class_code, sub & 0xffffu, sub >> 16, p->vendor_id,
	    p->device_id, p->class_code, p->subsystem_vendor_id, p->subsystem_id);
	return false;
}

model_device *model_catalog_create(const char *spec, char *why, size_t len)
{
	struct catalog_hit hit;
	char model_why[MODEL_WHY_MAX] = "";
	model_device *dev;

	if (!find(spec, &hit, why, len))
		return NULL;
	dev = hit.p->create(hit.options, model_why, sizeof(model_why));
	if (!dev) {
		say(why, len, "%s: %s", hit.who,
		    model_why[0] ? model_why : "create() failed and gave no reason");
		return NULL;
	}
	if (!dev->ops) {
		/* Without ops it cannot be destroyed either: leak it, say so. */
		say(why, len, "%s: create() returned a device not set up with model_device_init",
		    hit.who);
		return NULL;
	}
	if (!identity_ok(&hit, dev, why, len)) {
		model_device_destroy(dev);
		return NULL;
	}
	return dev;
}

bool model_catalog_describe(const char *spec, struct model_catalog_info *out, char *why,
			    size_t len)
{
	struct catalog_hit hit;

	if (!find(spec, &hit, why, len))
		return false;
	*out = (struct model_catalog_info){
		.name = hit.p->name,
		.summary = hit.p->summary ? hit.p->summary : "",
		.options_help = hit.p->options_help ? hit.p->options_help : "",
		.plugin_path = hit.path,
		.vendor_id = hit.p->vendor_id,
		.device_id = hit.p->device_id,
		.subsystem_vendor_id = hit.p->subsystem_vendor_id,
		.subsystem_id = hit.p->subsystem_id,
		.class_code = hit.p->class_code,
	};
	return true;
}

const char *model_catalog_builtin_names(void)
{
	static char names[256];
	size_t used = 0;

	if (names[0])
		return names;
	for (size_t i = 0; i < BUILTIN_COUNT && used < sizeof(names); i++) {
		const struct model_plugin *p = catalog_builtins[i];
		int n = snprintf(names + used, sizeof(names) - used, "%s%s%s", i ? ", " : "", p->name,
				 p->options_help ? p->options_help : "");
		used += n > 0 ? (size_t)n : 0;
	}
	return names;
}

const struct model_plugin *model_catalog_builtin(unsigned i)
{
	return i < BUILTIN_COUNT ? catalog_builtins[i] : NULL;
}
