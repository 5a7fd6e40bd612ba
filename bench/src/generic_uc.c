/* The generic user-client scenario: a client task opens the user client the
 * driver publishes, makes the minimal call of every selector (io.h), closes
 * and exits; every user-client counter comes back. Also the one call the
 * open/close cycle makes. */
#include <stdio.h>
#include <string.h>

#include "generic.h"
#include "io.h"

static bool bench_uc_takes_no_input(const struct shim_uc_method *m)
{
	return m->fn != NULL && m->scalar_in_count == 0 && m->struct_in_size == 0 &&
	       m->scalar_out_count != SHIM_UC_VARIABLE && m->struct_out_size != SHIM_UC_VARIABLE &&
	       m->scalar_out_count <= SHIM_UC_MAX_SCALARS &&
	       m->struct_out_size <= SHIM_UC_MAX_STRUCT_OUT;
}

shim_ret bench_uc_minimal_call(shim_uc_conn *conn, const struct shim_uc_desc *d, bool *called,
			       shim_ret *method_ret, char *why, size_t len)
{
	static uint8_t out_struct[SHIM_UC_MAX_STRUCT_OUT];
	uint64_t out[SHIM_UC_MAX_SCALARS];

	*called = false;
	*method_ret = SHIM_OK;
	for (uint32_t s = 0; s < d->method_count; s++) {
		const struct shim_uc_method *m = &d->methods[s];
		struct shim_uc_call call = { .scalar_out = out, .scalar_out_count = m->scalar_out_count,
					     .struct_out = out_struct,
					     .struct_out_size = m->struct_out_size };
		shim_ret r;

		if (!bench_uc_takes_no_input(m))
			continue;
		r = shim_uc_call(conn, s, &call);
		*called = true;
		*method_ret = r;
		if (r == SHIM_ERR_BAD_SHAPE || r == SHIM_ERR_BAD_SELECTOR ||
		    r == SHIM_ERR_BAD_ARGUMENT) {
			snprintf(why, len, "selector %u (%s) refused a call of its declared shape: %s",
				 s, m->name != NULL ? m->name : "?", shim_ret_string(r));
			return SHIM_ERR_BAD_SHAPE;
		}
		return SHIM_OK;
	}
	return SHIM_OK;
}

static enum bench_result run_user_client_open_close(struct bench_machine *fx, char *why,
						    size_t len)
{
	struct shim_uc_counters before, after;
	struct bench_io io;
	unsigned sync_taken = 0, async_taken = 0;
	shim_ret r;

	shim_uc_counters_snapshot(&before);
	r = bench_io_open(fx, &io, why, len);
	if (r != SHIM_OK)
		return r == SHIM_ERR_UNSUPPORTED ? BENCH_CANNOT_RUN : BENCH_FAIL;
	r = bench_io_each(&io, false, &sync_taken, why, len);
	if (r == SHIM_OK)
		r = bench_io_each(&io, true, &async_taken, why, len);
	shim_workloop_delay_ns(shim_machine_workloop(fx->machine), 1000000);
	bench_io_close(&io);
	if (r != SHIM_OK)
		return BENCH_FAIL;
	shim_workloop_delay_ns(shim_machine_workloop(fx->machine), 1000000);
	shim_uc_counters_snapshot(&after);
	if (after.tasks != before.tasks || after.connections != before.connections ||
	    after.open_connections != before.open_connections || after.handles != before.handles ||
	    after.asyncs != before.asyncs || after.pending != before.pending)
		return bench_fail(why, len, "user-client counters not back: tasks %ld conns %ld open "
				  "%ld handles %ld asyncs %ld pending %ld", after.tasks,
				  after.connections, after.open_connections, after.handles,
				  after.asyncs, after.pending);
	if (io.late != 0)
		return bench_fail(why, len, "%lu completion(s) after close", io.late);
	if (bench_machine_alive(fx, "open/close", why, len) != SHIM_OK)
		return BENCH_FAIL;
	snprintf(why, len, "%u selector(s) called: %u took the synchronous call, %u the "
			   "asynchronous one (%lu completion(s) delivered)",
		 io.desc->method_count, sync_taken, async_taken, io.completions);
	return BENCH_PASS;
}

const struct bench_scenario bench_sc_user_client_open_close = {
	.name = "user-client-open-close",
	.summary = "a client opens the driver's user client, makes the minimal call of every "
		   "selector, synchronous and async, closes; user-client counters come back",
	.run = run_user_client_open_close,
};
