/* Host factory "sim": a model_bus with the profile's model in its slot,
 * driven through the sim host. The bus outlives the host (the host borrows
 * it); unplug and replug detach the model and attach a fresh one. With a
 * hostile engine (bench_options.hostile) every model plugged is wrapped in
 * it, and a removal its program makes detaches the model at that access. */
#include <stdio.h>
#include <stdlib.h>

#include "bench/host.h"
#include "model/bus.h"
#include "model/hostile.h"
#include "model_spec.h"
#include "shim/host_sim.h"

struct sim_priv {
	model_bus *bus;
	unsigned slot;
	char spec[BENCH_MODEL_SPEC_LEN];
	struct model_hostile *hostile;
	model_device *gone; /* detached by the hostile program, destroyed later */
};

static void sim_forget_gone(struct sim_priv *p)
{
	model_device_destroy(p->gone);
	p->gone = NULL;
}

/* Called inside the driver's register access: detach only (the model's
 * callbacks are still on the stack). */
static void sim_gone(void *ctx, model_device *dev)
{
	struct sim_priv *p = ctx;

	if (model_bus_device(p->bus, p->slot) != dev)
		return;
	sim_forget_gone(p);
	p->gone = model_bus_detach(p->bus, p->slot);
}

static bool sim_available(const struct bench_profile *p, char *why, size_t len)
{
	if (p->model != NULL)
		return true;
	snprintf(why, len, "profile %s has no model to run in-process", p->name);
	return false;
}

static void sim_release(void *priv)
{
	struct sim_priv *p = priv;

	sim_forget_gone(p);
	model_bus_destroy(p->bus);
	if (p->hostile != NULL) {
		model_hostile_on_gone(p->hostile, NULL, NULL);
		model_hostile_on_poke(p->hostile, NULL, NULL);
	}
	free(p);
}

static unsigned long sim_device_errors(void *priv, const char **last)
{
	struct sim_priv *p = priv;

	if (last != NULL)
		*last = model_bus_last_device_error(p->bus);
	return model_bus_device_errors(p->bus);
}

static bool sim_poke(void *ctx, uint64_t addr, const void *buf, size_t len)
{
	struct sim_priv *p = ctx;

	return model_bus_ram_write(p->bus, addr, buf, len);
}

static shim_ret sim_unplug(void *priv, char *why, size_t len)
{
	struct sim_priv *p = priv;
	model_device *dev = model_bus_detach(p->bus, p->slot);

	if (dev == NULL && p->gone != NULL) {
		sim_forget_gone(p); /* the hostile program removed it already */
		return SHIM_OK;
	}
	if (dev == NULL) {
		snprintf(why, len, "sim: no device in slot %u to remove", p->slot);
		return SHIM_ERR_NO_DEVICE;
	}
	model_device_destroy(dev);
	return SHIM_OK;
}

static shim_ret sim_plug(struct sim_priv *p, char *why, size_t len)
{
	model_device *dev = bench_model_create(p->spec, why, len);

	if (dev == NULL)
		return SHIM_ERR_BAD_ARGUMENT;
	sim_forget_gone(p);
	if (!model_bus_attach(p->bus, p->slot, dev)) {
		model_device_destroy(dev);
		snprintf(why, len, "sim: cannot attach '%s' in slot %u (occupied?)", p->spec,
			 p->slot);
		return SHIM_ERR_BUSY;
	}
	if (p->hostile != NULL && !model_hostile_wrap(p->hostile, dev)) {
		model_device_destroy(model_bus_detach(p->bus, p->slot));
		snprintf(why, len, "sim: cannot wrap '%s' in the hostile device", p->spec);
		return SHIM_ERR_NO_MEMORY;
	}
	return SHIM_OK;
}

static shim_ret sim_replug(void *priv, char *why, size_t len)
{
	return sim_plug(priv, why, len);
}

static shim_ret sim_create(const struct bench_options *opt, struct bench_host_parts *out,
			   char *why, size_t len)
{
	uint64_t ram = opt->ram_size != 0 ? opt->ram_size : BENCH_DEFAULT_RAM;
	struct sim_priv *p = calloc(1, sizeof(*p));
	shim_ret r;

	if (p == NULL)
		return SHIM_ERR_NO_MEMORY;
	p->slot = bench_profile_slot(opt->profile);
	p->hostile = opt->hostile;
	if (!bench_model_spec(opt, p->spec, sizeof(p->spec), why, len)) {
		free(p);
		return SHIM_ERR_BAD_ARGUMENT;
	}
	p->bus = model_bus_create_split(ram, opt->profile->ram_high);
	if (p->bus == NULL) {
		snprintf(why, len, "sim: cannot create a bus with %llu bytes of RAM (%llu above 4 GiB)",
			 (unsigned long long)ram, (unsigned long long)opt->profile->ram_high);
		free(p);
		return SHIM_ERR_NO_MEMORY;
	}
	r = sim_plug(p, why, len);
	if (r == SHIM_OK) {
		r = shim_sim_host_create(p->bus, &out->host);
		if (r != SHIM_OK)
			snprintf(why, len, "sim: host creation failed: %s", shim_ret_string(r));
	}
	if (r != SHIM_OK) {
		sim_release(p);
		return r;
	}
	if (p->hostile != NULL) {
		model_hostile_on_gone(p->hostile, sim_gone, p);
		model_hostile_on_poke(p->hostile, sim_poke, p);
	}
	out->priv = p;
	out->release = sim_release;
	out->device_errors = sim_device_errors;
	out->unplug = sim_unplug;
	out->replug = sim_replug;
	return SHIM_OK;
}

const struct bench_host_factory bench_host_sim_factory = {
	.kind = BENCH_HOST_SIM,
	.name = "sim",
	.summary = "in-process model bus running the profile's model (nanoseconds per access)",
	.caps = BENCH_CAP_DEVICE_ERRORS | BENCH_CAP_DMA_OBSERVER | BENCH_CAP_VIRTUAL_TIME,
	.available = sim_available,
	.create = sim_create,
};
