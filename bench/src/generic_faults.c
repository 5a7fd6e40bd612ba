/* Generic scenario: start fails at each of the driver's call sites in turn.
 * A first start counts the calls the driver makes into the shim that can
 * fail (allocations, BAR maps, DMA buffers and prepares, interrupt sources,
 * timers, work-loop sleeps, user-client publishing); then start runs once
 * per call with exactly that call failing, as a kernel short of memory or
 * resources would fail it. Every start that fails must give back all it
 * took; one that copes must stop cleanly. A leak is named by the
 * allocation's site (file:line) and the call that was failed. */
#include <stdio.h>
#include <string.h>

#include "bench/kext.h"
#include "fault_sites.h"
#include "generic.h"

#define BENCH_FAULT_MAX_CALLS 256

/* One start with plan armed; then stop if it started. */
static shim_ret bench_fault_start(struct bench_machine *fx, const struct shim_fault_plan *plan,
				  struct shim_fault_stats *st, bool *started)
{
	size_t n = 0;
	shim_ret r;

	shim_fault_arm(plan);
	r = shim_machine_match(fx->machine, fx->kext, &n);
	shim_fault_stats(st);
	shim_fault_disarm();
	*started = shim_machine_service(fx->machine, fx->dev) != NULL;
	if (*started)
		shim_machine_terminate(fx->machine, fx->dev);
	return r;
}

static enum bench_result bench_fault_check(long i,
					   const struct shim_fault_stats *st,
					   const struct bench_baseline *base,
					   const struct bench_sites *sites, char *why,
					   size_t len)
{
	char diff[BENCH_WHY_LEN] = "", site[160];

	bench_fault_site(st, site, sizeof(site));
	if (!bench_baseline_matches(base, diff, sizeof(diff))) {
		snprintf(why, len, "%s failing (%s, call %ld of start)",
			 shim_fault_kind_string(st->kind), site, i);
		bench_sites_new(sites, why, len); /* the leak's own sites first: they say most */
		bench_why_append(why, len, "left: %s", diff);
		return BENCH_FAIL;
	}
	if (!bench_verifier_empty(diff, sizeof(diff)))
		return bench_fail(why, len, "%s failing (%s, call %ld of start): %s",
				  shim_fault_kind_string(st->kind), site, i, diff);
	return BENCH_PASS;
}

static enum bench_result run_start_failures(struct bench_machine *fx, char *why, size_t len)
{
	struct shim_fault_plan plan = { .kinds = SHIM_FAULT_ALL };
	struct shim_fault_stats st;
	struct bench_baseline base;
	struct bench_sites sites;
	long calls, failed = 0, coped = 0;
	bool started;

	if (fx->opt.kext == NULL ||
	    !bench_kext_image_range(fx->opt.kext, &plan.code_lo, &plan.code_hi))
		return bench_cannot_run(why, len, "a kext linked into the program has no image of "
						  "its own to tell its calls by");
	shim_machine_terminate(fx->machine, fx->dev);
	fx->svc = NULL;
	bench_baseline_take(&base);
	bench_sites_take(&sites);
	if (bench_fault_start(fx, &plan, &st, &started) != SHIM_OK || !started)
		return bench_fail(why, len, "start without any fault failed");
	calls = st.calls < BENCH_FAULT_MAX_CALLS ? st.calls : BENCH_FAULT_MAX_CALLS;
	for (long i = 1; i <= calls; i++) {
		shim_ret r;

		plan.nth = i;
		r = bench_fault_start(fx, &plan, &st, &started);
		if (!st.fired)
			continue; /* this start took another path, with fewer calls */
		if (r == SHIM_OK && started)
			coped++;
		else
			failed++;
		if (bench_fault_check(i, &st, &base, &sites, why, len) != BENCH_PASS)
			return BENCH_FAIL;
	}
	fx->match_ret = shim_machine_match(fx->machine, fx->kext, &fx->started);
	fx->svc = shim_machine_service(fx->machine, fx->dev);
	snprintf(why, len, "%ld call site(s) failed in turn: start failed cleanly %ld time(s), "
			   "coped %ld time(s)", calls, failed, coped);
	return BENCH_PASS;
}

const struct bench_scenario bench_sc_start_failures = {
	.name = "start-fails-at-each-call",
	.summary = "start made to fail at each allocation, BAR map, DMA buffer and prepare, "
		   "interrupt, timer, work-loop and user-client call in turn gives everything back",
	.run = run_start_failures,
};
