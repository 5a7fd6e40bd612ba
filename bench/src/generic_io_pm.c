/* Generic scenarios mixing I/O with power and presence: a sleep requested
 * while a call waits on the loop ("I/O during"), calls before and after a
 * sleep and wake ("I/O before and after"), and a surprise removal during a
 * call and with async work outstanding, then a re-plug. The I/O is the
 * minimal call of each selector of the driver's user client (io.h). */
#include <stdio.h>

#include "bench/pm.h"
#include "generic.h"
#include "io.h"
#include "shim/power.h"
#include "shim/power_policy.h"

#define BENCH_PM_SETTLE_NS 20000000000ull /* past any late-ack timeout */

bool bench_sleep_state(struct bench_machine *fx, unsigned *state)
{
	const struct shim_driver *d = fx->svc != NULL ? shim_service_driver(fx->svc) : NULL;
	const struct shim_power_desc *p = d != NULL ? d->power : NULL;

	for (unsigned i = p != NULL ? p->state_count : 0; i-- > 0;) {
		if (!(p->states[i].flags & SHIM_POWER_ON)) {
			*state = i;
			return true;
		}
	}
	return false;
}

/* The change completes on the ack, or when its timeout fires. */
shim_ret bench_settle_power(struct bench_machine *fx, char *why, size_t len)
{
	for (int i = 0; i < 10 && shim_machine_power_pending(fx->machine, fx->dev); i++)
		shim_workloop_delay_ns(shim_machine_workloop(fx->machine), BENCH_PM_SETTLE_NS);
	if (!shim_machine_power_pending(fx->machine, fx->dev))
		return SHIM_OK;
	snprintf(why, len, "a power change requested during a call never completed");
	return SHIM_ERR_TIMEOUT;
}

static shim_ret bench_request_sleep(struct bench_machine *fx, void *arg)
{
	return shim_machine_request_power_state(fx->machine, fx->dev, *(unsigned *)arg);
}

static enum bench_result run_sleep_call_in_flight(struct bench_machine *fx, char *why, size_t len)
{
	unsigned state = 0, now = 0;
	struct bench_io io;
	struct bench_io_flight f = { .action = bench_request_sleep, .arg = &state };
	shim_ret r;

	if (!bench_sleep_state(fx, &state))
		return bench_cannot_run(why, len, "the driver declares no power-state table");
	r = bench_io_open(fx, &io, why, len);
	if (r != SHIM_OK)
		return r == SHIM_ERR_UNSUPPORTED ? BENCH_CANNOT_RUN : BENCH_FAIL;
	r = bench_io_in_flight(&io, &f, why, len);
	bench_io_close(&io);
	if (r != SHIM_OK)
		return r == SHIM_ERR_NOT_FOUND ? BENCH_CANNOT_RUN : BENCH_FAIL;
	if (f.action_ret != SHIM_OK)
		return bench_fail(why, len, "sleep request during selector %d: %s", f.selector,
				  shim_ret_string(f.action_ret));
	if (bench_settle_power(fx, why, len) != SHIM_OK)
		return BENCH_FAIL;
	shim_machine_power_state(fx->machine, fx->dev, &now);
	if (now != state)
		return bench_fail(why, len, "asleep in state %u, requested %u", now, state);
	if (bench_machine_wake(fx, why, len) != SHIM_OK)
		return BENCH_FAIL;
	if (bench_machine_alive(fx, "a sleep during a call and a wake", why, len) != SHIM_OK)
		return BENCH_FAIL;
	snprintf(why, len, "sleep requested during selector %d, which returned %s", f.selector,
		 shim_ret_string(f.call_ret));
	return BENCH_PASS;
}

static enum bench_result run_sleep_io_before_after(struct bench_machine *fx, char *why,
						   size_t len)
{
	unsigned state, before = 0, asleep = 0, after = 0;
	struct bench_io io;
	shim_ret r;

	if (!bench_sleep_state(fx, &state))
		return bench_cannot_run(why, len, "the driver declares no power-state table");
	r = bench_io_open(fx, &io, why, len);
	if (r != SHIM_OK)
		return r == SHIM_ERR_UNSUPPORTED ? BENCH_CANNOT_RUN : BENCH_FAIL;
	r = bench_io_each(&io, true, &before, why, len);
	if (r == SHIM_OK && (r = bench_machine_sleep(fx, why, len)) == SHIM_OK)
		r = bench_io_each(&io, true, &asleep, why, len);
	if (r == SHIM_OK && (r = bench_machine_wake(fx, why, len)) == SHIM_OK)
		r = bench_io_each(&io, true, &after, why, len);
	bench_io_close(&io);
	if (r != SHIM_OK)
		return BENCH_FAIL;
	if (after < before)
		return bench_fail(why, len, "after wake the driver took %u of the calls it took "
				  "before sleep (%u)", after, before);
	if (bench_machine_alive(fx, "I/O around a sleep", why, len) != SHIM_OK)
		return BENCH_FAIL;
	snprintf(why, len, "calls taken: %u before, %u asleep, %u after", before, asleep, after);
	return BENCH_PASS;
}

static shim_ret bench_remove(struct bench_machine *fx, void *arg)
{
	char ignored[BENCH_WHY_LEN];

	(void)arg;
	return bench_machine_surprise_remove(fx, ignored, sizeof(ignored));
}

/* Rescan (the driver stops), the client goes, a fresh device is matched. */
static enum bench_result bench_after_removal(struct bench_machine *fx, struct bench_io *io,
					     char *why, size_t len)
{
	char v[BENCH_WHY_LEN] = "";

	if (bench_machine_rescan(fx, why, len) != SHIM_OK)
		return BENCH_FAIL;
	if (!bench_verifier_empty(v, sizeof(v)))
		return bench_fail(why, len, "when told of the removal: %s", v);
	if (fx->svc != NULL)
		return bench_fail(why, len, "the service outlived the removal of its device");
	bench_io_close(io);
	if (io->late != 0)
		return bench_fail(why, len, "%lu completion(s) reached a closed client", io->late);
	if (bench_machine_replug(fx, why, len) != SHIM_OK)
		return BENCH_FAIL;
	if (fx->svc == NULL)
		return bench_fail(why, len, "re-plugged device not started: match %s",
				  shim_ret_string(fx->match_ret));
	return bench_machine_alive(fx, "a removal and re-plug", why, len) == SHIM_OK ? BENCH_PASS
										    : BENCH_FAIL;
}

static enum bench_result bench_removal_with_io(struct bench_machine *fx, bool mid_call,
					       char *why, size_t len)
{
	struct bench_io io;
	struct bench_io_flight f = { .action = bench_remove };
	unsigned accepted = 0;
	shim_ret r;

	if (!bench_machine_can_hotplug(fx, why, len))
		return BENCH_CANNOT_RUN;
	r = bench_io_open(fx, &io, why, len);
	if (r != SHIM_OK)
		return r == SHIM_ERR_UNSUPPORTED ? BENCH_CANNOT_RUN : BENCH_FAIL;
	if (mid_call) {
		r = bench_io_in_flight(&io, &f, why, len);
		if (r == SHIM_OK && f.action_ret != SHIM_OK) {
			snprintf(why, len, "removal during selector %d: %s", f.selector,
				 shim_ret_string(f.action_ret));
			r = SHIM_ERR_HOST;
		}
	} else {
		r = bench_io_each(&io, true, &accepted, why, len);
		if (r == SHIM_OK && io.issued == io.completions) {
			snprintf(why, len, "no selector left an async completion outstanding");
			r = SHIM_ERR_NOT_FOUND;
		}
		if (r == SHIM_OK)
			r = bench_machine_surprise_remove(fx, why, len);
	}
	if (r != SHIM_OK) {
		bench_io_close(&io);
		return r == SHIM_ERR_NOT_FOUND ? BENCH_CANNOT_RUN : BENCH_FAIL;
	}
	return bench_after_removal(fx, &io, why, len);
}

static enum bench_result run_removal_mid_call(struct bench_machine *fx, char *why, size_t len)
{
	return bench_removal_with_io(fx, true, why, len);
}

static enum bench_result run_removal_async(struct bench_machine *fx, char *why, size_t len)
{
	return bench_removal_with_io(fx, false, why, len);
}

const struct bench_scenario bench_sc_sleep_call_in_flight = {
	.name = "sleep-wake-call-in-flight",
	.summary = "a sleep requested while a call waits on the work loop completes (acked or "
		   "timed out); after wake the driver answers",
	.run = run_sleep_call_in_flight,
};

const struct bench_scenario bench_sc_sleep_io_before_after = {
	.name = "sleep-wake-io-before-after",
	.summary = "every selector called before a sleep, while asleep and after the wake; the "
		   "driver takes after wake what it took before",
	.run = run_sleep_io_before_after,
};

const struct bench_scenario bench_sc_removal_mid_call = {
	.name = "surprise-removal-mid-call",
	.summary = "the device vanishes while a call waits on the loop; the driver stops "
		   "cleanly, a re-plugged device is started again",
	.run = run_removal_mid_call,
	.hotplug = true,
};

const struct bench_scenario bench_sc_removal_async = {
	.name = "surprise-removal-async-outstanding",
	.summary = "the device vanishes with async requests outstanding; none completes to a "
		   "closed client, the re-plugged device starts again",
	.run = run_removal_async,
	.hotplug = true,
};
