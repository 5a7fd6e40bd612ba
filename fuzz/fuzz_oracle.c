/* The generic reference model (see fuzz_oracle.h): the shim's checks in
 * the order uc_client.h documents, derived from the dispatch table only,
 * then whatever the oracle bound to that table says. */
#include <stdio.h>
#include <string.h>

#include "fuzz_harness.h"
#include "fuzz_oracle.h"

typedef struct bench_uc_expect (*expect_fn)(const struct bench_uc_call_model *m);

/* Who may call a selector: from the contract when it states access rules,
 * else from the dispatch table. */
struct access {
	const char *entitlement;
	bool root_passes;
};

/* Selector -> method oracle and access rule, resolved by name once per
 * table at bind time (this runs on every call of every input). */
#define BOUND_SELS 64
static struct {
	const struct shim_uc_desc *d;
	const struct bench_uc_oracle *o;
	expect_fn fn[BOUND_SELS];
	struct access acc[BOUND_SELS];
} bound[FUZZ_MAX_SERVICES];

static const struct bench_uc_method_oracle *find_method(const struct bench_uc_oracle *o,
							 const char *name)
{
	if (o != NULL && name != NULL)
		for (size_t i = 0; i < o->nmethods; i++)
			if (strcmp(o->methods[i].name, name) == 0)
				return &o->methods[i];
	return NULL;
}

static expect_fn resolve(const struct bench_uc_oracle *o, const char *name)
{
	const struct bench_uc_method_oracle *mo = find_method(o, name);

	return mo != NULL ? mo->expect : NULL;
}

static struct access access_of(const struct bench_uc_oracle *o, const struct shim_uc_method *m)
{
	const struct bench_uc_method_oracle *mo;

	if (o == NULL || !o->access_rules)
		return (struct access){ m->entitlement, m->root_passes };
	mo = find_method(o, m->name);
	return mo != NULL ? (struct access){ mo->entitlement, mo->root_passes }
			  : (struct access){ NULL, false };
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
		if (o->methods[k].name == NULL ||
		    (o->methods[k].expect == NULL && !o->access_rules)) {
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
	for (uint32_t s = 0; s < BOUND_SELS; s++) {
		bound[i].fn[s] = s < d->method_count ? resolve(o, d->methods[s].name) : NULL;
		bound[i].acc[s] = s < d->method_count ? access_of(o, &d->methods[s])
						      : (struct access){ NULL, false };
	}
	return true;
}

/* Where the table and the contract disagree about who may call: a table
 * stricter than the contract refuses callers the driver means to serve; a
 * contract stricter than the table leaves the method to refuse by itself. */
void fuzz_oracle_note_access(const struct shim_uc_desc *d, FILE *out)
{
	const struct bench_uc_oracle *o = fuzz_oracle_bound(d);

	for (uint32_t s = 0; o != NULL && o->access_rules && s < d->method_count; s++) {
		const struct shim_uc_method *m = &d->methods[s];
		struct access a = access_of(o, m);

		if (m->fn == NULL || (a.entitlement == NULL) == (m->entitlement == NULL))
			continue;
		fprintf(out, "fuzz_kext: note: selector %u (%s): the contract (%s) says %s%s, the "
			     "dispatch table %s%s\n", s, m->name != NULL ? m->name : "-", o->name,
			a.entitlement != NULL ? "it needs " : "anyone may call it",
			a.entitlement != NULL ? a.entitlement : "",
			m->entitlement != NULL ? "demands " : "declares no entitlement: the method "
							     "must refuse by itself",
			m->entitlement != NULL ? m->entitlement : "");
	}
}

const char *fuzz_oracle_open_entitlement(const struct shim_uc_desc *d)
{
	const struct bench_uc_oracle *o = fuzz_oracle_bound(d);

	return o != NULL && o->access_rules ? o->open_entitlement : d->open_entitlement;
}

bool fuzz_oracle_access_stated(const struct shim_uc_desc *d)
{
	const struct bench_uc_oracle *o = fuzz_oracle_bound(d);

	return o != NULL && o->access_rules;
}

const char *fuzz_oracle_method_entitlement(const struct shim_uc_desc *d, uint32_t sel)
{
	const struct bench_uc_oracle *o = fuzz_oracle_bound(d);

	if (sel >= d->method_count)
		return NULL;
	return o != NULL && o->access_rules ? access_of(o, &d->methods[sel]).entitlement
					    : d->methods[sel].entitlement;
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
	/* The contract's, when the table lost it: may_open must refuse. */
	if (!entitled(fuzz_oracle_open_entitlement(d), true, uid, ents, nents))
		return BENCH_UC_REFUSE(SHIM_ERR_NOT_PERMITTED,
				       "[access rule] the contract's open entitlement is missing "
				       "(the dispatch table does not declare it)");
	if (o != NULL && o->max_connections != 0 && open_conns >= o->max_connections)
		return BENCH_UC_REFUSE(SHIM_ERR_NO_RESOURCES, "per-service connection limit reached");
	return BENCH_UC_PASS;
}

struct bench_uc_expect fuzz_expect_call(const struct bench_uc_call_model *m)
{
	const struct shim_uc_desc *d = m->desc;
	const struct shim_uc_call *c = m->call;
	const struct shim_uc_method *meth;
	const struct access *acc;
	size_t b = slot(d);
	expect_fn fn;

	if (!m->open)
		return BENCH_UC_REFUSE(SHIM_ERR_NOT_READY, "connection closed");
	if (m->sel >= d->method_count || d->methods[m->sel].fn == NULL)
		return BENCH_UC_REFUSE(SHIM_ERR_BAD_SELECTOR, "selector outside the dispatch table");
	meth = &d->methods[m->sel];
	/* The shim enforces the table's entitlement before the shapes. */
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
	/* The contract's rule, where the table does not enforce it: the method
	 * itself must refuse, before anything else. */
	acc = b < FUZZ_MAX_SERVICES && m->sel < BOUND_SELS ? &bound[b].acc[m->sel] : NULL;
	if (acc != NULL && !entitled(acc->entitlement, acc->root_passes, m->uid, m->ents, m->nents))
		return BENCH_UC_REFUSE(SHIM_ERR_NOT_PERMITTED,
				       "[access rule] the contract's entitlement is missing (the "
				       "dispatch table does not declare it: the method must check)");
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
	/* Only the shim gives these, and the model says it must pass the call;
	 * with the contract's access rules, so is a refusal of a permitted caller. */
	if (e.ret == SHIM_OK && (got == SHIM_ERR_BAD_SELECTOR || got == SHIM_ERR_BAD_SHAPE ||
				 (got == SHIM_ERR_NOT_PERMITTED && fuzz_oracle_access_stated(d))))
		fuzz_die(target, "oracle (%s): %s selector %u (%s): conforming call refused with %s",
			 by, op, m->sel, name, shim_ret_string(got));
}
