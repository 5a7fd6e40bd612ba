/* Host factory "sim": a model_bus with the edu model in slot 4, driven
 * through the sim host. The bus outlives the host (the host borrows it). */
#include <stdio.h>

#include "bench/host.h"
#include "model/bus.h"
#include "shim/host_sim.h"

static bool sim_available(char *why, size_t len)
{
	(void)why;
	(void)len;
	return true;
}

static void sim_release(void *priv)
{
	model_bus_destroy(priv);
}

static unsigned long sim_device_errors(void *priv, const char **last)
{
	if (last != NULL)
		*last = model_bus_last_device_error(priv);
	return model_bus_device_errors(priv);
}

static shim_ret sim_unplug(void *priv, char *why, size_t len)
{
	model_device *edu = model_bus_detach(priv, BENCH_EDU_SLOT);

	if (edu == NULL) {
		snprintf(why, len, "sim: no device in slot %u to remove", BENCH_EDU_SLOT);
		return SHIM_ERR_NO_DEVICE;
	}
	model_device_destroy(edu);
	return SHIM_OK;
}

static shim_ret sim_replug(void *priv, const struct bench_options *opt, char *why, size_t len)
{
	model_device *edu = model_edu_create(&opt->edu);

	if (edu == NULL || !model_bus_attach(priv, BENCH_EDU_SLOT, edu)) {
		if (edu != NULL)
			model_device_destroy(edu);
		snprintf(why, len, "sim: cannot attach a new edu model in slot %u", BENCH_EDU_SLOT);
		return SHIM_ERR_BUSY;
	}
	return SHIM_OK;
}

static shim_ret sim_create(const struct bench_options *opt, struct bench_host_parts *out, char *why,
			   size_t len)
{
	uint64_t ram = opt->ram_size != 0 ? opt->ram_size : BENCH_DEFAULT_RAM;
	model_bus *bus = model_bus_create(ram);
	model_device *edu;
	shim_ret r;

	if (bus == NULL) {
		snprintf(why, len, "sim: cannot create a bus with %llu bytes of RAM",
			 (unsigned long long)ram);
		return SHIM_ERR_NO_MEMORY;
	}
	edu = model_edu_create(&opt->edu);
	if (edu == NULL || !model_bus_attach(bus, BENCH_EDU_SLOT, edu)) {
		if (edu != NULL)
			model_device_destroy(edu);
		model_bus_destroy(bus);
		snprintf(why, len, "sim: cannot create or attach the edu model");
		return SHIM_ERR_NO_MEMORY;
	}
	r = shim_sim_host_create(bus, &out->host);
	if (r != SHIM_OK) {
		model_bus_destroy(bus);
		snprintf(why, len, "sim: host creation failed: %s", shim_ret_string(r));
		return r;
	}
	out->priv = bus;
	out->release = sim_release;
	out->device_errors = sim_device_errors;
	out->unplug = sim_unplug;
	out->replug = sim_replug;
	return SHIM_OK;
}

const struct bench_host_factory bench_host_sim_factory = {
	.kind = BENCH_HOST_SIM,
	.name = "sim",
	.summary = "in-process model bus with the edu model (nanoseconds per access)",
	.caps = BENCH_CAP_DEVICE_ERRORS | BENCH_CAP_DMA_OBSERVER,
	.available = sim_available,
	.create = sim_create,
};
