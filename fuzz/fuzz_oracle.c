/* The generic reference model (see fuzz_oracle.h): the shim's checks in
 * the order uc_client.h documents, derived from the dispatch table only,
 * then whatever the oracle bound to that table says. */
#include <stdio.h>
#include <string.h>

#include "fuzz_harness.h"
#include "fuzz_oracle.h"

typedef struct bench_uc_expect (*expect_fn)(const struct bench_uc_call_model *m);

/* Selector -> method oracle, resolved by name once per table at bind time
 * (this runs on every call of every input). */
#define BOUND_SELS 64
static struct {
	const struct shim_uc_desc *d;
	const struct bench_uc_oracle *o;
	expect_fn fn[BOUND_SELS];
} bound[FUZZ_MAX_SERVICES];

static expect_fn resolve(const struct bench_uc_oracle *o, const char *name)
{
	if (o != NULL && name != NULL)
		for (size_t i = 0; i < o->nmethods; i++)
			if (strcmp(o->methods[i].name, name) == 0)
				return o->methods[i].expect;
	return NULL;
}

static bool table_has(const struct shim_uc_desc *d, const char *name)
{
	for (uint32_t s = 0; s < d->method_count; s++)
		if (d->methods[s].name != NULL && strcmp(d->methods[s].name, name) == 0)
			return true;
	return false;
}

static bool oracle_describes(const struct bench_uc_oracle *o, const struct shim_uc_desc *d)
{
	if (o == NULL || (o->method_count != 0 && o->method_count != d->method_count))
		return false;
	for (size_t i = 0; i < o->nmethods; i++)
		if (o->methods[i].name == NULL || !table_has(d, o->methods[i].name))
			return false;
	return true;
}

const struct bench_uc_oracle *fuzz_oracle_match(const struct bench_test_module *module,
						const struct shim_uc_desc *d)
{
	if (module == NULL || module->uc_oracles == NULL)
		return NULL;
	for (size_t i = 0; i < module->uc_oracle_count; i++)
		if (oracle_describes(module->uc_oracles[i], d))
			return module->uc_oracles[i];
	return NULL;
}

bool fuzz_oracle_bind(const struct shim_uc_desc *d, const struct bench_uc_oracle *o, char *why,
		      size_t len)
{
	size_t i;

	if (o != NULL && o->name == NULL) {
		snprintf(why, len, "a user-client oracle has no name");
		return false;
	}
	for (size_t k = 0; o != NULL && k < o->nmethods; k++) {
		if (o->methods[k].name == NULL || o->methods[k].expect == NULL) {
			snprintf(why, len, "oracle %s: method %zu has no name or expect function",
				 o->name, k);
			return false;
		}
	}
	for (i = 0; i < FUZZ_MAX_SERVICES && bound[i].d != NULL && bound[i].d != d; i++)
		;
	if (i == FUZZ_MAX_SERVICES) {
		snprintf(why, len, "more than %d user-client tables", FUZZ_MAX_SERVICES);
		return false;
	}
	bound[i].d = d;
	bound[i].o = o;
	for (uint32_t s = 0; s < BOUND_SELS; s++)
		bound[i].fn[s] = s < d->method_count ? resolve(o, d->methods[s].name) : NULL;
	return true;
}

static size_t slot(const struct shim_uc_desc *d)
{
	size_t i;

	for (i = 0; i < FUZZ_MAX_SERVICES && bound[i].d != d; i++)
		;
	return i;
}

const struct bench_uc_oracle *fuzz_oracle_bound(const struct shim_uc_desc *d)
{
	size_t i = slot(d);

	return i < FUZZ_MAX_SERVICES ? bound[i].o : NULL;
}

static expect_fn method_oracle(const struct shim_uc_desc *d, uint32_t sel)
{
	size_t i = slot(d);

	if (i == FUZZ_MAX_SERVICES)
		return NULL;
	if (sel >= BOUND_SELS)
		return resolve(bound[i].o, d->methods[sel].name);
	return bound[i].fn[sel];
}

static bool entitled(const char *ent, bool root_passes, uint32_t uid, const char *const *ents,
		     size_t nents)
{
	if (ent == NULL || (root_passes && uid == 0))
		return true;
	for (size_t i = 0; i < nents; i++)
		if (strcmp(ents[i], ent) == 0)
			return true;
	return false;
}

static bool shape_ok(uint32_t declared, uint64_t given, uint64_t limit)
{
	return given <= limit && (declared == SHIM_UC_VARIABLE || declared == given);
}

struct bench_uc_expect fuzz_expect_open(const struct shim_uc_desc *d, uint32_t uid,
					const char *const *ents, size_t nents, uint32_t open_conns)
{
	const struct bench_uc_oracle *o = fuzz_oracle_bound(d);

	/* The shim's open check: root always passes it. */
	if (!entitled(d->open_entitlement, true, uid, ents, nents))
		return BENCH_UC_REFUSE(SHIM_ERR_NOT_PERMITTED, "task lacks the open entitlement");
	if (o != NULL && o->max_connections != 0 && open_conns >= o->max_connections)
		return BENCH_UC_REFUSE(SHIM_ERR_NO_RESOURCES, "per-service connection limit reached");
	return BENCH_UC_PASS;
}

struct bench_uc_expect fuzz_expect_call(const struct bench_uc_call_model *m)
{
	const struct shim_uc_desc *d = m->desc;
	const struct shim_uc_call *c = m->call;
	const struct shim_uc_method *meth;
	expect_fn fn;

	if (!m->open)
		return BENCH_UC_REFUSE(SHIM_ERR_NOT_READY, "connection closed");
	if (m->sel >= d->method_count || d->methods[m->sel].fn == NULL)
		return BENCH_UC_REFUSE(SHIM_ERR_BAD_SELECTOR, "selector outside the dispatch table");
	meth = &d->methods[m->sel];
	if (!entitled(meth->entitlement, meth->root_passes, m->uid, m->ents, m->nents))
		return BENCH_UC_REFUSE(SHIM_ERR_NOT_PERMITTED, "task lacks the method's entitlement");
	if (!shape_ok(meth->scalar_in_count, c->scalar_in_count, SHIM_UC_MAX_SCALARS))
		return BENCH_UC_REFUSE(SHIM_ERR_BAD_SHAPE, "scalar-input count differs from the table");
	if (!shape_ok(shim_uc_method_struct_in_size(meth, m->abi), c->struct_in_size,
		      SHIM_UC_MAX_STRUCT_IN))
		return BENCH_UC_REFUSE(SHIM_ERR_BAD_SHAPE, "structure-input size differs from the table");
	if (!shape_ok(meth->scalar_out_count, c->scalar_out_count, SHIM_UC_MAX_SCALARS))
		return BENCH_UC_REFUSE(SHIM_ERR_BAD_SHAPE, "scalar-output count differs from the table");
	if (!shape_ok(shim_uc_method_struct_out_size(meth, m->abi), c->struct_out_size,
		      SHIM_UC_MAX_STRUCT_OUT))
		return BENCH_UC_REFUSE(SHIM_ERR_BAD_SHAPE, "structure-output size differs from the table");
	if (c->async_fn != NULL && !meth->async_allowed)
		return BENCH_UC_REFUSE(SHIM_ERR_BAD_SHAPE, "completion passed to a synchronous method");
	if ((c->scalar_in_count > 0 && c->scalar_in == NULL) ||
	    (c->struct_in_size > 0 && c->struct_in == NULL) ||
	    (c->scalar_out_count > 0 && c->scalar_out == NULL) ||
	    (c->struct_out_size > 0 && c->struct_out == NULL))
		return BENCH_UC_REFUSE(SHIM_ERR_BAD_ARGUMENT, "NULL buffer with a size");
	fn = method_oracle(d, m->sel);
	return fn != NULL ? fn(m) : BENCH_UC_PASS;
}

void fuzz_oracle_check(const char *target, const char *op, const struct bench_uc_call_model *m,
		       struct bench_uc_expect e, shim_ret got, uint64_t device_accesses)
{
	const struct shim_uc_desc *d = m->desc;
	const struct bench_uc_oracle *o = fuzz_oracle_bound(d);
	const char *name = m->sel < d->method_count && d->methods[m->sel].name != NULL ?
				   d->methods[m->sel].name : "-";
	const char *by = o != NULL ? o->name : "generic";

	if (e.ret != SHIM_OK && got != e.ret)
		fuzz_die(target, "oracle (%s): %s selector %u (%s): expected %s (%s), got %s", by, op,
			 m->sel, name, shim_ret_string(e.ret), e.why, shim_ret_string(got));
	if (e.ret != SHIM_OK && device_accesses != 0)
		fuzz_die(target, "oracle (%s): %s selector %u (%s): refused with %s (%s) only after "
			 "%llu device accesses: the user client must refuse it before the driver core",
			 by, op, m->sel, name, shim_ret_string(got), e.why,
			 (unsigned long long)device_accesses);
	/* Only the shim gives these, and the model says it must pass the call. */
	if (e.ret == SHIM_OK && (got == SHIM_ERR_BAD_SELECTOR || got == SHIM_ERR_BAD_SHAPE))
		fuzz_die(target, "oracle (%s): %s selector %u (%s): conforming call refused with %s",
			 by, op, m->sel, name, shim_ret_string(got));
}
