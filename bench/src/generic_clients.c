/* Generic scenarios about clients and the driver's life: terminate with a
 * user client open and with async work outstanding; a client that dies in
 * the middle of a call and with async work outstanding. Whatever the
 * client held is released, no completion reaches it afterwards, and the
 * driver comes back (or goes on) answering. */
#include <stdio.h>

#include "generic.h"
#include "io.h"

/* User-client counters back to where they were, the loop drained. */
static enum bench_result bench_clients_back(struct bench_machine *fx,
					    const struct shim_uc_counters *before,
					    const struct bench_io *io, char *why, size_t len)
{
	struct shim_uc_counters now;

	shim_workloop_delay_ns(shim_machine_workloop(fx->machine), 1000000);
	shim_uc_counters_snapshot(&now);
	if (now.tasks != before->tasks || now.connections != before->connections ||
	    now.open_connections != before->open_connections || now.handles != before->handles ||
	    now.asyncs != before->asyncs || now.pending != before->pending)
		return bench_fail(why, len, "user-client counters not back: tasks %ld conns %ld open "
				  "%ld handles %ld asyncs %ld pending %ld (before %ld %ld %ld %ld "
				  "%ld %ld)", now.tasks, now.connections, now.open_connections,
				  now.handles, now.asyncs, now.pending, before->tasks,
				  before->connections, before->open_connections, before->handles,
				  before->asyncs, before->pending);
	if (io->late != 0)
		return bench_fail(why, len, "%lu completion(s) reached the client after it was gone",
				  io->late);
	return BENCH_PASS;
}

/* Right after the death, before the loop runs again: the close hook must
 * have let go of the client's completion references and handles. A driver
 * that keeps one would complete to a dead client later. */
static enum bench_result bench_released_at_death(const struct shim_uc_counters *before,
						 char *why, size_t len)
{
	struct shim_uc_counters now;

	shim_uc_counters_snapshot(&now);
	if (now.asyncs != before->asyncs || now.handles != before->handles)
		return bench_fail(why, len, "the client died but the driver still holds %ld of its "
				  "completion reference(s) and %ld handle(s): a completion would "
				  "go to a dead client", now.asyncs - before->asyncs,
				  now.handles - before->handles);
	return BENCH_PASS;
}

/* Terminate under an open connection (async work too when asked), then
 * match again: the driver must force-close, give everything back, start. */
static enum bench_result bench_terminate_under(struct bench_machine *fx, bool async, char *why,
					       size_t len)
{
	char diff[BENCH_WHY_LEN] = "";
	struct shim_uc_counters before;
	struct bench_io io;
	unsigned accepted = 0;
	shim_ret r;

	shim_uc_counters_snapshot(&before);
	r = bench_io_open(fx, &io, why, len);
	if (r != SHIM_OK)
		return r == SHIM_ERR_UNSUPPORTED ? BENCH_CANNOT_RUN : BENCH_FAIL;
	if (bench_io_each(&io, async, &accepted, why, len) != SHIM_OK) {
		bench_io_close(&io);
		return BENCH_FAIL;
	}
	if (async && io.issued == io.completions) {
		bench_io_close(&io);
		return bench_cannot_run(why, len, "no selector left an async completion outstanding "
						  "(%lu issued, all delivered)", io.issued);
	}
	r = shim_machine_terminate(fx->machine, fx->dev);
	fx->svc = NULL;
	if (r != SHIM_OK) {
		bench_io_close(&io);
		return bench_fail(why, len, "terminate: %s", shim_ret_string(r));
	}
	if (io.conn != NULL && shim_uc_conn_is_open(io.conn)) {
		bench_io_close(&io);
		return bench_fail(why, len, "the connection is still open after its service stopped");
	}
	bench_io_close(&io);
	if (bench_clients_back(fx, &before, &io, why, len) != BENCH_PASS)
		return BENCH_FAIL;
	if (!bench_baseline_matches(&fx->pre_match, diff, sizeof(diff)))
		return bench_fail(why, len, "stop under a client did not give everything back: %s",
				  diff);
	fx->match_ret = shim_machine_match(fx->machine, fx->kext, &fx->started);
	fx->svc = shim_machine_service(fx->machine, fx->dev);
	if (bench_machine_alive(fx, "a restart", why, len) != SHIM_OK)
		return BENCH_FAIL;
	snprintf(why, len, "%u call(s) made before the terminate%s", accepted,
		 async ? ", async work outstanding" : "");
	return BENCH_PASS;
}

static enum bench_result run_terminate_client_open(struct bench_machine *fx, char *why,
						   size_t len)
{
	return bench_terminate_under(fx, false, why, len);
}

static enum bench_result run_terminate_async_outstanding(struct bench_machine *fx, char *why,
							 size_t len)
{
	return bench_terminate_under(fx, true, why, len);
}

static shim_ret bench_kill_client(struct bench_machine *fx, void *arg)
{
	(void)fx;
	bench_io_die(arg);
	return SHIM_OK;
}

/* The client dies inside a call waiting on the loop, or with async work
 * outstanding; the driver must release its part and answer on. */
static enum bench_result bench_death(struct bench_machine *fx, bool mid_call, char *why,
				     size_t len)
{
	struct shim_uc_counters before;
	struct bench_io io;
	struct bench_io_flight f = { .action = bench_kill_client, .arg = &io };
	unsigned accepted = 0;
	shim_ret r;

	shim_uc_counters_snapshot(&before);
	r = bench_io_open(fx, &io, why, len);
	if (r != SHIM_OK)
		return r == SHIM_ERR_UNSUPPORTED ? BENCH_CANNOT_RUN : BENCH_FAIL;
	if (mid_call) {
		r = bench_io_in_flight(&io, &f, why, len);
		if (r != SHIM_OK) {
			bench_io_close(&io);
			return r == SHIM_ERR_NOT_FOUND ? BENCH_CANNOT_RUN : BENCH_FAIL;
		}
	} else {
		if (bench_io_each(&io, true, &accepted, why, len) != SHIM_OK) {
			bench_io_close(&io);
			return BENCH_FAIL;
		}
		if (io.issued == io.completions) {
			bench_io_close(&io);
			return bench_cannot_run(why, len, "no selector left an async completion "
							  "outstanding");
		}
		bench_io_die(&io);
		if (bench_released_at_death(&before, why, len) != BENCH_PASS)
			return BENCH_FAIL;
	}
	bench_io_close(&io); /* nothing left: only marks the end */
	if (bench_clients_back(fx, &before, &io, why, len) != BENCH_PASS)
		return BENCH_FAIL;
	if (bench_machine_alive(fx, "a client's death", why, len) != SHIM_OK)
		return BENCH_FAIL;
	if (mid_call)
		snprintf(why, len, "died during selector %d (%s), which returned %s", f.selector,
			 io.desc->methods[f.selector].name, shim_ret_string(f.call_ret));
	return BENCH_PASS;
}

static enum bench_result run_death_mid_call(struct bench_machine *fx, char *why, size_t len)
{
	return bench_death(fx, true, why, len);
}

static enum bench_result run_death_async(struct bench_machine *fx, char *why, size_t len)
{
	return bench_death(fx, false, why, len);
}

const struct bench_scenario bench_sc_terminate_client_open = {
	.name = "terminate-with-client-open",
	.summary = "the service is terminated while a client has it open: the connection is "
		   "closed, everything comes back, the driver starts again",
	.run = run_terminate_client_open,
};

const struct bench_scenario bench_sc_terminate_async_outstanding = {
	.name = "terminate-with-async-outstanding",
	.summary = "terminated with async requests outstanding: none completes to the client "
		   "afterwards, everything comes back",
	.run = run_terminate_async_outstanding,
};

const struct bench_scenario bench_sc_client_death_mid_call = {
	.name = "client-death-mid-call",
	.summary = "the client dies while its call waits on the work loop: released, no "
		   "completion reaches it, the driver answers on",
	.run = run_death_mid_call,
};

const struct bench_scenario bench_sc_client_death_async = {
	.name = "client-death-async-outstanding",
	.summary = "the client dies with async requests outstanding: released, no completion "
		   "reaches it",
	.run = run_death_async,
};
