/* Unload after the device is gone: surprise removal under the running
 * driver, then the auto-unload delay passes on the machine's virtual clock
 * (shim_machine_await_unload). A kext still holding an instance cannot
 * auto-unload: the finding names the class that is live. */
#include <stdio.h>

#include "bench/kext.h"
#include "bench/machine.h"
#include "bench/pm.h"
#include "dyn_internal.h"

bool bench_q_dyn_removal(struct bench_q_ctx *c, const struct bench_q_dyn *d, uint64_t delay_ns)
{
	struct bench_options opt = d->bopt;
	struct bench_machine fx;
	char why[BENCH_WHY_LEN] = "", ignored[BENCH_WHY_LEN];
	const char *cls;
	long live = 0;
	shim_ret r;

	opt.hotplug = true;
	bench_q_log_drain();
	if (bench_machine_boot(&fx, d->host, &opt, why, sizeof(why)) != SHIM_OK || fx.svc == NULL) {
		bench_q_not_checked(c->res, "unload after removal: %s", fx.svc == NULL && !why[0]
					    ? "the driver did not start on a hot-pluggable machine" : why);
		bench_machine_shutdown(&fx, ignored, sizeof(ignored));
		return !bench_kext_loaded(d->kext);
	}
	if (!bench_machine_can_hotplug(&fx, why, sizeof(why))) {
		bench_q_not_checked(c->res, "unload after removal: %s", why);
		bench_machine_shutdown(&fx, ignored, sizeof(ignored));
		return true;
	}
	shim_machine_set_unload_delay(fx.machine, delay_ns);
	r = bench_machine_unplug(&fx, why, sizeof(why));
	if (r == SHIM_OK)
		r = shim_machine_await_unload(fx.machine, fx.kext, why, sizeof(why));
	cls = r == SHIM_ERR_BUSY ? shim_kext_live_class(fx.kext, &live) : NULL;
	if (r != SHIM_OK) {
		bench_q_add(c, "dyn.unload-after-removal", "", cls != NULL ? cls : "removal",
			    cls != NULL ? "class" : "step",
			    "release every instance when the device goes (device_gone, then stop): "
			    "nothing may outlive the service",
			    "after surprise removal and %.0f s (virtual) the kext cannot auto-unload: %s",
			    (double)shim_machine_unload_delay(fx.machine) / 1e9, why);
		bench_machine_shutdown(&fx, ignored, sizeof(ignored));
		bench_q_log_drain();
		return !bench_kext_loaded(d->kext);
	}
	/* What the kernel does once the delay has passed. */
	if (bench_kext_unload(d->kext, why, sizeof(why)) == SHIM_OK)
		fx.kext = NULL;
	bench_machine_shutdown(&fx, ignored, sizeof(ignored));
	bench_q_log_drain();
	return !bench_kext_loaded(d->kext);
}
