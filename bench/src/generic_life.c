/* Generic scenarios about a kext's life: load, match, start, stop and
 * unload with every counter back; and unload refused while it runs. */
#include <stdio.h>

#include "bench/kext.h"
#include "generic.h"

/* After boot the driver runs; stop must give back everything start took
 * (counters equal the moment before matching), and unload must unmap it. */
static enum bench_result run_load_start_stop_unload(struct bench_machine *fx, char *why,
						    size_t len)
{
	char diff[BENCH_WHY_LEN] = "";
	shim_ret r = bench_machine_alive(fx, "start", why, len);

	if (r != SHIM_OK)
		return BENCH_FAIL;
	r = shim_machine_terminate(fx->machine, fx->dev);
	fx->svc = NULL;
	if (r != SHIM_OK)
		return bench_fail(why, len, "terminate: %s", shim_ret_string(r));
	if (shim_machine_service(fx->machine, fx->dev) != NULL)
		return bench_fail(why, len, "a service is still attached after terminate");
	if (!bench_baseline_matches(&fx->pre_match, diff, sizeof(diff)))
		return bench_fail(why, len, "stop did not give back what start took: %s", diff);
	if (!bench_verifier_empty(diff, sizeof(diff)))
		return bench_fail(why, len, "start/stop: %s", diff);
	if (fx->opt.kext == NULL)
		return BENCH_PASS;
	r = bench_kext_unload(fx->opt.kext, diff, sizeof(diff));
	if (r != SHIM_OK)
		return bench_fail(why, len, "unload after stop: %s", diff);
	fx->kext = NULL;
	if (bench_kext_loaded(fx->opt.kext))
		return bench_fail(why, len, "the kext still counts as loaded after unload");
	return BENCH_PASS;
}

/* A running service holds its kext: unload is refused, nothing is freed,
 * and the driver goes on answering. */
static enum bench_result run_unload_refused_while_running(struct bench_machine *fx, char *why,
							  size_t len)
{
	shim_ret r = shim_kext_unload(fx->kext);

	if (r == SHIM_OK) {
		fx->kext = NULL; /* gone: do not unload twice */
		return bench_fail(why, len, "kext unloaded while its service was running");
	}
	if (r != SHIM_ERR_BUSY)
		return bench_fail(why, len, "unload while running: %s, expected %s",
				  shim_ret_string(r), shim_ret_string(SHIM_ERR_BUSY));
	return bench_machine_alive(fx, "a refused unload", why, len) == SHIM_OK ? BENCH_PASS
										 : BENCH_FAIL;
}

const struct bench_scenario bench_sc_load_start_stop_unload = {
	.name = "load-start-stop-unload",
	.summary = "load, match, start, stop, unload: counters back to baseline, nothing recorded",
	.run = run_load_start_stop_unload,
};

const struct bench_scenario bench_sc_unload_refused_while_running = {
	.name = "unload-refused-while-running",
	.summary = "the kext cannot unload while its service runs; the driver keeps working",
	.run = run_unload_refused_while_running,
};
