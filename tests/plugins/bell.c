/* The sample model plugin (model/plugin.h): "bell", a minimal PCI device
 * built outside the model room and loaded by path. BAR0 (32-bit, 4 KiB)
 * holds an ID register, a scratch register and a doorbell that raises MSI
 * vector 0 (INTx while MSI is off); register map in bell.h. Options:
 * id=N (ID register value), irq_delay_ns=N (ring to interrupt delay). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bell.h"
#include "model/options.h"
#include "model/plugin.h"

struct bell {
	model_device dev;
	uint32_t id;
	uint64_t irq_delay_ns;
	uint32_t scratch, status, rings;
	model_timer ring_timer;
};

static void bell_raise(void *opaque)
{
	struct bell *b = opaque;

	b->status |= BELL_STATUS_RUNG;
	b->rings++;
	if (model_device_msi_enabled(&b->dev))
		model_device_msi_notify(&b->dev, 0);
	else
		model_device_set_irq(&b->dev, true);
}

static uint64_t bell_read(model_device *dev, unsigned bar, uint64_t off, unsigned size)
{
	struct bell *b = dev->state;

	if (bar != 0 || size != 4 || (off & 3))
		return UINT32_MAX;
	switch (off) {
	case BELL_REG_ID:
		return b->id;
	case BELL_REG_SCRATCH:
		return b->scratch;
	case BELL_REG_STATUS:
		return b->status;
	case BELL_REG_RINGS:
		return b->rings;
	default:
		return 0;
	}
}

static void bell_write(model_device *dev, unsigned bar, uint64_t off, uint64_t val, unsigned size)
{
	struct bell *b = dev->state;

	if (bar != 0 || size != 4 || (off & 3))
		return;
	switch (off) {
	case BELL_REG_SCRATCH:
		b->scratch = (uint32_t)val;
		break;
	case BELL_REG_DOORBELL:
		if (b->irq_delay_ns)
			model_timer_mod(dev, &b->ring_timer, model_clock_ns(dev) + b->irq_delay_ns);
		else
			bell_raise(b);
		break;
	case BELL_REG_ACK:
		b->status = 0;
		model_device_set_irq(dev, false);
		break;
	default:
		break;
	}
}

static void bell_reset(model_device *dev)
{
	struct bell *b = dev->state;

	model_timer_del(dev, &b->ring_timer);
	b->scratch = b->status = b->rings = 0;
}

static void bell_destroy(model_device *dev)
{
	struct bell *b = dev->state;

	model_timer_del(dev, &b->ring_timer);
	free(b);
}

static const struct model_device_ops bell_ops = {
	.name = "bell",
	.bar_read = bell_read,
	.bar_write = bell_write,
	.reset = bell_reset,
	.destroy = bell_destroy,
};

static bool bell_parse(const char *options, struct bell *b, char *why, size_t len)
{
	struct model_option o;
	uint64_t v;
	int rc;

	while ((rc = model_option_next(&options, &o, why, len)) > 0) {
		if (strcmp(o.key, "id") == 0) {
			if (!model_option_u64(&o, UINT32_MAX, &v, why, len))
				return false;
			b->id = (uint32_t)v;
		} else if (strcmp(o.key, "irq_delay_ns") == 0) {
			if (!model_option_u64(&o, UINT64_MAX / 2, &v, why, len))
				return false;
			b->irq_delay_ns = v;
		} else {
			snprintf(why, len, "unknown option '%s' (bell takes id=N, irq_delay_ns=N)",
				 o.key);
			return false;
		}
	}
	return rc == 0;
}

static model_device *bell_create(const char *options, char *why, size_t len)
{
	struct bell *b = calloc(1, sizeof(*b));

	if (!b) {
		snprintf(why, len, "out of memory");
		return NULL;
	}
	b->id = BELL_ID_DEFAULT;
	if (!bell_parse(options, b, why, len)) {
		free(b);
		return NULL;
	}
	model_device_init(&b->dev, &bell_ops, b, BELL_VENDOR, BELL_DEVICE, BELL_REVISION, BELL_CLASS);
	model_device_set_subsystem(&b->dev, BELL_SUBSYS_VENDOR, BELL_SUBSYS_ID);
	model_device_set_int_pin(&b->dev, 1);
	model_device_declare_bar(&b->dev, 0, MODEL_BAR_MEM32, BELL_BAR0_SIZE);
	model_device_add_msi(&b->dev, 1, true, false);
	model_timer_init(&b->ring_timer, bell_raise, b);
	return &b->dev;
}

MODEL_PLUGIN_DEFINE(.name = "bell",
		    .summary = "test device: ID and scratch registers, a doorbell raising MSI 0",
		    .vendor_id = BELL_VENDOR, .device_id = BELL_DEVICE,
		    .subsystem_vendor_id = BELL_SUBSYS_VENDOR, .subsystem_id = BELL_SUBSYS_ID,
		    .class_code = BELL_CLASS, .options_help = "[,id=N][,irq_delay_ns=N]",
		    .create = bell_create);
