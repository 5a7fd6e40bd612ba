/* drvbench run: load a kext on each chosen host with its device, run the
 * generic scenarios and the kext's own (--tests) and print one row each, a
 * summary per host and a total. The exit status is drvbench.h's: CANNOT RUN
 * rows are shown and counted but fail nothing; a host the user named that
 * is unavailable means not everything was tested (with --host all only
 * under --require-hosts). A host that does not start fails the rest of its
 * scenarios at once, naming the first failure; --timeout bounds the whole
 * run; SIGINT, SIGTERM or SIGHUP stop it after the scenario under way (a
 * QEMU start-up or exchange at once), with the rows so far printed
 * (bench/interrupt.h). */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/interrupt.h"
#include "bench/junit.h"
#include "drvbench.h"
#include "record.h"
#include "run_report.h"
#include "target.h"

#define RUN_MAX_NAMES 64
#define RUN_MAX_HOSTS 8
#define RUN_MAX_SECONDS 604800ul /* a week: the longest run anyone leaves alone */

struct run_args {
	struct drvbench_target_args target;
	const struct bench_host_factory *hosts[RUN_MAX_HOSTS];
	size_t nhosts;
	bool hosts_all; /* --host all, or no --host: an unavailable host is a note */
	const char *names[RUN_MAX_NAMES]; /* --scenario, checked once the module is loaded */
	size_t nnames;
	char *name_buf[RUN_MAX_NAMES];
	size_t nbufs;
	bool list, verbose, require_hosts, isolate;
	unsigned long timeout_s, scenario_timeout_s;
	struct drvbench_record rec;  /* --record, --records, --label */
	const char *junit_path;      /* --junit */
	FILE *junit_file;            /* opened before any work */
	struct bench_junit *junit;
	bool record_failed;
	enum shim_uc_abi client_abi; /* --client-abi */
};

void drvbench_run_usage(FILE *out)
{
	fprintf(out,
		"usage: drvbench run --kext PATH [--tests PATH] [--device NAME|FILE]\n"
		"                    [--host HOST|all] [--scenario NAME[,NAME...]]... [--list]\n"
		"                    [--verbose] [--require-hosts] [--timeout S]\n"
		"                    [--isolate [--scenario-timeout S]]\n"
		"                    [--record [--records PATH] [--label L]] [--junit FILE]\n"
		"                    [--client-abi lp64|ilp32]\n\n"
		"Load the kext on each HOST with its device, run the generic scenarios every kext\n"
		"gets and the driver's own from its test module, and print for each: result\n"
		"(PASS, FAIL, CANNOT RUN), time, live objects, allocations and wired bytes\n"
		"before->after, log drops and the reason; then a summary per host and a total.\n"
		"A kext the loader refuses (manifest, missing executable, unresolved or colliding\n"
		"symbol, undeclared library) is reported with the reason and nothing runs.\n"
		"When a host does not start (QEMU never connects), the rest of its scenarios fail\n"
		"at once, naming the first failure. SIGINT, SIGTERM or SIGHUP stop the run after\n"
		"the scenario under way (at once on QEMU): the rows so far are printed, then\n"
		"drvbench dies of the signal.\n\n"
		"options:\n" DRVBENCH_TARGET_HELP
		"  -H, --host HOST        sim, qemu, qemu-proxy or all (default: all); HOST:DEVICE\n"
		"                         is shorthand for --host HOST --device DEVICE. A host\n"
		"                         named that is unavailable here means exit 3; with all,\n"
		"                         it is a note unless --require-hosts\n"
		"  -s, --scenario NAMES   run only these (repeatable, or comma separated)\n"
		"  -l, --list             list scenarios, hosts and devices, run nothing\n"
		"  -v, --verbose          per-class counts and the kernel log under each row\n"
		"  -r, --require-hosts    with --host all, an unavailable host is exit 3, for CI\n"
		"  -t, --timeout S        the whole run may take S seconds: what is still running\n"
		"                         or not started then fails (exit 1)\n"
		"  -i, --isolate          each scenario in a child process: a crash or a hang of\n"
		"                         the driver is that scenario's FAIL, the run goes on\n"
		"      --scenario-timeout S  with --isolate, a scenario taking longer is killed\n"
		"                         as hung (default: 60)\n"
		DRVBENCH_RECORD_HELP
		"      --junit FILE       JUnit XML: one test case per scenario, one suite per host\n"
		"      --client-abi ABI   the user-client scenarios' clients are 64-bit (lp64, the\n"
		"                         default) or 32-bit processes (ilp32): 32-bit scalars and\n"
		"                         structure layouts, each call compared with a 64-bit one\n"
		"  -h, --help             this text\n\n"
		"examples:\n"
		"  drvbench run --kext Foo.kext --tests libfoo-tests.so --host sim\n"
		"  drvbench run --kext Foo.kext --host qemu --device mydev.plist\n"
		"  drvbench run --kext Foo.kext --host qemu-proxy:NAME\n\n" DRVBENCH_EXIT_HELP
		"\nhosts:\n");
	drvbench_print_hosts(out, NULL);
	fprintf(out, "devices (built-in profiles):\n");
	drvbench_print_devices(out);
}

/* "a,b,c" kept for checking against the generic and module scenarios. An
 * empty name ("", ",", "a,,b") is refused: it used to select everything. */
static bool run_add_names(struct run_args *a, const char *list)
{
	char *copy = strdup(list), *name, *next;

	if (copy == NULL || a->nbufs == RUN_MAX_NAMES) {
		free(copy);
		fprintf(stderr, "drvbench run: too many --scenario options\n");
		return false;
	}
	a->name_buf[a->nbufs++] = copy;
	for (name = copy; name != NULL; name = next) {
		next = strchr(name, ',');
		if (next != NULL)
			*next++ = '\0';
		if (*name == '\0') {
			fprintf(stderr, "drvbench run: --scenario '%s' has an empty name; give "
					"scenario names separated by commas (see --list)\n", list);
			return false;
		}
		if (a->nnames == RUN_MAX_NAMES) {
			fprintf(stderr, "drvbench run: too many scenarios\n");
			return false;
		}
		a->names[a->nnames++] = name;
	}
	return true;
}

/* "all", a host, or HOST:DEVICE. */
static bool run_set_host(struct run_args *a, const char *name)
{
	const struct bench_host_factory *f;
	const char *device = NULL;

	a->nhosts = 0;
	a->hosts_all = strcmp(name, "all") == 0;
	if (a->hosts_all) {
		for (size_t i = 0; (f = bench_host_at(i)) != NULL && a->nhosts < RUN_MAX_HOSTS; i++)
			a->hosts[a->nhosts++] = f;
		return true;
	}
	f = bench_host_by_name(name, &device);
	if (f == NULL) {
		fprintf(stderr, "drvbench run: unknown host '%s'; hosts: all", name);
		for (size_t i = 0; (f = bench_host_at(i)) != NULL; i++)
			fprintf(stderr, " %s", f->name);
		fprintf(stderr, " (or HOST:DEVICE)\n");
		return false;
	}
	a->hosts[a->nhosts++] = f;
	a->target.host_device = device;
	return true;
}

static bool run_seconds(const char *opt, const char *s, unsigned long *out)
{
	char *end = NULL;

	*out = strtoul(s, &end, 10);
	if (*s == '\0' || *s == '-' || *end != '\0' || *out == 0 || *out > RUN_MAX_SECONDS) {
		fprintf(stderr, "drvbench run: %s must be 1..%lu seconds, not '%s'\n", opt,
			RUN_MAX_SECONDS, s);
		return false;
	}
	return true;
}

struct run_totals {
	unsigned passed, failed, cannot, hosts, unavailable, not_run;
};

/* Keeps one scenario's row: in the records and in the JUnit cases. */
static void run_keep(struct run_args *a, const struct bench_report *rep)
{
	char why[1024] = "";

	if (a->rec.db != NULL &&
	    !drvbench_record_ok("run", bench_records_add_scenario(a->rec.db, a->rec.run, rep, why,
								   sizeof(why)), why))
		a->record_failed = true;
	if (a->junit != NULL && !bench_junit_add_report(a->junit, rep))
		a->record_failed = true;
}

/* A row for a scenario that did not run, failed with why. */
static void run_not_run(struct run_args *a, const struct bench_scenario *sc, const char *label,
			const char *why)
{
	struct bench_report rep;

	memset(&rep, 0, sizeof(rep));
	rep.scenario = sc;
	rep.result = BENCH_FAIL;
	snprintf(rep.host, sizeof(rep.host), "%s", label);
	snprintf(rep.why, sizeof(rep.why), "not run: %s", why);
	drvbench_print_row(stdout, &rep, a->verbose);
	run_keep(a, &rep);
}

static void run_one(const struct run_args *a, const struct bench_scenario *sc,
		    const struct bench_host_factory *host, const struct bench_options *base,
		    struct bench_report *rep)
{
	if (a->isolate)
		bench_scenario_run_isolated(sc, host, base, (unsigned)a->scenario_timeout_s, rep);
	else
		bench_scenario_run(sc, host, base, rep);
}

static void run_on_host(struct run_args *a, const struct drvbench_target *t,
			const struct bench_scenario *const *sel, size_t nsel,
			const struct bench_host_factory *host, struct run_totals *tot)
{
	unsigned passed = 0, failed = 0, cannot = 0;
	struct bench_options base;
	char why[256] = "", label[64], down[BENCH_WHY_LEN + 128] = "";
	size_t i;

	bench_host_label(host, t->profile, label, sizeof(label));
	drvbench_target_options(t, &base);
	base.client_abi = a->client_abi;
	tot->hosts++;
	if (!host->available(t->profile, why, sizeof(why))) {
		printf("drvbench run: host %s unavailable: %s (%zu scenario(s) cannot run)\n\n", label,
		       why, nsel);
		tot->unavailable++;
		tot->cannot += (unsigned)nsel;
		return;
	}
	printf("drvbench run: %s %s on host %s, %zu scenario(s)%s\n\n",
	       bench_kext_bundle_id(t->kext), bench_kext_version(t->kext), label, nsel,
	       a->client_abi == SHIM_UC_ABI_ILP32 ? ", 32-bit clients" : "");
	drvbench_print_table_head(stdout);
	for (i = 0; i < nsel && !bench_interrupted(); i++) {
		struct bench_report rep;

		if (down[0] != '\0') {
			run_not_run(a, sel[i], label, down);
			failed++;
			continue;
		}
		run_one(a, sel[i], host, &base, &rep);
		if (rep.interrupted && bench_interrupted() != BENCH_INTERRUPT_DEADLINE) {
			drvbench_print_interrupted_row(stdout, &rep, bench_interrupt_reason());
			break; /* neither passed nor failed: cut short */
		}
		if (rep.interrupted) {
			rep.result = BENCH_FAIL;
			snprintf(rep.why, sizeof(rep.why), "%s while it ran (--timeout %lu)",
				 bench_interrupt_reason(), a->timeout_s);
		}
		drvbench_print_row(stdout, &rep, a->verbose);
		fflush(stdout);
		run_keep(a, &rep);
		passed += rep.result == BENCH_PASS;
		failed += rep.result == BENCH_FAIL;
		cannot += rep.result == BENCH_CANNOT_RUN;
		if (rep.host_failed && !rep.interrupted)
			snprintf(down, sizeof(down), "host %s did not start in %s: %s", label,
				 sel[i]->name, rep.why);
	}
	if (bench_interrupted() == BENCH_INTERRUPT_DEADLINE) {
		for (; i < nsel; i++, failed++)
			run_not_run(a, sel[i], label, bench_interrupt_reason());
	} else if (bench_interrupted()) {
		tot->not_run += (unsigned)(nsel - i); /* from the one cut short, if any */
	}
	drvbench_print_summary(stdout, label, passed, failed, cannot);
	putchar('\n');
	fflush(stdout);
	tot->passed += passed;
	tot->failed += failed;
	tot->cannot += cannot;
}

/* Returns -1 to go on, else the exit status. */
static int run_parse(struct run_args *a, int argc, char **argv)
{
	enum { OPT_SCENARIO_TIMEOUT = 1000 };
	static const struct option opts[] = {
		{ "kext", required_argument, NULL, 'K' },
		{ "tests", required_argument, NULL, 'T' },
		{ "device", required_argument, NULL, 'D' },
		{ "host", required_argument, NULL, 'H' },
		{ "scenario", required_argument, NULL, 's' },
		{ "list", no_argument, NULL, 'l' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "require-hosts", no_argument, NULL, 'r' },
		{ "isolate", no_argument, NULL, 'i' },
		{ "timeout", required_argument, NULL, 't' },
		{ "scenario-timeout", required_argument, NULL, OPT_SCENARIO_TIMEOUT },
		{ "junit", required_argument, NULL, 'J' },
		{ "client-abi", required_argument, NULL, 0x110 },
		DRVBENCH_RECORD_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":K:T:D:H:s:lvrit:h", opts, NULL)) != -1) {
		switch (c) {
		case 'K':
			a->target.kext = optarg;
			break;
		case 'T':
			a->target.tests = optarg;
			break;
		case 'D':
			a->target.device = optarg;
			break;
		case 'H':
			if (!run_set_host(a, optarg))
				return DRVBENCH_EXIT_USAGE;
			break;
		case 's':
			if (!run_add_names(a, optarg))
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
		case 'i':
			a->isolate = true;
			break;
		case 't':
			if (!run_seconds("--timeout", optarg, &a->timeout_s))
				return DRVBENCH_EXIT_USAGE;
			break;
		case OPT_SCENARIO_TIMEOUT:
			if (!run_seconds("--scenario-timeout", optarg, &a->scenario_timeout_s))
				return DRVBENCH_EXIT_USAGE;
			break;
		case 'J':
			a->junit_path = optarg;
			break;
		case 0x110:
			if (strcmp(optarg, "lp64") != 0 && strcmp(optarg, "ilp32") != 0) {
				fprintf(stderr, "drvbench run: --client-abi is lp64 or ilp32, not '%s'\n",
					optarg);
				return DRVBENCH_EXIT_USAGE;
			}
			a->client_abi = optarg[0] == 'i' ? SHIM_UC_ABI_ILP32 : SHIM_UC_ABI_LP64;
			break;
		case 0x100:
		case 0x101:
		case 0x102:
			drvbench_record_option(&a->rec, c, optarg);
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
	if (a->scenario_timeout_s != 0 && !a->isolate) {
		fprintf(stderr, "drvbench run: --scenario-timeout needs --isolate (a scenario in "
				"this process cannot be stopped; --timeout bounds the whole run)\n");
		return DRVBENCH_EXIT_USAGE;
	}
	return -1;
}

/* The scenarios named with --scenario (each once), or all of them. */
static int run_select(const struct run_args *a, const struct bench_test_module *module,
		      const struct bench_scenario **sel, size_t *nsel)
{
	const struct bench_scenario *sc;

	*nsel = 0;
	for (size_t i = 0; a->nnames == 0 && (sc = bench_scenario_at(module, i)) != NULL; i++)
		if (*nsel < RUN_MAX_NAMES)
			sel[(*nsel)++] = sc;
	for (size_t i = 0; i < a->nnames; i++) {
		bool dup = false;

		sc = bench_scenario_find(module, a->names[i]);
		if (sc == NULL) {
			fprintf(stderr, "drvbench run: unknown scenario '%s' (see drvbench run --list%s)\n",
				a->names[i], module == NULL ? "; a driver's own scenarios need --tests" : "");
			return DRVBENCH_EXIT_USAGE;
		}
		for (size_t j = 0; j < *nsel; j++)
			dup = dup || sel[j] == sc;
		if (!dup)
			sel[(*nsel)++] = sc;
	}
	return -1;
}

static int run_list(const struct run_args *a)
{
	const struct bench_test_module *module = NULL;
	char why[512];

	if (a->target.tests != NULL &&
	    bench_module_load(a->target.tests, &module, why, sizeof(why)) != SHIM_OK) {
		fprintf(stderr, "drvbench run: %s\n", why);
		return DRVBENCH_EXIT_FAILED;
	}
	drvbench_print_scenarios(stdout, module);
	printf("hosts:\n");
	drvbench_print_hosts(stdout, NULL);
	printf("devices (built-in profiles):\n");
	drvbench_print_devices(stdout);
	return DRVBENCH_EXIT_OK;
}

static void run_free(struct run_args *a)
{
	for (size_t i = 0; i < a->nbufs; i++)
		free(a->name_buf[i]);
}

/* The JUnit file and the records are opened before any work: a bad path
 * fails in the first millisecond, not after the last scenario. */
static bool run_open_outputs(struct run_args *a, const struct drvbench_target *t)
{
	char name[512];

	if (a->junit_path != NULL) {
		a->junit_file = fopen(a->junit_path, "w");
		snprintf(name, sizeof(name), "drvbench run %s %s", bench_kext_bundle_id(t->kext),
			 bench_kext_version(t->kext));
		a->junit = bench_junit_new(name);
		if (a->junit_file == NULL || a->junit == NULL) {
			fprintf(stderr, "drvbench run: cannot write %s\n", a->junit_path);
			return false;
		}
	}
	return drvbench_record_begin(&a->rec, "run", "run", t,
				     a->nhosts == 1 ? a->hosts[0]->name : "all");
}

/* After the kext is closed (a coverage build's counters are on disk). */
static bool run_close_outputs(struct run_args *a)
{
	bool ok = !a->record_failed;
	bool stopped = bench_interrupted() && bench_interrupted() != BENCH_INTERRUPT_DEADLINE;

	if (a->junit_file != NULL) {
		ok = (a->junit == NULL || bench_junit_write(a->junit, a->junit_file)) && ok;
		ok = fclose(a->junit_file) == 0 && ok;
		if (!ok)
			fprintf(stderr, "drvbench run: error writing %s\n", a->junit_path);
	}
	bench_junit_free(a->junit);
	return drvbench_record_end(&a->rec, "run", stopped ? "interrupted" : "done") && ok;
}

/* Hosts not started because the deadline passed: their scenarios failed. */
static void run_hosts_skipped(const struct run_args *a, const struct drvbench_target *t, size_t h,
			      size_t nsel, struct run_totals *tot)
{
	char label[64];

	for (; h < a->nhosts; h++) {
		bench_host_label(a->hosts[h], t->profile, label, sizeof(label));
		printf("drvbench run: host %s not started: %s (%zu scenario(s) failed: not run)\n\n",
		       label, bench_interrupt_reason(), nsel);
		tot->hosts++;
		tot->failed += (unsigned)nsel;
	}
}

static int run_status(const struct run_args *a, const struct run_totals *tot)
{
	int status = tot->failed > 0 ? DRVBENCH_EXIT_FAILED : DRVBENCH_EXIT_OK;

	if (tot->unavailable > 0 && (!a->hosts_all || a->require_hosts)) {
		printf("drvbench run: %u host(s) %s unavailable: not everything asked for was "
		       "tested\n", tot->unavailable, a->hosts_all ? "required (--require-hosts)"
							  : "named with --host");
		status = drvbench_exit_worst(status, DRVBENCH_EXIT_NOT_TESTED);
	}
	return status;
}

static int run_all(struct run_args *a)
{
	const struct bench_scenario *sel[RUN_MAX_NAMES];
	struct run_totals tot = { 0 };
	struct drvbench_target t;
	char why[256] = "";
	size_t nsel = 0, h;
	bool outputs_ok;
	int status = drvbench_target_open("run", &a->target, &t);

	if (status >= 0)
		return status;
	status = run_select(a, t.module, sel, &nsel);
	if (status >= 0) {
		drvbench_target_close(&t);
		return status;
	}
	if (a->nhosts == 0) /* none named: every host (unavailable ones are listed) */
		run_set_host(a, "all");
	if (!run_open_outputs(a, &t)) {
		drvbench_target_close(&t);
		run_close_outputs(a);
		return DRVBENCH_EXIT_USAGE;
	}
	if (!bench_interrupt_install(why, sizeof(why)))
		fprintf(stderr, "drvbench run: %s; an interrupt will stop the run where it is\n",
			why);
	bench_interrupt_deadline((unsigned)a->timeout_s);
	for (h = 0; h < a->nhosts && !bench_interrupted(); h++)
		run_on_host(a, &t, sel, nsel, a->hosts[h], &tot);
	if (bench_interrupted() == BENCH_INTERRUPT_DEADLINE)
		run_hosts_skipped(a, &t, h, nsel, &tot);
	else if (bench_interrupted())
		tot.not_run += (unsigned)((a->nhosts - h) * nsel);
	bench_interrupt_deadline(0);
	drvbench_target_close(&t);
	outputs_ok = run_close_outputs(a);
	printf("total: %u scenario run(s) on %u host(s): %u passed, %u failed, %u cannot run"
	       " (%u host(s) unavailable)\n",
	       tot.passed + tot.failed + tot.cannot, tot.hosts, tot.passed, tot.failed, tot.cannot,
	       tot.unavailable);
	if (bench_interrupted() && bench_interrupted() != BENCH_INTERRUPT_DEADLINE) {
		printf("drvbench run: %s: %u scenario(s) not run or cut short; the scenarios above "
		       "were kept\n", bench_interrupt_reason(), tot.not_run);
		bench_interrupt_exit();
	}
	status = run_status(a, &tot);
	return outputs_ok ? status : drvbench_exit_worst(status, DRVBENCH_EXIT_OUTPUT);
}

int drvbench_cmd_run(int argc, char **argv)
{
	struct run_args a;
	int status;

	memset(&a, 0, sizeof(a));
	status = run_parse(&a, argc, argv);
	if (status < 0)
		status = a.list ? run_list(&a) : run_all(&a);
	run_free(&a);
	return status;
}
