/* Power and hot-plug actions on a bench machine (bench_pm.h): the shim's
 * power policy for sleep/wake, the host factory's unplug/replug for the
 * device, and the shim's rescan plus a match to bring a driver back. */
#include <stdio.h>

#include "bench/pm.h"
#include "shim/power_policy.h"

static shim_ret bench_pm_ready(struct bench_machine *fx, char *why, size_t len)
{
	if (fx->machine == NULL) {
		snprintf(why, len, "no machine");
		return SHIM_ERR_NOT_READY;
	}
	return SHIM_OK;
}

shim_ret bench_machine_sleep(struct bench_machine *fx, char *why, size_t len)
{
	shim_ret r = bench_pm_ready(fx, why, len);

	if (r == SHIM_OK)
		r = shim_machine_system_sleep(fx->machine);
	if (r != SHIM_OK && fx->machine != NULL)
		snprintf(why, len, "system sleep: %s (%s)", shim_ret_string(r),
			 shim_machine_last_error(fx->machine));
	return r;
}

shim_ret bench_machine_wake(struct bench_machine *fx, char *why, size_t len)
{
	shim_ret r = bench_pm_ready(fx, why, len);

	if (r == SHIM_OK)
		r = shim_machine_system_wake(fx->machine);
	if (r != SHIM_OK && fx->machine != NULL)
		snprintf(why, len, "system wake: %s (%s)", shim_ret_string(r),
			 shim_machine_last_error(fx->machine));
	return r;
}

bool bench_machine_can_hotplug(const struct bench_machine *fx, char *why, size_t len)
{
	if (fx->parts_live && fx->parts.unplug != NULL && fx->parts.replug != NULL)
		return true;
	if (fx->parts_live && fx->parts.no_hotplug_why != NULL)
		snprintf(why, len, "%s", fx->parts.no_hotplug_why);
	else
		snprintf(why, len, "host %s cannot remove and re-add a device",
			 fx->factory != NULL ? fx->factory->name : "?");
	return false;
}

shim_ret bench_machine_surprise_remove(struct bench_machine *fx, char *why, size_t len)
{
	if (!bench_machine_can_hotplug(fx, why, len))
		return SHIM_ERR_UNSUPPORTED;
	return fx->parts.unplug(fx->parts.priv, why, len);
}

shim_ret bench_machine_rescan(struct bench_machine *fx, char *why, size_t len)
{
	size_t added = 0, removed = 0;
	shim_ret r = bench_pm_ready(fx, why, len);

	if (r != SHIM_OK)
		return r;
	/* The rescan may terminate the service and forget the device. */
	fx->svc = NULL;
	fx->dev = NULL;
	r = shim_machine_rescan(fx->machine, &added, &removed);
	if (r != SHIM_OK) {
		snprintf(why, len, "rescan: %s (%s)", shim_ret_string(r),
			 shim_machine_last_error(fx->machine));
		return r;
	}
	fx->dev = bench_machine_find_device(fx);
	if (fx->dev != NULL && fx->kext != NULL) {
		fx->match_ret = shim_machine_match(fx->machine, fx->kext, &fx->started);
		fx->svc = shim_machine_service(fx->machine, fx->dev);
	}
	return SHIM_OK;
}

shim_ret bench_machine_unplug(struct bench_machine *fx, char *why, size_t len)
{
	shim_ret r = bench_machine_surprise_remove(fx, why, len);

	return r == SHIM_OK ? bench_machine_rescan(fx, why, len) : r;
}

shim_ret bench_machine_replug(struct bench_machine *fx, char *why, size_t len)
{
	shim_ret r;

	if (!bench_machine_can_hotplug(fx, why, len))
		return SHIM_ERR_UNSUPPORTED;
	r = fx->parts.replug(fx->parts.priv, why, len);
	if (r == SHIM_OK)
		r = bench_machine_rescan(fx, why, len);
	if (r == SHIM_OK && fx->dev == NULL) {
		snprintf(why, len, "re-plugged device not found by the rescan");
		r = SHIM_ERR_NO_DEVICE;
	}
	return r;
}

shim_ret bench_machine_reset(struct bench_machine *fx, char *why, size_t len)
{
	shim_ret r = bench_pm_ready(fx, why, len);

	if (r == SHIM_OK && fx->dev == NULL) {
		snprintf(why, len, "no device to reset");
		r = SHIM_ERR_NO_DEVICE;
	}
	if (r != SHIM_OK)
		return r;
	if (fx->svc != NULL)
		shim_machine_terminate(fx->machine, fx->dev);
	fx->svc = NULL;
	r = shim_machine_reset_device(fx->machine, fx->dev);
	if (r != SHIM_OK) {
		snprintf(why, len, "reset: %s (%s)", shim_ret_string(r),
			 shim_machine_last_error(fx->machine));
		return r;
	}
	if (fx->kext != NULL) {
		fx->match_ret = shim_machine_match(fx->machine, fx->kext, &fx->started);
		fx->svc = shim_machine_service(fx->machine, fx->dev);
	}
	return SHIM_OK;
}
