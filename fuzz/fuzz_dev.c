/* The device side of the kext fuzzer, for any kext: the input's first part
 * is a hostile device program (model/hostile.h) that decides what the
 * device tells the driver; under it the driver is started, then either
 * one call of each selector (target "device": only the device varies) or
 * a structure-aware user-client program (target "both": one input drives
 * the client and the device, so a race between a call and a device event
 * replays exactly), then stopped. A driver may refuse to start or fail its
 * calls; it may not crash, hang, leak, break a verifier rule or let the
 * device reach outside what it prepared (fuzz_harness.h). Encoding:
 * fuzz/README.md, 'Device side'. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_harness.h"
#include "fuzz_targets.h"
#include "model/hostile.h"

#define DEV_PROBE_SELS 64

static struct {
	struct fuzz_world *w;
	bool both;
	bool trace;
	const char *name;
} d;

struct in {
	const uint8_t *p;
	size_t n, i;
};

static uint8_t u8(struct in *in)
{
	return in->i < in->n ? in->p[in->i++] : 0;
}

void fuzz_dev_init(struct fuzz_world *w, bool both)
{
	d.w = w;
	d.both = both;
	d.name = both ? "both" : "device";
	d.trace = getenv("FUZZ_UC_TRACE") != NULL;
	/* What a hostile device says may reach a client as it is: a fill byte
	 * or an address-like word there is the device's, not an uninitialised
	 * or disclosed kernel word. */
	w->oracles &= ~(unsigned)FUZZ_OR_SCAN;
}

/* One synchronous call of sel with the declared shapes: scalars are small
 * values from the input (a count, an index, a length), then the size of
 * each variable structure (a byte), structures zero. */
static shim_ret call_one(shim_uc_conn *c, const struct shim_uc_method *m, uint32_t sel,
			 struct in *in)
{
	static uint64_t sin_[SHIM_UC_MAX_SCALARS], sout[SHIM_UC_MAX_SCALARS];
	static uint8_t bin[SHIM_UC_MAX_INLINE_STRUCT], bout[SHIM_UC_MAX_STRUCT_OUT];
	struct shim_uc_call call = {
		.scalar_in = sin_, .struct_in = bin, .scalar_out = sout, .struct_out = bout,
	};

	if (m->scalar_in_count > SHIM_UC_MAX_SCALARS && m->scalar_in_count != SHIM_UC_VARIABLE)
		return SHIM_ERR_BAD_SHAPE;
	call.scalar_in_count = m->scalar_in_count == SHIM_UC_VARIABLE ? 0 : m->scalar_in_count;
	for (uint32_t i = 0; i < call.scalar_in_count; i++)
		sin_[i] = u8(in);
	call.scalar_out_count = m->scalar_out_count == SHIM_UC_VARIABLE ? 0 : m->scalar_out_count;
	call.struct_in_size = m->struct_in_size == SHIM_UC_VARIABLE ? u8(in) :
			      m->struct_in_size > sizeof(bin) ? 0 : m->struct_in_size;
	call.struct_out_size = m->struct_out_size == SHIM_UC_VARIABLE ? u8(in) :
			       m->struct_out_size > sizeof(bout) ? 0 : m->struct_out_size;
	return shim_uc_call(c, sel, &call);
}

/* Root with every entitlement calls each selector of every published user
 * client once, the loop running between calls (interrupts, completions). */
static void exercise(struct in *in)
{
	shim_task *t;

	if (shim_task_create(0, d.w->ents, d.w->nents, &t) != SHIM_OK)
		fuzz_die(d.name, "cannot create a client task");
	for (size_t s = 0; s < d.w->nservices; s++) {
		const struct shim_uc_desc *desc = d.w->desc[s];
		shim_uc_conn *c;

		if (d.w->svc[s] == NULL || shim_uc_open(t, d.w->svc[s], &c) != SHIM_OK)
			continue;
		for (uint32_t k = 0; k < desc->method_count && k < DEV_PROBE_SELS; k++) {
			shim_ret r;

			if (desc->methods[k].fn == NULL || d.w->svc[s] == NULL)
				continue;
			fuzz_driver_entry();
			r = call_one(c, &desc->methods[k], k, in);
			if (d.trace)
				fprintf(stderr, "device: service %zu selector %u (%s): %s\n", s, k,
					desc->methods[k].name != NULL ? desc->methods[k].name : "-",
					shim_ret_string(r));
			fuzz_run_loop(10000);
		}
		shim_uc_close(c);
	}
	shim_task_destroy(t);
	fuzz_run_loop(100000);
}

void fuzz_dev_one(const uint8_t *data, size_t size)
{
	size_t records = size > 0 ? data[0] % (MODEL_HOSTILE_MAX_ACTIONS + 1u) : 0;
	size_t prog = records * MODEL_HOSTILE_RECORD;
	struct in rest;
	bool started;

	if (size > 0 && prog > size - 1)
		prog = size - 1;
	rest = (struct in){ data + 1 + prog, size > 0 ? size - 1 - prog : 0, 0 };
	started = fuzz_hostile_start(d.name, size > 0 ? data + 1 : data, prog);
	if (d.trace) {
		char line[128];

		for (size_t i = 0; model_hostile_describe(fuzz_hostile(), i, line, sizeof(line)); i++)
			fprintf(stderr, "%s: device program %zu: %s\n", d.name, i, line);
		fprintf(stderr, "%s: the driver %s\n", d.name, started ? "started" : "did not start");
	}
	if (d.both)
		fuzz_struct_run(rest.p, rest.n);
	else if (started)
		exercise(&rest);
	fuzz_run_loop(100000);
	fuzz_hostile_stop();
	fuzz_end_input(d.name);
}
