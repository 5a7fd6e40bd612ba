/* edu scenarios about power and presence: sleep/wake with config space
 * saved and restored around a reset device, a sleep requested while an
 * operation is in flight (acked late, or forced by the ack timeout), and a
 * surprise removal mid-operation followed by re-attach. */
#include <stdio.h>
#include <string.h>

#include "bench/kext.h"
#include "bench/pm.h"
#include "edu_tests.h"
#include "shim/power_policy.h"

#define EDU_BAR0 0x10u
#define EDU_DMA_LEN 64u
#define EDU_SOON_NS 1000ull /* a timer that fires once the operation sleeps */

static enum bench_result edu_check_works(struct bench_machine *fx, const char *when, char *why,
				     size_t len)
{
	uint8_t out[EDU_DMA_LEN], in[EDU_DMA_LEN];
	uint32_t v = 0;
	shim_ret r;

	if (fx->svc == NULL)
		return bench_fail(why, len, "%s: no service on the edu device", when);
	r = edu_api.factorial(fx->svc, 5, &v);
	if (r != SHIM_OK || v != 120)
		return bench_fail(why, len, "%s: factorial(5) by interrupt = %u (%s)", when, v,
			       shim_ret_string(r));
	for (unsigned i = 0; i < EDU_DMA_LEN; i++)
		out[i] = (uint8_t)(i * 7 + 3);
	memset(in, 0, sizeof(in));
	r = edu_api.dma_to_device(fx->svc, 0, out, EDU_DMA_LEN);
	if (r == SHIM_OK)
		r = edu_api.dma_from_device(fx->svc, 0, in, EDU_DMA_LEN);
	if (r != SHIM_OK || memcmp(in, out, EDU_DMA_LEN) != 0)
		return bench_fail(why, len, "%s: DMA round trip %s", when,
			       r != SHIM_OK ? shim_ret_string(r) : "returned other data");
	return BENCH_PASS;
}

static enum bench_result run_sleep_wake(struct bench_machine *fx, char *why, size_t len)
{
	struct shim_power_stats st;
	uint32_t bar0, v = 0;
	unsigned state = 0;
	enum bench_result res = edu_check_works(fx, "before sleep", why, len);
	shim_ret r;

	if (res != BENCH_PASS)
		return res;
	bar0 = shim_pci_cfg_read32(fx->dev, EDU_BAR0);
	if (bench_machine_sleep(fx, why, len) != SHIM_OK)
		return BENCH_FAIL;
	shim_machine_power_state(fx->machine, fx->dev, &state);
	if (state != EDU_PS_SLEEP)
		return bench_fail(why, len, "after system sleep the driver is in state %u", state);
	shim_machine_power_stats(fx->machine, &st);
	if (st.config_saves != 1 || st.context_losses != 1)
		return bench_fail(why, len, "sleep: %lu config save(s), %lu context loss(es), want 1 each",
			       st.config_saves, st.context_losses);
	if (shim_pci_cfg_read32(fx->dev, EDU_BAR0) == bar0)
		return bench_fail(why, len, "BAR0 still 0x%08x while asleep: no context was lost", bar0);
	r = edu_api.factorial(fx->svc, 3, &v);
	if (r != SHIM_ERR_NOT_READY)
		return bench_fail(why, len, "factorial while asleep: %s, want NOT_READY",
			       shim_ret_string(r));
	if (bench_machine_wake(fx, why, len) != SHIM_OK)
		return BENCH_FAIL;
	shim_machine_power_stats(fx->machine, &st);
	if (st.config_restores != 1 || st.restore_mismatches != 0 || st.late_acks != 0)
		return bench_fail(why, len, "wake: %lu restore(s), %lu mismatch(es), %lu late ack(s)",
			       st.config_restores, st.restore_mismatches, st.late_acks);
	if (shim_pci_cfg_read32(fx->dev, EDU_BAR0) != bar0)
		return bench_fail(why, len, "BAR0 not restored (0x%08x, want 0x%08x)",
			       shim_pci_cfg_read32(fx->dev, EDU_BAR0), bar0);
	return edu_check_works(fx, "after wake", why, len);
}

/* ---- a change or a removal while an operation sleeps on the loop ---- */

enum edu_mid_action { EDU_MID_SLEEP, EDU_MID_REMOVE };

struct edu_mid {
	struct bench_machine *fx;
	enum edu_mid_action action;
	shim_ret action_ret;
	bool fired;
};

static void edu_mid_fire(void *owner, shim_timer *t)
{
	struct edu_mid *mid = owner;
	char ignored[BENCH_WHY_LEN];

	(void)t;
	mid->fired = true;
	if (mid->action == EDU_MID_SLEEP)
		mid->action_ret = shim_machine_request_power_state(mid->fx->machine, mid->fx->dev,
								   EDU_PS_SLEEP);
	else
		mid->action_ret = bench_machine_surprise_remove(mid->fx, ignored, sizeof(ignored));
}

/* Runs one DMA to the device with the action fired while it waits. */
static shim_ret edu_dma_with(struct bench_machine *fx, struct edu_mid *mid, char *why, size_t len)
{
	static const uint8_t data[EDU_DMA_LEN] = { 1, 2, 3 };
	shim_timer *t = NULL;
	shim_ret r;

	mid->fx = fx;
	r = shim_timer_create(shim_machine_workloop(fx->machine), edu_mid_fire, mid, &t);
	if (r != SHIM_OK) {
		snprintf(why, len, "timer: %s", shim_ret_string(r));
		return r;
	}
	shim_timer_arm_ns(t, EDU_SOON_NS);
	r = edu_api.dma_to_device(fx->svc, 0, data, EDU_DMA_LEN);
	shim_timer_release(t);
	return r;
}

static enum bench_result edu_wake_and_check(struct bench_machine *fx, char *why, size_t len)
{
	if (bench_machine_wake(fx, why, len) != SHIM_OK)
		return BENCH_FAIL;
	return edu_check_works(fx, "after wake", why, len);
}

static enum bench_result run_sleep_in_flight(struct bench_machine *fx, char *why, size_t len)
{
	struct edu_mid mid = { .action = EDU_MID_SLEEP };
	struct shim_power_stats st;
	unsigned state = 0;
	shim_ret r = edu_dma_with(fx, &mid, why, len);

	if (!mid.fired || mid.action_ret != SHIM_OK)
		return bench_fail(why, len, "sleep request during DMA: fired %d, %s", mid.fired,
			       shim_ret_string(mid.action_ret));
	if (r != SHIM_OK)
		return bench_fail(why, len, "DMA in flight at sleep: %s, want it completed",
			       shim_ret_string(r));
	shim_machine_power_state(fx->machine, fx->dev, &state);
	shim_machine_power_stats(fx->machine, &st);
	if (state != EDU_PS_SLEEP || shim_machine_power_pending(fx->machine, fx->dev))
		return bench_fail(why, len, "after the DMA: state %u, pending %d; want asleep", state,
			       shim_machine_power_pending(fx->machine, fx->dev));
	if (st.late_acks != 0)
		return bench_fail(why, len, "the driver's ack came late (%lu)", st.late_acks);
	return edu_wake_and_check(fx, why, len);
}

/* Either outcome is clean: the DMA beat the ack timeout (completed, acked
 * in time) or the change went on without the ack and the DMA failed with
 * ABORTED; a pass names which in why. On the sim the clock is exact and the
 * timeout always wins; on qemu:edu QEMU's clock warps over the DMA before
 * the sleep request's timer fires, so the DMA always wins (see
 * docs/qemu-host.md, 'Virtual time'). */
static enum bench_result run_sleep_ack_timeout(struct bench_machine *fx, char *why, size_t len)
{
	const struct shim_power_policy pol = { .sleep_state = -1, .ack_timeout_ns = EDU_SOON_NS };
	struct edu_mid mid = { .action = EDU_MID_SLEEP };
	struct shim_power_stats st;
	unsigned state = 0;
	shim_ret r;

	shim_machine_set_power_policy(fx->machine, &pol);
	r = edu_dma_with(fx, &mid, why, len);
	shim_machine_set_power_policy(fx->machine, NULL);
	if (!mid.fired || mid.action_ret != SHIM_OK)
		return bench_fail(why, len, "sleep request during DMA: fired %d, %s", mid.fired,
			       shim_ret_string(mid.action_ret));
	shim_machine_power_stats(fx->machine, &st);
	shim_machine_power_state(fx->machine, fx->dev, &state);
	if (state != EDU_PS_SLEEP)
		return bench_fail(why, len, "after the forced sleep the driver is in state %u", state);
	if (r == SHIM_ERR_ABORTED && st.late_acks != 1)
		return bench_fail(why, len, "DMA aborted but %lu late ack(s) counted", st.late_acks);
	if (r == SHIM_OK && (st.late_acks != 0 || fx->factory->kind == BENCH_HOST_SIM))
		return bench_fail(why, len, "DMA completed although the ack timed out (%lu late)",
			       st.late_acks);
	if (r != SHIM_OK && r != SHIM_ERR_ABORTED)
		return bench_fail(why, len, "DMA cut by a forced sleep returned %s, want ABORTED",
			       shim_ret_string(r));
	if (edu_wake_and_check(fx, why, len) != BENCH_PASS)
		return BENCH_FAIL;
	/* Say which branch ran (shown by drvbench run --verbose and the qemu tests). */
	snprintf(why, len, "%s", r == SHIM_ERR_ABORTED ? EDU_ACK_TIMEOUT_FORCED : EDU_ACK_TIMEOUT_ACKED);
	return BENCH_PASS;
}

static enum bench_result run_surprise_removal(struct bench_machine *fx, char *why, size_t len)
{
	const shim_class *edu_cls = bench_kext_desc(fx->opt.kext)->classes[0];
	struct edu_mid mid = { .action = EDU_MID_REMOVE };
	char diff[BENCH_WHY_LEN] = "";
	struct shim_counters c;
	shim_ret r;

	if (!bench_machine_can_hotplug(fx, why, len))
		return BENCH_CANNOT_RUN;
	r = edu_dma_with(fx, &mid, why, len);
	if (!mid.fired || mid.action_ret != SHIM_OK)
		return bench_fail(why, len, "removal during DMA: fired %d, %s", mid.fired,
			       shim_ret_string(mid.action_ret));
	if (r != SHIM_ERR_NO_DEVICE)
		return bench_fail(why, len, "DMA on a removed device returned %s, want NO_DEVICE",
			       shim_ret_string(r));
	if (shim_pci_is_present(fx->dev))
		return bench_fail(why, len, "the shim still reports the removed device present");
	if (bench_machine_rescan(fx, why, len) != SHIM_OK)
		return BENCH_FAIL;
	shim_counters_snapshot(&c);
	if (fx->dev != NULL || fx->svc != NULL || shim_class_live(edu_cls) != 0)
		return bench_fail(why, len, "after rescan: device %p, service %p, %ld driver instance(s)",
			       (void *)fx->dev, (void *)fx->svc, shim_class_live(edu_cls));
	if (c.wired_bytes != fx->pre_match.counters.wired_bytes ||
	    c.prepared != fx->pre_match.counters.prepared)
		return bench_fail(why, len, "removed driver left %llu wired byte(s), %ld prepared",
			       (unsigned long long)c.wired_bytes, c.prepared);
	if (bench_machine_replug(fx, why, len) != SHIM_OK)
		return BENCH_FAIL;
	if (fx->svc == NULL)
		return bench_fail(why, len, "driver did not start on the re-attached device (%s)",
			       shim_ret_string(fx->match_ret));
	if (edu_check_works(fx, "after re-attach", why, len) != BENCH_PASS)
		return BENCH_FAIL;
	r = shim_machine_terminate(fx->machine, fx->dev);
	fx->svc = NULL;
	if (r != SHIM_OK)
		return bench_fail(why, len, "terminate: %s", shim_ret_string(r));
	if (!bench_baseline_matches(&fx->pre_match, diff, sizeof(diff)))
		return bench_fail(why, len, "remove + re-attach + stop not back to baseline: %s", diff);
	return BENCH_PASS;
}

const struct bench_scenario edu_sc_sleep_wake = {
	.name = "sleep-wake-restores-context",
	.summary = "system sleep loses the device's context; wake restores config space and "
		   "the driver works again",
	.run = run_sleep_wake,
};

const struct bench_scenario edu_sc_sleep_in_flight = {
	.name = "sleep-in-flight",
	.summary = "sleep requested during a DMA is acked after the DMA completes",
	.run = run_sleep_in_flight,
};

const struct bench_scenario edu_sc_sleep_ack_timeout = {
	.name = "sleep-ack-timeout",
	.summary = "a sleep forced by the ack timeout fails the DMA in flight with ABORTED",
	.run = run_sleep_ack_timeout,
};

const struct bench_scenario edu_sc_surprise_removal = {
	.name = "surprise-removal-mid-dma",
	.summary = "removal mid-DMA fails it with NO_DEVICE; rescan unloads the driver; "
		   "re-attach starts it again, counters back to baseline",
	.run = run_surprise_removal,
	.hotplug = true,
};
