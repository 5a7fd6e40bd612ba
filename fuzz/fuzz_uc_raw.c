/* Raw per-selector fuzzing, for any kext: the plain byte view of one
 * method, the selector chosen by name at init (fuzz_raw_find). Input: the
 * declared number of scalars (or first byte % 17 if variable), 8
 * little-endian bytes each; then, for a variable structure output, 2 bytes
 * of capacity; the rest is the structure input (cut or zero-padded to a
 * fixed declared size). The caller is root with every entitlement, so the
 * method itself is what gets exercised; its result is checked against the
 * reference model (fuzz_oracle.h) of a fresh connection that was never
 * given a handle. */
#include <stdio.h>
#include <string.h>

#include "fuzz_oracle.h"
#include "fuzz_targets.h"

#define POISON64 0xa5a5a5a5a5a5a5a5ull

static struct {
	struct fuzz_world *w;
	size_t svc;
	uint32_t sel;
	const struct shim_uc_method *m;
	char label[80]; /* "raw:<selector>" in findings */
	uint8_t in[SHIM_UC_MAX_STRUCT_IN];
	uint8_t out[SHIM_UC_MAX_STRUCT_OUT];
	unsigned completions;
} s;

static void completion(void *refcon, shim_ret status, const uint64_t *vals, uint32_t count)
{
	(void)refcon;
	(void)status;
	(void)vals;
	(void)count;
	s.completions++;
}

bool fuzz_raw_find(const struct fuzz_world *w, const char *name, size_t *svc, uint32_t *sel)
{
	for (size_t v = 0; v < w->nservices; v++)
		for (uint32_t k = 0; k < w->desc[v]->method_count; k++)
			if (w->desc[v]->methods[k].name != NULL &&
			    strcmp(w->desc[v]->methods[k].name, name) == 0) {
				*svc = v;
				*sel = k;
				return true;
			}
	return false;
}

void fuzz_raw_init(struct fuzz_world *w, size_t svc, uint32_t sel)
{
	s.w = w;
	s.svc = svc;
	s.sel = sel;
	s.m = &w->desc[svc]->methods[sel];
	snprintf(s.label, sizeof(s.label), "raw:%s", s.m->name);
}

void fuzz_raw_one(const uint8_t *data, size_t size)
{
	uint64_t sin[SHIM_UC_MAX_SCALARS] = { 0 }, sout[SHIM_UC_MAX_SCALARS];
	struct shim_uc_call call = { 0 }, req;
	struct bench_uc_call_model model;
	struct bench_uc_expect e;
	shim_task *task;
	shim_uc_conn *conn;
	uint64_t acc;
	size_t i = 0;
	shim_ret r;

	call.scalar_in_count = s.m->scalar_in_count;
	if (call.scalar_in_count == SHIM_UC_VARIABLE)
		call.scalar_in_count = i < size ? data[i++] % (SHIM_UC_MAX_SCALARS + 1) : 0;
	for (uint32_t k = 0; k < call.scalar_in_count; k++)
		for (unsigned b = 0; b < 8; b++)
			sin[k] |= (uint64_t)(i < size ? data[i++] : 0) << (8 * b);
	call.scalar_out_count = s.m->scalar_out_count == SHIM_UC_VARIABLE ? SHIM_UC_MAX_SCALARS :
									     s.m->scalar_out_count;
	call.struct_out_size = s.m->struct_out_size;
	if (call.struct_out_size == SHIM_UC_VARIABLE) {
		call.struct_out_size = (i < size ? data[i] : 0) | (size_t)(i + 1 < size ? data[i + 1] : 0) << 8;
		call.struct_out_size %= SHIM_UC_MAX_STRUCT_OUT + 1;
		i += 2;
	}
	call.struct_in_size = s.m->struct_in_size;
	if (call.struct_in_size == SHIM_UC_VARIABLE)
		call.struct_in_size = i < size ? size - i : 0;
	memset(s.in, 0, sizeof(s.in));
	if (i < size)
		memcpy(s.in, data + i, size - i < sizeof(s.in) ? size - i : sizeof(s.in));
	call.scalar_in = sin;
	call.struct_in = s.in;
	call.scalar_out = sout;
	call.struct_out = s.out;
	if (s.m->async_allowed)
		call.async_fn = completion;
	if (shim_task_create(0, s.w->ents, s.w->nents, &task) != SHIM_OK ||
	    shim_uc_open(task, s.w->svc[s.svc], &conn) != SHIM_OK)
		fuzz_die(s.label, "root cannot open the user client");
	req = call;
	model = (struct bench_uc_call_model){
		.desc = s.w->desc[s.svc], .sel = s.sel, .call = &req, .open = true, .uid = 0,
		.ents = s.w->ents, .nents = s.w->nents,
	};
	e = fuzz_expect_call(&model);
	acc = fuzz_device_accesses();
	r = shim_uc_call(conn, s.sel, &call);
	fuzz_oracle_check(s.label, "call", &model, e, r, fuzz_device_accesses() - acc);
	if (r == SHIM_OK)
		for (uint32_t k = 0; k < call.scalar_out_count; k++)
			if (sout[k] == POISON64)
				fuzz_die(s.label, "returned an unwritten scalar");
	fuzz_run_loop(50000);
	shim_task_destroy(task);
	fuzz_check_baseline(s.label);
}
