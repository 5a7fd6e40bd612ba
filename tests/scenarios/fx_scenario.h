/* Scenarios: named end-to-end checks of a driver on a fixture machine.
 * Every run ends PASS, FAIL or CANNOT_RUN with a reason (a scenario that
 * needs something the host lacks says so; nothing is silently skipped),
 * and a report of the counters before and after. */
#ifndef FX_SCENARIO_H
#define FX_SCENARIO_H

#include "fx_machine.h"

enum fx_result { FX_PASS = 0, FX_FAIL, FX_CANNOT_RUN };

#define FX_WHY_LEN 320

struct fx_scenario {
	const char *name;
	const char *summary;
	/* Runs on a booted machine; fills why unless it passes (a passing run
	 * may leave a note there, e.g. which of two clean outcomes happened). */
	enum fx_result (*run)(struct fx_machine *fx, char *why, size_t len);
	struct fx_options opt;   /* machine variant to boot */
	/* Optional: adjust opt at run time (e.g. a wrapped kext). */
	void (*prepare)(struct fx_options *opt);
	unsigned needs;          /* enum fx_cap bits the host must offer */
	bool start_may_fail;     /* run even when the driver did not start */
};

struct fx_class_report {
	const char *name;
	long before, after;
};

struct fx_report {
	const struct fx_scenario *scenario;
	const char *host;
	enum fx_result result;
	char why[FX_WHY_LEN];
	struct shim_counters before, after;
	size_t nclasses;
	struct fx_class_report classes[FX_MAX_CLASSES];
	long log_drops;          /* messages the log ring dropped during the run */
	double elapsed_ms;       /* wall clock */
};

/* sleep-ack-timeout's note when it passes: which clean outcome happened. */
#define FX_ACK_TIMEOUT_FORCED "forced: the ack timed out, the sleep went on, the DMA was ABORTED"
#define FX_ACK_TIMEOUT_ACKED "acked: the DMA completed and was acked before the ack timeout"

size_t fx_scenario_count(void);
const struct fx_scenario *fx_scenario_at(size_t i);   /* NULL past the end */
const struct fx_scenario *fx_scenario_find(const char *name);
const char *fx_result_string(enum fx_result r);     /* "PASS", "FAIL", "CANNOT RUN" */

/* Boot, run, shut down, compare. Never aborts. */
void fx_scenario_run(const struct fx_scenario *sc, const struct fx_host_factory *host,
		     struct fx_report *rep);

/* For run functions: format why and return the result. */
enum fx_result fx_fail(char *why, size_t len, const char *fmt, ...) SHIM_PRINTF(3, 4);
enum fx_result fx_cannot_run(char *why, size_t len, const char *fmt, ...) SHIM_PRINTF(3, 4);

/* The scenarios for the edu driver (fx_sc_edu_*.c). */
extern const struct fx_scenario fx_sc_identity, fx_sc_liveness, fx_sc_factorial_irq,
	fx_sc_factorial_polled, fx_sc_msi_raise_ack, fx_sc_intx_fallback, fx_sc_dma_round_trip,
	fx_sc_dma_last_byte, fx_sc_dma_above_mask, fx_sc_wrong_id, fx_sc_after_stop,
	fx_sc_verifier_misuse, fx_sc_unload_busy;
/* Power and presence (fx_sc_edu_power.c). */
extern const struct fx_scenario fx_sc_sleep_wake, fx_sc_sleep_in_flight, fx_sc_sleep_ack_timeout,
	fx_sc_surprise_removal;

#endif
