/* drvbench compare's output: one line per change for a person, one JSON
 * object for a CI job. */
#include <string.h>

#include "bench/compare.h"
#include "json_out.h"

static const char *const bench_change_names[] = {
	[BENCH_CHANGE_BROKE] = "broke",
	[BENCH_CHANGE_FIXED] = "fixed",
	[BENCH_CHANGE_FINDING_NEW] = "finding-new",
	[BENCH_CHANGE_FINDING_GONE] = "finding-gone",
	[BENCH_CHANGE_SLOWER] = "slower",
	[BENCH_CHANGE_FASTER] = "faster",
	[BENCH_CHANGE_TREND_NEW] = "trend-new",
	[BENCH_CHANGE_TREND_GONE] = "trend-gone",
	[BENCH_CHANGE_COVERAGE_DROP] = "coverage-drop",
	[BENCH_CHANGE_COVERAGE_GAIN] = "coverage-gain",
};

const char *bench_change_kind_name(enum bench_change_kind k)
{
	return (size_t)k < sizeof(bench_change_names) / sizeof(bench_change_names[0])
		       ? bench_change_names[k]
		       : "?";
}

bool bench_compare_write_text(FILE *out, const struct bench_comparison *c)
{
	fprintf(out, "drvbench compare: %s -> %s\n", c->a, c->b);
	fprintf(out, "noise: cycle times %s; scenario times %s\n", c->noise_cycles,
		c->noise_scenarios);
	for (size_t i = 0; i < c->n; i++) {
		const struct bench_change *ch = &c->changes[i];

		fprintf(out, "%-10s %-13s %s: %s\n", ch->regression ? "REGRESSION" : "change",
			bench_change_kind_name(ch->kind), ch->what, ch->detail);
	}
	if (c->n == 0)
		fprintf(out, "no change beyond the noise\n");
	fprintf(out, "%u regression(s), %zu other change(s)\n", c->regressions,
		c->n - c->regressions);
	return fflush(out) == 0 && !ferror(out);
}

bool bench_compare_write_json(FILE *out, const struct bench_comparison *c)
{
	fputs("{\"a\": ", out);
	bench_json_string(out, c->a, false);
	fputs(", \"b\": ", out);
	bench_json_string(out, c->b, false);
	fputs(",\n \"noise\": {\"cycles\": ", out);
	bench_json_string(out, c->noise_cycles, false);
	fputs(", \"scenarios\": ", out);
	bench_json_string(out, c->noise_scenarios, false);
	fprintf(out, "},\n \"regressions\": %u,\n \"changes\": [", c->regressions);
	for (size_t i = 0; i < c->n; i++) {
		const struct bench_change *ch = &c->changes[i];

		fputs(i > 0 ? ",\n  {\"kind\": " : "\n  {\"kind\": ", out);
		bench_json_string(out, bench_change_kind_name(ch->kind), false);
		fprintf(out, ", \"regression\": %s, \"what\": ", ch->regression ? "true" : "false");
		bench_json_string(out, ch->what, false);
		fputs(", \"detail\": ", out);
		bench_json_string(out, ch->detail, false);
		fprintf(out, ", \"a\": %.17g, \"b\": %.17g}", ch->a, ch->b);
	}
	fputs(c->n > 0 ? "\n ]}\n" : "]}\n", out);
	return fflush(out) == 0 && !ferror(out);
}
