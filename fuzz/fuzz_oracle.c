/* The generic reference model (see fuzz_oracle.h): the shim's checks in
 * the order uc_client.h documents, derived from the dispatch table only,
 * then whatever the user client's own oracle table says. */
#include <string.h>

#include "fuzz_harness.h"
#include "fuzz_oracle.h"

static const struct fuzz_uc_oracle *const known[] = { &fuzz_edu_oracle };

static const struct fuzz_uc_oracle *find(const struct shim_uc_desc *d)
{
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (known[i]->desc == d)
			return known[i];
	return NULL;
}

typedef struct fuzz_expect (*expect_fn)(const struct fuzz_call_model *m);

/* Selector -> method oracle, resolved by name once per table (this runs
 * on every call of every input). */
#define CACHE_TABLES 4
#define CACHE_SELS 64
static struct {
	const struct shim_uc_desc *d;
	expect_fn fn[CACHE_SELS];
} cache[CACHE_TABLES];

static expect_fn resolve(const struct fuzz_uc_oracle *o, const char *name)
{
	if (o != NULL && name != NULL)
		for (size_t i = 0; i < o->nsels; i++)
			if (strcmp(o->sels[i].name, name) == 0)
				return o->sels[i].expect;
	return NULL;
}

static expect_fn method_oracle(const struct shim_uc_desc *d, uint32_t sel)
{
	size_t i;

	if (sel >= CACHE_SELS)
		return resolve(find(d), d->methods[sel].name);
	for (i = 0; i < CACHE_TABLES && cache[i].d != NULL && cache[i].d != d; i++)
		;
	if (i == CACHE_TABLES)
		return resolve(find(d), d->methods[sel].name);
	if (cache[i].d == NULL) {
		cache[i].d = d;
		for (uint32_t k = 0; k < d->method_count && k < CACHE_SELS; k++)
			cache[i].fn[k] = resolve(find(d), d->methods[k].name);
	}
	return cache[i].fn[sel];
}

static struct fuzz_expect refuse(shim_ret r, const char *why)
{
	return (struct fuzz_expect){ r, why };
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

enum fuzz_handle_state fuzz_oracle_handle(const struct fuzz_call_model *m, uint64_t v)
{
	return m->handle != NULL ? m->handle(m->ctx, v) : FUZZ_HANDLE_FORGED;
}

const char *fuzz_handle_state_name(enum fuzz_handle_state st)
{
	switch (st) {
	case FUZZ_HANDLE_LIVE: return "live handle";
	case FUZZ_HANDLE_STALE: return "stale handle (released, or its connection closed)";
	case FUZZ_HANDLE_FOREIGN: return "foreign handle (issued to another connection)";
	default: return "forged handle (never issued)";
	}
}

struct fuzz_expect fuzz_expect_open(const struct shim_uc_desc *d, uint32_t uid,
				    const char *const *ents, size_t nents, uint32_t open_conns)
{
	const struct fuzz_uc_oracle *o = find(d);

	/* The shim's open check: root always passes it. */
	if (!entitled(d->open_entitlement, true, uid, ents, nents))
		return refuse(SHIM_ERR_NOT_PERMITTED, "task lacks the open entitlement");
	if (o != NULL && o->max_connections != 0 && open_conns >= o->max_connections)
		return refuse(SHIM_ERR_NO_RESOURCES, "per-service connection limit reached");
	return refuse(SHIM_OK, NULL);
}

struct fuzz_expect fuzz_expect_call(const struct fuzz_call_model *m)
{
	const struct shim_uc_desc *d = m->desc;
	const struct shim_uc_call *c = m->call;
	const struct shim_uc_method *meth;
	expect_fn fn;

	if (!m->open)
		return refuse(SHIM_ERR_NOT_READY, "connection closed");
	if (m->sel >= d->method_count || d->methods[m->sel].fn == NULL)
		return refuse(SHIM_ERR_BAD_SELECTOR, "selector outside the dispatch table");
	meth = &d->methods[m->sel];
	if (!entitled(meth->entitlement, meth->root_passes, m->uid, m->ents, m->nents))
		return refuse(SHIM_ERR_NOT_PERMITTED, "task lacks the method's entitlement");
	if (!shape_ok(meth->scalar_in_count, c->scalar_in_count, SHIM_UC_MAX_SCALARS))
		return refuse(SHIM_ERR_BAD_SHAPE, "scalar-input count differs from the table");
	if (!shape_ok(meth->struct_in_size, c->struct_in_size, SHIM_UC_MAX_STRUCT_IN))
		return refuse(SHIM_ERR_BAD_SHAPE, "structure-input size differs from the table");
	if (!shape_ok(meth->scalar_out_count, c->scalar_out_count, SHIM_UC_MAX_SCALARS))
		return refuse(SHIM_ERR_BAD_SHAPE, "scalar-output count differs from the table");
	if (!shape_ok(meth->struct_out_size, c->struct_out_size, SHIM_UC_MAX_STRUCT_OUT))
		return refuse(SHIM_ERR_BAD_SHAPE, "structure-output size differs from the table");
	if (c->async_fn != NULL && !meth->async_allowed)
		return refuse(SHIM_ERR_BAD_SHAPE, "completion passed to a synchronous method");
	if ((c->scalar_in_count > 0 && c->scalar_in == NULL) ||
	    (c->struct_in_size > 0 && c->struct_in == NULL) ||
	    (c->scalar_out_count > 0 && c->scalar_out == NULL) ||
	    (c->struct_out_size > 0 && c->struct_out == NULL))
		return refuse(SHIM_ERR_BAD_ARGUMENT, "NULL buffer with a size");
	fn = method_oracle(d, m->sel);
	return fn != NULL ? fn(m) : refuse(SHIM_OK, NULL);
}

void fuzz_oracle_check(const char *target, const char *op, const struct fuzz_call_model *m,
		       struct fuzz_expect e, shim_ret got, uint64_t device_accesses)
{
	const struct shim_uc_desc *d = m->desc;
	const char *name = m->sel < d->method_count && d->methods[m->sel].name != NULL ?
				   d->methods[m->sel].name : "-";

	if (e.ret != SHIM_OK && got != e.ret)
		fuzz_die(target, "oracle: %s selector %u (%s): expected %s (%s), got %s", op, m->sel,
			 name, shim_ret_string(e.ret), e.why, shim_ret_string(got));
	if (e.ret != SHIM_OK && device_accesses != 0)
		fuzz_die(target, "oracle: %s selector %u (%s): refused with %s (%s) only after "
			 "%llu device accesses: the user client must refuse it before the driver core",
			 op, m->sel, name, shim_ret_string(got), e.why,
			 (unsigned long long)device_accesses);
	/* Only the shim gives these, and the model says it must pass the call. */
	if (e.ret == SHIM_OK && (got == SHIM_ERR_BAD_SELECTOR || got == SHIM_ERR_BAD_SHAPE))
		fuzz_die(target, "oracle: %s selector %u (%s): conforming call refused with %s", op,
			 m->sel, name, shim_ret_string(got));
}
