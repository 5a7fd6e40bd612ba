/* Generic scenarios about power and presence: a system sleep and wake
 * that look normal to the driver, and a surprise removal followed by a
 * re-plug that matches and starts the driver again. */
#include <stdio.h>

#include "bench/pm.h"
#include "generic.h"
#include "shim/power_policy.h"

static enum bench_result run_sleep_wake(struct bench_machine *fx, char *why, size_t len)
{
	struct shim_power_stats a, b;
	unsigned state = 0;
	shim_ret r = shim_machine_power_state(fx->machine, fx->dev, &state);

	if (r == SHIM_ERR_UNSUPPORTED)
		return bench_cannot_run(why, len, "the driver declares no power-state table");
	if (r != SHIM_OK)
		return bench_fail(why, len, "power state: %s", shim_ret_string(r));
	shim_machine_power_stats(fx->machine, &a);
	if (bench_machine_sleep(fx, why, len) != SHIM_OK)
		return BENCH_FAIL;
	if (bench_machine_wake(fx, why, len) != SHIM_OK)
		return BENCH_FAIL;
	shim_machine_power_stats(fx->machine, &b);
	if (b.changes - a.changes != 2)
		return bench_fail(why, len, "sleep+wake made %lu power change(s), expected 2",
				  b.changes - a.changes);
	if (b.late_acks != a.late_acks)
		return bench_fail(why, len, "%lu late ack(s): the driver did not answer in time",
				  b.late_acks - a.late_acks);
	if (b.restore_mismatches != a.restore_mismatches)
		return bench_fail(why, len, "config space not restored as saved (%lu mismatch(es))",
				  b.restore_mismatches - a.restore_mismatches);
	return bench_machine_alive(fx, "wake", why, len) == SHIM_OK ? BENCH_PASS : BENCH_FAIL;
}

static enum bench_result run_surprise_removal(struct bench_machine *fx, char *why, size_t len)
{
	char diff[BENCH_WHY_LEN] = "";
	shim_ret r;

	if (!bench_machine_can_hotplug(fx, why, len))
		return BENCH_CANNOT_RUN;
	r = bench_machine_unplug(fx, why, len);
	if (r != SHIM_OK)
		return BENCH_FAIL;
	if (fx->svc != NULL)
		return bench_fail(why, len, "the service outlived the removal of its device");
	if (!bench_verifier_empty(diff, sizeof(diff)))
		return bench_fail(why, len, "when told of the removal: %s", diff);
	r = bench_machine_replug(fx, why, len);
	if (r != SHIM_OK)
		return BENCH_FAIL;
	if (fx->svc == NULL)
		return bench_fail(why, len, "re-plugged device not started: match %s, %zu started",
				  shim_ret_string(fx->match_ret), fx->started);
	return bench_machine_alive(fx, "re-plug", why, len) == SHIM_OK ? BENCH_PASS : BENCH_FAIL;
}

const struct bench_scenario bench_sc_sleep_wake = {
	.name = "sleep-wake",
	.summary = "system sleep and wake through the power policy: two changes, no late ack, "
		   "config space restored, the driver answers after",
	.run = run_sleep_wake,
};

const struct bench_scenario bench_sc_surprise_removal = {
	.name = "surprise-removal",
	.summary = "the device vanishes under the running driver, which stops cleanly; a "
		   "re-plugged one is matched and started again",
	.run = run_surprise_removal,
	.hotplug = true,
};
