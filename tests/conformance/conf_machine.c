/* A traced machine for conformance cases: host from a bench factory with
 * the edu profile, the recorder around it, firmware enumeration, edu (found
 * by the profile's IDs) with BAR0 mapped. No kext: the cases play the
 * driver, so every host sees exactly the same requests. */
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "bench/machine.h"

static shim_ret conf_map(struct conf_machine *cm, char *why, size_t len)
{
	/* A bench machine's view without a kext: the profile's IDs pick the function. */
	struct bench_machine view = { .machine = cm->machine, .opt = { .profile = cm->profile } };
	shim_ret r;

	cm->dev = bench_machine_find_device(&view);
	if (cm->dev == NULL) {
		snprintf(why, len, "%s: no %s function after enumeration", cm->factory->name,
			 cm->profile->name);
		return SHIM_ERR_NO_DEVICE;
	}
	r = shim_pci_map_bar(cm->dev, 0, &cm->bar0);
	if (r != SHIM_OK) {
		snprintf(why, len, "%s: map BAR0: %s", cm->factory->name, shim_ret_string(r));
		return r;
	}
	bench_trace_window(cm->trace, shim_pci_cfg_read32(cm->dev, 0x10) & ~0xfu,
			shim_mmio_length(cm->bar0));
	shim_pci_set_memory_enable(cm->dev, true);
	shim_pci_set_bus_master(cm->dev, true);
	cm->wl = shim_machine_workloop(cm->machine);
	return SHIM_OK;
}

shim_ret conf_boot(struct conf_machine *cm, const struct bench_host_factory *factory, char *why,
		   size_t len)
{
	const struct bench_profile *edu = bench_profile_builtin_find("edu");
	struct bench_options opt = { .ram_size = CONF_RAM, .profile = edu, .no_tap = true };
	struct shim_host host;
	char host_why[200] = "";
	shim_ret r;

	memset(cm, 0, sizeof(*cm));
	cm->factory = factory;
	cm->profile = edu;
	if (!factory->available(edu, host_why, sizeof(host_why))) {
		snprintf(why, len, "host %s unavailable: %s", factory->name, host_why);
		return SHIM_ERR_UNSUPPORTED;
	}
	cm->trace = bench_trace_create(SHIM_BDF(0, bench_profile_slot(edu), 0));
	if (cm->trace == NULL) {
		snprintf(why, len, "out of memory");
		return SHIM_ERR_NO_MEMORY;
	}
	r = factory->create(&opt, &cm->parts, why, len);
	if (r != SHIM_OK) {
		conf_shutdown(cm);
		return r;
	}
	cm->parts_live = true;
	r = bench_trace_wrap(cm->trace, cm->parts.host, &host);
	if (r == SHIM_OK)
		r = shim_machine_create(host, &cm->machine); /* owns host, also on failure */
	if (r != SHIM_OK)
		snprintf(why, len, "%s: machine: %s", factory->name, shim_ret_string(r));
	else
		r = conf_map(cm, why, len);
	if (r != SHIM_OK)
		conf_shutdown(cm);
	return r;
}

void conf_shutdown(struct conf_machine *cm)
{
	if (cm->bar0 != NULL)
		shim_mmio_unmap(cm->bar0);
	cm->bar0 = NULL;
	if (cm->machine != NULL)
		shim_machine_destroy(cm->machine);
	cm->machine = NULL;
	cm->dev = NULL;
	if (cm->parts_live && cm->parts.release != NULL)
		cm->parts.release(cm->parts.priv);
	cm->parts_live = false;
	bench_trace_destroy(cm->trace);
	cm->trace = NULL;
}
