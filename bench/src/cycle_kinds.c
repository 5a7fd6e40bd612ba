/* The cycle kinds: one entry per operation the runner repeats. An
 * operation this host or driver cannot do answers CANNOT RUN from its setup
 * with the reason; a new operation is one function and one entry. */
#include <stdio.h>
#include <string.h>

#include "edu/edu_driver.h"
#include "edu/edu_userclient.h"
#include "bench/cycle.h"
#include "bench/pm.h"
#include "shim/power_policy.h"
#include "shim/uc_client.h"

/* The driver must answer after every cycle, not only come back up. */
static shim_ret bench_check_alive(struct bench_machine *fx, const char *after, char *why, size_t len)
{
	uint32_t v = 0;
	shim_ret r = fx->svc != NULL ? edu_liveness(fx->svc, 0x1234u, &v) : SHIM_ERR_NOT_FOUND;

	if (r == SHIM_OK && v != ~0x1234u)
		r = SHIM_ERR_GENERIC;
	if (r != SHIM_OK)
		snprintf(why, len, "driver not usable after %s: liveness %s (read 0x%08x)", after,
			 shim_ret_string(r), v);
	return r;
}

/* ---- start/stop: terminate the service, match it again ---- */

static shim_ret bench_restart(struct bench_machine *fx, char *why, size_t len)
{
	size_t started = 0;
	shim_ret r = shim_machine_match(fx->machine, fx->kext, &started);

	fx->svc = shim_machine_service(fx->machine, fx->dev);
	if (r != SHIM_OK) {
		snprintf(why, len, "match: %s", shim_ret_string(r));
		return r;
	}
	if (started != 1 || fx->svc == NULL) {
		snprintf(why, len, "match started %zu service(s), expected the edu driver", started);
		return SHIM_ERR_NOT_FOUND;
	}
	return SHIM_OK;
}

static shim_ret start_stop_cycle(struct bench_cycle_ctx *c, char *why, size_t len)
{
	struct bench_machine *fx = c->fx;
	shim_ret r = shim_machine_terminate(fx->machine, fx->dev);

	fx->svc = NULL;
	if (r != SHIM_OK) {
		snprintf(why, len, "terminate: %s", shim_ret_string(r));
		return r;
	}
	r = bench_restart(fx, why, len);
	return r == SHIM_OK ? bench_check_alive(fx, "restart", why, len) : r;
}

/* ---- attach/detach: surprise removal, then re-plug and match ---- */

static shim_ret attach_detach_setup(struct bench_cycle_ctx *c, char *why, size_t len)
{
	return bench_machine_can_hotplug(c->fx, why, len) ? SHIM_OK : SHIM_ERR_UNSUPPORTED;
}

static shim_ret attach_detach_cycle(struct bench_cycle_ctx *c, char *why, size_t len)
{
	struct bench_machine *fx = c->fx;
	shim_ret r = bench_machine_unplug(fx, why, len);

	if (r != SHIM_OK)
		return r;
	if (fx->svc != NULL) {
		snprintf(why, len, "the service outlived the removal of its device");
		return SHIM_ERR_BUSY;
	}
	r = bench_machine_replug(fx, why, len);
	if (r != SHIM_OK)
		return r;
	if (fx->svc == NULL) {
		snprintf(why, len, "re-plugged device not started: match %s, %zu started",
			 shim_ret_string(fx->match_ret), fx->started);
		return SHIM_ERR_NOT_FOUND;
	}
	return bench_check_alive(fx, "re-plug", why, len);
}

/* ---- sleep/wake: system sleep and wake through the power policy ---- */

static shim_ret sleep_wake_setup(struct bench_cycle_ctx *c, char *why, size_t len)
{
	unsigned state = 0;
	shim_ret r = shim_machine_power_state(c->fx->machine, c->fx->dev, &state);

	if (r == SHIM_ERR_UNSUPPORTED)
		snprintf(why, len, "the driver declares no power-state table");
	else if (r != SHIM_OK)
		snprintf(why, len, "power state: %s", shim_ret_string(r));
	return r;
}

/* A cycle is real only when the shim saw two changes, a save and a restore,
 * and neither a late ack nor a config-space mismatch. */
static shim_ret sleep_wake_check(const struct shim_power_stats *a,
				 const struct shim_power_stats *b, char *why, size_t len)
{
	if (b->changes - a->changes != 2 || b->config_saves - a->config_saves != 1 ||
	    b->config_restores - a->config_restores != 1) {
		snprintf(why, len, "sleep+wake made %lu change(s), %lu save(s), %lu restore(s); "
				   "expected 2, 1, 1", b->changes - a->changes,
			 b->config_saves - a->config_saves, b->config_restores - a->config_restores);
		return SHIM_ERR_GENERIC;
	}
	if (b->late_acks != a->late_acks || b->restore_mismatches != a->restore_mismatches) {
		snprintf(why, len, "sleep+wake: %lu late ack(s), %lu config restore mismatch(es)",
			 b->late_acks - a->late_acks, b->restore_mismatches - a->restore_mismatches);
		return SHIM_ERR_GENERIC;
	}
	return SHIM_OK;
}

static shim_ret sleep_wake_cycle(struct bench_cycle_ctx *c, char *why, size_t len)
{
	struct shim_power_stats before, after;
	shim_ret r;

	shim_machine_power_stats(c->fx->machine, &before);
	r = bench_machine_sleep(c->fx, why, len);
	if (r == SHIM_OK)
		r = bench_machine_wake(c->fx, why, len);
	shim_machine_power_stats(c->fx->machine, &after);
	if (r == SHIM_OK)
		r = sleep_wake_check(&before, &after, why, len);
	if (r == SHIM_OK)
		r = bench_check_alive(c->fx, "wake", why, len);
	return r;
}

/* ---- user-client open/close: a process opens, calls once, closes, exits ---- */

static shim_ret open_close_setup(struct bench_cycle_ctx *c, char *why, size_t len)
{
	if (shim_service_userclient(c->fx->svc) == NULL) {
		snprintf(why, len, "the driver publishes no user client");
		return SHIM_ERR_UNSUPPORTED;
	}
	return SHIM_OK;
}

static shim_ret open_close_call(shim_uc_conn *conn, char *why, size_t len)
{
	const uint64_t in = 0x5a5aa5a5u;
	uint64_t out = 0;
	struct shim_uc_call call = { .scalar_in = &in, .scalar_in_count = 1,
				     .scalar_out = &out, .scalar_out_count = 1 };
	shim_ret r = shim_uc_call(conn, EDU_UC_LIVENESS, &call);

	if (r == SHIM_OK && (uint32_t)out != (uint32_t)~in) {
		snprintf(why, len, "liveness through the user client read 0x%llx",
			 (unsigned long long)out);
		return SHIM_ERR_GENERIC;
	}
	if (r != SHIM_OK)
		snprintf(why, len, "liveness call: %s", shim_ret_string(r));
	return r;
}

static shim_ret open_close_cycle(struct bench_cycle_ctx *c, char *why, size_t len)
{
	shim_task *task = NULL;
	shim_uc_conn *conn = NULL;
	shim_ret r = shim_task_create(0, NULL, 0, &task);

	if (r != SHIM_OK) {
		snprintf(why, len, "task: %s", shim_ret_string(r));
		return r;
	}
	r = shim_uc_open(task, c->fx->svc, &conn);
	if (r != SHIM_OK)
		snprintf(why, len, "open: %s", shim_ret_string(r));
	if (r == SHIM_OK)
		r = open_close_call(conn, why, len);
	if (conn != NULL) {
		shim_ret rc = shim_uc_close(conn);

		if (rc != SHIM_OK && r == SHIM_OK) {
			snprintf(why, len, "close: %s", shim_ret_string(rc));
			r = rc;
		}
	}
	shim_task_destroy(task);
	return r;
}

static const struct bench_cycle_kind bench_cycle_kinds[] = {
	{ "start-stop", "terminate the driver's service and match it again",
	  NULL, start_stop_cycle, NULL, false },
	{ "attach-detach", "surprise-remove the device, re-plug it, match again",
	  attach_detach_setup, attach_detach_cycle, NULL, true },
	{ "sleep-wake", "system sleep and wake through the power policy; the driver must answer",
	  sleep_wake_setup, sleep_wake_cycle, NULL, false },
	{ "open-close", "a client task opens the user client, calls it once, closes, exits",
	  open_close_setup, open_close_cycle, NULL, false },
};

const struct bench_cycle_kind *bench_cycle_kind_at(size_t i)
{
	return i < sizeof(bench_cycle_kinds) / sizeof(bench_cycle_kinds[0]) ? &bench_cycle_kinds[i] : NULL;
}

const struct bench_cycle_kind *bench_cycle_kind_find(const char *name)
{
	const struct bench_cycle_kind *k;

	for (size_t i = 0; name != NULL && (k = bench_cycle_kind_at(i)) != NULL; i++)
		if (strcmp(k->name, name) == 0)
			return k;
	return NULL;
}
