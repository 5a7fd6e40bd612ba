/* The cycle kinds: one entry per operation the runner repeats. An
 * operation this host or driver cannot do answers CANNOT RUN from its setup
 * with the reason; a new operation is one function and one entry. */
#include <stdio.h>
#include <string.h>

#include "bench/kext.h"
#include "bench/cycle.h"
#include "bench/pm.h"
#include "shim/power_policy.h"
#include "generic.h"
#include "io.h"
#include "shim/uc_client.h"

static shim_ret bench_check_alive(struct bench_machine *fx, const char *after, char *why,
				  size_t len)
{
	return bench_machine_alive(fx, after, why, len);
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
		snprintf(why, len, "match started %zu service(s), expected 1 on %s", started,
			 shim_pci_name(fx->dev));
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

/* ---- load/unload: stop, unload the kext (its image unmapped), load it
 * afresh, match and start ---- */

static shim_ret load_unload_setup(struct bench_cycle_ctx *c, char *why, size_t len)
{
	if (c->fx->opt.kext != NULL)
		return SHIM_OK;
	snprintf(why, len, "no kext to load");
	return SHIM_ERR_UNSUPPORTED;
}

static shim_ret load_unload_cycle(struct bench_cycle_ctx *c, char *why, size_t len)
{
	struct bench_machine *fx = c->fx;
	shim_ret r = shim_machine_terminate(fx->machine, fx->dev);

	fx->svc = NULL;
	if (r != SHIM_OK) {
		snprintf(why, len, "terminate: %s", shim_ret_string(r));
		return r;
	}
	r = bench_kext_unload(fx->opt.kext, why, len);
	if (r != SHIM_OK)
		return r;
	fx->kext = NULL;
	r = bench_kext_load(fx->opt.kext, fx->opt.wrap_kext, &fx->kext, why, len);
	if (r == SHIM_OK)
		r = bench_restart(fx, why, len);
	return r == SHIM_OK ? bench_check_alive(fx, "reload", why, len) : r;
}

/* ---- attach/detach: surprise removal, then re-plug and match ---- */

static shim_ret attach_detach_setup(struct bench_cycle_ctx *c, char *why, size_t len)
{
	return bench_machine_can_hotplug(c->fx, why, len) ? SHIM_OK : SHIM_ERR_UNSUPPORTED;
}

/* A client with every async call the user client allows outstanding, so
 * the device goes with I/O in flight (nothing when there is no client to
 * talk to); false when the calls themselves went wrong. */
static bool attach_detach_io(struct bench_machine *fx, struct bench_io *io, bool *open,
			     char *why, size_t len)
{
	unsigned accepted = 0;
	char ignored[BENCH_WHY_LEN];

	*open = fx->svc != NULL && shim_service_userclient(fx->svc) != NULL &&
		bench_io_open(fx, io, ignored, sizeof(ignored)) == SHIM_OK;
	if (*open && bench_io_each(io, true, &accepted, why, len) != SHIM_OK) {
		bench_io_close(io);
		*open = false;
		return false;
	}
	return true;
}

static shim_ret attach_detach_cycle(struct bench_cycle_ctx *c, char *why, size_t len)
{
	struct bench_machine *fx = c->fx;
	struct bench_io io;
	bool io_open;
	shim_ret r;

	if (!attach_detach_io(fx, &io, &io_open, why, len))
		return SHIM_ERR_BAD_SHAPE;
	r = bench_machine_unplug(fx, why, len);
	if (io_open) {
		bench_io_close(&io); /* its connection went with the service */
		if (r == SHIM_OK && io.late != 0) {
			snprintf(why, len, "%lu completion(s) reached the client after its service "
					   "went", io.late);
			return SHIM_ERR_BUSY;
		}
	}
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

/* The first selector that takes no input, called with its declared output
 * shape; what the method answers is the driver's business. */
static shim_ret open_close_call(struct bench_cycle_ctx *c, shim_uc_conn *conn, char *why,
				size_t len)
{
	shim_ret method_ret;
	bool called;

	return bench_uc_minimal_call(conn, shim_service_userclient(c->fx->svc),
				     c->fx->opt.client_abi, &called, &method_ret, why, len);
}

static shim_ret open_close_cycle(struct bench_cycle_ctx *c, char *why, size_t len)
{
	shim_task *task = NULL;
	shim_uc_conn *conn = NULL;
	shim_ret r = shim_task_create(0, NULL, 0, &task);

	if (r == SHIM_OK && (r = shim_task_set_abi(task, c->fx->opt.client_abi)) != SHIM_OK)
		shim_task_destroy(task);
	if (r != SHIM_OK) {
		snprintf(why, len, "task: %s", shim_ret_string(r));
		return r;
	}
	r = shim_uc_open(task, c->fx->svc, &conn);
	if (r != SHIM_OK)
		snprintf(why, len, "open: %s", shim_ret_string(r));
	if (r == SHIM_OK)
		r = open_close_call(c, conn, why, len);
	if (conn != NULL) {
		shim_ret rc = shim_uc_close(conn);

		if (rc != SHIM_OK && r == SHIM_OK) {
			snprintf(why, len, "close: %s", shim_ret_string(rc));
			r = rc;
		}
	}
	shim_task_destroy(task);
	return r == SHIM_OK ? bench_check_alive(c->fx, "open/close", why, len) : r;
}

static const struct bench_cycle_kind bench_cycle_kinds[] = {
	{ "start-stop", "terminate the driver's service and match it again",
	  NULL, start_stop_cycle, NULL, false },
	{ "load-unload", "stop, unload the kext (its image unmapped), load it afresh, match",
	  load_unload_setup, load_unload_cycle, NULL, false },
	{ "attach-detach", "surprise-remove the device with async calls outstanding, re-plug it, "
	  "match again",
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
