/* drvbench run: attach the edu device on each chosen host, run the
 * scenarios and print one row each, a summary per host and a total. Exit 0
 * when none failed (CANNOT RUN, also a whole unavailable host, is shown and
 * counted but is not a failure, unless --require-hosts), 1 when one did, 2 on
 * a bad command line. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drvbench.h"
#include "run_report.h"

#define RUN_MAX_SELECTED 64
#define RUN_MAX_HOSTS 16

struct run_args {
	const struct bench_host_factory *hosts[RUN_MAX_HOSTS];
	size_t nhosts;
	const struct bench_scenario *selected[RUN_MAX_SELECTED];
	size_t nselected;
	bool list, verbose, require_hosts;
};

void drvbench_run_usage(FILE *out)
{
	fprintf(out,
		"usage: drvbench run [--host HOST|qemu|all] [--scenario NAME[,NAME...]]... [--list] "
		"[--verbose] [--require-hosts]\n\n"
		"Attach the edu device on each HOST, load the edu driver and run the scenarios,\n"
		"printing for each: result (PASS, FAIL, CANNOT RUN), time, live objects,\n"
		"allocations and wired bytes before->after, log drops and the reason; then a\n"
		"summary per host and a total. An unavailable host is listed with the reason.\n\n"
		"options:\n"
		"  -H, --host HOST        a host below, 'qemu' (every qemu host) or 'all'\n"
		"                         (default: all)\n"
		"  -s, --scenario NAMES   run only these (repeatable, or comma separated)\n"
		"  -l, --list             list scenarios and hosts, run nothing\n"
		"  -v, --verbose          per-class counts and the kernel log under each row\n"
		"  -r, --require-hosts    an unavailable host is a failure (exit 1), for CI\n"
		"  -h, --help             this text\n\n"
		"hosts:\n");
	drvbench_print_hosts(out);
}

static bool run_select(struct run_args *a, const struct bench_scenario *sc)
{
	for (size_t i = 0; i < a->nselected; i++)
		if (a->selected[i] == sc)
			return true; /* named twice: run once */
	if (a->nselected == RUN_MAX_SELECTED)
		return false;
	a->selected[a->nselected++] = sc;
	return true;
}

/* "a,b,c" -> each name looked up; false (after a message) on an unknown one. */
static bool run_add_scenarios(struct run_args *a, const char *list)
{
	char *copy = strdup(list), *save = NULL, *name;
	bool ok = copy != NULL;

	for (name = ok ? strtok_r(copy, ",", &save) : NULL; ok && name != NULL;
	     name = strtok_r(NULL, ",", &save)) {
		const struct bench_scenario *sc = bench_scenario_find(name);

		if (sc == NULL) {
			fprintf(stderr, "drvbench run: unknown scenario '%s' (see drvbench run --list)\n",
				name);
			ok = false;
		} else if (!run_select(a, sc)) {
			fprintf(stderr, "drvbench run: too many scenarios\n");
			ok = false;
		}
	}
	free(copy);
	return ok;
}

/* "all", "qemu" (every host named qemu...), or one host's name. */
static bool run_set_host(struct run_args *a, const char *name)
{
	const struct bench_host_factory *f;
	bool all = strcmp(name, "all") == 0, qemu = strcmp(name, "qemu") == 0;

	a->nhosts = 0;
	for (size_t i = 0; (f = bench_host_at(i)) != NULL && a->nhosts < RUN_MAX_HOSTS; i++)
		if (all || (qemu && strncmp(f->name, "qemu", 4) == 0) || strcmp(f->name, name) == 0)
			a->hosts[a->nhosts++] = f;
	if (a->nhosts > 0)
		return true;
	fprintf(stderr, "drvbench run: unknown host '%s'; hosts: all qemu", name);
	for (size_t i = 0; (f = bench_host_at(i)) != NULL; i++)
		fprintf(stderr, " %s", f->name);
	fputc('\n', stderr);
	return false;
}

struct run_totals {
	unsigned passed, failed, cannot, hosts, unavailable;
};

static void run_on_host(const struct run_args *a, const struct bench_host_factory *host,
			struct run_totals *t)
{
	unsigned passed = 0, failed = 0, cannot = 0;
	char why[160] = "";

	t->hosts++;
	if (!host->available(why, sizeof(why))) {
		printf("drvbench run: host %s unavailable: %s (%zu scenario(s) cannot run)\n\n",
		       host->name, why, a->nselected);
		t->unavailable++;
		t->cannot += (unsigned)a->nselected;
		return;
	}
	printf("drvbench run: host %s, %zu scenario(s)\n\n", host->name, a->nselected);
	drvbench_print_table_head(stdout);
	for (size_t i = 0; i < a->nselected; i++) {
		struct bench_report rep;

		bench_scenario_run(a->selected[i], host, &rep);
		drvbench_print_row(stdout, &rep, a->verbose);
		fflush(stdout);
		passed += rep.result == BENCH_PASS;
		failed += rep.result == BENCH_FAIL;
		cannot += rep.result == BENCH_CANNOT_RUN;
	}
	drvbench_print_summary(stdout, host->name, passed, failed, cannot);
	putchar('\n');
	t->passed += passed;
	t->failed += failed;
	t->cannot += cannot;
}

/* Returns -1 to go on, else the exit status. */
static int run_parse(struct run_args *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "scenario", required_argument, NULL, 's' },
		{ "list", no_argument, NULL, 'l' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "require-hosts", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":H:s:lvrh", opts, NULL)) != -1) {
		switch (c) {
		case 'H':
			if (!run_set_host(a, optarg))
				return DRVBENCH_EXIT_USAGE;
			break;
		case 's':
			if (!run_add_scenarios(a, optarg))
				return DRVBENCH_EXIT_USAGE;
			break;
		case 'l':
			a->list = true;
			break;
		case 'v':
			a->verbose = true;
			break;
		case 'r':
			a->require_hosts = true;
			break;
		case 'h':
			drvbench_run_usage(stdout);
			return DRVBENCH_EXIT_OK;
		case ':':
			fprintf(stderr, "drvbench run: option '%s' needs a value\n", argv[optind - 1]);
			return DRVBENCH_EXIT_USAGE;
		default:
			fprintf(stderr, "drvbench run: unknown option '%s'\n"
					"try 'drvbench run --help'\n", argv[optind - 1]);
			return DRVBENCH_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "drvbench run: unexpected argument '%s'\n", argv[optind]);
		return DRVBENCH_EXIT_USAGE;
	}
	return -1;
}

int drvbench_cmd_run(int argc, char **argv)
{
	struct run_args a = { .nhosts = 0 };
	struct run_totals t = { 0 };
	int status = run_parse(&a, argc, argv);

	if (status >= 0)
		return status;
	if (a.list) {
		drvbench_print_scenarios(stdout);
		return DRVBENCH_EXIT_OK;
	}
	if (a.nselected == 0) /* none named: all of them */
		for (size_t i = 0; i < bench_scenario_count(); i++)
			run_select(&a, bench_scenario_at(i));
	if (a.nhosts == 0) /* none named: every host (unavailable ones are listed) */
		run_set_host(&a, "all");
	for (size_t h = 0; h < a.nhosts; h++)
		run_on_host(&a, a.hosts[h], &t);
	printf("total: %u scenario run(s) on %u host(s): %u passed, %u failed, %u cannot run"
	       " (%u host(s) unavailable)\n",
	       t.passed + t.failed + t.cannot, t.hosts, t.passed, t.failed, t.cannot,
	       t.unavailable);
	if (a.require_hosts && t.unavailable > 0) {
		printf("drvbench run: --require-hosts: %u host(s) unavailable\n", t.unavailable);
		return DRVBENCH_EXIT_FAILED;
	}
	return t.failed > 0 ? DRVBENCH_EXIT_FAILED : DRVBENCH_EXIT_OK;
}
