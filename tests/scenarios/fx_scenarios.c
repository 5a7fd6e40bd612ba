/* The scenario table, in the order the command line runs them. */
#include <string.h>

#include "fx_scenario.h"

static const struct fx_scenario *const fx_scenarios[] = {
	&fx_sc_identity,
	&fx_sc_liveness,
	&fx_sc_factorial_irq,
	&fx_sc_factorial_polled,
	&fx_sc_msi_raise_ack,
	&fx_sc_intx_fallback,
	&fx_sc_dma_round_trip,
	&fx_sc_dma_last_byte,
	&fx_sc_dma_above_mask,
	&fx_sc_wrong_id,
	&fx_sc_after_stop,
	&fx_sc_verifier_misuse,
	&fx_sc_unload_busy,
	&fx_sc_sleep_wake,
	&fx_sc_sleep_in_flight,
	&fx_sc_sleep_ack_timeout,
	&fx_sc_surprise_removal,
};

size_t fx_scenario_count(void)
{
	return sizeof(fx_scenarios) / sizeof(fx_scenarios[0]);
}

const struct fx_scenario *fx_scenario_at(size_t i)
{
	return i < fx_scenario_count() ? fx_scenarios[i] : NULL;
}

const struct fx_scenario *fx_scenario_find(const char *name)
{
	for (size_t i = 0; name != NULL && i < fx_scenario_count(); i++)
		if (strcmp(fx_scenarios[i]->name, name) == 0)
			return fx_scenarios[i];
	return NULL;
}
