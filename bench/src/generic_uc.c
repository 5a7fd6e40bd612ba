/* The generic user-client scenario: a client task opens the user client the
 * driver publishes, makes the minimal call of every selector (io.h), closes
 * and exits; every user-client counter comes back. With 32-bit clients
 * (bench_options.client_abi) a 64-bit client makes the same calls first and
 * each selector must answer both alike: the calls are zero-filled, so only a
 * method reading a structure with the wrong ABI's layout tells them apart.
 * Also the one call the open/close cycle makes. */
#include <stdio.h>
#include <string.h>

#include "generic.h"
#include "io.h"

#define BENCH_UC_MAX_SELECTORS 256 /* compared across ABIs; the rest are only called */

static bool bench_uc_takes_no_input(const struct shim_uc_method *m, enum shim_uc_abi abi)
{
	uint32_t stout = shim_uc_method_struct_out_size(m, abi);

	return m->fn != NULL && m->scalar_in_count == 0 &&
	       shim_uc_method_struct_in_size(m, abi) == 0 &&
	       m->scalar_out_count != SHIM_UC_VARIABLE && stout != SHIM_UC_VARIABLE &&
	       m->scalar_out_count <= SHIM_UC_MAX_SCALARS && stout <= SHIM_UC_MAX_STRUCT_OUT;
}

shim_ret bench_uc_minimal_call(shim_uc_conn *conn, const struct shim_uc_desc *d,
			       enum shim_uc_abi abi, bool *called, shim_ret *method_ret, char *why,
			       size_t len)
{
	static uint8_t out_struct[SHIM_UC_MAX_STRUCT_OUT];
	uint64_t out[SHIM_UC_MAX_SCALARS];

	*called = false;
	*method_ret = SHIM_OK;
	for (uint32_t s = 0; s < d->method_count; s++) {
		const struct shim_uc_method *m = &d->methods[s];
		struct shim_uc_call call = { .scalar_out = out, .scalar_out_count = m->scalar_out_count,
					     .struct_out = out_struct,
					     .struct_out_size = shim_uc_method_struct_out_size(m, abi) };
		shim_ret r;

		if (!bench_uc_takes_no_input(m, abi))
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

/* Each selector's answer to the minimal synchronous call, from a fresh
 * client of `abi` (closed again). */
static shim_ret bench_uc_answers(struct bench_machine *fx, enum shim_uc_abi abi,
				 shim_ret *answers, char *why, size_t len)
{
	struct bench_io io;
	shim_ret r = bench_io_open_abi(fx, &io, abi, why, len);

	for (uint32_t s = 0; r == SHIM_OK && s < io.desc->method_count; s++) {
		shim_ret mr = SHIM_OK;

		r = bench_io_call(&io, s, false, &mr, why, len);
		if (s < BENCH_UC_MAX_SELECTORS)
			answers[s] = mr;
	}
	bench_io_close(&io);
	return r;
}

/* FAIL when a 32-bit client's minimal call is answered otherwise than a
 * 64-bit client's; PASS (why empty) when every selector agrees. */
static enum bench_result bench_uc_compare_abis(struct bench_machine *fx, char *why, size_t len)
{
	static shim_ret lp64[BENCH_UC_MAX_SELECTORS], ilp32[BENCH_UC_MAX_SELECTORS];
	const struct shim_uc_desc *d = fx->svc != NULL ? shim_service_userclient(fx->svc) : NULL;

	if (d == NULL)
		return BENCH_PASS; /* the open below says why */
	if (bench_uc_answers(fx, SHIM_UC_ABI_LP64, lp64, why, len) != SHIM_OK ||
	    bench_uc_answers(fx, SHIM_UC_ABI_ILP32, ilp32, why, len) != SHIM_OK)
		return BENCH_FAIL;
	for (uint32_t s = 0; s < d->method_count && s < BENCH_UC_MAX_SELECTORS; s++)
		if (lp64[s] != ilp32[s])
			return bench_fail(why, len, "selector %u (%s) answers the same zero-filled call "
					  "%s to a 64-bit client but %s to a 32-bit one: does it "
					  "read its structure with a 64-bit layout?", s,
					  d->methods[s].name != NULL ? d->methods[s].name : "?",
					  shim_ret_string(lp64[s]), shim_ret_string(ilp32[s]));
	why[0] = '\0';
	return BENCH_PASS;
}

static enum bench_result run_user_client_open_close(struct bench_machine *fx, char *why,
						    size_t len)
{
	struct shim_uc_counters before, after;
	struct bench_io io;
	unsigned sync_taken = 0, async_taken = 0;
	shim_ret r;

	shim_uc_counters_snapshot(&before);
	if (fx->opt.client_abi == SHIM_UC_ABI_ILP32 && bench_uc_compare_abis(fx, why, len) != BENCH_PASS)
		return BENCH_FAIL;
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
	snprintf(why, len, "%u selector(s) called by a %s client: %u took the synchronous call, "
			   "%u the asynchronous one (%lu completion(s) delivered)",
		 io.desc->method_count, io.abi == SHIM_UC_ABI_ILP32 ? "32-bit" : "64-bit", sync_taken,
		 async_taken, io.completions);
	return BENCH_PASS;
}

const struct bench_scenario bench_sc_user_client_open_close = {
	.name = "user-client-open-close",
	.summary = "a client opens the driver's user client, makes the minimal call of every "
		   "selector, synchronous and async, closes; user-client counters come back",
	.run = run_user_client_open_close,
};
