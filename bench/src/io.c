/* Generic I/O through a driver's user client (io.h). */
#include <stdio.h>
#include <string.h>

#include "io.h"

#define BENCH_IO_MAX_ENTS 16
#define BENCH_IO_SOON_NS 0ull /* due at once: fires the first time a call waits on the loop */

/* Completions are counted here, not in the caller's bench_io: one that
 * arrives after the scenario (a shim bug) must not touch a dead frame. */
static struct {
	unsigned long completions, late;
	bool ended;
} bench_io_track;

static bool bench_io_in_call;

static void bench_io_completion(void *refcon, shim_ret status, const uint64_t *vals,
				uint32_t count)
{
	(void)refcon;
	(void)status;
	(void)vals;
	(void)count;
	bench_io_track.completions++;
	if (bench_io_track.ended)
		bench_io_track.late++;
}

static void bench_io_sync(struct bench_io *io)
{
	io->completions = bench_io_track.completions;
	io->late = bench_io_track.late;
}

shim_ret bench_io_open(struct bench_machine *fx, struct bench_io *io, char *why, size_t len)
{
	return bench_io_open_abi(fx, io, fx->opt.client_abi, why, len);
}

shim_ret bench_io_open_abi(struct bench_machine *fx, struct bench_io *io, enum shim_uc_abi abi,
			   char *why, size_t len)
{
	shim_ret r;

	memset(io, 0, sizeof(*io));
	memset(&bench_io_track, 0, sizeof(bench_io_track));
	io->fx = fx;
	io->abi = abi;
	io->desc = fx->svc != NULL ? shim_service_userclient(fx->svc) : NULL;
	if (io->desc == NULL) {
		snprintf(why, len, "the driver publishes no user client");
		return SHIM_ERR_UNSUPPORTED;
	}
	/* Root holding every entitlement the table names: a method that does
	 * not let root pass without its entitlement is reached too. */
	{
		const char *ents[BENCH_IO_MAX_ENTS];
		size_t n = 0;

		for (uint32_t s = 0; s <= io->desc->method_count; s++) {
			const char *e = s < io->desc->method_count ? io->desc->methods[s].entitlement :
								     io->desc->open_entitlement;
			bool seen = e == NULL;

			for (size_t k = 0; k < n && !seen; k++)
				seen = strcmp(ents[k], e) == 0;
			if (!seen && n < BENCH_IO_MAX_ENTS)
				ents[n++] = e;
		}
		r = shim_task_create(0, ents, n, &io->task);
	}
	if (r == SHIM_OK)
		r = shim_task_set_abi(io->task, abi);
	if (r == SHIM_OK)
		r = shim_uc_open(io->task, fx->svc, &io->conn);
	if (r != SHIM_OK) {
		snprintf(why, len, "a root %s client could not open the user client: %s",
			 abi == SHIM_UC_ABI_ILP32 ? "32-bit" : "64-bit", shim_ret_string(r));
		bench_io_close(io);
	}
	return r;
}

void bench_io_close(struct bench_io *io)
{
	if (io->conn != NULL && shim_uc_conn_is_open(io->conn))
		shim_uc_close(io->conn);
	if (io->task != NULL)
		shim_task_destroy(io->task);
	io->task = NULL;
	io->conn = NULL;
	io->ended = bench_io_track.ended = true;
	bench_io_sync(io);
}

void bench_io_die(struct bench_io *io)
{
	if (io->task != NULL)
		shim_task_die(io->task);
	io->task = NULL;
	io->conn = NULL;
	io->ended = bench_io_track.ended = true;
	bench_io_sync(io);
}

static bool bench_io_fits(uint32_t declared, uint32_t max)
{
	return declared == SHIM_UC_VARIABLE || declared <= max;
}

shim_ret bench_io_call(struct bench_io *io, uint32_t sel, bool async, shim_ret *method_ret,
		       char *why, size_t len)
{
	static uint64_t in[SHIM_UC_MAX_SCALARS], out[SHIM_UC_MAX_SCALARS];
	static uint8_t sin[SHIM_UC_MAX_STRUCT_IN], sout[SHIM_UC_MAX_STRUCT_OUT];
	const struct shim_uc_method *m = &io->desc->methods[sel];
	uint32_t stin = shim_uc_method_struct_in_size(m, io->abi);
	uint32_t stout = shim_uc_method_struct_out_size(m, io->abi);
	struct shim_uc_call c = { 0 };
	shim_ret r;

	*method_ret = SHIM_OK;
	if (m->fn == NULL || io->conn == NULL)
		return SHIM_OK; /* a hole in the table, or no client: nothing to call */
	if (!bench_io_fits(m->scalar_in_count, SHIM_UC_MAX_SCALARS) ||
	    !bench_io_fits(m->scalar_out_count, SHIM_UC_MAX_SCALARS) ||
	    !bench_io_fits(stin, SHIM_UC_MAX_STRUCT_IN) || !bench_io_fits(stout, SHIM_UC_MAX_STRUCT_OUT))
		return SHIM_OK; /* a declaration the shim itself would never accept */
	c.scalar_in = in;
	c.scalar_in_count = m->scalar_in_count == SHIM_UC_VARIABLE ? 0 : m->scalar_in_count;
	c.struct_in = sin;
	c.struct_in_size = stin == SHIM_UC_VARIABLE ? 0 : stin;
	c.scalar_out = out;
	c.scalar_out_count = m->scalar_out_count == SHIM_UC_VARIABLE ? 0 : m->scalar_out_count;
	c.struct_out = sout;
	c.struct_out_size = stout == SHIM_UC_VARIABLE ? 0 : stout;
	if (async && m->async_allowed) {
		c.async_fn = bench_io_completion;
		c.async_refcon = io;
	}
	bench_io_in_call = true;
	r = shim_uc_call(io->conn, sel, &c);
	bench_io_in_call = false;
	*method_ret = r;
	if (r == SHIM_OK && c.async_fn != NULL)
		io->issued++;
	bench_io_sync(io);
	if (r == SHIM_ERR_BAD_SHAPE || r == SHIM_ERR_BAD_SELECTOR) {
		snprintf(why, len, "selector %u (%s): the shim refused a call of its declared shape: "
				   "%s", sel, m->name != NULL ? m->name : "?", shim_ret_string(r));
		return SHIM_ERR_BAD_SHAPE;
	}
	return SHIM_OK;
}

shim_ret bench_io_each(struct bench_io *io, bool async, unsigned *accepted, char *why,
		       size_t len)
{
	*accepted = 0;
	for (uint32_t s = 0; io->desc != NULL && s < io->desc->method_count; s++) {
		shim_ret mr;
		shim_ret r = bench_io_call(io, s, async, &mr, why, len);

		if (r != SHIM_OK)
			return r;
		*accepted += mr == SHIM_OK;
	}
	return SHIM_OK;
}

static void bench_io_fire(void *owner, shim_timer *t)
{
	struct bench_io_flight *f = owner;

	(void)t;
	if (!bench_io_in_call || f->fired)
		return; /* only while a call waits: that is what "in flight" means */
	f->fired = true;
	f->action_ret = f->action(f->machine, f->arg);
}

shim_ret bench_io_in_flight(struct bench_io *io, struct bench_io_flight *f, char *why,
			    size_t len)
{
	shim_timer *t = NULL;
	shim_ret r;

	f->fired = false;
	f->selector = -1;
	f->machine = io->fx;
	r = shim_timer_create(shim_machine_workloop(io->fx->machine), bench_io_fire, f, &t);
	if (r != SHIM_OK) {
		snprintf(why, len, "timer: %s", shim_ret_string(r));
		return r;
	}
	for (uint32_t s = 0; s < io->desc->method_count && !f->fired && io->conn != NULL; s++) {
		shim_ret mr = SHIM_OK;

		shim_timer_arm_ns(t, BENCH_IO_SOON_NS);
		r = bench_io_call(io, s, false, &mr, why, len);
		shim_timer_cancel(t);
		if (r != SHIM_OK)
			break;
		if (f->fired) {
			f->selector = (int)s;
			f->call_ret = mr;
		}
	}
	shim_timer_release(t);
	if (r == SHIM_OK && !f->fired) {
		snprintf(why, len, "no selector's minimal call waits on the work loop: nothing can "
				   "be in flight");
		r = SHIM_ERR_NOT_FOUND;
	}
	return r;
}
