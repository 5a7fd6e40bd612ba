/* Is the started driver still there and answering? The module's own check
 * when it has one, else what the bench can see without knowing the driver. */
#include <stdio.h>

#include "bench/kext.h"
#include "bench/scenario.h"

shim_ret bench_machine_alive(struct bench_machine *fx, const char *after, char *why, size_t len)
{
	char inner[BENCH_WHY_LEN] = "";
	shim_ret r;

	if (fx->svc == NULL || fx->dev == NULL) {
		snprintf(why, len, "after %s: the driver is not running on the device", after);
		return SHIM_ERR_NOT_FOUND;
	}
	if (!shim_pci_is_present(fx->dev)) {
		snprintf(why, len, "after %s: the device is not present", after);
		return SHIM_ERR_NO_DEVICE;
	}
	if (fx->opt.module == NULL || fx->opt.module->alive == NULL)
		return SHIM_OK;
	r = fx->opt.module->alive(fx, inner, sizeof(inner));
	if (r != SHIM_OK)
		snprintf(why, len, "after %s: %s", after, inner[0] ? inner : shim_ret_string(r));
	return r;
}

void *bench_machine_kext_symbol(struct bench_machine *fx, const char *name)
{
	return fx->opt.kext != NULL ? bench_kext_symbol(fx->opt.kext, name) : NULL;
}
