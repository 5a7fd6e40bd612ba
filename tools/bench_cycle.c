/* bench_cycle: cycle rates, printed, never asserted, in one run.
 * 1. Driver start/stop cycles per second on the sim host (default 10,000).
 * 2. Device attach/detach (unplug + re-plug + match) cycles per second on
 *    sim (as many) and on QEMU (default 100), or why it cannot run here.
 * Each line carries the runner's verdict: a rate of a leaking run is no figure.
 * usage: bench_cycle [SIM_CYCLES [QEMU_CYCLES]] */
#include <stdio.h>
#include <stdlib.h>

#include "fx_cycle.h"

#define BENCH_SIM_CYCLES 10000ul
#define BENCH_QEMU_CYCLES 100ul

static unsigned long bench_arg(int argc, char **argv, int i, unsigned long dflt)
{
	unsigned long n = argc > i ? strtoul(argv[i], NULL, 10) : fx_cycle_scaled(dflt, 10);

	return n > 0 && n <= FX_CYCLE_MAX_COUNT ? n : dflt;
}

static int bench_kind(const char *kind, enum fx_host_kind host_kind, unsigned long count)
{
	const struct fx_host_factory *host = fx_host_by_kind(host_kind);
	const char *host_name = host != NULL ? host->name : "qemu";
	struct fx_cycle_config cfg = { .kind = fx_cycle_kind_find(kind), .host = host,
				       .count = count, .opt = { .no_tap = true } };
	struct fx_cycle_result res;
	int status;

	if (host == NULL || cfg.kind == NULL) {
		printf("%s on %s: CANNOT RUN: no %s in this build\n", kind, host_name,
		       host == NULL ? "such host" : "such kind");
		return 0;
	}
	fx_cycle_run(&cfg, &res);
	if (res.result == FX_CANNOT_RUN) {
		printf("%s on %s: CANNOT RUN: %s\n", kind, host_name, res.why);
		status = 0;
	} else {
		printf("%s on %s: %lu of %lu cycles in %.3f s: %.0f cycles/s (%.1f us each), %s\n",
		       kind, host_name, res.done, res.requested, res.seconds,
		       res.seconds > 0 ? (double)res.done / res.seconds : 0.0,
		       res.done > 0 ? res.seconds * 1e6 / (double)res.done : 0.0,
		       fx_result_string(res.result));
		if (res.result != FX_PASS)
			printf("  %s\n", res.why);
		status = res.result == FX_PASS ? 0 : 1;
	}
	fx_cycle_result_free(&res);
	fflush(stdout);
	return status;
}

int main(int argc, char **argv)
{
	int status = 0;

	if (argc > 3 || (argc > 1 && argv[1][0] == '-')) {
		fprintf(stderr, "usage: bench_cycle [SIM_CYCLES [QEMU_CYCLES]]\n");
		return 2;
	}
	status |= bench_kind("start-stop", FX_HOST_SIM, bench_arg(argc, argv, 1, BENCH_SIM_CYCLES));
	status |= bench_kind("attach-detach", FX_HOST_SIM, bench_arg(argc, argv, 1, BENCH_SIM_CYCLES));
	status |= bench_kind("attach-detach", FX_HOST_QEMU,
			     bench_arg(argc, argv, 2, BENCH_QEMU_CYCLES));
	return status;
}
