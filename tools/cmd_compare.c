/* drvbench compare [A] [B]: what changed between two release labels of the
 * records. Exit 0 with no regression, 1 with one (a CI job gates on it), 2
 * on a bad command line or a records file that cannot be read. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/compare.h"
#include "drvbench.h"

void drvbench_compare_usage(FILE *out)
{
	fprintf(out,
		"usage: drvbench compare [--records PATH] [--json] [--min-change PCT] [A [B]]\n\n"
		"Compare release label B with label A (default: the last two recorded, A the\n"
		"older) and show what changed: scenarios that went from pass to fail or back,\n"
		"new or gone qualification findings, cycle rates and scenario times that moved\n"
		"beyond the noise (more than %.0f standard errors and more than %.0f%%; the noise\n"
		"comes from the spread between runs with %d or more runs per label, else from\n"
		"the spread of the per-cycle times within each run; the output says which),\n"
		"counters that began to trend, and fuzz coverage that dropped.\n\n"
		"options:\n"
		"      --records PATH     the records file (default " BENCH_RECORDS_DEFAULT_PATH ")\n"
		"      --json             one JSON object instead of text\n"
		"      --min-change PCT   the smallest time change that counts (default %.0f)\n"
		"  -h, --help             this text\n\n"
		"Exit status: 0 no regression, 1 a regression, 2 bad command line or records.\n",
		BENCH_COMPARE_SIGMAS, BENCH_COMPARE_MIN_CHANGE * 100, BENCH_COMPARE_MIN_RUNS,
		BENCH_COMPARE_MIN_CHANGE * 100);
}

int drvbench_cmd_compare(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "records", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "min-change", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct bench_compare_opts o = { 0 };
	struct bench_comparison cmp;
	struct bench_records *db;
	const char *path = BENCH_RECORDS_DEFAULT_PATH;
	char why[4096] = "", *end;
	bool json = false, ok;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			path = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'm':
			o.min_change = strtod(optarg, &end) / 100.0;
			if (*optarg == '\0' || *end != '\0' || !(o.min_change > 0 && o.min_change < 100)) {
				fprintf(stderr, "drvbench compare: --min-change must be a percentage "
						"above 0, not '%s'\n", optarg);
				return DRVBENCH_EXIT_USAGE;
			}
			break;
		case 'h':
			drvbench_compare_usage(stdout);
			return DRVBENCH_EXIT_OK;
		case ':':
			fprintf(stderr, "drvbench compare: option '%s' needs a value\n", argv[optind - 1]);
			return DRVBENCH_EXIT_USAGE;
		default:
			fprintf(stderr, "drvbench compare: unknown option '%s'\n"
					"try 'drvbench compare --help'\n", argv[optind - 1]);
			return DRVBENCH_EXIT_USAGE;
		}
	}
	if (argc - optind > 2) {
		fprintf(stderr, "drvbench compare: at most two labels, not '%s'\n", argv[optind + 2]);
		return DRVBENCH_EXIT_USAGE;
	}
	if (argc - optind == 1) { /* one label: compare the newest with it */
		o.a = argv[optind];
	} else if (argc - optind == 2) {
		o.a = argv[optind];
		o.b = argv[optind + 1];
	}
	if (bench_records_open(path, false, &db, why, sizeof(why)) != SHIM_OK) {
		fprintf(stderr, "drvbench compare: %s\n", why);
		return DRVBENCH_EXIT_USAGE;
	}
	if (bench_compare(db, &o, &cmp, why, sizeof(why)) != SHIM_OK) {
		fprintf(stderr, "drvbench compare: %s\n", why);
		bench_records_close(db);
		return DRVBENCH_EXIT_USAGE;
	}
	ok = json ? bench_compare_write_json(stdout, &cmp) : bench_compare_write_text(stdout, &cmp);
	c = cmp.regressions > 0 ? DRVBENCH_EXIT_FAILED : DRVBENCH_EXIT_OK;
	bench_comparison_free(&cmp);
	bench_records_close(db);
	if (!ok) {
		fprintf(stderr, "drvbench compare: error writing the output\n");
		return DRVBENCH_EXIT_USAGE;
	}
	return c;
}
