/* The NVMe driver's test module: its own scenarios, on top of the bench's
 * generic ones, in the order drvbench runs them; the init that finds the
 * driver's operations in each freshly loaded kext; the alive check the
 * cycles and generic scenarios run (a flush through the driver); and the
 * user client's contract the fuzzers check every call against. */
#include <stdio.h>

#include "nvme_tests.h"

static const struct bench_scenario *const nvt_scenarios[] = {
	&nvt_sc_identify,
	&nvt_sc_write_read_prp,
	&nvt_sc_uc_bad_input,
	&nvt_sc_msix_per_queue,
	&nvt_sc_masked_vector,
	&nvt_sc_intx_fallback,
	&nvt_sc_timeout,
	&nvt_sc_fatal_recovery,
	&nvt_sc_removal_io,
	&nvt_sc_sleep_io,
	&nvt_sc_garbage_cap,
	&nvt_sc_garbage_never_ready,
	&nvt_sc_garbage_phase,
	&nvt_sc_garbage_cid,
};

static shim_ret nvt_init(struct bench_machine *fx, char *why, size_t len)
{
	return nvt_api_resolve(fx, why, len) ? SHIM_OK : SHIM_ERR_NOT_FOUND;
}

/* The kext may have been reloaded since init: resolve again. */
static shim_ret nvt_alive(struct bench_machine *fx, char *why, size_t len)
{
	shim_ret r;

	if (!nvt_api_resolve(fx, why, len))
		return SHIM_ERR_NOT_FOUND;
	r = nvt_api.flush(fx->svc);
	if (r != SHIM_OK)
		snprintf(why, len, "nvme flush: %s", shim_ret_string(r));
	return r;
}

static const struct bench_uc_oracle *const nvt_uc_oracles[] = { &nvt_uc_oracle };

BENCH_TEST_MODULE(.name = "nvme", .scenarios = nvt_scenarios,
		  .scenario_count = sizeof(nvt_scenarios) / sizeof(nvt_scenarios[0]),
		  .init = nvt_init, .alive = nvt_alive,
		  .uc_oracles = nvt_uc_oracles, .uc_oracle_count = 1);
