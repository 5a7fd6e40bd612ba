/* bench_catalogue: the whole catalogue (generic scenarios plus the test
 * module's) on sim and on qemu, timed, in one run; printed, never asserted.
 * usage: bench_catalogue [--record ...] KEXT [TESTS] */
#include <stdio.h>
#include <time.h>

#include "bench/kext.h"
#include "bench/scenario.h"
#include "bench_figures.h"

static double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void bench_host(const struct bench_host_factory *h, const struct bench_options *base,
		       struct bench_figures *fig)
{
	const struct bench_scenario *sc;
	unsigned counts[3] = { 0, 0, 0 };
	char why[256] = "";
	double t0 = bench_now(), s;
	char name[64];
	size_t n = 0;

	if (!h->available(base->profile, why, sizeof(why))) {
		printf("  %-11s unavailable: %s\n", h->name, why);
		return;
	}
	for (size_t i = 0; (sc = bench_scenario_at(base->module, i)) != NULL; i++, n++) {
		struct bench_report rep;

		bench_scenario_run(sc, h, base, &rep);
		counts[rep.result]++;
	}
	s = bench_now() - t0;
	printf("  %-11s %3zu scenarios in %7.3f s (%u passed, %u failed, %u cannot run)\n", h->name,
	       n, s, counts[BENCH_PASS], counts[BENCH_FAIL], counts[BENCH_CANNOT_RUN]);
	snprintf(name, sizeof(name), "catalogue_%s_s", h->name);
	bench_figure(fig, name, s, "s");
	snprintf(name, sizeof(name), "catalogue_%s_failed", h->name);
	bench_figure(fig, name, counts[BENCH_FAIL], "scenarios");
}

int main(int argc, char **argv)
{
	struct bench_options base = { 0 };
	struct bench_figures fig = { 0 };
	char why[512] = "";
	bool ok;

	if (!bench_figures_options(&fig, &argc, argv))
		return 2;
	if (argc < 2 || argc > 3 || argv[1][0] == '-') {
		fprintf(stderr, "usage: bench_catalogue " BENCH_FIGURES_USAGE " KEXT [TESTS]\n");
		return 2;
	}
	if (bench_kext_open(argv[1], &base.kext, why, sizeof(why)) != SHIM_OK ||
	    (argc == 3 && bench_module_load(argv[2], &base.module, why, sizeof(why)) != SHIM_OK) ||
	    (base.profile = bench_profile_for_kext(bench_kext_manifest(base.kext), why,
						   sizeof(why))) == NULL) {
		fprintf(stderr, "bench_catalogue: %s\n", why);
		bench_kext_close(base.kext);
		return 1;
	}
	if (!bench_figures_begin(&fig, "bench_catalogue", base.kext, base.profile->name)) {
		bench_kext_close(base.kext);
		return 1;
	}
	printf("catalogue of %s on %s:\n", bench_kext_bundle_id(base.kext), base.profile->name);
	bench_host(&bench_host_sim_factory, &base, &fig);
	bench_host(&bench_host_qemu_factory, &base, &fig);
	bench_host(&bench_host_qemu_proxy_factory, &base, &fig);
	ok = bench_figures_end(&fig);
	bench_kext_close(base.kext);
	return ok ? 0 : 1;
}
