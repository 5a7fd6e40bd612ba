/* bench_cycle: cycle rates, printed, never asserted, in one run.
 * 1. Driver start/stop cycles per second on the sim host (default 10,000).
 * 2. Kext load/unload (image unmapped and mapped again) cycles per second.
 * 3. Device attach/detach (unplug + re-plug + match) cycles per second on
 *    sim (as many) and on QEMU (default 100), or why it cannot run here.
 * Each line carries the runner's verdict: a rate of a leaking run is no figure.
 * usage: bench_cycle [--record ...] KEXT [SIM_CYCLES [QEMU_CYCLES]] */
#include <stdio.h>
#include <stdlib.h>

#include "bench/cycle.h"
#include "bench/kext.h"
#include "bench_figures.h"

static struct bench_options bench_base = { .no_tap = true };
static struct bench_figures bench_fig;

#define BENCH_SIM_CYCLES 10000ul
#define BENCH_QEMU_CYCLES 100ul

static unsigned long bench_arg(int argc, char **argv, int i, unsigned long dflt)
{
	unsigned long n = argc > i + 1 ? strtoul(argv[i + 1], NULL, 10) : bench_cycle_scaled(dflt, 10);

	return n > 0 && n <= BENCH_CYCLE_MAX_COUNT ? n : dflt;
}

static int bench_kind(const char *kind, enum bench_host_kind host_kind, unsigned long count)
{
	const struct bench_host_factory *host = bench_host_by_kind(host_kind);
	const char *host_name = host != NULL ? host->name : "qemu";
	struct bench_cycle_config cfg = { .kind = bench_cycle_kind_find(kind), .host = host,
					  .count = count, .opt = bench_base };
	struct bench_cycle_result res;
	int status;

	if (host == NULL || cfg.kind == NULL) {
		printf("%s on %s: CANNOT RUN: no %s in this build\n", kind, host_name,
		       host == NULL ? "such host" : "such kind");
		return 0;
	}
	bench_cycle_run(&cfg, &res);
	if (res.result == BENCH_CANNOT_RUN) {
		printf("%s on %s: CANNOT RUN: %s\n", kind, host_name, res.why);
		status = 0;
	} else {
		printf("%s on %s: %lu of %lu cycles in %.3f s: %.0f cycles/s (%.1f us each), %s\n",
		       kind, host_name, res.done, res.requested, res.seconds,
		       res.seconds > 0 ? (double)res.done / res.seconds : 0.0,
		       res.done > 0 ? res.seconds * 1e6 / (double)res.done : 0.0,
		       bench_result_string(res.result));
		if (res.result != BENCH_PASS)
			printf("  %s\n", res.why);
		else if (res.seconds > 0) {
			char name[64];

			snprintf(name, sizeof(name), "%s_%s_cycles_per_s", kind, host_name);
			bench_figure(&bench_fig, name, (double)res.done / res.seconds, "1/s");
		}
		status = res.result == BENCH_PASS ? 0 : 1;
	}
	bench_cycle_result_free(&res);
	fflush(stdout);
	return status;
}

int main(int argc, char **argv)
{
	char why[512] = "";
	int status = 0;

	if (!bench_figures_options(&bench_fig, &argc, argv))
		return 2;
	if (argc < 2 || argc > 4 || argv[1][0] == '-') {
		fprintf(stderr, "usage: bench_cycle " BENCH_FIGURES_USAGE " KEXT [SIM_CYCLES [QEMU_CYCLES]]\n");
		return 2;
	}
	if (bench_kext_open(argv[1], &bench_base.kext, why, sizeof(why)) != SHIM_OK ||
	    (bench_base.profile = bench_profile_for_kext(bench_kext_manifest(bench_base.kext), why,
							 sizeof(why))) == NULL) {
		fprintf(stderr, "bench_cycle: %s\n", why);
		bench_kext_close(bench_base.kext);
		return 1;
	}
	if (!bench_figures_begin(&bench_fig, "bench_cycle", bench_base.kext,
				 bench_base.profile->name)) {
		bench_kext_close(bench_base.kext);
		return 1;
	}
	status |= bench_kind("start-stop", BENCH_HOST_SIM, bench_arg(argc, argv, 1, BENCH_SIM_CYCLES));
	status |= bench_kind("load-unload", BENCH_HOST_SIM, bench_arg(argc, argv, 1, BENCH_SIM_CYCLES));
	status |= bench_kind("attach-detach", BENCH_HOST_SIM, bench_arg(argc, argv, 1, BENCH_SIM_CYCLES));
	status |= bench_kind("attach-detach", BENCH_HOST_QEMU,
			     bench_arg(argc, argv, 2, BENCH_QEMU_CYCLES));
	if (!bench_figures_end(&bench_fig))
		status = 1;
	bench_kext_close(bench_base.kext);
	return status;
}
