/* bench_bundle: what loading a kext as a bundle costs, printed, never
 * asserted. On one sim machine, N cycles of
 *   load (link checks, dlopen, kmod_info, manifest) -> match -> start ->
 *   stop -> unload (classes forgotten, dlclose)
 * with the kext's bundle, then the same cycles with the same driver linked
 * into this program (manifest checks only); then the load+unload alone and
 * start+stop alone (loaded once), each way.
 * The ratio is the figure to compare across machines. Built per driver:
 * the program is linked with the driver's static library (its kmod_info).
 * usage: bench_bundle [--record ...] BUNDLE INFO_PLIST [CYCLES] */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bench/kext.h"
#include "bench/machine.h"
#include "bench_figures.h"

#define BENCH_CYCLES 2000ul
#define BENCH_VALGRIND_DIVISOR 100ul

extern const struct shim_kmod_info kmod_info; /* the driver linked in */

static double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* N cycles on fx's machine; start/stop only when full. Seconds, or -1. */
static double bench_cycles(struct bench_machine *fx, struct bench_kext *k, unsigned long n,
			   bool full)
{
	char why[512] = "";
	double t0 = bench_now();

	for (unsigned long i = 0; i < n; i++) {
		shim_kext *sk = NULL;
		size_t started = 0;

		if (bench_kext_load(k, NULL, &sk, why, sizeof(why)) != SHIM_OK)
			goto fail;
		if (full && (shim_machine_match(fx->machine, sk, &started) != SHIM_OK || started != 1 ||
			     shim_machine_terminate(fx->machine, fx->dev) != SHIM_OK)) {
			snprintf(why, sizeof(why), "match/terminate failed on cycle %lu", i);
			goto fail;
		}
		if (bench_kext_unload(k, why, sizeof(why)) != SHIM_OK)
			goto fail;
	}
	return bench_now() - t0;
fail:
	fprintf(stderr, "bench_bundle: %s\n", why);
	return -1;
}

/* Loaded once, N match+terminate. Seconds, or -1. */
static double bench_start_stop(struct bench_machine *fx, struct bench_kext *k, unsigned long n)
{
	char why[512] = "";
	shim_kext *sk = NULL;
	double t0, t;

	if (bench_kext_load(k, NULL, &sk, why, sizeof(why)) != SHIM_OK) {
		fprintf(stderr, "bench_bundle: %s\n", why);
		return -1;
	}
	t0 = bench_now();
	for (unsigned long i = 0; i < n; i++) {
		size_t started = 0;

		if (shim_machine_match(fx->machine, sk, &started) != SHIM_OK || started != 1 ||
		    shim_machine_terminate(fx->machine, fx->dev) != SHIM_OK) {
			fprintf(stderr, "bench_bundle: match/terminate failed on cycle %lu\n", i);
			bench_kext_unload(k, why, sizeof(why));
			return -1;
		}
	}
	t = bench_now() - t0;
	return bench_kext_unload(k, why, sizeof(why)) == SHIM_OK ? t : -1;
}

static void bench_line(const char *what, unsigned long n, double s)
{
	printf("  %-38s %7lu cycles in %7.3f s: %9.0f/s (%8.1f us each)\n", what, n, s,
	       (double)n / s, s * 1e6 / (double)n);
}

int main(int argc, char **argv)
{
	struct bench_kext *bundle = NULL, *linked = NULL;
	struct bench_options opt = { .no_tap = true };
	struct bench_machine fx;
	struct bench_figures fig = { 0 };
	unsigned long n = BENCH_CYCLES;
	double tb, tl, tb_load, tl_load, tb_ss, tl_ss;
	char why[512] = "";
	int status = 1;

	if (!bench_figures_options(&fig, &argc, argv))
		return 2;
	if (argc < 3 || argc > 4 || argv[1][0] == '-') {
		fprintf(stderr, "usage: bench_bundle " BENCH_FIGURES_USAGE " BUNDLE INFO_PLIST [CYCLES]\n");
		return 2;
	}
	if (argc == 4)
		n = strtoul(argv[3], NULL, 10);
	else if (getenv("DRVBENCH_UNDER_VALGRIND") != NULL)
		n /= BENCH_VALGRIND_DIVISOR;
	if (n == 0)
		n = 1;
	if (bench_kext_open(argv[1], &bundle, why, sizeof(why)) != SHIM_OK ||
	    bench_kext_open_linked(kmod_info.desc, argv[2], &linked, why, sizeof(why)) != SHIM_OK ||
	    (opt.profile = bench_profile_for_kext(bench_kext_manifest(bundle), why, sizeof(why))) ==
		    NULL) {
		fprintf(stderr, "bench_bundle: %s\n", why);
		goto out;
	}
	if (!bench_figures_begin(&fig, "bench_bundle", bundle, opt.profile->name))
		goto out;
	if (bench_machine_boot(&fx, &bench_host_sim_factory, &opt, why, sizeof(why)) != SHIM_OK) {
		fprintf(stderr, "bench_bundle: %s\n", why);
		goto out;
	}
	tb = bench_cycles(&fx, bundle, n, true);
	tl = bench_cycles(&fx, linked, n, true);
	tb_load = bench_cycles(&fx, bundle, n, false);
	tl_load = bench_cycles(&fx, linked, n, false);
	tb_ss = bench_start_stop(&fx, bundle, n);
	tl_ss = bench_start_stop(&fx, linked, n);
	if (!bench_machine_shutdown(&fx, why, sizeof(why)))
		printf("shutdown: not clean: %s\n", why);
	if (tb < 0 || tl < 0 || tb_load < 0 || tl_load < 0 || tb_ss < 0 || tl_ss < 0)
		goto out;
	printf("kext %s on sim:%s, %lu cycles each\n", bench_kext_bundle_id(bundle),
	       opt.profile->name, n);
	bench_line("bundle: load+match+start+stop+unload", n, tb);
	bench_line("linked: load+match+start+stop+unload", n, tl);
	bench_line("bundle: load+unload", n, tb_load);
	bench_line("linked: load+unload", n, tl_load);
	bench_line("bundle: start+stop (loaded once)", n, tb_ss);
	bench_line("linked: start+stop (loaded once)", n, tl_ss);
	printf("  bundle / linked: full cycle %.2fx, start+stop %.2fx; the bundle's own cost: "
	       "%.1f us per load+unload\n", tb / tl, tb_ss / tl_ss,
	       (tb_load - tl_load) * 1e6 / (double)n);
	bench_figure(&fig, "bundle_load_unload_us", tb_load * 1e6 / (double)n, "us");
	bench_figure(&fig, "bundle_over_linked_full_cycle", tb / tl, "x");
	bench_figure(&fig, "bundle_over_linked_start_stop", tb_ss / tl_ss, "x");
	status = 0;
out:
	fig.failed |= status != 0;
	if (!bench_figures_end(&fig))
		status = 1;
	bench_kext_close(bundle);
	bench_kext_close(linked);
	return status;
}
