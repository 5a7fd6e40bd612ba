/* NVMe scenarios about presence and power with I/O in flight: a surprise
 * removal while async flushes are outstanding and a write waits (the write
 * fails with NO_DEVICE, the flushes end and everything the client held
 * comes back, the driver stops, and starts again on a re-attached
 * controller); a sleep
 * requested while a write waits on the loop (acked once the write is done,
 * CC.SHN shutdown, and the data still there after wake). */
#include <stdio.h>
#include <string.h>

#include "bench/pm.h"
#include "nvme_tests.h"
#include "shim/power_policy.h"

#define NVT_ASYNC 3u
#define NVT_IO_BLOCKS 8u
#define NVT_IO_LBA 512u
#define NVT_TRIES 20u   /* the sleep request must land while a write waits */

struct nvt_mid {
	struct bench_machine *fx;
	bool remove;
	bool fired;
	shim_ret action_ret;
};

static void nvt_mid_fire(void *owner, shim_timer *t)
{
	struct nvt_mid *mid = owner;
	char ignored[BENCH_WHY_LEN];

	(void)t;
	if (mid->fired)
		return;
	mid->fired = true;
	if (mid->remove)
		mid->action_ret = bench_machine_surprise_remove(mid->fx, ignored, sizeof(ignored));
	else
		mid->action_ret = shim_machine_request_power_state(mid->fx->machine, mid->fx->dev,
								   NVT_PS_SLEEP);
}

/* One write of NVT_IO_BLOCKS with the action fired the first time the
 * write waits on the loop (a timer due at once). */
static shim_ret nvt_write_with(struct bench_machine *fx, struct nvt_mid *mid, const uint8_t *data,
			       char *why, size_t len)
{
	shim_timer *t = NULL;
	shim_ret r;

	mid->fx = fx;
	r = shim_timer_create(shim_machine_workloop(fx->machine), nvt_mid_fire, mid, &t);
	if (r != SHIM_OK) {
		snprintf(why, len, "timer: %s", shim_ret_string(r));
		return r;
	}
	shim_timer_arm_ns(t, 0);
	r = nvt_api.write_buf(fx->svc, NVT_IO_LBA, NVT_IO_BLOCKS, data);
	shim_timer_cancel(t);
	shim_timer_release(t);
	return r;
}

static enum bench_result run_removal_io(struct bench_machine *fx, char *why, size_t len)
{
	uint8_t data[NVT_IO_BLOCKS * 512];
	struct nvt_mid mid = { .remove = true };
	struct shim_uc_counters before, now;
	struct nvt_client c;
	uint64_t h;
	enum bench_result res;
	shim_ret r;

	if (!bench_machine_can_hotplug(fx, why, len))
		return BENCH_CANNOT_RUN;
	shim_uc_counters_snapshot(&before);
	if (nvt_client_open(fx, &c, why, len) != SHIM_OK)
		return BENCH_FAIL;
	for (unsigned i = 0; i < NVT_ASYNC; i++)
		if (nvt_flush_async(&c, &h) != SHIM_OK) {
			nvt_client_close(&c);
			return bench_fail(why, len, "async flush %u not accepted", i);
		}
	nvt_fill(data, sizeof(data), 7);
	r = nvt_write_with(fx, &mid, data, why, len);
	if (!mid.fired || mid.action_ret != SHIM_OK) {
		nvt_client_close(&c);
		return bench_fail(why, len, "removal during the write: fired %d, %s", mid.fired,
				  shim_ret_string(mid.action_ret));
	}
	/* A write the controller completed just before it went is fine; the
	 * next one finds it gone. */
	if (r == SHIM_OK)
		r = nvt_api.write_buf(fx->svc, NVT_IO_LBA, NVT_IO_BLOCKS, data);
	if (r != SHIM_ERR_NO_DEVICE) {
		nvt_client_close(&c);
		return bench_fail(why, len, "write to a removed controller: %s, want NO_DEVICE",
				  shim_ret_string(r));
	}
	/* The driver is told: outstanding flushes end (done before the
	 * removal, or failed by it) and the connection is closed with the
	 * service; whatever the client held comes back. */
	if (bench_machine_rescan(fx, why, len) != SHIM_OK) {
		nvt_client_close(&c);
		return BENCH_FAIL;
	}
	shim_workloop_delay_ns(shim_machine_workloop(fx->machine), 1000000);
	shim_uc_counters_snapshot(&now);
	if (c.completions > NVT_ASYNC || now.asyncs != before.asyncs ||
	    now.handles != before.handles || now.pending != before.pending) {
		nvt_client_close(&c);
		return bench_fail(why, len, "after the removal: %lu completion(s) of %u flushes, %ld "
				  "completion reference(s), %ld handle(s), %ld pending still held",
				  c.completions, NVT_ASYNC, now.asyncs - before.asyncs,
				  now.handles - before.handles, now.pending - before.pending);
	}
	nvt_client_close(&c);
	if (fx->svc != NULL)
		return bench_fail(why, len, "a service still runs on the removed controller");
	if (bench_machine_replug(fx, why, len) != SHIM_OK)
		return BENCH_FAIL;
	if (fx->svc == NULL)
		return bench_fail(why, len, "the driver did not start on the re-attached controller "
				  "(%s)", shim_ret_string(fx->match_ret));
	if (!nvt_api_resolve(fx, why, len))
		return BENCH_FAIL;
	res = nvt_works(fx, "after re-attach", why, len);
	if (res == BENCH_PASS)
		snprintf(why, len, "write failed with NO_DEVICE, %lu of %u flushes delivered before "
			 "the connection closed, re-attached controller works", c.completions,
			 NVT_ASYNC);
	return res;
}

static enum bench_result run_sleep_io(struct bench_machine *fx, char *why, size_t len)
{
	uint8_t data[NVT_IO_BLOCKS * 512], back[NVT_IO_BLOCKS * 512];
	struct nvt_mid mid = { .remove = false };
	struct shim_power_stats st;
	unsigned state = 0, tries = 0;
	shim_ret r = SHIM_OK;

	nvt_fill(data, sizeof(data), 11);
	/* A fast controller may complete before the request lands; write again. */
	while (!mid.fired && tries++ < NVT_TRIES) {
		r = nvt_write_with(fx, &mid, data, why, len);
		if (!mid.fired && r != SHIM_OK)
			return bench_fail(why, len, "write: %s", shim_ret_string(r));
	}
	if (!mid.fired || mid.action_ret != SHIM_OK)
		return bench_fail(why, len, "sleep request during a write: fired %d, %s", mid.fired,
				  shim_ret_string(mid.action_ret));
	if (r != SHIM_OK)
		return bench_fail(why, len, "write in flight at sleep: %s, want it completed",
				  shim_ret_string(r));
	shim_machine_power_state(fx->machine, fx->dev, &state);
	shim_machine_power_stats(fx->machine, &st);
	if (state != NVT_PS_SLEEP || shim_machine_power_pending(fx->machine, fx->dev))
		return bench_fail(why, len, "after the write: state %u, pending %d; want asleep", state,
				  shim_machine_power_pending(fx->machine, fx->dev));
	if (st.late_acks != 0)
		return bench_fail(why, len, "the driver's ack came late (%lu)", st.late_acks);
	if (nvt_api.read_buf(fx->svc, NVT_IO_LBA, NVT_IO_BLOCKS, back) != SHIM_ERR_NOT_READY)
		return bench_fail(why, len, "a read while asleep was not refused with NOT_READY");
	if (bench_machine_wake(fx, why, len) != SHIM_OK)
		return BENCH_FAIL;
	r = nvt_api.read_buf(fx->svc, NVT_IO_LBA, NVT_IO_BLOCKS, back);
	if (r != SHIM_OK || memcmp(back, data, sizeof(data)) != 0)
		return bench_fail(why, len, "after wake the write's data: %s",
				  r != SHIM_OK ? shim_ret_string(r) : "other bytes");
	snprintf(why, len, "sleep acked after the write (try %u), shut down, data kept over wake",
		 tries);
	return nvt_works(fx, "after wake", why, len) == BENCH_PASS ? BENCH_PASS : BENCH_FAIL;
}

const struct bench_scenario nvt_sc_removal_io = {
	.name = "surprise-removal-io-in-flight",
	.summary = "removed with async flushes outstanding and a write waiting: the write fails "
		   "with NO_DEVICE, the flushes end, re-attach starts the driver again",
	.run = run_removal_io,
	.hotplug = true,
};

const struct bench_scenario nvt_sc_sleep_io = {
	.name = "sleep-io-in-flight",
	.summary = "sleep requested while a write waits is acked once it completes (CC.SHN "
		   "shutdown); after wake the data is there and I/O works",
	.run = run_sleep_io,
};
