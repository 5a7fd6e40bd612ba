/* bench_qualify: drvbench qualify's cost on a bundle, printed, never
 * asserted. The static part (every static rule, the binary read, the
 * classes read in a child process) timed over several runs, its median and
 * best; the dynamic part (lifecycle, sleep/wake, unload after removal,
 * 1,000 cycles of each kind on sim) timed once; their sum against the
 * issue's aims (static < 50 ms, whole < 5 s).
 * usage: bench_qualify [--record ...] BUNDLE [STATIC_RUNS [CYCLES]] */
#include <stdio.h>
#include <stdlib.h>

#include "bench/kext.h"
#include "bench/qualify.h"
#include "bench_figures.h"

static struct bench_figures bench_fig;

static int bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	struct bench_qualify_options opt = { .cycles = BENCH_QUALIFY_DEFAULT_CYCLES };
	struct bench_qualify_result res;
	int runs = argc > 2 ? atoi(argv[2]) : 20;
	double t[200], dyn;
	char why[512] = "";

	struct bench_kext *k = NULL;

	if (!bench_figures_options(&bench_fig, &argc, argv))
		return 2;
	if (argc < 2) {
		fprintf(stderr, "usage: bench_qualify " BENCH_FIGURES_USAGE
				" BUNDLE [STATIC_RUNS [CYCLES]]\n");
		return 2;
	}
	opt.bundle = argv[1];
	if (runs < 1 || runs > 200)
		runs = 20;
	if (argc > 3)
		opt.cycles = strtoul(argv[3], NULL, 10);
	opt.host = bench_host_by_name("sim", NULL);
	for (int i = 0; i < runs; i++) {
		bench_qualify_result_init(&res, opt.bundle);
		if (bench_qualify_static(&opt, &res, why, sizeof(why)) != SHIM_OK) {
			fprintf(stderr, "bench_qualify: %s\n", why);
			return 1;
		}
		t[i] = res.static_s;
		if (i + 1 < runs)
			bench_qualify_result_free(&res);
	}
	if (bench_qualify_dynamic(&opt, &res, why, sizeof(why)) != SHIM_OK) {
		fprintf(stderr, "bench_qualify: %s\n", why);
		return 1;
	}
	dyn = res.dynamic_s;
	qsort(t, (size_t)runs, sizeof(t[0]), bench_cmp);
	printf("qualify %s: %s, %zu error(s), %zu warning(s)\n", opt.bundle,
	       bench_qualify_clean(&res) ? "qualified" : "NOT qualified", res.errors, res.warnings);
	printf("static part:  median %.2f ms, best %.2f ms over %d runs (aim < 50 ms)\n",
	       t[runs / 2] * 1e3, t[0] * 1e3, runs);
	printf("dynamic part: %.3f s with %lu cycles of each kind on sim%s\n", dyn, opt.cycles,
	       res.dynamic_ran ? "" : " (did not run: see not checked)");
	printf("whole:        %.3f s (aim < 5 s)\n", t[runs / 2] + dyn);
	bench_qualify_result_free(&res);
	if (bench_kext_open(opt.bundle, &k, why, sizeof(why)) != SHIM_OK)
		k = NULL; /* the figures are kept under drvbench itself */
	if (!bench_figures_begin(&bench_fig, "bench_qualify", k, NULL)) {
		bench_kext_close(k);
		return 1;
	}
	bench_figure(&bench_fig, "qualify_static_ms", t[runs / 2] * 1e3, "ms");
	bench_figure(&bench_fig, "qualify_dynamic_s", dyn, "s");
	bench_figure(&bench_fig, "qualify_whole_s", t[runs / 2] + dyn, "s");
	bench_kext_close(k);
	return bench_figures_end(&bench_fig) ? 0 : 1;
}
