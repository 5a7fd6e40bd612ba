/* A model plugin built for another plugin ABI version: the catalogue must
 * refuse it before calling anything in it (create() here would abort). */
#include <stdlib.h>

#include "model/plugin.h"

static model_device *badabi_create(const char *options, char *why, size_t len)
{
	(void)options;
	(void)why;
	(void)len;
	abort(); /* never reached: a refused plugin is not run */
}

/* Written out, not MODEL_PLUGIN_DEFINE: that macro always sets the version this tree speaks. */
extern __attribute__((visibility("default"))) const struct model_plugin MODEL_PLUGIN_SYMBOL_NAME;
__attribute__((visibility("default"))) const struct model_plugin MODEL_PLUGIN_SYMBOL_NAME = {
	.abi_version = MODEL_PLUGIN_ABI_VERSION + 98,
	.name = "badabi",
	.vendor_id = 0x1234,
	.device_id = 0xbad0,
	.create = badabi_create,
};
