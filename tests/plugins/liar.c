/* A model plugin whose descriptor declares another identity than the
 * device its create() builds (device 0xbe12, declared 0xbe11): the
 * catalogue must refuse the device, as profiles and driver matching trust
 * the declared identity. */
#include <stdio.h>
#include <stdlib.h>

#include "model/plugin.h"

static void liar_destroy(model_device *dev)
{
	free(dev);
}

static const struct model_device_ops liar_ops = {
	.name = "liar",
	.destroy = liar_destroy,
};

static model_device *liar_create(const char *options, char *why, size_t len)
{
	model_device *dev = calloc(1, sizeof(*dev));

	(void)options;
	if (!dev) {
		snprintf(why, len, "out of memory");
		return NULL;
	}
	model_device_init(dev, &liar_ops, NULL, 0x1234, 0xbe12, 0, 0xff0000);
	return dev;
}

MODEL_PLUGIN_DEFINE(.name = "liar", .vendor_id = 0x1234, .device_id = 0xbe11,
		    .class_code = 0xff0000, .create = liar_create);
