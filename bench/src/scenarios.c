/* The scenario tables: the bench's generic scenarios, which every kext
 * gets, then those of the driver's test module. */
#include <string.h>

#include "bench/scenario.h"
#include "generic.h"

static const struct bench_scenario *const bench_generic[] = {
	&bench_sc_load_start_stop_unload,
	&bench_sc_unload_refused_while_running,
	&bench_sc_start_failures,
	&bench_sc_user_client_open_close,
	&bench_sc_terminate_client_open,
	&bench_sc_terminate_async_outstanding,
	&bench_sc_client_death_mid_call,
	&bench_sc_client_death_async,
	&bench_sc_sleep_wake,
	&bench_sc_sleep_call_in_flight,
	&bench_sc_sleep_io_before_after,
	&bench_sc_surprise_removal,
	&bench_sc_removal_mid_call,
	&bench_sc_removal_async,
	&bench_sc_rebalance,
	&bench_sc_disable_enable,
	&bench_sc_chaos,
};

#define BENCH_NGENERIC (sizeof(bench_generic) / sizeof(bench_generic[0]))

const struct bench_scenario *bench_generic_at(size_t i)
{
	return i < BENCH_NGENERIC ? bench_generic[i] : NULL;
}

const struct bench_scenario *bench_scenario_at(const struct bench_test_module *module, size_t i)
{
	if (i < BENCH_NGENERIC)
		return bench_generic[i];
	i -= BENCH_NGENERIC;
	return module != NULL && i < module->scenario_count ? module->scenarios[i] : NULL;
}

const struct bench_scenario *bench_scenario_find(const struct bench_test_module *module,
						 const char *name)
{
	const struct bench_scenario *sc;

	for (size_t i = 0; name != NULL && (sc = bench_scenario_at(module, i)) != NULL; i++)
		if (strcmp(sc->name, name) == 0)
			return sc;
	return NULL;
}

const char *bench_scenario_expected_cannot_run(const struct bench_scenario *sc,
					       const struct bench_host_factory *host)
{
	for (const struct bench_expect *e = sc->cannot_run; e != NULL && e->host != NULL; e++)
		if (strcmp(e->host, host->name) == 0)
			return e->because;
	return NULL;
}
