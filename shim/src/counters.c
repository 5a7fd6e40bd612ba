/* Kernel-wide counters (ioclasscount, ioalloccount, zprint in one): the
 * wired and prepared tallies live here, the rest are read from their owners. */
#include "internal.h"

static int64_t wired_bytes;
static long prepared;

void shim_counters_wired_add(int64_t delta_bytes)
{
	wired_bytes += delta_bytes;
	if (wired_bytes < 0) {
		/* A shim accounting bug, not a driver one; report it and stay sane. */
		SHIM_VERIFY_FAIL(SHIM_V_BAD_STATE, "wired bytes went negative (%lld)",
				 (long long)wired_bytes);
		wired_bytes = 0;
	}
}

void shim_counters_prepared_add(long delta)
{
	prepared += delta;
	if (prepared < 0) {
		SHIM_VERIFY_FAIL(SHIM_V_BAD_STATE, "prepared count went negative (%ld)", prepared);
		prepared = 0;
	}
}

void shim_counters_snapshot(struct shim_counters *c)
{
	if (c == NULL)
		return;
	c->objects_live = shim_classes_live_total();
	shim_alloc_totals(&c->alloc_count, &c->alloc_bytes, &c->alloc_high_water);
	c->wired_bytes = (uint64_t)wired_bytes;
	c->prepared = prepared;
	c->log_dropped = shim_log_dropped_total();
	c->verifier_records = (long)shim_verifier_count();
}
