/* bench_sim: figures for the sim host, printed, never asserted.
 * 1. MMIO reads per second through shim + sim host + the device's model
 *    (BAR0 offset 0, which every device here maps), next to a
 *    plain indirect call doing the same count in the same run (the ratio
 *    is what to compare across machines).
 * 2. Driver start/stop cycles per second on one machine, with the kernel
 *    counters before and after (a growth here is a leak per cycle).
 * usage: bench_sim [--record ...] KEXT [MMIO_READS [CYCLES]] */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bench/kext.h"
#include "bench/machine.h"
#include "bench_figures.h"

#define BENCH_READS 10000000ul
#define BENCH_CYCLES 20000ul
#define BENCH_VALGRIND_DIVISOR 200ul /* keep a memcheck run to seconds */
#define BENCH_MMIO_OFFSET 0x00

static struct bench_figures bench_fig;

static double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint32_t bench_load(const uint32_t *p)
{
	return *(const volatile uint32_t *)p;
}

/* volatile: the compiler must really call through the pointer each time. */
static uint32_t (*volatile bench_indirect)(const uint32_t *p) = bench_load;

static void bench_mmio(struct bench_machine *fx, unsigned long reads)
{
	shim_mmio_map *map = NULL;
	static const uint32_t cell = 0x1234u;
	volatile uint32_t sink = 0;
	double t0, t_shim, t_call;
	shim_ret r = shim_pci_map_bar(fx->dev, 0, &map);

	if (r != SHIM_OK) {
		printf("mmio: cannot map BAR0: %s\n", shim_ret_string(r));
		return;
	}
	t0 = bench_now();
	for (unsigned long i = 0; i < reads; i++)
		sink += shim_mmio_read32(map, BENCH_MMIO_OFFSET);
	t_shim = bench_now() - t0;
	t0 = bench_now();
	for (unsigned long i = 0; i < reads; i++)
		sink += bench_indirect(&cell);
	t_call = bench_now() - t0;
	shim_mmio_unmap(map);
	(void)sink;
	printf("mmio: %lu reads of BAR0+0 of %s\n", reads, fx->opt.profile->name);
	printf("  shim_mmio_read32 via sim host : %12.0f reads/s (%7.1f ns each)\n",
	       (double)reads / t_shim, t_shim * 1e9 / (double)reads);
	printf("  indirect call baseline        : %12.0f calls/s (%7.1f ns each)\n",
	       (double)reads / t_call, t_call * 1e9 / (double)reads);
	printf("  ratio (shim path / indirect)  : %12.1f x\n", t_shim / (t_call > 0 ? t_call : 1e-9));
	bench_figure(&bench_fig, "sim_mmio_read_ns", t_shim * 1e9 / (double)reads, "ns");
	bench_figure(&bench_fig, "sim_mmio_read_over_indirect_call", t_shim / (t_call > 0 ? t_call : 1e-9),
		     "x");
}

static void bench_print_counters(const char *label, const struct shim_counters *c)
{
	printf("  %-6s objects %ld, allocs %ld (%llu bytes, high water %llu), wired %llu, "
	       "prepared %ld, log drops %ld, verifier %ld\n",
	       label, c->objects_live, c->alloc_count, (unsigned long long)c->alloc_bytes,
	       (unsigned long long)c->alloc_high_water, (unsigned long long)c->wired_bytes,
	       c->prepared, c->log_dropped, c->verifier_records);
}

static int bench_cycles(struct bench_machine *fx, unsigned long cycles)
{
	struct bench_baseline before, after;
	char diff[320] = "";
	unsigned long done = 0;
	double t0, t;
	shim_ret r = SHIM_OK;

	bench_baseline_take(&before);
	t0 = bench_now();
	for (; done < cycles; done++) {
		size_t started = 0;

		r = shim_machine_terminate(fx->machine, fx->dev);
		if (r == SHIM_OK)
			r = shim_machine_match(fx->machine, fx->kext, &started);
		if (r == SHIM_OK && started != 1)
			r = SHIM_ERR_NOT_FOUND;
		if (r != SHIM_OK)
			break;
	}
	t = bench_now() - t0;
	fx->svc = shim_machine_service(fx->machine, fx->dev);
	printf("start/stop: %lu of %lu cycles (terminate + match) in %.2f s: %.0f cycles/s\n",
	       done, cycles, t, (double)done / (t > 0 ? t : 1e-9));
	if (r != SHIM_OK)
		printf("  stopped early: %s\n", shim_ret_string(r));
	else
		bench_figure(&bench_fig, "sim_start_stop_cycles_per_s", (double)done / (t > 0 ? t : 1e-9),
			     "1/s");
	bench_baseline_take(&after);
	bench_print_counters("before", &before.counters);
	bench_print_counters("after", &after.counters);
	if (bench_baseline_matches(&before, diff, sizeof(diff)))
		printf("  counters: steady (no growth over the cycles)\n");
	else
		printf("  counters: GREW: %s\n", diff);
	return r == SHIM_OK ? 0 : 1;
}

static unsigned long bench_arg(int argc, char **argv, int i, unsigned long dflt)
{
	unsigned long n = dflt;

	if (argc > i + 1)
		n = strtoul(argv[i + 1], NULL, 0);
	else if (getenv("DRVBENCH_UNDER_VALGRIND") != NULL)
		n = dflt / BENCH_VALGRIND_DIVISOR;
	return n > 0 ? n : 1;
}

int main(int argc, char **argv)
{
	struct bench_machine fx;
	struct bench_options opt = { .no_tap = true }; /* measure shim + sim host only */
	struct bench_kext *k = NULL;
	char why[512] = "";
	int status;

	if (!bench_figures_options(&bench_fig, &argc, argv))
		return 2;
	if (argc < 2 || argc > 4 || argv[1][0] == '-') {
		fprintf(stderr, "usage: bench_sim " BENCH_FIGURES_USAGE " KEXT [MMIO_READS [CYCLES]]\n");
		return 2;
	}
	if (bench_kext_open(argv[1], &k, why, sizeof(why)) != SHIM_OK ||
	    (opt.profile = bench_profile_for_kext(bench_kext_manifest(k), why, sizeof(why))) == NULL) {
		fprintf(stderr, "bench_sim: %s\n", why);
		bench_kext_close(k);
		return 1;
	}
	opt.kext = k;
	if (!bench_figures_begin(&bench_fig, "bench_sim", k, opt.profile->name)) {
		bench_kext_close(k);
		return 1;
	}
	if (bench_machine_boot(&fx, &bench_host_sim_factory, &opt, why, sizeof(why)) != SHIM_OK ||
	    fx.svc == NULL) {
		fprintf(stderr, "bench_sim: cannot start %s on sim: %s\n", bench_kext_bundle_id(k),
			why[0] ? why : shim_ret_string(fx.match_ret));
		bench_machine_shutdown(&fx, why, sizeof(why));
		bench_fig.failed = true; /* the run is ended as failed */
		bench_figures_end(&bench_fig);
		bench_kext_close(k);
		return 1;
	}
	bench_mmio(&fx, bench_arg(argc, argv, 1, BENCH_READS));
	status = bench_cycles(&fx, bench_arg(argc, argv, 2, BENCH_CYCLES));
	if (!bench_machine_shutdown(&fx, why, sizeof(why)))
		printf("shutdown: not clean: %s\n", why);
	if (!bench_figures_end(&bench_fig))
		status = 1;
	bench_kext_close(k);
	return status;
}
