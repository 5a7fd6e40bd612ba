/* The scenario table, in the order the command line runs them. */
#include <string.h>

#include "bench/scenario.h"

static const struct bench_scenario *const bench_scenarios[] = {
	&bench_sc_identity,
	&bench_sc_liveness,
	&bench_sc_factorial_irq,
	&bench_sc_factorial_polled,
	&bench_sc_msi_raise_ack,
	&bench_sc_intx_fallback,
	&bench_sc_dma_round_trip,
	&bench_sc_dma_last_byte,
	&bench_sc_dma_above_mask,
	&bench_sc_wrong_id,
	&bench_sc_after_stop,
	&bench_sc_verifier_misuse,
	&bench_sc_unload_busy,
	&bench_sc_sleep_wake,
	&bench_sc_sleep_in_flight,
	&bench_sc_sleep_ack_timeout,
	&bench_sc_surprise_removal,
};

size_t bench_scenario_count(void)
{
	return sizeof(bench_scenarios) / sizeof(bench_scenarios[0]);
}

const struct bench_scenario *bench_scenario_at(size_t i)
{
	return i < bench_scenario_count() ? bench_scenarios[i] : NULL;
}

const struct bench_scenario *bench_scenario_find(const char *name)
{
	for (size_t i = 0; name != NULL && i < bench_scenario_count(); i++)
		if (strcmp(bench_scenarios[i]->name, name) == 0)
			return bench_scenarios[i];
	return NULL;
}
