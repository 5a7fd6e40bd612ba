/* Generic scenario "chaos": the other generic operations interleaved at
 * random for a bounded number of steps, from a seed (DRVBENCH_CHAOS_SEED,
 * else a fixed one, so a failure replays): I/O sync and async, a client
 * opening, closing or dying, stop and start, sleep and wake, a sleep or a
 * removal during a call, rebalance, decode off, unplug and re-plug. The
 * driver must answer after every step, and at the end, stopped, every
 * counter must be where it was before it first started. */
#include <stdio.h>
#include <stdlib.h>

#include "bench/pm.h"
#include "generic.h"
#include "io.h"
#include "shim/power_policy.h"

#define BENCH_CHAOS_STEPS 40u
#define BENCH_CHAOS_SEED 0x5eed5eedu

enum bench_chaos_op {
	OP_IO, OP_IO_ASYNC, OP_REOPEN, OP_DIE, OP_RESTART, OP_SLEEP_WAKE, OP_SLEEP_MID,
	OP_REBALANCE, OP_DECODE_OFF, OP_UNPLUG, OP_COUNT
};

static const char *const bench_chaos_names[OP_COUNT] = {
	"I/O", "async I/O", "client reopen", "client death", "stop/start", "sleep/wake",
	"sleep during a call", "rebalance", "decode off", "unplug/re-plug",
};

struct bench_chaos {
	struct bench_machine *fx;
	struct bench_io io;
	bool have_io, can_hotplug;
	uint64_t rng;
};

static uint32_t bench_chaos_next(struct bench_chaos *c)
{
	c->rng ^= c->rng << 13;
	c->rng ^= c->rng >> 7;
	c->rng ^= c->rng << 17;
	return (uint32_t)(c->rng >> 11);
}

static shim_ret bench_chaos_restart(struct bench_machine *fx, bool rebalance, bool decode_off,
				    char *why, size_t len)
{
	shim_ret r = shim_machine_terminate(fx->machine, fx->dev);

	fx->svc = NULL;
	if (r == SHIM_OK && rebalance)
		r = shim_machine_rebalance(fx->machine, fx->dev);
	if (r == SHIM_OK && decode_off)
		shim_pci_cfg_write16(fx->dev, 0x04,
				     (uint16_t)(shim_pci_cfg_read16(fx->dev, 0x04) & ~0x7u));
	if (r != SHIM_OK) {
		snprintf(why, len, "%s", shim_ret_string(r));
		return r;
	}
	fx->match_ret = shim_machine_match(fx->machine, fx->kext, &fx->started);
	fx->svc = shim_machine_service(fx->machine, fx->dev);
	return SHIM_OK;
}

static shim_ret bench_chaos_sleep_now(struct bench_machine *fx, void *arg)
{
	return shim_machine_request_power_state(fx->machine, fx->dev, *(unsigned *)arg);
}

/* A sleep requested while a call waits, let finish, then a wake. */
static shim_ret bench_chaos_sleep_mid(struct bench_chaos *c, char *why, size_t len)
{
	unsigned state;
	struct bench_io_flight f = { .action = bench_chaos_sleep_now, .arg = &state };
	shim_ret r;

	if (!c->have_io || !bench_sleep_state(c->fx, &state))
		return SHIM_OK; /* no client or no power table: nothing to interleave */
	r = bench_io_in_flight(&c->io, &f, why, len);
	if (r == SHIM_ERR_NOT_FOUND)
		return SHIM_OK; /* nothing waits on the loop: nothing was in flight */
	if (r != SHIM_OK)
		return r;
	r = bench_settle_power(c->fx, why, len);
	return r == SHIM_OK ? bench_machine_wake(c->fx, why, len) : r;
}

static shim_ret bench_chaos_client(struct bench_chaos *c, char *why, size_t len)
{
	shim_ret r;

	if (c->have_io)
		return SHIM_OK;
	r = bench_io_open(c->fx, &c->io, why, len);
	c->have_io = r == SHIM_OK;
	return r == SHIM_ERR_UNSUPPORTED ? SHIM_OK : r;
}

static shim_ret bench_chaos_step(struct bench_chaos *c, enum bench_chaos_op op, char *why,
				 size_t len)
{
	struct bench_machine *fx = c->fx;
	unsigned taken;
	shim_ret r = SHIM_OK;

	if (op == OP_RESTART || op == OP_REBALANCE || op == OP_DECODE_OFF || op == OP_UNPLUG ||
	    op == OP_REOPEN || op == OP_DIE) {
		if (c->have_io && op == OP_DIE)
			bench_io_die(&c->io);
		else if (c->have_io)
			bench_io_close(&c->io);
		c->have_io = false;
	}
	switch (op) {
	case OP_IO:
	case OP_IO_ASYNC:
		r = bench_chaos_client(c, why, len);
		if (r == SHIM_OK && c->have_io)
			r = bench_io_each(&c->io, op == OP_IO_ASYNC, &taken, why, len);
		break;
	case OP_REOPEN:
	case OP_DIE:
		r = bench_chaos_client(c, why, len);
		break;
	case OP_RESTART:
	case OP_REBALANCE:
	case OP_DECODE_OFF:
		r = bench_chaos_restart(fx, op == OP_REBALANCE, op == OP_DECODE_OFF, why, len);
		break;
	case OP_SLEEP_WAKE:
		r = bench_machine_sleep(fx, why, len);
		if (r == SHIM_OK)
			r = bench_machine_wake(fx, why, len);
		break;
	case OP_SLEEP_MID:
		r = bench_chaos_client(c, why, len);
		if (r == SHIM_OK)
			r = bench_chaos_sleep_mid(c, why, len);
		break;
	case OP_UNPLUG:
		if (!c->can_hotplug)
			break;
		r = bench_machine_unplug(fx, why, len);
		if (r == SHIM_OK)
			r = bench_machine_replug(fx, why, len);
		break;
	case OP_COUNT:
		break;
	}
	if (r == SHIM_OK && c->io.late != 0) {
		snprintf(why, len, "%lu completion(s) reached a closed client", c->io.late);
		r = SHIM_ERR_GENERIC;
	}
	return r == SHIM_OK ? bench_machine_alive(fx, bench_chaos_names[op], why, len) : r;
}

static enum bench_result run_chaos(struct bench_machine *fx, char *why, size_t len)
{
	const char *env = getenv("DRVBENCH_CHAOS_SEED");
	unsigned long seed = env != NULL ? strtoul(env, NULL, 0) : BENCH_CHAOS_SEED;
	struct bench_chaos c = { .fx = fx, .rng = seed != 0 ? seed : 1 };
	char diff[BENCH_WHY_LEN] = "", step[BENCH_WHY_LEN] = "";
	unsigned done[OP_COUNT] = { 0 };
	shim_ret r;

	c.can_hotplug = bench_machine_can_hotplug(fx, diff, sizeof(diff));
	for (unsigned i = 0; i < BENCH_CHAOS_STEPS; i++) {
		enum bench_chaos_op op = (enum bench_chaos_op)(bench_chaos_next(&c) % OP_COUNT);

		r = bench_chaos_step(&c, op, step, sizeof(step));
		if (r != SHIM_OK) {
			if (c.have_io)
				bench_io_close(&c.io);
			return bench_fail(why, len, "seed 0x%lx, step %u (%s): %s", seed, i,
					  bench_chaos_names[op], step);
		}
		done[op]++;
	}
	if (c.have_io)
		bench_io_close(&c.io);
	r = shim_machine_terminate(fx->machine, fx->dev);
	fx->svc = NULL;
	if (r != SHIM_OK)
		return bench_fail(why, len, "seed 0x%lx: final stop: %s", seed, shim_ret_string(r));
	if (!bench_baseline_matches(&fx->pre_match, diff, sizeof(diff)))
		return bench_fail(why, len, "seed 0x%lx: after %u steps, stopped, not back: %s", seed,
				  BENCH_CHAOS_STEPS, diff);
	snprintf(why, len, "seed 0x%lx, %u steps: %u I/O, %u async, %u reopen, %u death, %u "
			   "restart, %u sleep, %u sleep mid-call, %u rebalance, %u decode off, %u "
			   "unplug%s", seed, BENCH_CHAOS_STEPS, done[OP_IO], done[OP_IO_ASYNC],
		 done[OP_REOPEN], done[OP_DIE], done[OP_RESTART], done[OP_SLEEP_WAKE],
		 done[OP_SLEEP_MID], done[OP_REBALANCE], done[OP_DECODE_OFF], done[OP_UNPLUG],
		 c.can_hotplug ? "" : " (no hot-plug here)");
	return BENCH_PASS;
}

const struct bench_scenario bench_sc_chaos = {
	.name = "chaos",
	.summary = "the generic operations interleaved at random from a seed for a bounded "
		   "number of steps; the driver answers throughout and comes back to baseline",
	.run = run_chaos,
	.hotplug = true,
};
