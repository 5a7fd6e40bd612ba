/* The dynamic part of a qualification, after the static one: skipped (and
 * said so) when the static rules found what stops the kext loading here;
 * an error (dyn.not-run) when the binary, device or host it needs is not
 * here; otherwise the lifecycle with the log watched, sleep/wake, unload after
 * removal and the cycles, on the chosen host, each step only while the
 * kext can still be unloaded. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bench/kext.h"
#include "bench/profile.h"
#include "dyn_internal.h"

/* Static findings the loader would refuse the kext for. */
static const char *q_blocking(const struct bench_qualify_result *res)
{
	static const char *const rules[] = {
		"bundle.layout", "plist.unreadable", "plist.executable", "plist.identifier",
		"plist.version", "plist.personality", "plist.ioclass-undefined", "binary.malformed",
		"binary.type", "binary.no-entry", "binary.collision-kernel", "deps.missing",
		"deps.bad-library", "deps.unresolved-symbol",
	};

	for (size_t i = 0; i < res->count; i++)
		for (size_t j = 0; j < sizeof(rules) / sizeof(rules[0]); j++)
			if (strcmp(res->findings[i].rule->id, rules[j]) == 0)
				return rules[j];
	return NULL;
}

static double q_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void q_run(struct bench_q_ctx *c, struct bench_q_dyn *d)
{
	const struct bench_qualify_options *opt = c->opt;

	bool slept;

	if (!bench_q_dyn_lifecycle(c, d)) {
		bench_q_not_checked(c->res, "sleep/wake, unload after removal, cycles: the "
					    "lifecycle failed, and each of them repeats it");
		return;
	}
	slept = bench_q_dyn_sleep_wake(c, d);
	if (!bench_q_dyn_removal(c, d, opt->unload_delay_ns)) {
		bench_q_not_checked(c->res, "cycles: the kext stayed loaded after the removal");
		return;
	}
	bench_q_dyn_cycles(c, d, opt->cycles, slept ? NULL : "sleep-wake");
}

shim_ret bench_qualify_dynamic(const struct bench_qualify_options *opt,
			       struct bench_qualify_result *res, char *why, size_t len)
{
	struct bench_q_ctx c;
	struct bench_q_dyn d;
	char pwhy[512] = "";
	const char *blocked;
	double t0 = q_now();
	shim_ret r = bench_q_check_options(opt, why, len);

	if (r != SHIM_OK)
		return r;
	if (opt->host == NULL) {
		snprintf(why, len, "no host given for the dynamic checks");
		return SHIM_ERR_BAD_ARGUMENT;
	}
	memset(&c, 0, sizeof(c));
	memset(&d, 0, sizeof(d));
	c.opt = opt;
	c.res = res;
	if ((blocked = q_blocking(res)) != NULL) {
		bench_q_not_checked(res, "dynamic: the kext cannot load while %s stands", blocked);
		return SHIM_OK;
	}
	/* Not run for want of a binary, device or host this bench has: an
	 * error, so that QUALIFIED always means the dynamic checks ran or
	 * --static said they were not wanted. */
	if (!res->runs_here) {
		bench_q_add(&c, "dyn.not-run", "", "dynamic", "step",
			    "qualify a build of the kext for this bench's architecture too; for a "
			    "binary no bench here can load (Mach-O), --static",
			    "the dynamic checks did not run: %s", res->runs_here_why[0]
			    ? res->runs_here_why : "the static part did not read the binary");
		return SHIM_OK;
	}
	if (bench_kext_open(opt->bundle, &d.kext, pwhy, sizeof(pwhy)) != SHIM_OK) {
		bench_q_add(&c, "dyn.load", "", "open", "step", "the reason names what is at fault",
			    "the bench's loader refuses the bundle: %s", pwhy);
		return SHIM_OK;
	}
	d.host = opt->host;
	d.bopt.kext = d.kext;
	d.bopt.profile = opt->profile != NULL ? opt->profile
			 : bench_profile_for_kext(bench_kext_manifest(d.kext), pwhy, sizeof(pwhy));
	if (d.bopt.profile == NULL)
		bench_q_add(&c, "dyn.not-run", "", "dynamic", "step",
			    "give --device NAME|FILE, a device profile the kext's personality matches "
			    "(or --static to qualify the files alone)",
			    "the dynamic checks did not run: no device to run the kext on: %s", pwhy);
	else if (!d.host->available(d.bopt.profile, pwhy, sizeof(pwhy)))
		bench_q_add(&c, "dyn.not-run", "", "dynamic", "step",
			    "install what the host needs, or choose another --host "
			    "(or --static to qualify the files alone)",
			    "the dynamic checks did not run: host %s unavailable: %s", d.host->name,
			    pwhy);
	else {
		bench_host_label(d.host, d.bopt.profile, d.label, sizeof(d.label));
		q_run(&c, &d);
		res->dynamic_ran = true;
	}
	bench_kext_close(d.kext);
	res->dynamic_s = q_now() - t0;
	return SHIM_OK;
}
