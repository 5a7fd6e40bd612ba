/* drvbench report [--out FILE]: the records as one self-contained HTML page
 * (bench/report.h). Exit 0 when written, 2 on a bad command line, a records
 * file that cannot be read or an output that cannot be written. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/report.h"
#include "drvbench.h"

#define REPORT_DEFAULT_OUT "drvbench-report.html"

void drvbench_report_usage(FILE *out)
{
	fprintf(out,
		"usage: drvbench report [--records PATH] [--out FILE] [--labels N] [--columns N]\n\n"
		"Write the records as one HTML page that opens from disk with no network:\n"
		"per-counter plots of cycle runs (live instances per class, allocations, bytes,\n"
		"per-cycle time) with the fitted slope drawn and resume points marked, release-\n"
		"over-release trends (cycles/s, scenario times, fuzz exec/s and coverage,\n"
		"findings), the latest scenario table and findings, and the driver's coverage\n"
		"from a coverage build. Long series are decimated to min/max per pixel column.\n\n"
		"options:\n"
		"      --records PATH     the records file (default " BENCH_RECORDS_DEFAULT_PATH ")\n"
		"  -o, --out FILE         the page (default " REPORT_DEFAULT_OUT "; - for stdout)\n"
		"      --labels N         draw the cycle runs of the last N labels (default %u)\n"
		"      --columns N        pixel columns a series is decimated to (default %u)\n"
		"  -h, --help             this text\n",
		BENCH_REPORT_LABELS, BENCH_REPORT_COLUMNS);
}

static bool report_number(const char *what, const char *s, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*s == '\0' || *s == '-' || *end != '\0' || v == 0 || v > max) {
		fprintf(stderr, "drvbench report: %s must be 1..%u, not '%s'\n", what, max, s);
		return false;
	}
	*out = (unsigned)v;
	return true;
}

int drvbench_cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "records", required_argument, NULL, 'r' }, { "out", required_argument, NULL, 'o' },
		{ "labels", required_argument, NULL, 'l' }, { "columns", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	struct bench_report_opts o = { 0 };
	const char *path = BENCH_RECORDS_DEFAULT_PATH, *out = REPORT_DEFAULT_OUT;
	struct bench_records *db;
	char why[1024] = "";
	FILE *f;
	shim_ret ret;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'r': path = optarg; break;
		case 'o': out = optarg; break;
		case 'l':
			if (!report_number("--labels", optarg, 1000, &o.labels))
				return DRVBENCH_EXIT_USAGE;
			break;
		case 'c':
			if (!report_number("--columns", optarg, 100000, &o.columns))
				return DRVBENCH_EXIT_USAGE;
			break;
		case 'h':
			drvbench_report_usage(stdout);
			return DRVBENCH_EXIT_OK;
		case ':':
			fprintf(stderr, "drvbench report: option '%s' needs a value\n", argv[optind - 1]);
			return DRVBENCH_EXIT_USAGE;
		default:
			fprintf(stderr, "drvbench report: unknown option '%s'\n"
					"try 'drvbench report --help'\n", argv[optind - 1]);
			return DRVBENCH_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "drvbench report: unexpected argument '%s'\n", argv[optind]);
		return DRVBENCH_EXIT_USAGE;
	}
	if (bench_records_open(path, false, &db, why, sizeof(why)) != SHIM_OK) {
		fprintf(stderr, "drvbench report: %s\n", why);
		return DRVBENCH_EXIT_USAGE;
	}
	f = strcmp(out, "-") == 0 ? stdout : fopen(out, "w");
	if (f == NULL) {
		fprintf(stderr, "drvbench report: cannot write %s: %s\n", out, strerror(errno));
		bench_records_close(db);
		return DRVBENCH_EXIT_USAGE;
	}
	ret = bench_report_write(db, f, &o, why, sizeof(why));
	if ((f != stdout && fclose(f) != 0) || (f == stdout && fflush(f) != 0)) {
		snprintf(why, sizeof(why), "error writing %s", out);
		ret = SHIM_ERR_GENERIC;
	}
	bench_records_close(db);
	if (ret != SHIM_OK) {
		fprintf(stderr, "drvbench report: %s\n", why);
		return DRVBENCH_EXIT_USAGE;
	}
	if (f != stdout)
		printf("drvbench report: wrote %s\n", out);
	return DRVBENCH_EXIT_OK;
}
