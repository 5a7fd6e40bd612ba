/* The table drvbench run prints: one row per scenario with its result,
 * time, object/allocation counts before -> after, log drops and reason. */
#include <string.h>

#include "run_report.h"
#include "shim/machine.h"

static const char *drvbench_needs(unsigned needs)
{
	switch (needs & (BENCH_CAP_DEVICE_ERRORS | BENCH_CAP_DMA_OBSERVER)) {
	case BENCH_CAP_DEVICE_ERRORS:
		return "needs device-error counter";
	case BENCH_CAP_DMA_OBSERVER:
		return "needs DMA observer";
	case BENCH_CAP_DEVICE_ERRORS | BENCH_CAP_DMA_OBSERVER:
		return "needs device-error counter, DMA observer";
	default:
		return "";
	}
}

void drvbench_print_hosts(FILE *out, const struct bench_profile *p)
{
	const struct bench_host_factory *f;

	for (size_t i = 0; (f = bench_host_at(i)) != NULL; i++) {
		char why[256] = "";
		bool up = p == NULL || f->available(p, why, sizeof(why));

		if (up)
			fprintf(out, "  %-12s %s\n", f->name, f->summary);
		else
			fprintf(out, "  %-12s %s [unavailable: %s]\n", f->name, f->summary, why);
	}
}

void drvbench_print_scenarios(FILE *out, const struct bench_test_module *module)
{
	const struct bench_scenario *sc;

	fprintf(out, "scenarios (generic, for every kext):\n");
	for (size_t i = 0; (sc = bench_scenario_at(module, i)) != NULL; i++) {
		const char *needs = drvbench_needs(sc->needs);

		if (bench_generic_at(i) == NULL && (i == 0 || bench_generic_at(i - 1) != NULL))
			fprintf(out, "scenarios of test module %s:\n", module->name);
		fprintf(out, "  %-36s %s%s%s%s\n", sc->name, sc->summary, *needs ? " (" : "", needs,
			*needs ? ")" : "");
	}
}

void drvbench_print_table_head(FILE *out)
{
	fprintf(out, "%-36s %-10s %9s %-9s %-9s %-11s %5s  %s\n", "SCENARIO", "RESULT", "TIME",
		"OBJECTS", "ALLOCS", "WIRED", "DROPS", "REASON");
}

static void drvbench_print_detail(FILE *out, const struct bench_report *rep)
{
	char line[256];
	enum shim_log_level level;

	fprintf(out, "    alloc bytes %llu -> %llu (high water %llu), prepared %ld -> %ld\n",
		(unsigned long long)rep->before.alloc_bytes,
		(unsigned long long)rep->after.alloc_bytes,
		(unsigned long long)rep->after.alloc_high_water, rep->before.prepared,
		rep->after.prepared);
	if (rep->result == BENCH_PASS && rep->why[0] != '\0')
		fprintf(out, "    note: %s\n", rep->why);
	for (size_t i = 0; i < rep->nclasses; i++)
		fprintf(out, "    class %-24s live %ld -> %ld\n", rep->classes[i].name,
			rep->classes[i].before, rep->classes[i].after);
	while (shim_log_pop(line, sizeof(line), &level))
		fprintf(out, "    log: %s\n", line);
}

void drvbench_print_row(FILE *out, const struct bench_report *rep, bool verbose)
{
	char objects[24], allocs[24], wired[24];

	snprintf(objects, sizeof(objects), "%ld->%ld", rep->before.objects_live,
		 rep->after.objects_live);
	snprintf(allocs, sizeof(allocs), "%ld->%ld", rep->before.alloc_count,
		 rep->after.alloc_count);
	snprintf(wired, sizeof(wired), "%llu->%llu", (unsigned long long)rep->before.wired_bytes,
		 (unsigned long long)rep->after.wired_bytes);
	fprintf(out, "%-36s %-10s %6.3f ms %-9s %-9s %-11s %5ld  %s\n", rep->scenario->name,
		bench_result_string(rep->result), rep->elapsed_ms, objects, allocs, wired,
		rep->log_drops, rep->result == BENCH_PASS ? "" : rep->why);
	if (verbose) {
		drvbench_print_detail(out, rep);
	} else {
		char line[8];
		enum shim_log_level level;

		while (shim_log_pop(line, sizeof(line), &level))
			; /* keep the ring empty so each scenario's drops are its own */
	}
}

void drvbench_print_interrupted_row(FILE *out, const struct bench_report *rep, const char *reason)
{
	char line[8];
	enum shim_log_level level;

	fprintf(out, "%-36s %-10s %6.3f ms %-9s %-9s %-11s %5s  %s\n", rep->scenario->name,
		"INTERRUPTED", rep->elapsed_ms, "-", "-", "-", "-", reason);
	while (shim_log_pop(line, sizeof(line), &level))
		;
}

void drvbench_print_summary(FILE *out, const char *host, unsigned passed, unsigned failed,
			    unsigned cannot)
{
	fprintf(out, "\n%u scenario(s) on %s: %u passed, %u failed, %u cannot run\n",
		passed + failed + cannot, host, passed, failed, cannot);
	if (failed > 0)
		fprintf(out, "rerun with --verbose for per-class counts and the kernel log\n");
}
