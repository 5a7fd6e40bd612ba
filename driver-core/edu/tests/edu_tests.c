/* The edu driver's test module: its own scenarios, on top of the bench's
 * generic ones, in the order drvbench runs them; the init that finds the
 * driver's operations in each freshly loaded kext; the alive check the
 * cycles and generic scenarios run (liveness through the driver); and the
 * user client's contract the fuzzers check every call against. */
#include <stdio.h>

#include "edu_tests.h"

static const struct bench_scenario *const edu_scenarios[] = {
	&edu_sc_identity,
	&edu_sc_liveness,
	&edu_sc_factorial_irq,
	&edu_sc_factorial_polled,
	&edu_sc_msi_raise_ack,
	&edu_sc_intx_fallback,
	&edu_sc_dma_round_trip,
	&edu_sc_dma_last_byte,
	&edu_sc_dma_above_mask,
	&edu_sc_wrong_id,
	&edu_sc_after_stop,
	&edu_sc_verifier_misuse,
	&edu_sc_sleep_wake,
	&edu_sc_sleep_in_flight,
	&edu_sc_sleep_ack_timeout,
	&edu_sc_surprise_removal,
};

static shim_ret edu_tests_init(struct bench_machine *fx, char *why, size_t len)
{
	return edu_api_resolve(fx, why, len) ? SHIM_OK : SHIM_ERR_NOT_FOUND;
}

/* The kext may have been reloaded since init: resolve again. */
static shim_ret edu_tests_alive(struct bench_machine *fx, char *why, size_t len)
{
	uint32_t v = 0;
	shim_ret r;

	if (!edu_api_resolve(fx, why, len))
		return SHIM_ERR_NOT_FOUND;
	r = edu_api.liveness(fx->svc, 0x1234u, &v);
	if (r == SHIM_OK && v != ~0x1234u)
		r = SHIM_ERR_DEVICE_ERROR;
	if (r != SHIM_OK)
		snprintf(why, len, "edu liveness %s (read 0x%08x, want 0x%08x)", shim_ret_string(r),
			 v, ~0x1234u);
	return r;
}

static const struct bench_uc_oracle *const edu_uc_oracles[] = { &edu_uc_oracle };

BENCH_TEST_MODULE(.name = "edu", .scenarios = edu_scenarios,
		  .scenario_count = sizeof(edu_scenarios) / sizeof(edu_scenarios[0]),
		  .init = edu_tests_init, .alive = edu_tests_alive,
		  .uc_oracles = edu_uc_oracles, .uc_oracle_count = 1);
