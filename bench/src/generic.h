/* The generic scenarios (generic_*.c): checks that need no code from the
 * driver and run for every kext, and the user-client call they share with
 * the open/close cycle. */
#ifndef BENCH_GENERIC_H
#define BENCH_GENERIC_H

#include "bench/scenario.h"
#include "internal.h"
#include "shim/uc_client.h"

BENCH_INTERNAL extern const struct bench_scenario bench_sc_load_start_stop_unload,
	bench_sc_unload_refused_while_running, bench_sc_user_client_open_close, bench_sc_sleep_wake,
	bench_sc_surprise_removal, bench_sc_start_failures, bench_sc_terminate_client_open,
	bench_sc_terminate_async_outstanding, bench_sc_client_death_mid_call,
	bench_sc_client_death_async, bench_sc_sleep_call_in_flight, bench_sc_sleep_io_before_after,
	bench_sc_removal_mid_call, bench_sc_removal_async, bench_sc_rebalance,
	bench_sc_disable_enable, bench_sc_chaos;

/* The state a system sleep would put the running driver in: the highest of
 * its table without SHIM_POWER_ON; false without a table (generic_io_pm.c). */
BENCH_INTERNAL bool bench_sleep_state(struct bench_machine *fx, unsigned *state);
/* Runs the loop until a requested power change is done (acked or timed out). */
BENCH_INTERNAL shim_ret bench_settle_power(struct bench_machine *fx, char *why, size_t len);

/* One call of the first selector that takes no input, with exactly the
 * output its declaration asks for a caller of `abi` (SHIM_OK with *called false when the
 * table has none). A refusal by the shim's own checks is a bench bug and
 * is returned as SHIM_ERR_BAD_SHAPE with why; the method's own result is
 * the driver's business and only reported in *method_ret. */
BENCH_INTERNAL shim_ret bench_uc_minimal_call(shim_uc_conn *conn, const struct shim_uc_desc *d,
					      enum shim_uc_abi abi, bool *called,
					      shim_ret *method_ret, char *why, size_t len);

#endif
